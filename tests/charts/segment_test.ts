import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { CxOptionsError } from "../../src/errors.ts";
import { segment } from "../../src/analysis/segment/segment.ts";
import { segmentChart } from "../../src/charts/segment.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { nps } from "../../src/metrics/nps.ts";
import { sample } from "../metrics/fixtures.ts";
import { assertSnapshot } from "./snapshot.ts";

// chat: 40 answers, NPS 50; phone: 40, NPS −50; email: 40, NPS 0; "<b>web</b>": 3 answers.
const answers = aq.table({
  channel: [
    ...Array(40).fill("chat"),
    ...Array(40).fill("phone"),
    ...Array(40).fill("email"),
    ...Array(3).fill("<b>web</b>"),
  ],
  nps_score: [
    ...Array(25).fill(10),
    ...Array(10).fill(8),
    ...Array(5).fill(2),
    ...Array(5).fill(10),
    ...Array(10).fill(8),
    ...Array(25).fill(0),
    ...Array(15).fill(9),
    ...Array(10).fill(7),
    ...Array(15).fill(5),
    10,
    9,
    6,
  ],
});
const result = segment(answers, { kpi: "nps", by: "channel" });
const parse = (html: string) => new JSDOM(html).window.document;

Deno.test("snapshot: segments vs the rest", async () => {
  await assertSnapshot("segment-vs-rest", renderHtml(segmentChart(result)));
});

Deno.test("snapshot: NPS by channel × region vs the rest on the sample", async () => {
  const responses = await sample("responses");
  const chart = segmentChart(segment(responses, { kpi: "nps", by: ["channel", "region"] }));
  await assertSnapshot("segment-sample-channel-region", renderHtml(chart));
});

Deno.test("segmentChart: one dot per segment, sorted, significant coloured, small hollow, escaped", () => {
  const svg = renderSvg(segmentChart(result));
  const doc = parse(svg);
  const dots = [...doc.querySelectorAll("g.cx-segment-dot circle")];
  const rows = result.objects() as Record<string, unknown>[];
  assert.equal(dots.length, rows.length);
  const titles = dots.map((d) => d.querySelector("title")!.textContent!);
  const byLabel = new Map(titles.map((t, i) => [t.slice(0, t.indexOf(":")), dots[i]]));
  for (const r of rows) {
    const dot = byLabel.get(String(r.channel))!;
    // A constant fill (white) sits on the mark's group, a scaled one on each circle.
    const fill = dot.getAttribute("fill") ?? dot.parentElement!.getAttribute("fill");
    if (r.small_sample) assert.equal(fill, "white", `${r.channel} hollow`);
    else if (!r.significant) assert.equal(fill, "#8C8C8C", `${r.channel} grey`);
    else {
      assert.equal(fill, (r.difference as number) > 0 ? "#0072B2" : "#D55E00", `${r.channel}`);
    }
  }
  // chat (+) and phone (−) differ significantly from the rest after Holm; web is not tested.
  assert.deepEqual(rows.map((r) => [r.channel, r.significant]), [
    ["<b>web</b>", false],
    ["chat", true],
    ["email", false],
    ["phone", true],
  ]);
  // Rows are drawn largest difference on top: chat, …, phone at the bottom.
  const ys = new Map(
    titles.map((t, i) => [t.slice(0, t.indexOf(":")), Number(dots[i].getAttribute("cy"))]),
  );
  assert.ok(ys.get("chat")! < ys.get("email")! && ys.get("email")! < ys.get("phone")!);
  assert.match(
    byLabel.get("<b>web</b>")!.querySelector("title")!.textContent!,
    /small sample, not tested/,
  );
  assert.ok(!svg.includes("<b>web"), "labels are escaped");
  assert.ok(svg.includes("&lt;b&gt;web&lt;/b&gt;"));
  // The reference line at 0 (= the rest) and one interval per segment with an interval.
  assert.equal(doc.querySelectorAll("g.cx-segment-interval line").length, rows.length);
});

Deno.test("segmentChart: several by columns are joined; refuses other tables", () => {
  const t = aq.table({
    channel: ["chat", "chat", "phone", "phone"],
    region: ["north", "south", "north", "south"],
    nps_score: [10, 9, 3, 9],
  });
  const svg = renderSvg(
    segmentChart(segment(t, { kpi: "nps", by: ["channel", "region"], minN: 1 })),
  );
  assert.ok(svg.includes("chat · north") && svg.includes("NPS: each channel × region vs the rest"));
  assert.throws(() => segmentChart(nps(t, { by: "channel" })), CxOptionsError);
  assert.throws(() => segmentChart(aq.table({ x: [1] })), CxOptionsError);
});
