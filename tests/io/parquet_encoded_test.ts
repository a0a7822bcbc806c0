/**
 * readParquet's compact path: DATE columns cross over as day numbers (their
 * texts written by `dayText`), numbers are keyed by their bits
 * (`ValueDictionary`), and codes are copied chunk by chunk. References: the
 * same rows written by DuckDB as CSV (DuckDB's own date texts) and read by
 * readCsv, DuckDB's `CAST(date AS VARCHAR)`, and values worked by hand.
 */
import assert from "node:assert/strict";
import { withDuckdbConnection } from "./duckdb_connection.ts";
import { readCsv } from "../../src/mod.ts";
import { readParquet } from "../../src/io/parquet.ts";
import { ValueDictionary } from "../../src/io/value_dictionary.ts";
import { TextDictionary } from "../../src/io/text_dictionary.ts";
import { CodedColumn, InstantColumn } from "../../src/kernels/columns.ts";
import { dayText } from "../../src/time/civil.ts";

const ROWS = 70_000; // more distinct ids and weights than 65,536: the widest codes
const BAD_ROW = 4_321; // nps_score 11 here

Deno.test("readParquet: DATE as day numbers = the same rows as text through readCsv", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dates = [
      "1969-07-20",
      "1900-02-28",
      "1583-01-01",
      "2038-01-19",
      "2038-07-01",
      "2040-02-29",
      "2100-03-01",
      "9999-12-31",
      "1970-01-01",
      "2024-03-31",
    ];
    const select = (dateAs: string) =>
      `SELECT 'R-ü-' || i AS response_id,
        ${dateAs} AS date,
        CASE WHEN i = ${BAD_ROW} THEN 11 ELSE i % 11 END AS nps_score,
        'Café 🚀 Telefon-Hotline' AS channel,
        CASE WHEN i % 5 = 0 THEN NULL ELSE (['Grüße', 'naïve façade', '東京'])[1 + i % 3] END AS comment,
        1 + i / 8 AS weight
      FROM (SELECT i, CASE WHEN i % 997 = 0 THEN NULL
        ELSE CAST((${
        JSON.stringify(dates).replaceAll('"', "'")
      })[1 + i % ${dates.length}] AS DATE) END AS d
        FROM range(${ROWS}) t(i))`;
    await withDuckdbConnection(async (c) => {
      await c.run(`COPY (${select("d")}) TO '${dir}/r.parquet' (FORMAT parquet)`);
      // DuckDB's own text of each date: independent of dayText.
      await c.run(`COPY (${select("CAST(d AS VARCHAR)")}) TO '${dir}/r.csv' (HEADER)`);
    });
    const options = { schema: "responses", timeZone: "Europe/Berlin" } as const;
    const parquet = await readParquet(`${dir}/r.parquet`, options);
    const csv = await readCsv(`${dir}/r.csv`, options);
    assert.ok(parquet.table.column("date") instanceof InstantColumn);
    assert.ok(parquet.table.column("response_id") instanceof CodedColumn);
    assert.deepEqual(parquet.table.objects(), csv.table.objects());
    // Parquet rows count from 1, CSV rows from the header's 1.
    assert.deepEqual(
      parquet.rejects.objects(),
      (csv.rejects.objects() as { row: number }[]).map((r) => ({ ...r, row: r.row - 1 })),
    );
    assert.deepEqual(parquet.summary.warnings, csv.summary.warnings);
    // Worked by hand: the bad score's row and value; Berlin was UTC+1 all of 1969, UTC+2 in
    // July 2038 and UTC+1 in February 2040.
    const bad = (parquet.rejects.objects() as Record<string, unknown>[])
      .filter((r) => r.column === "nps_score");
    assert.deepEqual(bad.map((r) => [r.row, r.value]), [[BAD_ROW + 1, "11"]]);
    const at = (i: number) => parquet.table.get("date", rowOf(parquet.table, i)) as Date;
    assert.equal(at(10).toISOString(), "1969-07-19T23:00:00.000Z");
    assert.equal(at(4).toISOString(), "2038-06-30T22:00:00.000Z");
    assert.equal(at(5).toISOString(), "2040-02-28T23:00:00.000Z");
    assert.equal(at(7).toISOString(), "9999-12-30T23:00:00.000Z");
    assert.equal(parquet.table.get("channel", 0), "Café 🚀 Telefon-Hotline");
    assert.equal(parquet.table.get("comment", rowOf(parquet.table, 1)), "naïve façade");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The output row of input row `i` (ids are `R-ü-<i>`). */
function rowOf(table: { array(name: string): ArrayLike<unknown> }, i: number): number {
  return Array.prototype.indexOf.call(table.array("response_id"), `R-ü-${i}`);
}

Deno.test("readParquet: TIMESTAMP WITH TIME ZONE columns are instants whatever timeZone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const stamps = [
      "1969-07-20 20:17:40+00",
      "2024-03-31 01:30:00+05:30",
      "2050-06-01 12:00:00.250-07:00",
      null,
    ];
    await withDuckdbConnection((c) =>
      c.run(`COPY (SELECT 'r' || i AS response_id,
          CAST((['${stamps.slice(0, 3).join("', '")}', NULL])[1 + i % 4] AS TIMESTAMPTZ) AS date,
          7 AS nps_score
        FROM range(12) t(i)) TO '${dir}/t.parquet' (FORMAT parquet)`)
    );
    const expected = [
      Date.UTC(1969, 6, 20, 20, 17, 40),
      Date.UTC(2024, 2, 30, 20, 0, 0),
      Date.UTC(2050, 5, 1, 19, 0, 0, 250),
    ];
    for (const timeZone of ["UTC", "Europe/Berlin", "America/Los_Angeles"]) {
      const { table, rejects } = await readParquet(`${dir}/t.parquet`, {
        schema: "responses",
        timeZone,
      });
      assert.ok(table.column("date") instanceof InstantColumn);
      assert.deepEqual((table.array("date") as Date[]).map((d) => d.getTime()), [
        ...expected,
        ...expected,
        ...expected,
      ]);
      // The missing dates are rejected (date is required), rows 4, 8 and 12.
      assert.deepEqual(rejects.array("row"), [4, 8, 12]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dayText writes DuckDB's text of every DATE, BC and five-digit years included", async () => {
  const rows = await withDuckdbConnection(async (c) =>
    (await c.runAndReadAll(`SELECT (d - DATE '1970-01-01')::DOUBLE AS n, CAST(d AS VARCHAR) AS t
      FROM (SELECT DATE '-5877641-06-25' + (i * 1234567)::INTEGER AS d FROM range(1740) t(i)
        UNION ALL SELECT DATE '0001-01-01' + (i * 97)::INTEGER FROM range(40000) t(i)
        UNION ALL SELECT unnest([DATE '0001-01-01', DATE '0001-12-31' - 366, DATE '1969-12-31',
          DATE '2038-01-19', DATE '10000-01-01', DATE '5881580-07-10']))`)).getRowObjectsJS()
  );
  const wrong = rows.filter((r) => dayText(r.n as number) !== r.t);
  assert.deepEqual(wrong.slice(0, 5), []);
  assert.equal(dayText(Infinity), "infinity");
});

/** A DuckDB-like DOUBLE vector: the values, validity bits, `getItem`. */
function doubleVector(values: (number | null)[]) {
  const items = Float64Array.from(values, (v) => v ?? 0);
  const bits = new BigUint64Array(Math.ceil(values.length / 64));
  values.forEach((v, i) => {
    if (v !== null) bits[i >> 6] |= 1n << BigInt(i & 63);
  });
  return { items, validity: { data: bits }, getItem: (i: number) => values[i] };
}

Deno.test("ValueDictionary: one entry per Map key (0 and -0, every NaN), codes widen across chunks", () => {
  const weird = [0, -0, NaN, new Float64Array(new Uint32Array([1, 0x7ff00000]).buffer)[0], null];
  const values: (number | null)[] = [];
  for (let i = 0; i < 80_000; i++) values.push(i % 7 === 0 ? weird[i % 5] : i / 4);
  const reference = new Map<unknown, number>();
  const expected = values.map((v) => {
    const key = v ?? null;
    if (!reference.has(key)) reference.set(key, reference.size);
    return reference.get(key)!;
  });
  for (const fast of [true, false]) {
    const d = new ValueDictionary(values.length, "number");
    for (let offset = 0; offset < values.length; offset += 2048) {
      const part = values.slice(offset, offset + 2048);
      const vector = doubleVector(part);
      d.addVector(fast ? vector : { getItem: vector.getItem }, offset, part.length);
    }
    const { codes, dictionary } = d.finish();
    assert.ok(codes instanceof Int32Array);
    assert.deepEqual(Array.from(codes), expected);
    assert.deepEqual(dictionary.length, reference.size);
    assert.ok(Object.is(dictionary[codes[0]], 0) && Number.isNaN(dictionary[codes[7]]));
  }
});

Deno.test("TextDictionary: one distinct text and all distinct, codes widen across chunks", () => {
  const cases = [
    Array.from({ length: 5000 }, () => "ein Wert"),
    Array.from({ length: 70_000 }, (_, i) => i % 9 === 0 ? null : `Ω-${i}`),
  ];
  for (const texts of cases) {
    const d = new TextDictionary(texts.length);
    for (let offset = 0; offset < texts.length; offset += 2048) {
      const part = texts.slice(offset, offset + 2048);
      d.addItems({ getItem: (i) => part[i] }, offset, part.length);
    }
    const { codes, dictionary } = d.finish();
    assert.deepEqual(Array.from(codes, (c) => dictionary[c]), texts);
    assert.equal(dictionary.length, new Set(texts).size);
  }
});

Deno.test("TextDictionary.addVector reads string_t records: ASCII from the words, others decoded", () => {
  const texts = ["C7919", "", "twelve bytes", "Zürich", null, "a text longer than twelve", "C7919"];
  // DuckDB's layout: length, then 12 inline bytes (zero-padded) or a prefix and a pointer.
  const bytes = new Uint8Array(16 * texts.length);
  const view = new DataView(bytes.buffer);
  const valid = new BigUint64Array(1);
  texts.forEach((t, i) => {
    if (t === null) return;
    valid[0] |= 1n << BigInt(i);
    const utf8 = new TextEncoder().encode(t);
    view.setUint32(16 * i, utf8.length, true);
    if (utf8.length <= 12) bytes.set(utf8, 16 * i + 4);
  });
  const d = new TextDictionary(texts.length);
  d.addVector(
    {
      dataView: view,
      validity: { data: valid },
      // Inline ASCII must come from the words alone: the vector refuses to decode those.
      getItem: (i: number) => {
        const t = texts[i];
        if (t !== null && t.length <= 12 && /^[ -~]*$/.test(t)) throw new Error(`row ${i}`);
        return texts[i];
      },
    } as never,
    0,
    texts.length,
  );
  const { codes, dictionary } = d.finish();
  assert.deepEqual(Array.from(codes, (c) => dictionary[c]), texts);
  assert.equal(dictionary.length, 6);
});
