// readCsvDuckdb (DuckDB read_csv + the same validation) must give exactly what readCsv gives:
// same table (columns, types, values), same rejects, same summary; and leave files DuckDB would
// read differently (Windows-1252, blank lines, short rows) to cxkit's tokenizer.
import type { ColumnTable } from "arquero";
import { assertEquals } from "../assert.ts";
import { readCsv, type ReadCsvOptions } from "../../src/io/csv.ts";
import { readCsvDuckdb, readLargeCsv } from "../../src/io/csv_large.ts";
import { decodeColumns, encodeFile } from "./encode_file.ts";
import { CodedColumn, InstantColumn } from "../../src/kernels/columns.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { germanResponses, germanTickets } from "../fixtures/german_mappings.ts";

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

function dump(t: ColumnTable): { names: string[]; rows: unknown[] } {
  return { names: t.columnNames(), rows: t.objects() };
}

async function same(
  source: string | URL,
  options: ReadCsvOptions,
  engine: "duckdb" | "cxkit",
): Promise<void> {
  const slow = await readCsv(source, options);
  // Both fast parsers: DuckDB's read_csv and cxkit's byte-level reader.
  for (const parser of ["duckdb", "cxkit"] as const) {
    const fast = await readLargeCsv(source, { ...options, parser });
    assertEquals(fast.engine, engine === "duckdb" ? parser : "cxkit");
    assertEquals(dump(fast.table), dump(slow.table), parser);
    assertEquals(dump(fast.rejects), dump(slow.rejects), parser);
    assertEquals(fast.summary, slow.summary, parser);
  }
  assertEquals((await readCsvDuckdb(source, options)).engine, engine);
}

Deno.test("readCsvDuckdb: German cp1252 responses are read by the tokenizer, as readCsv", async () => {
  await same(
    fixture("de_responses.csv"),
    { schema: "responses", mapping: germanResponses },
    "cxkit",
  );
});

Deno.test("readCsvDuckdb: German cp1252 tickets are read by the tokenizer, as readCsv", async () => {
  await same(fixture("de_tickets.csv"), {
    schema: "tickets",
    mapping: germanTickets,
    timeZone: "Europe/Berlin",
  }, "cxkit");
});

Deno.test("readCsvDuckdb: sample responses through DuckDB, same as readCsv", async () => {
  await same(
    new URL("../../data/sample/responses.csv", import.meta.url).pathname,
    { schema: "responses" },
    "duckdb",
  );
});

const bad = [
  "\uFEFFID;Datum;Empfehlung;Zufriedenheit;Kommentar;Betrag",
  'r1;05.01.2024;9;4;"Schöne Grüße; danke";12,50',
  "r2;06.01.2024;11;5;;3",
  'r3;31.02.2024;7;3;"zwei\r\nZeilen";1.234,56',
  "r4;07.01.2024;9,5;6;'=1+1;",
  ';08.01.2024;10;5;"""zitiert""";0',
  "r6;2024-01-09;;;ok;x",
  "r7;09.01.2024;0;1;😀 ünïcödé;-1,5",
].join("\r\n") + "\r\n";
const badOptions: ReadCsvOptions = {
  schema: "responses",
  mapping: { response_id: "ID", date: "Datum", nps_score: "Empfehlung", csat: "Zufriedenheit" },
};

Deno.test("readCsvDuckdb: UTF-8 file with bad rows through DuckDB, same table and rejects", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, bad);
    await same(path, badOptions, "duckdb");
    const { rejects } = await readCsvDuckdb(path, badOptions);
    assertEquals(rejects.numRows() > 3, true);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readCsvDuckdb: blank lines and short or long rows go to the tokenizer, same result", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    for (const extra of ["\r\n", "r8;10.01.2024\r\n", "r9;10.01.2024;1;2;x;3;4\r\n"]) {
      await Deno.writeTextFile(path, bad + extra + "r10;11.01.2024;8;4;;1\r\n");
      await same(path, badOptions, "cxkit");
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readCsvDuckdb: quotes out of place go to the tokenizer, same rejects and warnings", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    for (
      const [extra, said] of [
        ['r8;10.01.2024;8;5;5" and 6" screens;1\r\n', /quote inside an unquoted field/],
        ['r8;10.01.2024;8;5;"late" text;1\r\n', /text after the closing quote in column Kommentar/],
        ['r8;10.01.2024;8;5;"never closed;1\r\n', /unterminated quote in column Kommentar/],
      ] as const
    ) {
      await Deno.writeTextFile(path, bad + extra + "r10;11.01.2024;8;4;;1\r\n");
      await same(path, badOptions, "cxkit");
      const { summary, rejects } = await readCsvDuckdb(path, badOptions);
      const texts = [...summary.warnings, ...(rejects.array("reason") as string[])];
      assertEquals(texts.some((t) => said.test(t)), true, String(said));
    }
  } finally {
    await Deno.remove(path);
  }
});

/** A seeded random CSV with every kind of column and problem the validators know. */
function randomCsv(seed: number, rows: number, delimiter: "," | ";"): string {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const decimal = delimiter === ";" ? "," : ".";
  const quote = (s: string) =>
    s.includes(delimiter) || s.includes('"') || s.includes("\n")
      ? `"${s.replaceAll('"', '""')}"`
      : s;
  const dates = [
    "2024-01-05",
    "05.01.2024",
    "2024-03-31T23:30:00",
    "2024-03-31 01:30",
    "2024-10-27T02:30:00",
    "2024-06-01T12:00:00Z",
    "2024-06-01T12:00:00+02:00",
    "31.02.2024",
    "1. März 2024",
    "soon",
    "",
    " 2024-02-29 ",
  ];
  const scores = ["0", "6", "7", "8", "9", "10", "11", "-1", "9,5", "9.5", "", " 7 ", "x"];
  const channels = ["chat", "Telefon ☎", "e-mail", "Ünïcödé; x", "日本", "", 'a"b', "'=1+1", "'-2"];
  const comments = ["", "great", "Wartezeit; zu lang", "zwei\nZeilen", "=HYPERLINK()", "'@x"];
  const lines = [
    ["ID", "Kunde", "Datum", "Empfehlung", "Zufriedenheit", "Kanal", "Kommentar", "Betrag", "Stand"]
      .join(delimiter),
  ];
  for (let i = 0; i < rows; i++) {
    const amount = random() < 0.1
      ? ""
      : random() < 0.02
      ? "n/a"
      : (Math.floor(random() * 100000) / 100).toString().replace(".", decimal);
    lines.push(
      [
        random() < 0.01 ? "" : `R${i}`,
        `C${Math.floor(random() * 50)}`,
        pick(dates),
        pick(scores),
        pick(["1", "2", "3", "4", "5", "", "6"]),
        pick(channels),
        pick(comments),
        amount,
        pick(["2024-01-01", "01.02.2024", ""]),
      ].map(quote).join(delimiter),
    );
  }
  const newline = delimiter === ";" ? "\r\n" : "\n";
  return lines.join(newline) + newline;
}

const randomOptions: ReadCsvOptions = {
  schema: "responses",
  mapping: {
    response_id: "ID",
    customer_id: "Kunde",
    date: "Datum",
    nps_score: "Empfehlung",
    csat: "Zufriedenheit",
    channel: "Kanal",
    comment: "Kommentar",
  },
  timeZone: "Europe/Berlin",
};

for (const seed of [1, 2, 3]) {
  Deno.test(`readCsvDuckdb = readCsv on a random file (seed ${seed}): codes, dates, rejects`, async () => {
    const path = await Deno.makeTempFile({ suffix: ".csv" });
    try {
      await Deno.writeTextFile(path, randomCsv(seed, 6000, seed === 2 ? "," : ";"));
      await same(path, randomOptions, "duckdb");
      await same(path, { ...randomOptions, schema: undefined, mapping: undefined }, "duckdb");
      const { table, rejects } = await readLargeCsv(path, randomOptions);
      // Both paths are exercised: most rows accepted from codes, many rejected row by row.
      assertEquals(table.numRows() > 2000 && rejects.numRows() > 1000, true);
      assertEquals(table.column("channel") instanceof CodedColumn, true);
      assertEquals(table.column("date") instanceof InstantColumn, true);
      assertEquals(table.column("response_id") instanceof CodedColumn, true);
    } finally {
      await Deno.remove(path);
    }
  });
}

Deno.test("readCsvDuckdb = readCsv for a schema with row checks (tickets) and reports progress", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  const random = seededRandom(9);
  const lines = ["ticket_id,customer_id,created_at,first_response_at,resolved_at,contacts,channel"];
  for (let i = 0; i < 3000; i++) {
    const created = Date.UTC(2024, 0, 1) + Math.floor(random() * 90) * 3_600_000;
    const at = (h: number) => new Date(created + h * 3_600_000).toISOString().slice(0, 19);
    lines.push(
      [
        `T${i}`,
        `C${i % 40}`,
        at(0),
        random() < 0.1 ? at(-2) : at(1 + Math.floor(random() * 5)),
        random() < 0.1 ? "" : random() < 0.05 ? at(-1) : at(10 + Math.floor(random() * 50)),
        String(Math.floor(random() * 4)),
        pick(random, ["chat", "phone", "email"]),
      ].join(","),
    );
  }
  try {
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const options: ReadCsvOptions = { schema: "tickets", timeZone: "Europe/Berlin" };
    await same(path, options, "duckdb");
    const steps: string[] = [];
    await readCsvDuckdb(path, { ...options, onProgress: (p) => steps.push(p.step) });
    assertEquals(steps.filter((s, i) => s !== steps[i - 1]), ["scan", "parse", "validate"]);
    steps.length = 0;
    await readLargeCsv(path, { ...options, onProgress: (p) => steps.push(p.step) });
    assertEquals(steps.filter((s, i) => s !== steps[i - 1]), ["parse", "validate"]);
  } finally {
    await Deno.remove(path);
  }
});

function pick<T>(random: () => number, xs: readonly T[]): T {
  return xs[Math.floor(random() * xs.length)];
}

Deno.test("encodeCsv: records cut at any chunk boundary decode the same", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  const encode = async (delimiter: string, chunkBytes?: number) =>
    decodeColumns(await encodeFile(path, { delimiter, quotes: "strict", chunkBytes }));
  try {
    for (const [seed, delimiter] of [[4, ";"], [5, ","]] as const) {
      await Deno.writeTextFile(path, randomCsv(seed, 300, delimiter));
      const whole = await encode(delimiter);
      assertEquals(whole[0].length, 300);
      for (const chunk of [1, 2, 3, 7, 64, 1000]) {
        assertEquals(await encode(delimiter, chunk), whole);
      }
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readLargeCsv: more than 65,536 distinct texts (codes widen to 32 bits) = readCsv", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    const lines = ["response_id,date,nps_score,channel"];
    for (let i = 0; i < 70_000; i++) {
      lines.push(
        `R${i},2024-01-${String(1 + (i % 28)).padStart(2, "0")},${i % 12},${i % 3 ? "chat" : ""}`,
      );
    }
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const fast = await readLargeCsv(path, { schema: "responses" });
    const slow = await readCsv(path, { schema: "responses" });
    assertEquals(fast.engine, "cxkit");
    assertEquals(
      (fast.table.column("response_id") as CodedColumn).codes instanceof Int32Array,
      true,
    );
    assertEquals(dump(fast.table), dump(slow.table));
    assertEquals(dump(fast.rejects), dump(slow.rejects));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readLargeCsv = readCsv on edge-case files (line ends, BOM, quotes, encodings)", async () => {
  const header = "response_id;date;nps_score;comment";
  const cases: [string, string | Uint8Array, "cxkit"][] = [
    ["CR line ends", `${header}\rr1;2024-01-05;9;a\rr2;2024-01-06;3;b\r`, "cxkit"],
    [
      "CRLF inside quotes",
      `${header}\r\nr1;2024-01-05;9;"a\r\nb"\r\nr2;2024-01-06;3;x\r\n`,
      "cxkit",
    ],
    ["BOM", `\uFEFF${header}\nr1;2024-01-05;9;a\n`, "cxkit"],
    ["no final newline", `${header}\nr1;2024-01-05;9;a\nr2;2024-01-06;11;b`, "cxkit"],
    ["header only", `${header}\n`, "cxkit"],
    [
      "long texts",
      `${header}\nr1;2024-01-05;9;${"x".repeat(40)}\nr2;2024-01-06;8;${"ü".repeat(30)}\n`,
      "cxkit",
    ],
    ["quoted empty and escaped quotes", `${header}\nr1;2024-01-05;"";"say ""hi"""\n`, "cxkit"],
    ["tab delimiter", "response_id\tdate\tnps_score\nr1\t2024-01-05\t9\n", "cxkit"],
    ["quote inside a field", `${header}\nr1;2024-01-05;9;5" screen\n`, "cxkit"],
    ["text after a closing quote", `${header}\nr1;2024-01-05;9;"a"b\n`, "cxkit"],
    ["blank line", `${header}\nr1;2024-01-05;9;a\n\nr2;2024-01-06;3;b\n`, "cxkit"],
    ["duplicate header", "response_id;date;date\nr1;2024-01-05;2024-01-06\n", "cxkit"],
    [
      "Windows-1252",
      new Uint8Array([
        ...new TextEncoder().encode(`${header}\nr1;2024-01-05;9;Gr`),
        0xfc,
        0x65,
        10,
      ]),
      "cxkit",
    ],
  ];
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    for (const [name, content, engine] of cases) {
      if (typeof content === "string") await Deno.writeTextFile(path, content);
      else await Deno.writeFile(path, content);
      const options: ReadCsvOptions = { schema: "responses" };
      let slow;
      try {
        slow = await readCsv(path, options);
      } catch (e) {
        // Files readCsv refuses are refused the same way.
        await assertRejectsLike(() => readLargeCsv(path, options), e as Error, name);
        continue;
      }
      const fast = await readLargeCsv(path, options);
      assertEquals(fast.engine, engine, name);
      assertEquals(dump(fast.table), dump(slow.table), name);
      assertEquals(dump(fast.rejects), dump(slow.rejects), name);
      assertEquals(fast.summary, slow.summary, name);
    }
  } finally {
    await Deno.remove(path);
  }
});

async function assertRejectsLike(fn: () => Promise<unknown>, expected: Error, name: string) {
  try {
    await fn();
  } catch (e) {
    assertEquals(
      [(e as Error).name, (e as Error).message],
      [expected.name, expected.message],
      name,
    );
    return;
  }
  throw new Error(`${name}: readLargeCsv did not throw ${expected.message}`);
}
