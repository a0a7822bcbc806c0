import { meta } from "../../src/meta.ts";
import { CxEngineError } from "../../src/errors.ts";
import assert from "node:assert/strict";
import * as aq from "arquero";
import {
  ces,
  commentThemes,
  csat,
  CxDataError,
  CxOptionsError,
  nps,
  npsCompare,
  readCsv,
  rfm,
  segment,
  trend,
} from "../../src/mod.ts";
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

Deno.test("DuckDB: npsCompare pushes its two NPS aggregates down and equals the in-memory test", async () => {
  const engine = duckdbEngine();
  try {
    const bySegment = { by: "channel", a: "phone", b: "chat" };
    const memory = npsCompare(sample, bySegment);
    const r = await npsCompare(sample, { ...bySegment, engine, explain: true });
    assert.deepEqual(r.objects(), memory.objects());
    assert.equal(meta(r).engine, engine.name);
    assert.equal(meta(r).queries?.length, 1);
    assert.deepEqual(meta<"kpi">(r)?.notes, meta<"kpi">(memory)?.notes);
    const byPeriod = { period: "month" as const, a: "2025-03", b: "2025-02" };
    assert.deepEqual(
      (await npsCompare(SAMPLE, { ...byPeriod, engine })).objects(),
      npsCompare(sample, byPeriod).objects(),
    );
    // a hand-worked case: phone 1 promoter, 1 detractor of 2 (NPS 0); chat 2 promoters of 2 (100)
    const t = aq.table({ channel: ["chat", "chat", "phone", "phone"], nps_score: [10, 9, 3, 9] });
    const hand = await npsCompare(t, { by: "channel", a: "phone", b: "chat", engine });
    assert.equal(hand.get("difference", 0), -100);
    // Var(phone) = (.5 + .5 − 0²)/2 = .5, Var(chat) = 0: se = 100·√.5
    assert.ok(Math.abs(hand.get("std_err", 0) - 100 * Math.sqrt(0.5)) < 1e-12);
    await assert.rejects(
      () => npsCompare(t, { by: "channel", a: "web", b: "chat", engine }),
      /no answers for channel = "web"/,
    );
  } finally {
    await engine.close();
  }
});

Deno.test("DuckDB: rfm and commentThemes take engine and refuse it in the one wording", async () => {
  const engine = duckdbEngine();
  try {
    const orders = aq.table({ customer_id: ["a"], date: [new Date(0)], revenue: [1] });
    const comments = aq.table({ comment: ["slow app"] });
    const calls: [string, () => unknown][] = [
      ["rfm", () => rfm(orders, { observedUntil: new Date(1), engine })],
      ["commentThemes", () => commentThemes(comments, { engine })],
      ["rfm", () => rfm({ engine, table: "orders" }, { observedUntil: new Date(1) })],
    ];
    for (const [name, call] of calls) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof CxOptionsError);
        assert.match(e.message, new RegExp(`^${name} cannot run in an SQL engine: `));
        assert.match(e.message, /Pass an Arquero table .* and leave out "engine"$/);
        return true;
      });
    }
  } finally {
    await engine.close();
  }
});

Deno.test("DuckDB: explainSql explains nps, csat and ces only, with the KPI's options checked", async () => {
  const engine = duckdbEngine();
  try {
    const conn = await engine.connection();
    await conn.run(`CREATE TABLE answers (channel VARCHAR, d TIMESTAMP, csat INTEGER)`);
    const q = await explainSql(csat, { engine, table: "answers" }, {
      by: "channel",
      period: "month",
      date: "d",
      dateZone: "Europe/Berlin",
    });
    assert.ok(q.sql.includes('FROM "answers"') && q.sql.includes('"d"'));
    // the statement explainSql gives is the one csat runs
    const r = await csat({ engine, table: "answers" }, {
      by: "channel",
      period: "month",
      date: "d",
      dateZone: "Europe/Berlin",
      explain: true,
    });
    assert.deepEqual(meta(r).queries, [q]);
    await assert.rejects(
      () => explainSql(segment as never, { engine, table: "answers" }, {}),
      /explainSql explains the score KPIs: pass nps, csat or ces/,
    );
    await assert.rejects(
      () => explainSql(csat, sample, { engine }),
      /explainSql needs a file path or \{ engine, table \} source/,
    );
  } finally {
    await engine.close();
  }
});

Deno.test("DuckDB: a score KPI's queries take the call's signal (aborted: a cancelled CxEngineError)", async () => {
  const engine = duckdbEngine();
  try {
    const signal = AbortSignal.abort();
    for (
      const call of [
        () => nps(sample, { engine, signal }),
        () => trend(sample, { kpi: "csat", period: "month", engine, signal }),
      ]
    ) {
      await assert.rejects(call, (e) => {
        assert.ok(e instanceof CxEngineError, String(e));
        assert.equal(e.failure, "cancelled");
        return true;
      });
    }
    // the engine still works for the next call
    assert.deepEqual((await nps(sample, { engine })).objects(), nps(sample).objects());
  } finally {
    await engine.close();
  }
});
