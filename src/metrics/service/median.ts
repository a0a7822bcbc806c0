/**
 * The finalize step of the duration KPIs: mean with Student's t interval,
 * median with a distribution-free (order statistics) or bootstrap
 * interval, and p90.
 *
 * @module
 */
import { binomialCdf, checkConfidence, zFor } from "../../stats/distributions.ts";
import { type Interval, meanSd, tInterval } from "../../stats/intervals.ts";
import { quantileSorted } from "../../stats/quantile.ts";
import { seededRandom } from "../../stats/random.ts";
import type { DurationAggregate } from "./durations.ts";
import type { MedianMethod } from "./options.ts";

/**
 * Finalize step: mean with Student's t interval, median with its interval,
 * and p90 (linear, numpy's default / R type 7) of one group's durations.
 * All `null` when there are no durations.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { finalizeDurations } from "./median.ts";
 * const s = finalizeDurations(
 *   { tickets: 5, n: 4, sum: 10, sum_squares: 30, durations: [4, 1, 3, 2] },
 *   0.95,
 *   "order-statistic",
 * );
 * assert.ok(s.mean === 2.5 && s.median === 2.5 && s.p90 === 3.7 && s.median_low === null);
 * ```
 */
export function finalizeDurations(
  aggregate: DurationAggregate,
  confidence: number,
  method: MedianMethod,
  bootstrap: { resamples: number; random: () => number } = {
    resamples: 2000,
    random: seededRandom(1),
  },
): Record<string, number | null> {
  const { n } = aggregate;
  const { mean, sd } = meanSd(n, aggregate.sum ?? 0, aggregate.sum_squares ?? 0);
  const meanCi = mean === null || sd === null
    ? { low: null, high: null }
    : tInterval(mean, sd, n, confidence);
  const sorted = Float64Array.from(aggregate.durations).sort();
  const medianCi = method === "bootstrap"
    ? bootstrapMedian(sorted, confidence, bootstrap.resamples, bootstrap.random)
    : medianInterval(sorted, confidence);
  return {
    n,
    mean,
    sd,
    mean_low: meanCi.low,
    mean_high: meanCi.high,
    median: n > 0 ? quantileSorted(sorted, 0.5) : null,
    median_low: medianCi.low,
    median_high: medianCi.high,
    p90: n > 0 ? quantileSorted(sorted, 0.9) : null,
  };
}

/**
 * Distribution-free confidence interval for the median from order statistics:
 * with B ~ Binomial(n, ½) and k the smallest k with P(B ≤ k) ≥ (1 − confidence)/2,
 * the interval is [x_(k), x_(n−k+1)] (1-based, sorted ascending), covering the
 * population median with probability 1 − 2·P(B ≤ k − 1) ≥ confidence.
 * `null` bounds when k < 1 (n ≤ 5 at 95 %: even [x_(1), x_(n)] covers less).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { medianInterval } from "./median.ts";
 * // n = 10: P(B ≤ 1) ≈ 0.011 < 0.025 ≤ P(B ≤ 2) ≈ 0.055, so k = 2: [x_(2), x_(9)].
 * const { low, high } = medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95);
 * assert.ok(low === 2 && high === 9);
 * assert.ok(medianInterval([1, 2, 3, 4, 5]).low === null);
 * ```
 */
export function medianInterval(
  sorted: ArrayLike<number>,
  confidence = 0.95,
): { low: number | null; high: number | null } {
  checkConfidence(confidence);
  const n = sorted.length;
  const k = medianRank(n, (1 - confidence) / 2);
  if (k < 1) return { low: null, high: null };
  return { low: sorted[k - 1], high: sorted[n - k] };
}

/** Smallest k with P(B ≤ k) ≥ tail, B ~ Binomial(n, ½) (0 when n = 0). */
function medianRank(n: number, tail: number): number {
  if (n === 0) return 0;
  // Start near the normal approximation n/2 − z·√n/2, then step to the exact k.
  const z = zFor(1 - 2 * tail);
  let k = Math.max(0, Math.min(n, Math.floor(n / 2 - (z * Math.sqrt(n)) / 2)));
  while (k < n && binomialCdf(k, n, 0.5) < tail) k++;
  while (k > 0 && binomialCdf(k - 1, n, 0.5) >= tail) k--;
  return k;
}

/** Percentile bootstrap of the median; resamples are counts over the sorted values. */
function bootstrapMedian(
  sorted: Float64Array,
  confidence: number,
  resamples: number,
  random: () => number,
): Interval {
  const n = sorted.length;
  if (n < 2) return { low: null, high: null };
  const h = (n - 1) / 2, lo = Math.floor(h), hi = Math.ceil(h);
  const counts = new Uint32Array(n);
  const medians = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]++;
    // Walk the cumulative counts to the order statistics at ranks lo and hi of the resample.
    let cum = 0, low = NaN, j = 0;
    for (; j < n; j++) {
      cum += counts[j];
      if (Number.isNaN(low) && cum > lo) low = sorted[j];
      if (cum > hi) break;
    }
    medians[b] = low + (h - lo) * (sorted[j] - low);
  }
  medians.sort();
  const alpha = 1 - confidence;
  return { low: quantileSorted(medians, alpha / 2), high: quantileSorted(medians, 1 - alpha / 2) };
}
