import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { funnel } from "../../src/analysis/journey/funnel.ts";
import { funnelChart } from "../../src/charts/journey_funnel.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { assertThrows } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

// Two segments: "<b>web</b>" (markup, to check escaping) with 40 customers, "app" with 8
// (small: hollow bars). Web: 40 visit, 30 cart, 12 buy; app: 8 visit, 6 cart, 5 buy.
const rows: [string, number, string, string][] = [];
const add = (segment: string, n: number, cart: number, buy: number) => {
  for (let i = 0; i < n; i++) {
    const id = `${segment}-${i}`;
    rows.push([id, 0, "visit", segment]);
    if (i < cart) rows.push([id, 1 + (i % 3), "cart", segment]);
    if (i < buy) rows.push([id, 4 + (i % 2), "buy", segment]);
  }
};
add("<b>web</b>", 40, 30, 12);
add("app", 8, 6, 5);
const events = aq.table({
  customer_id: rows.map((r) => r[0]),
  date: rows.map((r) => new Date(Date.UTC(2024, 0, 1 + r[1]))),
  step: rows.map((r) => r[2]),
  channel: rows.map((r) => r[3]),
});
const steps = ["visit", "cart", "buy"];
const bySegment = funnel(events, { steps, windowDays: 14, by: "channel" });
const pooled = funnel(events, { steps, windowDays: 14 });
const parse = (html: string) => new JSDOM(html).window.document;

Deno.test("snapshot: funnel by segment", async () => {
  await assertSnapshot("journey-funnel-segments", renderHtml(funnelChart(bySegment)));
});

Deno.test("snapshot: pooled funnel from the previous step, in German", async () => {
  await assertSnapshot(
    "journey-funnel-previous-de",
    renderHtml(funnelChart(pooled, { measure: "previous", locale: "de-DE" })),
  );
});

Deno.test("funnelChart: one bar per step and segment, small samples hollow, intervals", () => {
  const doc = parse(renderSvg(funnelChart(bySegment)));
  const filled = doc.querySelectorAll("g.cx-funnel-bar rect");
  const hollow = doc.querySelectorAll("g.cx-funnel-bar-small rect");
  // web: 40 at each step's denominator ≥ 30 → filled; app: 8 → hollow (3 steps each).
  assert.equal(filled.length, 3);
  assert.equal(hollow.length, 3);
  assert.equal(doc.querySelector("g.cx-funnel-bar-small")!.getAttribute("fill"), "white");
  assert.equal(doc.querySelectorAll("g.cx-funnel-interval line").length, 6);
  const titles = [...doc.querySelectorAll("title")].map((t) => t.textContent);
  // cart for web: 30 of 40 from the start; buy for app: 5 of 8.
  assert.ok(
    titles.some((t) => t!.startsWith("cart: 75.0% (") && t!.includes("30 of 40 customers")),
  );
  assert.ok(titles.some((t) => t!.startsWith("buy: 62.5% (") && t!.includes("5 of 8 customers")));
  // Markup in labels is escaped, never parsed.
  assert.equal(doc.querySelector("b"), null);
});

Deno.test("funnelChart: from the previous step leaves out the first step", () => {
  const doc = parse(renderSvg(funnelChart(pooled, { measure: "previous" })));
  const titles = [...doc.querySelectorAll("title")].map((t) => t.textContent!);
  assert.equal(titles.some((t) => t.startsWith("visit")), false);
  // buy from cart: 17 of 36.
  assert.ok(titles.some((t) => t.startsWith("buy: 47.2% (") && t.includes("17 of 36 customers")));
});

Deno.test("funnelChart refuses other tables and unknown options", () => {
  assertThrows(() => funnelChart(aq.table({ step: ["a"] })), CxOptionsError);
  assertThrows(() => funnelChart(pooled, { measure: "end" as "start" }), CxOptionsError);
  assertThrows(() => funnelChart(pooled, { titel: "x" } as never), CxOptionsError);
});
