/**
 * Engine parity: the kernel, the generic Arquero aggregate, DuckDB,
 * PostgreSQL and a two-shard ClickHouse cluster give identical KPI tables
 * (counts exact, floating values to 1e-9) for nps/csat/ces by segment ×
 * period, on the sample data and on seeded random tables with nulls, empty
 * and one-row groups, unicode and hostile labels and column names, and dates
 * at month boundaries in several time zones.
 */
import { meta } from "../../src/meta.ts";
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import {
  ces,
  csat,
  duckdbEngine,
  explainSql,
  nps,
  npsCompare,
  readCsv,
  type SqlEngine,
} from "../../src/mod.ts";
import { compileAggregate, quoteIdent } from "../../src/entries/engine.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { assertSameResult, blankLabels } from "./assert_same.ts";
import { clickhouseTest, postgresTest } from "./servers.ts";

const SAMPLE = new URL("../../data/sample/responses.csv", import.meta.url).pathname;
const { table: sample } = await readCsv(SAMPLE, { schema: "responses" });

// Hostile names: quotes of every dialect, statement separators, comments, unicode.
const SEG = `seg"; DROP TABLE t; --`;
const REGION = "rég`ion' --";
const DATE = "answered at";
const SCORE = `nps'); DELETE FROM x; --`;
const LABELS = ["chat", `'; DROP TABLE answers; --`, 'say "hi"', "Zürich 🚀", "a`b\\c", "x\ny"];
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];

/** A seeded random answers table: nulls, rare one-row groups, empty-score groups, month edges. */
function randomAnswers(seed: number, rows: number): ColumnTable {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const seg: (string | null)[] = [], region: (string | null)[] = [], date: (Date | null)[] = [];
  const score: (number | null)[] = [], sat: (number | null)[] = [], effort: (number | null)[] = [];
  for (let i = 0; i < rows; i++) {
    seg.push(random() < 0.05 ? null : pick(LABELS));
    region.push(random() < 0.03 ? `solo ${i}` : pick(["north", "south", "ÿ-east"]));
    // Within ±14 hours of midnight UTC on the 1st: the month differs by zone.
    const month = Math.floor(random() * 14);
    const t = Date.UTC(2023, 11 + month, 1) + Math.round((random() - 0.5) * 28 * 3600) * 1000;
    date.push(random() < 0.04 ? null : new Date(t));
    // One segment never has an NPS score: a group with n = 0.
    score.push(seg[i] === 'say "hi"' || random() < 0.1 ? null : Math.floor(random() * 11));
    sat.push(random() < 0.1 ? null : 1 + Math.floor(random() * 5));
    effort.push(random() < 0.1 ? null : 1 + Math.floor(random() * 7));
  }
  return aq.table({
    [SEG]: seg,
    [REGION]: region,
    [DATE]: date,
    [SCORE]: score,
    csat: sat,
    ces: effort,
  });
}

const RANDOM = [randomAnswers(1, 400), randomAnswers(2, 37), randomAnswers(3, 1)];

/** Missing labels of every kind: left out by default, or groups. */
const BLANKS = blankLabels({ seg: SEG, region: REGION, date: DATE, score: SCORE });

/** {@link assertSameResult}, and the notes on groups left out for a missing label. */
function assertSame(actual: ColumnTable, expected: ColumnTable, what: string) {
  assertSameResult(actual, expected, what);
  const left = (t: ColumnTable) => meta<"kpi">(t)?.notes.missingGroups;
  assert.equal(left(actual), left(expected), `${what}: notes.missingGroups`);
}

interface Case {
  name: string;
  table: ColumnTable;
  run: (input: unknown, engine?: SqlEngine | "arquero") => Promise<ColumnTable> | ColumnTable;
}

function cases(): Case[] {
  const out: Case[] = [];
  const sampleOptions = { by: ["channel", "region"], period: "month" as const };
  for (const timeZone of ["UTC", "Europe/Berlin"]) {
    const o = { ...sampleOptions, timeZone };
    out.push(
      { name: `sample nps ${timeZone}`, table: sample, run: (t, engine) => run(nps, t, o, engine) },
      { name: `sample csat ${timeZone}`, table: sample, run: (t, e) => run(csat, t, o, e) },
      { name: `sample ces ${timeZone}`, table: sample, run: (t, e) => run(ces, t, o, e) },
    );
  }
  // npsCompare: the two NPS values come from the same aggregate query, the test is TypeScript.
  const compare = { by: "channel", a: "phone", b: "chat" };
  const months = {
    period: "month" as const,
    timeZone: "Europe/Berlin",
    a: "2024-03",
    b: "2024-02",
  };
  const hostile = { by: SEG, a: LABELS[1], b: "x\ny", date: DATE, score: SCORE };
  out.push(
    {
      name: "sample npsCompare by channel",
      table: sample,
      run: (t, e) => run(npsCompare, t, compare, e),
    },
    {
      name: "sample npsCompare by month",
      table: sample,
      run: (t, e) => run(npsCompare, t, months, e),
    },
    {
      name: "random 0 npsCompare",
      table: RANDOM[0],
      run: (t, e) => run(npsCompare, t, hostile, e),
    },
  );
  RANDOM.forEach((table, k) => {
    ZONES.forEach((timeZone, z) => {
      const period = (["month", "week", "quarter", "day"] as const)[(k + z) % 4];
      const o = { by: [SEG, REGION], date: DATE, period, timeZone };
      out.push(
        {
          name: `random ${k} nps ${period} ${timeZone}`,
          table,
          run: (t, e) => run(nps, t, { ...o, score: SCORE }, e),
        },
        {
          name: `random ${k} csat ${period} ${timeZone}`,
          table,
          run: (t, e) => run(csat, t, o, e),
        },
        {
          name: `random ${k} ces ${period} ${timeZone}`,
          table,
          run: (t, e) => run(ces, t, { ...o, scale: 7 }, e),
        },
      );
    });
    out.push({
      name: `random ${k} nps, no keys`,
      table,
      run: (t, e) => run(nps, t, { score: SCORE }, e),
    });
  });
  for (const missing of [undefined, "group"]) {
    const o = { by: [SEG, REGION], date: DATE, period: "month", missing };
    out.push(
      {
        name: `random 0 nps, missing ${missing}`,
        table: RANDOM[0],
        run: (t, e) => run(nps, t, { ...o, score: SCORE }, e),
      },
      { name: `blanks csat, missing ${missing}`, table: BLANKS, run: (t, e) => run(csat, t, o, e) },
      {
        name: `blanks ces by ${SEG}, missing ${missing}`,
        table: BLANKS,
        run: (t, e) => run(ces, t, { by: SEG, missing, scale: 7 }, e),
      },
    );
  }
  return out;
}

function run(
  // deno-lint-ignore no-explicit-any
  kpi: any,
  input: unknown,
  options: Record<string, unknown>,
  engine?: SqlEngine | "arquero",
) {
  if (engine === "arquero") return kpi(input as ColumnTable, { ...options, aggregate: engine });
  return engine
    ? kpi(input as ColumnTable, { ...options, engine })
    : kpi(input as ColumnTable, options);
}

/** Loads each distinct table once, then runs every case through `{ engine, table }`. */
async function checkEngine(engine: SqlEngine) {
  const loaded = new Map<ColumnTable, { name: string; drop(): Promise<void> }>();
  try {
    for (const c of cases()) {
      if (!loaded.has(c.table)) {
        const hints = {
          [SCORE]: "number",
          csat: "number",
          ces: "number",
          [DATE]: "timestamp",
        } as const;
        const { relation, drop } = await engine.load(c.table, hints);
        loaded.set(c.table, { name: (relation as { name: string }).name, drop });
      }
      const expected = await c.run(c.table);
      const ref = { engine, table: loaded.get(c.table)!.name };
      assertSame(await c.run(ref, engine), expected, `${engine.name}: ${c.name}`);
    }
    // The in-memory path (load, aggregate, drop) once per engine.
    const o = { by: [SEG, REGION], date: DATE, period: "month" as const, score: SCORE };
    assertSameResult(await nps(RANDOM[0], { ...o, engine }), nps(RANDOM[0], o), engine.name);
  } finally {
    for (const { drop } of loaded.values()) await drop();
  }
}

Deno.test("parity: kernel = generic Arquero aggregate on every case", async () => {
  for (const c of cases()) {
    const kernel = await c.run(c.table);
    const generic = await c.run(c.table, "arquero");
    assertSame(generic, kernel, c.name);
  }
  // The random tables have groups with n = 0 and groups of one answer.
  const r = nps(RANDOM[0], { by: [SEG, REGION], score: SCORE });
  assert.ok((r.array("n") as number[]).includes(0) && (r.array("n") as number[]).includes(1));
});

Deno.test("parity: DuckDB", async () => {
  const engine = duckdbEngine();
  try {
    await checkEngine(engine);
  } finally {
    await engine.close();
  }
});

postgresTest("parity: PostgreSQL", checkEngine);

clickhouseTest("parity: ClickHouse, two shards behind a Distributed table", checkEngine, RANDOM[0]);

Deno.test("security: hostile names only fill identifier slots, in every dialect", async () => {
  const plain = { by: ["a", "b"], date: "d", score: "s", period: "month" as const };
  const hostile = { by: [SEG, REGION], date: DATE, score: SCORE, period: "month" as const };
  const engine = duckdbEngine();
  try {
    const conn = await engine.connection();
    await conn.run(`CREATE TABLE plain (a VARCHAR, b VARCHAR, d TIMESTAMPTZ, s DOUBLE)`);
    await conn.run(
      `CREATE TABLE ${quoteIdent("t; --", "duckdb")} (${
        [SEG, REGION].map((c) => `${quoteIdent(c, "duckdb")} VARCHAR`).join(", ")
      }, ${quoteIdent(DATE, "duckdb")} TIMESTAMPTZ, ${quoteIdent(SCORE, "duckdb")} DOUBLE)`,
    );
    const a = await explainSql(nps, { engine, table: "plain" }, plain);
    const b = await explainSql(nps, { engine, table: "t; --" }, hostile);
    for (const dialect of ["duckdb", "postgres", "clickhouse"] as const) {
      const spec = (names: typeof plain, table: string) => ({
        relation: { kind: "table" as const, name: table },
        by: names.by,
        period: {
          column: names.date,
          period: "month" as const,
          timeZone: "UTC",
          dateKind: "instant" as const,
          dateZone: "UTC",
        },
        measures: [{ name: "n", op: "count" as const, column: names.score }],
      });
      const p = compileAggregate(spec(plain, "plain"), dialect).sql;
      let h = compileAggregate(spec(hostile, "t; --"), dialect).sql;
      // Swapping each quoted hostile name for the quoted plain one gives the plain query back.
      const pairs: [string, string][] = [
        ["t; --", "plain"],
        [SEG, "a"],
        [REGION, "b"],
        [DATE, "d"],
        [SCORE, "s"],
      ];
      for (const [from, to] of pairs) {
        h = h.replaceAll(quoteIdent(from, dialect), quoteIdent(to, dialect));
      }
      assert.equal(h, p, dialect);
    }
    assert.equal(b.sql.replaceAll(quoteIdent(SEG, "duckdb"), '"a"').length > 0, true);
    assert.deepEqual(a.params, b.params);
    // The hostile table still exists and answers: nothing was dropped or deleted.
    await conn.run(
      `INSERT INTO ${
        quoteIdent("t; --", "duckdb")
      } VALUES ($1, $2, TIMESTAMPTZ '2024-01-31 23:30:00+00', 9)`,
      [LABELS[1], "x\ny"],
    );
    const r = await nps({ engine, table: "t; --" }, { ...hostile, timeZone: "Europe/Berlin" });
    const rows = r.objects() as Record<string, unknown>[];
    assert.deepEqual(rows.map((o) => [o[SEG], o[REGION], o.period, o.n]), [
      [LABELS[1], "x\ny", "2024-02", 1],
    ]);
  } finally {
    await engine.close();
  }
});
