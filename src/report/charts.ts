/**
 * What the report hands to the public chart builders of `src/charts/`: the
 * report's language and locale, so titles, legends, tooltips and numbers of
 * every chart follow `--lang` and `--locale`. Plus the one chart the data
 * quality page draws from the loaders' rejects (report-only data, no
 * analysis result behind it), on the shared bar layout of `src/charts/`.
 *
 * @module
 */
import { categoryBars } from "../charts/bars.ts";
import type { ChartLocaleOptions } from "../charts/locale.ts";
import type { ChartSpec } from "../charts/render.ts";
import type { SectionContext } from "./context.ts";

/**
 * The `locale` and `lang` options of a section's charts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sectionContext } from "./site.ts";
 * import { chartLocale } from "./charts.ts";
 * assert.deepEqual(chartLocale(sectionContext({}, { lang: "de" })), { locale: "de-DE", lang: "de" });
 * ```
 */
export function chartLocale(ctx: SectionContext): Required<ChartLocaleOptions> {
  return { locale: ctx.format.locale, lang: ctx.format.lang };
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** Category column. */
  y: string;
  /** Value column. */
  x: string;
  /** Chart title. */
  title: string;
  /** Value axis label. */
  xLabel: string;
}

/**
 * Horizontal bars of a count per category in the order given, with the
 * count in the tooltip: the data-quality page's rejected rows per file and
 * column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "../charts/render.ts";
 * import { barChart } from "./charts.ts";
 * const svg = renderSvg(barChart([{ k: "a.csv · nps_score", r: 2 }], {
 *   y: "k", x: "r", title: "Rejected rows", xLabel: "Rows",
 * }));
 * assert.ok(svg.includes("Rejected rows") && svg.includes("<title>a.csv · nps_score: 2</title>"));
 * ```
 */
export function barChart(rows: Record<string, unknown>[], options: BarChartOptions): ChartSpec {
  const bars = rows.map((r) => ({
    label: String(r[options.y]),
    value: r[options.x] as number,
    tip: `${r[options.y]}: ${r[options.x]}`,
  }));
  return categoryBars(bars, { title: options.title, xLabel: options.xLabel });
}
