/**
 * Survey weights said in words (issue #19): with a `weight` column every
 * page that shows a weighted KPI says so in one sentence with the effective
 * sample size of the overall result; without weights no page says anything.
 * The effective n is worked by hand (Kish) and is the result's `n_effective`.
 */
import assert from "node:assert/strict";
import { readCsv } from "../../src/io/csv.ts";
import { nps } from "../../src/metrics/nps.ts";
import { buildSite, type SitePage } from "../../src/report/site.ts";
import type { Lang } from "../../src/report/format.ts";

const AT = new Date("2026-01-01T00:00:00Z");

/**
 * 2,000 answers in January and February 2025 over chat and phone; half
 * weigh 1, half 3: Kish's n_eff = (1000 · 1 + 1000 · 3)² / (1000 · 1² + 1000 · 3²)
 * = 4000² / 10000 = 1,600.
 */
function csv(weighted: boolean): string {
  const rows = ["response_id,customer_id,date,nps_score,channel" + (weighted ? ",weight" : "")];
  for (let i = 0; i < 2000; i++) {
    const date = i % 4 < 2 ? "2025-01-15" : "2025-02-15";
    const channel = i % 2 ? "chat" : "phone";
    const weight = weighted ? `,${i < 1000 ? 1 : 3}` : "";
    rows.push(`r${i},c${i % 200},${date},${(i * 7) % 11},${channel}${weight}`);
  }
  return rows.join("\n") + "\n";
}

/** Half the customers had a call on January 1st, so the journeys page compares their NPS. */
const TOUCHPOINTS = "customer_id,date,channel\n" +
  Array.from({ length: 100 }, (_, i) => `c${i * 2},2025-01-01,call`).join("\n") + "\n";

async function site(weighted: boolean, lang: Lang) {
  const result = await readCsv(csv(weighted), { schema: "responses" });
  const touchpoints = await readCsv(TOUCHPOINTS, { schema: "events" });
  const files = [
    { file: "responses.csv", schema: "responses" as const, result },
    { file: "touchpoints.csv", schema: "events" as const, result: touchpoints },
  ];
  const pages = buildSite(files, { dataDir: "x", lang, generatedAt: AT });
  return { pages, table: result.table };
}

const html = (pages: SitePage[], path: string) => pages.find((p) => p.path === path)!.html;

const SENTENCE = {
  en:
    "Weighted by the survey weights in column weight: effective sample size 1,600 of 2,000 NPS answers.",
  de:
    "Gewichtet mit den Umfragegewichten aus der Spalte weight: effektive Stichprobengröße 1.600 von 2.000 NPS-Antworten.",
};
/** Pages that show NPS (per segment, per month, after a touchpoint, the tiles), and others. */
const KPI_PAGES = [
  "index.html",
  "kpis.html",
  "trends.html",
  "segments.html",
  "journeys.html",
  "print.html",
];
const OTHER_PAGES = ["service.html", "cohorts.html", "quality.html"];

for (const lang of ["en", "de"] as const) {
  Deno.test(`weights (${lang}): every page showing a weighted KPI says so once, with the result's effective n`, async () => {
    const { pages, table } = await site(true, lang);
    // The sentence's numbers are the overall NPS result's: n_effective 1,600 of n 2,000.
    const overall = nps(table).objects()[0] as { n: number; n_effective: number };
    assert.equal(overall.n, 2000);
    assert.ok(Math.abs(overall.n_effective - 1600) < 1e-9, String(overall.n_effective));
    for (const path of KPI_PAGES.filter((p) => p !== "print.html")) {
      const count = html(pages, path).split(SENTENCE[lang]).length - 1;
      assert.equal(count, 1, `${path}: the sentence ${count} times`);
    }
    // print.html: the overview's and each weighted section's.
    assert.equal(html(pages, "print.html").split(SENTENCE[lang]).length - 1, 5);
    for (const path of OTHER_PAGES) {
      assert.ok(!html(pages, path).includes(SENTENCE[lang]), `${path} speaks of weights`);
    }
  });

  Deno.test(`weights (${lang}): unweighted answers, no page speaks of weights`, async () => {
    const { pages } = await site(false, lang);
    const word = lang === "en" ? /Weighted by|effective sample size/ : /Gewichtet|effektive/;
    for (const { path, html } of pages) assert.ok(!word.test(html), `${path} speaks of weights`);
    assert.match(html(pages, "kpis.html"), lang === "en" ? /Net Promoter Score/ : /Net Promoter/);
  });
}
