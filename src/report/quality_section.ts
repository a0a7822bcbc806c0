/**
 * The data-quality page: per file the rows read, accepted and rejected, the
 * reasons with counts, the first rejected rows (spreadsheet row numbers), and
 * files that could not be loaded with the reason: a bad file is explained
 * here, never a crash.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import * as aq from "arquero";
import { escapeHtml } from "../charts/display.ts";
import type { Section, SectionContext } from "./context.ts";
import { barChart } from "./charts.ts";
import { dataTable, figure, findings, heading, para, type TableColumn } from "./html.ts";
import type { ReportFormat } from "./format.ts";
import { fileWhy, type Labels } from "./i18n.ts";
import type { LoadedFile } from "./load_dir.ts";

type Row = Record<string, unknown>;

/**
 * The file, table and row-count columns of a files table, shared by the
 * overview and the data-quality page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportFormat } from "./format.ts";
 * import { reportLabels } from "./i18n.ts";
 * import { fileCountColumns } from "./quality_section.ts";
 * const columns = fileCountColumns(reportLabels("en"), reportFormat("en"));
 * assert.equal(columns.length, 5);
 * ```
 */
export function fileCountColumns(t: Labels, f: ReportFormat): TableColumn<LoadedFile>[] {
  return [
    { label: t.file, value: (x) => x.file },
    { label: t.table, value: (x) => x.schema ?? "–" },
    {
      label: t.rowsRead,
      value: (x) => x.result ? f.int(x.result.summary.rows) : "–",
      numeric: true,
    },
    {
      label: t.accepted,
      value: (x) => x.result ? f.int(x.result.summary.accepted) : t.notLoaded,
      numeric: true,
    },
    {
      label: t.rejected,
      value: (x) => x.result ? f.int(x.result.summary.rejected) : "–",
      numeric: true,
    },
  ];
}

/**
 * Builds the data-quality section from the loaded files of the context.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "../io/csv.ts";
 * import { qualitySection } from "./quality_section.ts";
 * import { sectionContext } from "./site.ts";
 * const result = await readCsv("response_id,date,nps_score\nr1,2024-01-05,9\nr2,2024-01-06,12\n", {
 *   schema: "responses",
 * });
 * const section = qualitySection(sectionContext({}, {
 *   files: [{ file: "a.csv", schema: "responses", result }, { file: "b.csv", schema: null, error: "unknown table" }],
 * }));
 * assert.ok(section.body.includes("1 of 2 rows rejected"));
 * assert.ok(section.findings.includes("File b.csv was not loaded: unknown table"));
 * ```
 */
export function qualitySection(ctx: SectionContext, rejectRows = 20): Section {
  const { labels: t, format: f, files } = ctx;
  const found: string[] = [];
  for (const entry of files) {
    const { file, error, result } = entry;
    if (error) found.push(t.fileError(file, fileWhy(t, entry)));
    else if (result && result.summary.rejected > 0) {
      found.push(
        t.qualitySentence(
          file,
          f.int(result.summary.rejected),
          f.int(result.summary.rows),
          byColumn(result.rejects, f.int),
        ),
      );
    }
  }
  const loaded = files.filter((x) => x.result);
  if (!found.length && loaded.length) {
    const rows = loaded.reduce((s, x) => s + x.result!.summary.rows, 0);
    found.push(t.qualityClean(f.int(loaded.length), f.int(rows)));
  }
  const out = [para(t.qualityLead, "lead"), findings(found)];
  out.push(dataTable(files, [
    ...fileCountColumns(t, f),
    {
      label: t.format,
      value: (x) => {
        const s = x.result?.summary;
        if (!s) return "–";
        return t.delimiter(
          s.delimiter === "\t" ? "tab" : `"${s.delimiter}"`,
          s.decimal,
          s.encoding,
        );
      },
    },
  ], { caption: t.filesRead }));
  if (loaded.length) out.push(figure(rejectChart(ctx) ?? rowsChart(ctx), f));
  for (const entry of files) {
    const { file, result, error } = entry;
    out.push(heading(3, file));
    if (error) {
      out.push(`<p class="error">${escapeHtml(t.fileError(file, fileWhy(t, entry)))}</p>`);
      continue;
    }
    const { rejects, summary } = result!;
    if (summary.warnings.length) {
      out.push(`<ul>${summary.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>`);
    }
    if (rejects.numRows() === 0) {
      out.push(para(t.allAccepted(f.int(summary.rows))));
      continue;
    }
    out.push(
      para(t.rejectedOf(f.int(summary.rejected), f.int(summary.rows), f.int(summary.problems))),
    );
    out.push(dataTable(reasons(rejects), [
      { label: t.column, value: (r) => String(r.column) },
      { label: t.problem, value: (r) => String(r.problem) },
      { label: t.rows, value: (r) => f.int(r.rows), numeric: true },
    ], { caption: t.whyRejected }));
    out.push(dataTable(rejects.objects() as Row[], [
      // Row numbers are addresses, not amounts: no thousands separator.
      { label: t.row, value: (r) => String(r.row ?? "–"), numeric: true },
      { label: t.column, value: (r) => String(r.column ?? "–") },
      { label: t.value, value: (r) => String(r.value ?? "") },
      { label: t.reason, value: (r) => String(r.reason ?? "") },
    ], {
      caption: t.firstRejected,
      limit: rejectRows,
      more: (shown, total) => t.moreRows(f.int(shown), f.int(total)),
    }));
  }
  return { id: "quality", title: t.quality, findings: found, body: out.join("\n") };
}

/** Reasons without the quoted value, counted per column. */
function reasons(rejects: aq.ColumnTable): Row[] {
  return rejects
    .derive({ problem: aq.escape((d: { reason: string }) => d.reason.replace(/"[^"]*"/g, "…")) })
    .groupby("column", "problem")
    .count({ as: "rows" })
    .orderby(aq.desc("rows"), "column", "problem")
    .objects() as Row[];
}

/** Rejected values per column, most first: `nps_score 2, csat 1`. */
function byColumn(rejects: aq.ColumnTable, int: (n: number) => string): string {
  return (rejects.groupby("column").count({ as: "rows" }).orderby(aq.desc("rows"), "column")
    .objects() as { column: string | null; rows: number }[])
    .map((r) => `${r.column ?? "–"} ${int(r.rows)}`).join(", ");
}

/**
 * Rejected rows per file and column, when there are any: the accepted rows
 * would dwarf them in a chart of all rows.
 */
function rejectChart(ctx: SectionContext) {
  const { labels: t } = ctx;
  const rows = ctx.files.filter((x) => x.result && x.result.rejects.numRows() > 0).flatMap(
    ({ file, result }) =>
      (result!.rejects.groupby("column").count({ as: "rows" }).orderby("column")
        .objects() as Row[]).map((r) => ({ where: `${file} · ${r.column ?? "–"}`, rows: r.rows })),
  );
  if (!rows.length) return undefined;
  return barChart(rows, { y: "where", x: "rows", title: t.rejectChart, xLabel: t.rejectedRows });
}

/** Accepted and rejected rows per loaded file, as stacked bars. */
function rowsChart(ctx: SectionContext) {
  const { labels: t } = ctx;
  const rows = ctx.files.filter((x) => x.result).flatMap(({ file, result }) => [
    { file, status: t.accepted, rows: result!.summary.accepted },
    { file, status: t.rejected, rows: result!.summary.rejected },
  ]);
  return {
    title: t.rowsChart,
    ariaLabel: t.rowsChart,
    marginLeft: 140,
    height: 70 + 28 * (rows.length / 2),
    x: { label: t.rowsAxis, grid: true },
    y: { label: null },
    color: { domain: [t.accepted, t.rejected], range: ["#0072B2", "#D55E00"], legend: true },
    marks: [
      Plot.barX(rows, {
        y: "file",
        x: "rows",
        fill: "status",
        title: (d: Row) => `${d.file}: ${d.rows}`,
      }),
      Plot.ruleX([0]),
    ],
  };
}
