/**
 * Special functions the customer-base models need: the log-gamma function
 * (Lanczos approximation, g = 7, nine coefficients, as in Numerical Recipes
 * §6.1 and Boost; about 1e-15 relative) and the Gauss hypergeometric
 * function ₂F₁(a, b; c; z) for real z < 1 (its power series for 0 ≤ z < 1,
 * Pfaff's transformation ₂F₁(a, b; c; z) = (1 − z)^−a ₂F₁(a, c − b; c;
 * z / (z − 1)) for z < 0; Abramowitz & Stegun 15.1.1 and 15.3.4).
 *
 * @module
 */
import { CxDataError } from "../errors.ts";

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0 (Lanczos; reflection below ½).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logGamma } from "./special.ts";
 * assert.ok(Math.abs(logGamma(5) - Math.log(24)) < 1e-13);
 * assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-14);
 * ```
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const y = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (y + i);
  const t = y + 7.5;
  return HALF_LOG_2PI + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Most series terms {@link hyp2f1} adds before it gives up. */
const MAX_TERMS = 1_000_000;

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) for real z < 1 and
 * c not a whole number ≤ 0 (the cases the BG/NBD and Pareto/NBD formulas meet). Throws a
 * `CxDataError` when the series does not converge.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hyp2f1 } from "./special.ts";
 * // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z
 * assert.ok(Math.abs(hyp2f1(1, 1, 2, 0.5) - 2 * Math.log(2)) < 1e-14);
 * assert.ok(Math.abs(hyp2f1(1, 1, 2, -1) - Math.log(2)) < 1e-14);
 * ```
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const finite = Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) &&
    Number.isFinite(z); // not [a, b, c, z].every: no array per call (millions in customerValue)
  if (!finite || !(z < 1) || (c <= 0 && Number.isInteger(c))) {
    throw new CxDataError(
      [{
        row: null,
        column: null,
        value: `2F1(${a}, ${b}; ${c}; ${z})`,
        reason:
          "the hypergeometric function is only evaluated for finite a, b, c, z < 1 and c not 0, −1, −2, …",
      }],
      1,
      "A model formula left its domain",
    );
  }
  if (z < 0) return Math.pow(1 - z, -a) * series(a, c - b, c, z / (z - 1));
  return series(a, b, c, z);
}

function series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_TERMS; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum) && n > 2) return sum;
    if (term === 0) return sum;
  }
  throw new CxDataError(
    [{
      row: null,
      column: null,
      value: `2F1(${a}, ${b}; ${c}; ${z})`,
      reason: `the series did not converge in ${MAX_TERMS} terms (z too close to 1)`,
    }],
    1,
    "A model formula did not converge",
  );
}

/**
 * The digamma function ψ(x) = d ln Γ(x) / dx for x > 0 (recurrence up to
 * x ≥ 10, then the asymptotic series; Abramowitz & Stegun 6.3.5, 6.3.18).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { digamma } from "./special.ts";
 * assert.ok(Math.abs(digamma(1) + 0.5772156649015329) < 1e-13); // −γ
 * assert.ok(Math.abs(digamma(0.5) + 0.5772156649015329 + 2 * Math.log(2)) < 1e-13);
 * ```
 */
export function digamma(x: number): number {
  let shift = 0;
  while (x < 10) shift -= 1 / x, x += 1;
  const x2 = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x -
    x2 * (1 / 12 - x2 * (1 / 120 - x2 * (1 / 252 - x2 * (1 / 240 - x2 / 132))));
}
