/**
 * Survey weights in the SQL engines (issue #19, item 2): DuckDB, PostgreSQL
 * and a two-shard ClickHouse cluster give the weighted NPS, CSAT and CES of
 * the statsmodels `DescrStatsW` reference (tests/fixtures/weights) to 1e-9,
 * the same tables as in memory (npsCompare, segment and trend too), and
 * refuse bad weights and groups of total weight 0 as memory does.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import {
  ces,
  csat,
  CxDataError,
  duckdbEngine,
  explainSql,
  meta,
  nps,
  npsCompare,
  segment,
  type SqlEngine,
  trend,
} from "../../src/mod.ts";
import {
  checkNps,
  checkRows,
  SCALE_FIELDS,
  WEIGHTED,
  weightedAnswers,
} from "../metrics/weights_fixture.ts";
import { assertSameResult } from "./assert_same.ts";
import { clickhouseTest, postgresTest } from "./servers.ts";

const answers = await weightedAnswers();

async function checkEngine(engine: SqlEngine): Promise<void> {
  const e = { engine };
  checkNps(await nps(answers, e), WEIGHTED.nps.channel);
  checkNps(await nps(answers, { ...e, by: "channel" }), WEIGHTED.nps.channel, "channel");
  checkNps(await nps(answers, { ...e, period: "month" }), WEIGHTED.nps.month, "period");
  checkRows(
    await csat(answers, { ...e, by: "channel" }),
    WEIGHTED.csat,
    "channel",
    SCALE_FIELDS.csat,
  );
  checkRows(await ces(answers, { ...e, by: "channel" }), WEIGHTED.ces, "channel", SCALE_FIELDS.ces);
  checkRows(
    await ces(answers, { ...e, period: "month" }),
    WEIGHTED.ces_month,
    "period",
    SCALE_FIELDS.ces,
  );
  const weighted = await nps(answers, { ...e, by: "channel" });
  assert.equal(meta<"kpi">(weighted).notes.weight, "weight");
  assert.equal(meta<"kpi">(weighted).engine, engine.name);
  // The same tables as in memory, weighted and not.
  const same = async (what: string, run: (o: object) => unknown) =>
    assertSameResult(
      await (run(e) as Promise<aq.ColumnTable>),
      run({}) as aq.ColumnTable,
      `${engine.name} ${what}`,
    );
  await same(
    "npsCompare",
    (o) => npsCompare(answers, { ...o, by: "channel", a: "phone", b: "chat" }),
  );
  await same("segment", (o) => segment(answers, { ...o, kpi: "csat", by: "channel" }));
  await same("trend", (o) => trend(answers, { ...o, kpi: "nps", period: "month", rolling: 2 }));
  await same("unweighted", (o) => nps(answers, { ...o, by: "channel", weight: null }));
  // Refused as in memory: a negative weight, a missing one, a group of total weight 0.
  for (const bad of [-1, null]) {
    const t = aq.table({ nps_score: [9, 3, null], weight: [1, bad, bad] });
    const error = await nps(t, e).then(() => null, (x) => x);
    assert.ok(error instanceof CxDataError, `${engine.name}: ${error}`);
    assert.match(
      error.message,
      /1 answer has a missing, negative or non-finite weight in column "weight"/,
    );
  }
  const zero = aq.table({ channel: ["a", "b"], csat: [4, 5], weight: [1, 0] });
  const error = await Promise.resolve(csat(zero, { ...e, by: "channel" })).then(
    () => null,
    (x: unknown) => x,
  );
  assert.ok(error instanceof CxDataError && /total weight 0/.test(error.message), String(error));
}

Deno.test("weights: DuckDB equals the reference and memory", async () => {
  const engine = duckdbEngine();
  try {
    await checkEngine(engine);
    const csv = new URL("../fixtures/weights/answers.csv", import.meta.url).pathname;
    checkNps(await nps(csv, { engine, by: "channel" }), WEIGHTED.nps.channel, "channel");
    const sql = (await explainSql(nps, csv, { engine })).sql;
    assert.ok(sql.includes('"weight"'), sql);
    // A hostile weight column name only fills identifier slots.
    const hostile = `w"; DROP TABLE t; --`;
    const renamed = answers.rename({ weight: hostile });
    const byName = await nps(renamed, { engine, by: "channel", weight: hostile });
    checkNps(byName, WEIGHTED.nps.channel, "channel");
  } finally {
    await engine.close();
  }
});

postgresTest("weights: PostgreSQL equals the reference and memory", checkEngine);

clickhouseTest(
  "weights: two-shard ClickHouse equals the reference and memory",
  checkEngine,
  answers,
);
