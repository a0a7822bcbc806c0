/**
 * Customer churn and retention per calendar period from the customers table
 * (`signup_date`, `churn_date`), with Wilson intervals, plus the compounding
 * conversions between monthly and annual churn.
 *
 * Boundary rules (all periods half-open, `[start, end)`, cut at local
 * midnight in `timeZone`; a date belongs to the period containing its
 * instant, so a churn on the first day of a month is a churn of that month):
 * - `customers_start`: signed up before the period start and not churned
 *   before it (`signup < start` and no churn before `start`). A customer who
 *   churns exactly at `start` is counted here and churns in this period.
 * - `churned`: of those, churned during the period (`start ≤ churn < end`).
 * - `signups`: signed up during the period (`start ≤ signup < end`); never in
 *   the denominator of the same period.
 * - `signup_churned`: signed up and churned within the same period. They are
 *   never a customer at a period boundary, so they count in no stock and not
 *   in `churned` (no churn rate sees them: watch this column for early churn).
 * - `new_customers` = `signups − signup_churned`: customers at the period end
 *   who were acquired during the period.
 * - `customers_end` = `customers_start − churned + new_customers`: customers
 *   at the period end; it equals the next period's `customers_start`.
 *
 * Hence `retention = (customers_end − new_customers) / customers_start`
 * equals `1 − churn_rate` exactly. Signups and churns after the cut-off (the
 * end of the day `observedUntil`) are not yet observed: they are ignored, and a period
 * ending after the cut-off is reported with `complete: false`.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import type { Period } from "../time/period.ts";
import type { GroupPlan } from "../base/plan.ts";
import { type EngineAnalysis, withEngine } from "../engine/dispatch.ts";
import { tidyResult } from "./groups.ts";
import { aggregateChurn, customerCounts } from "./churn/aggregate.ts";
import {
  CHURN_COLUMNS,
  type CustomerCounts,
  CUSTOMERS_LEFT_OUT,
  finalizeChurn,
  finalizeRetention,
  RETENTION_COLUMNS,
  windowNotes,
} from "./churn/finalize.ts";
import { CHURN_OPTIONS, type ChurnOptions } from "./churn/options.ts";
import { customerFlowsSql } from "./churn/sql.ts";
import { type CustomerWindow, prepareCustomers } from "./churn/window.ts";
export { CHURN_COLUMNS, CUSTOMER_COUNT_COLUMNS, RETENTION_COLUMNS } from "./churn/finalize.ts";
export { CHURN_OPTIONS } from "./churn/options.ts";
export type { ChurnOptions } from "./churn/options.ts";

/**
 * Churn rate per period (and segment): `churn_rate = churned /
 * customers_start` with a Wilson interval (`churn_rate_low`, `churn_rate_high`), `n =
 * customers_start`. Boundary rules are in the module doc: customers who sign
 * up during a period are not in its denominator; churn on a period's first
 * day belongs to that period. Periods run from the one containing `from`
 * (default the first signup) to the one containing the cut-off `observedUntil`; every
 * segment gets every period (empty ones with `n = 0` and `null` rates), and a
 * period ending after the cut-off is flagged `complete: false`. Dates are placed
 * in periods by their instant in `timeZone`: load date-only files with the
 * same `timeZone`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { churnRate } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c", "d"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10"), d("2024-01-20"), d("2024-02-05")],
 *   churn_date: [d("2024-02-01"), null, d("2024-01-25"), null],
 * });
 * const r = churnRate(customers, { observedUntil: d("2024-02-29") });
 * // February: a and b were customers on 1 February (c left in January, d is new); a left.
 * assert.ok(r.get("period", 1) === "2024-02" && r.get("customers_start", 1) === 2);
 * assert.ok(r.get("churned", 1) === 1 && r.get("churn_rate", 1) === 0.5);
 * ```
 *
 * With an SQL engine in `options.engine` (DuckDB, PostgreSQL, ClickHouse)
 * or a server table `{ engine, table }` as input, the checks, the window
 * and the customer counts per segment × signup period × churn period are
 * computed in the engine (see `customerFlowsSql` in `churn/sql.ts`); the stocks and rates
 * are the same TypeScript, so the call resolves to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { churnRate } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10"), d("2024-02-05")],
 *   churn_date: [d("2024-02-01"), null, null],
 * });
 * const engine = duckdbEngine();
 * const r = await churnRate(customers, { engine, timeZone: "Europe/Berlin" });
 * assert.deepEqual(r.objects(), churnRate(customers, { timeZone: "Europe/Berlin" }).objects());
 * await engine.close();
 * ```
 */
export const churnRate: EngineAnalysis<ChurnOptions> = customerKpi("churnRate", {
  kpi: "churn_rate",
  finalize: finalizeChurn,
  columns: CHURN_COLUMNS,
});

/** What churn and retention differ in: the KPI's name, its finalize step and its columns. */
interface CustomerKpi {
  kpi: string;
  finalize(counts: CustomerCounts, confidence: number): Record<string, unknown>;
  columns: readonly string[];
}

/**
 * A KPI over per-period customer counts, in memory or in an SQL engine: the
 * flows come from `aggregateChurn` or from `customerFlowsSql`, and the same
 * stocks and finalize step make the result in both.
 */
function customerKpi(name: string, spec: CustomerKpi): EngineAnalysis<ChurnOptions> {
  const result = (
    flows: ColumnTable,
    { plan, window }: { plan: GroupPlan & { period: Period }; window: CustomerWindow },
  ) =>
    tidyResult(
      customerCounts(flows, plan.by, window),
      [...plan.by, "period", "period_start"],
      plan,
      (row) => spec.finalize(row as unknown as CustomerCounts, plan.confidence),
      { kpi: spec.kpi, method: "wilson", notes: windowNotes(window) },
      [...spec.columns],
      { leftOut: CUSTOMERS_LEFT_OUT },
    );
  return withEngine<ChurnOptions>({
    name,
    options: CHURN_OPTIONS,
    dates: true,
    memory: (customers, options) => {
      const { table, plan, window } = prepareCustomers(customers, options);
      return result(aggregateChurn(table, plan, window), { plan, window });
    },
    sql: async (call, options) => {
      const f = await customerFlowsSql(call, options);
      return result(f.flows, f);
    },
  });
}

/**
 * Retention rate per period (and segment), the classic CX formula
 * `retention = (customers_end − new_customers) / customers_start` with a
 * Wilson interval (`retention_low`, `retention_high`) on the retained count.
 * Under the boundary rules of {@link churnRate} (same options, same counts)
 * it equals `1 − churn_rate`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { retentionRate } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10"), d("2024-02-05")],
 *   churn_date: [d("2024-02-14"), null, null],
 * });
 * const r = retentionRate(customers, { observedUntil: d("2024-02-29") });
 * // February: end 2 (b, c) − new 1 (c) = 1 retained of 2 at the start.
 * assert.ok(r.get("customers_end", 1) === 2 && r.get("new_customers", 1) === 1);
 * assert.ok(r.get("retention", 1) === 0.5);
 * ```
 *
 * Given an SQL engine or a server table it resolves to the same table,
 * computed like {@link churnRate}'s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { retentionRate } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10")],
 *   churn_date: [d("2024-02-14"), null],
 * });
 * const engine = duckdbEngine();
 * const r = await retentionRate(customers, { engine });
 * assert.equal(r.get("retention", 1), 0.5);
 * await engine.close();
 * ```
 */
export const retentionRate: EngineAnalysis<ChurnOptions> = customerKpi("retentionRate", {
  kpi: "retention_rate",
  finalize: finalizeRetention,
  columns: RETENTION_COLUMNS,
});

/**
 * Annual churn from a constant monthly churn rate by compounding (not ×12):
 * `a = 1 − (1 − m)^12`, the share of customers lost within a year when each
 * month loses the share `m` of those left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { annualizeChurn } from "./churn.ts";
 * assert.ok(Math.abs(annualizeChurn(0.05) - (1 - 0.95 ** 12)) < 1e-15); // 0.4596…, not 0.6
 * ```
 */
export function annualizeChurn(monthlyRate: number): number {
  checkRate(monthlyRate, "monthlyRate");
  // −expm1(12·log1p(−m)) is 1 − (1 − m)^12 without cancellation for small m.
  return -Math.expm1(12 * Math.log1p(-monthlyRate));
}

/**
 * Constant monthly churn rate that compounds to the annual rate `a`:
 * `m = 1 − (1 − a)^(1/12)`, the inverse of {@link annualizeChurn}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { monthlyFromAnnualChurn } from "./churn.ts";
 * const m = monthlyFromAnnualChurn(0.3);
 * assert.ok(Math.abs(m - (1 - 0.7 ** (1 / 12))) < 1e-15); // 0.02928…, not 0.025
 * ```
 */
export function monthlyFromAnnualChurn(annualRate: number): number {
  checkRate(annualRate, "annualRate");
  return -Math.expm1(Math.log1p(-annualRate) / 12);
}

function checkRate(rate: number, name: string): void {
  if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
    throw new CxOptionsError(
      `${name} must be a proportion between 0 and 1 (e.g. 0.05 for 5 %), got ${
        JSON.stringify(rate)
      }`,
    );
  }
}
