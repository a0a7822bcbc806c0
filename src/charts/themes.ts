/**
 * Chart of comment themes: the most mentioned words or phrases of a
 * `commentThemes` result as bars of the share of comments mentioning them.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { categoryBars } from "./bars.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link themeChart}. */
export interface ThemeChartOptions extends ChartLocaleOptions {
  /** How many terms to draw, most mentioned first (default 12). */
  top?: number;
  /** Chart title (default "Most mentioned words"). */
  title?: string;
  /** Subtitle (default: the number of comments). */
  subtitle?: string;
  /** Label of the share axis (default "Share of comments mentioning it (%)"). */
  xLabel?: string;
}

const THEME_CHART_OPTIONS = optionNames<ThemeChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "top",
  "title",
  "subtitle",
  "xLabel",
]);

/** The chart's own words in each language. */
const WORDS = {
  en: {
    title: "Most mentioned words",
    note: (n: string) => `Out of ${n} comments`,
    axis: "Share of comments mentioning it (%)",
    tip: (term: string, share: string, k: string, n: string) =>
      `“${term}”: ${share} % of comments (${k} of ${n})`,
  },
  de: {
    title: "Häufigste Wörter",
    note: (n: string) => `Von ${n} Kommentaren`,
    axis: "Anteil der Kommentare, die es nennen (%)",
    tip: (term: string, share: string, k: string, n: string) =>
      `„${term}“: ${share} % der Kommentare (${k} von ${n})`,
  },
};

/**
 * Bars of the `top` terms of a `commentThemes` result (without `by`), in the
 * result's order (most comments first), each as the share of comments that
 * mention it (`pct_comments`); the tooltip gives the counts. Words and
 * numbers follow `lang` and `locale`. A result with `by` groups is refused:
 * filter it to one group first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { commentThemes } from "../analysis/themes.ts";
 * import { renderSvg } from "./render.ts";
 * import { themeChart } from "./themes.ts";
 * const t = aq.table({ comment: ["slow delivery", "delivery late again", "friendly staff"] });
 * const svg = renderSvg(themeChart(commentThemes(t, { ngrams: [1] })));
 * assert.ok(svg.includes("“delivery”: 66.7 % of comments (2 of 3)"));
 * ```
 */
export function themeChart(themes: ColumnTable, options: ThemeChartOptions = {}): ChartSpec {
  checkOptions("themeChart", options, THEME_CHART_OPTIONS);
  const f = chartFormat(options, "themeChart");
  const w = WORDS[f.lang];
  const names = themes.columnNames();
  const at = names.indexOf("ngram");
  if (
    at < 0 ||
    !["term", "comments", "pct_comments", "total_comments"].every((c) => names.includes(c))
  ) {
    throw new CxOptionsError(
      `themeChart needs a result of commentThemes(); got columns ${names.join(", ")}`,
    );
  }
  const by = names.slice(0, at);
  const rows = themes.objects() as Record<string, unknown>[];
  const groups = new Set(rows.map((r) => JSON.stringify(by.map((b) => r[b]))));
  if (groups.size > 1) {
    throw new CxOptionsError(
      `themeChart draws one group; this result has ${groups.size} groups of ${
        by.join(", ")
      }: filter it to one first`,
    );
  }
  const { top = 12 } = options;
  if (!Number.isInteger(top) || top < 1) {
    throw new CxOptionsError(`themeChart: option "top" must be a whole number ≥ 1, got ${top}`);
  }
  const total = rows[0]?.total_comments;
  const bars = rows.slice(0, top).map((r) => ({
    label: String(r.term),
    value: r.pct_comments as number,
    tip: w.tip(String(r.term), f.num(r.pct_comments), f.int(r.comments), f.int(r.total_comments)),
  }));
  return categoryBars(bars, {
    title: options.title ?? w.title,
    subtitle: options.subtitle ?? (total === undefined ? undefined : w.note(f.int(total))),
    xLabel: options.xLabel ?? w.axis,
    tickFormat: f.ticks("number"),
  });
}
