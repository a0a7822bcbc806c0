/**
 * A Plot chart as one standalone SVG document: title, subtitle and colour
 * legend above the plot, caption below, all as SVG (Plot puts them in an HTML
 * `<figure>`, which an image viewer cannot open). Used by `renderSvg`.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";

const SVG_NS = "http://www.w3.org/2000/svg";
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
/** Average glyph width as a share of the font size, to wrap text without a layout engine. */
const GLYPH = 0.56;

type PlotDocument = NonNullable<Plot.PlotOptions["document"]>;
/** The few DOM members used here (Deno's type library has no DOM). */
export interface SvgNode {
  tagName: string;
  textContent: string | null;
  outerHTML: string;
  ownerDocument: unknown;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  appendChild(child: SvgNode): SvgNode;
  querySelector(selector: string): SvgNode | null;
  scale?: (name: string) => unknown;
}
type Doc = { createElementNS(ns: string, tag: string): SvgNode };
type Scale = { type?: string; domain?: unknown[]; apply?: (v: unknown) => unknown };

/**
 * Draws the spec with Plot (without title, subtitle, caption and legends) and
 * wraps it in a root `<svg>` that carries them as SVG.
 */
export function svgDocument(spec: Plot.PlotOptions, document: PlotDocument): SvgNode {
  const doc = document as unknown as Doc;
  const { title, subtitle, caption } = spec;
  const colorOptions = spec.color as Record<string, unknown> | undefined;
  const legend = colorOptions?.legend;
  const plot = Plot.plot({
    ...spec,
    title: undefined,
    subtitle: undefined,
    caption: undefined,
    ...(colorOptions ? { color: { ...colorOptions, legend: false } } : {}),
    // Ticks of at least 12 px: the chart is read at its own size, on a slide or in a viewer.
    style: spec.style ?? { fontSize: "12px" },
    document,
  }) as unknown as SvgNode;
  // A spec without legend or captions is a bare <svg>; with a symbol or opacity legend, a figure.
  const chart = plot.tagName.toLowerCase() === "svg" ? plot : plot.querySelector("svg");
  const width = Number(chart?.getAttribute("width") ?? 640);
  const root = doc.createElementNS(SVG_NS, "svg");
  const add = (parent: SvgNode, tag: string, attrs: Record<string, string | number> = {}) => {
    const el = doc.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) {
      el.setAttribute(k, typeof v === "number" ? String(Math.round(v * 10) / 10) : v);
    }
    parent.appendChild(el);
    return el;
  };
  const name = text(title) ?? text(spec.ariaLabel);
  if (name) add(root, "title").textContent = name;
  const about = [text(subtitle), text(caption)].filter(Boolean).join(" ");
  if (about) add(root, "desc").textContent = about;
  const background = add(root, "rect", { width: "100%", height: "100%", fill: "white" });
  let y = 8;
  const lines = (value: string | undefined, size: number, attrs: Record<string, string>) => {
    for (const line of wrap(value ?? "", width - 16, size)) {
      y += size * 1.3;
      add(root, "text", { x: 8, y, "font-size": size, ...attrs }).textContent = line;
    }
    if (value) y += size * 0.3;
  };
  lines(text(title), 17, { "font-weight": "600", fill: "#1b1b1b" });
  lines(text(subtitle), 13, { fill: "#595959" });
  if (legend && chart) y = drawLegend(plot, colorOptions!, root, add, y, width);
  if (chart) {
    chart.setAttribute("x", "0");
    chart.setAttribute("y", String(Math.round(y)));
    root.appendChild(chart);
    y += Number(chart.getAttribute("height") ?? 400);
  }
  lines(text(caption), 12, { fill: "#595959" });
  const height = Math.ceil(y + 8);
  for (const [k, v] of Object.entries({ width, height, viewBox: `0 0 ${width} ${height}` })) {
    root.setAttribute(k, String(v));
  }
  root.setAttribute("font-family", FONT);
  root.setAttribute("role", "img");
  if (name) root.setAttribute("aria-label", name);
  background.setAttribute("height", String(height));
  return root;
}

/** Swatches (ordinal colours) or Plot's own ramp (continuous colours), from `y` on. */
function drawLegend(
  plot: SvgNode,
  options: Record<string, unknown>,
  root: SvgNode,
  add: (parent: SvgNode, tag: string, attrs?: Record<string, string | number>) => SvgNode,
  y: number,
  width: number,
): number {
  const scale = plot.scale?.("color") as Scale | undefined;
  if (!scale?.domain) return y;
  const continuous = ["linear", "sqrt", "pow", "log", "symlog", "sequential", "diverging"]
    .some((t) => scale.type?.startsWith(t)) ||
    scale.type === "quantize" ||
    scale.type === "quantile" || scale.type === "threshold";
  if (continuous) {
    const ramp = Plot.legend({
      color: { ...scale, ...pick(options, "label", "tickFormat") },
      document: root.ownerDocument,
    } as unknown as Plot.LegendOptions) as unknown as SvgNode;
    const svg = ramp.tagName.toLowerCase() === "svg" ? ramp : ramp.querySelector("svg");
    if (!svg) return y;
    svg.setAttribute("x", "8");
    svg.setAttribute("y", String(Math.round(y)));
    root.appendChild(svg);
    return y + Number(svg.getAttribute("height") ?? 50) + 4;
  }
  const format = typeof options.tickFormat === "function"
    ? options.tickFormat as (v: unknown) => unknown
    : String;
  const size = 12;
  let x = 8;
  y += 4;
  for (const value of scale.domain) {
    const label = String(format(value));
    const w = 14 + 6 + label.length * size * GLYPH + 14;
    if (x > 8 && x + w > width - 8) [x, y] = [8, y + 20];
    add(root, "rect", {
      x,
      y,
      width: 14,
      height: 14,
      fill: String(scale.apply?.(value) ?? "#888"),
    });
    add(root, "text", { x: x + 20, y: y + 11.5, "font-size": size, fill: "#1b1b1b" })
      .textContent = label;
    x += w;
  }
  return y + 24;
}

function pick(o: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** The text of a title/caption option (a string; Plot also accepts nodes, which we read). */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value;
  const content = (value as { textContent?: string }).textContent;
  return content ?? String(value);
}

/** Greedy word wrap to a width in pixels at a font size. */
function wrap(value: string, width: number, size: number): string[] {
  const most = Math.max(10, Math.floor(width / (size * GLYPH)));
  const out: string[] = [];
  let line = "";
  for (const word of value.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > most) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
