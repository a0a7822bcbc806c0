import * as aq from "arquero";
import { JSDOM } from "jsdom";
import { CxOptionsError } from "../../src/errors.ts";
import { commentDriverChart } from "../../src/charts/comment_drivers.ts";
import { renderHtml } from "../../src/charts/render.ts";
import { commentDrivers } from "../../src/text/comment_drivers.ts";
import { assertEquals, assertThrows } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

// Detractors complain about waiting and the app, promoters praise speed; "okay" is said by both.
const complaints = ["Lange Wartezeit", "Wartezeit zu lang", "App stürzt ab", "The app crashes"];
const praise = ["Super schnell", "Quick and friendly", "Super Service", "Quick answer"];
const comments: string[] = [], scores: number[] = [];
for (let i = 0; i < 40; i++) {
  comments.push(complaints[i % 4] + (i % 5 === 0 ? ", okay" : ""));
  scores.push(i % 7);
  comments.push(praise[i % 4] + (i % 3 === 0 ? ", okay" : ""));
  scores.push(9 + (i % 2));
}
comments.push("Mail an max@example.org, Wartezeit!");
scores.push(2);
const result = commentDrivers(aq.table({ nps_score: scores, comment: comments }), {
  minCount: 5,
});
const parse = (html: string) => new JSDOM(html).window.document;

Deno.test("snapshot: comment drivers, detractors against promoters", async () => {
  await assertSnapshot("comment-drivers", renderHtml(commentDriverChart(result, { top: 6 })));
});

Deno.test("snapshot: comment drivers in German", async () => {
  await assertSnapshot(
    "comment-drivers-de",
    renderHtml(commentDriverChart(result, { top: 4, locale: "de-DE" })),
  );
});

Deno.test("comment driver chart: bars, sides, hollow bars, tooltips and legend", () => {
  const doc = parse(renderHtml(commentDriverChart(result, { top: 3 })));
  const titles = [...doc.querySelectorAll("title")].map((t) => t.textContent ?? "");
  // three terms per side, each with its counts in the tooltip
  assertEquals(titles.length, 6);
  const wait = titles.find((t) => t.startsWith("“wartezeit”"))!;
  assertEquals(wait.includes("21 × Detractor (0–6), 0 × Promoter (9–10)"), true);
  const legend = doc.body.textContent ?? "";
  assertEquals(legend.includes("Detractor (0–6)") && legend.includes("Promoter (9–10)"), true);
  // "okay" is used by both groups and is not significant: drawn hollow when shown
  const okay = (result.objects() as Record<string, unknown>[]).find((r) => r.term === "okay")!;
  assertEquals(okay.significant, false);
  const all = parse(renderHtml(commentDriverChart(result, { top: 50 })));
  const hollow = [...all.querySelectorAll("g[fill=white] rect")].map((r) =>
    r.querySelector("title")?.textContent ?? ""
  );
  assertEquals(hollow.some((t) => t.startsWith("“okay”")), true);
  const custom = renderHtml(commentDriverChart(result, { labels: ["critics", "fans"], top: 1 }));
  assertEquals(custom.includes("more often from critics"), true);
});

Deno.test("comment driver chart refuses other results and bad options", () => {
  assertThrows(() => commentDriverChart(aq.table({ x: [1] })), CxOptionsError);
  assertEquals(
    assertThrows(() => commentDriverChart(result, { top: 0 }), CxOptionsError).message,
    'commentDriverChart: option "top" must be a whole number ≥ 1, got 0',
  );
  assertEquals(
    assertThrows(() => commentDriverChart(result, { tpo: 3 } as never), CxOptionsError).message,
    'commentDriverChart: unknown option "tpo"; did you mean "top"?',
  );
});
