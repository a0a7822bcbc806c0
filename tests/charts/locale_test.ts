import * as aq from "arquero";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import { kaplanMeier } from "../../src/analysis/survival/kaplan_meier.ts";
import { trend } from "../../src/analysis/trend.ts";
import { kpiCards, kpiSegmentChart, npsMixChart } from "../../src/charts/kpi.ts";
import { chartFormat } from "../../src/charts/locale.ts";
import { renderHtml } from "../../src/charts/render.ts";
import { scoreDistributionChart } from "../../src/charts/scores.ts";
import { kaplanMeierChart } from "../../src/charts/survival.ts";
import { trendChart } from "../../src/charts/trend.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { nps } from "../../src/metrics/nps.ts";
import { assertThrows } from "../assert.ts";
import { assertSnapshot } from "./snapshot.ts";

const parse = (html: string) => new JSDOM(html).window.document;
const texts = (html: string, selector: string) =>
  [...parse(html).querySelectorAll(selector)].map((t) => t.textContent!);

// chat: 20 promoters, 10 passives, 10 detractors (NPS 25); phone: 5, 5, 30 (NPS −62.5);
// web: 3 promoters, 1 detractor (NPS 50, a small sample).
const answers = aq.table({
  channel: [...Array(40).fill("chat"), ...Array(40).fill("phone"), ...Array(4).fill("web")],
  nps_score: [
    ...Array(20).fill(10),
    ...Array(10).fill(8),
    ...Array(10).fill(0),
    ...Array(5).fill(9),
    ...Array(5).fill(7),
    ...Array(30).fill(3),
    10,
    10,
    9,
    2,
  ],
  date: [
    ...Array(40).fill(new Date("2025-01-15T12:00:00Z")),
    ...Array(40).fill(new Date("2025-02-15T12:00:00Z")),
    ...Array(4).fill(new Date("2025-03-15T12:00:00Z")),
  ],
});
const byChannel = nps(answers, { by: "channel" });

Deno.test("snapshot: KPI by segment in German (de-DE)", async () => {
  await assertSnapshot(
    "kpi-segments-de",
    renderHtml(kpiSegmentChart(byChannel, { locale: "de-DE" })),
  );
});

Deno.test("snapshot: NPS trend in German (de-DE)", async () => {
  const monthly = trend(answers, { kpi: "nps", period: "month", minN: 30 });
  await assertSnapshot("trend-nps-de", renderHtml(trendChart(monthly, { locale: "de-DE" })));
});

Deno.test("snapshot: KPI cards", async () => {
  await assertSnapshot("kpi-cards", kpiCards(byChannel).html);
});

Deno.test("German charts: words, decimal commas, true minus signs, German ticks", () => {
  const html = renderHtml(kpiSegmentChart(byChannel, { locale: "de-DE" }));
  const tips = texts(html, 'g[aria-label="dot"] title');
  // The NPS values worked above, with a decimal comma and "bis" around a negative bound.
  assert.ok(tips.some((t) => /^chat: 25,0 \(.+\), n = 40$/.test(t)), tips.join("\n"));
  assert.ok(tips.some((t) => /^phone: −62,5 \(−\d+,\d bis −\d+,\d\), n = 40$/.test(t)));
  assert.ok(tips.some((t) => /^web: 50,0 .*, n = 4 — kleine Stichprobe$/.test(t)));
  assert.ok(html.includes("NPS (−100 bis 100) nach channel"));
  const ticks = texts(html, 'g[aria-label="x-axis tick label"] text');
  assert.ok(ticks.some((t) => t.startsWith("−")), `true minus on negative ticks: ${ticks}`);
  assert.ok(!ticks.some((t) => t.includes("-")));
  const monthly = renderHtml(trendChart(trend(answers, { kpi: "nps", period: "month" }), {
    locale: "de-DE",
  }));
  const months = texts(monthly, 'g[aria-label="x-axis tick label"] text').join(" ");
  // Weekly ticks over mid-January to mid-March, as German dates ("2. Feb.").
  assert.match(months, /\b12\. Jan\./);
  assert.match(months, /\b2\. Feb\./);
  assert.ok(monthly.includes("NPS nach Monat") && monthly.includes("hohl: weniger als 30"));
  const mix = renderHtml(npsMixChart(byChannel, { lang: "de" }));
  assert.ok(
    texts(mix, 'g[aria-label="bar"] title').includes("chat: 50.0 % Promotoren (NPS 25.0, n = 40)"),
  );
  const scores = renderHtml(scoreDistributionChart(answers, { locale: "de-DE" }));
  assert.ok(
    texts(scores, 'g[aria-label="bar"] title').includes("Wert 10 (Promotoren): 22 Antworten"),
  );
});

Deno.test("English stays the default, and labels given win over the defaults", () => {
  const html = renderHtml(kpiSegmentChart(byChannel, { title: "T", subtitle: "S", label: "L" }));
  assert.ok(html.includes("<h2>T</h2>") && html.includes("<h3>S</h3>") && html.includes(">L"));
  assert.ok(renderHtml(kpiSegmentChart(byChannel)).includes("NPS (−100 to 100) by channel"));
  // lang alone switches the words, locale alone the numbers.
  const words = renderHtml(kpiSegmentChart(byChannel, { lang: "de" }));
  assert.ok(words.includes("kleine Stichprobe") && words.includes("phone: −62.5"));
  const numbers = renderHtml(kpiSegmentChart(byChannel, { locale: "de-DE", lang: "en" }));
  assert.ok(numbers.includes("small sample") && numbers.includes("phone: −62,5"));
});

Deno.test("kaplanMeierChart: percent axis, and resolution drops only steps closer than it", () => {
  const t = aq.table({
    time: [1, 1.1, 1.2, 2, 3, 3.05, 4, 6],
    event: [1, 1, 1, 1, 1, 1, 1, 0],
  });
  const km = kaplanMeier(t);
  const steps = (options: { resolution?: number }) => {
    const d = parse(renderHtml(kaplanMeierChart(km, options)))
      .querySelector('g[aria-label="line"] path')!.getAttribute("d")!;
    return d.split("L").length;
  };
  // step-after: every point after the first adds a horizontal and a vertical segment.
  // Rows: 1, 1.1, 1.2, 2, 3, 3.05, 4, 6 (8) after S(0) = 1; resolution 0.5 keeps 1, 2, 3, 4, 6.
  assert.equal(steps({}), 1 + 2 * 8);
  assert.equal(steps({ resolution: 0.5 }), 1 + 2 * 5);
  const pct = renderHtml(kaplanMeierChart(km, { percent: true }));
  assert.ok(texts(pct, 'g[aria-label="y-axis tick label"] text').includes("50%"));
  const dePct = renderHtml(kaplanMeierChart(km, { percent: true, locale: "de-DE" }));
  assert.ok(texts(dePct, 'g[aria-label="y-axis tick label"] text').includes("50\u00a0%"));
  assert.match(
    assertThrows(() => kaplanMeierChart(km, { resolution: -1 }), CxOptionsError).message,
    /"resolution" must be a time ≥ 0, got -1/,
  );
});

Deno.test("chartFormat: refuses unknown locales and languages, naming the builder", () => {
  assert.match(
    assertThrows(() => chartFormat({ locale: "not a locale" }, "trendChart"), CxOptionsError)
      .message,
    /^trendChart: option "locale" must be a BCP 47 locale/,
  );
  assert.match(
    assertThrows(() => kpiSegmentChart(byChannel, { lang: "fr" as "de" }), CxOptionsError)
      .message,
    /^kpiSegmentChart: option "lang" must be "en" or "de", got "fr"/,
  );
  assert.equal(chartFormat({ locale: "de-AT" }, "x").lang, "de");
  assert.equal(chartFormat({ locale: "en-GB" }, "x").num(1234.5), "1,234.5");
});
