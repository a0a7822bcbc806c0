/**
 * Rows whose `by` value is missing (issue #13, item 9): left out of KPIs,
 * tests, curves and drivers by default, as R drops `NA` groups, and counted
 * in the result's `notes.missingGroups`; `missing: "group"` keeps them as
 * their own group. Checked against hand-worked counts, against R
 * (`survfit`, `survdiff` and `cmprsk::cuminc` on data with `NA` groups:
 * tests/fixtures/survival/make_missing_fixtures.R), in DuckDB as in memory,
 * and on the hostile cases of tests/fixtures/hostile/missing/cases.json.
 */
import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import assert from "node:assert/strict";
import {
  churnRate,
  cohortRetention,
  correlate,
  csat,
  cumulativeIncidence,
  CxError,
  duckdbEngine,
  kaplanMeier,
  keyDrivers,
  logRank,
  nps,
  segment,
  type SegmentOptions,
  trend,
  type TrendOptions,
} from "../../src/mod.ts";
import { assertClose } from "../metrics/fixtures.ts";
import { assertSameResult } from "../engine/assert_same.ts";

type Row = Record<string, unknown>;

/** Rows of a survival fixture, values as text ("" = missing, R's NA). */
function fixture(name: string): Record<string, string>[] {
  const text = Deno.readTextFileSync(new URL(`../fixtures/survival/${name}`, import.meta.url));
  return (aq.fromCSV(text, { autoType: false }).objects() as Record<string, string | null>[])
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? ""])));
}

const NOTE_TAIL = '; missing: "group" keeps them as their own group';

Deno.test("missing groups: nps by channel leaves out 3 answers without a channel, or groups them", () => {
  const t = aq.table({
    channel: ["chat", "web", null, "chat", "web", null, "chat", "web", null],
    nps_score: [10, 8, 10, 9, 7, 9, 3, 0, 0],
  });
  const dropped = nps(t, { by: "channel" });
  // chat 10, 9, 3: 2 promoters, 1 detractor; web 8, 7, 0: 1 detractor.
  assert.deepEqual((dropped.objects() as Row[]).map((r) => [r.channel, r.n]), [["chat", 3], [
    "web",
    3,
  ]]);
  assertClose(dropped.get("nps", 0), 100 / 3, "chat", 1e-12);
  assert.equal(
    meta<"kpi">(dropped)?.notes.missingGroups,
    `3 answers with a missing channel left out${NOTE_TAIL}`,
  );
  const kept = nps(t, { by: "channel", missing: "group" });
  // The missing group: 10, 9, 0 → 2 promoters, 1 detractor of 3.
  // A null key, sorted first (as Arquero's orderby puts null).
  assert.deepEqual(kept.array("channel"), [null, "chat", "web"]);
  assert.deepEqual(kept.array("n"), [3, 3, 3]);
  assertClose(kept.get("nps", 0), 100 / 3, "missing group", 1e-12);
  assert.equal(meta<"kpi">(kept)?.notes.missingGroups, undefined);
  // The generic Arquero aggregate follows the same rule.
  assert.deepEqual(nps(t, { by: "channel", aggregate: "arquero" }).objects(), dropped.objects());
});

Deno.test("missing groups: Kaplan–Meier and log-rank with NA celltypes equal R survfit/survdiff", () => {
  const input = fixture("veteran_na_input.csv").map((r) => ({
    time: Number(r.time),
    event: r.status === "1",
    celltype: r.celltype === "" ? null : r.celltype,
  }));
  const table = aq.from(input);
  const missing = input.filter((r) => r.celltype === null).length;
  const km = kaplanMeier(table, { by: "celltype" });
  const expected = fixture("km_veteran_celltype_na.csv");
  assert.equal(Number(expected[0].dropped), missing); // R's na.action: the same 15 rows
  const ours = km.objects() as Row[];
  assert.equal(ours.length, expected.length);
  expected.forEach((e, i) => {
    const o = ours[i];
    assert.equal(o.celltype, e.group);
    for (const [mine, theirs] of [["time", "time"], ["n_risk", "n_risk"], ["n_event", "n_event"]]) {
      assert.equal(o[mine], Number(e[theirs]), `row ${i} ${mine}`);
    }
    for (
      const [mine, theirs] of [["survival", "surv"], ["std_err", "std_err"], [
        "survival_low",
        "lower",
      ], ["survival_high", "upper"]]
    ) {
      const want = e[theirs] === "" ? null : Number(e[theirs]);
      if (want === null) assert.equal(o[mine], null, `row ${i} ${mine}`);
      else assertClose(o[mine] as number, want, `row ${i} ${mine}`, 1e-12);
    }
  });
  assert.equal(
    meta<"survival">(km)?.notes?.missingGroups,
    `${missing} rows with a missing celltype left out${NOTE_TAIL}`,
  );
  const test = logRank(table, { by: "celltype" }).objects() as Row[];
  const reference = fixture("logrank_veteran_celltype_na.csv");
  assert.deepEqual(test.map((r) => r.celltype), reference.map((r) => r.group));
  reference.forEach((e, i) => {
    assert.equal(test[i].n, Number(e.n));
    assert.equal(test[i].observed, Number(e.observed));
    assertClose(test[i].expected as number, Number(e.expected), `expected ${i}`, 1e-10);
    assertClose(test[i].statistic as number, Number(e.chisq), "chisq", 1e-10);
    assertClose(test[i].p_value as number, Number(e.p), "p", 1e-10);
  });
  // Kept as a group, the missing celltypes change the test: R's survdiff would need them recoded.
  const grouped = logRank(table, { by: "celltype", missing: "group" });
  assert.equal(grouped.numRows(), 5);
  assert.equal(meta<"logRank">(grouped)?.notes.missingGroups, undefined);
});

Deno.test("missing groups: cumulativeIncidence with NA plans and a named censoring value equals cmprsk::cuminc", () => {
  const rows = fixture("customers_plan_na_input.csv");
  const table = aq.from(rows.map((r) => ({
    time: Number(r.time),
    plan: r.plan === "" ? null : r.plan,
    reason: r.reason,
  })));
  const cif = cumulativeIncidence(table, { status: "reason", censored: "censored", by: "plan" });
  const ours = cif.objects() as Row[];
  const reference = fixture("cuminc_customers_plan_na.csv");
  assert.ok(reference.length >= 20);
  for (const e of reference) {
    const t = Number(e.time);
    // The step function at t: the last row of that plan and reason at or before t.
    const at = ours.filter((r) =>
      r.plan === e.group && r.reason === e.reason && (r.time as number) <= t
    )
      .pop();
    assertClose(
      at?.cumulative_incidence as number ?? 0,
      Number(e.est),
      `${e.group} ${e.reason} ${t}`,
      1e-12,
    );
  }
  const missing = rows.filter((r) => r.plan === "").length;
  assert.equal(missing, 714);
  assert.equal(
    meta<"survival">(cif)?.notes?.missingGroups,
    `${missing} rows with a missing plan left out${NOTE_TAIL}`,
  );
});

Deno.test("missing groups: keyDrivers by segment leaves out the rows without one", () => {
  const n = 40;
  const seg = Array.from({ length: n }, (_, i) => (i % 10 === 9 ? null : i % 2 ? "a" : "b"));
  const x1 = Array.from({ length: n }, (_, i) => (i * 7) % 11);
  const x2 = Array.from({ length: n }, (_, i) => (i * 5) % 13);
  const y = x1.map((v, i) => 2 * v + x2[i] + ((i * 3) % 5));
  const t = aq.table({ seg, x1, x2, y });
  const r = keyDrivers(t, { outcome: "y", drivers: ["x1", "x2"], by: "seg" });
  assert.deepEqual([...new Set(r.array("seg"))], ["a", "b"]);
  assert.equal(
    meta<"keyDrivers">(r)?.notes.missingGroups,
    `4 rows with a missing seg left out${NOTE_TAIL}`,
  );
  // Each segment's weights are those of the segment alone.
  const alone = keyDrivers(t.filter((d: { seg: string | null }) => d.seg === "a"), {
    outcome: "y",
    drivers: ["x1", "x2"],
  });
  assert.deepEqual(
    r.filter((d: { seg: string }) => d.seg === "a").array("raw_weight"),
    alone.array("raw_weight"),
  );
  const kept = keyDrivers(t, { outcome: "y", drivers: ["x1", "x2"], by: "seg", missing: "group" });
  assert.deepEqual([...new Set(kept.array("seg"))], ["a", "b", null]); // rowGroups: missing last
});

Deno.test("missing groups: DuckDB leaves out the same groups (null, empty, blank) and notes them alike", async () => {
  const t = aq.table({
    g: ["a", "", null, "  ", "a", "b", "b", null, "b", "a"],
    time: [1, 2, 2, 3, 4, 5, 6, 7, 8, 9],
    event: [1, 0, 1, 1, 0, 1, 1, 0, 1, 1],
    x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    y: [2, 1, 4, 3, 6, 5, 8, 7, 10, 9],
    nps_score: [10, 3, 9, 7, 0, 10, 6, 8, 9, 2],
  });
  const engine = duckdbEngine();
  try {
    for (const missing of [undefined, "group"] as const) {
      const o = { by: "g", missing };
      const km = await kaplanMeier(t, { ...o, engine });
      assertSameResult(km, kaplanMeier(t, o), `km ${missing}`);
      assert.deepEqual(meta<"survival">(km)?.notes, meta<"survival">(kaplanMeier(t, o))?.notes);
      const lr = await logRank(t, { ...o, engine });
      assertSameResult(lr, logRank(t, o), `log-rank ${missing}`);
      // the engine's result adds its engine and (without explain) no statements
      assert.deepEqual(meta(lr), { ...meta(logRank(t, o)), engine: engine.name, queries: [] });
      const r = await correlate(t, { columns: ["x", "y"], ...o, engine });
      assertSameResult(r, correlate(t, { columns: ["x", "y"], ...o }), `correlate ${missing}`);
      assert.equal(
        meta<"correlate">(r)?.notes.missingGroups,
        meta<"correlate">(correlate(t, { columns: ["x", "y"], ...o }))?.notes.missingGroups,
      );
      const k = await nps(t, { ...o, engine });
      assertSameResult(k, nps(t, o), `nps ${missing}`);
      assert.equal(
        meta<"kpi">(k)?.notes.missingGroups,
        meta<"kpi">(nps(t, o))?.notes.missingGroups,
      );
      const s = await segment(t, { kpi: "nps", ...o, minN: 1, engine });
      assertSameResult(s, segment(t, { kpi: "nps", ...o, minN: 1 }), `segment ${missing}`);
    }
    // Default: "", null and "  " (4 rows) left out; "group" keeps each as it is stored.
    assert.equal(
      meta<"survival">(await kaplanMeier(t, { by: "g", engine }))?.notes?.missingGroups,
      `4 rows with a missing g left out${NOTE_TAIL}`,
    );
    const grouped = await kaplanMeier(t, { by: "g", engine, missing: "group" });
    assert.deepEqual([...new Set(grouped.array("g"))], [null, "", "  ", "a", "b"]);
  } finally {
    await engine.close();
  }
});

// ---------------------------------------------------------------------------
// Hostile cases: tests/fixtures/hostile/missing/cases.json

interface HostileCase {
  name: string;
  about: string;
  call: string;
  table: Record<string, unknown[]>;
  dates?: string[];
  options: Record<string, unknown>;
  expect: {
    values?: Record<string, unknown[]>;
    note?: string | null;
    error?: { type: string; includes: string[] };
  };
}

const CALLS: Record<string, (t: ColumnTable, o: Record<string, unknown>) => ColumnTable> = {
  nps: (t, o) => nps(t, o),
  csat: (t, o) => csat(t, o),
  segment: (t, o) => segment(t, o as unknown as SegmentOptions),
  trend: (t, o) => trend(t, o as unknown as TrendOptions),
  kaplanMeier: (t, o) => kaplanMeier(t, o),
  logRank: (t, o) => logRank(t, o as never),
  cohortRetention: (t, o) => cohortRetention(t, o),
  correlate: (t, o) => correlate(t, o as never),
  churnRate: (t, o) =>
    churnRate(t, { ...o, observedUntil: new Date(o.observedUntil as string) }) as ColumnTable,
  cumulativeIncidence: (t, o) => cumulativeIncidence(t, o as never),
};

/** The note on groups left out, whichever kind of result it is. */
function missingNoteOf(result: ColumnTable): unknown {
  const notes = meta<"kpi">(result)?.notes ?? meta<"survival">(result)?.notes ??
    meta<"logRank">(result)?.notes ?? meta<"cohort">(result)?.notes ??
    meta<"correlate">(result)?.notes;
  return (notes as Record<string, unknown> | undefined)?.missingGroups ?? null;
}

const HOSTILE = JSON.parse(
  Deno.readTextFileSync(new URL("../fixtures/hostile/missing/cases.json", import.meta.url)),
) as { cases: HostileCase[] };

Deno.test("missing groups: the hostile cases hold (at least 8)", () => {
  assert.ok(HOSTILE.cases.length >= 8);
  assert.equal(new Set(HOSTILE.cases.map((c) => c.name)).size, HOSTILE.cases.length);
});

for (const c of HOSTILE.cases) {
  Deno.test(`missing groups hostile: ${c.name}`, () => {
    const columns = Object.fromEntries(
      Object.entries(c.table).map(([k, v]) => [
        k,
        c.dates?.includes(k) ? v.map((d) => (d === null ? null : new Date(d as string))) : v,
      ]),
    );
    const run = () => CALLS[c.call](aq.table(columns), c.options);
    if (c.expect.error) {
      const { type, includes } = c.expect.error;
      assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof CxError, `${c.name}: ${e}`);
        assert.equal(e.constructor.name, type, `${c.name}: ${e}`);
        for (const part of includes) assert.ok(e.message.includes(part), `${c.name}: ${e.message}`);
        return true;
      });
      return;
    }
    const result = run();
    for (const [column, want] of Object.entries(c.expect.values ?? {})) {
      const got = Array.from(result.array(column) as ArrayLike<unknown>);
      assert.equal(got.length, want.length, `${c.name}: ${column} ${JSON.stringify(got)}`);
      want.forEach((w, i) => {
        if (typeof w === "number" && !Number.isInteger(w)) {
          assertClose(got[i] as number, w, `${c.name}: ${column}[${i}]`, 1e-9);
        } else assert.deepEqual(got[i], w, `${c.name}: ${column}[${i}]`);
      });
    }
    assert.equal(missingNoteOf(result), c.expect.note ?? null, `${c.name}: note`);
  });
}
