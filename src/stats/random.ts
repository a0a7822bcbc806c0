/**
 * A small seeded random generator (mulberry32) so bootstrap intervals are
 * reproducible: the same seed gives the same interval on every machine.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";

/**
 * Returns a function yielding uniform numbers in [0, 1) from a 32-bit seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "./random.ts";
 * const a = seededRandom(42), b = seededRandom(42);
 * assert.ok(a() === b() && a() < 1);
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Most bootstrap resamples any cxkit function draws (2000 is usual; more only costs time). */
export const MAX_RESAMPLES = 100_000;

/**
 * Throws a `CxOptionsError` naming `option` unless `resamples` is a whole
 * number from `min` to {@link MAX_RESAMPLES} (not NaN, Infinity, a fraction or
 * a string). The one check behind every bootstrap option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkResamples } from "./random.ts";
 * checkResamples(2000);
 * assert.throws(() => checkResamples(Infinity), /"resamples" must be a whole number from 1 to 100000/);
 * assert.throws(() => checkResamples(5, "bootstrap.resamples", 10), /from 10 to/);
 * ```
 */
export function checkResamples(
  resamples: unknown,
  option = "resamples",
  min = 1,
): asserts resamples is number {
  if (
    typeof resamples !== "number" || !Number.isInteger(resamples) || resamples < min ||
    resamples > MAX_RESAMPLES
  ) {
    throw new CxOptionsError(
      `Option "${option}" must be a whole number from ${min} to ${MAX_RESAMPLES} such as 2000, got ${
        typeof resamples === "number" ? String(resamples) : JSON.stringify(resamples)
      }`,
    );
  }
}
