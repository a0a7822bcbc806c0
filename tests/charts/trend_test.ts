import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { CxOptionsError } from "../../src/errors.ts";
import { trend } from "../../src/analysis/trend.ts";
import { trendChart } from "../../src/charts/trend.ts";
import { renderHtml } from "../../src/charts/render.ts";
import { nps } from "../../src/metrics/nps.ts";
import { sample } from "../metrics/fixtures.ts";
import { assertSnapshot } from "./snapshot.ts";

const month = (m: string, k: number) => Array(k).fill(new Date(`2025-${m}-15T12:00:00Z`));
const good = [...Array(20).fill(10), ...Array(10).fill(8), ...Array(10).fill(0)]; // NPS 25
const bad = [...Array(5).fill(10), ...Array(5).fill(8), ...Array(30).fill(0)]; // NPS −62.5
// Jan 25, Feb 25, Mar −62.5 (drop), Apr no answers, May 10 answers (too few), Jun 25.
const answers = aq.table({
  date: [...month("01", 40), ...month("02", 40), ...month("03", 40), ...month("05", 10)]
    .concat(month("06", 40)),
  nps_score: [...good, ...good, ...bad, ...Array(10).fill(9), ...good],
});
const result = trend(answers, { kpi: "nps", period: "month", rolling: 2 });
const parse = (html: string) => new JSDOM(html).window.document;

Deno.test("snapshot: trend with band, rolling line and a marked drop", async () => {
  await assertSnapshot("trend-band-shift", renderHtml(trendChart(result, { band: true })));
});

Deno.test("snapshot: monthly NPS on the sample with 3-month rolling value", async () => {
  const responses = await sample("responses");
  const r = trend(responses, {
    kpi: "nps",
    period: "month",
    rolling: 3,
    timeZone: "Europe/Berlin",
  });
  const svg = renderHtml(trendChart(r));
  await assertSnapshot("trend-sample-nps", svg);
  const doc = parse(svg);
  // The planted 2025-03 drop and April's recovery: two markers, labelled.
  assert.equal(doc.querySelectorAll("g.cx-trend-shift path").length, 2);
  const labels = [...doc.querySelectorAll("g.cx-trend-shift-label text")].map((t) => t.textContent);
  assert.deepEqual(labels.sort(), ["+19.1 vs 2025-03", "−13.4 vs 2025-02"]);
});

Deno.test("trendChart: one marker per significant shift, labelled; gaps and hollow small periods", () => {
  const rows = result.objects() as Record<string, unknown>[];
  assert.deepEqual(rows.map((r) => r.period), [
    "2025-01",
    "2025-02",
    "2025-03",
    "2025-04",
    "2025-05",
    "2025-06",
  ]);
  const flagged = rows.filter((r) => r.significant);
  assert.deepEqual(flagged.map((r) => [r.period, r.shift]), [["2025-03", "drop"]]);
  const doc = parse(renderHtml(trendChart(result)));
  const markers = [...doc.querySelectorAll("g.cx-trend-shift path")];
  assert.equal(markers.length, flagged.length);
  assert.match(markers[0].getAttribute("transform") ?? "", /rotate\(180\)/); // ▼ for a drop
  const labels = [...doc.querySelectorAll("g.cx-trend-shift-label text")].map((t) => t.textContent);
  assert.deepEqual(labels, ["−87.5 vs 2025-02"]); // −62.5 − 25
  // Dots only where there are answers (April has none: a gap); May has too few: hollow.
  const dots = [...doc.querySelectorAll("g.cx-trend-dot circle")];
  assert.equal(dots.length, 5);
  const may = dots.find((d) => d.querySelector("title")!.textContent!.startsWith("2025-05"))!;
  assert.equal(may.getAttribute("fill"), "white");
  assert.match(may.querySelector("title")!.textContent!, /too few answers to say anything/);
  // The line breaks at April: two path segments ("M" moves) in one line.
  const line = doc.querySelector("g.cx-trend-line path")!.getAttribute("d")!;
  assert.equal((line.match(/M/g) ?? []).length, 2);
  assert.equal(doc.querySelectorAll("g.cx-trend-band").length, 1);
  assert.equal(doc.querySelectorAll("g.cx-trend-rolling").length, 1);
  const plain = parse(renderHtml(trendChart(result, { band: false, rolling: false })));
  assert.equal(plain.querySelectorAll("g.cx-trend-band").length, 0);
  assert.equal(plain.querySelectorAll("g.cx-trend-rolling").length, 0);
});

Deno.test("trendChart: one panel per segment with escaped names; refuses other tables", () => {
  const t = aq.table({
    date: [...month("01", 40), ...month("02", 40), ...month("01", 40), ...month("02", 40)],
    channel: [...Array(80).fill("<i>phone</i>"), ...Array(80).fill("chat")],
    nps_score: [...good, ...bad, ...good, ...good],
  });
  const r = trend(t, { kpi: "nps", period: "month", by: "channel" });
  const svg = renderHtml(trendChart(r));
  assert.ok(!svg.includes("<i>phone"), "segment names are escaped");
  assert.ok(svg.includes("&lt;i&gt;phone&lt;/i&gt;"));
  const doc = parse(svg);
  assert.equal(doc.querySelectorAll("g.cx-trend-shift path").length, 1); // only phone drops
  assert.throws(() => trendChart(nps(t, { period: "month" })), CxOptionsError);
});
