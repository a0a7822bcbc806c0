/**
 * Cohort retention: customers grouped by the period of their first activity
 * (or signup), and the share of each cohort active k periods later, with
 * Wilson intervals and, optionally, net and gross revenue retention.
 *
 * Definitions (summarised again in each result's `meta(result).notes`):
 * - **cohort**: the calendar period (in `timeZone`) containing the
 *   customer's anchor — the first event, or the signup date with `signup`.
 * - **period k**, `window: "calendar"`: the k-th calendar period after the
 *   cohort period (k = 0 is the cohort period itself). `window: "rolling"`:
 *   per customer `[anchor + k·L, anchor + (k+1)·L)` with fixed L = 24 h, 7,
 *   30 or 90 days for day, week, month, quarter (a rolling "month" is 30
 *   days; daylight-saving changes do not stretch a window).
 * - **n**: the customers counted in period k. Calendar windows: the whole
 *   cohort (`cohort_size`). Rolling windows: the cohort's customers whose
 *   window k ended by the cut-off — a customer who joined late in the cohort
 *   period is not counted as inactive in a window that is still running.
 * - **active** (`mode: "exact"`): of those n, the distinct customers with an
 *   event in period k. `mode: "unbounded"` (rolling retention): with an event
 *   in period k or any later observed period.
 * - **retention** = active / n, with a Wilson interval.
 * - **revenue** r(i, k): the sum of customer i's revenue in period k
 *   (refunds negative), over the n customers counted. `revenue` = Σᵢ r(i, k);
 *   `base_revenue` = Σᵢ r(i, 0) over the same customers; **net revenue
 *   retention** NRR(k) = revenue / base_revenue; **gross revenue retention**
 *   GRR(k) = `capped_revenue` / base_revenue with capped_revenue = Σᵢ max(0,
 *   min(r(i, k), r(i, 0))): each customer's revenue is capped at their
 *   period-0 revenue, so expansion never offsets losses and GRR ≤ 1 when no
 *   period-0 revenue is negative. Both `null` when base_revenue ≤ 0. Revenue
 *   is per period k in both modes. In calendar windows base_revenue is the
 *   cohort's period-0 revenue in every row.
 * - **observation**: everything before the cut-off, the start of the local
 *   day after `observedUntil` (default: the last event's day). Events after
 *   it are ignored. A period no customer of a cohort can be counted in yet has
 *   no row (never a 0 % row). `complete: false` marks a calendar period that
 *   has started but not ended (its values are lower bounds) and a rolling
 *   period that not every customer of the cohort has finished (n <
 *   cohort_size).
 *
 * Every row's counts are sums over customers, so rows of parts split by
 * customer add up; `pooledRetention` pools cohorts that way.
 *
 * The stages live side by side in this folder: `options.ts` (options and
 * plan), `kernel.ts` (the in-memory aggregate), `sql/` (the same aggregate
 * in DuckDB, PostgreSQL or ClickHouse), `finalize.ts` (intervals, flags,
 * metadata), `summaries.ts` (pooled curve, one period across cohorts) and
 * `churn.ts` (cumulative churn by signup cohort; its SQL in `sql/churn.ts`).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { pooled, type TableInput } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CodedColumn, InstantColumn } from "../../kernels/columns.ts";
import { compactColumn } from "../../kernels/groups.ts";
import { aggregateRetention } from "./kernel.ts";
import { finalizeRetention } from "./finalize.ts";
import { columnValues } from "./meta.ts";
import {
  COHORT_RETENTION_OPTIONS,
  type CohortRetentionOptions,
  resolveRetention,
} from "./options.ts";
import { cutoffAfter } from "./periods.ts";
import { retentionSql } from "./sql/step.ts";

/**
 * Cohort retention table: one row per segment × cohort × period index with
 * the `by` columns, `cohort, cohort_start, period_index, cohort_size, n,
 * active, retention, retention_low, retention_high`, then (with `revenue`)
 * `revenue, base_revenue, capped_revenue, net_revenue_retention,
 * gross_revenue_retention`, then `complete, window, time_zone`. Definitions
 * are in the module doc: periods a cohort has not reached by the cut-off
 * have no row, and the last, partially observed period is `complete:
 * false`. Read how it was computed, and any warnings, with `meta`.
 *
 * In memory the aggregate is a one-pass typed-array kernel (first activity
 * per customer, a bitset of active periods): linear in the number of
 * events. Given `engine` (DuckDB, PostgreSQL or a ClickHouse cluster), a
 * `{ engine, table }` server table or a CSV/Parquet path, the aggregate runs
 * in the engine (see `sql/step.ts`) and the call resolves to the same table;
 * calendar windows and `signup` as a column of the events are pushed down,
 * rolling windows and a signup table are refused (run them in memory).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortRetention } from "./retention.ts";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * const d = (s: string) => new Date(s);
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "b", "c"],
 *   date: [d("2024-01-05"), d("2024-02-10"), d("2024-01-20"), d("2024-03-01"), d("2024-02-02")],
 * });
 * const rows = cohortRetention(events).objects() as Record<string, unknown>[];
 * // January cohort {a, b}: a is back in February, b in March.
 * assert.deepEqual(rows.map((r) => [r.cohort, r.period_index, r.active, r.complete]), [
 *   ["2024-01", 0, 2, true],
 *   ["2024-01", 1, 1, true],
 *   ["2024-01", 2, 1, false], // March is observed only until 1 March, the last event
 *   ["2024-02", 0, 1, true],
 *   ["2024-02", 1, 0, false],
 * ]);
 * assert.equal(rows[1].retention, 0.5);
 *
 * // The same table with the aggregate in DuckDB.
 * const engine = duckdbEngine();
 * const pushed = await cohortRetention(events, { engine });
 * assert.deepEqual(pushed.objects(), rows);
 * await engine.close();
 * ```
 */
export const cohortRetention: EngineAnalysis<CohortRetentionOptions> = withEngine<
  CohortRetentionOptions
>({
  name: "cohortRetention",
  options: COHORT_RETENTION_OPTIONS,
  dates: true,
  memory: memoryRetention,
  sql: retentionSql,
});

/** The in-memory path of {@link cohortRetention}: the kernel, then the finalize step. */
function memoryRetention(events: TableInput, options: CohortRetentionOptions): ColumnTable {
  const table = pooled(events);
  const plan = resolveRetention(table, options);
  const coded = compactColumn(table, plan.customer);
  const aggregate = aggregateRetention({
    // Coded customer ids (CodedColumn) are read as codes in place, never as strings.
    ...(coded instanceof CodedColumn
      ? { customers: [], customerCodes: coded }
      : { customers: columnValues(table, plan.customer) }),
    // Compact dates (InstantColumn) are read as epoch ms in place, not as Date objects.
    ...instantsOf(table, plan.date),
    revenue: plan.revenue ? columnValues(table, plan.revenue) : undefined,
    names: { customer: plan.customer, date: plan.date, revenue: plan.revenue },
    by: plan.sources,
    anchor: plan.anchor,
    window: plan.window,
    period: plan.period,
    calendar: plan.calendar,
    observedUntil: options.observedUntil,
    cutoffOf: (until) => cutoffAfter(until, plan.calendar),
  });
  return finalizeRetention(aggregate, plan);
}

/** `{ times }` for a compact date column, else `{ dates }` (the values). */
function instantsOf(
  table: ColumnTable,
  name: string,
): { dates: ArrayLike<unknown>; times?: Float64Array } {
  const column = compactColumn(table, name);
  return column instanceof InstantColumn
    ? { dates: [], times: column.ms }
    : { dates: columnValues(table, name) };
}
