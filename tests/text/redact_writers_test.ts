/**
 * `redact` on the writers: writeCsv, toCsv and writeParquet replace personal
 * data in every text column before anything reaches the file, read back with
 * the project's own loaders; without the option nothing changes.
 */
import * as aq from "arquero";
import { assertEquals, assertThrows } from "../assert.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { readCsv, readParquet, toCsv, writeCsv, writeParquet } from "../../src/mod.ts";

const TABLE = aq.table({
  response_id: ["r1", "r2", "r3"],
  nps_score: [2, 9, 5],
  comment: [
    "Rückruf an max@example.org oder 0151 12345678",
    null,
    "Erstattung auf DE89 3704 0044 0532 0130 00, Karte 4111 1111 1111 1111",
  ],
  name: ["Max Mustermann", "jane@example.com", "Tel +44 20 7946 0958"],
});

const REDACTED = [
  "Rückruf an [E-Mail] oder [Telefon]",
  null,
  "Erstattung auf [IBAN], Karte [Karte]",
];

Deno.test("writeCsv redact: true: every text column redacted, numbers and ids untouched", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    const { rows } = await writeCsv(TABLE, path, { redact: true });
    assertEquals(rows, 3);
    const { table } = await readCsv(path);
    assertEquals(table.array("comment"), REDACTED);
    assertEquals(table.array("name"), ["Max Mustermann", "[E-Mail]", "Tel [Telefon]"]);
    assertEquals(table.array("response_id"), ["r1", "r2", "r3"]);
    assertEquals(Array.from(table.array("nps_score")), [2, 9, 5]);
    const text = await Deno.readTextFile(path);
    for (const secret of ["max@example.org", "0151", "DE89", "4111", "jane@", "7946"]) {
      assertEquals(text.includes(secret), false, secret);
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("toCsv redact: English placeholders and kinds; without redact nothing changes", () => {
  const one = TABLE.select("comment").slice(0, 1);
  assertEquals(
    toCsv(one, { redact: { language: "en" } }),
    "comment\nRückruf an [email] oder [phone]\n",
  );
  assertEquals(
    toCsv(one, { redact: { kinds: ["phone"] } }),
    "comment\nRückruf an max@example.org oder [Telefon]\n",
  );
  assertEquals(toCsv(one), "comment\nRückruf an max@example.org oder 0151 12345678\n");
  assertEquals(toCsv(one, { redact: false }), toCsv(one));
});

Deno.test("writeParquet redact: true, read back with readParquet", async () => {
  const path = await Deno.makeTempFile({ suffix: ".parquet" });
  try {
    await writeParquet(TABLE, path, { redact: true });
    const { table } = await readParquet(path);
    assertEquals(table.array("comment"), REDACTED);
    assertEquals(table.array("name"), ["Max Mustermann", "[E-Mail]", "Tel [Telefon]"]);
    await writeParquet(TABLE, path);
    assertEquals((await readParquet(path)).table.array("comment"), TABLE.array("comment"));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("the writers refuse a bad redact option, naming the writer", async () => {
  assertEquals(
    assertThrows(() => toCsv(TABLE, { redact: "yes" as never }), CxOptionsError).message,
    'toCsv: option "redact" must be true, false or { language, kinds }, got "yes"',
  );
  assertEquals(
    assertThrows(() => toCsv(TABLE, { redact: { lang: "en" } as never }), CxOptionsError)
      .message,
    'toCsv: option "redact" takes language and kinds, got "lang"',
  );
  let error: unknown;
  try {
    await writeParquet(TABLE, "/tmp/x.parquet", { redcat: true } as never);
  } catch (e) {
    error = e;
  }
  assertEquals(
    (error as Error).message,
    'writeParquet: unknown option "redcat"; did you mean "redact"?',
  );
});
