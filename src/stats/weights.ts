/**
 * Survey weights: Kish's effective sample size, and the weighted share and
 * mean with their variance (the "survey formula" the score KPIs use).
 *
 * With weights wᵢ ≥ 0, the weighted mean is m = Σwx/Σw and the weighted
 * variance (denominator Σw, as statsmodels `DescrStatsW(x, w).var`) is
 * v = Σwx²/Σw − m². Kish's effective n is n_eff = (Σw)²/Σw². Intervals are
 * the unweighted ones with n_eff in place of n: an NPS Wald interval
 * 100·(m ± z·√(v/n_eff)) for x ∈ {−1, 0, 1}; a Wilson interval of the share
 * p = Σw·[x in box]/Σw at n_eff; a Student t interval of the mean
 * m ± t(n_eff − 1)·√(v/(n_eff − 1)) — which is `DescrStatsW(x, w′)
 * .tconfint_mean()` with the weights rescaled to sum to n_eff. Without
 * weights (all wᵢ = 1) each is exactly the unweighted formula.
 *
 * @module
 */

/**
 * Kish's effective sample size (Σw)²/Σw²: n for equal weights, less the more
 * unequal they are; `0` when there is no weight.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { effectiveN } from "./weights.ts";
 * assert.equal(effectiveN(4, 4), 4); // four weights of 1
 * assert.equal(effectiveN(1 + 3, 1 + 9), 1.6); // weights 1 and 3
 * ```
 */
export function effectiveN(sumWeights: number, sumSquaredWeights: number): number {
  return sumSquaredWeights > 0 ? sumWeights * sumWeights / sumSquaredWeights : 0;
}

/**
 * Effective counts of a weighted share: each weighted total as the count it
 * stands for at the effective n (its share of Σw times n_eff), so the
 * unweighted formulas (Wilson, trinomial variance) apply unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { effectiveCount } from "./weights.ts";
 * // Σw = 4, Σw² = 10 (weights 1 and 3): n_eff = 1.6; a share of 3/4 is 1.2 of 1.6.
 * assert.ok(Math.abs(effectiveCount(3, 4, 10) - 1.2) < 1e-15);
 * ```
 */
export function effectiveCount(
  weightOf: number,
  sumWeights: number,
  sumSquaredWeights: number,
): number {
  return sumWeights > 0 ? weightOf / sumWeights * effectiveN(sumWeights, sumSquaredWeights) : 0;
}
