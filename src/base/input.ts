/**
 * What every analysis reads in memory: one Arquero table, or several pooled
 * into one (two surveys' answers, this year's and last year's tickets). The
 * base layer: metrics, analyses and the engine dispatcher all import it, and
 * it imports none of them.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";

/** One table, or several to pool (e.g. two surveys' answers). */
export type TableInput = ColumnTable | ColumnTable[];

/**
 * Pools several tables into one, so results come from pooled counts.
 * Arquero's `concat` keeps only the first table's columns; here every column
 * of every table is kept, missing values where a table lacks it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { pooled } from "./input.ts";
 * const t = pooled([aq.table({ a: [1] }), aq.table({ b: [2] })]);
 * assert.deepEqual(t.objects(), [{ a: 1, b: null }, { a: null, b: 2 }]);
 * ```
 */
export function pooled(input: TableInput): ColumnTable {
  if (!Array.isArray(input)) return input;
  if (input.length === 0) throw new CxOptionsError("No tables given: pass at least one table");
  if (input.length === 1) return input[0];
  const names = [...new Set(input.flatMap((t) => t.columnNames()))];
  const aligned = input.map((t) => {
    const missing = names.filter((n) => !t.columnNames().includes(n));
    const filled = missing.length
      ? t.assign(Object.fromEntries(missing.map((n) => [n, new Array(t.numRows()).fill(null)])))
      : t;
    return filled.select(names);
  });
  return aligned[0].concat(...aligned.slice(1));
}
