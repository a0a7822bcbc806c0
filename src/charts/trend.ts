/**
 * Trend chart: a KPI per period as a line with its interval band, an
 * optional rolling line, and significant shifts marked and labelled.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import {
  CHART_LOCALE_OPTIONS,
  chartFormat,
  type ChartLocaleOptions,
  KPI_AXIS_LABELS,
} from "./locale.ts";
import { periodName } from "../time/period.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link trendChart}. */
export interface TrendChartOptions extends ChartLocaleOptions {
  /** Draw the interval band (default `true`). */
  band?: boolean;
  /** Draw the rolling line when the result has one (default `true`). */
  rolling?: boolean;
  /** Chart title (default: "<KPI> by <period>"). */
  title?: string;
  /** Axis label of the KPI (default per KPI, with its unit). */
  label?: string;
  /** Label of the time axis (default: the period, e.g. "Month"). */
  xLabel?: string;
  /** Subtitle (default: what the band, dashes, triangles and hollow dots mean). */
  subtitle?: string;
}

const TREND_CHART_OPTIONS = optionNames<TrendChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "band",
  "rolling",
  "title",
  "label",
  "xLabel",
  "subtitle",
]);

const KPI_AXES: Record<string, { name: string; digits: number }> = {
  nps: { name: "NPS", digits: 1 },
  csat: { name: "CSAT", digits: 1 },
  ces: { name: "CES", digits: 2 },
};

/** The chart's own words in each language. */
const WORDS = {
  en: {
    by: (name: string, period: string) => `${name} by ${period}`,
    yearEarlier: "the same period a year earlier",
    previous: (period: string) => `the previous ${period}`,
    band: (pct: string) => `Band: ${pct} % interval`,
    rolling: (k: string, period: string) => `dashed: ${k}-${period} rolling value`,
    shifts: (what: string, alpha: string) => `▲▼ significant change vs ${what} (p < ${alpha})`,
    hollow: (minN: string) => `hollow: fewer than ${minN} answers`,
    tooFew: "too few answers to say anything",
    to: "to",
    vs: "vs",
    shift: { rise: "significant rise", drop: "significant drop" },
  },
  de: {
    by: (name: string, period: string) => `${name} nach ${period}`,
    yearEarlier: "derselben Periode ein Jahr zuvor",
    previous: (period: string) => `der Vorperiode (${period})`,
    band: (pct: string) => `Band: ${pct}-%-Intervall`,
    rolling: (k: string, period: string) => `gestrichelt: gleitender Wert über ${k} × ${period}`,
    shifts: (what: string, alpha: string) =>
      `▲▼ signifikante Änderung gegenüber ${what} (p < ${alpha})`,
    hollow: (minN: string) => `hohl: weniger als ${minN} Antworten`,
    tooFew: "zu wenige Antworten für eine Aussage",
    to: "bis",
    vs: "ggü.",
    shift: { rise: "signifikanter Anstieg", drop: "signifikanter Rückgang" },
  },
};

/** Okabe–Ito: blue line, orange rolling line, bluish green rise, vermillion drop. */
const COLORS = { line: "#0072B2", rolling: "#E69F00", rise: "#009E73", drop: "#D55E00" };

interface Point {
  group: string;
  start: Date;
  period: string;
  value: number | null;
  low: number | null;
  high: number | null;
  rolling: number | null;
  n: number;
  tooFew: boolean;
  shift: "rise" | "drop" | null;
  change: number | null;
  comparedTo: string;
}

/**
 * Line chart of a `trend` result: the KPI per period (x at the period start)
 * with its interval as a shaded band, dots per period (hollow when the period
 * has too few answers), the rolling value as a dashed orange line when the
 * result has one, and every significant shift marked with a triangle (▲ rise,
 * ▼ drop) and labelled with its change and the period it is compared with,
 * e.g. "−12.4 vs 2025-02". Periods without answers leave a gap. With `by`
 * columns, one panel per segment. Words and numbers follow `lang` and
 * `locale` (`{ locale: "de-DE" }`: "NPS nach Monat", "−12,4 ggü. 2025-02").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { trend } from "../analysis/trend.ts";
 * import { renderSvg } from "./render.ts";
 * import { trendChart } from "./trend.ts";
 * const t = aq.table({
 *   date: ["2025-01-10", "2025-02-10", "2025-03-10"].map((d) => new Date(d)),
 *   nps_score: [10, 9, 3],
 * });
 * const svg = renderSvg(trendChart(trend(t, { kpi: "nps", period: "month", minN: 1 })));
 * assert.ok(svg.includes("NPS by month"));
 * const de = renderSvg(trendChart(trend(t, { kpi: "nps", period: "month", minN: 1 }), {
 *   locale: "de-DE",
 * }));
 * assert.ok(de.includes("NPS nach Monat"));
 * ```
 */
export function trendChart(result: ColumnTable, options: TrendChartOptions = {}): ChartSpec {
  checkOptions("trendChart", options, TREND_CHART_OPTIONS);
  const meta = metaOf(result, "kpi");
  if (!meta || meta.notes.analysis !== "trend") {
    throw new CxOptionsError(
      "trendChart needs a result of trend() as it came back (metadata is lost after Arquero verbs)",
    );
  }
  const f = chartFormat(options, "trendChart");
  const w = WORDS[f.lang];
  const { band = true, rolling = true } = options;
  const axis = KPI_AXES[meta.kpi] ?? { name: meta.kpi, digits: 1 };
  const fmt = (v: number | null) => f.num(v, axis.digits);
  const shiftLabel = (p: Point) => `${f.signed(p.change, axis.digits)} ${w.vs} ${p.comparedTo}`;
  const hasRolling = rolling && result.columnNames().includes("rolling_value");
  const points = trendPoints(result, meta.kpi, meta.by, hasRolling);
  const shifts = points.filter((p) => p.shift !== null && p.value !== null);
  const faceted = meta.by.length > 0;
  const fy = faceted ? { fy: "group" } : {};
  const periodKey = meta.period ?? "period";
  const period = periodName(periodKey, f.lang);
  const title = options.title ?? w.by(axis.name, period);
  const comparedWith = meta.notes.compare === "year" ? w.yearEarlier : w.previous(period);
  const subtitle = options.subtitle ?? [
    band ? w.band(f.num(meta.confidence * 100, 0)) : undefined,
    hasRolling ? w.rolling(String(meta.notes.rolling), period) : undefined,
    w.shifts(comparedWith, f.round(1 - meta.confidence, 4)),
    w.hollow(f.int(meta.minN)),
  ].filter(Boolean).join("; ");
  const tip = (p: Point) =>
    `${p.period}: ${fmt(p.value)} (${fmt(p.low)} ${w.to} ${fmt(p.high)}), n = ${f.int(p.n)}${
      p.tooFew ? ` — ${w.tooFew}` : ""
    }`;
  const groups = [...new Set(points.map((p) => p.group))];
  return {
    title,
    subtitle,
    ariaLabel: title,
    marginLeft: 50,
    marginRight: faceted ? 90 : 20,
    height: faceted ? 60 + 200 * groups.length : 360,
    x: {
      type: "utc",
      label: options.xLabel ?? capitalise(period),
      nice: false,
      tickFormat: f.ticks("time"),
    },
    y: {
      label: options.label ?? KPI_AXIS_LABELS[f.lang][meta.kpi] ?? meta.kpi,
      grid: true,
      nice: true,
      tickFormat: f.ticks("number"),
    },
    ...(faceted ? { fy: { label: null, domain: groups } } : {}),
    marks: [
      ...lineMarks(points, fy, { band, rolling: hasRolling, tip }),
      ...shiftMarks(
        shifts,
        fy,
        (p) => `${p.period}: ${w.shift[p.shift!]}, ${shiftLabel(p)}`,
        shiftLabel,
      ),
    ],
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The result's rows as chart points. */
function trendPoints(result: ColumnTable, kpi: string, by: string[], hasRolling: boolean): Point[] {
  return (result.objects() as Record<string, unknown>[]).map((r) => ({
    group: by.map((k) => String(r[k] ?? "(missing)")).join(" · "),
    start: r.period_start as Date,
    period: String(r.period),
    value: r[kpi] as number | null,
    low: r[`${kpi}_low`] as number | null,
    high: r[`${kpi}_high`] as number | null,
    rolling: hasRolling ? r.rolling_value as number | null : null,
    n: r.n as number,
    tooFew: r.too_few === true,
    shift: r.shift as "rise" | "drop" | null,
    change: r.change as number | null,
    comparedTo: String(r.compared_to),
  }));
}

type Facet = { fy?: string };

/** Band, rolling line, KPI line and dots (hollow where too few answers). */
function lineMarks(
  points: Point[],
  fy: Facet,
  options: { band: boolean; rolling: boolean; tip: (p: Point) => string },
): Plot.Markish[] {
  return [
    options.band
      ? Plot.areaY(points, {
        x: "start",
        y1: "low",
        y2: "high",
        ...fy,
        fill: COLORS.line,
        fillOpacity: 0.15,
        className: "cx-trend-band",
      })
      : null,
    options.rolling
      ? Plot.lineY(points, {
        x: "start",
        y: "rolling",
        ...fy,
        stroke: COLORS.rolling,
        strokeWidth: 2,
        strokeDasharray: "6,4",
        className: "cx-trend-rolling",
      })
      : null,
    Plot.lineY(points, {
      x: "start",
      y: "value",
      ...fy,
      stroke: COLORS.line,
      strokeWidth: 2,
      className: "cx-trend-line",
    }),
    Plot.dot(points.filter((p) => p.value !== null), {
      x: "start",
      y: "value",
      ...fy,
      r: 3,
      stroke: COLORS.line,
      fill: (p: Point) => p.tooFew ? "white" : COLORS.line,
      title: options.tip,
      className: "cx-trend-dot",
    }),
  ];
}

/** A triangle per significant shift, and its label above a rise or below a drop. */
function shiftMarks(
  shifts: Point[],
  fy: Facet,
  shiftTip: (p: Point) => string,
  label: (p: Point) => string,
): Plot.Markish[] {
  return [
    Plot.dot(shifts, {
      x: "start",
      y: "value",
      ...fy,
      symbol: "triangle",
      rotate: (p: Point) => p.shift === "drop" ? 180 : 0,
      r: 7,
      fill: (p: Point) => p.shift === "drop" ? COLORS.drop : COLORS.rise,
      stroke: "white",
      title: shiftTip,
      className: "cx-trend-shift",
    }),
    // Labels above rises and below drops (dy is a constant, hence one mark each).
    ...(["rise", "drop"] as const).map((kind) =>
      Plot.text(shifts.filter((p) => p.shift === kind), {
        x: "start",
        y: "value",
        ...fy,
        text: label,
        dy: kind === "drop" ? 16 : -16,
        fill: COLORS[kind],
        fontWeight: "bold",
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
        className: "cx-trend-shift-label",
      })
    ),
  ];
}
