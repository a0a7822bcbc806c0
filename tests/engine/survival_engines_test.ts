/**
 * Survival pushdown parity: survivalCounts, kaplanMeier (every transform),
 * logRank (overall and pairwise) and cumulativeIncidence (with and without
 * an event column) in memory and with the counts
 * aggregated (option `engine`, through the one dispatcher) by DuckDB, PostgreSQL and a two-shard ClickHouse cluster give
 * identical tables (counts exact, floats to 1e-9) — on the sample customers
 * and on seeded random tables with ties, fractional times, null and unicode
 * or hostile labels and reasons, one-row groups, boolean and 0/1 events.
 * Invalid values on a server table fail as in memory, naming the column.
 * (cumulativeIncidence in memory is tested against R's cmprsk and survfit
 * in tests/analysis/survival_test.ts.)
 */
import { meta, type ResultMeta } from "../../src/meta.ts";
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { readCsv } from "../../src/io/csv.ts";
import type { SqlEngine } from "../../src/engine/engine.ts";
import { logRank } from "../../src/analysis/survival/logrank.ts";
import { cumulativeIncidence } from "../../src/analysis/survival/competing.ts";
import { kaplanMeier } from "../../src/analysis/survival/kaplan_meier.ts";
import { survivalCounts } from "../../src/analysis/survival/counts.ts";
import { survivalTimes } from "../../src/analysis/survival/times.ts";
import { quoteIdent } from "../../src/engine/compile/quote.ts";
import { compileAggregate } from "../../src/engine/compile/aggregate.ts";
import type { ClickhouseEngine } from "../../src/engine/clickhouse.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import { survivalCountsSpec } from "../../src/analysis/survival/sql.ts";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { clickhouseTest, postgresTest } from "./servers.ts";
import { assertSameResult, problemCount } from "./assert_same.ts";

const { table: customerRows } = await readCsv(
  new URL("../../data/sample/customers.csv", import.meta.url),
  { schema: "customers" },
);
const customers = survivalTimes(customerRows, { observedUntil: new Date("2025-12-31") })
  .derive({ referred: (d: { referred_by: string | null }) => !!d.referred_by })
  .select("plan", "region", "referred", "churn_reason", "time", "event");

// Hostile names: quotes of every dialect, statement separators, comments, unicode.
const SEG = `seg"; DROP TABLE t; --`;
const REGION = "rég`ion' --";
const TIME = `days'); DELETE FROM x; --`;
const EVENT = "churned?";
const STATUS = `why"; --`;
const REASONS = ["price", "moved", `'; DROP TABLE t; --`, "Zürich 🚀", null, ""];
const LABELS = ["chat", `'; DROP TABLE answers; --`, 'say "hi"', "Zürich 🚀", "a`b\\c", "x\ny"];

/** Seeded survival data: ties in time, null and hostile labels, one-row groups. */
function randomSurvival(
  seed: number,
  rows: number,
  options: { fractional?: boolean; boolean?: boolean } = {},
): ColumnTable {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const seg: (string | null)[] = [], region: (string | null)[] = [];
  const time: number[] = [], event: (number | boolean)[] = [], status: (string | null)[] = [];
  for (let i = 0; i < rows; i++) {
    seg.push(random() < 0.05 ? null : pick(LABELS));
    region.push(random() < 0.03 ? `solo ${i}` : pick(["north", "south", "ÿ-east"]));
    // Few distinct times: many ties, events and censorings at the same time.
    const t = Math.floor(random() * 40);
    time.push(options.fractional ? t * 0.1 + (random() < 0.5 ? 0 : 1 / 3) : t);
    const e = random() < 0.6;
    event.push(options.boolean ? e : e ? 1 : 0);
    // A reason for who left (or none); censored rows mostly say so, some keep a reason.
    status.push(e || random() < 0.3 ? pick(REASONS) : "censored");
  }
  return aq.table({ [SEG]: seg, [REGION]: region, [TIME]: time, [EVENT]: event, [STATUS]: status });
}

const RANDOM = [
  randomSurvival(1, 500),
  randomSurvival(2, 60, { fractional: true, boolean: true }),
  randomSurvival(3, 1, { boolean: true }),
  randomSurvival(4, 3000, { fractional: true }),
];

/** Missing labels of every kind (null, empty, blank): left out by default, or groups. */
const BLANKS = aq.table({
  [SEG]: ["a", "", null, "  ", "a", "b", "b", null, "b", "a"],
  [TIME]: [1, 2, 2, 3, 4, 5, 6, 7, 8, 9],
  [EVENT]: [1, 0, 1, 1, 0, 1, 1, 0, 1, 1],
  [STATUS]: ["a", null, "b", "a", "c", "b", "b", null, "a", ""],
});

/** The analyses under test, in memory or (given engine) in the engine. */
const RUN = {
  counts: survivalCounts,
  km: kaplanMeier,
  logrank: logRank,
  cif: cumulativeIncidence,
};

interface Case {
  name: string;
  table: ColumnTable;
  run: (
    input: ColumnTable | { engine: SqlEngine; table: string },
    engine?: SqlEngine,
  ) => ColumnTable | Promise<ColumnTable>;
}

function cases(): Case[] {
  const out: Case[] = [];
  const add = (
    name: string,
    table: ColumnTable,
    what: "counts" | "km" | "logrank" | "cif",
    options: Record<string, unknown>,
  ) => {
    out.push({
      name: `${name} ${what} ${JSON.stringify(options)}`,
      table,
      run: (input, engine) => {
        const o = engine ? { ...options, engine } : options;
        const run = RUN[what] as (input: unknown, options: unknown) => ColumnTable;
        return run(input, o);
      },
    });
  };
  for (const by of [undefined, "plan", ["plan", "region"], "referred"]) {
    add("sample", customers, "counts", { by });
    for (const transform of ["log", "log-log", "plain"]) {
      add("sample", customers, "km", { by, transform, confidence: 0.9 });
    }
    if (by) {
      add("sample", customers, "logrank", { by });
      add("sample", customers, "logrank", { by, pairwise: true });
    }
    // The event column decides who left; a churn without a reason is "unspecified".
    add("sample", customers, "cif", { by, status: "churn_reason", transform: "log-log" });
  }
  RANDOM.forEach((table, k) => {
    const cols = { time: TIME, event: EVENT };
    for (const by of [undefined, SEG, [SEG, REGION]]) {
      add(`random ${k}`, table, "counts", { ...cols, by });
      add(`random ${k}`, table, "km", { ...cols, by, transform: k % 2 ? "log-log" : "log" });
    }
    for (const by of [undefined, [SEG, REGION]]) {
      add(`random ${k}`, table, "cif", { ...cols, by, status: STATUS });
      // No event column: the status alone, empty = censored ("censored" is one more reason).
      const alone = { time: TIME, event: null, status: STATUS, censored: null };
      add(`random ${k}`, table, "cif", { ...alone, by });
    }
    if (table.numRows() > 1) {
      add(`random ${k}`, table, "logrank", { ...cols, by: SEG });
      add(`random ${k}`, table, "logrank", { ...cols, by: [SEG, REGION], pairwise: true });
    }
  });
  const cols = { time: TIME, event: EVENT };
  for (const missing of [undefined, "group"]) {
    add("blanks", BLANKS, "km", { ...cols, by: SEG, missing });
    add("blanks", BLANKS, "logrank", { ...cols, by: SEG, missing });
    add("blanks", BLANKS, "cif", { ...cols, by: SEG, missing, status: STATUS });
    add("random 0", RANDOM[0], "km", { ...cols, by: [SEG, REGION], missing });
  }
  return out;
}

/** Every case: in memory vs the engine, from a server table and (once) from the in-memory table. */
async function checkEngine(engine: SqlEngine) {
  const loaded = new Map<ColumnTable, { name: string; drop(): Promise<void> }>();
  try {
    let tables = 0, errors = 0;
    for (const c of cases()) {
      if (!loaded.has(c.table)) {
        const { relation, drop } = await engine.load(c.table);
        loaded.set(c.table, { name: (relation as { name: string }).name, drop });
      }
      // ClickHouse 18.16 has no boolean type: a server table holds 0/1, and so does the reference.
      const stored = engine.dialect === "clickhouse" ? booleansAsNumbers(c.table) : c.table;
      const expected = await settle(() => c.run(stored));
      const ref = { engine, table: loaded.get(c.table)!.name };
      const actual = await settle(() => c.run(ref, engine));
      const what = `${engine.name}: ${c.name}`;
      if ("error" in expected) {
        // E.g. a pairwise test of two one-customer groups: the same error in memory and in SQL.
        assert.ok("error" in actual, `${what}: expected ${expected.error}`);
        assert.equal(actual.error.constructor, expected.error.constructor, what);
        assert.equal(actual.error.message, expected.error.message, what);
        errors++;
      } else {
        assert.ok("table" in actual, `${what}: ${"error" in actual ? actual.error.stack : ""}`);
        assertSameResult(actual.table, expected.table, what);
        // The notes too: groups left out for a missing label are counted the same way.
        // (survivalCounts tables carry none: no metadata in memory, only the engine part in SQL)
        const notes = (t: ColumnTable) => {
          const m = metaOrNone(t);
          return m && "notes" in m ? m.notes : undefined;
        };
        assert.deepEqual(notes(actual.table), notes(expected.table), `${what}: notes`);
        tables++;
      }
    }
    assert.ok(tables >= 50 && errors <= 2, `${tables} tables, ${errors} errors`);
    // The in-memory source (load, aggregate, drop), metadata included.
    const o = { time: TIME, event: EVENT, by: [SEG, REGION] };
    const km = await kaplanMeier(RANDOM[0], { ...o, engine });
    assertSameResult(km, kaplanMeier(RANDOM[0], o), engine.name);
    // the engine part comes on top of the in-memory metadata (no statements without explain)
    assert.deepEqual(meta(km), {
      ...meta(kaplanMeier(RANDOM[0], o)),
      engine: engine.name,
      queries: [],
    });
    const c = { ...o, status: STATUS };
    const cif = await cumulativeIncidence(RANDOM[0], { ...c, engine });
    assertSameResult(cif, cumulativeIncidence(RANDOM[0], c), `${engine.name}: cif`);
    // Boolean group keys come back as booleans (ClickHouse stores them as 0/1).
    const byReferred = await logRank(customers, { by: "referred", engine });
    assert.deepEqual(byReferred.objects(), logRank(customers, { by: "referred" }).objects());
    await checkInvalid(engine);
  } finally {
    for (const { drop } of loaded.values()) await drop();
  }
}

async function settle(
  f: () => ColumnTable | Promise<ColumnTable>,
): Promise<{ table: ColumnTable } | { error: Error }> {
  try {
    return { table: await f() };
  } catch (error) {
    return { error: error as Error };
  }
}

/** The table with boolean columns as 0/1 numbers (what ClickHouse 18.16 stores). */
function booleansAsNumbers(table: ColumnTable): ColumnTable {
  const changed: Record<string, unknown[]> = {};
  for (const name of table.columnNames()) {
    const values = table.array(name) as unknown[];
    if (values.some((v) => typeof v === "boolean")) {
      changed[name] = Array.from(values, (v) => typeof v === "boolean" ? Number(v) : v);
    }
  }
  return Object.keys(changed).length ? table.assign(changed) : table;
}

/** Bad values on a server table: the same kind of error, the column named, the same count. */
async function checkInvalid(engine: SqlEngine) {
  const bad = aq.table({
    [TIME]: [1, -2, null, 4, NaN, 6],
    [EVENT]: [0, 1, 1, 2, null, 1],
    g: ["a", "a", "b", "b", "b", "a"],
  });
  const inMemory = (() => {
    try {
      survivalCounts(bad, { time: TIME, event: EVENT });
    } catch (e) {
      return e as CxDataError;
    }
  })()!;
  const { relation, drop } = await engine.load(bad, { [TIME]: "number", [EVENT]: "number" });
  const ref = { engine, table: (relation as { name: string }).name };
  try {
    for (const run of [kaplanMeier, survivalCounts]) {
      await assert.rejects(run(ref, { time: TIME, event: EVENT }), (e: unknown) => {
        assert.ok(e instanceof CxDataError, String(e));
        assert.equal(problemCount(e), problemCount(inMemory));
        const columns = new Set(e.problems.map((p) => p.column));
        assert.deepEqual(columns, new Set([TIME, EVENT]));
        const times = e.problems.filter((p) => p.column === TIME).map((p) => p.value);
        assert.ok(times.includes("-2") && times.includes(null), JSON.stringify(times));
        assert.ok(e.problems.some((p) => p.column === EVENT && p.value === "2"));
        assert.ok(e.message.includes("must be a follow-up time ≥ 0"));
        return true;
      });
    }
    // The in-memory source fails in memory, with row numbers.
    await assert.rejects(
      kaplanMeier(bad, { time: TIME, event: EVENT, engine }),
      (e: unknown) => e instanceof CxDataError && e.message === inMemory.message,
    );
    // A text event column: every row fails ("1" is not 1, as in memory).
    const textEvent = () => survivalCounts(bad, { time: TIME, event: "g" });
    assert.throws(textEvent, (e: unknown) => e instanceof CxDataError && problemCount(e) === 9);
    await assert.rejects(
      logRank(ref, { time: TIME, event: "g", by: EVENT }),
      (e: unknown) =>
        e instanceof CxDataError && problemCount(e) === 9 &&
        e.problems.filter((p) => p.column === "g").map((p) => p.value).sort().join() === "a,b",
    );
    await assert.rejects(logRank(ref, { time: TIME } as never), CxOptionsError);
    await assert.rejects(kaplanMeier(ref, { time: "nope" }), /Option "time" names|nope/);
  } finally {
    await drop();
  }
  await checkInvalidReasons(engine);
  await checkNonFiniteAndEmpty(engine);
}

/** NaN and ±Infinity in a server DOUBLE column, and a table without rows: as in memory. */
async function checkNonFiniteAndEmpty(engine: SqlEngine) {
  // NaN and ±Infinity in a server DOUBLE column (loading turns NaN into null, so made here).
  const name = `nonfinite_${engine.dialect}`;
  const sql = (text: string) =>
    engine.dialect === "clickhouse"
      ? (engine as ClickhouseEngine).exec(text)
      : engine.run({ dialect: engine.dialect, sql: text, params: [], keys: [], measures: [] });
  if (engine.dialect === "clickhouse") {
    await sql(`CREATE TABLE ${name} (t Float64, e UInt8) ENGINE = Memory`);
    await sql(`INSERT INTO ${name} VALUES (1, 1), (nan, 0), (inf, 1), (-inf, 0), (2, 0)`);
  } else {
    const double = engine.dialect === "postgres" ? "double precision" : "DOUBLE";
    await sql(`CREATE TABLE ${name} (t ${double}, e integer)`);
    await sql(
      `INSERT INTO ${name} VALUES (1, 1), ('NaN', 0), ('Infinity', 1), ('-Infinity', 0), (2, 0)`,
    );
  }
  try {
    await assert.rejects(
      kaplanMeier({ engine, table: name }, { time: "t", event: "e" }),
      (e: unknown) =>
        e instanceof CxDataError && problemCount(e) === 3 &&
        e.problems.every((p) => p.column === "t"),
    );
  } finally {
    await sql(`DROP TABLE ${name}`);
  }
  // No rows: the in-memory "Empty table" error.
  const empty = await engine.load(aq.table({ time: [] as number[], event: [] as number[] }), {
    time: "number",
    event: "number",
  });
  try {
    await assert.rejects(
      kaplanMeier({ engine, table: (empty.relation as { name: string }).name }),
      /Empty table/,
    );
  } finally {
    await empty.drop();
  }
}

/**
 * Bad times and statuses for cumulativeIncidence on a server table: the same
 * error as in memory (count, column, values, reason), without row numbers.
 */
async function checkInvalidReasons(engine: SqlEngine) {
  const why = ["price", "censored", "censored", null, "moved", "censored", ""];
  const e = [1, 1, 0, 1, 0, 1, 1];
  const tables = {
    badTime: aq.table({ t: [1, 2, 3, 4, -5, 6, 7], e, why }),
    good: aq.table({ t: [1, 2, 3, 4, 5, 6, 7], e, why }),
  };
  const withEvent = { event: "e", censored: "censored" };
  const alone = { event: null, censored: "censored" };
  const cases: [keyof typeof tables, object, string, unknown[], string][] = [
    // A bad time fails first, with or without the event column (statuses are not looked at).
    ["badTime", withEvent, "t", ["-5"], "must be a follow-up time ≥ 0"],
    ["badTime", alone, "t", ["-5"], "must be a follow-up time ≥ 0"],
    // Two customers left (e = 1) whose status says censored; the censored one (e = 0) is fine.
    ["good", withEvent, "why", ["censored", "censored"], "e says this customer left"],
    // Without the event column, null and "" are neither a reason nor the censoring value.
    ["good", alone, "why", ["", null], "why is empty"],
  ];
  for (const [name, options, column, values, reason] of cases) {
    const table = tables[name];
    const o = { time: "t", status: "why", ...options };
    const what = `${engine.name}: ${name} ${JSON.stringify(options)}`;
    const problems = (error: unknown, rows: "numbered" | "none") => {
      assert.ok(error instanceof CxDataError, `${what}: ${error}`);
      assert.ok(error.problems.every((p) => p.column === column && p.reason.includes(reason)));
      assert.ok(error.problems.every((p) => (p.row === null) === (rows === "none")), what);
      assert.deepEqual(error.problems.map((p) => p.value).sort(), values, what);
      return problemCount(error);
    };
    const inMemory = problems(await settleError(() => cumulativeIncidence(table, o)), "numbered");
    assert.equal(inMemory, values.length, what);
    const { relation, drop } = await engine.load(table, { t: "number", e: "number" });
    try {
      const ref = { engine, table: (relation as { name: string }).name };
      assert.equal(
        problems(await settleError(() => cumulativeIncidence(ref, o)), "none"),
        inMemory,
      );
    } finally {
      await drop();
    }
  }
}

async function settleError(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

Deno.test("survival pushdown: DuckDB (tables, in-memory input, CSV and Parquet files)", async () => {
  const engine = duckdbEngine();
  try {
    await checkEngine(engine);
    // A CSV file scanned by DuckDB: booleans and integers typed by its sniffer.
    const csv = await Deno.makeTempFile({ suffix: ".csv" });
    await Deno.writeTextFile(csv, customers.toCSV());
    const fromFile = await kaplanMeier(csv, { by: ["plan", "referred"], engine });
    assertSameResult(fromFile, kaplanMeier(customers, { by: ["plan", "referred"] }), "csv");
    const parquet = await Deno.makeTempFile({ suffix: ".parquet" });
    const conn = await engine.connection();
    await conn.run(
      `COPY (SELECT * FROM read_csv($1)) TO '${parquet.replaceAll("'", "''")}' (FORMAT parquet)`,
      [csv],
    );
    const test = await logRank(parquet, { by: "region", pairwise: true, engine });
    assertSameResult(test, logRank(customers, { by: "region", pairwise: true }), "parquet");
    await Deno.remove(csv);
    await Deno.remove(parquet);
  } finally {
    await engine.close();
  }
});

postgresTest("survival pushdown: PostgreSQL", checkEngine);

clickhouseTest(
  "survival pushdown: ClickHouse, two shards behind a Distributed table",
  checkEngine,
  customers,
);

Deno.test("survival pushdown: hostile names only fill identifier slots, in every dialect", async () => {
  const types = { time: "number", event: "boolean" } as const;
  const plain = survivalCountsSpec(
    { kind: "table", name: "plain" },
    { time: "t", event: "e", by: ["a", "b"] },
    types,
  );
  const hostile = survivalCountsSpec(
    { kind: "table", name: "t; --" },
    { time: TIME, event: EVENT, by: [SEG, REGION] },
    types,
  );
  for (const dialect of ["duckdb", "postgres", "clickhouse"] as const) {
    const p = compileAggregate(plain, dialect);
    const h = compileAggregate(hostile, dialect);
    let sql = h.sql;
    for (
      const [from, to] of [["t; --", "plain"], [SEG, "a"], [REGION, "b"], [TIME, "t"], [
        EVENT,
        "e",
      ]]
    ) {
      sql = sql.replaceAll(quoteIdent(from, dialect), quoteIdent(to, dialect));
    }
    assert.equal(sql, p.sql, dialect);
    assert.deepEqual(h.params, p.params);
  }
  // And it runs: a hostile table and hostile labels on DuckDB, nothing dropped or deleted.
  const engine = duckdbEngine();
  try {
    const conn = await engine.connection();
    const q = (n: string) => quoteIdent(n, "duckdb");
    await conn.run(
      `CREATE TABLE ${q("t; --")} (${q(SEG)} VARCHAR, ${q(TIME)} INTEGER, ${q(EVENT)} BOOLEAN)`,
    );
    await conn.run(
      `INSERT INTO ${q("t; --")} VALUES ($1, 3, true), ($1, 5, false), ($2, 1, true)`,
      [
        LABELS[1],
        LABELS[3],
      ],
    );
    const seen: string[] = [];
    const km = await kaplanMeier({ engine, table: "t; --" }, {
      time: TIME,
      event: EVENT,
      by: SEG,
      explain: (query) => seen.push(query.sql),
    });
    assert.deepEqual(km.array(SEG), [LABELS[1], LABELS[1], LABELS[3]]);
    assert.deepEqual(km.array("n_risk"), [2, 1, 1]);
    assert.equal(seen.length, 1);
    assert.ok(seen[0].includes(q(SEG)) && seen[0].includes(`FROM ${q("t; --")}`));
    const again = await conn.runAndReadAll(`SELECT count(*) AS n FROM ${q("t; --")}`);
    assert.equal(Number(again.getRowObjectsJS()[0].n), 3);
    // explain: true records the statement in meta(result).queries.
    const test = await logRank({ engine, table: "t; --" }, {
      time: TIME,
      event: EVENT,
      by: SEG,
      explain: true,
    });
    assert.equal(meta(test).queries?.[0].sql, seen[0]);
  } finally {
    await engine.close();
  }
});

/** `meta(t)`, or `undefined` for a table without metadata. */
function metaOrNone(t: ColumnTable): ResultMeta | undefined {
  try {
    return meta(t);
  } catch (e) {
    if (e instanceof CxOptionsError) return undefined;
    throw e;
  }
}
