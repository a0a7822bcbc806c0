/**
 * Confidence intervals for the statistics KPIs report: proportions (Wilson,
 * Clopper–Pearson), means (Student's t) and means of a bounded score when
 * every answer is the same (Wilson on the rescaled mean). Each returns `null`
 * bounds when the sample cannot support an interval (n = 0, or n < 2 for a
 * mean), never NaN.
 *
 * @module
 */
import { binomialCdf, checkConfidence, tQuantile, zFor } from "./distributions.ts";

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
  // At p̂ = 0 or 1 the bound is exactly 0 or 1; centre − half would leave a rounding residue.
  return {
    low: successes <= 0 ? 0 : Math.max(0, center - half),
    high: successes >= n ? 1 : Math.min(1, center + half),
  };
}

/**
 * Clopper–Pearson ("exact") interval for a proportion `successes / n`: the
 * p whose one-sided binomial tail at the observed count is (1 − confidence)/2,
 * i.e. P(X ≥ k | p_low) = α/2 and P(X ≤ k | p_high) = α/2, with bound 0 at
 * k = 0 and 1 at k = n. It is the interval dual to the central exact binomial
 * test (see {@link exactBinomialTest}). The bounds are found by bisection on
 * the binomial CDF (to 1e-15), as statsmodels `proportion_confint(method="beta")`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clopperPearson } from "./intervals.ts";
 * // k = 0: the upper bound solves (1 − p)^n = α/2.
 * const { low, high } = clopperPearson(0, 10, 0.95);
 * assert.ok(low === 0 && Math.abs(high! - (1 - 0.025 ** (1 / 10))) < 1e-12);
 * ```
 */
export function clopperPearson(successes: number, n: number, confidence = 0.95): Interval {
  checkConfidence(confidence);
  if (!(n > 0)) return { low: null, high: null };
  const tail = (1 - confidence) / 2;
  const k = successes;
  return {
    // P(X ≥ k | p) rises with p; P(X ≤ k | p) falls with p.
    low: k <= 0 ? 0 : bisect((p) => upperTail(k, n, p) < tail),
    high: k >= n ? 1 : bisect((p) => binomialCdf(k, n, p) > tail),
  };
}

/**
 * Two-sided central exact binomial test of H0: p = p0, p-value
 * min(1, 2·min(P(X ≤ k), P(X ≥ k))) under Binomial(n, p0) — the test whose
 * acceptance region is the Clopper–Pearson interval, so the two never
 * disagree (the "minlike" p-value of R's `binom.test` can).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exactBinomialTest } from "./intervals.ts";
 * // 9 of 10 vs p0 = 0.5: P(X ≥ 9) = 11/1024, doubled.
 * assert.ok(Math.abs(exactBinomialTest(9, 10, 0.5) - 22 / 1024) < 1e-15);
 * ```
 */
export function exactBinomialTest(successes: number, n: number, p0: number): number {
  const lower = binomialCdf(successes, n, p0);
  const upper = upperTail(successes, n, p0);
  return Math.min(1, 2 * Math.min(lower, upper));
}

/** P(X ≥ k) for X ~ Binomial(n, p), as P(Y ≤ n − k) with Y ~ Binomial(n, 1 − p) (no cancellation). */
function upperTail(k: number, n: number, p: number): number {
  return k <= 0 ? 1 : binomialCdf(n - k, n, 1 - p);
}

/** The p in (0, 1) where `below(p)` turns from true to false (`below` true left of it). */
function bisect(below: (p: number) => boolean): number {
  let lo = 0, hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-16; i++) {
    const mid = (lo + hi) / 2;
    if (below(mid)) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
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

/**
 * Interval for the mean of a score bounded by [min, max] when Student's t
 * interval collapses because every answer is the same (sd = 0): the Wilson
 * score interval of the mean rescaled to [0, 1], mapped back. It uses, at
 * each candidate mean μ, the largest variance a score in [min, max] can have,
 * (μ − min)(max − μ) (all answers at the two ends), so it is conservative and
 * never has zero width. For scores that only take the two end values it is
 * exactly the Wilson interval of their share.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { boundedMeanInterval, wilson } from "./intervals.ts";
 * // 40 answers, all 5 on a 1–5 scale: Wilson of 40 of 40, stretched onto 1–5.
 * const { low, high } = boundedMeanInterval(5, 40, 1, 5);
 * assert.ok(high === 5 && Math.abs(low! - (1 + 4 * wilson(40, 40).low!)) < 1e-12);
 * ```
 */
export function boundedMeanInterval(
  mean: number,
  n: number,
  min: number,
  max: number,
  confidence = 0.95,
): Interval {
  const width = max - min;
  const { low, high } = wilson(n * (mean - min) / width, n, confidence);
  return {
    low: low === null ? null : min + width * low,
    high: high === null ? null : min + width * high,
  };
}
