/**
 * Inline display of charts and tables in Jupyter notebooks run by the Deno
 * kernel (`deno jupyter`).
 *
 * The kernel shows the last expression of a cell through its
 * `Symbol.for("Jupyter.display")` method (`Deno.jupyter.$display`), which
 * returns a MIME bundle. Objects made here carry that method, so ending a cell
 * with `display(spec)` or `showTable(table)` shows the chart or table.
 *
 * In notebooks that are executed in batch (`jupyter nbconvert --execute`, CI),
 * prefer `await show(spec)`: the Deno 2.9 kernel sometimes publishes a cell's
 * result after reporting the cell idle, and nbconvert then drops that output.
 * `show` publishes during the cell and lets the message out before it ends.
 *
 * @module
 */

import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { type ChartSpec, renderHtml } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** The symbol the Deno Jupyter kernel calls to get an object's MIME bundle. */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display");

/** A Jupyter MIME bundle: MIME type → content. */
export type MediaBundle = Record<string, string>;

/** Something the Deno Jupyter kernel shows as rich output. */
export interface Displayable {
  /** The HTML shown in the notebook (also handy for reports). */
  readonly html: string;
  /** Called by the kernel: the MIME bundle to show. */
  [jupyterDisplay](): MediaBundle;
}

/**
 * Shows a chart spec inline in a Deno Jupyter notebook: renders it with
 * `renderHtml` and returns an object the kernel displays as HTML (the SVG, or
 * the figure with title and legend), with a plain-text fallback.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { display, jupyterDisplay } from "./display.ts";
 * const shown = display({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * assert.ok(shown[jupyterDisplay]()["text/html"].startsWith("<svg"));
 * ```
 */
export function display(spec: ChartSpec): Displayable {
  const html = renderHtml(spec);
  const label = typeof spec.title === "string" ? spec.title : spec.ariaLabel ?? "chart";
  return displayable(html, `[chart: ${label}]`);
}

/**
 * Publishes a chart spec (or anything made by `display`/`showTable`) as output
 * of the running notebook cell, and resolves once it is out. Use it as
 * `await show(spec)` to show several outputs from one cell, and in notebooks
 * executed by nbconvert, where it is reliable and a cell's last value may not
 * be (see the module notes). It resolves to nothing, so the cell adds no
 * `Out[n]` of its own. Outside a Deno Jupyter kernel it does nothing, so code
 * shared with scripts still runs.
 *
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { show } from "./display.ts";
 * // In a notebook cell this draws the chart; in a script it does nothing.
 * await show({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * ```
 */
export async function show(value: ChartSpec | Displayable): Promise<void> {
  const jupyter = denoJupyter();
  if (jupyter === undefined) return;
  const shown = isDisplayable(value) ? value : display(value);
  await jupyter.display(shown[jupyterDisplay](), { raw: true });
  // The kernel sends output and the cell's idle status from different
  // threads; a short pause keeps the output ahead of "idle", after which
  // nbconvert stops listening (measured: 3 of 100 outputs lost without it,
  // none of 500 with it).
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

const SETTLE_MS = 40;

interface DenoJupyter {
  display(bundle: MediaBundle, options: { raw: boolean }): Promise<void>;
}

/** `Deno.jupyter` inside the kernel; outside, reading it throws, hence the guard. */
function denoJupyter(): DenoJupyter | undefined {
  try {
    const jupyter = (Deno as unknown as { jupyter?: DenoJupyter }).jupyter;
    return typeof jupyter?.display === "function" ? jupyter : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A sentence or paragraph (Markdown) as notebook output: the interpretation a
 * notebook writes from its results, shown with `await show(showText(…))`.
 * The HTML form escapes the text and keeps only `**bold**`, so numbers and
 * labels from the data cannot inject markup.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterDisplay, showText } from "./display.ts";
 * const said = showText("Phone is **lowest** (NPS -12.0 < 5)");
 * assert.equal(said.html, "<p>Phone is <strong>lowest</strong> (NPS -12.0 &lt; 5)</p>");
 * assert.equal(said[jupyterDisplay]()["text/markdown"], "Phone is **lowest** (NPS -12.0 < 5)");
 * ```
 */
export function showText(markdown: string): Displayable {
  const html = `<p>${escapeHtml(markdown).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")}</p>`;
  return {
    html,
    [jupyterDisplay]: () => ({ "text/markdown": markdown, "text/plain": markdown }),
  };
}

function isDisplayable(value: unknown): value is Displayable {
  return typeof value === "object" && value !== null && jupyterDisplay in value;
}

/** Options of {@linkcode showTable}. */
export interface ShowTableOptions {
  /** Most rows shown. Default 20. */
  limit?: number;
  /** Caption above the table. */
  caption?: string;
}

const SHOW_TABLE_OPTIONS = optionNames<ShowTableOptions>()(["limit", "caption"]);

/**
 * Shows an Arquero table (or an array of plain records) in a notebook as an
 * HTML table of its first rows, with every value HTML-escaped, numbers
 * right-aligned and a footer saying how many rows and columns there are.
 * Dates show as ISO dates (UTC), arrays as comma-separated lists.
 *
 * Numbers are rounded per column to four significant digits of the column's
 * largest value shown (so `-12.3456` and `0.5` in one column read `-12.35`
 * and `0.50`, aligned), whole-number columns stay whole, and p-value columns
 * (`p`, `p_value`, `p_adjusted`, `…_p_value`) show three decimals, or
 * `< 0.001` below that. Only the display is rounded: the table keeps its
 * values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { jupyterDisplay, showTable } from "./display.ts";
 * const shown = showTable(aq.table({ comment: ["<b>great</b>", "slow"] }), { limit: 1 });
 * const html = shown[jupyterDisplay]()["text/html"];
 * assert.ok(html.includes("&lt;b&gt;great") && !html.includes("slow"));
 * const stats = showTable([{ nps: 31.41592, p_value: 0.00002 }, { nps: -4.5, p_value: 0.04321 }]);
 * const text = stats[jupyterDisplay]()["text/plain"];
 * assert.ok(text.includes("31.42\t< 0.001") && text.includes("-4.50\t0.043"));
 * ```
 */
export function showTable(
  table: ColumnTable | readonly Record<string, unknown>[],
  options: ShowTableOptions = {},
): Displayable {
  checkOptions("showTable", options, SHOW_TABLE_OPTIONS);
  const { limit = 20, caption } = options;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new CxOptionsError(
      `Option "limit" must be a whole number of rows ≥ 0, got ${JSON.stringify(limit)}`,
    );
  }
  const { names, rows, total } = Array.isArray(table)
    ? {
      names: [...new Set(table.flatMap((r) => Object.keys(r)))],
      rows: table.slice(0, limit),
      total: table.length,
    }
    : fromColumnTable(table as ColumnTable, limit);
  const numeric = names.map((n) => rows.some((r) => typeof r[n] === "number"));
  const align = (j: number) => numeric[j] ? ' style="text-align:right"' : "";
  const head = names.map((n, j) => `<th${align(j)}>${escapeHtml(n)}</th>`).join("");
  const formats = names.map((n) => columnFormat(n, rows.map((r) => r[n])));
  const cell = (r: Record<string, unknown>, j: number) => formatCell(r[names[j]], formats[j]);
  const body = rows.map((r) =>
    `<tr>${names.map((_, j) => `<td${align(j)}>${escapeHtml(cell(r, j))}</td>`).join("")}</tr>`
  ).join("\n");
  const footer = `${rows.length < total ? `First ${rows.length} of ` : ""}${
    total.toLocaleString("en-US")
  } row${total === 1 ? "" : "s"} × ${names.length} column${names.length === 1 ? "" : "s"}`;
  const html = `<table class="cxkit-table">` +
    (caption === undefined ? "" : `<caption>${escapeHtml(caption)}</caption>`) +
    `\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n` +
    `<p class="cxkit-table-footer"><small>${footer}</small></p>`;
  const text = [names.join("\t"), ...rows.map((r) => names.map((_, j) => cell(r, j)).join("\t"))]
    .join("\n") + `\n(${footer})`;
  return displayable(html, text);
}

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./display.ts";
 * assert.ok(escapeHtml(`<a href="x">&</a>`) === "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function fromColumnTable(table: ColumnTable, limit: number) {
  return {
    names: table.columnNames(),
    rows: table.objects({ limit }) as Record<string, unknown>[],
    total: table.numRows(),
  };
}

function displayable(html: string, text: string): Displayable {
  return {
    html,
    [jupyterDisplay]: () => ({ "text/html": html, "text/plain": text }),
  };
}

/** How a column's numbers are written: a p-value, or a fixed number of decimals. */
type NumberFormat = { p: true } | { p: false; decimals: number };

/** Significant digits of a column's largest value shown. */
const SIGNIFICANT = 4;
/** Most decimals shown, however small the column's values. */
const MAX_DECIMALS = 6;
/** Column names holding p-values. */
const P_COLUMN = /^p$|^p_|(^|_)p_value$/;

/**
 * The format of a column: p-values by name; otherwise whole numbers as they
 * are, and fractions with the decimals that give the largest one
 * {@link SIGNIFICANT} significant digits (at least 1, at most 6).
 */
function columnFormat(name: string, values: readonly unknown[]): NumberFormat {
  const numbers = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (P_COLUMN.test(name) && numbers.every((v) => v >= 0 && v <= 1)) return { p: true };
  if (numbers.every(Number.isInteger)) return { p: false, decimals: 0 };
  const largest = Math.max(...numbers.map(Math.abs));
  const digits = SIGNIFICANT - 1 - Math.floor(Math.log10(largest));
  return { p: false, decimals: Math.min(MAX_DECIMALS, Math.max(digits, 1)) };
}

/** A cell as text: empty for missing values, ISO dates, numbers in the column's format. */
function formatCell(value: unknown, format: NumberFormat = { p: false, decimals: 0 }): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "Invalid Date";
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (format.p) return value < 0.001 ? "< 0.001" : value.toFixed(3);
    if (format.decimals === 0 && Number.isInteger(value)) return String(value);
    const text = value.toFixed(format.decimals);
    return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
  }
  if (Array.isArray(value)) return value.map((v) => formatCell(v)).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
