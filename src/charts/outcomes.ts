/**
 * Chart of {@link scoreOutcomes}: Kaplan–Meier curves of time to churn by NPS
 * group, in the NPS category colours, with the result's one-line summary as
 * caption.
 *
 * @module
 */
import type { ScoreOutcomes } from "../analysis/outcomes/result.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import { CATEGORY_COLORS, CATEGORY_LEGENDS } from "./scores.ts";
import type { NpsCategory } from "../schema/scales.ts";
import { kaplanMeierChart } from "./survival.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link scoreOutcomeChart}. */
export interface ScoreOutcomeChartOptions extends ChartLocaleOptions {
  /** Shade the pointwise intervals (default `true`). */
  band?: boolean;
  /** Mark censored customers with "+" (default `false`: thousands of marks hide the curves). */
  censorTicks?: boolean;
  /** Title (default `"Time to churn by NPS group"`). */
  title?: string;
  /** Show the result's summary line under the chart (default `true`). */
  caption?: boolean;
  /** Subtitle (default: what the band is). */
  subtitle?: string;
  /** Label of the time axis (default e.g. "Months since the first answer"). */
  xLabel?: string;
  /** Label of the y axis (default "Share not yet churned"). */
  yLabel?: string;
}

const SCORE_OUTCOME_CHART_OPTIONS = optionNames<ScoreOutcomeChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "band",
  "censorTicks",
  "title",
  "caption",
  "subtitle",
  "xLabel",
  "yLabel",
]);

/** The chart's own words in each language. */
const WORDS = {
  en: {
    title: "Time to churn by NPS group",
    y: "Share not yet churned",
    since: (unit: string, origin: string) => `${capitalize(unit)} since ${origin}`,
    answer: (which: string) => `the ${which} answer`,
    signup: "signup",
  },
  de: {
    title: "Zeit bis zur Kündigung nach NPS-Gruppe",
    y: "Anteil noch nicht gekündigt",
    since: (unit: string, origin: string) =>
      `${
        ({ days: "Tage", weeks: "Wochen", months: "Monate", years: "Jahre" } as Record<
          string,
          string
        >)[unit] ?? unit
      } seit ${origin}`,
    answer: (which: string) => which === "first" ? "der ersten Antwort" : "der letzten Antwort",
    signup: "Anmeldung",
  },
};

/**
 * Kaplan–Meier curves of the share of customers not yet churned, one per NPS
 * group (`result.survival`), with interval bands; drawn by
 * `kaplanMeierChart`. Without segments the curves take the NPS category
 * colours (detractor vermillion, passive grey, promoter blue) and the legend
 * names the score ranges; with segments (`by`) every segment × group curve
 * gets its own colour from the survival palette. The x axis counts time from
 * the classifying answer (or signup), as the result was computed. Words and
 * numbers follow `lang` and `locale` (the caption is the result's summary, in English).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { scoreOutcomes } from "../analysis/outcomes/outcomes.ts";
 * import { renderSvg } from "./render.ts";
 * import { scoreOutcomeChart } from "./outcomes.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c", "e"],
 *   signup_date: Array(4).fill(d("2025-01-01")),
 *   churn_date: [d("2025-03-01"), null, d("2025-06-01"), null],
 * });
 * const responses = aq.table({
 *   customer_id: ["a", "b", "c", "e"],
 *   date: Array(4).fill(d("2025-02-01")),
 *   nps_score: [3, 10, 9, 5],
 * });
 * const result = scoreOutcomes(responses, customers, { observedUntil: d("2025-12-31") });
 * const svg = renderSvg(scoreOutcomeChart(result));
 * assert.ok(svg.includes("Time to churn by NPS group") && svg.includes("#D55E00"));
 * const de = renderSvg(scoreOutcomeChart(result, { locale: "de-DE" }));
 * assert.ok(de.includes("Tage seit der letzten Antwort") && de.includes("Kritiker (0–6)"));
 * ```
 */
export function scoreOutcomeChart(
  result: ScoreOutcomes,
  options: ScoreOutcomeChartOptions = {},
): ChartSpec {
  checkOptions("scoreOutcomeChart", options, SCORE_OUTCOME_CHART_OPTIONS);
  const { band = true, censorTicks = false, caption = true } = options;
  const f = chartFormat(options, "scoreOutcomeChart");
  const w = WORDS[f.lang];
  const { method } = result;
  const origin = method.from === "answer" ? w.answer(method.answer) : w.signup;
  const spec = kaplanMeierChart(result.survival, {
    band,
    censorTicks,
    title: options.title ?? w.title,
    subtitle: options.subtitle,
    xLabel: options.xLabel ?? w.since(method.unit, origin),
    yLabel: options.yLabel ?? w.y,
    locale: f.locale,
    lang: f.lang,
  });
  if (method.by.length === 0) {
    const domain = (spec.color?.domain ?? []) as NpsCategory[];
    spec.color = {
      ...spec.color,
      range: domain.map((g) => CATEGORY_COLORS[g]),
      tickFormat: (g: NpsCategory) => CATEGORY_LEGENDS[f.lang][g] ?? g,
      legend: true,
    };
  }
  if (caption) spec.caption = result.summary;
  return spec;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
