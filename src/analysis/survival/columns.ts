/**
 * The inputs every survival analysis checks the same way, in memory and in
 * an SQL engine: the time, event and `by` column options, the values of the
 * time and event columns (with the one wording of their errors), an empty
 * table, and groups whose `by` value is missing.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../../errors.ts";
import { leaveOutMissing, type LeftOut, sumOf } from "../../metrics/groups.ts";
import { type MissingGroups, requireColumn } from "../../base/plan.ts";
import { columnValues } from "../../kernels/groups.ts";
import { optionNames } from "../../options.ts";

/** Which columns hold the follow-up time, the event flag and the segments. */
export interface SurvivalColumns {
  /** Follow-up time column, numbers ≥ 0 (default `"time"`, as `survivalTimes` writes). */
  time?: string;
  /** Event column: `1`/`true` = event (e.g. churn), `0`/`false` = censored (default `"event"`). */
  event?: string;
  /** Segment column(s): one curve per combination. */
  by?: string | string[];
}

/** The names of {@link SurvivalColumns}. */
export const SURVIVAL_COLUMN_OPTIONS: readonly (keyof SurvivalColumns)[] = optionNames<
  SurvivalColumns
>()(["time", "event", "by"]);

/** Option of the survival analyses that draw or compare groups. */
export interface MissingGroupOption {
  /**
   * Rows whose `by` value is missing (`null`, empty or blank text):
   * `"drop"` (default, as R's `survfit`/`survdiff` drop `NA` strata) leaves
   * them out of the curves and tests and counts them in the result's
   * `notes.missingGroups`; `"group"` keeps them as their own group (`null` key).
   */
  missing?: MissingGroups;
}

/**
 * Counts (`[by…], time, n_event, n_censor`) without the groups whose `by`
 * value is missing, unless `missing` is `"group"`, and the note counting
 * the rows left out: the one rule of {@link leaveOutMissing}, applied after
 * the aggregate (memory or SQL) and before every survival finalize step.
 */
export function countsWithoutMissing(
  counts: ColumnTable,
  by: readonly string[],
  missing: unknown,
): { counts: ColumnTable; notes: Record<string, string> } {
  const { kept, note } = leaveOutMissing(counts, by, missing, ROWS_LEFT_OUT);
  return { counts: kept, notes: note ? { missingGroups: note } : {} };
}

const ROWS_LEFT_OUT: LeftOut = {
  noun: "rows",
  count: (rows) => sumOf("n_event")(rows) + sumOf("n_censor")(rows),
};

/** The validated column choice of a survival analysis. */
export interface ResolvedColumns {
  /** Time column. */
  time: string;
  /** Event column. */
  event: string;
  /** Segment columns. */
  by: string[];
}

/** The Kaplan–Meier result columns after the group keys, in order. */
export const KAPLAN_MEIER_COLUMNS = [
  "time",
  "n_risk",
  "n_event",
  "n_censor",
  "survival",
  "survival_low",
  "survival_high",
  "std_err",
] as const;

/** Result column names a `by` column may not have (they would collide in the output). */
const RESERVED: readonly string[] = [...KAPLAN_MEIER_COLUMNS, "reason"];

/** The `by` option as a list of column names. */
export function byList(by: string | string[] | undefined): string[] {
  return by === undefined ? [] : Array.isArray(by) ? by : [by];
}

/** Checks the column options against the table (`CxOptionsError` naming the option). */
export function survivalColumns(table: ColumnTable, options: SurvivalColumns): ResolvedColumns {
  const { time = "time", event = "event" } = options;
  const by = byList(options.by);
  requireColumn(table, time, "time");
  requireColumn(table, event, "event");
  for (const column of by) {
    requireColumn(table, column, "by");
    if (RESERVED.includes(column) || column === time || column === event) {
      throw new CxOptionsError(
        `Option "by" cannot use column ${JSON.stringify(column)}: it is the time or event ` +
          `column or a result column name (${RESERVED.join(", ")}); rename it first`,
      );
    }
  }
  if (table.numRows() === 0) throwEmpty();
  return { time, event, by };
}

/** The error for a table (or an engine's source) without rows: nothing to estimate. */
export function throwEmpty(): never {
  throw new CxDataError(
    [{
      row: null,
      column: null,
      value: null,
      reason: "the table has no rows; nothing to estimate",
    }],
    1,
    "Empty table",
  );
}

/** Why a time or event value is rejected: the `reason` of {@link checkSurvivalValues}'s problems. */
export function survivalValueReason(check: "time" | "event", column: string): string {
  return check === "time"
    ? `${column} must be a follow-up time ≥ 0; derive it with survivalTimes() or drop the row`
    : `${column} must be 1/true (event) or 0/false (censored)`;
}

/** Whether a value is a follow-up time: a finite number ≥ 0. */
function isFollowUpTime(t: unknown): t is number {
  return typeof t === "number" && Number.isFinite(t) && t >= 0;
}

/** The problems of some survival data: the first 20, and how many there are in all. */
export class Problems {
  /** The first 20 problems. */
  readonly problems: CxProblem[] = [];
  /** How many there are in all. */
  total = 0;
  /** Adds a problem that stands for `count` rows. */
  add(count: number, problem: CxProblem): void {
    if (this.problems.length < 20) this.problems.push(problem);
    this.total += count;
  }
  /** Throws the `CxDataError` listing them, if there are any. */
  throwIfAny(): void {
    if (this.total) {
      throw new CxDataError(this.problems, this.total, "Survival data has invalid values");
    }
  }
}

/**
 * Checks times (finite numbers ≥ 0) and events (0/1/true/false; no event
 * column: `null`); lists the first bad rows.
 */
export function checkSurvivalValues(table: ColumnTable, time: string, event: string | null): void {
  const times = columnValues(table, time);
  const events = event === null ? undefined : columnValues(table, event);
  const problems = new Problems();
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (!isFollowUpTime(t)) {
      problems.add(1, {
        row: i + 1,
        column: time,
        value: t === null || t === undefined ? null : String(t),
        reason: survivalValueReason("time", time),
      });
    }
    if (!events || event === null) continue;
    const e = events[i];
    if (!(e === 0 || e === 1 || e === true || e === false)) {
      problems.add(1, {
        row: i + 1,
        column: event,
        value: e === null || e === undefined ? null : String(e),
        reason: survivalValueReason("event", event),
      });
    }
  }
  problems.throwIfAny();
}
