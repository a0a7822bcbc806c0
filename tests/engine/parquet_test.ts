import assert from "node:assert/strict";
import "@uwdata/flechette";
import * as aq from "arquero";
import { readArrow, readCsv } from "../../src/mod.ts";
import { readParquet, writeArrow, writeParquet } from "../../src/io/parquet.ts";

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
