/**
 * attribution: Markov removal effects and attributed conversions equal an
 * independent numpy absorbing-chain implementation to 1e-9
 * (tests/fixtures/journey/make_attribution_fixture.py, its output in
 * attribution_fixture_output.txt); first, last, linear and position worked by
 * hand, and all heuristic models (time-decay too) against the same script;
 * the bootstrap is seeded and its intervals hold the estimate.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attribution } from "../../src/analysis/journey/attribution.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { meta } from "../../src/meta.ts";

const HERE = new URL("../fixtures/journey/", import.meta.url);
const csv = async (name: string) =>
  aq.fromCSV(await Deno.readTextFile(new URL(name, HERE)), {
    parse: { date: (v: string) => new Date(v) },
  });
const events = await csv("attribution_events.csv");
const byChannel = (t: ColumnTable, column: string) =>
  Object.fromEntries(
    (t.objects() as Record<string, unknown>[]).map((r) => [r.channel, r[column] as number]),
  );
const close = (a: Record<string, number>, e: Record<string, number>, what: string) => {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), what);
  for (const k of Object.keys(e)) {
    assert.ok(Math.abs(a[k] - e[k]) <= 1e-9, `${what} ${k}: ${a[k]} vs ${e[k]}`);
  }
};

Deno.test("markov removal effects and conversions equal numpy's absorbing-chain algebra (1e-9)", async () => {
  const ref = await csv("attribution_markov.csv");
  const r = attribution(events, { resamples: 50 });
  close(byChannel(r, "removal_effect"), byChannel(ref, "removal_effect"), "removal effect");
  close(byChannel(r, "conversions"), byChannel(ref, "conversions"), "conversions");
  const notes = (meta(r) as { notes: Record<string, number> }).notes;
  // the fixture script prints P(conversion) 0.385 (231 of 600 customers)
  assert.ok(Math.abs(notes.conversion_probability - 0.385) < 1e-12);
  assert.equal(notes.conversions, 231);
  assert.equal(notes.unattributed, 0);
});

Deno.test("first, last, linear, position and time-decay equal the reference script", async () => {
  const ref = await csv("attribution_models.csv");
  for (const model of ["first", "last", "linear", "position", "time-decay"] as const) {
    const r = attribution(events, { model, resamples: 20 });
    close(byChannel(r, "conversions"), byChannel(ref, model.replace("-", "_")), model);
    assert.ok(!r.columnNames().includes("removal_effect"));
  }
});

const h = (hour: number) => new Date(Date.UTC(2025, 0, 1, hour));
// a: mail, search, social, ad, then purchase (converts, four touchpoints)
// b: search, then purchase at the same hour as ad (ad counts), then mail after (does not)
// c: social only (never converts)
const small = aq.table({
  customer_id: ["a", "a", "a", "a", "a", "b", "b", "b", "b", "c"],
  date: [h(1), h(2), h(3), h(4), h(5), h(1), h(2), h(2), h(3), h(1)],
  channel: [
    "mail",
    "search",
    "social",
    "ad",
    "purchase",
    "search",
    "ad",
    "purchase",
    "mail",
    "social",
  ],
});

Deno.test("heuristic models by hand", () => {
  const conv = (model: "first" | "last" | "linear" | "position") =>
    byChannel(attribution(small, { model, resamples: 10 }), "conversions");
  // first: a → mail, b → search. last: a → ad, b → ad.
  assert.deepEqual(conv("first"), { mail: 1, search: 1, social: 0, ad: 0 });
  assert.deepEqual(conv("last"), { ad: 2, mail: 0, search: 0, social: 0 });
  // linear: a gives 1/4 to each of four; b gives 1/2 to search and ad.
  close(conv("linear"), { mail: 0.25, search: 0.75, social: 0.25, ad: 0.75 }, "linear");
  // position: a: 0.4 mail, 0.1 search, 0.1 social, 0.4 ad; b (two touchpoints): 0.5 each.
  close(conv("position"), { mail: 0.4, search: 0.6, social: 0.1, ad: 0.9 }, "position");
  // time-decay, half-life 1/24 day = 1 hour: a's weights 1/16, 1/8, 1/4, 1/2 (1 to 4 hours before).
  const td = byChannel(
    attribution(small, { model: "time-decay", halfLife: 1 / 24, resamples: 10 }),
    "conversions",
  );
  const s = 1 / 16 + 1 / 8 + 1 / 4 + 1 / 2;
  close(td, {
    mail: 1 / 16 / s,
    search: 1 / 8 / s + 1 / 3,
    social: 1 / 4 / s,
    ad: 1 / 2 / s + 2 / 3,
  }, "time-decay");
});

Deno.test("bootstrap intervals: seeded, hold the estimate, shares sum to one", () => {
  const a = attribution(events, { resamples: 300, seed: 5 });
  const b = attribution(events, { resamples: 300, seed: 5 });
  const c = attribution(events, { resamples: 300, seed: 6 });
  assert.deepEqual(a.objects(), b.objects());
  assert.notDeepEqual(a.array("conversions_low"), c.array("conversions_low"));
  for (const r of a.objects() as Record<string, number>[]) {
    assert.ok(r.conversions_low <= r.conversions && r.conversions <= r.conversions_high);
    assert.ok(r.share_low <= r.share && r.share <= r.share_high);
    assert.ok(r.conversions_high - r.conversions_low > 1, "a real spread over 600 customers");
  }
  const shares = (a.array("share") as number[]).reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(shares - 1) < 1e-12);
  assert.deepEqual(a.columnNames(), [
    "channel",
    "conversions",
    "conversions_low",
    "conversions_high",
    "share",
    "share_low",
    "share_high",
    "removal_effect",
  ]);
});

Deno.test("attribution refuses bad options", () => {
  // a misspelt conversion would give zero conversions everywhere: refused, with the labels there
  assert.throws(
    () => attribution(small, { conversion: "purchse" }),
    /"conversion" is "purchse", but no event has that channel; values present: ad, mail, purchase, search, social$/,
  );
  assert.throws(
    () => attribution(small, { model: "shapley" as never }),
    /"model" must be one of markov, first/,
  );
  assert.throws(() => attribution(small, { halfLife: 0 }), /"halfLife" must be a positive number/);
  assert.throws(() => attribution(small, { resamples: 1.5 }), /"resamples" must be a whole number/);
  assert.throws(() => attribution(small, { chanel: "x" } as never), /did you mean "channel"/);
  assert.throws(() => attribution(small, { channel: "step" }), CxOptionsError);
});
