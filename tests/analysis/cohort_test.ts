import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import assert from "node:assert/strict";
import { assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError, readCsv } from "../../src/mod.ts";
import { cohortRetention } from "../../src/analysis/cohort/retention.ts";
import {
  COHORT_RETENTION_COLUMNS,
  type CohortRetentionOptions,
} from "../../src/analysis/cohort/options.ts";
import { pooledRetention, retentionByCohort } from "../../src/analysis/cohort/summaries.ts";
import { COHORT_CHURN_COLUMNS, cohortChurn } from "../../src/analysis/cohort/churn.ts";
import { periodFn } from "../../src/time/period.ts";
import { compactTable, InstantColumn } from "../../src/kernels/columns.ts";
import { assertClose } from "../metrics/fixtures.ts";

type Row = Record<string, unknown>;
const d = (s: string) => new Date(s);
const rowsOf = (t: ColumnTable) => t.objects() as Row[];
/** [cohort, period_index, n, active, complete] per row: the shape most checks need. */
const cells = (t: ColumnTable) =>
  rowsOf(t).map((r) => [r.cohort, r.period_index, r.n, r.active, r.complete]);

// Four customers, months of 2024 (UTC):
//   a: Jan 5, Mar 10          → cohort Jan; active k = 0, 2
//   b: Jan 20, Feb 3, Feb 25  → cohort Jan; active k = 0, 1 (twice in February: counted once)
//   c: Jan 31                 → cohort Jan; active k = 0
//   d: Feb 14, Apr 1          → cohort Feb; active k = 0, 2
const small = aq.table({
  customer_id: ["a", "b", "c", "b", "d", "b", "a", "d", "a"],
  date: [
    d("2024-01-05"),
    d("2024-01-20"),
    d("2024-01-31"),
    d("2024-02-03"),
    d("2024-02-14"),
    d("2024-02-25"),
    d("2024-03-10"),
    d("2024-04-01"),
    d("2024-01-05"), // a's first event again: duplicates change nothing
  ],
});

Deno.test("exact vs unbounded on four customers, worked by hand", () => {
  const until = d("2024-04-30"); // cut-off 1 May: January … April observed completely
  const exact = cohortRetention(small, { observedUntil: until });
  // January (a, b, c; n = 3): k0 all 3; k1 b; k2 a; k3 (April) nobody — a real, observed 0.
  // February (d; n = 1): k0 d; k1 nobody; k2 d (1 April).
  assert.deepEqual(cells(exact), [
    ["2024-01", 0, 3, 3, true],
    ["2024-01", 1, 3, 1, true],
    ["2024-01", 2, 3, 1, true],
    ["2024-01", 3, 3, 0, true],
    ["2024-02", 0, 1, 1, true],
    ["2024-02", 1, 1, 0, true],
    ["2024-02", 2, 1, 1, true],
  ]);
  assert.deepEqual(exact.array("retention"), [1, 1 / 3, 1 / 3, 0, 1, 0, 1]);
  // Unbounded: active in k or later. Last active k: a 2, b 1, c 0 → k0 3, k1 2 (a, b), k2 1, k3 0.
  // d's last k is 2 → 1 for k = 0, 1, 2.
  const unbounded = cohortRetention(small, { observedUntil: until, mode: "unbounded" });
  assert.deepEqual(unbounded.array("active"), [3, 2, 1, 0, 1, 1, 1]);
  assert.deepEqual(
    exact.columnNames(),
    [...COHORT_RETENTION_COLUMNS, "complete", "window", "time_zone"],
  );
  assert.deepEqual((exact.array("cohort_start") as Date[]).map((v) => v.toISOString()), [
    ...Array(4).fill("2024-01-01T00:00:00.000Z"),
    ...Array(3).fill("2024-02-01T00:00:00.000Z"),
  ]);
  const info = meta<"cohort">(unbounded)!;
  assert.equal(info.mode, "unbounded");
  assert.equal(info.cutoff!.toISOString(), "2024-05-01T00:00:00.000Z");
  assert.deepEqual(info.warnings, []);
});

Deno.test("a customer active twice in one period is counted once", () => {
  // b has two February events; January cohort k1 counts b once: 1 of 3.
  const r = rowsOf(cohortRetention(small, { observedUntil: d("2024-04-30") }));
  assert.equal(r[1].active, 1);
  // Day periods: b's 3 and 25 February are different days, each counted once.
  const doubled = aq.table({
    customer_id: ["x", "x", "x"],
    date: [d("2024-01-01T08:00Z"), d("2024-01-02T09:00Z"), d("2024-01-02T17:00Z")],
  });
  const days = rowsOf(cohortRetention(doubled, { period: "day" }));
  assert.deepEqual(days.map((r) => [r.period_index, r.active]), [[0, 1], [1, 1]]);
});

Deno.test("unreached cells have no row; the partly observed period is flagged, never a 0 % row", () => {
  // Cut-off 16 March: d's 1 April event is not observed.
  const r = cohortRetention(small, { observedUntil: d("2024-03-15") });
  // January reaches March (k2) only partly; k3 (April) has not started: no row.
  // February reaches March (k1) partly; k2 has not started: no row.
  assert.deepEqual(cells(r), [
    ["2024-01", 0, 3, 3, true],
    ["2024-01", 1, 3, 1, true],
    ["2024-01", 2, 3, 1, false],
    ["2024-02", 0, 1, 1, true],
    ["2024-02", 1, 1, 0, false],
  ]);
  const info = meta<"cohort">(r)!;
  assert.equal(info.notes.eventsIgnored, 1);
  assert.equal(info.notes.incompleteCells, 2);
  // Default cut-off: the day after the last event (1 April) → April is observed one day.
  const byDefault = cohortRetention(small);
  assert.equal(meta<"cohort">(byDefault)!.observedUntil!.toISOString(), "2024-04-01T00:00:00.000Z");
  assert.deepEqual(cells(byDefault).at(-1), ["2024-02", 2, 1, 1, false]);
});

Deno.test("time zone: 23:30 UTC on 31 January is February in Berlin", () => {
  const events = aq.table({
    customer_id: ["x", "x", "y"],
    date: [d("2024-01-10T12:00:00Z"), d("2024-01-31T23:30:00Z"), d("2024-01-31T23:30:00Z")],
  });
  const until = { observedUntil: d("2024-02-29") };
  // UTC: both of x's events are in January (k0 only); y's cohort is January.
  const utc = cohortRetention(events, until);
  assert.deepEqual(cells(utc), [["2024-01", 0, 2, 2, true], ["2024-01", 1, 2, 0, true]]);
  // Berlin (UTC+1): x's second event is 00:30 on 1 February (k1); y joins the February cohort.
  const berlin = cohortRetention(events, { ...until, timeZone: "Europe/Berlin" });
  assert.deepEqual(cells(berlin), [
    ["2024-01", 0, 1, 1, true],
    ["2024-01", 1, 1, 1, true],
    ["2024-02", 0, 1, 1, true],
  ]);
  assert.equal(
    (berlin.get("cohort_start", 2) as Date).toISOString(),
    "2024-01-31T23:00:00.000Z", // midnight in Berlin
  );
  assert.deepEqual([...new Set(berlin.array("time_zone"))], ["Europe/Berlin"]);
});

Deno.test("rolling windows: 24 h days and 30-day months from each customer's first event", () => {
  // Days: first event 1 Jan 10:00. 2 Jan 09:59 is 23 h 59 min later → window 0 (calendar: day 1);
  // 2 Jan 10:00 is exactly 24 h later → window 1; 8 Jan 12:00 is 7 d 2 h later → window 7.
  const x = aq.table({
    customer_id: ["x", "x", "x"],
    date: [d("2024-01-01T10:00Z"), d("2024-01-02T09:59Z"), d("2024-01-02T10:00Z")],
  });
  const opts: CohortRetentionOptions = { period: "day", observedUntil: d("2024-01-09") };
  const calendarDays = rowsOf(cohortRetention(x, opts)).map((r) => r.active);
  assert.deepEqual(calendarDays.slice(0, 3), [1, 1, 0]);
  const rollingDays = rowsOf(cohortRetention(x, { ...opts, window: "rolling" }));
  assert.deepEqual(rollingDays.slice(0, 3).map((r) => r.active), [1, 1, 0]);
  // Same result for different reasons: calendar k1 holds both events of 2 Jan; rolling k0
  // holds 09:59 and k1 holds 10:00. Add 2 Jan 09:00 only to see them differ:
  const y = aq.table({
    customer_id: ["y", "y"],
    date: [d("2024-01-01T10:00Z"), d("2024-01-02T09:00Z")],
  });
  assert.deepEqual(rowsOf(cohortRetention(y, opts)).slice(0, 2).map((r) => r.active), [1, 1]);
  assert.deepEqual(
    rowsOf(cohortRetention(y, { ...opts, window: "rolling" })).slice(0, 2).map((r) => r.active),
    [1, 0],
  );
  // Months = 30 days: first event 15 Jan; 13 Feb is day 29 (window 0), 14 Feb day 30 (window 1),
  // 20 Mar day 65 (window 2). Calendar months would put 13 Feb in k1.
  const m = aq.table({
    customer_id: ["m", "m", "m", "m"],
    date: [d("2024-01-15"), d("2024-02-13"), d("2024-02-14"), d("2024-03-20")],
  });
  const rolling = cohortRetention(m, { window: "rolling", observedUntil: d("2024-04-30") });
  // Windows ended by the cut-off (1 May = day 107): k0, k1, k2 (ends day 90); k3 ends day 120.
  assert.deepEqual(cells(rolling), [
    ["2024-01", 0, 1, 1, true],
    ["2024-01", 1, 1, 1, true],
    ["2024-01", 2, 1, 1, true],
  ]);
  assert.equal(meta<"cohort">(rolling)!.notes.rollingDays, 30);
  assert.deepEqual([...new Set(rolling.array("window"))], ["rolling"]);
});

Deno.test("rolling windows count a customer in period k only once window k has ended", () => {
  // u starts 1 Jan, v 25 Jan (both January cohort); observed until 10 February (cut-off 11 Feb).
  // u's window 0 = [1 Jan, 31 Jan) has ended; v's window 0 = [25 Jan, 24 Feb) has not, so
  // k0 counts u only (n = 1 < cohort size 2 → incomplete). Nobody has finished window 1: no row.
  const events = aq.table({
    customer_id: ["u", "v", "u"],
    date: [d("2024-01-01"), d("2024-01-25"), d("2024-02-05")],
  });
  const r = cohortRetention(events, { window: "rolling", observedUntil: d("2024-02-10") });
  assert.deepEqual(cells(r), [["2024-01", 0, 1, 1, false]]);
  assert.equal(r.get("cohort_size", 0), 2);
  // Unbounded counts activity in later, still-running windows: u is active in window 1.
  const un = cohortRetention(events, {
    window: "rolling",
    mode: "unbounded",
    observedUntil: d("2024-02-10"),
  });
  assert.equal(un.get("active", 0), 1);
});

Deno.test("revenue: net and gross revenue retention worked by hand", () => {
  // January cohort: a 100 → 150 (expands), b 50 → 20 (contracts), c 0 → 30 (no base).
  // revenue k0 = 150, k1 = 200 → NRR = 200 / 150.
  // GRR caps each at its k0 revenue: min(150, 100) + min(20, 50) + min(30, 0) = 120 → 120 / 150.
  const events = aq.table({
    customer_id: ["a", "b", "c", "a", "b", "c", "c"],
    date: [
      d("2024-01-02"),
      d("2024-01-03"),
      d("2024-01-04"),
      d("2024-02-02"),
      d("2024-02-03"),
      d("2024-02-04"),
      d("2024-02-29"),
    ],
    revenue: [100, 50, null, 150, 20, 20, 10],
  });
  const r = rowsOf(cohortRetention(events, { revenue: "revenue" }));
  assert.deepEqual(r.map((x) => [x.revenue, x.base_revenue, x.capped_revenue]), [
    [150, 150, 150],
    [200, 150, 120],
  ]);
  assert.equal(r[1].net_revenue_retention, 200 / 150);
  assert.equal(r[1].gross_revenue_retention, 120 / 150);
  assert.equal(r[0].gross_revenue_retention, 1);
  // No period-0 revenue → no ratio, not a division by zero.
  const none = cohortRetention(events.filter((x: Row) => x.customer_id === "c"), {
    revenue: "revenue",
  });
  assert.equal(none.get("net_revenue_retention", 1), null);
});

Deno.test("signup table: cohorts by signup, customers without events count as inactive", () => {
  const customers = aq.table({
    customer_id: ["a", "b", "z"],
    signup_date: [d("2024-01-01"), d("2024-01-15"), d("2024-01-20")],
    plan: ["annual", "monthly", "monthly"],
  });
  const events = aq.table({
    customer_id: ["a", "b", "b"],
    date: [d("2024-02-01"), d("2024-01-15"), d("2024-02-10")],
  });
  const r = cohortRetention(events, { signup: customers, observedUntil: d("2024-02-29") });
  // January signups a, b, z (3): in January only b was active; in February a and b.
  assert.deepEqual(cells(r), [["2024-01", 0, 3, 1, true], ["2024-01", 1, 3, 2, true]]);
  assert.equal(meta<"cohort">(r)!.anchor, "signup");
  // `by` comes from the signup table.
  const byPlan = rowsOf(cohortRetention(events, { signup: customers, by: "plan" }));
  assert.deepEqual(byPlan.map((x) => [x.plan, x.period_index, x.cohort_size, x.active]), [
    ["annual", 0, 1, 0],
    ["annual", 1, 1, 1],
    ["monthly", 0, 2, 1],
    ["monthly", 1, 2, 1],
  ]);
  // A signup column of the events table works the same way.
  const withColumn = events.derive({
    signup_date: aq.escape((x: Row) => x.customer_id === "a" ? d("2024-01-01") : d("2024-01-15")),
  });
  assert.deepEqual(
    cells(cohortRetention(withColumn, { signup: "signup_date" })),
    [["2024-01", 0, 2, 1, true], ["2024-01", 1, 2, 2, false]],
  );
});

Deno.test("bad input: event before signup, unknown customer, columns, options, empty table", () => {
  const customers = aq.table({
    customer_id: ["a", "b"],
    signup_date: [d("2024-01-10"), d("2024-01-10")],
  });
  const early = aq.table({
    customer_id: ["a", "b", "b"],
    date: [d("2024-01-10"), d("2024-01-12"), d("2024-01-09")],
  });
  const e = assertThrows(() => cohortRetention(early, { signup: customers }), CxDataError);
  assert.equal(e.problems[0].row, 3);
  assert.equal(e.problems[0].column, "date");
  assert.match(e.message, /before their signup/);
  const stranger = aq.table({ customer_id: ["a", "q"], date: [d("2024-01-10"), d("2024-01-11")] });
  const s = assertThrows(() => cohortRetention(stranger, { signup: customers }), CxDataError);
  assert.deepEqual([s.problems[0].row, s.problems[0].column, s.problems[0].value], [
    2,
    "customer_id",
    "q",
  ]);
  const changing = aq.table({
    customer_id: ["a", "a"],
    date: [d("2024-01-10"), d("2024-01-12")],
    signup_date: [d("2024-01-01"), d("2024-01-02")],
  });
  const c = assertThrows(() => cohortRetention(changing, { signup: "signup_date" }), CxDataError);
  assert.deepEqual([c.problems[0].row, c.problems[0].column], [2, "signup_date"]);

  for (
    const bad of [
      { customer: "client" },
      { date: "when" },
      { by: "channel" },
      { revenue: "amount" },
      { signup: "signed" },
      { period: "year" },
      { mode: "rolling" },
      { window: "sliding" },
      { timeZone: "Mars/Olympus" },
      { confidence: 95 },
      { observedUntil: d("nope") },
    ] as CohortRetentionOptions[]
  ) {
    const err = assertThrows(() => cohortRetention(small, bad), CxOptionsError);
    const [option] = Object.keys(bad);
    assert.match(err.message, new RegExp(option), `message names "${option}"`);
  }
  const columnError = assertThrows(() => cohortRetention(small, { by: "plan" }), CxOptionsError);
  assert.match(columnError.message, /"plan".*Columns: customer_id, date/);

  const empty = assertThrows(() => cohortRetention(small.filter(() => false)), CxDataError);
  assert.match(empty.message, /no rows/);
  const text = aq.table({ customer_id: ["a"], date: ["2024-01-01"] });
  const t = assertThrows(() => cohortRetention(text), CxDataError);
  assert.match(t.message, /row 1, column date.*must be a date/);
  assertThrows(() => cohortRetention(small, { observedUntil: d("2023-12-31") }), CxOptionsError);
  assertThrows(
    () =>
      cohortRetention(aq.table({ customer_id: ["a"], date: [d("2024-01-01")], r: ["x"] }), {
        revenue: "r",
      }),
    CxDataError,
  );
});

Deno.test("a customer whose segment changes is counted in their first event's segment, with a warning", () => {
  const events = aq.table({
    customer_id: ["a", "a", "b"],
    date: [d("2024-02-01"), d("2024-01-01"), d("2024-01-05")],
    plan: ["monthly", "annual", "annual"],
  });
  const r = cohortRetention(events, { by: "plan" });
  assert.deepEqual(rowsOf(r).map((x) => [x.plan, x.period_index, x.cohort_size, x.active]), [
    ["annual", 0, 2, 2],
    ["annual", 1, 2, 1],
  ]);
  assert.match(meta<"cohort">(r)!.warnings[0], /1 customer\(s\) have different plan values/);
});

Deno.test("weeks and quarters carry the labels periodFn gives", () => {
  const events = aq.table({
    customer_id: ["a", "a", "b"],
    date: [d("2024-12-30"), d("2025-01-06"), d("2025-02-20")],
  });
  const weeks = cohortRetention(events, { period: "week" });
  assert.equal(weeks.get("cohort", 0), "2025-W01"); // ISO week of 30 Dec 2024
  assert.equal(weeks.get("active", 1), 1);
  const quarters = rowsOf(cohortRetention(events, { period: "quarter" }));
  assert.deepEqual(quarters.map((r) => [r.cohort, r.period_index, r.active]), [
    ["2024-Q4", 0, 1],
    ["2024-Q4", 1, 1],
    ["2025-Q1", 0, 1],
  ]);
});

// ---------------------------------------------------------------------------
// Sample data: pandas/statsmodels reference, planted effects, a naive cross-check.

let loaded: { events: ColumnTable; customers: ColumnTable } | undefined;
async function sample(): Promise<{ events: ColumnTable; customers: ColumnTable }> {
  if (!loaded) {
    const url = (name: string) => new URL(`../../data/sample/${name}.csv`, import.meta.url);
    loaded = {
      events: (await readCsv(url("events"), { schema: "events" })).table,
      customers: (await readCsv(url("customers"), { schema: "customers" })).table,
    };
  }
  return loaded;
}

function fixture(name: string): Record<string, string>[] {
  const text = Deno.readTextFileSync(new URL(`../fixtures/cohort/${name}`, import.meta.url));
  return aq.fromCSV(text, { autoType: false }).objects() as Record<string, string>[];
}

function assertMatches(result: ColumnTable, name: string, columns: Record<string, string>): void {
  const expected = fixture(name);
  const actual = rowsOf(result);
  assert.equal(actual.length, expected.length, `${name}: row count`);
  expected.forEach((e, i) => {
    for (const [ours, theirs] of Object.entries(columns)) {
      const a = actual[i][ours];
      if (typeof a === "number") assertClose(a, Number(e[theirs]), `${name} row ${i} ${ours}`);
      else assert.equal(String(a), e[theirs], `${name} row ${i} ${ours}`);
    }
  });
}

const RETENTION_FIXTURE = Object.fromEntries(
  [
    "cohort",
    "period_index",
    "cohort_size",
    "active",
    "retention",
    "retention_low",
    "retention_high",
    "complete",
  ].map((c) => [c, c]),
);

Deno.test("sample: monthly exact and unbounded retention agree with pandas/statsmodels to 1e-9", async () => {
  const { events, customers } = await sample();
  assertMatches(cohortRetention(events), "retention_month_exact.csv", RETENTION_FIXTURE);
  assertMatches(
    cohortRetention(events, { mode: "unbounded" }),
    "retention_month_unbounded.csv",
    RETENTION_FIXTURE,
  );
  assertMatches(
    cohortRetention(events, { observedUntil: d("2025-12-15") }),
    "retention_month_exact_to_20251215.csv",
    RETENTION_FIXTURE,
  );
  const plan = events.join_left(customers.select("customer_id", "plan"), "customer_id");
  assertMatches(cohortRetention(plan, { by: "plan" }), "retention_month_exact_by_plan.csv", {
    plan: "plan",
    ...RETENTION_FIXTURE,
  });
});

Deno.test("sample: cohortChurn agrees with pandas/statsmodels to 1e-9", async () => {
  const { customers } = await sample();
  const r = cohortChurn(customers);
  assert.deepEqual(r.columnNames(), [...COHORT_CHURN_COLUMNS]);
  const compared = COHORT_CHURN_COLUMNS.filter((c) => c !== "cohort_start" && c !== "time_zone");
  // The pandas fixture keeps its own names for the interval: cumulative_churn_low/high.
  const theirs = (c: string) => c.replace("cumulative_churn_rate_", "cumulative_churn_");
  assertMatches(r, "churn_month.csv", Object.fromEntries(compared.map((c) => [c, theirs(c)])));
});

/** Pooled retention at some period indices, per segment value. */
function pooledAt(result: ColumnTable, by: string, ks: number[]): Map<unknown, Row[]> {
  const out = new Map<unknown, Row[]>();
  for (const r of rowsOf(pooledRetention(result))) {
    if (!ks.includes(r.period_index as number)) continue;
    out.set(r[by], [...(out.get(r[by]) ?? []), r]);
  }
  return out;
}

Deno.test("sample: planted effects — decline with tenure, monthly plan worse, referred better", async () => {
  const { events, customers } = await sample();
  // Retention declines with the period index (churn plus fading activity).
  const pooled = rowsOf(pooledRetention(cohortRetention(events)));
  const at = (k: number) => pooled.find((r) => r.period_index === k)!.retention as number;
  const curve = [1, 3, 6, 12, 18].map(at);
  for (let i = 1; i < curve.length; i++) assert.ok(curve[i] < curve[i - 1], `${curve}`);
  assert.ok(at(12) < 0.6 && at(1) > 0.85, `month 1 ${at(1)}, month 12 ${at(12)}`);

  const attrs = customers
    .derive({ referred: (c: Row) => c.referred_by != null })
    .select("customer_id", "plan", "referred");
  const joined = events.join_left(attrs, "customer_id");
  // Monthly-plan customers churn about twice as fast: lower retention, intervals apart.
  const plans = pooledAt(cohortRetention(joined, { by: "plan" }), "plan", [6, 12, 18]);
  plans.get("monthly")!.forEach((m, i) => {
    const a = plans.get("annual")![i];
    assert.ok(
      (m.retention_high as number) < (a.retention_low as number),
      `k ${m.period_index}: monthly ${m.retention} vs annual ${a.retention}`,
    );
  });
  // Referred customers retain better (hazard × 0.6).
  const referred = pooledAt(cohortRetention(joined, { by: "referred" }), "referred", [12, 18]);
  referred.get(true)!.forEach((r, i) => {
    const o = referred.get(false)![i];
    assert.ok(
      (r.retention_low as number) > (o.retention_high as number),
      `k ${r.period_index}: referred ${r.retention} vs others ${o.retention}`,
    );
  });
  // The same with signup cohorts and the segment read from the customers table.
  const signup = pooledAt(
    cohortRetention(events, { signup: customers, by: "plan" }),
    "plan",
    [12],
  );
  assert.ok(
    (signup.get("monthly")![0].retention as number) <
      (signup.get("annual")![0].retention as number) - 0.1,
  );
  // And in cumulative churn: monthly customers have churned more after a year.
  const churn = rowsOf(cohortChurn(customers, { by: "plan" })).filter((r) => r.period_index === 12);
  const share = (plan: string) => {
    const rows = churn.filter((r) => r.plan === plan);
    return rows.reduce((s, r) => s + (r.cumulative_churned as number), 0) /
      rows.reduce((s, r) => s + (r.cohort_size as number), 0);
  };
  assert.ok(share("monthly") > 1.5 * share("annual"), `${share("monthly")} ${share("annual")}`);
});

/**
 * A deliberately naive reference: per-customer arrays and Sets, periods from
 * `periodFn` labels/starts, no bitsets. Checks the kernel's harder paths
 * (rolling windows, unbounded, Berlin weeks, segments, revenue).
 */
function naiveRetention(
  events: ColumnTable,
  o: {
    period: "week" | "month";
    window: "calendar" | "rolling";
    mode: "exact" | "unbounded";
    timeZone: string;
    by: string;
  },
): Row[] {
  const DAY = 86_400_000;
  const L = o.period === "week" ? 7 * DAY : 30 * DAY;
  const of = periodFn(o.period, o.timeZone);
  const day = periodFn("day", o.timeZone);
  const rows = rowsOf(events);
  const last = Math.max(...rows.map((r) => (r.date as Date).getTime()));
  const cutoff = day(new Date(day(new Date(last)).start.getTime() + 36 * 3_600_000)).start
    .getTime();
  const periodStarts: number[] = [];
  // Period starts from the first event's period to the first one at or after the cut-off.
  let p = of(new Date(Math.min(...rows.map((r) => (r.date as Date).getTime()))));
  for (;;) {
    periodStarts.push(p.start.getTime());
    if (p.start.getTime() >= cutoff) break;
    p = of(new Date(p.start.getTime() + (o.period === "week" ? 8 : 32) * DAY));
  }
  const pindex = (t: number) => periodStarts.filter((s) => s <= t).length - 1;
  const byCustomer = new Map<string, Row[]>();
  for (const r of rows) {
    byCustomer.set(r.customer_id as string, [
      ...(byCustomer.get(r.customer_id as string) ?? []),
      r,
    ]);
  }
  const out = new Map<string, Row>();
  const customersOf = new Map<string, { anchor: number; ks: Map<number, number> }[]>();
  for (const list of byCustomer.values()) {
    list.sort((a, b) => (a.date as Date).getTime() - (b.date as Date).getTime());
    const anchor = (list[0].date as Date).getTime();
    const key = `${list[0][o.by]}|${of(new Date(anchor)).label}`;
    const ks = new Map<number, number>();
    for (const r of list) {
      const t = (r.date as Date).getTime();
      const k = o.window === "rolling" ? Math.floor((t - anchor) / L) : pindex(t) - pindex(anchor);
      ks.set(k, (ks.get(k) ?? 0) + ((r.revenue as number | null) ?? 0));
    }
    customersOf.set(key, [...(customersOf.get(key) ?? []), { anchor, ks }]);
  }
  for (const [key, members] of customersOf) {
    const [segment, cohort] = key.split("|");
    const cohortStart = of(new Date(members[0].anchor)).start.getTime();
    for (let k = 0;; k++) {
      const counted = o.window === "rolling"
        ? members.filter((m) => m.anchor + (k + 1) * L <= cutoff)
        : members;
      const started = o.window === "rolling"
        ? counted.length > 0
        : periodStarts[pindex(cohortStart) + k] < cutoff;
      if (!started) break;
      const active = counted.filter((m) =>
        o.mode === "exact" ? m.ks.has(k) : Math.max(...m.ks.keys()) >= k
      ).length;
      const revenue = counted.reduce((s, m) => s + (m.ks.get(k) ?? 0), 0);
      const capped = counted.reduce(
        (s, m) => s + (m.ks.has(k) ? Math.max(0, Math.min(m.ks.get(k)!, m.ks.get(0) ?? 0)) : 0),
        0,
      );
      const base = counted.reduce((s, m) => s + (m.ks.get(0) ?? 0), 0);
      out.set(`${segment}|${cohort}|${k}`, {
        cohort_size: members.length,
        n: counted.length,
        active,
        revenue,
        capped_revenue: capped,
        base_revenue: base,
      });
    }
  }
  return [...out.entries()].map(([key, v]) => {
    const [segment, cohort, k] = key.split("|");
    return { segment, cohort, period_index: Number(k), ...v };
  });
}

Deno.test("sample: the kernel agrees with a naive reference (rolling, unbounded, Berlin weeks, revenue)", async () => {
  const { events, customers } = await sample();
  const joined = events
    .filter(aq.escape((r: Row) => (r.date as Date) < d("2024-09-01")))
    .join_left(customers.select("customer_id", "region"), "customer_id");
  for (
    const o of [
      { period: "month", window: "rolling", mode: "unbounded", timeZone: "UTC", by: "region" },
      {
        period: "week",
        window: "calendar",
        mode: "exact",
        timeZone: "Europe/Berlin",
        by: "region",
      },
      { period: "week", window: "rolling", mode: "exact", timeZone: "Europe/Berlin", by: "region" },
      { period: "month", window: "calendar", mode: "unbounded", timeZone: "UTC", by: "region" },
    ] as const
  ) {
    const ours = rowsOf(cohortRetention(joined, { ...o, revenue: "revenue" }));
    const ref = new Map(
      naiveRetention(joined, o).map((r) => [`${r.segment}|${r.cohort}|${r.period_index}`, r]),
    );
    assert.equal(ours.length, ref.size, `${JSON.stringify(o)}: cells`);
    for (const r of ours) {
      const e = ref.get(`${r.region}|${r.cohort}|${r.period_index}`);
      assert.ok(
        e,
        `${JSON.stringify(o)}: unexpected cell ${r.region} ${r.cohort} ${r.period_index}`,
      );
      for (const c of ["cohort_size", "n", "active"]) {
        assert.equal(r[c], e[c], `${c} ${JSON.stringify(o)}`);
      }
      for (const c of ["revenue", "capped_revenue", "base_revenue"]) {
        assertClose(r[c], e[c], `${c} ${JSON.stringify(o)}`, 1e-9);
      }
    }
  }
});

Deno.test("pooledRetention: size-weighted, unreached and incomplete cohorts excluded, warnings", () => {
  const r = cohortRetention(small, { observedUntil: d("2024-03-15") });
  // Complete cells only: k0 Jan (3 of 3) + Feb (1 of 1) = 4/4; k1 Jan only (Feb's k1 incomplete).
  const pooled = rowsOf(pooledRetention(r));
  assert.deepEqual(pooled.map((p) => [p.period_index, p.cohorts, p.n, p.active]), [
    [0, 2, 4, 4],
    [1, 1, 3, 1],
  ]);
  assert.equal(meta<"cohort">(pooledRetention(r))!.notes.excludedIncompleteCells, 2);
  // With incomplete cells: k1 pools Jan (1/3) and Feb (0/1) → 1/4, with a warning.
  const all = pooledRetention(r, { includeIncomplete: true });
  assert.deepEqual(rowsOf(all).map((p) => [p.period_index, p.n, p.active, p.complete]), [
    [0, 4, 4, true],
    [1, 4, 1, false],
    [2, 3, 1, false],
  ]);
  assert.match(meta<"cohort">(all)!.warnings[0], /period_index 1: pools complete and incomplete/);
  // Metadata lost through an Arquero verb: segment columns are found before `cohort`.
  const events = small.derive({ seg: (x: Row) => x.customer_id === "d" ? "y" : "x" });
  const bySeg = cohortRetention(events, { by: "seg", observedUntil: d("2024-04-30") });
  const pooledLost = rowsOf(pooledRetention(bySeg.filter(() => true)));
  assert.deepEqual(pooledLost.map((p) => [p.seg, p.period_index, p.active]), [
    ["x", 0, 3],
    ["x", 1, 1],
    ["x", 2, 1],
    ["x", 3, 0],
    ["y", 0, 1],
    ["y", 1, 0],
    ["y", 2, 1],
  ]);
});

Deno.test("retentionByCohort: the period-N series, with a warning when it mixes incomplete cohorts", () => {
  const r = cohortRetention(small, { observedUntil: d("2024-03-15") });
  const series = retentionByCohort(r, { periodIndex: 1 });
  assert.deepEqual(cells(series), [["2024-01", 1, 3, 1, true], ["2024-02", 1, 1, 0, false]]);
  assert.match(meta<"cohort">(series)!.warnings[0], /2024-02 have not finished period 1/);
  const k2 = retentionByCohort(r, { periodIndex: 2 });
  assert.deepEqual(meta<"cohort">(k2)!.notes.cohortsNotReached, ["2024-02"]);
  assert.deepEqual(meta<"cohort">(k2)!.warnings, []); // one incomplete cohort alone mixes nothing
  assertThrows(() => retentionByCohort(r, { periodIndex: 5 }), CxOptionsError);
  assertThrows(() => retentionByCohort(r, { periodIndex: -1 }), CxOptionsError);
  assertThrows(() => pooledRetention(aq.table({ x: [1] })), CxOptionsError);
});

Deno.test("pooledRetention and retentionByCohort given events make the cohort table first", () => {
  const o: CohortRetentionOptions = { observedUntil: d("2024-03-15") };
  // The same worked cells as above: k1 pools Jan (1/3) and Feb (0/1) with incomplete cells.
  const pooled = pooledRetention(small, { ...o, includeIncomplete: true });
  assert.deepEqual(rowsOf(pooled).map((p) => [p.period_index, p.n, p.active]), [
    [0, 4, 4],
    [1, 4, 1],
    [2, 3, 1],
  ]);
  const r = cohortRetention(small, o);
  assert.deepEqual(rowsOf(pooled), rowsOf(pooledRetention(r, { includeIncomplete: true })));
  assert.deepEqual(meta(pooled), meta(pooledRetention(r, { includeIncomplete: true })));
  const series = retentionByCohort(small, { ...o, periodIndex: 1 });
  assert.deepEqual(cells(series), [["2024-01", 1, 3, 1, true], ["2024-02", 1, 1, 0, false]]);
  // Options that make cohorts are refused beside a table that already is a cohort result.
  assert.throws(
    () => pooledRetention(r, { period: "week" }),
    /pooledRetention: option\(s\) "period" make cohorts from events, but the table given is already a cohortRetention result/,
  );
  assert.throws(
    () => retentionByCohort(r, { periodIndex: 1, confidence: 0.9 }),
    /retentionByCohort: option\(s\) "confidence" make cohorts/,
  );
  // In memory, the engine options are refused, never ignored.
  assert.throws(
    () => pooledRetention(small, { explain: true } as CohortRetentionOptions),
    /pooledRetention: option "explain" needs an SQL engine/,
  );
});

Deno.test("cohortChurn: worked by hand, unreached cells missing, bad input", () => {
  const customers = aq.table({
    customer_id: ["a", "b", "c", "d"],
    signup_date: [d("2024-01-03"), d("2024-01-20"), d("2024-01-25"), d("2024-02-10")],
    churn_date: [d("2024-01-30"), d("2024-03-02"), d("2024-05-01"), null],
  });
  // Observed until 15 March: c's May churn is not yet observed (censored).
  const r = rowsOf(cohortChurn(customers, { observedUntil: d("2024-03-15") }));
  // January {a, b, c}: a churns in k0, b in k2 (March) → cumulative 1, 1, 2 of 3.
  // February {d}: k0, k1 (March), no churn. March is partly observed; April has no row.
  assert.deepEqual(
    r.map((x) => [x.cohort, x.period_index, x.churned, x.cumulative_churned, x.complete]),
    [
      ["2024-01", 0, 1, 1, true],
      ["2024-01", 1, 0, 1, true],
      ["2024-01", 2, 1, 2, false],
      ["2024-02", 0, 0, 0, true],
      ["2024-02", 1, 0, 0, false],
    ],
  );
  assert.equal(r[2].cumulative_churn_rate, 2 / 3);
  // Default observation: the latest signup or churn date (1 May).
  assert.equal(
    meta<"cohort">(cohortChurn(customers))!.observedUntil!.toISOString(),
    "2024-05-01T00:00:00.000Z",
  );
  const backwards = customers.derive({
    churn_date: aq.escape((x: Row) => x.customer_id === "b" ? d("2024-01-01") : x.churn_date),
  });
  const e = assertThrows(() => cohortChurn(backwards), CxDataError);
  assert.deepEqual([e.problems[0].row, e.problems[0].column], [2, "churn_date"]);
  assertThrows(() => cohortChurn(customers, { by: "plan" }), CxOptionsError);
  assertThrows(() => cohortChurn(customers, { churnDate: "ended" }), CxOptionsError);
  assertThrows(() => cohortChurn(customers.filter(() => false)), CxDataError);
});

Deno.test("compact dates (InstantColumn, read as epoch ms) give the same cells and errors", () => {
  // Events at month edges in Berlin, a customer active twice in one period, one missing date.
  const customer = ["a", "a", "b", "c", "b", "a", "c", "d"];
  const date = [
    "2024-01-31T23:30:00Z",
    "2024-02-10T00:00:00Z",
    "2024-01-05T12:00:00Z",
    "2024-02-29T23:00:00Z",
    "2024-03-31T21:59:00Z",
    "2024-04-01T08:00:00Z",
    "2024-04-15T00:00:00Z",
    "2024-02-01T00:00:00Z",
  ].map(d);
  const plain = aq.table({ customer_id: customer, date, revenue: [1, 2, 3, 4, 5, 6, 7, 8] });
  const compact = compactTable(plain);
  assert.ok(compact.column("date") instanceof InstantColumn);
  for (
    const options of [
      { period: "month" as const, timeZone: "Europe/Berlin" },
      { period: "week" as const, window: "rolling" as const },
      { period: "month" as const, revenue: "revenue", mode: "unbounded" as const },
    ]
  ) {
    assert.deepEqual(
      cohortRetention(compact, options).objects(),
      cohortRetention(plain, options).objects(),
      JSON.stringify(options),
    );
  }
  const missing = aq.table({ customer_id: ["a", "b"], date: [d("2024-01-05"), null] });
  const message = (t: ColumnTable) => {
    try {
      cohortRetention(t, { period: "month" });
    } catch (e) {
      return [(e as Error).message, (e as CxDataError).problems];
    }
    throw new Error("no error");
  };
  assert.deepEqual(message(compactTable(missing)), message(missing));
});
