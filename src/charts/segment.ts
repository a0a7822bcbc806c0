/**
 * Segment comparison chart: each segment's difference to the rest of the
 * answers, as a dot with its interval, significant ones highlighted.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link segmentChart}. */
export interface SegmentChartOptions extends ChartLocaleOptions {
  /** Chart title (default: "<KPI>: each <segment> vs the rest"). */
  title?: string;
  /** Axis label of the difference (default per KPI, with its unit). */
  label?: string;
  /** Subtitle (default: what is compared, the interval level, colours and hollow dots). */
  subtitle?: string;
}

const SEGMENT_CHART_OPTIONS = optionNames<SegmentChartOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "title",
  "label",
  "subtitle",
]);

/** How a segment compares: drives the dot colour and the legend. */
type Verdict = "above the rest" | "below the rest" | "not significant";

/** Okabe–Ito blue and vermillion for significant differences, grey for the rest. */
const VERDICT_NAMES_EN: Record<Verdict, string> = {
  "above the rest": "above the rest",
  "below the rest": "below the rest",
  "not significant": "not significant",
};

const VERDICT_COLORS: Record<Verdict, string> = {
  "above the rest": "#0072B2",
  "below the rest": "#D55E00",
  "not significant": "#8C8C8C",
};

const KPI_LABELS: Record<string, { name: string; digits: number }> = {
  nps: { name: "NPS", digits: 1 },
  csat: { name: "CSAT", digits: 1 },
  ces: { name: "CES", digits: 2 },
};

/** The chart's own words in each language. */
const WORDS = {
  en: {
    units: {
      nps: "NPS points",
      csat: "percentage points of top box",
      ces: "effort points; below 0 = less effort",
    } as Record<string, string>,
    axis: (unit: string) => `Difference to the rest (${unit})`,
    title: (kpi: string, by: string) => `${kpi}: each ${by} vs the rest`,
    verdicts: VERDICT_NAMES_EN,
    corrections: {
      bh: "significant after Benjamini–Hochberg correction",
      none: "significant after no correction",
      holm: "significant after Holm correction",
    } as Record<string, string>,
    note: (pct: string, significant: string, minN: string) =>
      `Segment minus all other answers, ${pct} % intervals; coloured: ${significant}; hollow: fewer than ${minN} answers (not tested)`,
    to: "to",
    vsRest: "vs the rest",
    small: "small sample, not tested",
    adjusted: (p: string) => `adjusted ${p}`,
  },
  de: {
    units: {
      nps: "NPS-Punkte",
      csat: "Prozentpunkte Top-Box",
      ces: "Aufwandspunkte; unter 0 = weniger Aufwand",
    } as Record<string, string>,
    axis: (unit: string) => `Unterschied zum Rest (${unit})`,
    title: (kpi: string, by: string) => `${kpi}: jede Gruppe von ${by} ggü. dem Rest`,
    verdicts: {
      "above the rest": "über dem Rest",
      "below the rest": "unter dem Rest",
      "not significant": "nicht signifikant",
    } as Record<Verdict, string>,
    corrections: {
      bh: "signifikant nach Benjamini-Hochberg-Korrektur",
      none: "signifikant ohne Korrektur",
      holm: "signifikant nach Holm-Korrektur",
    } as Record<string, string>,
    note: (pct: string, significant: string, minN: string) =>
      `Segment minus alle übrigen Antworten, ${pct}-%-Intervalle; farbig: ${significant}; hohl: weniger als ${minN} Antworten (nicht getestet)`,
    to: "bis",
    vsRest: "ggü. dem Rest",
    small: "kleine Stichprobe, nicht getestet",
    adjusted: (p: string) => `adjustiertes ${p}`,
  },
};

/**
 * Dot-and-interval chart of a `segment` result: one row per segment, the dot
 * at its difference to the rest (segment − rest) and a line for the interval,
 * with a reference line at 0 (= the rest). Segments that differ
 * significantly after the correction are coloured (blue above, vermillion
 * below the rest), the others grey; small samples (`small_sample`, not
 * tested) are hollow. Rows are sorted by difference, largest on top; several
 * `by` columns are joined as `chat · north`. Segments without a difference
 * (no answers, no rest) are left out. Words and numbers follow `lang` and
 * `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { segment } from "../analysis/segment/segment.ts";
 * import { renderSvg } from "./render.ts";
 * import { segmentChart } from "./segment.ts";
 * const t = aq.table({ channel: ["chat", "chat", "phone", "phone"], nps_score: [10, 9, 3, 9] });
 * const svg = renderSvg(segmentChart(segment(t, { kpi: "nps", by: "channel", minN: 1 })));
 * assert.ok(svg.includes("NPS: each channel vs the rest"));
 * const de = segmentChart(segment(t, { kpi: "nps", by: "channel", minN: 1 }), { locale: "de-DE" });
 * assert.ok(renderSvg(de).includes("Unterschied zum Rest (NPS-Punkte)"));
 * ```
 */
export function segmentChart(segments: ColumnTable, options: SegmentChartOptions = {}): ChartSpec {
  checkOptions("segmentChart", options, SEGMENT_CHART_OPTIONS);
  const meta = metaOf(segments, "kpi");
  if (!meta || meta.notes.analysis !== "segment") {
    throw new CxOptionsError(
      "segmentChart needs a result of segment() as it came back (metadata is lost after Arquero verbs)",
    );
  }
  const f = chartFormat(options, "segmentChart");
  const w = WORDS[f.lang];
  const kpi = KPI_LABELS[meta.kpi] ?? { name: meta.kpi, digits: 1 };
  const signed = (v: number | null) => f.signed(v, kpi.digits);
  const rows = (segments.objects() as Record<string, unknown>[])
    .filter((r) => typeof r.difference === "number")
    .map((r) => ({
      label: meta.by.map((k) => String(r[k] ?? "(missing)")).join(" · "),
      difference: r.difference as number,
      low: r.difference_low as number | null,
      high: r.difference_high as number | null,
      n: r.n as number,
      rest: r.rest_value as number | null,
      p: r.p_adjusted as number | null,
      small: r.small_sample === true,
      verdict: verdictOf(r),
    }))
    .sort((a, b) => b.difference - a.difference || (a.label < b.label ? -1 : 1));
  const label = options.label ?? w.axis(w.units[meta.kpi] ?? "");
  const title = options.title ?? w.title(kpi.name, meta.by.join(" × "));
  const correction = w.corrections[String(meta.notes.correction)] ?? w.corrections.holm;
  const verdicts = (Object.keys(VERDICT_COLORS) as Verdict[]).filter((v) =>
    rows.some((r) => r.verdict === v)
  );
  const tip = (r: typeof rows[number]) =>
    `${r.label}: ${signed(r.difference)} (${signed(r.low)} ${w.to} ${
      signed(r.high)
    }) ${w.vsRest}, n = ${f.int(r.n)}${
      r.small ? ` — ${w.small}` : `, ${w.adjusted(pValue(r.p, f.num))}`
    }`;
  return {
    title,
    subtitle: options.subtitle ??
      w.note(f.num(meta.confidence * 100, 0), correction, f.int(meta.minN)),
    ariaLabel: title,
    marginLeft: 120,
    height: 90 + 30 * rows.length,
    x: { label, grid: true, nice: true, domain: extent(rows), tickFormat: f.ticks("number") },
    y: { label: null, domain: rows.map((r) => r.label) },
    color: {
      domain: verdicts,
      range: verdicts.map((v) => VERDICT_COLORS[v]),
      tickFormat: (v: Verdict) => w.verdicts[v],
      legend: true,
    },
    marks: [
      Plot.ruleX([0], { stroke: "#4d4d4d", strokeDasharray: "4,3" }),
      Plot.ruleY(rows.filter((r) => r.low !== null), {
        y: "label",
        x1: "low",
        x2: "high",
        stroke: "verdict",
        strokeWidth: 2,
        className: "cx-segment-interval",
      }),
      // Filled and hollow dots are two marks so the fill of tested ones stays on the colour scale.
      ...[false, true].map((small) =>
        Plot.dot(rows.filter((r) => r.small === small), {
          y: "label",
          x: "difference",
          r: 5,
          stroke: "verdict",
          strokeWidth: 2,
          fill: small ? "white" : "verdict",
          title: tip,
          className: "cx-segment-dot",
        })
      ),
    ],
  };
}

function verdictOf(r: Record<string, unknown>): Verdict {
  if (r.significant !== true) return "not significant";
  return (r.difference as number) > 0 ? "above the rest" : "below the rest";
}

function extent(rows: { difference: number; low: number | null; high: number | null }[]) {
  const values = rows.flatMap((r) => [r.difference, r.low, r.high, 0])
    .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return [Math.min(...values), Math.max(...values)];
}

function pValue(p: number | null, num: (v: unknown, digits: number) => string): string {
  if (p === null) return "p = –";
  // "p < 0.001", never "p = < 0.001".
  return p < 0.001 ? `p < ${num(0.001, 3)}` : `p = ${num(p, 3)}`;
}
