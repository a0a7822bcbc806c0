/**
 * customerSummary pushdown parity: in memory = DuckDB = PostgreSQL =
 * two-shard ClickHouse, through the one dispatcher
 * (`customerSummary(source, { engine })`): the CDNOW purchases with a
 * holdout, and a hostile table (quotes and SQL in column names, missing
 * customers, dates and revenue, purchases after observedUntil, unit day,
 * no revenue column).
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { customerSummary, type CustomerSummaryOptions } from "../../src/predict/summary.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import type { SqlEngine } from "../../src/engine/engine.ts";
import { meta } from "../../src/meta.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { cdnowPurchases } from "../predict/helpers.ts";
import { assertSameResult } from "./assert_same.ts";
import { clickhouseTest, postgresTest } from "./servers.ts";

const d = (s: string) => new Date(s + "T00:00:00Z");
const CUSTOMER = `who"; DROP TABLE t; --`;
const WHEN = "wh`en' --";
const VALUE = 'Umsatz "€"';

/** Seeded purchases with hostile names, missing values and same-day repeats. */
function hostile(seed: number, rows: number): ColumnTable {
  const random = seededRandom(seed);
  const out: Record<string, unknown[]> = { [CUSTOMER]: [], [WHEN]: [], [VALUE]: [] };
  for (let i = 0; i < rows; i++) {
    const r = random();
    out[CUSTOMER].push(r < 0.02 ? null : `c'${Math.floor(random() * rows / 5)}`);
    const day = Math.floor(random() * 120);
    out[WHEN].push(random() < 0.01 ? null : new Date(Date.UTC(2024, 0, 1) + day * 86_400_000));
    out[VALUE].push(random() < 0.02 ? null : Math.round(random() * 10_000) / 100);
  }
  return aq.table(out);
}

const HOSTILE = hostile(16, 1200);
const NAMES = { customer: CUSTOMER, date: WHEN, revenue: VALUE };
const CDNOW = cdnowPurchases();

type Case = [name: string, table: ColumnTable, options: CustomerSummaryOptions];
const CASES: Case[] = [
  ["CDNOW with holdout", CDNOW, {
    calibrationEnd: d("1997-09-30"),
    observedUntil: d("1998-06-30"),
  }],
  ["hostile, days, cut at observedUntil", HOSTILE, {
    ...NAMES,
    unit: "day",
    observedUntil: d("2024-03-31"),
  }],
  ["hostile, weeks, holdout", HOSTILE, { ...NAMES, calibrationEnd: d("2024-02-29") }],
  ["hostile, no revenue column", HOSTILE.select(CUSTOMER, WHEN), {
    customer: CUSTOMER,
    date: WHEN,
  }],
];

async function checkEngine(engine: SqlEngine) {
  for (const [name, table, options] of CASES) {
    const expected = customerSummary(table, options);
    const got = await customerSummary(table, { ...options, engine, explain: true });
    assertSameResult(got, expected, `${engine.name}: ${name}`);
    const m = meta(got), e = meta(expected);
    assert.equal(m.engine, engine.name);
    assert.equal(m.queries?.length, 2);
    if (m.kind === "predict" && e.kind === "predict") assert.deepEqual(m.notes, e.notes, name);
  }
}

Deno.test("customerSummary pushdown: DuckDB equals memory", async () => {
  const engine = duckdbEngine();
  try {
    await checkEngine(engine);
  } finally {
    await engine.close();
  }
});

postgresTest("customerSummary pushdown: PostgreSQL equals memory", checkEngine);

clickhouseTest(
  "customerSummary pushdown: ClickHouse, two shards behind a Distributed table, equals memory",
  checkEngine,
  CDNOW,
);
