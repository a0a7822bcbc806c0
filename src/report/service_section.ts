/**
 * The service section of the report: first response, resolution and first
 * contact resolution by channel, with open tickets counted, and the findings
 * stated from the intervals.
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { escapeHtml, showTable } from "../charts/display.ts";
import { kpiSegmentChart } from "../charts/kpi.ts";
import { renderSvg } from "../charts/render.ts";
import { firstContactResolution, firstResponseTime, resolutionTime } from "../metrics/service.ts";

/**
 * Builds the service section from ticket tables (pooled). Returns `""` when
 * there are no tickets or no channel column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { serviceSection } from "./service_section.ts";
 * const t0 = new Date("2024-01-02T09:00:00Z");
 * const at = (min: number) => new Date(t0.getTime() + min * 60_000);
 * const tickets = aq.table({
 *   channel: ["chat", "chat", "email", "email"],
 *   created_at: [t0, t0, t0, t0],
 *   first_response_at: [at(2), at(4), at(300), null],
 *   resolved_at: [at(10), at(20), at(600), null],
 *   contacts: [1, 1, 2, 1],
 * });
 * assert.ok(serviceSection([tickets]).includes("1 email tickets still unanswered"));
 * ```
 */
export function serviceSection(tickets: ColumnTable[]): string {
  const tables = tickets.filter((t) => t.numRows() > 0 && t.columnNames().includes("channel"));
  if (!tables.length) return "";
  const frt = firstResponseTime(tables, { by: "channel", unit: "minutes" });
  const resolution = resolutionTime(tables, { by: "channel" });
  const fcr = firstContactResolution(tables, { by: "channel" });
  const frtRows = frt.objects() as Record<string, number & string>[];
  const sentences = frtRows.filter((r) => r.median !== null).map((r) =>
    `${r.channel}: median first response ${fmt(r.median)} min (${fmt(r.median_low)}–${
      fmt(r.median_high)
    }), ${r.unanswered} ${r.channel} tickets still unanswered.`
  );
  const pct = (v: number) => 100 * v;
  return `<section id="service"><h2>Service</h2>
${sentences.map((s) => `<p class="finding">${escapeHtml(s)}</p>`).join("\n")}
${
    showTable(
      frt.select(
        "channel",
        "tickets",
        "answered",
        "unanswered",
        "median",
        "median_low",
        "median_high",
        "p90",
      ),
      { caption: "First response time (minutes)", limit: 50 },
    ).html
  }
${
    showTable(
      resolution.select("channel", "tickets", "resolved", "unresolved", "mean", "median", "p90"),
      { caption: "Resolution time (hours)", limit: 50 },
    ).html
  }
<figure class="chart">${
    renderSvg(kpiSegmentChart(
      fcr.derive({
        fcr_pct: aq.escape((d: { fcr: number }) => d.fcr === null ? null : pct(d.fcr)),
        fcr_pct_low: aq.escape((d: { fcr_low: number }) =>
          d.fcr_low === null ? null : pct(d.fcr_low)
        ),
        fcr_pct_high: aq.escape((d: { fcr_high: number }) =>
          d.fcr_high === null ? null : pct(d.fcr_high)
        ),
      }),
      {
        group: "channel",
        value: "fcr_pct",
        low: "fcr_pct_low",
        high: "fcr_pct_high",
        label: "First contact resolution (% of resolved tickets)",
        title: "First contact resolution by channel",
      },
    ))
  }</figure>
</section>`;
}

function fmt(x: number | null): string {
  return x === null ? "–" : x.toLocaleString("en-US", { maximumFractionDigits: 1 });
}
