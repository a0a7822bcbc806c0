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
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../errors.ts";
import { type KpiInput, leaveOutMissingCells, pooled } from "../metrics/groups.ts";
import { checkMissing, type MissingGroups, requireColumn } from "../base/plan.ts";
import { checkConfidence } from "../stats/distributions.ts";
import { wilson } from "../stats/intervals.ts";
import {
  aggregateRetention,
  type AnchorSource,
  type RetentionAggregate,
  type SegmentSource,
} from "./cohort_kernel.ts";
import { type CohortMeta, columnValues, CUSTOMERS_IN_CELLS, setCohortMeta } from "./cohort_meta.ts";
import { InstantColumn } from "../kernels/columns.ts";
import { compactColumn } from "../kernels/groups.ts";
import {
  checkCohortPeriod,
  checkDateOption,
  checkTimeZone,
  type CohortPeriod,
  cutoffAfter,
  type PeriodCalendar,
  periodCalendar,
  ROLLING_LENGTH,
} from "./cohort_periods.ts";
import { checkCall, optionNames } from "../options.ts";

/** `"exact"`: active in period k; `"unbounded"`: active in k or any later period. */
export type RetentionMode = "exact" | "unbounded";

/** `"calendar"` periods shared by a cohort, or `"rolling"` windows from each customer's anchor. */
export type RetentionWindow = "calendar" | "rolling";

/** Options of {@link cohortRetention}. */
export interface CohortRetentionOptions {
  /** Customer id column (default `"customer_id"`). */
  customer?: string;
  /** Event date column (default `"date"`). */
  date?: string;
  /** Period length (default `"month"`). */
  period?: CohortPeriod;
  /** Exact or unbounded (rolling) retention (default `"exact"`). */
  mode?: RetentionMode;
  /** Calendar periods or rolling windows (default `"calendar"`). */
  window?: RetentionWindow;
  /** IANA time zone calendar periods and days are cut in (default `"UTC"`). */
  timeZone?: string;
  /**
   * Segment column(s). Read from the signup table when `signup` is a table
   * that has the column, else from the customer's first event.
   */
  by?: string | string[];
  /**
   * What starts a customer's clock instead of their first event: a column of
   * the events table holding each customer's signup date, or a customers
   * table (`customer` and `signupDate` columns). With a table, customers
   * without events count in their cohort as never active; events of
   * customers missing from it, and events before a signup, are errors.
   */
  signup?: ColumnTable | string;
  /** Signup date column of the `signup` table (default `"signup_date"`). */
  signupDate?: string;
  /** Revenue column: adds revenue, net and gross revenue retention. */
  revenue?: string;
  /** Confidence level of the Wilson intervals (default 0.95). */
  confidence?: number;
  /**
   * Customers whose `by` value is missing (`null`, empty or blank text):
   * `"drop"` (default) leaves them out and counts them in
   * `meta(result).notes.missingGroups`; `"group"` keeps them as their own
   * segment (`null` key).
   */
  missing?: MissingGroups;
  /**
   * The last day the data covers, inclusive (default: the day of the last
   * event). Events after that day are ignored.
   */
  observedUntil?: Date;
}

/** The names of {@link CohortRetentionOptions}. */
export const COHORT_RETENTION_OPTIONS = optionNames<CohortRetentionOptions>()([
  "customer",
  "date",
  "period",
  "mode",
  "window",
  "timeZone",
  "by",
  "signup",
  "signupDate",
  "revenue",
  "confidence",
  "missing",
  "observedUntil",
]);

/** Retention result columns after the segment columns, in order. */
export const COHORT_RETENTION_COLUMNS = [
  "cohort",
  "cohort_start",
  "period_index",
  "cohort_size",
  "n",
  "active",
  "retention",
  "retention_low",
  "retention_high",
] as const;

/** Columns added (after the retention columns) when `revenue` is given. */
export const REVENUE_RETENTION_COLUMNS = [
  "revenue",
  "base_revenue",
  "capped_revenue",
  "net_revenue_retention",
  "gross_revenue_retention",
] as const;

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
 * The aggregate is a one-pass typed-array kernel (first activity per
 * customer, a bitset of active periods): linear in the number of events.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortRetention } from "./cohort.ts";
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
 * ```
 */
export function cohortRetention(
  events: KpiInput,
  options: CohortRetentionOptions = {},
): ColumnTable {
  ({ input: events, options } = checkCall(
    "cohortRetention",
    events,
    options,
    COHORT_RETENTION_OPTIONS,
  ));
  const table = pooled(events);
  const plan = resolveRetention(table, options);
  const aggregate = aggregateRetention({
    customers: columnValues(table, plan.customer),
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

/** Validated options of {@link cohortRetention} (shared with the SQL pushdown in `engine/cohort.ts`). */
export interface RetentionPlan {
  customer: string;
  date: string;
  period: CohortPeriod;
  mode: RetentionMode;
  window: RetentionWindow;
  timeZone: string;
  by: string[];
  sources: SegmentSource[];
  anchor: AnchorSource;
  revenue?: string;
  confidence: number;
  calendar: PeriodCalendar;
  missing: MissingGroups;
}

/**
 * Validates the options of {@link cohortRetention} against an events table
 * (a one-row stand-in with the right column names will do) and returns the plan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { resolveRetention } from "./cohort.ts";
 * const plan = resolveRetention(aq.table({ customer_id: ["a"], date: [null] }), { period: "week" });
 * assert.equal(plan.period, "week");
 * assert.throws(() => resolveRetention(aq.table({ id: ["a"] }), {}), /customer/);
 * ```
 */
export function resolveRetention(
  table: ColumnTable,
  options: CohortRetentionOptions,
): RetentionPlan {
  const {
    customer = "customer_id",
    date = "date",
    period = "month",
    mode = "exact",
    window = "calendar",
    timeZone = "UTC",
    signupDate = "signup_date",
    confidence = 0.95,
    revenue,
    signup,
  } = options;
  checkCohortPeriod(period);
  oneOf("mode", mode, ["exact", "unbounded"]);
  oneOf("window", window, ["calendar", "rolling"]);
  checkTimeZone(timeZone);
  checkConfidence(confidence);
  checkDateOption("observedUntil", options.observedUntil);
  requireColumn(table, customer, "customer");
  requireColumn(table, date, "date");
  if (revenue !== undefined) requireColumn(table, revenue, "revenue");
  if (table.numRows() === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: null,
        value: null,
        reason: "the events table has no rows; cohorts need at least one event",
      }],
      1,
      "No events",
    );
  }
  let anchor: AnchorSource = { kind: "first_activity" };
  let signupTable: ColumnTable | undefined;
  if (typeof signup === "string") {
    requireColumn(table, signup, "signup");
    anchor = { kind: "column", name: signup, values: columnValues(table, signup) };
  } else if (signup !== undefined) {
    if (typeof (signup as ColumnTable)?.columnNames !== "function") {
      throw new CxOptionsError(
        `Option "signup" must be a column name or a customers table, got ${String(signup)}`,
      );
    }
    signupTable = signup;
    requireColumn(signup, customer, "customer");
    requireColumn(signup, signupDate, "signupDate");
    anchor = {
      kind: "table",
      ids: columnValues(signup, customer),
      dates: columnValues(signup, signupDate),
      dateName: signupDate,
    };
  }
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  const sources = by.map((name): SegmentSource => {
    if (signupTable?.columnNames().includes(name)) {
      return { name, from: "signup", values: columnValues(signupTable, name) };
    }
    if (typeof name === "string" && table.columnNames().includes(name)) {
      return { name, from: "events", values: columnValues(table, name) };
    }
    throw new CxOptionsError(
      `Option "by" names column ${JSON.stringify(name)}, which is not in the events table${
        signupTable ? " nor in the signup table" : ""
      }. Columns: ${table.columnNames().join(", ")}${
        signupTable ? `; signup table: ${signupTable.columnNames().join(", ")}` : ""
      }`,
    );
  });
  return {
    customer,
    date,
    period,
    mode,
    window,
    timeZone,
    by,
    sources,
    anchor,
    revenue,
    confidence,
    calendar: periodCalendar(period, timeZone),
    missing: checkMissing(options.missing),
  };
}

/**
 * The finalize step of {@link cohortRetention}: Wilson intervals, complete
 * flags, unreached periods left out, metadata. Any aggregate with the same
 * counts (the kernel's, or an SQL engine's) gives the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { finalizeRetention, resolveRetention } from "./cohort.ts";
 * const plan = resolveRetention(aq.table({ customer_id: ["a"], date: [null] }), {});
 * const cell = { segment: [], cohort: 24288, size: 2, minAnchor: 0, maxAnchor: 0 };
 * const counts = { n: Int32Array.of(2, 2), active: Int32Array.of(2, 1), unbounded: Int32Array.of(2, 1) };
 * const result = finalizeRetention({
 *   cells: [{ ...cell, ...counts }],
 *   observedUntil: new Date("2024-02-29"),
 *   cutoff: Date.parse("2024-03-01"),
 *   eventsIgnored: 0,
 *   customersIgnored: 0,
 *   segmentChanges: 0,
 * }, plan);
 * assert.deepEqual(result.array("retention"), [1, 0.5]);
 * assert.equal(result.get("cohort", 0), "2024-01");
 * ```
 */
export function finalizeRetention(
  aggregate: RetentionAggregate,
  plan: RetentionPlan,
): ColumnTable {
  const { cutoff } = aggregate;
  const { calendar, window, mode } = plan;
  const length = ROLLING_LENGTH[plan.period];
  const names = [
    ...plan.by,
    ...COHORT_RETENTION_COLUMNS,
    ...(plan.revenue ? REVENUE_RETENTION_COLUMNS : []),
    "complete",
    "window",
    "time_zone",
  ];
  const columns: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, []]));
  const { kept, note: missing } = leaveOutMissingCells(
    aggregate.cells,
    plan.by,
    plan.missing,
    (g) => g.segment,
    CUSTOMERS_IN_CELLS,
  );
  const cells = kept.sort((a, b) => compareTuples(a.segment, b.segment) || a.cohort - b.cohort);
  let incomplete = 0;
  for (const g of cells) {
    for (let k = 0; k < g.n.length; k++) {
      const reached = window === "calendar"
        ? calendar.start(g.cohort + k).getTime() < cutoff
        : g.n[k] > 0;
      if (!reached) break;
      const complete = window === "calendar"
        ? calendar.start(g.cohort + k + 1).getTime() <= cutoff
        : g.n[k] === g.size;
      if (!complete) incomplete++;
      const n = g.n[k];
      const active = mode === "exact" ? g.active[k] : g.unbounded[k];
      const { low, high } = wilson(active, n, plan.confidence);
      plan.by.forEach((name, j) => columns[name].push(g.segment[j]));
      columns.cohort.push(calendar.label(g.cohort));
      columns.cohort_start.push(calendar.start(g.cohort));
      columns.period_index.push(k);
      columns.cohort_size.push(g.size);
      columns.n.push(n);
      columns.active.push(active);
      columns.retention.push(active / n);
      columns.retention_low.push(low);
      columns.retention_high.push(high);
      if (plan.revenue) {
        const base = g.base![k];
        columns.revenue.push(g.revenue![k]);
        columns.base_revenue.push(base);
        columns.capped_revenue.push(g.capped![k]);
        columns.net_revenue_retention.push(base > 0 ? g.revenue![k] / base : null);
        columns.gross_revenue_retention.push(base > 0 ? g.capped![k] / base : null);
      }
      columns.complete.push(complete);
      columns.window.push(window);
      columns.time_zone.push(plan.timeZone);
    }
  }
  const warnings: string[] = [];
  if (aggregate.segmentChanges) {
    warnings.push(
      `${aggregate.segmentChanges} customer(s) have different ${
        plan.sources.filter((s) => s.from === "events").map((s) => s.name).join("/")
      } values on different events; each is counted in the segment of their first event`,
    );
  }
  const meta: CohortMeta = {
    analysis: "cohortRetention",
    method: "wilson",
    confidence: plan.confidence,
    timeZone: plan.timeZone,
    period: plan.period,
    window,
    mode,
    anchor: plan.anchor.kind === "first_activity" ? "first_activity" : "signup",
    by: plan.by,
    observedUntil: aggregate.observedUntil,
    cutoff: new Date(cutoff),
    warnings,
    notes: {
      active: mode === "exact"
        ? "distinct customers with an event in period k"
        : "distinct customers with an event in period k or any later observed period " +
          "(values of recent periods can still rise as data arrives)",
      ...(window === "rolling"
        ? { rollingDays: length / 86_400_000, periodK: "[anchor + k·L, anchor + (k+1)·L)" }
        : {}),
      unreached: "periods not started by the cut-off have no row",
      ...(missing ? { missingGroups: missing } : {}),
      incompleteCells: incomplete,
      eventsIgnored: aggregate.eventsIgnored,
      customersIgnored: aggregate.customersIgnored,
      ...(plan.revenue
        ? {
          revenue: plan.revenue,
          netRevenueRetention: "revenue(k) / revenue(0)",
          grossRevenueRetention: "Σᵢ max(0, min(r(i,k), r(i,0))) / revenue(0)",
        }
        : {}),
    },
  };
  return setCohortMeta(aq.table(columns), meta);
}

/**
 * Throws a `CxOptionsError` unless `value` is one of `allowed`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneOf } from "./cohort.ts";
 * oneOf("mode", "exact", ["exact", "unbounded"]);
 * assert.throws(() => oneOf("mode", "open", ["exact", "unbounded"]), /"exact" or "unbounded"/);
 * ```
 */
export function oneOf(option: string, value: unknown, allowed: string[]): void {
  if (!allowed.includes(value as string)) {
    throw new CxOptionsError(
      `Option "${option}" must be ${allowed.map((a) => JSON.stringify(a)).join(" or ")}, got ${
        JSON.stringify(value)
      }`,
    );
  }
}

/**
 * Orders segment tuples: numbers and dates by value, text by code points, missing last.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareTuples } from "./cohort.ts";
 * const tuples = [["b", 2], [null, 1], ["a", 10], ["a", 9]];
 * assert.deepEqual(tuples.sort(compareTuples), [["a", 9], ["a", 10], ["b", 2], [null, 1]]);
 * ```
 */
export function compareTuples(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x === y) continue;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    const vx = x instanceof Date ? x.getTime() : x;
    const vy = y instanceof Date ? y.getTime() : y;
    if (typeof vx === "number" && typeof vy === "number") {
      if (vx !== vy) return vx - vy;
      continue;
    }
    const sx = String(vx), sy = String(vy);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return 0;
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
