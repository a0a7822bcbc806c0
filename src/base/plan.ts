/**
 * What every grouped analysis shares, below metrics, analyses and the
 * engine: the grouping options (`by`, `period`, `date`, `timeZone`,
 * `confidence`, `minN`, `missing`, `aggregate`), their resolution into a
 * {@link GroupPlan} with helpful errors, rows with a missing group value,
 * and the period columns.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../errors.ts";
import { optionNames } from "../options.ts";
import { checkConfidence } from "../stats/distributions.ts";
import { checkPeriod, type Period, periodFn } from "../time/period.ts";
import { checkTimeZone } from "../time/zone.ts";

/** Options every KPI takes. */
export interface KpiOptions {
  /** Segment column(s): one result row per combination. */
  by?: string | string[];
  /** Cut results into periods (calendar, at local midnight in `timeZone`). */
  period?: Period;
  /** Date column the periods come from (default per KPI: `date` or `created_at`). */
  date?: string;
  /** IANA time zone in which periods are cut (default `"UTC"`); echoed in the output. */
  timeZone?: string;
  /** Confidence level of intervals (default 0.95). */
  confidence?: number;
  /** Rows with fewer observations are flagged `small_sample` (default 30). */
  minN?: number;
  /**
   * Rows whose `by` value is missing (`null`, or text that is empty or blank):
   * `"drop"` (default, as R drops `NA` groups) leaves them out of the result
   * and counts them in `notes.missingGroups`; `"group"` keeps them as their own
   * group with a `null` key.
   */
  missing?: MissingGroups;
  /**
   * How the in-memory aggregate step runs: `"kernel"` (default; typed-array
   * loops) or `"arquero"` (the generic reference path). Both give identical
   * results. (An SQL engine is option `engine`; internally the SQL path
   * supplies the aggregate through an {@link AggregateHook}.)
   */
  aggregate?: Aggregate;
}

/**
 * The survey-weight option of the score KPIs (`nps`, `csat`, `ces`,
 * `npsCompare`, `segment`, `trend`). No other function reads weights: they
 * refuse the option by name.
 */
export interface WeightOptions {
  /**
   * Column of survey weights (non-negative, finite numbers). Default: the
   * canonical `weight` column when the table has one, else none; `null`
   * turns weighting off. Weighted shares and means; intervals use Kish's
   * effective sample size n_eff = (Σw)²/Σw² (result column `n_effective`),
   * while `n` stays the count of answers; `meta(result).notes.weight` names
   * the column.
   */
  weight?: string | null;
}

/** The names of {@link WeightOptions}. */
export const WEIGHT_OPTIONS = optionNames<WeightOptions>()(["weight"]);

/** The canonical weight column the score KPIs use by default. */
export const WEIGHT_COLUMN = "weight";

/** The defaults of the score KPIs for {@link resolvePlan}: dates in `date`, weights in `weight`. */
export const SCORE_DEFAULTS: { date: string; weight: string } = {
  date: "date",
  weight: WEIGHT_COLUMN,
};

/** The names of {@link KpiOptions}; every KPI's own list starts with these. */
export const KPI_OPTIONS = optionNames<KpiOptions>()([
  "by",
  "period",
  "date",
  "timeZone",
  "confidence",
  "minN",
  "missing",
  "aggregate",
]);

/** What happens to rows whose `by` value is missing: left out (`"drop"`) or their own group. */
export type MissingGroups = "drop" | "group";

/** How a KPI's aggregate step runs in memory, or the hook that supplies it from an SQL engine. */
export type Aggregate = "kernel" | "arquero" | AggregateHook;

/**
 * What a KPI asks its aggregate step for: the score column, its valid
 * integer range, the box to count (scale KPIs) and the resolved plan.
 */
export interface AggregateRequest {
  /** NPS category counts (`n, promoters, passives, detractors`) or scale sums (`n, sum, sum_squares, box`). */
  kind: "nps" | "scale";
  /** Score column. */
  score: string;
  /** Valid scores: integers from `min` to `max`. */
  scale: { min: number; max: number };
  /** Scores counted in `box` (scale aggregates only). */
  box?: { min: number; max: number };
  /** Resolved grouping options. */
  plan: GroupPlan;
}

/** Supplies a KPI's aggregate (keys, then the sufficient statistics) for a request. */
export interface AggregateHook {
  /** Returns the aggregate table and its key columns (by columns, then `period`, `period_start`). */
  aggregate(request: AggregateRequest): { aggregate: ColumnTable; keys: string[] };
}

/** Resolved, validated options. */
export interface GroupPlan {
  /** Segment columns. */
  by: string[];
  /** Period length, if periods are cut. */
  period?: Period;
  /** Date column periods come from. */
  date: string;
  /** IANA zone periods are cut in. */
  timeZone: string;
  /** Confidence level of intervals. */
  confidence: number;
  /** Small-sample threshold. */
  minN: number;
  /** Rows with a missing `by` value: left out (`"drop"`, also when absent) or their own group. */
  missing?: MissingGroups;
  /** How the aggregate step runs (in memory, or the SQL path's hook). */
  aggregate: Aggregate;
  /** Survey-weight column (score KPIs only; absent: unweighted). */
  weight?: string;
}

/**
 * Validates the common options against a table. `defaults.weight` is given
 * by the score KPIs only: their default weight column (see
 * {@link WeightOptions}); without it a `weight` option is refused.
 */
export function resolvePlan(
  table: ColumnTable,
  options: KpiOptions & WeightOptions,
  defaults: { date: string; weight?: string },
): GroupPlan {
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  const { timeZone = "UTC", confidence = 0.95, minN = 30, date = defaults.date } = options;
  const { aggregate = "kernel" } = options;
  const missing = checkMissing(options.missing);
  if (aggregate !== "kernel" && aggregate !== "arquero" && !isAggregateHook(aggregate)) {
    throw new CxOptionsError(
      `Option "aggregate" must be "kernel" or "arquero", got ${
        typeof aggregate === "object" ? "an object" : JSON.stringify(aggregate)
      }; an SQL engine is option "engine"`,
    );
  }
  checkConfidence(confidence);
  if (typeof minN !== "number" || !(minN >= 0)) {
    throw new CxOptionsError(`Option "minN" must be a number ≥ 0, got ${JSON.stringify(minN)}`);
  }
  checkTimeZone(timeZone);
  for (const column of by) requireColumn(table, column, "by");
  if (options.period !== undefined) {
    checkPeriod(options.period);
    requireColumn(table, date, "date");
  }
  const weight = resolveWeight(table, options.weight, defaults.weight);
  return {
    by,
    period: options.period,
    date,
    timeZone,
    confidence,
    minN,
    missing,
    aggregate,
    ...(weight === undefined ? {} : { weight }),
  };
}

/**
 * The weight column of a score KPI: the option's column (checked), none for
 * `null`, and by default `fallback` when the table has it (see
 * {@link WeightOptions}); without a fallback a `weight` option is refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { resolveWeight } from "./plan.ts";
 * const t = aq.table({ nps_score: [9], weight: [1.5] });
 * assert.equal(resolveWeight(t, undefined, "weight"), "weight");
 * assert.equal(resolveWeight(t, null, "weight"), undefined);
 * ```
 */
export function resolveWeight(
  table: ColumnTable,
  weight: unknown,
  fallback: string | undefined,
): string | undefined {
  if (fallback === undefined) {
    if (weight === undefined) return undefined;
    throw new CxOptionsError(
      `Option "weight" does not apply here: only the survey score KPIs (nps, csat, ces, npsCompare, segment, trend, touchpointOutcomes) weight answers`,
    );
  }
  if (weight === undefined) return table.columnNames().includes(fallback) ? fallback : undefined;
  if (weight === null) return undefined;
  if (typeof weight !== "string") {
    throw new CxOptionsError(
      `Option "weight" must name the column of survey weights, or be null for unweighted results, got ${
        JSON.stringify(weight)
      }`,
    );
  }
  requireColumn(table, weight, "weight");
  return weight;
}

export function checkMissing(missing: unknown = "drop"): MissingGroups {
  if (missing !== "drop" && missing !== "group") {
    throw new CxOptionsError(
      `Option "missing" must be "drop" (leave rows with a missing group value out, the default) ` +
        `or "group" (keep them as their own group), got ${JSON.stringify(missing)}`,
    );
  }
  return missing;
}

export function isMissingKey(value: unknown): boolean {
  return value === null || value === undefined || value !== value ||
    (typeof value === "string" && value.trim() === "");
}

export function splitMissingGroups(
  aggregate: ColumnTable,
  by: readonly string[],
  missing: MissingGroups,
): { kept: ColumnTable; dropped: ColumnTable } {
  const keys = by.map((b) => aggregate.array(b) as ArrayLike<unknown>);
  const rows = aggregate.numRows();
  const left: boolean[] = new Array(rows);
  let count = 0;
  for (let i = 0; i < rows; i++) {
    left[i] = missing === "drop" && keys.some((k) => isMissingKey(k[i]));
    if (left[i]) count++;
  }
  if (count === 0) return { kept: aggregate, dropped: aggregate.slice(0, 0) };
  const names = aggregate.columnNames();
  const columns = names.map((c) => Array.from(aggregate.array(c) as ArrayLike<unknown>));
  const pick = (drop: boolean) =>
    aq.table(
      Object.fromEntries(names.map((c, j) => [c, columns[j].filter((_, i) => left[i] === drop)])),
    );
  return { kept: pick(false), dropped: pick(true) };
}

export function missingNote(count: number, by: readonly string[], noun: string): string | null {
  if (count === 0) return null;
  const what = count === 1 ? noun.replace(/s$/, "") : noun;
  return `${count} ${what} with a missing ${by.join(" or ")} left out; ` +
    `missing: "group" keeps them as their own group`;
}

function isAggregateHook(value: unknown): value is AggregateHook {
  return typeof value === "object" && value !== null &&
    typeof (value as AggregateHook).aggregate === "function";
}

/** Throws a `CxOptionsError` naming the option and the columns present. */
export function requireColumn(table: ColumnTable, column: string, option: string): void {
  if (typeof column !== "string" || !table.columnNames().includes(column)) {
    throw new CxOptionsError(
      `Option "${option}" names column ${
        JSON.stringify(column)
      }, which is not in the table. Columns: ${table.columnNames().join(", ")}`,
    );
  }
}

/**
 * Adds `period` and `period_start` columns when the plan has a period, and
 * returns the grouping keys (by columns, then period).
 */
export function withPeriods(table: ColumnTable, plan: GroupPlan): {
  table: ColumnTable;
  keys: string[];
} {
  if (!plan.period) return { table, keys: plan.by };
  const of = periodFn(plan.period, plan.timeZone);
  const dates = table.array(plan.date) as (Date | null)[];
  const labels = new Array<string | null>(dates.length);
  const starts = new Array<Date | null>(dates.length);
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (!(d instanceof Date)) {
      if (d !== null && d !== undefined) {
        throw new CxDataError([{
          row: i + 1,
          column: plan.date,
          value: String(d),
          reason: `${plan.date} must hold dates; load the data with readCsv to parse them`,
        }]);
      }
      labels[i] = starts[i] = null;
      continue;
    }
    const p = of(d);
    labels[i] = p.label;
    starts[i] = p.start;
  }
  const reindexed = table.reify();
  return {
    table: reindexed.assign({ period: labels, period_start: starts }),
    keys: [...plan.by, "period", "period_start"],
  };
}
