/**
 * Significant segments are marked beyond the Segments page, by that page's
 * own decision: the overview lists the segments whose NPS differs from the
 * rest after Holm (▲ above, ▼ below, with a lead saying so), and the KPI
 * page's tables carry a "vs rest" column starred like the Segments page's.
 * Checked on the sample's planted effects (data/README.md: phone NPS below
 * the other channels, no effect of region) and against the Segments page's
 * own p (Holm) column, in English and German.
 */
import assert from "node:assert/strict";
import type { SitePage } from "../../src/report/site.ts";
import { EN } from "../../src/report/i18n_en.ts";
import { DE } from "../../src/report/i18n_de.ts";
import { sampleSite } from "./fixtures.ts";
import { escapeHtml } from "../../src/charts/display.ts";

function page(pages: readonly SitePage[], path: string): string {
  return pages.find((p) => p.path === path)!.html;
}

function decode(html: string): string {
  return html.replace(/<[^>]+>/g, "").replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&#39;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&").trim();
}

/** The rows (cell texts) of the first table whose header row has `header`, with its headers. */
function table(html: string, header: string): { head: string[]; rows: string[][] } {
  for (const [t] of html.matchAll(/<table>[\s\S]*?<\/table>/g)) {
    const head = [...t.split("</thead>")[0].matchAll(/<th scope="col"[^>]*>([\s\S]*?)<\/th>/g)]
      .map((m) => decode(m[1]));
    if (!head.includes(header)) continue;
    const body = t.split("<tbody>")[1];
    const rows = [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => decode(c[1]))
    );
    return { head, rows };
  }
  throw new Error(`no table with the column "${header}"`);
}

for (const [lang, t] of [["en", EN], ["de", DE]] as const) {
  Deno.test(`significant segments (${lang}): overview and KPI page mark what the Segments page decides`, async () => {
    const pages = await sampleSite(lang);
    const index = page(pages, "index.html");
    const segments = page(pages, "segments.html");
    // The Segments page's decision per channel: p (Holm) below 5 %.
    const npsTable = table(segments, t.pAdjusted);
    const p = npsTable.head.indexOf(t.pAdjusted);
    const byChannel = npsTable.rows.filter((r) => ["chat", "email", "phone", "web"].includes(r[0]));
    assert.equal(byChannel.length, 4, "the Segments page's channel table");
    const pValue = (cell: string) => cell.startsWith("<") ? 0 : Number(cell.replace(",", "."));
    const significant = byChannel.filter((r) => pValue(r[p]) < 0.05).map((r) => r[0]).sort();
    // Planted: phone NPS is lower (wait time); chat, email, web are close to each other.
    assert.ok(significant.includes("phone"), `phone stands out: ${significant}`);

    // KPI page: the NPS-by-channel table stars exactly those channels, with the sign of the gap.
    const kpis = page(pages, "kpis.html");
    const npsByChannel = table(kpis, t.npsVsRest);
    const vs = npsByChannel.head.indexOf(t.npsVsRest);
    const starred = npsByChannel.rows.filter((r) => r[vs].endsWith(" *")).map((r) => r[0]).sort();
    assert.deepEqual(starred, significant, "KPI page stars = Segments page's significant rows");
    const phone = npsByChannel.rows.find((r) => r[0] === "phone")!;
    assert.match(phone[vs], lang === "en" ? /^−\d+\.\d \*$/ : /^−\d+,\d \*$/);
    assert.ok(kpis.includes(t.restMarkNote.replaceAll("'", "&#39;")), "the note says what * means");
    // CSAT and CES tables carry the same column (CES: the planted higher effort on the phone).
    const ces = table(kpis, t.cesVsRest);
    const cesPhone = ces.rows.find((r) => r[0] === "phone")!;
    assert.match(cesPhone[ces.head.indexOf(t.cesVsRest)], /^\+\d+[.,]\d\d \*$/);
    assert.ok(table(kpis, t.csatVsRest).rows.length === 4);

    // KPI page's NPS-by-channel chart: the dots of exactly those channels are marked (blue,
    // their tooltip says so), the others grey, and the legend names both.
    const charts = [...kpis.matchAll(/<figure class="chart">[\s\S]*?<\/figure>\s*(?:<\/div>)?/g)]
      .map((m) => m[0]).filter((c) => c.includes(escapeHtml(t.markedSegments)));
    assert.ok(charts.length >= 1, "a KPI chart marks segments");
    const npsChart = charts.find((c) => c.includes(escapeHtml(t.byGroup("NPS", "channel"))))!;
    assert.ok(npsChart, "the NPS-by-channel chart marks segments");
    assert.ok(npsChart.includes(escapeHtml(t.unmarkedSegments)), "legend: the other dots");
    const dots = [...npsChart.matchAll(/<circle([^>]*)><title>([^<]*)<\/title>/g)]
      .map((m) => ({ attrs: m[1], tip: decode(m[2]) }));
    const shown = new Set(dots.map((d) => d.tip.split(":")[0]));
    assert.deepEqual([...shown].sort(), ["chat", "email", "phone", "web"]);
    const blue = dots.filter((d) => /stroke="#0072B2"/i.test(d.attrs));
    assert.deepEqual([...new Set(blue.map((d) => d.tip.split(":")[0]))].sort(), significant);
    for (const d of dots) {
      assert.equal(d.tip.endsWith(t.markedSegments), blue.includes(d), d.tip);
    }

    // Overview: a list of the significant segments with ▲/▼ and words, after a lead.
    assert.ok(index.includes(`<h2>${t.standOut}</h2>`), "overview heading");
    assert.ok(index.includes(t.standOutLead), "overview lead says what ▲ and ▼ mean");
    const list = /<ul class="stand-out">([\s\S]*?)<\/ul>/.exec(index);
    assert.ok(list, "the overview lists significant segments");
    const items = [...list[1].matchAll(/<li class="(above|below)">([\s\S]*?)<\/li>/g)]
      .map((m) => ({ side: m[1], text: decode(m[2]) }));
    const channels = items.filter((i) => / (chat|email|phone|web):/.test(i.text));
    assert.deepEqual(
      channels.map((i) => /(chat|email|phone|web):/.exec(i.text)![1]).sort(),
      significant,
      "overview channels = Segments page's significant rows",
    );
    const phoneItem = channels.find((i) => i.text.includes("phone:"))!;
    assert.equal(phoneItem.side, "below");
    assert.ok(phoneItem.text.startsWith("▼"), phoneItem.text);
    for (const i of items) assert.equal(i.text.startsWith("▲"), i.side === "above", i.text);
    // Planted null effect: no region stands out.
    assert.ok(!items.some((i) => /(north|south|east|west):/.test(i.text)), "no region listed");
  });
}
