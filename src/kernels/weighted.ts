/**
 * Weighted typed-array aggregate kernels for survey weights: beside the
 * unweighted counts and sums of `./sums.ts`, the weighted ones the score
 * KPIs need — Σw and Σw² of the answers (Kish's effective n), and Σw over
 * each NPS category, or Σw·x, Σw·x² and Σw over the box of a scale score.
 * Weights are checked before (`checkWeights` in `src/metrics/groups.ts`).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { GroupCodes } from "./groups.ts";
import { NPS_CUT_POINTS } from "../schema/scales.ts";

/**
 * NPS counts and weighted sums per group: `n, promoters, passives,
 * detractors` (answers) and `weight, weight_squares, weight_promoters,
 * weight_passives, weight_detractors` (Σw, Σw², Σw per category).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { groupCodes } from "./groups.ts";
 * import { npsWeightedSums } from "./weighted.ts";
 * const t = aq.table({ s: [10, 3, null], w: [2, 0.5, 9] });
 * const out = npsWeightedSums(t.array("s") as number[], t.array("w") as number[], groupCodes(t, []));
 * assert.deepEqual(out.objects(), [{
 *   n: 2, promoters: 1, passives: 0, detractors: 1,
 *   weight: 2.5, weight_squares: 4.25, weight_promoters: 2, weight_passives: 0, weight_detractors: 0.5,
 * }]);
 * ```
 */
export function npsWeightedSums(
  scores: ArrayLike<number | null>,
  weights: ArrayLike<number | null>,
  g: GroupCodes,
): ColumnTable {
  const [n, p, pa, d, w, w2, wp, wpa, wd] = zeros(9, g.groups);
  const { codes } = g;
  const promoter = NPS_CUT_POINTS.Promoter.min, passive = NPS_CUT_POINTS.Passive.min;
  for (let i = 0; i < codes.length; i++) {
    const s = scores[i];
    if (s === null || s === undefined) continue;
    const c = codes[i], x = weights[i] as number;
    n[c]++;
    w[c] += x;
    w2[c] += x * x;
    if (s >= promoter) p[c]++, wp[c] += x;
    else if (s >= passive) pa[c]++, wpa[c] += x;
    else d[c]++, wd[c] += x;
  }
  return keyed(g, {
    n,
    promoters: p,
    passives: pa,
    detractors: d,
    weight: w,
    weight_squares: w2,
    weight_promoters: wp,
    weight_passives: wpa,
    weight_detractors: wd,
  });
}

/**
 * Scale-score counts and weighted sums per group: `n, box` (answers, and
 * answers with boxMin ≤ x ≤ boxMax) and `weight, weight_squares, weight_sum,
 * weight_sum_squares, weight_box` (Σw, Σw², Σw·x, Σw·x², Σw over the box).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { groupCodes } from "./groups.ts";
 * import { scaleWeightedSums } from "./weighted.ts";
 * const t = aq.table({ x: [1, 5], w: [3, 1] });
 * const out = scaleWeightedSums(t.array("x") as number[], t.array("w") as number[], groupCodes(t, []), 4, 5);
 * assert.deepEqual(out.objects(), [{
 *   n: 2, box: 1, weight: 4, weight_squares: 10, weight_sum: 8, weight_sum_squares: 28, weight_box: 1,
 * }]);
 * ```
 */
export function scaleWeightedSums(
  scores: ArrayLike<number | null>,
  weights: ArrayLike<number | null>,
  g: GroupCodes,
  boxMin: number,
  boxMax: number,
): ColumnTable {
  const [n, box, w, w2, wx, wx2, wb] = zeros(7, g.groups);
  const { codes } = g;
  for (let i = 0; i < codes.length; i++) {
    const s = scores[i];
    if (s === null || s === undefined) continue;
    const c = codes[i], x = weights[i] as number;
    n[c]++, w[c] += x, w2[c] += x * x;
    wx[c] += x * s;
    wx2[c] += x * s * s;
    if (s >= boxMin && s <= boxMax) box[c]++, wb[c] += x;
  }
  return keyed(g, {
    n,
    box,
    weight: w,
    weight_squares: w2,
    weight_sum: wx,
    weight_sum_squares: wx2,
    weight_box: wb,
  });
}

/** `count` sums of `size` groups, all 0. */
function zeros(count: number, size: number): Float64Array[] {
  return Array.from({ length: count }, () => new Float64Array(size));
}

/** The group keys, then the sums as plain arrays. */
function keyed(g: GroupCodes, sums: Record<string, Float64Array>): ColumnTable {
  const columns: Record<string, ArrayLike<unknown>> = {};
  g.keys.forEach((k, i) => columns[k] = g.values[i]);
  for (const [k, v] of Object.entries(sums)) columns[k] = Array.from(v);
  return aq.table(columns);
}
