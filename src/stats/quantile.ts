/**
 * Sample quantiles (numpy's default linear rule, R's type 7).
 *
 * @module
 */

/**
 * Percentile of a sample (linear interpolation between order statistics,
 * numpy's default and R's type 7). Sorts a copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quantile } from "./quantile.ts";
 * assert.ok(quantile([1, 2, 3, 4], 0.5) === 2.5);
 * assert.ok(quantile([1, 2, 3, 4], 0.9) === 3.7);
 * ```
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return quantileSorted(sorted, p);
}

/** {@link quantile} on already sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
