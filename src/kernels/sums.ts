/**
 * Typed-array aggregate kernels: the same sufficient statistics as the
 * Arquero reference aggregates (NPS category counts; count, Σx, Σx² and a box
 * count for scale scores), in one pass over the rows.
 *
 * Both count answers per score value and group (a histogram: one increment
 * per row whatever the KPI) and derive their sums from those counts
 * afterwards; the sums are of whole numbers, so they are exact and equal
 * the row-by-row ones. The same pass checks every answer against the scale
 * (`onScale`) and counts those off it instead of summing them, so the caller
 * needs no separate pass over the rows to check them.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { columnValues, compactColumn, type GroupCodes } from "./groups.ts";
import { CodedColumn } from "./columns.ts";
import { NPS_CUT_POINTS, NPS_SCALE, onScale } from "../schema/scales.ts";

/** A whole-number answer scale, both ends included. */
export interface ScoreScale {
  /** Lowest answer. */
  min: number;
  /** Highest answer. */
  max: number;
}

/** Counts of a histogram pass. */
type Counts = Int32Array | Float64Array;

/** A score column as the kernels read it: values, or a compact column's codes in place. */
export type ScoreValues = ArrayLike<unknown> | CodedColumn;

/** What a score kernel returns. */
export interface ScoreSums {
  /** The sums per group, after the key columns. */
  aggregate: ColumnTable;
  /**
   * Answers that are not whole numbers on the scale: left out of the sums,
   * so the caller must refuse the table when this is above 0.
   */
  offScale: number;
}

/**
 * The score column `name` for a kernel: a {@link CodedColumn} itself (its
 * codes are read in place, its dictionary judged once), else its values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { CodedColumn } from "./columns.ts";
 * import { scoreValues } from "./sums.ts";
 * const csat = new CodedColumn(Uint8Array.of(0, 1, 0), [5, 3]);
 * assert.equal(scoreValues(aq.table({ csat }), "csat"), csat);
 * assert.deepEqual(scoreValues(aq.table({ csat: [5, 3] }), "csat"), [5, 3]);
 * ```
 */
export function scoreValues(table: ColumnTable, name: string): ScoreValues {
  const column = compactColumn(table, name);
  return column instanceof CodedColumn ? column : columnValues(table, name);
}

/**
 * NPS category counts per group: `n, promoters, passives, detractors`, and
 * how many answers were off the 0–10 scale (not counted).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { groupCodes } from "./groups.ts";
 * import { npsCounts } from "./sums.ts";
 * const t = aq.table({ ch: ["a", "a", "b", "b"], s: [10, 3, null, 11] });
 * const out = npsCounts(t.array("s"), groupCodes(t, ["ch"]));
 * assert.deepEqual(out.aggregate.objects(), [
 *   { ch: "a", n: 2, promoters: 1, passives: 0, detractors: 1 },
 *   { ch: "b", n: 0, promoters: 0, passives: 0, detractors: 0 },
 * ]);
 * assert.equal(out.offScale, 1); // the 11
 * ```
 */
export function npsCounts(scores: ScoreValues, g: GroupCodes): ScoreSums {
  const { perValue, offScale } = scoreHistogram(scores, g, NPS_SCALE);
  const [n, p, pa, d] = zeros(4, g.groups);
  perValue.forEach((count, k) => {
    const v = NPS_SCALE.min + k;
    const category = v >= NPS_CUT_POINTS.Promoter.min
      ? p
      : v >= NPS_CUT_POINTS.Passive.min
      ? pa
      : d;
    for (let c = 0; c < g.groups; c++) category[c] += count[c], n[c] += count[c];
  });
  return {
    aggregate: withKeys(g, { n, promoters: p, passives: pa, detractors: d }),
    offScale,
  };
}

/**
 * Scale-score sums per group: `n, sum, sum_squares, box` (answers with
 * box.min ≤ x ≤ box.max), and how many answers were off the scale (not
 * counted).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { groupCodes } from "./groups.ts";
 * import { scaleSums } from "./sums.ts";
 * const t = aq.table({ x: [1, 2, 5, 4.5] });
 * const out = scaleSums(t.array("x"), groupCodes(t, []), { min: 1, max: 5 }, { min: 4, max: 5 });
 * assert.deepEqual(out.aggregate.objects(), [{ n: 3, sum: 8, sum_squares: 30, box: 1 }]);
 * assert.equal(out.offScale, 1); // the 4.5
 * ```
 */
export function scaleSums(
  scores: ScoreValues,
  g: GroupCodes,
  scale: ScoreScale,
  box: ScoreScale,
): ScoreSums {
  const { perValue, offScale } = scoreHistogram(scores, g, scale);
  const [n, sum, sq, inBox] = zeros(4, g.groups);
  perValue.forEach((count, k) => {
    const v = scale.min + k, boxed = v >= box.min && v <= box.max;
    for (let c = 0; c < g.groups; c++) {
      const m = count[c];
      n[c] += m, sum[c] += m * v, sq[c] += m * v * v;
      if (boxed) inBox[c] += m;
    }
  });
  return { aggregate: withKeys(g, { n, sum, sum_squares: sq, box: inBox }), offScale };
}

/**
 * Answers per score value (`perValue[k][group]` counts the answers
 * `scale.min + k`) in one pass, and the answers off the scale.
 */
function scoreHistogram(
  scores: ScoreValues,
  g: GroupCodes,
  scale: ScoreScale,
): { perValue: Float64Array[]; offScale: number } {
  const direct = directTarget(g);
  const bins = scale.max - scale.min + 1;
  // Counts per target code and score value, side by side: 32-bit counts are a quarter faster
  // to increment than doubles; doubles only where a count could pass 2³¹ − 1.
  const size = direct.size * bins;
  const rows = scores instanceof CodedColumn ? scores.codes.length : scores.length;
  const counts = rows < 2 ** 31 ? new Int32Array(size) : new Float64Array(size);
  const offScale = scores instanceof CodedColumn
    ? countCoded(scores, direct.codes, scale, counts)
    : countValues(scores, direct.codes, scale, counts);
  return { perValue: fold(counts, bins, direct.group, g.groups), offScale };
}

/**
 * The histogram pass over plain values; returns the count of answers off the
 * scale. The test is `onScale` written out with the ends in locals, the usual
 * case (an answer on the scale) first: calling `onScale` with the scale
 * object, or testing for missing values first, costs a tenth to a quarter of
 * the pass (2026-12-02, bench/kpi_duckdb.ts data).
 */
function countValues(
  scores: ArrayLike<unknown>,
  codes: ArrayLike<number> | null,
  scale: ScoreScale,
  counts: Counts,
): number {
  const min = scale.min, max = scale.max, bins = max - min + 1, n = scores.length;
  let off = 0;
  if (codes === null) {
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      if (typeof s === "number" && Number.isInteger(s) && s >= min && s <= max) counts[s - min]++;
      else if (s !== null && s !== undefined) off++;
    }
    return off;
  }
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (typeof s === "number" && Number.isInteger(s) && s >= min && s <= max) {
      counts[codes[i] * bins + s - min]++;
    } else if (s !== null && s !== undefined) off++;
  }
  return off;
}

/**
 * The histogram pass over a compact score column: each dictionary entry is
 * judged once, the rows read only their code.
 */
function countCoded(
  column: CodedColumn,
  codes: ArrayLike<number> | null,
  scale: ScoreScale,
  counts: Counts,
): number {
  const bins = scale.max - scale.min + 1;
  // Per entry: its score's offset on the scale, MISSING, or OFF (off the scale).
  const MISSING = -1, OFF = -2;
  const bin = Int32Array.from(
    column.dictionary,
    (v) => v === null || v === undefined ? MISSING : onScale(v, scale) ? v - scale.min : OFF,
  );
  const rows = column.codes;
  let off = 0;
  for (let i = 0; i < rows.length; i++) {
    const b = bin[rows[i]];
    if (b >= 0) counts[(codes === null ? 0 : codes[i] * bins) + b]++;
    else if (b === OFF) off++;
  }
  return off;
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
function fold(acc: Counts, width: number, group: Int32Array | null, groups: number) {
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

/** `count` sums of `size` groups, all 0. */
function zeros(count: number, size: number): Float64Array[] {
  return Array.from({ length: count }, () => new Float64Array(size));
}
