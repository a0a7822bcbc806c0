/// <reference lib="dom" />
import * as Plot from "@observablehq/plot";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { renderPng } from "../../src/charts/png.ts";
import { findChromium, openChromium } from "../../src/charts/chromium.ts";
import { trend } from "../../src/analysis/trend.ts";
import { trendChart } from "../../src/charts/trend.ts";
import { npsMixChart } from "../../src/charts/kpi.ts";
import { nps } from "../../src/metrics/nps.ts";
import * as aq from "arquero";
import { assertSnapshot } from "./snapshot.ts";

const points = [
  { x: 1, y: 2 },
  { x: 2, y: 5 },
  { x: 3, y: 3 },
];

function dotChart(): Plot.PlotOptions {
  // clip: true makes Plot allocate a clip-path id from a process-wide counter.
  return { marks: [Plot.dot(points, { x: "x", y: "y", clip: true })] };
}

Deno.test("renderSvg renders a plain Plot.dot spec as standalone SVG", () => {
  const svg = renderSvg(dotChart());
  assert(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" '));
  const doc = new JSDOM("").window.document;
  const parsed = new doc.defaultView!.DOMParser().parseFromString(svg, "image/svg+xml");
  assert.equal(parsed.getElementsByTagName("parsererror").length, 0, "well-formed XML");
  assert.equal(parsed.getElementsByTagName("circle").length, 3);
});

Deno.test("renderSvg is deterministic within a process", () => {
  const first = renderSvg(dotChart());
  const second = renderSvg(dotChart());
  assert.equal(second, first);
  assert(/clip-path="url\(#plot-clip-[0-9a-f]{8}-1\)"/.test(first), "normalised clip id");
});

Deno.test("renderSvg is deterministic across processes", async () => {
  const render = new URL("../../src/charts/render.ts", import.meta.url).href;
  const code = `
    import * as Plot from "@observablehq/plot";
    import { renderSvg } from ${JSON.stringify(render)};
    const points = ${JSON.stringify(points)};
    renderSvg({ marks: [Plot.dot(points, { x: "x", y: "y", clip: true })] }); // bump Plot's counters
    console.log(renderSvg({ marks: [Plot.dot(points, { x: "x", y: "y", clip: true })] }));
`;
  const { code: status, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(status, 0, new TextDecoder().decode(stderr));
  assert.equal(new TextDecoder().decode(stdout), renderSvg(dotChart()) + "\n");
});

Deno.test("renderHtml returns figure HTML when the spec has a title", () => {
  const html = renderHtml({ ...dotChart(), title: "Dots & <more>" });
  assert(html.startsWith("<figure"));
  assert(html.includes("<h2>Dots &amp; &lt;more&gt;</h2>"));
});

Deno.test("snapshot: dot chart", async () => {
  await assertSnapshot("dot", renderHtml(dotChart()));
});

const SVG_NS = "http://www.w3.org/2000/svg";

/** Parses as XML (not HTML): a stray `<`, `&nbsp;` or an unclosed tag is a parser error. */
function parseSvg(svg: string) {
  const { DOMParser } = new JSDOM("").window;
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  assert.equal(doc.getElementsByTagName("parsererror").length, 0, "well-formed XML");
  return doc;
}

/** A chart with everything Plot would put in a figure: title, subtitle, swatch legend, caption. */
function mixSpec(): Plot.PlotOptions {
  const t = aq.table({ channel: ["chat", "chat", "phone", "email"], nps_score: [10, 7, 3, 9] });
  return { ...npsMixChart(nps(t, { by: "channel" })), caption: "Source: a <test> & more" };
}

Deno.test("renderSvg: title, subtitle, legend and caption inside one standalone SVG", () => {
  const svg = renderSvg(mixSpec());
  const doc = parseSvg(svg);
  const root = doc.documentElement;
  assert.equal(root.namespaceURI, SVG_NS);
  assert.equal(root.localName, "svg");
  // The title is the document's accessible name, first child, and drawn as text.
  assert.equal(root.firstElementChild?.localName, "title");
  assert.equal(root.firstElementChild?.textContent, "Answer mix by channel");
  const texts = [...root.getElementsByTagName("text")].map((t) => t.textContent);
  for (
    const word of ["Answer mix by channel", "Detractor (0–6)", "Passive (7–8)", "Promoter (9–10)"]
  ) {
    assert.ok(texts.includes(word), `${word} drawn as SVG text`);
  }
  assert.ok(texts.includes("Source: a <test> & more"), "caption, escaped");
  // No HTML left: no figure, h2 or div anywhere.
  for (const tag of ["figure", "h2", "h3", "div", "figcaption"]) {
    assert.equal(root.getElementsByTagName(tag).length, 0, `no <${tag}>`);
  }
  // The plot sits below the header and legend, and the document is tall enough for it.
  const plot = [...root.children].find((c) => c.localName === "svg")!;
  const top = Number(plot.getAttribute("y"));
  assert.ok(top > 60, `plot below title and legend (y = ${top})`);
  const height = Number(root.getAttribute("height"));
  assert.ok(height >= top + Number(plot.getAttribute("height")), "caption below the plot");
  assert.equal(root.getAttribute("viewBox"), `0 0 ${root.getAttribute("width")} ${height}`);
  assert.equal(svg, renderSvg(mixSpec()), "deterministic");
});

Deno.test("renderSvg: a plain chart is an SVG document too", () => {
  const doc = parseSvg(renderSvg({ ...dotChart(), ariaLabel: "Dots" }));
  assert.equal(doc.documentElement.namespaceURI, SVG_NS);
  assert.equal(doc.documentElement.getElementsByTagName("title")[0].textContent, "Dots");
  assert.equal(doc.getElementsByTagName("circle").length, 3);
});

Deno.test("snapshot: standalone SVG of the answer mix (legend and caption inside)", async () => {
  await assertSnapshot("nps-mix-standalone", renderSvg(mixSpec()));
});

const chromiumPath = await findChromium();
const noChromium = !chromiumPath && Deno.env.get("CI") !== "true";

Deno.test({
  name: "renderPng: PNG signature and the requested pixel size",
  ignore: noChromium,
  fn: async () => {
    const png = await renderPng(mixSpec(), { width: 480, scale: 2 });
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const ihdr = new DataView(png.buffer, png.byteOffset + 16, 8);
    assert.equal(ihdr.getUint32(0), 960, "width = 480 × 2");
    // Height follows the SVG's aspect ratio.
    const root = parseSvg(renderSvg(mixSpec())).documentElement;
    const ratio = Number(root.getAttribute("height")) / Number(root.getAttribute("width"));
    assert.equal(ihdr.getUint32(4), 2 * Math.round(480 * ratio));
    await assert.rejects(() => renderPng(mixSpec(), { width: -1 }), /"width" must be a positive/);
  },
});

Deno.test({
  name: "renderSvg: Chromium opens the .svg file as an image document",
  ignore: noChromium,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const file = `${dir}/mix.svg`;
    await Deno.writeTextFile(file, renderSvg(mixSpec()));
    const session = await openChromium();
    try {
      const page = await session.browser.newPage();
      await page.goto(`file://${file}`);
      const seen = await page.evaluate(() => ({
        ns: document.documentElement.namespaceURI,
        title: document.title,
        width: document.documentElement.getBoundingClientRect().width,
      }));
      assert.deepEqual(seen, { ns: SVG_NS, title: "Answer mix by channel", width: 640 });
    } finally {
      await session.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("renderSvg: a trend chart on dates is XML with its time axis", () => {
  const t = aq.table({
    date: ["2025-01-10", "2025-02-10", "2025-03-10"].map((d) => new Date(d)),
    nps_score: [10, 0, 9],
  });
  const doc = parseSvg(renderSvg(trendChart(trend(t, { kpi: "nps", period: "month", minN: 1 }))));
  assert.ok(doc.documentElement.getElementsByTagName("title")[0].textContent!.startsWith("NPS"));
});
