/**
 * customerSummary on the CDNOW sample transactions (CDNOW_sample.txt, 6919
 * purchases of 2357 customers) against Fader & Hardie's published summary
 * (cdnow_customers_summary_with_transactions.csv, rounded to 2 decimals) and
 * the pandas holdout summary of tests/fixtures/predict/make_cdnow.py.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { assertEquals } from "../assert.ts";
import { customerSummary } from "../../src/predict/summary.ts";
import { meta } from "../../src/meta.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import { cdnowPurchases, throwsWith } from "./helpers.ts";

const DIR = new URL("../fixtures/predict/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, DIR));
const d = (s: string) => new Date(s + "T00:00:00Z");

/** Same columns, keys and counts; sums of money equal to 1e-12 relative (summation order). */
export function sameTable(a: ColumnTable, b: ColumnTable) {
  assertEquals(a.columnNames(), b.columnNames());
  for (const c of a.columnNames()) {
    const x = Array.from(a.array(c)), y = Array.from(b.array(c));
    if (!c.startsWith("monetary")) assertEquals(x, y, c);
    else near(x, y, 1e-12 * Math.max(...y.map((v) => Math.abs(v as number)), 1), c);
  }
}

function near(got: unknown[], want: unknown[], tol: number, what: string) {
  assertEquals(got.length, want.length);
  got.forEach((g, i) => {
    if (!(Math.abs((g as number) - (want[i] as number)) <= tol)) {
      throw new Error(`${what}[${i}]: ${g} vs ${want[i]}`);
    }
  });
}

Deno.test("customerSummary equals the published CDNOW summary (weeks, same-day purchases merged)", () => {
  const s = customerSummary(cdnowPurchases(), { observedUntil: d("1997-09-30") });
  const ref = aq.fromCSV(read("cdnow_customers_summary_with_transactions.csv"));
  assertEquals(s.numRows(), 2357);
  assertEquals(s.array("customer_id"), ref.array("ID"));
  assertEquals(Array.from(s.array("frequency")), Array.from(ref.array("x")));
  near(Array.from(s.array("recency")), Array.from(ref.array("t_x")), 0.005, "recency");
  near(Array.from(s.array("T")), Array.from(ref.array("T")), 0.005, "T");
  near(Array.from(s.array("monetary")), Array.from(ref.array("zbar")), 0.005 + 1e-9, "monetary");
});

Deno.test("customerSummary with calibrationEnd equals the pandas holdout summary", () => {
  const s = customerSummary(cdnowPurchases(), {
    calibrationEnd: d("1997-09-30"),
    observedUntil: d("1998-06-30"),
  });
  const ref = aq.fromCSV(read("cdnow_summary_holdout.csv"));
  assertEquals(s.columnNames(), ["customer_id", ...ref.columnNames().slice(1)]);
  for (const c of ref.columnNames().slice(1)) {
    near(Array.from(s.array(c)), Array.from(ref.array(c)), 1e-9, c);
  }
  const m = meta<"predict">(s);
  assertEquals(m.analysis, "customerSummary");
  assertEquals(m.notes.rowsLeftOut, 0);
});

Deno.test("customerSummary: days, left-out rows, refusals", () => {
  const t = aq.table({
    customer_id: ["a", "a", null, "b", "b"],
    date: [d("2024-01-01"), d("2024-01-03"), d("2024-01-02"), d("2024-01-02"), null],
    revenue: [1, 2, 3, 4, 5],
  });
  const s = customerSummary(t, { unit: "day" });
  assertEquals(s.objects(), [
    { customer_id: "a", frequency: 1, recency: 2, T: 2, monetary: 2 },
    { customer_id: "b", frequency: 0, recency: 0, T: 1, monetary: 0 },
  ]);
  assertEquals(meta<"predict">(s).notes.rowsLeftOut, 2);
  throwsWith(() => customerSummary(t, { unit: "month" as "day" }), CxOptionsError, '"unit"');
  throwsWith(() => customerSummary(t, { customer: "id" }), CxOptionsError, 'column "id"');
  throwsWith(
    () => customerSummary(t, { calibrationEnd: d("2024-02-01"), observedUntil: d("2024-01-05") }),
    CxOptionsError,
    "after observedUntil",
  );
});

Deno.test("customerSummary in DuckDB equals in memory (CDNOW, holdout, left-out rows)", async () => {
  const engine = duckdbEngine();
  try {
    const t = cdnowPurchases();
    const options = { calibrationEnd: d("1997-09-30"), observedUntil: d("1998-06-30") };
    const mem = customerSummary(t, options);
    const sql = await customerSummary(t, { ...options, engine, explain: true });
    sameTable(sql, mem);
    assertEquals(meta(sql).queries?.length, 2);
    const holes = aq.table({
      customer_id: ["a", "a", null, "b", "b", "c"],
      date: [
        d("2024-01-01"),
        d("2024-01-03"),
        d("2024-01-02"),
        d("2024-01-02"),
        null,
        d("2024-01-09"),
      ],
      revenue: [1, 2, 3, 4, 5, null],
    });
    const inSql = await customerSummary(holes, { unit: "day", engine });
    sameTable(inSql, customerSummary(holes, { unit: "day" }));
    assertEquals(meta<"predict">(inSql).notes.rowsLeftOut, 3);
  } finally {
    await engine.close();
  }
});
