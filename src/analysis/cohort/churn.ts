/**
 * Cumulative churn by signup cohort: of the customers who signed up in a
 * period, how many had churned k periods later. The aggregate (customers
 * per segment × signup period × churn period) runs in memory or in an SQL
 * engine (`sql/churn.ts`); the finalize step is shared.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError } from "../../errors.ts";
import { pooled, type TableInput } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { leaveOutMissingCells } from "../../metrics/groups.ts";
import { type MissingGroups, requireColumn } from "../../base/plan.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { wilson } from "../../stats/intervals.ts";
import {
  columnValues,
  compareTuples,
  CUSTOMERS_IN_CELLS,
  Problems,
  setCohortMeta,
  timeOf,
} from "./meta.ts";
import {
  checkCohortPeriod,
  checkDateOption,
  checkTimeZone,
  type CohortPeriod,
  cutoffAfter,
  type PeriodCalendar,
  periodCalendar,
} from "./periods.ts";
import { optionNames } from "../../options.ts";
import { churnSql } from "./sql/churn.ts";

/** Options of {@link cohortChurn}. */
export interface CohortChurnOptions {
  /** Customer id column (default `"customer_id"`). */
  customer?: string;
  /** Signup date column (default `"signup_date"`). */
  signupDate?: string;
  /** Churn date column, empty while a customer is active (default `"churn_date"`). */
  churnDate?: string;
  /** Period length (default `"month"`). */
  period?: CohortPeriod;
  /** IANA time zone calendar periods are cut in (default `"UTC"`). */
  timeZone?: string;
  /** Segment column(s) of the customers table. */
  by?: string | string[];
  /**
   * Customers whose `by` value is missing (`null`, empty or blank text):
   * `"drop"` (default) leaves them out and counts them in
   * `meta(result).notes.missingGroups`; `"group"` keeps them as their own
   * segment (`null` key).
   */
  missing?: MissingGroups;
  /**
   * The last day the data covers, inclusive (default: the latest signup or
   * churn date). Later signups are ignored; later churns count as not (yet)
   * churned.
   */
  observedUntil?: Date;
  /** Confidence level of the Wilson intervals (default 0.95). */
  confidence?: number;
}

/** The names of {@link CohortChurnOptions}. */
export const COHORT_CHURN_OPTIONS = optionNames<CohortChurnOptions>()([
  "customer",
  "signupDate",
  "churnDate",
  "period",
  "timeZone",
  "by",
  "missing",
  "observedUntil",
  "confidence",
]);

/** Cohort churn result columns after the segment columns, in order. */
export const COHORT_CHURN_COLUMNS = [
  "cohort",
  "cohort_start",
  "period_index",
  "cohort_size",
  "churned",
  "cumulative_churned",
  "cumulative_churn_rate",
  "cumulative_churn_rate_low",
  "cumulative_churn_rate_high",
  "complete",
  "time_zone",
] as const;

/**
 * Cumulative churn per signup cohort and period index: `cohort_size`
 * (customers whose signup falls in the cohort period), `churned` (of them,
 * with a churn date in the k-th period after it; k = 0 is the signup period),
 * `cumulative_churned` (in periods 0…k) and `cumulative_churn_rate` =
 * cumulative_churned / cohort_size with a Wilson interval. Every customer of
 * a calendar cohort is observed for the same periods, so the rate needs no
 * survival correction within a cohort. Periods that start after the cut-off
 * (the end of `observedUntil`'s day) have no row; the period containing the
 * cut-off is `complete: false`. Columns: the `by` columns, then
 * `COHORT_CHURN_COLUMNS`. Given `engine` (or a `{ engine, table }` / file
 * source), the counts per (segment, signup period, churn period) come from
 * the engine (`sql/churn.ts`) and the call resolves to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortChurn } from "./churn.ts";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c", "d"],
 *   signup_date: [d("2024-01-03"), d("2024-01-20"), d("2024-01-25"), d("2024-02-10")],
 *   churn_date: [d("2024-01-30"), d("2024-03-02"), null, null],
 * });
 * const rows = cohortChurn(customers, { observedUntil: d("2024-03-31") }).objects() as Record<
 *   string,
 *   unknown
 * >[];
 * // January cohort {a, b, c}: a churns in January (k = 0), b in March (k = 2).
 * assert.deepEqual(rows.slice(0, 3).map((r) => r.cumulative_churned), [1, 1, 2]);
 * assert.equal(rows[2].cumulative_churn_rate, 2 / 3);
 *
 * // The same table with the counts made in DuckDB.
 * const engine = duckdbEngine();
 * const pushed = await cohortChurn(customers, { engine, observedUntil: d("2024-03-31") });
 * assert.deepEqual(pushed.objects(), rows);
 * await engine.close();
 * ```
 */
export const cohortChurn: EngineAnalysis<CohortChurnOptions> = withEngine<CohortChurnOptions>({
  name: "cohortChurn",
  options: COHORT_CHURN_OPTIONS,
  dates: true,
  memory: memoryChurn,
  sql: churnSql,
});

/** One (segment, signup cohort): its size and churns per period index. */
export interface ChurnCell {
  segment: unknown[];
  cohort: number;
  size: number;
  churned: number[];
}

/** Validated options of {@link cohortChurn} (shared by the in-memory and SQL paths). */
export interface ChurnPlan {
  customer: string;
  signupDate: string;
  churnDate: string;
  period: CohortPeriod;
  timeZone: string;
  confidence: number;
  by: string[];
  calendar: PeriodCalendar;
  missing: CohortChurnOptions["missing"];
}

/**
 * Validates the options of {@link cohortChurn} against a customers table
 * (a one-row stand-in with the right column names will do).
 */
export function resolveChurn(table: ColumnTable, options: CohortChurnOptions): ChurnPlan {
  const {
    customer = "customer_id",
    signupDate = "signup_date",
    churnDate = "churn_date",
    period = "month",
    timeZone = "UTC",
    confidence = 0.95,
  } = options;
  checkCohortPeriod(period);
  checkTimeZone(timeZone);
  checkConfidence(confidence);
  checkDateOption("observedUntil", options.observedUntil);
  for (const [option, column] of [["customer", customer], ["signupDate", signupDate]]) {
    requireColumn(table, column, option);
  }
  requireColumn(table, churnDate, "churnDate");
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  for (const column of by) requireColumn(table, column, "by");
  if (table.numRows() === 0) {
    throw new CxDataError(
      [{ row: null, column: null, value: null, reason: "the customers table has no rows" }],
      1,
      "No customers",
    );
  }
  const calendar = periodCalendar(period, timeZone);
  return {
    customer,
    signupDate,
    churnDate,
    period,
    timeZone,
    confidence,
    by,
    calendar,
    missing: options.missing,
  };
}

/** The in-memory path of {@link cohortChurn}: checks, the aggregate, the finalize step. */
function memoryChurn(customers: TableInput, options: CohortChurnOptions): ColumnTable {
  const table = pooled(customers);
  const plan = resolveChurn(table, options);
  const signups = columnValues(table, plan.signupDate);
  const churns = columnValues(table, plan.churnDate);
  const { maxT } = checkCustomers(columnValues(table, plan.customer), signups, churns, plan);
  const observedUntil = options.observedUntil ?? new Date(maxT);
  const cutoff = cutoffAfter(observedUntil, plan.calendar);
  const segments = plan.by.map((b) => columnValues(table, b));
  const { cells, ignored } = churnCells(signups, churns, segments, plan.calendar, cutoff);
  return finalizeChurn(cells, plan, { observedUntil, cutoff, ignored });
}

/**
 * The finalize step of {@link cohortChurn}: cells with a missing segment
 * left out (or kept), running sums, rates, Wilson intervals and metadata.
 */
export function finalizeChurn(
  cells: ChurnCell[],
  plan: ChurnPlan,
  facts: { observedUntil: Date; cutoff: number; ignored: number },
): ColumnTable {
  const { by, calendar, confidence, timeZone } = plan;
  const { kept, note: missing } = leaveOutMissingCells(
    cells,
    by,
    plan.missing,
    (g) => g.segment,
    CUSTOMERS_IN_CELLS,
  );
  const result = churnRows(kept, by, { calendar, cutoff: facts.cutoff, confidence, timeZone });
  return setCohortMeta(result, {
    analysis: "cohortChurn",
    method: "wilson",
    confidence,
    timeZone,
    period: plan.period,
    window: "calendar",
    anchor: "signup",
    by,
    observedUntil: facts.observedUntil,
    cutoff: new Date(facts.cutoff),
    warnings: [],
    notes: {
      churned: "customers of the cohort whose churn date falls in period k",
      censoring:
        "churn dates at or after the cut-off count as not churned; later signups are left out",
      unreached: "periods not started by the cut-off have no row",
      signupsIgnored: facts.ignored,
      ...(missing ? { missingGroups: missing } : {}),
    },
  });
}

/** The aggregate: cohort sizes and churns per (segment, cohort, k): plain counts, mergeable. */
function churnCells(
  signups: ArrayLike<unknown>,
  churns: ArrayLike<unknown>,
  segments: ArrayLike<unknown>[],
  calendar: PeriodCalendar,
  cutoff: number,
): { cells: ChurnCell[]; ignored: number } {
  const top = calendar.ordinal(cutoff - 1);
  const groups = new Map<string, ChurnCell>();
  let ignored = 0;
  for (let i = 0; i < signups.length; i++) {
    const s = timeOf(signups[i]);
    if (!(s < cutoff)) {
      ignored++;
      continue;
    }
    const cohort = calendar.ordinal(s);
    const segment = segments.map((values) => values[i] ?? null);
    const key = JSON.stringify([
      ...segment.map((v) => v instanceof Date ? v.getTime() : v),
      cohort,
    ]);
    let g = groups.get(key);
    if (!g) {
      groups.set(
        key,
        g = { segment, cohort, size: 0, churned: new Array(top - cohort + 1).fill(0) },
      );
    }
    g.size++;
    const c = timeOf(churns[i]);
    if (c < cutoff) g.churned[calendar.ordinal(c) - cohort]++;
  }
  return { cells: [...groups.values()], ignored };
}

/** The finalize step: running sums, rates and Wilson intervals, in segment and cohort order. */
function churnRows(
  cells: ChurnCell[],
  by: string[],
  o: { calendar: PeriodCalendar; cutoff: number; confidence: number; timeZone: string },
): ColumnTable {
  const { calendar } = o;
  const names = [...by, ...COHORT_CHURN_COLUMNS];
  const columns: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, []]));
  const sorted = cells.sort((a, b) => compareTuples(a.segment, b.segment) || a.cohort - b.cohort);
  for (const g of sorted) {
    let cumulative = 0;
    g.churned.forEach((churned, k) => {
      cumulative += churned;
      const { low, high } = wilson(cumulative, g.size, o.confidence);
      by.forEach((b, j) => columns[b].push(g.segment[j]));
      columns.cohort.push(calendar.label(g.cohort));
      columns.cohort_start.push(calendar.start(g.cohort));
      columns.period_index.push(k);
      columns.cohort_size.push(g.size);
      columns.churned.push(churned);
      columns.cumulative_churned.push(cumulative);
      columns.cumulative_churn_rate.push(cumulative / g.size);
      columns.cumulative_churn_rate_low.push(low);
      columns.cumulative_churn_rate_high.push(high);
      columns.complete.push(calendar.start(g.cohort + k + 1).getTime() <= o.cutoff);
      columns.time_zone.push(o.timeZone);
    });
  }
  return aq.table(columns);
}

/** Checks ids (present, unique) and dates (signup a date, churn empty or not before signup). */
function checkCustomers(
  ids: ArrayLike<unknown>,
  signups: ArrayLike<unknown>,
  churns: ArrayLike<unknown>,
  names: { customer: string; signupDate: string; churnDate: string },
): { maxT: number } {
  const problems = new Problems();
  const seen = new Map<unknown, number>();
  let maxT = -Infinity;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === null || id === undefined) {
      problems.add(
        i + 1,
        names.customer,
        id,
        `${names.customer} is missing; every customer needs one`,
      );
    } else if (seen.has(id)) {
      problems.add(
        i + 1,
        names.customer,
        id,
        `customer ${JSON.stringify(id)} appears again (first in row ${
          seen.get(id)
        }); each customer must be one row`,
      );
    } else seen.set(id, i + 1);
    const s = timeOf(signups[i]);
    const churn = churns[i];
    const c = timeOf(churn);
    if (s !== s) {
      problems.add(
        i + 1,
        names.signupDate,
        signups[i],
        `${names.signupDate} must be a date; every customer needs one`,
      );
      continue;
    }
    maxT = Math.max(maxT, s);
    if (churn === null || churn === undefined) continue;
    if (c !== c) {
      problems.add(
        i + 1,
        names.churnDate,
        churn,
        `${names.churnDate} must be a date or empty (still a customer)`,
      );
    } else if (c < s) {
      problems.add(
        i + 1,
        names.churnDate,
        churn,
        `${names.churnDate} is before ${names.signupDate} (${
          new Date(s).toISOString().slice(0, 10)
        }); a customer cannot churn before signing up`,
      );
    } else maxT = Math.max(maxT, c);
  }
  problems.throwIfAny("The customers cannot be placed in cohorts");
  return { maxT };
}
