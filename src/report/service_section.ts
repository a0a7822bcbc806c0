/**
 * The service page of the report: first response, resolution and first
 * contact resolution by segment (channel by default), with open tickets
 * counted, and the findings stated from the intervals.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { kpiSegmentChart } from "../charts/kpi.ts";
import { firstContactResolution, firstResponseTime, resolutionTime } from "../metrics/service.ts";
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
import { rankSentences } from "./compare.ts";

type Row = Record<string, unknown>;

/**
 * Builds the service section from the tickets of the context, by the
 * report's segment column when tickets have it, else by channel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { serviceSection } from "./service_section.ts";
 * import { sectionContext } from "./site.ts";
 * const t0 = new Date("2024-01-02T09:00:00Z");
 * const at = (min: number) => new Date(t0.getTime() + min * 60_000);
 * const tickets = aq.table({
 *   channel: ["chat", "chat", "email", "email"],
 *   created_at: [t0, t0, t0, t0],
 *   first_response_at: [at(2), at(4), at(300), null],
 *   resolved_at: [at(10), at(20), at(600), null],
 *   contacts: [1, 1, 2, 1],
 * });
 * // Two tickets per channel: shown only with minGroupSize lowered (default 5 suppresses them).
 * const section = serviceSection(sectionContext({ tickets }, { privacy: { minGroupSize: 1 } }));
 * assert.ok(section.findings.some((s) => s.includes("email: median 5.0 h, mean 5.0 h; 1 open ticket still unanswered")));
 * ```
 */
export function serviceSection(ctx: SectionContext): Section {
  const { labels: t } = ctx;
  const tickets = ctx.tables.tickets;
  const title = t.service;
  const by = hasValues(tickets, ctx.segment) ? ctx.segment : "channel";
  if (!hasColumns(tickets, "created_at", by)) {
    return skippedSection("service", title, t.noData(t.tickets));
  }
  const table = tickets!;
  const part: Part = {
    ctx,
    table,
    by,
    options: { by, confidence: ctx.confidence, minN: ctx.minN },
    tableOptions: { small: (r: Row) => r.small_sample === true, flagText: t.smallSample },
    group: { label: columnLabel(ctx, by), value: (r: Row) => String(r[by] ?? "–") },
    out: [],
    found: [],
  };
  if (hasColumns(table, "first_response_at")) frtPart(part);
  if (hasColumns(table, "resolved_at")) resolutionPart(part);
  const noContacts = hasColumns(table, "resolved_at") ? missingContacts(table) : 0;
  if (noContacts !== 0) {
    const sentence = t.fcrSkipped(noContacts);
    part.found.push(sentence);
    part.out.push(heading(2, t.fcr), findings([sentence]));
  } else if (hasColumns(table, "resolved_at", "contacts")) fcrPart(part);
  return { id: "service", title, findings: part.found, body: part.out.join("\n") };
}

/** What the parts of the service page share; each appends its HTML and findings. */
interface Part {
  ctx: SectionContext;
  table: ColumnTable;
  by: string;
  options: { by: string; confidence: number; minN: number };
  tableOptions: { small: (r: Row) => boolean; flagText: string };
  group: { label: string; value: (r: Row) => string };
  out: string[];
  found: string[];
}

function frtPart({ ctx, table, by, options, tableOptions, group, out, found }: Part): void {
  const { labels: t, format: f } = ctx;
  const { table: frt, tableOptions: hidden } = publishable(
    ctx,
    firstResponseTime(table, { ...options, unit: "minutes" }),
    t.byGroup(t.frt, by),
    [by],
  );
  const rows = frt.objects() as Row[];
  const open = openTickets(table, by);
  const sentences = rows.filter((r) => r.median !== null).map((r) =>
    t.frtSentence(
      String(r[by]),
      f.durationInterval(r.median, r.median_low, r.median_high),
      f.durationInterval(r.mean, r.mean_low, r.mean_high),
      f.int(open.get(String(r[by])) ?? 0),
      r.small_sample === true ? t.smallFlag(f.int(r.n)) : "",
    )
  );
  found.push(...sentences);
  out.push(heading(2, t.frt), para(t.frtLead), findings(sentences));
  // Minutes for chat, hours for email: a log axis shows both.
  out.push(figure(chart(ctx, frt, by, "median", t.frtAxis, t.byGroup(t.frt, by), true), f));
  out.push(dataTable(rows, [
    group,
    { label: t.tickets, value: (r) => f.int(r.tickets), numeric: true },
    { label: t.answered, value: (r) => f.int(r.answered), numeric: true },
    { label: t.unanswered, value: (r) => f.int(r.unanswered), numeric: true },
    {
      label: t.median,
      value: (r) => f.interval(r.median, r.median_low, r.median_high),
      numeric: true,
    },
    { label: t.mean, value: (r) => f.interval(r.mean, r.mean_low, r.mean_high), numeric: true },
    { label: t.p90, value: (r) => f.num(r.p90), numeric: true },
  ], { ...tableOptions, ...hidden, caption: t.frtTable }));
}

function resolutionPart({ ctx, table, by, options, tableOptions, group, out }: Part): void {
  const { labels: t, format: f } = ctx;
  const { table: resolution, tableOptions: hidden } = publishable(
    ctx,
    resolutionTime(table, { ...options, unit: "hours" }),
    t.byGroup(t.resolution, by),
    [by],
  );
  out.push(heading(2, t.resolution));
  // Hours for chat, days for email: a log axis shows both.
  const title = t.byGroup(t.resolution, by);
  out.push(figure(chart(ctx, resolution, by, "median", t.resolutionAxis, title, true), f));
  out.push(dataTable(resolution.objects() as Row[], [
    group,
    { label: t.tickets, value: (r) => f.int(r.tickets), numeric: true },
    { label: t.resolved, value: (r) => f.int(r.resolved), numeric: true },
    { label: t.unresolved, value: (r) => f.int(r.unresolved), numeric: true },
    {
      label: t.median,
      value: (r) => f.interval(r.median, r.median_low, r.median_high),
      numeric: true,
    },
    { label: t.mean, value: (r) => f.interval(r.mean, r.mean_low, r.mean_high), numeric: true },
    { label: t.p90, value: (r) => f.num(r.p90), numeric: true },
  ], { ...tableOptions, ...hidden, caption: t.resolutionTable }));
}

function fcrPart({ ctx, table, by, options, tableOptions, group, out, found }: Part): void {
  const { labels: t, format: f } = ctx;
  const { table: shown, tableOptions: hidden } = publishable(
    ctx,
    firstContactResolution(table, options),
    t.byGroup(t.fcr, by),
    [by],
  );
  const fcr = shown.derive({
    fcr_pct: aq.escape((d: Row) => pct(d.fcr)),
    fcr_pct_low: aq.escape((d: Row) => pct(d.fcr_low)),
    fcr_pct_high: aq.escape((d: Row) => pct(d.fcr_high)),
  });
  const rows = fcr.objects() as Row[];
  const sentences = rankSentences(
    ctx,
    rows,
    { by, value: "fcr", low: "fcr_low", high: "fcr_high" },
    t.fcrSubject,
    (r) => f.shareInterval(r.fcr, r.fcr_low, r.fcr_high),
  );
  found.push(...sentences);
  out.push(heading(2, t.fcr), findings(sentences));
  out.push(figure(chart(ctx, fcr, by, "fcr_pct", t.fcrAxis, t.byGroup(t.fcr, by)), f));
  out.push(dataTable(rows, [
    group,
    { label: t.resolved, value: (r) => f.int(r.resolved), numeric: true },
    {
      label: t.fcrShare,
      value: (r) => f.shareInterval(r.fcr, r.fcr_low, r.fcr_high),
      numeric: true,
    },
  ], { ...tableOptions, ...hidden }));
}

/**
 * Open tickets still waiting for a first response, per group: no first
 * response and not resolved (a ticket closed without a response is not
 * "still unanswered").
 */
function openTickets(table: ColumnTable, by: string): Map<string, number> {
  const groups = table.array(by) as unknown[];
  const responded = table.array("first_response_at") as unknown[];
  const resolved = table.columnNames().includes("resolved_at")
    ? table.array("resolved_at") as unknown[]
    : [];
  const open = new Map<string, number>();
  for (let i = 0; i < groups.length; i++) {
    if (responded[i] != null || resolved[i] != null || groups[i] == null) continue;
    const key = String(groups[i]);
    open.set(key, (open.get(key) ?? 0) + 1);
  }
  return open;
}

/** Resolved tickets without a contacts count (`null`: no contacts column at all). */
function missingContacts(table: ColumnTable): number | null {
  if (!table.columnNames().includes("contacts")) return null;
  const resolved = table.array("resolved_at") as unknown[];
  const contacts = table.array("contacts") as unknown[];
  return resolved.filter((r, i) => r != null && contacts[i] == null).length;
}

function pct(v: unknown): number | null {
  return typeof v === "number" ? 100 * v : null;
}

/** A value-with-interval chart per group in the report's words. */
function chart(
  ctx: SectionContext,
  result: ColumnTable,
  group: string,
  value: string,
  label: string,
  title: string,
  log = false,
) {
  const pctText = ctx.format.share(ctx.confidence, 0);
  return kpiSegmentChart(result, {
    by: group,
    value,
    low: `${value}_low`,
    high: `${value}_high`,
    label,
    title,
    subtitle: ctx.labels.intervalsNote(pctText, ctx.format.int(ctx.minN)),
    log,
    ...chartLocale(ctx),
  });
}
