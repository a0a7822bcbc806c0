/**
 * `funnel` on seeded events (default 10M events of 1M customers over 90 days,
 * steps visit/cart/buy plus a non-funnel "browse", 7-day window, strict
 * order): in memory (`funnel(table, …)`) and through DuckDB
 * (`funnel({ engine, table }, …)`) against a hand-written DuckDB query for
 * the same summary (a range join per step from every start, the best start
 * per customer with its step times, the left-out events and the data's end)
 * and the older levels-only query. Checks that all give the same customers
 * per step and prints medians, CPU seconds and ratios to the hand-written SQL.
 *
 *     deno run -A bench/funnel_bench.ts [--events 10000000] [--runs 3]
 *
 * Times cover the call only (data built and loaded into DuckDB first). The
 * funnel calls also compute the Kaplan–Meier medians and the Wilson
 * intervals from that summary.
 *
 * @module
 */
import * as aq from "arquero";
import { parseArgs } from "node:util";
import { funnel } from "../src/analysis/journey/funnel.ts";
import { duckdbEngine } from "../src/engine/duckdb.ts";
import { compactTable } from "../src/kernels/columns.ts";
import { seededRandom } from "../src/stats/random.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "10000000" },
    runs: { type: "string", default: "3" },
  },
});
const E = Number(values.events), runs = Number(values.runs);
const C = Math.max(1, Math.round(E / 10));
const STEPS = ["visit", "cart", "buy"];
const WINDOW_DAYS = 7;
const T0 = Date.UTC(2024, 0, 1);

/** Seeded events: customer, minute within 90 days, step (visit 50 %, cart 30 %, buy 10 %, browse 10 %). */
function build() {
  const random = seededRandom(20261202);
  const names = Array.from({ length: C }, (_, i) => `c${i}`);
  const customer = new Array<string>(E), date = new Array<Date>(E), step = new Array<string>(E);
  const kinds = [
    "visit",
    "visit",
    "visit",
    "visit",
    "visit",
    "cart",
    "cart",
    "cart",
    "buy",
    "browse",
  ];
  for (let i = 0; i < E; i++) {
    customer[i] = names[Math.floor(random() * C)];
    date[i] = new Date(T0 + Math.floor(random() * 90 * 24 * 60) * 60_000);
    step[i] = kinds[Math.floor(random() * 10)];
  }
  // Compact columns, as readCsv/readLargeCsv/readParquet return them (codes and epoch ms).
  return compactTable(aq.table({ customer_id: customer, date, step }));
}

/**
 * What `funnel` computes, by hand: the data's end and the funnel events left out (no date or a
 * blank customer), for every visit the first cart within the window by a range join and then the
 * first buy after it, the best start per customer (highest level, then latest) with its step
 * times, and those customers counted per (level, open window, step gaps, time since the last step)
 * — the summary `funnel_sql.ts` returns before the Kaplan–Meier medians and intervals.
 */
function handSql(table: string): string {
  const w = WINDOW_DAYS * 86_400_000;
  return `
WITH e AS (
  SELECT customer_id AS c, epoch_ms(date) AS t, step FROM "${table}"
  WHERE step IN ('visit', 'cart', 'buy') AND date IS NOT NULL AND customer_id IS NOT NULL
    AND trim(customer_id) <> ''
), s2 AS (
  SELECT v.c, v.t AS s, min(x.t) AS t2
  FROM e AS v LEFT JOIN e AS x ON x.c = v.c AND x.step = 'cart' AND x.t >= v.t AND x.t <= v.t + ${w}
  WHERE v.step = 'visit' GROUP BY v.c, v.t
), s3 AS (
  SELECT s2.c, s2.s, s2.t2, min(x.t) AS t3
  FROM s2 LEFT JOIN e AS x ON x.c = s2.c AND x.step = 'buy' AND x.t >= s2.t2 AND x.t <= s2.s + ${w}
  GROUP BY s2.c, s2.s, s2.t2
), best AS (
  SELECT c, max(level) AS level, arg_max(s, (level, s)) AS s, arg_max(t2, (level, s)) AS t2,
    arg_max(t3, (level, s)) AS t3
  FROM (SELECT *, CASE WHEN t3 IS NOT NULL THEN 3 WHEN t2 IS NOT NULL THEN 2 ELSE 1 END AS level FROM s3)
  GROUP BY c
), range AS (
  SELECT max(epoch_ms(date)) AS u, count(*) FILTER (WHERE step IN ('visit', 'cart', 'buy')
    AND (date IS NULL OR customer_id IS NULL OR trim(customer_id) = '')) AS missing
  FROM "${table}"
)
SELECT level, open, g2, g3, elapsed, count(*) AS customers, any_value(missing) AS missing
FROM (SELECT level, missing, CASE WHEN s + ${w} > u THEN 1 ELSE 0 END AS open,
        CASE WHEN level >= 2 THEN t2 - s END AS g2, CASE WHEN level >= 3 THEN t3 - t2 END AS g3,
        CASE WHEN s + ${w} > u AND level < 3 THEN u - CASE level WHEN 1 THEN s ELSE t2 END END AS elapsed
      FROM best, range)
GROUP BY level, open, g2, g3, elapsed`;
}

/** The reference before 2026-12-02 afternoon: the levels only (no times, no left-out events). */
function levelsSql(table: string): string {
  const w = WINDOW_DAYS * 86_400_000;
  return `
WITH e AS (
  SELECT customer_id AS c, epoch_ms(date) AS t, step FROM "${table}" WHERE step IN ('visit', 'cart', 'buy')
), s2 AS (
  SELECT v.c, v.t AS s, min(x.t) AS t2
  FROM e AS v LEFT JOIN e AS x ON x.c = v.c AND x.step = 'cart' AND x.t >= v.t AND x.t <= v.t + ${w}
  WHERE v.step = 'visit' GROUP BY v.c, v.t
), s3 AS (
  SELECT s2.c, s2.s, s2.t2, min(x.t) AS t3
  FROM s2 LEFT JOIN e AS x ON x.c = s2.c AND x.step = 'buy' AND x.t >= s2.t2 AND x.t <= s2.s + ${w}
  GROUP BY s2.c, s2.s, s2.t2
), levels AS (
  SELECT c, max(CASE WHEN t3 IS NOT NULL THEN 3 WHEN t2 IS NOT NULL THEN 2 ELSE 1 END) AS level
  FROM s3 GROUP BY c
)
SELECT level, count(*) AS customers FROM levels GROUP BY level ORDER BY level`;
}

/** CPU seconds of this process, all threads (DuckDB's too): less bent by a loaded machine than wall time. */
function cpuSeconds(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in 1/100 s
}

async function timed<T>(
  fn: () => Promise<T> | T,
): Promise<{ median: number; cpu: number; result: T }> {
  const seconds: number[] = [], cpu: number[] = [];
  let result!: T;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now(), c0 = cpuSeconds();
    result = await fn();
    seconds.push((performance.now() - t0) / 1000);
    cpu.push(cpuSeconds() - c0);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { median: median(seconds), cpu: median(cpu), result };
}

const t0 = performance.now();
const events = build();
const engine = duckdbEngine();
const { relation } = await engine.load(events);
const table = (relation as { name: string }).name;
console.log(
  `${E.toLocaleString("en-US")} events, ${
    C.toLocaleString("en-US")
  } customers: built and loaded in ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s; medians of ${runs}`,
);
const options = { steps: STEPS, windowDays: WINDOW_DAYS };
const memory = await timed(() => funnel(events, options));
const duck = await timed(() => funnel({ engine, table }, options));
const sql = (text: string) => ({
  dialect: "duckdb" as const,
  sql: text,
  params: [],
  keys: [],
  measures: [],
});
const hand = await timed(() => engine.run(sql(handSql(table))));
const levels = await timed(() => engine.run(sql(levelsSql(table))));
// Customers per step from the hand-written summary: reached step j = level ≥ j.
const perLevel = new Map<number, number>();
for (const r of hand.result) {
  perLevel.set(Number(r.level), (perLevel.get(Number(r.level)) ?? 0) + Number(r.customers));
}
const levelsOnly = levels.result.map((r) => Number(r.customers));
if (
  JSON.stringify(levelsOnly) !== JSON.stringify(
    [...perLevel].sort(([a], [b]) => a - b).map(([, n]) => n),
  )
) {
  throw new Error(`The levels-only reference differs: ${levelsOnly}`);
}
const reached = STEPS.map((_, i) =>
  [...perLevel].filter(([level]) => level >= i + 1).reduce((s, [, n]) => s + n, 0)
);
const same = (t: aq.ColumnTable) =>
  JSON.stringify(t.array("customers")) === JSON.stringify(reached);
if (!same(memory.result) || !same(duck.result)) {
  throw new Error(
    `Results differ: hand ${reached}, memory ${memory.result.array("customers")}, duckdb ${
      duck.result.array("customers")
    }`,
  );
}
console.log(
  `customers per step (all agree): ${
    reached.join(", ")
  }; ${hand.result.length} summary rows by hand; ${Number(hand.result[0].missing)} events left out`,
);
const line = (label: string, r: { median: number; cpu: number }) =>
  console.log(
    `${label.padEnd(34)}${r.median.toFixed(2)} s  ${(r.median / hand.median).toFixed(2)}×   cpu ${
      r.cpu.toFixed(2)
    } s  ${(r.cpu / hand.cpu).toFixed(2)}×`,
  );
line("hand-written DuckDB SQL", hand);
line("hand-written, levels only", levels);
line("funnel in memory", memory);
line("funnel through DuckDB", duck);
console.log(
  `GOAL funnel-duckdb ratio=${(duck.median / hand.median).toFixed(3)} target=1.0 ` +
    `vs hand-written DuckDB SQL, ${E} events, medians of ${runs} (in memory ${
      (memory.median / hand.median).toFixed(2)
    }×; vs levels only ${(duck.median / levels.median).toFixed(2)}×; cpu ${
      (duck.cpu / hand.cpu).toFixed(2)
    }×; load ${Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ")})`,
);
await engine.close();
