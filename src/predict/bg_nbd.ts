/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way"): while active a customer buys at rate λ ~ Gamma(r, α); after
 * each purchase they drop out with probability p ~ Beta(a, b).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { checkOptions, optionNames } from "../options.ts";
import { hyp2f1, logGamma } from "../stats/special.ts";
import { checkIdentifiable, readTriples, type SummaryColumns, uniqueRows } from "./data.ts";
import { fitMaximumLikelihood } from "./fit.ts";
import { type TransactionFormulas, type TransactionModel, transactionModel } from "./model.ts";

/** BG/NBD parameters. */
export type BgNbdParam = "r" | "alpha" | "a" | "b";

const NAMES: readonly BgNbdParam[] = ["r", "alpha", "a", "b"];
const OPTIONS = optionNames<SummaryColumns>()(["frequency", "recency", "T"]);

/** Log-likelihood of the BG/NBD model summed over unique rows with weights (FHL 2005, eq. 6). */
export function bgNbdLogLik(
  [r, alpha, a, b]: number[],
  x: Float64Array,
  tx: Float64Array,
  T: Float64Array,
  w: Float64Array,
): number {
  const cache = new Map<number, number>();
  const head = (xi: number) => {
    let v = cache.get(xi);
    if (v === undefined) {
      v = logGamma(r + xi) - logGamma(r) + r * Math.log(alpha) + logGamma(a + b) +
        logGamma(b + xi) - logGamma(b) - logGamma(a + b + xi);
      cache.set(xi, v);
    }
    return v;
  };
  const la = Math.log(a);
  let total = 0;
  for (let k = 0; k < x.length; k++) {
    const xi = x[k];
    const a3 = -(r + xi) * Math.log(alpha + T[k]);
    let tail = a3;
    if (xi > 0) {
      const a4 = la - Math.log(b + xi - 1) - (r + xi) * Math.log(alpha + tx[k]);
      const hi = Math.max(a3, a4);
      tail = hi + Math.log(Math.exp(a3 - hi) + Math.exp(a4 - hi));
    }
    total += w[k] * (head(xi) + tail);
  }
  return total;
}

/** BG/NBD conditional expectations (FHL 2005, eqs. 10 and 11). */
export const BG_NBD_FORMULAS: TransactionFormulas<BgNbdParam> = {
  expected({ r, alpha, a, b }, x, tx, T, t) {
    const z = t / (alpha + T + t);
    const f = hyp2f1(r + x, b + x, a + b + x - 1, z);
    const num = (a + b + x - 1) / (a - 1) *
      (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * f);
    return num / (1 + odds(r, alpha, a, b, x, tx, T));
  },
  alive({ r, alpha, a, b }, x, tx, T) {
    return 1 / (1 + odds(r, alpha, a, b, x, tx, T));
  },
};

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
  checkOptions("bgNbd", options, OPTIONS);
  const { x, tx, T } = readTriples(summary, options);
  checkIdentifiable("bgNbd", x);
  const u = uniqueRows(x, tx, T);
  const fit = fitMaximumLikelihood(
    "bgNbd",
    NAMES,
    (p) => bgNbdLogLik(p, u.x, u.tx, u.T, u.w),
    [1, Math.max(1e-3, mean(T)), 1, 1],
  );
  return transactionModel("bgNbd", fit, u.n, BG_NBD_FORMULAS);
}

/** Arithmetic mean. */
export function mean(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}
