import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { scoreOutcomes } from "../../src/analysis/outcomes/outcomes.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { scoreOutcomeChart } from "../../src/charts/outcomes.ts";
import { CATEGORY_COLORS } from "../../src/charts/scores.ts";
import { SURVIVAL_COLORS } from "../../src/charts/survival.ts";
import { assertSnapshot } from "./snapshot.ts";

const d = (s: string) => new Date(s);
const cutoff = d("2025-12-31");
// Nine customers, three per NPS group, signed up 2025-01-01; one answer each.
const customers = aq.table({
  customer_id: ["a", "b", "c", "d", "e", "f", "g", "h", "i"],
  signup_date: Array(9).fill(d("2025-01-01")),
  churn_date: [
    d("2025-02-15"),
    d("2025-03-20"),
    null,
    d("2025-04-10"),
    null,
    d("2025-09-01"),
    null,
    d("2025-10-01"),
    null,
  ],
  plan: ["m", "y", "m", "y", "m", "y", "m", "y", "m"],
});
const responses = aq.table({
  customer_id: ["a", "b", "c", "d", "e", "f", "g", "h", "i"],
  date: Array(9).fill(d("2025-02-01")),
  nps_score: [2, 5, 6, 7, 8, 7, 9, 10, 10],
});
const result = scoreOutcomes(responses, customers, { observedUntil: cutoff });
const parse = (html: string) => new JSDOM(html).window.document;

Deno.test("snapshot: time to churn by NPS group", async () => {
  await assertSnapshot("score-outcomes", renderHtml(scoreOutcomeChart(result)));
});

Deno.test("scoreOutcomeChart: NPS colours, legend with score ranges, axis and caption", () => {
  const html = renderSvg(scoreOutcomeChart(result));
  const doc = parse(html);
  const strokes = [...doc.querySelectorAll('g[aria-label="line"] path')].map((p) =>
    p.getAttribute("stroke")
  );
  assert.deepEqual(strokes, [
    CATEGORY_COLORS.Detractor,
    CATEGORY_COLORS.Passive,
    CATEGORY_COLORS.Promoter,
  ]);
  const bands = doc.querySelectorAll('g[aria-label="area"] path');
  assert.equal(bands.length, 3, "one band per group");
  const text = doc.body.textContent ?? "";
  for (const label of ["Detractor (0–6)", "Passive (7–8)", "Promoter (9–10)"]) {
    assert.ok(text.includes(label), label);
  }
  assert.ok(text.includes("Days since the last answer"));
  assert.ok(text.includes("Share not yet churned"));
  assert.ok(text.includes(result.summary), "caption is the summary");
  assert.equal(doc.querySelectorAll('g[aria-label="dot"]').length, 0, "no censor marks");
});

Deno.test("scoreOutcomeChart: options and segments", () => {
  const plain = parse(
    renderSvg(scoreOutcomeChart(result, { band: false, caption: false, title: "Churn" })),
  );
  assert.equal(plain.querySelectorAll('g[aria-label="area"]').length, 0);
  assert.ok(!(plain.body.textContent ?? "").includes(result.summary));
  assert.ok((plain.body.textContent ?? "").includes("Churn"));
  const first = scoreOutcomes(responses, customers, {
    observedUntil: cutoff,
    answer: "first",
    from: "signup",
  });
  assert.ok(renderSvg(scoreOutcomeChart(first)).includes("Days since signup"));
  const by = scoreOutcomes(responses, customers, { observedUntil: cutoff, by: "plan" });
  const strokes = [
    ...parse(renderSvg(scoreOutcomeChart(by))).querySelectorAll(
      'g[aria-label="line"] path',
    ),
  ].map((p) => p.getAttribute("stroke"));
  assert.equal(strokes.length, by.groups.numRows());
  assert.deepEqual(strokes, SURVIVAL_COLORS.slice(0, strokes.length));
});
