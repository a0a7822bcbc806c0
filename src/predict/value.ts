/**
 * Customer lifetime value from a transaction model (BG/NBD or Pareto/NBD)
 * and the Gamma-Gamma spend model: expected discounted margin over a
 * horizon, per customer or per segment, with intervals from the parameter
 * uncertainty of both models.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../errors.ts";
import { attachMeta } from "../meta.ts";
import { checkOptions, optionNames } from "../options.ts";
import { checkConfidence } from "../stats/distributions.ts";
import { checkResamples, seededRandom } from "../stats/random.ts";
import { numericColumn, readTriples, type SummaryColumns, uniqueRows } from "./data.ts";
import { drawParams } from "./fit.ts";
import { type GammaGammaParam, spendFor, type SpendModel } from "./gamma_gamma.ts";
import { checkHorizon, type TransactionModel } from "./model.ts";

/** Options of {@link customerValue}. */
export interface CustomerValueOptions extends SummaryColumns {
  /** Length of the horizon in the summary's time unit (e.g. 52 weeks). */
  horizon: number;
  /** Annual discount rate (default 0; e.g. 0.1 for 10 % a year). */
  discountRate?: number;
  /** Share of revenue kept as margin, 0 < margin ≤ 1 (default 1). */
  margin?: number;
  /** The summary's time unit, to discount by the year: `"week"` (default) or `"day"`. */
  unit?: "day" | "week";
  /** Segment columns of the summary: one row per segment with the total value. */
  by?: string | string[];
  /** Mean repeat purchase value column (default `"monetary"`). */
  monetary?: string;
  /** Parameter draws for the intervals (default 200). */
  resamples?: number;
  /** Seed of the draws (default 1). */
  seed?: number;
  /** Confidence level of `clv_low/high` (default 0.95). */
  confidence?: number;
}

const OPTIONS = optionNames<CustomerValueOptions>()([
  "horizon",
  "discountRate",
  "margin",
  "unit",
  "by",
  "monetary",
  "resamples",
  "seed",
  "confidence",
  "frequency",
  "recency",
  "T",
]);

/** Columns {@link customerValue} adds per customer; per segment: `n`, `clv`, `clv_low`, `clv_high`. */
export const CUSTOMER_VALUE_COLUMNS = [
  "expected_purchases",
  "expected_spend",
  "clv",
  "clv_low",
  "clv_high",
] as const;

/**
 * Discounted customer lifetime value: for each customer,
 * `clv = margin · E(spend) · Σₖ (E[N(k)] − E[N(k − 1)]) / (1 + discountRate)^(k · unit / year)`
 * over the time units k = 1 … horizon (purchases expected in each unit,
 * from the transaction model given the customer's history, valued at the
 * Gamma-Gamma expected spend and discounted to today; a year is 365.25
 * days). Returns the summary with `expected_purchases` (over the horizon),
 * `expected_spend`, `clv`, `clv_low`, `clv_high`; with `by`, one row per
 * segment with `n` customers and the segment's total `clv`, `clv_low`,
 * `clv_high`.
 *
 * Intervals: a seeded parametric bootstrap over parameter uncertainty —
 * `resamples` parameter sets of both models are drawn from the normal
 * approximation of their log-parameters (mean the estimates, covariance the
 * inverse observed information) and the percentile interval of the values
 * they give is reported. They say how well the models are pinned down, not
 * how much one customer's value varies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { bgNbd } from "./bg_nbd.ts";
 * import { gammaGamma } from "./gamma_gamma.ts";
 * import { customerValue } from "./value.ts";
 * const summary = aq.table({
 *   frequency: [0, 1, 2, 0, 4, 1, 0, 3, 6, 0, 2, 1],
 *   recency: [0, 10, 20, 0, 30, 5, 0, 25, 35, 0, 8, 30],
 *   T: [40, 40, 38, 36, 39, 30, 20, 35, 38, 38, 30, 32],
 *   monetary: [0, 20, 35, 0, 25, 60, 0, 30, 22, 0, 41, 18],
 * });
 * const v = customerValue(bgNbd(summary), gammaGamma(summary), summary, {
 *   horizon: 52, discountRate: 0.1, resamples: 50,
 * });
 * const [clv, low, high] = ["clv", "clv_low", "clv_high"].map((c) => v.get(c, 4));
 * assert.ok(low <= clv && clv <= high);
 * ```
 */
export function customerValue(
  transactions: TransactionModel,
  spend: SpendModel,
  summary: ColumnTable,
  options: CustomerValueOptions,
): ColumnTable {
  checkOptions("customerValue", options, OPTIONS);
  const o = checkValueOptions(options);
  const { x, tx, T } = readTriples(summary, options);
  const m = numericColumn(summary, options.monetary ?? "monetary", "monetary");
  const u = uniqueRows(x, tx, T);
  const steps = discountSteps(o);
  const value = (tp: Record<string, number>, sp: Record<GammaGammaParam, number>) => {
    if (!(sp.q > 1) && sp === spend.params) throw infiniteSpend(sp.q);
    const flow = Array.from(u.x, (_, k) => discountedPurchases(transactions, tp, u, k, steps));
    return Array.from(x, (xi, i) => o.margin * spendFor(sp, xi, m[i]) * flow[u.index[i]]);
  };
  const point = value(transactions.params, spend.params);
  const random = seededRandom(o.seed);
  const tDraws = drawParams(transactions.fit, o.resamples, random);
  const sDraws = drawParams(spend.fit, o.resamples, random);
  const draws = tDraws.map((tp, d) => value(tp, sDraws[d]));
  const result = o.by.length
    ? bySegment(summary, o.by, point, draws, o.confidence)
    : perCustomer(summary, transactions, spend, options, point, draws, o.confidence);
  return attachMeta(result, {
    kind: "predict",
    analysis: "customerValue",
    options: { ...o, transactionModel: transactions.model, spendModel: spend.model },
    notes: {
      method:
        "seeded parametric bootstrap: parameters of both models drawn from the normal approximation of their log-parameters (inverse observed information); percentile intervals",
      discounting: `per ${o.unit}, at (1 + discountRate)^(k · ${
        o.unit === "week" ? 7 : 1
      } / 365.25)`,
      noRepeatSpend:
        "customers without repeat purchases are valued at the population mean spend p·v / (q − 1)",
    },
  });
}

function checkValueOptions(options: CustomerValueOptions) {
  checkHorizon(options.horizon);
  const { discountRate = 0, margin = 1, unit = "week", resamples = 200, seed = 1 } = options;
  const { confidence = 0.95 } = options;
  if (typeof discountRate !== "number" || !(discountRate >= 0 && discountRate < 10)) {
    throw new CxOptionsError(
      `Option "discountRate" must be an annual rate ≥ 0 (e.g. 0.1), got ${
        JSON.stringify(discountRate)
      }`,
    );
  }
  if (typeof margin !== "number" || !(margin > 0 && margin <= 1)) {
    throw new CxOptionsError(
      `Option "margin" must be a share of revenue, 0 < margin ≤ 1 (e.g. 0.3), got ${
        JSON.stringify(margin)
      }`,
    );
  }
  if (unit !== "day" && unit !== "week") {
    throw new CxOptionsError(`Option "unit" must be "day" or "week", got ${JSON.stringify(unit)}`);
  }
  checkResamples(resamples);
  checkConfidence(confidence);
  if (!Number.isInteger(seed)) {
    throw new CxOptionsError(`Option "seed" must be a whole number, got ${JSON.stringify(seed)}`);
  }
  const by = options.by === undefined ? [] : [options.by].flat();
  return { horizon: options.horizon, discountRate, margin, unit, resamples, seed, confidence, by };
}

type Checked = ReturnType<typeof checkValueOptions>;

// Σₖ (E[N(k)] − E[N(k−1)]) · discount(k) for one unique row; the last step may be a fraction.
function discountedPurchases(
  model: TransactionModel,
  params: Record<string, number>,
  u: ReturnType<typeof uniqueRows>,
  k: number,
  steps: Steps,
): number {
  const expected = model.formulas.expectedAt(params, u.x[k], u.tx[k], u.T[k], steps.times);
  let total = 0, before = 0;
  for (let i = 0; i < expected.length; i++) {
    total += (expected[i] - before) * steps.discount[i];
    before = expected[i];
  }
  return total;
}

interface Steps {
  times: Float64Array;
  discount: Float64Array;
}

// The end of each step, 1, 2, … up to the horizon (the last may be a fraction), and its discount.
function discountSteps(o: Checked): Steps {
  const perUnit = Math.log1p(o.discountRate) * (o.unit === "week" ? 7 : 1) / 365.25;
  const times = Float64Array.from(
    { length: Math.ceil(o.horizon) },
    (_, i) => Math.min(i + 1, o.horizon),
  );
  return { times, discount: times.map((t) => Math.exp(-perUnit * t)) };
}

function infiniteSpend(q: number): CxDataError {
  return new CxDataError(
    [{
      row: null,
      column: "monetary",
      value: String(q),
      reason:
        "the Gamma-Gamma q is ≤ 1, so the mean spend of customers without repeat purchases is infinite; fit on more repeat customers",
    }],
    1,
    "customerValue cannot value customers",
  );
}

// Percentile interval (linear interpolation); a draw with q ≤ 1 values customers without
// repeat purchases at +∞, which then reaches the upper bound as +∞.
function interval(values: number[], confidence: number): [number, number] {
  const sorted = values.sort((a, b) => a - b);
  const at = (p: number) => {
    const h = (sorted.length - 1) * p, lo = Math.floor(h), hi = Math.ceil(h);
    return lo === hi || sorted[hi] === sorted[lo]
      ? sorted[lo]
      : sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  };
  return [at((1 - confidence) / 2), at((1 + confidence) / 2)];
}

function perCustomer(
  summary: ColumnTable,
  transactions: TransactionModel,
  spend: SpendModel,
  options: CustomerValueOptions,
  point: number[],
  draws: number[][],
  confidence: number,
): ColumnTable {
  const withPurchases = transactions.predict(summary, {
    horizon: options.horizon,
    frequency: options.frequency,
    recency: options.recency,
    T: options.T,
  }).select(aq.not("p_alive"));
  const withSpend = spend.expectedSpend(withPurchases, {
    frequency: options.frequency,
    monetary: options.monetary,
  });
  const bounds = point.map((_, i) => interval(draws.map((d) => d[i]), confidence));
  return withSpend.assign({
    clv: point,
    clv_low: bounds.map((b) => b[0]),
    clv_high: bounds.map((b) => b[1]),
  });
}

function bySegment(
  summary: ColumnTable,
  by: string[],
  point: number[],
  draws: number[][],
  confidence: number,
): ColumnTable {
  for (const b of by) {
    if (!summary.columnNames().includes(b)) {
      throw new CxOptionsError(`Option "by": column "${b}" is not in the summary`);
    }
  }
  const cols = by.map((b) => summary.array(b) as ArrayLike<unknown>);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < point.length; i++) {
    const key = JSON.stringify(cols.map((c) => c[i]));
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(i);
  }
  const keys = [...groups.keys()].sort();
  const sum = (v: number[], rows: number[]) => rows.reduce((s, i) => s + v[i], 0);
  const rows = keys.map((key) => {
    const members = groups.get(key)!;
    const [low, high] = interval(draws.map((d) => sum(d, members)), confidence);
    const values = JSON.parse(key) as unknown[];
    return {
      ...Object.fromEntries(by.map((b, j) => [b, values[j]])),
      n: members.length,
      clv: sum(point, members),
      clv_low: low,
      clv_high: high,
    };
  });
  return aq.from(rows);
}
