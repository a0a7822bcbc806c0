/**
 * The finalize step of `referralRate`: both shares and their Wilson
 * intervals per segment × period, joined onto the customer counts.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { wilson } from "../../stats/intervals.ts";
import type { Period } from "../../time/period.ts";
import type { GroupPlan } from "../../base/plan.ts";
import { tidyResult } from "../groups.ts";
import { CUSTOMERS_LEFT_OUT, windowNotes } from "../churn/finalize.ts";
import type { CustomerWindow } from "../churn/window.ts";

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
 * The result: the referral counts joined onto the customer counts of each
 * segment × period, finalized by {@link finalizeReferral}; without `period`
 * the period columns are left out.
 */
export function referralResult(
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

function pick(row: Record<string, unknown> | undefined): Record<string, number> {
  return {
    referrers: (row?.referrers as number | undefined) ?? 0,
    referred_signups: (row?.referred_signups as number | undefined) ?? 0,
    unmatched_referrals: (row?.unmatched_referrals as number | undefined) ?? 0,
  };
}
