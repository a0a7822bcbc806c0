/**
 * The in-memory aggregate step of `referralRate`: referred signups,
 * unmatched referrals and distinct active referrers per segment × period,
 * the self-referral check, and the one-period window used without `period`.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, type CxProblem } from "../../errors.ts";
import type { GroupPlan } from "../../base/plan.ts";
import { customerPeriods, type CustomerWindow, type PeriodSpan } from "../churn/window.ts";

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

/** Why a self-referral is refused. */
export const SELF_REFERRAL =
  "a customer cannot refer themselves; referred_by must name another customer_id";

/** A `CxDataError` naming the rows whose `referred_by` is their own `customer_id`. */
export function checkReferrals(ids: unknown[], referredBy: unknown[]): void {
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

// Without a period: the days before the window (for the stock) and the window itself.
export function wholeWindow(days: CustomerWindow): CustomerWindow {
  if (days.periods.length === 0) return days;
  const spans: PeriodSpan[] = [];
  const start = days.periods[days.first].start;
  if (days.first > 0) {
    spans.push({ label: "before", start: days.periods[0].start, end: start, complete: true });
  }
  spans.push({ label: "all", start, end: days.cutoff, complete: true });
  return { ...days, periods: spans, first: spans.length - 1 };
}
