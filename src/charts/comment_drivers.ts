/**
 * Chart of comment drivers: the words and phrases that separate two groups'
 * comments (a `commentDrivers` result) as diverging bars of their z-score.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { metaOf } from "../meta.ts";
import { checkOptions, optionNames } from "../options.ts";
import type { NpsCategory } from "../schema/scales.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { CATEGORY_COLORS, CATEGORY_LEGENDS } from "./scores.ts";

/** Options of {@link commentDriverChart}. */
export interface CommentDriverChartOptions extends ChartLocaleOptions {
  /** Terms drawn per group, strongest first (default 10). */
  top?: number;
  /** Chart title (default "What sets the groups' comments apart"). */
  title?: string;
  /** Subtitle (default: what the bars show and what hollow bars mean). */
  subtitle?: string;
  /** Label of the z-score axis. */
  xLabel?: string;
  /** Names of groups a and b in the legend (default: the NPS categories, or the group values). */
  labels?: [string, string];
}

const COMMENT_DRIVER_CHART_OPTIONS = optionNames<CommentDriverChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "top",
  "title",
  "subtitle",
  "xLabel",
  "labels",
]);

/** The chart's own words in each language. */
const WORDS = {
  en: {
    title: "What sets the groups' comments apart",
    subtitle: (pct: string) =>
      `Weighted log-odds z-score of each word and phrase; hollow: not significant (${pct} %, BH)`,
    axis: (a: string, b: string) => `← more often from ${b} · z-score · more often from ${a} →`,
    tip: (term: string, z: string, ca: string, cb: string, a: string, b: string, p: string) =>
      `“${term}”: z = ${z}; ${ca} × ${a}, ${cb} × ${b}; p (BH) = ${p}`,
  },
  de: {
    title: "Was die Kommentare der Gruppen unterscheidet",
    subtitle: (pct: string) =>
      `z-Wert der gewichteten Log-Odds je Wort und Wortpaar; hohl: nicht signifikant (${pct} %, BH)`,
    axis: (a: string, b: string) => `← häufiger bei ${b} · z-Wert · häufiger bei ${a} →`,
    tip: (term: string, z: string, ca: string, cb: string, a: string, b: string, p: string) =>
      `„${term}“: z = ${z}; ${ca} × ${a}, ${cb} × ${b}; p (BH) = ${p}`,
  },
};

/** The two colours: the NPS categories' vermillion (group a) and blue (group b). */
const COLORS = [CATEGORY_COLORS.Detractor, CATEGORY_COLORS.Promoter];

/**
 * Diverging bars of a `commentDrivers` result: the `top` terms of each group
 * by z-score (`statistic`), group a's to the right in vermillion, group b's
 * to the left in blue, strongest at the ends; bars of terms that are not
 * significant are drawn hollow. The tooltip gives the counts per group and
 * the adjusted p-value. Group names are the NPS categories in the chart's
 * language (default groups) or the group values; `labels` overrides them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { commentDrivers } from "../text/comment_drivers.ts";
 * import { renderSvg } from "./render.ts";
 * import { commentDriverChart } from "./comment_drivers.ts";
 * const t = aq.table({
 *   nps_score: [1, 2, 3, 10, 9, 10],
 *   comment: ["slow app", "slow", "slow again", "great", "great staff", "great"],
 * });
 * const svg = renderSvg(commentDriverChart(commentDrivers(t, { minCount: 3 }), { lang: "de" }));
 * assert.ok(svg.includes("„slow“: z = ") && svg.includes("Kritiker (0–6)"));
 * ```
 */
export function commentDriverChart(
  result: ColumnTable,
  options: CommentDriverChartOptions = {},
): ChartSpec {
  checkOptions("commentDriverChart", options, COMMENT_DRIVER_CHART_OPTIONS);
  const f = chartFormat(options, "commentDriverChart");
  const w = WORDS[f.lang];
  const names = result.columnNames();
  if (!["term", "group", "statistic", "count_a", "count_b"].every((c) => names.includes(c))) {
    throw new CxOptionsError(
      `commentDriverChart needs a result of commentDrivers(); got columns ${names.join(", ")}`,
    );
  }
  const { top = 10 } = options;
  if (!Number.isInteger(top) || top < 1) {
    throw new CxOptionsError(
      `commentDriverChart: option "top" must be a whole number ≥ 1, got ${JSON.stringify(top)}`,
    );
  }
  const all = result.objects() as Record<string, unknown>[];
  const labels = options.labels ?? groupLabels(result, all, f.lang);
  const a = all.filter((r) => (r.statistic as number) > 0).slice(0, top);
  const b = all.filter((r) => (r.statistic as number) < 0).slice(-top);
  const rows = [...a, ...b].map((r): Record<string, unknown> & { side: string; tip: string } => ({
    ...r,
    side: labels[(r.statistic as number) > 0 ? 0 : 1],
    tip: w.tip(
      String(r.term),
      f.num(r.statistic, 2),
      f.int(r.count_a),
      f.int(r.count_b),
      labels[0],
      labels[1],
      f.round(r.p_adjusted, 4),
    ),
  }));
  const confidence = metaOf(result, "text")?.options.confidence;
  const pct = f.num(100 * (typeof confidence === "number" ? confidence : 0.95), 0);
  const title = options.title ?? w.title;
  return {
    title,
    subtitle: options.subtitle ?? w.subtitle(pct),
    ariaLabel: title,
    marginLeft: 10 + 7 * Math.max(4, ...rows.map((r) => String(r.term).length)),
    marginRight: 20,
    height: 80 + 22 * rows.length,
    x: {
      label: options.xLabel ?? w.axis(labels[0], labels[1]),
      grid: true,
      tickFormat: f.ticks("number"),
    },
    y: { label: null, domain: rows.map((r) => String(r.term)) },
    color: { domain: labels, range: COLORS, legend: true },
    marks: [
      Plot.barX(rows.filter((r) => r.significant === true), {
        y: "term",
        x: "statistic",
        fill: "side",
        title: "tip",
      }),
      Plot.barX(rows.filter((r) => r.significant !== true), {
        y: "term",
        x: "statistic",
        fill: "white",
        stroke: "side",
        inset: 0.5,
        title: "tip",
      }),
      Plot.ruleX([0]),
    ],
  };
}

/**
 * Names of groups a and b: from the result's metadata, else from its rows;
 * the NPS categories in the chart's language with their scores.
 */
function groupLabels(
  result: ColumnTable,
  rows: Record<string, unknown>[],
  lang: "en" | "de",
): [string, string] {
  const groups = metaOf(result, "text")?.groups;
  const sides = groups ? [groups.a, groups.b] : [
    rows.find((r) => (r.statistic as number) > 0)?.group,
    rows.findLast((r) => (r.statistic as number) < 0)?.group,
  ];
  return sides.map((g) =>
    g === "Detractor" || g === "Promoter"
      ? CATEGORY_LEGENDS[lang][g as NpsCategory]
      : String(g ?? "")
  ) as [string, string];
}
