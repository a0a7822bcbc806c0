import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError, CxSchemaError, readCsv } from "../../src/mod.ts";
import {
  annualizeChurn,
  CHURN_COLUMNS,
  churnRate,
  monthlyFromAnnualChurn,
  RETENTION_COLUMNS,
  retentionRate,
} from "../../src/metrics/churn.ts";
import { assertClose, assertMatchesFixture, fixture } from "./fixtures.ts";

const Z = 1.959963984540054; // scipy.stats.norm.ppf(0.975)
const d = (s: string) => new Date(s);
type Row = Record<string, unknown>;

/** The fixture's `incomplete` column is the negation of our `complete`. */
const withIncomplete = (t: ColumnTable) => t.derive({ incomplete: (r: Row) => !r.complete });

/** Wilson bounds written out, for the hand-worked checks. */
function wilsonByHand(k: number, n: number): [number, number] {
  const p = k / n;
  const center = (p + Z * Z / (2 * n)) / (1 + Z * Z / n);
  const half = Z / (1 + Z * Z / n) * Math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

let customers: ColumnTable | undefined;
async function sampleCustomers(): Promise<ColumnTable> {
  customers ??= (await readCsv(new URL("../../data/sample/customers.csv", import.meta.url), {
    schema: "customers",
  })).table;
  return customers;
}

// a: churns on 1 February (first day of a month); b: signs up and churns in January;
// c: censored (still active); d: signs up on 1 February, churns in March;
// e: signs up on the last observed day.
const tiny = aq.table({
  customer_id: ["a", "b", "c", "d", "e"],
  signup_date: [
    d("2024-01-05"),
    d("2024-01-10"),
    d("2024-01-15"),
    d("2024-02-01"),
    d("2024-03-31"),
  ],
  churn_date: [d("2024-02-01"), d("2024-01-20"), null, d("2024-03-10"), null],
});

Deno.test("churnRate: hand-worked months — same-month churn, churn on the 1st, censored", () => {
  const rows = churnRate(tiny, { observedUntil: d("2024-03-31") }).objects() as Row[];
  const counts = rows.map((r) => [
    r.period,
    r.customers_start,
    r.churned,
    r.signups,
    r.signup_churned,
    r.new_customers,
    r.customers_end,
  ]);
  assertEquals(counts, [
    // January: nobody before 1 Jan; a, b, c sign up; b also churns (signup_churned, in no
    // stock); at the end a and c remain, both new.
    ["2024-01", 0, 0, 3, 1, 2, 2],
    // February: start = a, c. a's churn on 1 Feb is February's (half-open months), d signs up
    // on 1 Feb (signup == start: new, not in the denominator). End = c, d.
    ["2024-02", 2, 1, 1, 0, 1, 2],
    // March: start = c, d; d churns on 10 Mar; e signs up on 31 Mar. End = c, e.
    ["2024-03", 2, 1, 1, 0, 1, 2],
  ]);
  assertEquals(rows[0].churn_rate, null); // empty denominator: no rate, no interval, never NaN
  assertEquals([rows[0].churn_rate_low, rows[0].churn_rate_high, rows[0].n], [null, null, 0]);
  // February: 1 / 2 = 0.5; Wilson(1, 2): centre 0.5, half = z/(1 + z²/2)·√(1/8 + z²/16).
  const half = Z / (1 + Z * Z / 2) * Math.sqrt(1 / 8 + Z * Z / 16);
  assertEquals(rows[1].churn_rate, 0.5);
  assertClose(rows[1].churn_rate_low, 0.5 - half, "low");
  assertClose(rows[1].churn_rate_high, 0.5 + half, "high");
  assertEquals(rows.map((r) => r.complete), [true, true, true]);
  assertEquals(rows.map((r) => r.small_sample), [true, true, true]);
  assertEquals(Object.keys(rows[0]), [
    "period",
    "period_start",
    ...CHURN_COLUMNS,
    "small_sample",
    "time_zone",
  ]);
  assertEquals(rows[2].period_end, d("2024-04-01"));
});

Deno.test("retentionRate: (end − new) / start, equals 1 − churn_rate; end = next start", () => {
  const rows = retentionRate(tiny, { observedUntil: d("2024-03-31") }).objects() as Row[];
  // February: (2 − 1) / 2 = 0.5; March: (2 − 1) / 2 = 0.5.
  assertEquals(rows.map((r) => r.retention), [null, 0.5, 0.5]);
  assertEquals(Object.keys(rows[0]).slice(2, -2), [...RETENTION_COLUMNS]);
  const [low, high] = wilsonByHand(1, 2);
  assertClose(rows[1].retention_low, low, "low");
  assertClose(rows[1].retention_high, high, "high");
});

Deno.test("churn on a period boundary is placed by its instant in the time zone", () => {
  const t = aq.table({
    customer_id: ["a", "b"],
    signup_date: [d("2024-01-10T00:00:00Z"), d("2024-01-10T00:00:00Z")],
    // 23:00 UTC on 29 Feb is 00:00 on 1 March in Berlin (CET, +1): a March churn there.
    churn_date: [d("2024-02-29T23:00:00Z"), null],
  });
  const utc = churnRate(t, { observedUntil: d("2024-03-31") }).objects() as Row[];
  assertEquals(utc.map((r) => [r.period, r.churned]), [["2024-01", 0], ["2024-02", 1], [
    "2024-03",
    0,
  ]]);
  const berlin = churnRate(t, { observedUntil: d("2024-03-31"), timeZone: "Europe/Berlin" })
    .objects() as Row[];
  assertEquals(berlin.map((r) => [r.period, r.customers_start, r.churned]), [
    ["2024-01", 0, 0],
    ["2024-02", 2, 0],
    ["2024-03", 2, 1], // churn exactly at the start of March: in March's start and churned
  ]);
  assertEquals(berlin[2].period_start, d("2024-02-29T23:00:00Z"));
  assertEquals(berlin[2].time_zone, "Europe/Berlin");
});

Deno.test("churnRate: all churned, n = 1, empty periods in a segment", () => {
  const all = aq.table({
    customer_id: ["a", "b", "c"],
    signup_date: [d("2024-01-02"), d("2024-01-03"), d("2024-01-04")],
    churn_date: [d("2024-02-10"), d("2024-02-11"), d("2024-02-12")],
  });
  const feb = churnRate(all).objects()[1] as Row;
  // 3 of 3: rate 1; Wilson(n, n) = [n / (n + z²), 1].
  assertEquals([feb.customers_start, feb.churned, feb.churn_rate, feb.customers_end], [3, 3, 1, 0]);
  assertClose(feb.churn_rate_low, 3 / (3 + Z * Z), "low");
  assertEquals(feb.churn_rate_high, 1);

  const one = aq.table({
    customer_id: ["a"],
    signup_date: [d("2024-01-02")],
    churn_date: [d("2024-02-10")],
  });
  const only = churnRate(one).objects()[1] as Row;
  // Wilson(1, 1) as in tests/fixtures/kpi/wilson_cases.csv.
  assertEquals([only.n, only.churn_rate, only.small_sample], [1, 1, true]);
  assertClose(only.churn_rate_low, 0.2065493143772374, "low");

  // Segment "late" has no customers before March: January and February rows are zeros,
  // not missing; every segment gets every period.
  const seg = aq.table({
    customer_id: ["a", "b", "c"],
    signup_date: [d("2024-01-02"), d("2024-01-20"), d("2024-03-05")],
    churn_date: [null, null, null],
    plan: ["early", "early", "late"],
  });
  const rows = churnRate(seg, { by: "plan" }).objects() as Row[];
  assertEquals(rows.map((r) => [r.plan, r.period, r.customers_start, r.signups, r.churn_rate]), [
    ["early", "2024-01", 0, 2, null],
    ["early", "2024-02", 2, 0, 0],
    ["early", "2024-03", 2, 0, 0],
    ["late", "2024-01", 0, 0, null],
    ["late", "2024-02", 0, 0, null],
    ["late", "2024-03", 0, 1, null],
  ]);
  // 0 of 2 churned: Wilson(0, 2) = [0, z² / (2 + z²)].
  assertClose(rows[1].churn_rate_low, 0, "low"); // 0 up to rounding (5.6e-17)
  assertClose(rows[1].churn_rate_high, Z * Z / (2 + Z * Z), "high");
});

Deno.test("cut-off: later signups/churns are unobserved, the last period is incomplete", () => {
  const t = aq.table({
    customer_id: ["a", "b", "c", "d"],
    signup_date: [d("2024-01-02"), d("2024-01-03"), d("2024-02-20"), d("2024-02-10")],
    churn_date: [d("2024-02-10"), d("2024-02-16"), null, null],
  });
  // to = 15 Feb: observed up to the end of that day. b's churn (16 Feb) and c's signup
  // (20 Feb) are after it; February is reported, flagged incomplete.
  const rows = churnRate(t, { observedUntil: d("2024-02-15") }).objects() as Row[];
  assertEquals(rows.map((r) => [r.period, r.customers_start, r.churned, r.signups, r.complete]), [
    ["2024-01", 0, 0, 2, true],
    ["2024-02", 2, 1, 1, false],
  ]);
  assertEquals(
    meta<"kpi">(churnRate(t, { observedUntil: d("2024-02-15") }))?.notes.cutoff,
    d("2024-02-16"),
  );
  // `from` picks the first reported period; earlier customers still count in the stock.
  const later = churnRate(t, { from: d("2024-02-01") }).objects() as Row[];
  assertEquals(later.map((r) => [r.period, r.customers_start, r.churned]), [["2024-02", 2, 2]]);
  // The default `observedUntil` is the latest date seen (16 Feb), so February is incomplete there too.
  assertEquals(later[0].complete, false);
  assertEquals(
    churnRate(t, { observedUntil: d("2024-02-29") }).objects().map((r) => (r as Row).complete),
    [true, true],
  );
});

Deno.test("churnRate/retentionRate agree with pandas/statsmodels on the sample (1e-9)", async () => {
  const sample = await sampleCustomers();
  const counts = {
    customers_start: "customers_start",
    churned: "churned",
    signups: "signups",
    signup_churned: "signup_churned",
    new_customers: "new_customers",
    customers_end: "customers_end",
    incomplete: "incomplete",
  };
  // The pandas fixture keeps its own names: churn_low/churn_high, and `incomplete`
  // (compared with the negation of our `complete`, see `withIncomplete`).
  const churnCols = {
    period: "month",
    ...counts,
    churn_rate: "churn_rate",
    churn_rate_low: "churn_low",
    churn_rate_high: "churn_high",
  };
  const retention = {
    period: "month",
    ...counts,
    retention: "retention",
    retention_low: "retention_low",
    retention_high: "retention_high",
  };
  assertMatchesFixture(withIncomplete(churnRate(sample)), fixture("churn_by_month.csv"), churnCols);
  assertMatchesFixture(
    withIncomplete(retentionRate(sample)),
    fixture("churn_by_month.csv"),
    retention,
  );
  const byPlan = fixture("churn_by_plan_month.csv");
  assertMatchesFixture(withIncomplete(churnRate(sample, { by: "plan" })), byPlan, {
    plan: "plan",
    ...churnCols,
  });
  assertMatchesFixture(withIncomplete(retentionRate(sample, { by: "plan" })), byPlan, {
    plan: "plan",
    ...retention,
  });
  const cut = fixture("churn_by_month_to_20251215.csv");
  assertMatchesFixture(
    withIncomplete(churnRate(sample, { observedUntil: d("2025-12-15") })),
    cut,
    churnCols,
  );
  assertMatchesFixture(
    withIncomplete(retentionRate(sample, { observedUntil: d("2025-12-15") })),
    cut,
    retention,
  );
});

Deno.test("identity on the sample: retention = 1 − churn_rate, bounds mirror, stocks chain", async () => {
  const sample = await sampleCustomers();
  const churn = churnRate(sample, { by: "region" }).objects() as Row[];
  const retention = retentionRate(sample, { by: "region" }).objects() as Row[];
  churn.forEach((c, i) => {
    const r = retention[i];
    if (c.churn_rate === null) return assertEquals(r.retention, null);
    assertClose(r.retention, 1 - (c.churn_rate as number), `retention ${i}`, 1e-12);
    assertClose(r.retention_low, 1 - (c.churn_rate_high as number), `low ${i}`, 1e-12);
    assertClose(r.retention_high, 1 - (c.churn_rate_low as number), `high ${i}`, 1e-12);
    const next = churn[i + 1];
    if (next && next.region === c.region) assertEquals(next.customers_start, c.customers_end);
  });
  // Every customer is counted: the final stock is all customers minus all churned.
  const last = churnRate(sample).objects().at(-1) as Row;
  assertEquals(last.customers_end, 5000 - 1777);
});

Deno.test("planted effects: monthly plan churns ≈ 2× annual; referred customers churn less", async () => {
  const sample = await sampleCustomers();
  const pooled = (result: ColumnTable, key: string) => {
    const sums = new Map<unknown, { start: number; churned: number }>();
    for (const r of result.objects() as Row[]) {
      const s = sums.get(r[key]) ?? { start: 0, churned: 0 };
      s.start += r.customers_start as number;
      s.churned += r.churned as number;
      sums.set(r[key], s);
    }
    return new Map([...sums].map(([k, s]) => [k, s.churned / s.start]));
  };
  const plans = pooled(churnRate(sample, { by: "plan" }), "plan");
  // Measured on seed 42: monthly 1235 / 27799 = 0.044426 vs annual 454 / 20202 = 0.022473
  // churns per customer-month → 1.977.
  const ratio = plans.get("monthly")! / plans.get("annual")!;
  assertEquals(ratio > 1.7 && ratio < 2.3, true, `monthly/annual churn ratio ${ratio}`);

  const flagged = sample.derive({ referred: (r: Row) => r.referred_by !== null });
  const referred = pooled(churnRate(flagged, { by: "referred" }), "referred");
  // Measured: 253 / 9804 = 0.02581 (referred) vs 1436 / 38197 = 0.03759 → 0.686 (0.6 planted).
  const hr = referred.get(true)! / referred.get(false)!;
  assertEquals(hr > 0.5 && hr < 0.8, true, `referred/not referred churn ratio ${hr}`);
});

Deno.test("annualizeChurn / monthlyFromAnnualChurn: compounding, inverse, edges", () => {
  // 5 % a month: 1 − 0.95¹² = 0.4596…, not 12 × 5 % = 60 %.
  assertClose(annualizeChurn(0.05), 1 - 0.95 ** 12, "annual", 1e-15);
  assertClose(annualizeChurn(0.05), 0.45963991233736334, "annual value", 1e-12);
  // 30 % a year: 1 − 0.7^(1/12) = 0.02928…, not 2.5 %.
  assertClose(monthlyFromAnnualChurn(0.3), 0.029285530376777613, "monthly", 1e-12);
  // (Up to m ≈ 0.5: beyond, (1 − m)^12 underflows the digits 1 − a can hold.)
  for (const m of [0, 1e-12, 0.001, 0.02, 0.1, 0.5]) {
    assertClose(monthlyFromAnnualChurn(annualizeChurn(m)), m, `round trip ${m}`, 1e-12);
  }
  // Small rates keep their precision (no 1 − (1 − m)^12 cancellation): ≈ 12·m.
  assertClose(annualizeChurn(1e-12) / 12e-12, 1, "tiny", 1e-9);
  assertEquals([annualizeChurn(0), annualizeChurn(1)], [0, 1]);
  assertEquals([monthlyFromAnnualChurn(0), monthlyFromAnnualChurn(1)], [0, 1]);
  for (const bad of [-0.1, 1.5, NaN]) {
    assertThrows(() => annualizeChurn(bad), CxOptionsError);
    assertThrows(() => monthlyFromAnnualChurn(bad), CxOptionsError);
  }
  const e = assertThrows(() => annualizeChurn(5), CxOptionsError);
  assertMatch(e.message, /monthlyRate must be a proportion between 0 and 1.*got 5/);
});

Deno.test("several tables are pooled; results record how they were computed", () => {
  const a = tiny.slice(0, 2), b = tiny.slice(2);
  assertEquals(
    churnRate([a, b], { observedUntil: d("2024-03-31") }).objects(),
    churnRate(tiny, { observedUntil: d("2024-03-31") }).objects(),
  );
  const info = meta<"kpi">(churnRate(tiny, { period: "quarter" }));
  assertEquals([info?.kpi, info?.method, info?.period, info?.timeZone], [
    "churn_rate",
    "wilson",
    "quarter",
    "UTC",
  ]);
  assertEquals(churnRate(tiny, { period: "quarter" }).array("period"), ["2024-Q1"]);
  // No customers at all: no periods, no rows, no error.
  const none = aq.table({ customer_id: [], signup_date: [], churn_date: [] });
  assertEquals(churnRate(none).numRows(), 0);
});

Deno.test("bad input: clear CxErrors naming the column or option", () => {
  const backwards = aq.table({
    customer_id: ["a", "b"],
    signup_date: [d("2024-03-01"), d("2024-01-01")],
    churn_date: [null, d("2023-12-31")],
  });
  const e = assertThrows(() => churnRate(backwards), CxDataError);
  assertMatch(e.message, /row 2, column churn_date, value "2023-12-31T00:00:00.000Z"/);
  assertMatch(e.message, /churn_date is before signup_date \(2024-01-01\)/);
  assertEquals(e.problems[0].column, "churn_date");

  const missing = assertThrows(
    () => churnRate(aq.table({ customer_id: ["a"], signup_date: [d("2024-01-01")] })),
    CxSchemaError,
  );
  assertMatch(
    missing.message,
    /lacks required column "churn_date".*Columns: customer_id, signup_date/,
  );
  assertMatch(
    assertThrows(() => retentionRate(aq.table({ id: [1] })), CxSchemaError).message,
    /columns "customer_id", "signup_date", "churn_date"/,
  );
  const unknown = assertThrows(() => churnRate(tiny, { by: "plan" }), CxOptionsError);
  assertMatch(unknown.message, /"by" names column "plan".*Columns: customer_id/);

  const noSignup = aq.table({ customer_id: ["a"], signup_date: [null], churn_date: [null] });
  assertMatch(
    assertThrows(() => churnRate(noSignup), CxDataError).message,
    /column signup_date, value \(empty\): signup_date must be a date/,
  );
  const twice = aq.table({
    customer_id: ["a", "a"],
    signup_date: [d("2024-01-01"), d("2024-01-02")],
    churn_date: [null, null],
  });
  assertMatch(
    assertThrows(() => churnRate(twice), CxDataError).message,
    /row 2, column customer_id.*appears again \(first in row 1\)/,
  );
  assertThrows(() => churnRate(tiny, { period: "fortnight" as "week" }), CxOptionsError);
  assertThrows(() => churnRate(tiny, { confidence: 95 }), CxOptionsError);
  assertMatch(
    assertThrows(
      () => churnRate(tiny, { from: d("2024-03-01"), observedUntil: d("2024-02-01") }),
      CxOptionsError,
    )
      .message,
    /"from" .* is after "observedUntil"/,
  );
  assertMatch(
    assertThrows(
      () => churnRate(tiny, { observedUntil: "2024-01-01" as unknown as Date }),
      CxOptionsError,
    )
      .message,
    /Option "observedUntil" must be a Date/,
  );
});
