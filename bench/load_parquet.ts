/**
 * `readParquet` against DuckDB's own read of the same file (issue #18 goal
 * readparquet): 10M events (500k customers, ISO dates over 730 days as a
 * Parquet DATE column, 4 event types, 8 segments, revenue), written once by
 * DuckDB from integer formulas. Both in this process: `readParquet(file,
 * { schema: "events" })` (DuckDB streams the columns, cxkit
 * dictionary-encodes and validates) against `CREATE TABLE e AS SELECT * FROM
 * read_parquet(file)`; one warm-up of each, then `--runs` alternating runs,
 * medians of wall and CPU time. Target: ≤ 1.5×.
 *
 *     deno run -A --v8-flags=--expose-gc bench/load_parquet.ts [rows=10000000] [--runs 3]
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { readParquet } from "../src/mod.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rows: { type: "string" }, runs: { type: "string", default: "3" } },
});
const rows = Number(values.rows ?? positionals[0] ?? 10_000_000);
const dir = new URL("./data/", import.meta.url);
await Deno.mkdir(dir, { recursive: true });
const file = new URL(`events_${rows}.parquet`, dir).pathname;
const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
try {
  await Deno.stat(file);
} catch {
  await connection.run(
    `COPY (SELECT 'C' || ((i * 7919) % 500000) AS customer_id,
        DATE '2024-01-01' + ((i * 31) % 730)::INTEGER AS date,
        ['visit', 'order', 'support', 'login'][1 + (i % 4)] AS type,
        ['retail', 'smb', 'enterprise', 'public', 'partner', 'edu', 'health', 'other'][1 + ((i // 3) % 8)] AS segment,
        ((i * 13) % 10000) / 100.0 AS revenue
      FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet)`,
  );
}
const gc = (globalThis as { gc?: () => void }).gc;

async function timed(run: () => Promise<number>) {
  gc?.();
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  const n = await run();
  const cpu = process.cpuUsage(cpu0);
  return { seconds: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, n };
}
const cxkit = () =>
  timed(async () => (await readParquet(file, { schema: "events" })).summary.accepted);
const duckdb = () =>
  timed(async () => {
    await connection.run("DROP TABLE IF EXISTS e");
    await connection.run("CREATE TABLE e AS SELECT * FROM read_parquet($1)", [file]);
    return rows;
  });

const first = await cxkit();
await duckdb();
if (first.n !== rows) throw new Error(`readParquet accepted ${first.n} of ${rows} rows`);
type Timed = { seconds: number; cpu: number };
const times = { cxkit: [] as Timed[], duckdb: [] as Timed[] };
for (let i = 0; i < Number(values.runs); i++) {
  times.cxkit.push(await cxkit());
  times.duckdb.push(await duckdb());
}
connection.closeSync();
instance.closeSync();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [c, d] = [times.cxkit, times.duckdb].map((ts) => ({
  wall: median(ts.map((t) => t.seconds)),
  cpu: median(ts.map((t) => t.cpu)),
  all: ts.map((t) => t.seconds.toFixed(2)).join(" "),
}));
const load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`file: ${file} (${rows} rows), load average ${load}`);
console.log(
  `cxkit readParquet (validated): wall ${c.wall.toFixed(3)} s (runs: ${c.all}), CPU ${
    c.cpu.toFixed(3)
  } s`,
);
console.log(
  `DuckDB read_parquet → table:   wall ${d.wall.toFixed(3)} s (runs: ${d.all}), CPU ${
    d.cpu.toFixed(3)
  } s`,
);
const ratio = c.wall / d.wall;
console.log(
  `GOAL readparquet ratio=${
    ratio.toFixed(2)
  } target=1.5 vs DuckDB read_parquet into a table, same process, ${rows} rows (wall; CPU ${
    (c.cpu / d.cpu).toFixed(2)
  }×; load ${load})`,
);
