/**
 * Issue #18 goals kpi-plain and kpi-compact: NPS, CSAT and CES by channel on
 * the goal events (default 5M events of 250k customers, 8 channels, two
 * years) — cxkit's kernels on a plain Arquero table (JS strings, one `Date`
 * per row) and on its compact form (`compactTable`: dictionary codes, epoch
 * ms) against the same aggregates on an in-memory DuckDB table (default
 * threads), all in this one process, medians of `runs`. Checks that every
 * engine counts the same answers per channel and that plain and compact give
 * identical results. The heap is collected before each KPI's timed runs
 * (`settleHeap`), so that no run pays for the set-up's garbage.
 *
 *     deno run -A bench/kpi_duckdb.ts [--events 5000000] [--customers 250000] [--runs 5]
 *
 * @module
 */
import * as aq from "arquero";
import { DuckDBInstance } from "@duckdb/node-api";
import { ces, csat, nps } from "../src/mod.ts";
import { compactTable } from "../src/entries/io.ts";
import {
  CHANNELS,
  dayMs,
  goalArgs,
  goalEventRow,
  goalEventsSelect,
  measure,
  settleHeap,
} from "./cohort_events.ts";

const { events: E, customers: C, runs } = goalArgs(Deno.args);

/** A fresh copy of a short string, as a CSV parser makes one per field. */
const copy = (s: string) => (s + "\u0000").slice(0, -1);

function plainTable(): aq.ColumnTable {
  const customer = new Array<string>(E), channel = new Array<string>(E);
  const date = new Array<Date>(E);
  const npsScore = new Array<number | null>(E), csatScore = new Array<number | null>(E);
  const cesScore = new Array<number | null>(E);
  for (let i = 0; i < E; i++) {
    const r = goalEventRow(i, C);
    customer[i] = `C${r.customer}`;
    channel[i] = copy(CHANNELS[r.channel]);
    date[i] = new Date(dayMs(r.day));
    npsScore[i] = r.nps;
    csatScore[i] = r.csat;
    cesScore[i] = r.ces;
  }
  return aq.table({
    customer_id: customer,
    channel,
    date,
    nps_score: npsScore,
    csat: csatScore,
    ces: cesScore,
  });
}

const SQL = {
  nps: `SELECT channel, count(nps_score) AS n, count(*) FILTER (WHERE nps_score >= 9) AS promoters,
    count(*) FILTER (WHERE nps_score BETWEEN 7 AND 8) AS passives,
    count(*) FILTER (WHERE nps_score <= 6) AS detractors FROM events GROUP BY channel`,
  csat: `SELECT channel, count(csat) AS n, sum(csat) AS s, sum(csat * csat) AS ss,
    count(*) FILTER (WHERE csat >= 4) AS box FROM events GROUP BY channel`,
  ces: `SELECT channel, count(ces) AS n, sum(ces) AS s, sum(ces * ces) AS ss,
    count(*) FILTER (WHERE ces <= 3) AS box FROM events GROUP BY channel`,
};
type Kpi = "nps" | "csat" | "ces";
const KPIS: Record<Kpi, (t: aq.ColumnTable, o: { by: string[] }) => aq.ColumnTable> = {
  nps: (t, o) => nps(t, o),
  csat: (t, o) => csat(t, o),
  ces: (t, o) => ces(t, o),
};

function timed<T>(fn: () => T): { seconds: number; result: T } {
  const t0 = performance.now();
  const result = fn();
  return { seconds: (performance.now() - t0) / 1000, result };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `NPS/CSAT/CES by channel: ${E.toLocaleString("en-US")} events, ${
    C.toLocaleString("en-US")
  } customers, 8 channels, median of ${runs}`,
);
const plain = plainTable();
const compacting = timed(() => compactTable(plain));
const compact = compacting.result;
const db = await (await DuckDBInstance.create(":memory:")).connect();
await db.run(`CREATE TABLE events AS ${goalEventsSelect(E, C)}`);

const rows: string[] = [];
const ratios = { plain: [] as number[], compact: [] as number[] };
let cold = { seconds: 0, ratio: 0 };
for (const kpi of Object.keys(KPIS) as Kpi[]) {
  const run = (t: aq.ColumnTable) => KPIS[kpi](t, { by: ["channel"] });
  // The first kernel call on the plain table encodes `channel`; later calls, and the other
  // KPIs, reuse the cached codes after checking every row against them.
  const first = timed(() => run(plain));
  // A major collection of the ~1 GB heap (the set-up's garbage, 5M strings and dates of the
  // plain table) otherwise lands in whichever KPI runs when it falls due: before this, CSAT's
  // plain runs (measured with --trace-gc, 2026-12-02), 0.5–2 s of marking charged to a 50 ms call.
  settleHeap();
  const times = { plain: [] as number[], compact: [] as number[], duck: [] as number[] };
  const cpu = { plain: [] as number[], compact: [] as number[], duck: [] as number[] };
  let duck: Record<string, unknown>[] = [];
  let compactResult = first.result;
  for (let r = 0; r < runs; r++) {
    // Interleaved, so that a noisy neighbour hits every engine alike.
    const d = await measure(async () => (await db.runAndReadAll(SQL[kpi])).getRowObjects());
    duck = d.result;
    const p = await measure(() => run(plain));
    const c = await measure(() => run(compact));
    for (const [key, m] of [["duck", d], ["plain", p], ["compact", c]] as const) {
      times[key].push(m.seconds);
      cpu[key].push(m.cpu);
    }
    compactResult = c.result;
  }
  const theirs = new Map(duck.map((r) => [String(r.channel), Number(r.n)]));
  for (const r of first.result.objects() as { channel: string; n: number }[]) {
    if (theirs.get(r.channel) !== r.n) throw new Error(`${kpi}: DuckDB disagrees on ${r.channel}`);
  }
  if (JSON.stringify(first.result.objects()) !== JSON.stringify(compactResult.objects())) {
    throw new Error(`${kpi}: plain and compact tables disagree`);
  }
  const [p, c, d] = [median(times.plain), median(times.compact), median(times.duck)];
  if (!cold.seconds) cold = { seconds: first.seconds, ratio: first.seconds / d };
  ratios.plain.push(p / d);
  ratios.compact.push(c / d);
  const msOf = (x: number) => `${(x * 1000).toFixed(0).padStart(5)} ms`;
  const [pc, cc, dc] = [median(cpu.plain), median(cpu.compact), median(cpu.duck)];
  rows.push(
    `| ${kpi.padEnd(4)} | ${msOf(p)} | ${msOf(c)} | ${msOf(d)} | ${(p / d).toFixed(2)}× | ${
      (c / d).toFixed(2)
    }× | ${msOf(pc)} | ${msOf(cc)} | ${msOf(dc)} |`,
  );
}
console.log(`compacting the table once: ${compacting.seconds.toFixed(2)} s`);
console.log(
  "| KPI  | plain    | compact  | DuckDB   | plain/DuckDB | compact/DuckDB | CPU plain | CPU compact | CPU DuckDB |",
);
console.log(
  "| ---- | -------- | -------- | -------- | ------------ | -------------- | --------- | ----------- | ---------- |",
);
for (const r of rows) console.log(r);
console.log(
  `first NPS call on the plain table (encodes channel once): ${
    (cold.seconds * 1000).toFixed(0)
  } ms, ${cold.ratio.toFixed(2)}× DuckDB`,
);
const load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`cores: ${navigator.hardwareConcurrency}; load average: ${load}`);
const size = `${(E / 1e6).toLocaleString("en-US")}M events`;
console.log(
  `GOAL kpi-plain ratio=${Math.max(...ratios.plain).toFixed(2)} target=1.0 ` +
    `worst of NPS/CSAT/CES by channel vs in-memory DuckDB, ${size}, plain table`,
);
console.log(
  `GOAL kpi-compact ratio=${Math.max(...ratios.compact).toFixed(2)} target=0.5 ` +
    `worst of NPS/CSAT/CES by channel vs in-memory DuckDB, ${size}, compact table`,
);
