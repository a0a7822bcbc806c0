/**
 * The front of the report, what a manager reads first: KPI tiles (the
 * latest period's value with its interval, the change against the period
 * before with the trends page's Holm-adjusted test, and a sparkline) and the
 * key findings of every section, then the facts of the run.
 *
 * The tiles take their rows from `trendShifts`, the trends page's (and the
 * KPI page's) one decision on period-over-period changes (Holm over all
 * periods, small periods untested, suppressed periods hidden), so a tile
 * never calls a change significant that those pages do not.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { AnalysisKpi } from "../analysis/segment/kinds.ts";
import { escapeHtml } from "../charts/display.ts";
import {
  columnLabel,
  DATE_COLUMN,
  hasValues,
  type ReportTables,
  type Section,
  type SectionContext,
} from "./context.ts";
import { dataTable, heading, para } from "./html.ts";
import type { Labels } from "./i18n.ts";
import { privacyLines } from "./privacy.ts";
import { fileCountColumns } from "./quality_section.ts";
import { segmentColumns, segmentVersusRest } from "./segment_section.ts";
import { trendShifts } from "./trend_section.ts";

type Row = Record<string, unknown>;

/** One KPI tile: the numbers behind it, as shown. */
export interface Tile {
  /** `nps`, `csat` or `ces`. */
  kpi: AnalysisKpi;
  /** The latest period with answers. */
  period: string;
  /** The trends page's row for that period (small groups suppressed). */
  row: Row;
  /** Values of the periods up to it, oldest first, for the sparkline (`null`: no answers). */
  history: (number | null)[];
}

/** Most periods in a sparkline. */
const SPARK_PERIODS = 24;

const KPIS: [AnalysisKpi, string, number][] = [
  ["nps", "nps_score", 1],
  ["csat", "csat", 1],
  ["ces", "ces", 2],
];

/**
 * The tiles of the KPIs the answers have (NPS, CSAT, CES), from the trends
 * page's `trendShifts`; none without dated answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { sectionContext } from "./site.ts";
 * import { kpiTiles } from "./front.ts";
 * const d = (m: number) => new Date(Date.UTC(2025, m, 10));
 * const responses = aq.table({
 *   date: [...Array(100).fill(d(0)), ...Array(100).fill(d(1))],
 *   nps_score: [...Array(100).fill(10), ...Array(50).fill(10), ...Array(50).fill(0)],
 * });
 * const [tile] = kpiTiles(sectionContext({ responses }));
 * // February: 50 promoters, 50 detractors → NPS 0; January 100: a drop of 100 points.
 * assert.equal(tile.period, "2025-02");
 * assert.deepEqual([tile.row.nps, tile.row.change, tile.row.shift], [0, -100, "drop"]);
 * assert.deepEqual(tile.history, [100, 0]);
 * ```
 */
export function kpiTiles(ctx: SectionContext): Tile[] {
  const responses = ctx.tables.responses;
  if (!responses || !hasValues(responses, "date")) return [];
  const tiles: Tile[] = [];
  for (const [kpi, score] of KPIS) {
    if (!hasValues(responses, score)) continue;
    const tile = kpiTile(ctx, responses, kpi);
    if (tile) tiles.push(tile);
  }
  return tiles;
}

function kpiTile(ctx: SectionContext, responses: ColumnTable, kpi: AnalysisKpi): Tile | null {
  // The trends page's own decision and result (Holm over all periods, suppressed periods
  // hidden with their neighbours), computed once per context.
  const { rows } = trendShifts(ctx, responses, kpi);
  const last = rows.findLastIndex((r) => (r.n as number) > 0 && typeof r[kpi] === "number");
  if (last < 0) return null;
  const row = rows[last];
  const history = rows.slice(0, last + 1).slice(-SPARK_PERIODS)
    .map((r) => typeof r[kpi] === "number" ? r[kpi] as number : null);
  return { kpi, period: String(row.period), row, history };
}

/**
 * The tiles as HTML: name and period, value, interval and n, the change
 * against the previous period with its test decision, a sparkline.
 */
export function tilesHtml(ctx: SectionContext, tiles: Tile[]): string {
  if (!tiles.length) return "";
  const { labels: t, format: f } = ctx;
  const items = tiles.map(({ kpi, period, row, history }) => {
    const digits = KPIS.find(([k]) => k === kpi)![2];
    const name = kpi.toUpperCase();
    const change = row.change as number | null;
    const unit = t.tileUnit[kpi];
    const signed = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : "±"}${f.num(Math.abs(x), digits)}`;
    // Month names, short for the tile's narrow space: "Dec 2025" / "Dez. 2025", not "2025-12".
    const previous = row.compared_to == null ? "–" : f.period(String(row.compared_to), "short");
    let state = "flat";
    let changeText = t.tileNoTest(previous);
    if (change !== null && typeof row.p_adjusted === "number") {
      const better = kpi === "ces" ? change < 0 : change > 0;
      state = row.significant === true ? (better ? "better" : "worse") : "flat";
      changeText = row.significant === true
        ? t.tileSignificant(signed(change), unit, previous, f.p(row.p_adjusted))
        : t.tileNotSignificant(signed(change), unit, previous, f.p(row.p_adjusted));
    }
    const arrow = state === "flat"
      ? ""
      : `<span aria-hidden="true">${change! > 0 ? "▲" : "▼"}</span> `;
    return `<li class="tile" data-kpi="${kpi}">` +
      `<p class="tile-name">${escapeHtml(`${name} · ${f.period(period, "short")}`)}</p>` +
      `<p class="tile-value">${escapeHtml(f.num(row[kpi], digits))}</p>` +
      `<p class="tile-interval">${
        escapeHtml(t.tileInterval(
          f.share(ctx.confidence, 0),
          f.interval(row[kpi], row[`${kpi}_low`], row[`${kpi}_high`], digits).replace(/^.*?\(/, "")
            .replace(/\)$/, ""),
          f.int(row.n),
        ))
      }</p>` +
      `<p class="tile-change ${state}">${arrow}${escapeHtml(changeText)}</p>` +
      sparkline(history, t.tileSpark(name, String(history.length))) +
      `</li>`;
  });
  return `<ul class="tiles" aria-label="${escapeHtml(t.tilesLabel)}">\n${items.join("\n")}\n</ul>`;
}

/**
 * A small line of the values (gaps where a period has none), the latest
 * value marked; scales to the tile's width.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sparkline } from "./front.ts";
 * const svg = sparkline([10, null, 30, 20], "NPS");
 * assert.ok(svg.includes('<circle cx="240" cy="18" r="3"/>')); // the latest value, 20: mid-height
 * // The gap splits the line: 10 alone is a dot, 30 → 20 a line.
assert.ok(svg.includes('<circle cx="0" cy="33" r="2"/><polyline points="160,3 240,18"/>'));
 * ```
 */
export function sparkline(values: (number | null)[], label: string): string {
  const [w, h, pad] = [240, 36, 3];
  const known = values.filter((v): v is number => v !== null);
  if (!known.length) return "";
  const [lo, hi] = [Math.min(...known), Math.max(...known)];
  const x = (i: number) => values.length > 1 ? (i * w) / (values.length - 1) : w / 2;
  const y = (v: number) => hi > lo ? pad + ((hi - v) * (h - 2 * pad)) / (hi - lo) : h / 2;
  const runs: string[][] = [[]];
  values.forEach((v, i) => {
    if (v === null) runs.push([]);
    else runs.at(-1)!.push(`${round(x(i))},${round(y(v))}`);
  });
  // A run of one period (answers on both sides missing) is a dot of its own.
  const lines = runs.map((r) => {
    if (r.length > 1) return `<polyline points="${r.join(" ")}"/>`;
    if (r.length === 1) {
      const [cx, cy] = r[0].split(",");
      return `<circle cx="${cx}" cy="${cy}" r="2"/>`;
    }
    return "";
  }).join("");
  const lastIndex = values.findLastIndex((v) => v !== null);
  return `<svg class="spark" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" role="img" ` +
    `aria-label="${escapeHtml(label)}">${lines}` +
    `<circle cx="${round(x(lastIndex))}" cy="${round(y(values[lastIndex]!))}" r="3"/></svg>`;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * The segments whose NPS differs significantly from the rest, by the
 * Segments page's own Holm-adjusted decision (`segmentVersusRest`), marked
 * like its chart: ▲ in blue above the rest, ▼ in vermillion below, with a
 * lead saying what the marks mean. Empty without segment columns.
 */
export function standOutHtml(ctx: SectionContext): string {
  const { labels: t, format: f } = ctx;
  const items: string[] = [];
  let tested = false;
  for (const column of segmentColumns(ctx)) {
    const result = segmentVersusRest(ctx, column, "nps");
    if (!result) continue;
    tested = true;
    const rows = (result.objects() as Row[])
      // Significant rows are no small samples; groups too small to publish stay out anyway.
      .filter((r) => r.significant === true && (r.n as number) >= ctx.privacy.minGroupSize)
      .sort((a, b) => (b.difference as number) - (a.difference as number));
    for (const r of rows) {
      const d = r.difference as number;
      const above = d > 0;
      const diff = `${above ? "+" : ""}${f.points(d)}`;
      items.push(
        `<li class="${above ? "above" : "below"}"><span class="mark" aria-hidden="true">${
          above ? "▲" : "▼"
        }</span> ${
          escapeHtml(
            t.standOutItem(
              columnLabel(ctx, column),
              String(r[column]),
              diff,
              f.p(r.p_adjusted as number),
            ),
          )
        }</li>`,
      );
    }
  }
  if (!tested) return "";
  return [
    heading(2, t.standOut),
    para(t.standOutLead, "note"),
    items.length ? `<ul class="stand-out">${items.join("")}</ul>` : para(t.standOutNone),
  ].join("\n");
}

/** The key findings: the first two sentences of every section, linked to its page. */
export function keyFindings(ctx: SectionContext, sections: Section[], links: boolean): string {
  const { labels: t } = ctx;
  return `<ul class="cards key-findings">${
    sections.map((s) =>
      `<li>${
        links
          ? `<a href="${s.id}.html">${escapeHtml(s.title)}</a>`
          : `<strong>${escapeHtml(s.title)}</strong>`
      }${
        (s.findings.length ? s.findings.slice(0, 2) : [t.noFindings])
          .map((x) => `<p>${escapeHtml(x)}</p>`).join("")
      }</li>`
    ).join("\n")
  }</ul>`;
}

/** What the overview and the print version start with. */
export interface FrontOptions {
  /** The data directory, named in the facts. */
  dataDir: string;
  /** The sections, whose first findings are the key findings. */
  sections: Section[];
  /** The print version: no links to pages, the report's title as its first heading. */
  print: boolean;
  /** File name of the PDF beside the pages, linked when given. */
  pdf?: string;
}

/**
 * The front of the overview and of the print version: title, KPI tiles and
 * key findings (findings first in print), a link to the PDF, then the facts of the run (data,
 * dates, filters, period, segment, confidence), the files read and what the
 * privacy step did.
 */
export function frontPage(
  ctx: SectionContext & { notFiltered: Record<string, string[]> },
  options: FrontOptions,
): string {
  const { labels: t, format: f } = ctx;
  const facts: [string, string][] = [
    [t.dataDir, options.dataDir],
    [t.dateRange, dateRanges(ctx.tables, t, f.date).join("; ") || "–"],
    [t.filters, filterText(ctx)],
    [t.periodLabel, `${t.period[ctx.period]} (${ctx.timeZone})`],
    [t.segmentLabel, columnLabel(ctx, ctx.segment)],
    [t.confidence, t.confidenceText(f.share(ctx.confidence, 0), f.int(ctx.minN))],
  ];
  const tiles = tilesHtml(ctx, kpiTiles(ctx));
  const found = [heading(2, t.keyFindings), keyFindings(ctx, options.sections, !options.print)];
  const out = [
    `<h1>${escapeHtml(t.site)}</h1>`,
    // On screen the tiles come first; the print version and its PDF open with the findings.
    ...(options.print ? [...found, tiles] : [tiles, ...found]),
    standOutHtml(ctx),
    options.pdf && !options.print
      ? `<p class="pdf-link">${escapeHtml(t.pdfLead)} <a href="${escapeHtml(options.pdf)}">${
        escapeHtml(t.pdfLink)
      }</a></p>`
      : "",
    para(t.lead, "lead"),
    heading(2, t.facts),
    `<dl class="facts">${
      facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")
    }</dl>`,
  ];
  if (!options.print) {
    out.push(heading(2, t.filesRead), dataTable(ctx.files, fileCountColumns(t, f)));
  }
  // What the privacy step did, on the overview and in print.html.
  const privacy = privacyLines(ctx.privacy, f.lang, f.int);
  out.push(heading(2, privacy.heading), para(privacy.lead));
  out.push(
    `<ul class="privacy">${privacy.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`,
  );
  return out.filter(Boolean).join("\n");
}

/** The first date range covered, for the print version's title: "Jan 1, 2024 – Dec 31, 2025". */
export function coveredRange(ctx: SectionContext): string | undefined {
  return dateRanges(ctx.tables, ctx.labels, ctx.format.date)[0]?.replace(/\s*\([^)]*\)$/, "");
}

function filterText(ctx: SectionContext & { notFiltered: Record<string, string[]> }): string {
  const { labels: t, filters } = ctx;
  const parts: string[] = [];
  if (filters.from) parts.push(t.filterFrom(filters.from));
  if (filters.to) parts.push(t.filterTo(filters.to));
  for (const [column, value] of Object.entries(filters.where ?? {})) {
    const skipped = ctx.notFiltered[column] ?? [];
    const applied = Object.keys(ctx.tables).filter((s) => !skipped.includes(s));
    parts.push(t.filterWhere(column, value, applied.join(", ") || "–"));
    if (skipped.length) parts.push(t.filterNotApplied(column, skipped.join(", ")));
  }
  return parts.length ? parts.join("; ") : t.noFilters;
}

function dateRanges(
  tables: ReportTables,
  t: Labels,
  date: (d: Date) => string,
): string[] {
  // Tables covering the same days share one entry: "Jan 1, 2024 – Dec 31, 2025 (responses, tickets)".
  const ranges = new Map<string, [string, string, string[]]>();
  for (const [schema, table] of Object.entries(tables) as [keyof ReportTables, ColumnTable][]) {
    const column = DATE_COLUMN[schema] ?? "signup_date";
    if (!table.columnNames().includes(column)) continue;
    let min = Infinity, max = -Infinity;
    for (const d of table.array(column) as unknown[]) {
      if (!(d instanceof Date)) continue;
      const ms = d.getTime();
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    }
    if (min > max) continue;
    const [from, to] = [date(new Date(min)), date(new Date(max))];
    const key = `${from}\u0000${to}`;
    if (!ranges.has(key)) ranges.set(key, [from, to, []]);
    ranges.get(key)![2].push(schema);
  }
  return [...ranges.values()].map(([from, to, schemas]) => t.range(from, to, schemas.join(", ")));
}
