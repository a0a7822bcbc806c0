/**
 * Chart of `transitions`: a transition matrix heatmap, rows the step a
 * customer comes from (start first), columns the step they go to (end
 * last), each cell the probability of that next step with its count.
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

/** Options of {@link transitionChart}. */
export interface TransitionChartOptions extends ChartLocaleOptions {
  /** Title (default "Where customers go next"). */
  title?: string;
  /** Subtitle (default: what a cell shows). */
  subtitle?: string;
}

const TRANSITION_CHART_OPTIONS = optionNames<TransitionChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "title",
  "subtitle",
]);

const WORDS = {
  en: {
    title: "Where customers go next",
    note: "Share of the moves out of each step (row) that go to each next step (column)",
    from: "From",
    to: "To",
    tip: (from: string, to: string, p: string, n: string, low: string, high: string) =>
      `${from} → ${to}: ${p} (${low}–${high}), ${n} ${n === "1" ? "move" : "moves"}`,
  },
  de: {
    title: "Wohin Kunden als Nächstes gehen",
    note: "Anteil der Übergänge aus jedem Schritt (Zeile) in jeden nächsten Schritt (Spalte)",
    from: "Von",
    to: "Nach",
    tip: (from: string, to: string, p: string, n: string, low: string, high: string) =>
      `${from} → ${to}: ${p} (${low}–${high}), ${n} ${n === "1" ? "Übergang" : "Übergänge"}`,
  },
};

/**
 * A transition matrix heatmap of a `transitions` result: one cell per from ×
 * to pair, shaded by `probability` (five steps of 20 %), labelled with the
 * percentage; the tooltip adds the interval and the count. With segments
 * the matrices are stacked, one panel per segment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { transitions } from "../analysis/journey/transitions.ts";
 * import { renderSvg } from "./render.ts";
 * import { transitionChart } from "./journey_paths.ts";
 * const d = (day: number) => new Date(Date.UTC(2025, 0, day));
 * const events = aq.table({
 *   customer_id: ["a", "a", "b"],
 *   date: [d(1), d(2), d(1)],
 *   step: ["web", "buy", "web"],
 * });
 * const svg = renderSvg(transitionChart(transitions(events)));
 * assert.ok(svg.includes("Where customers go next") && svg.includes("(start)"));
 * ```
 */
export function transitionChart(
  result: ColumnTable,
  options: TransitionChartOptions = {},
): ChartSpec {
  checkOptions("transitionChart", options, TRANSITION_CHART_OPTIONS);
  for (const name of ["from", "to", "probability", "transitions"]) {
    if (!result.columnNames().includes(name)) {
      throw new CxOptionsError(
        `transitionChart: the table has no column "${name}"; pass the result of transitions(…)`,
      );
    }
  }
  const f = chartFormat(options, "transitionChart");
  const w = WORDS[f.lang];
  const by = (metaOf(result, "journey")?.options.by as string[] | undefined) ?? [];
  const rows = (result.objects() as Record<string, unknown>[]).map((r) => ({
    from: String(r.from),
    to: String(r.to),
    p: r.probability as number,
    group: by.map((b) => String(r[b])).join(" · "),
    tip: w.tip(
      String(r.from),
      String(r.to),
      f.share(r.probability, 0),
      f.int(r.transitions),
      f.share(r.probability_low, 0),
      f.share(r.probability_high, 0),
    ),
  }));
  const froms = [...new Set(rows.map((r) => r.from))];
  const tos = [...new Set(rows.map((r) => r.to))];
  const end = tos.filter((t) => t === "(end)");
  const toDomain = [...tos.filter((t) => t !== "(end)"), ...end];
  const groups = [...new Set(rows.map((r) => r.group))];
  const fy = by.length ? "group" : undefined;
  const title = options.title ?? w.title;
  const cell = 44, left = 12 + 7 * Math.max(...froms.map((s) => s.length), 4);
  const bottom = 30 + 6 * Math.max(...toDomain.map((s) => s.length), 4);
  return {
    title,
    subtitle: options.subtitle ?? w.note,
    ariaLabel: title,
    marginLeft: left,
    marginBottom: bottom,
    marginRight: fy ? 80 : 20,
    width: left + cell * toDomain.length + (fy ? 80 : 20),
    height: 20 + bottom + groups.length * (cell * froms.length + 10),
    x: { label: w.to, domain: toDomain, tickRotate: -35 },
    y: { label: w.from, domain: froms },
    fy: fy ? { label: null, domain: groups } : undefined,
    color: {
      type: "threshold",
      scheme: "blues",
      domain: [0.2, 0.4, 0.6, 0.8],
      tickFormat: (v: number) => f.share(v, 0),
      legend: true,
    },
    marks: [
      Plot.cell(rows, { x: "to", y: "from", fy, fill: "p", inset: 0.5, title: "tip" }),
      Plot.text(rows, {
        x: "to",
        y: "from",
        fy,
        text: (r: { p: number }) => f.share(r.p, 0),
        fill: (r: { p: number }) => r.p >= 0.6 ? "white" : "black",
      }),
    ],
  };
}
