/**
 * Checks of a fitted Cox model: Harrell's concordance (as R's `coxph`
 * reports it) and the proportional-hazards score test of R's `cox.zph`
 * (survival ≥ 3.0, `transform = "km"`).
 *
 * @module
 */
import { chiSquareUpper } from "../analysis/survival/logrank.ts";
import { cholesky, choleskySolve } from "../stats/linalg.ts";
import { type CoxData, coxPass, linearPredictor } from "./cox_fit.ts";
import { argsort } from "./cox_design.ts";

/**
 * Concordance of the linear predictor with the outcome, as R's `coxph`
 * (`concordancefit`, reverse): over pairs in one stratum where the shorter
 * time is an event and the other row is still at risk then (a longer time,
 * or censored at the same time), concordant when the event row has the
 * higher risk; ties in risk count one half; pairs with both events at one
 * time are not comparable. O(n log n) with a Fenwick tree over risk ranks.
 */
export function concordance(d: CoxData, beta: number[]): number {
  const eta = linearPredictor(d, beta);
  const order = argsort(eta), ranks = new Int32Array(d.n);
  for (let r = 0, rank = 0; r < d.n; r++) {
    if (r === 0 || eta[order[r]] !== eta[order[r - 1]]) rank++;
    ranks[order[r]] = rank;
  }
  const tree = new Fenwick(d.n);
  let agree = 0, disagree = 0, tied = 0, inTree = 0, start = d.n - 1;
  for (let i = d.n - 1; i >= 0;) {
    const t = d.time[i], s = d.stratum[i];
    let j = i;
    while (j >= 0 && d.time[j] === t && d.stratum[j] === s) j--;
    for (let k = i; k > j; k--) {
      if (!d.event[k]) tree.add(ranks[k], 1), inTree++;
    }
    for (let k = i; k > j; k--) {
      if (!d.event[k]) continue;
      const lower = tree.sum(ranks[k] - 1), same = tree.sum(ranks[k]) - lower;
      agree += lower;
      tied += same;
      disagree += inTree - lower - same;
    }
    for (let k = i; k > j; k--) {
      if (d.event[k]) tree.add(ranks[k], 1), inTree++;
    }
    i = j;
    if (i < 0 || d.stratum[i] !== s) {
      for (let k = start; k > i; k--) tree.add(ranks[k], -1);
      inTree = 0;
      start = i;
    }
  }
  return (agree + tied / 2) / (agree + disagree + tied);
}

/** A Fenwick (binary indexed) tree of counts over ranks 1 … n. */
class Fenwick {
  readonly tree: Int32Array;
  constructor(readonly n: number) {
    this.tree = new Int32Array(n + 1);
  }
  add(rank: number, v: number): void {
    for (let r = rank; r <= this.n; r += r & -r) this.tree[r] += v;
  }
  /** Count of entries with rank ≤ `rank`. */
  sum(rank: number): number {
    let s = 0;
    for (let r = rank; r > 0; r -= r & -r) s += this.tree[r];
    return s;
  }
}

/** One row of the proportional-hazards test. */
export interface ZphRow {
  term: string;
  statistic: number;
  df: number;
  p_value: number;
}

/**
 * R's `cox.zph(fit, transform = "km")`: the score test, at the fitted β, of
 * adding x·g(t) for each covariate, with g(t) = 1 − KM(t−) (the pooled
 * Kaplan–Meier, left-continuous) centred on its mean over events. One row per
 * covariate (a text covariate's terms together, df = levels − 1), then
 * `GLOBAL` (df = all terms).
 */
export function zphTest(
  d: CoxData,
  beta: number[],
  efron: boolean,
  covariates: string[],
  termCovariate: number[],
): ZphRow[] {
  const p = d.p, g = kmTimes(d);
  const uG = new Float64Array(p), big = new Float64Array(4 * p * p);
  const at = (r: number, c: number) => r * 2 * p + c;
  const pass = coxPass(d, beta, efron, (row, du, di) => {
    const w = g[row];
    for (let j = 0; j < p; j++) {
      uG[j] += w * du[j];
      for (let l = 0; l < p; l++) {
        big[at(j, p + l)] += w * di[j * p + l];
        big[at(p + j, l)] += w * di[j * p + l];
        big[at(p + j, p + l)] += w * w * di[j * p + l];
      }
    }
  });
  for (let j = 0; j < p; j++) for (let l = 0; l < p; l++) big[at(j, l)] = pass.imat[j * p + l];
  const test = (cols: number[]): number => {
    const kk = [...Array(p).keys(), ...cols.map((c) => p + c)];
    const m = kk.map((r) => kk.map((c) => big[at(r, c)]));
    const u = kk.map((r) => (r < p ? 0 : uG[r - p]));
    const f = cholesky(m, 0);
    if (!f.ok) return NaN;
    return choleskySolve(f.l, u).reduce((s, v, k) => s + v * u[k], 0);
  };
  const row = (term: string, cols: number[]): ZphRow => {
    const statistic = test(cols);
    return { term, statistic, df: cols.length, p_value: chiSquareUpper(statistic, cols.length) };
  };
  return [
    ...covariates.map((name, c) =>
      row(name, termCovariate.flatMap((tc, j) => (tc === c ? [j] : [])))
    ),
    row("GLOBAL", [...Array(p).keys()]),
  ];
}

/** g(t) = 1 − KM(t−) per sorted row (pooled over strata), centred on its mean over events. */
function kmTimes(d: CoxData): Float64Array {
  const order = Array.from(d.time.keys()).sort((a, b) => d.time[a] - d.time[b]);
  const g = new Float64Array(d.n);
  let surv = 1, atRisk = d.n;
  for (let k = 0; k < order.length;) {
    const t = d.time[order[k]];
    let deaths = 0, m = k;
    for (; m < order.length && d.time[order[m]] === t; m++) deaths += d.event[order[m]];
    for (let q = k; q < m; q++) g[order[q]] = 1 - surv;
    surv *= 1 - deaths / atRisk;
    atRisk -= m - k;
    k = m;
  }
  let sum = 0, events = 0;
  for (let i = 0; i < d.n; i++) if (d.event[i]) sum += g[i], events++;
  const mean = sum / events;
  for (let i = 0; i < d.n; i++) g[i] -= mean;
  return g;
}
