/**
 * The one dispatcher (issue #14, item 1), table-driven over the public API:
 * every analysis that reads raw rows is made by `withEngine`, takes
 * `engine`, and on DuckDB either resolves to the same table as in memory
 * (with `engine` and, with `explain`, its SQL in `meta(result)`) or refuses
 * in the one wording. PostgreSQL and the 2-shard ClickHouse cluster are
 * compared in each family's parity test (tests/engine/*engines*_test.ts).
 */
import type { ColumnTable } from "arquero";
import { assertEquals, assertMatch, assertRejects } from "../assert.ts";
import * as front from "../../src/mod.ts";
import * as engineEntry from "../../src/entries/engine.ts";
import * as textEntry from "../../src/entries/text.ts";
import * as predictEntry from "../../src/entries/predict.ts";
import { CxOptionsError, type DuckdbEngine } from "../../src/mod.ts";
import { engineSupport } from "../../src/engine/dispatch.ts";
import { sample } from "../metrics/fixtures.ts";
import { sampleEvents } from "../fixtures/segments/read.ts";
import { assertSameResult } from "./assert_same.ts";

const cx = { ...front, ...engineEntry, ...textEntry, ...predictEntry };

interface Inputs {
  responses: ColumnTable;
  tickets: ColumnTable;
  customers: ColumnTable;
  events: ColumnTable;
  times: ColumnTable;
  touchpoints: ColumnTable;
}

const OBSERVED_UNTIL = new Date("2025-12-31T00:00:00Z");

async function inputs(): Promise<Inputs> {
  const { table: customers } = await cx.readCsv(
    new URL("../../data/sample/customers.csv", import.meta.url),
    { schema: "customers" },
  );
  return {
    responses: await sample("responses"),
    tickets: await sample("tickets"),
    customers,
    events: await sampleEvents(),
    times: cx.survivalTimes(customers, { observedUntil: OBSERVED_UNTIL }),
    touchpoints: (await cx.readCsv(
      new URL("../../data/sample/touchpoints.csv", import.meta.url),
      { schema: "events" },
    )).table,
  };
}

type Engine = { engine?: DuckdbEngine; explain?: boolean };
type Call = (i: Inputs, e: Engine) => ColumnTable | Promise<ColumnTable>;
const DRIVERS = ["rating_wait_time", "rating_friendliness", "rating_competence"];

/** One call per engine analysis, on the sample data, with the engine options spread in. */
const CALLS: Record<string, Call> = {
  nps: ({ responses }, e) => cx.nps(responses, { by: "channel", ...e }),
  csat: ({ responses }, e) => cx.csat(responses, { period: "quarter", ...e }),
  ces: ({ responses }, e) => cx.ces(responses, { by: "channel", ...e }),
  firstContactResolution: ({ tickets }, e) =>
    cx.firstContactResolution(tickets, { by: "channel", ...e }),
  firstResponseTime: ({ tickets }, e) => cx.firstResponseTime(tickets, e as never),
  resolutionTime: ({ tickets }, e) => cx.resolutionTime(tickets, e as never),
  churnRate: ({ customers }, e) => cx.churnRate(customers, { by: "plan", ...e }),
  retentionRate: ({ customers }, e) => cx.retentionRate(customers, e as never),
  referralRate: ({ customers }, e) => cx.referralRate(customers, { period: "quarter", ...e }),
  segment: ({ responses }, e) => cx.segment(responses, { kpi: "nps", by: "channel", ...e }),
  trend: ({ responses }, e) => cx.trend(responses, { kpi: "csat", period: "month", ...e }),
  rfm: ({ events }, e) => cx.rfm(events, { observedUntil: OBSERVED_UNTIL, ...e }),
  commentThemes: ({ responses }, e) => cx.commentThemes(responses, e as never),
  correlate: ({ responses }, e) =>
    cx.correlate(responses, { columns: ["nps_score", "csat", "ces"], ...e }),
  keyDrivers: ({ responses }, e) =>
    cx.keyDrivers(responses, { outcome: "nps_score", drivers: DRIVERS, bootstrap: false, ...e }),
  kaplanMeier: ({ times }, e) => cx.kaplanMeier(times, { by: "plan", ...e }),
  logRank: ({ times }, e) => cx.logRank(times, { by: "plan", ...e }),
  survivalCounts: ({ times }, e) => cx.survivalCounts(times, { by: "plan", ...e }),
  cumulativeIncidence: ({ times }, e) =>
    cx.cumulativeIncidence(times, { status: "churn_reason", censored: null, ...e }),
  cohortRetention: ({ events }, e) => cx.cohortRetention(events, { period: "month", ...e }),
  cohortChurn: ({ customers }, e) => cx.cohortChurn(customers, e as never),
  pooledRetention: ({ events }, e) => cx.pooledRetention(events, { period: "month", ...e }),
  retentionByCohort: ({ events }, e) =>
    cx.retentionByCohort(events, { period: "month", periodIndex: 1, ...e }),
  npsCompare: ({ responses }, e) =>
    cx.npsCompare(responses, { by: "channel", a: "phone", b: "chat", ...e }),
  survivalTimes: ({ customers }, e) =>
    cx.survivalTimes(customers, { observedUntil: OBSERVED_UNTIL, ...e }),
  funnel: ({ touchpoints }, e) =>
    cx.funnel(touchpoints, { steps: ["visit", "signup", "purchase"], windowDays: 60, ...e }),
  journeyPaths: ({ touchpoints }, e) => cx.journeyPaths(touchpoints, { step: "step", ...e }),
  transitions: ({ touchpoints }, e) => cx.transitions(touchpoints, { step: "step", ...e }),
  attribution: ({ touchpoints }, e) =>
    cx.attribution(touchpoints, { channel: "channel", resamples: 20, ...e }),
  touchpointOutcomes: ({ touchpoints, responses }, e) =>
    cx.touchpointOutcomes(touchpoints, { responses, ...e }),
  touchpointChurn: ({ touchpoints, customers }, e) =>
    cx.touchpointChurn(touchpoints, { customers, observedUntil: OBSERVED_UNTIL, ...e }),
  commentDrivers: ({ responses }, e) => cx.commentDrivers(responses, e as never),
  sentiment: ({ responses }, e) => cx.sentiment(responses, { by: "channel", ...e }),
  sentimentScores: ({ responses }, e) => cx.sentimentScores(responses, e as never),
  customerSummary: ({ events }, e) =>
    cx.customerSummary(events, { revenue: "revenue", observedUntil: OBSERVED_UNTIL, ...e }),
};

/** Every exported function `withEngine` made, by its public name. */
function engineAnalyses(): Map<string, { name: string; pushdown: boolean }> {
  const found = new Map<string, { name: string; pushdown: boolean }>();
  for (const [name, value] of Object.entries(cx)) {
    const support = engineSupport(value);
    if (support) found.set(name, support);
  }
  return found;
}

/** Public functions that read raw rows: each must take `engine` (push down, or refuse). */
const READS_ROWS = Object.keys(CALLS);

Deno.test("every analysis that reads raw rows is made by the one dispatcher", () => {
  const analyses = engineAnalyses();
  assertEquals(READS_ROWS.filter((name) => !analyses.has(name)), [], "not made by withEngine");
  assertEquals(
    [...analyses.keys()].filter((name) => !(name in CALLS)),
    [],
    "engine analyses without a row in CALLS",
  );
  for (const [name, support] of analyses) assertEquals(support.name, name, "its own name");
});

Deno.test({
  name: "on DuckDB every analysis equals its in-memory result or refuses in one wording",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const data = await inputs();
    const engine = cx.duckdbEngine();
    try {
      const analyses = engineAnalyses();
      const seen = { pushed: [] as string[], refused: [] as string[] };
      for (const [name, call] of Object.entries(CALLS)) {
        const support = analyses.get(name);
        (support?.pushdown ? seen.pushed : seen.refused).push(name);
        if (!support?.pushdown) {
          const e = await assertRejects(async () => await call(data, { engine }), CxOptionsError);
          assertMatch(
            e.message,
            new RegExp(`^${name} cannot run in an SQL engine: .+\\. Pass an Arquero table`),
            name,
          );
          continue;
        }
        const inMemory = await call(data, {});
        const pushed = await call(data, { engine, explain: true });
        assertSameResult(pushed, inMemory, name);
        const m = cx.meta(pushed);
        assertEquals(m.engine, engine.name, `${name}: meta(result).engine`);
        assertEquals((m.queries?.length ?? 0) > 0, true, `${name}: meta(result).queries`);
      }
      console.log(`pushed down: ${seen.pushed.join(", ")}\nrefused: ${seen.refused.join(", ")}`);
      assertEquals(seen.pushed.length >= 15, true, "most analyses push down");
    } finally {
      await engine.close();
    }
  },
});
