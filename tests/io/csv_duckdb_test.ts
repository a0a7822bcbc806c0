// readCsvDuckdb (DuckDB read_csv + the same validation) must give exactly what readCsv gives:
// same table (columns, types, values), same rejects, same summary; and fall back where DuckDB
// would read differently (Windows-1252, blank lines, short rows).
import type { ColumnTable } from "arquero";
import { assertEquals } from "../assert.ts";
import { readCsv, type ReadCsvOptions } from "../../src/io/csv.ts";
import { readCsvDuckdb } from "../../src/io/csv_duckdb.ts";

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

function dump(t: ColumnTable): { names: string[]; rows: unknown[] } {
  return { names: t.columnNames(), rows: t.objects() };
}

async function same(
  source: string | URL,
  options: ReadCsvOptions,
  engine: "duckdb" | "arquero",
): Promise<void> {
  const slow = await readCsv(source, options);
  const fast = await readCsvDuckdb(source, options);
  assertEquals(fast.engine, engine);
  assertEquals(dump(fast.table), dump(slow.table));
  assertEquals(dump(fast.rejects), dump(slow.rejects));
  assertEquals(fast.summary, slow.summary);
}

Deno.test("readCsvDuckdb: German cp1252 responses fall back and match readCsv", async () => {
  await same(fixture("de_responses.csv"), {
    schema: "responses",
    mapping: {
      response_id: "Antwort-ID",
      customer_id: "Kunden-ID",
      date: "Datum",
      nps_score: "Empfehlung",
      csat: "Zufriedenheit",
      ces: "Aufwand",
      comment: "Kommentar",
      channel: "Kanal",
    },
  }, "arquero");
});

Deno.test("readCsvDuckdb: German cp1252 tickets fall back and match readCsv", async () => {
  await same(fixture("de_tickets.csv"), {
    schema: "tickets",
    mapping: {
      ticket_id: "Ticket-Nr",
      customer_id: "Kunde",
      created_at: "Erstellt",
      first_response_at: "Erste Antwort",
      resolved_at: "Gelöst",
      contacts: "Kontakte",
      channel: "Kanal",
      agent: "Bearbeiter",
    },
    timeZone: "Europe/Berlin",
  }, "arquero");
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

Deno.test("readCsvDuckdb: blank lines and short or long rows fall back, same result", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    for (const extra of ["\r\n", "r8;10.01.2024\r\n", "r9;10.01.2024;1;2;x;3;4\r\n"]) {
      await Deno.writeTextFile(path, bad + extra + "r10;11.01.2024;8;4;;1\r\n");
      await same(path, badOptions, "arquero");
    }
  } finally {
    await Deno.remove(path);
  }
});
