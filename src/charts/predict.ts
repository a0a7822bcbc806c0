/**
 * Charts of the customer-base models (BG/NBD, Pareto/NBD): how well a model
 * fitted on a calibration period predicts the repeat purchases of the
 * holdout, and the probability that a customer is still active over a grid
 * of frequency and recency.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { metaOf } from "../meta.ts";
import { numericColumn, readTriples, type SummaryColumns } from "../predict/data.ts";
import type { TransactionModel } from "../predict/model.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link calibrationChart}. */
export interface CalibrationChartOptions extends ChartLocaleOptions, SummaryColumns {
  /** Holdout repeat purchases column (default `"frequency_holdout"`). */
  frequencyHoldout?: string;
  /** Holdout length column, in the summary's unit (default `"duration_holdout"`). */
  durationHoldout?: string;
  /**
   * Calibration frequencies drawn one by one: 0 … `bins` − 1, and the
   * customers with `bins` or more repeat purchases pooled in a last point
   * "`bins`+" (default `7`, as lifetimes' `n = 7`).
   */
  bins?: number;
  /** Chart title (default "Predicted vs actual purchases in the holdout"). */
  title?: string;
  /** Subtitle (default: customers and the holdout length). */
  subtitle?: string;
  /** Label of the x axis (default "Repeat purchases in calibration"). */
  xLabel?: string;
  /** Label of the y axis (default "Mean repeat purchases in holdout"). */
  yLabel?: string;
}

const CALIBRATION_CHART_OPTIONS = optionNames<CalibrationChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "frequency",
  "recency",
  "T",
  "frequencyHoldout",
  "durationHoldout",
  "bins",
  "title",
  "subtitle",
  "xLabel",
  "yLabel",
]);

/** Options of {@link aliveMatrixChart}. */
export interface AliveMatrixChartOptions extends ChartLocaleOptions {
  /** Age of the customers the matrix is for (time since first purchase, in the model's unit). Required. */
  T: number;
  /** Largest frequency (repeat purchases) on the x axis (default `10`). */
  maxFrequency?: number;
  /** Recency steps from 0 to `T` on the y axis (default `10`). */
  steps?: number;
  /** Chart title (default "Probability a customer is still active"). */
  title?: string;
  /** Subtitle (default: the age T and the model). */
  subtitle?: string;
  /** Label of the x axis (default "Repeat purchases (frequency)"). */
  xLabel?: string;
  /** Label of the y axis (default "Time of last purchase (recency)"). */
  yLabel?: string;
}

const ALIVE_MATRIX_CHART_OPTIONS = optionNames<AliveMatrixChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "T",
  "maxFrequency",
  "steps",
  "title",
  "subtitle",
  "xLabel",
  "yLabel",
]);

const MODEL_NAMES = { bgNbd: "BG/NBD", paretoNbd: "Pareto/NBD" };

/** The charts' own words in each language. */
const WORDS = {
  en: {
    calTitle: "Predicted vs actual purchases in the holdout",
    calNote: (n: string, d: string, unit: string, model: string) =>
      `${n} customers, holdout of ${d} ${unit}; model ${model}`,
    units: { week: "weeks", day: "days", other: "time units" },
    calX: "Repeat purchases in calibration",
    calY: "Mean repeat purchases in holdout",
    actual: "actual",
    predicted: "predicted",
    calTip: (bin: string, n: string, a: string, p: string) =>
      `${bin} repeat purchases (${n} customers): actual ${a}, predicted ${p}`,
    aliveTitle: "Probability a customer is still active",
    aliveNote: (t: string, model: string) => `Customers of age T = ${t}; model ${model}`,
    aliveX: "Repeat purchases (frequency)",
    aliveY: "Time of last purchase (recency)",
    aliveTip: (x: string, tx: string, p: string) =>
      `frequency ${x}, recency ${tx}: P(alive) = ${p}`,
  },
  de: {
    calTitle: "Vorhergesagte und tatsächliche Käufe im Prüfzeitraum",
    calNote: (n: string, d: string, unit: string, model: string) =>
      `${n} Kunden, Prüfzeitraum ${d} ${unit}; Modell ${model}`,
    units: { week: "Wochen", day: "Tage", other: "Zeiteinheiten" },
    calX: "Wiederholungskäufe in der Kalibrierung",
    calY: "Mittlere Wiederholungskäufe im Prüfzeitraum",
    actual: "tatsächlich",
    predicted: "vorhergesagt",
    calTip: (bin: string, n: string, a: string, p: string) =>
      `${bin} Wiederholungskäufe (${n} Kunden): tatsächlich ${a}, vorhergesagt ${p}`,
    aliveTitle: "Wahrscheinlichkeit, dass ein Kunde noch aktiv ist",
    aliveNote: (t: string, model: string) => `Kunden im Alter T = ${t}; Modell ${model}`,
    aliveX: "Wiederholungskäufe (Frequenz)",
    aliveY: "Zeitpunkt des letzten Kaufs (Recency)",
    aliveTip: (x: string, tx: string, p: string) => `Frequenz ${x}, Recency ${tx}: P(aktiv) = ${p}`,
  },
};

/** One point of the calibration chart: customers of one calibration frequency bin. */
export interface CalibrationPoint {
  /** The bin: calibration frequency, the last bin holding `bins` and more. */
  frequency: number;
  /** Label of the bin ("3", or "7+" for the last). */
  label: string;
  /** Customers in the bin. */
  n: number;
  /** Mean repeat purchases in the holdout. */
  actual: number;
  /** Mean of the model's expected purchases over each customer's holdout length. */
  predicted: number;
}

function checkBins(bins: unknown): asserts bins is number {
  if (typeof bins !== "number" || !Number.isInteger(bins) || bins < 1) {
    throw new CxOptionsError(
      `calibrationChart: option "bins" must be a whole number ≥ 1, got ${JSON.stringify(bins)}.`,
    );
  }
}

/**
 * The numbers {@link calibrationChart} draws: customers grouped by their
 * calibration frequency (0 … bins − 1, then "bins+"), with the mean actual
 * holdout purchases and the mean predicted ones — each customer's
 * conditional expected purchases over their own holdout length, from the
 * model's formulas. Bins without customers are left out.
 */
export function calibrationPoints(
  summary: ColumnTable,
  model: TransactionModel,
  options: CalibrationChartOptions = {},
): CalibrationPoint[] {
  const bins = options.bins ?? 7;
  checkBins(bins);
  const { x, tx, T } = readTriples(summary, options);
  const holdout = numericColumn(
    summary,
    options.frequencyHoldout ?? "frequency_holdout",
    "frequencyHoldout",
  );
  const duration = numericColumn(
    summary,
    options.durationHoldout ?? "duration_holdout",
    "durationHoldout",
  );
  const n = new Float64Array(bins + 1), actual = new Float64Array(bins + 1);
  const predicted = new Float64Array(bins + 1);
  for (let i = 0; i < x.length; i++) {
    const b = Math.min(x[i], bins);
    n[b]++;
    actual[b] += holdout[i];
    predicted[b] += model.formulas.expected(model.params, x[i], tx[i], T[i], duration[i]);
  }
  const points: CalibrationPoint[] = [];
  for (let b = 0; b <= bins; b++) {
    if (n[b] === 0) continue;
    const label = b === bins ? `${b}+` : String(b);
    points.push({
      frequency: b,
      label,
      n: n[b],
      actual: actual[b] / n[b],
      predicted: predicted[b] / n[b],
    });
  }
  return points;
}

/**
 * Predicted against actual repeat purchases in the holdout, by repeat
 * purchases in the calibration period — lifetimes'
 * `plot_calibration_purchases_vs_holdout_purchases`. Takes a summary made
 * with `customerSummary(…, { calibrationEnd })` and a model fitted on it.
 * Binning: calibration frequencies 0 … `bins` − 1 one by one, the rest
 * pooled in "`bins`+" (lifetimes drops them); each point is a mean over the
 * customers of its bin. Words and numbers follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { renderSvg } from "./render.ts";
 * import { calibrationChart } from "./predict.ts";
 * import type { TransactionModel } from "../predict/model.ts";
 * // A stand-in model: one expected purchase per time unit of holdout.
 * const model = {
 *   model: "bgNbd", params: {},
 *   formulas: { expected: (...a: number[]) => a[4], alive: () => 1 },
 * } as unknown as TransactionModel;
 * const summary = aq.table({
 *   frequency: [0, 1, 2], recency: [0, 3, 5], T: [8, 8, 8],
 *   frequency_holdout: [1, 2, 4], duration_holdout: [2, 2, 2],
 * });
 * const svg = renderSvg(calibrationChart(summary, model));
 * assert.ok(svg.includes("2 repeat purchases (1 customers): actual 4.00, predicted 2.00"));
 * ```
 */
export function calibrationChart(
  summary: ColumnTable,
  model: TransactionModel,
  options: CalibrationChartOptions = {},
): ChartSpec {
  checkOptions("calibrationChart", options, CALIBRATION_CHART_OPTIONS);
  const f = chartFormat(options, "calibrationChart");
  const w = WORDS[f.lang];
  const points = calibrationPoints(summary, model, options);
  const duration = summary.numRows()
    ? (summary.array(options.durationHoldout ?? "duration_holdout") as ArrayLike<number>)[0]
    : 0;
  const long = points.flatMap((p) => [
    { ...p, kind: w.actual, value: p.actual },
    { ...p, kind: w.predicted, value: p.predicted },
  ]);
  const tip = (p: CalibrationPoint) =>
    w.calTip(p.label, f.int(p.n), f.num(p.actual, 2), f.num(p.predicted, 2));
  const title = options.title ?? w.calTitle;
  return {
    title,
    subtitle: options.subtitle ??
      w.calNote(
        f.int(summary.numRows()),
        f.round(duration, 2),
        unitWord(w.units, metaOf(summary, "predict")?.options.unit),
        MODEL_NAMES[model.model],
      ),
    ariaLabel: title,
    marginLeft: 60,
    x: { label: options.xLabel ?? w.calX, type: "point", domain: points.map((p) => p.label) },
    y: { label: options.yLabel ?? w.calY, grid: true, zero: true, tickFormat: f.ticks("number") },
    color: { domain: [w.actual, w.predicted], range: ["#0072B2", "#D55E00"], legend: true },
    marks: [
      Plot.line(long, { x: "label", y: "value", stroke: "kind", strokeDasharray: "kind" }),
      Plot.dot(long, { x: "label", y: "value", stroke: "kind", fill: "kind", title: tip }),
    ],
  };
}

/** The word for the summary's time unit (from its metadata), else "time units". */
function unitWord(units: { week: string; day: string; other: string }, unit: unknown): string {
  return unit === "week" ? units.week : unit === "day" ? units.day : units.other;
}

/** One cell of the P(alive) matrix. */
export interface AliveCell {
  /** Repeat purchases. */
  frequency: number;
  /** Time of the last purchase. */
  recency: number;
  /** Probability the customer is still active at T. */
  p_alive: number;
}

/**
 * The cells {@link aliveMatrixChart} draws: P(alive) from the model's
 * formulas for customers of age `T`, frequency 0 … `maxFrequency` and
 * recency in `steps` equal steps from 0 to `T`. A customer without repeat
 * purchases has recency 0, so frequency 0 has one cell.
 */
export function aliveCells(model: TransactionModel, options: AliveMatrixChartOptions): AliveCell[] {
  const { T } = options;
  if (typeof T !== "number" || !Number.isFinite(T) || T <= 0) {
    throw new CxOptionsError(
      `aliveMatrixChart: option "T" (the customers' age, in the model's time unit) must be a number > 0, got ${
        JSON.stringify(T)
      }; e.g. { T: 39 } for customers observed 39 weeks.`,
    );
  }
  const maxFrequency = options.maxFrequency ?? 10, steps = options.steps ?? 10;
  for (const [name, v] of [["maxFrequency", maxFrequency], ["steps", steps]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new CxOptionsError(
        `aliveMatrixChart: option "${name}" must be a whole number ≥ 1, got ${JSON.stringify(v)}.`,
      );
    }
  }
  const cells: AliveCell[] = [];
  for (let x = 0; x <= maxFrequency; x++) {
    for (let s = 0; s <= (x === 0 ? 0 : steps); s++) {
      const recency = (T * s) / steps;
      cells.push({
        frequency: x,
        recency,
        p_alive: model.formulas.alive(model.params, x, recency, T),
      });
    }
  }
  return cells;
}

/**
 * A heatmap of the probability that a customer is still active, over
 * repeat purchases (x) and the time of the last purchase (y), for customers
 * of age `T` — lifetimes' `plot_probability_alive_matrix`. Customers who
 * bought often but not lately are the likeliest to have left. Words and
 * numbers follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "./render.ts";
 * import { aliveMatrixChart } from "./predict.ts";
 * import type { TransactionModel } from "../predict/model.ts";
 * const model = {
 *   model: "bgNbd", params: {},
 *   formulas: {
 *     expected: () => 0,
 *     alive: (_p: unknown, x: number, tx: number, T: number) => x === 0 ? 1 : tx / T,
 *   },
 * } as unknown as TransactionModel;
 * const svg = renderSvg(aliveMatrixChart(model, { T: 10, maxFrequency: 2, steps: 2 }));
 * assert.ok(svg.includes("frequency 2, recency 5: P(alive) = 50.0%"));
 * ```
 */
export function aliveMatrixChart(
  model: TransactionModel,
  options: AliveMatrixChartOptions,
): ChartSpec {
  checkOptions("aliveMatrixChart", options, ALIVE_MATRIX_CHART_OPTIONS);
  const f = chartFormat(options, "aliveMatrixChart");
  const w = WORDS[f.lang];
  const cells = aliveCells(model, options).map((c) => ({
    ...c,
    x: f.int(c.frequency),
    y: f.round(c.recency, 1),
    tip: w.aliveTip(f.int(c.frequency), f.round(c.recency, 1), f.share(c.p_alive)),
  }));
  const xDomain = [...new Set(cells.map((c) => c.x))];
  const yDomain = [...new Set(cells.filter((c) => c.frequency > 0).map((c) => c.y))].reverse();
  const title = options.title ?? w.aliveTitle;
  return {
    title,
    subtitle: options.subtitle ?? w.aliveNote(f.round(options.T, 2), MODEL_NAMES[model.model]),
    ariaLabel: title,
    marginLeft: 60,
    x: { label: options.xLabel ?? w.aliveX, domain: xDomain },
    y: { label: options.yLabel ?? w.aliveY, domain: yDomain },
    color: {
      type: "threshold",
      scheme: "blues",
      domain: [0.2, 0.4, 0.6, 0.8],
      label: "P(alive)",
      legend: true,
      tickFormat: f.ticks("share"),
    },
    marks: [Plot.cell(cells, { x: "x", y: "y", fill: "p_alive", inset: 0.5, title: "tip" })],
  };
}
