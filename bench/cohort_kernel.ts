/**
 * Issue #18 goals cohort-plain and cohort-compact: monthly exact cohort
 * retention (`cohortRetention`, in memory) on the goal events (default 5M
 * events of 250k customers over two years) — on a plain Arquero table (one
 * id string and one `Date` per event) and on its compact form
 * (`compactTable`: customer codes, epoch ms) — against a plain
 * DISTINCT-and-join DuckDB query for the same cells on an in-memory DuckDB
 * table (default threads), all in this one process, interleaved, medians of
 * `runs`. Checks that all three give the same cells. The first call on the
 * plain table (which encodes the id column once) is printed on its own.
 *
 *     deno run -A bench/cohort_kernel.ts [--events 5000000] [--customers 250000] [--runs 5]
 *
 * @module
 */
import * as aq from "arquero";
import { DuckDBInstance } from "@duckdb/node-api";
import { cohortRetention } from "../src/analysis/cohort/retention.ts";
import { compactTable } from "../src/entries/io.ts";
import {
  dayMs,
  eventsSelect,
  goalArgs,
  goalEventRow,
  measure,
  SQL_RETENTION,
} from "./cohort_events.ts";

const { events: E, customers: C, runs } = goalArgs(Deno.args);

console.log(
  `monthly exact cohort retention: ${E.toLocaleString("en-US")} events, ${
    C.toLocaleString("en-US")
  } customers, 24 months, median of ${runs}`,
);
const customer = new Array<string>(E), date = new Array<Date>(E);
for (let i = 0; i < E; i++) {
  const r = goalEventRow(i, C);
  customer[i] = `C${r.customer}`;
  date[i] = new Date(dayMs(r.day));
}
const plain = aq.table({ customer_id: customer, date });
const compact = compactTable(plain);
const db = await (await DuckDBInstance.create(":memory:")).connect();
await db.run(`CREATE TABLE events AS ${eventsSelect(E, C)}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
type Cells = Map<string, string>;

function ourCells(t: aq.ColumnTable): Cells {
  const rows = cohortRetention(t, { period: "month" }).objects() as Record<string, number>[];
  // DuckDB has no row for a period without active customers.
  return new Map(
    rows.filter((r) => r.active > 0).map((r) => [
      `${r.cohort}|${r.period_index}`,
      `${r.cohort_size}|${r.active}`,
    ]),
  );
}

const first = await measure(() => ourCells(plain));
const firstCells = first.result, firstPlain = first.seconds;
const times = { plain: [] as number[], compact: [] as number[], duck: [] as number[] };
const cpu = { plain: [] as number[], compact: [] as number[], duck: [] as number[] };
let duckCells: Cells = new Map(), compactCells: Cells = new Map();
for (let r = 0; r < runs; r++) {
  // Interleaved, so that a noisy neighbour hits every engine alike.
  const d = await measure(async () => (await db.runAndReadAll(SQL_RETENTION)).getRowObjects());
  duckCells = new Map(
    d.result.map((
      r,
    ) => [`${r.cohort}|${Number(r.k)}`, `${Number(r.cohort_size)}|${Number(r.active)}`]),
  );
  const p = await measure(() => ourCells(plain));
  const c = await measure(() => ourCells(compact));
  compactCells = c.result;
  for (const [key, m] of [["duck", d], ["plain", p], ["compact", c]] as const) {
    times[key].push(m.seconds);
    cpu[key].push(m.cpu);
  }
}
const same = (a: Cells, b: Cells) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
if (!same(firstCells, duckCells)) throw new Error("cxkit (plain) and DuckDB disagree");
if (!same(compactCells, duckCells)) throw new Error("cxkit (compact) and DuckDB disagree");
const [p, c, d] = [median(times.plain), median(times.compact), median(times.duck)];
const runsOf = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
console.log(`cells: ${duckCells.size} identical in all three`);
const row = (name: string, key: keyof typeof times) =>
  console.log(
    `| ${name.padEnd(30)} | ${median(times[key]).toFixed(2)} s | ${
      median(cpu[key]).toFixed(2)
    } s | ${runsOf(times[key])} |`,
  );
console.log(`| engine                         | median | CPU    | runs (s) |`);
console.log(`| ------------------------------ | ------ | ------ | -------- |`);
console.log(
  `| cxkit, plain table, first call | ${firstPlain.toFixed(2)} s | ${first.cpu.toFixed(2)} s | |`,
);
row("cxkit, plain table", "plain");
row("cxkit, compact table", "compact");
row("DuckDB DISTINCT + join", "duck");
const load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`cores: ${navigator.hardwareConcurrency}; load average: ${load}`);
const size = `${(E / 1e6).toLocaleString("en-US")}M events`;
console.log(
  `GOAL cohort-plain ratio=${(p / d).toFixed(2)} target=0.5 monthly retention vs DuckDB ` +
    `DISTINCT+join, ${size}, plain table (first call ${(firstPlain / d).toFixed(2)}×)`,
);
console.log(
  `GOAL cohort-compact ratio=${(c / d).toFixed(2)} target=0.25 monthly retention vs DuckDB ` +
    `DISTINCT+join, ${size}, compact table`,
);
