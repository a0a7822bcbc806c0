/**
 * Distribution of 0–10 "likelihood to recommend" answers, coloured by NPS
 * category.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import type { ChartSpec } from "./render.ts";

/** Options of {@linkcode scoreDistributionChart}. */
export interface ScoreDistributionOptions {
  /** Column holding the 0–10 score. Default `"nps_score"`. */
  score?: string;
  /** Chart title. Default `"Likelihood to recommend: answers per score"`. */
  title?: string;
}

/** One bar of the chart: how many answers gave `score`. */
interface ScoreCount {
  /** The score, 0–10. */
  score: number;
  /** Answers with that score. */
  count: number;
  /** NPS category of the score. */
  category: NpsCategory;
}

/** NPS category of a score: detractor 0–6, passive 7–8, promoter 9–10. */
export type NpsCategory = "Detractor" | "Passive" | "Promoter";

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

/** Legend labels of the NPS categories, with their score ranges. */
export const CATEGORY_LABELS: Record<NpsCategory, string> = {
  Detractor: "Detractor (0–6)",
  Passive: "Passive (7–8)",
  Promoter: "Promoter (9–10)",
};

/**
 * Bar chart of answer counts per score 0–10, coloured by NPS category
 * (detractor 0–6, passive 7–8, promoter 9–10). Every score gets a bar, even
 * one nobody gave; missing answers (`null`/`undefined`) are skipped. Returns a
 * Plot spec: render it with `renderSvg` or show it in a notebook with `display`.
 *
 * Throws a `CxOptionsError` when the score column is missing and a
 * `CxDataError` naming the column when a score is not a whole number 0–10.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import "@uwdata/flechette";
 * import * as aq from "arquero";
 * import { renderSvg } from "./render.ts";
 * import { scoreDistributionChart } from "./scores.ts";
 * const answers = aq.table({ nps_score: [10, 9, 9, 7, 3, null] });
 * const svg = renderSvg(scoreDistributionChart(answers, { title: "Q1 survey" }));
 * assert.ok(svg.includes("Q1 survey"));
 * ```
 */
export function scoreDistributionChart(
  table: ColumnTable,
  options: ScoreDistributionOptions = {},
): ChartSpec {
  const { score = "nps_score", title = "Likelihood to recommend: answers per score" } = options;
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
  return scoreSpec(counts, title);
}

/** Counts answers per score 0–10 (all 11 present), rejecting anything else. */
function countScores(values: ArrayLike<unknown>, column: string): ScoreCount[] {
  const counts = new Array<number>(11).fill(0);
  const problems: CxProblem[] = [];
  let bad = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 10) {
      counts[v]++;
    } else if (bad++ < 20) {
      problems.push({
        row: null,
        column,
        value: String(v),
        reason: `table row index ${i}: an NPS score must be a whole number from 0 to 10; ` +
          "fix or filter these rows before charting",
      });
    }
  }
  if (bad > 0) throw new CxDataError(problems, bad, `Column "${column}" has invalid NPS scores`);
  return counts.map((count, score) => ({ score, count, category: npsCategory(score) }));
}

/** NPS category of a 0–10 score. */
function npsCategory(score: number): NpsCategory {
  return score <= 6 ? "Detractor" : score <= 8 ? "Passive" : "Promoter";
}

function scoreSpec(counts: ScoreCount[], title: string): ChartSpec {
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const max = Math.max(1, ...counts.map((c) => c.count));
  const categories = Object.keys(CATEGORY_COLORS) as NpsCategory[];
  return {
    title,
    subtitle: `${total.toLocaleString("en-US")} answer${total === 1 ? "" : "s"}`,
    ariaLabel: title,
    marginLeft: 48,
    x: {
      type: "band",
      domain: counts.map((c) => c.score),
      label: "Likelihood to recommend (0–10)",
    },
    // Counts are whole answers: at most one tick per answer keeps ticks integral.
    y: { domain: [0, max], ticks: Math.min(10, max), grid: true, label: "Answers" },
    color: {
      domain: categories,
      range: categories.map((c) => CATEGORY_COLORS[c]),
      tickFormat: (c: NpsCategory) => CATEGORY_LABELS[c],
      legend: true,
    },
    marks: [
      Plot.barY(counts, {
        x: "score",
        y: "count",
        fill: "category",
        title: (c: ScoreCount) =>
          `Score ${c.score} (${c.category.toLowerCase()}): ${c.count} answer${
            c.count === 1 ? "" : "s"
          }`,
      }),
      Plot.ruleY([0]),
    ],
  };
}
