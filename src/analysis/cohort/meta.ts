/**
 * What a cohort result records about how it was computed, and small helpers
 * the cohort modules share (reading columns without copies, problem lists).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { attachMeta, type CohortMeta } from "../../meta.ts";
export type { CohortAnalysis, CohortMeta } from "../../meta.ts";
import { CxDataError, type CxProblem } from "../../errors.ts";

/**
 * Records the metadata of a result (used by the cohort functions).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { setCohortMeta } from "./meta.ts";
 * import { metaOf } from "../../meta.ts";
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
 * assert.equal(metaOf(t, "cohort")?.analysis, "cohortChurn");
 * ```
 */
export function setCohortMeta(result: ColumnTable, meta: CohortMeta): ColumnTable {
  attachMeta(result, { kind: "cohort", ...meta });
  return result;
}

/** Re-exported for the cohort modules; the kernels own it. */
export { columnValues } from "../../kernels/groups.ts";

/**
 * Collects the first 20 problems and the total, then throws them together.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Problems } from "./meta.ts";
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
 * import { timeOf } from "./meta.ts";
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

/**
 * Orders segment tuples: numbers and dates by value, text by code points, missing last.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareTuples } from "./meta.ts";
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
