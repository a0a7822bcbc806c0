/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV";
 * Fader & Hardie, "The Gamma-Gamma model of monetary value", 2013): a
 * customer's purchase values are Gamma(p, ν) with ν ~ Gamma(q, γ) across
 * customers (here `v` = γ), independent of the purchase process. Fitted on
 * customers with at least one repeat purchase, from their number of repeat
 * purchases x and the mean value m of those purchases.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError } from "../errors.ts";
import { checkOptions, optionNames } from "../options.ts";
import { logGamma } from "../stats/special.ts";
import { numericColumn } from "./data.ts";
import { type Fit, fitMaximumLikelihood, paramTable } from "./fit.ts";
import type { TableOptions } from "./model.ts";

/** Gamma-Gamma parameters. */
export type GammaGammaParam = "p" | "q" | "v";

/** Column names of a customer summary for the spend model. */
export interface SpendColumns {
  /** Repeat purchases (default `"frequency"`). */
  frequency?: string;
  /** Mean value of the repeat purchases (default `"monetary"`). */
  monetary?: string;
}

/** A fitted Gamma-Gamma model. */
export interface SpendModel {
  /** `"gammaGamma"`. */
  model: "gammaGamma";
  /** Maximum-likelihood estimates `{ p, q, v }`. */
  params: Record<GammaGammaParam, number>;
  /** Log-likelihood at the estimates (customers with repeat purchases). */
  logLik: number;
  /** Customers the model was fitted on (those with repeat purchases). */
  n: number;
  /** The fit (log-scale covariance), for customerValue's intervals. */
  fit: Fit<GammaGammaParam>;
  /** Tidy parameters: param, estimate, std_err, estimate_low, estimate_high. */
  table(options?: TableOptions): ColumnTable;
  /**
   * The summary with `expected_spend`: the expected value of a future
   * purchase, E(Z | x, m) = (p(v + x·m)) / (p·x + q − 1); the population
   * mean p·v / (q − 1) for customers without repeat purchases.
   */
  expectedSpend(summary: ColumnTable, options?: SpendColumns): ColumnTable;
}

const NAMES: readonly GammaGammaParam[] = ["p", "q", "v"];
const OPTIONS = optionNames<SpendColumns>()(["frequency", "monetary"]);

/** Expected value of a future purchase for given parameters (x = 0: the population mean). */
export function spendFor({ p, q, v }: Record<GammaGammaParam, number>, x: number, m: number) {
  if (x > 0) return (p * (v + x * m)) / (p * x + q - 1);
  return q > 1 ? (p * v) / (q - 1) : Infinity;
}

/** Gamma-Gamma log-likelihood of customers with x > 0 repeat purchases of mean value m. */
export function gammaGammaLogLik([p, q, v]: number[], x: Float64Array, m: Float64Array): number {
  const cache = new Map<number, number>();
  const lv = Math.log(v), lgq = logGamma(q);
  let total = 0;
  for (let k = 0; k < x.length; k++) {
    const px = p * x[k];
    let head = cache.get(x[k]);
    if (head === undefined) {
      head = logGamma(px + q) - logGamma(px) - lgq + q * lv + px * Math.log(x[k]);
      cache.set(x[k], head);
    }
    total += head + (px - 1) * Math.log(m[k]) - (px + q) * Math.log(x[k] * m[k] + v);
  }
  return total;
}

/**
 * Fits the Gamma-Gamma spend model by maximum likelihood on the customers
 * with at least one repeat purchase (`frequency` > 0) and their mean repeat
 * purchase value (`monetary`, as {@link customerSummary} writes it). The
 * model assumes spend is independent of purchase frequency: check
 * `corr(frequency, monetary)` is small first. Returns `params` `{ p, q, v }`,
 * `logLik`, `table()` and `expectedSpend(summary)`. A repeat customer with
 * monetary ≤ 0, fewer than two repeat customers or no convergence is a
 * `CxDataError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { gammaGamma } from "./gamma_gamma.ts";
 * const summary = aq.table({
 *   frequency: [1, 2, 3, 1, 5, 2, 1, 4, 0, 1, 2, 6],
 *   monetary: [5, 120, 18, 60, 9, 240, 15, 33, 0, 3, 80, 11],
 * });
 * const model = gammaGamma(summary);
 * const s = model.expectedSpend(summary);
 * assert.ok(s.array("expected_spend").every((v) => v > 0));
 * ```
 */
export function gammaGamma(summary: ColumnTable, options: SpendColumns = {}): SpendModel {
  checkOptions("gammaGamma", options, OPTIONS);
  const { x, m } = repeatCustomers(summary, options);
  const mean = m.reduce((s, v) => s + v, 0) / m.length;
  const fit = fitMaximumLikelihood(
    "gammaGamma",
    NAMES,
    (p) => gammaGammaLogLik(p, x, m),
    [1, 2, mean || 1],
  );
  return {
    model: "gammaGamma",
    params: fit.params,
    logLik: fit.logLik,
    n: x.length,
    fit,
    table: (o: TableOptions = {}) => paramTable(fit, o.confidence),
    expectedSpend(table: ColumnTable, o: SpendColumns = {}) {
      checkOptions("gammaGamma().expectedSpend", o, OPTIONS);
      const fx = numericColumn(table, o.frequency ?? "frequency", "frequency");
      const fm = numericColumn(table, o.monetary ?? "monetary", "monetary");
      return table.assign({
        expected_spend: Array.from(fx, (xi, i) => spendFor(fit.params, xi, fm[i])),
      });
    },
  };
}

function repeatCustomers(summary: ColumnTable, options: SpendColumns) {
  const mc = options.monetary ?? "monetary";
  const fx = numericColumn(summary, options.frequency ?? "frequency", "frequency");
  const fm = numericColumn(summary, mc, "monetary");
  const keep = Array.from(fx.keys()).filter((i) => fx[i] > 0);
  const bad = keep.filter((i) => !(fm[i] > 0));
  if (bad.length) {
    throw new CxDataError(
      bad.slice(0, 20).map((i) => ({
        row: i + 1,
        column: mc,
        value: String(fm[i]),
        reason: "a customer with repeat purchases needs a mean repeat purchase value > 0",
      })),
      bad.length,
      "gammaGamma cannot be fitted",
    );
  }
  if (keep.length < 2) {
    throw new CxDataError(
      [{
        row: null,
        column: options.frequency ?? "frequency",
        value: String(keep.length),
        reason: "gammaGamma needs at least two customers with repeat purchases",
      }],
      1,
      "gammaGamma cannot be fitted",
    );
  }
  return {
    x: Float64Array.from(keep, (i) => fx[i]),
    m: Float64Array.from(keep, (i) => fm[i]),
  };
}
