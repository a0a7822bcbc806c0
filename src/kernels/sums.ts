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
  const promoter = NPS_CUT_POINTS.Promoter.min, passive = NPS_CUT_POINTS.Passive.min;
  const direct = directTarget(g);
  // Detractors, passives, promoters per target code, side by side.
  const cat = new Float64Array(direct.size * 3);
  if (direct.codes === null) {
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      if (s === null || s === undefined) continue;
      cat[s >= promoter ? 2 : s >= passive ? 1 : 0]++;
    }
  } else {
    const codes = direct.codes;
    for (let i = 0; i < codes.length; i++) {
      const s = scores[i];
      if (s === null || s === undefined) continue;
      cat[codes[i] * 3 + (s >= promoter ? 2 : s >= passive ? 1 : 0)]++;
    }
  }
  const [d, pa, p] = fold(cat, 3, direct.group, g.groups);
  const n = new Float64Array(g.groups);
  for (let c = 0; c < n.length; c++) n[c] = d[c] + pa[c] + p[c];
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
  const direct = directTarget(g);
  // n, Σx, Σx², box per target code, side by side.
  const acc = new Float64Array(direct.size * 4);
  const codes = direct.codes;
  for (let i = 0; i < (codes === null ? scores.length : codes.length); i++) {
    const s = scores[i];
    if (s === null || s === undefined) continue;
    const at = codes === null ? 0 : codes[i] * 4;
    acc[at]++;
    acc[at + 1] += s;
    acc[at + 2] += s * s;
    if (s >= boxMin && s <= boxMax) acc[at + 3]++;
  }
  const [n, sum, sq, box] = fold(acc, 4, direct.group, g.groups);
  return withKeys(g, { n, sum, sum_squares: sq, box });
}

/**
 * What a kernel accumulates into: the key codes as they are when the groups
 * come straight from one key ({@link GroupCodes.raw}), else the group ids.
 */
function directTarget(
  g: GroupCodes,
): { codes: ArrayLike<number> | null; size: number; group: Int32Array | null } {
  return g.raw
    ? { codes: g.raw.codes, size: g.raw.group.length, group: g.raw.group }
    : { codes: g.codes, size: g.groups, group: null };
}

/**
 * Splits `width` interleaved sums per target code into one array per sum,
 * indexed by group (target codes map to groups through `group`, −1 = none).
 */
function fold(acc: Float64Array, width: number, group: Int32Array | null, groups: number) {
  const out = Array.from({ length: width }, () => new Float64Array(groups));
  const targets = acc.length / width;
  for (let t = 0; t < targets; t++) {
    const g = group === null ? t : group[t];
    if (g < 0) continue;
    for (let k = 0; k < width; k++) out[k][g] += acc[t * width + k];
  }
  return out;
}

function withKeys(g: GroupCodes, sums: Record<string, Float64Array>): ColumnTable {
  const columns: Record<string, ArrayLike<unknown>> = {};
  g.keys.forEach((k, i) => columns[k] = g.values[i]);
  for (const [k, v] of Object.entries(sums)) columns[k] = Array.from(v);
  return aq.table(columns);
}
