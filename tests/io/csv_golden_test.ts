// readCsv (one byte-level tokenizer) gives exactly what the Arquero-based readCsv gave on every
// CSV under data/sample/ and tests/fixtures/: same columns, values (SHA-256 of every typed value),
// rejects and summary. The golden was written by tests/fixtures/csv_golden/make_golden.ts with the
// old reader, in the commit before the tokenizer replaced it.
import { assertEquals } from "../assert.ts";
import { readCsv } from "../../src/io/csv.ts";
import { readLargeCsv } from "../../src/io/csv_large.ts";
import { goldenEntry, goldenFiles } from "../fixtures/csv_golden/golden.ts";

const golden = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/csv_golden/golden.json", import.meta.url)),
) as Record<string, unknown>;
const files = await goldenFiles();

Deno.test("csv golden: the fixture list is the one the golden was made from", () => {
  assertEquals(files.map((f) => f.file), Object.keys(golden));
});

for (const loader of ["readCsv", "readLargeCsv"] as const) {
  Deno.test(`csv golden: ${loader} = the old readCsv on every CSV fixture`, async () => {
    for (const { file, options } of files) {
      const url = new URL(`../../${file}`, import.meta.url);
      const result = loader === "readCsv"
        ? await readCsv(url, options)
        : await readLargeCsv(url.pathname, options);
      assertEquals(await goldenEntry(result, options), golden[file], file);
    }
  });
}
