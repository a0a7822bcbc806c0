/**
 * From customer dates to survival data: the follow-up time from a start date
 * (signup) to the end date (churn), censored at the extract cut-off when the
 * end date is missing or later.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { pooled, type TableInput } from "../../base/input.ts";
import { requireColumn } from "../../base/plan.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CxDataError, CxOptionsError, type CxProblem } from "../../errors.ts";
import { optionNames } from "../../options.ts";

/** Units a follow-up time can be expressed in. */
export type SurvivalUnit = "days" | "weeks" | "months" | "years";

/** Length of each unit in days: a month is 365.25/12 days, a year 365.25 days. */
export const SURVIVAL_UNIT_DAYS: Record<SurvivalUnit, number> = {
  days: 1,
  weeks: 7,
  months: 365.25 / 12,
  years: 365.25,
};

/** Options of {@link survivalTimes}. */
export interface SurvivalTimesOptions {
  /** Start date column (default `"signup_date"`). */
  start?: string;
  /** End date column, empty while the customer is active (default `"churn_date"`). */
  end?: string;
  /**
   * End of observation (the extract's cut-off, an instant): open customers are
   * censored here; later end dates count as open.
   */
  observedUntil: Date;
  /** Unit of the `time` column (default `"days"`). */
  unit?: SurvivalUnit;
}

/** The names of {@link SurvivalTimesOptions}. */
export const SURVIVAL_TIMES_OPTIONS: readonly (keyof SurvivalTimesOptions)[] = optionNames<
  SurvivalTimesOptions
>()([
  "start",
  "end",
  "observedUntil",
  "unit",
]);

const UNITS = new WeakMap<ColumnTable, SurvivalUnit>();

/**
 * Adds `time` (end − start, or cut-off − start when there is no end date
 * before the cut-off, in `unit`) and `event` (`true` when the end date is at
 * or before the cut-off, else `false` = censored) to a customers table, ready
 * for `kaplanMeier`, `logRank` and `cumulativeIncidence`. Times are elapsed
 * time: dates loaded at UTC midnight (the loader's default) give whole days.
 *
 * Throws a `CxOptionsError` for unknown columns or a bad cut-off, and a
 * `CxDataError` naming the rows for a missing start date, an end date before
 * the start date, a start date after the cut-off, or an empty table.
 * It returns every row with its time and event, so it does not run in an
 * SQL engine: option `engine` is refused (compute the time and event there
 * and pass that table to `kaplanMeier` with `engine`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { survivalTimes } from "./times.ts";
 * const customers = aq.table({
 *   signup_date: [new Date("2025-01-01"), new Date("2025-03-01")],
 *   churn_date: [new Date("2025-01-31"), null],
 * });
 * const t = survivalTimes(customers, { observedUntil: new Date("2025-12-31") });
 * assert.ok(t.get("time", 0) === 30 && t.get("event", 0) === true);
 * assert.ok(t.get("time", 1) === 305 && t.get("event", 1) === false);
 * ```
 */
export const survivalTimes: EngineAnalysis<SurvivalTimesOptions> = withEngine<
  SurvivalTimesOptions
>({
  name: "survivalTimes",
  options: SURVIVAL_TIMES_OPTIONS,
  memory: (input, options) => timesOf(pooled(input), options),
  sql: {
    refuse: "it returns every row with its follow-up time and event, not an aggregate; " +
      "compute the time and event in the engine (date_diff) and pass that table to kaplanMeier " +
      "with engine",
  },
});

function timesOf(customers: ColumnTable, options: SurvivalTimesOptions): ColumnTable {
  const { start = "signup_date", end = "churn_date", observedUntil: cutoff, unit = "days" } =
    options ?? {};
  if (!(cutoff instanceof Date) || Number.isNaN(cutoff.getTime())) {
    throw new CxOptionsError(
      `Option "observedUntil" must be a valid Date, e.g. new Date("2025-12-31"), got ${
        String(cutoff)
      }`,
    );
  }
  if (!(unit in SURVIVAL_UNIT_DAYS)) {
    throw new CxOptionsError(
      `Option "unit" must be "days", "weeks", "months" or "years", got ${JSON.stringify(unit)}`,
    );
  }
  requireColumn(customers, start, "start");
  requireColumn(customers, end, "end");
  if (customers.numRows() === 0) {
    throw new CxDataError(
      [{ row: null, column: null, value: null, reason: "the customers table has no rows" }],
      1,
      "Empty table",
    );
  }
  const starts = customers.array(start) as unknown[];
  const ends = customers.array(end) as unknown[];
  const msPerUnit = 86_400_000 * SURVIVAL_UNIT_DAYS[unit];
  const time = new Array<number>(starts.length);
  const event = new Array<boolean>(starts.length);
  const problems: CxProblem[] = [];
  let total = 0;
  const fail = (row: number, column: string, value: unknown, reason: string) => {
    total++;
    if (problems.length < 20) {
      problems.push({ row, column, value: value == null ? null : show(value), reason });
    }
  };
  const limit = cutoff.getTime();
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i], e = ends[i];
    if (!(s instanceof Date) || Number.isNaN(s.getTime())) {
      fail(
        i + 1,
        start,
        s,
        `${start} must be a date; load customers with readCsv(…, { schema: "customers" })`,
      );
      continue;
    }
    if (e !== null && e !== undefined && !(e instanceof Date && !Number.isNaN(e.getTime()))) {
      fail(i + 1, end, e, `${end} must be a date or empty (still active)`);
      continue;
    }
    if (s.getTime() > limit) {
      fail(i + 1, start, s, `${start} is after the cut-off ${show(cutoff)}; drop such rows first`);
      continue;
    }
    if (e instanceof Date && e.getTime() < s.getTime()) {
      fail(i + 1, end, e, `${end} is before ${start} (${show(s)}): a negative duration`);
      continue;
    }
    const churned = e instanceof Date && e.getTime() <= limit;
    time[i] = ((churned ? (e as Date).getTime() : limit) - s.getTime()) / msPerUnit;
    event[i] = churned;
  }
  if (total) throw new CxDataError(problems, total, "Cannot compute survival times");
  const result = customers.reify().assign({ time, event });
  UNITS.set(result, unit);
  return result;
}

/**
 * The unit of a table made by {@link survivalTimes} (of several tables: the
 * unit they all have), else `undefined`.
 */
export function survivalTimesUnit(input: TableInput): SurvivalUnit | undefined {
  if (!Array.isArray(input)) return UNITS.get(input);
  const units = new Set(input.map((t) => UNITS.get(t)));
  return units.size === 1 ? [...units][0] : undefined;
}

function show(value: unknown): string {
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
  }
  return String(value);
}
