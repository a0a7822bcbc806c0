/**
 * Server-side rendering of Observable Plot specs to SVG/HTML strings, for
 * scripts, reports and golden snapshot tests.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { createRequire } from "node:module";
import { CxError } from "../errors.ts";
import { svgDocument } from "./svg_document.ts";

/** A chart spec: the options object for `Plot.plot`, without `document`. */
export type ChartSpec = Plot.PlotOptions;

/**
 * Renders a Plot spec to a standalone SVG document, well-formed XML that an
 * image viewer, a slide program or a browser opens on its own: the SVG
 * namespace on the root, the chart's title as its `<title>` (its accessible
 * name), and the title, subtitle, colour legend and caption drawn inside the
 * SVG as text and swatches above and below the plot (Plot itself would wrap
 * those in an HTML `<figure>`; {@link renderHtml} keeps that form for pages).
 *
 * The output is deterministic (same spec → same string, in any process), so it
 * can be compared with golden snapshots: Plot's per-process counters for clip
 * paths, patterns and markers are renumbered from 1 and prefixed with a hash
 * of the chart, which keeps ids unique when several charts share one page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { renderSvg } from "./render.ts";
 * const spec = {
 *   title: "Dots & more",
 *   marks: [Plot.dot([{ x: 1, y: 2, k: "a" }], { x: "x", y: "y", fill: "k" })],
 *   color: { legend: true },
 * };
 * const svg = renderSvg(spec);
 * assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
 * assert.ok(svg.includes("<title>Dots &amp; more</title>") && svg === renderSvg(spec));
 * ```
 */
export function renderSvg(spec: ChartSpec): string {
  return stableIds(xmlSafe(svgDocument(spec, sharedDocument()).outerHTML));
}

/**
 * Renders a Plot spec for an HTML page: an `<svg>` element, or Plot's
 * `<figure>` (HTML) when a title, subtitle, caption or legend makes Plot wrap
 * the chart. This is what the report pages and notebook outputs embed; for a
 * file of its own use {@link renderSvg}. Deterministic like `renderSvg`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { renderHtml } from "./render.ts";
 * const html = renderHtml({ title: "Dots", marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * assert.ok(html.startsWith("<figure") && html.includes("<h2>Dots</h2>"));
 * ```
 */
export function renderHtml(spec: ChartSpec): string {
  const element = Plot.plot({ ...spec, document: sharedDocument() });
  return stableIds(xmlSafe(element.outerHTML));
}

type PlotDocument = NonNullable<Plot.PlotOptions["document"]>;

let document: PlotDocument | undefined;

/**
 * One jsdom document for every render: creating a window costs far more than
 * a chart. jsdom is loaded here, at the first render, not when cxkit is
 * imported: it is most of the import's cost (0.6 s of CPU of 0.9 s,
 * 2026-12-03), which a script or a command that ends before drawing (a bad
 * option, a file that does not load) would pay for nothing. It is CommonJS,
 * so `require` loads it synchronously and the renderers stay synchronous.
 * jsdom (through its `debug` dependency) reads the environment while
 * loading, so only drawing needs `--allow-env`.
 */
function sharedDocument(): PlotDocument {
  if (document) return document;
  let jsdom: typeof import("jsdom");
  try {
    jsdom = createRequire(import.meta.url)("jsdom");
  } catch (e) {
    const cause = e instanceof Error ? e : new Error(String(e));
    throw new CxError(
      `Rendering charts needs jsdom, which could not load (${cause.message}). ` +
        "Run Deno with --allow-env or -A: jsdom reads environment variables while loading.",
      { cause },
    );
  }
  document = new jsdom.JSDOM("").window.document as unknown as PlotDocument;
  return document;
}

/**
 * Makes jsdom's HTML serialisation also well-formed XML, so a plain chart can
 * be saved as a standalone `.svg` file or sent as `image/svg+xml`: escapes
 * `<` and `>` inside attribute values (user text in `aria-label`), writes the
 * no-break space numerically and declares the SVG namespace on a root `<svg>`.
 * Text nodes are already escaped by the serialiser, so matching `="…"` there
 * changes nothing.
 */
function xmlSafe(html: string): string {
  let out = html
    .replace(
      /="([^"]*)"/g,
      (m, v: string) =>
        /[<>]/.test(v) ? `="${v.replaceAll("<", "&lt;").replaceAll(">", "&gt;")}"` : m,
    )
    .replaceAll("&nbsp;", "&#160;");
  if (out.startsWith("<svg ") && !/^<svg [^>]*\bxmlns=/.test(out)) {
    out = `<svg xmlns="http://www.w3.org/2000/svg"${out.slice(4)}`;
  }
  return out;
}

/** Ids Plot numbers with module-level counters (`plot-clip-7`, `plot-pattern-3-0`, `plot-marker-2`). */
const PLOT_ID = /\bplot-(clip|pattern|marker)-(\d+)\b/g;

/**
 * Replaces Plot's process-wide id counters with per-chart numbers, then tags
 * them with a hash of the normalised chart so two different charts on one
 * page never share an id (identical charts may, harmlessly: same content).
 */
function stableIds(html: string): string {
  const local = new Map<string, number>();
  const numbered = html.replace(PLOT_ID, (_, kind: string, n: string) => {
    const key = `${kind}-${n}`;
    let i = local.get(key);
    if (i === undefined) local.set(key, i = local.size + 1);
    return `plot-${kind}-${i}`;
  });
  if (local.size === 0) return numbered;
  const tag = fnv1a(numbered);
  return numbered.replace(PLOT_ID, (_, kind: string, i: string) => `plot-${kind}-${tag}-${i}`);
}

/** 32-bit FNV-1a over UTF-16 code units, as 8 hex digits: a fast, stable content tag. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
