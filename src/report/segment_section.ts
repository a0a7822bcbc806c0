/**
 * The segments page: each segment's NPS, CSAT and CES against the rest of
 * the customers (multiple-comparison corrected, so "no region stands out" is
 * a finding too), and the RFM segments of the ordering customers.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { segment } from "../analysis/segment/segment.ts";
import { rfm, RFM_SEGMENTS } from "../analysis/segment/rfm.ts";
import { rfmChart } from "../charts/rfm.ts";
import { segmentChart } from "../charts/segment.ts";
import type { AnalysisKpi } from "../analysis/segment/kinds.ts";
import { chartLocale } from "./charts.ts";
import {
  columnLabel,
  hasColumns,
  hasValues,
  type Section,
  type SectionContext,
} from "./context.ts";
import { dataTable, figure, findings, heading, para, skippedSection } from "./html.ts";
import { publishable } from "./privacy.ts";
import { smallNote } from "./compare.ts";

type Row = Record<string, unknown>;

/** Columns tried as segments after the report's own segment column. */
const SEGMENT_COLUMNS = ["channel", "region", "plan", "segment"];

/**
 * Builds the segments section from the survey answers (and orders) of the
 * context.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { segmentSection } from "./segment_section.ts";
 * import { sectionContext } from "./site.ts";
 * const responses = aq.table({
 *   region: [...Array(60).fill("north"), ...Array(60).fill("south")],
 *   nps_score: [...Array(60).fill(10), ...Array(30).fill(0), ...Array(30).fill(10)],
 * });
 * const section = segmentSection(sectionContext({ responses }, { segment: "region" }));
 * assert.ok(section.findings[0] === "By region: NPS is 100.0 points lower for south than for north (one test, p < 0.001).");
 * ```
 */
export function segmentSection(ctx: SectionContext): Section {
  const { labels: t } = ctx;
  const table = ctx.tables.responses;
  const out: string[] = [];
  const found: string[] = [];
  if (table && table.numRows() > 0) {
    const columns = segmentColumns(ctx);
    if (columns.length) out.push(para(t.segmentsLead, "lead"));
    for (const column of columns) {
      // Answers without a value for the column are not a segment.
      const part = segmentPart(
        ctx,
        table.filter(aq.escape((d: Row) => d[column] !== null && d[column] !== undefined)),
        column,
      );
      found.push(...part.findings);
      out.push(part.html);
    }
  }
  const events = ctx.tables.events;
  if (hasColumns(events, "customer_id", "date", "revenue")) {
    const part = rfmPart(ctx, events!);
    found.push(...part.findings);
    out.push(part.html);
  }
  if (!out.length) return skippedSection("segments", t.segments, t.noData(t.answers));
  return { id: "segments", title: t.segments, findings: found, body: out.join("\n") };
}

/**
 * The columns the Segments page compares: the report's segment column, then
 * `channel`, `region`, `plan`, `segment`, those the answers have values in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { segmentColumns } from "./segment_section.ts";
 * import { sectionContext } from "./site.ts";
 * const responses = aq.table({ plan: ["a", "b"], region: [null, null], nps_score: [9, 3] });
 * assert.deepEqual(segmentColumns(sectionContext({ responses })), ["plan"]);
 * ```
 */
export function segmentColumns(ctx: SectionContext): string[] {
  const table = ctx.tables.responses;
  if (!table) return [];
  return [...new Set([ctx.segment, ...SEGMENT_COLUMNS])].filter((c) => hasValues(table, c));
}

/** The score column of each KPI the segments are compared on. */
const SCORE: Record<AnalysisKpi, string> = { nps: "nps_score", csat: "csat", ces: "ces" };

/**
 * Each segment of `column` against the rest of the answers on one KPI, with
 * p-values Holm-adjusted over the column's segments (two segments: one
 * test, nothing to adjust): the Segments page's decision, shared with the
 * KPI page and the overview so a segment is called significant the same way
 * everywhere. One result per context, column and KPI; `null` when the
 * answers have no values for the column or the KPI. Small groups are not
 * suppressed here (the pages showing the rows do that).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { segmentVersusRest } from "./segment_section.ts";
 * import { sectionContext } from "./site.ts";
 * const responses = aq.table({
 *   region: [...Array(60).fill("north"), ...Array(60).fill("south")],
 *   nps_score: [...Array(60).fill(10), ...Array(30).fill(0), ...Array(30).fill(10)],
 * });
 * const ctx = sectionContext({ responses });
 * const rows = segmentVersusRest(ctx, "region", "nps")!.objects() as Record<string, unknown>[];
 * assert.deepEqual(rows.map((r) => [r.region, r.difference, r.significant]), [
 *   ["north", 100, true],
 *   ["south", -100, true],
 * ]);
 * assert.equal(segmentVersusRest(ctx, "region", "nps"), segmentVersusRest(ctx, "region", "nps"));
 * ```
 */
export function segmentVersusRest(
  ctx: SectionContext,
  column: string,
  kpi: AnalysisKpi,
): ColumnTable | null {
  const byColumn = VERSUS_REST.get(ctx) ?? new Map<string, ColumnTable | null>();
  VERSUS_REST.set(ctx, byColumn);
  const key = `${kpi}\u0000${column}`;
  if (!byColumn.has(key)) byColumn.set(key, versusRest(ctx, column, kpi));
  return byColumn.get(key)!;
}

const VERSUS_REST = new WeakMap<SectionContext, Map<string, ColumnTable | null>>();

function versusRest(ctx: SectionContext, column: string, kpi: AnalysisKpi): ColumnTable | null {
  const responses = ctx.tables.responses;
  if (!responses || !hasValues(responses, column)) return null;
  // Answers without a value for the column are not a segment.
  const table = responses.filter(
    aq.escape((d: Row) => d[column] !== null && d[column] !== undefined),
  );
  if (!hasValues(table, SCORE[kpi])) return null;
  // Two segments: "a vs the rest" and "b vs the rest" are one test, made once (nothing to adjust).
  const two = new Set(table.array(column) as unknown[]).size === 2;
  const scale = kpi === "csat" ? ctx.csatScale : kpi === "ces" ? ctx.cesScale : undefined;
  return segment(table, {
    by: column,
    kpi,
    confidence: ctx.confidence,
    minN: ctx.minN,
    ...(two ? { correction: "none" as const } : {}),
    ...(scale ? { scale } : {}),
  });
}

/**
 * A segment's difference to the rest as the Segments page's tables show it:
 * signed, with ` *` when it is significant after the correction; `–` without
 * a row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportFormat } from "./format.ts";
 * import { restDifference } from "./segment_section.ts";
 * const f = reportFormat("en");
 * assert.equal(restDifference(f, { difference: 7.25, significant: true }, 1), "+7.3 *");
 * assert.equal(restDifference(f, { difference: -1, significant: false }, 1), "−1.0");
 * ```
 */
export function restDifference(
  f: SectionContext["format"],
  row: Row | undefined,
  digits: number,
): string {
  return row
    ? `${signed(f.num(row.difference, digits), row.difference)}${row.significant ? " *" : ""}`
    : "–";
}

function segmentPart(ctx: SectionContext, table: ColumnTable, column: string) {
  const { labels: t, format: f } = ctx;
  const out: string[] = [heading(2, t.byGroup(t.segments, column))];
  const sentences: string[] = [];
  const npsRows = hasValues(table, "nps_score") ? segmentVersusRest(ctx, column, "nps") : null;
  if (!npsRows) return { findings: sentences, html: "" };
  const two = new Set(table.array(column) as unknown[]).size === 2;
  const { table: result, tableOptions: hidden } = publishable(
    ctx,
    npsRows,
    t.segmentChart(column),
    [column],
  );
  const rows = result.objects() as Row[];
  sentences.push(...(two ? pairSentence(ctx, rows, column) : restSentence(ctx, rows, column)));
  out.push(findings(sentences));
  out.push(figure(
    segmentChart(result, {
      title: t.segmentChart(column),
      label: t.npsPoints,
      ...chartLocale(ctx),
    }),
    f,
  ));
  const csatRows = (segmentVersusRest(ctx, column, "csat")?.objects() ?? []) as Row[];
  const cesRows = (segmentVersusRest(ctx, column, "ces")?.objects() ?? []) as Row[];
  const find = (list: Row[], r: Row) => list.find((x) => String(x[column]) === String(r[column]));
  const diff = (x: Row | undefined, digits: number) => restDifference(f, x, digits);
  out.push(dataTable(rows, [
    { label: columnLabel(ctx, column), value: (r) => String(r[column]) },
    { label: t.n, value: (r) => f.int(r.n), numeric: true },
    { label: t.npsInterval, value: (r) => f.interval(r.nps, r.nps_low, r.nps_high), numeric: true },
    {
      label: t.vsRest,
      value: (r) => f.interval(r.difference, r.difference_low, r.difference_high),
      numeric: true,
    },
    { label: t.pAdjusted, value: (r) => pValue(f, r.p_adjusted), numeric: true },
    ...(csatRows.length
      ? [{ label: t.csatVsRest, value: (r: Row) => diff(find(csatRows, r), 1), numeric: true }]
      : []),
    ...(cesRows.length
      ? [{ label: t.cesVsRest, value: (r: Row) => diff(find(cesRows, r), 2), numeric: true }]
      : []),
  ], { small: (r) => r.small_sample === true, flagText: t.smallSample, ...hidden }));
  out.push(para(t.segmentTableNote, "note"));
  return { findings: sentences, html: out.join("\n") };
}

/** Each segment against the rest: the significant ones after Holm, or none. */
function restSentence(ctx: SectionContext, rows: Row[], column: string): string[] {
  const { labels: t, format: f } = ctx;
  const significant = rows.filter((r) => r.significant === true)
    .sort((a, b) => (a.difference as number) - (b.difference as number));
  const sentence = significant.length
    ? t.segmentSentence(
      column,
      f.sentence(
        significant.map((r) =>
          t.segmentDiff(
            String(r[column]),
            f.points(Math.abs(r.difference as number)),
            (r.difference as number) < 0,
            f.p(r.p_adjusted as number),
          )
        ).join("; "),
      ),
    )
    : t.segmentNone(column);
  return [sentence, ...smallNote(ctx, rows)];
}

/** A column of two segments: their one test, stated once (the lower against the higher). */
function pairSentence(ctx: SectionContext, rows: Row[], column: string): string[] {
  const { labels: t, format: f } = ctx;
  const tested = rows.filter((r) => typeof r.p_value === "number" && r.small_sample !== true);
  if (tested.length !== 2) return [t.segmentNone(column), ...smallNote(ctx, rows)];
  const [low, high] = [...tested].sort((a, b) => (a.nps as number) - (b.nps as number));
  return [
    t.segmentSentence(
      column,
      f.sentence(
        t.segmentPair(
          String(low[column]),
          String(high[column]),
          f.points(Math.abs(low.difference as number)),
          f.p(low.p_value as number),
          low.significant === true,
        ),
      ),
    ),
  ];
}

function rfmPart(ctx: SectionContext, events: ColumnTable) {
  const { labels: t, format: f } = ctx;
  const orders = events.columnNames().includes("type")
    ? events.filter(aq.escape((d: Row) => d.type === "order"))
    : events.filter(aq.escape((d: Row) => typeof d.revenue === "number"));
  if (orders.numRows() === 0) return { findings: [], html: "" };
  let last = -Infinity;
  for (const d of orders.array("date") as unknown[]) {
    if (d instanceof Date && d.getTime() > last) last = d.getTime();
  }
  const asOf = ctx.filters.to ? new Date(`${ctx.filters.to}T00:00:00Z`) : new Date(last);
  const result = rfm(orders, { observedUntil: asOf });
  const scored = result.objects() as Row[];
  const total = scored.length;
  const revenue = scored.reduce((s, r) => s + (r.monetary as number), 0);
  const rows = RFM_SEGMENTS.map((name) => {
    const members = scored.filter((r) => r.segment === name);
    const money = members.reduce((s, r) => s + (r.monetary as number), 0);
    return {
      segment: name,
      customers: members.length,
      share: members.length / total,
      revenue_share: revenue > 0 ? money / revenue : null,
      recency: median(members.map((r) => r.recency_days as number)),
      frequency: members.length
        ? members.reduce((s, r) => s + (r.frequency as number), 0) / members.length
        : null,
    };
  }).filter((r) => r.customers > 0);
  const pick = (name: string) => rows.find((r) => r.segment === name);
  const sentences: string[] = [];
  const champions = pick("Champions"), atRisk = pick("At risk");
  if (champions && atRisk) {
    sentences.push(
      t.rfmSentence(
        f.int(champions.customers),
        f.share(champions.share),
        f.share(champions.revenue_share),
        f.int(atRisk.customers),
        f.share(atRisk.share),
      ),
    );
  }
  const html = [
    heading(2, t.rfm),
    para(t.rfmLead(f.date(asOf))),
    findings(sentences),
    figure(
      rfmChart(result, { title: t.rfmChart, xLabel: t.customers, ...chartLocale(ctx) }),
      f,
    ),
    dataTable(rows, [
      { label: t.rfmSegment, value: (r) => r.segment },
      { label: t.customers, value: (r) => f.int(r.customers), numeric: true },
      { label: t.shareOfCustomers, value: (r) => f.share(r.share), numeric: true },
      { label: t.shareOfRevenue, value: (r) => f.share(r.revenue_share), numeric: true },
      { label: t.medianRecency, value: (r) => f.num(r.recency, 0), numeric: true },
      { label: t.meanOrders, value: (r) => f.num(r.frequency), numeric: true },
    ]),
  ].join("\n");
  return { findings: sentences, html };
}

function signed(text: string, value: unknown): string {
  return typeof value === "number" && value > 0 ? `+${text}` : text;
}

function pValue(f: SectionContext["format"], p: unknown): string {
  if (typeof p !== "number") return "–";
  return p < 0.001 ? `< ${f.num(0.001, 3)}` : f.num(p, 3);
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
