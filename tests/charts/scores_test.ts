import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { renderHtml } from "../../src/charts/render.ts";
import { scoreDistributionChart } from "../../src/charts/scores.ts";
import { assertSnapshot } from "./snapshot.ts";

/** 12 answers, one missing; no one gave 1, 2, 4 or 5. */
const answers = aq.table({
  response_id: ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12"],
  nps_score: [10, 9, 9, 7, 3, null, 0, 0, 6, 8, 8, 8],
});
const expectedCounts = [2, 0, 0, 1, 0, 0, 1, 1, 3, 2, 1];

function parse(html: string) {
  return new JSDOM(html).window.document;
}

Deno.test("snapshot: score distribution", async () => {
  await assertSnapshot("score-distribution", renderHtml(scoreDistributionChart(answers)));
});

Deno.test("scoreDistributionChart draws 11 bars with heights ordered as the counts", () => {
  const doc = parse(renderHtml(scoreDistributionChart(answers)));
  const bars = [...doc.querySelectorAll('g[aria-label="bar"] rect')];
  assert.equal(bars.length, 11);
  const heights = bars.map((b) => Number(b.getAttribute("height")));
  // Heights are proportional to the counts: same ratio for every non-empty bar.
  const perAnswer = heights[8] / expectedCounts[8];
  heights.forEach((h, i) =>
    assert.ok(Math.abs(h - perAnswer * expectedCounts[i]) < 1e-9, `bar ${i}`)
  );
  const ticks = [...doc.querySelectorAll('g[aria-label="x-axis tick label"] text')];
  assert.deepEqual(ticks.map((t) => t.textContent), Array.from({ length: 11 }, (_, i) => `${i}`));
  const fills = bars.map((b) => b.getAttribute("fill"));
  assert.equal(new Set(fills.slice(0, 7)).size, 1, "one colour for detractors");
  assert.equal(new Set(fills).size, 3, "three categories");
  assert.equal(bars[9].querySelector("title")?.textContent, "Score 9 (promoter): 2 answers");
});

Deno.test("scoreDistributionChart has a title, axis labels with units and a legend", () => {
  const doc = parse(renderHtml(scoreDistributionChart(answers, { title: "Q1 survey" })));
  assert.equal(doc.querySelector("h2")?.textContent, "Q1 survey");
  assert.equal(doc.querySelector("h3")?.textContent, "11 answers");
  const text = doc.body.textContent ?? "";
  assert.ok(text.includes("Answers"));
  assert.ok(text.includes("Likelihood to recommend (0–10)"));
  assert.ok(text.includes("Detractor (0–6)") && text.includes("Promoter (9–10)"));
});

Deno.test("scoreDistributionChart escapes a malicious title", () => {
  const html = renderHtml(scoreDistributionChart(answers, { title: "<script>alert(1)</script>" }));
  assert.ok(!html.includes("<script"));
  assert.ok(html.includes("<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>"));
  const doc = parse(html);
  assert.equal(doc.querySelectorAll("script").length, 0);
  assert.equal(doc.querySelector("h2")?.textContent, "<script>alert(1)</script>");
});

Deno.test("scoreDistributionChart reads another column and draws an empty table", () => {
  const doc = parse(
    renderHtml(scoreDistributionChart(aq.table({ score: [] as number[] }), { score: "score" })),
  );
  const bars = [...doc.querySelectorAll('g[aria-label="bar"] rect')];
  assert.equal(bars.length, 11);
  assert.ok(bars.every((b) => Number(b.getAttribute("height")) === 0));
  assert.equal(doc.querySelector("h3")?.textContent, "0 answers");
});

Deno.test("scoreDistributionChart rejects out-of-range scores naming the column", () => {
  const bad = aq.table({ likelihood: [9, 11, 7.5, -1] });
  assert.throws(
    () => scoreDistributionChart(bad, { score: "likelihood" }),
    (e: unknown) => {
      assert.ok(e instanceof CxDataError);
      assert.ok(e.message.includes('"likelihood"'), e.message);
      assert.deepEqual(e.problems.map((p) => p.value), ["11", "7.5", "-1"]);
      assert.ok(e.problems.every((p) => p.column === "likelihood"));
      return true;
    },
  );
});

Deno.test("scoreDistributionChart rejects a missing column with the fix", () => {
  assert.throws(
    () => scoreDistributionChart(aq.table({ score: [9] })),
    (e: unknown) =>
      e instanceof CxOptionsError && e.message.includes('"nps_score"') &&
      e.message.includes("columns: score"),
  );
});
