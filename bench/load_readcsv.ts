/**
 * `readCsv` against DuckDB's `read_csv` (issue #18 goals readcsv-time and
 * readcsv-memory): 1M survey answers (responses schema, unique
 * `response_id`s, comments, 0.5 % bad rows), loaded by
 * `readCsv(file, { schema: "responses" })` (tokenize — the second half on a
 * worker —, dictionary-encode, sniff, validate, rejects) and by DuckDB's
 * `CREATE TABLE r AS SELECT * FROM read_csv(file)` (its own parallel parser
 * and type guesses, no checks).
 *
 * Time: both in this process, one warm-up of each (module loading and
 * DuckDB's start are not timed), then `--runs` alternating runs; medians of
 * wall time and of CPU time (this process, all threads: DuckDB's and the
 * worker's count). Memory: each loader once per run in its own process
 * (`--child`), peak resident memory (VmHWM) after the load, median of
 * `--runs`; the cxkit process imports the front door (`src/mod.ts`) as a
 * user's script does. Targets: time ≤ 2×, memory ≤ 1.5×.
 *
 *     deno run -A --v8-flags=--expose-gc bench/load_readcsv.ts [rows=1000000] [--runs 5]
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { responsesCsv } from "./responses_csv.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rows: { type: "string" },
    runs: { type: "string", default: "5" },
    child: { type: "string" },
    file: { type: "string" },
  },
});

if (values.child) {
  // Child process: one load, then its peak resident memory.
  const peak = async () =>
    Number(/VmHWM:\s+(\d+)/.exec(await Deno.readTextFile("/proc/self/status"))?.[1]) / 1024;
  let rows: number, base: number;
  if (values.child === "duckdb") {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    base = await peak();
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run("CREATE TABLE r AS SELECT * FROM read_csv($1)", [values.file!]);
    const reader = await connection.runAndReadAll("SELECT count(*) AS n FROM r");
    rows = Number(reader.getRowObjectsJS()[0].n);
  } else {
    const { readCsv } = await import("../src/mod.ts");
    base = await peak();
    const { summary } = await readCsv(values.file!, { schema: "responses" });
    rows = summary.accepted + summary.rejected;
  }
  console.log(JSON.stringify({ rows, peakMiB: await peak(), baseMiB: base }));
  Deno.exit(0);
}

const rows = Number(values.rows ?? positionals[0] ?? 1_000_000);
const runs = Number(values.runs);
const dir = new URL("./data/", import.meta.url);
await Deno.mkdir(dir, { recursive: true });
const file = new URL(`responses_${rows}_bad200.csv`, dir).pathname;
try {
  await Deno.stat(file);
} catch {
  await Deno.writeTextFile(file, responsesCsv(rows, 7, 200));
}

const { DuckDBInstance } = await import("@duckdb/node-api");
const { readCsv } = await import("../src/mod.ts");
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
for (let i = 0; i < runs; i++) {
  times.cxkit.push(await cxkit());
  times.duckdb.push(await duckdb());
}
connection.closeSync();
instance.closeSync();

/** Peak memory of one load in its own process, median of `runs`. */
async function peakMemory(child: "readcsv" | "duckdb") {
  const all: { rows: number; peakMiB: number; baseMiB: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", import.meta.filename!, "--child", child, "--file", file],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    all.push(JSON.parse(new TextDecoder().decode(out.stdout)));
  }
  return all.sort((a, b) => a.peakMiB - b.peakMiB)[Math.floor(all.length / 2)];
}
const memory = { cxkit: await peakMemory("readcsv"), duckdb: await peakMemory("duckdb") };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (ts: Timed[]) => ({
  wall: median(ts.map((t) => t.seconds)),
  cpu: median(ts.map((t) => t.cpu)),
  all: ts.map((t) => t.seconds.toFixed(2)).join(" "),
});
const [c, d] = [summary(times.cxkit), summary(times.duckdb)];
const line = (name: string, r: ReturnType<typeof summary>, m: typeof memory.cxkit) =>
  console.log(
    `${name} wall ${r.wall.toFixed(3)} s (runs: ${r.all}), CPU ${r.cpu.toFixed(3)} s, peak ${
      m.peakMiB.toFixed(0)
    } MiB (${m.baseMiB.toFixed(0)} MiB after imports)`,
  );
const load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`file: ${file} (${rows} rows, ${first.rejected} rejected), load average ${load}`);
line("cxkit readCsv (validated, rejects):", c, memory.cxkit);
line("DuckDB read_csv into a table:       ", d, memory.duckdb);
const time = c.wall / d.wall, cpu = c.cpu / d.cpu;
const mem = memory.cxkit.peakMiB / memory.duckdb.peakMiB;
console.log(
  `ratio readCsv/DuckDB: wall ${time.toFixed(2)}×, CPU ${cpu.toFixed(2)}×, peak ${mem.toFixed(2)}×`,
);
console.log(
  `GOAL readcsv-time ratio=${
    time.toFixed(2)
  } target=2.0 vs DuckDB read_csv, same process, ${rows} rows (wall; CPU ${
    cpu.toFixed(2)
  }×; load ${load})`,
);
console.log(
  `GOAL readcsv-memory ratio=${
    mem.toFixed(2)
  } target=1.5 peak RSS vs DuckDB read_csv, each in its own process, ${rows} rows`,
);
