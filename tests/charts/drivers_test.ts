import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { CxOptionsError } from "../../src/errors.ts";
import { correlate } from "../../src/analysis/correlate/correlate.ts";
import { keyDrivers } from "../../src/analysis/drivers/drivers.ts";
import { importancePerformance } from "../../src/analysis/drivers/importance.ts";
import { correlationHeatmap } from "../../src/charts/correlation.ts";
import { driverChart, quadrantChart } from "../../src/charts/drivers.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { assertThrows } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

// 120 answers in two channels: wait time drives the score, effort lowers it, "<b>app</b>" adds
// little; ratings on 1–10 (rounded), so the data and every number below are deterministic.
const random = seededRandom(2024);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const clamp = (v: number) => Math.min(10, Math.max(1, Math.round(v)));
const n = 120;
const wait = Array.from({ length: n }, () => clamp(6 + 2 * normal()));
const effort = Array.from({ length: n }, () => clamp(4 + 2 * normal()));
const app = Array.from({ length: n }, () => clamp(7 + 2 * normal()));
const score = wait.map((w, i) =>
  Math.min(
    10,
    Math.max(
      0,
      Math.round(5 + 0.6 * (w - 6) - 0.3 * (effort[i] - 4) + 0.1 * (app[i] - 7) + normal()),
    ),
  )
);
const table = aq.table({
  channel: Array.from({ length: n }, (_, i) => (i % 2 ? "phone" : "chat")),
  nps_score: score,
  rating_wait_time: wait,
  effort,
  "<b>app</b>": app,
  flat: Array(n).fill(5),
});
const drivers = ["rating_wait_time", "effort", "<b>app</b>"];
const result = keyDrivers(table, {
  outcome: "nps_score",
  drivers,
  bootstrap: { resamples: 200, seed: 3 },
});
const parse = (html: string) => new JSDOM(html).window.document;

Deno.test("snapshot: driver importance with intervals", async () => {
  await assertSnapshot("driver-importance", renderHtml(driverChart(result)));
});

Deno.test("snapshot: driver importance per channel", async () => {
  const byChannel = keyDrivers(table, {
    outcome: "nps_score",
    drivers,
    by: "channel",
    method: "both",
  });
  await assertSnapshot(
    "driver-importance-by-channel",
    renderHtml(driverChart(byChannel, { method: "shapley" })),
  );
});

Deno.test("snapshot: importance × performance quadrant", async () => {
  await assertSnapshot(
    "driver-quadrant",
    renderHtml(quadrantChart(importancePerformance(table, result))),
  );
});

Deno.test("snapshot: correlation heatmap with an undefined cell", async () => {
  const c = correlate(table, { columns: ["nps_score", ...drivers, "flat"], method: "spearman" });
  await assertSnapshot("correlation-heatmap", renderHtml(correlationHeatmap(c)));
});

Deno.test("driverChart: bars sorted by weight, signs by colour and text, intervals drawn, labels escaped", () => {
  const svg = renderSvg(driverChart(result));
  const doc = parse(svg);
  const bars = [...doc.querySelectorAll('g[aria-label="bar"] rect')];
  assert.equal(bars.length, 3);
  const rows = result.objects() as { driver: string; weight_pct: number; sign: number }[];
  // Top to bottom = descending weight.
  const byY = bars.map((b) => ({
    y: Number(b.getAttribute("y")),
    width: Number(b.getAttribute("width")),
    fill: b.getAttribute("fill"),
    title: b.querySelector("title")!.textContent!,
  })).sort((a, b) => a.y - b.y);
  assert.ok(byY[0].width >= byY[1].width && byY[1].width >= byY[2].width);
  const sorted = [...rows].sort((a, b) => b.weight_pct - a.weight_pct);
  assert.match(
    byY[0].title,
    new RegExp(`^${sorted[0].driver === "rating_wait_time" ? "wait time" : "x"}:`),
  );
  const effortRow = rows.find((r) => r.driver === "effort")!;
  assert.equal(effortRow.sign, -1);
  const effortBar = byY.find((b) => b.title.startsWith("effort:"))!;
  assert.equal(effortBar.fill, "#D55E00");
  assert.ok(byY.filter((b) => b !== effortBar).every((b) => b.fill === "#0072B2"));
  const labels = [...doc.querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent);
  assert.ok(labels.includes(`−${effortRow.weight_pct.toFixed(1)} %`), labels.join(" | "));
  assert.equal(doc.querySelectorAll('g[aria-label="rule"] line').length, 3 + 1); // 3 intervals + x = 0
  assert.ok(!svg.includes("<b>app"), "driver names are escaped");
  assert.ok(svg.includes("&lt;b&gt;app&lt;/b&gt;"));
  assert.match(
    svg,
    /Share of R² by relative weights \(Johnson 2000\); R² = \d\.\d\d, n = 120; lines: 95 % bootstrap intervals \(200 resamples\)/,
  );
});

Deno.test("quadrantChart: dots at (mean rating, importance), the priority quadrant highlighted", () => {
  const ip = importancePerformance(table, result);
  const doc = parse(renderSvg(quadrantChart(ip)));
  const dots = [...doc.querySelectorAll('g[aria-label="dot"] circle')];
  assert.equal(dots.length, 3);
  const rows = ip.objects() as { driver: string; performance: number; quadrant: string }[];
  const cx = (name: string) =>
    Number(
      dots.find((d) => d.querySelector("title")!.textContent!.startsWith(name))!.getAttribute("cx"),
    );
  // effort is rated lowest (mean ≈ 4), the app highest (≈ 7): left to right.
  assert.ok(cx("effort") < cx("wait time") && cx("wait time") < cx("<b>app</b>"));
  for (const r of rows) {
    const dot = dots.find((d) =>
      d.querySelector("title")!.textContent!.startsWith(
        r.driver.replace("rating_", "").replaceAll("_", " "),
      )
    )!;
    assert.equal(
      dot.getAttribute("fill"),
      r.quadrant === "Concentrate here" ? "#D55E00" : "#0072B2",
    );
    assert.match(dot.querySelector("title")!.textContent!, new RegExp(r.quadrant));
  }
  const corners = [...doc.querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent);
  for (
    const q of ["Concentrate here", "Keep up the good work", "Low priority", "Possible overkill"]
  ) {
    assert.ok(corners.includes(q), q);
  }
});

Deno.test("correlationHeatmap: symmetric cells, diagonal 1, grey undefined cells with the reason, escaped labels", () => {
  const c = correlate(table, {
    columns: ["nps_score", ...drivers, "flat"],
    method: ["pearson", "spearman"],
  });
  const svg = renderSvg(correlationHeatmap(c, { method: "spearman" }));
  const doc = parse(svg);
  const cells = [...doc.querySelectorAll('g[aria-label="cell"] rect')];
  assert.equal(cells.length, 25);
  const grey = [...doc.querySelectorAll('g[aria-label="cell"][fill="#d9d9d9"] rect')];
  assert.equal(grey.length, 8, "flat × 4 others, both halves");
  assert.match(grey[0].querySelector("title")!.textContent!, /no coefficient — flat is constant/);
  const texts = [...doc.querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent!);
  assert.equal(texts.filter((t) => t === "1.00").length, 5, "diagonal");
  const rho = c.objects().find((r) =>
    (r as Record<string, unknown>).method === "spearman" &&
    (r as Record<string, unknown>).y === "rating_wait_time"
  ) as { r: number };
  assert.equal(texts.filter((t) => t === rho.r.toFixed(2)).length, 2, "both halves show ρ");
  assert.ok(!svg.includes("<b>app"), "escaped");
  assert.match(svg, /Correlations \(Spearman\)/);
  // A rectangle (scores × ratings) is not mirrored.
  const rect = correlate(table, { columns: ["nps_score"], against: drivers });
  assert.equal(
    parse(renderSvg(correlationHeatmap(rect))).querySelectorAll('g[aria-label="cell"] rect').length,
    3,
  );
});

Deno.test("charts: a table of the wrong kind is a clear options error", () => {
  assert.match(
    assertThrows(() => driverChart(table), CxOptionsError).message,
    /needs a result of keyDrivers/,
  );
  assert.match(
    assertThrows(() => quadrantChart(result), CxOptionsError).message,
    /importancePerformance/,
  );
  assert.match(
    assertThrows(() => correlationHeatmap(result), CxOptionsError).message,
    /correlate\(\)/,
  );
  assert.match(
    assertThrows(() => driverChart(result, { method: "shapley" }), CxOptionsError).message,
    /no weights to draw for method "shapley"/,
  );
});
