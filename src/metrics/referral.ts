/**
 * Referral rate: the share of new customers who came through a referral in a
 * period, and the share of active customers who referred someone, each with a
 * Wilson interval.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { Period } from "../time/period.ts";
import type { TableInput } from "../base/input.ts";
import { type EngineAnalysis, withEngine } from "../engine/dispatch.ts";
import { aggregateChurn, customerCounts } from "./churn/aggregate.ts";
import { CHURN_OPTIONS, type ChurnOptions } from "./churn/options.ts";
import { prepareCustomers } from "./churn/window.ts";
import { aggregateReferrals, wholeWindow } from "./referral/aggregate.ts";
import { referralResult } from "./referral/finalize.ts";
import { referralSql } from "./referral/sql.ts";
export { REFERRAL_COLUMNS } from "./referral/finalize.ts";

/** Options of {@link referralRate}. */
export interface ReferralOptions extends Omit<ChurnOptions, "period"> {
  /** Period length; omit for one row per segment over the whole window `from` … `observedUntil`. */
  period?: Period;
}

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
export const referralRate: EngineAnalysis<ReferralOptions> = withEngine<ReferralOptions>({
  name: "referralRate",
  options: CHURN_OPTIONS,
  dates: true,
  memory: referralInMemory,
  sql: referralSql,
});

function referralInMemory(customers: TableInput, options: ReferralOptions): ColumnTable {
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
