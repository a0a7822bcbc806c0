/**
 * Unconstrained minimisation for small maximum-likelihood problems (a
 * handful of parameters): BFGS with central-difference gradients and an
 * Armijo backtracking line search (Nocedal & Wright, Numerical Optimization,
 * algorithms 6.1 and 3.1), polished by up to three Newton steps on a central-difference
 * Hessian, which is also the observed information the standard errors come
 * from.
 *
 * @module
 */
import { inverse, Matrix } from "ml-matrix";

/** The outcome of {@link minimize}. */
export interface Minimum {
  /** The minimiser. */
  x: number[];
  /** f at the minimiser. */
  value: number;
  /** BFGS iterations used. */
  iterations: number;
  /** Whether the gradient vanished (relative to |f|) before `maxIterations`. */
  converged: boolean;
  /** The largest |∂f/∂xᵢ| at the end. */
  gradient: number;
}

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Most BFGS iterations (default 1000). */
  maxIterations?: number;
  /** Converged when every |∂f/∂xᵢ| ≤ tolerance · max(1, |f|) (default 1e-8). */
  tolerance?: number;
  /** Longest first trial step along any coordinate (default 1; e.g. a factor e on a log scale). */
  maxStep?: number;
  /** The gradient of f, when known (default: central differences). */
  grad?: (x: number[]) => number[];
}

/** Central-difference gradient of f at x (step 1e-6 · max(1, |xᵢ|)). */
export function gradient(f: (x: number[]) => number, x: number[]): number[] {
  return x.map((xi, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(xi));
    const up = [...x], down = [...x];
    up[i] = xi + h;
    down[i] = xi - h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/**
 * Central-difference Hessian of f at x (step 1e-4 · max(1, |xᵢ|)); with
 * `grad`, central differences of the gradient (step 1e-5 · max(1, |xᵢ|)),
 * symmetrised.
 */
export function hessian(
  f: (x: number[]) => number,
  x: number[],
  grad?: (x: number[]) => number[],
): number[][] {
  const n = x.length;
  if (grad) return gradientJacobian(grad, x);
  const h = x.map((xi) => 1e-4 * Math.max(1, Math.abs(xi)));
  const at = (i: number, di: number, j: number, dj: number) => {
    const y = [...x];
    y[i] += di * h[i];
    y[j] += dj * h[j];
    return f(y);
  };
  const f0 = f(x);
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    out[i][i] = (at(i, 1, i, 1) - 2 * f0 + at(i, -1, i, -1)) / (4 * h[i] * h[i]);
    for (let j = 0; j < i; j++) {
      const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) /
        (4 * h[i] * h[j]);
      out[i][j] = out[j][i] = v;
    }
  }
  return out;
}

function gradientJacobian(grad: (x: number[]) => number[], x: number[]): number[][] {
  const cols = x.map((xi, j) => {
    const h = 1e-5 * Math.max(1, Math.abs(xi));
    const up = [...x], down = [...x];
    up[j] = xi + h;
    down[j] = xi - h;
    const gu = grad(up), gd = grad(down);
    return gu.map((v, i) => (v - gd[i]) / (2 * h));
  });
  return x.map((_, i) => x.map((_, j) => (cols[j][i] + cols[i][j]) / 2));
}

/**
 * Minimises f from x0 by BFGS, then up to three Newton steps on the numeric
 * Hessian while they lower f (none once the gradient is below 1e-10 · |f|). Non-finite values of f count as "too far"
 * in the line search.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minimize } from "./optimize.ts";
 * const rosen = ([a, b]: number[]) => (1 - a) ** 2 + 100 * (b - a * a) ** 2;
 * const m = minimize(rosen, [-1.2, 1]);
 * assert.ok(m.converged && Math.abs(m.x[0] - 1) < 1e-5 && Math.abs(m.x[1] - 1) < 1e-5);
 * ```
 */
export function minimize(
  f: (x: number[]) => number,
  x0: number[],
  options: MinimizeOptions = {},
): Minimum {
  const { maxIterations = 1000, tolerance = 1e-8, maxStep = 1 } = options;
  const grad = options.grad ?? ((y: number[]) => gradient(f, y));
  const n = x0.length;
  let x = [...x0], fx = f(x), g = grad(x);
  let hInv = Matrix.eye(n).to2DArray();
  let iterations = 0;
  const small = (gr: number[], fv: number) =>
    Math.max(...gr.map(Math.abs)) <= tolerance * Math.max(1, Math.abs(fv));
  while (iterations < maxIterations && !small(g, fx)) {
    iterations++;
    const d = hInv.map((row) => -row.reduce((s, v, j) => s + v * g[j], 0));
    let slope = d.reduce((s, v, i) => s + v * g[i], 0);
    if (!(slope < 0)) {
      hInv = Matrix.eye(n).to2DArray();
      d.forEach((_, i) => d[i] = -g[i]);
      slope = -g.reduce((s, v) => s + v * v, 0);
    }
    const longest = Math.max(...d.map(Math.abs));
    let step = longest > maxStep ? maxStep / longest : 1, y = x, fy = Infinity;
    for (let k = 0; k < 60; k++, step /= 2) {
      y = x.map((v, i) => v + step * d[i]);
      fy = f(y);
      if (Number.isFinite(fy) && fy <= fx + 1e-4 * step * slope) break;
    }
    if (!(fy < fx)) break;
    const gy = grad(y);
    hInv = bfgsUpdate(hInv, y.map((v, i) => v - x[i]), gy.map((v, i) => v - g[i]));
    x = y, fx = fy, g = gy;
  }
  ({ x, fx, g } = newtonPolish(f, grad, options.grad, x, fx, g));
  return {
    x,
    value: fx,
    iterations,
    converged: small(g, fx),
    gradient: Math.max(...g.map(Math.abs)),
  };
}

function bfgsUpdate(h: number[][], s: number[], y: number[]): number[][] {
  const sy = s.reduce((acc, v, i) => acc + v * y[i], 0);
  if (!(sy > 1e-300)) return h;
  const rho = 1 / sy;
  const n = s.length;
  const hy = h.map((row) => row.reduce((acc, v, j) => acc + v * y[j], 0));
  const yhy = y.reduce((acc, v, i) => acc + v * hy[i], 0);
  const out = h.map((row) => [...row]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
    }
  }
  return out;
}

function newtonPolish(
  f: (x: number[]) => number,
  grad: (x: number[]) => number[],
  exact: ((x: number[]) => number[]) | undefined,
  x: number[],
  fx: number,
  g: number[],
) {
  for (let k = 0; k < 3; k++) {
    if (Math.max(...g.map(Math.abs)) <= 1e-10 * Math.max(1, Math.abs(fx))) break;
    let hInv: number[][];
    try {
      hInv = inverse(new Matrix(hessian(f, x, exact))).to2DArray();
    } catch {
      break;
    }
    const y = x.map((v, i) => v - hInv[i].reduce((s, h, j) => s + h * g[j], 0));
    const fy = f(y);
    if (!(fy <= fx)) break;
    const gy = grad(y);
    x = y, fx = fy, g = gy;
  }
  return { x, fx, g };
}
