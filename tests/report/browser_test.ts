/// <reference lib="dom" />
/**
 * The built site in a real browser: playwright-core drives the system's
 * headless Chromium (never a downloaded one) against the site served from a
 * local `Deno.serve` on 127.0.0.1. Every page loads without console errors
 * or failed requests and has its charts; the XSS payloads in the data stay
 * inert (nothing runs even with the Content-Security-Policy switched off, so
 * escaping alone holds); pages fit a phone's width; dark mode applies; a
 * screenshot of the overview is saved to tests/output/report-index.png.
 *
 * Without Chromium the test is ignored locally and fails on CI (`CI=true`).
 */
import assert from "node:assert/strict";
import { extname, join, normalize } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type ChromiumSession, openChromium } from "../../src/charts/chromium.ts";
import { executeNotebooks, jupyterAvailable } from "../../src/report/notebooks.ts";
import { CHROMIUM_INSTALL_HINT, findChromium } from "../../src/report/pdf.ts";
import { loadProject } from "../../src/report/load_dir.ts";
import { buildSite, type NotebookPage, writeSite } from "../../src/report/site.ts";
import { listFiles, XSS, xssDir } from "./fixtures.ts";
import { BROWSER_WAIT_MS, tableLayout } from "./phone_layout.ts";

const executable = await findChromium();
const onCi = Deno.env.get("CI") === "true";
const skip = !executable && !onCi;
if (skip) console.warn(`Chromium not found: browser test ignored.\n${CHROMIUM_INSTALL_HINT}`);

const OUTPUT = new URL("../output/", import.meta.url).pathname;
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".pdf": "application/pdf",
};

Deno.test({
  name: skip
    ? "report site in Chromium (IGNORED: Chromium not installed, see the warning above)"
    : "report site in Chromium: charts, no errors, inert payloads, phone width, screenshot",
  ignore: skip,
  fn: async () => {
    if (!executable) {
      throw new Error(`CI=true: the browser test must run.\n${CHROMIUM_INSTALL_HINT}`);
    }
    const site = await Deno.makeTempDir({ prefix: "cxkit-site-" });
    const data = await xssDir();
    // The notebook's kernel and Chromium start in their own processes while the data loads.
    const notebookPages = tinyNotebook(site);
    const starting = openChromium(executable);
    starting.catch(() => {}); // awaited below; keep an early failure from going unhandled
    const { files, config } = await loadProject(data);
    const notebooks = await notebookPages;
    await writeSite(
      buildSite(files, {
        dataDir: data,
        csatScale: config.csatScale,
        cesScale: config.cesScale,
        notebooks,
      }),
      site,
    );
    const pages = (await listFiles(site)).filter((p) => p.endsWith(".html"));
    const requested: string[] = [];
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => serve(site, request, requested),
    );
    const base = `http://127.0.0.1:${server.addr.port}/`;
    let session: ChromiumSession | undefined;
    try {
      session = await starting;
      const browser = session.browser;
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      context.setDefaultTimeout(BROWSER_WAIT_MS);
      // Three tabs at a time: the renderers work while the test waits on the protocol.
      for (let i = 0; i < pages.length; i += 3) {
        await Promise.all(pages.slice(i, i + 3).map((path) => checkPage(context, base, path)));
      }
      await screenshot(context, base);
      await context.close();

      // Escaping alone must hold: the same pages with the CSP switched off.
      const open = await browser.newContext({ bypassCSP: true });
      open.setDefaultTimeout(BROWSER_WAIT_MS);
      for (const path of ["kpis.html", "quality.html"]) {
        await checkPage(open, base, path);
      }
      await open.close();

      await checkPhoneAndDark(browser, base, pages);
    } finally {
      await session?.close();
      await server.shutdown();
      await Deno.remove(site, { recursive: true });
      await Deno.remove(data, { recursive: true });
    }
    // Only the site itself was requested: no favicon probes, no payload image loads.
    for (const path of requested) assert.ok(pages.includes(path), `unexpected request /${path}`);
  },
});

/** Opens a page and checks errors, requests, charts, navigation and the payloads. */
async function checkPage(context: BrowserContext, base: string, path: string): Promise<void> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("dialog", async (d) => {
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  const response = await page.goto(base + path, { waitUntil: "load" });
  assert.equal(response?.status(), 200, path);
  const state = await page.evaluate(() => ({
    flag: (globalThis as { __xss?: unknown }).__xss ?? null,
    scripts: document.querySelectorAll("script").length,
    handlers:
      [...document.querySelectorAll("*")].filter((e) =>
        [...e.attributes].some((a) => a.name.toLowerCase().startsWith("on"))
      ).length,
    images: document.querySelectorAll("img").length,
    charts: document.querySelectorAll("figure.chart svg, .output_html svg").length,
    nav: [...document.querySelectorAll("nav a")].map((a) => a.getAttribute("href")),
    text: document.body.innerText,
  }));
  assert.deepEqual(problems, [], `${path}: ${problems.join("; ")}`);
  assert.equal(state.flag, null, `${path}: a payload ran`);
  assert.equal(state.scripts, 0, `${path}: a <script> element exists`);
  assert.equal(state.handlers, 0, `${path}: an element has an on… handler attribute`);
  assert.equal(state.images, 0, `${path}: an <img> element exists`);
  // value.html: the sample's orders cannot identify BG/NBD, the page says why (tests/report/site_test.ts).
  const chartless = path === "index.html" || path.endsWith("/index.html") || path === "value.html";
  if (!chartless) assert.ok(state.charts > 0, `${path}: no SVG chart`);
  assert.ok(state.nav.length >= 9, `${path}: navigation has ${state.nav.length} links`);
  if (path === "kpis.html") {
    // The payloads are shown as text, not dropped.
    assert.ok(state.text.includes(XSS.script), "the <script> comment is shown as text");
    assert.ok(state.text.includes(XSS.img), "the <img onerror> comment is shown as text");
    // A one-answer channel (the payload label) is suppressed below minGroupSize (5).
    assert.ok(state.text.includes("fewer than 5 answers"), "a one-answer channel is suppressed");
  }
  if (path === "quality.html") assert.ok(state.text.includes(XSS.file), "payload file name shown");
  await page.close();
}

/** Full-page screenshot of the overview into tests/output/. */
async function screenshot(context: BrowserContext, base: string): Promise<void> {
  await Deno.mkdir(OUTPUT, { recursive: true });
  const page = await context.newPage();
  await page.goto(base + "index.html", { waitUntil: "load" });
  await page.screenshot({ path: join(OUTPUT, "report-index.png"), fullPage: true });
  await page.close();
  const png = await Deno.readFile(join(OUTPUT, "report-index.png"));
  assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]); // "PNG"
}

/**
 * At 390 px nothing makes the page scroll sideways (wide tables and charts
 * scroll inside their box); dark mode darkens the page. Checked on the
 * widest pages (the cohort heatmap, the reject tables) and the notebooks.
 */
async function checkPhoneAndDark(browser: Browser, base: string, pages: string[]): Promise<void> {
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    colorScheme: "dark",
  });
  phone.setDefaultTimeout(BROWSER_WAIT_MS);
  const page: Page = await phone.newPage();
  const sample = pages.filter((p) =>
    ["index.html", "kpis.html", "cohorts.html", "quality.html"].includes(p) ||
    p.startsWith("notebooks/")
  );
  for (const path of sample) {
    await page.goto(base + path, { waitUntil: "load" });
    const { scroll, width, background } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: globalThis.innerWidth,
      background: getComputedStyle(document.body).backgroundColor,
    }));
    assert.ok(scroll <= width + 1, `${path}: ${scroll} px wide on a ${width} px phone`);
    assert.equal(background, "rgb(20, 20, 20)", `${path}: dark mode background`);
  }
  let tables = 0;
  for (const path of pages.filter((p) => !p.startsWith("notebooks/"))) {
    await page.goto(base + path, { waitUntil: "load" });
    const found = await page.evaluate(tableLayout);
    tables += found.tables;
    assert.ok(found.scroll <= found.width + 1, `${path}: ${found.scroll} px on a phone`);
    assert.deepEqual(found.broken, [], `${path}: text broken inside a number or word`);
    assert.deepEqual(found.noCue, [], `${path}: a scrolling table without its edge shadow`);
  }
  assert.ok(tables > 20, `tables checked at 390 px: ${tables}`);
  const heatmap = await cellLabelOverlaps(page, base + "cohorts.html");
  assert.ok(heatmap.charts >= 1, "the cohort heatmap has a phone variant");
  assert.deepEqual(heatmap.overlaps, [], "phone heatmap: cell labels overlap");
  await page.screenshot({ path: join(OUTPUT, "report-phone-dark.png") });
  await phone.close();
}

/**
 * Pairs of heatmap cell labels whose boxes overlap in the phone variants of
 * the page's charts (labels left out count as none).
 */
async function cellLabelOverlaps(page: Page, url: string) {
  await page.goto(url, { waitUntil: "load" });
  return await page.evaluate(() => {
    const charts = [...document.querySelectorAll(".chart-phone")].filter((c) =>
      c.querySelector('g[aria-label="cell"]')
    );
    const overlaps: string[] = [];
    for (const chart of charts) {
      const boxes = [...chart.querySelectorAll("g.cx-cell-label text")].map((t) => ({
        text: t.textContent,
        box: t.getBoundingClientRect(),
      }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i].box, boxes[j].box];
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top ||
            b.bottom <= a.top;
          if (!apart) overlaps.push(`${boxes[i].text} / ${boxes[j].text}`);
        }
      }
    }
    return { charts: charts.length, overlaps };
  });
}

/** A static file server for the site; records the paths asked for. */
async function serve(root: string, request: Request, log: string[]): Promise<Response> {
  const path = decodeURIComponent(new URL(request.url).pathname).replace(/^\/+/, "") ||
    "index.html";
  log.push(path);
  const file = normalize(join(root, path));
  if (!file.startsWith(root)) return new Response("forbidden", { status: 403 });
  try {
    const body = await Deno.readFile(file);
    return new Response(body, {
      headers: { "content-type": TYPES[extname(file)] ?? "application/octet-stream" },
    });
  } catch {
    return new Response("not found", { status: 404 });
  }
}

/**
 * A one-cell notebook executed with Jupyter (when it is installed), so the
 * notebook pages are checked in the browser too. It lives under tests/output
 * so the kernel finds the project's deno.json.
 */
async function tinyNotebook(site: string): Promise<NotebookPage[]> {
  if (!(await jupyterAvailable())) return [];
  await Deno.mkdir(OUTPUT, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: OUTPUT, prefix: "notebook-" });
  try {
    const mod = new URL("../../src/mod.ts", import.meta.url).href;
    const cells = [
      "# Tiny notebook\n\nParameters and one chart.",
      `import * as aq from "arquero";\nimport { notebookParams, scoreDistributionChart, show } from "${mod}";\n` +
      `const params = notebookParams();\n` +
      // Printed before the awaited display: the Deno 2.9.6 kernel can publish a cell's last
      // stdout after "idle", where nbconvert no longer collects it.
      `console.log(JSON.stringify(params));\n` +
      `await show(scoreDistributionChart(aq.table({ nps_score: [9, 10, 3] }), { title: "Tiny" }));`,
    ];
    await Deno.writeTextFile(join(dir, "tiny.ipynb"), JSON.stringify(notebookJson(cells)));
    const done = await executeNotebooks({
      dir,
      outDir: join(site, "notebooks"),
      params: { segment: "region", data: "data/sample", period: "quarter" },
    });
    // The parameters reached the kernel (the cell printed them).
    const printed = done[0].body.replaceAll("&#34;", '"').replaceAll("&quot;", '"');
    assert.ok(printed.includes(`"segment":"region"`), "CXKIT_SEGMENT reached the notebook");
    assert.ok(printed.includes(`"period":"quarter"`), "CXKIT_PERIOD reached the notebook");
    assert.ok(printed.includes(`"data":"${Deno.cwd()}/data/sample"`), "CXKIT_DATA is absolute");
    return done.map((n) => ({ path: `notebooks/tiny.html`, title: n.title, body: n.body }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function notebookJson(cells: string[]) {
  return {
    cells: cells.map((source, i) =>
      i === 0 ? { cell_type: "markdown", id: `c${i}`, metadata: {}, source: [source] } : {
        cell_type: "code",
        id: `c${i}`,
        metadata: {},
        execution_count: null,
        outputs: [],
        source: [source],
      }
    ),
    metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
