/**
 * The KPI section of the report: NPS, CSAT and CES by channel and NPS by
 * month, with the findings stated in words generated from the tests (never
 * written by hand), so a reader sees which differences are real.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { escapeHtml } from "../charts/display.ts";
import { kpiCards, kpiSegmentChart, npsMixChart } from "../charts/kpi.ts";
import { renderSvg } from "../charts/render.ts";
import { ces } from "../metrics/ces.ts";
import { csat } from "../metrics/csat.ts";
import { nps, npsCompare } from "../metrics/nps.ts";

/**
 * Builds the KPI section from survey answers (one or several pooled tables).
 * Returns `""` when there are no answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kpiSection } from "./kpi_section.ts";
 * const t = aq.table({
 *   channel: [...Array(40).fill("chat"), ...Array(40).fill("phone")],
 *   date: Array(80).fill(new Date("2024-01-05")),
 *   nps_score: [...Array(40).fill(10), ...Array(40).fill(0)],
 * });
 * assert.ok(kpiSection([t]).includes("phone NPS is 200.0 points below chat"));
 * ```
 */
export function kpiSection(responses: ColumnTable[]): string {
  const tables = responses.filter((t) => t.numRows() > 0);
  if (!tables.length) return "";
  const has = (c: string) => tables.every((t) => t.columnNames().includes(c));
  const parts: string[] = ['<section id="kpis"><h2>Customer KPIs</h2>'];
  if (has("nps_score")) {
    parts.push(`<h3>Net Promoter Score</h3>${kpiCards(nps(tables)).html}`);
    if (has("channel")) {
      const byChannel = nps(tables, { by: "channel" });
      parts.push(finding(channelGap(tables, byChannel)));
      parts.push(figure(kpiSegmentChart(byChannel)), figure(npsMixChart(byChannel)));
    }
    if (has("date")) {
      const monthly = nps(tables, { period: "month" });
      parts.push(finding(monthlyShifts(tables, monthly)));
      parts.push(figure(kpiSegmentChart(monthly, { title: "NPS by month (UTC)" })));
    }
  }
  if (has("csat") && has("channel")) {
    parts.push("<h3>Customer satisfaction (CSAT)</h3>");
    parts.push(figure(kpiSegmentChart(csat(tables, { by: "channel" }))));
  }
  if (has("ces") && has("channel")) {
    parts.push("<h3>Customer effort (CES, lower is better)</h3>");
    parts.push(figure(kpiSegmentChart(ces(tables, { by: "channel" }))));
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** The channels with the highest and lowest NPS, and whether the gap is real. */
function channelGap(tables: ColumnTable[], byChannel: ColumnTable): string[] {
  const rows = (byChannel.objects() as { channel: string; nps: number | null; n: number }[])
    .filter((r) => r.nps !== null && r.channel !== null);
  if (rows.length < 2) return [];
  const best = rows.reduce((a, b) => b.nps! > a.nps! ? b : a);
  const worst = rows.reduce((a, b) => b.nps! < a.nps! ? b : a);
  const d = npsCompare(tables, { by: "channel", a: worst.channel, b: best.channel })
    .objects()[0] as { difference: number; p_value: number; significant: boolean };
  return [
    `${worst.channel} NPS is ${fmt(-d.difference)} points below ${best.channel} (${
      pText(d.p_value)
    })${d.significant ? "" : ": not a significant difference at this sample size"}.`,
  ];
}

/** Month-over-month changes that are significant. */
function monthlyShifts(tables: ColumnTable[], monthly: ColumnTable): string[] {
  const rows = (monthly.objects() as { period: string; n: number }[]).filter((r) => r.n > 0);
  const out: string[] = [];
  for (let i = 1; i < rows.length; i++) {
    const d = npsCompare(tables, { period: "month", a: rows[i].period, b: rows[i - 1].period })
      .objects()[0] as { difference: number; p_value: number; significant: boolean };
    if (!d.significant) continue;
    out.push(
      `NPS ${d.difference < 0 ? "fell" : "rose"} ${fmt(Math.abs(d.difference))} points from ${
        rows[i - 1].period
      } to ${rows[i].period} (${pText(d.p_value)}).`,
    );
  }
  if (!out.length && rows.length > 1) out.push("No month-over-month change is significant.");
  return out;
}

function finding(sentences: string[]): string {
  return sentences.map((s) => `<p class="finding">${escapeHtml(s)}</p>`).join("\n");
}

function figure(spec: Parameters<typeof renderSvg>[0]): string {
  return `<figure class="chart">${renderSvg(spec)}</figure>`;
}

function fmt(x: number): string {
  return x.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

function pText(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}
