/**
 * Distribution of 0–10 "likelihood to recommend" answers, coloured by NPS
 * category.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import {
  CHART_LOCALE_OPTIONS,
  type ChartFormat,
  chartFormat,
  type ChartLang,
  type ChartLocaleOptions,
} from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import {
  NPS_CATEGORIES,
  NPS_SCALE,
  type NpsCategory,
  npsCategory,
  npsRange,
} from "../schema/scales.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@linkcode scoreDistributionChart}. */
export interface ScoreDistributionOptions extends ChartLocaleOptions {
  /** Column holding the 0–10 score. Default `"nps_score"`. */
  score?: string;
  /** Chart title. Default `"Likelihood to recommend: answers per score"`. */
  title?: string;
  /** Subtitle. Default: the number of answers. */
  subtitle?: string;
  /** Label of the score axis. Default `"Likelihood to recommend (0–10)"`. */
  xLabel?: string;
  /** Label of the count axis. Default `"Answers"`. */
  yLabel?: string;
}

const SCORE_DISTRIBUTION_OPTIONS = optionNames<ScoreDistributionOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "score",
  "title",
  "subtitle",
  "xLabel",
  "yLabel",
]);

/** One bar of the chart: how many answers gave `score`. */
interface ScoreCount {
  /** The score, 0–10. */
  score: number;
  /** Answers with that score. */
  count: number;
  /** NPS category of the score. */
  category: NpsCategory;
}

/**
 * Colours that stay apart for the common colour-vision deficiencies (Okabe–Ito
 * vermillion and blue, with a neutral grey for passives) and keep at least 3:1
 * contrast against white, as WCAG asks of graphics.
 */
export const CATEGORY_COLORS: Record<NpsCategory, string> = {
  Detractor: "#D55E00",
  Passive: "#8C8C8C",
  Promoter: "#0072B2",
};

/** Legend labels of the NPS categories, with their score ranges, in each chart language. */
export const CATEGORY_LEGENDS: Record<ChartLang, Record<NpsCategory, string>> = {
  en: withRanges({ Detractor: "Detractor", Passive: "Passive", Promoter: "Promoter" }),
  de: withRanges({ Detractor: "Kritiker", Passive: "Passive", Promoter: "Promotoren" }),
};

function withRanges(names: Record<NpsCategory, string>): Record<NpsCategory, string> {
  return Object.fromEntries(
    NPS_CATEGORIES.map((c) => [c, `${names[c]} (${npsRange(c)})`]),
  ) as Record<NpsCategory, string>;
}

/** Legend labels of the NPS categories, with their score ranges. */
export const CATEGORY_LABELS: Record<NpsCategory, string> = CATEGORY_LEGENDS.en;

/** The NPS categories as plural nouns in each chart language ("detractors"). */
export const CATEGORY_NAMES: Record<ChartLang, Record<NpsCategory, string>> = {
  en: { Detractor: "detractors", Passive: "passives", Promoter: "promoters" },
  de: { Detractor: "Kritiker", Passive: "Passive", Promoter: "Promotoren" },
};

const WORDS = {
  en: {
    title: "Likelihood to recommend: answers per score",
    answers: (n: number, text: string) => `${text} answer${n === 1 ? "" : "s"}`,
    axis: "Likelihood to recommend (0–10)",
    count: "Answers",
    tip: (score: number, category: NpsCategory, n: number, text: string) =>
      `Score ${score} (${category.toLowerCase()}): ${text} answer${n === 1 ? "" : "s"}`,
  },
  de: {
    title: "Weiterempfehlungsbereitschaft: Antworten je Wert",
    answers: (n: number, text: string) => `${text} Antwort${n === 1 ? "" : "en"}`,
    axis: "Weiterempfehlungsbereitschaft (0–10)",
    count: "Antworten",
    tip: (score: number, category: NpsCategory, n: number, text: string) =>
      `Wert ${score} (${CATEGORY_LEGENDS.de[category].replace(/ \(.*/, "")}): ${text} Antwort${
        n === 1 ? "" : "en"
      }`,
  },
};

/**
 * Bar chart of answer counts per score 0–10, coloured by NPS category
 * (detractor 0–6, passive 7–8, promoter 9–10). Every score gets a bar, even
 * one nobody gave; missing answers (`null`/`undefined`) are skipped. Returns a
 * Plot spec: render it with `renderSvg` or show it in a notebook with `display`.
 * Words and numbers follow `lang` and `locale` (`{ locale: "de-DE" }`: German).
 *
 * Throws a `CxOptionsError` when the score column is missing and a
 * `CxDataError` naming the column when a score is not a whole number 0–10.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { renderSvg } from "./render.ts";
 * import { scoreDistributionChart } from "./scores.ts";
 * const answers = aq.table({ nps_score: [10, 9, 9, 7, 3, null] });
 * const svg = renderSvg(scoreDistributionChart(answers, { title: "Q1 survey" }));
 * assert.ok(svg.includes("Q1 survey"));
 * assert.ok(renderSvg(scoreDistributionChart(answers, { lang: "de" })).includes("5 Antworten"));
 * ```
 */
export function scoreDistributionChart(
  table: ColumnTable,
  options: ScoreDistributionOptions = {},
): ChartSpec {
  checkOptions("scoreDistributionChart", options, SCORE_DISTRIBUTION_OPTIONS);
  const f = chartFormat(options, "scoreDistributionChart");
  const { score = "nps_score", title = WORDS[f.lang].title } = options;
  if (typeof score !== "string" || score === "") {
    throw new CxOptionsError(
      `Option "score" must be a column name, got ${JSON.stringify(score)}`,
    );
  }
  if (typeof title !== "string") {
    throw new CxOptionsError(`Option "title" must be a string, got ${typeof title}`);
  }
  if (!table.columnNames().includes(score)) {
    throw new CxOptionsError(
      `Option "score" names column "${score}", which is not in the table ` +
        `(columns: ${table.columnNames().join(", ")}); pass { score: "<your column>" }`,
    );
  }
  const counts = countScores(table.array(score), score);
  return scoreSpec(counts, { ...options, title }, f);
}

/** Counts answers per score 0–10 (all 11 present), rejecting anything else. */
function countScores(values: ArrayLike<unknown>, column: string): ScoreCount[] {
  const counts = new Array<number>(NPS_SCALE.max + 1).fill(0);
  const problems: CxProblem[] = [];
  let bad = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === "number" && Number.isInteger(v) && v >= NPS_SCALE.min && v <= NPS_SCALE.max) {
      counts[v]++;
    } else if (bad++ < 20) {
      problems.push({
        row: null,
        column,
        value: String(v),
        reason: `table row index ${i}: an NPS score must be a whole number from ` +
          `${NPS_SCALE.min} to ${NPS_SCALE.max}; ` +
          "fix or filter these rows before charting",
      });
    }
  }
  if (bad > 0) throw new CxDataError(problems, bad, `Column "${column}" has invalid NPS scores`);
  return counts.map((count, score) => ({ score, count, category: npsCategory(score) }));
}

function scoreSpec(
  counts: ScoreCount[],
  options: ScoreDistributionOptions & { title: string },
  f: ChartFormat,
): ChartSpec {
  const { title } = options;
  const w = WORDS[f.lang];
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const max = Math.max(1, ...counts.map((c) => c.count));
  const categories = NPS_CATEGORIES;
  return {
    title,
    subtitle: options.subtitle ?? w.answers(total, f.int(total)),
    ariaLabel: title,
    marginLeft: 48,
    x: {
      type: "band",
      domain: counts.map((c) => c.score),
      label: options.xLabel ?? w.axis,
    },
    // Counts are whole answers: at most one tick per answer keeps ticks integral.
    y: {
      domain: [0, max],
      ticks: Math.min(10, max),
      grid: true,
      label: options.yLabel ?? w.count,
      tickFormat: f.ticks("number"),
    },
    color: {
      domain: categories,
      range: categories.map((c) => CATEGORY_COLORS[c]),
      tickFormat: (c: NpsCategory) => CATEGORY_LEGENDS[f.lang][c],
      legend: true,
    },
    marks: [
      Plot.barY(counts, {
        x: "score",
        y: "count",
        fill: "category",
        title: (c: ScoreCount) => w.tip(c.score, c.category, c.count, f.int(c.count)),
      }),
      Plot.ruleY([0]),
    ],
  };
}
