/**
 * The result contract (README "Result columns"): every exported `*_COLUMNS`
 * follows the glossary, and every analysis returns exactly its `*_COLUMNS`
 * after its group keys on the sample data. Results without a constant
 * (tests, comparisons, survival summaries) are checked by the same rules.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { assertEquals } from "./assert.ts";
import * as front from "../src/mod.ts";
import * as text from "../src/entries/text.ts";
import * as predict from "../src/entries/predict.ts";
import { sample } from "./metrics/fixtures.ts";
import { sampleEvents } from "./fixtures/segments/read.ts";
import { coxPh } from "../src/predict/cox.ts";

/** Names the glossary replaced, with the name to use instead. */
const RETIRED: Record<string, string> = {
  ci_low: "<estimate>_low",
  ci_high: "<estimate>_high",
  p_holm: "p_adjusted (the correction is in the metadata)",
  z: "statistic",
  chi_square: "statistic",
  chisq: "statistic",
  t: "statistic",
  se: "std_err",
  incomplete: "complete",
  significant_shift: "significant",
  alpha: "confidence",
};

/** Every way a column list breaks the glossary, as readable sentences (empty: it follows it). */
export function contractProblems(columns: readonly string[]): string[] {
  const problems: string[] = [];
  const has = new Set(columns);
  columns.forEach((c, i) => {
    if (!/^[a-z][a-z0-9_]*$/.test(c)) problems.push(`${c}: not snake_case`);
    if (c in RETIRED) problems.push(`${c}: use ${RETIRED[c]}`);
    if (c.startsWith("ci_")) problems.push(`${c}: name the estimate, <estimate>_low/_high`);
    if (c.endsWith("_se")) problems.push(`${c}: standard errors are std_err (<estimate>_std_err)`);
    if (/^(in|un|not_)complete/.test(c)) problems.push(`${c}: flags say "complete" (positive)`);
    const low = c.match(/^(.+)_low$/);
    if (low) {
      if (columns[i + 1] !== `${low[1]}_high`) {
        problems.push(`${c}: must be followed by ${low[1]}_high`);
      }
      if (!has.has(low[1])) problems.push(`${c}: no estimate column ${low[1]}`);
    }
    const high = c.match(/^(.+)_high$/);
    if (high && columns[i - 1] !== `${high[1]}_low`) {
      problems.push(`${c}: must follow ${high[1]}_low`);
    }
  });
  const needs = (c: string, other: string) => {
    if (has.has(c) && !has.has(other)) problems.push(`${c} needs ${other}`);
  };
  needs("significant", "p_adjusted"); // significant = p_adjusted < 1 − confidence
  needs("p_adjusted", "p_value");
  needs("df", "statistic");
  return problems;
}

Deno.test("contract rules: each retired name and broken pair is caught", () => {
  assertEquals(contractProblems(["nps", "nps_low", "nps_high", "n", "small_sample"]), []);
  assertEquals(contractProblems(["churn_rate", "churn_low", "churn_high"]), [
    "churn_low: no estimate column churn",
  ]);
  // ci_low: retired, ci_ prefix, no estimate "ci"; ci_high: retired, ci_ prefix.
  assertEquals(contractProblems(["x", "ci_low", "ci_high"]).length, 5);
  assertEquals(contractProblems(["statistic", "p_value", "p_holm"]), [
    "p_holm: use p_adjusted (the correction is in the metadata)",
  ]);
  assertEquals(contractProblems(["z", "p_value", "significant"]), [
    "z: use statistic",
    "significant needs p_adjusted",
  ]);
  assertEquals(contractProblems(["incomplete"]), [
    "incomplete: use complete",
    'incomplete: flags say "complete" (positive)',
  ]);
  assertEquals(contractProblems(["rate", "rate_high", "rate_low"]), [
    "rate_high: must follow rate_low",
    "rate_low: must be followed by rate_high",
  ]);
  assertEquals(contractProblems(["df", "Bad"]), ["Bad: not snake_case", "df needs statistic"]);
  assertEquals(contractProblems(["rmst", "rmst_se"]), [
    "rmst_se: standard errors are std_err (<estimate>_std_err)",
  ]);
});

/** The front door and the sub-entries whose results follow the glossary. */
const cx = { ...front, ...text };

const COLUMN_CONSTANTS = Object.entries(cx).filter(([name]) => name.endsWith("_COLUMNS")) as [
  string,
  readonly string[],
][];

Deno.test("every exported *_COLUMNS follows the glossary", () => {
  assertEquals(COLUMN_CONSTANTS.length >= 20, true, "the constants are found");
  for (const [name, columns] of COLUMN_CONSTANTS) {
    assertEquals(contractProblems(columns), [], name);
  }
});

interface Inputs {
  responses: ColumnTable;
  tickets: ColumnTable;
  customers: ColumnTable;
  events: ColumnTable;
  times: ColumnTable;
}

async function inputs(): Promise<Inputs> {
  const { table: customers } = await cx.readCsv(
    new URL("../data/sample/customers.csv", import.meta.url),
    { schema: "customers" },
  );
  const observedUntil = new Date("2025-12-31T00:00:00Z");
  return {
    responses: await sample("responses"),
    tickets: await sample("tickets"),
    customers,
    events: await sampleEvents(),
    times: cx.survivalTimes(customers, { observedUntil: observedUntil }),
  };
}

/** One run per constant: the result, its group keys (before) and the columns every KPI appends (after). */
type Run = { result: ColumnTable; keys: string[]; columns: readonly string[]; after: string[] };
const run = (
  result: ColumnTable,
  keys: string[],
  columns: readonly string[],
  after: string[] = [],
): Run => ({ result, keys, columns, after });

const KPI_AFTER = ["small_sample"];
const PERIOD_AFTER = ["small_sample", "time_zone"];
const PERIOD_KEYS = ["period", "period_start"];
const COHORT_AFTER = ["complete", "window", "time_zone"];
const DRIVERS = ["rating_wait_time", "rating_friendliness", "rating_competence"];

/** How each constant's analysis runs on the sample; a new constant must be added here. */
const RUNS: Record<string, (i: Inputs) => Run> = {
  NPS_COLUMNS: ({ responses }) =>
    run(cx.nps(responses, { by: "channel" }), ["channel"], cx.NPS_COLUMNS, KPI_AFTER),
  CSAT_COLUMNS: ({ responses }) => run(cx.csat(responses), [], cx.CSAT_COLUMNS, KPI_AFTER),
  CES_COLUMNS: ({ responses }) =>
    run(cx.ces(responses, { period: "quarter" }), PERIOD_KEYS, cx.CES_COLUMNS, PERIOD_AFTER),
  FRT_COLUMNS: ({ tickets }) =>
    run(cx.firstResponseTime(tickets, { by: "channel" }), ["channel"], cx.FRT_COLUMNS, KPI_AFTER),
  RESOLUTION_COLUMNS: ({ tickets }) =>
    run(cx.resolutionTime(tickets), [], cx.RESOLUTION_COLUMNS, KPI_AFTER),
  FCR_COLUMNS: ({ tickets }) =>
    run(cx.firstContactResolution(tickets), [], cx.FCR_COLUMNS, KPI_AFTER),
  // The counts are the first columns of churn and retention: retention's own ones follow.
  CUSTOMER_COUNT_COLUMNS: ({ customers }) =>
    run(cx.retentionRate(customers), PERIOD_KEYS, cx.CUSTOMER_COUNT_COLUMNS, [
      ...["retention", "retention_low", "retention_high", "n", "complete"],
      ...PERIOD_AFTER,
    ]),
  CHURN_COLUMNS: ({ customers }) =>
    run(
      cx.churnRate(customers, { by: "plan" }),
      ["plan", ...PERIOD_KEYS],
      cx.CHURN_COLUMNS,
      PERIOD_AFTER,
    ),
  RETENTION_COLUMNS: ({ customers }) =>
    run(cx.retentionRate(customers), PERIOD_KEYS, cx.RETENTION_COLUMNS, PERIOD_AFTER),
  REFERRAL_COLUMNS: ({ customers }) =>
    run(
      cx.referralRate(customers, { period: "quarter" }),
      PERIOD_KEYS,
      cx.REFERRAL_COLUMNS,
      PERIOD_AFTER,
    ),
  CLV_COLUMNS: ({ events, customers }) =>
    run(cx.historicClv(events, customers, { by: "plan" }), ["plan"], cx.CLV_COLUMNS, KPI_AFTER),
  KAPLAN_MEIER_COLUMNS: ({ times }) =>
    run(cx.kaplanMeier(times, { by: "plan" }), ["plan"], cx.KAPLAN_MEIER_COLUMNS),
  CUMULATIVE_INCIDENCE_COLUMNS: ({ times }) =>
    run(
      cx.cumulativeIncidence(times, { status: "churn_reason", censored: null }),
      [],
      cx.CUMULATIVE_INCIDENCE_COLUMNS,
    ),
  SEGMENT_COLUMNS: ({ responses }) =>
    run(cx.segment(responses, { kpi: "nps", by: "channel" }), ["channel"], [
      ...cx.NPS_COLUMNS,
      ...cx.SEGMENT_COLUMNS,
    ], KPI_AFTER),
  TREND_COLUMNS: ({ responses }) =>
    run(cx.trend(responses, { kpi: "csat", period: "month", rolling: 3 }), PERIOD_KEYS, [
      ...cx.CSAT_COLUMNS,
      ...cx.TREND_COLUMNS,
    ], PERIOD_AFTER),
  RFM_COLUMNS: ({ events }) =>
    run(
      cx.rfm(events, { observedUntil: new Date("2025-12-31T00:00:00Z") }),
      ["customer_id"],
      cx.RFM_COLUMNS,
    ),
  THEME_COLUMNS: ({ responses }) =>
    run(cx.commentThemes(responses, { by: "channel" }), ["channel"], cx.THEME_COLUMNS),
  COMMENT_DRIVER_COLUMNS: ({ responses }) =>
    run(cx.commentDrivers(responses), [], cx.COMMENT_DRIVER_COLUMNS),
  SENTIMENT_COLUMNS: ({ responses }) =>
    run(
      cx.sentiment(responses, { by: "channel", period: "quarter" }),
      ["channel", ...PERIOD_KEYS],
      cx.SENTIMENT_COLUMNS,
      PERIOD_AFTER,
    ),
  SENTIMENT_SCORE_COLUMNS: ({ responses }) =>
    run(
      cx.sentimentScores(responses),
      responses.columnNames(),
      cx.SENTIMENT_SCORE_COLUMNS,
    ),
  CORRELATION_COLUMNS: ({ responses }) =>
    run(
      cx.correlate(responses, { columns: ["nps_score", "csat", "ces"] }),
      [],
      cx.CORRELATION_COLUMNS,
    ),
  KEY_DRIVER_COLUMNS: ({ responses }) =>
    run(
      cx.keyDrivers(responses, { outcome: "nps_score", drivers: DRIVERS }),
      [],
      cx.KEY_DRIVER_COLUMNS,
    ),
  IMPORTANCE_PERFORMANCE_COLUMNS: ({ responses }) =>
    run(
      cx.importancePerformance(
        responses,
        cx.keyDrivers(responses, { outcome: "nps_score", drivers: DRIVERS, bootstrap: false }),
      ),
      [],
      cx.IMPORTANCE_PERFORMANCE_COLUMNS,
    ),
  COHORT_RETENTION_COLUMNS: ({ events }) =>
    run(cx.cohortRetention(events), [], cx.COHORT_RETENTION_COLUMNS, COHORT_AFTER),
  REVENUE_RETENTION_COLUMNS: ({ events }) =>
    run(cx.cohortRetention(events, { revenue: "revenue" }), [], [
      ...cx.COHORT_RETENTION_COLUMNS,
      ...cx.REVENUE_RETENTION_COLUMNS,
    ], COHORT_AFTER),
  POOLED_RETENTION_COLUMNS: ({ events }) =>
    run(
      cx.pooledRetention(cx.cohortRetention(events)),
      [],
      cx.POOLED_RETENTION_COLUMNS,
      COHORT_AFTER,
    ),
  COHORT_CHURN_COLUMNS: ({ customers }) =>
    run(cx.cohortChurn(customers), [], cx.COHORT_CHURN_COLUMNS),
  PATH_COLUMNS: ({ events }) =>
    run(
      cx.journeyPaths(events, { step: "type", conversion: "order", collapseRepeats: true }),
      [],
      cx.PATH_COLUMNS,
    ),
  TRANSITION_COLUMNS: ({ events }) =>
    run(cx.transitions(events, { step: "type" }), [], cx.TRANSITION_COLUMNS),
  ATTRIBUTION_COLUMNS: ({ events }) =>
    run(
      cx.attribution(events, { channel: "type", conversion: "order", resamples: 20 }),
      [],
      cx.ATTRIBUTION_COLUMNS,
    ),
  FUNNEL_COLUMNS: () =>
    run(
      cx.funnel(journeyEvents(), {
        steps: ["visit", "signup", "trial"],
        windowDays: 7,
        by: "segment",
      }),
      ["segment"],
      cx.FUNNEL_COLUMNS,
      ["statistic", "df", "p_value", "p_adjusted", "significant"],
    ),
};

/** The seeded journey events of tests/fixtures/journey (customer_id, date, step, segment). */
function journeyEvents(): ColumnTable {
  const url = new URL("./fixtures/journey/funnel_events.csv", import.meta.url);
  const rows = Deno.readTextFileSync(url).trim().split("\n").slice(1).map((l) => l.split(","));
  return aq.table({
    customer_id: rows.map((r) => r[0]),
    date: rows.map((r) => new Date(r[1])),
    step: rows.map((r) => r[2]),
    segment: rows.map((r) => r[3]),
  });
}

Deno.test("every analysis returns its *_COLUMNS after its group keys (sample data)", async () => {
  const data = await inputs();
  assertEquals(
    COLUMN_CONSTANTS.map(([name]) => name).filter((name) => !(name in RUNS)),
    [],
    "constants without a run in RUNS",
  );
  for (const [name, make] of Object.entries(RUNS)) {
    const { result, keys, columns, after } = make(data);
    assertEquals(result.numRows() > 0, true, `${name}: the sample gives rows`);
    assertEquals(result.columnNames(), [...keys, ...columns, ...after], name);
  }
});

/** The sample's orders as a customer summary (calibration and holdout). */
const orderSummary = (events: ColumnTable) =>
  predict.customerSummary(events.filter((d: { revenue: number | null }) => d.revenue !== null), {
    calibrationEnd: new Date("2025-06-30T00:00:00Z"),
  });

const PREDICT_RESULTS = new Set([
  "customerSummary",
  "paretoNbd predict",
  "gammaGamma expectedSpend",
  "customerValue",
]);

/** The CDNOW customer summary (tests/fixtures/predict), with cxkit's column names. */
const cdnow = () =>
  aq.fromCSV(
    Deno.readTextFileSync(
      new URL("fixtures/predict/cdnow_customers_summary_with_transactions.csv", import.meta.url),
    ),
  ).rename({ ID: "customer_id", x: "frequency", t_x: "recency", zbar: "monetary" });

/** Results that have no constant of their own: their columns follow the same rules. */
const OTHER_RESULTS: Record<string, (i: Inputs) => ColumnTable> = {
  npsCompare: ({ responses }) => cx.npsCompare(responses, { by: "channel", a: "phone", b: "chat" }),
  compareToBenchmark: ({ responses }) =>
    cx.compareToBenchmark(cx.nps(responses), { benchmark: 30 }),
  logRank: ({ times }) => cx.logRank(times, { by: "plan" }),
  "logRank pairwise": ({ times }) => cx.logRank(times, { by: "plan", pairwise: true }),
  "coxPh coefficients": ({ times }) => coxPh(times, { covariates: ["plan"] }).coefficients,
  "coxPh tests": ({ times }) => coxPh(times, { covariates: ["plan"] }).tests,
  "coxPh survival": ({ times }) =>
    coxPh(times, { covariates: ["plan"] }).survival(aq.table({ plan: ["monthly"] }), {
      times: [30],
    }),
  "coxPh proportionalHazards": ({ times }) =>
    coxPh(times, { covariates: ["plan"] }).proportionalHazards(),
  medianSurvival: ({ times }) => cx.medianSurvival(cx.kaplanMeier(times, { by: "plan" })),
  survivalAt: ({ times }) => cx.survivalAt(cx.kaplanMeier(times), { times: [30, 365] }),
  atRisk: ({ times }) => cx.atRisk(cx.kaplanMeier(times), { times: [30, 365] }),
  rmst: ({ times }) => cx.rmst(cx.kaplanMeier(times, { by: "plan" }), { tau: 365 }),
  retentionByCohort: ({ events }) =>
    cx.retentionByCohort(cx.cohortRetention(events), { periodIndex: 1 }),
  touchpointOutcomes: ({ tickets, responses }) =>
    cx.touchpointOutcomes(cx.stackTouchpoints({ tickets }), { responses }),
  touchpointChurn: ({ tickets, customers }) =>
    cx.touchpointChurn(cx.stackTouchpoints({ tickets }), {
      customers,
      observedUntil: new Date("2025-12-31T00:00:00Z"),
      split: "first-channel",
    }),
  customerSummary: ({ events }) => orderSummary(events),
  // The models on the CDNOW summary (the sample's orders show no dropout for BG/NBD to fit).
  "bgNbd table": () => predict.bgNbd(cdnow()).table(),
  "paretoNbd predict": () => predict.paretoNbd(cdnow()).predict(cdnow(), { horizon: 26 }),
  "gammaGamma expectedSpend": () => predict.gammaGamma(cdnow()).expectedSpend(cdnow()),
  customerValue: () =>
    predict.customerValue(predict.bgNbd(cdnow()), predict.gammaGamma(cdnow()), cdnow(), {
      horizon: 26,
      resamples: 20,
    }),
  correlateMetrics: ({ responses }) =>
    cx.correlateMetrics(
      { table: cx.nps(responses, { by: "channel" }), value: "nps" },
      { table: cx.csat(responses, { by: "channel" }), value: "csat" },
      { key: "channel" },
    ),
};

Deno.test("results without a constant follow the glossary too (sample data)", async () => {
  const data = await inputs();
  for (const [name, make] of Object.entries(OTHER_RESULTS)) {
    const result = make(data);
    // `T` (customer age) is the one name issue #16 spells in capitals, after the BTYD literature.
    const columns = result.columnNames().filter((c) => !(PREDICT_RESULTS.has(name) && c === "T"));
    assertEquals(contractProblems(columns), [], name);
  }
  const outcomes = cx.scoreOutcomes(data.responses, data.customers, {
    observedUntil: new Date("2025-12-31T00:00:00Z"),
  });
  for (const [part, table] of Object.entries(outcomes)) {
    if (table && typeof (table as ColumnTable).columnNames === "function") {
      assertEquals(
        contractProblems((table as ColumnTable).columnNames()),
        [],
        `scoreOutcomes.${part}`,
      );
    }
  }
});
