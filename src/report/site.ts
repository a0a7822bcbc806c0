/**
 * The report as a static site: an overview page, one page per section, a
 * page with every section for printing, and the executed notebooks, all
 * sharing one navigation. Pages are self-contained (inline CSS and SVG, no
 * scripts, fonts or network), every user string is HTML-escaped, and the same
 * input gives the same bytes apart from the generated-at line of the
 * overview.
 *
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import { escapeHtml } from "../charts/display.ts";
import { CxError, CxOptionsError } from "../errors.ts";
import { checkPeriod, type Period } from "../time/period.ts";
import { CES_DEFAULTS, type CesScale, CSAT_DEFAULTS, type CsatScale } from "../schema/scales.ts";
import {
  columnLabel,
  type ReportFilters,
  type ReportTables,
  reportTables,
  type Section,
  type SectionContext,
} from "./context.ts";
import { type Lang, reportFormat } from "./format.ts";
import { hasWideTable, heading, type NavItem, para, renderPage } from "./html.ts";
import { type Labels, reportLabels } from "./i18n.ts";
import { cohortSection } from "./cohort_section.ts";
import { driverSection } from "./driver_section.ts";
import { kpiSection } from "./kpi_section.ts";
import { journeySection } from "./journey_section.ts";
import type { LoadedFile } from "./load_dir.ts";
import { qualitySection } from "./quality_section.ts";
import { coveredRange, frontPage } from "./front.ts";
import { segmentSection } from "./segment_section.ts";
import { serviceSection } from "./service_section.ts";
import { trendSection } from "./trend_section.ts";
import { textSection } from "./text_section.ts";
import { valueSection } from "./value_section.ts";
import { checkOptions, optionNames } from "../options.ts";
import { applyPrivacy, type PrivacyConfig, redactPage } from "./privacy.ts";
import { startPage, weightNote } from "./weights.ts";

/** An executed notebook as a page of the site. */
export interface NotebookPage {
  /** Path inside the site, e.g. `notebooks/01-kpi-overview.html`. */
  path: string;
  /** Title (the notebook's first heading). */
  title: string;
  /** The rendered notebook (nbconvert's basic template); omit to only link a page already written. */
  body?: string;
}

/** Options of {@link buildSite}. */
export interface SiteOptions {
  /** The data directory, named on the overview. */
  dataDir: string;
  /** Language of headings, labels and sentences (default `"en"`). */
  lang?: Lang;
  /** Locale of numbers and dates (default `en-US` for `en`, `de-DE` for `de`). */
  locale?: string;
  /** IANA time zone for periods, day filters and dates (default `"UTC"`). */
  timeZone?: string;
  /** When the report was made (default now); the only text that changes between builds. */
  generatedAt?: Date;
  /** Row filters: date range and column = value. */
  filters?: ReportFilters;
  /** Period of time series (default `"month"`). */
  period?: Period;
  /** Column results are broken down by (default `"channel"`). */
  segment?: string;
  /** Confidence level of intervals (default 0.95). */
  confidence?: number;
  /** Groups with fewer observations are flagged as small samples (default 30). */
  minN?: number;
  /** Fewest complete answers the drivers page is fitted on (default 50); below, it says why not. */
  driverMinN?: number;
  /** CSAT scale (default 5). */
  csatScale?: CsatScale;
  /** CES scale (default 7). */
  cesScale?: CesScale;
  /** Most reject rows listed per file (default 20; the reason summary always counts all). */
  rejectRows?: number;
  /** Executed notebooks to add to the site and its navigation. */
  notebooks?: NotebookPage[];
  /** Notebook parameters, shown on the notebooks page. */
  notebookParams?: Record<string, string>;
  /**
   * What to keep out of the pages (`cxkit.json` → `privacy`): columns to
   * drop, hash, redact or keep, and `minGroupSize` (default 5). Personal
   * data is kept out by default; see `src/report/privacy.ts`.
   */
  privacy?: PrivacyConfig;
  /** Called with a line of progress after each section. */
  onProgress?: (message: string) => void;
  /**
   * File name of the PDF of the print version, written beside the pages
   * (e.g. `"report.pdf"` with `--pdf`): linked from the navigation and the
   * overview. Default: no PDF, no link.
   */
  pdf?: string;
  /**
   * Display names of columns (`cxkit.json` → `labels`), e.g.
   * `{ channel: "Kanal", nps_score: "Weiterempfehlung" }`: used in titles
   * ("NPS nach Kanal"), table headers, the overview and the drivers page.
   */
  columnLabels?: Record<string, string>;
}

/** The names of {@link SiteOptions}. */
export const SITE_OPTIONS = optionNames<SiteOptions>()([
  "dataDir",
  "lang",
  "locale",
  "timeZone",
  "generatedAt",
  "filters",
  "period",
  "segment",
  "confidence",
  "minN",
  "driverMinN",
  "csatScale",
  "cesScale",
  "rejectRows",
  "notebooks",
  "notebookParams",
  "privacy",
  "onProgress",
  "pdf",
  "columnLabels",
]);

/** One file of the site: its path relative to the site root and its content. */
export interface SitePage {
  /** Path relative to the site root (`index.html`, `notebooks/index.html`). */
  path: string;
  /** The HTML. */
  html: string;
}

type SectionBuilder = (ctx: SectionContext) => Section;

/** The analysis sections in navigation order; data quality comes last. */
const SECTIONS: SectionBuilder[] = [
  kpiSection,
  serviceSection,
  cohortSection,
  segmentSection,
  trendSection,
  textSection,
  driverSection,
  journeySection,
  valueSection,
];

/**
 * Builds every page of the site from loaded files: `index.html` (overview
 * with key findings, dates covered and filters), one page per section,
 * `print.html` (all sections, for printing and PDF) and, when notebooks are
 * given, `notebooks/index.html` and the notebook pages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "../io/csv.ts";
 * import { buildSite } from "./site.ts";
 * const result = await readCsv("response_id,date,nps_score\nr1,2024-01-05,9\nr2,2024-01-06,12\n", {
 *   schema: "responses",
 * });
 * const pages = buildSite([{ file: "responses.csv", schema: "responses", result }], { dataDir: "demo" });
 * const quality = pages.find((p) => p.path === "quality.html")!;
 * assert.ok(quality.html.includes("1 of 2 rows rejected"));
 * assert.ok(pages.some((p) => p.path === "index.html" && p.html.includes('href="kpis.html"')));
 * ```
 */
export function buildSite(files: LoadedFile[], options: SiteOptions): SitePage[] {
  checkOptions("buildSite", options, SITE_OPTIONS);
  const ctx = siteContext(files, options);
  const { labels: t, format: f } = ctx;
  const { sections, weights } = buildSections(ctx, options);
  sections.push(qualitySection(ctx, options.rejectRows ?? 20));
  const notebooks = options.notebooks ?? [];
  const nav: NavItem[] = [
    { href: "index.html", label: t.overview },
    ...sections.map((s) => ({ href: `${s.id}.html`, label: s.title })),
    ...(notebooks.length ? [{ href: "notebooks/index.html", label: t.notebooks }] : []),
    { href: "print.html", label: t.printAll },
    ...(options.pdf ? [{ href: options.pdf, label: t.pdfLink }] : []),
  ];
  const page = (path: string, title: string, body: string, footer?: string): SitePage => ({
    path,
    html: redactPage(
      renderPage({
        lang: f.lang,
        title: title.startsWith(t.site) ? title : `${title} · ${t.site}`,
        site: t.site,
        nav,
        navLabel: t.nav,
        path,
        body,
        footer,
      }),
      f.lang,
    ),
  });
  const generated = (options.generatedAt ?? new Date()).toISOString();
  startPage(ctx);
  const front = frontPage(ctx, {
    dataDir: options.dataDir,
    sections,
    print: false,
    pdf: options.pdf,
  });
  // The overview shows the tiles and repeats the sections' findings: weighted when either is.
  const frontWeights = weightNote(ctx) || weights;
  const withWeights = (html: string) => frontWeights ? `${html}\n${frontWeights}` : html;
  const pages: SitePage[] = [
    page(
      "index.html",
      t.overview,
      withWeights(front),
      `<p class="generated">${escapeHtml(t.generated(generated))}</p>`,
    ),
    ...sections.map((s) => page(`${s.id}.html`, s.title, sectionBody(s, 1))),
    page(
      "print.html",
      [t.site, coveredRange(ctx)].filter(Boolean).join(" · "),
      `${withWeights(frontPage(ctx, { dataDir: options.dataDir, sections, print: true }))}\n` +
        sections.map((s) =>
          // A section with a table too wide for portrait prints on landscape pages.
          `<section class="page${hasWideTable(s.body) ? " wide" : ""}" id="${s.id}">${
            sectionBody(s, 1)
          }</section>`
        ).join("\n"),
    ),
  ];
  if (notebooks.length) {
    pages.push(...notebookPages(notebooks, options.notebookParams ?? {}, t, page));
  }
  return pages;
}

/**
 * The analysis sections, each with the weight sentence first when it shows
 * KPIs weighted by survey weights (returned too, for the overview; `""`
 * when none does), and a progress line each: done, skipped or failed.
 */
function buildSections(
  ctx: SectionContext,
  options: SiteOptions,
): { sections: Section[]; weights: string } {
  const t = ctx.labels;
  const sections: Section[] = [];
  let any = "";
  for (const build of SECTIONS) {
    startPage(ctx);
    const { section, failed } = safely(build, ctx);
    const weights = failed || section.skipped ? "" : weightNote(ctx);
    if (weights) section.body = `${weights}\n${section.body}`;
    any ||= weights;
    sections.push(section);
    const status = failed
      ? t.sectionFailedLine(section.title, failed)
      : section.skipped
      ? t.sectionSkipped(section.title, section.skipped)
      : t.sectionDone(section.title);
    options.onProgress?.(status);
  }
  return { sections, weights: any };
}

/** The notebooks' index (their list and parameters) and a page per executed notebook. */
function notebookPages(
  notebooks: NotebookPage[],
  notebookParams: Record<string, string>,
  t: Labels,
  page: (path: string, title: string, body: string) => SitePage,
): SitePage[] {
  const list = `<ul class="cards">${
    notebooks.map((n) =>
      `<li><a href="${escapeHtml(n.path.replace(/^notebooks\//, ""))}">${
        escapeHtml(n.title)
      }</a></li>`
    ).join("")
  }</ul>`;
  const params = Object.entries(notebookParams);
  const pages = [page(
    "notebooks/index.html",
    t.notebooks,
    `<h1>${escapeHtml(t.notebooks)}</h1>\n${para(t.notebooksLead, "lead")}\n${list}` +
      (params.length
        ? `\n${heading(2, t.parameters)}\n<dl class="facts">${
          params.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd><code>${escapeHtml(v)}</code></dd>`)
            .join("")
        }</dl>`
        : ""),
  )];
  for (const n of notebooks) {
    if (n.body !== undefined) {
      pages.push(page(n.path, n.title, `<article class="notebook">\n${n.body}\n</article>`));
    }
  }
  return pages;
}

/**
 * Writes the pages under `outDir` (folders created as needed) and returns the
 * paths written. A page path that is absolute or contains `..` is a
 * `CxOptionsError`: nothing is written outside `outDir`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeSite } from "./site.ts";
 * const dir = await Deno.makeTempDir();
 * const written = await writeSite([{ path: "a/b.html", html: "<p>x</p>" }], dir);
 * assert.equal(await Deno.readTextFile(written[0]), "<p>x</p>");
 * ```
 */
export async function writeSite(pages: SitePage[], outDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const { path, html } of pages) {
    // Page paths are relative and stay inside the site folder, whatever built them.
    if (isAbsolute(path) || path.split(/[\\/]/).includes("..")) {
      throw new CxOptionsError(
        `writeSite: page path ${
          JSON.stringify(path)
        } leaves the site folder; use a relative path such as "notebooks/a.html"`,
      );
    }
    const target = join(outDir, path);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeTextFile(target, html);
    written.push(target);
  }
  return written;
}

/**
 * The context sections are built from: files pooled and filtered, formatter
 * and labels. Also handy to build one section from tables in a test or
 * example (`sectionContext({ responses })`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { sectionContext } from "./site.ts";
 * const ctx = sectionContext({ responses: aq.table({ nps_score: [9] }) }, { lang: "de" });
 * assert.ok(ctx.format.num(1.5) === "1,5" && ctx.segment === "channel");
 * ```
 */
export function sectionContext(
  tables: ReportTables,
  options: Omit<SiteOptions, "dataDir"> & { files?: LoadedFile[] } = {},
): SectionContext {
  const {
    lang = "en",
    timeZone = "UTC",
    period = "month",
    segment = "channel",
    confidence = 0.95,
    minN = 30,
    driverMinN = 50,
    csatScale = CSAT_DEFAULTS.scale,
    cesScale = CES_DEFAULTS.scale,
    filters = {},
  } = options;
  checkPeriod(period);
  if (!(confidence > 0 && confidence < 1)) {
    throw new CxOptionsError(`Option "confidence" must be between 0 and 1, got ${confidence}`);
  }
  return {
    tables,
    files: options.files ?? [],
    format: reportFormat(lang, options.locale, timeZone),
    labels: withColumnLabels(reportLabels(lang), options.columnLabels),
    columnLabels: options.columnLabels,
    segment,
    period,
    timeZone,
    confidence,
    minN,
    driverMinN,
    csatScale,
    cesScale,
    filters,
    privacy: {
      minGroupSize: options.privacy?.minGroupSize ?? 5,
      columns: [],
      unknown: [],
      suppressed: {},
    },
  };
}

function siteContext(files: LoadedFile[], options: SiteOptions): SectionContext & {
  notFiltered: Record<string, string[]>;
} {
  const pooled = reportTables(files, {
    ...options.filters,
    timeZone: options.timeZone ?? "UTC",
  });
  // Personal data leaves here, once, before any section sees a table.
  const { tables, files: shown, log } = applyPrivacy(pooled.tables, files, {
    config: options.privacy,
    lang: options.lang ?? "en",
  });
  const ctx = sectionContext(tables, { ...options, files: shown });
  return { ...ctx, privacy: log, notFiltered: pooled.notFiltered };
}

/**
 * Runs a section builder; an analysis that rejects the data (a `CxError`:
 * impossible values, a missing column) becomes a section saying so instead
 * of stopping the whole report.
 */
function safely(build: SectionBuilder, ctx: SectionContext): { section: Section; failed?: string } {
  try {
    return { section: build(ctx) };
  } catch (e) {
    if (!(e instanceof CxError)) throw e;
    const probe = { ...ctx, tables: {} };
    const { id, title } = build(probe);
    const section = {
      id,
      title,
      findings: [ctx.labels.sectionFailed(e.message)],
      body: `<p class="error">${escapeHtml(ctx.labels.sectionFailed(e.message))}</p>`,
    };
    return { section, failed: e.message };
  }
}

/** A section page: title, findings (if the section states none, says so), body. */
function sectionBody(section: Section, level: 1 | 2): string {
  return `<h${level}>${escapeHtml(section.title)}</h${level}>\n${section.body}`;
}

/** The report's words with every "… by <column>" naming the column by its label. */
function withColumnLabels(t: Labels, columnLabels: Record<string, string> = {}): Labels {
  if (!Object.keys(columnLabels).length) return t;
  const ctx = { columnLabels };
  return { ...t, byGroup: (what, group) => t.byGroup(what, columnLabel(ctx, group)) };
}
