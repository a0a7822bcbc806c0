/**
 * Chart of RFM segments: how many customers of an `rfm` result fall in each
 * named segment.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { RFM_SEGMENTS } from "../analysis/segment/rfm.ts";
import { categoryBars } from "./bars.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link rfmChart}. */
export interface RfmChartOptions extends ChartLocaleOptions {
  /** Chart title (default "Customers per RFM segment"). */
  title?: string;
  /** Subtitle (default: the number of customers). */
  subtitle?: string;
  /** Label of the count axis (default "Customers"). */
  xLabel?: string;
}

const RFM_CHART_OPTIONS = optionNames<RfmChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "title",
  "subtitle",
  "xLabel",
]);

/** The chart's own words in each language. */
const WORDS = {
  en: {
    title: "Customers per RFM segment",
    note: (n: string) => `${n} ordering customers`,
    axis: "Customers",
    tip: (segment: string, k: string, share: string, one: boolean) =>
      `${segment}: ${k} customer${one ? "" : "s"} (${share})`,
  },
  de: {
    title: "Kunden je RFM-Segment",
    note: (n: string) => `${n} bestellende Kunden`,
    axis: "Kunden",
    tip: (segment: string, k: string, share: string, one: boolean) =>
      `${segment}: ${k} ${one ? "Kunde" : "Kunden"} (${share})`,
  },
};

/**
 * Customers per RFM segment of an `rfm` result (one row per customer), in
 * the order of `RFM_SEGMENTS` from Champions to Lost; segments nobody is in
 * are left out. The tooltip gives each segment's share of the customers.
 * Words and numbers follow `lang` and `locale`; segment names stay as
 * `rfm` writes them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { rfm } from "../analysis/segment/rfm.ts";
 * import { renderSvg } from "./render.ts";
 * import { rfmChart } from "./rfm.ts";
 * const d = (s: string) => new Date(s);
 * const orders = aq.table({
 *   customer_id: ["a", "a", "a", "b", "c"],
 *   date: [d("2024-05-01"), d("2024-05-20"), d("2024-06-01"), d("2024-01-05"), d("2024-06-02")],
 *   revenue: [50, 60, 70, 20, 30],
 * });
 * const svg = renderSvg(rfmChart(rfm(orders, { observedUntil: d("2024-06-30") })));
 * assert.ok(svg.includes("Customers per RFM segment") && svg.includes("3 ordering customers"));
 * ```
 */
export function rfmChart(scored: ColumnTable, options: RfmChartOptions = {}): ChartSpec {
  checkOptions("rfmChart", options, RFM_CHART_OPTIONS);
  const f = chartFormat(options, "rfmChart");
  const w = WORDS[f.lang];
  if (!["segment", "rfm_score"].every((c) => scored.columnNames().includes(c))) {
    throw new CxOptionsError(
      `rfmChart needs a result of rfm(); got columns ${scored.columnNames().join(", ")}`,
    );
  }
  const counts = new Map<string, number>();
  for (const s of scored.array("segment") as unknown[]) {
    counts.set(String(s), (counts.get(String(s)) ?? 0) + 1);
  }
  const total = scored.numRows();
  const bars = RFM_SEGMENTS.filter((s) => counts.has(s)).map((segment) => {
    const k = counts.get(segment)!;
    return { label: segment, value: k, tip: w.tip(segment, f.int(k), f.share(k / total), k === 1) };
  });
  return categoryBars(bars, {
    title: options.title ?? w.title,
    subtitle: options.subtitle ?? w.note(f.int(total)),
    xLabel: options.xLabel ?? w.axis,
    tickFormat: f.ticks("number"),
  });
}
