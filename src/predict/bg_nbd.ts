/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way"): while active a customer buys at rate λ ~ Gamma(r, α); after
 * each purchase they drop out with probability p ~ Beta(a, b).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { digamma, hyp2f1, logGamma } from "../stats/special.ts";
import { distinct, type SummaryColumns, type Unique } from "./data.ts";
import { fitTransactionModel, type TransactionFormulas, type TransactionModel } from "./model.ts";

/** BG/NBD parameters. */
export type BgNbdParam = "r" | "alpha" | "a" | "b";

const NAMES: readonly BgNbdParam[] = ["r", "alpha", "a", "b"];

/**
 * The BG/NBD log-likelihood (FHL 2005, eq. 6) summed over unique rows with
 * weights, as a function of the parameters. The terms that depend on x
 * alone, and ln(α + T), ln(α + tₓ), are computed once per distinct value.
 */
export function bgNbdLogLik(u: Unique): (params: number[]) => number {
  const xs = distinct(u.x), ts = distinct(u.T), rs = distinct(u.tx);
  const head = new Float64Array(xs.values.length), drop = new Float64Array(xs.values.length);
  const logT = new Float64Array(ts.values.length), logTx = new Float64Array(rs.values.length);
  return ([r, alpha, a, b]) => {
    const common = -logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b);
    const la = Math.log(a);
    xs.values.forEach((xi, j) => {
      head[j] = common + logGamma(r + xi) + logGamma(b + xi) - logGamma(a + b + xi);
      drop[j] = xi > 0 ? la - Math.log(b + xi - 1) : -Infinity;
    });
    ts.values.forEach((t, j) => logT[j] = Math.log(alpha + t));
    rs.values.forEach((t, j) => logTx[j] = Math.log(alpha + t));
    let total = 0;
    for (let k = 0; k < u.x.length; k++) {
      const xi = u.x[k];
      const a3 = -(r + xi) * logT[ts.at[k]];
      let tail = a3;
      if (xi > 0) {
        const a4 = drop[xs.at[k]] - (r + xi) * logTx[rs.at[k]];
        tail = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
      }
      total += u.w[k] * (head[xs.at[k]] + tail);
    }
    return total;
  };
}

/** The gradient of {@link bgNbdLogLik} in (r, α, a, b). */
export function bgNbdGradient(u: Unique): (params: number[]) => number[] {
  const xs = distinct(u.x), ts = distinct(u.T), rs = distinct(u.tx);
  const m = xs.values.length;
  const cR = new Float64Array(m), cA = new Float64Array(m), cB = new Float64Array(m);
  const drop = new Float64Array(m);
  const logT = new Float64Array(ts.values.length), logTx = new Float64Array(rs.values.length);
  return ([r, alpha, a, b]) => {
    const la = Math.log(a), dab = digamma(a + b);
    xs.values.forEach((xi, j) => {
      const dabx = digamma(a + b + xi);
      cR[j] = digamma(r + xi) - digamma(r) + Math.log(alpha);
      cA[j] = dab - dabx;
      cB[j] = dab + digamma(b + xi) - digamma(b) - dabx;
      drop[j] = xi > 0 ? la - Math.log(b + xi - 1) : -Infinity;
    });
    ts.values.forEach((t, j) => logT[j] = Math.log(alpha + t));
    rs.values.forEach((t, j) => logTx[j] = Math.log(alpha + t));
    let gr = 0, gAlpha = 0, ga = 0, gb = 0;
    for (let k = 0; k < u.x.length; k++) {
      const xi = u.x[k], j = xs.at[k], w = u.w[k];
      const lT = logT[ts.at[k]], lTx = logTx[rs.at[k]];
      // Share of the "still active at T" term: w4 = e^A4 / (e^A3 + e^A4).
      const w4 = xi > 0 ? 1 / (1 + Math.exp(-(r + xi) * (lT - lTx) - drop[j])) : 0;
      const w3 = 1 - w4;
      gr += w * (cR[j] - w3 * lT - w4 * lTx);
      gAlpha += w * (r / alpha -
        (r + xi) * (w3 / (alpha + u.T[k]) + w4 / (alpha + u.tx[k])));
      ga += w * (cA[j] + w4 / a);
      gb += w * (cB[j] - (xi > 0 ? w4 / (b + xi - 1) : 0));
    }
    return [gr, gAlpha, ga, gb];
  };
}

/** BG/NBD conditional expectations (FHL 2005, eqs. 10 and 11). */
export const BG_NBD_FORMULAS: TransactionFormulas<BgNbdParam> = {
  expected(params, x, tx, T, t) {
    return bgNbdExpected(params, x, tx, T, [t])[0];
  },
  expectedAt: bgNbdExpected,
  alive({ r, alpha, a, b }, x, tx, T) {
    return 1 / (1 + odds(r, alpha, a, b, x, tx, T));
  },
};

function bgNbdExpected(
  { r, alpha, a, b }: Record<BgNbdParam, number>,
  x: number,
  tx: number,
  T: number,
  times: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(times.length);
  const scale = (a + b + x - 1) / (a - 1);
  const alive = 1 + odds(r, alpha, a, b, x, tx, T);
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    const f = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
    out[k] = scale * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * f) / alive;
  }
  return out;
}

// The odds of having dropped out: a / (b + x − 1) · ((α + T) / (α + tₓ))^(r + x), 0 without repeats.
function odds(r: number, alpha: number, a: number, b: number, x: number, tx: number, T: number) {
  return x > 0 ? a / (b + x - 1) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0;
}

/**
 * Fits the BG/NBD model by maximum likelihood to a customer summary (one
 * row per customer: repeat purchases `frequency`, `recency`, age `T`, as
 * {@link customerSummary} writes them), on its unique rows with weights.
 * Returns the model: `params` `{ r, alpha, a, b }`, `logLik`, `table()`
 * (std_err from the observed information, log-scale Wald intervals) and
 * `predict(summary, { horizon })` adding `expected_purchases` and
 * `p_alive`. Data with no repeat purchase, or a likelihood that does not
 * converge or is flat in a parameter, is a `CxDataError` saying so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { bgNbd } from "./bg_nbd.ts";
 * const summary = aq.table({
 *   frequency: [0, 1, 2, 0, 4, 1, 0, 3, 6, 0, 2, 1],
 *   recency: [0, 10, 20, 0, 30, 5, 0, 25, 35, 0, 8, 30],
 *   T: [40, 40, 38, 36, 39, 30, 20, 35, 38, 38, 30, 32],
 * });
 * const model = bgNbd(summary);
 * assert.deepEqual(Object.keys(model.params), ["r", "alpha", "a", "b"]);
 * const p = model.predict(summary, { horizon: 10 });
 * assert.ok(p.array("p_alive").every((v) => v > 0 && v <= 1));
 * ```
 */
export function bgNbd(
  summary: ColumnTable,
  options: SummaryColumns = {},
): TransactionModel<BgNbdParam> {
  return fitTransactionModel(
    {
      model: "bgNbd",
      names: NAMES,
      logLik: bgNbdLogLik,
      gradient: bgNbdGradient,
      start: (meanT) => [1, meanT, 1, 1],
      formulas: BG_NBD_FORMULAS,
    },
    summary,
    options,
  );
}
