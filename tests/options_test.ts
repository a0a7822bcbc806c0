/**
 * Checked options (issue #14, item 3): every public function of every entry in
 * deno.json `exports` (src/mod.ts and the sub-entries) that takes an options object refuses an option name it does not know, with
 * a CxOptionsError naming the function, the option and the closest known
 * name; a grouped Arquero table is read as `by` or refused, never pooled.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { assertEquals, assertThrows } from "./assert.ts";
import * as front from "../src/mod.ts";
import * as danfo from "../src/io/danfo.ts";
import * as engineEntry from "../src/entries/engine.ts";
import * as io from "../src/entries/io.ts";
import * as predict from "../src/entries/predict.ts";
import * as report from "../src/entries/report.ts";
import * as stats from "../src/entries/stats.ts";
import * as text from "../src/entries/text.ts";
import { CxOptionsError, type DuckdbEngine } from "../src/mod.ts";
import { optionNames } from "../src/options.ts";

/** Every entry's exports under one name, so that ROWS reads `cx.<function>` whatever the entry. */
const cx = {
  ...front,
  ...danfo,
  ...engineEntry,
  ...io,
  ...predict,
  ...report,
  ...stats,
  ...text,
};

const T: ColumnTable = aq.table({ x: [1] });
const side = { table: T, value: "x" };
/** Stand-ins for fitted models: customerValue checks its options before it reads them. */
const MODEL = {} as predict.TransactionModel;
const SPEND = {} as predict.SpendModel;
const SAMPLE = new URL("../data/sample/responses.csv", import.meta.url).pathname;

/**
 * One row per public function that takes options: its name, a real option
 * name (the test misspells it by appending "x"), and a call with minimal
 * arguments and the given options. The check runs before anything else, so
 * the other arguments only need the right types.
 */
type Row = [name: string, option: string, call: (o: never) => unknown];
const ROWS: Row[] = [
  // KPIs
  ["nps", "by", (o) => cx.nps(T, o)],
  ["csat", "topBox", (o) => cx.csat(T, o)],
  ["ces", "lowEffort", (o) => cx.ces(T, o)],
  // survey weights: the score KPIs and the analyses on them
  ["nps", "weight", (o) => cx.nps(T, o)],
  ["csat", "weight", (o) => cx.csat(T, o)],
  ["ces", "weight", (o) => cx.ces(T, o)],
  ["npsCompare", "weight", (o) => cx.npsCompare(T, o)],
  ["segment", "weight", (o) => cx.segment(T, o)],
  ["trend", "weight", (o) => cx.trend(T, o)],
  // models
  ["coxPh", "ties", (o) => cx.coxPh(T, o)],
  ["npsCompare", "score", (o) => cx.npsCompare(T, o)],
  ["compareToBenchmark", "benchmark", (o) => cx.compareToBenchmark(T, o)],
  ["firstResponseTime", "businessHours", (o) => cx.firstResponseTime(T, o)],
  ["resolutionTime", "unit", (o) => cx.resolutionTime(T, o)],
  ["firstContactResolution", "minN", (o) => cx.firstContactResolution(T, o)],
  ["churnRate", "from", (o) => cx.churnRate(T, o)],
  ["retentionRate", "period", (o) => cx.retentionRate(T, o)],
  ["referralRate", "timeZone", (o) => cx.referralRate(T, o)],
  ["historicClv", "margin", (o) => cx.historicClv(T, T, o)],
  // the dispatcher's options: taken by each, refused by name when misspelt
  ["churnRate", "dateZone", (o) => cx.churnRate(T, o)],
  ["firstContactResolution", "explain", (o) => cx.firstContactResolution(T, o)],
  ["firstResponseTime", "engine", (o) => cx.firstResponseTime(T, o)],
  ["historicClv", "engine", (o) => cx.historicClv(T, T, o)],
  // analyses
  ["segment", "correction", (o) => cx.segment(T, o)],
  ["trend", "rolling", (o) => cx.trend(T, o)],
  ["rfm", "observedUntil", (o) => cx.rfm(T, o)],
  ["commentThemes", "ngrams", (o) => cx.commentThemes(T, o)],
  ["correlate", "against", (o) => cx.correlate(T, o)],
  ["joinMetrics", "key", (o) => cx.joinMetrics(side, side, o)],
  ["correlateMetrics", "method", (o) => cx.correlateMetrics(side, side, o)],
  ["keyDrivers", "outcome", (o) => cx.keyDrivers(T, o)],
  // customer-base models (cxkit/predict)
  ["customerSummary", "calibrationEnd", (o) => cx.customerSummary(T, o)],
  ["customerSummary", "engine", (o) => cx.customerSummary(T, o)],
  ["bgNbd", "recency", (o) => cx.bgNbd(T, o)],
  ["paretoNbd", "frequency", (o) => cx.paretoNbd(T, o)],
  ["gammaGamma", "monetary", (o) => cx.gammaGamma(T, o)],
  ["customerValue", "discountRate", (o) => cx.customerValue(MODEL, SPEND, T, o)],
  ["importancePerformance", "confidence", (o) => cx.importancePerformance(T, T, o)],
  ["kaplanMeier", "transform", (o) => cx.kaplanMeier(T, o)],
  ["funnel", "windowDays", (o) => cx.funnel(T, o)],
  ["finalizeKaplanMeier", "columns", (o) => cx.finalizeKaplanMeier(T, o)],
  ["survivalCounts", "event", (o) => cx.survivalCounts(T, o)],
  ["logRank", "pairwise", (o) => cx.logRank(T, o)],
  ["cumulativeIncidence", "censored", (o) => cx.cumulativeIncidence(T, o)],
  ["rmst", "tau", (o) => cx.rmst(T, o)],
  ["survivalTimes", "observedUntil", (o) => cx.survivalTimes(T, o)],
  ["survivalAt", "times", (o) => cx.survivalAt(T, o)],
  ["atRisk", "times", (o) => cx.atRisk(T, o)],
  ["atRiskTable", "times", (o) => cx.atRiskTable(T, o)],
  ["cohortRetention", "observedUntil", (o) => cx.cohortRetention(T, o)],
  ["pooledRetention", "includeIncomplete", (o) => cx.pooledRetention(T, o)],
  ["retentionByCohort", "periodIndex", (o) => cx.retentionByCohort(T, o)],
  ["cohortChurn", "churnDate", (o) => cx.cohortChurn(T, o)],
  ["scoreOutcomes", "signupDate", (o) => cx.scoreOutcomes(T, T, o)],
  ["stackTouchpoints", "column", (o) => cx.stackTouchpoints({ tickets: T }, o)],
  ["journeyPaths", "maxLength", (o) => cx.journeyPaths(T, o)],
  ["transitions", "collapseRepeats", (o) => cx.transitions(T, o)],
  ["attribution", "model", (o) => cx.attribution(T, o)],
  ["touchpointOutcomes", "answerDate", (o) => cx.touchpointOutcomes(T, o)],
  ["touchpointOutcomes", "weight", (o) => cx.touchpointOutcomes(T, o)],
  ["touchpointChurn", "split", (o) => cx.touchpointChurn(T, o)],
  ["findPii", "kinds", (o) => cx.findPii(T, o)],
  ["redactPii", "language", (o) => cx.redactPii(T, o)],
  ["commentDrivers", "minCount", (o) => cx.commentDrivers(T, o)],
  ["commentDrivers", "engine", (o) => cx.commentDrivers(T, o)],
  ["sentiment", "language", (o) => cx.sentiment(T, o)],
  ["sentiment", "engine", (o) => cx.sentiment(T, o)],
  ["sentimentScores", "text", (o) => cx.sentimentScores(T, o)],
  // charts
  ["scoreDistributionChart", "score", (o) => cx.scoreDistributionChart(T, o)],
  ["churnChart", "band", (o) => cx.churnChart(T, o)],
  ["themeChart", "top", (o) => cx.themeChart(T, o)],
  ["commentDriverChart", "labels", (o) => cx.commentDriverChart(T, o)],
  ["rfmChart", "subtitle", (o) => cx.rfmChart(T, o)],
  ["ticketVolumeChart", "yLabel", (o) => cx.ticketVolumeChart(T, o)],
  ["kpiCards", "label", (o) => cx.kpiCards(T, o)],
  ["kpiSegmentChart", "low", (o) => cx.kpiSegmentChart(T, o)],
  ["npsMixChart", "title", (o) => cx.npsMixChart(T, o)],
  ["kaplanMeierChart", "censorTicks", (o) => cx.kaplanMeierChart(T, o)],
  ["funnelChart", "measure", (o) => cx.funnelChart(T, o)],
  ["atRiskChart", "xLabel", (o) => cx.atRiskChart(T, { times: [1], ...o as object })],
  ["segmentChart", "locale", (o) => cx.segmentChart(T, o)],
  ["trendChart", "rolling", (o) => cx.trendChart(T, o)],
  ["driverChart", "outcome", (o) => cx.driverChart(T, o)],
  ["quadrantChart", "performanceLabel", (o) => cx.quadrantChart(T, o)],
  ["correlationHeatmap", "method", (o) => cx.correlationHeatmap(T, o)],
  ["retentionCurves", "band", (o) => cx.retentionCurves(T, o)],
  ["retentionHeatmap", "legend", (o) => cx.retentionHeatmap(T, o)],
  ["scoreOutcomeChart", "caption", (o) => cx.scoreOutcomeChart({} as never, o)],
  ["transitionChart", "title", (o) => cx.transitionChart(T, o)],
  ["attributionChart", "value", (o) => cx.attributionChart(T, o)],
  ["calibrationChart", "bins", (o) => cx.calibrationChart(T, MODEL, o)],
  ["aliveMatrixChart", "maxFrequency", (o) => cx.aliveMatrixChart(MODEL, o)],
  ["showTable", "caption", (o) => cx.showTable(T, o)],
  // loaders, writers, schema and time helpers
  ["readCsv", "quotes", (o) => cx.readCsv("x.csv", o)],
  ["readLargeCsv", "parser", (o) => cx.readLargeCsv("x.csv", o)],
  ["readCsvDuckdb", "onProgress", (o) => cx.readCsvDuckdb("x.csv", o)],
  ["toCsv", "decimal", (o) => cx.toCsv(T, o)],
  ["writeCsv", "bom", (o) => cx.writeCsv(T, "x.csv", o)],
  ["readJson", "dateUnit", (o) => cx.readJson([], o)],
  ["readArrow", "mapping", (o) => cx.readArrow(new Uint8Array(), o)],
  ["readParquet", "schema", (o) => cx.readParquet("x.parquet", o)],
  ["writeParquet", "redact", (o) => cx.writeParquet(T, "x.parquet", o)],
  ["validate", "strict", (o) => cx.validate(T, o)],
  ["makeDateParser", "slash", (o) => cx.makeDateParser(o)],
  ["compactTable", "maxDistinctShare", (o) => cx.compactTable(T, o)],
  ["canonicalSchema", "csatScale", (o) => cx.canonicalSchema("responses", o)],
  ["businessDurationFn", "holidays", (o) => cx.businessDurationFn(o)],
  // engines and SQL paths
  ["duckdbEngine", "path", (o) => cx.duckdbEngine(o)],
  ["postgresEngine", "url", (o) => cx.postgresEngine(o)],
  ["clickhouseEngine", "database", (o) => cx.clickhouseEngine(o)],
  ["cohortRetention", "dateZone", (o) => cx.cohortRetention(T, o)],
  ["cohortRetentionQueries", "mode", (o) => cx.cohortRetentionQueries({} as never, {} as never, o)],
  // the survival analyses know the engine options too
  ["kaplanMeier", "explain", (o) => cx.kaplanMeier(T, o)],
  ["logRank", "engine", (o) => cx.logRank(T, o)],
  // with an engine the options are checked at the same door; explainSql checks the KPI's
  ["nps", "score", (o) => withDuckdb((engine) => cx.nps(T, { ...o as object, engine }))],
  [
    "explainSql",
    "method",
    (o) => withDuckdb((engine) => cx.explainSql(cx.nps, SAMPLE, { ...o as object, engine })),
  ],
  [
    "explainSql",
    "weight",
    (o) => withDuckdb((engine) => cx.explainSql(cx.nps, SAMPLE, { ...o as object, engine })),
  ],
  // report
  ["buildSite", "notebooks", (o) => cx.buildSite([], o)],
  ["loadDirectory", "config", (o) => cx.loadDirectory("nowhere", o)],
  ["loadProject", "onProgress", (o) => cx.loadProject("nowhere", o)],
  ["printPdf", "chromium", (o) => cx.printPdf("a.html", "a.pdf", o)],
  ["renderPng", "scale", (o) => cx.renderPng({}, o)],
  ["executeNotebooks", "outDir", (o) => cx.executeNotebooks(o)],
  ["notebookParams", "segment", (o) => cx.notebookParams(o)],
  ["reportTables", "where", (o) => cx.reportTables([], o)],
  // statistics and time
  ["adjustPValues", "correction", (o) => cx.adjustPValues([0.1], o)],
  ["germanHolidays", "state", (o) => cx.germanHolidays(2024, o)],
];

async function withDuckdb<R>(f: (engine: DuckdbEngine) => Promise<R>): Promise<R> {
  const engine = cx.duckdbEngine();
  try {
    return await f(engine);
  } finally {
    await engine.close();
  }
}

/**
 * Exported functions that take no options object (positional arguments,
 * results, specs or plain values only). A function that gains an options
 * object must move to ROWS, or the enumeration test below fails.
 */
const NO_OPTIONS = new Set([
  // statistics and plain values
  "benjaminiHochberg",
  "holm",
  "kendallTau",
  "relativeWeights",
  "shapleyWeights",
  "quintileScores",
  "rfmSegment", // (r, f)
  "npsCategory", // (score)
  "annualizeChurn",
  "monthlyFromAnnualChurn",
  "medianInterval", // (sorted, confidence)
  "parseNumber", // (text, decimal)
  "tokenize",
  "easterSunday",
  "medianSurvival", // (km)
  // the metadata accessor: (result)
  "meta",
  // schemas: responsesSchema takes ResponseScales, checked by canonicalSchema's row
  "responsesSchema",
  "columnSpecs", // (schema)
  // display and charts plumbing: (spec) or (text)
  "display",
  "show",
  "showText", // (markdown)
  "renderSvg",
  "renderHtml",
  "escapeHtml",
  "reportFormat", // (lang, locale, timeZone)
  "jupyterAvailable",
  "findChromium",
  // writers: (table, path)
  "writeJson",
  "writeArrow",
  "writeSite", // (pages, outDir)
  // engine plumbing: specs, identifiers, a hint record keyed by column, a KPI signature
  "compileAggregate",
  "quoteIdent",
  "clickhouseLiteral",
  "survivalCountsSpec",
  "loadColumns", // (table, hints): hints are keyed by the table's column names
  "isSqlEngine",
  "isTableRef",
  "periodStartOfLabel",
  "withEngine", // (spec): the analysis's name, options list and steps, not options
  "refuseEngine", // (name, reason)
  "runsInEngine", // (source, options): reads the call's options, checks none
  "sqlEngineOf", // (source, engine)
  "fileRelation", // (path)
  "engineSupport", // (fn)
  // danfo conversions: (table) or (frame)
  "toDanfo",
  "fromDanfo",
]);

/** The functions of every entry in deno.json `exports`, imported as a user would (by entry). */
async function exportedFunctions(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const names = new Set<string>();
  for (const path of Object.values(config.exports as Record<string, string>)) {
    const entry = await import(new URL(`../${path}`, import.meta.url).href);
    for (const [name, value] of Object.entries(entry)) {
      if (typeof value === "function" && /^[a-z]/.test(name)) names.add(name);
    }
  }
  return [...names];
}

Deno.test("every function with options refuses an unknown one and says what was meant", async () => {
  for (const [name, option, call] of ROWS) {
    const typo = `${option}x`;
    const expected = `${name}: unknown option "${typo}"; did you mean "${option}"?`;
    let error: unknown;
    try {
      await call({ [typo]: 1 } as never);
    } catch (e) {
      error = e;
    }
    if (!(error instanceof CxOptionsError)) {
      throw new Error(`${name} did not refuse option "${typo}" with a CxOptionsError: ${error}`);
    }
    assertEquals(error.message, expected, name);
  }
});

/** The functions that weight survey answers (option `weight`). */
const WEIGHTED = new Set(ROWS.filter(([, option]) => option === "weight").map(([name]) => name));

Deno.test("every other function refuses option weight by name: never accepted and ignored", async () => {
  for (const [name, , call] of ROWS) {
    if (WEIGHTED.has(name)) continue;
    let error: unknown;
    try {
      await call({ weight: "weight" } as never);
    } catch (e) {
      error = e;
    }
    if (!(error instanceof CxOptionsError)) {
      throw new Error(`${name} did not refuse option "weight" with a CxOptionsError: ${error}`);
    }
    assertEquals(
      error.message.startsWith(`${name} cannot be weighted: option "weight" (survey weights)`),
      true,
      `${name}: ${error.message}`,
    );
  }
});

Deno.test("no exported function of any entry escapes the table", async () => {
  const inRows = new Set(
    ROWS.flatMap(([, , call]) => [...call.toString().matchAll(/cx\.(\w+)\b/g)].map((m) => m[1])),
  );
  const functions = await exportedFunctions();
  assertEquals(
    functions.filter((n) => !(n in cx)),
    [],
    "exported by a deno.json entry but missing from this test's cx (import that entry above)",
  );
  const unlisted = functions.filter((n) => !inRows.has(n) && !NO_OPTIONS.has(n));
  assertEquals(unlisted, [], "exported functions neither in ROWS nor in NO_OPTIONS");
  const stale = [...NO_OPTIONS].filter((n) => !functions.includes(n));
  assertEquals(stale, [], "NO_OPTIONS names that no entry exports any more");
});

Deno.test("the brief's example, and a name too far from any option", () => {
  const e = assertThrows(() => cx.nps(T, { byy: "channel" } as never), CxOptionsError);
  assertEquals(e.message, 'nps: unknown option "byy"; did you mean "by"?');
  const far = assertThrows(() => cx.rmst(T, { zzzzzzzz: 1 } as never), CxOptionsError);
  assertEquals(
    far.message,
    'rmst: unknown option "zzzzzzzz"; known options: tau, confidence, reference',
  );
  const positional = assertThrows(() => cx.nps(T, "channel" as never), CxOptionsError);
  assertEquals(
    positional.message,
    'nps: options must be an object such as { by: … }, got "channel"',
  );
});

Deno.test("option lists are typed against their interfaces", () => {
  interface Opts {
    by?: string;
    confidence?: number;
  }
  assertEquals(optionNames<Opts>()(["by", "confidence"]), ["by", "confidence"]);
  // @ts-expect-error: "confidence" is missing from the list
  optionNames<Opts>()(["by"]);
  // @ts-expect-error: "alpha" is not an option of Opts
  optionNames<Opts>()(["by", "confidence", "alpha"]);
});

// Grouped input
const d = (s: string) => new Date(s);
const answers = aq.table({
  channel: ["web", "web", "web", "app", "app", "app"],
  nps_score: [10, 9, 3, 8, 2, 0],
  date: ["2024-01-03", "2024-01-20", "2024-02-02", "2024-01-04", "2024-02-10", "2024-02-11"].map(d),
});

Deno.test("a KPI reads a grouped table as by, and refuses a different by", () => {
  const grouped = cx.nps(answers.groupby("channel"));
  assertEquals(grouped.objects(), cx.nps(answers, { by: "channel" }).objects());
  // web: 2 promoters, 1 detractor of 3 → 33.3; app: 0 promoters, 2 detractors of 3 → −66.7
  assertEquals(grouped.array("channel"), ["app", "web"]);
  assertEquals(Array.from(grouped.array("nps"), (v) => Math.round(Number(v) * 10) / 10), [
    -66.7,
    33.3,
  ]);
  assertEquals(metaBy(grouped), ["channel"]);
  const e = assertThrows(
    () => cx.nps(answers.groupby("channel"), { by: "date" }),
    CxOptionsError,
  );
  assertEquals(
    e.message,
    'nps: the table is grouped by "channel" but option "by" is "date"; ungroup the table (t.ungroup()) or pass the same by',
  );
  // a computed group key is not a column: refused, not guessed
  const month = assertThrows(
    () => cx.nps(answers.groupby({ month: "d => op.month(d.date)" })),
    CxOptionsError,
  );
  assertEquals(
    month.message,
    'nps: the table is grouped by "month", computed keys that are not columns; derive them as columns (t.derive(…)) and pass by',
  );
  // the same by as the groups is fine
  assertEquals(
    cx.nps(answers.groupby("channel"), { by: "channel" }).objects(),
    grouped.objects(),
  );
});

function metaBy(result: ColumnTable): string[] | undefined {
  return cx.meta<"kpi">(result).by;
}

Deno.test("segment and trend read a grouped table as by", () => {
  const segment = cx.segment(
    answers.groupby("channel"),
    { kpi: "nps" } as never,
  ) as unknown as ColumnTable;
  assertEquals(
    segment.objects(),
    (cx.segment(answers, { kpi: "nps", by: "channel" }) as ColumnTable).objects(),
  );
  const trend = cx.trend(answers.groupby("channel"), { kpi: "nps", period: "month" });
  assertEquals(
    (trend as ColumnTable).objects(),
    (cx.trend(answers, { kpi: "nps", period: "month", by: "channel" }) as ColumnTable).objects(),
  );
  assertEquals((trend as ColumnTable).numRows(), 4);
});

Deno.test("kaplanMeier and cohortRetention read a grouped table as by", () => {
  const times = aq.table({ plan: ["a", "a", "b", "b"], time: [1, 3, 2, 4], event: [1, 0, 1, 1] });
  const km = cx.kaplanMeier(times.groupby("plan"));
  assertEquals(km.objects(), cx.kaplanMeier(times, { by: "plan" }).objects());
  // plan a: 1 event of 2 at risk at t=1 → 0.5, censored at 3; plan b: 1 of 2 at t=2 → 0.5, 1 of 1 at 4 → 0
  assertEquals(km.array("plan"), ["a", "a", "b", "b"]);
  assertEquals(Array.from(km.array("survival")), [0.5, 0.5, 0.5, 0]);
  const events = aq.table({
    customer_id: ["c1", "c1", "c2", "c3", "c3"],
    plan: ["a", "a", "a", "b", "b"],
    date: ["2024-01-05", "2024-02-07", "2024-01-09", "2024-01-10", "2024-03-01"].map(d),
  });
  const options = { period: "month", observedUntil: d("2024-03-31") } as const;
  const grouped = cx.cohortRetention(events.groupby("plan"), options);
  assertEquals(grouped.objects(), cx.cohortRetention(events, { ...options, by: "plan" }).objects());
  assertEquals([...new Set(grouped.array("plan"))], ["a", "b"]);
});

Deno.test("a function without by refuses a grouped table", () => {
  const orders = aq.table({ customer_id: ["a"], date: [d("2024-01-01")], revenue: [5] });
  const e = assertThrows(
    () => cx.rfm(orders.groupby("customer_id"), { observedUntil: d("2024-02-01") }),
    CxOptionsError,
  );
  assertEquals(
    e.message,
    'rfm: the table is grouped by "customer_id", and rfm has no by option; ungroup it first (t.ungroup())',
  );
  // survivalTimes takes one table and no by either
  assertThrows(
    () => cx.survivalTimes(orders.groupby("customer_id"), { observedUntil: d("2024-02-01") }),
    CxOptionsError,
  );
});
