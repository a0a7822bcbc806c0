/**
 * Multiple-comparison corrections: adjusted p-values for a family of tests,
 * so that "significant" keeps its meaning when many segments or periods are
 * tested at once. Both equal statsmodels' `multipletests` (`method="holm"`
 * and `method="fdr_bh"`).
 *
 * Missing p-values (`null`, e.g. a test that could not be made) are not part
 * of the family: they stay `null` and do not count towards m.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Multiple-comparison corrections. */
export type Correction = "holm" | "bh" | "none";

/**
 * Holm's step-down adjustment (Holm 1979), which controls the family-wise
 * error rate: with the m p-values sorted ascending, p₍ⱼ₎ becomes
 * max over i ≤ j of min(1, (m − i + 1)·p₍ᵢ₎). Uniformly more powerful than
 * Bonferroni, valid under any dependence between the tests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holm } from "./multiple.ts";
 * // Sorted: 0.01·3 = 0.03, max(0.03, 0.02·2) = 0.04, max(0.04, 0.04·1) = 0.04.
 * assert.deepEqual(holm([0.04, 0.01, 0.02]), [0.04, 0.03, 0.04]);
 * assert.deepEqual(holm([0.5, null]), [0.5, null]); // null is left out: m = 1
 * ```
 */
export function holm(pValues: readonly (number | null)[]): (number | null)[] {
  const { order, values } = family(pValues, "holm");
  const m = order.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach((index, j) => {
    running = Math.max(running, Math.min(1, (m - j) * (values[index] as number)));
    out[index] = running;
  });
  return out;
}

/**
 * Benjamini–Hochberg adjustment (1995), which controls the false discovery
 * rate (the expected share of false positives among the tests called
 * significant) for independent or positively dependent tests: with the m
 * p-values sorted ascending, p₍ⱼ₎ becomes min over i ≥ j of
 * min(1, m·p₍ᵢ₎ / i).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benjaminiHochberg } from "./multiple.ts";
 * // Sorted: 0.01·3/1 = 0.03, 0.02·3/2 = 0.03, 0.04·3/3 = 0.04 (each ≤ the later ones).
 * const adjusted = benjaminiHochberg([0.04, 0.01, 0.02]);
 * assert.ok(Math.abs(adjusted[0]! - 0.04) < 1e-15 && Math.abs(adjusted[1]! - 0.03) < 1e-15);
 * ```
 */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const { order, values } = family(pValues, "benjaminiHochberg");
  const m = order.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let j = m - 1; j >= 0; j--) {
    const index = order[j];
    // As statsmodels: p / ecdf with ecdf = (j + 1)/m, then the running minimum from the top.
    running = Math.min(running, (values[index] as number) / ((j + 1) / m));
    out[index] = running;
  }
  return out;
}

/** Options of {@link adjustPValues}. */
export interface AdjustPValuesOptions {
  /** `"holm"` (family-wise error), `"bh"` (false discovery rate) or `"none"` (as they are). */
  correction: Correction;
}

const ADJUST_OPTIONS = optionNames<AdjustPValuesOptions>()(["correction"]);

/**
 * Adjusts p-values with the named correction (`"none"` returns them as they
 * are).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adjustPValues } from "./multiple.ts";
 * assert.deepEqual(adjustPValues([0.01, 0.02], { correction: "holm" }), [0.02, 0.02]);
 * assert.deepEqual(adjustPValues([0.01, 0.02], { correction: "none" }), [0.01, 0.02]);
 * ```
 */
export function adjustPValues(
  pValues: readonly (number | null)[],
  options: AdjustPValuesOptions,
): (number | null)[] {
  checkOptions("adjustPValues", options, ADJUST_OPTIONS);
  const correction = options?.correction;
  checkCorrection(correction);
  if (correction === "holm") return holm(pValues);
  if (correction === "bh") return benjaminiHochberg(pValues);
  family(pValues, "adjustPValues");
  return [...pValues];
}

/**
 * Throws a `CxOptionsError` unless `correction` is `"holm"`, `"bh"` or `"none"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CxOptionsError } from "../errors.ts";
 * import { checkCorrection } from "./multiple.ts";
 * checkCorrection("holm");
 * assert.throws(() => checkCorrection("bonferroni"), CxOptionsError);
 * ```
 */
export function checkCorrection(correction: unknown): asserts correction is Correction {
  if (correction !== "holm" && correction !== "bh" && correction !== "none") {
    throw new CxOptionsError(
      `Option "correction" must be "holm", "bh" (Benjamini–Hochberg) or "none", got ${
        JSON.stringify(correction)
      }`,
    );
  }
}

/** Indices of the non-missing p-values, sorted by value (ties by position), after checks. */
function family(
  pValues: readonly (number | null)[],
  caller: string,
): { order: number[]; values: readonly (number | null)[] } {
  if (!Array.isArray(pValues)) {
    throw new CxOptionsError(`${caller}: pass an array of p-values, got ${typeof pValues}`);
  }
  const order: number[] = [];
  pValues.forEach((p, i) => {
    if (p === null || p === undefined) return;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new CxOptionsError(
        `${caller}: p-value ${i + 1} is ${
          JSON.stringify(p)
        }; p-values must be numbers from 0 to 1 (use null for a test that was not made)`,
      );
    }
    order.push(i);
  });
  order.sort((a, b) => (pValues[a] as number) - (pValues[b] as number) || a - b);
  return { order, values: pValues };
}
