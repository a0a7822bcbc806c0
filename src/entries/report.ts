/**
 * cxkit/report: the static report site, PDF printing and notebook execution.
 *
 * What `deno task report` and `deno task notebooks` run, for scripts that build a report
 * themselves: load a project folder (`loadProject`, `loadDirectory`), compute the report's tables
 * (`reportTables`), render and write the site (`buildSite`, `writeSite`), print it to PDF with
 * Chromium (`printPdf`, `findChromium`, `CHROMIUM_ARGS`), execute notebooks with Jupyter
 * (`executeNotebooks`, `jupyterAvailable`), and the number/date formatting and HTML escaping the
 * pages use (`reportFormat`, `LANGS`, `escapeHtml`), and `showText` for the sentences a notebook
 * writes from its results. `notebookParams`, which a notebook calls,
 * is in the main entry.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./report.ts";
 * assert.equal(escapeHtml("<b>A & B</b>"), "&lt;b&gt;A &amp; B&lt;/b&gt;");
 * ```
 *
 * @module
 */

export { buildSite, writeSite } from "../report/site.ts";
export type { NotebookPage, SiteOptions, SitePage } from "../report/site.ts";
export { reportTables } from "../report/context.ts";
export type { ReportFilters, ReportTables, ReportTablesOptions } from "../report/context.ts";
export { loadDirectory, loadProject } from "../report/load_dir.ts";
export type {
  FileConfig,
  FileIssue,
  LoadedFile,
  LoadOptions,
  ProjectConfig,
} from "../report/load_dir.ts";
export { executeNotebooks, jupyterAvailable } from "../report/notebooks.ts";
export type { ExecutedNotebook, ExecuteNotebooksOptions } from "../report/notebooks.ts";
export type { PrivacyConfig } from "../report/privacy.ts";
export { CHROMIUM_ARGS, findChromium, printPdf } from "../report/pdf.ts";
export { renderHtml } from "../charts/render.ts";
export { renderPng } from "../charts/png.ts";
export type { RenderPngOptions } from "../charts/png.ts";
export type { PrintPdfOptions } from "../report/pdf.ts";
export { LANGS, reportFormat } from "../report/format.ts";
export type { Lang, PeriodStyle, ReportFormat } from "../report/format.ts";
export { escapeHtml } from "../charts/display.ts";
export { showText } from "../charts/display.ts";
export { SURVIVAL_COLORS } from "../charts/survival.ts";
