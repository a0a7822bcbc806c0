/**
 * Quantiles and distribution functions of the normal, Student t, chi-square
 * and binomial distributions, written here rather than imported: the six
 * stdlib-js packages they replaced pulled in 234 CommonJS modules, about half
 * a second of start-up for every test file and doc example that loads a KPI.
 *
 * - Normal: the lower tail Φ(−s) from the power series of erf below s = 2 and
 *   Legendre's continued fraction for the Mills ratio above (see
 *   `incomplete.ts`), with e^−s²/2 formed from an exactly squared leading
 *   part of s (Cody's device, Math. Comp. 23, 1969), so that Φ(−37) keeps
 *   ~1e-14 relative accuracy. The quantile starts from Abramowitz & Stegun
 *   26.2.23 (error < 4.5e-4) and is polished by Newton's method on ln Φ in
 *   the tails and on Φ − ½ in the middle, where each is well conditioned.
 * - Student t: the two tails are ½ I_w(ν/2, ½) with w = ν / (ν + t²)
 *   (Abramowitz & Stegun 26.7.1), from df = 1000 on by the large-a
 *   expansion `incompleteBetaLargeA`; the quantile inverts them by safeguarded
 *   Newton steps in ln t (tails) or in t (middle), started from the
 *   Cornish–Fisher expansion (A&S 26.7.5) or the power-law tail, whichever fits.
 * - Chi-square: P(k/2, x/2). Binomial: the smaller tail summed outward from
 *   k, its first probability from the incomplete beta's prefactor.
 *
 * Each returns NaN for NaN or out-of-domain arguments (p outside [0, 1],
 * df ≤ 0, a non-integer n), as the stdlib-js functions did, and agrees with
 * 50-digit mpmath references to 1e-12 relative down to 1e-300
 * (tests/stats/distributions_test.ts).
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import {
  betaPowerTerms,
  gammaFraction,
  incompleteBeta,
  incompleteBetaLargeA,
  incompleteGamma,
} from "./incomplete.ts";
import { logGamma } from "./special.ts";

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LOG_SQRT_2PI = Math.log(SQRT_2PI);
/** Below this s the erf series is used for Φ(−s), above it the continued fraction. */
const SERIES_LIMIT = 2;
/** Newton iterations stop once a step moves the root by this much (relative). */
const ROOT_TOL = 1e-15;
const MAX_NEWTON = 100;
/** From this df on, the t tail uses the large-a expansion of the incomplete beta. */
const LARGE_DF = 1000;
/** A sum of positive terms stops when the next adds less than this, relatively. */
const EPS_SUM = 1e-17;

/**
 * Quantile of the standard normal distribution.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalQuantile } from "./distributions.ts";
 * assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-12);
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // 1 − p is exact for p ≥ ½ (Sterbenz), so the symmetry costs nothing.
  return p < 0.5 ? -upperNormalQuantile(p) : upperNormalQuantile(1 - p);
}

/** The s > 0 with Φ(−s) = tail, for 0 < tail < ½. */
function upperNormalQuantile(tail: number): number {
  // Abramowitz & Stegun 26.2.23, |error| < 4.5e-4.
  const t = Math.sqrt(-2 * Math.log(tail));
  let s = t - (2.515517 + t * (0.802853 + t * 0.010328)) /
      (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  if (tail >= 0.1) {
    // Middle: solve Φ(s) − ½ = ½ − tail (exact for tail ≥ ¼, the quantity
    // that fixes a small s to full relative accuracy).
    const target = 0.5 - tail;
    for (let i = 0; i < MAX_NEWTON; i++) {
      const step = (normalCentral(s) - target) / normalDensity(s);
      s -= step;
      if (Math.abs(step) <= ROOT_TOL * Math.abs(s)) break;
    }
    return s;
  }
  // Tails: solve ln Φ(−s) = ln tail; ln Φ is concave, so Newton's iterates
  // approach monotonically after the first step and never underflow.
  const logTail = Math.log(tail);
  for (let i = 0; i < MAX_NEWTON; i++) {
    const { logCdf, mills } = normalLowerTail(s);
    const step = (logCdf - logTail) * mills;
    s += step;
    if (Math.abs(step) <= ROOT_TOL * s) break;
  }
  return s;
}

/**
 * Cumulative distribution function of the standard normal distribution.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalCdf } from "./distributions.ts";
 * assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-15);
 * ```
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === -Infinity) return 0;
  if (x === Infinity) return 1;
  const tail = Math.exp(normalLowerTail(Math.abs(x)).logCdf);
  return x < 0 ? tail : 1 - tail;
}

/** Φ(s) − ½ = erf(s/√2)/2 for s ≥ 0, to full relative accuracy. */
function normalCentral(s: number): number {
  if (s >= SERIES_LIMIT) return 0.5 - Math.exp(normalLowerTail(s).logCdf);
  // erf(z) = 2z e^−z² / √π × Σ (2z²)ⁿ / (1·3·…·(2n+1)) (A&S 7.1.6): all
  // terms positive, ~40 of them at s = 2.
  const x = s * s; // 2z² with z = s/√2
  let term = 1;
  let sum = 1;
  for (let n = 1; term > 1e-17 * sum; n++) {
    term *= x / (2 * n + 1);
    sum += term;
  }
  return s * Math.exp(-x / 2) / SQRT_2PI * sum;
}

/**
 * ln Φ(−s) and the Mills ratio Φ(−s)/φ(s) for s ≥ 0, without underflow:
 * the normal quantile's Newton step needs both far beyond Φ = 1e-308.
 */
function normalLowerTail(s: number): { logCdf: number; mills: number } {
  if (s < SERIES_LIMIT) {
    const cdf = 0.5 - normalCentral(s);
    return { logCdf: Math.log(cdf), mills: cdf / normalDensity(s) };
  }
  // Φ(−s) = Q(½, s²/2)/2 = s φ(s) × fraction / 2 (A&S 26.2.30 with 6.5.2).
  const mills = s * gammaFraction(0.5, s * s / 2) / 2;
  return { logCdf: Math.log(mills) - halfSquare(s) - LOG_SQRT_2PI, mills };
}

/** φ(s) = e^−s²/2 / √(2π). */
function normalDensity(s: number): number {
  return Math.exp(-halfSquare(s)) / SQRT_2PI;
}

/**
 * s²/2 with the rounding error of s² removed: s = hi + lo with hi a multiple
 * of 2⁻¹⁰ (so hi² is exact), s² = hi² + lo (s + hi). Without this, e^−s²/2
 * at s = 37 would carry a 1e-13 relative error.
 */
function halfSquare(s: number): number {
  const hi = Math.trunc(s * 1024) / 1024;
  const lo = s - hi;
  return hi * hi / 2 + lo * (s + hi) / 2;
}

/**
 * Quantile of Student's t distribution with `df` degrees of freedom
 * (df = Infinity gives the normal quantile).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tQuantile } from "./distributions.ts";
 * assert.ok(Math.abs(tQuantile(0.975, 5) - 2.5705818366147395) < 1e-9);
 * ```
 */
export function tQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (df === Infinity) return normalQuantile(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  return p < 0.5 ? -upperTQuantile(p, df) : upperTQuantile(1 - p, df);
}

/** The t > 0 with P(T > t) = tail, for 0 < tail < ½. */
function upperTQuantile(tail: number, df: number): number {
  const logB = logBetaHalf(df);
  if (tail >= 0.25) {
    // Middle: P(0 < T < t) = ½ − tail, exact here; Newton in t, kept inside
    // a bracket because P(0 < T < t) is concave only for t > 0.
    const target = 0.5 - tail;
    let t = cornishFisher(tail, df);
    let lo = 0;
    let hi = Infinity;
    for (let i = 0; i < MAX_NEWTON; i++) {
      const diff = tTails(t, df).central - target;
      if (diff > 0) hi = t;
      else lo = t;
      let next = t - diff / Math.exp(tLogDensity(t, df, logB));
      if (!(next > lo && next < hi)) next = hi === Infinity ? 2 * t : (lo + hi) / 2;
      const done = Math.abs(next - t) <= ROOT_TOL * t;
      t = next;
      if (done) break;
    }
    return t;
  }
  // Tails: Newton in u = ln t on ln P(T > t) − ln tail, which is close to
  // linear in u for small df (power-law tail) and concave for large df.
  const logTail = Math.log(tail);
  const g = (u: number) => Math.log(tTails(Math.exp(u), df).tail) - logTail;
  const guesses = [cornishFisher(tail, df), powerTail(tail, df, logB)]
    .filter((t) => t > 0 && t < Number.MAX_VALUE).map(Math.log);
  let u = guesses.reduce((best, v) => Math.abs(g(v)) < Math.abs(g(best)) ? v : best);
  let lo = -Infinity;
  let hi = Math.log(Number.MAX_VALUE);
  if (g(hi) > 0) return Infinity; // the quantile is beyond the largest double
  for (let i = 0; i < MAX_NEWTON; i++) {
    const t = Math.exp(u);
    const logT = Math.log(tTails(t, df).tail);
    const diff = logT - logTail;
    if (diff > 0) lo = u;
    else hi = u;
    // d ln P(T > t) / d ln t = −t f(t) / P(T > t)
    const slope = -Math.exp(u + tLogDensity(t, df, logB) - logT);
    let next = u - diff / slope;
    if (!(next > lo && next < hi)) next = lo === -Infinity ? u - 1 : (lo + hi) / 2;
    const done = Math.abs(next - u) <= ROOT_TOL;
    u = next;
    if (done) break;
  }
  return Math.exp(u);
}

/** A&S 26.7.5: t ≈ z + (z³ + z)/4ν + (5z⁵ + 16z³ + 3z)/96ν², z the normal quantile. */
function cornishFisher(tail: number, df: number): number {
  const z = -normalQuantile(tail);
  const z2 = z * z;
  return z + z * (z2 + 1) / (4 * df) + z * (3 + z2 * (16 + 5 * z2)) / (96 * df * df);
}

/** P(T > t) ≈ ν^{ν/2−1} t^−ν / B(ν/2, ½) · 2 / 2 for large t (leading term of I_w). */
function powerTail(tail: number, df: number, logB: number): number {
  // tail = w^{ν/2} / (ν B), w ≈ ν / t²  ⇒  ln t = ½ ln ν − (ln tail + ln ν + ln B) / ν
  return Math.exp(0.5 * Math.log(df) - (Math.log(tail) + Math.log(df) + logB) / df);
}

/** ln B(ν/2, ½), for the t density (only steers Newton steps, never the result). */
function logBetaHalf(df: number): number {
  return logGamma(df / 2) + logGamma(0.5) - logGamma(df / 2 + 0.5);
}

/** ln f(t) = −(ν + 1)/2 ln(1 + t²/ν) − ½ ln ν − ln B(ν/2, ½). */
function tLogDensity(t: number, df: number, logB: number): number {
  const r = t * t / df;
  const log1pr = r < 1e200 ? Math.log1p(r) : 2 * Math.log(t) - Math.log(df);
  return -(df + 1) / 2 * log1pr - 0.5 * Math.log(df) - logB;
}

/**
 * P(T > t) and P(0 < T < t) for t ≥ 0: ½ I_w(ν/2, ½) and ½ I_z(½, ν/2) with
 * w = ν/(ν + t²), z = t²/(ν + t²), each formed without cancellation.
 */
function tTails(t: number, df: number): { tail: number; central: number } {
  const r = t * t / df;
  if (!(r < 1e200)) {
    // t² overflows or w underflows: the leading term of the series for I_w,
    // w^{ν/2} / ((ν/2) B(ν/2, ½)), is exact to 1e-200 relative here.
    const logW = Math.log(df) - 2 * Math.log(t);
    const tail = 0.5 * Math.exp(df / 2 * logW - Math.log(df / 2) - logBetaHalf(df));
    return { tail, central: 0.5 - tail };
  }
  const u = Math.log1p(r); // −ln w
  if (df >= LARGE_DF && u <= 1) {
    // The continued fraction for I_w(ν/2, ½) loses digits here (3e-11 at ν = 1e6).
    const tail = incompleteBetaLargeA(df / 2, 0.5, u) / 2;
    if (tail <= 0.25) return { tail, central: 0.5 - tail };
    return { tail, central: incompleteBeta(1 / (1 + r), df / 2, 0.5, r / (1 + r))[1] / 2 };
  }
  const [tail2, central2] = incompleteBeta(1 / (1 + r), df / 2, 0.5, r / (1 + r));
  return { tail: tail2 / 2, central: central2 / 2 };
}

/**
 * Cumulative distribution function of Student's t distribution
 * (df = Infinity gives the normal).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tCdf } from "./distributions.ts";
 * assert.ok(Math.abs(tCdf(0, 3) - 0.5) < 1e-15);
 * ```
 */
export function tCdf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  if (df === Infinity) return normalCdf(x);
  if (x === 0) return 0.5;
  const { tail } = tTails(Math.abs(x), df);
  return x < 0 ? tail : 1 - tail;
}

/**
 * Cumulative distribution function of the chi-square distribution.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chiSquareCdf } from "./distributions.ts";
 * assert.ok(Math.abs(chiSquareCdf(3.841458820694124, 1) - 0.95) < 1e-12);
 * ```
 */
export function chiSquareCdf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df >= 0)) return NaN;
  if (x === Infinity) return 1;
  if (df === Infinity) return NaN;
  // df = 0 is the point mass at 0.
  if (df === 0) return x < 0 ? 0 : 1;
  return incompleteGamma(df / 2, x / 2)[0];
}

/**
 * Cumulative distribution function of the binomial distribution, P(X ≤ k).
 * A non-integer k counts as ⌊k⌋ (within 1e-7 of the next integer, as that).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialCdf } from "./distributions.ts";
 * assert.ok(Math.abs(binomialCdf(1, 2, 0.5) - 0.75) < 1e-15);
 * ```
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (
    Number.isNaN(k) || !(p >= 0 && p <= 1) || !(n >= 0) || !Number.isInteger(n) ||
    n === Infinity
  ) return NaN;
  if (k < 0) return 0;
  if (k >= n) return 1;
  const whole = Math.floor(k + 1e-7);
  if (p === 0) return 1;
  if (p === 1) return 0;
  // The smaller tail as a sum of probabilities, outward from k: positive
  // terms falling at least geometrically (~9 sd of them near the mean). The
  // incomplete-beta form 1 − I_p(k + 1, n − k) (A&S 26.5.24) would meet its
  // continued fraction at x = 1 − p near 1, ill-conditioned for n ~ 1e6.
  const q = 1 - p; // exact for p ≥ ½; used only where its rounding is harmless
  const pmf = betaPowerTerms(whole + 1, n - whole + 1, p, q) / ((n + 1) * p * q);
  const odds = p / q;
  let term = pmf;
  let sum = pmf;
  if (whole < n * p) {
    for (let j = whole; j > 0 && term > EPS_SUM * sum; j--) {
      term *= j / ((n - j + 1) * odds);
      sum += term;
    }
    return sum;
  }
  // Upper tail P(X > k), from k + 1 upward.
  term = pmf * (n - whole) / (whole + 1) * odds;
  sum = term;
  for (let j = whole + 1; j < n && term > EPS_SUM * sum; j++) {
    term *= (n - j) / (j + 1) * odds;
    sum += term;
  }
  return 1 - sum;
}

/**
 * The two-sided normal critical value for a confidence level, e.g. 1.96 for
 * 0.95. Throws a `CxOptionsError` unless 0 < confidence < 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zFor } from "./distributions.ts";
 * assert.ok(Math.abs(zFor(0.95) - 1.959963984540054) < 1e-12);
 * ```
 */
export function zFor(confidence: number): number {
  checkConfidence(confidence);
  return normalQuantile(1 - (1 - confidence) / 2);
}

/** Throws a `CxOptionsError` unless 0 < confidence < 1. */
export function checkConfidence(confidence: unknown): asserts confidence is number {
  if (typeof confidence !== "number" || !(confidence > 0 && confidence < 1)) {
    throw new CxOptionsError(
      `Option "confidence" must be a number between 0 and 1 such as 0.95, got ${
        JSON.stringify(confidence)
      }`,
    );
  }
}
