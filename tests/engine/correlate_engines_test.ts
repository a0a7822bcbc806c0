/**
 * Pearson pushdown parity: correlate in memory and `correlate(source, {
 * engine })` — the pairwise-complete co-moments aggregated by DuckDB,
 * PostgreSQL and a two-shard ClickHouse cluster, through the one dispatcher —
 * give identical tables (n exact, r, interval and p to 1e-9) — on
 * the sample answers and on seeded random tables with nulls, empty,
 * one-row and constant groups, unicode and hostile labels and column names,
 * and a column whose mean is 10⁸ times its spread (where raw sums fail).
 */
import { meta } from "../../src/meta.ts";
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { readCsv } from "../../src/io/csv.ts";
import type { SqlEngine } from "../../src/engine/engine.ts";
import { correlate } from "../../src/analysis/correlate/correlate.ts";
import { planCorrelate } from "../../src/analysis/correlate/options.ts";
import { correlateMetrics, joinMetrics } from "../../src/analysis/correlate/metrics.ts";
import { keyDrivers } from "../../src/analysis/drivers/drivers.ts";
import { importancePerformance } from "../../src/analysis/drivers/importance.ts";
import { scoreOutcomes } from "../../src/analysis/outcomes/outcomes.ts";
import { quoteIdent } from "../../src/engine/compile/quote.ts";
import { compileAggregate } from "../../src/engine/compile/aggregate.ts";
import type { ClickhouseEngine } from "../../src/engine/clickhouse.ts";
import { correlateSpec } from "../../src/analysis/correlate/sql.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { clickhouseTest, postgresTest } from "./servers.ts";
import { assertSameResult, problemCount } from "./assert_same.ts";

const { table: sample } = await readCsv(
  new URL("../../data/sample/responses.csv", import.meta.url),
  { schema: "responses" },
);
const RATINGS = sample.columnNames().filter((c) => c.startsWith("rating_"));

// Hostile names: quotes of every dialect, statement separators, comments, unicode.
const SEG = `seg"; DROP TABLE t; --`;
const REGION = "rég`ion' --";
const X = `x'); DELETE FROM x; --`;
const Y = 'y "quoted" ;';
const Z = "zeta ζ";
const OFF = "offset";
const LABELS = ["chat", `'; DROP TABLE answers; --`, 'say "hi"', "Zürich 🚀", "a`b\\c", "x\ny"];

/**
 * Seeded answers: correlated columns with nulls; per label a different shape —
 * a group where Z is constant, one where Y is always missing, tiny groups.
 */
function randomTable(seed: number, rows: number): ColumnTable {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const cols: Record<string, unknown[]> = { [SEG]: [], [REGION]: [], tier: [], [X]: [], [Y]: [] };
  cols[Z] = [];
  cols[OFF] = [];
  for (let i = 0; i < rows; i++) {
    const seg = random() < 0.05 ? null : pick(LABELS);
    cols[SEG].push(seg);
    cols[REGION].push(random() < 0.03 ? `solo ${i}` : pick(["north", "south", "ÿ-east"]));
    cols.tier.push(pick([1, 2, 3]));
    const x = random() * 10;
    const y = 0.4 * x + random() * 6;
    cols[X].push(random() < 0.1 ? null : x);
    // One label never has Y: every pair with Y has n = 0 there.
    cols[Y].push(seg === 'say "hi"' || random() < 0.15 ? null : Math.round(y));
    // One label has a constant Z.
    cols[Z].push(random() < 0.1 ? null : seg === "Zürich 🚀" ? 7 : -x + random() * 3);
    // Mean 1e8, spread ~1: raw sums lose ~16 digits of 16 here.
    cols[OFF].push(1e8 + x * 0.1 + random());
  }
  return aq.table(cols);
}

const RANDOM = [randomTable(1, 600), randomTable(2, 40), randomTable(3, 4), randomTable(4, 5000)];

interface Case {
  name: string;
  table: ColumnTable;
  options: Record<string, unknown> & { columns: string[] };
}

function cases(): Case[] {
  const out: Case[] = [];
  const columns = ["nps_score", "csat", "ces", ...RATINGS];
  for (const by of [undefined, "channel", ["channel", "region"]]) {
    out.push({ name: "sample", table: sample, options: { columns, by } });
  }
  out.push({
    name: "sample against",
    table: sample,
    options: { columns: ["nps_score", "csat"], against: RATINGS, by: "plan", confidence: 0.9 },
  });
  RANDOM.forEach((table, k) => {
    for (const by of [undefined, SEG, [SEG, REGION], "tier"]) {
      out.push({ name: `random ${k}`, table, options: { columns: [X, Y, Z, OFF], by } });
    }
    out.push({
      name: `random ${k} against`,
      table,
      options: { columns: [X], against: [OFF, Z, X], by: [REGION, "tier"], confidence: 0.99 },
    });
  });
  return out;
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

async function checkEngine(engine: SqlEngine) {
  const loaded = new Map<ColumnTable, { name: string; drop(): Promise<void> }>();
  try {
    let tables = 0, errors = 0;
    for (const c of cases()) {
      if (!loaded.has(c.table)) {
        const { relation, drop } = await engine.load(c.table);
        loaded.set(c.table, { name: (relation as { name: string }).name, drop });
      }
      const what = `${engine.name}: ${c.name} ${JSON.stringify(c.options)}`;
      const expected = await settle(() => correlate(c.table, c.options));
      const ref = { engine, table: loaded.get(c.table)!.name };
      const actual = await settle(() => correlate(ref, { ...c.options, engine }));
      if ("error" in expected) {
        // The 4-row table has no defined correlation in some layouts: the same error in SQL.
        assert.ok("error" in actual, `${what}: expected ${expected.error}`);
        assert.equal(actual.error.message, expected.error.message, what);
        errors++;
      } else {
        assert.ok("table" in actual, `${what}: ${"error" in actual ? actual.error.stack : ""}`);
        assertSameResult(actual.table, expected.table, what);
        tables++;
      }
    }
    assert.ok(tables >= 20 && errors <= 4, `${tables} tables, ${errors} errors`);
    // Undefined cases are covered: n = 0, n < 3, constant columns, no interval at n = 3.
    const notes = new Set(
      (correlate(RANDOM[0], { columns: [X, Y, Z], by: [SEG, REGION] }).array("note") as string[])
        .map((n) => n?.split(/[(:]/)[0].replace(/^\S+ (and \S+ )?(is|are) /, "")),
    );
    assert.ok(notes.size >= 3, JSON.stringify([...notes]));
    // In-memory input (load, aggregate, drop) and the metadata.
    const options = { columns: [X, Y, Z, OFF], by: SEG };
    const r = await correlate(RANDOM[0], { ...options, engine, explain: true });
    assertSameResult(r, correlate(RANDOM[0], options), `${engine.name} in memory`);
    const info = meta<"correlate">(r)!;
    assert.equal(info.engine, engine.name);
    assert.equal(info.queries?.length, 1);
    assert.ok(info.queries![0].sql.includes(quoteIdent(OFF, engine.dialect)));
    // the engine part (engine, queries) comes on top of the in-memory metadata, notes and all
    const { engine: _e, queries: _q, ...rest } = info;
    assert.deepEqual(rest, meta<"correlate">(correlate(RANDOM[0], options)));
    assert.ok(!("engine" in info.notes) && !("sql" in info.notes));
    await checkInvalid(engine);
  } finally {
    for (const { drop } of loaded.values()) await drop();
  }
}

async function checkInvalid(engine: SqlEngine) {
  const t = aq.table({ a: [1, 2, 3, 4], b: [2, 1, 4, 3], label: ["p", "q", "r", "s"] });
  for (const method of [["pearson", "spearman"], "kendall"] as const) {
    await assert.rejects(
      correlate(t, { columns: ["a", "b"], method: method as never, engine }),
      (e: unknown) =>
        e instanceof CxOptionsError &&
        e.message.startsWith(
          "correlate cannot run in an SQL engine: rank correlations need every value (method ",
        ) && e.message.includes(method === "kendall" ? '"kendall"' : '"spearman"'),
    );
  }
  await assert.rejects(correlate(t, { columns: ["a", "nope"], engine }), /"nope"/);
  const sql = (text: string) =>
    engine.dialect === "clickhouse"
      ? (engine as ClickhouseEngine).exec(text)
      : engine.run({ dialect: engine.dialect, sql: text, params: [], keys: [], measures: [] });
  const name = `invalid_${engine.dialect}`;
  if (engine.dialect === "clickhouse") {
    await sql(`CREATE TABLE ${name} (a Float64, b Nullable(Float64), s String) ENGINE = Memory`);
    await sql(`INSERT INTO ${name} VALUES (1, 2, 'x'), (2, inf, 'y'), (3, -inf, 'z'), (4, 1, '')`);
  } else {
    const double = engine.dialect === "postgres" ? "double precision" : "DOUBLE";
    await sql(`CREATE TABLE ${name} (a ${double}, b ${double}, s text)`);
    await sql(
      `INSERT INTO ${name} VALUES (1, 2, 'x'), (2, 'Infinity', 'y'), (3, '-Infinity', 'z'), (4, 1, NULL)`,
    );
  }
  const ref = { engine, table: name };
  try {
    // ±Infinity: the in-memory error, naming the column.
    await assert.rejects(
      correlate(ref, { columns: ["a", "b"] }),
      (e: unknown) =>
        e instanceof CxDataError && e.message.startsWith('Column "b" is not numeric') &&
        problemCount(e) === 2 && e.problems.every((p) => p.column === "b"),
    );
    // A text column: every value fails, as in memory.
    await assert.rejects(
      correlate(ref, { columns: ["a", "s"] }),
      (e: unknown) =>
        e instanceof CxDataError && e.problems.some((p) => p.column === "s" && p.value === "x"),
    );
  } finally {
    await sql(`DROP TABLE ${name}`);
  }
  // No pair defined anywhere: the in-memory error, word for word.
  const flat = aq.table({ a: [1, 1, 1, 1], b: [1, 2, 3, 4] });
  const message = (() => {
    try {
      correlate(flat, { columns: ["a", "b"] });
    } catch (e) {
      return (e as Error).message;
    }
  })();
  await assert.rejects(correlate(flat, { columns: ["a", "b"], engine }), (e: unknown) => {
    assert.ok(e instanceof CxDataError);
    assert.equal(e.message, message);
    return true;
  });
}

Deno.test("correlate pushdown: DuckDB (tables, in-memory input, a CSV file)", async () => {
  const engine = duckdbEngine();
  try {
    await checkEngine(engine);
    const r = await correlate("data/sample/responses.csv", {
      columns: ["nps_score", ...RATINGS],
      by: "channel",
      engine,
    });
    assertSameResult(
      r,
      correlate(sample, { columns: ["nps_score", ...RATINGS], by: "channel" }),
      "csv",
    );
  } finally {
    await engine.close();
  }
});

postgresTest("correlate pushdown: PostgreSQL", checkEngine);

clickhouseTest(
  "correlate pushdown: ClickHouse, two shards behind a Distributed table",
  checkEngine,
  RANDOM[0],
);

Deno.test("correlate pushdown: co-moments keep the digits raw sums lose (mean 1e8, spread 1)", async () => {
  const table = RANDOM[3];
  const options = { columns: [X, OFF] };
  const expected = correlate(table, options).get("r", 0) as number;
  const engine = duckdbEngine();
  try {
    const r = await correlate(table, { ...options, engine });
    assert.ok(Math.abs((r.get("r", 0) as number) - expected) < 1e-12);
    // The textbook sums Σx, Σy, Σx², Σy², Σxy over complete pairs, in the same engine.
    const { relation, drop } = await engine.load(table.select(X, OFF));
    try {
      const m = (op: "count" | "sum" | "sumSquares", column: string, other: string) => ({
        name: `${op}_${column}`,
        op,
        column,
        pairedWith: other,
      });
      const q = compileAggregate({
        relation,
        by: [],
        measures: [
          m("count", X, OFF),
          m("sum", X, OFF),
          m("sum", OFF, X),
          m("sumSquares", X, OFF),
          m("sumSquares", OFF, X),
          { name: "sxy", op: "sumProducts", column: X, other: OFF },
        ],
      }, "duckdb");
      const [row] = await engine.run(q);
      const [n, sx, sy, sxx, syy, sxy] = q.measures.map((c) => Number(row[c]));
      const raw = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
      assert.ok(
        !(Math.abs(raw - expected) < 1e-9),
        `raw sums happened to agree: ${raw} vs ${expected}`,
      );
    } finally {
      await drop();
    }
  } finally {
    await engine.close();
  }
});

Deno.test("correlate pushdown: hostile names only fill identifier slots, in every dialect", async () => {
  const plan = (names: string[], by: string[]) =>
    planCorrelate(aq.table(Object.fromEntries([...names, ...by].map((n) => [n, []]))), {
      columns: names,
      by,
    });
  const shifts = [1.5, -2, 1e8];
  const plain = correlateSpec(
    { kind: "table", name: "plain" },
    plan(["a", "b", "c"], ["s", "r"]),
    shifts,
  );
  const hostile = correlateSpec(
    { kind: "table", name: "t; --" },
    plan([X, Y, Z], [SEG, REGION]),
    shifts,
  );
  for (const dialect of ["duckdb", "postgres", "clickhouse"] as const) {
    const p = compileAggregate(plain, dialect);
    const h = compileAggregate(hostile, dialect);
    let sql = h.sql;
    const swaps = [["t; --", "plain"], [SEG, "s"], [REGION, "r"], [X, "a"], [Y, "b"], [Z, "c"]];
    for (const [from, to] of swaps) {
      sql = sql.replaceAll(quoteIdent(from, dialect), quoteIdent(to, dialect));
    }
    assert.equal(sql, p.sql, dialect);
    assert.deepEqual(h.params, p.params);
  }
  // And it runs on a hostile table with hostile labels; nothing dropped or deleted.
  const engine = duckdbEngine();
  try {
    const conn = await engine.connection();
    const q = (n: string) => quoteIdent(n, "duckdb");
    await conn.run(
      `CREATE TABLE ${q("t; --")} (${q(SEG)} VARCHAR, ${q(X)} DOUBLE, ${q(Y)} INTEGER)`,
    );
    for (
      const [label, x, y] of [[LABELS[1], 1, 2], [LABELS[1], 2, 1], [LABELS[1], 3, 4], [
        LABELS[5],
        1,
        1,
      ]]
    ) {
      await conn.run(`INSERT INTO ${q("t; --")} VALUES ($1, $2, $3)`, [label, x, y]);
    }
    const seen: string[] = [];
    const r = await correlate({ engine, table: "t; --" }, {
      columns: [X, Y],
      by: SEG,
      explain: (query) => seen.push(query.sql),
    });
    assert.deepEqual(r.array(SEG), [LABELS[1], LABELS[5]]);
    assert.deepEqual(r.array("n"), [3, 1]);
    const inMemory = aq.table({ [X]: [1, 2, 3], [Y]: [2, 1, 4] });
    const expected = correlate(inMemory, { columns: [X, Y] }).get("r", 0) as number;
    assert.ok(Math.abs((r.get("r", 0) as number) - expected) < 1e-12);
    assert.ok(seen.length === 2 && seen[1].includes(`FROM ${q("t; --")}`));
    const again = await conn.runAndReadAll(`SELECT count(*) AS n FROM ${q("t; --")}`);
    assert.equal(Number(again.getRowObjectsJS()[0].n), 4);
  } finally {
    await engine.close();
  }
});

Deno.test("correlations, drivers, outcomes: each takes engine; what cannot push down refuses in the one wording", async () => {
  const engine = duckdbEngine();
  const d = (s: string) => new Date(s);
  const t = aq.table({ a: [1, 2, 3, 4, 5, 6], b: [2, 1, 4, 3, 6, 5], y: [3, 2, 8, 6, 13, 12] });
  const customers = aq.table({
    customer_id: ["c"],
    signup_date: [d("2025-01-01")],
    churn_date: [null],
  });
  const answers = aq.table({ customer_id: ["c"], date: [d("2025-02-01")], nps_score: [9] });
  const side = { table: t, value: "a" };
  const two = "and an engine reads one source";
  const rows: [string, string, () => unknown][] = [
    [
      "correlate",
      'rank correlations need every value (method "spearman")',
      () => correlate(t, { columns: ["a", "b"], method: "spearman", engine }),
    ],
    [
      "keyDrivers",
      "its weights come from the rows where the outcome and every driver are present",
      () => keyDrivers(t, { outcome: "y", drivers: ["a", "b"], engine }),
    ],
    [
      "keyDrivers",
      "its weights come from the rows where the outcome and every driver are present",
      () => keyDrivers({ engine, table: "answers" }, { outcome: "y", drivers: ["a", "b"] }),
    ],
    [
      "joinMetrics",
      `it summarises two tables per key and joins them, ${two}`,
      () => joinMetrics(side, side, { key: "a", engine: engine as never }),
    ],
    [
      "correlateMetrics",
      `it summarises two tables per key and joins them, ${two}`,
      () => correlateMetrics(side, side, { key: "a", engine: engine as never }),
    ],
    [
      "importancePerformance",
      `it reads two tables (the ratings and a keyDrivers result), ${two}`,
      () =>
        importancePerformance(t, keyDrivers(t, { outcome: "y", drivers: ["a", "b"] }), {
          engine: engine as never,
        }),
    ],
    [
      "scoreOutcomes",
      `it joins each answer to its customer and follows every customer through time, ${two}`,
      () =>
        scoreOutcomes(answers, customers, {
          observedUntil: d("2025-12-31"),
          engine: engine as never,
        }),
    ],
  ];
  try {
    for (const [name, reason, call] of rows) {
      await assert.rejects(async () => await call(), (e: unknown) => {
        assert.ok(e instanceof CxOptionsError, `${name}: ${e}`);
        assert.ok(
          e.message.startsWith(`${name} cannot run in an SQL engine: ${reason}`),
          `${name}: ${e.message}`,
        );
        assert.ok(e.message.endsWith('and leave out "engine"'), e.message);
        return true;
      });
    }
    // Pearson goes through: the same rows as in memory, engine and statements in meta.
    const r = await correlate(t, { columns: ["a", "b", "y"], engine, explain: true });
    assertSameResult(r, correlate(t, { columns: ["a", "b", "y"] }), "pearson");
    assert.equal(meta(r).engine, engine.name);
    assert.equal(meta(r).queries?.length, 1);
  } finally {
    await engine.close();
  }
});
