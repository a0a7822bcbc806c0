/**
 * Charts of cohort results: the retention heatmap (cohort × period index)
 * and retention curves per cohort or segment.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import type { CohortMeta } from "../analysis/cohort/meta.ts";
import {
  CHART_LOCALE_OPTIONS,
  type ChartFormat,
  chartFormat,
  type ChartLang,
  type ChartLocaleOptions,
} from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link retentionHeatmap}. */
export interface RetentionHeatmapOptions extends ChartLocaleOptions {
  /**
   * Column coloured (default `"retention"`); also `"net_revenue_retention"`
   * or `"gross_revenue_retention"` of a result with revenue.
   */
  value?: string;
  /** Chart title. */
  title?: string;
  /** Subtitle (default: what the cells, the numbers and `*` mean). */
  subtitle?: string;
  /** Label of the period axis (default e.g. "Months since first activity →"). */
  xLabel?: string;
  /** Label of the cohort axis (default "Cohort"). */
  yLabel?: string;
  /** Label of the colour legend (default e.g. "Retention (%)"). */
  legend?: string;
  /**
   * Chart width in px (default: wide enough for every cell label, at least
   * 640). At a narrower width, e.g. a phone's 340 px, the cell labels shrink
   * to fit their cells, down to 7 px, and are left out when even that does
   * not fit: the colours, the legend and each cell's tooltip still give the
   * values, and no label runs into its neighbour.
   */
  width?: number;
}

const RETENTION_HEATMAP_OPTIONS = optionNames<RetentionHeatmapOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "value",
  "title",
  "subtitle",
  "xLabel",
  "yLabel",
  "legend",
  "width",
]);

type Row = Record<string, unknown>;

/** The charts' own words in English; German ones have the same keys (type {@link Words}). */
const EN = {
  values: {
    retention: "Retention (%)",
    net_revenue_retention: "Net revenue retention (%)",
    gross_revenue_retention: "Gross revenue retention (%)",
  } as Record<string, string>,
  heatmapTitle: (label: string) => `${label} by cohort`,
  heatmapNote: "Share of each cohort active in the period; numbers right of the rows: " +
    "customers per cohort",
  lowerBound: "* period not yet fully observed (a lower bound)",
  cohort: "Cohort",
  cell: (cohort: string, k: string, value: string, active: string, n: string) =>
    `cohort ${cohort}, period ${k}: ${value} (${active} of ${n})`,
  open: " — not yet fully observed",
  curvesTitle: (key: string) => `Retention curves by ${key}`,
  pooledTitle: (key: string | undefined) => `Pooled retention${key ? ` by ${key}` : ""}`,
  oneLine: "One line per cohort",
  pooled: "Cohorts pooled: Σ active / Σ n per period",
  band: (pct: string) => `band: ${pct} % Wilson interval`,
  hollow: "hollow dots: period not yet fully observed",
  allCohorts: "all cohorts",
  period: (k: string) => `period ${k}`,
  since: (unit: string, anchor: string) => `${unit} since ${anchor} →`,
};

type Words = typeof EN;

/** The same words in German. */
const DE: Words = {
  values: {
    retention: "Bindungsrate (%)",
    net_revenue_retention: "Netto-Umsatzbindung (%)",
    gross_revenue_retention: "Brutto-Umsatzbindung (%)",
  },
  heatmapTitle: (label) => `${label} nach Kohorte`,
  heatmapNote: "Anteil jeder Kohorte, der in der Periode aktiv war; Zahlen rechts der " +
    "Zeilen: Kunden je Kohorte",
  lowerBound: "* Periode noch nicht vollständig beobachtet (eine Untergrenze)",
  cohort: "Kohorte",
  cell: (cohort, k, value, active, n) =>
    `Kohorte ${cohort}, Periode ${k}: ${value} (${active} von ${n})`,
  open: " — noch nicht vollständig beobachtet",
  curvesTitle: (key) => `Bindungskurven nach ${key}`,
  pooledTitle: (key) => `Gepoolte Bindung${key ? ` nach ${key}` : ""}`,
  oneLine: "Eine Linie je Kohorte",
  pooled: "Kohorten gepoolt: Σ aktiv / Σ n je Periode",
  band: (pct) => `Band: ${pct}-%-Wilson-Intervall`,
  hollow: "hohle Punkte: Periode noch nicht vollständig beobachtet",
  allCohorts: "alle Kohorten",
  period: (k) => `Periode ${k}`,
  since: (unit, anchor) => `${unit} seit ${anchor} →`,
};

/** The charts' own words in each language. */
const WORDS: Record<ChartLang, Words> = { en: EN, de: DE };

/**
 * What the period axis counts and from when ("Months since first activity
 * →", "30-day windows since signup →"), English and German side by side.
 */
const AXIS_WORDS: Record<string, Record<ChartLang, string>> = {
  day: { en: "Days", de: "Tage" },
  week: { en: "Weeks", de: "Wochen" },
  month: { en: "Months", de: "Monate" },
  quarter: { en: "Quarters", de: "Quartale" },
  "rolling day": { en: "24-hour windows", de: "24-Stunden-Fenster" },
  "rolling week": { en: "7-day windows", de: "7-Tage-Fenster" },
  "rolling month": { en: "30-day windows", de: "30-Tage-Fenster" },
  "rolling quarter": { en: "90-day windows", de: "90-Tage-Fenster" },
  periods: { en: "Periods", de: "Perioden" },
  signup: { en: "signup", de: "Anmeldung" },
  first_activity: { en: "first activity", de: "erster Aktivität" },
  start: { en: "cohort start", de: "Kohortenbeginn" },
};

/**
 * Retention heatmap: one row per cohort, one column per period index, each
 * cell coloured by retention on a sequential blue scale (readable in grey
 * and with colour-vision deficiencies) and labelled with its percentage.
 * Cohort sizes stand right of the rows. Periods a cohort has not reached are
 * blank, and not-yet-complete cells carry a `*`. Segments of a result with
 * `by` are stacked as panels. Words and numbers follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortRetention } from "../analysis/cohort/retention.ts";
 * import { renderSvg } from "./render.ts";
 * import { retentionHeatmap } from "./cohort.ts";
 * const d = (s: string) => new Date(s);
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "c"],
 *   date: [d("2024-01-05"), d("2024-02-10"), d("2024-01-20"), d("2024-02-02")],
 * });
 * const svg = renderSvg(retentionHeatmap(cohortRetention(events)));
 * assert.ok(svg.includes("Retention by cohort") && svg.includes("50%"));
 * const de = renderSvg(retentionHeatmap(cohortRetention(events), { locale: "de-DE" }));
 * assert.ok(de.includes("Bindungsrate nach Kohorte") && de.includes("50&#160;%"));
 * // On a phone-wide chart the two columns are wide enough: labels stay, at full size.
 * assert.ok(renderSvg(retentionHeatmap(cohortRetention(events), { width: 340 })).includes("50%"));
 * ```
 */
export function retentionHeatmap(
  retention: ColumnTable,
  options: RetentionHeatmapOptions = {},
): ChartSpec {
  checkOptions("retentionHeatmap", options, RETENTION_HEATMAP_OPTIONS);
  const f = chartFormat(options, "retentionHeatmap");
  const w = WORDS[f.lang];
  const pct = (v: unknown) => f.share(v, 0);
  const value = options.value ?? "retention";
  const { by, meta } = describe(retention, "retentionHeatmap", ["cohort", value, "cohort_size"]);
  const rows = (retention.objects() as Row[]).filter((r) => typeof r[value] === "number");
  const segmentOf = (r: Row) => by.map((b) => String(r[b])).join(" · ");
  const cohorts = [...new Set(rows.map((r) => String(r.cohort)))].sort();
  const maxK = Math.max(0, ...rows.map((r) => r.period_index as number));
  const top = Math.max(1, ...rows.map((r) => r[value] as number));
  const label = options.legend ?? w.values[value] ?? value;
  const title = options.title ??
    `${w.heatmapTitle((w.values[value] ?? value).replace(" (%)", ""))}${describeMode(meta)}`;
  const facet = by.length ? { fy: segmentOf } : {};
  const segments = [...new Set(rows.map(segmentOf))].sort();
  const incomplete = rows.some((r) => r.complete !== true);
  const layout = heatmapLayout(maxK, cohorts.length, by.length ? segments.length : 0);
  if (options.width !== undefined) layout.width = checkedWidth(options.width, layout);
  const cellText = (r: Row) => `${pct(r[value])}${r.complete === true ? "" : "*"}`;
  const cellWidth = (layout.width - layout.marginLeft - layout.marginRight) / (maxK + 1) - 1;
  return {
    title,
    subtitle: options.subtitle ??
      [w.heatmapNote, incomplete ? w.lowerBound : ""].filter(Boolean).join(". "),
    ariaLabel: title,
    ...layout,
    x: {
      label: options.xLabel ?? periodAxis(meta, f),
      type: "band",
      domain: range(maxK + 1),
      tickSize: 0,
    },
    y: { label: options.yLabel ?? w.cohort, domain: cohorts, tickSize: 0 },
    // Panels are named by a text above each, so the right margin stays free for the sizes.
    fy: by.length ? { axis: null, domain: segments, padding: 0.12 } : undefined,
    // Ten classes of equal width: a stepped legend (no canvas needed server-side) and
    // neighbouring cells whose colours differ by a readable step.
    color: {
      type: "quantize",
      n: 10,
      scheme: "blues",
      domain: [0, top],
      label,
      legend: true,
      tickFormat: (v: number) => pct(v),
    },
    marks: [
      Plot.cell(rows, {
        x: "period_index",
        y: (r: Row) => String(r.cohort),
        fill: value,
        inset: 0.5,
        ...facet,
        title: (r: Row) =>
          `${by.length ? `${segmentOf(r)}, ` : ""}${
            w.cell(
              String(r.cohort),
              String(r.period_index),
              pct(r[value]),
              f.int(r.active),
              f.int(r.n ?? r.cohort_size),
            )
          }${r.complete === true ? "" : w.open}`,
      }),
      ...cellLabels(rows, cellText, cellWidth, (r) => (r[value] as number) / top, facet),
      ...labelMarks(rows, by, segmentOf, f),
    ],
  };
}

/** Largest and smallest font size of the cell labels, in px. */
const CELL_LABEL_PX = { largest: 9, smallest: 7 };

/** Option `width`, checked: wider than the margins. */
function checkedWidth(width: number, layout: { marginLeft: number; marginRight: number }): number {
  const margins = layout.marginLeft + layout.marginRight;
  if (!(Number.isFinite(width) && width > margins)) {
    throw new CxOptionsError(
      `retentionHeatmap: option "width" must be a number of px above ${margins} (the margins), got ${width}`,
    );
  }
  return width;
}

/**
 * The cells' value labels at the size that fits `cellWidth` (none when even
 * the smallest would not); `share` is a cell's value over the largest.
 */
function cellLabels(
  rows: Row[],
  cellText: (r: Row) => string,
  cellWidth: number,
  share: (r: Row) => number,
  facet: Record<string, unknown>,
) {
  const fontSize = cellLabelSize(cellWidth, rows.map(cellText));
  if (fontSize === null) return [];
  return [
    Plot.text(rows, {
      x: "period_index",
      y: (r: Row) => String(r.cohort),
      text: cellText,
      // Dark text on light cells, white on dark ones (contrast ≥ 4.5:1 on the blues scale).
      fill: (r: Row) => share(r) > 0.55 ? "white" : "black",
      fontSize,
      className: "cx-cell-label",
      ...facet,
    }),
  ];
}

/**
 * Advance of a label character in em, on the wide side of common sans fonts
 * (DejaVu Sans digits are 0.64 em, "%" 0.95 em): an estimate that errs
 * towards leaving a label out rather than letting it touch its neighbour.
 */
function labelEm(text: string): number {
  let em = 0;
  for (const ch of text) {
    em += /[0-9]/.test(ch) ? 0.64 : ch === "%" ? 0.95 : /\s/.test(ch) ? 0.32 : 0.6;
  }
  return em;
}

/**
 * The font size at which the longest cell label fits a cell `cellWidth` px
 * wide with 2 px free on each side (at most 9 px), or `null` when it would
 * need less than 7 px: such labels are left out.
 */
function cellLabelSize(cellWidth: number, labels: string[]): number | null {
  const em = Math.max(1, ...labels.map(labelEm));
  const size = Math.min(CELL_LABEL_PX.largest, (cellWidth - 4) / em);
  return size < CELL_LABEL_PX.smallest ? null : Math.floor(size * 10) / 10;
}

/** Size and margins of the heatmap: `panels` is 0 without segments. */
function heatmapLayout(maxK: number, cohorts: number, panels: number) {
  const top = panels ? 34 : 20;
  return {
    // Cells wide enough for "100%*" at 9 px; wide tables scale down where shown.
    width: Math.max(640, 70 + 64 + 36 * (maxK + 1)),
    marginLeft: 70,
    marginRight: 64,
    marginTop: top,
    height: 60 + top + 22 * cohorts * Math.max(1, panels) + (panels ? 30 * (panels - 1) : 0),
    padding: 0,
  };
}

/** Cohort sizes right of the rows and, with segments, each panel's name above it. */
function labelMarks(
  rows: Row[],
  by: string[],
  segmentOf: (r: Row) => string,
  f: ChartFormat,
): Plot.Markish[] {
  const sizes = [...new Map(rows.map((r) => [`${segmentOf(r)}|${r.cohort}`, r])).values()];
  const segments = [...new Set(rows.map(segmentOf))].sort();
  const facet = by.length ? { fy: segmentOf } : {};
  return [
    Plot.text(sizes, {
      y: (r: Row) => String(r.cohort),
      text: (r: Row) => f.int(r.cohort_size),
      frameAnchor: "right",
      textAnchor: "start",
      dx: 8,
      ...facet,
    }),
    ...(by.length
      ? [
        Plot.text(segments, {
          fy: (s: string) => s,
          text: (s: string) => `${by.join(" · ")}: ${s}`,
          frameAnchor: "top-left",
          textAnchor: "start",
          dy: -16,
          fontWeight: "bold",
          fontSize: 11,
        }),
      ]
      : []),
  ];
}

/** Options of {@link retentionCurves}. */
export interface RetentionCurvesOptions extends ChartLocaleOptions {
  /**
   * Column whose values get one colour each: default `"cohort"` for a
   * retention table, the first segment column for a pooled one.
   */
  by?: string;
  /** Draw the Wilson interval as a band around each line (default `false`). */
  band?: boolean;
  /** Chart title. */
  title?: string;
  /** Subtitle (default: what the lines, the band and hollow dots are). */
  subtitle?: string;
  /** Label of the period axis (default e.g. "Months since first activity →"). */
  xLabel?: string;
  /** Label of the retention axis (default "Retention (%)"). */
  yLabel?: string;
}

const RETENTION_CURVES_OPTIONS = optionNames<RetentionCurvesOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "by",
  "band",
  "title",
  "subtitle",
  "xLabel",
  "yLabel",
]);

/**
 * Retention curves: retention (y) by period index (x), one line per cohort
 * of a `cohortRetention` result, or per segment of a `pooledRetention`
 * result, optionally with the interval as a band. Dots of cells not yet
 * fully observed are hollow. Cohorts are coloured along the ordered viridis
 * scale (old to new), segments with a categorical scheme. Words and numbers
 * follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortRetention } from "../analysis/cohort/retention.ts";
 * import { pooledRetention } from "../analysis/cohort/summaries.ts";
 * import { renderSvg } from "./render.ts";
 * import { retentionCurves } from "./cohort.ts";
 * const d = (s: string) => new Date(s);
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "c"],
 *   date: [d("2024-01-05"), d("2024-02-10"), d("2024-01-20"), d("2024-02-02")],
 * });
 * const pooled = pooledRetention(cohortRetention(events, { observedUntil: d("2024-02-29") }));
 * assert.ok(renderSvg(retentionCurves(pooled, { band: true })).includes("Retention (%)"));
 * assert.ok(renderSvg(retentionCurves(pooled, { lang: "de" })).includes("Gepoolte Bindung"));
 * ```
 */
export function retentionCurves(
  result: ColumnTable,
  options: RetentionCurvesOptions = {},
): ChartSpec {
  checkOptions("retentionCurves", options, RETENTION_CURVES_OPTIONS);
  const f = chartFormat(options, "retentionCurves");
  const w = WORDS[f.lang];
  const pct = (v: unknown) => f.share(v, 0);
  const names = result.columnNames?.() ?? [];
  const isCohorts = names.includes("cohort");
  const { by, meta } = describe(result, "retentionCurves", ["retention"]);
  const key = options.by ?? (isCohorts ? "cohort" : by[0]);
  if (key !== undefined && !names.includes(key)) {
    throw new CxOptionsError(
      `retentionCurves: option "by" must name a column of the result (columns: ${
        names.join(", ")
      })`,
    );
  }
  const rows = (result.objects() as Row[]).filter((r) => typeof r.retention === "number");
  // One line per combination of every key column, coloured by `key`.
  const lineOf = (r: Row) =>
    [...by, ...(isCohorts ? ["cohort"] : [])].map((c) => String(r[c])).join(" · ");
  const series = key === undefined ? () => "all" : (r: Row) => String(r[key]);
  const domain = [...new Set(rows.map(series))].sort();
  const ordered = key === "cohort";
  const title = options.title ??
    (isCohorts
      ? `${w.curvesTitle(key ?? "cohort")}${describeMode(meta)}`
      : `${w.pooledTitle(key)}${describeMode(meta)}`);
  const tip = (r: Row) =>
    `${lineOf(r) || w.allCohorts}, ${w.period(String(r.period_index))}: ${pct(r.retention)} (${
      pct(r.retention_low)
    }–${pct(r.retention_high)}), n = ${f.int(r.n ?? r.cohort_size)}${
      r.complete === true ? "" : w.open
    }`;
  return {
    title,
    subtitle: options.subtitle ?? [
      isCohorts ? w.oneLine : w.pooled,
      options.band ? w.band(f.num((meta?.confidence ?? 0.95) * 100, 0)) : "",
      w.hollow,
    ].filter(Boolean).join("; "),
    ariaLabel: title,
    x: {
      label: options.xLabel ?? periodAxis(meta, f),
      grid: true,
      ticks: integerTicks(rows),
      tickFormat: "d",
    },
    y: {
      label: options.yLabel ?? w.values.retention,
      domain: [0, 1],
      grid: true,
      tickFormat: f.ticks("share") ?? "%",
    },
    color: ordered
      ? { type: "ordinal", scheme: "viridis", domain, legend: "swatches" }
      : { type: "categorical", scheme: "observable10", domain, legend: domain.length > 1 },
    marks: curveMarks(rows, { lineOf, series, band: options.band === true, tip }),
  };
}

/** Bands, lines, filled dots of complete periods and hollow dots of open ones. */
function curveMarks(
  rows: Row[],
  options: {
    lineOf: (r: Row) => string;
    series: (r: Row) => string;
    band: boolean;
    tip: (r: Row) => string;
  },
): Plot.Markish[] {
  const common = { x: "period_index", z: options.lineOf, stroke: options.series };
  return [
    ...(options.band
      ? [
        Plot.areaY(rows, {
          x: "period_index",
          y1: "retention_low",
          y2: "retention_high",
          z: options.lineOf,
          fill: options.series,
          fillOpacity: 0.15,
        }),
      ]
      : []),
    Plot.line(rows, { ...common, y: "retention", strokeWidth: 1.5 }),
    Plot.dot(rows.filter((r) => r.complete === true), {
      ...common,
      y: "retention",
      fill: options.series,
      r: 2.5,
      title: options.tip,
    }),
    Plot.dot(rows.filter((r) => r.complete !== true), {
      ...common,
      y: "retention",
      fill: "white",
      r: 3,
      title: options.tip,
    }),
    Plot.ruleY([0]),
  ];
}

/** Segment columns and metadata of a cohort result; throws when columns are missing. */
function describe(
  result: ColumnTable,
  fn: string,
  needed: string[],
): { by: string[]; meta: CohortMeta | undefined } {
  const names = typeof result?.columnNames === "function" ? result.columnNames() : [];
  const missing = [...needed, "period_index"].filter((c) => !names.includes(c));
  if (missing.length) {
    throw new CxOptionsError(
      `${fn} needs a result of cohortRetention() or pooledRetention(); the table lacks ${
        missing.join(", ")
      } (columns: ${names.join(", ")})`,
    );
  }
  const meta = metaOf(result, "cohort");
  const end = names.indexOf(names.includes("cohort") ? "cohort" : "period_index");
  return { by: meta?.by ?? names.slice(0, end), meta };
}

/** "Months since first activity →", "30-day windows since signup →", … */
function periodAxis(meta: CohortMeta | undefined, f: ChartFormat): string {
  const unit = !meta?.period
    ? "periods"
    : meta.window === "rolling"
    ? `rolling ${meta.period}`
    : meta.period;
  const anchor = meta?.anchor === "signup" || meta?.anchor === "first_activity"
    ? meta.anchor
    : "start";
  return WORDS[f.lang].since(AXIS_WORDS[unit]?.[f.lang] ?? unit, AXIS_WORDS[anchor][f.lang]);
}

function describeMode(meta: CohortMeta | undefined): string {
  return meta?.mode ? ` (${meta.mode}${meta.window === "rolling" ? ", rolling" : ""})` : "";
}

/** Whole-number ticks, at most about 12 of them. */
function integerTicks(rows: Row[]): number[] {
  const max = Math.max(0, ...rows.map((r) => r.period_index as number));
  const step = Math.max(1, Math.ceil((max + 1) / 12));
  return range(Math.floor(max / step) + 1).map((i) => i * step);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
