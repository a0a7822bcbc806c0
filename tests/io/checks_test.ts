// Rules of issue #13 items 2, 3 and 5 that must hold on both loader paths: the row-by-row
// path (readCsv, validate) and the dictionary-encoded path (readLargeCsv). Values worked by hand.
import "@uwdata/flechette";
import * as aq from "arquero";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError, readCsv, readLargeCsv, validate } from "../../src/mod.ts";
import { decimalEvidence } from "../../src/io/text.ts";
import { parseNumber } from "../../src/io/parse.ts";
import { inferExtraKind } from "../../src/io/column_notes.ts";

const HOSTILE = fileURLToPath(new URL("../fixtures/hostile/", import.meta.url));

Deno.test("decimal evidence: 1.234 is 1234 only under German evidence, and the reason is given", () => {
  const cases: [unknown[], string, "." | ",", RegExp][] = [
    [["1.234", "05.01.2024"], ";", ",", /delimiter is ";" and dates are written DD.MM.YYYY/],
    [["1.234", "2024-01-05"], ";", ",", /delimiter is ";" \(German/],
    [["1.234", "05.01.2024"], "\t", ",", /^dates are written DD.MM.YYYY/],
    [["1.234", "2024-01-05"], "\t", ".", /nothing suggests German conventions/],
    [["1.234", "0.5"], ";", ".", /"0.5" use a decimal point/],
    [["1.234", "0,5"], "|", ",", /"0,5" use a decimal comma/],
    [["1.234.567"], "\t", ",", /"1.234.567" use a decimal comma/],
    [["7", "12"], ";", ".", /nothing suggests/], // no ambiguous value: unchanged default
  ];
  for (const [values, delimiter, decimal, why] of cases) {
    const guess = decimalEvidence(values, delimiter);
    assertEquals(guess.decimal, decimal, `${values} with ${JSON.stringify(delimiter)}`);
    assertMatch(guess.why!, why);
  }
  // A comma-delimited file uses a decimal point: nothing to explain.
  assertEquals(decimalEvidence(["1.234", "05.01.2024"], ","), { decimal: "." });
  // What the choice means for the value, by hand: thousands separator vs decimal point.
  assertEquals([parseNumber("1.234", ","), parseNumber("1.234", ".")], [1234, 1.234]);
  assertEquals([parseNumber("12.000", ","), parseNumber("12.000", ".")], [12000, 12]);
});

Deno.test("extra columns that would lose digits as numbers stay text, with the reason", () => {
  const text = (values: string[]) => inferExtraKind("x", values, ".");
  assertEquals(text(["01067", "10115"]).kind, "string");
  assertMatch(text(["01067", "10115"]).warning!, /"01067" have a leading zero/);
  assertMatch(text(["+4930123456"]).warning!, /start with "\+"/);
  assertMatch(text(["1234567890123456"]).warning!, /more than 15 significant digits/);
  // 15 digits survive (2^53 ≈ 9.007e15), as do 0 and decimals with trailing zeros.
  assertEquals(text(["123456789012345", "0", "0.50000000000000000000"]), { kind: "number" });
  assertEquals(Number("123456789012345"), 123456789012345);
  assertEquals(Number("12345678901234567") === 12345678901234567, true); // the literal is bent too
  assertEquals(String(Number("12345678901234567")), "12345678901234568");
  // Text that is not a number at all needs no warning.
  assertEquals(text(["01067", "Berlin"]), { kind: "string" });
  // Dates stay dates.
  assertEquals(inferExtraKind("d", ["2024-01-05"], ".").kind, "date");
});

/** Every hostile CSV case of this helper's classes, loaded by both paths: same outcome. */
Deno.test("readCsv and readLargeCsv give identical warnings, rejects and values on every case", async () => {
  let compared = 0;
  for (const cls of ["numbers", "dates", "ids"]) {
    for await (const entry of Deno.readDir(join(HOSTILE, cls))) {
      if (!entry.name.endsWith(".case.json")) continue;
      const c = JSON.parse(await Deno.readTextFile(join(HOSTILE, cls, entry.name)));
      if (c.expect.error) continue;
      const path = join(HOSTILE, cls, c.input);
      const a = await readCsv(path, structuredClone(c.options));
      const b = await readLargeCsv(path, structuredClone(c.options));
      const where = `${cls}/${entry.name}`;
      assertEquals(b.engine, "cxkit", where);
      assertEquals(b.summary.warnings, a.summary.warnings, `${where}: warnings`);
      assertEquals(b.rejects.objects(), a.rejects.objects(), `${where}: rejects`);
      for (const name of a.table.columnNames()) {
        assertEquals(
          Array.from(b.table.array(name) as ArrayLike<unknown>),
          Array.from(a.table.array(name) as ArrayLike<unknown>),
          `${where}: ${name}`,
        );
      }
      compared++;
    }
  }
  assertEquals(compared >= 30, true, `${compared} cases compared`);
});

Deno.test("validate(table): whitespace keys rejected, repeats warned or rejected with unique", () => {
  const t = aq.table({
    response_id: ["a", " ", "b", "a", "b", "a"],
    date: Array(6).fill(new Date("2024-01-05T00:00:00Z")),
    nps_score: [9, 9, 7, 8, 6, 10],
  });
  const warned = validate(t, { schema: "responses" });
  assertEquals([warned.summary.accepted, warned.summary.rejected], [5, 1]);
  assertEquals(warned.rejects.objects()[0], {
    row: 2,
    column: "response_id",
    value: " ",
    reason:
      "response_id is only whitespace: every row needs an identifier; fill it in or drop the row",
  });
  assertEquals(warned.summary.warnings, [
    'response_id: 3 rows repeat ids of an earlier row ("a" in rows 1 and 4; "b" in rows 3 and 5; "a" in rows 1 and 6); each is counted as its own row; pass unique: true to reject the repeats',
  ]);
  const unique = validate(t, { schema: "responses", unique: true });
  assertEquals(unique.table.array("nps_score"), [9, 7]);
  assertEquals(unique.rejects.array("row"), [2, 4, 5, 6]);
  assertEquals(
    unique.rejects.array("reason")[1],
    'response_id "a" repeats row 1; unique: true keeps the first occurrence only',
  );
  assertThrows(
    () => validate(t, { schema: "responses", unique: "yes" as unknown as boolean }),
    CxOptionsError,
  );
  // strict mode lists the repeats like any other reject.
  const strict = assertThrows(
    () => validate(t, { schema: "responses", unique: true, strict: true }),
    CxDataError,
  );
  assertMatch(strict.message, /4 of 6 rows rejected/);
});

Deno.test("no key checks or notes on well-formed input: warnings stay empty", async () => {
  const csv = "response_id;date;nps_score\nr1;05.01.2024;9\nr2;06.01.2024;7\n";
  for (const load of [readCsv]) {
    const { summary } = await load(csv, { schema: "responses", unique: true });
    assertEquals([summary.accepted, summary.warnings], [2, []]);
  }
});
