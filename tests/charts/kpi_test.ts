import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { CxOptionsError } from "../../src/errors.ts";
import { kpiCards, kpiSegmentChart, npsMixChart } from "../../src/charts/kpi.ts";
import { jupyterDisplay } from "../../src/charts/display.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { csat } from "../../src/metrics/csat.ts";
import { nps } from "../../src/metrics/nps.ts";
import { assertSnapshot } from "./snapshot.ts";

// 40 chat answers (NPS 50), 30 phone answers (NPS 0), 3 answers from "<b>web</b>" (small sample).
const answers = aq.table({
  channel: [
    ...Array(40).fill("chat"),
    ...Array(30).fill("phone"),
    ...Array(3).fill("<b>web</b>"),
  ],
  nps_score: [
    ...Array(25).fill(10),
    ...Array(10).fill(8),
    ...Array(5).fill(2),
    ...Array(10).fill(9),
    ...Array(10).fill(7),
    ...Array(10).fill(0),
    10,
    9,
    6,
  ],
});
const result = nps(answers, { by: "channel" });
const parse = (html: string) => new JSDOM(html).window.document;

Deno.test("snapshot: KPI by segment with intervals", async () => {
  await assertSnapshot("kpi-segments", renderHtml(kpiSegmentChart(result)));
});

Deno.test("snapshot: NPS answer mix", async () => {
  await assertSnapshot("nps-mix", renderHtml(npsMixChart(result)));
});

Deno.test("kpiSegmentChart: dots at the values, whole intervals inside the frame, small samples hollow", () => {
  const doc = parse(renderSvg(kpiSegmentChart(result)));
  const dots = [...doc.querySelectorAll('g[aria-label="dot"] circle')];
  const rules = [...doc.querySelectorAll('g[aria-label="rule"] line')];
  assert.equal(dots.length, 3);
  const rows = result.objects() as { channel: string; nps: number; small_sample: boolean }[];
  // Result rows are sorted by channel: "<b>web</b>" < "chat" < "phone".
  assert.deepEqual(rows.map((r) => r.channel), ["<b>web</b>", "chat", "phone"]);
  const cx = dots.map((d) => Number(d.getAttribute("cx")));
  assert.ok(cx[1] > cx[2], "chat (NPS 50) right of phone (NPS 0)");
  assert.deepEqual(dots.map((d) => d.getAttribute("fill")), ["white", "#0072B2", "#0072B2"]);
  const xs = rules.flatMap((l) => [Number(l.getAttribute("x1")), Number(l.getAttribute("x2"))]);
  assert.ok(Math.min(...xs) >= 0 && Math.max(...xs) <= 640, "intervals inside the chart");
  assert.match(
    dots[0].querySelector("title")!.textContent!,
    /<b>web<\/b>: .* n = 3 — small sample/,
  );
  assert.ok(!renderSvg(kpiSegmentChart(result)).includes("<b>web"), "labels are escaped");
});

Deno.test("npsMixChart: three stacked shares per segment that add to 100 %", () => {
  const doc = parse(renderSvg(npsMixChart(result)));
  const bars = [...doc.querySelectorAll('g[aria-label="bar"] rect')];
  assert.equal(bars.length, 9);
  const chatWidths = bars.filter((b) => /^chat:/.test(b.querySelector("title")!.textContent!))
    .map((b) => Number(b.getAttribute("width")));
  const phoneWidths = bars.filter((b) => /^phone:/.test(b.querySelector("title")!.textContent!))
    .map((b) => Number(b.getAttribute("width")));
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(sum(chatWidths) - sum(phoneWidths)) < 1e-6, "100 % bars of equal length");
});

Deno.test("kpiCards: value, interval, n, small-sample note, escaped labels", () => {
  const cards = kpiCards(result);
  assert.match(cards.html, /&lt;b&gt;web&lt;\/b&gt;/);
  assert.ok(!cards.html.includes("<b>web"));
  assert.match(cards.html, />50\.0</);
  assert.match(cards.html, /n = 3 · small sample/);
  assert.match(cards[jupyterDisplay]()["text/plain"], /chat: 50\.0 \(n = 40\)/);
  const c = kpiCards(csat(aq.table({ csat: [5, 5, 4, 1] })));
  assert.match(c.html, />75\.0</);
});

Deno.test("KPI charts refuse tables they cannot draw", () => {
  assert.throws(() => kpiSegmentChart(aq.table({ x: [1] })), CxOptionsError);
  assert.throws(() => npsMixChart(csat(aq.table({ csat: [5] }))), CxOptionsError);
  assert.throws(() => kpiCards(aq.table({ x: [1] })), CxOptionsError);
});

Deno.test("kpiSegmentChart: a KPI per period has time on the x-axis, dots spread left to right", () => {
  // Jan: 2 promoters (NPS 100), Feb: 1 promoter 1 detractor (0), Apr: 2 detractors (−100).
  const dated = aq.table({
    date: ["2025-01-05", "2025-01-20", "2025-02-03", "2025-02-04", "2025-04-09", "2025-04-10"]
      .map((d) => new Date(`${d}T12:00:00Z`)),
    nps_score: [10, 9, 10, 0, 3, 1],
  });
  const doc = parse(renderSvg(kpiSegmentChart(nps(dated, { period: "month", minN: 1 }))));
  const dots = [...doc.querySelectorAll("circle")].map((c) => ({
    x: Number(c.getAttribute("cx")),
    y: Number(c.getAttribute("cy")),
  }));
  assert.equal(dots.length, 3);
  // Left to right in time; March (no answers) leaves a gap twice as wide as Jan → Feb.
  assert.ok(dots[0].x < dots[1].x && dots[1].x < dots[2].x);
  const gap = (dots[2].x - dots[1].x) / (dots[1].x - dots[0].x);
  assert.ok(Math.abs(gap - (28 + 31) / 31) < 0.01, `gap ratio ${gap}`);
  // Higher NPS higher up.
  assert.ok(dots[0].y < dots[1].y && dots[1].y < dots[2].y);
  const ticks = [...doc.querySelectorAll('g[aria-label="x-axis tick label"] text')]
    .map((t) => t.textContent ?? "");
  assert.ok(ticks.length >= 3 && ticks.some((t) => /Feb|February|2025/.test(t)), ticks.join("|"));
});

Deno.test("kpiSegmentChart marked: exactly the named segments blue, the others grey, a legend", async () => {
  const result = nps(answers, { by: "channel" });
  const marked = { segments: ["phone"], label: "differs <from> the rest", others: "no difference" };
  const html = renderHtml(kpiSegmentChart(result, { marked }));
  await assertSnapshot("kpi-segment-marked", html);
  const doc = new JSDOM(html).window.document;
  const dots = [...doc.querySelectorAll("g.cx-kpi-dot circle")].map((c) => ({
    tip: c.querySelector("title")!.textContent!,
    stroke: c.getAttribute("stroke"),
    fill: c.getAttribute("fill") ?? c.parentElement!.getAttribute("fill"),
  }));
  assert.equal(dots.length, 3);
  const colour = (name: string) => dots.find((d) => d.tip.startsWith(`${name}:`))!;
  assert.equal(colour("phone").stroke?.toLowerCase(), "#0072b2");
  assert.ok(colour("phone").tip.endsWith("— differs <from> the rest"));
  assert.equal(colour("chat").stroke?.toLowerCase(), "#8c8c8c");
  assert.equal(colour("<b>web</b>").fill, "white"); // small sample stays hollow
  // The legend names both, escaped.
  assert.ok(html.includes("differs &lt;from&gt; the rest") && html.includes("no difference"));
  assert.ok(!html.includes("<from>"));
  assert.throws(() => kpiSegmentChart(result, { marked: { segments: ["fax"] } }), CxOptionsError);
  const notArray = { segments: "phone" } as unknown as { segments: string[] };
  assert.throws(() => kpiSegmentChart(result, { marked: notArray }), CxOptionsError);
});
