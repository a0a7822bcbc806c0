// The German-convention fixtures (tests/fixtures/make_german_fixtures.py writes them with
// Python's cp1252 codec) must load to exactly the rows and rejects worked out by hand below.
import { assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { CxDataError, readCsv } from "../../src/mod.ts";
import {
  germanResponses as responseMapping,
  germanTickets as ticketMapping,
} from "../fixtures/german_mappings.ts";

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const d = (iso: string) => new Date(iso);

Deno.test("German responses export: exact table", async () => {
  const { table, summary } = await readCsv(fixture("de_responses.csv"), {
    schema: "responses",
    mapping: responseMapping,
  });
  assertEquals(summary.delimiter, ";");
  assertEquals(summary.decimal, ",");
  assertEquals(summary.encoding, "windows-1252");
  assertEquals(summary.rows, 30);
  assertEquals(summary.accepted, 21);
  assertEquals(summary.rejected, 9);
  assertEquals(table.columnNames(), [
    "response_id",
    "customer_id",
    "date",
    "nps_score",
    "csat",
    "ces",
    "comment",
    "channel",
    "Bestellwert",
  ]);
  // [id, customer, date, nps, csat, ces, comment, channel, Bestellwert]
  const expected = [
    ["A01", "K100", "2024-01-02", 10, 5, 1, "Sehr zufrieden, schnelle Hilfe", "chat", 1234.56],
    ["A02", "K101", "2024-01-03", 9, 4, 2, null, "email", 89.9],
    ["A04", "K103", "2024-01-05", 7, 3, 4, "Wartezeit am Telefon – viel zu lang", "phone", 0.99],
    [
      "A05",
      "K104",
      "2024-01-08",
      3,
      2,
      6,
      "Erst nach drei Anrufen gelöst.\r\nSchöne Grüße",
      "phone",
      250,
    ],
    ["A06", "K105", "2024-01-09", 8, 4, 3, "Preis 5 € zu hoch", "web", 5],
    ["A08", "K107", "2024-01-10", 0, 1, 7, "Katastrophe; nie wieder", "phone", null],
    ["A09", null, "2024-01-11", 9, 5, 2, "Grüße aus Köln", "chat", 1000],
    [
      "A10",
      "K109",
      "2024-01-12",
      null,
      null,
      null,
      "nur Kommentar, keine Bewertung",
      "email",
      null,
    ],
    ["A16", "K115", "2024-01-22", 9, 5, 1, 'Er sagte "super" – stimmt', "chat", 19.99],
    ["A17", "K116", "2024-01-23", 6, 2, 5, "Rückruf kam nie", "phone", 0],
    ["A18", "K117", "2024-01-24", 10, 5, 1, "Ä Ö Ü ä ö ü ß", "web", 1999],
    ["A19", "K118", "2024-01-25", 4, 2, 6, "=1+1", "email", 3],
    ["A20", "K119", "2024-01-26", 9, 4, 2, "Alles gut", "chat", -12.5],
    ["A21", "K120", "2024-01-29", 8, 4, 3, null, "web", 1234],
    ["A22", "K121", "2024-01-30", 7, 3, 4, "Mittelmäßig", "email", 1.5],
    ["A23", "K122", "2024-02-01", 10, 5, 1, "Top", "chat", 100],
    ["A24", "K123", "2024-02-02", 9, 5, 2, "ISO-Datum geht auch", "chat", 10.1],
    ["A26", "K125", "2024-02-06", 8, 4, 2, "Okay", "web", 2.2],
    ["A27", "K126", "2024-02-07", 2, 1, 7, "App stürzt ab", "web", 0],
    ["A28", "K127", "2024-02-08", 9, 4, 2, "Schnell; freundlich", "chat", 45],
    ["A29", "K128", "2024-02-09", 10, 5, 1, "Danke!", "chat", 1000000],
  ].map(([id, cust, date, nps, csat, ces, comment, channel, value]) => ({
    response_id: id,
    customer_id: cust,
    date: d(`${date}T00:00:00Z`),
    nps_score: nps,
    csat,
    ces,
    comment,
    channel,
    Bestellwert: value,
  }));
  assertEquals(table.objects(), expected);
});

Deno.test("German responses export: exact rejects", async () => {
  const { rejects } = await readCsv(fixture("de_responses.csv"), {
    schema: "responses",
    mapping: responseMapping,
  });
  // Spreadsheet rows: the header is row 1; the quoted newline stays inside row 6.
  const expected: [number, string | null, string | null, RegExp][] = [
    [4, "nps_score", "11", /integer from 0 to 10: the value is above 10/],
    [7, null, null, /^blank line/],
    [9, "date", "31.02.2024", /"31\.02\.2024" is not a valid date/],
    [13, "nps_score", "9,5", /remove decimals/],
    [14, "csat", "6", /declared 1–5 scale.*above 5/],
    [15, "ces", "8", /declared 1–7 scale.*above 7/],
    [16, "nps_score", "zehn", /"zehn" is not a number \(decimal ","/],
    [17, "response_id", null, /response_id is required/],
    [27, "nps_score", "-1", /below 0/],
  ];
  assertEquals(rejects.columnNames(), ["row", "column", "value", "reason"]);
  assertEquals(rejects.numRows(), expected.length);
  expected.forEach(([row, column, value, reason], i) => {
    assertEquals(
      [rejects.get("row", i), rejects.get("column", i), rejects.get("value", i)],
      [row, column, value],
    );
    assertMatch(rejects.get("reason", i) as string, reason);
  });
});

Deno.test("German tickets export: Berlin local times, DST, impossible orderings", async () => {
  const { table, rejects } = await readCsv(fixture("de_tickets.csv"), {
    schema: "tickets",
    mapping: ticketMapping,
    timeZone: "Europe/Berlin",
  });
  assertEquals(table.array("ticket_id"), ["T1", "T4", "T5", "T8"]);
  // 09:15 CET = 08:15 UTC; on 31.03.2024 clocks jump 02:00 → 03:00, so 01:30 CET → 03:30 CEST is one hour.
  assertEquals(table.get("created_at", 0), d("2024-01-02T08:15:00Z"));
  assertEquals(table.get("created_at", 1), d("2024-03-31T00:30:00Z"));
  assertEquals(table.get("first_response_at", 1), d("2024-03-31T01:30:00Z"));
  assertEquals(table.get("resolved_at", 1), null);
  // Timestamps with an explicit zone keep their instant whatever timeZone says.
  assertEquals(table.get("created_at", 2), d("2024-04-02T08:00:00Z"));
  assertEquals(table.get("first_response_at", 2), d("2024-04-02T08:05:00Z"));
  assertEquals(table.get("resolved_at", 3), d("2024-04-08T07:00:00Z"));
  assertEquals(table.array("agent"), ["Müller", "Müller", "Weiß", "Weiß"]);
  assertEquals(table.array("Dauer (h)"), [1.75, null, 2, 43]);
  const rows = rejects.objects() as { row: number; column: string; value: string }[];
  assertEquals(rows.map((r) => [r.row, r.column, r.value]), [
    [3, "first_response_at", "02.01.2024 09:00"],
    [4, "resolved_at", "02.01.2024 17:00"],
    [7, "contacts", "0"],
    [8, "created_at", "32.01.2024 10:00"],
  ]);
  assertMatch(rejects.get("reason", 1) as string, /resolved_at is before created_at/);
});

Deno.test("strict mode throws a CxDataError naming the first bad rows", async () => {
  const error = await assertRejects(
    () =>
      readCsv(fixture("de_responses.csv"), {
        schema: "responses",
        mapping: responseMapping,
        strict: true,
      }),
    CxDataError,
  );
  assertMatch(error.message, /9 of 30 rows rejected/);
  assertMatch(error.message, /row 4, column nps_score, value "11"/);
  assertEquals(error.problems.length, 9);
});

Deno.test("German export with only 1.234-style numbers: thousands separators, named in a warning", async () => {
  const csv = "Antwort-ID;Datum;Empfehlung;Umsatz\nA1;05.01.2024;9;1.234\nA2;06.01.2024;7;12.000\n";
  const { table, summary } = await readCsv(csv, {
    schema: "responses",
    mapping: { response_id: "Antwort-ID", date: "Datum", nps_score: "Empfehlung" },
  });
  // By hand: "." groups thousands under decimal comma, so 1.234 = 1234 and 12.000 = 12000.
  assertEquals(table.array("Umsatz"), [1234, 12000]);
  assertEquals(summary.decimal, ",");
  assertEquals(summary.warnings, [
    'Umsatz: values such as "1.234" read as 1234 (decimal ",", "." as thousands separator) because the delimiter is ";" and dates are written DD.MM.YYYY (German conventions); pass decimal: "." if they mean 1.234',
  ]);
});
