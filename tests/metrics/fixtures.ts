/**
 * Reading the reference fixtures in tests/fixtures/kpi (made by
 * make_kpi_fixtures.py with scipy/statsmodels) and comparing numbers.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import assert from "node:assert/strict";
import { readCsv } from "../../src/mod.ts";

/** Rows of a KPI fixture, numbers parsed. */
export function fixture(name: string): Record<string, string | number>[] {
  const text = Deno.readTextFileSync(new URL(`../fixtures/kpi/${name}`, import.meta.url));
  // Only plain numbers become numbers; labels such as "2024-01" stay text.
  const rows = aq.fromCSV(text, { autoType: false }).objects() as Record<string, string | null>[];
  const numeric = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, v !== null && numeric.test(v) ? Number(v) : v ?? ""]),
    )
  );
}

let samples: Record<string, ColumnTable> | undefined;
/** The validated sample tables (loaded once). */
export async function sample(name: "responses" | "tickets"): Promise<ColumnTable> {
  samples ??= {};
  samples[name] ??= (await readCsv(
    new URL(`../../data/sample/${name}.csv`, import.meta.url),
    { schema: name },
  )).table;
  return samples[name];
}

/** |actual − expected| ≤ tol·max(1, |expected|), with a message naming what differs. */
export function assertClose(actual: unknown, expected: unknown, what: string, tol = 1e-9): void {
  if (expected === null || expected === undefined || expected === "") {
    assert.equal(actual ?? null, null, `${what}: expected missing, got ${actual}`);
    return;
  }
  assert.equal(typeof actual, "number", `${what}: expected a number, got ${actual}`);
  const e = Number(expected), a = actual as number;
  assert.ok(
    Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)),
    `${what}: ${a} differs from reference ${e} by ${Math.abs(a - e)}`,
  );
}

/** Compares result columns to fixture columns row by row (rows matched by position). */
export function assertMatchesFixture(
  result: ColumnTable,
  rows: Record<string, string | number>[],
  columns: Record<string, string>,
  tol = 1e-9,
): void {
  assert.equal(result.numRows(), rows.length, "row count");
  const objects = result.objects() as Record<string, unknown>[];
  rows.forEach((expected, i) => {
    for (const [ours, theirs] of Object.entries(columns)) {
      const e = expected[theirs];
      if (typeof e === "string" && e !== "" && Number.isNaN(Number(e))) {
        assert.equal(String(objects[i][ours]), e, `row ${i} ${ours}`);
      } else assertClose(objects[i][ours], e, `row ${i} ${ours}`, tol);
    }
  });
}
