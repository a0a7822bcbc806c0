/**
 * funnel pushdown parity: in memory = DuckDB = PostgreSQL = two-shard
 * ClickHouse, through the one dispatcher (`funnel(source, { engine })`), for
 * both orders, with and without segments — on the seeded reference events
 * (repeated first steps, steps out of order, equal timestamps) and on a
 * hostile table (quotes and SQL in column names and step labels, missing and
 * blank customers and segments, boolean segments, fractional windows,
 * `observedUntil`).
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { funnel, type FunnelOptions } from "../../src/analysis/journey/funnel.ts";
import { quoteIdent } from "../../src/engine/compile/quote.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import type { SqlEngine } from "../../src/engine/engine.ts";
import { meta } from "../../src/meta.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { assertSameResult } from "./assert_same.ts";
import { clickhouseTest, postgresTest } from "./servers.ts";

const csv = (await Deno.readTextFile(
  new URL("../fixtures/journey/funnel_events.csv", import.meta.url),
)).trim().split("\n").slice(1).map((l) => l.split(","));
const sample = aq.table({
  customer_id: csv.map((r) => r[0]),
  date: csv.map((r) => new Date(r[1])),
  step: csv.map((r) => r[2]),
  segment: csv.map((r) => r[3]),
});
const STEPS = ["visit", "signup", "trial", "purchase"];

const CUSTOMER = `who"; DROP TABLE t; --`;
const WHEN = "wh`en' --";
const STEP = "étape";
const SEG = 'seg "x"';
const LABELS = [`'; DROP TABLE t; --`, 'say "hi"', "a`b\\c", "Zürich 🚀"];

/** Seeded events with hostile names and labels, missing values, ties, boolean segments. */
function hostile(seed: number, rows: number): ColumnTable {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const out: Record<string, unknown[]> = { [CUSTOMER]: [], [WHEN]: [], [STEP]: [], [SEG]: [] };
  for (let i = 0; i < rows; i++) {
    const r = random();
    out[CUSTOMER].push(r < 0.02 ? null : r < 0.03 ? " " : `c${Math.floor(random() * rows / 6)}`);
    // Whole hours (ClickHouse DateTime holds seconds), often equal.
    const hour = Math.floor(random() * 24 * 12) * (random() < 0.5 ? 1 : 6);
    out[WHEN].push(random() < 0.01 ? null : new Date(Date.UTC(2024, 4, 1) + hour * 3_600_000));
    out[STEP].push(random() < 0.1 ? "other" : pick(LABELS));
    out[SEG].push(random() < 0.04 ? null : random() < 0.5);
  }
  return aq.table(out);
}

const HOSTILE = hostile(7, 1500);
const HOSTILE_OPTIONS = { customer: CUSTOMER, date: WHEN, step: STEP, steps: LABELS };

type Case = [name: string, table: ColumnTable, options: FunnelOptions];
const CASES: Case[] = [
  ["sample strict by segment", sample, { steps: STEPS, windowDays: 7, by: "segment" }],
  ["sample any by segment", sample, { steps: STEPS, windowDays: 7, order: "any", by: "segment" }],
  ["sample strict pooled, 2 steps", sample, { steps: STEPS.slice(0, 2), windowDays: 3 }],
  ["sample any, observedUntil", sample, {
    steps: STEPS,
    windowDays: 5,
    order: "any",
    observedUntil: new Date("2024-01-15T00:00:00Z"),
  }],
  ["hostile strict by boolean", HOSTILE, { ...HOSTILE_OPTIONS, windowDays: 2.5, by: SEG }],
  ["hostile any", HOSTILE, { ...HOSTILE_OPTIONS, windowDays: 4, order: "any" }],
  ["one step", HOSTILE, { ...HOSTILE_OPTIONS, steps: [LABELS[0]], windowDays: 1 }],
  // Two or three strict steps take DuckDB's one-window form.
  ["sample strict by segment, 3 steps", sample, {
    steps: STEPS.slice(0, 3),
    windowDays: 7,
    by: "segment",
  }],
  ["hostile strict by boolean, 3 steps", HOSTILE, {
    ...HOSTILE_OPTIONS,
    steps: LABELS.slice(0, 3),
    windowDays: 2.5,
    by: SEG,
  }],
  ["hostile strict, 2 steps", HOSTILE, {
    ...HOSTILE_OPTIONS,
    steps: LABELS.slice(1, 3),
    windowDays: 1,
  }],
  // observedUntil inside the data: later events are left out of the one-window form too.
  ["hostile strict, 3 steps, observedUntil", HOSTILE, {
    ...HOSTILE_OPTIONS,
    steps: LABELS.slice(0, 3),
    windowDays: 2,
    observedUntil: new Date(Date.UTC(2024, 4, 20)),
  }],
];

async function checkEngine(engine: SqlEngine) {
  if (engine.dialect === "clickhouse") await checkWindowFunnel(engine);
  for (const [name, table, options] of CASES) {
    const expected = funnel(table, options);
    const got = await funnel(table, { ...options, engine, explain: true });
    assertSameResult(got, expected, `${engine.name}: ${name}`);
    const m = meta(got), e = meta(expected);
    assert.equal(m.engine, engine.name);
    assert.equal(m.queries?.length, 2);
    if (m.kind === "funnel" && e.kind === "funnel") {
      assert.deepEqual(m.notes, e.notes, name);
      assert.deepEqual(m.observedUntil, e.observedUntil, name);
    }
  }
}

/**
 * ClickHouse's own `windowFunnel` (the level rule `funnel` follows) gives the
 * same customers per step as `funnel` in memory, on the sample customers
 * whose funnel events have no equal timestamps (18.16's windowFunnel keeps
 * equal timestamps in the order rows arrive, so with ties its levels depend
 * on that order; funnel takes them in step order). Read through a subquery,
 * so the rows meet on one node before windowFunnel sees them.
 */
async function checkWindowFunnel(engine: SqlEngine) {
  const { relation, drop } = await engine.load(TIE_FREE);
  try {
    const name = quoteIdent((relation as { name: string }).name, "clickhouse");
    const conditions = STEPS.map((s) => `step = '${s}'`).join(", ");
    const rows = await engine.run({
      dialect: "clickhouse",
      sql: `SELECT level, count() AS n FROM (SELECT customer_id, windowFunnel(${
        7 * 86400
      })(assumeNotNull(date), ${conditions}) AS level FROM (SELECT * FROM ${name}) GROUP BY customer_id) GROUP BY level`,
      params: [],
      keys: [],
      measures: [],
    });
    const count = new Map(rows.map((r) => [Number(r.level), Number(r.n)]));
    const reached = STEPS.map((_, i) =>
      [...count].filter(([level]) => level > i).reduce((s, [, n]) => s + n, 0)
    );
    const expected = funnel(TIE_FREE, { steps: STEPS, windowDays: 7 }).array("customers");
    assert.deepEqual(reached, expected);
    assert.ok((expected as number[])[2] > 10, "the check reaches the third step");
  } finally {
    await drop();
  }
}

/** The sample customers whose funnel events all have different timestamps. */
const TIE_FREE = (() => {
  const seen = new Map<string, Set<number>>(), tied = new Set<string>();
  sample.objects().forEach((r) => {
    const o = r as { customer_id: string; date: Date; step: string };
    if (!STEPS.includes(o.step)) return;
    const times = seen.get(o.customer_id) ?? new Set<number>();
    if (times.has(o.date.getTime())) tied.add(o.customer_id);
    times.add(o.date.getTime());
    seen.set(o.customer_id, times);
  });
  return sample.filter(aq.escape((d: { customer_id: string }) => !tied.has(d.customer_id)))
    .reify();
})();

Deno.test("funnel pushdown: DuckDB equals memory", async () => {
  const engine = duckdbEngine();
  try {
    await checkEngine(engine);
  } finally {
    await engine.close();
  }
});

Deno.test("funnel pushdown: DuckDB leaves out blank customers as memory does", async () => {
  // DuckDB tests an id's first character before trimming it: ids starting with printable ASCII
  // are kept without trim; empty, space-only, no-break-space-only ids are blank; ids starting
  // with a space, an accent or an emoji are kept. Each customer: visit, then cart a day later.
  const ids = ["", " ", "  ", "\u00a0", "\u3000 ", " a", "é", "🚀x", "b", "~", "!"];
  const customer: string[] = [], date: Date[] = [], step: string[] = [];
  ids.forEach((id, i) => {
    customer.push(id, id);
    date.push(new Date(Date.UTC(2024, 0, 1 + i)), new Date(Date.UTC(2024, 0, 2 + i)));
    step.push("visit", "cart");
  });
  const events = aq.table({ customer_id: customer, date, step });
  const engine = duckdbEngine();
  try {
    for (const steps of [["visit", "cart"], ["visit", "cart", "buy"]]) {
      const options = { steps, windowDays: 3 };
      const expected = funnel(events, options);
      // By hand: 6 customers (" a", "é", "🚀x", "b", "~", "!") reach both steps; 5 ids are blank.
      assert.deepEqual(expected.array("customers").slice(0, 2), [6, 6]);
      assertSameResult(await funnel(events, { ...options, engine }), expected, steps.join(">"));
    }
  } finally {
    await engine.close();
  }
});

Deno.test("funnel pushdown: a DuckDB server table and a Parquet file", async () => {
  const engine = duckdbEngine();
  const dir = await Deno.makeTempDir();
  try {
    const options = { steps: STEPS, windowDays: 7, by: "segment" };
    const expected = funnel(sample, options);
    const { relation, drop } = await engine.load(sample);
    const table = (relation as { name: string }).name;
    assertSameResult(await funnel({ engine, table }, options), expected, "server table");
    const path = `${dir}/events.parquet`;
    await engine.run({
      dialect: "duckdb",
      sql: `COPY (SELECT * FROM "${table}") TO '${path}' (FORMAT PARQUET)`,
      params: [],
      keys: [],
      measures: [],
    });
    await drop();
    assertSameResult(await funnel(path, { ...options, engine }), expected, "parquet");
  } finally {
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});

postgresTest("funnel pushdown: PostgreSQL equals memory", checkEngine);

clickhouseTest(
  "funnel pushdown: ClickHouse, two shards behind a Distributed table, equals memory",
  checkEngine,
  sample,
);
