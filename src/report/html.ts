/**
 * The HTML building blocks of the report site: the page shell (CSP, inline
 * CSS, navigation), locale-formatted tables with small-sample flags, chart
 * figures and finding sentences. Every piece of text that reaches the page
 * goes through `escapeHtml` here, so section code never concatenates user
 * strings into markup by hand.
 *
 * @module
 */
import { escapeHtml } from "../charts/display.ts";
import { type ChartSpec, renderHtml } from "../charts/render.ts";
import type { ReportFormat } from "./format.ts";
import type { Section } from "./context.ts";

/** One entry of the site navigation. */
export interface NavItem {
  /** Link target relative to the site root (`kpis.html`, `notebooks/01-kpi.html`). */
  href: string;
  /** Link text. */
  label: string;
}

/** What {@link renderPage} needs. */
export interface PageParts {
  /** Document language (`en`, `de`). */
  lang: string;
  /** `<title>` text. */
  title: string;
  /** Site name shown above the navigation. */
  site: string;
  /** Navigation entries (in order). */
  nav: NavItem[];
  /** This page's path relative to the site root, e.g. `kpis.html`. */
  path: string;
  /** Page body (already safe HTML). */
  body: string;
  /** Accessible name of the navigation. */
  navLabel: string;
  /** Footer line (already safe HTML). */
  footer?: string;
}

/**
 * A complete, self-contained page: no scripts, no external resources, a
 * Content-Security-Policy that forbids both, light/dark and print CSS. Links
 * are made relative to the page's folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPage } from "./html.ts";
 * const html = renderPage({
 *   lang: "en", title: "KPIs", site: "Report", navLabel: "Sections", path: "notebooks/a.html",
 *   nav: [{ href: "index.html", label: "Overview" }], body: "<p>hi</p>",
 * });
 * assert.ok(html.includes('href="../index.html"') && html.includes("Content-Security-Policy"));
 * ```
 */
export function renderPage(parts: PageParts): string {
  const root = "../".repeat(parts.path.split("/").length - 1);
  const links = parts.nav.map((item) =>
    `<a href="${escapeHtml(root + item.href)}"${
      item.href === parts.path ? ' aria-current="page"' : ""
    }>${escapeHtml(item.label)}</a>`
  ).join("\n");
  return `<!doctype html>
<html lang="${escapeHtml(parts.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(parts.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="site"><div class="bar"><a class="brand" href="${escapeHtml(root)}index.html">${
    escapeHtml(parts.site)
  }</a></div>
<nav aria-label="${escapeHtml(parts.navLabel)}">
${links}
</nav></header>
<main>
${parts.body}
</main>
${parts.footer ? `<footer>${parts.footer}</footer>\n` : ""}</body>
</html>
`;
}

/**
 * Scripts, frames, fonts and network access are all off; only inline styles
 * (ours and Plot's) and `data:` images are allowed.
 */
export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** A column of {@link dataTable}. */
export interface TableColumn<R> {
  /** Header text. */
  label: string;
  /** Cell text (escaped when rendered). */
  value: (row: R) => string;
  /** Right-align (numbers). */
  numeric?: boolean;
}

/** Options of {@link dataTable}. */
export interface DataTableOptions<R> {
  /** Caption above the table. */
  caption?: string;
  /** Whether a row is a small sample (flagged with `flagText`). */
  small?: (row: R) => boolean;
  /** Text of the small-sample flag. */
  flagText?: string;
  /** Most rows shown (default all); a note says how many were left out. */
  limit?: number;
  /** Note under a cut table: receives shown and total counts. */
  more?: (shown: number, total: number) => string;
  /**
   * Text shown across the value cells of a row whose `suppressed` is `true`
   * (a group too small to publish, see `suppressSmallGroups`).
   */
  suppressedText?: string;
}

/**
 * A table of records with formatted, escaped cells. Rows that are small
 * samples get a visible flag in their first cell and a class for styling.
 * A table too wide for a portrait A4 page (estimated from its text, see
 * `printWidth`) is marked `wide`: printed, its section goes on landscape
 * pages, so no column is cut and no number is split over lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataTable } from "./html.ts";
 * const html = dataTable([{ g: "<b>", n: 3 }], [
 *   { label: "Group", value: (r) => r.g },
 *   { label: "n", value: (r) => String(r.n), numeric: true },
 * ], { small: (r) => r.n < 30 });
 * assert.ok(html.includes("&lt;b&gt;") && html.includes('class="flag"'));
 * ```
 */
export function dataTable<R>(
  rows: readonly R[],
  columns: TableColumn<R>[],
  options: DataTableOptions<R> = {},
): string {
  const { caption, small, flagText = "small sample", limit = Infinity, more, suppressedText } =
    options;
  const shown = rows.slice(0, limit);
  const head = columns.map((c) =>
    `<th scope="col"${c.numeric ? ' class="num"' : ""}>${escapeHtml(c.label)}</th>`
  ).join("");
  const body = shown.map((r) => {
    if (suppressedText !== undefined && isSuppressed(r)) {
      return `<tr class="suppressed"><th scope="row">${escapeHtml(columns[0].value(r))}</th>` +
        `<td colspan="${columns.length - 1}">${escapeHtml(suppressedText)}</td></tr>`;
    }
    const flagged = small?.(r) ?? false;
    const cells = columns.map((c, j) => {
      const flag = flagged && j === 0 ? ` <span class="flag">${escapeHtml(flagText)}</span>` : "";
      const tag = j === 0 ? 'th scope="row"' : "td";
      const text = c.numeric || j === 0 ? escapeHtml(c.value(r)) : keepWords(c.value(r));
      return `<${tag}${c.numeric ? ' class="num"' : ""}>${text}${flag}</${tag.slice(0, 2)}>`;
    }).join("");
    return `<tr${flagged ? ' class="small"' : ""}>${cells}</tr>`;
  }).join("\n");
  const note = shown.length < rows.length && more
    ? `\n<p class="note">${escapeHtml(more(shown.length, rows.length))}</p>`
    : "";
  const width = printWidth(
    shown.filter((r) => suppressedText === undefined || !isSuppressed(r)),
    columns,
    flagText,
    shown.some((r) => small?.(r) ?? false),
  );
  const fit = width <= PRINT_PX.portrait
    ? ""
    : width <= PRINT_PX.landscape
    ? " wide"
    : " wide squeeze";
  return `<div class="table-wrap${fit}"><table>${
    caption ? `<caption>${escapeHtml(caption)}</caption>` : ""
  }
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>${note}`;
}

/**
 * Escaped text whose words with punctuation inside ("windows-1252",
 * "2025-12", "a/b") are kept whole on a phone (class `w`): browsers may break
 * a line after a hyphen or slash, which splits such a word into fragments.
 * Lines still break at spaces.
 */
function keepWords(text: string): string {
  return text.split(/(\s+)/).map((part) =>
    part.length > 2 && /[^\p{L}\p{N}\s]/u.test(part)
      ? `<span class="w">${escapeHtml(part)}</span>`
      : escapeHtml(part)
  ).join("");
}

function isSuppressed(row: unknown): boolean {
  return (row as { suppressed?: unknown }).suppressed === true;
}

/**
 * Content widths of an A4 page in CSS px (96 per inch) between the print
 * margins of 14 mm: portrait 182 mm, landscape 269 mm.
 */
const PRINT_PX = { portrait: 688, landscape: 1017 };

/**
 * Average advance of a character in print tables (8 pt = 10.7 px), in px:
 * DejaVu Sans, the usual system-ui on Linux, is among the widest (digits
 * 0.64 em), so tables are rather put on landscape pages than squeezed.
 */
const PRINT_CHAR_PX = 6.9;

/** Left and right padding and the border of a print table cell, in px. */
const PRINT_CELL_PX = 11;

/** Longest word of free text that counts towards a column's width (longer ones may break). */
const LONGEST_WORD = 30;

/**
 * The width a table needs in print without splitting a word or a number
 * (the print CSS keeps numbers on one line and wraps text at spaces): per
 * column its header on two lines, its longest text word or whole number.
 * Headers may take two lines. Estimated from characters at build time,
 * since the PDF has no layout step of ours; a table wider than a portrait
 * page is marked for a landscape page (`page: wide`).
 */
function printWidth<R>(
  rows: readonly R[],
  columns: TableColumn<R>[],
  flagText: string,
  flagged: boolean,
): number {
  const longestWord = (text: string) =>
    Math.min(LONGEST_WORD, Math.max(0, ...text.split(/\s+/).map((w) => w.length)));
  let px = 0;
  columns.forEach((c, j) => {
    let chars = twoLines(c.label);
    for (const r of rows) {
      const text = c.value(r);
      chars = Math.max(chars, c.numeric ? text.length : longestWord(text));
    }
    if (j === 0 && flagged) chars = Math.max(chars, flagText.length);
    px += chars * PRINT_CHAR_PX + PRINT_CELL_PX;
  });
  return px;
}

/**
 * The characters of the longer line when a header is set on at most two
 * lines, broken at the best space: three or more lines in a narrow column
 * are what makes a squeezed table hard to read.
 */
function twoLines(label: string): number {
  const words = label.split(/\s+/);
  let best = label.length;
  for (let i = 1; i < words.length; i++) {
    best = Math.min(
      best,
      Math.max(words.slice(0, i).join(" ").length, words.slice(i).join(" ").length),
    );
  }
  return best;
}

/**
 * Whether a page body holds a table too wide for a portrait page (see
 * {@link dataTable}): its printed section then goes on landscape pages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataTable, hasWideTable } from "./html.ts";
 * const columns = Array.from({ length: 12 }, (_, i) => ({
 *   label: `Revenue ${i}`,
 *   value: () => "1,234.5 (1,100.2–1,400.9)",
 *   numeric: true,
 * }));
 * assert.ok(hasWideTable(dataTable([{}], columns)));
 * assert.ok(!hasWideTable(dataTable([{}], columns.slice(0, 2))));
 * ```
 */
export function hasWideTable(html: string): boolean {
  return /<div class="table-wrap wide[ "]/.test(html);
}

/**
 * Finding sentences (plain text), each its own highlighted paragraph.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findings } from "./html.ts";
 * assert.equal(findings(["p < 0.001"]), '<p class="finding">p &lt; 0.001</p>');
 * ```
 */
export function findings(sentences: readonly string[]): string {
  return sentences.map((s) => `<p class="finding">${escapeHtml(s)}</p>`).join("\n");
}

/**
 * A paragraph of plain text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { para } from "./html.ts";
 * assert.equal(para("a & b", "note"), '<p class="note">a &amp; b</p>');
 * ```
 */
export function para(text: string, cls?: string): string {
  return `<p${cls ? ` class="${escapeHtml(cls)}"` : ""}>${escapeHtml(text)}</p>`;
}

/**
 * A heading of plain text (level 2–4) with an optional id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { heading } from "./html.ts";
 * assert.equal(heading(2, "Churn"), "<h2>Churn</h2>");
 * ```
 */
export function heading(level: 2 | 3 | 4, text: string, id?: string): string {
  return `<h${level}${id ? ` id="${escapeHtml(id)}"` : ""}>${escapeHtml(text)}</h${level}>`;
}

/**
 * A chart as an inline SVG figure. Axis ticks get the locale's number and
 * date formatting unless the spec sets its own (Plot's defaults are en-US).
 * A chart wider than a phone also gets a phone variant, laid out by Plot at
 * {@link PHONE_CHART_WIDTH} (so fewer ticks, labels at full size) and shown
 * instead of the wide one on narrow screens: scaling the wide chart down
 * would shrink its 13 px ticks below 8 px, and letting it scroll hides half
 * of it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { reportFormat } from "./format.ts";
 * import { figure } from "./html.ts";
 * const html = figure({ marks: [Plot.dotX([1500.5], { x: (d) => d })] }, reportFormat("de"));
 * assert.ok(html.startsWith('<figure class="chart"><svg') && html.includes("1.500,5"));
 * assert.ok(html.includes('<div class="chart-phone"><svg') && html.includes('viewBox="0 0 340 '));
 * // A chart that lays itself out differently when narrow builds its own phone variant.
 * const own = figure({ width: 800, marks: [] }, reportFormat("en"), {
 *   phone: (width) => ({ width, title: `at ${width} px`, marks: [] }),
 * });
 * assert.ok(own.includes("at 340 px"));
 * ```
 */
export function figure(spec: ChartSpec, format: ReportFormat, options: FigureOptions = {}): string {
  // Ticks of 13 px at the chart's own width (640 px by default) on screens and paper.
  const styled = localize({ ...spec, style: spec.style ?? { fontSize: "13px" } }, format);
  const wide = renderHtml(styled);
  if ((spec.width ?? 640) <= PHONE_CHART_WIDTH) return `<figure class="chart">${wide}</figure>`;
  const own = options.phone?.(PHONE_CHART_WIDTH);
  const narrow = own
    ? localize({ ...own, style: own.style ?? { fontSize: "13px" } }, format)
    : styled;
  const phone = renderHtml(phoneSpec(narrow));
  return `<figure class="chart">${wide}<div class="chart-phone">${phone}</div></figure>`;
}

/** Options of {@link figure}. */
export interface FigureOptions {
  /**
   * Builds the phone variant at the given width (px) instead of the wide
   * spec being re-laid out: for charts whose marks depend on the width,
   * such as a heatmap's cell labels (`retentionHeatmap`'s `width`).
   */
  phone?: (width: number) => ChartSpec;
}

/**
 * Width of a chart's phone variant, in px: a 390 px phone's card holds it
 * at scale ≈ 1 (13 px ticks), a 360 px one at 0.9 (still ≥ 11 px).
 */
const PHONE_CHART_WIDTH = 340;

/** Fewest px per label of a band or point axis on a phone (labels such as "2025-12" or "23"). */
const PHONE_BAND_TICK_PX = 44;

/** Px per tick of a continuous x axis on a phone: four ticks ("Jan 2024", "Jul", …) on 280 px. */
const PHONE_CONTINUOUS_TICK_PX = 64;

/**
 * A chart at {@link PHONE_CHART_WIDTH}: a continuous x axis gets a tick
 * count for its width; a band or point x axis with a fixed domain (a
 * heatmap's months) labels every k-th value so its labels do not overlap.
 */
function phoneSpec(spec: ChartSpec): ChartSpec {
  const out: ChartSpec = { ...spec, width: PHONE_CHART_WIDTH };
  const x = (spec.x ?? {}) as Record<string, unknown>;
  if (x.ticks !== undefined || x.axis === null) return out;
  const room = PHONE_CHART_WIDTH - Number(spec.marginLeft ?? 40) - Number(spec.marginRight ?? 20);
  if (x.type === "band" || x.type === "point") {
    const domain = x.domain;
    if (!Array.isArray(domain)) return out;
    const step = Math.ceil(domain.length / Math.max(2, Math.floor(room / PHONE_BAND_TICK_PX)));
    if (step > 1) out.x = { ...x, ticks: domain.filter((_, i) => i % step === 0) };
  } else {
    // Plot's own count (one per 80 px) leaves a 24-month axis with two year ticks at this width.
    out.x = { ...x, ticks: Math.max(3, Math.floor(room / PHONE_CONTINUOUS_TICK_PX)) };
  }
  return out;
}

function localize(spec: ChartSpec, format: ReportFormat): ChartSpec {
  if (format.locale.startsWith("en")) return spec;
  const numbers = new Intl.NumberFormat(format.locale, { maximumFractionDigits: 2 });
  const months = new Intl.DateTimeFormat(format.locale, {
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
  const tick = (d: unknown) =>
    typeof d === "number" ? numbers.format(d) : d instanceof Date ? months.format(d) : String(d);
  const out: ChartSpec = { ...spec };
  for (const axis of ["x", "y"] as const) {
    const scale = spec[axis] as Record<string, unknown> | undefined;
    if (scale?.tickFormat !== undefined) continue;
    out[axis] = { ...scale, tickFormat: tick };
  }
  return out;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fff; --muted: #595959; --line: #d6d6d6;
  --accent: #0a5c99; --bad: #a4262c; --flag-bg: #fff1c2; --flag-fg: #5c4400; --card: #f4f6f8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #141414; --muted: #a8a8a8;
  --line: #3a3a3a; --accent: #7cc4f5; --bad: #ff9a9a; --flag-bg: #4d3d00; --flag-fg: #ffe28a; --card: #1e1f21; } }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
header.site { border-bottom: 1px solid var(--line); background: var(--card); }
header.site .bar { max-width: 64rem; margin: 0 auto; padding: .6rem 1rem 0; }
.brand { font-weight: 700; color: var(--fg); text-decoration: none; }
nav { max-width: 64rem; margin: 0 auto; padding: 0 1rem; display: flex; flex-wrap: wrap; gap: 0 1rem; white-space: nowrap; }
nav a { display: inline-block; padding: .45rem 0 .35rem; text-decoration: none; color: var(--fg); border-bottom: 3px solid transparent; }
nav a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
/* A long word in prose (a file name, a URL) breaks rather than scroll a phone page sideways. */
main p, main li, main dd { overflow-wrap: break-word; }
footer { max-width: 64rem; margin: 2rem auto 1rem; padding: .5rem 1rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.4em 0 .5em; }
h1 { font-size: 1.8rem; margin-top: .5em; }
h2 { font-size: 1.35rem; border-bottom: 1px solid var(--line); padding-bottom: .2em; }
h3 { font-size: 1.1rem; }
.lead { font-size: 1.05rem; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 1rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
/* A table wider than the screen scrolls inside its box. The cue that more columns follow is a
   shadow on the edge with hidden columns: covers in the page colour scroll with the table
   ("local") and hide the fixed edge shadows ("scroll") where the table ends. */
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem;
  background: linear-gradient(to right, var(--bg) 40%, transparent) left / 2.5rem 100% no-repeat local,
    linear-gradient(to left, var(--bg) 40%, transparent) right / 2.5rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(128,128,128,.6), transparent) left / .9rem 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(128,128,128,.6), transparent) right / .9rem 100% no-repeat scroll; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; caption-side: top; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--fg); }
tbody th { font-weight: 500; }
.num { text-align: right; }
tr.small { color: var(--muted); }
.flag { display: inline-block; font-size: .75rem; font-weight: 600; padding: 0 .35rem; border-radius: 3px; background: var(--flag-bg); color: var(--flag-fg); white-space: nowrap; }
.note, .generated, small { color: var(--muted); font-size: .88rem; }
.error { color: var(--bad); }
.finding { font-size: 1.02rem; border-left: 4px solid var(--accent); padding: .1rem 0 .1rem .7rem; margin: .6rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .8rem; margin: 1rem 0; padding: 0; list-style: none; }
.cards li { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem; }
.cards li a { font-weight: 600; }
.cards li p { margin: .3rem 0 0; font-size: .92rem; }
figure.chart { margin: 1rem 0; padding: .6rem; overflow-x: auto; background: #fff; color: #1b1b1b; border: 1px solid var(--line); border-radius: 6px; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart svg[class^="plot-"]:not([class*="-ramp"]) { width: 100%; }
.chart-phone { display: none; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: .8rem; margin: 1rem 0; padding: 0; list-style: none; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem; }
.tile p { margin: 0; }
.tile-name { color: var(--muted); font-weight: 600; }
.tile-value { font-size: 2.2rem; font-weight: 700; line-height: 1.15; font-variant-numeric: tabular-nums; }
.tile-interval, .tile-change { font-size: .88rem; }
.tile-change.better { color: #1a7f37; font-weight: 600; }
.tile-change.worse { color: var(--bad); font-weight: 600; }
.tile-change.flat { color: var(--muted); }
.tile .spark { display: block; width: 100%; height: 2.25rem; margin-top: .4rem; fill: none; stroke: var(--accent); stroke-width: 2; vector-effect: non-scaling-stroke; overflow: visible; }
.tile .spark polyline { vector-effect: non-scaling-stroke; }
.tile .spark circle { fill: var(--accent); stroke: none; }
.pdf-link { font-weight: 600; }
/* Segments above / below the rest: the segment chart's Okabe–Ito blue and vermillion. */
.stand-out { list-style: none; padding: 0; margin: .5rem 0 1rem; }
.stand-out li { margin: .2rem 0; }
.stand-out .mark { display: inline-block; width: 1.2em; }
.stand-out .above .mark { color: #0072B2; }
.stand-out .below .mark { color: #D55E00; }
@media (prefers-color-scheme: dark) { .tile-change.better { color: #7ee2a8; } }
figure.chart figure { margin: 0; }
figure h2, figure h3 { border: 0; margin: .2em 0; padding: 0; }
figure h2 { font-size: 1rem; }
figure h3 { font-size: .85rem; font-weight: 400; color: #595959; }
.cxkit-cards { margin: 1rem 0; }
.notebook .input_prompt, .notebook .prompt, .notebook .anchor-link { display: none; }
.notebook .input_area pre { background: var(--card); border: 1px solid var(--line); border-radius: 4px; padding: .6rem; overflow-x: auto; font-size: .85rem; }
.notebook .output_area { margin: .5rem 0 1rem; overflow-x: auto; }
.notebook .output_area pre { white-space: pre-wrap; font-size: .85rem; }
.notebook .output_html svg { max-width: 100%; height: auto; background: #fff; }
.notebook .output_html figure { background: #fff; color: #1b1b1b; padding: .5rem; border-radius: 6px; margin: .5rem 0; }
.notebook .output_stderr, .notebook .output_error { color: var(--bad); }
.highlight .c1, .highlight .cm { color: var(--muted); font-style: italic; }
.highlight .k, .highlight .kd, .highlight .kr { color: var(--accent); font-weight: 600; }
.highlight .s2, .highlight .s1 { color: #2e7d32; }
@media (prefers-color-scheme: dark) { .highlight .s2, .highlight .s1 { color: #9ad29d; } }
nav { scrollbar-width: thin; }
@media (max-width: 40rem) { nav { flex-wrap: nowrap; overflow-x: auto; } body { font-size: 15px; } h1 { font-size: 1.45rem; } main { padding: .75rem; }
  /* Phone tables scroll sideways rather than reflow: a manager compares a column down the rows,
     which cards per row would scatter. Numbers stay on one line, text wraps only at spaces, and
     the row labels stay in view while the numbers scroll. */
  table { font-size: .8rem; } th, td { padding: .25rem .4rem; overflow-wrap: normal; hyphens: manual; }
  /* Row labels (segments, periods such as "2025-12", dates) keep to one line too: Chromium
     would break a period after its hyphen. */
  th.num, td.num, tbody tr > :first-child, td .w { white-space: nowrap; } .flag { white-space: normal; }
  .table-wrap tr > :first-child { position: sticky; left: 0; z-index: 1; background: var(--bg); }
  dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .4rem; }
  figure.chart { padding: .3rem; } .tile-value { font-size: 1.8rem; } }
@media screen and (max-width: 40rem) {
  figure.chart:has(> .chart-phone) > :not(.chart-phone) { display: none; } .chart-phone { display: block; } }
@media print {
  @page { size: A4; margin: 15mm 14mm; }
  :root { --fg: #000; --bg: #fff; --muted: #444; --line: #bbb; --card: #fff; --accent: #000; }
  body { font-size: 10pt; }
  header.site nav { display: none; }
  header.site { background: none; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  section.page { break-before: page; }
  section.page:first-of-type { break-before: auto; }
  header.site { display: none; }
  h1, h2, h3, h4, caption { break-after: avoid; page-break-after: avoid; }
  figure, tr, .finding, .cards li, .tile { break-inside: avoid; page-break-inside: avoid; }
  figure.chart { border: 0; padding: 0; }
  /* Tables too wide for portrait (marked "wide" at build time) put their section on landscape
     pages; numbers stay on one line and text wraps at spaces, so a column is never cut into
     letters. Only a table too wide even for landscape ("squeeze") may break inside words. */
  @page wide { size: A4 landscape; margin: 15mm 14mm; }
  section.page.wide { page: wide; }
  section.page.wide figure.chart { max-width: 182mm; }
  .table-wrap { overflow: visible; background: none; }
  .table-wrap tr > :first-child { position: static; }
  table { width: 100%; table-layout: auto; font-size: 8pt; }
  th, td { padding: .15rem .3rem; min-width: 0; white-space: normal; overflow-wrap: break-word; }
  td.num { white-space: nowrap; }
  .squeeze th, .squeeze td { white-space: normal; overflow-wrap: anywhere; }
  .tiles { grid-template-columns: repeat(3, 1fr); }
  .key-findings { grid-template-columns: 1fr; gap: .3rem; } .key-findings li { border: 0; padding: 0; }
}
`;

/**
 * A section with nothing to show for lack of data: the reason is its page
 * and its `skipped` (the console says "skipped: <reason>", not "done").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { skippedSection } from "./html.ts";
 * assert.equal(skippedSection("kpis", "KPIs", "No answers.").skipped, "No answers.");
 * ```
 */
export function skippedSection(id: string, title: string, reason: string): Section {
  return { id, title, findings: [], body: para(reason), skipped: reason };
}
