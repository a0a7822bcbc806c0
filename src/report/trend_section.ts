/**
 * The trends page: NPS, CSAT and CES per period with intervals, a 3-period
 * rolling value from pooled counts, the period-over-period shifts that
 * survive a Holm correction over all periods, and ticket volume per period.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { AnalysisKpi } from "../analysis/segment/kinds.ts";
import { trend, TREND_COLUMNS } from "../analysis/trend.ts";
import { periodFn, periodName } from "../time/period.ts";
import { trendChart } from "../charts/trend.ts";
import { ticketVolumeChart } from "../charts/volume.ts";
import { chartLocale } from "./charts.ts";
import { hasValues, type Section, type SectionContext } from "./context.ts";
import { dataTable, figure, findings, heading, para, skippedSection } from "./html.ts";
import { publishable } from "./privacy.ts";
import { smallNote } from "./compare.ts";
import { attachMeta, meta } from "../meta.ts";
import { noteWeights } from "./weights.ts";

type Row = Record<string, unknown>;

/**
 * Builds the trends section from the survey answers and tickets of the
 * context.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { trendSection } from "./trend_section.ts";
 * import { sectionContext } from "./site.ts";
 * const d = (m: number) => new Date(Date.UTC(2025, m, 10));
 * const responses = aq.table({
 *   date: [...Array(100).fill(d(0)), ...Array(100).fill(d(1))],
 *   nps_score: [...Array(100).fill(10), ...Array(50).fill(10), ...Array(50).fill(0)],
 * });
 * const section = trendSection(sectionContext({ responses }));
 * assert.ok(section.findings[0].startsWith("NPS dropped 100.0 points in February 2025 compared with January 2025"));
 * ```
 */
export function trendSection(ctx: SectionContext): Section {
  const { labels: t } = ctx;
  const out: string[] = [];
  const found: string[] = [];
  const responses = ctx.tables.responses;
  if (responses && hasValues(responses, "date")) {
    out.push(para(t.trendsLead(t.period[ctx.period]), "lead"));
    const kpis: [AnalysisKpi, string, string][] = [
      ["nps", "nps_score", t.nps],
      ["csat", "csat", t.csat],
      ["ces", "ces", t.ces],
    ];
    for (const [kpi, score, title] of kpis) {
      if (!hasValues(responses, score)) continue;
      const part = kpiTrend(ctx, responses, kpi, title);
      found.push(...part.findings);
      out.push(part.html);
    }
  }
  const tickets = ctx.tables.tickets;
  if (tickets && hasValues(tickets, "created_at")) {
    const part = ticketVolume(ctx, tickets);
    found.push(...part.findings);
    out.push(part.html);
  }
  if (!out.length) return skippedSection("trends", t.trends, t.noData(t.answers));
  return { id: "trends", title: t.trends, findings: found, body: out.join("\n") };
}

/** Digits of each KPI's values and changes. */
const DIGITS: Record<AnalysisKpi, number> = { nps: 1, csat: 1, ces: 2 };

/**
 * A KPI's trend as the report shows it (Holm over all periods, small
 * periods flagged and untested, suppressed periods hidden with their
 * neighbours) and its sentences: the significant shifts, or that there are
 * none. The one decision on period-over-period changes, shared by the Trends
 * and the KPI page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { trendShifts } from "./trend_section.ts";
 * import { sectionContext } from "./site.ts";
 * const d = (m: number) => new Date(Date.UTC(2025, m, 10));
 * const responses = aq.table({
 *   date: [...Array(100).fill(d(0)), ...Array(100).fill(d(1))],
 *   csat: [...Array(100).fill(5), ...Array(50).fill(5), ...Array(50).fill(1)],
 * });
 * const { sentences } = trendShifts(sectionContext({ responses }), responses, "csat");
 * assert.ok(sentences[0].startsWith("CSAT dropped 50.0 percentage points in February 2025"));
 * ```
 */
export function trendShifts(ctx: SectionContext, table: ColumnTable, kpi: AnalysisKpi): Shifts {
  // The KPI page, the front tiles and the Trends page share one result per context, so the
  // trend runs once and its suppressions are logged once.
  const byTable = SHIFTS.get(ctx) ?? new WeakMap<ColumnTable, Map<AnalysisKpi, Shifts>>();
  SHIFTS.set(ctx, byTable);
  const byKpi = byTable.get(table) ?? new Map<AnalysisKpi, Shifts>();
  byTable.set(table, byKpi);
  const shifts = byKpi.get(kpi) ?? computeShifts(ctx, table, kpi);
  byKpi.set(kpi, shifts);
  // Every page that shows it (not only the first) says when it is weighted.
  noteWeights(ctx, shifts.result);
  return shifts;
}

/** What {@link trendShifts} returns: the shown trend, its rows, the hidden periods, sentences. */
export type Shifts = ReturnType<typeof computeShifts>;

const SHIFTS = new WeakMap<SectionContext, WeakMap<ColumnTable, Map<AnalysisKpi, Shifts>>>();

function computeShifts(ctx: SectionContext, table: ColumnTable, kpi: AnalysisKpi) {
  const { labels: t, format: f } = ctx;
  const scale = kpi === "csat" ? ctx.csatScale : kpi === "ces" ? ctx.cesScale : undefined;
  const name = kpi.toUpperCase();
  const digits = DIGITS[kpi];
  const { table: shown, tableOptions: hidden } = publishable(
    ctx,
    trend(table, {
      kpi,
      period: ctx.period,
      timeZone: ctx.timeZone,
      rolling: ROLLING,
      correction: "holm",
      confidence: ctx.confidence,
      minN: ctx.minN,
      ...(scale ? { scale } : {}),
    }),
    t.byGroup(name, periodName(ctx.period, ctx.format.lang)),
    ["period", "period_start", "compared_to", "time_zone"],
  );
  const result = hideNeighbours(shown);
  const rows = result.objects() as Row[];
  const shifts = rows.filter((r) => r.significant === true);
  const tested = rows.filter((r) => typeof r.p_value === "number").length;
  // CSAT is a percentage: its changes are percentage points.
  const change = (x: number) => kpi === "csat" ? f.pp(x, digits) : f.points(x, digits);
  const sentences = shifts.length
    ? shifts.map((r) =>
      t.shiftSentence(
        name,
        r.shift === "drop",
        change(Math.abs(r.change as number)),
        f.inPeriod(String(r.period)),
        f.period(String(r.compared_to)),
        f.p(r.p_adjusted as number),
      )
    )
    : [t.noShift(name, f.int(tested))];
  return { result, rows, hidden, sentences: [...sentences, ...smallNote(ctx, rows, "periods")] };
}

function kpiTrend(ctx: SectionContext, table: ColumnTable, kpi: AnalysisKpi, title: string) {
  const { labels: t, format: f } = ctx;
  const name = kpi.toUpperCase();
  const digits = DIGITS[kpi];
  const { result, rows, hidden, sentences } = trendShifts(ctx, table, kpi);
  const html = [
    heading(2, title),
    findings(sentences),
    figure(
      trendChart(result, {
        title: t.byGroup(name, periodName(ctx.period, ctx.format.lang)),
        xLabel: t.periodColumn,
        label: name,
        ...chartLocale(ctx),
      }),
      f,
    ),
    dataTable(rows, [
      { label: t.periodColumn, value: (r) => String(r.period) },
      { label: t.n, value: (r) => f.int(r.n), numeric: true },
      {
        label: t.valueInterval(name),
        value: (r) => f.interval(r[kpi], r[`${kpi}_low`], r[`${kpi}_high`], digits),
        numeric: true,
      },
      {
        label: t.rolling3,
        value: (r) =>
          f.interval(r.rolling_value, r.rolling_value_low, r.rolling_value_high, digits),
        numeric: true,
      },
      {
        label: t.change,
        value: (r) => f.interval(r.change, r.change_low, r.change_high, digits),
        numeric: true,
      },
      {
        label: t.shift,
        value: (r) => r.shift === "drop" ? t.drop : r.shift === "rise" ? t.rise : "",
      },
    ], { small: (r) => r.small_sample === true, flagText: t.smallSample, ...hidden }),
  ].join("\n");
  return { findings: sentences, html };
}

/** Periods pooled into the rolling value. */
const ROLLING = 3;
const ROLLING_COLUMNS = TREND_COLUMNS.filter((c) => c.startsWith("rolling_"));
/** `change` … `shift`: the comparison with the previous period. */
const CHANGE_COLUMNS = TREND_COLUMNS.slice(
  TREND_COLUMNS.indexOf("change"),
  TREND_COLUMNS.indexOf("shift") + 1,
);

/**
 * A trend with a suppressed period's values also kept out of its
 * neighbours: the rolling values whose window holds it and the change of the
 * period compared to it (else its value could be worked back from them).
 */
function hideNeighbours(result: ColumnTable): ColumnTable {
  const hide = result.array("suppressed") as boolean[];
  if (!hide.some(Boolean)) return result;
  const periods = result.array("period") as unknown[];
  const hiddenPeriods = new Set(periods.filter((_, i) => hide[i]).map(String));
  const compared = result.array("compared_to") as unknown[];
  const rolling = hide.map((_, i) => hide.slice(Math.max(0, i - ROLLING + 1), i + 1).some(Boolean));
  const change = compared.map((c) => hiddenPeriods.has(String(c)));
  const columns: Record<string, unknown[]> = {};
  for (const [names, drop] of [[ROLLING_COLUMNS, rolling], [CHANGE_COLUMNS, change]] as const) {
    for (const c of names) {
      if (!result.columnNames().includes(c)) continue;
      columns[c] = (result.array(c) as unknown[]).map((v, i) => drop[i] ? null : v);
    }
  }
  return attachMeta(result.assign(aq.table(columns)), meta(result));
}

/** Tickets opened per period, and the busiest period against the median one. */
function ticketVolume(ctx: SectionContext, tickets: ColumnTable) {
  const { labels: t, format: f } = ctx;
  const of = periodFn(ctx.period, ctx.timeZone);
  const counts = new Map<string, number>();
  for (const d of tickets.array("created_at") as unknown[]) {
    if (!(d instanceof Date)) continue;
    const label = of(d).label;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const rows = [...counts].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([period, tickets]) => ({ period, tickets }));
  const sentences: string[] = [];
  if (rows.length >= 3) {
    const peak = rows.reduce((a, b) => b.tickets > a.tickets ? b : a);
    const others = rows.filter((r) => r !== peak).map((r) => r.tickets).sort((a, b) => a - b);
    const mid = others.length >> 1;
    const typical = others.length % 2 ? others[mid] : (others[mid - 1] + others[mid]) / 2;
    sentences.push(
      t.ticketPeak(
        f.inPeriod(peak.period),
        f.int(peak.tickets),
        f.num(peak.tickets / typical),
        f.num(typical, 0),
      ),
    );
  }
  const html = [
    heading(2, t.ticketVolume),
    findings(sentences),
    figure(
      ticketVolumeChart(tickets, {
        period: ctx.period,
        timeZone: ctx.timeZone,
        title: t.byGroup(t.tickets, periodName(ctx.period, ctx.format.lang)),
        xLabel: t.periodColumn,
        yLabel: t.tickets,
        ...chartLocale(ctx),
      }),
      f,
    ),
  ].join("\n");
  return { findings: sentences, html };
}
