/**
 * The maximum-likelihood step the customer-base models share: minimise the
 * negative log-likelihood over log-parameters (so every parameter stays
 * positive) with BFGS ({@link minimize}), take the observed information
 * (numeric Hessian) at the maximum, and describe the fit as a tidy table.
 *
 * Standard errors: the inverse observed information on the log scale,
 * mapped to each parameter by the delta method (`std_err = θ̂ · se(ln θ̂)`,
 * exact at the maximum). Intervals are Wald intervals on the log scale,
 * `exp(ln θ̂ ± z · se(ln θ̂))`, so they stay positive.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { inverse, Matrix } from "ml-matrix";
import { CxDataError } from "../errors.ts";
import { checkConfidence, zFor } from "../stats/distributions.ts";
import { cholesky } from "../stats/linalg.ts";
import { hessian, minimize } from "../stats/optimize.ts";

/** A fitted model's parameters, their log-scale covariance and the fit's log-likelihood. */
export interface Fit<P extends string> {
  /** Maximum-likelihood estimates. */
  params: Record<P, number>;
  /** Log-likelihood at the estimates (all customers). */
  logLik: number;
  /** Parameter names, in order. */
  names: readonly P[];
  /** Covariance of the log-parameters (inverse observed information). */
  logCovariance: number[][];
  /** BFGS iterations. */
  iterations: number;
}

// Parameters beyond e^±25 are taken as running off to 0 or ∞: the data cannot identify them.
const BOUND = 25;

/** Columns of a model's `table()`. */
export const PARAM_COLUMNS = [
  "param",
  "estimate",
  "std_err",
  "estimate_low",
  "estimate_high",
] as const;

/**
 * Fits by maximum likelihood; `logLik(params)` is the total log-likelihood,
 * `logLikGradient(params)` (optional) its gradient in the parameters.
 */
export function fitMaximumLikelihood<P extends string>(
  model: string,
  names: readonly P[],
  logLik: (params: number[]) => number,
  start: number[],
  logLikGradient?: (params: number[]) => number[],
): Fit<P> {
  // d(−LL)/d ln θ = −θ · dLL/dθ
  const grad = logLikGradient &&
    ((lp: number[]) => {
      const p = lp.map(Math.exp);
      return logLikGradient(p).map((v, i) => -p[i] * v);
    });
  const f = (lp: number[]) => {
    if (lp.some((v) => !(Math.abs(v) <= BOUND))) return Infinity; // NaN too
    let v: number;
    try {
      v = -logLik(lp.map(Math.exp));
    } catch (e) {
      // A formula outside its domain (e.g. a series that cannot converge there) rules the
      // point out, as a non-finite likelihood does; the search steps back.
      if (e instanceof CxDataError) return Infinity;
      throw e;
    }
    return Number.isFinite(v) ? v : Infinity;
  };
  const m = minimize(f, start.map(Math.log), { grad });
  // BFGS aims at a relative gradient of 1e-8; numeric gradients of small
  // likelihoods stall a little above that, so 1e-6 is accepted.
  if (!(m.gradient <= 1e-6 * Math.max(1, Math.abs(m.value))) || !Number.isFinite(m.value)) {
    const drifting = names.filter((_, i) => Math.abs(m.x[i]) > 9);
    if (drifting.length) {
      throw notIdentified(
        model,
        `${drifting.join(", ")} run${drifting.length === 1 ? "s" : ""} off toward 0 or ∞ (${
          drifting.map((p) => `${p} = ${Math.exp(m.x[names.indexOf(p)]).toPrecision(3)}`).join(", ")
        }): the data cannot identify ${
          drifting.length === 1 ? "it" : "them"
        } (too few customers, too little variation between them, or, for a transaction model, no sign of customers dropping out)`,
      );
    }
    throw notIdentified(
      model,
      `the maximum-likelihood search did not converge (largest gradient ${
        m.gradient.toPrecision(3)
      } after ${m.iterations} iterations)`,
    );
  }
  const info = hessian(f, m.x, grad);
  let cov: number[][];
  try {
    cov = inverse(new Matrix(info)).to2DArray();
  } catch {
    cov = [];
  }
  const bad = names.filter((_, i) => !(cov[i]?.[i] > 0) || Math.abs(m.x[i]) > BOUND - 1);
  if (bad.length) {
    throw notIdentified(
      model,
      `the likelihood is flat in ${
        bad.join(", ")
      } (the data cannot pin them down: too few customers or repeat purchases, or too short an observation)`,
    );
  }
  const params = Object.fromEntries(names.map((p, i) => [p, Math.exp(m.x[i])])) as Record<
    P,
    number
  >;
  return { params, logLik: -m.value, names, logCovariance: cov, iterations: m.iterations };
}

function notIdentified(model: string, why: string): CxDataError {
  return new CxDataError(
    [{ row: null, column: null, value: null, reason: why }],
    1,
    `${model} cannot be fitted`,
  );
}

/** The tidy parameter table: param, estimate, std_err, estimate_low, estimate_high. */
export function paramTable<P extends string>(fit: Fit<P>, confidence = 0.95): ColumnTable {
  checkConfidence(confidence);
  const z = zFor(confidence);
  const se = fit.names.map((_, i) => Math.sqrt(fit.logCovariance[i][i]));
  const est = fit.names.map((p) => fit.params[p]);
  return aq.table({
    param: [...fit.names],
    estimate: est,
    std_err: est.map((e, i) => e * se[i]),
    estimate_low: est.map((e, i) => e * Math.exp(-z * se[i])),
    estimate_high: est.map((e, i) => e * Math.exp(z * se[i])),
  });
}

/**
 * Draws parameter sets from the normal approximation of the log-parameters
 * (mean ln θ̂, covariance the inverse observed information): the seeded
 * parametric bootstrap behind customerValue's intervals.
 */
export function drawParams<P extends string>(
  fit: Fit<P>,
  draws: number,
  random: () => number,
): Record<P, number>[] {
  const n = fit.names.length;
  const chol = cholesky(fit.logCovariance, 0);
  const l = chol.ok
    ? chol.l
    : fit.logCovariance.map((row, i) => row.map((_, j) => i === j ? Math.sqrt(row[i]) : 0));
  const mean = fit.names.map((p) => Math.log(fit.params[p]));
  const out: Record<P, number>[] = [];
  for (let d = 0; d < draws; d++) {
    const z = Array.from({ length: n }, () => normal(random));
    out.push(Object.fromEntries(fit.names.map((p, i) => {
      let v = mean[i];
      for (let j = 0; j <= i; j++) v += l[i][j] * z[j];
      return [p, Math.exp(v)];
    })) as Record<P, number>);
  }
  return out;
}

// Box–Muller: one standard normal from two uniforms.
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
