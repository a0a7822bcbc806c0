/**
 * Predicted survival of new rows from a fitted Cox model, as R's
 * `survfit.coxph` computes it: the baseline cumulative hazard per stratum
 * (Efron-corrected when the fit used Efron's ties, Breslow's otherwise),
 * S = exp(−H), the variance of H with the term for the coefficients'
 * uncertainty (Tsiatis 1981), and a log-transformed interval.
 *
 * @module
 */
import type { CoxData } from "./cox_fit.ts";
import { linearPredictor } from "./cox_fit.ts";

/** The baseline hazard of one stratum at its event times (centred covariates). */
export interface Baseline {
  /** Event times, ascending. */
  time: number[];
  /** Cumulative hazard H₀(t). */
  hazard: number[];
  /** Cumulative Σ dN/R² (the variance of H₀ with β known). */
  variance: number[];
  /** Cumulative Σ x̄·dH₀, row-major (length p per time). */
  xbar: number[][];
  /** Last follow-up time of the stratum (predictions end there). */
  last: number;
}

/** The baseline of every stratum (by code). */
export function baselines(d: CoxData, beta: number[], efron: boolean, strata: number): Baseline[] {
  const { n, p, x, time, event, stratum } = d;
  const eta = linearPredictor(d, beta);
  const out: Baseline[] = Array.from({ length: strata }, () => ({
    time: [],
    hazard: [],
    variance: [],
    xbar: [],
    last: -Infinity,
  }));
  let denom = 0;
  const a = new Float64Array(p);
  for (let i = n - 1; i >= 0;) {
    if (i === n - 1 || stratum[i] !== stratum[i + 1]) {
      denom = 0;
      a.fill(0);
      out[stratum[i]].last = time[i];
    }
    const t = time[i], s = stratum[i];
    let deaths = 0, dDenom = 0;
    const dA = new Float64Array(p);
    for (; i >= 0 && time[i] === t && stratum[i] === s; i--) {
      const r = Math.exp(eta[i]);
      denom += r;
      for (let j = 0; j < p; j++) a[j] += r * x[i * p + j];
      if (event[i]) {
        deaths++;
        dDenom += r;
        for (let j = 0; j < p; j++) dA[j] += r * x[i * p + j];
      }
    }
    if (deaths) out[s].time.push(t), pushStep(out[s], denom, a, deaths, dDenom, dA, efron);
  }
  for (const b of out) accumulate(b);
  return out;
}

/** One event time's increments (stored reversed; {@link accumulate} sums them up). */
function pushStep(
  b: Baseline,
  denom: number,
  a: Float64Array,
  deaths: number,
  dDenom: number,
  dA: Float64Array,
  efron: boolean,
): void {
  const steps = efron ? deaths : 1, each = efron ? 1 : deaths;
  let h = 0, v = 0;
  const xb = new Array<number>(a.length).fill(0);
  for (let k = 0; k < steps; k++) {
    const f = k / deaths, den = denom - f * dDenom;
    h += each / den;
    v += each / (den * den);
    for (let j = 0; j < a.length; j++) xb[j] += each * (a[j] - f * dA[j]) / (den * den);
  }
  b.hazard.push(h);
  b.variance.push(v);
  b.xbar.push(xb);
}

function accumulate(b: Baseline): void {
  b.time.reverse(), b.hazard.reverse(), b.variance.reverse(), b.xbar.reverse();
  for (let k = 1; k < b.time.length; k++) {
    b.hazard[k] += b.hazard[k - 1];
    b.variance[k] += b.variance[k - 1];
    b.xbar[k] = b.xbar[k].map((v, j) => v + b.xbar[k - 1][j]);
  }
}

/** One predicted point: survival, its standard error and interval. */
export interface SurvivalPoint {
  survival: number | null;
  survival_low: number | null;
  survival_high: number | null;
  std_err: number | null;
}

/**
 * Survival of a row with centred design `z` at time `t`: H = H₀(t)·e^{zβ},
 * var H = e^{2zβ}·(Σ dN/R² + qᵀVq) with q = Σ x̄ dH₀ − H₀·z; interval
 * S·exp(∓z·se(H)), capped at 1 (R's `conf.type = "log"`); `std_err` is
 * S·se(H), as R's `summary.survfit` gives it. After the stratum's last
 * follow-up time there is no estimate (nulls), as R's summary leaves it out.
 */
export function survivalAt(
  b: Baseline,
  z: number[],
  beta: number[],
  variance: number[][],
  t: number,
  zCrit: number,
): SurvivalPoint {
  if (!(t <= b.last)) {
    return { survival: null, survival_low: null, survival_high: null, std_err: null };
  }
  let k = -1;
  for (let lo = 0, hi = b.time.length - 1; lo <= hi;) {
    const mid = (lo + hi) >> 1;
    if (b.time[mid] <= t) k = mid, lo = mid + 1;
    else hi = mid - 1;
  }
  if (k < 0) return { survival: 1, survival_low: 1, survival_high: 1, std_err: 0 };
  const risk = Math.exp(z.reduce((s, v, j) => s + v * beta[j], 0));
  const h0 = b.hazard[k];
  const q = b.xbar[k].map((v, j) => v - h0 * z[j]);
  let qvq = 0;
  for (let i = 0; i < q.length; i++) {
    for (let j = 0; j < q.length; j++) qvq += q[i] * variance[i][j] * q[j];
  }
  const se = risk * Math.sqrt(b.variance[k] + qvq);
  const s = Math.exp(-h0 * risk);
  return {
    survival: s,
    survival_low: s * Math.exp(-zCrit * se),
    survival_high: Math.min(1, s * Math.exp(zCrit * se)),
    std_err: s * se,
  };
}
