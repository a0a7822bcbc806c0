/**
 * `readCsv` against DuckDB's `read_csv` in the same process: 1M survey
 * answers (responses schema, unique `response_id`s, comments, 0.5 % bad
 * rows), loaded by `readCsv(file, { schema: "responses" })` (tokenize,
 * dictionary-encode, sniff, validate, rejects) and by DuckDB's
 * `CREATE TABLE r AS SELECT * FROM read_csv(file)` (its own parallel parser
 * and type guesses, no checks). One warm-up of each (module loading and
 * DuckDB's start are not timed), then `--runs` alternating runs; prints the
 * medians and the ratio. Target: readCsv ≤ 2× DuckDB.
 *
 *     deno run -A --v8-flags=--expose-gc bench/load_readcsv.ts [--rows 1000000] [--runs 5]
 *
 * @module
 */
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

async function cxkit(): Promise<{ seconds: number; accepted: number; rejected: number }> {
  gc?.();
  const t0 = performance.now();
  const { summary } = await readCsv(file, { schema: "responses" });
  return { seconds: (performance.now() - t0) / 1000, ...summary };
}

async function duckdb(): Promise<{ seconds: number; rows: number }> {
  await connection.run("DROP TABLE IF EXISTS r");
  gc?.();
  const t0 = performance.now();
  await connection.run("CREATE TABLE r AS SELECT * FROM read_csv($1)", [file]);
  const seconds = (performance.now() - t0) / 1000;
  const reader = await connection.runAndReadAll("SELECT count(*) AS n FROM r");
  return { seconds, rows: Number(reader.getRowObjectsJS()[0].n) };
}

const first = await cxkit();
const reference = await duckdb();
if (first.accepted + first.rejected !== reference.rows || first.rejected !== rows / 200) {
  throw new Error(`row counts differ: ${JSON.stringify({ first, reference })}`);
}
const times = { cxkit: [] as number[], duckdb: [] as number[] };
for (let i = 0; i < Number(values.runs); i++) {
  times.cxkit.push((await cxkit()).seconds);
  times.duckdb.push((await duckdb()).seconds);
}
connection.closeSync();
instance.closeSync();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [c, d] = [median(times.cxkit), median(times.duckdb)];
console.log(`file: ${file} (${rows} rows, ${first.rejected} rejected)`);
console.log(
  `cxkit readCsv (validated, rejects):  ${c.toFixed(3)} s  [${
    times.cxkit.map((t) => t.toFixed(2))
  }]`,
);
console.log(
  `DuckDB read_csv into a table:        ${d.toFixed(3)} s  [${
    times.duckdb.map((t) => t.toFixed(2))
  }]`,
);
console.log(
  `ratio readCsv/DuckDB: ${(c / d).toFixed(2)}× (target ≤ 2×); load average ${
    Deno.loadavg().map((x) => x.toFixed(2)).join(" ")
  }`,
);
