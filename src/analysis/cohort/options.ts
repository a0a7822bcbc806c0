/**
 * The options of cohort retention, their names, the result columns, and the
 * validated plan every path (the in-memory kernel and the SQL step) works
 * from.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../../errors.ts";
import { checkMissing, type MissingGroups, requireColumn } from "../../base/plan.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import type { AnchorSource, SegmentSource } from "./kernel.ts";
import { columnValues } from "./meta.ts";
import {
  checkCohortPeriod,
  checkDateOption,
  checkTimeZone,
  type CohortPeriod,
  type PeriodCalendar,
  periodCalendar,
} from "./periods.ts";
import { optionNames } from "../../options.ts";

/** `"exact"`: active in period k; `"unbounded"`: active in k or any later period. */
export type RetentionMode = "exact" | "unbounded";

/** `"calendar"` periods shared by a cohort, or `"rolling"` windows from each customer's anchor. */
export type RetentionWindow = "calendar" | "rolling";

/** Options of `cohortRetention`. */
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

/** Validated options of `cohortRetention` (shared by the kernel and the SQL step). */
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
 * Validates the options of `cohortRetention` against an events table
 * (a one-row stand-in with the right column names will do) and returns the plan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { resolveRetention } from "./options.ts";
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
    confidence = 0.95,
    revenue,
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
  const { anchor, signupTable } = resolveAnchor(table, customer, options);
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  return {
    customer,
    date,
    period,
    mode,
    window,
    timeZone,
    by,
    sources: by.map((name) => segmentSource(table, signupTable, name)),
    anchor,
    revenue,
    confidence,
    calendar: periodCalendar(period, timeZone),
    missing: checkMissing(options.missing),
  };
}

/** What starts each customer's clock: the first event, a column of the events, or a table. */
function resolveAnchor(
  table: ColumnTable,
  customer: string,
  options: CohortRetentionOptions,
): { anchor: AnchorSource; signupTable?: ColumnTable } {
  const { signup, signupDate = "signup_date" } = options;
  if (signup === undefined) return { anchor: { kind: "first_activity" } };
  if (typeof signup === "string") {
    requireColumn(table, signup, "signup");
    return { anchor: { kind: "column", name: signup, values: columnValues(table, signup) } };
  }
  if (typeof (signup as ColumnTable)?.columnNames !== "function") {
    throw new CxOptionsError(
      `Option "signup" must be a column name or a customers table, got ${String(signup)}`,
    );
  }
  requireColumn(signup, customer, "customer");
  requireColumn(signup, signupDate, "signupDate");
  const anchor: AnchorSource = {
    kind: "table",
    ids: columnValues(signup, customer),
    dates: columnValues(signup, signupDate),
    dateName: signupDate,
  };
  return { anchor, signupTable: signup };
}

/** Where a `by` column is read: the signup table when it has it, else the events. */
function segmentSource(
  table: ColumnTable,
  signupTable: ColumnTable | undefined,
  name: string,
): SegmentSource {
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
}

/**
 * Throws a `CxOptionsError` unless `value` is one of `allowed`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneOf } from "./options.ts";
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
