/**
 * Funnel chart: one bar per step with its conversion and interval, per
 * segment side by side.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { metaOf } from "../meta.ts";
import { checkOptions, optionNames } from "../options.ts";
import {
  CHART_LOCALE_OPTIONS,
  type ChartFormat,
  chartFormat,
  type ChartLocaleOptions,
} from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { SURVIVAL_COLORS } from "./survival.ts";

/** Options of {@link funnelChart}. */
export interface FunnelChartOptions extends ChartLocaleOptions {
  /** Which conversion the bars show: from the first step (default) or from the previous one. */
  measure?: "start" | "previous";
  /** Chart title (default: "Funnel: conversion from the first step"). */
  title?: string;
  /** Subtitle (default: window, order, interval level and what hollow bars mean). */
  subtitle?: string;
  /** Label of the conversion axis (default "Customers converted (%)"). */
  label?: string;
}

const FUNNEL_CHART_OPTIONS = optionNames<FunnelChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "measure",
  "title",
  "subtitle",
  "label",
]);

const WORDS = {
  en: {
    title: (previous: boolean) =>
      `Funnel: conversion from the ${previous ? "previous" : "first"} step`,
    axis: "Customers converted (%)",
    note: (days: string, order: string, pct: string, minN: string) =>
      `Within ${days} days of the first step, ${
        order === "any" ? "steps in any order" : "steps in order"
      }; lines: ${pct} % Wilson intervals; hollow: fewer than ${minN} customers at the previous step`,
    tip: (step: string, share: string, low: string, high: string, customers: string, n: string) =>
      `${step}: ${share} (${low} to ${high}), ${customers} of ${n} customers`,
    median: (days: string) => `, median ${days} days from the previous step`,
    all: "All",
  },
  de: {
    title: (previous: boolean) =>
      `Funnel: Konversion ab dem ${previous ? "vorigen" : "ersten"} Schritt`,
    axis: "Konvertierte Kunden (%)",
    note: (days: string, order: string, pct: string, minN: string) =>
      `Innerhalb von ${days} Tagen ab dem ersten Schritt, ${
        order === "any" ? "Schritte in beliebiger Reihenfolge" : "Schritte in Reihenfolge"
      }; Linien: ${pct}-%-Wilson-Intervalle; hohl: weniger als ${minN} Kunden im vorigen Schritt`,
    tip: (step: string, share: string, low: string, high: string, customers: string, n: string) =>
      `${step}: ${share} (${low} bis ${high}), ${customers} von ${n} Kunden`,
    median: (days: string) => `, Median ${days} Tage ab dem vorigen Schritt`,
    all: "Alle",
  },
};

/**
 * Bar chart of a `funnel` result: steps along the x axis in funnel order,
 * the conversion (from the first step, or from the previous one with
 * `measure: "previous"`) as bars with their Wilson interval as a line; with
 * segments (`by`), one bar per segment in each step, coloured by segment.
 * Bars of small samples (`small_sample`) are hollow. Tooltips give the
 * counts and the median days from the previous step. Words and numbers
 * follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { funnel, funnelChart, renderSvg } from "../mod.ts";
 * const d = (day: number) => new Date(Date.UTC(2024, 0, day));
 * const events = aq.table({
 *   customer_id: ["a", "a", "b"],
 *   date: [d(1), d(2), d(1)],
 *   step: ["visit", "buy", "visit"],
 * });
 * const svg = renderSvg(funnelChart(funnel(events, { steps: ["visit", "buy"], windowDays: 7 })));
 * assert.ok(svg.includes("Funnel: conversion from the first step"));
 * assert.ok(svg.includes("buy: 50.0% (9.5% to 90.5%), 1 of 2 customers"));
 * ```
 */
export function funnelChart(result: ColumnTable, options: FunnelChartOptions = {}): ChartSpec {
  checkOptions("funnelChart", options, FUNNEL_CHART_OPTIONS);
  const meta = metaOf(result, "funnel");
  if (!meta) {
    throw new CxOptionsError(
      "funnelChart needs a result of funnel() as it came back (metadata is lost after Arquero verbs)",
    );
  }
  const { measure = "start" } = options;
  if (measure !== "start" && measure !== "previous") {
    throw new CxOptionsError(
      `funnelChart: option "measure" must be "start" or "previous", got ${JSON.stringify(measure)}`,
    );
  }
  const f = chartFormat(options, "funnelChart");
  const w = WORDS[f.lang];
  const rows = chartRows(result, meta.by, measure, f);
  const segments = [...new Set(rows.map((r) => r.segment))];
  const colour = { domain: segments, range: segments.map((_, i) => SURVIVAL_COLORS[i % 8]) };
  const title = options.title ?? w.title(measure === "previous");
  const channels = { fx: "step", x: "segment" } as const;
  return {
    title,
    subtitle: options.subtitle ??
      w.note(
        f.round(meta.windowDays),
        meta.order,
        f.num(meta.confidence * 100, 0),
        f.int(meta.minN),
      ),
    ariaLabel: title,
    height: 360,
    marginBottom: meta.by.length ? 40 : 20,
    fx: { domain: meta.steps.filter((s) => rows.some((r) => r.step === s)), label: null },
    x: { domain: segments, axis: meta.by.length ? "bottom" : null, label: null },
    y: {
      label: options.label ?? w.axis,
      domain: [0, 1],
      grid: true,
      tickFormat: f.ticks("share") ?? ((v: number) => `${Math.round(v * 100)}`),
    },
    color: { ...colour, legend: meta.by.length > 0 },
    marks: [
      ...[false, true].map((small) =>
        Plot.barY(rows.filter((r) => r.small === small), {
          ...channels,
          y: "value",
          fill: small ? "white" : "segment",
          stroke: "segment",
          strokeWidth: 1.5,
          title: "tip",
          className: small ? "cx-funnel-bar-small" : "cx-funnel-bar",
        })
      ),
      Plot.ruleX(rows.filter((r) => r.low !== null), {
        ...channels,
        y1: "low",
        y2: "high",
        stroke: "#333333",
        strokeWidth: 1.5,
        className: "cx-funnel-interval",
      }),
      Plot.ruleY([0]),
    ],
  };
}

/** One bar per row with a conversion: step, segment label, value, interval, flag and tooltip. */
function chartRows(
  result: ColumnTable,
  by: string[],
  measure: "start" | "previous",
  f: ChartFormat,
) {
  const w = WORDS[f.lang];
  const column = measure === "start" ? "conversion_from_start" : "conversion_from_previous";
  return (result.objects() as Record<string, unknown>[])
    .filter((r) => typeof r[column] === "number")
    .map((r) => ({
      step: r.step as string,
      segment: by.length ? by.map((k) => String(r[k])).join(" · ") : w.all,
      value: r[column] as number,
      low: r[`${column}_low`] as number | null,
      high: r[`${column}_high`] as number | null,
      small: r.small_sample === true,
      tip: w.tip(
        r.step as string,
        f.share(r[column]),
        f.share(r[`${column}_low`]),
        f.share(r[`${column}_high`]),
        f.int(r.customers),
        f.int(measure === "start" ? startCount(result, by, r) : r.n),
      ) + (typeof r.median_days === "number" ? w.median(f.num(r.median_days)) : ""),
    }));
}

/** Customers at the first step of a row's segment (the denominator of conversion from start). */
function startCount(result: ColumnTable, by: string[], row: Record<string, unknown>): unknown {
  const first = (result.objects() as Record<string, unknown>[]).find((r) =>
    r.step_index === 1 && by.every((k) => r[k] === row[k])
  );
  return first?.customers;
}
