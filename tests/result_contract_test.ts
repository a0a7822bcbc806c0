/**
 * The result contract (README "Result columns"): every exported `*_COLUMNS`
 * follows the glossary, and every analysis returns exactly its `*_COLUMNS`
 * after its group keys on the sample data. Results without a constant
 * (tests, comparisons, survival summaries) are checked by the same rules.
 */
import "@uwdata/flechette";
import type { ColumnTable } from "arquero";
import { assertEquals } from "./assert.ts";
import * as cx from "../src/mod.ts";
import { sample } from "./metrics/fixtures.ts";
import { sampleEvents } from "./fixtures/segments/read.ts";

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
});

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
type Run = { result: ColumnTable; keys: string[]; columns: readonly string[]; after?: string[] };

const KPI_AFTER = ["small_sample"];
const PERIOD_AFTER = ["small_sample", "time_zone"];
const PERIOD_KEYS = ["period", "period_start"];
const COHORT_AFTER = ["complete", "window", "time_zone"];
const DRIVERS = ["rating_wait_time", "rating_friendliness", "rating_competence"];

/** How each constant's analysis runs on the sample; a new constant must be added here. */
const RUNS: Record<string, (i: Inputs) => Run | Run[]> = {
  NPS_COLUMNS: ({ responses }) => ({
    result: cx.nps(responses, { by: "channel" }),
    keys: ["channel"],
    columns: cx.NPS_COLUMNS,
    after: KPI_AFTER,
  }),
  CSAT_COLUMNS: ({ responses }) => ({
    result: cx.csat(responses),
    keys: [],
    columns: cx.CSAT_COLUMNS,
    after: KPI_AFTER,
  }),
  CES_COLUMNS: ({ responses }) => ({
    result: cx.ces(responses, { period: "quarter" }),
    keys: PERIOD_KEYS,
    columns: cx.CES_COLUMNS,
    after: PERIOD_AFTER,
  }),
  FRT_COLUMNS: ({ tickets }) => ({
    result: cx.firstResponseTime(tickets, { by: "channel" }),
    keys: ["channel"],
    columns: cx.FRT_COLUMNS,
    after: KPI_AFTER,
  }),
  RESOLUTION_COLUMNS: ({ tickets }) => ({
    result: cx.resolutionTime(tickets),
    keys: [],
    columns: cx.RESOLUTION_COLUMNS,
    after: KPI_AFTER,
  }),
  FCR_COLUMNS: ({ tickets }) => ({
    result: cx.firstContactResolution(tickets),
    keys: [],
    columns: cx.FCR_COLUMNS,
    after: KPI_AFTER,
  }),
  CUSTOMER_COUNT_COLUMNS: ({ customers }) => ({
    // The counts are the first columns of churn and retention.
    result: cx.churnRate(customers).select(...PERIOD_KEYS, ...cx.CUSTOMER_COUNT_COLUMNS),
    keys: PERIOD_KEYS,
    columns: cx.CUSTOMER_COUNT_COLUMNS,
  }),
  CHURN_COLUMNS: ({ customers }) => ({
    result: cx.churnRate(customers, { by: "plan" }),
    keys: ["plan", ...PERIOD_KEYS],
    columns: cx.CHURN_COLUMNS,
    after: PERIOD_AFTER,
  }),
  RETENTION_COLUMNS: ({ customers }) => ({
    result: cx.retentionRate(customers),
    keys: PERIOD_KEYS,
    columns: cx.RETENTION_COLUMNS,
    after: PERIOD_AFTER,
  }),
  REFERRAL_COLUMNS: ({ customers }) => ({
    result: cx.referralRate(customers, { period: "quarter" }),
    keys: PERIOD_KEYS,
    columns: cx.REFERRAL_COLUMNS,
    after: PERIOD_AFTER,
  }),
  CLV_COLUMNS: ({ events, customers }) => ({
    result: cx.historicClv(events, customers, { by: "plan" }),
    keys: ["plan"],
    columns: cx.CLV_COLUMNS,
    after: KPI_AFTER,
  }),
  KAPLAN_MEIER_COLUMNS: ({ times }) => ({
    result: cx.kaplanMeier(times, { by: "plan" }),
    keys: ["plan"],
    columns: cx.KAPLAN_MEIER_COLUMNS,
  }),
  CUMULATIVE_INCIDENCE_COLUMNS: ({ times }) => ({
    result: cx.cumulativeIncidence(times, { status: "churn_reason", censored: null }),
    keys: [],
    columns: cx.CUMULATIVE_INCIDENCE_COLUMNS,
  }),
  SEGMENT_COLUMNS: ({ responses }) => ({
    result: cx.segment(responses, { kpi: "nps", by: "channel" }),
    keys: ["channel"],
    columns: [...cx.NPS_COLUMNS, ...cx.SEGMENT_COLUMNS],
    after: KPI_AFTER,
  }),
  TREND_COLUMNS: ({ responses }) => ({
    result: cx.trend(responses, { kpi: "csat", period: "month", rolling: 3 }),
    keys: PERIOD_KEYS,
    columns: [...cx.CSAT_COLUMNS, ...cx.TREND_COLUMNS],
    after: PERIOD_AFTER,
  }),
  RFM_COLUMNS: ({ events }) => ({
    result: cx.rfm(events, { observedUntil: new Date("2025-12-31T00:00:00Z") }),
    keys: ["customer_id"],
    columns: cx.RFM_COLUMNS,
  }),
  THEME_COLUMNS: ({ responses }) => ({
    result: cx.commentThemes(responses, { by: "channel" }),
    keys: ["channel"],
    columns: cx.THEME_COLUMNS,
  }),
  CORRELATION_COLUMNS: ({ responses }) => ({
    result: cx.correlate(responses, { columns: ["nps_score", "csat", "ces"] }),
    keys: [],
    columns: cx.CORRELATION_COLUMNS,
  }),
  KEY_DRIVER_COLUMNS: ({ responses }) => ({
    result: cx.keyDrivers(responses, { outcome: "nps_score", drivers: DRIVERS }),
    keys: [],
    columns: cx.KEY_DRIVER_COLUMNS,
  }),
  IMPORTANCE_PERFORMANCE_COLUMNS: ({ responses }) => ({
    result: cx.importancePerformance(
      responses,
      cx.keyDrivers(responses, { outcome: "nps_score", drivers: DRIVERS, bootstrap: false }),
    ),
    keys: [],
    columns: cx.IMPORTANCE_PERFORMANCE_COLUMNS,
  }),
  COHORT_RETENTION_COLUMNS: ({ events }) => ({
    result: cx.cohortRetention(events),
    keys: [],
    columns: cx.COHORT_RETENTION_COLUMNS,
    after: COHORT_AFTER,
  }),
  REVENUE_RETENTION_COLUMNS: ({ events }) => ({
    result: cx.cohortRetention(events, { revenue: "revenue" }),
    keys: [],
    columns: [...cx.COHORT_RETENTION_COLUMNS, ...cx.REVENUE_RETENTION_COLUMNS],
    after: COHORT_AFTER,
  }),
  POOLED_RETENTION_COLUMNS: ({ events }) => ({
    result: cx.pooledRetention(cx.cohortRetention(events)),
    keys: [],
    columns: cx.POOLED_RETENTION_COLUMNS,
    after: COHORT_AFTER,
  }),
  COHORT_CHURN_COLUMNS: ({ customers }) => ({
    result: cx.cohortChurn(customers),
    keys: [],
    columns: cx.COHORT_CHURN_COLUMNS,
  }),
};

Deno.test("every analysis returns its *_COLUMNS after its group keys (sample data)", async () => {
  const data = await inputs();
  assertEquals(
    COLUMN_CONSTANTS.map(([name]) => name).filter((name) => !(name in RUNS)),
    [],
    "constants without a run in RUNS",
  );
  for (const [name, run] of Object.entries(RUNS)) {
    for (const { result, keys, columns, after = [] } of [run(data)].flat()) {
      assertEquals(result.numRows() > 0, true, `${name}: the sample gives rows`);
      assertEquals(result.columnNames(), [...keys, ...columns, ...after], name);
    }
  }
});

/** Results that have no constant of their own: their columns follow the same rules. */
const OTHER_RESULTS: Record<string, (i: Inputs) => ColumnTable> = {
  npsCompare: ({ responses }) => cx.npsCompare(responses, { by: "channel", a: "phone", b: "chat" }),
  compareToBenchmark: ({ responses }) =>
    cx.compareToBenchmark(cx.nps(responses), { benchmark: 30 }),
  logRank: ({ times }) => cx.logRank(times, { by: "plan" }),
  "logRank pairwise": ({ times }) => cx.logRank(times, { by: "plan", pairwise: true }),
  medianSurvival: ({ times }) => cx.medianSurvival(cx.kaplanMeier(times, { by: "plan" })),
  survivalAt: ({ times }) => cx.survivalAt(cx.kaplanMeier(times), { times: [30, 365] }),
  atRisk: ({ times }) => cx.atRisk(cx.kaplanMeier(times), { times: [30, 365] }),
  rmst: ({ times }) => cx.rmst(cx.kaplanMeier(times, { by: "plan" }), { tau: 365 }),
  retentionByCohort: ({ events }) =>
    cx.retentionByCohort(cx.cohortRetention(events), { periodIndex: 1 }),
  correlateMetrics: ({ responses }) =>
    cx.correlateMetrics(
      { table: cx.nps(responses, { by: "channel" }), value: "nps" },
      { table: cx.csat(responses, { by: "channel" }), value: "csat" },
      { key: "channel" },
    ),
};

Deno.test("results without a constant follow the glossary too (sample data)", async () => {
  const data = await inputs();
  for (const [name, run] of Object.entries(OTHER_RESULTS)) {
    const result = run(data);
    assertEquals(contractProblems(result.columnNames()), [], name);
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
