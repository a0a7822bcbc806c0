/**
 * The KPI page of the report: NPS, CSAT and CES overall, by segment and by
 * period, with the findings stated in words generated from the tests (never
 * written by hand), so a reader sees which differences are real, and the
 * latest detractor comments (escaped like every user string).
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { kpiSegmentChart, npsMixChart } from "../charts/kpi.ts";
import { scoreDistributionChart } from "../charts/scores.ts";
import { ces } from "../metrics/ces.ts";
import { csat } from "../metrics/csat.ts";
import { nps } from "../metrics/nps.ts";
import { npsCategory } from "../schema/scales.ts";
import { periodName } from "../time/period.ts";
import { chartLocale } from "./charts.ts";
import { npsGap, rankSentences, smallNote } from "./compare.ts";
import {
  columnLabel,
  hasColumns,
  hasValues,
  type Section,
  type SectionContext,
} from "./context.ts";
import {
  dataTable,
  figure,
  findings,
  heading,
  para,
  skippedSection,
  type TableColumn,
} from "./html.ts";
import { restDifference, segmentVersusRest } from "./segment_section.ts";
import { publishable } from "./privacy.ts";
import { trendShifts } from "./trend_section.ts";
import { noteWeights, overallKpi } from "./weights.ts";

type Row = Record<string, unknown>;

/**
 * Builds the KPI section from the survey answers of the context. Without
 * answers the page says so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kpiSection } from "./kpi_section.ts";
 * import { sectionContext } from "./site.ts";
 * const responses = aq.table({
 *   channel: [...Array(40).fill("chat"), ...Array(40).fill("phone")],
 *   date: Array(80).fill(new Date("2024-01-05")),
 *   nps_score: [30, 10, 10, 30].flatMap((k, i) => Array(k).fill(i % 2 ? 0 : 10)),
 * });
 * const section = kpiSection(sectionContext({ responses }));
 * // chat 30 of 40 promoters (NPS 50), phone 10 of 40 (NPS −50); one pair, so nothing to adjust.
 * assert.ok(section.findings.some((s) => s.startsWith("NPS is 100.0 points lower for phone than for chat")));
 * ```
 */
export function kpiSection(ctx: SectionContext): Section {
  const { labels: t, segment } = ctx;
  const table = ctx.tables.responses;
  const title = t.kpis;
  if (!table || table.numRows() === 0) {
    return skippedSection("kpis", title, t.noData(t.answers));
  }
  const bySegment = hasColumns(table, segment) && hasValues(table, segment);
  // Answers without a segment value (e.g. a file without the column) are in the totals only.
  const segmented = bySegment
    ? table.filter(aq.escape((d: Row) => d[segment] !== null && d[segment] !== undefined))
    : table;
  const page: Page = { out: [], found: [] };
  if (hasValues(table, "nps_score")) {
    npsOverall(ctx, table, page);
    if (bySegment) npsBySegment(ctx, segmented, page);
    if (hasValues(table, "date")) npsByPeriod(ctx, table, page);
  }
  if (bySegment && hasValues(table, "csat")) csatBySegment(ctx, segmented, page);
  if (bySegment && hasValues(table, "ces")) cesBySegment(ctx, segmented, page);
  if (hasValues(table, "comment") && hasValues(table, "nps_score")) {
    page.out.push(heading(2, t.comments), latestComments(ctx, table));
  }
  return { id: "kpis", title, findings: page.found, body: page.out.join("\n") };
}

/** What the parts of the page add, in page order: HTML blocks and finding sentences. */
interface Page {
  out: string[];
  found: string[];
}

/** How the report's tables flag small samples. */
function tableOptions(ctx: SectionContext) {
  return { small: (r: Row) => r.small_sample === true, flagText: ctx.labels.smallSample };
}

/** The segment column of a KPI table. */
function groupColumn(ctx: SectionContext) {
  return { label: columnLabel(ctx, ctx.segment), value: (r: Row) => String(r[ctx.segment] ?? "–") };
}

/** The columns of an NPS table after its group or period column. */
function npsColumns(ctx: SectionContext) {
  const { labels: t, format: f } = ctx;
  return [
    { label: t.n, value: (r: Row) => f.int(r.n), numeric: true },
    {
      label: t.npsInterval,
      value: (r: Row) => f.interval(r.nps, r.nps_low, r.nps_high),
      numeric: true,
    },
    { label: t.promoters, value: (r: Row) => f.percent(r.pct_promoters), numeric: true },
    { label: t.passives, value: (r: Row) => f.percent(r.pct_passives), numeric: true },
    { label: t.detractors, value: (r: Row) => f.percent(r.pct_detractors), numeric: true },
  ];
}

/** The NPS heading, the overall NPS in words and the answers per score. */
function npsOverall(ctx: SectionContext, table: ColumnTable, page: Page): void {
  const { labels: t, format: f } = ctx;
  page.out.push(heading(2, t.nps));
  // The context's one overall NPS (the weight sentence reads its effective n too).
  const result = overallKpi(ctx, "nps");
  noteWeights(ctx, result);
  const overall = result.objects()[0] as Row;
  const headline = [
    t.npsOverall(f.interval(overall.nps, overall.nps_low, overall.nps_high), f.int(overall.n)),
  ];
  page.found.push(...headline);
  page.out.push(findings(headline));
  page.out.push(figure(scoreChart(ctx, table), f));
}

/** NPS per segment: the gap between the best and worst segment, chart, table, answer mix. */
function npsBySegment(ctx: SectionContext, segmented: ColumnTable, page: Page): void {
  const { labels: t, format: f, segment } = ctx;
  const what = t.byGroup("NPS", segment);
  const { table: result, tableOptions: hidden } = publishable(
    ctx,
    nps(segmented, { by: segment, confidence: ctx.confidence, minN: ctx.minN }),
    what,
    [segment],
  );
  const gap = segmentGap(ctx, segmented, result);
  page.found.push(...gap);
  page.out.push(findings(gap));
  page.out.push(figure(segmentChart(ctx, result, t.npsAxis, what, "nps"), f));
  page.out.push(
    dataTable(
      result.objects() as Row[],
      [groupColumn(ctx), ...npsColumns(ctx), restColumn(ctx, "nps", t.npsVsRest, 1)],
      { ...tableOptions(ctx), ...hidden },
    ),
    para(t.restMarkNote, "note"),
  );
  page.out.push(figure(mixChart(ctx, result), f));
}

/**
 * NPS per period: the significant shifts, chart and table. The rows are the
 * Trends page's published trend (the same NPS per period with every period
 * from the first to the last, small periods suppressed once): one table
 * "NPS by month", so a hidden month is counted once on the overview.
 */
function npsByPeriod(ctx: SectionContext, table: ColumnTable, page: Page): void {
  const { labels: t, format: f } = ctx;
  const title = t.byGroup("NPS", periodName(ctx.period, ctx.format.lang));
  // The Trends page's decision (trend with Holm over all periods), not a second test.
  const { result, rows, hidden, sentences: shifts } = trendShifts(ctx, table, "nps");
  page.found.push(...shifts);
  page.out.push(heading(3, title));
  page.out.push(findings(shifts));
  page.out.push(figure(segmentChart(ctx, result, t.npsAxis, `${title} (${ctx.timeZone})`), f));
  page.out.push(
    dataTable(
      rows,
      [{ label: t.periodColumn, value: (r: Row) => String(r.period) }, ...npsColumns(ctx)],
      { ...tableOptions(ctx), ...hidden },
    ),
  );
}

/** CSAT per segment: highest and lowest segment, chart, table. */
function csatBySegment(ctx: SectionContext, segmented: ColumnTable, page: Page): void {
  const { labels: t, format: f, segment } = ctx;
  scoreBySegment(ctx, page, {
    result: csat(segmented, { by: segment, scale: ctx.csatScale, minN: ctx.minN }),
    value: "csat",
    name: "CSAT",
    heading: t.csat,
    axis: t.csatAxis,
    subject: t.csatSubject,
    show: (r) => f.shareInterval(share(r.csat), share(r.csat_low), share(r.csat_high)),
    columns: [
      { label: t.csatInterval, value: (r) => f.interval(r.csat, r.csat_low, r.csat_high) },
      { label: t.csatMean, value: (r) => f.interval(r.mean, r.mean_low, r.mean_high, 2) },
    ],
  });
}

/** CES per segment: highest and lowest effort, chart, table. */
function cesBySegment(ctx: SectionContext, segmented: ColumnTable, page: Page): void {
  const { labels: t, format: f, segment } = ctx;
  scoreBySegment(ctx, page, {
    result: ces(segmented, { by: segment, scale: ctx.cesScale, minN: ctx.minN }),
    value: "ces",
    name: "CES",
    heading: t.ces,
    axis: t.cesAxis,
    subject: t.cesSubject,
    show: (r) => f.interval(r.ces, r.ces_low, r.ces_high, 2),
    columns: [
      { label: t.cesInterval, value: (r) => f.interval(r.ces, r.ces_low, r.ces_high, 2) },
      {
        label: t.lowEffort,
        value: (r) => f.interval(r.pct_low_effort, r.pct_low_effort_low, r.pct_low_effort_high),
      },
    ],
  });
}

/** A score KPI per segment, as {@link scoreBySegment} draws it. */
interface ScorePart {
  /** The KPI by segment (small groups are suppressed before it is shown). */
  result: ColumnTable;
  /** Its estimate column. */
  value: string;
  /** Its short name in titles ("CSAT"). */
  name: string;
  heading: string;
  axis: string;
  /** The KPI as the subject of a sentence ("CSAT", "Die Zufriedenheit"). */
  subject: string;
  /** A row's value with its interval, as the sentence shows it. */
  show: (row: Row) => string;
  /** The table's columns after the segment and n. */
  columns: TableColumn<Row>[];
}

/** Highest and lowest segment in words, chart and table of a score KPI. */
function scoreBySegment(ctx: SectionContext, page: Page, part: ScorePart): void {
  const { labels: t, format: f, segment } = ctx;
  const what = t.byGroup(part.name, segment);
  const { table: result, tableOptions: hidden } = publishable(ctx, part.result, what, [segment]);
  const sentence = rankSentences(
    ctx,
    result.objects() as Row[],
    {
      by: segment,
      value: part.value,
      low: `${part.value}_low`,
      high: `${part.value}_high`,
    },
    part.subject,
    part.show,
  );
  page.found.push(...sentence);
  page.out.push(heading(2, part.heading), findings(sentence));
  const kpi = part.value === "csat" ? "csat" : "ces";
  page.out.push(figure(segmentChart(ctx, result, part.axis, what, kpi), f));
  page.out.push(
    dataTable(result.objects() as Row[], [
      groupColumn(ctx),
      { label: t.n, value: (r) => f.int(r.n), numeric: true },
      ...part.columns.map((c) => ({ ...c, numeric: true })),
      part.value === "csat"
        ? restColumn(ctx, "csat", t.csatVsRest, 1)
        : restColumn(ctx, "ces", t.cesVsRest, 2),
    ], { ...tableOptions(ctx), ...hidden }),
    para(t.restMarkNote, "note"),
  );
}

/**
 * Each segment's difference to the rest, marked `*` when significant: the
 * Segments page's Holm-adjusted decision (`segmentVersusRest`), not a test
 * of this page's own.
 */
function restColumn(
  ctx: SectionContext,
  kpi: "nps" | "csat" | "ces",
  label: string,
  digits: number,
): TableColumn<Row> {
  const rows = (segmentVersusRest(ctx, ctx.segment, kpi)?.objects() ?? []) as Row[];
  const key = (r: Row) => String(r[ctx.segment]);
  const byGroup = new Map(rows.map((r) => [key(r), r]));
  return {
    label,
    value: (r) => restDifference(ctx.format, byGroup.get(key(r)), digits),
    numeric: true,
  };
}

/** The answers per score 0–10 in the report's words. */
function scoreChart(ctx: SectionContext, table: ColumnTable) {
  const { labels: t } = ctx;
  return scoreDistributionChart(table, {
    title: t.scoreChart,
    xLabel: t.scoreAxis,
    yLabel: t.answers,
    ...chartLocale(ctx),
  });
}

/** Detractors, passives and promoters per segment in the report's words. */
function mixChart(ctx: SectionContext, result: ColumnTable) {
  const { labels: t } = ctx;
  return npsMixChart(result, {
    title: t.answerMix(columnLabel(ctx, ctx.segment)),
    subtitle: null,
    label: t.shareOfAnswers,
    ...chartLocale(ctx),
  });
}

/**
 * A KPI-by-group chart with the report's words (title, axis, interval note).
 * With `kpi` (a chart by segment) the segments that differ significantly
 * from the rest are marked: the Segments page's decision (`segmentVersusRest`),
 * the same one as the `*` of the table's "vs rest" column.
 */
function segmentChart(
  ctx: SectionContext,
  result: ColumnTable,
  label: string,
  title: string,
  kpi?: "nps" | "csat" | "ces",
) {
  const meta = metaOf(result, "kpi");
  const pct = ctx.format.share(meta?.confidence ?? ctx.confidence, 0);
  return kpiSegmentChart(result, {
    label,
    title,
    subtitle: ctx.labels.intervalsNote(pct, ctx.format.int(meta?.minN ?? ctx.minN)),
    ...(kpi ? { marked: significantSegments(ctx, result, kpi) } : {}),
    ...chartLocale(ctx),
  });
}

/** The segments of `result` that `segmentVersusRest` calls significant, as chart marks. */
function significantSegments(
  ctx: SectionContext,
  result: ColumnTable,
  kpi: "nps" | "csat" | "ces",
) {
  const shown = new Set((result.array(ctx.segment) as unknown[]).map(String));
  const rows = (segmentVersusRest(ctx, ctx.segment, kpi)?.objects() ?? []) as Row[];
  return {
    segments: rows.filter((r) => r.significant === true).map((r) => String(r[ctx.segment]))
      .filter((s) => shown.has(s)),
    label: ctx.labels.markedSegments,
    others: ctx.labels.unmarkedSegments,
  };
}

/**
 * The lowest against the highest NPS segment, Holm-adjusted over every pair
 * of segments (see `npsGap`), and the small samples left out.
 */
function segmentGap(ctx: SectionContext, table: ColumnTable, result: ColumnTable): string[] {
  const { segment, format: f } = ctx;
  const rows = result.objects() as Row[];
  const gap = npsGap(table, rows, segment, ctx.confidence);
  const sentence = gap
    ? [
      ctx.labels.npsGap(
        segment,
        gap.low,
        gap.high,
        f.points(gap.difference),
        f.p(gap.pAdjusted),
        gap.significant,
        f.int(gap.pairs),
      ),
    ]
    : [];
  return [...sentence, ...smallNote(ctx, rows)];
}

/** A percentage (0–100) as a share (0–1). */
function share(v: unknown): number | null {
  return typeof v === "number" ? v / 100 : null;
}

/** The latest comments of detractors, newest first. */
function latestComments(ctx: SectionContext, table: ColumnTable, limit = 8): string {
  const { labels: t, format: f, segment } = ctx;
  const id = table.columnNames().includes("response_id") ? "response_id" : undefined;
  const rows = table
    .filter(
      aq.escape((d: Row) =>
        typeof d.nps_score === "number" && npsCategory(d.nps_score) === "Detractor" &&
        typeof d.comment === "string" &&
        d.comment.trim() !== ""
      ),
    )
    .orderby(
      ...(table.columnNames().includes("date") ? [aq.desc("date")] : []),
      ...(id ? [id] : []),
    )
    .objects({ limit }) as Row[];
  const columns = [
    { label: t.date, value: (r: Row) => f.date(r.date as Date) },
    ...(table.columnNames().includes(segment)
      ? [{ label: columnLabel(ctx, segment), value: (r: Row) => String(r[segment] ?? "–") }]
      : []),
    { label: t.score, value: (r: Row) => f.int(r.nps_score), numeric: true },
    { label: t.comment, value: (r: Row) => String(r.comment) },
  ];
  return dataTable(rows, columns);
}
