/**
 * `meta(result)`: one accessor for the metadata of every kind of result,
 * each field worked out from the call that made the result.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import {
  cohortRetention,
  correlate,
  CxOptionsError,
  kaplanMeier,
  keyDrivers,
  logRank,
  meta,
  nps,
} from "../src/mod.ts";
import { duckdbEngine } from "../src/engine/duckdb.ts";
import { coxPh } from "../src/predict/cox.ts";

const answers = aq.table({ nps_score: [10, 9, 3, 8, 10, 0], g: ["a", "a", "b", "b", null, "a"] });
const times = aq.table({
  time: [1, 2, 3, 4, 5, 6],
  event: [1, 0, 1, 1, 0, 1],
  g: ["a", "a", "b", "b", "a", "b"],
});
const scores = aq.table({ a: [1, 2, 3, 4, 5], b: [2, 1, 4, 3, 5], y: [1, 3, 2, 5, 4] });
const d = (s: string) => new Date(s);
const events = aq.table({
  customer_id: ["a", "a", "b", "b", "c"],
  date: [d("2024-01-05"), d("2024-02-10"), d("2024-01-20"), d("2024-03-01"), d("2024-02-02")],
});

/** One row per kind: the call, then the fields its options fix. */
const ROWS: [string, () => ColumnTable, Record<string, unknown>][] = [
  // nps by g: the default Wald interval at 95 %, minN 30; one answer has no g.
  ["kpi", () => nps(answers, { by: "g" }), {
    kpi: "nps",
    method: "wald",
    confidence: 0.95,
    by: ["g"],
    minN: 30,
    timeZone: "UTC",
  }],
  ["survival", () => kaplanMeier(times, { by: "g", transform: "log-log", confidence: 0.9 }), {
    analysis: "kaplan-meier",
    by: ["g"],
    confidence: 0.9,
    transform: "log-log",
    variance: "greenwood",
    columns: { time: "time", event: "event" },
  }],
  ["logRank", () => logRank(times, { by: "g", pairwise: true }), { by: ["g"], pairwise: true }],
  ["correlate", () => correlate(scores, { columns: ["a", "b"], method: "spearman" }), {
    methods: ["spearman"],
    confidence: 0.95,
    by: [],
    variables: ["a", "b"],
    against: null,
  }],
  ["keyDrivers", () => keyDrivers(scores, { outcome: "y", drivers: ["a", "b"] }), {
    outcome: "y",
    drivers: ["a", "b"],
    methods: ["relative-weights"],
    by: [],
    bootstrap: null,
  }],
  ["cohort", () => cohortRetention(events, { observedUntil: d("2024-03-31") }), {
    analysis: "cohortRetention",
    method: "wilson",
    period: "month",
    window: "calendar",
    mode: "exact",
    observedUntil: d("2024-03-31"),
    cutoff: d("2024-04-01"),
    warnings: [],
  }],
  [
    "cox",
    () => coxPh(times, { covariates: ["g"], ties: "breslow", confidence: 0.9 }).coefficients,
    {
      table: "coefficients",
      ties: "breslow",
      confidence: 0.9,
      columns: { time: "time", event: "event", covariates: ["g"], strata: [] },
      n: 6,
      events: 4,
    },
  ],
];

for (const [kind, make, fields] of ROWS) {
  Deno.test(`meta: ${kind} result`, () => {
    const result = make();
    const m = meta(result) as unknown as Record<string, unknown>;
    assert.equal(m.kind, kind);
    for (const [key, value] of Object.entries(fields)) assert.deepEqual(m[key], value, key);
    assert.equal(m.engine, undefined, "no engine part for an in-memory result");
  });
}

Deno.test("meta: notes say what the call left out", () => {
  const m = meta(nps(answers, { by: "g" }));
  assert.equal(m.kind, "kpi");
  assert.match(String(m.notes.missingGroups), /^1 answer with a missing g left out/);
  const c = meta(cohortRetention(events, { observedUntil: d("2024-03-31") }));
  assert.ok(c.kind === "cohort");
  // c's events are all inside the window: nothing ignored.
  assert.equal(c.notes.eventsIgnored, 0);
});

Deno.test("meta: an engine result keeps its kind and adds engine and SQL", async () => {
  const engine = duckdbEngine();
  try {
    const km = await kaplanMeier(times, { by: "g", engine, explain: true });
    const m = meta(km);
    assert.equal(m.kind, "survival");
    if (m.kind === "survival") assert.equal(m.transform, "log");
    assert.equal(m.engine, engine.name);
    assert.equal(m.queries?.length, 1);
    assert.match(m.queries![0].sql, /GROUP BY 1, 2/);
    assert.equal(m.queries![0].dialect, "duckdb");
  } finally {
    await engine.close();
  }
});

Deno.test("meta: a score KPI in an engine is the in-memory meta plus engine and queries", async () => {
  const engine = duckdbEngine();
  try {
    const memory = meta(nps(answers, { by: "g" }));
    const plain = meta(await nps(answers, { by: "g", engine }));
    assert.deepEqual(plain, { ...memory, engine: engine.name, queries: [] });
    const explained = meta(await nps(answers, { by: "g", engine, explain: true }));
    assert.equal(explained.queries?.length, 1);
    assert.match(explained.queries![0].sql, /GROUP BY 1/);
  } finally {
    await engine.close();
  }
});

Deno.test("meta: a table made by an Arquero verb carries no metadata and throws", () => {
  const result = nps(answers, { by: "g" });
  for (const derived of [result.filter(() => true), result.select("g"), result.orderby("g")]) {
    assert.throws(() => meta(derived), CxOptionsError);
  }
  assert.throws(
    () => meta(result.derive({ x: () => 1 })),
    (e: unknown) =>
      e instanceof CxOptionsError &&
      e.message ===
        "meta: this table carries no cxkit metadata; call meta on the result itself, before Arquero verbs",
  );
  assert.throws(() => meta(aq.table({ a: [1] })), CxOptionsError);
});
