/**
 * Engine parity of the analyses: `segment` and `trend` give identical tables
 * (every column; counts exact, floating values to 1e-9) in memory and with
 * their aggregate step in DuckDB, PostgreSQL and a two-shard ClickHouse
 * cluster, on the sample data and on seeded random tables with nulls, empty
 * and one-row groups, unicode and hostile labels and column names, and dates
 * at month boundaries in several time zones. Errors agree too.
 */
import { meta } from "../../src/meta.ts";
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import {
  CxDataError,
  CxOptionsError,
  duckdbEngine,
  readCsv,
  type SqlEngine,
} from "../../src/mod.ts";
import { quoteIdent } from "../../src/entries/engine.ts";
import { segment, type SegmentOptions } from "../../src/analysis/segment/segment.ts";
import { trend, type TrendOptions } from "../../src/analysis/trend.ts";
import type { CompiledSql } from "../../src/engine/compile/types.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { assertSameResult as assertSameRows, blankLabels } from "./assert_same.ts";
import { clickhouseTest, postgresTest } from "./servers.ts";

const SAMPLE = new URL("../../data/sample/responses.csv", import.meta.url).pathname;
const { table: sample } = await readCsv(SAMPLE, { schema: "responses" });

// Hostile names: quotes of every dialect, statement separators, comments, unicode.
const SEG = `seg"; DROP TABLE t; --`;
const REGION = "rég`ion' --";
const DATE = "answered at";
const SCORE = `nps'); DELETE FROM x; --`;
const LABELS = ["chat", `'; DROP TABLE answers; --`, 'say "hi"', "Zürich 🚀", "a`b\\c", "x\ny"];

/**
 * A seeded random answers table: missing labels, dates and scores; rare
 * one-row groups; a segment without NPS scores (n = 0); dates within ±14 h of
 * midnight UTC on the 1st, so the month depends on the zone.
 */
function randomAnswers(seed: number, rows: number): ColumnTable {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const seg: (string | null)[] = [], region: (string | null)[] = [], date: (Date | null)[] = [];
  const score: (number | null)[] = [], sat: (number | null)[] = [], effort: (number | null)[] = [];
  for (let i = 0; i < rows; i++) {
    seg.push(random() < 0.05 ? null : pick(LABELS));
    region.push(random() < 0.03 ? `solo ${i}` : random() < 0.05 ? null : pick(["north", "ÿ-east"]));
    const month = Math.floor(random() * 14);
    const t = Date.UTC(2023, 11 + month, 1) + Math.round((random() - 0.5) * 28 * 3600) * 1000;
    date.push(random() < 0.04 ? null : new Date(t));
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

const RANDOM = [randomAnswers(11, 600), randomAnswers(12, 45), randomAnswers(13, 1)];
/** One answer without a date: trend has nothing to show, in memory and in every engine. */
const UNDATED = aq.table({
  [SEG]: [LABELS[3]],
  [REGION]: [null],
  [DATE]: [null],
  [SCORE]: [7],
  csat: [null],
  ces: [2],
});

/** Missing labels of every kind: left out by default, or groups. */
const BLANKS = blankLabels({ seg: SEG, region: REGION, date: DATE, score: SCORE });

type Options = Record<string, unknown>;

interface Case {
  name: string;
  table: ColumnTable;
  analysis: "segment" | "trend";
  options: Options;
}

function cases(): Case[] {
  const out: Case[] = [];
  const s = (name: string, options: Options): Case => ({
    name,
    table: sample,
    analysis: "segment",
    options,
  });
  const t = (name: string, options: Options): Case => ({
    name,
    table: sample,
    analysis: "trend",
    options,
  });
  out.push(
    s("sample segment nps by channel", { kpi: "nps", by: "channel" }),
    s("sample segment csat by channel × region, bh", {
      kpi: "csat",
      by: ["channel", "region"],
      correction: "bh",
    }),
    s("sample segment ces by plan, adjusted", { kpi: "ces", by: "plan", confidence: 0.9 }),
    s("sample segment nps adjusted-wald, minN 500", {
      kpi: "nps",
      by: ["region"],
      method: "adjusted-wald",
      minN: 500,
    }),
    t("sample trend nps month Berlin rolling 3", {
      kpi: "nps",
      period: "month",
      timeZone: "Europe/Berlin",
      rolling: 3,
    }),
    t("sample trend csat month year-over-year", { kpi: "csat", period: "month", compare: "year" }),
    t("sample trend ces quarter by channel", {
      kpi: "ces",
      period: "quarter",
      by: "channel",
      scale: 7,
    }),
    t("sample trend nps week by region, bh", {
      kpi: "nps",
      period: "week",
      by: "region",
      correction: "bh",
      minN: 10,
    }),
  );
  const zones = ["Europe/Berlin", "UTC", "America/New_York"];
  RANDOM.forEach((table, k) => {
    const zone = zones[k];
    const r = (analysis: Case["analysis"], name: string, options: Options): Case => ({
      name: `random ${k} ${analysis} ${name}`,
      table,
      analysis,
      options: analysis === "trend" ? { date: DATE, ...options } : options,
    });
    out.push(
      r("segment", "nps by seg", { kpi: "nps", by: SEG, score: SCORE, minN: 5 }),
      r("segment", "csat by seg × region", { kpi: "csat", by: [SEG, REGION], minN: 3 }),
      r("segment", "nps by seg, seeded bootstrap intervals", {
        kpi: "nps",
        by: SEG,
        score: SCORE,
        method: "bootstrap",
        resamples: 300,
        seed: 7,
      }),
      r("segment", "ces by region, none", { kpi: "ces", by: REGION, scale: 7, correction: "none" }),
      r("trend", `nps month ${zone} by seg rolling 2`, {
        kpi: "nps",
        period: "month",
        timeZone: zone,
        by: SEG,
        score: SCORE,
        rolling: 2,
        minN: 3,
      }),
      r("trend", "nps month Berlin, year-over-year", {
        kpi: "nps",
        period: "month",
        timeZone: "Europe/Berlin",
        score: SCORE,
        compare: "year",
        minN: 3,
      }),
      r("trend", `csat week ${zone}`, { kpi: "csat", period: "week", timeZone: zone, minN: 2 }),
      r("trend", "ces quarter Kolkata by region", {
        kpi: "ces",
        period: "quarter",
        timeZone: "Asia/Kolkata",
        by: REGION,
        scale: 7,
        rolling: 2,
      }),
      r("segment", "nps by seg, missing as a group", {
        kpi: "nps",
        by: SEG,
        score: SCORE,
        missing: "group",
        minN: 5,
      }),
    );
  });
  out.push(
    {
      name: "blank labels segment nps (left out)",
      table: BLANKS,
      analysis: "segment",
      options: { kpi: "nps", by: [SEG, REGION], score: SCORE, minN: 1 },
    },
    {
      name: "blank labels segment csat (missing as groups)",
      table: BLANKS,
      analysis: "segment",
      options: { kpi: "csat", by: SEG, minN: 1, missing: "group" },
    },
    {
      name: "blank labels trend ces by region (left out)",
      table: BLANKS,
      analysis: "trend",
      options: { kpi: "ces", period: "month", date: DATE, by: REGION, scale: 7, minN: 1 },
    },
    {
      name: "undated segment nps",
      table: UNDATED,
      analysis: "segment",
      options: { kpi: "nps", by: REGION, score: SCORE },
    },
    {
      name: "undated trend ces (no dated answers)",
      table: UNDATED,
      analysis: "trend",
      options: { kpi: "ces", period: "month", date: DATE, scale: 7 },
    },
  );
  return out;
}

function runCase(c: Case, input: unknown, engine?: SqlEngine): Promise<ColumnTable> | ColumnTable {
  const options = engine ? { ...c.options, engine } : c.options;
  return c.analysis === "segment"
    ? segment(input as ColumnTable, options as unknown as SegmentOptions)
    : trend(input as ColumnTable, options as unknown as TrendOptions);
}

/** The in-memory result, or the error it throws. */
function expected(c: Case): ColumnTable | Error {
  try {
    return runCase(c, c.table) as ColumnTable;
  } catch (e) {
    return e as Error;
  }
}

/** {@link assertSameRows}, and the metadata apart from what only an engine records. */
function assertSameResult(actual: ColumnTable, want: ColumnTable, what: string) {
  assertSameRows(actual, want, what);
  const strip = (t: ColumnTable) => {
    const info = meta<"kpi">(t);
    if (!info) return info;
    const { engine: _e, sql: _s, params: _p, ...notes } = info.notes;
    return { ...meta, notes };
  };
  assert.deepEqual(strip(actual), strip(want), `${what}: metadata`);
}

async function assertSameOutcome(
  run: () => Promise<ColumnTable> | ColumnTable,
  want: ColumnTable | Error,
  what: string,
) {
  if (want instanceof Error) {
    await assert.rejects(async () => await run(), (e: Error) => {
      assert.equal(e.constructor, want.constructor, what);
      assert.equal(e.message, want.message, what);
      return true;
    });
  } else assertSameResult(await run(), want, what);
}

/** Loads each distinct table once, then runs every case through `{ engine, table }`. */
async function checkEngine(engine: SqlEngine): Promise<number> {
  const loaded = new Map<ColumnTable, { name: string; drop(): Promise<void> }>();
  let checked = 0;
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
      const ref = { engine, table: loaded.get(c.table)!.name };
      // TableRef sources carry their engine; no engine option needed.
      await assertSameOutcome(() => runCase(c, ref), expected(c), `${engine.name}: ${c.name}`);
      checked++;
    }
    // The in-memory source path (load the needed columns, aggregate, drop) once per analysis.
    for (const c of [cases()[0], cases()[4], cases()[11]]) {
      await assertSameOutcome(
        () => runCase(c, c.table, engine),
        expected(c),
        `${engine.name} loaded: ${c.name}`,
      );
      checked++;
    }
  } finally {
    for (const { drop } of loaded.values()) await drop();
  }
  return checked;
}

Deno.test("analysis parity: the cases cover empty and one-row groups and errors", () => {
  const r = segment(RANDOM[0], { kpi: "nps", by: [SEG, REGION], score: SCORE });
  const n = r.array("n") as number[];
  assert.ok(n.includes(0) && n.includes(1));
  const months = trend(RANDOM[0], {
    kpi: "nps",
    period: "month",
    timeZone: "Europe/Berlin",
    date: DATE,
    score: SCORE,
  });
  const utc = trend(RANDOM[0], { kpi: "nps", period: "month", date: DATE, score: SCORE });
  // Answers near midnight UTC on the 1st fall into another month in Berlin.
  assert.notDeepEqual(months.array("n"), utc.array("n"));
  assert.ok(meta<"kpi">(months)!.notes.undated as number > 0);
  const outcomes = cases().map(expected);
  // The undated table, and the one-row table whose only answer has no region (left out).
  const errors = outcomes.filter((o) => o instanceof CxDataError).map((e) => String(e));
  assert.equal(errors.length, 2);
  assert.match(errors[0], /no dated row is left: 1 answer with a missing/);
  assert.ok(outcomes.some((o) => !(o instanceof Error) && o.numRows() === 1));
  assert.ok(
    (trend(RANDOM[0], { kpi: "nps", period: "month", by: SEG, date: DATE, score: SCORE }).array(
      "n",
    ) as number[]).includes(0),
  );
});

Deno.test("analysis parity: DuckDB", async () => {
  const engine = duckdbEngine();
  try {
    assert.equal(await checkEngine(engine), cases().length + 3);
    // A CSV path: DuckDB scans the file; its dates are local days in dateZone (UTC, like readCsv).
    for (const c of [cases()[0], cases()[1], cases()[4], cases()[5]]) {
      await assertSameOutcome(
        () => runCase(c, SAMPLE, engine),
        expected(c),
        `DuckDB CSV: ${c.name}`,
      );
    }
  } finally {
    await engine.close();
  }
});

postgresTest(
  "analysis parity: PostgreSQL",
  async (engine) => assert.equal(await checkEngine(engine), cases().length + 3),
);

clickhouseTest(
  "analysis parity: ClickHouse, two shards behind a Distributed table",
  async (engine) => assert.equal(await checkEngine(engine), cases().length + 3),
  RANDOM[0],
);

Deno.test("analysis pushdown: one query per call, explain in metadata or a callback", async () => {
  const engine = duckdbEngine();
  try {
    const queries: CompiledSql[] = [];
    const options = {
      kpi: "nps",
      by: "channel",
      explain: (q: CompiledSql) => queries.push(q),
    } as const;
    await segment(sample, { ...options, engine });
    await trend(sample, { ...options, period: "month", rolling: 3, engine });
    assert.equal(queries.length, 2);
    assert.match(queries[1].sql, /GROUP BY/);
    const r = await trend(sample, { kpi: "csat", period: "quarter", engine, explain: true });
    const info = meta<"kpi">(r)!;
    assert.equal(info.notes.analysis, "trend");
    assert.equal(info.engine, engine.name);
    assert.equal(info.queries?.length, 1);
    assert.match(info.queries![0].sql, /GROUP BY/);
    assert.ok(Array.isArray(info.queries![0].params));
    assert.ok(!("engine" in info.notes) && !("sql" in info.notes) && !("params" in info.notes));
    const plain = meta<"kpi">(await segment(sample, { kpi: "ces", by: "channel", engine }))!;
    assert.deepEqual(plain.queries, []);
    assert.equal(plain.engine, engine.name);
  } finally {
    await engine.close();
  }
});

Deno.test("analysis pushdown: bad options fail clearly, before any query", async () => {
  const engine = duckdbEngine();
  try {
    const seen: CompiledSql[] = [];
    const explain = (q: CompiledSql) => seen.push(q);
    const bad: [() => Promise<unknown>, RegExp][] = [
      [() => segment(sample, { kpi: "loyalty" as "nps", by: "channel", engine }), /"kpi" must be/],
      [() => segment(sample, { kpi: "nps", by: [], engine }), /segment needs "by"/],
      [
        () => segment(sample, { kpi: "nps", by: "nope", engine, explain }),
        /"by" names column "nope"/,
      ],
      [
        () => segment(sample, { kpi: "nps", by: "channel", correction: "x" as "bh", engine }),
        /correction/,
      ],
      [
        () => trend(sample, { kpi: "nps", period: "month", rolling: 0, engine }),
        /"rolling" must be/,
      ],
      [
        () => trend(sample, { kpi: "nps", period: "month", confidence: 2, engine }),
        /"confidence" must be/,
      ],
      [() => trend(sample, { kpi: "nps", period: "fortnight" as "week", engine }), /period/],
      [
        () => trend(sample, { kpi: "csat", period: "month", scale: 6 as 5, engine, explain }),
        /"scale" must be/,
      ],
      [
        () => trend(sample, { kpi: "nps", period: "month", engine, dateZone: "Mars/Base" }),
        /"dateZone"/,
      ],
      // A string source needs an SQL engine; a table reference belongs to one engine.
      [
        () => trend(SAMPLE, { kpi: "nps", period: "month" } as never),
        /"engine" must be an SQL engine/,
      ],
      [
        () => segment({ engine, table: "x" }, { kpi: "nps", by: "a", engine: duckdbEngine() }),
        /pass one engine/,
      ],
    ];
    for (const [run, message] of bad) {
      await assert.rejects(
        run,
        (e: Error) => e instanceof CxOptionsError && message.test(e.message),
      );
    }
    assert.equal(seen.length, 0);
    // An empty source: the same CxDataError as in memory.
    const empty = sample.filter(() => false);
    await assert.rejects(() => segment(empty, { kpi: "nps", by: "channel", engine }), CxDataError);
    await assert.rejects(
      () => trend(empty, { kpi: "nps", period: "month", engine }),
      /no rows; trend needs data/,
    );
    // Impossible scores are found by the engine.
    const wrong = aq.table({ channel: ["a", "b"], nps_score: [3, 12] });
    await assert.rejects(() => segment(wrong, { kpi: "nps", by: "channel", engine }), CxDataError);
  } finally {
    await engine.close();
  }
});

Deno.test("analysis pushdown: hostile labels and names fill only identifier slots", async () => {
  const engine = duckdbEngine();
  try {
    const conn = await engine.connection();
    const q = (name: string) => quoteIdent(name, "duckdb");
    await conn.run(`CREATE TABLE plain (a VARCHAR, b VARCHAR, d TIMESTAMPTZ, s DOUBLE)`);
    await conn.run(
      `CREATE TABLE ${q("t; --")} (${q(SEG)} VARCHAR, ${q(REGION)} VARCHAR, ${
        q(DATE)
      } TIMESTAMPTZ, ${q(SCORE)} DOUBLE)`,
    );
    const insert = async (table: string, rows: unknown[][]) => {
      for (const row of rows) {
        await conn.run(`INSERT INTO ${q(table)} VALUES ($1, $2, $3::TIMESTAMPTZ, $4)`, row);
      }
    };
    const rows = [
      [LABELS[1], "x\ny", "2024-01-31 23:30:00+00", 9],
      [LABELS[2], "--", "2024-02-01 10:00:00+00", 3],
      [LABELS[3], "; DROP TABLE plain; --", "2024-02-15 10:00:00+00", 10],
      [LABELS[1], "x\ny", "2024-03-02 10:00:00+00", 6],
    ];
    await insert("t; --", rows);
    await insert("plain", rows.map(([_, __, d, s], i) => [`g${i % 3}`, "r", d, s]));
    const sqlOf = async (
      table: string,
      names: { by: string; date: string; score: string },
      analysis: "segment" | "trend",
    ) => {
      let sql: CompiledSql | undefined;
      const o = {
        kpi: "nps",
        ...names,
        minN: 1,
        engine,
        explain: (x: CompiledSql) => sql = x,
        timeZone: "Europe/Berlin",
      } as const;
      // segment has no periods: it refuses date and timeZone
      const { date: _date, timeZone: _timeZone, ...segmentOptions } = o;
      const r = analysis === "segment"
        ? await segment({ engine, table }, segmentOptions)
        : await trend({ engine, table }, { ...o, period: "month" });
      return { sql: sql!, result: r };
    };
    for (const analysis of ["segment", "trend"] as const) {
      const plain = await sqlOf("plain", { by: "a", date: "d", score: "s" }, analysis);
      const hostile = await sqlOf("t; --", { by: SEG, date: DATE, score: SCORE }, analysis);
      let h = hostile.sql.sql;
      for (const [from, to] of [["t; --", "plain"], [SEG, "a"], [DATE, "d"], [SCORE, "s"]]) {
        h = h.replaceAll(q(from), q(to));
      }
      assert.equal(h, plain.sql.sql, analysis);
      assert.deepEqual(hostile.sql.params, plain.sql.params, analysis);
      // Labels are data: they come back, never appear in the query.
      for (const label of LABELS.slice(1, 4)) assert.ok(!hostile.sql.sql.includes(label));
      const labels = hostile.result.array(SEG) as string[];
      if (analysis === "segment") {
        assert.deepEqual(labels, [LABELS[1], LABELS[2], LABELS[3]].sort());
      } else assert.ok(labels.includes(LABELS[1]) && labels.includes(LABELS[3]));
    }
    // The segment by the hostile region column, in memory and in the engine.
    const inMemory = aq.table({
      [SEG]: rows.map((r) => r[0]),
      [REGION]: rows.map((r) => r[1]),
      [DATE]: rows.map((r) => new Date(String(r[2]).replace(" ", "T").replace("+00", "Z"))),
      [SCORE]: rows.map((r) => r[3]),
    });
    const o = { kpi: "nps", by: REGION, score: SCORE, minN: 1 } as const;
    assertSameResult(
      await segment({ engine, table: "t; --" }, o),
      segment(inMemory, o),
      "hostile region",
    );
    const t = { ...o, by: SEG, date: DATE, period: "month", timeZone: "Europe/Berlin" } as const;
    assertSameResult(
      await trend({ engine, table: "t; --" }, t),
      trend(inMemory, t),
      "hostile trend",
    );
    // Nothing was dropped or deleted.
    const count = await conn.runAndReadAll(`SELECT count(*) AS n FROM plain`);
    assert.equal(Number(count.getRowObjectsJS()[0].n), 4);
  } finally {
    await engine.close();
  }
});
