/**
 * The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): while active
 * a customer buys at rate λ ~ Gamma(r, α) and stays active for an
 * exponential time with rate μ ~ Gamma(s, β). Likelihood, P(alive) and
 * conditional expectation as in Fader & Hardie, "A note on deriving the
 * Pareto/NBD model and related expressions" (2005), with the A₀ term in the
 * numerically stable ₂F₁ form the BTYD package and lifetimes use.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { hyp2f1, logGamma } from "../stats/special.ts";
import type { SummaryColumns, Unique } from "./data.ts";
import { fitTransactionModel, type TransactionFormulas, type TransactionModel } from "./model.ts";

/** Pareto/NBD parameters. */
export type ParetoNbdParam = "r" | "alpha" | "s" | "beta";

const NAMES: readonly ParetoNbdParam[] = ["r", "alpha", "s", "beta"];

/** Pareto/NBD parameters as an object. */
type Params = Record<ParetoNbdParam, number>;

/** ln A₀ = ln(₂F₁(…, z₁)/q₁^(r+s+x) − ₂F₁(…, z₂)/q₂^(r+s+x)). */
function logA0({ r, alpha, s, beta }: Params, x: number, tx: number, T: number) {
  const [lo, hi, t] = alpha >= beta ? [beta, alpha, s + 1] : [alpha, beta, r + x];
  const rsx = r + s + x;
  const q1 = hi + tx, q2 = hi + T;
  const f1 = hyp2f1(rsx, t, rsx + 1, (hi - lo) / q1);
  const f2 = hyp2f1(rsx, t, rsx + 1, (hi - lo) / q2);
  const u = Math.log(f1) + rsx * Math.log(q2), v = Math.log(f2) + rsx * Math.log(q1);
  // u ≥ v (tₓ ≤ T); log(e^u − e^v) without overflow.
  return u + Math.log1p(-Math.exp(v - u)) - rsx * Math.log(q1 * q2);
}

/** The log-likelihood of one customer. */
function logLikOne(p: Params, x: number, tx: number, T: number) {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const still = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const gone = Math.log(s) + logA0(p, x, tx, T) - Math.log(rsx);
  const hi = Math.max(still, gone);
  return a1 + hi + Math.log(Math.exp(still - hi) + Math.exp(gone - hi));
}

/** Log-likelihood of the Pareto/NBD model summed over unique rows with weights. */
export function paretoNbdLogLik(u: Unique): (params: number[]) => number {
  return ([r, alpha, s, beta]) => {
    const p = { r, alpha, s, beta };
    let total = 0;
    for (let k = 0; k < u.x.length; k++) total += u.w[k] * logLikOne(p, u.x[k], u.tx[k], u.T[k]);
    return total;
  };
}

function paretoNbdExpected(
  p: Record<ParetoNbdParam, number>,
  x: number,
  tx: number,
  T: number,
  times: ArrayLike<number>,
): Float64Array {
  const { r, alpha, s, beta } = p;
  const ll = logLikOne(p, x, tx, T);
  const first = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + s * Math.log(beta) -
    (r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const second = Math.log(r + x) + Math.log(beta + T) - Math.log(alpha + T);
  const out = new Float64Array(times.length);
  for (let k = 0; k < times.length; k++) {
    const ratio = (beta + T) / (beta + T + times[k]);
    // (1 − ratio^(s−1)) / (s − 1), and its limit −ln(ratio) at s = 1.
    const third = Math.abs(s - 1) < 1e-10
      ? -Math.log(ratio)
      : (1 - Math.pow(ratio, s - 1)) / (s - 1);
    out[k] = Math.exp(first + second - ll) * third;
  }
  return out;
}

/** Pareto/NBD conditional expectations (Fader & Hardie 2005, eqs. 18 and 22). */
export const PARETO_NBD_FORMULAS: TransactionFormulas<ParetoNbdParam> = {
  expected(p, x, tx, T, t) {
    return paretoNbdExpected(p, x, tx, T, [t])[0];
  },
  expectedAt: paretoNbdExpected,
  alive(p, x, tx, T) {
    const { r, alpha, s, beta } = p;
    const a0 = logA0(p, x, tx, T);
    return 1 / (1 + Math.exp(
      Math.log(s) - Math.log(r + s + x) + (r + x) * Math.log(alpha + T) +
        s * Math.log(beta + T) + a0,
    ));
  },
};

/**
 * Fits the Pareto/NBD model by maximum likelihood to a customer summary
 * (`frequency`, `recency`, `T`, as {@link customerSummary} writes them), on
 * its unique rows with weights. Returns the model: `params`
 * `{ r, alpha, s, beta }`, `logLik`, `table()` and
 * `predict(summary, { horizon })` adding `expected_purchases` and `p_alive`
 * (as {@link bgNbd}). Data with no repeat purchase, or a likelihood that
 * does not converge or is flat in a parameter, is a `CxDataError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { paretoNbd } from "./pareto_nbd.ts";
 * const summary = aq.table({
 *   frequency: [0, 1, 2, 0, 4, 1, 0, 3, 6, 0, 2, 1],
 *   recency: [0, 10, 20, 0, 30, 5, 0, 25, 35, 0, 8, 30],
 *   T: [40, 40, 38, 36, 39, 30, 20, 35, 38, 38, 30, 32],
 * });
 * const model = paretoNbd(summary);
 * assert.deepEqual(Object.keys(model.params), ["r", "alpha", "s", "beta"]);
 * const p = model.predict(summary, { horizon: 10 });
 * assert.ok(p.array("expected_purchases").every((v) => v > 0));
 * ```
 */
export function paretoNbd(
  summary: ColumnTable,
  options: SummaryColumns = {},
): TransactionModel<ParetoNbdParam> {
  return fitTransactionModel(
    {
      model: "paretoNbd",
      names: NAMES,
      logLik: paretoNbdLogLik,
      start: (meanT) => [1, meanT, 1, meanT],
      formulas: PARETO_NBD_FORMULAS,
    },
    summary,
    options,
  );
}
