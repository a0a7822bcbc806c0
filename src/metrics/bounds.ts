/**
 * Keeping interval bounds on their scale: an NPS interval inside [−100, 100],
 * a mean score inside the declared scale, a share inside [0, 100] %. Normal
 * approximations (Wald, Student's t) can reach past the scale for small or
 * lopsided samples; the bounds are clipped and the result's notes say where.
 *
 * @module
 */

/** Result columns with the range their values must stay in, e.g. `{ nps_low: [-100, 100] }`. */
export type Bounds = Readonly<Record<string, readonly [number, number]>>;

/**
 * Clips the declared columns of `rows` (in place) into their range and
 * returns one note per column and side that was clipped, e.g.
 * `"nps_high clipped to 100 in 2 rows"`. Missing values stay missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clipToBounds } from "./bounds.ts";
 * const rows = [{ nps_high: 108.6 }, { nps_high: 40 }, { nps_high: null }];
 * const notes = clipToBounds(rows, { nps_high: [-100, 100] });
 * assert.deepEqual(rows.map((r) => r.nps_high), [100, 40, null]);
 * assert.deepEqual(notes, ["nps_high clipped to 100 in 1 row"]);
 * ```
 */
export function clipToBounds(rows: Record<string, unknown>[], bounds: Bounds): string[] {
  const notes: string[] = [];
  for (const [column, [min, max]] of Object.entries(bounds)) {
    let below = 0, above = 0;
    for (const row of rows) {
      const v = row[column];
      if (typeof v !== "number") continue;
      if (v < min) (row[column] = min), below++;
      else if (v > max) (row[column] = max), above++;
    }
    if (below) {
      notes.push(`${column} clipped to ${min} in ${below} ${below === 1 ? "row" : "rows"}`);
    }
    if (above) {
      notes.push(`${column} clipped to ${max} in ${above} ${above === 1 ? "row" : "rows"}`);
    }
  }
  return notes;
}

/**
 * Bounds for an interval `low`/`high` pair of columns on [min, max], e.g.
 * `interval("nps", -100, 100)` → `{ nps_low: [-100, 100], nps_high: [-100, 100] }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { interval } from "./bounds.ts";
 * assert.deepEqual(interval("mean", 1, 5), { mean_low: [1, 5], mean_high: [1, 5] });
 * ```
 */
export function interval(prefix: string, min: number, max: number): Bounds {
  return { [`${prefix}_low`]: [min, max], [`${prefix}_high`]: [min, max] };
}

/**
 * The range of a difference of two values on [min, max] for the interval
 * columns `difference_low` and `difference_high`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { differenceBounds } from "./bounds.ts";
 * assert.deepEqual(differenceBounds([1, 5]).difference_high, [-4, 4]);
 * ```
 */
export function differenceBounds(
  [min, max]: readonly [number, number],
  prefix = "difference",
): Bounds {
  const span = max - min;
  return { [`${prefix}_low`]: [-span, span], [`${prefix}_high`]: [-span, span] };
}
