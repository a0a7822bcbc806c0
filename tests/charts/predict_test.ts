/**
 * The customer-base model charts: the numbers drawn equal the model's own
 * `predict` (itself tested against the scipy closed forms in
 * tests/predict/models_test.ts) on the CDNOW calibration/holdout summary
 * made by pandas (tests/fixtures/predict/make_cdnow.py), and a hand-worked
 * case; golden snapshots.
 */
import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { bgNbd } from "../../src/predict/bg_nbd.ts";
import { paretoNbd } from "../../src/predict/pareto_nbd.ts";
import type { TransactionModel } from "../../src/predict/model.ts";
import {
  aliveCells,
  aliveMatrixChart,
  calibrationChart,
  calibrationPoints,
} from "../../src/charts/predict.ts";
import { renderHtml } from "../../src/charts/render.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { cdnowPurchases, throwsWith } from "../predict/helpers.ts";
import { customerSummary } from "../../src/predict/summary.ts";
import { assertSnapshot } from "./snapshot.ts";

const summary = aq.fromCSV(
  Deno.readTextFileSync(new URL("../fixtures/predict/cdnow_summary_holdout.csv", import.meta.url)),
);
const model = bgNbd(summary);
const titles = (svg: string) =>
  [...new JSDOM(svg).window.document.querySelectorAll("title")].map((t) => t.textContent!);

function close(a: number, b: number, tol = 1e-12) {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
}

Deno.test("calibrationPoints: bin means of the holdout and of model.predict over the holdout", () => {
  const points = calibrationPoints(summary, model);
  const predicted = model.predict(summary, { horizon: 39 }).array("expected_purchases") as number[];
  const col = (c: string) => Array.from(summary.array(c) as ArrayLike<number>);
  const x = col("frequency"), h = col("frequency_holdout");
  // Independent grouping: plain loops over the pandas summary (every duration_holdout is 39).
  assert.ok(col("duration_holdout").every((d) => d === 39));
  const want = new Map<number, { n: number; a: number; p: number }>();
  for (let i = 0; i < x.length; i++) {
    const b = Math.min(x[i], 7);
    const s = want.get(b) ?? { n: 0, a: 0, p: 0 };
    s.n++, s.a += h[i], s.p += predicted[i];
    want.set(b, s);
  }
  assert.deepEqual(points.map((p) => p.label), ["0", "1", "2", "3", "4", "5", "6", "7+"]);
  assert.equal(points.reduce((s, p) => s + p.n, 0), summary.numRows());
  for (const p of points) {
    const s = want.get(p.frequency)!;
    assert.equal(p.n, s.n);
    close(p.actual, s.a / s.n);
    close(p.predicted, s.p / s.n, 1e-12);
  }
  // Customers with no repeat purchase in calibration: 1411 of 2357, as in FHL 2005's CDNOW sample.
  assert.equal(points[0].n, 1411);
});

Deno.test("calibrationChart draws the points with tooltips; bins option", () => {
  const svg = renderHtml(calibrationChart(summary, model, { bins: 3 }));
  const points = calibrationPoints(summary, model, { bins: 3 });
  assert.deepEqual(points.map((p) => p.label), ["0", "1", "2", "3+"]);
  const t = titles(svg);
  for (const p of points) {
    const text = `${p.label} repeat purchases (${p.n.toLocaleString("en-US")} customers): ` +
      `actual ${p.actual.toFixed(2)}, predicted ${p.predicted.toFixed(2)}`;
    assert.equal(t.filter((s) => s === text).length, 2, text); // one per series
  }
});

Deno.test("calibrationChart names the summary's time unit from customerSummary's metadata", () => {
  const made = customerSummary(cdnowPurchases(), {
    calibrationEnd: new Date("1997-09-30T00:00:00Z"),
    observedUntil: new Date("1998-06-30T00:00:00Z"),
  });
  const svg = renderHtml(calibrationChart(made, bgNbd(made), { lang: "de" }));
  // German words, en-US numbers (lang without locale).
  assert.ok(svg.includes("2,357 Kunden, Prüfzeitraum 39 Wochen; Modell BG/NBD"));
  // A summary without metadata (read from CSV) says "time units".
  assert.ok(renderHtml(calibrationChart(summary, model)).includes("holdout of 39 time units"));
});

Deno.test("calibrationPoints: a hand-worked case with a stand-in model", () => {
  // expected(·) = t / (1 + x): holdout lengths 2 and 4.
  const stand = {
    model: "bgNbd",
    params: {},
    formulas: { expected: (...a: number[]) => a[4] / (1 + a[1]), alive: () => 1 },
  } as unknown as TransactionModel;
  const s = aq.table({
    frequency: [0, 0, 1, 3, 5],
    recency: [0, 0, 2, 4, 6],
    T: [6, 6, 6, 6, 6],
    frequency_holdout: [0, 1, 2, 3, 1],
    duration_holdout: [2, 4, 2, 2, 4],
  });
  assert.deepEqual(calibrationPoints(s, stand, { bins: 2 }), [
    { frequency: 0, label: "0", n: 2, actual: 0.5, predicted: 3 }, // (2 + 4) / 2
    { frequency: 1, label: "1", n: 1, actual: 2, predicted: 1 }, // 2 / 2
    // 3 and 5 pooled: (3 + 1) / 2; (2/4 + 4/6) / 2
    { frequency: 2, label: "2+", n: 2, actual: 2, predicted: (0.5 + 4 / 6) / 2 },
  ]);
});

Deno.test("aliveCells equal model.predict's p_alive on the same grid", () => {
  for (const m of [model, paretoNbd(summary)] as TransactionModel[]) {
    const cells = aliveCells(m, { T: 39, maxFrequency: 4, steps: 3 });
    // frequency 0 → one cell (recency 0); 1..4 → recency 0, 13, 26, 39
    assert.equal(cells.length, 1 + 4 * 4);
    const grid = aq.table({
      frequency: cells.map((c) => c.frequency),
      recency: cells.map((c) => c.recency),
      T: cells.map(() => 39),
    });
    const p = m.predict(grid, { horizon: 1 }).array("p_alive") as number[];
    cells.forEach((c, i) => close(c.p_alive, p[i]));
    assert.deepEqual(cells.slice(1, 5).map((c) => c.recency), [0, 13, 26, 39]);
  }
  // A BG/NBD customer without repeat purchases is alive for sure.
  assert.equal(aliveCells(model, { T: 39 })[0].p_alive, 1);
});

Deno.test("aliveMatrixChart: one cell per grid point, tooltips in German", () => {
  const svg = renderHtml(aliveMatrixChart(model, { T: 39, maxFrequency: 2, steps: 2, lang: "de" }));
  const cells = aliveCells(model, { T: 39, maxFrequency: 2, steps: 2 });
  const t = titles(svg);
  assert.equal(t.length, cells.length);
  const last = cells.at(-1)!; // frequency 2, recency 39
  const pct = new Intl.NumberFormat("en-US", { style: "percent", minimumFractionDigits: 1 })
    .format(last.p_alive);
  assert.ok(t.includes(`Frequenz 2, Recency 39: P(aktiv) = ${pct}`), t.join("\n"));
});

Deno.test("the charts refuse bad options", () => {
  throwsWith(() => aliveMatrixChart(model, {} as never), CxOptionsError, 'option "T"');
  throwsWith(
    () => aliveMatrixChart(model, { T: 39, steps: 0 }),
    CxOptionsError,
    'option "steps" must be a whole number',
  );
  throwsWith(() => calibrationChart(summary, model, { bins: 0 }), CxOptionsError, '"bins"');
  throwsWith(
    () => calibrationChart(summary.select("frequency", "recency", "T"), model),
    CxOptionsError,
    'column "frequency_holdout"',
  );
});

Deno.test("snapshot: calibration chart on CDNOW", async () => {
  await assertSnapshot("predict-calibration", renderHtml(calibrationChart(summary, model)));
});

Deno.test("snapshot: P(alive) matrix on CDNOW, in German", async () => {
  await assertSnapshot(
    "predict-alive-matrix-de",
    renderHtml(aliveMatrixChart(model, { T: 39, maxFrequency: 8, steps: 6, locale: "de-DE" })),
  );
});
