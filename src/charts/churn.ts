/**
 * Chart of customer rates per period (`churnRate`, `retentionRate`): the rate
 * as a line with its interval band, one colour per segment, small samples
 * hollow.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import { periodName } from "../time/period.ts";
import type { ChartSpec } from "./render.ts";
import { SURVIVAL_COLORS } from "./survival.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link churnChart}. */
export interface ChurnChartOptions extends ChartLocaleOptions {
  /** Draw the interval band (default `true`). */
  band?: boolean;
  /** Chart title (default "Churn rate by month", "Retention rate by month", …). */
  title?: string;
  /** Subtitle (default: what the band and hollow dots mean). */
  subtitle?: string;
  /** Label of the time axis (default "Period start"). */
  xLabel?: string;
  /** Label of the rate axis (default "Customers lost in the period (%)" for churn). */
  yLabel?: string;
}

const CHURN_CHART_OPTIONS = optionNames<ChurnChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "band",
  "title",
  "subtitle",
  "xLabel",
  "yLabel",
]);

type Row = Record<string, unknown>;

/** The chart's own words in each language. */
const WORDS = {
  en: {
    names: { churn_rate: "Churn rate", retention_rate: "Retention rate" } as Record<string, string>,
    axes: {
      churn_rate: "Customers lost in the period (%)",
      retention_rate: "Customers kept in the period (%)",
    } as Record<string, string>,
    by: (name: string, period: string) => `${name} by ${period}`,
    start: "Period start",
    note: (pct: string, minN: string) =>
      `Shaded: ${pct} % Wilson interval; hollow dots: fewer than ${minN} customers at the start`,
    tip: (period: string, value: string, low: string, high: string, n: string) =>
      `${period}: ${value} (${low}–${high}), ${n} customers at the start`,
    small: "small sample",
    incomplete: "period not yet over",
  },
  de: {
    names: { churn_rate: "Kündigungsrate", retention_rate: "Bindungsrate" } as Record<
      string,
      string
    >,
    axes: {
      churn_rate: "In der Periode verlorene Kunden (%)",
      retention_rate: "In der Periode gehaltene Kunden (%)",
    } as Record<string, string>,
    by: (name: string, period: string) => `${name} nach ${period}`,
    start: "Periodenbeginn",
    note: (pct: string, minN: string) =>
      `Schattiert: ${pct}-%-Wilson-Intervall; hohle Punkte: weniger als ${minN} Kunden zu Beginn`,
    tip: (period: string, value: string, low: string, high: string, n: string) =>
      `${period}: ${value} (${low}–${high}), ${n} Kunden zu Beginn`,
    small: "kleine Stichprobe",
    incomplete: "Periode noch nicht vorbei",
  },
};

/**
 * Churn (or retention) rate per period of a `churnRate` or `retentionRate`
 * result: a line at the period starts with the Wilson interval as a shaded
 * band, a dot per period — hollow when the period began with fewer than
 * `minN` customers (`small_sample`) — and one colour per segment of `by`.
 * Tooltips give the rate, its interval and the customers at the start, and
 * say when a period is not yet over. Words and numbers follow `lang` and
 * `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { churnRate } from "../metrics/churn.ts";
 * import { renderSvg } from "./render.ts";
 * import { churnChart } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c", "d"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10"), d("2024-01-20"), d("2024-02-05")],
 *   churn_date: [d("2024-02-10"), null, null, null],
 * });
 * const result = churnRate(customers, { observedUntil: d("2024-03-31"), minN: 1 });
 * assert.ok(renderSvg(churnChart(result)).includes("Churn rate by month"));
 * const de = renderSvg(churnChart(result, { locale: "de-DE" }));
 * assert.ok(de.includes("Kündigungsrate nach Monat") && de.includes("2024-02: 33,3"));
 * ```
 */
export function churnChart(result: ColumnTable, options: ChurnChartOptions = {}): ChartSpec {
  checkOptions("churnChart", options, CHURN_CHART_OPTIONS);
  const f = chartFormat(options, "churnChart");
  const w = WORDS[f.lang];
  const { meta, kpi, value, low, high } = rateColumns(result);
  const series = (r: Row) => meta.by.map((k) => String(r[k] ?? "(missing)")).join(" · ");
  const rows = (result.objects() as Row[]).filter((r) => typeof r[value] === "number");
  const keys = [...new Set(rows.map(series))];
  const period = meta.period ? periodName(meta.period, f.lang) : "period";
  const title = options.title ?? w.by(w.names[kpi] ?? value, period);
  const z = meta.by.length ? series : undefined;
  const colour = z ?? SURVIVAL_COLORS[0];
  const tip = (r: Row) =>
    `${z ? `${series(r)}, ` : ""}${
      w.tip(
        String(r.period),
        f.share(r[value]),
        f.share(r[low]),
        f.share(r[high]),
        f.int(r.customers_start ?? r.n),
      )
    }${r.small_sample === true ? ` — ${w.small}` : ""}${
      r.complete === false ? ` — ${w.incomplete}` : ""
    }`;
  const { band = true } = options;
  return {
    title,
    subtitle: options.subtitle ?? w.note(f.num(meta.confidence * 100, 0), f.int(meta.minN)),
    ariaLabel: title,
    height: 320,
    marginLeft: 56,
    x: { type: "utc", label: options.xLabel ?? w.start, grid: true, tickFormat: f.ticks("time") },
    y: {
      label: options.yLabel ?? w.axes[kpi] ?? value,
      grid: true,
      nice: true,
      tickFormat: f.ticks("share") ?? "%",
    },
    color: z ? { domain: keys, range: keys.map(paletteColour), legend: true } : undefined,
    marks: [
      band
        ? Plot.areaY(rows.filter((r) => typeof r[low] === "number"), {
          x: "period_start",
          y1: low,
          y2: high,
          z,
          fill: colour,
          fillOpacity: 0.18,
        })
        : null,
      Plot.lineY(rows, { x: "period_start", y: value, z, stroke: colour, strokeWidth: 2 }),
      // Filled and hollow dots are two marks so the fill of the others stays on the colour scale.
      ...[false, true].map((small) =>
        Plot.dot(rows.filter((r) => (r.small_sample === true) === small), {
          x: "period_start",
          y: value,
          r: 3.5,
          stroke: colour,
          strokeWidth: 1.5,
          fill: small ? "white" : colour,
          title: tip,
        })
      ),
    ],
  };
}

/** The rate column and its interval columns: `churn_rate` or `retention`, then `<rate>_low`, `<rate>_high`. */
function rateColumns(result: ColumnTable) {
  const meta = metaOf(result, "kpi");
  const names = result.columnNames();
  const kpi = meta?.kpi ?? "";
  const value = [kpi, kpi.replace(/_rate$/, "")].find((c) => names.includes(c));
  const [low, high] = ["_low", "_high"].map((end) =>
    value && names.includes(value + end) ? value + end : undefined
  );
  if (!meta || !value || !low || !high || !names.includes("period_start")) {
    throw new CxOptionsError(
      `churnChart needs a result of churnRate() or retentionRate() as it came back (columns: ${
        names.join(", ")
      })`,
    );
  }
  return { meta, kpi, value, low, high };
}

function paletteColour(_: unknown, i: number): string {
  return SURVIVAL_COLORS[i % SURVIVAL_COLORS.length];
}
