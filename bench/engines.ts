/**
 * cxkit on SQL engines vs hand-written SQL, same data, same run: NPS by
 * segment × month on 10M answers. cxkit's `nps({ engine, table })` runs the
 * compiled aggregate and the TypeScript finalize; the reference is the
 * shortest hand-written GROUP BY for the same counts. Prints medians and the
 * ratio (target ≤ 1.2×). With `--clickhouse` it also starts a throwaway
 * two-shard ClickHouse cluster (needs clickhouse-server) and does the same
 * over a Distributed table.
 *
 *     deno run -A bench/engines.ts [--rows 10000000] [--runs 5] [--clickhouse]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { clickhouseEngine, duckdbEngine, nps, type SqlEngine } from "../src/mod.ts";
import { clickhouseBin, startClickhouse } from "../tests/engine/servers.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "10000000" },
    runs: { type: "string", default: "5" },
    clickhouse: { type: "boolean", default: false },
  },
});
const rows = Number(values.rows), runs = Number(values.runs);

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function report(engine: string, ours: number, theirs: number, groups: number) {
  console.log(`${engine}: ${groups} groups`);
  console.log(`  cxkit nps({ engine, table }):  ${ours.toFixed(3)} s`);
  console.log(`  hand-written SQL:             ${theirs.toFixed(3)} s`);
  console.log(`  ratio: ${(ours / theirs).toFixed(2)}× (target ≤ 1.2×)`);
}

async function compare(engine: SqlEngine, handSql: string, label: string) {
  const options = { by: ["channel", "region"], period: "month" as const };
  const result = await nps({ engine, table: "responses" }, options);
  const hand = await engine.run({
    dialect: engine.dialect,
    sql: handSql,
    params: [],
    keys: [],
    measures: [],
  });
  // Same answers counted per group by both.
  const mine = new Map(
    (result.objects() as Record<string, unknown>[]).map((
      r,
    ) => [`${r.channel}|${r.region}|${r.period}`, r.n]),
  );
  for (const r of hand) {
    if (mine.get(`${r.channel}|${r.region}|${r.period}`) !== Number(r.n)) {
      throw new Error(`${label}: counts differ for ${JSON.stringify(r)}`);
    }
  }
  if (mine.size !== hand.length) throw new Error(`${label}: group counts differ`);
  const ours = await median(() => nps({ engine, table: "responses" }, options));
  const theirs = await median(() =>
    engine.run({ dialect: engine.dialect, sql: handSql, params: [], keys: [], measures: [] })
  );
  report(label, ours, theirs, hand.length);
}

console.log(`${rows.toLocaleString("en-US")} answers, median of ${runs} runs`);
const duck = duckdbEngine();
const conn = await duck.connection();
let t0 = performance.now();
await conn.run(`CREATE TABLE responses AS SELECT
  (['chat','email','phone','web'])[(i % 4) + 1] AS channel,
  (['north','south','east','west'])[((i // 3) % 4) + 1] AS region,
  TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(CAST((i * 7919) % 63072000 AS BIGINT)) AS date,
  CAST((((i * 37) % 101) + (i % 7)) % 11 AS DOUBLE) AS nps_score
  FROM range(${rows}) t(i)`);
console.log(`DuckDB table built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
await compare(
  duck,
  `SELECT channel, region, strftime(date_trunc('month', timezone('UTC', date)), '%Y-%m') AS period,
    count(nps_score) AS n,
    count(*) FILTER (WHERE nps_score >= 9) AS promoters,
    count(*) FILTER (WHERE nps_score BETWEEN 7 AND 8) AS passives,
    count(*) FILTER (WHERE nps_score <= 6) AS detractors
  FROM responses GROUP BY ALL`,
  "DuckDB",
);
await duck.close();

if (values.clickhouse) {
  const bin = clickhouseBin();
  if (!bin) {
    console.log("ClickHouse: clickhouse-server is not installed; skipped");
  } else {
    const cluster = await startClickhouse(bin);
    try {
      const ch = clickhouseEngine({ url: cluster.shards[0] });
      t0 = performance.now();
      for (const [k, shard] of cluster.shards.entries()) {
        await ch.exec(
          `CREATE TABLE responses_local (channel String, region String, date DateTime('UTC'), nps_score Nullable(Float64)) ENGINE = MergeTree ORDER BY tuple()`,
          { url: shard },
        );
        // Each shard generates its half of the same rows.
        await ch.exec(
          `INSERT INTO responses_local SELECT
            ['chat','email','phone','web'][(i % 4) + 1],
            ['north','south','east','west'][(intDiv(i, 3) % 4) + 1],
            toDateTime(toUInt32(1704067200 + (i * 7919) % 63072000), 'UTC'),
            toFloat64((((i * 37) % 101) + (i % 7)) % 11)
          FROM (SELECT number AS i FROM system.numbers LIMIT ${rows}) WHERE i % 2 = ${k}`,
          { url: shard },
        );
      }
      await ch.exec(
        `CREATE TABLE responses AS responses_local ENGINE = Distributed(cx, default, responses_local)`,
      );
      console.log(`ClickHouse shards loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await compare(
        ch,
        `SELECT channel, region, formatDateTime(toStartOfMonth(date, 'UTC'), '%Y-%m') AS period,
          count(nps_score) AS n, countIf(nps_score >= 9) AS promoters,
          countIf(nps_score >= 7 AND nps_score <= 8) AS passives, countIf(nps_score <= 6) AS detractors
        FROM responses GROUP BY channel, region, period`,
        "ClickHouse, 2 shards",
      );
    } finally {
      await cluster.stop();
    }
  }
}
