/**
 * Files scanned by DuckDB for an engine call read their dates by cxkit's
 * rules (issue #13, item 10): the hostile cases of
 * tests/fixtures/hostile/engine/cases.json, each against the in-memory call
 * on readCsv's table and values worked by hand; Parquet text and zoned
 * columns against readParquet; and no temporary object left behind.
 */
import assert from "node:assert/strict";
import type { ColumnTable } from "arquero";
import {
  churnRate,
  cohortRetention,
  CxDataError,
  CxOptionsError,
  duckdbEngine,
  kaplanMeier,
  nps,
  readCsv,
  readParquet,
  type SqlEngine,
  trend,
  type TrendOptions,
} from "../../src/mod.ts";
import { scanFile } from "../../src/engine/scan.ts";
import { assertSameResult } from "./assert_same.ts";

const DIR = new URL("../fixtures/hostile/engine/", import.meta.url).pathname;

interface Case {
  name: string;
  about: string;
  input: string;
  call: keyof typeof CALLS;
  load: Record<string, unknown>;
  dateZone?: string;
  options: Record<string, unknown>;
  key?: string[];
  expect: {
    sameAsInMemory?: boolean;
    rows?: Record<string, unknown>[];
    error?: { type: string; includes: string[] };
    memory?: { rejects?: { row: number; column: string; value: string }[]; warnings?: string[] };
  };
}

type Options = Record<string, unknown>;
/** Each call: in memory on a loaded table, and in the engine on a path. */
const CALLS = {
  nps: {
    memory: (t: ColumnTable, o: Options): ColumnTable => nps(t, o as never),
    engine: (p: string, o: Options) => nps(p, o as never),
  },
  churnRate: {
    memory: (t: ColumnTable, o: Options): ColumnTable => churnRate(t, o as never),
    engine: (p: string, o: Options) => churnRate(p, o as never),
  },
  trend: {
    memory: (t: ColumnTable, o: Options) => trend(t, o as unknown as TrendOptions),
    engine: (p: string, o: Options) => trend(p, o as never),
  },
  cohortRetention: {
    memory: (t: ColumnTable, o: Options): ColumnTable => cohortRetention(t, o as never),
    engine: (p: string, o: Options) => cohortRetention(p, o as never),
  },
  kaplanMeier: {
    memory: (t: ColumnTable, o: Options): ColumnTable => kaplanMeier(t, o as never),
    // kaplanMeier reads no dates, so it takes no dateZone.
    engine: (p: string, { dateZone: _, ...o }: Options) => kaplanMeier(p, o),
  },
};

/** Options as the functions take them: ISO strings of date options become Dates. */
function revive(options: Options): Options {
  return Object.fromEntries(
    Object.entries(options).map(([k, v]) => [
      k,
      ["to", "from", "observedUntil"].includes(k) ? new Date(String(v)) : v,
    ]),
  );
}

function assertRows(result: ColumnTable, c: Case) {
  const rows = result.objects() as Record<string, unknown>[];
  const key = c.key ?? [];
  for (const want of c.expect.rows ?? []) {
    const found = rows.filter((r) => key.every((k) => r[k] === want[k]));
    assert.equal(found.length, 1, `${c.name}: one row for ${JSON.stringify(want)}`);
    for (const [k, v] of Object.entries(want)) {
      assert.deepEqual(found[0][k], v, `${c.name}: ${k} of ${JSON.stringify(want)}`);
    }
  }
}

/** The temporary tables and views cxkit made in the engine (none should outlive a call). */
async function leftovers(engine: SqlEngine): Promise<number> {
  const [r] = await engine.run({
    dialect: "duckdb",
    sql:
      "SELECT (SELECT count(*) FROM duckdb_views() WHERE view_name LIKE '\\_\\_cx%' ESCAPE '\\') + (SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '\\_\\_cx%' ESCAPE '\\') AS n",
    params: [],
    keys: [],
    measures: [],
  });
  return Number(r.n);
}

const { cases } = JSON.parse(await Deno.readTextFile(`${DIR}cases.json`)) as { cases: Case[] };

Deno.test("hostile engine cases: at least six, each with an asserted outcome", () => {
  assert.ok(cases.length >= 6);
  for (const c of cases) {
    assert.ok(c.expect.error || (c.expect.rows?.length && c.expect.sameAsInMemory), c.name);
  }
});

for (const c of cases) {
  Deno.test(`hostile engine case ${c.name}: ${c.about}`, async () => {
    const path = DIR + c.input;
    const call = CALLS[c.call];
    const options = revive(c.options);
    const loaded = await readCsv(path, { ...c.load, timeZone: c.dateZone ?? "UTC" });
    const engine = duckdbEngine();
    try {
      const pushed = call.engine(path, { ...options, engine, dateZone: c.dateZone });
      const { error, memory } = c.expect;
      if (error) {
        const e = await pushed.then(() => assert.fail(`${c.name}: no error`), (e) => e);
        assert.equal(e.constructor.name, error.type, e.message);
        for (const text of error.includes) assert.ok(e.message.includes(text), e.message);
        if (memory?.rejects) {
          const rejects = loaded.rejects.objects() as Record<string, unknown>[];
          assert.deepEqual(
            rejects.map(({ row, column, value }) => ({ row, column, value })),
            memory.rejects,
            `${c.name}: readCsv's rejects`,
          );
          if (memory.rejects.length) {
            // The engine names the rows, columns, values and reasons readCsv rejects.
            assert.deepEqual(
              (e as CxDataError).problems.map(({ row, column, value, reason }) => ({
                row,
                column,
                value,
                reason,
              })),
              rejects.map(({ row, column, value, reason }) => ({ row, column, value, reason })),
            );
          }
        }
        for (const w of memory?.warnings ?? []) {
          assert.ok(loaded.summary.warnings.some((s) => s.includes(w)), `${c.name}: warning ${w}`);
        }
      } else {
        const result = await pushed;
        assertRows(result, c);
        assertSameResult(result, call.memory(loaded.table, options), c.name);
      }
      assert.equal(await leftovers(engine), 0, `${c.name}: temporary objects dropped`);
    } finally {
      await engine.close();
    }
  });
}

Deno.test("Parquet: a text date column follows the CSV rules, a zoned timestamp column is read as it is", async () => {
  const engine = duckdbEngine();
  const dir = await Deno.makeTempDir();
  try {
    const csv = `${DIR}zoned_after_dates.csv`;
    const conn = await engine.connection();
    const text = `${dir}/text.parquet`, zoned = `${dir}/zoned.parquet`;
    await conn.run(`COPY (SELECT * FROM read_csv($1, all_varchar = true)) TO '${text}'`, [csv]);
    // Instants made by DuckDB from the offset-carrying texts, with the dates as Berlin midnights.
    await conn.run(
      `COPY (SELECT customer_id, timezone('Europe/Berlin', signup_date::TIMESTAMP) AS signup_date,
         CASE WHEN churn_date LIKE '%Z' THEN churn_date::TIMESTAMPTZ
              ELSE timezone('Europe/Berlin', churn_date::TIMESTAMP) END AS churn_date
       FROM read_csv($1, all_varchar = true)) TO '${zoned}'`,
      [csv],
    );
    const o = { timeZone: "Europe/Berlin", observedUntil: new Date("2024-02-29T00:00:00Z") };
    const viaCsv = await churnRate(csv, { ...o, engine, dateZone: "Europe/Berlin" });
    for (const file of [text, zoned]) {
      const types = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
      const churnType = types.getRowObjectsJS().find((r) => r.column_name === "churn_date");
      assert.equal(churnType?.column_type, file === text ? "VARCHAR" : "TIMESTAMP WITH TIME ZONE");
      const pushed = await churnRate(file, { ...o, engine, dateZone: "Europe/Berlin" });
      const { table } = await readParquet(file, { schema: "customers", timeZone: "Europe/Berlin" });
      assertSameResult(pushed, churnRate(table, o), file);
      assertSameResult(pushed, viaCsv, `${file} = CSV`);
      const rows = pushed.objects() as Record<string, unknown>[];
      const feb = rows.find((r) => r.period === "2024-02")!;
      assert.equal(feb.churned, 1, "the 23:30 UTC churn is February in Berlin");
    }
    assert.equal(await leftovers(engine), 0);
  } finally {
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Parquet: DATE and zone-less TIMESTAMP columns are wall times in dateZone by cxkit's rules; a bad text date names its row", async () => {
  const engine = duckdbEngine();
  const dir = await Deno.makeTempDir();
  try {
    const conn = await engine.connection();
    const write = (file: string, rows: string, types: string) =>
      conn.run(
        `COPY (SELECT response_id, CAST(date AS ${types}) AS date, nps_score FROM (VALUES ${rows}) t(response_id, date, nps_score)) TO '${dir}/${file}'`,
      );
    // Tokyo midnight of 1 February is 15:00 UTC on 31 January.
    await write("dates.parquet", "('a', '2024-01-31', 9), ('b', '2024-02-01', 3)", "DATE");
    // The DST-gap case of cases.json as a zone-less TIMESTAMP column.
    await write(
      "gap.parquet",
      "('a', '2024-03-31 02:30:00', 10), ('b', '2024-03-30 23:30:00', 3), ('c', '2024-03-31 03:30:00', 9)",
      "TIMESTAMP",
    );
    await write("bad.parquet", "('a', '2024-01-31', 9), ('b', '31.02.2024', 3)", "VARCHAR");
    const check = async (file: string, dateZone: string, o: Options, want: unknown[][]) => {
      const path = `${dir}/${file}`;
      const pushed = await nps(path, { ...o, engine, dateZone } as never);
      const { table } = await readParquet(path, { schema: "responses", timeZone: dateZone });
      assertSameResult(pushed, nps(table, o as never), file);
      const rows = pushed.objects() as Record<string, unknown>[];
      assert.deepEqual(rows.map((r) => [r.period, r.n]), want, file);
    };
    const months = { period: "month", timeZone: "UTC" };
    await check("dates.parquet", "Asia/Tokyo", months, [["2024-01", 2]]);
    const days = { period: "day", timeZone: "Atlantic/Cape_Verde" };
    await check("gap.parquet", "Europe/Berlin", days, [["2024-03-30", 1], ["2024-03-31", 2]]);
    await assert.rejects(
      () => nps(`${dir}/bad.parquet`, { ...months, engine } as never),
      (e) => {
        assert.ok(e instanceof CxDataError, String(e));
        assert.deepEqual(
          e.problems.map(({ row, column, value }) => ({ row, column, value })),
          [{ row: 2, column: "date", value: "31.02.2024" }],
        );
        return true;
      },
    );
    assert.equal(await leftovers(engine), 0);
  } finally {
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scanFile: a column with more distinct date texts than the limit is refused before any is parsed", async () => {
  const engine = duckdbEngine();
  try {
    const path = `${DIR}mixed_offsets.csv`; // 8 distinct dates
    const relation = { kind: "file" as const, path, format: "csv" as const };
    const columns = await engine.columns(relation);
    await assert.rejects(
      () => scanFile(engine, relation, columns, ["date"], "UTC", 7),
      (e) => {
        assert.ok(e instanceof CxOptionsError, String(e));
        assert.match(e.message, /"date" of .*mixed_offsets\.csv holds 8 distinct dates/);
        assert.match(e.message, /up to 7\. Load the file with readLargeCsv/);
        return true;
      },
    );
    const scanned = await scanFile(engine, relation, columns, ["date"], "UTC", 8);
    await scanned.drop();
    assert.equal(await leftovers(engine), 0);
  } finally {
    await engine.close();
  }
});
