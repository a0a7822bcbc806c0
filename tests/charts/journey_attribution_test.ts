import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { attribution } from "../../src/analysis/journey/attribution.ts";
import { renderHtml } from "../../src/charts/render.ts";
import { attributionChart } from "../../src/charts/journey_attribution.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { assertSnapshot } from "./snapshot.ts";

const events = aq.fromCSV(
  await Deno.readTextFile(new URL("../fixtures/journey/attribution_events.csv", import.meta.url)),
  { parse: { date: (v: string) => new Date(v) } },
);
const markov = attribution(events, { resamples: 200, seed: 3 });
const parse = (html: string) => new JSDOM(html).window.document;

Deno.test("snapshot: Markov attribution with bootstrap intervals", async () => {
  await assertSnapshot("journey-attribution", renderHtml(attributionChart(markov)));
});

Deno.test("snapshot: position-based shares, in German", async () => {
  const position = attribution(events, { model: "position", resamples: 200, seed: 3 });
  await assertSnapshot(
    "journey-attribution-share-de",
    renderHtml(attributionChart(position, { value: "share", locale: "de-DE" })),
  );
});

Deno.test("attributionChart: one bar and whisker per channel, in the result's order", () => {
  const doc = parse(renderHtml(attributionChart(markov)));
  assert.equal(doc.querySelectorAll('g[aria-label="bar"] rect').length, markov.numRows());
  assert.equal(doc.querySelectorAll('g[aria-label="rule"] line').length, markov.numRows() + 1);
  const labels = [...doc.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) =>
    t.textContent
  );
  assert.deepEqual(labels, markov.array("channel"));
  assert.ok(doc.querySelector("h2")?.textContent?.includes("(Markov)"));
  assert.throws(
    () => attributionChart(markov, { value: "rate" as never }),
    /"conversions" or "share"/,
  );
  assert.throws(() => attributionChart(aq.table({ channel: ["x"] })), CxOptionsError);
});
