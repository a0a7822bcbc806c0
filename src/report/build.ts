/**
 * The static HTML report of a data directory: what was read, what was
 * rejected and why, and the first chart. Self-contained (inline CSS and SVG,
 * no scripts, fonts or network), every user string HTML-escaped, and the same
 * input gives the same bytes apart from the generated-at line.
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import { escapeHtml, showTable } from "../charts/display.ts";
import { renderSvg } from "../charts/render.ts";
import { scoreDistributionChart } from "../charts/scores.ts";
import { kpiSection } from "./kpi_section.ts";
import { serviceSection } from "./service_section.ts";
import type { LoadedFile } from "./load_dir.ts";

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** The data directory, named in the report. */
  dataDir: string;
  /** When the report was made (default now); the only line that changes between builds. */
  generatedAt?: Date;
  /** Most reject rows listed per file (default 20; the reason summary always counts all). */
  rejectRows?: number;
}

/**
 * Builds the report page from loaded files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "../io/csv.ts";
 * import { buildReport } from "./build.ts";
 * const result = await readCsv("response_id,date,nps_score\nr1,2024-01-05,9\nr2,2024-01-06,12\n", {
 *   schema: "responses",
 * });
 * const html = buildReport([{ file: "responses.csv", schema: "responses", result }], { dataDir: "demo" });
 * assert.ok(html.includes("<svg") && html.includes("1 rejected"));
 * ```
 */
export function buildReport(files: LoadedFile[], options: ReportOptions): string {
  const { dataDir, generatedAt = new Date(), rejectRows = 20 } = options;
  const responses = tablesOf(files, "responses");
  const sections = [
    summarySection(files),
    kpiSection(responses),
    serviceSection(tablesOf(files, "tickets")),
    scoreSection(files),
    qualitySection(files, rejectRows),
  ];
  return page(
    "cxkit report",
    `<header><h1>cxkit report</h1><p>Data: <code>${escapeHtml(dataDir)}</code></p>` +
      `<p class="generated">Generated ${escapeHtml(generatedAt.toISOString())}</p></header>\n` +
      sections.join("\n"),
  );
}

function tablesOf(files: LoadedFile[], schema: string): aq.ColumnTable[] {
  return files.filter((f) => f.schema === schema && f.result).map((f) => f.result!.table);
}

function summarySection(files: LoadedFile[]): string {
  const rows = files.map(({ file, schema, result, error }) => {
    const s = result?.summary;
    const cells = s
      ? [
        s.rows,
        s.accepted,
        `${s.rejected} rejected`,
        dateRange(result!.table, schema),
        `delimiter ${
          s.delimiter === "\t" ? "tab" : `"${s.delimiter}"`
        } · decimal "${s.decimal}" · ${s.encoding}`,
      ].map((c) => `<td>${escapeHtml(String(c))}</td>`).join("")
      : `<td colspan="5" class="error">${escapeHtml(error ?? "")}</td>`;
    return `<tr><th scope="row">${escapeHtml(file)}</th><td>${
      escapeHtml(schema ?? "–")
    }</td>${cells}</tr>`;
  });
  return `<section id="data"><h2>Data read</h2>
<table><thead><tr><th>File</th><th>Table</th><th>Rows read</th><th>Accepted</th><th>Rejected</th><th>Dates</th><th>Format</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table></section>`;
}

function scoreSection(files: LoadedFile[]): string {
  const scores = files.filter((f) => f.schema === "responses" && f.result)
    .flatMap((f) =>
      f.result!.table.columnNames().includes("nps_score")
        ? (f.result!.table.array("nps_score") as (number | null)[])
        : []
    );
  if (scores.length === 0) {
    return `<section id="scores"><h2>Likelihood to recommend</h2><p>No survey answers with an NPS score were loaded.</p></section>`;
  }
  const chart = renderSvg(scoreDistributionChart(aq.table({ nps_score: scores })));
  return `<section id="scores"><h2>Likelihood to recommend</h2>\n<figure class="chart">${chart}</figure></section>`;
}

function qualitySection(files: LoadedFile[], limit: number): string {
  const parts = files.map(({ file, result, error }) => {
    if (error) return `<h3>${escapeHtml(file)}</h3><p class="error">${escapeHtml(error)}</p>`;
    const { rejects, summary } = result!;
    const warnings = summary.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("");
    if (rejects.numRows() === 0) {
      return `<h3>${escapeHtml(file)}</h3><p>All ${summary.rows} rows accepted.</p>${
        warnings ? `<ul>${warnings}</ul>` : ""
      }`;
    }
    const reasons = rejects
      .derive({ problem: aq.escape((d: { reason: string }) => d.reason.replace(/"[^"]*"/g, "…")) })
      .groupby("column", "problem")
      .count({ as: "rows" })
      .orderby(aq.desc("rows"), "column", "problem");
    return `<h3>${escapeHtml(file)}</h3>
<p>${summary.rejected} of ${summary.rows} rows rejected (${summary.problems} problems).</p>
${warnings ? `<ul>${warnings}</ul>` : ""}
${showTable(reasons, { limit: 50, caption: "Why rows were rejected" }).html}
${showTable(rejects, { limit, caption: `First rejected rows (spreadsheet row numbers)` }).html}`;
  });
  return `<section id="quality"><h2>Data quality</h2>\n${parts.join("\n")}</section>`;
}

function dateRange(table: aq.ColumnTable, schema: string | null): string {
  const column = schema === "tickets"
    ? "created_at"
    : schema === "customers"
    ? "signup_date"
    : "date";
  if (!table.columnNames().includes(column) || table.numRows() === 0) return "–";
  let min = Infinity, max = -Infinity;
  for (const d of table.array(column) as (Date | null)[]) {
    if (!d) continue;
    const t = d.getTime();
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return `${day(min)} – ${day(max)}`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fff; --muted: #5c5c5c; --line: #d0d0d0; --bad: #a4262c; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #161616; --muted: #a8a8a8; --line: #3a3a3a; --bad: #ff8a8a; } }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1, h2, h3 { line-height: 1.2; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; display: block; overflow-x: auto; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
.generated, small { color: var(--muted); }
.error { color: var(--bad); }
.finding { font-size: 1.05em; border-left: 4px solid #0072B2; padding-left: .6rem; }
figure.chart { margin: 0; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; background: #fff; }
@media print { @page { size: A4; margin: 15mm; } body { max-width: none; } section { break-inside: avoid-page; } h2 { break-after: avoid; } }
`;
