/**
 * NPS by two keys × month on 10M answers: cxkit's `nps()` with the typed-array
 * kernel and with the generic Arquero aggregate, against the same aggregate in
 * DuckDB, on identical data, in the same run. Prints medians of 3 and the ratio, and checks that
 * both engines count the same answers per group.
 *
 *     deno run -A bench/nps_duckdb.ts [--rows 10000000] [--runs 3]
 *
 * @module
 */
import * as aq from "arquero";
import { DuckDBInstance } from "@duckdb/node-api";
import { parseArgs } from "node:util";
import { nps } from "../src/mod.ts";
import { compactTable } from "../src/entries/io.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "10000000" },
    runs: { type: "string", default: "3" },
  },
});
const rows = Number(values.rows), runs = Number(values.runs);
const CHANNELS = ["chat", "email", "phone", "web"], REGIONS = ["north", "south", "east", "west"];

// The same deterministic formulas in JS and SQL (small integers only, so both agree exactly).
const dayOf = (i: number) => (i * 7919) % 730;
const npsOf = (i: number) => ((i * 37) % 101 + (i % 7)) % 11;

console.log(`building ${rows.toLocaleString("en-US")} answers…`);
const channel = new Array<string>(rows), region = new Array<string>(rows);
const date = new Array<Date>(rows), score = new Float64Array(rows);
const days = Array.from({ length: 730 }, (_, d) => new Date(Date.UTC(2024, 0, 1 + d)));
for (let i = 0; i < rows; i++) {
  channel[i] = CHANNELS[i % 4];
  region[i] = REGIONS[Math.floor(i / 3) % 4];
  date[i] = days[dayOf(i)];
  score[i] = npsOf(i);
}
const table = aq.table({ channel, region, date, nps_score: score });

const db = await (await DuckDBInstance.create(":memory:")).connect();
await db.run(`CREATE TABLE responses AS SELECT
  (['chat','email','phone','web'])[(i % 4) + 1] AS channel,
  (['north','south','east','west'])[((i // 3) % 4) + 1] AS region,
  DATE '2024-01-01' + CAST((i * 7919) % 730 AS INTEGER) AS date,
  CAST((((i * 37) % 101) + (i % 7)) % 11 AS INTEGER) AS nps_score
  FROM range(${rows}) t(i)`);
const SQL = `SELECT channel, region, strftime(date, '%Y-%m') AS period,
  count(nps_score) AS n,
  count(*) FILTER (WHERE nps_score >= 9) AS promoters,
  count(*) FILTER (WHERE nps_score BETWEEN 7 AND 8) AS passives,
  count(*) FILTER (WHERE nps_score <= 6) AS detractors
  FROM responses GROUP BY ALL ORDER BY ALL`;

async function time<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], result };
}

// Compact columns (dictionary codes, epoch ms) are what large-file loaders return; compacting
// an existing table is timed once, like a load step.
const t0 = performance.now();
const compact = compactTable(table);
const compactSeconds = (performance.now() - t0) / 1000;
const fast = await time(() => nps(compact, { by: ["channel", "region"], period: "month" }));
const ours = await time(() => nps(table, { by: ["channel", "region"], period: "month" }));
const generic = await time(() =>
  nps(table, { by: ["channel", "region"], period: "month", aggregate: "arquero" })
);
const duck = await time(async () => (await db.runAndReadAll(SQL)).getRowObjects());

// Same answers counted per group in both engines.
const theirs = new Map(
  duck.result.map((r) => [`${r.channel}|${r.region}|${r.period}`, Number(r.n)]),
);
const mine = ours.result.objects() as {
  channel: string;
  region: string;
  period: string;
  n: number;
}[];
const mismatched = mine.filter((r) => theirs.get(`${r.channel}|${r.region}|${r.period}`) !== r.n);
if (mine.length !== theirs.size || mismatched.length) {
  throw new Error(`engines disagree: ${mismatched.length} groups differ`);
}
console.log(`groups: ${mine.length} (identical counts in both engines)`);
if (JSON.stringify(generic.result.objects()) !== JSON.stringify(ours.result.objects())) {
  throw new Error("kernel and generic Arquero path disagree");
}
if (JSON.stringify(fast.result.objects()) !== JSON.stringify(ours.result.objects())) {
  throw new Error("compact and plain tables disagree");
}
console.log(
  `cxkit nps(), kernel, compact columns:  ${fast.seconds.toFixed(2)} s (compacting once: ${
    compactSeconds.toFixed(2)
  } s)`,
);
console.log(`cxkit nps(), typed-array kernel:        ${ours.seconds.toFixed(2)} s`);
console.log(`cxkit nps(), generic Arquero aggregate: ${generic.seconds.toFixed(2)} s`);
console.log(`DuckDB GROUP BY (same aggregate):       ${duck.seconds.toFixed(2)} s`);
console.log(`ratio: compact kernel/DuckDB ${(fast.seconds / duck.seconds).toFixed(2)}×`);
console.log(
  `ratios: kernel/DuckDB ${(ours.seconds / duck.seconds).toFixed(1)}×, generic/DuckDB ${
    (generic.seconds / duck.seconds).toFixed(1)
  }×`,
);
