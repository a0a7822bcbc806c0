import assert from "node:assert/strict";
import "@uwdata/flechette";
import { readCsv } from "../../src/mod.ts";
import { fromDanfo, toDanfo } from "../../src/io/danfo.ts";

const SAMPLE = new URL("../../data/sample/responses.csv", import.meta.url).pathname;

let installable = true;
try {
  await import(["npm:danfojs", "node@1.1.2"].join("-"));
} catch (e) {
  installable = false;
  console.warn(`skipping danfo.js test: danfojs-node@1.1.2 could not be loaded (${e})`);
}

Deno.test({
  name: "danfo.js: toDanfo → fromDanfo round-trips the sample answers",
  ignore: !installable,
  async fn() {
    const { table } = await readCsv(SAMPLE, { schema: "responses" });
    const small = table.slice(0, 500);
    const df = await toDanfo(small);
    assert.deepEqual(df.shape, [500, small.numCols()]);
    assert.deepEqual(fromDanfo(df).objects(), small.objects());
  },
});
