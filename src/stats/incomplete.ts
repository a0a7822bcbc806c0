/**
 * The regularized incomplete beta and gamma functions, the kernels of the
 * t, binomial and chi-square distribution functions in `distributions.ts`.
 *
 * Both use the classical pair "power series or continued fraction, whichever
 * converges, and the symmetry/complement switch so that the tail actually
 * computed is the smaller one" (Numerical Recipes, 3rd ed., §6.2 and §6.4;
 * the continued fractions are evaluated with the modified Lentz method,
 * Thompson & Barnett 1986). Both the function and its complement are returned
 * with full relative accuracy, so a p-value of 1e-250 is not rounded to 0.
 *
 * The one delicate part is the prefactor x^a (1−x)^b / B(a, b) (and
 * x^a e^−x / Γ(a)): written as exp(a ln x + b ln(1−x) − ln B(a, b)) it loses
 * ~|ln B| × 1e-16 in absolute terms, i.e. 1e-10 relative when a + b = 1e6.
 * It is instead computed from Stirling's formula with its error term
 * (Binet's series) and `log1pmx` of the deviation from the mean, the
 * approach of Temme ("Special functions", 1996, §11.3) and Didonato & Morris
 * (ACM TOMS 18, 1992): every term is then small or exactly the size of the
 * result's logarithm.
 *
 * @module
 */
import { CxDataError } from "../errors.ts";

/** Relative size of the last continued-fraction or series correction. */
const EPS = 1e-16;
/** Keeps Lentz's method away from dividing by zero (NR §5.2). */
const TINY = 1e-300;
/** Iteration cap: the fractions need O(√max(a, b)) steps, ~1e3 at a = 1e6. */
const MAX_ITER = 100_000;

/**
 * ln(1 + u) − u with full relative accuracy for u > −1 (the naive formula
 * cancels for small u). For −½ < u < 1 it uses ln(1 + u) = 2 atanh(w),
 * w = u / (2 + u), whose series 2(w + w³/3 + w⁵/5 + …) converges with
 * |w| ≤ ⅓; 2w − u = −u² / (2 + u) is then exact in form.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { log1pmx } from "./incomplete.ts";
 * assert.ok(Math.abs(log1pmx(1e-8) / -5e-17 - 1) < 1e-7); // ≈ −u²/2
 * assert.ok(Math.abs(log1pmx(1) - (Math.LN2 - 1)) < 1e-15);
 * ```
 */
export function log1pmx(u: number): number {
  if (!(u > -0.5 && u < 1)) return Math.log1p(u) - u;
  const w = u / (2 + u);
  const w2 = w * w;
  let term = w * w2;
  let sum = 0;
  for (let k = 3;; k += 2) {
    const add = term / k;
    sum += add;
    if (Math.abs(add) <= EPS * Math.abs(sum)) return -u * u / (2 + u) + 2 * sum;
    term *= w2;
  }
}

/**
 * Stirling's error term: ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π], for z > 0.
 * Binet's asymptotic series (Bernoulli numbers up to B₁₆; the next term is
 * below 1e-19 for z ≥ 10) and, below 10, the recurrence
 * δ(z) = δ(z + 1) + (z + ½) ln(1 + 1/z) − 1, which keeps the absolute error
 * at a few 1e-17 (ln Γ itself would carry errors of its own size).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stirlingError } from "./incomplete.ts";
 * // Γ(1) = 1: δ(1) = 1 − ½ ln 2π
 * assert.ok(Math.abs(stirlingError(1) - (1 - 0.5 * Math.log(2 * Math.PI))) < 1e-15);
 * ```
 */
export function stirlingError(z: number): number {
  let shift = 0;
  while (z < 10) {
    shift += (z + 0.5) * Math.log1p(1 / z) - 1;
    z += 1;
  }
  const r = 1 / z;
  const r2 = r * r;
  const series = r *
    (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 -
                      r2 * (691 / 360360 - r2 * (1 / 156 - r2 * (3617 / 122400))))))));
  return shift + series;
}

/**
 * x^a (1 − x)^b / B(a, b), with y = 1 − x passed separately so that the
 * smaller of the two is exact (see the module comment for the method); the
 * binomial probability C(n, k) pᵏ (1 − p)ⁿ⁻ᵏ is this at a = k + 1,
 * b = n − k + 1, divided by (n + 1) p (1 − p).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { betaPowerTerms } from "./incomplete.ts";
 * // B(2, 3) = 1/12: 0.5² · 0.5³ · 12 = 0.375
 * assert.ok(Math.abs(betaPowerTerms(2, 3, 0.5, 0.5) - 0.375) < 1e-15);
 * ```
 */
export function betaPowerTerms(a: number, b: number, x: number, y: number): number {
  const n = a + b;
  // e = x·n − a = b − y·n, the deviation from the mean in "counts", from
  // whichever of x, y is exact, with the product formed exactly (Dekker).
  const e = x <= y ? exactProductMinus(x, n, a) : -exactProductMinus(y, n, b);
  const lx = x <= y ? Math.log(x) : Math.log1p(-y);
  const ly = y <= x ? Math.log(y) : Math.log1p(-x);
  // a ln(x n / a) − e  and  b ln(y n / b) + e, each ≤ 0.
  const ua = e / a;
  const ta = Math.abs(ua) < 0.5 ? a * log1pmx(ua) : a * (lx - Math.log(a / n)) - e;
  const ub = -e / b;
  const tb = Math.abs(ub) < 0.5 ? b * log1pmx(ub) : b * (ly - Math.log(b / n)) + e;
  const delta = stirlingError(n) - stirlingError(a) - stirlingError(b);
  return Math.sqrt(a / (2 * Math.PI) * (b / n)) * Math.exp(ta + tb + delta);
}

/** x·m − c with x·m formed exactly (Veltkamp splitting, Dekker 1971). */
function exactProductMinus(x: number, m: number, c: number): number {
  const p = x * m;
  const [xh, xl] = split(x);
  const [mh, ml] = split(m);
  const err = ((xh * mh - p) + xh * ml + xl * mh) + xl * ml;
  return (p - c) + err;
}

function split(v: number): [number, number] {
  const c = 134217729 * v; // 2^27 + 1
  const hi = c - (c - v);
  return [hi, v - hi];
}

/**
 * Continued fraction for I_x(a, b) / prefactor × a (NR eq. 6.4.5), by the
 * modified Lentz method. Converges quickly for x < (a + 1) / (a + b + 2).
 */
function betaFraction(a: number, b: number, x: number): number {
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    // Even step d_2m, then odd step d_2m+1 of the fraction.
    let coef = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + coef * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coef / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    coef = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + coef * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coef / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) return h;
  }
  throw notConverged("incomplete beta continued fraction", a, b, x);
}

/**
 * The regularized incomplete beta function I_x(a, b) and its complement
 * 1 − I_x(a, b) = I_y(b, a), both to ~1e-14 relative, for a, b > 0 and
 * 0 ≤ x ≤ 1. Pass y = 1 − x when it is known more accurately than 1 − x
 * (e.g. y = v / (v + t²) beside x = t² / (v + t²)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { incompleteBeta } from "./incomplete.ts";
 * // I_x(1, 1) = x and I_x(2, 1) = x²
 * assert.deepEqual(incompleteBeta(0.25, 1, 1).map((v) => Math.round(v * 1e12) / 1e12), [0.25, 0.75]);
 * assert.ok(Math.abs(incompleteBeta(0.3, 2, 1)[0] - 0.09) < 1e-15);
 * ```
 */
export function incompleteBeta(
  x: number,
  a: number,
  b: number,
  y: number = 1 - x,
): [lower: number, upper: number] {
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  // Compute the tail below the mean (the smaller one) and the other by
  // complement: by the series when it converges geometrically (x ≤ 0.7),
  // else by the continued fraction. (For x near 1 and a ≫ b the fraction's
  // denominators 1 + dₘ cancel, ~1e-12 lost at a = 1e6: the t and binomial
  // distributions avoid that region, see distributions.ts.)
  const below = x < (a + 1) / (a + b + 2);
  const [p, q, xx, yy] = below ? [a, b, x, y] : [b, a, y, x];
  const sum = xx <= 0.7 ? betaSeries(p, q, xx) : betaFraction(p, q, xx);
  const small = betaPowerTerms(p, q, xx, yy) * sum / p;
  return below ? [small, 1 - small] : [1 - small, small];
}

/**
 * Σ (a + b)ₙ / (a + 1)ₙ xⁿ, so that I_x(a, b) = prefactor × sum / a (A&S
 * 26.5.4 through 15.3.3): positive terms with ratio → x, used below the mean
 * for x ≤ 0.7. Unlike the continued fraction it keeps full accuracy when a
 * and b are both ~1e6 (the fraction's many factors each round).
 */
function betaSeries(a: number, b: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_ITER; n++) {
    term *= (a + b + n) * x / (a + 1 + n);
    sum += term;
    if (term <= EPS * sum) return sum;
  }
  throw notConverged("incomplete beta series", a, b, x);
}

/**
 * I_x(a, b) for large a, small b and x near 1, given u = −ln x: Temme's
 * large-a expansion (cf. Didonato & Morris's BGRAT, ACM TOMS 18, 1992).
 * With s = e^−t, I_x = ∫_u^∞ e^−at (1 − e^−t)^(b−1) dt / B(a, b); writing
 * (1 − e^−t)^(b−1) = t^(b−1) Σ cₖ tᵏ (cₖ from ln((1 − e^−t)/t), whose
 * coefficients are Bernoulli numbers, radius 2π) turns it into
 * Σ cₖ a^−(b+k) Γ(b + k, a u) / B(a, b), each incomplete gamma from the
 * previous by Γ(s + 1, X) = s Γ(s, X) + X^s e^−X. For u ≤ 1 the terms fall
 * like (u / 2π)ᵏ. This is the t distribution's tail at large df, where the
 * continued fraction converges too slowly (its factors round to 1 long
 * before the product has settled: 3e-11 relative error at df = 1e6).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { incompleteBeta, incompleteBetaLargeA } from "./incomplete.ts";
 * const x = 0.999;
 * const direct = incompleteBeta(x, 200, 0.5)[0];
 * assert.ok(Math.abs(incompleteBetaLargeA(200, 0.5, -Math.log(x)) / direct - 1) < 1e-13);
 * ```
 */
export function incompleteBetaLargeA(a: number, b: number, u: number): number {
  const bigX = a * u;
  // Scaled by S = e^−X u^b: K₀ = a^−b Γ(b, X) / S, K_{k+1} = ((b + k) Kₖ + uᵏ) / a.
  let k0: number;
  if (bigX >= b + 1) k0 = gammaFraction(b, bigX);
  else {
    const q = incompleteGamma(b, bigX)[1];
    k0 = Math.exp(logGammaSmall(b) + bigX - b * Math.log(bigX)) * q;
  }
  const coefs = gPowerCoefs(b - 1);
  let kk = k0;
  let uk = 1;
  let sum = k0;
  for (let k = 0; k < coefs.length - 1; k++) {
    kk = ((b + k) * kk + uk) / a;
    uk *= u;
    const add = coefs[k + 1] * kk;
    sum += add;
    if (Math.abs(add) <= EPS * Math.abs(sum)) break;
  }
  // ln Γ(a + b)/Γ(a) by Stirling, free of the cancellation of two ln Γ's.
  const lnRatio = a * log1pmx(b / a) - 0.5 * Math.log1p(b / a) + b * Math.log(a + b) +
    stirlingError(a + b) - stirlingError(a);
  return Math.exp(-bigX + b * Math.log(u) + lnRatio - logGammaSmall(b)) * sum;
}

/** Bernoulli B₂ⱼ / (2j (2j)!): the coefficients of ln((e^t − 1)/t) − t/2 in t²ʲ. */
const LN_G_COEFS = [
  1 / 24,
  -1 / 2880,
  1 / 181440,
  -1 / 9676800,
  1 / 479001600,
  -691 / 15692092416000,
  1 / 1046139494400,
  -3617 / 170729965486080000,
  43867 / 91963695909076992000,
  -174611 / 16057153253965824000000,
];

const lnGCache = new Map<number, number[]>();
/**
 * Taylor coefficients cₖ of ((1 − e^−t)/t)^β = exp(β ln g(t)), with
 * ln g(t) = −t/2 + t²/24 − t⁴/2880 + … (the Bernoulli series above), by the
 * recurrence k cₖ = β Σⱼ j lⱼ cₖ₋ⱼ for the exponential of a series.
 */
function gPowerCoefs(beta: number): number[] {
  const cached = lnGCache.get(beta);
  if (cached) return cached;
  const terms = 2 * LN_G_COEFS.length + 1;
  const l = new Array<number>(terms).fill(0);
  l[1] = -0.5;
  LN_G_COEFS.forEach((v, j) => l[2 * (j + 1)] = v);
  const c = [1];
  for (let k = 1; k < terms; k++) {
    let s = 0;
    for (let j = 1; j <= k; j++) s += j * l[j] * c[k - j];
    c.push(beta * s / k);
  }
  lnGCache.set(beta, c);
  return c;
}

/** ln Γ(b) for the small b of {@link incompleteBetaLargeA} (Stirling with its error term). */
function logGammaSmall(b: number): number {
  return (b - 0.5) * Math.log(b) - b + 0.5 * Math.log(2 * Math.PI) + stirlingError(b);
}

/** x^a e^−x / Γ(a) by Stirling's formula (see the module comment). */
function gammaPrefactor(a: number, x: number): number {
  const u = (x - a) / a;
  const t = Math.abs(u) < 0.5 ? a * log1pmx(u) : a * (Math.log(x) - Math.log(a)) - (x - a);
  return Math.sqrt(a / (2 * Math.PI)) * Math.exp(t - stirlingError(a));
}

/**
 * Legendre's continued fraction for Γ(a, x) e^x x^−a (NR eq. 6.2.7, the even
 * part of 6.2.6), by the modified Lentz method; for x ≥ a + 1 it converges in
 * a few dozen steps (O(√a) near the mean). Also the kernel of the normal
 * tail: Φ(−s) = s φ(s) × fraction(½, s²/2) / 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gammaFraction } from "./incomplete.ts";
 * // Γ(1, x) = e^−x, so the fraction is 1/x for a = 1
 * assert.ok(Math.abs(gammaFraction(1, 4) - 0.25) < 1e-15);
 * ```
 */
export function gammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) return h;
  }
  throw notConverged("incomplete gamma continued fraction", a, x);
}

/**
 * The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P,
 * both to ~1e-14 relative, for a > 0 and x ≥ 0: the power series
 * P = x^a e^−x / Γ(a + 1) × Σ xⁿ / ((a + 1)…(a + n)) below x = a + 1, the
 * continued fraction for Q above (NR §6.2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { incompleteGamma } from "./incomplete.ts";
 * // P(1, x) = 1 − e^−x
 * const [p, q] = incompleteGamma(1, 30);
 * assert.ok(Math.abs(q / Math.exp(-30) - 1) < 1e-14 && p === 1 - q);
 * ```
 */
export function incompleteGamma(a: number, x: number): [lower: number, upper: number] {
  if (x <= 0) return [0, 1];
  if (x === Infinity) return [1, 0];
  if (x >= a + 1) {
    const upper = gammaPrefactor(a, x) * gammaFraction(a, x);
    return [1 - upper, upper];
  }
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (term <= EPS * sum) {
      const lower = gammaPrefactor(a, x) / a * sum;
      return [lower, 1 - lower];
    }
  }
  throw notConverged("incomplete gamma series", a, x);
}

/** Not expected for finite arguments; reported rather than returning a wrong p-value. */
function notConverged(what: string, ...args: number[]): CxDataError {
  return new CxDataError(
    [{
      row: null,
      column: null,
      value: `(${args.join(", ")})`,
      reason: `the ${what} did not converge in ${MAX_ITER} steps`,
    }],
    1,
    "A distribution function did not converge",
  );
}
