/**
 * Chart of `attribution`: conversions (or shares) attributed to each
 * channel, as bars with their bootstrap intervals.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { metaOf } from "../meta.ts";
import { checkOptions, optionNames } from "../options.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import type { ChartSpec } from "./render.ts";

/** Options of {@link attributionChart}. */
export interface AttributionChartOptions extends ChartLocaleOptions {
  /** What the bars show: `"conversions"` (default) or `"share"` of all conversions. */
  value?: "conversions" | "share";
  /** Title (default e.g. "Conversions attributed by channel (Markov)"). */
  title?: string;
  /** Subtitle (default: what the whiskers are). */
  subtitle?: string;
}

const ATTRIBUTION_CHART_OPTIONS = optionNames<AttributionChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "value",
  "title",
  "subtitle",
]);

const MODEL_NAMES: Record<string, { en: string; de: string }> = {
  markov: { en: "Markov", de: "Markov" },
  first: { en: "first touch", de: "erster Kontakt" },
  last: { en: "last touch", de: "letzter Kontakt" },
  linear: { en: "linear", de: "linear" },
  position: { en: "position 40/20/40", de: "Position 40/20/40" },
  "time-decay": { en: "time decay", de: "Zeitverfall" },
};

const WORDS = {
  en: {
    title: (model: string) => `Conversions attributed by channel${model ? ` (${model})` : ""}`,
    note: (pct: string) => `Whiskers: ${pct} bootstrap interval over customers`,
    conversions: "Attributed conversions",
    share: "Share of conversions (%)",
  },
  de: {
    title: (model: string) => `Zugeordnete Abschlüsse je Kanal${model ? ` (${model})` : ""}`,
    note: (pct: string) => `Linien: ${pct}-Bootstrap-Intervall über Kunden`,
    conversions: "Zugeordnete Abschlüsse",
    share: "Anteil der Abschlüsse (%)",
  },
};

/**
 * Horizontal bars of an `attribution` result, one per channel in the
 * result's order (most conversions first), with the bootstrap interval as a
 * whisker and the value written beside it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { attribution } from "../analysis/journey/attribution.ts";
 * import { renderSvg } from "./render.ts";
 * import { attributionChart } from "./journey_attribution.ts";
 * const d = (day: number) => new Date(Date.UTC(2025, 0, day));
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "b"],
 *   date: [d(1), d(2), d(1), d(2)],
 *   channel: ["mail", "purchase", "search", "purchase"],
 * });
 * const svg = renderSvg(attributionChart(attribution(events, { model: "last", resamples: 100 })));
 * assert.ok(svg.includes("Conversions attributed by channel (last touch)") && svg.includes(">mail<"));
 * ```
 */
export function attributionChart(
  result: ColumnTable,
  options: AttributionChartOptions = {},
): ChartSpec {
  checkOptions("attributionChart", options, ATTRIBUTION_CHART_OPTIONS);
  const { value = "conversions" } = options;
  if (value !== "conversions" && value !== "share") {
    throw new CxOptionsError(
      `attributionChart: option "value" must be "conversions" or "share", got ${
        JSON.stringify(value)
      }`,
    );
  }
  for (const name of ["channel", value, `${value}_low`, `${value}_high`]) {
    if (!result.columnNames().includes(name)) {
      throw new CxOptionsError(
        `attributionChart: the table has no column "${name}"; pass the result of attribution(…)`,
      );
    }
  }
  const f = chartFormat(options, "attributionChart");
  const w = WORDS[f.lang];
  const m = metaOf(result, "journey")?.options;
  const model = MODEL_NAMES[String(m?.model)]?.[f.lang] ?? "";
  const scale = value === "share" ? 100 : 1;
  const rows = (result.objects() as Record<string, unknown>[]).map((r) => ({
    channel: String(r.channel),
    v: (r[value] as number) * scale,
    low: (r[`${value}_low`] as number) * scale,
    high: (r[`${value}_high`] as number) * scale,
  }));
  const text = (x: number) => f.num(x, 1);
  const title = options.title ?? w.title(model);
  const pct = f.share(typeof m?.confidence === "number" ? m.confidence : 0.95, 0);
  return {
    title,
    subtitle: options.subtitle ?? w.note(pct),
    ariaLabel: title,
    height: 70 + 32 * rows.length,
    marginLeft: Math.min(220, 20 + 7 * Math.max(4, ...rows.map((r) => r.channel.length))),
    marginRight: 50,
    x: { label: value === "share" ? w.share : w.conversions, grid: true, nice: true },
    y: { label: null, domain: rows.map((r) => r.channel) },
    marks: [
      Plot.barX(rows, {
        y: "channel",
        x: "v",
        fill: "#0072B2",
        fillOpacity: 0.8,
        title: (r: { channel: string; v: number; low: number; high: number }) =>
          `${r.channel}: ${text(r.v)} (${text(r.low)}–${text(r.high)})`,
      }),
      Plot.ruleY(rows, {
        y: "channel",
        x1: "low",
        x2: "high",
        stroke: "#333333",
        strokeWidth: 1.5,
      }),
      Plot.tickX(rows, { y: "channel", x: "low", stroke: "#333333" }),
      Plot.tickX(rows, { y: "channel", x: "high", stroke: "#333333" }),
      Plot.text(rows, {
        y: "channel",
        x: "high",
        text: (r: { v: number }) => text(r.v),
        textAnchor: "start",
        dx: 5,
        fill: "#333333",
      }),
      Plot.ruleX([0]),
    ],
  };
}
