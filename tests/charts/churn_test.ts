import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { churnChart } from "../../src/charts/churn.ts";
import { renderHtml, renderSvg } from "../../src/charts/render.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { churnRate, retentionRate } from "../../src/metrics/churn.ts";
import { assertThrows } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

const d = (s: string) => new Date(`${s}T12:00:00Z`);
// Five January signups; February: 1 of 5 churns (20 %); March: 2 of the 5 left
// (4 January + 1 February signup) churn (40 %); April: nobody churns (0 %).
const customers = aq.table({
  customer_id: ["a", "b", "c", "d", "e", "f"],
  signup_date: ["2024-01-03", "2024-01-10", "2024-01-12", "2024-01-20", "2024-01-25", "2024-02-05"]
    .map(d),
  churn_date: [d("2024-02-10"), d("2024-03-03"), null, null, null, d("2024-03-20")],
});
const result = churnRate(customers, { observedUntil: d("2024-04-30"), minN: 5 });
const parse = (html: string) => new JSDOM(html).window.document;
const tips = (html: string) =>
  [...parse(html).querySelectorAll('g[aria-label="dot"] circle title')].map((t) => t.textContent);

Deno.test("snapshot: churn rate per month with band and a hollow small sample", async () => {
  await assertSnapshot("churn-rate", renderHtml(churnChart(result)));
});

Deno.test("snapshot: churn rate per month in German (de-DE)", async () => {
  await assertSnapshot("churn-rate-de", renderHtml(churnChart(result, { locale: "de-DE" })));
});

Deno.test("churnChart: one dot per period with a rate, its value in the tooltip, small samples hollow", () => {
  const rows = result.objects() as Record<string, unknown>[];
  // The hand counts above, as churnRate reports them.
  assert.deepEqual(
    rows.map((r) => [r.period, r.customers_start, r.churned]),
    [["2024-01", 0, 0], ["2024-02", 5, 1], ["2024-03", 5, 2], ["2024-04", 3, 0]],
  );
  const html = renderSvg(churnChart(result));
  const all = tips(html);
  assert.equal(all.length, 3, "January has no customers at the start: no rate, no dot");
  assert.ok(
    all.some((t) => t!.startsWith("2024-02: 20.0% (") && t!.endsWith("5 customers at the start")),
  );
  assert.ok(all.some((t) => t!.startsWith("2024-03: 40.0% (")));
  assert.ok(all.some((t) => t!.startsWith("2024-04: 0.0% (") && t!.endsWith("— small sample")));
  const doc = parse(html);
  const dots = [...doc.querySelectorAll('g[aria-label="dot"] circle')];
  // A constant fill sits on the mark's group: hollow dots are the circles of the white group.
  const hollow = [...doc.querySelectorAll('g[aria-label="dot"][fill="white"] circle')];
  assert.equal(hollow.length, 1, "April began with 3 < minN = 5 customers");
  assert.match(hollow[0].querySelector("title")!.textContent!, /^2024-04/);
  // Higher rate, higher dot (smaller y): March above February above April.
  const y = (p: string) =>
    Number(
      dots.find((c) => c.querySelector("title")!.textContent!.startsWith(p))!.getAttribute("cy"),
    );
  assert.ok(y("2024-03") < y("2024-02") && y("2024-02") < y("2024-04"));
  assert.equal(doc.querySelectorAll('g[aria-label="area"] path').length, 1, "one band");
});

Deno.test("churnChart: German words and numbers, labels as given, retention results, segments", () => {
  const de = renderSvg(churnChart(result, { locale: "de-DE", yLabel: "Verlust (%)" }));
  assert.ok(de.includes("Kündigungsrate nach Monat") && de.includes("Verlust (%)"));
  assert.ok(tips(de).some((t) => t!.startsWith("2024-02: 20,0\u00a0% (")));
  assert.ok(tips(de).some((t) => t!.endsWith("— kleine Stichprobe")));
  const kept = retentionRate(customers, { observedUntil: d("2024-04-30"), minN: 1 });
  assert.ok(renderSvg(churnChart(kept)).includes("Retention rate by month"));
  const plans = customers.derive({
    plan: aq.escape((r: { customer_id: string }) => r.customer_id < "c" ? "x" : "y"),
  });
  const split = renderSvg(
    churnChart(churnRate(plans, { by: "plan", observedUntil: d("2024-04-30") })),
  );
  assert.equal(parse(split).querySelectorAll('g[aria-label="line"] path').length, 2);
  assert.ok(tips(split).every((t) => /^(x|y), 2024-/.test(t!)));
});

Deno.test("churnChart: refuses other tables and a bad locale", () => {
  const cases: [() => unknown, string][] = [
    [() => churnChart(aq.table({ a: [1] })), "churnRate() or retentionRate()"],
    [() => churnChart(result, { locale: "xx-!!" }), 'option "locale" must be a BCP 47 locale'],
    [() => churnChart(result, { lang: "fr" as "en" }), 'option "lang" must be "en" or "de"'],
  ];
  for (const [fn, message] of cases) {
    assert.ok(assertThrows(fn, CxOptionsError).message.includes(message), message);
  }
});
