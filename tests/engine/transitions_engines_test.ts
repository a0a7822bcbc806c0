/**
 * transitions pushdown parity: in memory = DuckDB = PostgreSQL = two-shard
 * ClickHouse, with repeats kept and collapsed, with and without segments —
 * on the sample events, the pandas-reference events (ties broken by label,
 * missing values left out) and seeded random events with hostile column
 * names and labels (quotes, SQL, unicode, newlines). Whole-second dates:
 * ClickHouse 18.16's DateTime holds seconds.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { type TransitionOptions, transitions } from "../../src/analysis/journey/transitions.ts";
import type { SqlEngine } from "../../src/engine/engine.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import { CxDataError } from "../../src/errors.ts";
import { meta } from "../../src/meta.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { sampleEvents } from "../fixtures/segments/read.ts";
import { assertSameResult } from "./assert_same.ts";
import { clickhouseTest, postgresTest } from "./servers.ts";

const CUSTOMER = `who"; DROP TABLE t; --`;
const DATE = "wann`'";
const STEP = "Schritt 🚀";
const SEG = "seg'; --";
const LABELS = ["web", `'; DROP TABLE x; --`, 'say "hi"', "Zürich 🚀", "a`b\\c", "x\ny", "～"];

function randomEvents(seed: number, customers: number): ColumnTable {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const cols: Record<string, unknown[]> = { [CUSTOMER]: [], [DATE]: [], [STEP]: [], [SEG]: [] };
  for (let c = 0; c < customers; c++) {
    const k = 1 + Math.floor(random() * 7);
    for (let i = 0; i < k; i++) {
      cols[CUSTOMER].push(random() < 0.02 ? null : `c${c}`);
      // few distinct seconds: ties, broken by the label
      cols[DATE].push(new Date(Date.UTC(2025, 0, 1) + 1000 * Math.floor(random() * 6)));
      cols[STEP].push(random() < 0.02 ? null : pick(LABELS));
      cols[SEG].push(random() < 0.03 ? null : pick(["north", "süd"]));
    }
  }
  return aq.table(cols);
}

const reference = aq.fromCSV(
  await Deno.readTextFile(new URL("../fixtures/journey/events.csv", import.meta.url)),
  { parse: { date: (v: string) => new Date(v) }, autoType: false },
).derive({ step: (d: { step: string }) => d.step === "" ? null : d.step });
const sample = await sampleEvents();

const CASES: [string, ColumnTable, TransitionOptions][] = [];
for (const collapseRepeats of [false, true]) {
  CASES.push(["sample", sample, { step: "type", collapseRepeats }]);
  CASES.push(["reference", reference, { collapseRepeats }]);
  CASES.push(["reference by seg", reference, { by: "seg", collapseRepeats }]);
  for (const [k, t] of [randomEvents(1, 300), randomEvents(2, 1)].entries()) {
    const o = { customer: CUSTOMER, date: DATE, step: STEP, collapseRepeats };
    CASES.push([`random ${k}`, t, o]);
    CASES.push([`random ${k} by`, t, { ...o, by: SEG, confidence: 0.9 }]);
  }
}

async function checkEngine(engine: SqlEngine) {
  let checked = 0;
  for (const [name, table, options] of CASES) {
    const expected = transitions(table, options);
    const { relation, drop } = await engine.load(table, { [options.date ?? "date"]: "timestamp" });
    try {
      const ref = { engine, table: (relation as { name: string }).name };
      const actual = await transitions(ref, options);
      assertSameResult(actual, expected, `${engine.name}: ${name} ${JSON.stringify(options)}`);
      // the notes too: rows left out counted the same way
      assert.deepEqual(meta(actual).kind, "journey");
      const notes = (t: ColumnTable) => (meta(t) as { notes: unknown }).notes;
      assert.deepEqual(notes(actual), notes(expected), name);
      checked++;
    } finally {
      await drop();
    }
  }
  // In-memory input loaded by the dispatcher, with the SQL recorded.
  const t = randomEvents(3, 50);
  const o = { customer: CUSTOMER, date: DATE, step: STEP, by: SEG };
  const viaLoad = await transitions(t, { ...o, engine, explain: true });
  assertSameResult(viaLoad, transitions(t, o), `${engine.name}: loaded`);
  assert.equal(meta(viaLoad).engine, engine.name);
  assert.ok(meta(viaLoad).queries!.length === 2);
  // A reserved label fails as in memory (a CxDataError naming the step column).
  const bad = aq.table({ customer_id: ["a"], date: [new Date(0)], step: ["(end)"] });
  await assert.rejects(
    transitions(bad, { engine }),
    (e: unknown) => e instanceof CxDataError && e.problems[0].column === "step",
  );
  assert.equal(checked, CASES.length);
}

Deno.test("transitions pushdown: DuckDB (server tables, in-memory input, a CSV file)", async () => {
  const engine = duckdbEngine();
  try {
    await checkEngine(engine);
    const csv = await Deno.makeTempFile({ suffix: ".csv" });
    await Deno.writeTextFile(csv, reference.toCSV());
    const fromFile = await transitions(csv, { by: "seg", engine });
    assertSameResult(fromFile, transitions(reference, { by: "seg" }), "csv");
    await Deno.remove(csv);
    // Dates stored as text cannot be ordered as dates: refused, naming the column.
    const conn = await engine.connection();
    await conn.run(
      `CREATE TABLE text_dates AS SELECT 'a' AS customer_id, '2025-01-02' AS date, 'web' AS step`,
    );
    await assert.rejects(
      transitions({ engine, table: "text_dates" }),
      (e: unknown) =>
        e instanceof CxDataError && e.problems[0].column === "date" && /timestamp/.test(e.message),
    );
  } finally {
    await engine.close();
  }
});

postgresTest("transitions pushdown: PostgreSQL", checkEngine);

clickhouseTest(
  "transitions pushdown: ClickHouse, two shards behind a Distributed table",
  checkEngine,
  reference,
  { date: "timestamp" },
);
