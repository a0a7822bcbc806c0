/**
 * Quantiles and distribution functions, from stdlib-js (ports of Boost and
 * Cephes algorithms, accurate to near machine precision), wrapped with
 * argument checks.
 *
 * @module
 */
import binomialCdfStd from "@stdlib/stats-base-dists-binomial-cdf";
import chisquareCdfStd from "@stdlib/stats-base-dists-chisquare-cdf";
import normalCdfStd from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantileStd from "@stdlib/stats-base-dists-normal-quantile";
import tCdfStd from "@stdlib/stats-base-dists-t-cdf";
import tQuantileStd from "@stdlib/stats-base-dists-t-quantile";
import { CxOptionsError } from "../errors.ts";

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
  return normalQuantileStd(p, 0, 1);
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
  return normalCdfStd(x, 0, 1);
}

/**
 * Quantile of Student's t distribution with `df` degrees of freedom.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tQuantile } from "./distributions.ts";
 * assert.ok(Math.abs(tQuantile(0.975, 5) - 2.5705818366147395) < 1e-9);
 * ```
 */
export function tQuantile(p: number, df: number): number {
  return tQuantileStd(p, df);
}

/**
 * Cumulative distribution function of Student's t distribution.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tCdf } from "./distributions.ts";
 * assert.ok(Math.abs(tCdf(0, 3) - 0.5) < 1e-15);
 * ```
 */
export function tCdf(x: number, df: number): number {
  return tCdfStd(x, df);
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
  return chisquareCdfStd(x, df);
}

/**
 * Cumulative distribution function of the binomial distribution, P(X ≤ k).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialCdf } from "./distributions.ts";
 * assert.ok(Math.abs(binomialCdf(1, 2, 0.5) - 0.75) < 1e-15);
 * ```
 */
export function binomialCdf(k: number, n: number, p: number): number {
  return binomialCdfStd(k, n, p);
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
