/**
 * The finalize step of churn and retention: rates and Wilson intervals from
 * the customer counts of one segment × period, the result columns and the
 * notes a result's metadata carries.
 *
 * @module
 */
import { wilson } from "../../stats/intervals.ts";
import type { LeftOut } from "../groups.ts";
import type { CustomerWindow } from "./window.ts";

/** Customer counts per period shared by churn and retention results, in order. */
export const CUSTOMER_COUNT_COLUMNS = [
  "period_end",
  "customers_start",
  "churned",
  "signups",
  "signup_churned",
  "new_customers",
  "customers_end",
] as const;

/** The churn result columns after the group keys, in order. */
export const CHURN_COLUMNS = [
  ...CUSTOMER_COUNT_COLUMNS,
  "churn_rate",
  "churn_rate_low",
  "churn_rate_high",
  "n",
  "complete",
] as const;

/** The retention result columns after the group keys, in order. */
export const RETENTION_COLUMNS = [
  ...CUSTOMER_COUNT_COLUMNS,
  "retention",
  "retention_low",
  "retention_high",
  "n",
  "complete",
] as const;

/**
 * Customers of the groups left out for a missing `by` value: those at the
 * start of each group's first period plus every later signup.
 */
export const CUSTOMERS_LEFT_OUT: LeftOut = {
  noun: "customers",
  count: (rows, by) => {
    const seen = new Set<string>();
    let customers = 0;
    for (const row of rows) {
      const key = JSON.stringify(by.map((b) => row[b] ?? null));
      if (!seen.has(key)) customers += Number(row.customers_start ?? 0);
      seen.add(key);
      customers += Number(row.signups ?? 0);
    }
    return customers;
  },
};

/** Customer counts of one segment × period (the input of the finalize steps). */
export interface CustomerCounts {
  /** First instant after the period. */
  period_end: Date;
  /** Customers at the period start. */
  customers_start: number;
  /** Of those, churned in the period. */
  churned: number;
  /** Signed up in the period. */
  signups: number;
  /** Signed up and churned in the period. */
  signup_churned: number;
  /** `signups − signup_churned`. */
  new_customers: number;
  /** Customers at the period end. */
  customers_end: number;
  /** The period ends by the cut-off (fully observed). */
  complete: boolean;
}

/** Finalize step of churn: rate and Wilson interval from the counts. */
export function finalizeChurn(
  counts: CustomerCounts,
  confidence: number,
): Record<string, unknown> {
  const n = counts.customers_start;
  const { low, high } = wilson(counts.churned, n, confidence);
  return {
    ...countColumns(counts),
    churn_rate: n > 0 ? counts.churned / n : null,
    churn_rate_low: low,
    churn_rate_high: high,
    n,
    complete: counts.complete,
  };
}

/** Finalize step of retention: (end − new) / start and its Wilson interval. */
export function finalizeRetention(
  counts: CustomerCounts,
  confidence: number,
): Record<string, unknown> {
  const n = counts.customers_start;
  const retained = counts.customers_end - counts.new_customers;
  const { low, high } = wilson(retained, n, confidence);
  return {
    ...countColumns(counts),
    retention: n > 0 ? retained / n : null,
    retention_low: low,
    retention_high: high,
    n,
    complete: counts.complete,
  };
}

function countColumns(counts: CustomerCounts): Record<string, unknown> {
  return Object.fromEntries(CUSTOMER_COUNT_COLUMNS.map((c) => [c, counts[c]]));
}

/** What the result metadata says about the window and the boundary rules. */
export function windowNotes(window: CustomerWindow): Record<string, unknown> {
  return {
    from: window.from,
    observedUntil: window.to,
    cutoff: window.cutoff,
    periods:
      "half-open [start, end) at local midnight; a date belongs to the period of its instant",
    customers_start: "signup < start and no churn before start",
    churned: "customers_start with start ≤ churn < end",
    signup_churned: "signed up and churned in the same period: in no stock, not in churned",
    new_customers: "signups − signup_churned",
    complete: "false when the period ends after the cut-off (end of the day `observedUntil`)",
  };
}
