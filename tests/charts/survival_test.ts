import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { kaplanMeier } from "../../src/analysis/survival/kaplan_meier.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { atRiskChart, atRiskTable, kaplanMeierChart } from "../../src/charts/survival.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { assertThrows } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

// Two plans, 8 customers each, with ties between events and censorings; one
// label carries markup to check escaping.
const customers = aq.table({
  plan: [...Array(8).fill("<b>gold</b>"), ...Array(8).fill("basic")],
  time: [30, 60, 60, 90, 120, 150, 200, 240, 10, 20, 20, 45, 60, 80, 80, 100],
  event: [1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1],
});
const km = kaplanMeier(customers, { by: "plan", unit: "days" });
const parse = (html: string) => new JSDOM(html).window.document;
const rows = km.objects() as { plan: string; time: number; survival: number; n_censor: number }[];

Deno.test("snapshot: Kaplan–Meier curves with bands and censor marks", async () => {
  await assertSnapshot("survival-km", renderHtml(kaplanMeierChart(km)));
});

Deno.test("snapshot: number at risk under the curves", async () => {
  await assertSnapshot(
    "survival-at-risk",
    renderHtml(atRiskChart(km, { times: [0, 50, 100, 150, 200] })),
  );
});

Deno.test("kaplanMeierChart: one step per row, non-increasing curves, censor marks, bands", () => {
  const html = renderSvg(kaplanMeierChart(km));
  const doc = parse(html);
  const paths = [...doc.querySelectorAll('g[aria-label="line"] path')];
  assert.equal(paths.length, 2, "one curve per plan");
  for (const path of paths) {
    const d = path.getAttribute("d")!;
    // step-after from (0, 1): a horizontal and a vertical segment per result row.
    const group = rows.filter((r) =>
      r.plan === (path.getAttribute("stroke") === "#0072B2" ? "<b>gold</b>" : "basic")
    );
    const points = [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [+m[1], +m[2]]);
    assert.equal(points.length, 1 + 2 * group.length, `steps of ${d}`);
    points.forEach(([x, y], i) => {
      if (i === 0) return;
      assert.ok(x >= points[i - 1][0], "time runs forward");
      assert.ok(y >= points[i - 1][1], "survival never rises (SVG y grows downwards)");
    });
  }
  const marks = doc.querySelectorAll('g[aria-label="dot"] path');
  assert.equal(marks.length, rows.filter((r) => r.n_censor > 0).length, "a + per censoring time");
  assert.equal(doc.querySelectorAll('g[aria-label="area"] path').length, 2, "a band per plan");
  assert.ok(!html.includes("<b>gold"), "group labels are escaped");
  assert.match(html, /&lt;b&gt;gold&lt;\/b&gt;/);
  assert.match(html, /Time since start \(days\)/);
  assert.match(html, /Survival probability/);
  const plain = renderSvg(kaplanMeierChart(km, { band: false, censorTicks: false }));
  assert.equal(
    parse(plain).querySelectorAll('g[aria-label="area"], g[aria-label="dot"]').length,
    0,
  );
});

Deno.test("atRiskTable and atRiskChart: counts per group and time, on the curves' time axis", () => {
  const table = atRiskTable(km, { times: [0, 50, 100] });
  assert.deepEqual(table.columnNames(), ["group", "0", "50", "100"]);
  assert.deepEqual(table.objects(), [
    { group: "<b>gold</b>", 0: 8, 50: 7, 100: 4 },
    { group: "basic", 0: 8, 50: 4, 100: 1 },
  ]);
  const chart = parse(renderSvg(atRiskChart(km, { times: [0, 50, 100] })));
  const texts = [...chart.querySelectorAll('g[aria-label="text"] text')];
  assert.deepEqual(texts.map((t) => t.textContent), ["8", "7", "4", "8", "4", "1"]);
  // The number at time 0 sits exactly under the start of the curves.
  const curve = parse(renderSvg(kaplanMeierChart(km)));
  const start = /^M([\d.]+),/.exec(
    curve.querySelector('g[aria-label="line"] path')!.getAttribute("d")!,
  )!;
  const x0 = /translate\(([\d.]+),/.exec(texts[0].getAttribute("transform")!)!;
  assert.equal(Number(x0[1]), Number(start[1]));
  assertThrows(() => kaplanMeierChart(customers), CxOptionsError);
});
