import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { rfm, RFM_SEGMENTS } from "../../src/analysis/segment/rfm.ts";
import { commentThemes } from "../../src/analysis/themes.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { rfmChart } from "../../src/charts/rfm.ts";
import { themeChart } from "../../src/charts/themes.ts";
import { ticketVolumeChart } from "../../src/charts/volume.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { assertThrows } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

const parse = (html: string) => new JSDOM(html).window.document;
const titles = (html: string, mark: string) =>
  [...parse(html).querySelectorAll(`g[aria-label="${mark}"] title`)].map((t) => t.textContent);

// 6 comments: "delivery" in 4 (66.7 %), "slow" in 3 (50 %), "friendly" in 1.
const comments = aq.table({
  comment: [
    "slow delivery",
    "delivery was slow",
    "slow slow delivery",
    "delivery late",
    "friendly staff",
    "ok",
  ],
});
const themes = commentThemes(comments, { ngrams: [1] });

Deno.test("snapshot: most mentioned words", async () => {
  await assertSnapshot("comment-themes", renderHtml(themeChart(themes)));
});

Deno.test("themeChart: bars in the result's order with the shares counted by hand", () => {
  const tips = titles(renderSvg(themeChart(themes, { top: 2 })), "bar");
  assert.deepEqual(tips, [
    "“delivery”: 66.7 % of comments (4 of 6)",
    "“slow”: 50.0 % of comments (3 of 6)",
  ]);
  const de = renderSvg(themeChart(themes, { top: 1, locale: "de-DE" }));
  assert.deepEqual(titles(de, "bar"), ["„delivery“: 66,7 % der Kommentare (4 von 6)"]);
  assert.ok(de.includes("Häufigste Wörter") && de.includes("Von 6 Kommentaren"));
  const byGroup = commentThemes(comments.derive({ g: aq.escape(() => "x") }), {
    ngrams: [1],
    by: "g",
  });
  assert.equal(
    titles(renderSvg(themeChart(byGroup, { top: 1 })), "bar").length,
    1,
    "one group is fine",
  );
  const two = commentThemes(
    comments.derive({ g: aq.escape((r: { comment: string }) => r.comment.length % 2 ? "a" : "b") }),
    { ngrams: [1], by: "g" },
  );
  assert.match(
    assertThrows(() => themeChart(two), CxOptionsError).message,
    /one group.*2 groups of g/,
  );
  assert.match(assertThrows(() => themeChart(themes, { top: 0 }), CxOptionsError).message, /"top"/);
  assert.match(
    assertThrows(() => themeChart(aq.table({ term: ["a"] })), CxOptionsError).message,
    /commentThemes/,
  );
});

const d = (s: string) => new Date(`${s}T12:00:00Z`);
const orders = aq.table({
  customer_id: ["a", "a", "a", "a", "b", "c", "c", "d", "e", "e", "e"],
  date: [
    "2024-06-01",
    "2024-06-10",
    "2024-06-20",
    "2024-06-25",
    "2024-01-05",
    "2024-03-01",
    "2024-06-15",
    "2024-02-01",
    "2024-05-01",
    "2024-05-20",
    "2024-06-28",
  ].map(d),
  revenue: [50, 60, 70, 80, 20, 30, 40, 10, 90, 95, 99],
});
const scored = rfm(orders, { observedUntil: d("2024-06-30") });

Deno.test("snapshot: customers per RFM segment", async () => {
  await assertSnapshot("rfm-segments", renderHtml(rfmChart(scored)));
});

Deno.test("rfmChart: customers counted per segment in RFM_SEGMENTS order, shares in the tooltip", () => {
  // Reference: Arquero's own count per segment of the rfm() result.
  const counts = new Map(
    (scored.groupby("segment").count().objects() as { segment: string; count: number }[])
      .map((r) => [r.segment, r.count]),
  );
  const expected = RFM_SEGMENTS.filter((s) => counts.has(s)).map((s) =>
    `${s}: ${counts.get(s)} customer${counts.get(s) === 1 ? "" : "s"} (${
      (100 * counts.get(s)! / 5).toFixed(1)
    }%)`
  );
  assert.deepEqual(titles(renderSvg(rfmChart(scored)), "bar"), expected);
  assert.equal(expected.reduce((n, t) => n + Number(t.split(": ")[1].split(" ")[0]), 0), 5);
  const de = renderSvg(rfmChart(scored, { lang: "de", locale: "de-DE" }));
  assert.ok(de.includes("Kunden je RFM-Segment") && de.includes("5 bestellende Kunden"));
  assert.match(
    assertThrows(() => rfmChart(aq.table({ segment: ["Lost"] })), CxOptionsError).message,
    /rfm\(\)/,
  );
});

const tickets = aq.table({
  created_at: [
    new Date("2024-01-31T23:30:00Z"), // 1 February in Berlin
    d("2024-01-05"),
    d("2024-01-20"),
    d("2024-04-02"),
    null,
  ],
});

Deno.test("snapshot: tickets per month with an empty month", async () => {
  await assertSnapshot("ticket-volume", renderHtml(ticketVolumeChart(tickets)));
});

Deno.test("ticketVolumeChart: every period from first to last, counted by hand, in the time zone", () => {
  assert.deepEqual(titles(renderSvg(ticketVolumeChart(tickets)), "bar"), [
    "2024-01: 3 tickets",
    "2024-02: 0 tickets",
    "2024-03: 0 tickets",
    "2024-04: 1 ticket",
  ]);
  const berlin = ticketVolumeChart(tickets, { timeZone: "Europe/Berlin", locale: "de-DE" });
  assert.deepEqual(titles(renderSvg(berlin), "bar"), [
    "2024-01: 2 Tickets",
    "2024-02: 1 Ticket",
    "2024-03: 0 Tickets",
    "2024-04: 1 Ticket",
  ]);
  assert.ok(renderSvg(berlin).includes("4 Tickets; 1 ohne Datum nicht gezählt"));
  const quarters = titles(renderSvg(ticketVolumeChart(tickets, { period: "quarter" })), "bar");
  assert.deepEqual(quarters, ["2024-Q1: 3 tickets", "2024-Q2: 1 ticket"]);
  assert.match(
    assertThrows(() => ticketVolumeChart(tickets, { date: "opened" }), CxOptionsError).message,
    /"opened"/,
  );
});
