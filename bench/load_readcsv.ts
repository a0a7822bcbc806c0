/**
 * `readCsv` against DuckDB's `read_csv` in the same process: 1M survey
 * answers (responses schema, unique `response_id`s, comments, 0.5 % bad
 * rows), loaded by `readCsv(file, { schema: "responses" })` (tokenize,
 * dictionary-encode, sniff, validate, rejects) and by DuckDB's
 * `CREATE TABLE r AS SELECT * FROM read_csv(file)` (its own parallel parser
 * and type guesses, no checks). One warm-up of each (module loading and
 * DuckDB's start are not timed), then `--runs` alternating runs; prints the
 * medians of wall time and of CPU time (this process, all threads: DuckDB's
 * workers count) and their ratios. Target: readCsv ≤ 2× DuckDB (wall). On a
 * shared machine the wall time of DuckDB's threads includes waiting for a
 * core; the CPU time shows the work done.
 *
 *     deno run -A --v8-flags=--expose-gc bench/load_readcsv.ts [--rows 1000000] [--runs 5]
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { readCsv } from "../src/mod.ts";
import { responsesCsv } from "./responses_csv.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    runs: { type: "string", default: "5" },
  },
});
const rows = Number(values.rows);
const dir = new URL("./data/", import.meta.url);
await Deno.mkdir(dir, { recursive: true });
const file = new URL(`responses_${rows}_bad200.csv`, dir).pathname;
try {
  await Deno.stat(file);
} catch {
  await Deno.writeTextFile(file, responsesCsv(rows, 7, 200));
}

const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
const gc = (globalThis as { gc?: () => void }).gc;

interface Timed {
  seconds: number;
  cpu: number;
}

/** Wall and CPU seconds of `run`. */
async function timed<T>(run: () => Promise<T>): Promise<Timed & { value: T }> {
  gc?.();
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  const value = await run();
  const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0);
  return { seconds, cpu: (cpu.user + cpu.system) / 1e6, value };
}

async function cxkit(): Promise<Timed & { accepted: number; rejected: number }> {
  const r = await timed(() => readCsv(file, { schema: "responses" }));
  // Only numbers kept: earlier results must not stay alive and slow the next run's GC
  // (DuckDB's table is dropped before each of its runs).
  const { accepted, rejected } = r.value.summary;
  return { seconds: r.seconds, cpu: r.cpu, accepted, rejected };
}

async function duckdb(): Promise<Timed & { rows: number }> {
  await connection.run("DROP TABLE IF EXISTS r");
  const r = await timed(() =>
    connection.run("CREATE TABLE r AS SELECT * FROM read_csv($1)", [file])
  );
  const reader = await connection.runAndReadAll("SELECT count(*) AS n FROM r");
  return { ...r, rows: Number(reader.getRowObjectsJS()[0].n) };
}

const first = await cxkit();
const reference = await duckdb();
if (first.accepted + first.rejected !== reference.rows || first.rejected !== rows / 200) {
  throw new Error(`row counts differ: ${JSON.stringify({ first, reference })}`);
}
const times = { cxkit: [] as Timed[], duckdb: [] as Timed[] };
for (let i = 0; i < Number(values.runs); i++) {
  times.cxkit.push(await cxkit());
  times.duckdb.push(await duckdb());
}
connection.closeSync();
instance.closeSync();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (ts: Timed[]) => ({
  wall: median(ts.map((t) => t.seconds)),
  cpu: median(ts.map((t) => t.cpu)),
  all: ts.map((t) => t.seconds.toFixed(2)).join(" "),
});
const [c, d] = [summary(times.cxkit), summary(times.duckdb)];
const line = (name: string, r: ReturnType<typeof summary>) =>
  console.log(`${name} wall ${r.wall.toFixed(3)} s (runs: ${r.all}), CPU ${r.cpu.toFixed(3)} s`);
console.log(`file: ${file} (${rows} rows, ${first.rejected} rejected)`);
line("cxkit readCsv (validated, rejects):", c);
line("DuckDB read_csv into a table:       ", d);
console.log(
  `ratio readCsv/DuckDB: wall ${(c.wall / d.wall).toFixed(2)}× (target ≤ 2×), CPU ${
    (c.cpu / d.cpu).toFixed(2)
  }×; load average ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
);
