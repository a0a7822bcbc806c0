/**
 * Charts of correlations and key drivers: driver importance bars with
 * bootstrap intervals, the importance × performance quadrant, and a
 * correlation heatmap. Segmented results (`by`) are drawn as one panel per
 * group, stacked.
 *
 * @module
 */
import { type KeyDriversMeta, metaOf } from "../meta.ts";
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import type { DriverMethod } from "../meta.ts";
import {
  CHART_LOCALE_OPTIONS,
  type ChartFormat,
  chartFormat,
  type ChartLocaleOptions,
} from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Okabe–Ito blue and vermillion: raises / lowers the outcome. */
const SIGN_COLORS = { raises: "#0072B2", lowers: "#D55E00" } as const;
const METHOD_NAMES: Record<string, string> = {
  "relative-weights": "relative weights (Johnson 2000)",
  shapley: "Shapley values (LMG)",
};

/** driverChart's own words in each language. */
const WORDS = {
  en: {
    title: (outcome: string) => `Key drivers of ${outcome}`,
    the: "the outcome",
    axis: "Share of explained variance (%) →",
    raises: (outcome: string) => `+ higher rating, higher ${outcome}`,
    lowers: (outcome: string) => `− higher rating, lower ${outcome}`,
    direction: { raises: "raises", lowers: "lowers" } as Record<string, string>,
    ofR2: "of R²",
    raw: (weight: string, rank: string) => `raw ${weight}, rank ${rank}`,
    share: (method: string) => `Share of R² by ${method}`,
    lines: (pct: string, resamples: string) =>
      `lines: ${pct} % bootstrap intervals (${resamples} resamples)`,
  },
  de: {
    title: (outcome: string) => `Treiber von ${outcome}`,
    the: "der Zielgröße",
    axis: "Anteil an der erklärten Varianz (%) →",
    raises: (outcome: string) => `+ höhere Bewertung, höhere ${outcome}`,
    lowers: (outcome: string) => `− höhere Bewertung, niedrigere ${outcome}`,
    direction: { raises: "hebt", lowers: "senkt" } as Record<string, string>,
    ofR2: "von R²",
    raw: (weight: string, rank: string) => `Rohgewicht ${weight}, Rang ${rank}`,
    share: (method: string) => `Anteil an R² nach ${method}`,
    lines: (pct: string, resamples: string) =>
      `Linien: ${pct}-%-Bootstrap-Intervalle (${resamples} Stichproben)`,
  },
};

/** A result row with its panel label and display name. */
type Row = Record<string, unknown> & { group: string; name: string; direction?: string };

/** Options of {@link driverChart}. */
export interface DriverChartOptions extends ChartLocaleOptions {
  /** Which method to draw when the result has both (default: the first). */
  method?: DriverMethod;
  /** Chart title (default "Key drivers of <outcome>"). */
  title?: string;
  /** Subtitle (default: method, R², n and the interval settings). */
  subtitle?: string;
  /** Label of the importance axis (default "Share of explained variance (%) →"). */
  xLabel?: string;
  /** Name of the outcome in the legend and tooltips (default: its column name). */
  outcome?: string;
  /** Label of each driver (default: the column name without a `rating_` prefix). */
  label?: (driver: string) => string;
}

const DRIVER_CHART_OPTIONS = optionNames<DriverChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "method",
  "title",
  "subtitle",
  "xLabel",
  "outcome",
  "label",
]);

/**
 * Driver importance: one bar per driver with its share of the explained
 * variance (`weight_pct`), sorted from most to least important, its bootstrap
 * interval as a line, and its direction by colour and sign (blue "+": higher
 * ratings go with a higher outcome; vermillion "−": with a lower one). The
 * subtitle states method, R², n and the interval settings. With `by`, one
 * panel per group. Words and numbers follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { keyDrivers } from "../analysis/drivers/drivers.ts";
 * import { renderSvg } from "./render.ts";
 * import { driverChart } from "./drivers.ts";
 * const t = aq.table({ a: [1, -1, 1, -1], b: [1, 1, -1, -1], y: [3, -1, 1, -3] });
 * const html = renderSvg(driverChart(keyDrivers(t, { outcome: "y", drivers: ["a", "b"] })));
 * assert.ok(html.includes("Key drivers of y") && html.includes("+80.0 %"));
 * const de = driverChart(keyDrivers(t, { outcome: "y", drivers: ["a", "b"] }), { locale: "de-DE" });
 * assert.ok(renderSvg(de).includes("Treiber von y") && renderSvg(de).includes("+80,0 %"));
 * ```
 */
export function driverChart(result: ColumnTable, options: DriverChartOptions = {}): ChartSpec {
  checkOptions("driverChart", options, DRIVER_CHART_OPTIONS);
  const f = chartFormat(options, "driverChart");
  const w = WORDS[f.lang];
  const pct = (v: unknown) => `${f.num(v, 1)} %`;
  const meta = metaOf(result, "keyDrivers");
  const names = result.columnNames();
  const at = names.indexOf("driver");
  if (at < 0 || !["method", "weight_pct", "sign"].every((c) => names.includes(c))) {
    throw new CxOptionsError(
      `driverChart needs a result of keyDrivers(); got columns ${names.join(", ")}`,
    );
  }
  const by = meta?.by ?? names.slice(0, at);
  const all = result.objects() as Record<string, unknown>[];
  const method = options.method ?? (all[0]?.method as string | undefined);
  const label = options.label ?? prettyName;
  const rows = all.filter((r) => r.method === method && typeof r.weight_pct === "number")
    .map((r): Row => ({
      ...r,
      group: groupLabel(r, by),
      name: label(r.driver as string),
      direction: (r.sign as number) < 0 ? "lowers" : "raises",
    }));
  if (rows.length === 0) {
    throw new CxOptionsError(
      `driverChart: no weights to draw for method ${JSON.stringify(method)} ` +
        `(methods: ${[...new Set(all.map((r) => r.method))].join(", ")}; groups without data ` +
        `have null weights)`,
    );
  }
  // One driver order for every panel: by the mean weight across groups.
  const order = orderBy(rows, (r) => r.name, (r) => r.weight_pct as number);
  const groups = [...new Set(rows.map((r) => r.group))];
  const hasIntervals = rows.some((r) => typeof r.weight_pct_low === "number");
  const outcome = options.outcome ?? meta?.outcome ?? w.the;
  const title = options.title ?? w.title(outcome);
  const high = Math.max(
    ...rows.map((r) =>
      typeof r.weight_pct_high === "number" ? r.weight_pct_high : r.weight_pct as number
    ),
  );
  const fy = by.length ? "group" : undefined;
  const tip = (r: Row) =>
    `${r.name}: ${pct(r.weight_pct)} ${w.ofR2} ${
      hasIntervals ? `(${pct(r.weight_pct_low)}–${pct(r.weight_pct_high)}) ` : ""
    }· ${w.direction[r.direction!]} ${outcome} · ${w.raw(f.num(r.raw_weight, 4), String(r.rank))}`;
  return {
    title,
    subtitle: options.subtitle ?? subtitle(rows, method!, meta, by.length > 0, f),
    ariaLabel: title,
    marginLeft: 10 + 7 * Math.max(...order.map((d) => d.length)),
    marginRight: 70,
    height: 60 + groups.length * (24 * order.length + 30),
    x: {
      label: options.xLabel ?? w.axis,
      grid: true,
      domain: [0, high * 1.05],
      tickFormat: f.ticks("number"),
    },
    y: { label: null, domain: order },
    fy: fy ? { label: null, domain: groups } : undefined,
    color: {
      domain: ["raises", "lowers"],
      range: [SIGN_COLORS.raises, SIGN_COLORS.lowers],
      tickFormat: (d: string) => d === "raises" ? w.raises(outcome) : w.lowers(outcome),
      legend: true,
    },
    marks: importanceMarks(rows, { fy, hasIntervals, tip, pct }),
  };
}

/** Importance bars, their bootstrap intervals and the signed share written beside each. */
function importanceMarks(
  rows: Row[],
  o: { fy?: string; hasIntervals: boolean; tip: (r: Row) => string; pct: (v: unknown) => string },
): Plot.Markish[] {
  return [
    Plot.barX(rows, {
      y: "name",
      x: "weight_pct",
      fy: o.fy,
      fill: "direction",
      fillOpacity: o.hasIntervals ? 0.75 : 1,
      title: o.tip,
    }),
    ...(o.hasIntervals
      ? [
        Plot.ruleY(rows, {
          y: "name",
          x1: "weight_pct_low",
          x2: "weight_pct_high",
          fy: o.fy,
          stroke: "#333333",
          strokeWidth: 1.5,
        }),
        Plot.tickX(rows, { y: "name", x: "weight_pct_low", fy: o.fy, stroke: "#333333" }),
        Plot.tickX(rows, { y: "name", x: "weight_pct_high", fy: o.fy, stroke: "#333333" }),
      ]
      : []),
    Plot.text(rows, {
      y: "name",
      x: (r) => typeof r.weight_pct_high === "number" ? r.weight_pct_high : r.weight_pct,
      fy: o.fy,
      text: (r) => `${(r.sign as number) < 0 ? "−" : "+"}${o.pct(r.weight_pct)}`,
      textAnchor: "start",
      dx: 5,
      fill: "#333333",
    }),
    Plot.ruleX([0]),
  ];
}

function subtitle(
  rows: Record<string, unknown>[],
  method: string,
  meta: KeyDriversMeta | undefined,
  grouped: boolean,
  f: ChartFormat,
): string {
  const w = WORDS[f.lang];
  const parts = [w.share(METHOD_NAMES[method] ?? method)];
  if (!grouped) parts.push(`R² = ${f.num(rows[0].r2, 2)}, n = ${f.int(rows[0].n)}`);
  if (meta?.bootstrap) {
    parts.push(
      w.lines(f.num(meta.bootstrap.confidence * 100, 0), f.int(meta.bootstrap.resamples)),
    );
  }
  return parts.join("; ");
}

/** Options of {@link quadrantChart}. */
export interface QuadrantChartOptions extends ChartLocaleOptions {
  /** Chart title (default "Importance × performance"). */
  title?: string;
  /** Subtitle (default: where the lines are and which corner matters). */
  subtitle?: string;
  /** Label of each driver (default: the column name without a `rating_` prefix). */
  label?: (driver: string) => string;
  /** Axis label of performance (default "Mean rating"). */
  performanceLabel?: string;
  /** Axis label of importance (default "↑ Importance (% of R²)"). */
  importanceLabel?: string;
}

const QUADRANT_CHART_OPTIONS = optionNames<QuadrantChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "title",
  "subtitle",
  "label",
  "performanceLabel",
  "importanceLabel",
]);

/** quadrantChart's own words in each language; quadrants by their names in the result. */
const QUADRANT_WORDS = {
  en: {
    title: "Importance × performance",
    note: "Lines at the means of importance and performance; top left: important but rated low",
    performance: "Mean rating",
    importance: "↑ Importance (% of R²)",
    quadrants: {} as Record<string, string>,
    tip: (name: string, share: string, mean: string, n: string, quadrant: string) =>
      `${name}: ${share} of R², mean rating ${mean} (n = ${n}) — ${quadrant}`,
  },
  de: {
    title: "Wichtigkeit × Leistung",
    note:
      "Linien bei den Mittelwerten von Wichtigkeit und Leistung; oben links: wichtig, aber schlecht bewertet",
    performance: "Mittlere Bewertung",
    importance: "↑ Wichtigkeit (% von R²)",
    quadrants: {
      "Concentrate here": "Hier ansetzen",
      "Keep up the good work": "Weiter so",
      "Low priority": "Geringe Priorität",
      "Possible overkill": "Möglicherweise zu viel",
    } as Record<string, string>,
    tip: (name: string, share: string, mean: string, n: string, quadrant: string) =>
      `${name}: ${share} von R², mittlere Bewertung ${mean} (n = ${n}) — ${quadrant}`,
  },
};

/**
 * The importance × performance quadrant of an {@link importancePerformance}
 * result: each driver as a labelled dot at (mean rating, importance), dashed
 * lines at the splits (the means), and the four quadrant names in the corners
 * — top left "Concentrate here" (important, rated low) is where improvement
 * pays most. With `by`, one panel per group. Words and numbers follow `lang`
 * and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { keyDrivers } from "../analysis/drivers/drivers.ts";
 * import { importancePerformance } from "../analysis/drivers/importance.ts";
 * import { renderSvg } from "./render.ts";
 * import { quadrantChart } from "./drivers.ts";
 * const t = aq.table({ a: [4, 2, 4, 2], b: [8, 8, 6, 6], y: [16, 12, 14, 10] });
 * const ip = importancePerformance(t, keyDrivers(t, { outcome: "y", drivers: ["a", "b"] }));
 * assert.ok(renderSvg(quadrantChart(ip)).includes("Concentrate here"));
 * assert.ok(renderSvg(quadrantChart(ip, { locale: "de-DE" })).includes("Hier ansetzen"));
 * ```
 */
export function quadrantChart(ip: ColumnTable, options: QuadrantChartOptions = {}): ChartSpec {
  checkOptions("quadrantChart", options, QUADRANT_CHART_OPTIONS);
  const f = chartFormat(options, "quadrantChart");
  const w = QUADRANT_WORDS[f.lang];
  const names = ip.columnNames();
  const at = names.indexOf("driver");
  const needed = ["importance", "performance", "importance_split", "performance_split", "quadrant"];
  if (at < 0 || !needed.every((c) => names.includes(c))) {
    throw new CxOptionsError(
      `quadrantChart needs a result of importancePerformance(); got columns ${names.join(", ")}`,
    );
  }
  const by = names.slice(0, at);
  const label = options.label ?? prettyName;
  const rows = (ip.objects() as Record<string, unknown>[])
    .filter((r) => typeof r.importance === "number" && typeof r.performance === "number")
    .map((r): Row => ({ ...r, group: groupLabel(r, by), name: label(r.driver as string) }));
  if (rows.length === 0) throw new CxOptionsError("quadrantChart: no driver has both values");
  const groups = [...new Set(rows.map((r) => r.group))];
  const fy = by.length ? "group" : undefined;
  const title = options.title ?? w.title;
  const xs = rows.flatMap((r) => [r.performance as number, r.performance_split as number]);
  const ys = rows.flatMap((r) => [r.importance as number, r.importance_split as number]);
  const pad = (lo: number, hi: number, k: number): [number, number] => {
    const d = Math.max(hi - lo, 1e-9) * k;
    return [lo - d, hi + d];
  };
  const quadrant = (q: unknown) => w.quadrants[String(q)] ?? String(q);
  const tip = (r: Row) =>
    w.tip(
      String(r.name),
      `${f.num(r.importance, 1)} %`,
      f.num(r.performance, 2),
      f.int(r.n_ratings),
      quadrant(r.quadrant),
    );
  return {
    title,
    subtitle: options.subtitle ?? w.note,
    ariaLabel: title,
    marginLeft: 60,
    marginRight: fy ? 70 : 20,
    height: fy ? 50 + groups.length * 280 : 400,
    inset: 10,
    x: {
      label: `${options.performanceLabel ?? w.performance} →`,
      domain: pad(Math.min(...xs), Math.max(...xs), 0.15),
      grid: true,
      tickFormat: f.ticks("number"),
    },
    y: {
      label: options.importanceLabel ?? w.importance,
      domain: pad(Math.min(...ys), Math.max(...ys), 0.1),
      grid: true,
      tickFormat: f.ticks("number"),
    },
    fy: fy ? { label: null, domain: groups } : undefined,
    marks: quadrantMarks(rows, groups, { fy, tip, quadrant }),
  };
}

/** Dashed lines at the splits, the corner names (one panel only), the labelled dots. */
function quadrantMarks(
  rows: Row[],
  groups: string[],
  o: { fy?: string; tip: (r: Row) => string; quadrant: (q: unknown) => string },
): Plot.Markish[] {
  const { fy } = o;
  const splits = groups.map((g) => rows.find((r) => r.group === g)!);
  const corner = (text: string, frameAnchor: Plot.FrameAnchor) =>
    Plot.text([o.quadrant(text)], {
      frameAnchor,
      dx: frameAnchor.endsWith("left") ? 4 : -4,
      dy: frameAnchor.startsWith("top") ? 4 : -4,
      fill: "#666666",
      fontStyle: "italic",
    });
  return [
    Plot.ruleX(splits, { x: "performance_split", fy, strokeDasharray: "4,3", stroke: "#888888" }),
    Plot.ruleY(splits, { y: "importance_split", fy, strokeDasharray: "4,3", stroke: "#888888" }),
    ...(fy ? [] : [
      corner("Concentrate here", "top-left"),
      corner("Keep up the good work", "top-right"),
      corner("Low priority", "bottom-left"),
      corner("Possible overkill", "bottom-right"),
    ]),
    Plot.dot(rows, {
      x: "performance",
      y: "importance",
      fy,
      r: 5,
      fill: (r) => r.quadrant === "Concentrate here" ? SIGN_COLORS.lowers : SIGN_COLORS.raises,
      title: o.tip,
    }),
    Plot.text(rows, {
      x: "performance",
      y: "importance",
      fy,
      text: "name",
      dy: -10,
      fill: "#333333",
    }),
  ];
}

/** `rating_wait_time` → `wait time`; other names unchanged apart from underscores. */
export function prettyName(column: string): string {
  return column.replace(/^rating_/, "").replaceAll("_", " ");
}

export function groupLabel(row: Record<string, unknown>, by: string[]): string {
  return by.map((k) => String(row[k] ?? "(missing)")).join(" · ");
}

/** Sorted unique names by descending mean value. */
function orderBy<T>(rows: T[], name: (r: T) => string, value: (r: T) => number): string[] {
  const sums = new Map<string, { s: number; n: number }>();
  for (const r of rows) {
    const e = sums.get(name(r)) ?? { s: 0, n: 0 };
    e.s += value(r);
    e.n++;
    sums.set(name(r), e);
  }
  return [...sums.entries()].sort((a, b) => b[1].s / b[1].n - a[1].s / a[1].n).map(([k]) => k);
}
