/**
 * `funnel` on seeded events (default 10M events of 1M customers over 90 days,
 * steps visit/cart/buy plus a non-funnel "browse", 7-day window, strict
 * order): in memory (`funnel(table, …)`) and through DuckDB
 * (`funnel({ engine, table }, …)`) against a hand-written DuckDB query for
 * the same levels (a join per step from every start, then the best start per
 * customer). Checks that all three give the same customers per step and
 * prints medians and ratios to the hand-written SQL.
 *
 *     deno run -A bench/funnel_bench.ts [--events 10000000] [--runs 3]
 *
 * Times cover the call only (data built and loaded into DuckDB first). The
 * funnel calls also compute the step times, the Kaplan–Meier medians and
 * the Wilson intervals; the hand-written query only counts levels.
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

/** The same levels by hand: for every visit, the first cart after it, then the first buy after that. */
function handSql(table: string): string {
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

async function timed<T>(fn: () => Promise<T> | T): Promise<{ median: number; result: T }> {
  const seconds: number[] = [];
  let result!: T;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = await fn();
    seconds.push((performance.now() - t0) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return { median: seconds[Math.floor(seconds.length / 2)], result };
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
const hand = await timed(() =>
  engine.run({ dialect: "duckdb", sql: handSql(table), params: [], keys: [], measures: [] })
);
// Customers per step from the hand-written levels: reached step j = level ≥ j.
const perLevel = new Map(hand.result.map((r) => [Number(r.level), Number(r.customers)]));
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
console.log(`customers per step (all three agree): ${reached.join(", ")}`);
console.log(`hand-written DuckDB SQL   ${hand.median.toFixed(2)} s`);
console.log(
  `funnel in memory          ${memory.median.toFixed(2)} s  ${
    (memory.median / hand.median).toFixed(2)
  }×`,
);
console.log(
  `funnel through DuckDB     ${duck.median.toFixed(2)} s  ${
    (duck.median / hand.median).toFixed(2)
  }×`,
);
console.log(
  `GOAL funnel-duckdb ratio=${(duck.median / hand.median).toFixed(3)} target=1.0 ` +
    `vs hand-written DuckDB SQL, ${E} events, medians of ${runs} (in memory ${
      (memory.median / hand.median).toFixed(2)
    }×)`,
);
await engine.close();
