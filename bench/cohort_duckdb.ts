/**
 * Issue #18 goal cohort-memory-50m: monthly exact cohort retention on 50M
 * events of 2.5M customers over 24 months, in memory from a compact table
 * (customer ids as a `CodedColumn`, dates as an `InstantColumn`, as the
 * large-file loaders return them): cxkit's `cohortRetention()` against the
 * same cells in DuckDB SQL (first month per customer, join, DISTINCT, GROUP
 * BY) on an in-memory DuckDB table, identical data built from the same
 * integer formulas. Each engine runs in its own child process so that its
 * peak memory (VmHWM from /proc/self/status, data included) is its own; the
 * parent prints the medians, the ratios, and checks that both give the same
 * cells.
 *
 *     deno run -A bench/cohort_duckdb.ts [--events 50000000] [--customers 2500000] [--runs 1]
 *
 * @module
 */
import * as aq from "arquero";
import { CodedColumn, InstantColumn } from "../src/kernels/columns.ts";
import process from "node:process";
import { parseArgs } from "node:util";
import { DAYS, eventsSelect, SQL_RETENTION } from "./cohort_events.ts";
import { cohortRetention } from "../src/analysis/cohort/retention.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "50000000" },
    customers: { type: "string", default: "2500000" },
    runs: { type: "string", default: "1" },
    engine: { type: "string" },
    out: { type: "string" },
  },
});
const E = Number(values.events), C = Number(values.customers), runs = Number(values.runs);

/** Result of one engine's child process. */
interface EngineReport {
  engine: string;
  /** Wall-clock seconds per run. */
  seconds: number[];
  /** CPU seconds (user + system, all threads of the process) per run. */
  cpuSeconds: number[];
  /** VmHWM (peak resident set) after building the data, MiB. */
  peakAfterDataMiB: number;
  /** VmHWM after the timed runs, MiB. */
  peakMiB: number;
  /** cohort → k → [cohort_size, active]. */
  cells: Record<string, [number, number][]>;
}

const SQL_EVENTS = `CREATE TABLE events AS ${eventsSelect(E, C)}`;

function vmHwmMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function timed<T>(
  fn: () => Promise<T> | T,
): Promise<{ seconds: number[]; cpuSeconds: number[]; result: T }> {
  const seconds: number[] = [], cpuSeconds: number[] = [];
  let result!: T;
  for (let r = 0; r < runs; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    result = await fn();
    seconds.push((performance.now() - t0) / 1000);
    const cpu = process.cpuUsage(cpu0);
    cpuSeconds.push((cpu.user + cpu.system) / 1e6);
  }
  return { seconds, cpuSeconds, result };
}

function addCell(cells: EngineReport["cells"], cohort: string, k: number, size: number, n: number) {
  (cells[cohort] ??= [])[k] = [size, n];
}

async function runCxkit(): Promise<EngineReport> {
  // The compact columns a loader returns: one code per event, epoch ms per event.
  const ids = Array.from({ length: C }, (_, c) => `C${c}`);
  const codes = new Int32Array(E), ms = new Float64Array(E);
  for (let i = 0; i < E; i++) {
    const c = i % C, sd = (c * 7919) % DAYS, span = DAYS - sd, h = (i * 48271) % 2147483647;
    codes[i] = c;
    ms[i] = Date.UTC(
      2024,
      0,
      1 + sd + Math.floor(((h % span) * (Math.floor(h / 7) % span)) / span),
    );
  }
  const table = aq.table({
    customer_id: new CodedColumn(codes, ids),
    date: new InstantColumn(ms),
  });
  const peakAfterDataMiB = vmHwmMiB();
  const { seconds, cpuSeconds, result } = await timed(() =>
    cohortRetention(table, { period: "month" })
  );
  const peakMiB = vmHwmMiB();
  const cells: EngineReport["cells"] = {};
  for (const r of result.objects() as Record<string, unknown>[]) {
    addCell(
      cells,
      r.cohort as string,
      r.period_index as number,
      r.cohort_size as number,
      r
        .active as number,
    );
  }
  return { engine: "cxkit", seconds, cpuSeconds, peakAfterDataMiB, peakMiB, cells };
}

async function runDuckdb(): Promise<EngineReport> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await (await DuckDBInstance.create(":memory:")).connect();
  await db.run(SQL_EVENTS);
  const peakAfterDataMiB = vmHwmMiB();
  const { seconds, cpuSeconds, result } = await timed(async () =>
    (await db.runAndReadAll(SQL_RETENTION)).getRowObjects()
  );
  const peakMiB = vmHwmMiB();
  const cells: EngineReport["cells"] = {};
  for (const r of result) {
    addCell(cells, String(r.cohort), Number(r.k), Number(r.cohort_size), Number(r.active));
  }
  return { engine: "duckdb", seconds, cpuSeconds, peakAfterDataMiB, peakMiB, cells };
}

async function child(engine: string): Promise<EngineReport> {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      `--engine=${engine}`,
      `--out=${out}`,
      `--events=${E}`,
      `--customers=${C}`,
      `--runs=${runs}`,
    ],
    stdout: "inherit",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`${engine} failed:\n${new TextDecoder().decode(stderr)}`);
  const report = JSON.parse(await Deno.readTextFile(out)) as EngineReport;
  await Deno.remove(out);
  return report;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (values.engine) {
  const report = values.engine === "cxkit" ? await runCxkit() : await runDuckdb();
  await Deno.writeTextFile(values.out!, JSON.stringify(report));
} else {
  console.log(
    `monthly exact cohort retention: ${E.toLocaleString("en-US")} events, ${
      C.toLocaleString("en-US")
    } customers, 24 months, median of ${runs}`,
  );
  const ours = await child("cxkit");
  const duck = await child("duckdb");
  // Same cells: every DuckDB cell (it has no rows for 0 active) equals ours; ours has no others
  // except cells with 0 active.
  let compared = 0, mismatched = 0, zeros = 0;
  for (const [cohort, ks] of Object.entries(ours.cells)) {
    ks.forEach(([size, active], k) => {
      const theirs = duck.cells[cohort]?.[k];
      if (theirs) {
        compared++;
        if (theirs[0] !== size || theirs[1] !== active) mismatched++;
      } else if (active === 0) zeros++;
      else mismatched++;
    });
  }
  const duckCells = Object.values(duck.cells).reduce((s, ks) => s + ks.filter(Boolean).length, 0);
  if (mismatched || compared !== duckCells) {
    throw new Error(`engines disagree: ${mismatched} cells differ, ${compared}/${duckCells} seen`);
  }
  const fmt = (r: EngineReport) =>
    `${median(r.seconds).toFixed(2)} s (runs ${r.seconds.map((s) => s.toFixed(2)).join(", ")}), ` +
    `CPU ${median(r.cpuSeconds).toFixed(2)} s; ` +
    `peak RSS ${r.peakMiB.toFixed(0)} MiB (${r.peakAfterDataMiB.toFixed(0)} MiB after building ` +
    `the data, +${(r.peakMiB - r.peakAfterDataMiB).toFixed(0)} MiB while computing)`;
  console.log(`cells: ${compared} identical in both engines (+${zeros} cells with 0 active)`);
  console.log(`cxkit cohortRetention, compact table:            ${fmt(ours)}`);
  console.log(`DuckDB SQL (min + join + DISTINCT + GROUP BY):   ${fmt(duck)}`);
  console.log(
    `ratio cxkit/DuckDB: time ${(median(ours.seconds) / median(duck.seconds)).toFixed(2)}×, ` +
      `CPU ${(median(ours.cpuSeconds) / median(duck.cpuSeconds)).toFixed(2)}×, peak RSS ${
        (ours.peakMiB / duck.peakMiB).toFixed(2)
      }×`,
  );
  // Wall times depend on what else the machine runs; CPU seconds much less so.
  console.log(`cores: ${navigator.hardwareConcurrency}; load average: ${Deno.loadavg().join(" ")}`);
  console.log(
    `GOAL cohort-memory-50m ratio=${(ours.peakMiB / duck.peakMiB).toFixed(2)} target=1.5 ` +
      `peak RSS (VmHWM, data included) of cohortRetention from a compact table vs DuckDB, ` +
      `${(E / 1e6).toLocaleString("en-US")}M events, separate processes`,
  );
}
