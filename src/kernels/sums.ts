/**
 * Typed-array aggregate kernels: the same sufficient statistics as the
 * Arquero reference aggregates (NPS category counts; count, Σx, Σx² and a box
 * count for scale scores), in one pass over the rows.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { GroupCodes } from "./groups.ts";
import { NPS_CUT_POINTS } from "../schema/scales.ts";

/**
 * NPS category counts per group: `n, promoters, passives, detractors`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { groupCodes } from "./groups.ts";
 * import { npsCounts } from "./sums.ts";
 * const t = aq.table({ ch: ["a", "a", "b"], s: [10, 3, null] });
 * const out = npsCounts(t.array("s") as number[], groupCodes(t, ["ch"]));
 * assert.deepEqual(out.objects(), [
 *   { ch: "a", n: 2, promoters: 1, passives: 0, detractors: 1 },
 *   { ch: "b", n: 0, promoters: 0, passives: 0, detractors: 0 },
 * ]);
 * ```
 */
export function npsCounts(scores: ArrayLike<number | null>, g: GroupCodes): ColumnTable {
  const n = new Float64Array(g.groups), p = new Float64Array(g.groups);
  const pa = new Float64Array(g.groups), d = new Float64Array(g.groups);
  const { codes } = g;
  const promoter = NPS_CUT_POINTS.Promoter.min, passive = NPS_CUT_POINTS.Passive.min;
  for (let i = 0; i < codes.length; i++) {
    const s = scores[i];
    if (s === null || s === undefined) continue;
    const c = codes[i];
    n[c]++;
    if (s >= promoter) p[c]++;
    else if (s >= passive) pa[c]++;
    else d[c]++;
  }
  return withKeys(g, { n, promoters: p, passives: pa, detractors: d });
}

/**
 * Scale-score sums per group: `n, sum, sum_squares, box` (answers with
 * boxMin ≤ x ≤ boxMax).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { groupCodes } from "./groups.ts";
 * import { scaleSums } from "./sums.ts";
 * const t = aq.table({ x: [1, 2, 5] });
 * const out = scaleSums(t.array("x") as number[], groupCodes(t, []), 4, 5);
 * assert.deepEqual(out.objects(), [{ n: 3, sum: 8, sum_squares: 30, box: 1 }]);
 * ```
 */
export function scaleSums(
  scores: ArrayLike<number | null>,
  g: GroupCodes,
  boxMin: number,
  boxMax: number,
): ColumnTable {
  const n = new Float64Array(g.groups), sum = new Float64Array(g.groups);
  const sq = new Float64Array(g.groups), box = new Float64Array(g.groups);
  const { codes } = g;
  for (let i = 0; i < codes.length; i++) {
    const s = scores[i];
    if (s === null || s === undefined) continue;
    const c = codes[i];
    n[c]++;
    sum[c] += s;
    sq[c] += s * s;
    if (s >= boxMin && s <= boxMax) box[c]++;
  }
  return withKeys(g, { n, sum, sum_squares: sq, box });
}

function withKeys(g: GroupCodes, sums: Record<string, Float64Array>): ColumnTable {
  const columns: Record<string, ArrayLike<unknown>> = {};
  g.keys.forEach((k, i) => columns[k] = g.values[i]);
  for (const [k, v] of Object.entries(sums)) columns[k] = Array.from(v);
  return aq.table(columns);
}
