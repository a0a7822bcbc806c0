/**
 * Charts of cohort results: the retention heatmap (cohort × period index)
 * and retention curves per cohort or segment.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { type CohortMeta, cohortMeta } from "../analysis/cohort_meta.ts";
import type { ChartSpec } from "./render.ts";

/** Options of {@link retentionHeatmap}. */
export interface RetentionHeatmapOptions {
  /**
   * Column coloured (default `"retention"`); also `"net_revenue_retention"`
   * or `"gross_revenue_retention"` of a result with revenue.
   */
  value?: string;
  /** Chart title. */
  title?: string;
}

type Row = Record<string, unknown>;

const VALUE_LABELS: Record<string, string> = {
  retention: "Retention (%)",
  net_revenue_retention: "Net revenue retention (%)",
  gross_revenue_retention: "Gross revenue retention (%)",
};

/**
 * Retention heatmap: one row per cohort, one column per period index, each
 * cell coloured by retention on a sequential blue scale (readable in grey
 * and with colour-vision deficiencies) and labelled with its percentage.
 * Cohort sizes stand right of the rows. Periods a cohort has not reached are
 * blank, and not-yet-complete cells carry a `*`. Segments of a result with
 * `by` are stacked as panels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortRetention } from "../analysis/cohort.ts";
 * import { renderSvg } from "./render.ts";
 * import { retentionHeatmap } from "./cohort.ts";
 * const d = (s: string) => new Date(s);
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "c"],
 *   date: [d("2024-01-05"), d("2024-02-10"), d("2024-01-20"), d("2024-02-02")],
 * });
 * const svg = renderSvg(retentionHeatmap(cohortRetention(events)));
 * assert.ok(svg.includes("Retention by cohort") && svg.includes("50%"));
 * ```
 */
export function retentionHeatmap(
  retention: ColumnTable,
  options: RetentionHeatmapOptions = {},
): ChartSpec {
  const value = options.value ?? "retention";
  const { by, meta } = describe(retention, "retentionHeatmap", ["cohort", value, "cohort_size"]);
  const rows = (retention.objects() as Row[]).filter((r) => typeof r[value] === "number");
  const segmentOf = (r: Row) => by.map((b) => String(r[b])).join(" · ");
  const cohorts = [...new Set(rows.map((r) => String(r.cohort)))].sort();
  const maxK = Math.max(0, ...rows.map((r) => r.period_index as number));
  const top = Math.max(1, ...rows.map((r) => r[value] as number));
  const label = VALUE_LABELS[value] ?? value;
  const title = options.title ?? `${label.replace(" (%)", "")} by cohort${describeMode(meta)}`;
  const sizes = [
    ...new Map(rows.map((r) => [`${segmentOf(r)}|${r.cohort}`, r])).values(),
  ];
  const facet = by.length ? { fy: segmentOf } : {};
  const segments = [...new Set(rows.map(segmentOf))].sort();
  const incomplete = rows.some((r) => r.complete !== true);
  return {
    title,
    subtitle: [
      "Share of each cohort active in the period; numbers right of the rows: customers per cohort",
      incomplete ? "* period not yet fully observed (a lower bound)" : "",
    ].filter(Boolean).join(". "),
    ariaLabel: title,
    // Cells wide enough for "100%*" at 9 px; wide tables scale down where shown.
    width: Math.max(640, 70 + 64 + 36 * (maxK + 1)),
    marginLeft: 70,
    marginRight: 64,
    marginTop: by.length ? 34 : 20,
    height: 60 + (by.length ? 34 : 20) + 22 * cohorts.length * Math.max(1, segments.length) +
      (by.length ? 30 * (segments.length - 1) : 0),
    padding: 0,
    x: { label: periodAxis(meta), type: "band", domain: range(maxK + 1), tickSize: 0 },
    y: { label: "Cohort", domain: cohorts, tickSize: 0 },
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
      tickFormat: (v: number) => `${Math.round(v * 100)}%`,
    },
    marks: [
      Plot.cell(rows, {
        x: "period_index",
        y: (r: Row) => String(r.cohort),
        fill: value,
        inset: 0.5,
        ...facet,
        title: (r: Row) =>
          `${by.length ? `${segmentOf(r)}, ` : ""}cohort ${r.cohort}, period ${r.period_index}: ${
            pct(r[value])
          } (${r.active} of ${r.n ?? r.cohort_size})${
            r.complete === true ? "" : " — not yet fully observed"
          }`,
      }),
      Plot.text(rows, {
        x: "period_index",
        y: (r: Row) => String(r.cohort),
        text: (r: Row) => `${pct(r[value])}${r.complete === true ? "" : "*"}`,
        // Dark text on light cells, white on dark ones (contrast ≥ 4.5:1 on the blues scale).
        fill: (r: Row) => (r[value] as number) / top > 0.55 ? "white" : "black",
        fontSize: 9,
        ...facet,
      }),
      Plot.text(sizes, {
        y: (r: Row) => String(r.cohort),
        text: (r: Row) => String(r.cohort_size),
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
    ],
  };
}

/** Options of {@link retentionCurves}. */
export interface RetentionCurvesOptions {
  /**
   * Column whose values get one colour each: default `"cohort"` for a
   * retention table, the first segment column for a pooled one.
   */
  by?: string;
  /** Draw the Wilson interval as a band around each line (default `false`). */
  band?: boolean;
  /** Chart title. */
  title?: string;
}

/**
 * Retention curves: retention (y) by period index (x), one line per cohort
 * of a `cohortRetention` result, or per segment of a `pooledRetention`
 * result, optionally with the interval as a band. Dots of cells not yet
 * fully observed are hollow. Cohorts are coloured along the ordered viridis
 * scale (old to new), segments with a categorical scheme.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortRetention } from "../analysis/cohort.ts";
 * import { pooledRetention } from "../analysis/cohort_summary.ts";
 * import { renderSvg } from "./render.ts";
 * import { retentionCurves } from "./cohort.ts";
 * const d = (s: string) => new Date(s);
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "c"],
 *   date: [d("2024-01-05"), d("2024-02-10"), d("2024-01-20"), d("2024-02-02")],
 * });
 * const pooled = pooledRetention(cohortRetention(events, { observedUntil: d("2024-02-29") }));
 * assert.ok(renderSvg(retentionCurves(pooled, { band: true })).includes("Retention (%)"));
 * ```
 */
export function retentionCurves(
  result: ColumnTable,
  options: RetentionCurvesOptions = {},
): ChartSpec {
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
      ? `Retention curves by ${key ?? "cohort"}${describeMode(meta)}`
      : `Pooled retention${key ? ` by ${key}` : ""}${describeMode(meta)}`);
  const tip = (r: Row) =>
    `${lineOf(r) || "all cohorts"}, period ${r.period_index}: ${pct(r.retention)} (${
      pct(r.retention_low)
    }–${pct(r.retention_high)}), n = ${r.n ?? r.cohort_size}${
      r.complete === true ? "" : " — not yet fully observed"
    }`;
  const common = { x: "period_index", z: lineOf, stroke: series };
  return {
    title,
    subtitle: [
      isCohorts ? "One line per cohort" : "Cohorts pooled: Σ active / Σ n per period",
      options.band ? `band: ${Math.round((meta?.confidence ?? 0.95) * 100)} % Wilson interval` : "",
      "hollow dots: period not yet fully observed",
    ].filter(Boolean).join("; "),
    ariaLabel: title,
    x: { label: periodAxis(meta), grid: true, ticks: integerTicks(rows), tickFormat: "d" },
    y: { label: "Retention (%)", domain: [0, 1], grid: true, tickFormat: "%" },
    color: ordered
      ? { type: "ordinal", scheme: "viridis", domain, legend: "swatches" }
      : { type: "categorical", scheme: "observable10", domain, legend: domain.length > 1 },
    marks: [
      ...(options.band
        ? [
          Plot.areaY(rows, {
            x: "period_index",
            y1: "retention_low",
            y2: "retention_high",
            z: lineOf,
            fill: series,
            fillOpacity: 0.15,
          }),
        ]
        : []),
      Plot.line(rows, { ...common, y: "retention", strokeWidth: 1.5 }),
      Plot.dot(rows.filter((r) => r.complete === true), {
        ...common,
        y: "retention",
        fill: series,
        r: 2.5,
        title: tip,
      }),
      Plot.dot(rows.filter((r) => r.complete !== true), {
        ...common,
        y: "retention",
        fill: "white",
        r: 3,
        title: tip,
      }),
      Plot.ruleY([0]),
    ],
  };
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
  const meta = cohortMeta(result);
  const end = names.indexOf(names.includes("cohort") ? "cohort" : "period_index");
  return { by: meta?.by ?? names.slice(0, end), meta };
}

const PERIOD_WORDS: Record<string, string> = {
  day: "Days",
  week: "Weeks",
  month: "Months",
  quarter: "Quarters",
};
const ROLLING_WORDS: Record<string, string> = {
  day: "24-hour windows",
  week: "7-day windows",
  month: "30-day windows",
  quarter: "90-day windows",
};

/** "Months since first activity", "30-day windows since signup", … */
function periodAxis(meta: CohortMeta | undefined): string {
  const unit = meta?.period
    ? (meta.window === "rolling" ? ROLLING_WORDS : PERIOD_WORDS)[meta.period]
    : "Periods";
  const anchor = meta?.anchor === "signup"
    ? "signup"
    : meta?.anchor === "first_activity"
    ? "first activity"
    : "cohort start";
  return `${unit} since ${anchor} →`;
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

/** Whole percent, en-US; a dash for missing values. */
function pct(v: unknown): string {
  return typeof v === "number" && Number.isFinite(v) ? `${Math.round(v * 100)}%` : "–";
}
