import * as Plot from "@observablehq/plot";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { renderSvg } from "../../src/charts/render.ts";
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

Deno.test("renderSvg returns figure HTML when the spec has a title", () => {
  const html = renderSvg({ ...dotChart(), title: "Dots & <more>" });
  assert(html.startsWith("<figure"));
  assert(html.includes("<h2>Dots &amp; &lt;more&gt;</h2>"));
});

Deno.test("snapshot: dot chart", async () => {
  await assertSnapshot("dot", renderSvg(dotChart()));
});
