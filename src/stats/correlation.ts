/**
 * Rank and correlation primitives: average ranks, p-values of Pearson's r and
 * Spearman's ρ (t approximation, as scipy), Kendall's τ-b with scipy's exact /
 * asymptotic p-value, and Fisher-z intervals. Inputs are plain typed arrays
 * without missing values; `analysis/correlate/` handles missing pairs.
 *
 * @module
 */
import { normalCdf, tCdf, zFor } from "./distributions.ts";

/**
 * Average ranks (1-based; tied values share the mean of their positions), as
 * `scipy.stats.rankdata(method="average")`. Values must not be NaN. Sorts a
 * copy natively and finds each value's tie block by binary search, so no
 * comparator callback runs per element.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { averageRanks } from "./correlation.ts";
 * assert.deepEqual([...averageRanks([10, 20, 10, 5])], [2.5, 4, 2.5, 1]);
 * ```
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  // Mean rank of each tie block, stored at the block's first position.
  const blockRank = new Float64Array(n);
  for (let i = 0, j = 0; i < n; i = j) {
    while (j < n && sorted[j] === sorted[i]) j++;
    blockRank[i] = (i + 1 + j) / 2;
  }
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) ranks[i] = blockRank[lowerBound(sorted, values[i])];
  return ranks;
}

/**
 * Row indices in ascending order of value (ties keep row order), computed
 * from a native sort of the values, without a comparator. Values must not be
 * NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { argsort } from "./correlation.ts";
 * assert.deepEqual([...argsort([3, 1, 3, 2])], [1, 3, 0, 2]);
 * ```
 */
export function argsort(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const next = new Int32Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = lowerBound(sorted, values[i]);
    order[p + next[p]++] = i;
  }
  return order;
}

/** First index with sorted[i] ≥ v. */
function lowerBound(sorted: ArrayLike<number>, v: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Two-sided p-value of a correlation coefficient `r` from `n` pairs by the t
 * test: t = r·√((n − 2)/(1 − r²)), p = 2·P(T_{n−2} ≤ −|t|). This is the exact
 * test of Pearson's r under bivariate normality (scipy's `pearsonr` computes
 * the same value from the equivalent beta distribution) and scipy's
 * approximation for Spearman's ρ. `null` when n < 3; 0 when |r| = 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { correlationPValue } from "./correlation.ts";
 * // scipy.stats.pearsonr([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) → r = 0.8, p = 0.10408803866182788
 * assert.ok(Math.abs(correlationPValue(0.8, 5)! - 0.10408803866182788) < 1e-12);
 * ```
 */
export function correlationPValue(r: number, n: number): number | null {
  if (!(n >= 3) || !Number.isFinite(r)) return null;
  const df = n - 2;
  const denominator = (1 + r) * (1 - r);
  if (!(denominator > 0)) return 0;
  const t = r * Math.sqrt(df / denominator);
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** Which standard error the Fisher-z interval uses. */
export type FisherSe = "pearson" | "spearman" | "kendall";

/**
 * Fisher-z confidence interval for a correlation: tanh(atanh(r) ∓ z·se) with
 * se = 1/√(n − 3) for Pearson's r, √((1 + r²/2)/(n − 3)) for Spearman's ρ
 * (Bonett & Wright 2000, Psychometrika 65:23–28) and √(0.437/(n − 4)) for
 * Kendall's τ (Fieller, Hartley & Pearson 1957, Biometrika 44:470–481).
 * `null` bounds when n ≤ 3 (n ≤ 4 for Kendall); |r| = 1 gives [r, r].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fisherInterval } from "./correlation.ts";
 * const { low, high } = fisherInterval(0.5, 28, 0.95, "pearson");
 * const z = Math.atanh(0.5), h = 1.959963984540054 / 5;
 * assert.ok(Math.abs(low! - Math.tanh(z - h)) < 1e-12 && Math.abs(high! - Math.tanh(z + h)) < 1e-12);
 * assert.equal(fisherInterval(0.5, 3, 0.95, "pearson").low, null);
 * ```
 */
export function fisherInterval(
  r: number,
  n: number,
  confidence: number,
  se: FisherSe,
): { low: number | null; high: number | null } {
  const z = zFor(confidence);
  const dof = se === "kendall" ? n - 4 : n - 3;
  if (!(dof > 0) || !Number.isFinite(r)) return { low: null, high: null };
  if (Math.abs(r) >= 1) return { low: r, high: r };
  const s = se === "pearson"
    ? 1 / Math.sqrt(dof)
    : se === "spearman"
    ? Math.sqrt((1 + r * r / 2) / dof)
    : Math.sqrt(0.437 / dof);
  const center = Math.atanh(r);
  return { low: Math.tanh(center - z * s), high: Math.tanh(center + z * s) };
}

/** Kendall's τ-b with its p-value and the counts behind it. */
export interface KendallResult {
  /** τ-b = (C − D)/√((n0 − n1)(n0 − n2)); `null` when either input is constant. */
  tau: number | null;
  /** Two-sided p-value (scipy's rule), `null` with τ. */
  pValue: number | null;
  /** `"exact"` or `"asymptotic"`: how the p-value was computed. */
  pMethod: "exact" | "asymptotic" | null;
  /** Discordant pairs. */
  discordant: number;
}

/**
 * Kendall's τ-b of two equally long arrays (no missing values), computed and
 * tested exactly as `scipy.stats.kendalltau(x, y)` (variant "b", method
 * "auto", SciPy 1.10): the p-value is exact (Kendall 1970 recursion) when
 * there are no ties and n ≤ 33 or the data are at most one swap from perfect
 * order, otherwise asymptotic: z = (C − D)/√v with the tie-corrected variance
 * v = (n(n−1)(2n+5) − Σt(t−1)(2t+5) − Σu(u−1)(2u+5))/18
 *   + 2·Σt(t−1)/2·Σu(u−1)/2 / (n(n−1)) + Σt(t−1)(t−2)·Σu(u−1)(u−2) / (9n(n−1)(n−2)),
 * p = 2·Φ(−|z|). Runs in O(n log n): pairs sorted by (x, y), discordant pairs
 * counted as inversions with a Fenwick tree.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kendallTau } from "./correlation.ts";
 * // scipy.stats.kendalltau([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) → (0.6, 0.23333333333333334), exact
 * const k = kendallTau([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]);
 * assert.ok(Math.abs(k.tau! - 0.6) < 1e-15 && Math.abs(k.pValue! - 0.23333333333333334) < 1e-15);
 * assert.equal(k.pMethod, "exact");
 * ```
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): KendallResult {
  const size = x.length;
  const none: KendallResult = { tau: null, pValue: null, pMethod: null, discordant: 0 };
  if (size < 2 || y.length !== size) return none;
  const dx = denseRanks(x), dy = denseRanks(y);
  const ny = dy.levels;
  // Sort pairs by (x, y) through one numeric key; exact while levels² < 2^53.
  const keys = new Float64Array(size);
  for (let i = 0; i < size; i++) keys[i] = dx.ranks[i] * (ny + 1) + dy.ranks[i];
  keys.sort();
  const ySeq = new Int32Array(size), xSeq = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const k = keys[i];
    xSeq[i] = Math.floor(k / (ny + 1));
    ySeq[i] = k - xSeq[i] * (ny + 1);
  }
  const dis = inversions(ySeq, ny);
  let ntie = 0;
  for (let i = 0, j = 0; i < size; i = j) {
    while (j < size && keys[j] === keys[i]) j++;
    const c = j - i;
    ntie += c * (c - 1) / 2;
  }
  const tx = tieStats(xSeq, 0), ty = tieStats(dy.ranks, ny);
  const tot = size * (size - 1) / 2;
  if (tx.pairs === tot || ty.pairs === tot) return { ...none, discordant: dis };
  const conMinusDis = tot - tx.pairs - ty.pairs + ntie - 2 * dis;
  const tau = Math.min(
    1,
    Math.max(-1, conMinusDis / Math.sqrt(tot - tx.pairs) / Math.sqrt(tot - ty.pairs)),
  );
  const exact = tx.pairs === 0 && ty.pairs === 0 && (size <= 33 || Math.min(dis, tot - dis) <= 1);
  if (exact) {
    return { tau, pValue: kendallExactP(size, tot - dis), pMethod: "exact", discordant: dis };
  }
  const m = size * (size - 1);
  const variance = (m * (2 * size + 5) - tx.v1 - ty.v1) / 18 +
    (2 * tx.pairs * ty.pairs) / m + tx.v0 * ty.v0 / (9 * m * (size - 2));
  const z = conMinusDis / Math.sqrt(variance);
  return { tau, pValue: 2 * normalCdf(-Math.abs(z)), pMethod: "asymptotic", discordant: dis };
}

/**
 * Exact two-sided p-value of Kendall's statistic with `c` concordant pairs
 * among n untied observations: twice the lower tail of the permutation
 * distribution (Kendall 1970, Rank Correlation Methods), computed with the
 * same recursion and floating-point steps as SciPy 1.10's `_kendall_p_exact`
 * for the cases `kendallTau` uses it (n ≤ 33, or c ≤ 1 for any n).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kendallExactP } from "./correlation.ts";
 * // n = 3, one discordant pair (c = 2 of 3): P(C ≥ 2) = 3/6, two-sided 1; perfect order: 2/3!.
 * assert.equal(kendallExactP(3, 3), 2 / 6);
 * assert.equal(kendallExactP(3, 2), 1);
 * ```
 */
export function kendallExactP(n: number, concordant: number): number {
  const total = n * (n - 1) / 2;
  const c = Math.min(concordant, total - concordant);
  let prob: number;
  if (n <= 2) prob = 1;
  else if (c === 0) prob = n < 171 ? 2 / factorial(n) : 0;
  else if (c === 1) prob = n < 172 ? 2 / factorial(n - 1) : 0;
  else if (4 * c === n * (n - 1)) prob = 1;
  else {
    // Reached for n ≤ 33 only: larger n is exact only when c ≤ 1 (above).
    let counts: Float64Array<ArrayBuffer> = new Float64Array(c + 1);
    counts[0] = counts[1] = 1;
    for (let j = 3; j <= n; j++) {
      counts = cumsum(counts);
      if (j <= c) shiftSubtract(counts, j);
    }
    prob = 2 * sum(counts) / factorial(n);
  }
  return Math.min(1, Math.max(0, prob));
}

/** counts[k] −= old counts[k − j] for k ≥ j (numpy's `new[j:] -= new[:c+1-j]`). */
function shiftSubtract(counts: Float64Array, j: number): void {
  const old = counts.slice(0, counts.length - j);
  for (let k = j; k < counts.length; k++) counts[k] -= old[k - j];
}

function cumsum(a: Float64Array): Float64Array<ArrayBuffer> {
  const out = new Float64Array(a.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) out[i] = s += a[i];
  return out;
}

/** Sum in order, as numpy's pairwise sum gives for short arrays (< 8 elements differ only in rounding). */
function sum(a: Float64Array): number {
  return pairwiseSum(a, 0, a.length);
}

/** numpy's pairwise summation (blocks of 128 with 8 accumulators), so sums round as numpy's do. */
function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let s = 0;
    for (let i = start; i < start + n; i++) s += a[i];
    return s;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let k = 0; k < 8; k++) r[k] = a[start + k];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k] += a[start + i + k];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

const FACTORIALS: number[] = [1];
/** n! as a double (exact to 22!, then correctly rounded products like Python's int → float). */
function factorial(n: number): number {
  // Python computes math.factorial exactly as an integer and rounds once when
  // dividing; BigInt keeps that single rounding.
  while (FACTORIALS.length <= n) {
    FACTORIALS.push(Number(bigFactorial(FACTORIALS.length)));
  }
  return FACTORIALS[n];
}

function bigFactorial(n: number): bigint {
  let f = 1n;
  for (let i = 2n; i <= BigInt(n); i++) f *= i;
  return f;
}

/** Dense ranks 0 … levels − 1 of the values. */
function denseRanks(values: ArrayLike<number>): { ranks: Int32Array; levels: number } {
  const sorted = Float64Array.from(values).sort();
  let levels = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[levels++] = sorted[i];
  }
  const unique = sorted.subarray(0, levels);
  const ranks = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) ranks[i] = lowerBound(unique, values[i]);
  return { ranks, levels };
}

/** Pairs i < j with seq[i] > seq[j] (strict), values in 0 … levels − 1. */
function inversions(seq: Int32Array, levels: number): number {
  const tree = new Float64Array(levels + 1);
  let count = 0;
  for (let i = 0; i < seq.length; i++) {
    // Earlier elements with a value > seq[i]: i − (earlier ≤ seq[i]).
    let le = 0;
    for (let k = seq[i] + 1; k > 0; k -= k & -k) le += tree[k];
    count += i - le;
    for (let k = seq[i] + 1; k <= levels; k += k & -k) tree[k]++;
  }
  return count;
}

/**
 * Tied pairs Σt(t−1)/2 and the variance terms Σt(t−1)(t−2), Σt(t−1)(2t+5), from
 * sorted ranks (`levels` = 0) or from unsorted dense ranks 0 … levels − 1.
 */
function tieStats(ranks: Int32Array, levels: number): { pairs: number; v0: number; v1: number } {
  let counts: ArrayLike<number>;
  if (levels === 0) {
    const runs: number[] = [];
    for (let i = 0, j = 0; i < ranks.length; i = j) {
      while (j < ranks.length && ranks[j] === ranks[i]) j++;
      runs.push(j - i);
    }
    counts = runs;
  } else {
    const c = new Float64Array(levels);
    for (let i = 0; i < ranks.length; i++) c[ranks[i]]++;
    counts = c;
  }
  let pairs = 0, v0 = 0, v1 = 0;
  for (let k = 0; k < counts.length; k++) {
    const t = counts[k];
    if (t < 2) continue;
    pairs += t * (t - 1) / 2;
    v0 += t * (t - 1) * (t - 2);
    v1 += t * (t - 1) * (2 * t + 5);
  }
  return { pairs, v0, v1 };
}
