import { meta } from "../../src/meta.ts";
import assert from "node:assert/strict";
import * as aq from "arquero";
import { ces, csat, CxDataError, CxOptionsError, nps, readCsv } from "../../src/mod.ts";
import { duckdbEngine, explainSql } from "../../src/mod.ts";

const SAMPLE = new URL("../../data/sample/responses.csv", import.meta.url).pathname;
const { table: sample } = await readCsv(SAMPLE, { schema: "responses" });

Deno.test("DuckDB: nps/csat/ces by segment × period equal the in-memory KPIs (table, CSV, Parquet)", async () => {
  const engine = duckdbEngine();
  const dir = await Deno.makeTempDir();
  try {
    const parquet = `${dir}/responses.parquet`;
    const conn = await engine.connection();
    await conn.run(`COPY (SELECT * FROM read_csv('${SAMPLE}')) TO '${parquet}' (FORMAT parquet)`);
    for (const [period, timeZone] of [["month", "Europe/Berlin"], ["week", "UTC"]] as const) {
      const o = { by: ["channel", "region"], period, timeZone };
      const expected = nps(sample, o).objects();
      assert.deepEqual((await nps(sample, { ...o, engine })).objects(), expected);
      assert.deepEqual((await nps(SAMPLE, { ...o, engine })).objects(), expected);
      assert.deepEqual((await nps(parquet, { ...o, engine })).objects(), expected);
      assert.deepEqual(
        (await csat(parquet, { ...o, engine })).objects(),
        csat(sample, o).objects(),
      );
      assert.deepEqual(
        (await ces(sample, { ...o, engine, scale: 7 })).objects(),
        ces(sample, o).objects(),
      );
    }
  } finally {
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DuckDB: server-table reference, explain and metadata", async () => {
  const engine = duckdbEngine();
  try {
    const conn = await engine.connection();
    await conn.run(
      `CREATE TABLE answers AS SELECT * FROM (VALUES ('chat', 10), ('chat', 3), ('web', 9)) t(channel, nps_score)`,
    );
    const r = await nps({ engine, table: "answers" }, { by: "channel", explain: true });
    assert.deepEqual(r.array("n"), [2, 1]);
    const info = meta<"kpi">(r)!;
    assert.equal(info.engine, "duckdb :memory:");
    assert.equal(info.queries?.length, 1);
    assert.ok(info.queries![0].sql.includes('FROM "answers"'));
    // the engine and the SQL are in meta(result) itself, not in its notes
    assert.ok(!("engine" in info.notes) && !("sql" in info.notes) && !("params" in info.notes));
    const q = await explainSql(nps, { engine, table: "answers" }, { by: "channel" });
    assert.ok(q.sql.includes("FILTER (WHERE") && q.params.includes(9));
  } finally {
    await engine.close();
  }
});

Deno.test("DuckDB: impossible scores and non-date periods raise cxkit errors", async () => {
  const engine = duckdbEngine();
  try {
    const bad = aq.table({ nps_score: [3, 11, 7.5] });
    await assert.rejects(() => nps(bad, { engine }), (e) => {
      assert.ok(e instanceof CxDataError && e.message.includes("nps_score"));
      return true;
    });
    const text = aq.table({ date: ["2024-01-01"], nps_score: [3] });
    await assert.rejects(() => nps(text, { engine, period: "month" }), CxOptionsError);
    await assert.rejects(() => nps(aq.table({ x: [1] }), { engine }), CxOptionsError);
  } finally {
    await engine.close();
  }
});
