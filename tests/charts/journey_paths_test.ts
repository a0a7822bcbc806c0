import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { transitions } from "../../src/analysis/journey/transitions.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { transitionChart } from "../../src/charts/journey_paths.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { assertSnapshot } from "./snapshot.ts";

const d = (day: number) => new Date(Date.UTC(2025, 0, day));
// a: web chat buy; b: web buy; c: mail web; d: web; e: mail buy; f: chat buy
const events = aq.table({
  customer_id: ["a", "a", "a", "b", "b", "c", "c", "d", "e", "e", "f", "f"],
  date: [d(1), d(2), d(3), d(1), d(2), d(1), d(2), d(1), d(1), d(2), d(1), d(4)],
  step: ["web", "chat", "buy", "web", "buy", "mail", "web", "web", "mail", "buy", "chat", "buy"],
  plan: ["m", "m", "m", "y", "y", "m", "m", "y", "y", "y", "m", "m"],
});
const result = transitions(events);
const parse = (html: string) => new JSDOM(html).window.document;

Deno.test("snapshot: transition matrix", async () => {
  await assertSnapshot("journey-transitions", renderHtml(transitionChart(result)));
});

Deno.test("snapshot: transition matrices per segment, in German", async () => {
  const byPlan = transitions(events, { by: "plan" });
  await assertSnapshot(
    "journey-transitions-by-plan",
    renderHtml(transitionChart(byPlan, { locale: "de-DE" })),
  );
});

Deno.test("transitionChart: one cell per move, start row first, end column last, tooltips", () => {
  const doc = parse(renderSvg(transitionChart(result)));
  const cells = doc.querySelectorAll('g[aria-label="cell"] rect');
  assert.equal(cells.length, result.numRows());
  const ticks = (axis: string) =>
    [...doc.querySelectorAll(`g[aria-label="${axis}-axis tick label"] text`)].map((t) =>
      t.textContent
    );
  assert.equal(ticks("y")[0], "(start)");
  assert.equal(ticks("x").at(-1), "(end)");
  const titles = [...doc.querySelectorAll('g[aria-label="cell"] title')].map((t) => t.textContent);
  // out of web: a to chat, b to buy, c and d end there
  assert.ok(
    titles.some((t) => t?.startsWith("web → (end): 50%") && t.endsWith("2 moves")),
    titles.join("|"),
  );
  assert.throws(() => transitionChart(aq.table({ x: [1] })), CxOptionsError);
  assert.throws(() => transitionChart(result, { titel: "x" } as never), /did you mean "title"/);
});
