// readCsv (one byte-level tokenizer) gives what the Arquero-based readCsv gave on the CSV fixtures.
// 1. The golden (tests/fixtures/csv_golden/golden.json, written by make_golden.ts with the old
//    reader in the commit before the tokenizer replaced it): same columns, values (SHA-256 of every
//    typed value), rejects and summary for every file it holds. Warnings added since by other
//    checks are allowed; every warning of the golden must still be there.
// 2. Live, on every CSV fixture (also those added after the golden): the tokenizer's cells equal
//    those of Arquero's fromCSV, the parser the old readCsv used, on the same decoded text.
import "@uwdata/flechette";
import * as aq from "arquero";
import { assertEquals } from "../assert.ts";
import { readCsv } from "../../src/io/csv.ts";
import { readLargeCsv } from "../../src/io/csv_large.ts";
import { tokenizeCsv } from "../../src/io/csv_tokenize.ts";
import { sniffDelimiter, toUtf8 } from "../../src/io/text.ts";
import { goldenEntry, goldenFiles } from "../fixtures/csv_golden/golden.ts";

type Entry = Record<string, unknown> & { summary: { warnings: string[] } };
const golden = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/csv_golden/golden.json", import.meta.url)),
) as Record<string, Entry>;
const files = await goldenFiles();
const url = (file: string) => new URL(`../../${file}`, import.meta.url);

Deno.test("csv golden: every file of the golden is still a fixture", () => {
  const now = new Set(files.map((f) => f.file));
  assertEquals(Object.keys(golden).filter((f) => !now.has(f)), []);
});

for (const loader of ["readCsv", "readLargeCsv"] as const) {
  Deno.test(`csv golden: ${loader} = the old readCsv on every CSV fixture of the golden`, async () => {
    for (const { file, options } of files.filter((f) => f.file in golden)) {
      const result = loader === "readCsv"
        ? await readCsv(url(file), options)
        : await readLargeCsv(url(file).pathname, options);
      const got = await goldenEntry(result, options) as Entry;
      const want = golden[file];
      const warnings = got.summary.warnings;
      assertEquals(want.summary.warnings.filter((w) => !warnings.includes(w)), [], file);
      assertEquals(
        { ...got, summary: { ...got.summary, warnings: [] } },
        { ...want, summary: { ...want.summary, warnings: [] } },
        file,
      );
    }
  });
}

Deno.test("csv golden: tokenizer cells = Arquero fromCSV cells on every CSV fixture", async () => {
  const blank = (v: unknown) => v === "" || v === null || v === undefined ? null : v;
  for (const { file } of files) {
    const { bytes } = toUtf8(await Deno.readFile(url(file)), "auto", file);
    const text = new TextDecoder().decode(bytes);
    const delimiter = sniffDelimiter(text);
    const [names, ...rows] = tokenizeCsv(bytes, delimiter).records;
    const old = aq.fromCSV(text, { delimiter, autoType: false });
    assertEquals(names, old.columnNames(), file);
    const columns = names.map((n) => Array.from(old.array(n) as ArrayLike<unknown>, blank));
    // A blank line is one empty field to the tokenizer, a row of missing cells to Arquero.
    const cells = rows.map((r) =>
      r.length === 1 && r[0] === "" ? names.map(() => null) : r.map(blank)
    );
    assertEquals(cells, rows.map((_, i) => columns.map((c) => c[i])), file);
  }
});
