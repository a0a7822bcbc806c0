/**
 * Referral rate: the share of new customers who came through a referral in a
 * period, and the share of active customers who referred someone, each with a
 * Wilson interval.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, type CxProblem } from "../errors.ts";
import { wilson } from "../stats/intervals.ts";
import type { Period } from "../time/period.ts";
import {
  aggregateChurn,
  CHURN_OPTIONS,
  type ChurnOptions,
  customerCounts,
  customerPeriods,
  type CustomerRelation,
  CUSTOMERS_LEFT_OUT,
  type CustomerWindow,
  flowsOf,
  type PeriodSpan,
  prepareCustomers,
  windowNotes,
  withCustomersSql,
} from "./churn.ts";
import { type KpiInput, tidyResult } from "./groups.ts";
import type { GroupPlan } from "../base/plan.ts";
import { compileAggregate } from "../engine/compile/aggregate.ts";
import { compileReferralPairs } from "./referral/sql.ts";
import type { PushdownKpi, PushdownOptions, PushdownSource } from "../engine/pushdown.ts";
import { recordSql, withSqlPath } from "../engine/kpi_sql.ts";
import { keyKinds, num, plainKey } from "../engine/source.ts";

/** Options of {@link referralRate}. */
export interface ReferralOptions extends Omit<ChurnOptions, "period"> {
  /** Period length; omit for one row per segment over the whole window `from` … `observedUntil`. */
  period?: Period;
}

/** The referral result columns after the group keys, in order (period ones only with `period`). */
export const REFERRAL_COLUMNS = [
  "period_end",
  "signups",
  "referred_signups",
  "referral_rate",
  "referral_rate_low",
  "referral_rate_high",
  "active_customers",
  "referrers",
  "referrer_share",
  "referrer_share_low",
  "referrer_share_high",
  "unmatched_referrals",
  "n",
  "complete",
] as const;

/**
 * Referral rate per period (and segment): the share of new customers who
 * came through a referral, `referral_rate = referred_signups / signups` with
 * a Wilson interval, `n = signups`; beside it the share of active customers
 * who referred someone, `referrer_share = referrers / active_customers`.
 *
 * - **`referred_signups`**: customers who signed up in the period with a
 *   `referred_by` (counted in the new customer's segment).
 * - **Active in the period**: a customer at some moment of `[start, end)`:
 *   signed up before the end and not churned before the start
 *   (`customers_start + signups` of {@link churnRate}'s counts).
 * - **Referrers**: distinct active customers whose `customer_id` is the
 *   `referred_by` of at least one customer who signed up in the period; a
 *   referrer counts in its own segment, once per period however many it
 *   brought.
 * - **`unmatched_referrals`**: of the referred signups, those whose referrer is
 *   not in the table or not active in that period; they are not in
 *   `referrers` (a referrer outside the denominator would break the
 *   proportion).
 *
 * Boundaries, `from`/`observedUntil` and `complete` follow {@link churnRate}. Without
 * `period` the whole window (start of the day `from` to the end of the day
 * `observedUntil`) is one period and the period columns are left out. Distinct referrer
 * counts add up across parts only when each referrer's referrals are in one
 * part.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { referralRate } from "./referral.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c", "d"],
 *   signup_date: [d("2024-01-02"), d("2024-01-05"), d("2024-01-20"), d("2024-01-25")],
 *   churn_date: [null, null, null, null],
 *   referred_by: [null, null, "a", "a"],
 * });
 * const r = referralRate(customers);
 * // 2 of 4 signups were referred; 4 active customers, 1 referrer (a, counted once).
 * assert.ok(r.get("referral_rate", 0) === 0.5);
 * assert.ok(r.get("referrers", 0) === 1 && r.get("referrer_share", 0) === 0.25);
 * ```
 *
 * With an SQL engine in `options.engine` (DuckDB, PostgreSQL, ClickHouse)
 * or a server table `{ engine, table }` as input, the customer counts, the
 * checks and the referred customers joined to their referrers run in the
 * engine (`referred_by` and `customer_id` must be text columns), and the
 * call resolves to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { referralRate } from "./referral.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c"],
 *   signup_date: [d("2024-01-02"), d("2024-01-05"), d("2024-01-20")],
 *   churn_date: [null, null, null],
 *   referred_by: [null, "a", "a"],
 * });
 * const engine = duckdbEngine();
 * const r = await referralRate(customers, { engine });
 * assert.deepEqual(r.objects(), referralRate(customers).objects());
 * await engine.close();
 * ```
 */
export const referralRate: PushdownKpi<ReferralOptions> = withSqlPath(
  referralInMemory,
  referralSql,
  { name: "referralRate", options: CHURN_OPTIONS },
);

function referralInMemory(customers: KpiInput, options: ReferralOptions = {}): ColumnTable {
  const { table, plan, window: calendar } = prepareCustomers(
    customers,
    options,
    ["referred_by"],
    options.period ?? "day",
  );
  const window = options.period ? calendar : wholeWindow(calendar);
  const referrals = aggregateReferrals(table, plan, window);
  const counts = customerCounts(aggregateChurn(table, plan, window), plan.by, window);
  return referralResult(plan, window, referrals, counts, options);
}

/**
 * The SQL path: the customer flows as for churn (see `customerFlowsSql`),
 * a count of self-referrals, and the referred customers joined to their
 * referrer per segment and signup period (`compileReferralPairs`); whether
 * the referrer was active and the distinct referrers are worked out here
 * from those rows, exactly as in memory.
 */
async function referralSql(
  source: PushdownSource,
  options: Omit<ReferralOptions, "engine"> & PushdownOptions,
): Promise<ColumnTable> {
  const period = options.period ?? "day";
  return await withCustomersSql(source, options, ["referred_by"], period, async (c) => {
    const { src, plan } = c;
    if (src.opened.table) {
      checkReferrals(
        src.opened.table.array("customer_id") as unknown[],
        src.opened.table.array("referred_by") as unknown[],
      );
    } else await checkReferralsInEngine(c);
    const window = options.period ? c.window : wholeWindow(c.window);
    // Without a period: calendar days mapped to "before" and "all".
    const periodOf = options.period
      ? (i: number) => i
      : (i: number) => (i < c.window.first || c.window.first === 0 ? 0 : 1);
    const { flows } = await flowsOf(c, periodOf);
    const counts = customerCounts(flows, plan.by, window);
    const query = compileReferralPairs({
      relation: c.relation,
      by: plan.by,
      id: "customer_id",
      referredBy: "referred_by",
      signup: { bucket: c.signup, before: c.cutoff },
      churn: { bucket: c.churn, before: c.cutoff },
    }, src.engine.dialect);
    const rows = await src.log.run(query);
    const kinds = keyKinds(src.engine, c.columns, src.opened.table, plan.by);
    const k = plan.by.length;
    const keyOf = (r: Record<string, unknown>, from: number) =>
      plan.by.map((_, j) => plainKey(r[query.keys[from + j]], kinds[j]));
    const groups = new Map<
      string,
      { keys: unknown[]; p: number; referrers: Set<string>; referred: number; unmatched: number }
    >();
    const group = (keys: unknown[], p: number) => {
      const id = JSON.stringify([...keys, p]);
      let g = groups.get(id);
      if (!g) groups.set(id, g = { keys, p, referrers: new Set(), referred: 0, unmatched: 0 });
      return g;
    };
    const label = (v: unknown) => v === null || v === undefined ? null : periodOf(c.indexOf(v));
    for (const r of rows) {
      const p = label(r[query.keys[k]]);
      if (p === null) continue;
      const n = num(r[query.measures[0]]);
      const found = num(r[query.keys[k + 1]]) === 1;
      const s = found ? label(r[query.keys[2 * k + 2]]) : null;
      const ch = found ? label(r[query.keys[2 * k + 3]]) : null;
      const matched = s !== null && s <= p && (ch === null || ch >= p);
      const mine = group(keyOf(r, 0), p);
      mine.referred += n;
      if (!matched) mine.unmatched += n;
      else group(keyOf(r, k + 2), p).referrers.add(String(r[query.keys[2 * k + 4]]));
    }
    const out: Record<string, unknown[]> = Object.fromEntries(
      [...plan.by, "period_index", "referrers", "referred_signups", "unmatched_referrals"]
        .map((name) => [name, []]),
    );
    for (const g of groups.values()) {
      plan.by.forEach((b, j) => out[b].push(g.keys[j]));
      out.period_index.push(g.p);
      out.referrers.push(g.referrers.size);
      out.referred_signups.push(g.referred);
      out.unmatched_referrals.push(g.unmatched);
    }
    const result = referralResult(plan, window, aq.table(out), counts, options);
    return recordSql(result, src.log, query);
  });
}

/** Self-referrals in the engine: a `CxDataError` with their count, as in memory. */
async function checkReferralsInEngine(c: CustomerRelation): Promise<void> {
  const query = compileAggregate({
    relation: c.relation,
    by: [],
    measures: [{
      name: "self",
      op: "countWhere",
      where: { op: "sameAs", column: "referred_by", other: "customer_id" },
    }],
  }, c.src.engine.dialect);
  const [row] = await c.src.log.run(query);
  const total = num(row?.[query.measures[0]]) || 0;
  if (total) {
    throw new CxDataError(
      [{ row: null, column: "referred_by", value: `${total} rows`, reason: SELF_REFERRAL }],
      total,
      `Column "referred_by" has self-referrals (${total} in ${c.src.engine.name})`,
    );
  }
}

function referralResult(
  plan: GroupPlan & { period: Period },
  window: CustomerWindow,
  referrals: ColumnTable,
  counts: ColumnTable,
  options: { period?: Period },
): ColumnTable {
  const keys = [...plan.by, "period_index"];
  const index = new Map<string, Record<string, unknown>>();
  for (const row of referrals.objects() as Record<string, unknown>[]) {
    index.set(JSON.stringify(keys.map((k) => row[k])), row);
  }
  const starts = window.periods.map((p) => p.start.getTime());
  const joined = (counts.objects() as Record<string, unknown>[]).map((row) => {
    const i = starts.indexOf((row.period_start as Date).getTime());
    const key = JSON.stringify([...plan.by.map((b) => row[b]), i]);
    return { ...row, ...pick(index.get(key)) };
  });
  const periodKeys = options.period ? ["period", "period_start"] : [];
  const columns = REFERRAL_COLUMNS.filter((c) =>
    options.period || (c !== "period_end" && c !== "complete")
  );
  const resultPlan: GroupPlan = options.period ? plan : { ...plan, period: undefined };
  const names = [...plan.by, ...periodKeys];
  return tidyResult(
    aq.from(joined),
    names,
    resultPlan,
    (row) => finalizeReferral(row as unknown as ReferralCounts, plan.confidence),
    {
      kpi: "referral_rate",
      method: "wilson",
      notes: {
        ...windowNotes(window),
        active: "signed up before the period end and not churned before its start",
        referrers: "distinct active customers named in referred_by of a signup in the period",
      },
    },
    [...columns],
    { leftOut: CUSTOMERS_LEFT_OUT },
  );
}

/** The counts {@link finalizeReferral} needs for one segment × period. */
export interface ReferralCounts {
  /** First instant after the period. */
  period_end: Date;
  /** Customers at the period start. */
  customers_start: number;
  /** Signups in the period. */
  signups: number;
  /** Distinct active referrers of signups in the period. */
  referrers: number;
  /** Signups in the period with a `referred_by`. */
  referred_signups: number;
  /** Referred signups whose referrer is unknown or was not active. */
  unmatched_referrals: number;
  /** The period ends by the cut-off (fully observed). */
  complete: boolean;
}

/** Finalize step: both shares and their Wilson intervals. */
export function finalizeReferral(
  counts: ReferralCounts,
  confidence: number,
): Record<string, unknown> {
  const active = counts.customers_start + counts.signups;
  const rate = wilson(counts.referred_signups, counts.signups, confidence);
  const share = wilson(counts.referrers, active, confidence);
  return {
    period_end: counts.period_end,
    signups: counts.signups,
    referred_signups: counts.referred_signups,
    referral_rate: counts.signups > 0 ? counts.referred_signups / counts.signups : null,
    referral_rate_low: rate.low,
    referral_rate_high: rate.high,
    active_customers: active,
    referrers: counts.referrers,
    referrer_share: active > 0 ? counts.referrers / active : null,
    referrer_share_low: share.low,
    referrer_share_high: share.high,
    unmatched_referrals: counts.unmatched_referrals,
    n: counts.signups,
    complete: counts.complete,
  };
}

/**
 * Aggregate step: per segment × period index, distinct active referrers
 * (in the referrer's segment), referred signups and unmatched referrals (in
 * the new customer's segment).
 */
export function aggregateReferrals(
  table: ColumnTable,
  plan: GroupPlan,
  window: CustomerWindow,
): ColumnTable {
  const ids = table.array("customer_id") as unknown[];
  const referredBy = table.array("referred_by") as unknown[];
  checkReferrals(ids, referredBy);
  const { signup, churn } = customerPeriods(table, window);
  const row = new Map(ids.map((id, i) => [id, i]));
  const byValues = plan.by.map((b) => table.array(b) as unknown[]);
  const keys = [...plan.by, "period_index"];
  const pairs: Record<string, unknown[]> = Object.fromEntries(
    [...keys, "referrer"].map((k) => [k, []]),
  );
  const signups: Record<string, unknown[]> = Object.fromEntries(
    [...keys, "referred", "unmatched"].map((k) => [k, []]),
  );
  const activeIn = (r: number, p: number) => {
    const s = signup[r], c = churn[r];
    return s !== null && s <= p && (c === null || c >= p);
  };
  for (let i = 0; i < ids.length; i++) {
    const p = signup[i];
    if (p === null) continue;
    const referrer = referredBy[i];
    const referred = referrer !== null && referrer !== undefined && referrer !== "";
    const r = referred ? row.get(referrer) : undefined;
    const matched = r !== undefined && activeIn(r, p);
    plan.by.forEach((b, k) => signups[b].push(byValues[k][i]));
    signups.period_index.push(p);
    signups.referred.push(referred ? 1 : 0);
    signups.unmatched.push(referred && !matched ? 1 : 0);
    if (matched) {
      plan.by.forEach((b, k) => pairs[b].push(byValues[k][r]));
      pairs.period_index.push(p);
      pairs.referrer.push(referrer);
    }
  }
  const referrers = aq.table(pairs).groupby(keys)
    .rollup({ referrers: aq.op.distinct("referrer") })
    .derive({ referred_signups: () => 0, unmatched_referrals: () => 0 });
  const flows = aq.table(signups).groupby(keys)
    .rollup({
      referred_signups: aq.op.sum("referred"),
      unmatched_referrals: aq.op.sum("unmatched"),
    })
    .derive({ referrers: () => 0 });
  // One row per key: each key has at most one row in either part.
  return flows.concat(referrers).groupby(keys).rollup({
    referrers: aq.op.sum("referrers"),
    referred_signups: aq.op.sum("referred_signups"),
    unmatched_referrals: aq.op.sum("unmatched_referrals"),
  });
}

const SELF_REFERRAL =
  "a customer cannot refer themselves; referred_by must name another customer_id";

function checkReferrals(ids: unknown[], referredBy: unknown[]): void {
  const problems: CxProblem[] = [];
  let total = 0;
  referredBy.forEach((r, i) => {
    if (r === null || r === undefined || r !== ids[i]) return;
    total++;
    if (problems.length < 20) {
      problems.push({
        row: i + 1,
        column: "referred_by",
        value: String(r),
        reason: SELF_REFERRAL,
      });
    }
  });
  if (total) throw new CxDataError(problems, total, `Column "referred_by" has self-referrals`);
}

function pick(row: Record<string, unknown> | undefined): Record<string, number> {
  return {
    referrers: (row?.referrers as number | undefined) ?? 0,
    referred_signups: (row?.referred_signups as number | undefined) ?? 0,
    unmatched_referrals: (row?.unmatched_referrals as number | undefined) ?? 0,
  };
}

// Without a period: the days before the window (for the stock) and the window itself.
function wholeWindow(days: CustomerWindow): CustomerWindow {
  if (days.periods.length === 0) return days;
  const spans: PeriodSpan[] = [];
  const start = days.periods[days.first].start;
  if (days.first > 0) {
    spans.push({ label: "before", start: days.periods[0].start, end: start, complete: true });
  }
  spans.push({ label: "all", start, end: days.cutoff, complete: true });
  return { ...days, periods: spans, first: spans.length - 1 };
}
