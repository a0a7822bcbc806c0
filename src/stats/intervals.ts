/**
 * Confidence intervals for the statistics KPIs report: proportions (Wilson)
 * and means (Student's t). Each returns `null` bounds when the sample cannot
 * support an interval (n = 0, or n < 2 for a mean), never NaN.
 *
 * @module
 */
import { checkConfidence, tQuantile, zFor } from "./distributions.ts";

/** An interval; both bounds are `null` when the data cannot support one. */
export interface Interval {
  /** Lower bound. */
  low: number | null;
  /** Upper bound. */
  high: number | null;
}

/**
 * Wilson score interval for a proportion `successes / n`. Unlike the Wald
 * interval it stays inside [0, 1] and keeps its coverage near 0 and 1.
 * Formula: (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wilson } from "./intervals.ts";
 * const { low, high } = wilson(3, 10, 0.95);
 * assert.ok(Math.abs(low! - 0.10779126740630095) < 1e-12);
 * assert.ok(Math.abs(high! - 0.6032218525388546) < 1e-12);
 * ```
 */
export function wilson(successes: number, n: number, confidence = 0.95): Interval {
  const z = zFor(confidence);
  if (!(n > 0)) return { low: null, high: null };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/**
 * Student's t interval for a mean: mean ± t(1−α/2, n−1)·sd/√n, with `sd` the
 * sample standard deviation (n − 1 in the denominator).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tInterval } from "./intervals.ts";
 * const { low, high } = tInterval(10, 2, 5, 0.95);
 * assert.ok(Math.abs(low! - (10 - 2.7764451051977987 * 2 / Math.sqrt(5))) < 1e-12);
 * assert.ok(tInterval(10, 0, 1).low === null);
 * ```
 */
export function tInterval(mean: number, sd: number, n: number, confidence = 0.95): Interval {
  checkConfidence(confidence);
  if (!(n >= 2) || !Number.isFinite(sd)) return { low: null, high: null };
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * sd / Math.sqrt(n);
  return { low: mean - half, high: mean + half };
}

/**
 * Mean and sample standard deviation from mergeable sums (count, Σx, Σx²),
 * the aggregate every engine can compute. The variance is clamped at 0
 * against rounding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanSd } from "./intervals.ts";
 * const { mean, sd } = meanSd(3, 6, 14); // values 1, 2, 3
 * assert.ok(mean === 2 && sd === 1);
 * ```
 */
export function meanSd(
  n: number,
  sum: number,
  sumSquares: number,
): { mean: number | null; sd: number | null } {
  if (!(n > 0)) return { mean: null, sd: null };
  const mean = sum / n;
  if (n < 2) return { mean, sd: null };
  const variance = Math.max(0, (sumSquares - n * mean * mean) / (n - 1));
  return { mean, sd: Math.sqrt(variance) };
}
