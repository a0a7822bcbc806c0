/**
 * Charts of survival curves: Kaplan–Meier step curves per group with their
 * interval bands and censoring marks, and the number-at-risk table drawn on
 * the same time axis so it lines up under the curves.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as Plot from "@observablehq/plot";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { kmGroupColumns } from "../analysis/survival/kaplan_meier.ts";
import { resultGroups } from "../analysis/survival/counts.ts";
import { atRisk, type AtTimesOptions, timesOf } from "../analysis/survival/summary.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/**
 * Okabe–Ito colours (distinguishable with the common colour-vision
 * deficiencies); the yellow is left out, too light on white.
 */
export const SURVIVAL_COLORS: readonly string[] = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
];

/** Left margin shared by both charts, so the at-risk numbers sit under the curves' times. */
const MARGIN_LEFT = 120;

/** Options of {@link kaplanMeierChart}. */
export interface KaplanMeierChartOptions extends ChartLocaleOptions {
  /** Shade the pointwise interval around each curve (default `true`). */
  band?: boolean;
  /** Mark censoring times on the curves with "+" (default `true`). */
  censorTicks?: boolean;
  /** Chart title (default: "Survival by …" or "Survival (Kaplan–Meier)"). */
  title?: string;
  /** Subtitle (default: what the band and the "+" marks are). */
  subtitle?: string;
  /** Time unit for the axis label (default: from the result's metadata). */
  unit?: string;
  /** Label of the time axis (default "Time since start (<unit>)"). */
  xLabel?: string;
  /** What the curve measures, for the y axis (default `"Survival probability"`). */
  yLabel?: string;
  /** Show the y axis in percent (0–100 %) instead of probabilities 0–1 (default `false`). */
  percent?: boolean;
  /**
   * Draw a step only when it is at least this much time after the last one
   * drawn of its curve (default `0`: every step). Thousands of customers
   * make a step every day; a resolution below one pixel (e.g. `0.25` months
   * on a 5-year axis) keeps the picture and makes the SVG a fraction of the
   * size. The last step is always drawn; censor marks are not thinned.
   */
  resolution?: number;
}

const KAPLAN_MEIER_CHART_OPTIONS = optionNames<KaplanMeierChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "band",
  "censorTicks",
  "title",
  "subtitle",
  "unit",
  "xLabel",
  "yLabel",
  "percent",
  "resolution",
]);

/** The chart's own words in each language. */
const WORDS = {
  en: {
    by: (by: string) => `Survival by ${by}`,
    title: "Survival (Kaplan–Meier)",
    band: (level: string, transform: string) => `Shaded: ${level}pointwise intervals${transform}`,
    censored: "+ marks a censored customer",
    atRisk: "Number at risk",
    y: "Survival probability",
    time: (unit: string | undefined) => unit ? `Time since start (${unit})` : "Time since start",
    tip: (group: string, n: string, time: string, s: string) =>
      `${group}: ${n} censored at ${time}, S = ${s}`,
  },
  de: {
    by: (by: string) => `Überleben nach ${by}`,
    title: "Überleben (Kaplan-Meier)",
    band: (level: string, transform: string) =>
      `Schattiert: punktweise ${level}Intervalle${transform}`,
    censored: "+ markiert einen zensierten Kunden",
    atRisk: "Anzahl unter Risiko",
    y: "Überlebenswahrscheinlichkeit",
    time: (unit: string | undefined) => unit ? `Zeit seit Beginn (${unit})` : "Zeit seit Beginn",
    tip: (group: string, n: string, time: string, s: string) =>
      `${group}: ${n} zensiert bei ${time}, S = ${s}`,
  },
};

/**
 * Kaplan–Meier curves as steps from S(0) = 1, one colour per group, with the
 * interval band and "+" where customers were censored. Gaps in the band are
 * times without an interval (S = 1 under `log-log`, S = 0). Returns a Plot
 * spec: render with `renderSvg`, show in a notebook with `display`. Words
 * and numbers follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kaplanMeier } from "../analysis/survival/kaplan_meier.ts";
 * import { renderSvg } from "./render.ts";
 * import { kaplanMeierChart } from "./survival.ts";
 * const t = aq.table({ plan: ["a", "a", "b", "b"], time: [3, 5, 2, 8], event: [1, 0, 1, 1] });
 * const svg = renderSvg(kaplanMeierChart(kaplanMeier(t, { by: "plan" })));
 * assert.ok(svg.includes("Survival by plan"));
 * const de = kaplanMeierChart(kaplanMeier(t, { by: "plan" }), { locale: "de-DE", percent: true });
 * assert.ok(renderSvg(de).includes("Überleben nach plan") && renderSvg(de).includes("50&#160;%"));
 * ```
 */
export function kaplanMeierChart(
  km: ColumnTable,
  options: KaplanMeierChartOptions = {},
): ChartSpec {
  checkOptions("kaplanMeierChart", options, KAPLAN_MEIER_CHART_OPTIONS);
  const { band = true, censorTicks = true, resolution = 0 } = options;
  if (typeof resolution !== "number" || !(resolution >= 0)) {
    throw new CxOptionsError(
      `kaplanMeierChart: option "resolution" must be a time ≥ 0, got ${JSON.stringify(resolution)}`,
    );
  }
  const by = kmGroupColumns(km);
  const meta = metaOf(km, "survival");
  const groups = curveGroups(km, by);
  const { points, censored } = curvePoints(groups, resolution);
  const f = chartFormat(options, "kaplanMeierChart");
  const w = WORDS[f.lang];
  const unit = options.unit ?? meta?.unit;
  const title = options.title ?? (by.length ? w.by(by.join(" × ")) : w.title);
  const levelText = meta ? `${f.round(meta.confidence * 100, 1)} % ` : "";
  const subtitle = options.subtitle ?? [
    band ? w.band(levelText, meta ? ` (${meta.transform})` : "") : "",
    censorTicks ? w.censored : "",
  ].filter(Boolean).join("; ");
  const domain = groups.map((g) => g.label);
  const fmt = (v: number) => f.round(v, 3);
  return {
    title,
    subtitle: subtitle || undefined,
    ariaLabel: title,
    marginLeft: MARGIN_LEFT,
    marginRight: 20,
    x: {
      label: options.xLabel ?? w.time(unit),
      domain: timeDomain(km),
      grid: true,
      tickFormat: f.ticks("number"),
    },
    y: {
      label: options.yLabel ?? w.y,
      domain: [0, 1],
      grid: true,
      tickFormat: options.percent ? (f.ticks("share") ?? "%") : f.ticks("number"),
    },
    color: { domain, range: domain.map(paletteColour), legend: by.length > 0 },
    marks: [
      ...(band
        ? [Plot.areaY(points, {
          x: "time",
          y1: "low",
          y2: "high",
          z: "group",
          fill: "group",
          fillOpacity: 0.15,
          curve: "step-after",
        })]
        : []),
      Plot.line(points, {
        x: "time",
        y: "survival",
        z: "group",
        stroke: "group",
        strokeWidth: 2,
        curve: "step-after",
      }),
      ...(censorTicks
        ? [Plot.dot(censored, {
          x: "time",
          y: "survival",
          stroke: "group",
          symbol: "plus",
          r: 3,
          title: (d: { group: string; time: number; survival: number; n_censor: number }) =>
            w.tip(d.group, f.int(d.n_censor), fmt(d.time), fmt(d.survival)),
        })]
        : []),
      Plot.ruleY([0]),
    ],
  };
}

/**
 * The number-at-risk table printed under a Kaplan–Meier chart, one row per
 * group and one column per time (named by the time), from {@link atRisk}:
 * `group, <t₁>, <t₂>, …`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kaplanMeier } from "../analysis/survival/kaplan_meier.ts";
 * import { atRiskTable } from "./survival.ts";
 * const km = kaplanMeier(aq.table({ time: [2, 4, 6, 8], event: [1, 1, 0, 1] }));
 * const table = atRiskTable(km, { times: [0, 5] });
 * assert.ok(table.get("0", 0) === 4 && table.get("5", 0) === 2);
 * ```
 */
export function atRiskTable(km: ColumnTable, options: AtTimesOptions): ColumnTable {
  const times = timesOf(options, "atRiskTable");
  const by = kmGroupColumns(km);
  const counts = atRisk(km, { times }).objects() as Record<
    string,
    unknown
  >[];
  const wanted = [...new Set(counts.map((r) => r.time as number))];
  const rows = new Map<string, Record<string, unknown>>();
  for (const r of counts) {
    const group = groupLabel(by.map((c) => r[c]));
    const row = rows.get(group) ?? { group };
    row[String(r.time)] = r.n_risk;
    rows.set(group, row);
  }
  const columns = ["group", ...wanted.map(String)];
  // Names are passed separately: object keys like "0" would otherwise come first.
  return aq.table(
    Object.fromEntries(columns.map((c) => [c, [...rows.values()].map((r) => r[c])])),
    columns,
  );
}

/** Options of {@link atRiskChart}. */
export interface AtRiskChartOptions extends ChartLocaleOptions, AtTimesOptions {
  /** Title (default `"Number at risk"`). */
  title?: string;
  /** Time unit for the axis label (default: from the result's metadata). */
  unit?: string;
  /** Label of the time axis (default "Time since start (<unit>)"). */
  xLabel?: string;
}

const AT_RISK_CHART_OPTIONS = optionNames<AtRiskChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "title",
  "unit",
  "xLabel",
  "times",
]);

/**
 * The number at risk at chosen times as a chart to place under
 * {@link kaplanMeierChart}: the same width, left margin and time axis, one
 * line of numbers per group. Words and numbers follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kaplanMeier } from "../analysis/survival/kaplan_meier.ts";
 * import { renderSvg } from "./render.ts";
 * import { atRiskChart } from "./survival.ts";
 * const km = kaplanMeier(aq.table({ time: [2, 4, 6, 8], event: [1, 1, 0, 1] }));
 * assert.ok(renderSvg(atRiskChart(km, { times: [0, 5] })).includes(">4<"));
 * assert.ok(
 *   renderSvg(atRiskChart(km, { times: [0, 5], lang: "de" })).includes("Anzahl unter Risiko"),
 * );
 * ```
 */
export function atRiskChart(km: ColumnTable, options: AtRiskChartOptions): ChartSpec {
  const times = timesOf(options, "atRiskChart", AT_RISK_CHART_OPTIONS);
  const f = chartFormat(options, "atRiskChart");
  const w = WORDS[f.lang];
  const by = kmGroupColumns(km);
  const domain = curveGroups(km, by).map((g) => g.label);
  const counts = (atRisk(km, { times }).objects() as Record<string, unknown>[]).map((r) => ({
    group: groupLabel(by.map((c) => r[c])),
    time: r.time as number,
    n_risk: r.n_risk as number,
  }));
  const title = options.title ?? w.atRisk;
  return {
    title,
    ariaLabel: title,
    marginLeft: MARGIN_LEFT,
    marginRight: 20,
    height: 50 + 22 * domain.length,
    x: {
      label: options.xLabel ?? w.time(options.unit ?? metaOf(km, "survival")?.unit),
      domain: timeDomain(km),
      tickFormat: f.ticks("number"),
    },
    // Padding keeps the group names clear of the numbers at time 0.
    y: { label: null, domain, tickSize: 0, tickPadding: 20 },
    marks: [
      // Black numbers: the lighter curve colours are too faint for small text (WCAG 4.5:1).
      Plot.text(counts, {
        x: "time",
        y: "group",
        text: (d: { n_risk: number }) => f.int(d.n_risk),
        fontVariant: "tabular-nums",
      }),
    ],
  };
}

/** Every row at least `resolution` after the last kept one, and always the last row. */
function thin(rows: Record<string, unknown>[], resolution: number): Record<string, unknown>[] {
  if (!(resolution > 0)) return rows;
  let last = -Infinity;
  return rows.filter((r, i) => {
    const keep = (r.time as number) - last >= resolution || i === rows.length - 1;
    if (keep) last = r.time as number;
    return keep;
  });
}

/** The steps of each curve from S(0) = 1, thinned to `resolution`, and the censoring times. */
function curvePoints(groups: ReturnType<typeof curveGroups>, resolution: number) {
  const points = groups.flatMap((g) => [
    { group: g.label, time: 0, survival: 1, low: 1, high: 1, n_risk: g.rows[0].n_risk },
    ...thin(g.rows, resolution).map((r) => ({
      group: g.label,
      time: r.time as number,
      survival: r.survival as number,
      low: r.survival_low as number | null,
      high: r.survival_high as number | null,
      n_risk: r.n_risk as number,
    })),
  ]);
  const censored = groups.flatMap((g) =>
    g.rows.filter((r) => (r.n_censor as number) > 0).map((r) => ({
      group: g.label,
      time: r.time as number,
      survival: r.survival as number,
      n_censor: r.n_censor as number,
    }))
  );
  return { points, censored };
}

function paletteColour(_: unknown, i: number): string {
  return SURVIVAL_COLORS[i % SURVIVAL_COLORS.length];
}

function curveGroups(km: ColumnTable, by: string[]) {
  const groups = resultGroups(km, by).map((g) => ({ ...g, label: groupLabel(g.key) }));
  const labels = new Set(groups.map((g) => g.label));
  if (labels.size !== groups.length) {
    throw new CxOptionsError(
      `Two groups of ${by.join(", ")} have the same label; rename them before charting`,
    );
  }
  return groups;
}

/** A group's label: its `by` values joined with " · ", or "All" without groups. */
function groupLabel(key: unknown[]): string {
  return key.length ? key.map((v) => String(v)).join(" · ") : "All";
}

function timeDomain(km: ColumnTable): [number, number] {
  const times = km.array("time") as number[];
  let max = 0;
  for (const t of times) if (t > max) max = t;
  return [0, max > 0 ? max : 1];
}
