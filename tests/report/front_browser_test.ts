/// <reference lib="dom" />
/**
 * The report's front page and PDF as a manager sees them, in headless
 * Chromium (playwright-core on the system's Chromium) at desktop (1280 px)
 * and phone (390 px) width, on the sample data:
 *
 * - KPI tiles show a value, its interval and n, the change against the
 *   previous period with the trends page's Holm-tested decision, and a
 *   sparkline; the tile's numbers are the trends page's last row;
 * - NPS by month has time on the x-axis: its tick labels are dates and its
 *   dots spread left to right in date order; ticks are at least 11 px;
 * - at phone width every chart fits its card without scrolling (the phone
 *   variant of each chart) with tick labels of at least 11 px on screen;
 * - no table column is clipped on any page (each table fits its box, no
 *   cell's content overflows it), nor in the print layout at A4 width
 *   (portrait, or landscape for sections with a wide table), where no number
 *   is split over lines;
 * - the widest table (CLV) prints whole on a landscape PDF page;
 * - the PDF (pdftotext) starts with the report's title and the key findings,
 *   and carries the report's title as its document title.
 *
 * Screenshots go to tests/output/ (front-desktop.png, front-phone.png,
 * kpis-desktop.png, kpis-phone.png, print-a4.png). Without Chromium the test
 * is ignored locally and fails on CI (`CI=true`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { CHROMIUM_INSTALL_HINT, findChromium, openChromium } from "../../src/charts/chromium.ts";
import { printPdf } from "../../src/report/pdf.ts";
import { buildSite, writeSite } from "../../src/report/site.ts";
import { EN } from "../../src/report/i18n_en.ts";
import { reportFormat } from "../../src/report/format.ts";
import { loadSample, SAMPLE } from "./fixtures.ts";
import { BROWSER_WAIT_MS, tableLayout } from "./phone_layout.ts";

const executable = await findChromium();
const onCi = Deno.env.get("CI") === "true";
const skip = !executable && !onCi;
if (skip) console.warn(`Chromium not found: front page test ignored.\n${CHROMIUM_INSTALL_HINT}`);

const OUTPUT = new URL("../output/", import.meta.url).pathname;
const WIDTHS = { desktop: 1280, phone: 390 } as const;

Deno.test({
  name: skip
    ? "front page and PDF in Chromium (IGNORED: Chromium not installed)"
    : "front page and PDF in Chromium: tiles, time axis, no clipped column, PDF starts with key findings",
  ignore: skip,
  fn: async () => {
    if (!executable) {
      throw new Error(`CI=true: the browser test must run.\n${CHROMIUM_INSTALL_HINT}`);
    }
    await Deno.mkdir(OUTPUT, { recursive: true });
    const site = await Deno.makeTempDir({ prefix: "cxkit-front-" });
    const session = await openChromium(executable);
    try {
      const { files, config } = await loadSample();
      const pages = buildSite(files, {
        dataDir: SAMPLE,
        csatScale: config.csatScale,
        cesScale: config.cesScale,
        generatedAt: new Date("2026-01-01T00:00:00Z"),
        pdf: "report.pdf",
      });
      await writeSite(pages, site);
      const html = pages.filter((p) => p.path.endsWith(".html")).map((p) => p.path);
      for (const [name, width] of Object.entries(WIDTHS)) {
        const context = await session.browser.newContext({
          viewport: { width, height: 900 },
          deviceScaleFactor: 1,
        });
        context.setDefaultTimeout(BROWSER_WAIT_MS);
        await checkTiles(context, site, name);
        await checkTimeAxis(context, site, name);
        await context.close();
      }
      // Every page loaded once, checked at desktop width, then narrowed to a phone's and checked
      // again: the pages have no scripts, so their layout at a width is CSS alone (media queries)
      // and the same as a phone's fresh load; one load instead of two per page.
      const context = await session.browser.newContext({
        viewport: { width: WIDTHS.desktop, height: 900 },
        deviceScaleFactor: 1,
      });
      context.setDefaultTimeout(BROWSER_WAIT_MS);
      for (const path of html) {
        const page = await context.newPage();
        await page.goto(url(site, path), { waitUntil: "load" });
        await checkTables(page, `desktop ${path}`, false);
        await page.setViewportSize({ width: WIDTHS.phone, height: 900 });
        await checkTables(page, `phone ${path}`, true);
        await checkPhoneCharts(page, path);
        await page.close();
      }
      await context.close();
      await checkPrintLayout(session.browser.newContext.bind(session.browser), site);
      const index = pages.find((p) => p.path === "index.html")!.html;
      const first = /class="cards key-findings"><li><a [^>]*>[^<]*<\/a><p>([^<]*)<\/p>/.exec(index);
      assert.ok(first, "the overview lists key findings");
      await checkPdf(site, first[1].replaceAll("&amp;", "&").replaceAll("&#39;", "'"));
    } finally {
      await session.close();
      await Deno.remove(site, { recursive: true });
    }
  },
});

const url = (site: string, path: string) => `file://${join(site, path)}`;

/** Tiles for NPS, CSAT and CES with value, interval, tested change and sparkline. */
async function checkTiles(context: BrowserContext, site: string, name: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(url(site, "index.html"), { waitUntil: "load" });
  const tiles = await page.$$eval(".tile", (els) =>
    els.map((e) => ({
      kpi: e.getAttribute("data-kpi"),
      name: e.querySelector(".tile-name")?.textContent ?? "",
      value: e.querySelector(".tile-value")?.textContent ?? "",
      interval: e.querySelector(".tile-interval")?.textContent ?? "",
      change: e.querySelector(".tile-change")?.textContent ?? "",
      state: e.querySelector(".tile-change")?.className ?? "",
      spark: e.querySelectorAll(".spark polyline").length,
      box: e.getBoundingClientRect().toJSON(),
    })));
  assert.deepEqual(tiles.map((t) => t.kpi), ["nps", "csat", "ces"], `${name}: tiles`);
  // The trends page's last NPS row: the tile must show the same numbers and the same decision.
  const trends = await context.newPage();
  await trends.goto(url(site, "trends.html"), { waitUntil: "load" });
  const lastRow = await trends.$eval("table", (t) => {
    const rows = [...t.querySelectorAll("tbody tr")];
    return [...rows.at(-1)!.querySelectorAll("th, td")].map((c) => c.textContent?.trim() ?? "");
  });
  await trends.close();
  const [period, n, valueInterval, , change, shift] = lastRow;
  const nps = tiles[0];
  // The tile names the month in words ("Dec 2025"), the trends table by its label ("2025-12").
  assert.equal(nps.name, `NPS · ${reportFormat("en").period(period, "short")}`);
  assert.equal(nps.value, valueInterval.split(" (")[0], "tile value = trends page value");
  assert.ok(nps.interval.includes(valueInterval.split(" (")[1].replace(/\)$/, "")), nps.interval);
  assert.ok(nps.interval.includes(`n = ${n}`), nps.interval);
  const signedChange = change.split(" (")[0].replace(/^(?=\d)/, "+").replace(/^-/, "−");
  assert.ok(nps.change.includes(signedChange), `${nps.change} vs ${change}`);
  // Same decision as the trends page: a shift there is "significant" here, none is "no significant".
  assert.equal(
    /: significant/.test(nps.change),
    shift !== "",
    `tile "${nps.change}" vs trends shift "${shift}"`,
  );
  for (const t of tiles) {
    assert.match(t.value, /^−?\d[\d,]*\.\d+$/, `${name}: ${t.kpi} value`);
    assert.match(t.interval, /95% interval .+ · n = [\d,]+$/, `${name}: ${t.kpi} interval`);
    assert.match(t.change, /vs [A-Z][a-z]{2} \d{4}: (significant|no significant change)/, t.change);
    assert.ok(t.spark >= 1, `${name}: ${t.kpi} sparkline`);
    assert.ok(t.box.width > 200, `${name}: ${t.kpi} tile is ${t.box.width} px wide`);
  }
  // Phone: tiles stack in one column, each the width of the page.
  if (name === "phone") assert.ok(tiles.every((t) => t.box.x === tiles[0].box.x), "tiles stack");
  await page.screenshot({ path: join(OUTPUT, `front-${name}.png`), fullPage: true });
  // The PDF is linked from the overview and the navigation.
  const links = await page.$$eval('a[href="report.pdf"]', (as) => as.length);
  assert.ok(links >= 2, `${name}: PDF linked ${links} times`);
  await page.close();
}

/** NPS by month on the KPI page: dates on the x-axis, dots left to right, ticks ≥ 11 px. */
async function checkTimeAxis(context: BrowserContext, site: string, name: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(url(site, "kpis.html"), { waitUntil: "load" });
  const chart = await page.$$eval("figure.chart", (figures) => {
    const fig = figures.find((f) => f.querySelector("h2")?.textContent?.startsWith("NPS by month"));
    if (!fig) return null;
    // The chart shown at this width: the wide one, or on a phone its phone variant.
    const svg = [...fig.querySelectorAll('svg[class^="plot-"]')]
      .find((e) => e.getClientRects().length > 0) as SVGSVGElement;
    const ticks = [...svg.querySelectorAll('g[aria-label="x-axis tick label"] text')];
    const dots = [...svg.querySelectorAll("circle")].map((c) => c.getBoundingClientRect());
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return {
      ticks: ticks.map((t) => t.textContent ?? ""),
      dots: dots.map((d) => ({ x: d.x + d.width / 2, y: d.y + d.height / 2 })),
      fontPx: parseFloat(getComputedStyle(ticks[0]).fontSize) * scale,
      width: svg.getBoundingClientRect().width,
      card: fig.getBoundingClientRect().width,
      tips: [...svg.querySelectorAll("circle title")].map((t) => t.textContent ?? ""),
    };
  });
  assert.ok(chart, `${name}: no "NPS by month" chart on kpis.html`);
  // Tick labels are dates (Plot's time ticks: months and years), not period labels down the side.
  assert.ok(chart.ticks.length >= 4, `${name}: ${chart.ticks.length} x ticks`);
  assert.ok(chart.ticks.some((t) => /20\d\d$/.test(t)), chart.ticks.join(" | ")); // "Jan2024": two tspans
  assert.ok(
    chart.ticks.every((t) => /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|20\d\d)/.test(t)),
  );
  // 24 months of dots spread across the chart in date order (the tooltips name the periods).
  const periods = chart.tips.map((t) => t.slice(0, 7));
  assert.equal(chart.dots.length, 24);
  assert.deepEqual(periods, [...periods].sort(), "dots in period order");
  const xs = chart.dots.map((d) => d.x);
  assert.ok(xs.every((x, i) => i === 0 || x > xs[i - 1]), "each month right of the one before");
  // The axis margins (60 px) take a larger share of the 340 px phone variant than of 640 px.
  const spread = name === "phone" ? 0.7 : 0.8;
  assert.ok(xs.at(-1)! - xs[0] > spread * chart.width, "the dots span the chart's width");
  assert.ok(chart.fontPx >= 11, `${name}: x ticks ${chart.fontPx.toFixed(1)} px`);
  if (name === "desktop") {
    assert.ok(chart.width >= chart.card - 40, `chart ${chart.width} px in a ${chart.card} px card`);
  }
  await page.screenshot({ path: join(OUTPUT, `kpis-${name}.png`), fullPage: true });
  await page.close();
}

/**
 * At 390 px every chart fits its card (no horizontal scrolling) and every tick label is at
 * least 11 px on screen (its font size times the chart's scale: a 640 px chart squeezed into
 * a phone card would show 13 px ticks at 7 px).
 */
async function checkPhoneCharts(page: Page, path: string) {
  const problems = await page.$$eval("figure.chart", (figures) =>
    figures.flatMap((fig, i) => {
      const name = `chart ${i} "${fig.querySelector("h2")?.textContent ?? ""}"`;
      const out: string[] = [];
      if (fig.scrollWidth > fig.clientWidth + 1) {
        out.push(`${name}: ${fig.scrollWidth} px wide in a ${fig.clientWidth} px card`);
      }
      const shown = [...fig.querySelectorAll('svg[class^="plot-"]:not([class*="-ramp"])')]
        .filter((e) => e.getClientRects().length > 0) as SVGSVGElement[];
      if (shown.length !== 1) out.push(`${name}: ${shown.length} charts shown`);
      for (const svg of shown) {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        for (const tick of svg.querySelectorAll('g[aria-label$="tick label"] text')) {
          const px = parseFloat(getComputedStyle(tick).fontSize) * scale;
          if (px < 11) out.push(`${name}: tick "${tick.textContent}" at ${px.toFixed(1)} px`);
        }
      }
      return out;
    }));
  assert.deepEqual(problems, [], `phone ${path}: ${problems.slice(0, 5).join("; ")}`);
}

/**
 * Every table fits its box and no cell's content overflows the cell. On a
 * phone a wide table scrolls inside its box instead (browser_test.ts checks
 * its edge shadow and that no number or word is split).
 */
async function checkTables(page: Page, where: string, phone: boolean): Promise<void> {
  await assertNoClippedColumn(page, where, "", phone);
  if (phone) {
    const found = await page.evaluate(tableLayout);
    assert.deepEqual(found.broken, [], `${where}: text broken inside a number or word`);
    assert.deepEqual(found.noCue, [], `${where}: a scrolling table without its edge shadow`);
    assert.ok(found.scroll <= found.width + 1, `${where}: the page scrolls sideways`);
  }
}

async function assertNoClippedColumn(
  page: Page,
  where: string,
  scope = "",
  scrolls = false,
): Promise<void> {
  const clipped = await page.$$eval(
    `${scope} table`.trim(),
    (tables, scrolls) =>
      tables.flatMap((table, i) => {
        const box = (table.closest(".table-wrap") ?? table.parentElement) as HTMLElement;
        const out: string[] = [];
        if (!scrolls && box.scrollWidth > box.clientWidth + 1) {
          out.push(`table ${i}: ${box.scrollWidth} px in a ${box.clientWidth} px box`);
        }
        for (const cell of table.querySelectorAll("th, td")) {
          const c = cell as HTMLElement;
          if (c.scrollWidth > c.clientWidth + 1) out.push(`table ${i} cell "${c.textContent}"`);
        }
        return out;
      }),
    scrolls,
  );
  assert.deepEqual(clipped, [], `${where}: ${clipped.slice(0, 5).join("; ")}`);
}

/**
 * print.html in print media: every table fits its page's width (portrait A4, or landscape A4
 * for the sections marked "wide"), no cell's content overflows it and no number is split over
 * lines (the "column soup" of a squeezed table).
 */
async function checkPrintLayout(
  newContext: (o: { viewport: { width: number; height: number } }) => Promise<BrowserContext>,
  site: string,
): Promise<void> {
  // A4 (210 × 297 mm) minus 2 × 14 mm margins at 96 dpi: portrait 688 px, landscape 1017 px.
  for (const [orientation, width] of [["portrait", 688], ["landscape", 1017]] as const) {
    const context = await newContext({ viewport: { width, height: 1000 } });
    context.setDefaultTimeout(BROWSER_WAIT_MS);
    const page = await context.newPage();
    await page.emulateMedia({ media: "print" });
    await page.goto(url(site, "print.html"), { waitUntil: "load" });
    // No scrollbar: the page box is the full width, as on paper.
    await page.addStyleTag({ content: "html { scrollbar-width: none; }" });
    const scope = orientation === "portrait" ? "main > :not(section.wide)" : "section.wide";
    const tables = await page.$$eval(`${scope} table`, (ts) => ts.length);
    assert.ok(tables > 0, `${orientation}: tables to check`);
    await assertNoClippedColumn(page, `print.html, ${orientation} A4`, scope);
    const split = await page.$$eval(`${scope} table`, (ts, pageWidth) =>
      ts.flatMap((t, i) => {
        const out: string[] = [];
        const box = t.getBoundingClientRect();
        if (box.right > pageWidth + 1) out.push(`table ${i} ends at ${box.right} px`);
        for (const cell of t.querySelectorAll("td.num")) {
          const range = document.createRange();
          range.selectNodeContents(cell);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push(`table ${i}: "${cell.textContent}" on ${lines.size} lines`);
        }
        return out;
      }), width);
    assert.deepEqual(split, [], `${orientation}: ${split.slice(0, 5).join("; ")}`);
    if (orientation === "portrait") {
      const first = await page.$$eval(
        "main > *",
        (els) => els.slice(0, 3).map((e) => `${e.tagName} ${e.textContent?.slice(0, 40)}`),
      );
      assert.deepEqual(first.slice(0, 2), [`H1 ${EN.site}`, `H2 ${EN.keyFindings}`]);
      await page.screenshot({ path: join(OUTPUT, "print-a4.png") });
    }
    await context.close();
  }
}

/** The PDF's text starts with the title and the key findings; its document title is set. */
async function checkPdf(site: string, firstFinding: string): Promise<void> {
  const pdf = await printPdf(join(site, "print.html"), join(site, "report.pdf"));
  const pdftotext = await new Deno.Command("pdftotext", { args: ["-enc", "UTF-8", pdf, "-"] })
    .output().catch((e) => {
      throw new Error(
        `pdftotext is needed (apt-get install -y poppler-utils): ${(e as Error).message}`,
      );
    });
  assert.ok(pdftotext.success, new TextDecoder().decode(pdftotext.stderr));
  const lines = new TextDecoder().decode(pdftotext.stdout).split("\n").map((l) => l.trim())
    .filter(Boolean);
  assert.equal(lines[0], EN.site, `first line: ${lines[0]}`);
  assert.equal(lines[1], EN.keyFindings, `second line: ${lines[1]}`);
  // Then the sections' findings, before the facts of the run.
  const text = lines.join("\n");
  assert.equal(lines[2], EN.kpis, `the first finding's section: ${lines[2]}`);
  const start = firstFinding.slice(0, 30);
  assert.ok(lines[3].startsWith(start), `"${lines[3]}" starts the first finding "${start}"`);
  assert.ok(text.indexOf(EN.keyFindings) < text.indexOf(EN.facts), "key findings before the facts");
  // No heading ends a page (break-after: avoid): a page's last line is never a heading of print.html.
  const print = await Deno.readTextFile(join(site, "print.html"));
  const headings = new Set(
    [...print.matchAll(/<h[1-4][^>]*>([^<]+)<\/h[1-4]>/g)].map((m) => unescape(m[1]).trim()),
  );
  const pageEnds = new TextDecoder().decode(pdftotext.stdout).split("\f").map((p) =>
    p.split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? ""
  );
  assert.ok(pageEnds.length > 5, `${pageEnds.length} pages`);
  const orphans = pageEnds.filter((l) => headings.has(l));
  assert.deepEqual(orphans, [], `headings at a page end: ${orphans.join(" | ")}`);
  await checkWideTable(pdf, print, pdftotext.stdout);
  const info = await new Deno.Command("pdfinfo", { args: [pdf] }).output();
  const title = /^Title:\s+(.*)$/m.exec(new TextDecoder().decode(info.stdout))?.[1];
  assert.match(title ?? "", new RegExp(`^${EN.site} · \\w{3} \\d+, \\d{4} – \\w{3} \\d+, \\d{4}$`));
}

/**
 * The CLV table, the widest of the sample's report, is marked wide and printed whole on a
 * landscape page (every header in the page's text), while the report opens on portrait pages.
 */
async function checkWideTable(pdf: string, print: string, text: Uint8Array): Promise<void> {
  const wraps = print.split('<div class="table-wrap').slice(1);
  const clv = wraps.find((w) => w.includes(`<th scope="col" class="num">${EN.clv}</th>`));
  assert.ok(clv, "print.html has the CLV table");
  assert.ok(clv.startsWith(" wide"), "the CLV table is marked for a landscape page");
  const headers = [...clv.split("</thead>")[0].matchAll(/<th scope="col"[^>]*>([^<]*)<\/th>/g)]
    .map((m) => unescape(m[1]));
  assert.ok(headers.length >= 8, headers.join(" | "));
  const pages = new TextDecoder().decode(text).split("\f");
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  const index = pages.findIndex((p) => {
    const onPage = new Set(words(p));
    return headers.every((h) => words(h).every((w) => onPage.has(w)));
  });
  assert.ok(index >= 0, `no page has every header of the CLV table: ${headers.join(" | ")}`);
  const size = async (n: number) => {
    const out = await new Deno.Command("pdfinfo", { args: ["-f", `${n}`, "-l", `${n}`, pdf] })
      .output();
    const m = /^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/m.exec(
      new TextDecoder().decode(out.stdout),
    );
    assert.ok(m, `pdfinfo page ${n}`);
    return { width: Number(m[1]), height: Number(m[2]) };
  };
  const wide = await size(index + 1), first = await size(1);
  assert.ok(
    wide.width > wide.height,
    `page ${index + 1} (CLV) is landscape: ${JSON.stringify(wide)}`,
  );
  assert.ok(first.width < first.height, `page 1 is portrait: ${JSON.stringify(first)}`);
}

function unescape(html: string): string {
  return html.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'").replaceAll("&amp;", "&");
}
