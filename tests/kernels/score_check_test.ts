// The score kernels check the answers in their own pass (no separate checkValues pass): the
// error they raise must be the one the separate check raised before, row for row and word for
// word, wherever the bad value sits (first row, last row, a compact column's dictionary), for
// every kind of bad value, on every path to the codes (no key, one key, two keys, a period).
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { ces, csat, nps } from "../../src/mod.ts";
import { CxDataError, type CxProblem } from "../../src/errors.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { CodedColumn, compactTable } from "../../src/kernels/columns.ts";

type Kpi = (t: ColumnTable, o: Record<string, unknown>) => ColumnTable;

/** Each KPI with its column, its scale and the rule its error gives as the reason. */
const KPIS: { name: string; kpi: Kpi; column: string; min: number; max: number; rule: string }[] = [
  {
    name: "nps",
    kpi: (t, o) => nps(t, o),
    column: "nps_score",
    min: 0,
    max: 10,
    rule:
      'nps_score must be an integer 0–10; load answers with readCsv(…, { schema: "responses" }) to get such rows as rejects',
  },
  {
    name: "csat",
    kpi: (t, o) => csat(t, o),
    column: "csat",
    min: 1,
    max: 5,
    rule:
      "csat is the CSAT answer on the declared 1–5 scale, an integer from 1 to 5; check the declared scale option or load with readCsv to get such rows as rejects",
  },
  {
    name: "ces",
    kpi: (t, o) => ces(t, o),
    column: "ces",
    min: 1,
    max: 7,
    rule:
      "ces is the CES answer on the declared 1–7 scale, an integer from 1 to 7; check the declared scale option or load with readCsv to get such rows as rejects",
  },
];

/**
 * The error of the former separate check, rebuilt here from its definition: every non-missing
 * value must be a number, whole, within the scale; the first 20 bad rows are listed.
 */
function expectedError(values: ArrayLike<unknown>, k: (typeof KPIS)[number]): CxDataError {
  const problems: CxProblem[] = [];
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === "number" && Number.isInteger(v) && v >= k.min && v <= k.max) continue;
    total++;
    if (problems.length < 20) {
      problems.push({ row: i + 1, column: k.column, value: String(v), reason: k.rule });
    }
  }
  return new CxDataError(problems, total, `Column "${k.column}" has impossible values`);
}

function goodTable(seed: number, rows: number) {
  const random = seededRandom(seed);
  const score = (min: number, max: number) =>
    random() < 0.1 ? null : min + Math.floor(random() * (max - min + 1));
  return {
    channel: Array.from(
      { length: rows },
      () => ["chat", "Telefon ☎", null][Math.floor(random() * 3)],
    ),
    region: Array.from({ length: rows }, () => ["n", "s"][Math.floor(random() * 2)]),
    date: Array.from({ length: rows }, (_, i) => new Date(Date.UTC(2024, 0, 1 + (i % 90)))),
    nps_score: Array.from({ length: rows }, () => score(0, 10)) as unknown[],
    csat: Array.from({ length: rows }, () => score(1, 5)) as unknown[],
    ces: Array.from({ length: rows }, () => score(1, 7)) as unknown[],
  };
}

/** The option sets that reach each way of computing the group codes. */
const SHAPES: Record<string, unknown>[] = [
  {},
  { by: "channel" },
  { by: "channel", missing: "group" },
  { by: ["channel", "region"] },
  { by: "region", period: "month", timeZone: "Europe/Berlin" },
];

function assertSameError(
  fn: () => unknown,
  expected: CxDataError,
  label: string,
): void {
  const e = assertThrows(fn, CxDataError);
  assertEquals(e.message, expected.message, label);
  assertEquals(e.problems, expected.problems, label);
}

/** Bad values and where they go (row −1: the last row). */
const BAD: [string, [number, unknown][]][] = [
  ["out of range at the first row", [[0, 11]]],
  ["out of range at the last row", [[-1, -1]]],
  ["NaN", [[3, NaN]]],
  ["fractional", [[5, 2.5]]],
  ["a numeric string", [[7, "3"]]],
  ["Infinity and a boolean", [[2, Infinity], [9, true]]],
  ["first and last rows", [[0, 99], [-1, 0.5]]],
  [
    "25 bad values (20 listed, the rest counted)",
    Array.from({ length: 25 }, (_, i) => [i * 3, 100 + i]),
  ],
];

for (const k of KPIS) {
  Deno.test(`${k.name}: the kernel's own check raises the former error, plain and compact`, () => {
    for (const [what, bad] of BAD) {
      const columns = goodTable(11, 120);
      const values = [...columns[k.column as "csat"]];
      for (const [at, v] of bad) values[at < 0 ? values.length + at : at] = v;
      const plain = aq.table({ ...columns, [k.column]: values });
      const compact = compactTable(plain, { maxDistinctShare: 1 });
      const expected = expectedError(values, k);
      for (const options of SHAPES) {
        const label = `${k.name} ${what} ${JSON.stringify(options)}`;
        assertSameError(() => k.kpi(plain, { ...options, aggregate: "kernel" }), expected, label);
        assertSameError(() => k.kpi(plain, { ...options, aggregate: "arquero" }), expected, label);
        assertSameError(() => k.kpi(compact, options), expected, `${label}, compact`);
      }
    }
  });

  Deno.test(`${k.name}: bad entries of a compact score column are judged by the rows using them`, () => {
    const columns = goodTable(12, 60);
    const values = columns[k.column as "csat"];
    // Dictionary: the scale's values, a missing entry, two bad entries; "unused" is in no row.
    const dictionary: unknown[] = [];
    for (let v = k.min; v <= k.max; v++) dictionary.push(v);
    const missing = dictionary.push(null) - 1, bad = dictionary.push(k.max + 1) - 1;
    const fraction = dictionary.push(k.min + 0.5) - 1;
    dictionary.push(-7); // unused
    const codes = Uint8Array.from(values, (v) => v === null ? missing : (v as number) - k.min);
    const coded = (c: Uint8Array) =>
      aq.table({ ...columns, [k.column]: new CodedColumn(c, dictionary) });
    // Only valid codes in use (the bad entries sit unused in the dictionary): equal to the
    // Arquero path on the same values.
    for (const options of SHAPES) {
      assertEquals(
        k.kpi(coded(codes), options).objects(),
        k.kpi(aq.table({ ...columns }), { ...options, aggregate: "arquero" }).objects(),
        `${k.name} ${JSON.stringify(options)}`,
      );
    }
    // Bad entries used at the first and the last row.
    const used = codes.slice();
    used[0] = bad;
    used[used.length - 1] = fraction;
    const expected = expectedError(Array.from(used, (c) => dictionary[c]), k);
    for (const options of SHAPES) {
      assertSameError(() => k.kpi(coded(used), options), expected, JSON.stringify(options));
    }
  });
}

Deno.test("score check: the message, worked by hand", () => {
  const e = assertThrows(
    () => csat(aq.table({ ch: ["a", "b", "a"], csat: [6, null, 4.5] }), { by: "ch" }),
    CxDataError,
  );
  assertEquals(
    e.message,
    'Column "csat" has impossible values: 2 problems\n' +
      '  row 1, column csat, value "6": csat is the CSAT answer on the declared 1–5 scale, an integer from 1 to 5; check the declared scale option or load with readCsv to get such rows as rejects\n' +
      '  row 3, column csat, value "4.5": csat is the CSAT answer on the declared 1–5 scale, an integer from 1 to 5; check the declared scale option or load with readCsv to get such rows as rejects',
  );
});

Deno.test("score check: Float64Array scores (as loaders return them) with NaN", () => {
  const t = aq.table({ nps_score: Float64Array.of(10, NaN, 3, 7) });
  const e = assertThrows(() => nps(t), CxDataError);
  assertMatch(e.message, /1 problem\n {2}row 2, column nps_score, value "NaN"/);
  assertEquals(
    nps(aq.table({ nps_score: Float64Array.of(10, 9, 3, 7) })).objects(),
    nps(aq.table({ nps_score: [10, 9, 3, 7] }), { aggregate: "arquero" }).objects(),
  );
});

Deno.test("score check: bad scores are named before a date column that holds no dates", () => {
  // The kernel computes the group codes first; the former order (scores, then dates) stays.
  const t = aq.table({ date: ["2024-01-01", "x"], nps_score: [12, 3] });
  const options = { period: "month" as const };
  const kernel = assertThrows(() => nps(t, options), CxDataError);
  const reference = assertThrows(() => nps(t, { ...options, aggregate: "arquero" }), CxDataError);
  assertEquals(kernel.message, reference.message);
  assertMatch(kernel.message, /nps_score.*value "12"/s);
  // Good scores: the date error itself.
  const dates = assertThrows(
    () => nps(aq.table({ date: ["x"], nps_score: [3] }), options),
    CxDataError,
  );
  assertMatch(dates.message, /date must hold dates/);
});
