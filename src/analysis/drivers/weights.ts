/**
 * The two decompositions of R² that `keyDrivers` reports, from a
 * correlation matrix alone: Johnson's relative weights and Shapley-value
 * regression (the LMG measure, dominance analysis' general dominance).
 *
 * @module
 */
import { symmetricEigen } from "../../stats/linalg.ts";

/**
 * Johnson's (2000) relative weights from a correlation matrix of drivers
 * `rxx` and their correlations with the outcome `rxy`: R = V·diag(λ)·Vᵀ,
 * Λ = V·diag(√λ)·Vᵀ (the correlations of the drivers with their closest
 * orthogonal counterparts), β* = Λ⁻¹·r_xy, ε_j = Σ_k Λ_jk²·β*_k². The weights
 * add up to R² = r_xyᵀ·R⁻¹·r_xy. `rxx` must be positive definite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relativeWeights } from "./weights.ts";
 * // Uncorrelated drivers: each weight is the squared correlation.
 * const w = relativeWeights([[1, 0], [0, 1]], [0.6, 0.3]);
 * assert.ok(Math.abs(w[0] - 0.36) < 1e-15 && Math.abs(w[1] - 0.09) < 1e-15);
 * ```
 */
export function relativeWeights(rxx: number[][], rxy: number[]): number[] {
  const p = rxy.length;
  const { values, vectors } = symmetricEigen(rxx);
  const root = values.map((l) => Math.sqrt(Math.max(l, 0)));
  // Λ = V·diag(√λ)·Vᵀ and Λ⁻¹·r = V·diag(1/√λ)·Vᵀ·r.
  const lambda = Array.from(
    { length: p },
    (_, j) =>
      Array.from({ length: p }, (_, k) => {
        let s = 0;
        for (let m = 0; m < p; m++) s += vectors[j][m] * root[m] * vectors[k][m];
        return s;
      }),
  );
  const vtr = Array.from({ length: p }, (_, m) => {
    let s = 0;
    for (let k = 0; k < p; k++) s += vectors[k][m] * rxy[k];
    return s / root[m];
  });
  const betaStar = Array.from({ length: p }, (_, j) => {
    let s = 0;
    for (let m = 0; m < p; m++) s += vectors[j][m] * vtr[m];
    return s;
  });
  return lambda.map((row) => row.reduce((s, l, k) => s + l * l * betaStar[k] * betaStar[k], 0));
}

/**
 * Shapley-value decomposition of R² (the LMG measure; general dominance):
 * φ_j = Σ_{S ⊆ others} |S|!(p − |S| − 1)!/p! · (R²(S ∪ {j}) − R²(S)), with
 * R²(S) = r_Sᵀ·R_SS⁻¹·r_S from the correlation matrix. All 2^p subsets are
 * visited depth-first, each extending its parent's Cholesky factor by one row,
 * so a subset costs O(|S|²). The values add up to the full model's R².
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shapleyWeights } from "./weights.ts";
 * // Two drivers: φ_1 = (r1² + R² − r2²)/2 with R² = (r1² + r2² − 2·r1·r2·r12)/(1 − r12²).
 * const [r1, r2, r12] = [0.6, 0.4, 0.5];
 * const R2 = (r1 ** 2 + r2 ** 2 - 2 * r1 * r2 * r12) / (1 - r12 ** 2);
 * const phi = shapleyWeights([[1, r12], [r12, 1]], [r1, r2]);
 * assert.ok(Math.abs(phi[0] - (r1 ** 2 + R2 - r2 ** 2) / 2) < 1e-15);
 * assert.ok(Math.abs(phi[0] + phi[1] - R2) < 1e-15);
 * ```
 */
export function shapleyWeights(rxx: number[][], rxy: number[]): number[] {
  const p = rxy.length;
  const v = subsetR2(rxx, rxy);
  // weight[s] = s!(p − s − 1)!/p!
  const weight = Array.from({ length: p }, (_, s) => 1 / (p * binomial(p - 1, s)));
  const size = new Uint8Array(1 << p);
  for (let mask = 1; mask < size.length; mask++) size[mask] = size[mask >> 1] + (mask & 1);
  const phi = new Array<number>(p).fill(0);
  for (let mask = 0; mask < size.length; mask++) {
    for (let j = 0; j < p; j++) {
      const bit = 1 << j;
      if (mask & bit) continue;
      phi[j] += weight[size[mask]] * (v[mask | bit] - v[mask]);
    }
  }
  return phi;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = c * (n - k + i) / i;
  return c;
}

/** R² of every subset of drivers (index = bit mask), by depth-first Cholesky extension. */
function subsetR2(rxx: number[][], rxy: number[]): Float64Array {
  const p = rxy.length;
  const v = new Float64Array(1 << p);
  const l = new Float64Array(p * p); // row k: the Cholesky row of the k-th member of the path
  const u = new Float64Array(p); // u = L⁻¹·r_S (so R²(S) = |u|²)
  const members = new Int32Array(p);
  const visit = (depth: number, mask: number, start: number, r2: number): void => {
    for (let j = start; j < p; j++) {
      let ll = 0, lu = 0;
      const row = depth * p;
      for (let k = 0; k < depth; k++) {
        let s = rxx[members[k]][j];
        for (let m = 0; m < k; m++) s -= l[row + m] * l[k * p + m];
        const lk = s / l[k * p + k];
        l[row + k] = lk;
        ll += lk * lk;
        lu += lk * u[k];
      }
      // rxx is positive definite (checked by the caller), so 1 − ll > 0 up to rounding.
      const d = Math.sqrt(Math.max(1 - ll, Number.EPSILON));
      l[row + depth] = d;
      u[depth] = (rxy[j] - lu) / d;
      members[depth] = j;
      const next = r2 + u[depth] * u[depth];
      v[mask | (1 << j)] = next;
      visit(depth + 1, mask | (1 << j), j + 1, next);
    }
  };
  visit(0, 0, 0, 0);
  return v;
}
