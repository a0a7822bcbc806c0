/**
 * readParquet's native reader against its DuckDB path: seeded files written
 * by DuckDB (snappy and uncompressed, small row groups, nulls in every type,
 * unicode and empty text, dates and timestamps with and without zone, bad
 * values, all-null columns, one row) must give the same table (every cell),
 * rejects and summary; files it does not read (ZSTD, DELTA encodings) still
 * read through DuckDB; a cut or damaged file is a CxDataError.
 */
import assert from "node:assert/strict";
import { type DuckdbConnection, withDuckdbConnection } from "./duckdb_connection.ts";
import type { ColumnTable } from "arquero";
import { CxDataError } from "../../src/errors.ts";
import { readParquetBy } from "../../src/io/parquet.ts";
import { readParquetNative } from "../../src/io/parquet_native.ts";
import type { ValidateOptions } from "../../src/io/validate.ts";

/** `run` with a DuckDB connection and a temporary folder, removed after. */
async function inTempDir(run: (c: DuckdbConnection, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await withDuckdbConnection((c) => run(c, dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function cells(table: ColumnTable): unknown[][] {
  return table.columnNames().map((name) =>
    Array.from({ length: table.numRows() }, (_, i) => {
      const v = table.get(name, i);
      return v instanceof Date ? `D${v.getTime()}` : v;
    })
  );
}

async function assertSame(path: string, options: ValidateOptions, native = true) {
  const bytes = await Deno.readFile(path);
  const a = await readParquetBy("native", path, options);
  const b = await readParquetBy("duckdb", path, options);
  assert.deepEqual(a.table.columnNames(), b.table.columnNames());
  assert.deepEqual(cells(a.table), cells(b.table));
  assert.deepEqual(cells(a.rejects), cells(b.rejects));
  assert.deepEqual(a.summary, b.summary);
  const kinds = (n: string) => n === "date" && options.schema ? "date" : undefined;
  assert.equal(readParquetNative(bytes, kinds) !== undefined, native, `native read of ${path}`);
}

/** A deterministic pseudo-random integer in [0, m) from row i and a seed, as SQL. */
const h = (seed: number, m: number) => `(hash(i * 7919 + ${seed}) % ${m})::BIGINT`;

const typed = (seed: number) => `
  SELECT
    CASE WHEN ${h(seed, 7)} = 0 THEN NULL ELSE ${h(seed + 1, 1000)}::INTEGER - 500 END AS i32,
    CASE WHEN ${h(seed, 5)} = 0 THEN NULL
      WHEN ${h(seed + 2, 9)} = 0 THEN 9007199254740993 + ${h(seed + 3, 50)}
      ELSE ${h(seed + 3, 100000)} - 50000 END AS i64,
    CASE WHEN ${h(seed, 6)} = 0 THEN NULL ELSE (${h(seed + 4, 1000)} / 8.0)::FLOAT END AS f32,
    CASE WHEN ${h(seed, 4)} = 0 THEN NULL ELSE ${h(seed + 5, 100000)} / 100.0 END AS f64,
    CASE WHEN ${h(seed, 3)} = 0 THEN NULL ELSE ${h(seed + 6, 2)} = 1 END AS flag,
    CASE WHEN ${h(seed, 8)} = 0 THEN NULL
      ELSE ['', 'Zürich', '東京 🚀', 'plain', 'a text of more than thirty-two bytes, long'][1 + ${
  h(seed + 7, 5)
}] || (${h(seed + 8, 40)})::VARCHAR END AS txt,
    CASE WHEN ${h(seed, 9)} = 0 THEN NULL
      ELSE DATE '1969-12-25' + ${h(seed + 9, 20000)}::INTEGER END AS day,
    CASE WHEN ${h(seed, 10)} = 0 THEN NULL
      ELSE TIMESTAMPTZ '1969-12-31 23:59:59.999+00' + to_microseconds(${
  h(seed + 10, 10 ** 12)
} - 500000000000) END AS tz,
    CASE WHEN ${h(seed, 11)} = 0 THEN NULL
      ELSE TIMESTAMP '2024-03-31 01:30:00' + to_microseconds(${h(seed + 11, 10 ** 9)}) END AS ts,
    CASE WHEN ${h(seed, 11)} = 0 THEN NULL
      ELSE (TIMESTAMP '1960-03-31 01:30:00' + to_microseconds(${
  h(seed + 12, 10 ** 9)
}))::TIMESTAMP_MS END AS ts_ms,
    CASE WHEN ${h(seed, 11)} = 0 THEN NULL
      ELSE (TIMESTAMP '2001-03-31 01:30:00' + to_microseconds(${
  h(seed + 13, 10 ** 9)
}))::TIMESTAMP_NS END AS ts_ns,
    NULL::VARCHAR AS none_text, NULL::DOUBLE AS none_number
  FROM range(ROWS) t(i)`;

const responses = (seed: number, dateAs: string) => `
  SELECT 'R-ü-' || i AS response_id,
    ${dateAs} AS date,
    CASE WHEN ${h(seed, 50)} = 0 THEN NULL ELSE ${h(seed + 1, 12)} END AS nps_score,
    CASE WHEN ${h(seed, 6)} = 0 THEN NULL ELSE ['web', '', 'Café 🚀', 'phone'][1 + ${
  h(seed + 2, 4)
}] END AS channel,
    i AS customer_id
  FROM range(ROWS) t(i)`;

const write = (
  c: DuckdbConnection,
  select: string,
  path: string,
  opts: string,
) => c.run(`COPY (${select}) TO '${path}' (FORMAT parquet, ${opts})`);

Deno.test("readParquet native = DuckDB path: every type, nulls, row groups, codecs", async () => {
  await inTempDir(async (c, dir) => {
    let seed = 1;
    for (const rows of [1, 3000]) {
      for (const codec of ["snappy", "uncompressed"]) {
        for (const group of [1000, 100000]) {
          const path = `${dir}/t_${rows}_${codec}_${group}.parquet`;
          await write(
            c,
            typed(seed++).replace("ROWS", String(rows)),
            path,
            `COMPRESSION ${codec}, ROW_GROUP_SIZE ${group}`,
          );
          await assertSame(path, {});
        }
      }
    }
  });
});

Deno.test("readParquet native = DuckDB path: canonical dates in several time zones, rejects", async () => {
  await inTempDir(async (c, dir) => {
    let seed = 100;
    const dates = [
      ["DATE '1999-12-20' + " + h(7, 900) + "::INTEGER", true],
      [
        "CASE WHEN i % 13 = 0 THEN NULL ELSE TIMESTAMPTZ '2024-03-30 22:00:00+00' + to_microseconds(i * 3600000000) END",
        true,
      ],
      ["TIMESTAMP '2024-03-30 22:00:00' + to_microseconds(i * 3600000000)", false],
    ] as const;
    for (const [dateAs, native] of dates) {
      for (const rows of [1, 2500]) {
        const path = `${dir}/r_${seed}.parquet`;
        await write(
          c,
          responses(seed++, dateAs).replace("ROWS", String(rows)),
          path,
          "COMPRESSION snappy, ROW_GROUP_SIZE 700",
        );
        for (const timeZone of ["UTC", "Europe/Berlin", "America/Los_Angeles"]) {
          await assertSame(path, { schema: "responses", timeZone }, native);
        }
      }
    }
  });
});

Deno.test("readParquet native: ZSTD and Parquet v2 (DELTA) files read through DuckDB", async () => {
  await inTempDir(async (c, dir) => {
    for (const opts of ["COMPRESSION zstd", "PARQUET_VERSION V2, COMPRESSION snappy"]) {
      const path = `${dir}/f.parquet`;
      await write(c, typed(7).replace("ROWS", "2000"), path, opts);
      const a = await readParquetBy("native", path, {});
      const b = await readParquetBy("duckdb", path, {});
      assert.deepEqual(cells(a.table), cells(b.table));
      assert.equal(a.table.numRows(), 2000);
    }
    const path = `${dir}/f.parquet`;
    await write(
      c,
      typed(7).replace("ROWS", "2000"),
      path,
      "PARQUET_VERSION V2, COMPRESSION snappy",
    );
    assert.equal(readParquetNative(await Deno.readFile(path), () => undefined), undefined);
  });
});

Deno.test("readParquet native: a cut or damaged file is a CxDataError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ok.parquet`;
    await withDuckdbConnection((c) =>
      write(c, typed(3).replace("ROWS", "3000"), path, "COMPRESSION snappy")
    );
    const bytes = await Deno.readFile(path);
    const bad = `${dir}/bad.parquet`;
    for (const cut of [0, 4, 100, bytes.length >> 1, bytes.length - 9, bytes.length - 1]) {
      await Deno.writeFile(bad, bytes.subarray(0, cut));
      await assert.rejects(readParquetBy("native", bad, {}), CxDataError);
    }
    // Damaged pages (bytes flipped in the data, magic intact): an error or the right table.
    const good = cells((await readParquetBy("duckdb", path, {})).table);
    for (let k = 0; k < 60; k++) {
      const copy = bytes.slice();
      const at = 4 + ((k * 2654435761) >>> 0) % (bytes.length - 12);
      copy[at] ^= 0x5a;
      await Deno.writeFile(bad, copy);
      try {
        const read = await readParquetBy("native", bad, {});
        // A flipped byte inside a value changes that value, never the shape.
        assert.equal(read.table.numRows() + read.rejects.numRows(), good[0].length);
      } catch (e) {
        assert.ok(e instanceof CxDataError, `flip at ${at}: ${e}`);
        assert.match((e as Error).message, /cannot be read as Parquet/);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readParquet native: infinite dates as the DuckDB path reads them", async () => {
  await inTempDir(async (c, dir) => {
    const path = `${dir}/inf.parquet`;
    const dateAs = `CASE WHEN i = 3 THEN 'infinity'::DATE WHEN i = 4 THEN '-infinity'::DATE
      ELSE DATE '2024-01-01' + i::INTEGER END`;
    await write(c, responses(9, dateAs).replace("ROWS", "10"), path, "COMPRESSION snappy");
    // A canonical date column: DuckDB's text of the day ("infinity"), read natively.
    await assertSame(path, { schema: "responses", timeZone: "Europe/Berlin" });
    // Elsewhere an infinite date is an instant by DuckDB's casts: left to DuckDB.
    await assertSame(path, {}, false);
    const ts = `${dir}/ts.parquet`;
    await write(
      c,
      "SELECT CASE WHEN i = 1 THEN 'infinity'::TIMESTAMPTZ ELSE TIMESTAMPTZ '2024-01-01 00:00:00+00' END AS t FROM range(3) t(i)",
      ts,
      "COMPRESSION snappy",
    );
    await assertSame(ts, {}, false);
  });
});

Deno.test("readParquet native: data pages v2 with dictionary and PLAIN values", async () => {
  await inTempDir(async (c, dir) => {
    const path = `${dir}/v2.parquet`;
    await write(
      c,
      `SELECT CASE WHEN i % 5 = 0 THEN NULL ELSE ['a', 'Zürich', ''][1 + i % 3] END AS s,
        CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS b FROM range(5000) t(i)`,
      path,
      "PARQUET_VERSION V2, COMPRESSION snappy, ROW_GROUP_SIZE 2048",
    );
    // DuckDB's V2 pages: RLE_DICTIONARY text and PLAIN booleans, both read natively.
    await assertSame(path, {});
  });
});
