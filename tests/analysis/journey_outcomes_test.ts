/**
 * Journeys meet outcomes. touchpointChurn against R's survival package
 * (tests/fixtures/journey/make_churn_fixture.R: Kaplan–Meier medians with
 * their intervals, survdiff of each group against the rest, p.adjust holm);
 * touchpointOutcomes worked by hand (NPS per side, the z-test's p from
 * scipy's norm.sf); stackTouchpoints keeps every row.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { touchpointChurn } from "../../src/analysis/journey/outcomes_churn.ts";
import { touchpointOutcomes } from "../../src/analysis/journey/outcomes_nps.ts";
import { stackTouchpoints } from "../../src/analysis/journey/touchpoints.ts";
import { transitions } from "../../src/analysis/journey/transitions.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { meta } from "../../src/meta.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";

const HERE = new URL("../fixtures/journey/", import.meta.url);
const day = (v: string) => v === "" ? null : new Date(`${v}T00:00:00Z`);
const read = async (name: string, parse: Record<string, (v: string) => unknown> = {}) =>
  aq.fromCSV(await Deno.readTextFile(new URL(name, HERE)), { parse });
const customers = await read("churn_customers.csv", { signup_date: day, churn_date: day });
const contacts = await read("churn_events.csv", { date: day });
const observedUntil = new Date("2025-12-31T00:00:00Z");
const rows = (t: ColumnTable) => t.objects() as Record<string, unknown>[];

function sameAsR(actual: ColumnTable, expected: ColumnTable, what: string) {
  assert.deepEqual(actual.array("group"), expected.array("group"), what);
  rows(expected).forEach((e, i) => {
    const a = rows(actual)[i];
    for (const [name, value] of Object.entries(e)) {
      if (name === "group") continue;
      const want = value === null || value === undefined ? null : Number(value);
      if (want === null) assert.equal(a[name], null, `${what} ${e.group} ${name}`);
      else {
        const got = a[name] as number;
        assert.ok(
          Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)),
          `${what} ${e.group} ${name}: ${got} vs ${want}`,
        );
      }
    }
  });
}

Deno.test("touchpointChurn by number of contacts and by first channel equals R survival", async () => {
  const byContacts = touchpointChurn(contacts, { customers, observedUntil });
  sameAsR(byContacts, await read("churn_contacts.csv"), "contacts");
  assert.ok(rows(byContacts).every((r) => r.df === 1));
  assert.equal(byContacts.get("significant", 0), true);
  const byFirst = touchpointChurn(contacts, { customers, observedUntil, split: "first-channel" });
  sameAsR(byFirst, await read("churn_first_channel.csv"), "first channel");
  assert.equal(meta(byFirst).kind, "journey");
});

const d = (n: number) => new Date(Date.UTC(2025, 0, n));
// a, b, c called by phone before answering (3, 5, 10); d called after answering (9);
// e, f, g never called (10, 8, 2); h answered but has no journey at all (left out).
const events = aq.table({
  customer_id: ["a", "b", "c", "d", "e", "f", "g", "a"],
  date: [d(1), d(1), d(2), d(9), d(1), d(1), d(1), d(1)],
  channel: ["phone", "phone", "phone", "phone", "web", "web", "web", "web"],
});
const responses = aq.table({
  customer_id: ["a", "b", "c", "d", "e", "f", "g", "h", "a"],
  date: [d(5), d(5), d(5), d(5), d(5), d(5), d(5), d(5), null],
  nps_score: [3, 5, 10, 9, 10, 8, 2, 0, 10],
});

Deno.test("touchpointOutcomes by hand: NPS with and without, z-test, Holm", () => {
  const r = touchpointOutcomes(events, { responses });
  const phone = rows(r).find((x) => x.touchpoint === "phone")!;
  // with: 3, 5, 10 → (1 − 2)/3; without: 9, 10, 8, 2 → (2 − 1)/4
  assert.equal(phone.n_with, 3);
  assert.ok(Math.abs((phone.nps_with as number) - -100 / 3) < 1e-12);
  assert.equal(phone.nps_without, 25);
  assert.ok(Math.abs((phone.difference as number) - (-100 / 3 - 25)) < 1e-12);
  // se = 100·√(Var_with + Var_without), Var = (pP + pD − (pP − pD)²)/n; scipy: 2·norm.sf(0.852539…)
  assert.ok(Math.abs((phone.std_err as number) - 68.42304409307557) < 1e-9);
  assert.ok(Math.abs((phone.p_value as number) - 0.3939148425494491) < 1e-9);
  const web = rows(r).find((x) => x.touchpoint === "web")!;
  // web (a, e, f, g): 3, 10, 8, 2 → (1 − 2)/4; without (b, c, d): 5, 10, 9 → (2 − 1)/3
  assert.equal(web.nps_with, -25);
  // Holm over two tests: the smaller p doubled, the larger kept (at least the first)
  const ps = [phone.p_value as number, web.p_value as number].sort((x, y) => x - y);
  const adjusted = [Math.min(1, 2 * ps[0]), Math.max(Math.min(1, 2 * ps[0]), ps[1])];
  assert.deepEqual(
    [phone.p_adjusted, web.p_adjusted].sort((x, y) => (x as number) - (y as number)),
    adjusted,
  );
  const notes = (meta(r) as { notes: Record<string, unknown> }).notes;
  assert.equal(notes.answers_without_journey, 1);
  assert.equal(notes.answers_left_out, 1);
  assert.equal(notes.answers, 7);
});

Deno.test("touchpoint outcomes refuse missing tables, bad options and engines", async () => {
  assert.throws(() => touchpointOutcomes(events, {} as never), /needs option "responses"/);
  assert.throws(
    () => touchpointChurn(events, { observedUntil } as never),
    /needs option "customers"/,
  );
  assert.throws(
    () => touchpointChurn(contacts, { customers, observedUntil, split: "last" as never }),
    /"contacts" or "first-channel"/,
  );
  const engine = duckdbEngine();
  try {
    assert.throws(
      () => touchpointOutcomes(events, { responses, engine }),
      /cannot run in an SQL engine/,
    );
  } finally {
    await engine.close();
  }
});

Deno.test("stackTouchpoints: every row of every source, labelled, ready for the analyses", () => {
  const tickets = aq.table({
    customer_id: ["a", null, "b"],
    created_at: [d(3), d(4), d(5)],
    channel: ["phone", "chat", null],
  });
  const stacked = stackTouchpoints({ events, tickets, responses }, {
    column: "step",
    eventColumn: "channel",
  });
  assert.equal(stacked.numRows(), events.numRows() + tickets.numRows() + responses.numRows());
  assert.deepEqual(stacked.columnNames(), ["customer_id", "date", "step", "source"]);
  assert.deepEqual(stacked.array("step").slice(8, 12), [
    "ticket: phone",
    "ticket: chat",
    "ticket",
    "survey",
  ]);
  const t = transitions(stacked);
  // the ticket without a customer and the answer without a date are left out, and counted
  assert.equal((meta(t) as { notes: Record<string, unknown> }).notes.rows_left_out, 2);
  const plain = stackTouchpoints({ tickets }, { withChannel: false });
  assert.deepEqual(plain.array("channel"), ["ticket", "ticket", "ticket"]);
  assert.throws(() => stackTouchpoints({}), CxOptionsError);
  assert.throws(() => stackTouchpoints({ tickets }, { column: "date" }), /must differ/);
  assert.throws(() => stackTouchpoints({ tickets }, { ticketDate: "opened" }), /opened/);
});
