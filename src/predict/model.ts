/**
 * What the transaction models (BG/NBD, Pareto/NBD) share: the model object
 * the analyst holds, and its `predict` table.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { checkOptions, optionNames } from "../options.ts";
import { type Fit, fitMaximumLikelihood, PARAM_COLUMNS, paramTable } from "./fit.ts";
import {
  checkIdentifiable,
  readTriples,
  type SummaryColumns,
  type Unique,
  uniqueRows,
} from "./data.ts";

export { PARAM_COLUMNS };

/** Options of a transaction model's `predict`. */
export interface PredictOptions extends SummaryColumns {
  /** Length of the prediction window, in the summary's time unit (e.g. 39 weeks). */
  horizon: number;
}

/** Options of a model's `table()`. */
export interface TableOptions {
  /** Confidence level of `estimate_low/high` (default 0.95). */
  confidence?: number;
}

/** Per-customer quantities of a transaction model for one parameter set. */
export interface TransactionFormulas<P extends string> {
  /** Expected repeat purchases in (T, T + t], given x, tx, T. */
  expected(params: Record<P, number>, x: number, tx: number, T: number, t: number): number;
  /** {@link expected} at each t of `times`, sharing what does not depend on t. */
  expectedAt(
    params: Record<P, number>,
    x: number,
    tx: number,
    T: number,
    times: ArrayLike<number>,
  ): Float64Array;
  /** Probability the customer is still active at T. */
  alive(params: Record<P, number>, x: number, tx: number, T: number): number;
}

/** A fitted BG/NBD or Pareto/NBD model. */
export interface TransactionModel<P extends string = string> {
  /** `"bgNbd"` or `"paretoNbd"`. */
  model: "bgNbd" | "paretoNbd";
  /** Maximum-likelihood estimates. */
  params: Record<P, number>;
  /** Log-likelihood at the estimates. */
  logLik: number;
  /** Customers the model was fitted on. */
  n: number;
  /** The fit (log-scale covariance, iterations), for customerValue's intervals. */
  fit: Fit<P>;
  /** The formulas, for any parameter set. */
  formulas: TransactionFormulas<P>;
  /** Tidy parameters: param, estimate, std_err (observed information), estimate_low, estimate_high. */
  table(options?: TableOptions): ColumnTable;
  /**
   * The summary with `expected_purchases` (expected repeat purchases in the
   * next `horizon` time units) and `p_alive` (probability the customer is
   * still active at the end of observation) added.
   */
  predict(summary: ColumnTable, options: PredictOptions): ColumnTable;
}

const PREDICT_OPTIONS = optionNames<PredictOptions>()(["horizon", "frequency", "recency", "T"]);

/** Checks a horizon: a finite number > 0. */
export function checkHorizon(horizon: unknown): asserts horizon is number {
  if (typeof horizon !== "number" || !Number.isFinite(horizon) || horizon <= 0) {
    throw new CxOptionsError(
      `Option "horizon" must be a number of time units > 0 (in the summary's unit, e.g. 39 for 39 weeks), got ${
        JSON.stringify(horizon)
      }.`,
    );
  }
}

/** Builds the model object from its fit and formulas. */
export function transactionModel<P extends string>(
  model: "bgNbd" | "paretoNbd",
  fit: Fit<P>,
  n: number,
  formulas: TransactionFormulas<P>,
): TransactionModel<P> {
  return {
    model,
    params: fit.params,
    logLik: fit.logLik,
    n,
    fit,
    formulas,
    table: (options: TableOptions = {}) => paramTable(fit, options.confidence),
    predict(summary: ColumnTable, options: PredictOptions) {
      checkOptions(`${model}().predict`, options, PREDICT_OPTIONS);
      checkHorizon(options.horizon);
      const { x, tx, T } = readTriples(summary, options);
      const u = uniqueRows(x, tx, T);
      const e = Array.from(
        u.x,
        (_, k) => formulas.expected(fit.params, u.x[k], u.tx[k], u.T[k], options.horizon),
      );
      const a = Array.from(u.x, (_, k) => formulas.alive(fit.params, u.x[k], u.tx[k], u.T[k]));
      return summary.assign({
        expected_purchases: Array.from(u.index, (k) => e[k]),
        p_alive: Array.from(u.index, (k) => a[k]),
      });
    },
  };
}

const SUMMARY_OPTIONS = optionNames<SummaryColumns>()(["frequency", "recency", "T"]);

/** What a transaction model brings to {@link fitTransactionModel}. */
export interface TransactionSpec<P extends string> {
  /** `"bgNbd"` or `"paretoNbd"`. */
  model: "bgNbd" | "paretoNbd";
  /** Parameter names, in order. */
  names: readonly P[];
  /** The log-likelihood over the unique rows, as a function of the parameters. */
  logLik(u: Unique): (params: number[]) => number;
  /** Its gradient, when known. */
  gradient?(u: Unique): (params: number[]) => number[];
  /** Starting values, given the mean age T. */
  start(meanT: number): number[];
  /** The conditional expectations. */
  formulas: TransactionFormulas<P>;
}

/** Checks the options and the summary, collapses it to unique rows and fits the model. */
export function fitTransactionModel<P extends string>(
  spec: TransactionSpec<P>,
  summary: ColumnTable,
  options: SummaryColumns,
): TransactionModel<P> {
  checkOptions(spec.model, options, SUMMARY_OPTIONS);
  const { x, tx, T } = readTriples(summary, options);
  checkIdentifiable(spec.model, x);
  const u = uniqueRows(x, tx, T);
  const meanT = T.reduce((s, v) => s + v, 0) / T.length;
  const fit = fitMaximumLikelihood(
    spec.model,
    spec.names,
    spec.logLik(u),
    spec.start(Math.max(1e-3, meanT)),
    spec.gradient?.(u),
  );
  return transactionModel(spec.model, fit, u.n, spec.formulas);
}
