/**
 * cxkit/predict: customer-base models. `customerSummary` turns purchases
 * into one row per customer (`frequency`, `recency`, `T`, `monetary`, and
 * holdout columns); `bgNbd`, `paretoNbd` (how many purchases, and whether a
 * customer is still active) and `gammaGamma` (how much per purchase) are
 * maximum-likelihood fits on that summary, returning models with `params`,
 * `logLik`, `table()` and `predict(summary, { horizon })` /
 * `expectedSpend(summary)`; `customerValue` combines one of each into a
 * discounted customer lifetime value with intervals. `calibrationChart`
 * (predicted vs actual holdout purchases) and `aliveMatrixChart` (P(alive)
 * over frequency × recency) draw a fitted model.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { bgNbd, customerSummary } from "./predict.ts";
 * const d = (s: string) => new Date(s + "T00:00:00Z");
 * const orders = aq.table({
 *   customer_id: ["a", "a", "b"],
 *   date: [d("2024-01-01"), d("2024-01-15"), d("2024-01-08")],
 *   revenue: [10, 20, 7],
 * });
 * const summary = customerSummary(orders, { observedUntil: d("2024-03-01") });
 * assert.deepEqual(summary.array("frequency"), [1, 0]);
 * assert.equal(typeof bgNbd, "function");
 * ```
 *
 * @module
 */

export { customerSummary } from "../predict/summary.ts";
export type { CustomerSummaryOptions } from "../predict/summary.ts";
export { bgNbd } from "../predict/bg_nbd.ts";
export type { BgNbdParam } from "../predict/bg_nbd.ts";
export { paretoNbd } from "../predict/pareto_nbd.ts";
export type { ParetoNbdParam } from "../predict/pareto_nbd.ts";
export { gammaGamma } from "../predict/gamma_gamma.ts";
export type { GammaGammaParam, SpendColumns, SpendModel } from "../predict/gamma_gamma.ts";
export { customerValue } from "../predict/value.ts";
export type { CustomerValueOptions } from "../predict/value.ts";
export type {
  PredictOptions,
  TableOptions,
  TransactionFormulas,
  TransactionModel,
} from "../predict/model.ts";
export type { SummaryColumns } from "../predict/data.ts";
export type { Fit } from "../predict/fit.ts";
export { coxPh } from "../predict/cox.ts";
export type { CoxModel, CoxOptions, CoxSurvivalOptions } from "../predict/cox.ts";
export type { CoxMeta, PredictMeta } from "../meta.ts";
export { aliveMatrixChart, calibrationChart } from "../charts/predict.ts";
export type { AliveMatrixChartOptions, CalibrationChartOptions } from "../charts/predict.ts";
export type { ChartLang, ChartLocaleOptions } from "../charts/locale.ts";
export type { ChartSpec } from "../charts/render.ts";
