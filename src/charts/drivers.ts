/**
 * Charts of correlations and key drivers: driver importance bars with
 * bootstrap intervals, the importance × performance quadrant, and a
 * correlation heatmap. Segmented results (`by`) are drawn as one panel per
 * group, stacked.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { correlateMeta } from "../analysis/correlate.ts";
import { type DriverMethod, keyDriversMeta } from "../analysis/drivers.ts";
import { type ChartFormat, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import type { ChartSpec } from "./render.ts";

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
 * import { keyDrivers } from "../analysis/drivers.ts";
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
  const f = chartFormat(options, "driverChart");
  const w = WORDS[f.lang];
  const pct = (v: unknown) => `${f.num(v, 1)} %`;
  const meta = keyDriversMeta(result);
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
  meta: ReturnType<typeof keyDriversMeta>,
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
export interface QuadrantChartOptions {
  /** Chart title (default "Importance × performance"). */
  title?: string;
  /** Label of each driver (default: the column name without a `rating_` prefix). */
  label?: (driver: string) => string;
  /** Axis label of performance (default "Mean rating"). */
  performanceLabel?: string;
}

/**
 * The importance × performance quadrant of an {@link importancePerformance}
 * result: each driver as a labelled dot at (mean rating, importance), dashed
 * lines at the splits (the means), and the four quadrant names in the corners
 * — top left "Concentrate here" (important, rated low) is where improvement
 * pays most. With `by`, one panel per group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { importancePerformance, keyDrivers } from "../analysis/drivers.ts";
 * import { renderSvg } from "./render.ts";
 * import { quadrantChart } from "./drivers.ts";
 * const t = aq.table({ a: [4, 2, 4, 2], b: [8, 8, 6, 6], y: [16, 12, 14, 10] });
 * const ip = importancePerformance(t, keyDrivers(t, { outcome: "y", drivers: ["a", "b"] }));
 * assert.ok(renderSvg(quadrantChart(ip)).includes("Concentrate here"));
 * ```
 */
export function quadrantChart(ip: ColumnTable, options: QuadrantChartOptions = {}): ChartSpec {
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
  const splits = groups.map((g) => rows.find((r) => r.group === g)!);
  const fy = by.length ? "group" : undefined;
  const title = options.title ?? "Importance × performance";
  const xs = rows.flatMap((r) => [r.performance as number, r.performance_split as number]);
  const ys = rows.flatMap((r) => [r.importance as number, r.importance_split as number]);
  const pad = (lo: number, hi: number, f: number): [number, number] => {
    const d = Math.max(hi - lo, 1e-9) * f;
    return [lo - d, hi + d];
  };
  const corner = (text: string, frameAnchor: Plot.FrameAnchor) =>
    Plot.text([text], {
      frameAnchor,
      dx: frameAnchor.endsWith("left") ? 4 : -4,
      dy: frameAnchor.startsWith("top") ? 4 : -4,
      fill: "#666666",
      fontStyle: "italic",
    });
  return {
    title,
    subtitle: "Lines at the means of importance and performance; top left: important but " +
      "rated low",
    ariaLabel: title,
    marginLeft: 60,
    marginRight: fy ? 70 : 20,
    height: fy ? 50 + groups.length * 280 : 400,
    inset: 10,
    x: {
      label: `${options.performanceLabel ?? "Mean rating"} →`,
      domain: pad(Math.min(...xs), Math.max(...xs), 0.15),
      grid: true,
    },
    y: {
      label: "↑ Importance (% of R²)",
      domain: pad(Math.min(...ys), Math.max(...ys), 0.1),
      grid: true,
    },
    fy: fy ? { label: null, domain: groups } : undefined,
    marks: [
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
        title: (r) =>
          `${r.name}: ${pct(r.importance)} of R², mean rating ${num(r.performance, 2)} ` +
          `(n = ${r.n_ratings}) — ${r.quadrant}`,
      }),
      Plot.text(rows, {
        x: "performance",
        y: "importance",
        fy,
        text: "name",
        dy: -10,
        fill: "#333333",
      }),
    ],
  };
}

/** Options of {@link correlationHeatmap}. */
export interface CorrelationHeatmapOptions {
  /** Which method to draw when the result has several (default: the first). */
  method?: string;
  /** Chart title (default "Correlations (<method>)"). */
  title?: string;
  /** Label of each variable (default: the column name without a `rating_` prefix). */
  label?: (column: string) => string;
}

/**
 * A correlation heatmap of a {@link correlate} result: one cell per pair
 * coloured on a diverging scale from −1 (red) through 0 (white) to +1 (blue),
 * with the coefficient written in it; cells without a coefficient are grey
 * with "–" and say why in their tooltip. An all-pairs result is drawn as the
 * full symmetric matrix (diagonal 1); a `columns × against` result as a
 * rectangle. With `by`, one panel per group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlate } from "../analysis/correlate.ts";
 * import { renderSvg } from "./render.ts";
 * import { correlationHeatmap } from "./drivers.ts";
 * const t = aq.table({ a: [1, 2, 3, 4], b: [2, 1, 4, 3], c: [4, 3, 2, 1] });
 * const svg = renderSvg(correlationHeatmap(correlate(t, { columns: ["a", "b", "c"] })));
 * assert.ok(svg.includes(">0.60<") && svg.includes(">−1.00<"));
 * ```
 */
export function correlationHeatmap(
  correlations: ColumnTable,
  options: CorrelationHeatmapOptions = {},
): ChartSpec {
  const names = correlations.columnNames();
  const at = names.indexOf("x");
  if (at < 0 || !["y", "method", "r", "n"].every((c) => names.includes(c))) {
    throw new CxOptionsError(
      `correlationHeatmap needs a result of correlate(); got columns ${names.join(", ")}`,
    );
  }
  const meta = correlateMeta(correlations);
  const by = meta?.by ?? names.slice(0, at);
  const label = options.label ?? prettyName;
  const all = correlations.objects() as Record<string, unknown>[];
  const method = options.method ?? (all[0]?.method as string | undefined);
  const pairs = all.filter((r) => r.method === method);
  if (pairs.length === 0) {
    throw new CxOptionsError(
      `correlationHeatmap: no rows for method ${JSON.stringify(method)}; methods: ${
        [...new Set(all.map((r) => r.method))].join(", ")
      }`,
    );
  }
  const xs = [...new Set(pairs.map((r) => r.x as string))];
  const ys = [...new Set(pairs.map((r) => r.y as string))];
  const rectangle = meta ? meta.against !== null : !xs.some((v) => ys.includes(v));
  const variables = meta?.variables ?? [...new Set([...xs, ...ys])];
  const rowVars = rectangle ? variables.filter((v) => xs.includes(v)) : variables;
  const colVars = rectangle ? variables.filter((v) => ys.includes(v)) : variables;
  type Cell = {
    row: string;
    col: string;
    group: string;
    r: number | null;
    tip: string;
  };
  const cells: Cell[] = [];
  for (const p of pairs) {
    const group = groupLabel(p, by);
    const tip = `${label(p.x as string)} × ${label(p.y as string)}: ${
      p.r === null
        ? `no coefficient — ${p.note}`
        : `r = ${num(p.r, 3)}${
          typeof p.r_low === "number" ? ` [${num(p.r_low, 3)}, ${num(p.r_high, 3)}]` : ""
        }, ${pValue(p.p_value)}, n = ${Number(p.n).toLocaleString("en-US")}`
    }`;
    const r = typeof p.r === "number" ? p.r : null;
    cells.push({ row: label(p.x as string), col: label(p.y as string), group, r, tip });
    if (!rectangle) {
      cells.push({ row: label(p.y as string), col: label(p.x as string), group, r, tip });
    }
  }
  if (!rectangle) {
    for (const group of new Set(cells.map((c) => c.group))) {
      for (const v of variables) {
        cells.push({ row: label(v), col: label(v), group, r: 1, tip: `${label(v)}: itself` });
      }
    }
  }
  const rowDomain = rowVars.map(label), colDomain = colVars.map(label);
  const fy = by.length ? "group" : undefined;
  const groups = [...new Set(cells.map((c) => c.group))];
  const methodName = method ? method[0].toUpperCase() + method.slice(1) : "";
  const title = options.title ?? `Correlations (${methodName})`;
  const longest = Math.max(...rowDomain.map((d) => d.length));
  const cell = Math.max(36, Math.min(64, Math.floor(560 / colDomain.length)));
  const bottom = 20 + 6 * Math.max(...colDomain.map((d) => d.length));
  const defined = cells.filter((c) => c.r !== null);
  const undefinedCells = cells.filter((c) => c.r === null);
  return {
    title,
    subtitle: `${methodName} correlation, pairwise complete; blue positive, red negative` +
      (undefinedCells.length ? "; grey: not defined (see tooltip)" : ""),
    ariaLabel: title,
    marginLeft: 12 + 7 * longest,
    marginTop: 10,
    marginRight: fy ? 70 : 20,
    marginBottom: bottom,
    width: 12 + 7 * longest + cell * colDomain.length + (fy ? 70 : 20),
    height: 10 + bottom + groups.length * (cell * rowDomain.length + 10),
    x: { label: null, domain: colDomain, tickRotate: -35 },
    y: { label: null, domain: rowDomain },
    fy: fy ? { label: null, domain: groups } : undefined,
    // Ten steps of 0.2 (a continuous ramp legend needs a canvas, which server rendering lacks).
    color: {
      type: "threshold",
      scheme: "rdbu",
      domain: [-0.8, -0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8],
      label: "r",
      legend: true,
    },
    marks: [
      Plot.cell(defined, { x: "col", y: "row", fy, fill: "r", inset: 0.5, title: "tip" }),
      Plot.cell(undefinedCells, {
        x: "col",
        y: "row",
        fy,
        fill: "#d9d9d9",
        inset: 0.5,
        title: "tip",
      }),
      Plot.text(cells, {
        x: "col",
        y: "row",
        fy,
        text: (c: Cell) => c.r === null ? "–" : num(c.r, 2),
        fill: (c: Cell) => c.r !== null && Math.abs(c.r) > 0.6 ? "white" : "black",
      }),
    ],
  };
}

/** `rating_wait_time` → `wait time`; other names unchanged apart from underscores. */
function prettyName(column: string): string {
  return column.replace(/^rating_/, "").replaceAll("_", " ");
}

function groupLabel(row: Record<string, unknown>, by: string[]): string {
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

/** Numbers with a true minus sign, fixed decimals. */
function num(v: unknown, digits: number): string {
  if (typeof v !== "number" || !Number.isFinite(v)) return "–";
  const s = Math.abs(v).toFixed(digits);
  return v < 0 && Number(s) !== 0 ? `−${s}` : s;
}

function pct(v: unknown): string {
  return `${num(v, 1)} %`;
}

function pValue(p: unknown): string {
  if (typeof p !== "number") return "no p-value";
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}
