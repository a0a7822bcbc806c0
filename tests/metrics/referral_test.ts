import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError, CxSchemaError, readCsv } from "../../src/mod.ts";
import { REFERRAL_COLUMNS, referralRate } from "../../src/metrics/referral.ts";
import { assertClose, assertMatchesFixture, fixture } from "./fixtures.ts";

const Z = 1.959963984540054; // scipy.stats.norm.ppf(0.975)
const d = (s: string) => new Date(s);
type Row = Record<string, unknown>;

function wilsonByHand(k: number, n: number): [number, number] {
  const p = k / n;
  const center = (p + Z * Z / (2 * n)) / (1 + Z * Z / n);
  const half = Z / (1 + Z * Z / n) * Math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

// r1 refers x1 and x2 in January (counted once), x5 in March; r2 churns on 31 Jan, so its
// February referral x3 is unmatched; x4 names an unknown referrer; x1 refers x6 in March.
const tiny = aq.table({
  customer_id: ["r1", "r2", "x1", "x2", "x3", "x4", "x5", "x6"],
  signup_date: [
    d("2024-01-02"),
    d("2024-01-03"),
    d("2024-01-10"),
    d("2024-01-20"),
    d("2024-02-05"),
    d("2024-02-07"),
    d("2024-03-01"),
    d("2024-03-15"),
  ],
  churn_date: [null, d("2024-01-31"), null, null, null, null, null, d("2024-03-20")],
  plan: ["A", "B", "A", "B", "A", "A", "B", "B"],
  referred_by: [null, null, "r1", "r1", "r2", "ghost", "r1", "x1"],
});

const pickCounts = (r: Row) => [
  r.period,
  r.active_customers,
  r.referrers,
  r.signups,
  r.referred_signups,
  r.unmatched_referrals,
];

Deno.test("referralRate: hand-worked months — active customers, distinct referrers, unmatched", () => {
  const rows = referralRate(tiny, { period: "month", observedUntil: d("2024-03-31") })
    .objects() as Row[];
  assertEquals(rows.map(pickCounts), [
    // Jan: active = r1, r2, x1, x2 (all new); referrers = {r1} although r1 brought two.
    ["2024-01", 4, 1, 4, 2, 0],
    // Feb: start r1, x1, x2 (r2 left on 31 Jan) + signups x3, x4 = 5 active. x3's referrer
    // r2 was not active in February, x4's is unknown: both unmatched, 0 referrers.
    ["2024-02", 5, 0, 2, 2, 2],
    // Mar: start r1, x1, x2, x3, x4 + signups x5, x6 = 7; referrers r1 (x5) and x1 (x6).
    ["2024-03", 7, 2, 2, 2, 0],
  ]);
  // The referral rate is the share of new customers who came by referral; the referrer
  // share the share of active customers who referred someone.
  assertEquals(rows.map((r) => r.referral_rate), [2 / 4, 1, 1]);
  assertEquals(rows.map((r) => r.referrer_share), [1 / 4, 0, 2 / 7]);
  const [low, high] = wilsonByHand(1, 4);
  assertClose(rows[0].referrer_share_low, low, "low");
  assertClose(rows[0].referrer_share_high, high, "high");
  const [slow, shigh] = wilsonByHand(2, 2);
  assertClose(rows[1].referral_rate_low, slow, "rate low");
  assertEquals(rows[1].referral_rate_high, shigh);
  assertEquals(rows[0].n, 4); // n = signups, the referral rate's denominator
  assertEquals(Object.keys(rows[0]), [
    "period",
    "period_start",
    ...REFERRAL_COLUMNS,
    "small_sample",
    "time_zone",
  ]);
});

Deno.test("referralRate by plan: referrers in their own segment, referred signups in theirs", () => {
  const rows = referralRate(tiny, { period: "month", by: "plan", observedUntil: d("2024-03-31") })
    .objects() as Row[];
  assertEquals(rows.map((r) => [r.plan, ...pickCounts(r)]), [
    // r1 (A) referred x2 (B) in January: the referrer counts in A, the signup in B.
    ["A", "2024-01", 2, 1, 2, 1, 0],
    ["A", "2024-02", 4, 0, 2, 2, 2],
    ["A", "2024-03", 4, 2, 0, 0, 0], // r1 and x1 are both plan A; no A signups: share null
    ["B", "2024-01", 2, 0, 2, 1, 0],
    ["B", "2024-02", 1, 0, 0, 0, 0], // n = 1 (x2), no signups
    ["B", "2024-03", 3, 0, 2, 2, 0],
  ]);
  assertEquals(rows[2].referral_rate, null);
  assertEquals([rows[2].referral_rate_low, rows[2].referral_rate_high], [null, null]);
  assertEquals(
    [rows[4].active_customers, rows[4].referrer_share, rows[4].n, rows[4].referral_rate],
    [1, 0, 0, null],
  );
  assertEquals(rows[4].small_sample, true);
});

Deno.test("referralRate without period: the whole window is one period", () => {
  const rows = referralRate(tiny, { observedUntil: d("2024-03-31") }).objects() as Row[];
  // Active in 2 Jan … 31 Mar: all 8. r2 was active in the window, so x3 is matched now;
  // referrers = {r1, r2, x1}; only x4 (unknown referrer) stays unmatched.
  assertEquals(rows.length, 1);
  const r = rows[0];
  assertEquals([r.active_customers, r.referrers, r.signups, r.referred_signups], [8, 3, 8, 6]);
  assertEquals([r.referral_rate, r.referrer_share, r.unmatched_referrals], [6 / 8, 3 / 8, 1]);
  assertEquals(Object.keys(r), [
    ...REFERRAL_COLUMNS.filter((c) => c !== "period_end" && c !== "complete"),
    "small_sample",
  ]);
  // From 1 March: customers from before count in the stock (active in March), earlier
  // referrals do not.
  const march = referralRate(tiny, { from: d("2024-03-01"), observedUntil: d("2024-03-31") })
    .objects()[0] as Row;
  assertEquals([march.active_customers, march.referrers, march.signups], [7, 2, 2]);
  assertEquals(meta<"kpi">(referralRate(tiny))?.kpi, "referral_rate");
});

Deno.test("referralRate agrees with pandas/statsmodels on the sample (1e-9)", async () => {
  const { table } = await readCsv(new URL("../../data/sample/customers.csv", import.meta.url), {
    schema: "customers",
  });
  // The pandas fixture keeps the old names: its referred_share is our referral_rate (share of
  // new customers who came by referral), its referral_rate our referrer_share.
  const renamed: Record<string, string> = {
    referral_rate: "referred_share",
    referral_rate_low: "referred_share_low",
    referral_rate_high: "referred_share_high",
    referrer_share: "referral_rate",
    referrer_share_low: "referral_low",
    referrer_share_high: "referral_high",
  };
  const columns = Object.fromEntries(
    REFERRAL_COLUMNS.filter((c) => c !== "period_end" && c !== "complete" && c !== "n").map((
      c,
    ) => [c, renamed[c] ?? c]),
  );
  assertMatchesFixture(referralRate(table, { period: "month" }), fixture("referral_by_month.csv"), {
    period: "period",
    ...columns,
  });
  assertMatchesFixture(
    referralRate(table, { period: "month", by: "plan" }),
    fixture("referral_by_plan_month.csv"),
    { plan: "plan", period: "period", ...columns },
  );
  assertMatchesFixture(referralRate(table, { by: "plan" }), fixture("referral_by_plan.csv"), {
    plan: "plan",
    ...columns,
  });
});

Deno.test("referralRate: bad input gives clear errors", () => {
  const self = aq.table({
    customer_id: ["a", "b"],
    signup_date: [d("2024-01-01"), d("2024-01-02")],
    churn_date: [null, null],
    referred_by: [null, "b"],
  });
  const e = assertThrows(() => referralRate(self), CxDataError);
  assertMatch(
    e.message,
    /row 2, column referred_by, value "b": a customer cannot refer themselves/,
  );
  const noColumn = tiny.select("customer_id", "signup_date", "churn_date");
  assertMatch(
    assertThrows(() => referralRate(noColumn), CxSchemaError).message,
    /lacks required column "referred_by"/,
  );
  assertMatch(
    assertThrows(() => referralRate(tiny, { by: "region" }), CxOptionsError).message,
    /"by" names column "region"/,
  );
  const backwards = tiny.assign({ churn_date: Array.from({ length: 8 }, () => d("2023-01-01")) });
  assertEquals(
    assertThrows(() => referralRate(backwards), CxDataError).problems[0].column,
    "churn_date",
  );
});
