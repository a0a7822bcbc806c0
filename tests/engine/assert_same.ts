/**
 * Result comparison for the engine parity tests: same columns and rows,
 * counts, labels and dates exactly, other numbers to 1e-9 (relative above 1).
 *
 * @module
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { CxDataError } from "../../src/errors.ts";

/** Equal rows: counts, labels and dates exactly; other numbers to 1e-9. */
export function assertSameResult(actual: ColumnTable, expected: ColumnTable, what: string) {
  assert.deepEqual(actual.columnNames(), expected.columnNames(), what);
  const a = actual.objects() as Record<string, unknown>[];
  const e = expected.objects() as Record<string, unknown>[];
  assert.equal(a.length, e.length, `${what}: rows`);
  a.forEach((row, i) => {
    for (const [k, v] of Object.entries(e[i])) {
      const got = row[k];
      if (typeof v === "number" && !Number.isInteger(v)) {
        assert.ok(
          typeof got === "number" && Math.abs(got - v) <= 1e-9 * Math.max(1, Math.abs(v)),
          `${what}: row ${i} ${k} ${got} vs ${v}`,
        );
      } else assert.deepEqual(got, v, `${what}: row ${i} ${k}`);
    }
  });
}

/** The total number of problems a `CxDataError` reports (its message says "N problems"). */
export function problemCount(e: CxDataError): number {
  const m = /: (\d+) problems?\n/.exec(e.message);
  assert.ok(m, e.message);
  return Number(m[1]);
}

/**
 * Answers whose segment and region labels are missing in every way (null,
 * empty and blank text), for the parity of the missing-group rule; the
 * column names are the caller's (hostile ones in the parity tests).
 */
export function blankLabels(
  names: { seg: string; region: string; date: string; score: string },
): ColumnTable {
  return aq.table({
    [names.seg]: ["chat", "", null, "  ", "chat", "web", "web", null],
    [names.region]: ["north", "north", null, "south", "", "south", null, "north"],
    [names.date]: [1, 2, 3, 4, 5, 6, 7, 8].map((d) => new Date(Date.UTC(2024, d % 3, d))),
    [names.score]: [10, 3, 9, 7, 0, 10, 6, 8],
    csat: [5, 4, 1, 2, 5, 3, 4, 5],
    ces: [1, 2, 3, 4, 5, 6, 7, 1],
  });
}
