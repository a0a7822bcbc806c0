/**
 * Monthly cohort retention pushed down to DuckDB: cxkit's
 * `cohortRetention(source, { engine })` (range query + aggregate SQL + the in-memory
 * finalize step) against hand-written DuckDB SQL computing the same cells,
 * on one 10M-event table generated in DuckDB SQL (500k customers, 24
 * months), in three shapes: join then DISTINCT, DISTINCT first, and one
 * bitset of active months per customer (the shape cxkit now generates).
 * Each side runs in its own child process, so its peak RSS (VmHWM) is its
 * own; the parent prints medians, the ratios and checks the cells agree. With `--parquet`, a 50M-event Parquet file is written (by a child)
 * and cohort retention runs over it through DuckDB, printing peak RSS
 * (target < 2 GiB). With `--clickhouse`, a throwaway two-shard ClickHouse
 * cluster (needs clickhouse-server) holds the same 10M events behind a
 * `Distributed` table, and `cohortRetention({ engine, table })` runs
 * against the hand-written ClickHouse SQL for the same cells.
 *
 *     deno run -A bench/cohort_engines.ts [--events 10000000] [--customers 500000] [--runs 3]
 *     deno run -A bench/cohort_engines.ts --parquet [--parquet-events 50000000]
 *     deno run -A bench/cohort_engines.ts --clickhouse
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DAYS, eventsSelect, SQL_RETENTION } from "./cohort_events.ts";
import { cohortRetention } from "../src/analysis/cohort/retention.ts";
import { duckdbEngine } from "../src/engine/duckdb.ts";
import type { SqlEngine } from "../src/engine/engine.ts";
import type { DuckdbConnection } from "../src/engine/duckdb.ts";
import { clickhouseEngine } from "../src/engine/clickhouse.ts";
import { clickhouseBin, startClickhouse } from "../tests/engine/servers.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "10000000" },
    customers: { type: "string", default: "500000" },
    runs: { type: "string", default: "3" },
    parquet: { type: "boolean", default: false },
    clickhouse: { type: "boolean", default: false },
    "parquet-events": { type: "string", default: "50000000" },
    role: { type: "string" },
    file: { type: "string" },
    out: { type: "string" },
  },
});
const E = Number(values.events), C = Number(values.customers), runs = Number(values.runs);
/** The hand-written reference written the way cxkit's SQL is: DISTINCT first, then the join. */
const SQL_RETENTION_DISTINCT =
  `WITH e AS (SELECT DISTINCT customer_id, date_trunc('month', date) AS m
    FROM events),
  f AS (SELECT customer_id, min(m) AS cohort FROM e GROUP BY customer_id),
  s AS (SELECT cohort, count(*) AS cohort_size FROM f GROUP BY cohort)
  SELECT strftime(f.cohort, '%Y-%m') AS cohort, date_diff('month', f.cohort, e.m) AS k,
    s.cohort_size, count(*) AS active
  FROM e JOIN f USING (customer_id) JOIN s USING (cohort) GROUP BY ALL ORDER BY ALL`;

/**
 * The hand-written reference written the way cxkit's SQL is now: one bitset of active months
 * per customer (`bit_or`), then a cross join with the 24 month indices.
 */
const SQL_RETENTION_BITS = `WITH g AS (
    SELECT min(m) AS cohort, bit_or(CAST(1 AS UBIGINT) << CAST(m AS UBIGINT)) AS mask
    FROM (SELECT customer_id, date_diff('month', DATE '2024-01-01', date) AS m FROM events)
    GROUP BY customer_id),
  s AS (SELECT cohort, count(*) AS cohort_size FROM g GROUP BY cohort)
  SELECT strftime(DATE '2024-01-01' + to_months(CAST(cohort AS INTEGER)), '%Y-%m') AS cohort, k,
    s.cohort_size, count(*) AS active
  FROM g JOIN s USING (cohort) CROSS JOIN range(0, 24) AS r(k)
  WHERE cohort + k < 24 AND ((mask >> CAST(cohort + k AS UBIGINT)) & CAST(1 AS UBIGINT)) = 1
  GROUP BY ALL ORDER BY ALL`;

/** What a child reports. */
interface Report {
  seconds: number[];
  peakAfterDataMiB: number;
  peakMiB: number;
  /** `cohort k` → `size/active`, cells with at least one active customer. */
  cells: Record<string, string>;
}

function vmHwmMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function connect(): Promise<DuckdbConnection> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  return (await (await DuckDBInstance.create(":memory:")).connect()) as unknown as DuckdbConnection;
}

async function timed(
  fn: () => Promise<Record<string, string>>,
  warmUp = false,
): Promise<Report> {
  if (warmUp) await fn();
  const peakAfterDataMiB = vmHwmMiB();
  const seconds: number[] = [];
  let cells: Record<string, string> = {};
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    cells = await fn();
    seconds.push((performance.now() - t0) / 1000);
  }
  return { seconds, peakAfterDataMiB, peakMiB: vmHwmMiB(), cells };
}

async function cxkitCells(
  source: string | { table: string },
  db?: DuckdbConnection,
  other?: SqlEngine,
): Promise<Record<string, string>> {
  const engine = other ?? duckdbEngine(db ? { connection: db } : {});
  try {
    const src = typeof source === "string" ? source : { engine, table: source.table };
    const result = await cohortRetention(src, { engine, period: "month" });
    const cells: Record<string, string> = {};
    for (const r of result.objects() as Record<string, unknown>[]) {
      if ((r.active as number) > 0) {
        cells[`${r.cohort} ${r.period_index}`] = `${r.cohort_size}/${r.active}`;
      }
    }
    return cells;
  } finally {
    if (!other) await engine.close();
  }
}

async function role(name: string): Promise<Report> {
  if (name === "write-parquet") {
    const db = await connect();
    await db.run(
      `COPY (${eventsSelect(Number(values["parquet-events"]), C)}) TO '${
        values.file!.replaceAll("'", "''")
      }' (FORMAT parquet)`,
    );
    return { seconds: [], peakAfterDataMiB: 0, peakMiB: vmHwmMiB(), cells: {} };
  }
  if (name === "parquet") return await timed(() => cxkitCells(values.file!));
  const db = await connect();
  await db.run(`CREATE TABLE events AS ${eventsSelect(E, C)}`);
  if (name === "cxkit") return await timed(() => cxkitCells({ table: "events" }, db));
  return await timed(async () => {
    const cells: Record<string, string> = {};
    const query = name === "sql-distinct"
      ? SQL_RETENTION_DISTINCT
      : name === "sql-bits"
      ? SQL_RETENTION_BITS
      : SQL_RETENTION;
    for (const r of (await db.runAndReadAll(query)).getRowObjectsJS()) {
      cells[`${r.cohort} ${r.k}`] = `${r.cohort_size}/${r.active}`;
    }
    return cells;
  });
}

async function child(name: string, extra: string[] = []): Promise<Report> {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      `--role=${name}`,
      `--out=${out}`,
      `--events=${E}`,
      `--customers=${C}`,
      `--runs=${runs}`,
      ...extra,
    ],
    stdout: "inherit",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`${name} failed:\n${new TextDecoder().decode(stderr)}`);
  const report = JSON.parse(await Deno.readTextFile(out)) as Report;
  await Deno.remove(out);
  return report;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (r: Report) =>
  `${median(r.seconds).toFixed(2)} s (runs ${r.seconds.map((s) => s.toFixed(2)).join(", ")}); ` +
  `peak RSS ${r.peakMiB.toFixed(0)} MiB (${
    r.peakAfterDataMiB.toFixed(0)
  } MiB with the data loaded)`;

if (values.role) {
  await Deno.writeTextFile(values.out!, JSON.stringify(await role(values.role)));
} else if (values.clickhouse) {
  await clickhouse();
} else if (values.parquet) {
  const P = Number(values["parquet-events"]);
  const dir = await Deno.makeTempDir();
  const file = `${dir}/events.parquet`;
  try {
    const t0 = performance.now();
    await child("write-parquet", [`--file=${file}`, `--parquet-events=${P}`]);
    const size = Deno.statSync(file).size / 2 ** 20;
    console.log(
      `wrote ${P.toLocaleString("en-US")} events (${C.toLocaleString("en-US")} customers) to ` +
        `Parquet: ${size.toFixed(0)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const r = await child("parquet", [`--file=${file}`]);
    console.log(`cxkit cohortRetention with engine over the Parquet file: ${fmt(r)}`);
    console.log(`peak RSS ${r.peakMiB < 2048 ? "<" : "≥"} 2 GiB (target < 2 GiB)`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
} else {
  console.log(
    `monthly exact cohort retention in DuckDB: ${E.toLocaleString("en-US")} events, ${
      C.toLocaleString("en-US")
    } customers, 24 months, median of ${runs}`,
  );
  const ours = await child("cxkit");
  const hand = await child("sql");
  const hand2 = await child("sql-distinct");
  const hand3 = await child("sql-bits");
  const keys = Object.keys(hand.cells);
  for (const h of [hand, hand2, hand3]) {
    const differ = keys.filter((k) => ours.cells[k] !== h.cells[k]).length +
      Object.keys(ours.cells).filter((k) => !(k in h.cells)).length;
    if (differ) throw new Error(`engines disagree on ${differ} of ${keys.length} cells`);
  }
  console.log(`cells: ${keys.length} identical`);
  console.log(`cxkit cohortRetention with engine (range + aggregate SQL + finalize): ${fmt(ours)}`);
  console.log(`hand-written DuckDB SQL (min + join + DISTINCT + GROUP BY):  ${fmt(hand)}`);
  console.log(`hand-written DuckDB SQL (DISTINCT first, then min + join):   ${fmt(hand2)}`);
  console.log(`hand-written DuckDB SQL (bitset per customer, bit_or):       ${fmt(hand3)}`);
  for (
    const [what, h] of [
      ["join first", hand],
      ["DISTINCT first", hand2],
      ["bitset", hand3],
    ] as const
  ) {
    console.log(
      `ratio cxkit/hand-written (${what}): time ${
        (median(ours.seconds) / median(h.seconds)).toFixed(2)
      }× (target ≤ 1.2×), peak RSS ${(ours.peakMiB / h.peakMiB).toFixed(2)}×`,
    );
  }
  console.log(`cores: ${navigator.hardwareConcurrency}; load average: ${Deno.loadavg().join(" ")}`);
}

/** The 10M events on a two-shard ClickHouse cluster: cxkit vs hand-written SQL, same run. */
async function clickhouse(): Promise<void> {
  const bin = clickhouseBin();
  if (!bin) {
    console.log("ClickHouse: clickhouse-server is not installed; skipped");
    return;
  }
  const cluster = await startClickhouse(bin);
  try {
    const ch = clickhouseEngine({ url: cluster.shards[0] });
    const t0 = performance.now();
    for (const [k, shard] of cluster.shards.entries()) {
      await ch.exec(
        `CREATE TABLE events_local (customer_id String, date DateTime('UTC')) ENGINE = MergeTree ORDER BY tuple()`,
        { url: shard },
      );
      // Each shard generates its half of the rows (the same formulas as the DuckDB table).
      await ch.exec(
        `INSERT INTO events_local SELECT concat('C', toString(c)),
          toDateTime(toDate('2024-01-01') + sd + intDiv((h % span) * (intDiv(h, 7) % span), span), 'UTC')
        FROM (SELECT c, sd, ${DAYS} - sd AS span, h FROM (
          SELECT i % ${C} AS c, ((i % ${C}) * 7919) % ${DAYS} AS sd, (i * 48271) % 2147483647 AS h
          FROM (SELECT number AS i FROM system.numbers LIMIT ${E}) WHERE i % 2 = ${k}))`,
        { url: shard },
      );
    }
    await ch.exec(
      `CREATE TABLE events AS events_local ENGINE = Distributed(cx, default, events_local)`,
    );
    console.log(
      `ClickHouse, 2 shards: ${E.toLocaleString("en-US")} events loaded in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s; median of ${runs} (after one warm-up)`,
    );
    const ours = async () => await cxkitCells({ table: "events" }, undefined, ch);
    const hand = async () => {
      const text = await ch.exec(`SELECT cohort, k, count() AS active FROM (
          SELECT min(toRelativeMonthNum(date, 'UTC')) AS cohort,
            groupUniqArray(toRelativeMonthNum(date, 'UTC')) AS ms
          FROM events GROUP BY customer_id)
        ARRAY JOIN arrayMap(x -> x - cohort, ms) AS k
        GROUP BY cohort, k FORMAT JSON`);
      const rows = (JSON.parse(text) as { data: Record<string, unknown>[] }).data;
      const label = (n: number) =>
        `${Math.floor((n - 1) / 12)}-${String(((n - 1) % 12) + 1).padStart(2, "0")}`;
      const size = new Map<number, number>();
      for (const r of rows) if (Number(r.k) === 0) size.set(Number(r.cohort), Number(r.active));
      const cells: Record<string, string> = {};
      for (const r of rows) {
        cells[`${label(Number(r.cohort))} ${r.k}`] = `${size.get(Number(r.cohort))}/${r.active}`;
      }
      return cells;
    };
    const a = await timed(ours, true), b = await timed(hand, true);
    const differ = Object.keys(b.cells).filter((k) => a.cells[k] !== b.cells[k]).length +
      Object.keys(a.cells).filter((k) => !(k in b.cells)).length;
    if (differ) throw new Error(`ClickHouse: engines disagree on ${differ} cells`);
    console.log(`cells: ${Object.keys(b.cells).length} identical`);
    console.log(
      `cxkit cohortRetention with engine on ClickHouse: ${median(a.seconds).toFixed(2)} s`,
    );
    console.log(`hand-written ClickHouse SQL:            ${median(b.seconds).toFixed(2)} s`);
    console.log(
      `ratio cxkit/hand-written: ${
        (median(a.seconds) / median(b.seconds)).toFixed(2)
      }× (target ≤ 1.2×)`,
    );
  } finally {
    await cluster.stop();
  }
}
