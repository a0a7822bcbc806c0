/**
 * Small dense linear algebra for correlation matrices (a few dozen rows at
 * most): the symmetric eigen-decomposition comes from ml-matrix (its JAMA
 * port: Householder tridiagonalisation and the implicit QL algorithm, both
 * from EISPACK's tred2/tql2), Cholesky factors and triangular solves are the
 * textbook loops (Golub & Van Loan, Matrix Computations, §4.2), short enough
 * to read here.
 *
 * Matrices are arrays of rows (`number[][]`).
 *
 * @module
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/** Eigenvalues (ascending) and the matching unit eigenvectors (columns of `vectors`). */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: number[];
  /** `vectors[i][k]` is component i of the eigenvector for `values[k]`. */
  vectors: number[][];
}

/**
 * Eigen-decomposition A = V·diag(λ)·Vᵀ of a symmetric matrix (ml-matrix,
 * EISPACK tred2 + tql2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { symmetricEigen } from "./linalg.ts";
 * const { values, vectors } = symmetricEigen([[2, 1], [1, 2]]);
 * assert.ok(Math.abs(values[0] - 1) < 1e-15 && Math.abs(values[1] - 3) < 1e-15);
 * assert.ok(Math.abs(Math.abs(vectors[0][1]) - Math.SQRT1_2) < 1e-15);
 * ```
 */
export function symmetricEigen(a: number[][]): SymmetricEigen {
  const e = new EigenvalueDecomposition(new Matrix(a), { assumeSymmetric: true });
  return { values: [...e.realEigenvalues], vectors: e.eigenvectorMatrix.to2DArray() };
}

/**
 * Cholesky factor L (lower triangular, A = L·Lᵀ) of a symmetric positive
 * definite matrix, or, when a pivot is not positive (relative to the diagonal
 * by `tolerance`), the index of the first column that depends linearly on the
 * columns before it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cholesky } from "./linalg.ts";
 * const f = cholesky([[4, 2], [2, 5]]);
 * assert.deepEqual(f, { ok: true, l: [[2, 0], [1, 2]] });
 * assert.deepEqual(cholesky([[1, 1], [1, 1]]), { ok: false, column: 1 });
 * ```
 */
export function cholesky(
  a: number[][],
  tolerance = 1e-10,
): { ok: true; l: number[][] } | { ok: false; column: number } {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = a[j][j];
    for (let k = 0; k < j; k++) d -= l[j][k] * l[j][k];
    if (!(d > tolerance * a[j][j])) return { ok: false, column: j };
    const ljj = Math.sqrt(d);
    l[j][j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = s / ljj;
    }
  }
  return { ok: true, l };
}

/**
 * Solves A·x = b given the Cholesky factor L of A (forward, then back
 * substitution).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { choleskySolve } from "./linalg.ts";
 * // A = [[4, 2], [2, 5]] = L·Lᵀ with L = [[2, 0], [1, 2]]; A·[1, 1] = [6, 7].
 * assert.deepEqual(choleskySolve([[2, 0], [1, 2]], [6, 7]), [1, 1]);
 * ```
 */
export function choleskySolve(l: number[][], b: number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}
