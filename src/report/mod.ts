/**
 * cxkit/report: the static report site, PDF printing and notebook execution.
 *
 * What `deno task report` and `deno task notebooks` run, for scripts that build a report
 * themselves: load a project folder (`loadProject`, `loadDirectory`), compute the report's tables
 * (`reportTables`), render and write the site (`buildSite`, `writeSite`), print it to PDF with
 * Chromium (`printPdf`, `findChromium`, `CHROMIUM_ARGS`), execute notebooks with Jupyter
 * (`executeNotebooks`, `jupyterAvailable`), and the number/date formatting and HTML escaping the
 * pages use (`reportFormat`, `LANGS`, `escapeHtml`). `notebookParams`, which a notebook calls,
 * is in the main entry.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./mod.ts";
 * assert.equal(escapeHtml("<b>A & B</b>"), "&lt;b&gt;A &amp; B&lt;/b&gt;");
 * ```
 *
 * @module
 */

export { buildSite, writeSite } from "./site.ts";
export type { NotebookPage, SiteOptions, SitePage } from "./site.ts";
export { reportTables } from "./context.ts";
export type { ReportFilters, ReportTables, ReportTablesOptions } from "./context.ts";
export { loadDirectory, loadProject } from "./load_dir.ts";
export type { FileConfig, LoadedFile, LoadOptions, ProjectConfig } from "./load_dir.ts";
export { executeNotebooks, jupyterAvailable } from "./notebooks.ts";
export type { ExecutedNotebook, ExecuteNotebooksOptions } from "./notebooks.ts";
export { CHROMIUM_ARGS, findChromium, printPdf } from "./pdf.ts";
export type { PrintPdfOptions } from "./pdf.ts";
export { LANGS, reportFormat } from "./format.ts";
export type { Lang, ReportFormat } from "./format.ts";
export { escapeHtml } from "../charts/display.ts";
