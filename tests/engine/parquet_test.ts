import assert from "node:assert/strict";
import * as aq from "arquero";
import { readCsv } from "../../src/mod.ts";
import { readArrow } from "../../src/entries/io.ts";
import { readParquet, writeArrow, writeParquet } from "../../src/io/parquet.ts";
import { CodedColumn, InstantColumn } from "../../src/kernels/columns.ts";

const SAMPLE = new URL("../../data/sample/responses.csv", import.meta.url).pathname;

Deno.test("Parquet round trip keeps types, dates and nulls", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const table = aq.table({
      id: ["a", "b", null],
      n: [1, null, 3],
      x: [0.5, -1e-9, null],
      ok: [true, null, false],
      when: [new Date("2024-03-31T22:30:00.123Z"), null, new Date("1969-07-20T20:17:00Z")],
      label: ["Zürich 🚀", "'; --", ""],
    });
    await writeParquet(table, `${dir}/t.parquet`);
    const { table: back, rejects } = await readParquet(`${dir}/t.parquet`);
    assert.equal(rejects.numRows(), 0);
    // Empty text is missing in cxkit's loaders, as in readCsv.
    assert.deepEqual(
      back.objects(),
      (table.objects() as Record<string, unknown>[]).map((r) => ({ ...r, label: r.label || null })),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readParquet validates, maps and rejects like readCsv", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { table: sample } = await readCsv(SAMPLE, { schema: "responses" });
    const renamed = sample.rename({ nps_score: "Empfehlung", date: "Datum" });
    await writeParquet(renamed, `${dir}/r.parquet`);
    const { table } = await readParquet(`${dir}/r.parquet`, {
      schema: "responses",
      mapping: { nps_score: "Empfehlung", date: "Datum" },
    });
    assert.deepEqual(table.objects(), sample.objects());
    // Zone-less dates are read in timeZone, as readCsv reads text dates.
    const local = aq.table({
      response_id: ["r1", "r2"],
      date: ["2024-03-01", "x"],
      nps_score: [9, 3],
    });
    await writeParquet(local, `${dir}/l.parquet`);
    const berlin = await readParquet(`${dir}/l.parquet`, {
      schema: "responses",
      timeZone: "Europe/Berlin",
    });
    assert.equal((berlin.table.get("date", 0) as Date).toISOString(), "2024-02-29T23:00:00.000Z");
    assert.deepEqual(
      (berlin.rejects.objects() as Record<string, unknown>[]).map((r) => [r.row, r.column]),
      [[2, "date"]],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Arrow IPC round trip through writeArrow and readArrow", async () => {
  const { table: sample } = await readCsv(SAMPLE, { schema: "responses" });
  const { table } = await readArrow(await writeArrow(sample), { schema: "responses" });
  assert.deepEqual(table.objects(), sample.objects());
});

Deno.test("readParquet: columns come back compact; 64-bit integers warn; same as DuckDB's values", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/w.parquet`;
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT
        'r' || i AS response_id,
        TIMESTAMPTZ '2024-03-31 21:00:00+00' + to_seconds(i * 3600) AS date,
        CAST(i % 12 AS TINYINT) AS nps_score,
        CASE WHEN i % 3 = 0 THEN NULL ELSE (['chat', 'phone'])[(i % 2) + 1] END AS channel,
        i % 2 = 0 AS flag,
        CAST(i AS BIGINT) * 4611686018427387 AS counter,
        DATE '2024-01-01' + CAST(i AS INTEGER) AS day,
        i / 3 AS ratio
      FROM range(300) t(i)) TO '${path}' (FORMAT parquet)`);
    const values = (await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`))
      .getRowObjectsJS();
    connection.closeSync();
    instance.closeSync();
    const { table, rejects, summary } = await readParquet(path, { schema: "responses" });
    assert.ok(table.column("channel") instanceof CodedColumn);
    assert.ok(table.column("date") instanceof InstantColumn);
    // Scores 11 are rejected; the other rows keep DuckDB's values exactly.
    assert.equal(rejects.numRows(), 25);
    const kept = values.filter((r) => Number(r.nps_score) <= 10);
    assert.deepEqual(table.array("response_id"), kept.map((r) => r.response_id));
    assert.deepEqual(
      (table.array("date") as Date[]).map((d) => d.getTime()),
      kept.map((r) => (r.date as Date).getTime()),
    );
    assert.deepEqual(table.array("flag"), kept.map((r) => r.flag));
    assert.deepEqual(table.array("ratio"), kept.map((r) => r.ratio));
    assert.deepEqual(
      (table.array("day") as Date[]).map((d) => d.toISOString().slice(0, 10)),
      kept.map((r) => (r.day as Date).toISOString().slice(0, 10)),
    );
    assert.deepEqual(table.array("counter"), kept.map((r) => Number(r.counter)));
    assert.match(summary.warnings.join("\n"), /counter: \d+ 64-bit integers exceed 2\^53/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
