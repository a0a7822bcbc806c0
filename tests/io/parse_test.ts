import { assertEquals, assertMatch } from "../assert.ts";
import { makeDateParser, parseNumber } from "../../src/entries/io.ts";
import { dateProblem, pivotYear } from "../../src/io/parse.ts";
import { utcFromParts, wallTimeConverter } from "../../src/time/zone.ts";

Deno.test("parseNumber: decimal comma and point, thousands groups, junk rejected", () => {
  const cases: [string, "." | ",", number | undefined][] = [
    ["1.234,56", ",", 1234.56],
    ["-0,5", ",", -0.5],
    ["1.000.000", ",", 1000000],
    ["12", ",", 12],
    ["1.5", ",", undefined], // a decimal point in a decimal-comma file is not silently 15
    ["1.23", ",", undefined],
    ["1,234.56", ".", 1234.56],
    ["1e3", ".", 1000],
    [".5", ".", 0.5],
    ["1,5", ".", undefined],
    ["0x10", ".", undefined],
    ["Infinity", ".", undefined],
    ["12 €", ",", undefined],
    [" 7 ", ".", 7],
  ];
  for (const [text, decimal, expected] of cases) {
    assertEquals(parseNumber(text, decimal), expected, `${text} with decimal "${decimal}"`);
  }
});

Deno.test("date parser: ISO forms agree with the JS engine's own ISO parser", () => {
  const parse = makeDateParser();
  for (
    const iso of [
      "2024-03-01T10:00:00Z",
      "2024-03-01T10:00:00+02:00",
      "2024-03-01T10:00:00.123-05:30",
      "2024-12-31T23:59:59Z",
    ]
  ) assertEquals(parse(iso), new Date(iso), iso);
  assertEquals(parse("2024-03-01 10:00:00+0200"), new Date("2024-03-01T10:00:00+02:00"));
  assertEquals(parse("2024-03-01"), new Date("2024-03-01T00:00:00Z"));
});

Deno.test("date parser: German and English forms, invalid calendar dates rejected", () => {
  const parse = makeDateParser();
  const march1 = new Date("2024-03-01T00:00:00Z");
  for (
    const text of [
      "01.03.2024",
      "1.3.2024",
      "01.03.24",
      "1. März 2024",
      "1 Mrz 2024",
      "March 1, 2024",
      "Mar 1 2024",
    ]
  ) {
    assertEquals(parse(text), march1, text);
  }
  assertEquals(parse("01.03.2024 14:05"), new Date("2024-03-01T14:05:00Z"));
  for (
    const text of [
      "31.02.2024",
      "29.02.2023",
      "2024-13-01",
      "2024-01-01T24:00:00Z",
      "1. Foo 2024",
      "soon",
    ]
  ) {
    assertEquals(parse(text), undefined, text);
  }
  assertEquals(parse("29.02.2024"), new Date("2024-02-29T00:00:00Z"));
});

Deno.test("date parser: zone-less times are read in the declared zone, across DST", () => {
  const berlin = makeDateParser({ timeZone: "Europe/Berlin" });
  // Worked by hand: CET is UTC+1, CEST UTC+2; 2024 DST starts 31 March 02:00, ends 27 October 03:00.
  assertEquals(berlin("15.01.2024 12:00"), new Date("2024-01-15T11:00:00Z"));
  assertEquals(berlin("15.07.2024 12:00"), new Date("2024-07-15T10:00:00Z"));
  assertEquals(berlin("31.03.2024 01:59"), new Date("2024-03-31T00:59:00Z"));
  assertEquals(berlin("31.03.2024 03:00"), new Date("2024-03-31T01:00:00Z"));
  assertEquals(berlin("27.10.2024 04:00"), new Date("2024-10-27T03:00:00Z"));
  assertEquals(berlin("2024-07-15"), new Date("2024-07-14T22:00:00Z"));
  const newYork = makeDateParser({ timeZone: "America/New_York" });
  assertEquals(newYork("2024-07-04 09:00"), new Date("2024-07-04T13:00:00Z"));
  // An explicit zone wins over the declared one.
  assertEquals(berlin("2024-07-15T12:00:00Z"), new Date("2024-07-15T12:00:00Z"));
});

Deno.test("two-digit years: the spreadsheet pivot 00–29 → 20xx, 30–99 → 19xx, each noted once", () => {
  const notes: [string, string][] = [];
  const parse = makeDateParser({ onNote: (text, note) => notes.push([text, note]) });
  assertEquals(parse("05.01.24"), new Date("2024-01-05T00:00:00Z"));
  assertEquals(parse("01.01.29"), new Date("2029-01-01T00:00:00Z"));
  assertEquals(parse("01.01.30"), new Date("1930-01-01T00:00:00Z"));
  assertEquals(parse("31.12.99"), new Date("1999-12-31T00:00:00Z"));
  assertEquals(parse("01.01.00"), new Date("2000-01-01T00:00:00Z"));
  parse("05.01.24"); // cached: not noted again
  assertEquals(parse("05.01.2024"), new Date("2024-01-05T00:00:00Z"));
  assertEquals(notes, [
    ["05.01.24", "two-digit year"],
    ["01.01.29", "two-digit year"],
    ["01.01.30", "two-digit year"],
    ["31.12.99", "two-digit year"],
    ["01.01.00", "two-digit year"],
  ]);
  assertEquals([pivotYear(0), pivotYear(29), pivotYear(30), pivotYear(99)], [
    2000,
    2029,
    1930,
    1999,
  ]);
});

Deno.test("years before 1000 are refused, never shifted by Date.UTC's 1900 rule", () => {
  const parse = makeDateParser();
  for (
    const text of ["0099-01-05", "0024-03-01T10:00:00Z", "05.01.0099", "01/02/0999", "1. März 0024"]
  ) {
    assertEquals(parse(text), undefined, text);
  }
  assertMatch(
    dateProblem("0099-01-05"),
    /year 0099, before 1000: it is read as written, never as 1999 or 2099/,
  );
  // 1000 is kept; worked by hand with Python: datetime(1000, 1, 1, tzinfo=utc).timestamp() * 1000.
  assertEquals(parse("1000-01-01")?.getTime(), -30610224000000);
  // utcFromParts itself keeps years 0–99 as written: 0099-01-01 is
  // (datetime(99, 1, 1) - datetime(1970, 1, 1)).total_seconds() * 1000 in Python.
  assertEquals(utcFromParts(99, 1, 1, 0, 0, 0, 0), -59042995200000);
  // Year 0 is a leap year in the proleptic Gregorian calendar: 0000-01-01 is 366 days before
  // 0001-01-01 (Python: -62135596800000 ms), and 29 February is 59 days later.
  assertEquals(
    utcFromParts(0, 2, 29, 0, 0, 0, 0),
    -62135596800000 - 366 * 86_400_000 + 59 * 86_400_000,
  );
  assertEquals(utcFromParts(99, 2, 29, 0, 0, 0, 0), undefined); // 99 is not a leap year
});

Deno.test("UTC offsets beyond ±14:00 or with minutes above 59 are refused", () => {
  const parse = makeDateParser();
  assertEquals(parse("2024-01-05T10:00:00+14:00"), new Date("2024-01-04T20:00:00Z"));
  assertEquals(parse("2024-01-05T10:00:00-14:00"), new Date("2024-01-06T00:00:00Z"));
  assertEquals(parse("2024-01-05T10:00:00+05:45"), new Date("2024-01-05T04:15:00Z"));
  for (const zone of ["+14:01", "-14:30", "+15:00", "+25:00", "+05:75", "+0560", "-9999"]) {
    assertEquals(parse(`2024-01-05T10:00:00${zone}`), undefined, zone);
    assertMatch(
      dateProblem(`2024-01-05T10:00:00${zone}`),
      /beyond ±14:00 or with minutes above 59/,
    );
  }
});

Deno.test("daylight-saving gap and fold: resolved like Temporal 'compatible', exact epoch ms", () => {
  const notes: [string, string][] = [];
  const berlin = makeDateParser({
    timeZone: "Europe/Berlin",
    onNote: (text, note) => notes.push([text, note]),
  });
  // Gap: 02:30 does not exist on 2024-03-31 (02:00 CET → 03:00 CEST); read with CET (+01:00),
  // i.e. 01:30 UTC = 03:30 CEST. Python: datetime(2024,3,31,1,30,tzinfo=utc).timestamp()*1000.
  assertEquals(berlin("2024-03-31 02:30")?.getTime(), 1711848600000);
  assertEquals(berlin("31.03.2024 02:00")?.getTime(), Date.UTC(2024, 2, 31, 1, 0));
  // Fold: 02:30 happens twice on 2024-10-27; the earlier offset (CEST, +02:00) gives 00:30 UTC.
  assertEquals(berlin("2024-10-27 02:30")?.getTime(), 1729989000000);
  assertEquals(berlin("27.10.2024 02:00")?.getTime(), Date.UTC(2024, 9, 27, 0, 0));
  // Just outside: 01:59 CEST and 03:00 CET are unambiguous.
  assertEquals(berlin("27.10.2024 01:59")?.getTime(), Date.UTC(2024, 9, 26, 23, 59));
  assertEquals(berlin("27.10.2024 03:00")?.getTime(), Date.UTC(2024, 9, 27, 2, 0));
  assertEquals(notes, [
    ["2024-03-31 02:30", "gap"],
    ["31.03.2024 02:00", "gap"],
    ["2024-10-27 02:30", "fold"],
    ["27.10.2024 02:00", "fold"],
  ]);
  // New York: 02:30 on 10 March 2024 is in the gap → EST (−05:00) → 07:30 UTC.
  const newYork = wallTimeConverter("America/New_York");
  assertEquals(newYork(2024, 3, 10, 2, 30, 0, 0), Date.UTC(2024, 2, 10, 7, 30));
  assertEquals(newYork(2024, 11, 3, 1, 30, 0, 0), Date.UTC(2024, 10, 3, 5, 30)); // fold → EDT
});

Deno.test("wall times around every 2024 DST change of five zones equal Python's zoneinfo (fold=0)", async () => {
  // tests/fixtures/make_wall_times.py wrote these with Python's zoneinfo (PEP 495).
  const { rows } = JSON.parse(
    await Deno.readTextFile(new URL("../fixtures/wall_times.json", import.meta.url)),
  ) as { rows: [string, string, number][] };
  const parsers = new Map<string, (s: string) => Date | undefined>();
  for (const [zone, wall, ms] of rows) {
    if (!parsers.has(zone)) parsers.set(zone, makeDateParser({ timeZone: zone }));
    assertEquals(parsers.get(zone)!(wall)?.getTime(), ms, `${wall} in ${zone}`);
  }
  assertEquals(rows.length > 100, true);
});
