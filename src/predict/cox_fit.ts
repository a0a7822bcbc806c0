/**
 * Newton–Raphson on the Cox partial likelihood, as R survival's `coxfit6`
 * does it: rows sorted once by stratum and time, one backward pass per
 * iteration that keeps cumulative sums over the risk set (weight, weighted
 * x, weighted x·xᵀ), so an iteration costs O(n·p²). Tied event times use
 * Efron's or Breslow's approximation; strata have their own risk sets.
 *
 * @module
 */
import { CxDataError } from "../errors.ts";
import { cholesky, choleskySolve } from "../stats/linalg.ts";

/** The model rows, sorted by stratum, then time (ascending). */
export interface CoxData {
  /** Rows. */
  n: number;
  /** Columns of the design (terms). */
  p: number;
  /** Design, row-major (row i at `x[i·p … i·p+p)`), centred on the column means. */
  x: Float64Array;
  /** Column means taken off `x`. */
  means: number[];
  /** Follow-up time. */
  time: Float64Array;
  /** 1 for an event, 0 for censored. */
  event: Uint8Array;
  /** Stratum code (0 without strata). */
  stratum: Int32Array;
}

/** Log partial likelihood, score vector and information matrix at one β. */
export interface CoxPass {
  /** Log partial likelihood. */
  logLik: number;
  /** Score (gradient), length p. */
  u: Float64Array;
  /** Information (minus the Hessian), p×p row-major. */
  imat: Float64Array;
}

/**
 * Called once per event time with that time's score and information
 * increments (both owned by the pass: copy what you keep) and the sorted
 * index of a row at that time.
 */
export type EventVisit = (row: number, du: Float64Array, di: Float64Array) => void;

/** Linear predictor x·β (centred x) of every sorted row. */
export function linearPredictor(d: CoxData, beta: ArrayLike<number>): Float64Array {
  const { n, p, x } = d;
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += x[i * p + j] * beta[j];
    eta[i] = s;
  }
  return eta;
}

/** Running sums over a risk set: weight, weighted x, weighted x·xᵀ (lower triangle). */
class RiskSums {
  denom = 0;
  readonly a: Float64Array;
  readonly c: Float64Array;
  constructor(readonly p: number) {
    this.a = new Float64Array(p);
    this.c = new Float64Array(p * p);
  }
  add(x: Float64Array, off: number, r: number): void {
    const { p, a, c } = this;
    this.denom += r;
    for (let j = 0; j < p; j++) {
      const rx = r * x[off + j];
      a[j] += rx;
      for (let k = 0; k <= j; k++) c[j * p + k] += rx * x[off + k];
    }
  }
  addAll(o: RiskSums): void {
    this.denom += o.denom;
    for (let j = 0; j < this.a.length; j++) this.a[j] += o.a[j];
    for (let j = 0; j < this.c.length; j++) this.c[j] += o.c[j];
  }
  clear(): void {
    this.denom = 0;
    this.a.fill(0);
    this.c.fill(0);
  }
}

/**
 * One backward pass over the sorted rows: log partial likelihood, score and
 * information at `beta` (R's coxfit6 loop; Efron: the d tied events leave
 * the risk set in d equal steps). `visit` sees each event time's increments
 * (the proportional-hazards test weights them by a function of time).
 */
export function coxPass(
  d: CoxData,
  beta: ArrayLike<number>,
  efron: boolean,
  visit?: EventVisit,
): CoxPass {
  const { n, p, x, time, event, stratum } = d;
  const eta = linearPredictor(d, beta);
  const risk = new RiskSums(p), dead = new RiskSums(p);
  const u = new Float64Array(p), imat = new Float64Array(p * p);
  const du = new Float64Array(p), di = new Float64Array(p * p), mean = new Float64Array(p);
  let logLik = 0;
  for (let i = n - 1; i >= 0;) {
    if (i === n - 1 || stratum[i] !== stratum[i + 1]) risk.clear();
    const t = time[i], s = stratum[i];
    let deaths = 0;
    du.fill(0);
    for (; i >= 0 && time[i] === t && stratum[i] === s; i--) {
      const r = Math.exp(eta[i]);
      if (!event[i]) risk.add(x, i * p, r);
      else {
        deaths++;
        logLik += eta[i];
        dead.add(x, i * p, r);
        for (let j = 0; j < p; j++) du[j] += x[i * p + j];
      }
    }
    if (deaths === 0) continue;
    risk.addAll(dead);
    di.fill(0);
    const steps = efron ? deaths : 1, each = efron ? 1 : deaths;
    for (let k = 0; k < steps; k++) {
      const f = k / deaths, den = risk.denom - f * dead.denom;
      logLik -= each * Math.log(den);
      for (let j = 0; j < p; j++) {
        mean[j] = (risk.a[j] - f * dead.a[j]) / den;
        du[j] -= each * mean[j];
      }
      for (let j = 0; j < p; j++) {
        for (let l = 0; l <= j; l++) {
          const cjl = (risk.c[j * p + l] - f * dead.c[j * p + l]) / den;
          di[j * p + l] += each * (cjl - mean[j] * mean[l]);
        }
      }
    }
    for (let j = 0; j < p; j++) for (let l = 0; l < j; l++) di[l * p + j] = di[j * p + l];
    for (let j = 0; j < p; j++) u[j] += du[j];
    for (let j = 0; j < p * p; j++) imat[j] += di[j];
    visit?.(i + 1, du, di);
    dead.clear();
  }
  return { logLik, u, imat };
}

/** A converged fit. */
export interface CoxFit {
  /** Coefficients, in design order. */
  beta: number[];
  /** Inverse information at `beta` (the variance of `beta`). */
  variance: number[][];
  /** Log partial likelihood at β = 0 and at `beta`. */
  logLik: [number, number];
  /** Score test statistic of β = 0 (u₀ᵀ·I₀⁻¹·u₀). */
  score: number;
  /** Newton–Raphson iterations. */
  iterations: number;
}

/** Rows of a p×p row-major matrix. */
export function square(m: Float64Array, p: number): number[][] {
  return Array.from({ length: p }, (_, j) => Array.from(m.subarray(j * p, j * p + p)));
}

/** Inverse of a symmetric positive-definite matrix from its Cholesky factor. */
export function inverse(l: number[][]): number[][] {
  const p = l.length;
  const cols = Array.from({ length: p }, (_, j) => choleskySolve(l, unit(p, j)));
  return cols.map((_, i) => cols.map((c) => c[i]));
}

function unit(p: number, j: number): number[] {
  const e = new Array<number>(p).fill(0);
  e[j] = 1;
  return e;
}

/**
 * Fits β by Newton–Raphson from 0 with R's rules: convergence when the log
 * partial likelihood changes by at most `eps` relative (1e-9) after a full
 * step; a step that lowers it is halved; at most `maxIter` (20) iterations.
 * `terms` names the design columns for the errors: a singular information
 * matrix at the start names the collinear (or constant) term.
 */
export function fitCox(
  d: CoxData,
  efron: boolean,
  terms: readonly string[],
  eps = 1e-9,
  maxIter = 20,
): CoxFit {
  const p = d.p;
  let beta = new Array<number>(p).fill(0);
  let pass = coxPass(d, beta, efron);
  const l0 = factor(pass, terms, beta);
  const step0 = choleskySolve(l0, Array.from(pass.u));
  const score = step0.reduce((s, v, j) => s + v * pass.u[j], 0);
  const logLik0 = pass.logLik;
  let logLik = logLik0, next = beta.map((b, j) => b + step0[j]), halving = false;
  for (let iter = 1; iter <= maxIter; iter++) {
    pass = coxPass(d, next, efron);
    const l = factor(pass, terms, next);
    if (Math.abs(1 - logLik / pass.logLik) <= eps && !halving) {
      const variance = inverse(l);
      checkFinite(next, variance, pass.u, terms, eps);
      return { beta: next, variance, logLik: [logLik0, pass.logLik], score, iterations: iter };
    }
    if (pass.logLik < logLik) {
      halving = true;
      next = next.map((b, j) => (b + beta[j]) / 2);
    } else {
      halving = false;
      logLik = pass.logLik;
      const step = choleskySolve(l, Array.from(pass.u));
      beta = next;
      next = beta.map((b, j) => b + step[j]);
    }
  }
  throw coxError(null, notConverged(maxIter, terms, next));
}

/**
 * R's check for a coefficient that runs off to infinity while the log
 * likelihood has converged (monotone likelihood): the remaining Newton step
 * |V·u| is above `eps` and above √eps·|β|. R warns; cxkit refuses, since
 * such a coefficient and its interval mean nothing.
 */
function checkFinite(
  beta: number[],
  variance: number[][],
  u: Float64Array,
  terms: readonly string[],
  eps: number,
): void {
  const infinite = terms.filter((_, j) => {
    const step = Math.abs(variance[j].reduce((s, v, k) => s + v * u[k], 0));
    return step > eps && step > Math.sqrt(eps) * Math.abs(beta[j]);
  });
  if (!infinite.length) return;
  throw coxError(
    infinite[0],
    `the coefficient of ${
      infinite.map((t) => `"${t}"`).join(", ")
    } grows without bound: the log likelihood converged before it did (a covariate that separates events from non-events); drop or merge that term`,
  );
}

function factor(pass: CoxPass, terms: readonly string[], beta: number[]): number[][] {
  const f = cholesky(square(pass.imat, terms.length), 1e-10);
  if (f.ok) return f.l;
  if (beta.some((b) => b !== 0)) {
    throw coxError(null, notConverged(0, terms, beta));
  }
  const name = terms[f.column];
  const before = terms.slice(0, f.column);
  throw coxError(
    name,
    `covariate term "${name}" is ${
      before.length ? `collinear with ${before.map((t) => `"${t}"`).join(", ")}` : "constant"
    } among the rows at risk (or constant within every stratum), so its coefficient cannot be estimated; drop "${name}" from "covariates" or the term it repeats`,
  );
}

function notConverged(maxIter: number, terms: readonly string[], beta: number[]): string {
  const big = terms.filter((_, j) => Math.abs(beta[j]) > 10).map((t) => `"${t}"`);
  return `the fit did not converge${
    maxIter
      ? ` in ${maxIter} Newton–Raphson iterations`
      : " (the information matrix became singular)"
  }${
    big.length
      ? `; coefficients of ${
        big.join(", ")
      } grow without bound (a covariate separates events from non-events?)`
      : ""
  }; check the covariates for a value that predicts every event, or drop terms`;
}

/** A `CxDataError` of `coxPh` about one column (or none). */
export function coxError(column: string | null, reason: string): CxDataError {
  return new CxDataError([{ row: null, column, value: null, reason }], 1, "coxPh");
}
