/** showTable's number formats, worked by hand. */
import assert from "node:assert/strict";
import * as aq from "arquero";
import { jupyterDisplay, showTable } from "../../src/charts/display.ts";

const text = (rows: Record<string, unknown>[]) => showTable(rows)[jupyterDisplay]()["text/plain"];
const column = (rows: Record<string, unknown>[]) =>
  text(rows).split("\n").slice(1, -1).map((line) => line.split("\t")[0]);

Deno.test("showTable rounds each column to four significant digits of its largest value", () => {
  // largest 12.3456: 4 − 1 − 1 = 2 decimals for every cell of the column
  assert.deepEqual(column([{ v: -12.3456 }, { v: 0.5 }, { v: 3 }]), ["-12.35", "0.50", "3.00"]);
  // largest 0.01234: 4 − 1 − (−2) = 5 decimals
  assert.deepEqual(column([{ v: 0.012345 }, { v: 0.00021 }]), ["0.01235", "0.00021"]);
  // largest 12345.678: at least one decimal
  assert.deepEqual(column([{ v: 12345.678 }, { v: 2.25 }]), ["12345.7", "2.3"]);
  // tiny values stop at six decimals; a rounded negative zero loses its sign
  assert.deepEqual(column([{ v: 2.4e-6 }, { v: -1e-10 }]), ["0.000002", "0.000000"]);
  assert.deepEqual(column([{ v: 0.5 }, { v: -0.001 }]), ["0.5000", "-0.0010"]);
  // whole numbers stay whole; missing values stay empty
  assert.deepEqual(column([{ v: 1200 }, { v: null }, { v: 7 }]), ["1200", "", "7"]);
});

Deno.test("showTable writes p-values with three decimals and < 0.001 below", () => {
  const shown = text([
    { p: 0.0004, p_value: 0.04999, p_adjusted: 1, holm_p_value: 0.001 },
    { p: 0.2, p_value: 0.00099, p_adjusted: 0.5, holm_p_value: 0 },
  ]);
  assert.equal(
    shown,
    "p\tp_value\tp_adjusted\tholm_p_value\n" +
      "< 0.001\t0.050\t1.000\t0.001\n" +
      "0.200\t< 0.001\t0.500\t< 0.001\n(2 rows × 4 columns)",
  );
  // a column named like a p-value that holds something else is formatted as a number
  assert.deepEqual(column([{ p_x: 12.5 }, { p_x: 3 }]), ["12.50", "3.00"]);
});

Deno.test("showTable formats an Arquero table the same way, in HTML too", () => {
  const html = showTable(aq.table({ nps: [31.41592, -4.5], p_value: [2e-5, 0.0432] }))[
    jupyterDisplay
  ]()["text/html"];
  assert.ok(html.includes(">31.42</td>") && html.includes(">-4.50</td>"), html);
  assert.ok(html.includes(">&lt; 0.001</td>") && html.includes(">0.043</td>"), html);
});
