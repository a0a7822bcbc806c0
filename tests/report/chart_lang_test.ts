/**
 * The report's charts speak the report's language: every tooltip (Plot
 * `title` channel) of every chart on every section page is in German for
 * `lang: "de"` and in English for `lang: "en"`, with the locale's numbers.
 */
import assert from "node:assert/strict";
import { sampleSite } from "./fixtures.ts";

/** The tooltips of the charts of a page, entities decoded. */
function tooltips(html: string): string[] {
  // A chart ends with its SVG, or with its phone variant's (`<div class="chart-phone">`).
  const charts = html.match(/<figure class="chart">[\s\S]*?<\/svg>(?:<\/div>)?<\/figure>/g) ?? [];
  return charts.flatMap((c) => [...c.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]))
    .map((t) => t.replaceAll("&#160;", "\u00a0").replaceAll("&amp;", "&"));
}

/** Per page: a tooltip pattern each language must show, and words the other must not. */
const EXPECT: Record<string, { en: RegExp; de: RegExp }> = {
  "kpis.html": {
    en: /^Score 10 \(promoter\): [\d,]+ answers$/,
    de: /^Wert 10 \(Promotoren\): [\d.]+ Antworten$/,
  },
  "service.html": { en: /^chat: [\d.,]+ \(/, de: /^chat: [\d.,]+ \(/ },
  "cohorts.html": { en: /customers at the start$/, de: /Kunden zu Beginn$/ },
  "segments.html": {
    en: / vs the rest, n = [\d,]+, adjusted p = /,
    de: / ggü\. dem Rest, n = [\d.]+, adjustiertes p = /,
  },
  "trends.html": {
    en: /^20\d\d-\d\d: [\d.−]+ \([\d.−]+ to [\d.−]+\), n = [\d,]+$/,
    de: /^20\d\d-\d\d: [\d,−]+ \([\d,−]+ bis [\d,−]+\), n = [\d.]+$/,
  },
  "drivers.html": { en: / of R² \(/, de: / von R² \(/ },
};
const ENGLISH =
  /small sample|customers at the start| of comments| vs the rest|not yet fully observed|censored at|answers?\)| tickets$|adjusted p/;
const GERMAN =
  /kleine Stichprobe|Kunden zu Beginn|der Kommentare|ggü\.|noch nicht vollständig|zensiert|Antworten|Tickets$|adjustiertes/;

for (const lang of ["en", "de"] as const) {
  Deno.test(`report charts: every tooltip in ${lang === "en" ? "English" : "German"}`, async () => {
    const pages = await sampleSite(lang);
    for (const [path, expect] of Object.entries(EXPECT)) {
      const tips = tooltips(pages.find((p) => p.path === path)!.html);
      assert.ok(tips.length > 0, `${path}: charts have tooltips`);
      assert.ok(
        tips.some((t) => expect[lang].test(t)),
        `${path}: no tooltip like ${expect[lang]}:\n${tips.slice(0, 5).join("\n")}`,
      );
      const foreign = tips.filter((t) => (lang === "en" ? GERMAN : ENGLISH).test(t));
      assert.deepEqual(foreign.slice(0, 3), [], `${path}: tooltips in the other language`);
    }
  });
}
