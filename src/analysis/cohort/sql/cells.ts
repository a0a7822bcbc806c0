/**
 * The rows of the cohort cells query turned back into the kernel's cells,
 * so the finalize step is the in-memory one.
 *
 * @module
 */
import { ALIAS_PREFIX } from "../../../engine/compile/quote.ts";
import type { ValueType } from "../../../engine/compile/types.ts";
import { plainKey } from "../../../engine/source.ts";
import type { CohortCells } from "../kernel.ts";
import type { RetentionPlan } from "../options.ts";
import type { CohortColumns } from "./common.ts";

/**
 * Rows of the cells query → the kernel's cells (calendar windows) and the
 * number of customers whose segment values differ. `lastOrdinal` is the
 * calendar ordinal of the last observed period; `kinds` how to read back
 * each `by` column (see `plainKey`).
 */
export function toCells(
  rows: Record<string, unknown>[],
  plan: RetentionPlan,
  c: CohortColumns,
  lastOrdinal: number,
  kinds: ValueType[],
): { cells: CohortCells[]; segmentChanges: number } {
  const revenue = plan.revenue !== undefined;
  const cells = new Map<string, CohortCells>();
  let segmentChanges = 0;
  for (const row of rows) {
    const segment = kinds.map((kind, j) => plainKey(row[`${ALIAS_PREFIX}s${j}`], kind));
    const cohort = Number(row.cohort), key = JSON.stringify([segment, cohort]);
    let g = cells.get(key);
    if (!g) cells.set(key, g = emptyCell(segment, cohort, lastOrdinal - cohort + 1, revenue));
    const k = Number(row.k), count = Number(row.customers);
    if (Number(row.kind) === 0) {
      g.active[k] += count;
      // Without a signup column every customer is active in their cohort period.
      if (k === 0 && !c.signup) g.size += count;
      if (revenue) {
        g.revenue![k] += Number(row.revenue);
        g.capped![k] += Number(row.capped);
      }
      if (plan.by.length) segmentChanges += Number(row.changes);
    } else {
      g.unbounded[k] += count;
      if (c.signup) g.size += count;
    }
  }
  for (const g of cells.values()) {
    g.n.fill(g.size);
    if (g.base) g.base.fill(g.revenue![0]);
    // Customers whose last active period is k or later.
    for (let k = g.unbounded.length - 2; k >= 0; k--) g.unbounded[k] += g.unbounded[k + 1];
  }
  return { cells: [...cells.values()], segmentChanges };
}

/** The zero counts of one (segment, cohort) with `len` period indices. */
function emptyCell(segment: unknown[], cohort: number, len: number, revenue: boolean): CohortCells {
  return {
    segment,
    cohort,
    size: 0,
    minAnchor: NaN,
    maxAnchor: NaN,
    n: new Int32Array(len),
    active: new Int32Array(len),
    unbounded: new Int32Array(len),
    ...(revenue
      ? {
        revenue: new Float64Array(len),
        base: new Float64Array(len),
        capped: new Float64Array(len),
      }
      : {}),
  };
}
