/**
 * Segment comparison chart: each segment's difference to the rest of the
 * answers, as a dot with its interval, significant ones highlighted.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { kpiMeta } from "../metrics/groups.ts";
import type { ChartSpec } from "./render.ts";

/** Options of {@link segmentChart}. */
export interface SegmentChartOptions {
  /** Chart title (default: "<KPI>: each <segment> vs the rest"). */
  title?: string;
  /** Axis label of the difference (default per KPI, with its unit). */
  label?: string;
}

/** How a segment compares: drives the dot colour and the legend. */
type Verdict = "above the rest" | "below the rest" | "not significant";

/** Okabe–Ito blue and vermillion for significant differences, grey for the rest. */
const VERDICT_COLORS: Record<Verdict, string> = {
  "above the rest": "#0072B2",
  "below the rest": "#D55E00",
  "not significant": "#8C8C8C",
};

const KPI_LABELS: Record<string, { name: string; unit: string; digits: number }> = {
  nps: { name: "NPS", unit: "NPS points", digits: 1 },
  csat: { name: "CSAT", unit: "percentage points of top box", digits: 1 },
  ces: { name: "CES", unit: "effort points; below 0 = less effort", digits: 2 },
};

/**
 * Dot-and-interval chart of a `segment` result: one row per segment, the dot
 * at its difference to the rest (segment − rest) and a line for the interval,
 * with a reference line at 0 (= the rest). Segments that differ
 * significantly after the correction are coloured (blue above, vermillion
 * below the rest), the others grey; small samples (`small_sample`, not
 * tested) are hollow. Rows are sorted by difference, largest on top; several
 * `by` columns are joined as `chat · north`. Segments without a difference
 * (no answers, no rest) are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { segment } from "../analysis/segment.ts";
 * import { renderSvg } from "./render.ts";
 * import { segmentChart } from "./segment.ts";
 * const t = aq.table({ channel: ["chat", "chat", "phone", "phone"], nps_score: [10, 9, 3, 9] });
 * const svg = renderSvg(segmentChart(segment(t, { kpi: "nps", by: "channel", minN: 1 })));
 * assert.ok(svg.includes("NPS: each channel vs the rest"));
 * ```
 */
export function segmentChart(segments: ColumnTable, options: SegmentChartOptions = {}): ChartSpec {
  const meta = kpiMeta(segments);
  if (!meta || meta.notes.analysis !== "segment") {
    throw new CxOptionsError(
      "segmentChart needs a result of segment() as it came back (metadata is lost after Arquero verbs)",
    );
  }
  const kpi = KPI_LABELS[meta.kpi] ?? { name: meta.kpi, unit: "", digits: 1 };
  const signed = (v: number | null) => format(v, kpi.digits);
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
  const label = options.label ?? `Difference to the rest (${kpi.unit})`;
  const title = options.title ?? `${kpi.name}: each ${meta.by.join(" × ")} vs the rest`;
  const correction = meta.notes.correction === "bh"
    ? "Benjamini–Hochberg"
    : meta.notes.correction === "none"
    ? "no"
    : "Holm";
  const verdicts = (Object.keys(VERDICT_COLORS) as Verdict[]).filter((v) =>
    rows.some((r) => r.verdict === v)
  );
  const tip = (r: typeof rows[number]) =>
    `${r.label}: ${signed(r.difference)} (${signed(r.low)} to ${
      signed(r.high)
    }) vs the rest, n = ${r.n}${
      r.small ? " — small sample, not tested" : `, adjusted p = ${pValue(r.p)}`
    }`;
  return {
    title,
    subtitle: `Segment minus all other answers, ${
      Math.round(meta.confidence * 100)
    } % intervals; coloured: significant after ${correction} correction; hollow: fewer than ${meta.minN} answers (not tested)`,
    ariaLabel: title,
    marginLeft: 120,
    height: 90 + 30 * rows.length,
    x: { label, grid: true, nice: true, domain: extent(rows) },
    y: { label: null, domain: rows.map((r) => r.label) },
    color: {
      domain: verdicts,
      range: verdicts.map((v) => VERDICT_COLORS[v]),
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

/** Signed, fixed decimals, en-US, a real minus sign; a dash for missing values. */
function format(v: number | null, digits: number): string {
  if (v === null || !Number.isFinite(v)) return "–";
  const s = v.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
  return v > 0 ? `+${s}` : s.replace("-", "−");
}

function pValue(p: number | null): string {
  if (p === null) return "–";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}
