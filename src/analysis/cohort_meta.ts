/**
 * What a cohort result records about how it was computed, and small helpers
 * the cohort modules share (reading columns without copies, problem lists).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, type CxProblem } from "../errors.ts";
import type { CohortPeriod } from "./cohort_periods.ts";

/** Which cohort analysis made a result. */
export type CohortAnalysis =
  | "cohortRetention"
  | "pooledRetention"
  | "retentionByCohort"
  | "cohortChurn";

/** How a cohort result was computed, and what the reader should know about it. */
export interface CohortMeta {
  /** The function that made the result. */
  analysis: CohortAnalysis;
  /** Interval method (`"wilson"`). */
  method: string;
  /** Confidence level of the intervals. */
  confidence: number;
  /** Time zone calendar periods were cut in. */
  timeZone: string;
  /** Period length (`undefined` when summarising a table whose metadata was lost). */
  period?: CohortPeriod;
  /** `"calendar"` periods or per-customer `"rolling"` windows. */
  window: "calendar" | "rolling";
  /** `"exact"` (active in period k) or `"unbounded"` (in k or later); retention only. */
  mode?: "exact" | "unbounded";
  /** What starts a customer's clock: first activity or signup (`undefined` if unknown). */
  anchor?: "first_activity" | "signup";
  /** Segment columns. */
  by: string[];
  /** Last observed day (inclusive; `undefined` if unknown). */
  observedUntil?: Date;
  /** First unobserved instant: the start of the local day after `observedUntil`. */
  cutoff?: Date;
  /**
   * Things that can mislead a reader of this result (mixed complete and
   * incomplete cohorts, customers changing segment, …); empty when none.
   */
  warnings: string[];
  /** Definitions and counts worth stating in a report. */
  notes: Record<string, unknown>;
}

const META = new WeakMap<ColumnTable, CohortMeta>();

/**
 * How a cohort result was computed (analysis, mode, window, time zone,
 * cut-off) with its `warnings`, or `undefined` for tables that are not cohort
 * results (metadata does not survive Arquero verbs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortMeta } from "./cohort_meta.ts";
 * assert.equal(cohortMeta(aq.table({ a: [1] })), undefined);
 * ```
 */
export function cohortMeta(result: ColumnTable): CohortMeta | undefined {
  return META.get(result);
}

/**
 * Records the metadata of a result (used by the cohort functions).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortMeta, setCohortMeta } from "./cohort_meta.ts";
 * const t = setCohortMeta(aq.table({ a: [1] }), {
 *   analysis: "cohortChurn",
 *   method: "wilson",
 *   confidence: 0.95,
 *   timeZone: "UTC",
 *   window: "calendar",
 *   by: [],
 *   warnings: [],
 *   notes: {},
 * });
 * assert.equal(cohortMeta(t)?.analysis, "cohortChurn");
 * ```
 */
export function setCohortMeta(result: ColumnTable, meta: CohortMeta): ColumnTable {
  META.set(result, meta);
  return result;
}

/** Re-exported for the cohort modules; the kernels own it. */
export { columnValues } from "../kernels/groups.ts";

/**
 * Collects the first 20 problems and the total, then throws them together.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Problems } from "./cohort_meta.ts";
 * const problems = new Problems();
 * problems.add(3, "date", "soon", "date must be a date");
 * assert.throws(() => problems.throwIfAny("Bad events"), /row 3, column date/);
 * ```
 */
export class Problems {
  /** The first problems found. */
  readonly list: CxProblem[] = [];
  /** How many there were in all. */
  total = 0;

  /** Records a problem at a 1-based row. */
  add(row: number | null, column: string | null, value: unknown, reason: string): void {
    this.total++;
    if (this.list.length < 20) this.list.push({ row, column, value: shown(value), reason });
  }

  /** Throws a `CxDataError` with `intro` when any problem was recorded. */
  throwIfAny(intro: string): void {
    if (this.total) throw new CxDataError(this.list, this.total, intro);
  }
}

/** A value as a problem report shows it: dates as ISO strings, missing as `null`. */
function shown(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  return String(value);
}

/**
 * An instant as epoch ms when `v` is a valid Date, else `NaN`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeOf } from "./cohort_meta.ts";
 * assert.equal(timeOf(new Date(5)), 5);
 * assert.ok(Number.isNaN(timeOf("2024-01-01")));
 * ```
 */
export function timeOf(v: unknown): number {
  return v instanceof Date ? v.getTime() : NaN;
}

/** Cohort cells left out for a missing `by` value count their customers (cohort sizes). */
export const CUSTOMERS_IN_CELLS = {
  noun: "customers",
  count: (left: { size: number }[]): number => left.reduce((s, c) => s + c.size, 0),
};
