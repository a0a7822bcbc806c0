import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { CxOptionsError } from "../../src/errors.ts";
import { cohortRetention } from "../../src/analysis/cohort/retention.ts";
import { pooledRetention } from "../../src/analysis/cohort/summaries.ts";
import { retentionCurves, retentionHeatmap } from "../../src/charts/cohort.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { assertThrows } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

const d = (s: string) => new Date(s);
// January cohort a, b, c; February cohort d (as in tests/analysis/cohort_test.ts).
// Observed until 15 March: January's k2 and February's k1 are partly observed, and
// January's k3 / February's k2 are not reached (blank).
const events = aq.table({
  customer_id: ["a", "b", "c", "b", "d", "b", "a"],
  date: [
    d("2024-01-05"),
    d("2024-01-20"),
    d("2024-01-31"),
    d("2024-02-03"),
    d("2024-02-14"),
    d("2024-02-25"),
    d("2024-03-10"),
  ],
  segment: ["<b>x</b>", "y", "y", "y", "y", "y", "<b>x</b>"],
});
const retention = cohortRetention(events, { observedUntil: d("2024-03-15") });
const bySegment = cohortRetention(events, { observedUntil: d("2024-03-15"), by: "segment" });
const parse = (html: string) => new JSDOM(html).window.document;
const texts = (doc: ReturnType<typeof parse>, index: number) =>
  [...doc.querySelectorAll('g[aria-label="text"]')[index].querySelectorAll("text")].map((t) =>
    t.textContent
  );

Deno.test("snapshot: retention heatmap", async () => {
  await assertSnapshot("cohort-heatmap", renderHtml(retentionHeatmap(retention)));
});

Deno.test("snapshot: retention heatmap with segment panels", async () => {
  await assertSnapshot("cohort-heatmap-segments", renderHtml(retentionHeatmap(bySegment)));
});

/** Customer a active in each of the first `months` months of 2024, b only in January. */
function monthly(months: number) {
  const dates = Array.from({ length: months }, (_, i) => new Date(Date.UTC(2024, i, 10)));
  const t = aq.table({
    customer_id: [...dates.map(() => "a"), "b"],
    date: [...dates, d("2024-01-12")],
  });
  return cohortRetention(t, { observedUntil: new Date(Date.UTC(2024, months - 1, 28)) });
}

Deno.test("snapshot: retention heatmap at phone width, cell labels left out", async () => {
  await assertSnapshot(
    "cohort-heatmap-phone",
    renderHtml(retentionHeatmap(monthly(12), { width: 340 })),
  );
});

Deno.test("retentionHeatmap width: cell labels shrink to fit narrow cells, else are left out", () => {
  const size = (months: number, width?: number) => {
    const doc = parse(renderSvg(retentionHeatmap(monthly(months), { width })));
    const g = doc.querySelector("g.cx-cell-label");
    return g
      ? { size: g.getAttribute("font-size"), labels: g.querySelectorAll("text").length }
      : null;
  };
  // Longest label "100%": 3 digits × 0.64 em + "%" 0.95 em = 2.87 em; 2 px free each side.
  // Default width (640 px, margins 134 px): 12 cells of 506 / 12 − 1 = 41.2 px hold 9 px labels.
  assert.deepEqual(size(12), { size: "9", labels: 12 });
  // 340 px: 8 cells of 206 / 8 − 1 = 24.75 px → (24.75 − 4) / 2.87 = 7.23 → 7.2 px.
  assert.deepEqual(size(8, 340), { size: "7.2", labels: 8 });
  // 9 cells of 21.9 px would need 6.2 px (< 7): left out; so are 12 cells of 16.2 px.
  assert.equal(size(9, 340), null);
  assert.equal(size(12, 340), null);
  // The colours and tooltips still carry every value.
  const doc = parse(renderSvg(retentionHeatmap(monthly(12), { width: 340 })));
  assert.equal(doc.querySelectorAll('g[aria-label="cell"] rect title').length, 12);
  assertThrows(() => retentionHeatmap(retention, { width: 100 }), CxOptionsError);
});

Deno.test("snapshot: retention curves per cohort with bands", async () => {
  await assertSnapshot("cohort-curves", renderHtml(retentionCurves(retention, { band: true })));
});

Deno.test("snapshot: pooled retention curves by segment", async () => {
  const pooled = pooledRetention(bySegment, { includeIncomplete: true });
  await assertSnapshot("cohort-pooled-curves", renderHtml(retentionCurves(pooled)));
});

Deno.test("retentionHeatmap: one cell per reached period, labels, sizes, blanks, stars", () => {
  const html = renderSvg(retentionHeatmap(retention));
  const doc = parse(html);
  const cells = [...doc.querySelectorAll('g[aria-label="cell"] rect')];
  // January reaches k0–k2, February k0–k1: 5 cells of a 2 × 3 grid; the sixth stays blank.
  assert.equal(cells.length, 5);
  assert.deepEqual(texts(doc, 0), ["100%", "33%", "33%*", "100%", "0%*"]);
  assert.deepEqual(texts(doc, 1), ["3", "1"]); // cohort sizes beside the rows
  // Sequential scale: the 100 % cell is darker than the 0 % cell.
  const fills = cells.map((c) => c.getAttribute("fill")!);
  assert.ok(luminance(fills[0]) < luminance(fills[4]), `${fills[0]} vs ${fills[4]}`);
  assert.match(cells[2].querySelector("title")!.textContent!, /not yet fully observed/);
  assert.match(html, /Retention by cohort \(exact\)/);
  assert.match(html, /Months since first activity/);
  assert.match(html, /\* period not yet fully observed/);
});

Deno.test("retentionHeatmap: panels per segment, labels escaped", () => {
  const html = renderSvg(retentionHeatmap(bySegment));
  assert.ok(!html.includes("<b>x"), "segment labels are escaped");
  assert.match(html, /segment: &lt;b&gt;x&lt;\/b&gt;/);
  const doc = parse(html);
  // Segment x: a (January, k0–k2); segment y: b, c (January, k0–k2) and d (February, k0–k1).
  assert.equal(doc.querySelectorAll('g[aria-label="cell"] rect').length, 3 + 3 + 2);
});

Deno.test("retentionCurves: a line per cohort, hollow dots where incomplete, bands on request", () => {
  const doc = parse(renderSvg(retentionCurves(retention, { band: true })));
  assert.equal(doc.querySelectorAll('g[aria-label="line"] path').length, 2);
  assert.equal(doc.querySelectorAll('g[aria-label="area"] path').length, 2);
  const dots = doc.querySelectorAll('g[aria-label="dot"]');
  assert.equal(dots[0].querySelectorAll("circle").length, 3); // complete cells
  const hollow = [...dots[1].querySelectorAll("circle")];
  assert.equal(hollow.length, 2);
  assert.equal(dots[1].getAttribute("fill"), "white"); // a constant fill sits on the group
  const plain = parse(renderSvg(retentionCurves(retention)));
  assert.equal(plain.querySelectorAll('g[aria-label="area"]').length, 0);
  // Pooled: one line per segment.
  const pooled = parse(renderSvg(retentionCurves(pooledRetention(bySegment))));
  assert.equal(pooled.querySelectorAll('g[aria-label="line"] path').length, 2);
});

Deno.test("cohort charts reject tables that are not cohort results", () => {
  assertThrows(() => retentionHeatmap(aq.table({ x: [1] })), CxOptionsError);
  assertThrows(() => retentionCurves(aq.table({ x: [1] })), CxOptionsError);
  assertThrows(() => retentionCurves(retention, { by: "plan" }), CxOptionsError);
  assertThrows(
    () => retentionHeatmap(retention, { value: "net_revenue_retention" }),
    CxOptionsError,
  );
});

/** Relative luminance-ish of `rgb(r, g, b)` or `#rrggbb`: enough to order colours. */
function luminance(color: string): number {
  const rgb = color.startsWith("#")
    ? [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16))
    : color.match(/\d+/g)!.map(Number);
  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}
