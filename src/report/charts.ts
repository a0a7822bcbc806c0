/**
 * Chart specs the report needs beyond `src/charts/`: curves with interval
 * bands (survival, retention, a KPI over time), a cohort heatmap, and bars of
 * signed values. Labels come in already translated; values are plain rows.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ChartSpec } from "../charts/render.ts";
import { SURVIVAL_COLORS } from "../charts/survival.ts";

type Row = Record<string, unknown>;

/** Options of {@link bandChart}. */
export interface BandChartOptions {
  /** x column (numbers or dates). */
  x: string;
  /** Value column. */
  y: string;
  /** Lower and upper interval columns. */
  low: string;
  /** Upper interval column. */
  high: string;
  /** Column of the series (one line per value), if any. */
  series?: string;
  /** Chart title. */
  title: string;
  /** Subtitle (e.g. what the band is). */
  subtitle?: string;
  /** Axis labels. */
  xLabel: string;
  /** y axis label. */
  yLabel: string;
  /** Draw steps (survival curves) instead of straight segments. */
  step?: boolean;
  /** y values are shares 0–1 shown as percent. */
  percent?: boolean;
  /** Fixed y domain. */
  yDomain?: [number, number];
  /** Mark rows where this is true with hollow dots (small samples). */
  hollow?: string;
}

/** Series colours: the same Okabe–Ito palette as the survival curves. */
export const SERIES_COLORS: readonly string[] = SURVIVAL_COLORS;

/**
 * Lines with a shaded interval band, one per series: survival and retention
 * curves, a KPI over time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "../charts/render.ts";
 * import { bandChart } from "./charts.ts";
 * const rows = [{ t: 0, v: 1, lo: 1, hi: 1 }, { t: 1, v: 0.8, lo: 0.7, hi: 0.9 }];
 * const svg = renderSvg(bandChart(rows, {
 *   x: "t", y: "v", low: "lo", high: "hi", title: "Still customers", xLabel: "Months", yLabel: "%",
 *   percent: true,
 * }));
 * assert.ok(svg.includes("Still customers") && svg.includes("<path"));
 * ```
 */
export function bandChart(rows: Row[], options: BandChartOptions): ChartSpec {
  const { x, y, low, high, series, step = false } = options;
  const curve = step ? "step-after" : "linear";
  const z = series ? (r: Row) => String(r[series]) : undefined;
  const keys = series ? [...new Set(rows.map((r) => String(r[series])))] : [];
  const banded = rows.filter((r) => typeof r[low] === "number" && typeof r[high] === "number");
  return {
    title: options.title,
    subtitle: options.subtitle,
    ariaLabel: options.title,
    height: 320,
    marginLeft: 56,
    x: { label: options.xLabel, grid: true },
    y: {
      label: options.yLabel,
      grid: true,
      percent: options.percent,
      // A percent scale's domain is in percent.
      domain: options.yDomain && options.percent
        ? [100 * options.yDomain[0], 100 * options.yDomain[1]]
        : options.yDomain,
      nice: options.yDomain === undefined,
    },
    color: series
      ? { domain: keys, range: SERIES_COLORS.slice(0, Math.max(keys.length, 1)), legend: true }
      : undefined,
    marks: [
      Plot.areaY(banded, {
        x,
        y1: low,
        y2: high,
        z,
        fill: z ?? SERIES_COLORS[0],
        fillOpacity: 0.18,
        curve,
      }),
      Plot.lineY(rows.filter((r) => typeof r[y] === "number"), {
        x,
        y,
        z,
        stroke: z ?? SERIES_COLORS[0],
        strokeWidth: 2,
        curve,
      }),
      ...(step ? [] : [
        Plot.dot(rows.filter((r) => typeof r[y] === "number"), {
          x,
          y,
          stroke: z ?? SERIES_COLORS[0],
          fill: options.hollow
            ? (r: Row) => r[options.hollow!] ? "white" : (z ? z(r) : SERIES_COLORS[0])
            : (z ?? SERIES_COLORS[0]),
          r: 3,
        }),
      ]),
    ],
  };
}

/** Options of {@link heatmapChart}. */
export interface HeatmapOptions {
  /** Column across (e.g. period index). */
  x: string;
  /** Column down (e.g. cohort). */
  y: string;
  /** Value column (a share 0–1). */
  value: string;
  /** Chart title. */
  title: string;
  /** Subtitle. */
  subtitle?: string;
  /** x axis label. */
  xLabel: string;
  /** Legend label. */
  legend: string;
  /** Formats a value for the cell text. */
  text: (value: number) => string;
}

/**
 * A cohort × period heatmap with the value written in each cell (readable
 * without colour, and in print).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "../charts/render.ts";
 * import { heatmapChart } from "./charts.ts";
 * const rows = [{ c: "2024-01", k: 0, r: 1 }, { c: "2024-01", k: 1, r: 0.5 }];
 * const svg = renderSvg(heatmapChart(rows, {
 *   x: "k", y: "c", value: "r", title: "Retention", xLabel: "Month", legend: "Active",
 *   text: (v) => `${Math.round(v * 100)}`,
 * }));
 * assert.ok(svg.includes(">50<"));
 * ```
 */
export function heatmapChart(rows: Row[], options: HeatmapOptions): ChartSpec {
  const { x, y, value } = options;
  const ys = [...new Set(rows.map((r) => String(r[y])))];
  const xs = [...new Set(rows.map((r) => r[x] as number))].sort((a, b) => a - b);
  return {
    title: options.title,
    subtitle: options.subtitle,
    ariaLabel: options.title,
    width: Math.max(360, 70 + 28 * xs.length),
    height: 60 + 20 * ys.length,
    marginLeft: 70,
    padding: 0.04,
    x: { label: options.xLabel, domain: xs, axis: "top" },
    y: { label: null, domain: ys },
    // No ramp legend (Plot draws it on a canvas, which jsdom lacks): every cell has its number.
    color: { scheme: "blues", domain: [0, 1], label: options.legend },
    marks: [
      Plot.cell(rows, { x, y: (r: Row) => String(r[y]), fill: value, inset: 0.5 }),
      Plot.text(rows, {
        x,
        y: (r: Row) => String(r[y]),
        text: (r: Row) => options.text(r[value] as number),
        fill: (r: Row) => (r[value] as number) > 0.55 ? "white" : "#1b1b1b",
        fontSize: 9,
      }),
    ],
  };
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** Category column. */
  y: string;
  /** Value column. */
  x: string;
  /** Optional interval columns. */
  low?: string;
  /** Upper interval column. */
  high?: string;
  /** Chart title. */
  title: string;
  /** Subtitle. */
  subtitle?: string;
  /** Value axis label. */
  xLabel: string;
  /** Colour bars by sign (negative orange, positive blue). */
  signed?: boolean;
}

/**
 * Horizontal bars in the order given, optionally with interval whiskers and
 * coloured by sign: driver strengths, segment differences.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "../charts/render.ts";
 * import { barChart } from "./charts.ts";
 * const svg = renderSvg(barChart([{ k: "wait", r: 0.7 }, { k: "price", r: -0.2 }], {
 *   y: "k", x: "r", title: "Correlation", xLabel: "r", signed: true,
 * }));
 * assert.ok(svg.includes("wait") && svg.includes("#D55E00"));
 * ```
 */
export function barChart(rows: Row[], options: BarChartOptions): ChartSpec {
  const { x, y, low, high } = options;
  // Small counts get whole-number ticks only.
  const values = rows.map((r) => r[x]).filter((v): v is number => typeof v === "number");
  const counts = values.length > 0 && values.every((v) => Number.isInteger(v) && v >= 0);
  const most = Math.max(1, ...values);
  return {
    title: options.title,
    subtitle: options.subtitle,
    ariaLabel: options.title,
    height: 60 + 30 * rows.length,
    marginLeft: Math.min(260, 20 + 6.5 * Math.max(0, ...rows.map((r) => String(r[y]).length))),
    x: {
      label: options.xLabel,
      grid: true,
      nice: true,
      ...(counts && most <= 10 ? { ticks: most } : {}),
    },
    y: { label: null, domain: rows.map((r) => String(r[y])) },
    marks: [
      Plot.barX(rows, {
        y: (r: Row) => String(r[y]),
        x,
        fill: options.signed ? (r: Row) => (r[x] as number) < 0 ? "#D55E00" : "#0072B2" : "#0072B2",
      }),
      ...(low && high
        ? [
          Plot.ruleY(rows.filter((r) => typeof r[low] === "number"), {
            y: (r: Row) => String(r[y]),
            x1: low,
            x2: high,
            stroke: "#333",
            strokeWidth: 1.5,
          }),
        ]
        : []),
      Plot.ruleX([0]),
    ],
  };
}
