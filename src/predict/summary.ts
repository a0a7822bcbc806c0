/**
 * The customer summary the BG/NBD, Pareto/NBD and Gamma-Gamma models read:
 * one row per customer from a table of purchases, with the conventions of
 * Fader, Hardie & Lee's CDNOW summary and lifetimes'
 * `summary_data_from_transaction_data` / `calibration_and_holdout_data`.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled } from "../base/input.ts";
import { type EngineAnalysis, withEngine } from "../engine/dispatch.ts";
import { CxDataError, CxOptionsError } from "../errors.ts";
import { attachMeta } from "../meta.ts";
import { optionNames } from "../options.ts";
import { summaryInEngine } from "./summary_sql.ts";

/** Options of {@link customerSummary}. */
export interface CustomerSummaryOptions {
  /** Customer identifier column (default `"customer_id"`). */
  customer?: string;
  /** Purchase date column (default `"date"`). */
  date?: string;
  /**
   * Purchase value column (default `"revenue"`; when left out and the table
   * has no `revenue` column, the summary has no monetary columns).
   */
  revenue?: string;
  /** Last day observed, inclusive (default: the latest purchase day). */
  observedUntil?: Date;
  /**
   * Last day of the calibration period, inclusive: the summary describes the
   * purchases up to it, and the holdout columns the purchases after it up
   * to `observedUntil`. Customers whose first purchase is after it are left out.
   */
  calibrationEnd?: Date;
  /** Time unit of `recency`, `T` and `duration_holdout`: `"day"` or `"week"` (7 days; default). */
  unit?: "day" | "week";
}

/** The names of {@link CustomerSummaryOptions}. */
export const CUSTOMER_SUMMARY_OPTIONS = optionNames<CustomerSummaryOptions>()([
  "customer",
  "date",
  "revenue",
  "observedUntil",
  "calibrationEnd",
  "unit",
]);

/** Columns of {@link customerSummary} after the customer column (monetary columns with revenue). */
export const CUSTOMER_SUMMARY_COLUMNS = [
  "frequency",
  "recency",
  "T",
  "monetary",
  "frequency_holdout",
  "monetary_holdout",
  "duration_holdout",
] as const;

const DAY = 86_400_000;

/**
 * Per customer, the mergeable aggregate: purchase days up to the end of
 * calibration, first and last day, revenue in all and on the first day;
 * purchase days and revenue in the holdout. Days are UTC day numbers.
 */
export interface CustomerDays {
  /** Customer identifiers. */
  customer: unknown[];
  /** Distinct purchase days up to the end of calibration. */
  days: number[];
  /** First purchase day. */
  first: number[];
  /** Last purchase day up to the end of calibration. */
  last: number[];
  /** Σ revenue up to the end of calibration. */
  revenue: number[];
  /** Σ revenue on the first purchase day. */
  firstRevenue: number[];
  /** Distinct purchase days in the holdout. */
  holdoutDays: number[];
  /** Σ revenue in the holdout. */
  holdoutRevenue: number[];
}

/** The resolved window: last calibration day and last observed day (UTC day numbers). */
export interface SummaryWindow {
  /** Last day of calibration (= `until` without `calibrationEnd`). */
  calibrationEnd: number;
  /** Last day observed. */
  until: number;
  /** Whether holdout columns are wanted. */
  holdout: boolean;
  /** Days per time unit (1 or 7). */
  unitDays: number;
}

/**
 * The customer summary of a purchases table: one row per customer with
 *
 * - `frequency` — repeat purchase days: the number of distinct days with a
 *   purchase, minus one (purchases on the same day, in UTC, are one
 *   purchase; their values add up);
 * - `recency` — time from the first to the last purchase day;
 * - `T` — time from the first purchase day to the end of observation
 *   (`calibrationEnd`, else `observedUntil`, else the latest purchase day);
 * - `monetary` — the mean value of the repeat purchase days (the first
 *   day's purchases are left out), 0 without repeat purchases;
 * - with `calibrationEnd`, the holdout: `frequency_holdout` (purchase days
 *   after `calibrationEnd` up to `observedUntil`), `monetary_holdout` (their
 *   mean value, 0 without) and `duration_holdout` (the holdout's length).
 *
 * Times are in `unit`s: days, or weeks of 7 days (`recency` and `T` are then
 * days / 7, as in Fader, Hardie & Lee's CDNOW summary). Purchases after
 * `observedUntil` are left out; rows with a missing customer, date or
 * revenue are left out and counted in `meta(result).notes`. With `engine`
 * (or a `{ engine, table }` / file source) the per-customer aggregate runs
 * in DuckDB, PostgreSQL or ClickHouse (one GROUP BY customer over purchase
 * days) and the call resolves to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { customerSummary } from "./summary.ts";
 * const d = (s: string) => new Date(s + "T00:00:00Z");
 * const orders = aq.table({
 *   customer_id: ["a", "a", "a", "a", "b"],
 *   date: [d("2024-01-01"), d("2024-01-01"), d("2024-01-15"), d("2024-01-29"), d("2024-01-08")],
 *   revenue: [10, 5, 20, 40, 7],
 * });
 * const s = customerSummary(orders, { observedUntil: d("2024-02-12") });
 * assert.deepEqual(s.objects()[0], { customer_id: "a", frequency: 2, recency: 4, T: 6, monetary: 30 });
 * assert.deepEqual(s.objects()[1], { customer_id: "b", frequency: 0, recency: 0, T: 5, monetary: 0 });
 * ```
 */
export const customerSummary: EngineAnalysis<CustomerSummaryOptions> = withEngine<
  CustomerSummaryOptions
>({
  name: "customerSummary",
  options: CUSTOMER_SUMMARY_OPTIONS,
  dates: true,
  memory: (input, checked) => summaryInMemory(pooled(input), checked),
  sql: (call, checked) => summaryInEngine(call, checked),
});

function summaryInMemory(table: ColumnTable, options: CustomerSummaryOptions): ColumnTable {
  const cols = summaryColumns(table, options);
  const read = readPurchases(table, cols);
  const window = summaryWindow(options, read.latest);
  const days = aggregateDays(read, window);
  return finalizeSummary(days, window, cols, read.leftOut, options);
}

/** The column names, checked against the table. */
export function summaryColumns(table: ColumnTable, options: CustomerSummaryOptions) {
  const names = table.columnNames();
  const customer = options.customer ?? "customer_id", date = options.date ?? "date";
  const revenue = options.revenue ?? (names.includes("revenue") ? "revenue" : null);
  const unit = options.unit ?? "week";
  if (unit !== "day" && unit !== "week") {
    throw new CxOptionsError(`Option "unit" must be "day" or "week", got ${JSON.stringify(unit)}`);
  }
  for (const [option, column] of [["customer", customer], ["date", date], ["revenue", revenue]]) {
    if (column !== null && !names.includes(column)) {
      throw new CxOptionsError(
        `Option "${option}": column "${column}" is not in the table (columns: ${
          names.join(", ")
        }); name the column that holds it.`,
      );
    }
  }
  return { customer, date, revenue, unit };
}

type Columns = ReturnType<typeof summaryColumns>;

function readPurchases(table: ColumnTable, cols: Columns) {
  const ids = table.array(cols.customer) as ArrayLike<unknown>;
  const dates = table.array(cols.date) as ArrayLike<unknown>;
  const values = cols.revenue ? table.array(cols.revenue) as ArrayLike<unknown> : null;
  const keep: number[] = [], day: number[] = [], value: number[] = [];
  let latest = -Infinity, leftOut = 0;
  for (let i = 0; i < ids.length; i++) {
    const d = dates[i];
    const t = d instanceof Date ? d.getTime() : typeof d === "number" ? d : NaN;
    const v = values ? values[i] : 0;
    if (ids[i] === null || ids[i] === undefined || !Number.isFinite(t)) {
      leftOut++;
      continue;
    }
    if (typeof v !== "number" || !Number.isFinite(v)) {
      leftOut++;
      continue;
    }
    const k = Math.floor(t / DAY);
    keep.push(i), day.push(k), value.push(v);
    if (k > latest) latest = k;
  }
  return { ids, keep, day, value, latest, leftOut };
}

/** Resolves observedUntil / calibrationEnd to day numbers. */
export function summaryWindow(options: CustomerSummaryOptions, latest: number): SummaryWindow {
  const dayOf = (name: string, v: unknown) => {
    if (!(v instanceof Date) || isNaN(v.getTime())) {
      throw new CxOptionsError(`Option "${name}" must be a Date, got ${JSON.stringify(v)}`);
    }
    return Math.floor(v.getTime() / DAY);
  };
  const until = options.observedUntil === undefined
    ? latest
    : dayOf("observedUntil", options.observedUntil);
  if (!Number.isFinite(until)) {
    throw new CxDataError(
      [{
        row: null,
        column: null,
        value: null,
        reason: "the table has no purchase with a customer and a date",
      }],
      1,
      "customerSummary has nothing to summarise",
    );
  }
  const holdout = options.calibrationEnd !== undefined;
  const calibrationEnd = holdout ? dayOf("calibrationEnd", options.calibrationEnd) : until;
  if (calibrationEnd > until) {
    throw new CxOptionsError(
      `Option "calibrationEnd" (${
        options.calibrationEnd!.toISOString().slice(0, 10)
      }) is after observedUntil; the holdout runs from calibrationEnd to observedUntil.`,
    );
  }
  return { calibrationEnd, until, holdout, unitDays: (options.unit ?? "week") === "day" ? 1 : 7 };
}

function aggregateDays(
  read: ReturnType<typeof readPurchases>,
  window: SummaryWindow,
): CustomerDays {
  const byCustomer = new Map<unknown, Map<number, number>>();
  read.keep.forEach((row, j) => {
    if (read.day[j] > window.until) return;
    const id = read.ids[row];
    let days = byCustomer.get(id);
    if (!days) byCustomer.set(id, days = new Map());
    days.set(read.day[j], (days.get(read.day[j]) ?? 0) + read.value[j]);
  });
  const out: CustomerDays = {
    customer: [],
    days: [],
    first: [],
    last: [],
    revenue: [],
    firstRevenue: [],
    holdoutDays: [],
    holdoutRevenue: [],
  };
  for (const [id, days] of byCustomer) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const cal = sorted.filter((d) => d <= window.calibrationEnd);
    if (!cal.length) continue; // first purchase in the holdout
    const hold = sorted.filter((d) => d > window.calibrationEnd);
    out.customer.push(id);
    out.days.push(cal.length);
    out.first.push(cal[0]);
    out.last.push(cal[cal.length - 1]);
    out.revenue.push(cal.reduce((s, d) => s + days.get(d)!, 0));
    out.firstRevenue.push(days.get(cal[0])!);
    out.holdoutDays.push(hold.length);
    out.holdoutRevenue.push(hold.reduce((s, d) => s + days.get(d)!, 0));
  }
  return out;
}

/** The summary table from the per-customer aggregate (the same step after memory or SQL). */
export function finalizeSummary(
  agg: CustomerDays,
  window: SummaryWindow,
  cols: Columns,
  leftOut: number,
  options: CustomerSummaryOptions,
): ColumnTable {
  const u = window.unitDays;
  const order = agg.customer.map((_, i) => i).sort((a, b) =>
    compare(agg.customer[a], agg.customer[b])
  );
  const pick = <T>(v: T[]) => order.map((i) => v[i]);
  const frequency = pick(agg.days).map((d) => d - 1);
  const columns: Record<string, unknown[]> = {
    [cols.customer]: pick(agg.customer),
    frequency,
    recency: order.map((i) => (agg.last[i] - agg.first[i]) / u),
    T: order.map((i) => (window.calibrationEnd - agg.first[i]) / u),
  };
  if (cols.revenue) {
    columns.monetary = order.map((i, k) =>
      frequency[k] > 0 ? (agg.revenue[i] - agg.firstRevenue[i]) / frequency[k] : 0
    );
  }
  if (window.holdout) {
    columns.frequency_holdout = pick(agg.holdoutDays);
    if (cols.revenue) {
      columns.monetary_holdout = order.map((i) =>
        agg.holdoutDays[i] > 0 ? agg.holdoutRevenue[i] / agg.holdoutDays[i] : 0
      );
    }
    columns.duration_holdout = order.map(() => (window.until - window.calibrationEnd) / u);
  }
  return attachMeta(aq.table(columns), {
    kind: "predict",
    analysis: "customerSummary",
    options: { ...options, unit: cols.unit },
    notes: {
      purchase: "purchases on the same UTC day are one purchase; their values add up",
      frequency: "distinct purchase days − 1 (repeat purchases)",
      monetary: "mean value of the repeat purchase days (first day left out)",
      unit: cols.unit === "week" ? "week (7 days)" : "day",
      observedUntil: new Date(window.until * DAY),
      rowsLeftOut: leftOut,
    },
  });
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
