/**
 * Charts of KPI results: each KPI by segment as a dot with its interval, the
 * NPS answer mix (detractors, passives, promoters) per segment, and KPI cards
 * for a summary.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { type Displayable, escapeHtml, jupyterDisplay } from "./display.ts";
import type { ChartSpec } from "./render.ts";
import {
  CHART_LOCALE_OPTIONS,
  type ChartFormat,
  chartFormat,
  type ChartLocaleOptions,
  KPI_AXIS_LABELS,
} from "./locale.ts";
import { CATEGORY_COLORS, CATEGORY_LEGENDS, CATEGORY_NAMES } from "./scores.ts";
import type { NpsCategory } from "../schema/scales.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Headline column and interval columns of each KPI. */
const HEADLINES: Record<string, { value: string; low: string; high: string }> = {
  nps: { value: "nps", low: "nps_low", high: "nps_high" },
  csat: { value: "csat", low: "csat_low", high: "csat_high" },
  ces: { value: "ces", low: "ces_low", high: "ces_high" },
};

/** The builders' own words in each language. */
const WORDS = {
  en: {
    by: (what: string, group: string) => `${what} by ${group}`,
    intervals: (pct: string, method: string, minN: string) =>
      `${pct} % intervals (${method}); hollow dots: fewer than ${minN} answers`,
    small: "small sample",
    to: " to ",
    mix: (group: string) => `Answer mix by ${group}`,
    mixNote: "Share of answers; NPS = promoters − detractors",
    mixAxis: "Share of answers (%)",
    mixTip: (group: string, share: string, category: NpsCategory, nps: string, n: string) =>
      `${group}: ${share} % ${CATEGORY_NAMES.en[category]} (NPS ${nps}, n = ${n})`,
    noInterval: "no interval",
    marked: "marked",
    others: "others",
  },
  de: {
    by: (what: string, group: string) => `${what} nach ${group}`,
    intervals: (pct: string, method: string, minN: string) =>
      `${pct}-%-Intervalle (${method}); hohle Punkte: weniger als ${minN} Antworten`,
    small: "kleine Stichprobe",
    to: " bis ",
    mix: (group: string) => `Antwortverteilung nach ${group}`,
    mixNote: "Anteil der Antworten; NPS = Promotoren − Kritiker",
    mixAxis: "Anteil der Antworten (%)",
    mixTip: (group: string, share: string, category: NpsCategory, nps: string, n: string) =>
      `${group}: ${share} % ${CATEGORY_NAMES.de[category]} (NPS ${nps}, n = ${n})`,
    noInterval: "kein Intervall",
    marked: "markiert",
    others: "übrige",
  },
};

/** Options of {@link kpiSegmentChart}. */
export interface KpiSegmentOptions extends ChartLocaleOptions {
  /** Column naming the segments (default: the result's first `by` column, else `period`). */
  by?: string;
  /** Value column and its interval columns (default: the KPI's headline). */
  value?: string;
  /** Lower bound column. */
  low?: string;
  /** Upper bound column. */
  high?: string;
  /** Axis label for the value, with its unit (default per KPI, e.g. "NPS (−100 to 100)"). */
  label?: string;
  /** Chart title (default "<label> by <group>"). */
  title?: string;
  /** Subtitle (default: the interval level and method, and what hollow dots mean). */
  subtitle?: string;
  /** A logarithmic value axis, for values spanning orders of magnitude (default `false`). */
  log?: boolean;
  /**
   * Segments to mark, e.g. those that differ significantly from the rest:
   * their dots stay blue, the others turn grey, and a colour legend names
   * both with `label` and `others`. Each name must be a value of the `by`
   * column. Not for a KPI per period.
   */
  marked?: KpiSegmentMarks;
}

/** Which segments {@link kpiSegmentChart} marks and what the mark means. */
export interface KpiSegmentMarks {
  /** Values of the segment column to mark (may be empty: then every dot is grey). */
  segments: readonly string[];
  /** Legend entry of the marked dots (default "marked"). */
  label?: string;
  /** Legend entry of the other dots (default "others"). */
  others?: string;
}

/** Okabe–Ito blue of the dots (marked ones when some are), grey of unmarked ones. */
const DOT_COLOR = "#0072B2";
const UNMARKED_COLOR = "#8C8C8C";

const KPI_SEGMENT_OPTIONS = optionNames<KpiSegmentOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "by",
  "value",
  "low",
  "high",
  "label",
  "title",
  "subtitle",
  "log",
  "marked",
]);

/**
 * A KPI by segment: one dot per segment with a line for its interval, sorted
 * as the result. A KPI per period (`nps(t, { period })`, no `by`) is drawn
 * over time instead: dates on the x-axis, the interval as a band. Segments flagged `small_sample` are drawn hollow and named so
 * in the tooltip, not hidden. Labels, tooltips and numbers follow `lang` and
 * `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "../metrics/nps.ts";
 * import { renderSvg } from "./render.ts";
 * import { kpiSegmentChart } from "./kpi.ts";
 * const t = aq.table({ channel: ["chat", "chat", "phone"], nps_score: [10, 9, 3] });
 * assert.ok(renderSvg(kpiSegmentChart(nps(t, { by: "channel" }))).includes("phone"));
 * const de = renderSvg(kpiSegmentChart(nps(t, { by: "channel" }), { locale: "de-DE" }));
 * assert.ok(de.includes("NPS (−100 bis 100) nach channel") && de.includes("kleine Stichprobe"));
 * const marked = { segments: ["phone"], label: "differs from the rest" };
 * assert.ok(renderSvg(kpiSegmentChart(nps(t, { by: "channel" }), { marked })).includes("#8C8C8C"));
 * ```
 */
export function kpiSegmentChart(result: ColumnTable, options: KpiSegmentOptions = {}): ChartSpec {
  checkOptions("kpiSegmentChart", options, KPI_SEGMENT_OPTIONS);
  const f = chartFormat(options, "kpiSegmentChart");
  const w = WORDS[f.lang];
  const meta = metaOf(result, "kpi");
  const headline = meta ? HEADLINES[meta.kpi] : undefined;
  const value = options.value ?? headline?.value;
  const low = options.low ?? headline?.low;
  const high = options.high ?? headline?.high;
  const group = options.by ?? meta?.by[0] ?? (meta?.period ? "period" : undefined);
  for (const [option, column] of Object.entries({ value, low, high, by: group })) {
    if (!column || !result.columnNames().includes(column)) {
      throw new CxOptionsError(
        `kpiSegmentChart: option "${option}" must name a column of the result (columns: ${
          result.columnNames().join(", ")
        })`,
      );
    }
  }
  const rows = (result.objects() as Record<string, unknown>[]).filter((r) => r[value!] !== null);
  const label = options.label ??
    (meta && headline ? KPI_AXIS_LABELS[f.lang][meta.kpi] : undefined) ?? value!;
  const title = options.title ?? w.by(label, group!);
  const tip = (r: Record<string, unknown>) =>
    `${r[group!]}: ${f.num(r[value!])} (${between(r[low!], r[high!], f)}), n = ${f.int(r.n)}${
      r.small_sample ? ` — ${w.small}` : ""
    }`;
  const subtitle = options.subtitle ??
    (meta
      ? w.intervals(f.num(meta.confidence * 100, 0), meta.method, f.int(meta.minN))
      : undefined);
  if (group === "period" && result.columnNames().includes("period_start")) {
    if (options.marked) {
      throw new CxOptionsError(
        'kpiSegmentChart: option "marked" marks segments; a KPI per period has none',
      );
    }
    const series = { value: value!, low: low!, high: high!, label, log: options.log };
    return { title, subtitle, ariaLabel: title, ...timeSeries(rows, series, tip, f) };
  }
  const marks = dotMarks(result, group!, options.marked, w);
  const markTip = (r: Record<string, unknown>) =>
    options.marked ? `${tip(r)} — ${marks.of(r)}` : tip(r);
  return {
    title,
    subtitle,
    ariaLabel: title,
    marginLeft: 100,
    height: 60 + 32 * rows.length,
    // The domain must hold the whole intervals, not only the dots.
    x: {
      label,
      grid: true,
      ...(options.log ? { type: "log", nice: false } : { nice: true }),
      domain: extent(rows, low!, high!),
      tickFormat: f.ticks("number"),
    },
    y: { label: null, domain: rows.map((r) => String(r[group!])) },
    marks: [
      Plot.ruleY(rows, {
        y: (r) => String(r[group!]),
        x1: low!,
        x2: high!,
        stroke: "#4d4d4d",
        strokeWidth: 2,
      }),
      ...dots(rows, { group: group!, value: value!, tip: markTip, marks }),
    ],
    ...(marks.scale ? { color: marks.scale } : {}),
  };
}

/** Dot colours of {@link kpiSegmentChart}: one blue, or marked blue and grey on a legend. */
interface DotMarks {
  /** The legend entry of a row ("" without marks). */
  of: (r: Record<string, unknown>) => string;
  /** The colour scale with its legend, when segments are marked. */
  scale?: Plot.ScaleOptions;
}

/**
 * The dots: filled, or hollow for small samples. With marks the stroke and
 * fill are the legend entries on the colour scale (the hollow dots are their
 * own mark, so their white fill stays off the scale).
 */
function dots(
  rows: Record<string, unknown>[],
  o: { group: string; value: string; tip: (r: Record<string, unknown>) => string; marks: DotMarks },
): Plot.Markish[] {
  if (!o.marks.scale) {
    return [
      Plot.dot(rows, {
        y: (r) => String(r[o.group]),
        x: o.value,
        r: 5,
        stroke: DOT_COLOR,
        strokeWidth: 2,
        fill: (r) => r.small_sample ? "white" : DOT_COLOR,
        title: o.tip,
      }),
    ];
  }
  const colour = o.marks.of;
  return [false, true].map((small) =>
    Plot.dot(rows.filter((r) => (r.small_sample === true) === small), {
      y: (r) => String(r[o.group]),
      x: o.value,
      r: 5,
      stroke: colour,
      strokeWidth: 2,
      fill: small ? "white" : colour,
      title: o.tip,
      className: "cx-kpi-dot",
    })
  );
}

/**
 * Which segments are marked: without `marked` none (every dot blue); with it
 * the marked ones blue and the others grey, on a colour scale with a legend.
 */
function dotMarks(
  result: ColumnTable,
  group: string,
  marked: KpiSegmentMarks | undefined,
  w: typeof WORDS.en,
): DotMarks {
  if (!marked) return { of: () => "" };
  if (!Array.isArray(marked.segments)) {
    throw new CxOptionsError(
      'kpiSegmentChart: option "marked" needs `segments`, an array of values of the segment column',
    );
  }
  const known = [...new Set(result.array(group) as unknown[])].map(String);
  const unknown = marked.segments.filter((s) => !known.includes(s));
  if (unknown.length) {
    throw new CxOptionsError(
      `kpiSegmentChart: option "marked" names ${unknown.join(", ")}, not values of column ` +
        `"${group}" (values: ${known.join(", ")})`,
    );
  }
  const yes = marked.label ?? w.marked;
  const no = marked.others ?? w.others;
  const set = new Set(marked.segments);
  return {
    of: (r) => set.has(String(r[group])) ? yes : no,
    scale: {
      type: "ordinal",
      domain: [yes, no],
      range: [DOT_COLOR, UNMARKED_COLOR],
      legend: true,
    },
  };
}

/**
 * A KPI per period on a time axis: the interval as a band, the value as a
 * line with dots (hollow for small samples), periods at their start dates.
 */
function timeSeries(
  rows: Record<string, unknown>[],
  o: { value: string; low: string; high: string; label: string; log?: boolean },
  tip: (r: Record<string, unknown>) => string,
  f: ChartFormat,
): ChartSpec {
  const x = "period_start";
  return {
    marginLeft: 50,
    height: 320,
    x: { type: "utc", label: null, nice: false, tickFormat: f.ticks("time") },
    y: {
      label: o.label,
      grid: true,
      ...(o.log ? { type: "log", nice: false } : { nice: true }),
      domain: extent(rows, o.low, o.high),
      tickFormat: f.ticks("number"),
    },
    marks: [
      Plot.areaY(rows, { x, y1: o.low, y2: o.high, fill: "#0072B2", fillOpacity: 0.15 }),
      Plot.lineY(rows, { x, y: o.value, stroke: "#0072B2", strokeWidth: 2 }),
      Plot.dot(rows, {
        x,
        y: o.value,
        r: 4,
        stroke: "#0072B2",
        strokeWidth: 2,
        fill: (r) => r.small_sample ? "white" : "#0072B2",
        title: tip,
      }),
    ],
  };
}

/** Options of {@link npsMixChart}. */
export interface NpsMixOptions extends ChartLocaleOptions {
  /** Column naming the segments (default: the result's first `by` column, else `period`). */
  by?: string;
  /** Chart title (default "Answer mix by <group>"). */
  title?: string;
  /** Subtitle (default: what the bars are); `null` for none. */
  subtitle?: string | null;
  /** Axis label of the shares (default "Share of answers (%)"). */
  label?: string;
}

const NPS_MIX_OPTIONS = optionNames<NpsMixOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "by",
  "title",
  "subtitle",
  "label",
]);

/**
 * The answer mix behind an NPS result: one 100 % bar per segment, split into
 * detractors, passives and promoters (the NPS is promoters minus detractors).
 * Legend, tooltips and numbers follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "../metrics/nps.ts";
 * import { renderSvg } from "./render.ts";
 * import { npsMixChart } from "./kpi.ts";
 * const t = aq.table({ channel: ["chat", "chat", "phone"], nps_score: [10, 7, 3] });
 * assert.ok(renderSvg(npsMixChart(nps(t, { by: "channel" }))).includes("Promoter"));
 * assert.ok(renderSvg(npsMixChart(nps(t, { by: "channel" }), { lang: "de" })).includes("Kritiker"));
 * ```
 */
export function npsMixChart(result: ColumnTable, options: NpsMixOptions = {}): ChartSpec {
  checkOptions("npsMixChart", options, NPS_MIX_OPTIONS);
  const f = chartFormat(options, "npsMixChart");
  const w = WORDS[f.lang];
  const meta = metaOf(result, "kpi");
  const group = options.by ?? meta?.by[0] ?? (meta?.period ? "period" : undefined);
  const needed = ["pct_detractors", "pct_passives", "pct_promoters", "nps", "n"];
  if (!group || ![group, ...needed].every((c) => result.columnNames().includes(c))) {
    throw new CxOptionsError(
      `npsMixChart needs a result of nps() with a group column; columns: ${
        result.columnNames().join(", ")
      }`,
    );
  }
  const categories: [NpsCategory, string][] = [
    ["Detractor", "pct_detractors"],
    ["Passive", "pct_passives"],
    ["Promoter", "pct_promoters"],
  ];
  const rows = (result.objects() as Record<string, unknown>[]).filter((r) => (r.n as number) > 0);
  const long = rows.flatMap((r) =>
    categories.map(([category, column]) => ({
      group: String(r[group]),
      category,
      share: r[column] as number,
      nps: r.nps as number,
      n: r.n as number,
    }))
  );
  const title = options.title ?? w.mix(group);
  const legend = CATEGORY_LEGENDS[f.lang];
  return {
    title,
    subtitle: options.subtitle === null ? undefined : options.subtitle ?? w.mixNote,
    ariaLabel: title,
    marginLeft: 100,
    height: 80 + 32 * rows.length,
    x: {
      label: options.label ?? w.mixAxis,
      domain: [0, 100],
      grid: true,
      tickFormat: f.ticks("number"),
    },
    y: { label: null, domain: rows.map((r) => String(r[group])) },
    color: {
      domain: categories.map(([c]) => c),
      range: categories.map(([c]) => CATEGORY_COLORS[c]),
      tickFormat: (c: NpsCategory) => legend[c],
      legend: true,
    },
    marks: [
      Plot.barX(long, {
        y: "group",
        x: "share",
        fill: "category",
        order: categories.map(([c]) => c),
        title: (
          d: { group: string; category: NpsCategory; share: number; nps: number; n: number },
        ) => w.mixTip(d.group, f.num(d.share), d.category, f.num(d.nps), f.int(d.n)),
      }),
      Plot.ruleX([0, 100]),
    ],
  };
}

const CARD = "border:1px solid #c8c8c8;border-radius:6px;padding:.5rem .75rem;min-width:9rem;" +
  "font-family:system-ui,sans-serif";

/** Options of {@link kpiCards}. */
export interface KpiCardOptions extends ChartLocaleOptions {
  /** Card heading per row (default: the group columns joined, or the KPI name). */
  label?: (row: Record<string, unknown>) => string;
  /** Value column (default: the KPI's headline). */
  value?: string;
}

const KPI_CARD_OPTIONS = optionNames<KpiCardOptions>()([...CHART_LOCALE_OPTIONS, "label", "value"]);

/**
 * KPI cards: the headline number of each result row with its interval and n,
 * as escaped HTML that shows inline in a notebook and can go into a report.
 * Small samples say so on the card. Numbers and words follow `locale` and
 * `lang`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "../metrics/nps.ts";
 * import { kpiCards } from "./kpi.ts";
 * const cards = kpiCards(nps(aq.table({ nps_score: [10, 9, 3] })));
 * assert.ok(cards.html.includes("33.3") && cards.html.includes("n = 3"));
 * ```
 */
export function kpiCards(result: ColumnTable, options: KpiCardOptions = {}): Displayable {
  checkOptions("kpiCards", options, KPI_CARD_OPTIONS);
  const f = chartFormat(options, "kpiCards");
  const w = WORDS[f.lang];
  const fmt = (v: unknown) => f.num(v);
  const meta = metaOf(result, "kpi");
  const headline = meta ? HEADLINES[meta.kpi] : undefined;
  const value = options.value ?? headline?.value;
  if (!value || !result.columnNames().includes(value)) {
    throw new CxOptionsError(
      `kpiCards: pass { value: "<column>" } for a result that is not from nps(), csat() or ces()`,
    );
  }
  const keys = meta ? [...meta.by, ...(meta.period ? ["period"] : [])] : [];
  const label = options.label ??
    ((r: Record<string, unknown>) =>
      keys.map((k) => String(r[k])).join(" · ") || (meta?.kpi ?? value).toUpperCase());
  const rows = result.objects() as Record<string, unknown>[];
  const cards = rows.map((r) => {
    const interval = headline && r[headline.low] !== null
      ? between(r[headline.low], r[headline.high], f)
      : w.noInterval;
    return `<div class="cxkit-card${r.small_sample ? " cxkit-small" : ""}" style="${CARD}">` +
      `<div style="font-size:.85em;opacity:.8">${escapeHtml(label(r))}</div>` +
      `<div style="font-size:1.8em;font-weight:600">${escapeHtml(fmt(r[value]))}</div>` +
      `<div style="font-size:.8em;opacity:.8">${
        escapeHtml(`${interval} · n = ${f.int(r.n)}${r.small_sample ? ` · ${w.small}` : ""}`)
      }</div></div>`;
  });
  const html = `<div class="cxkit-cards" style="display:flex;flex-wrap:wrap;gap:.75rem">${
    cards.join("")
  }</div>`;
  const text = rows.map((r) => `${label(r)}: ${fmt(r[value])} (n = ${f.int(r.n)})`).join("\n");
  return { html, [jupyterDisplay]: () => ({ "text/html": html, "text/plain": text }) };
}

function extent(rows: Record<string, unknown>[], low: string, high: string): [number, number] {
  const values = rows.flatMap((r) => [r[low], r[high]]).filter((v): v is number =>
    typeof v === "number" && Number.isFinite(v)
  );
  return values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
}

/** Interval bounds: "−12.9 to −8.3", not "-12.9–-8.3" — a dash only when both are positive. */
function between(low: unknown, high: unknown, f: ChartFormat): string {
  const negative = (low as number) < 0 || (high as number) < 0;
  return `${f.num(low)}${negative ? WORDS[f.lang].to : "–"}${f.num(high)}`;
}
