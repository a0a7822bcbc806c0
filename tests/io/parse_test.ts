import { assertEquals } from "../assert.ts";
import { makeDateParser, parseNumber } from "../../src/mod.ts";

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
