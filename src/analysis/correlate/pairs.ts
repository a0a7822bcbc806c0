/**
 * Aggregate step of `correlate` in memory: one numeric column of one group
 * prepared once ({@link Prepared}: mean, constancy, ranks and sort order
 * computed lazily and shared by every pair), and each pair's Pearson,
 * Spearman or Kendall statistic over its complete pairs.
 *
 * @module
 */
import { argsort, averageRanks, kendallTau } from "../../stats/correlation.ts";
import { take } from "../numeric.ts";
import type { PairStat } from "./finalize.ts";

/** One column of one group, with what several pairs reuse computed once, lazily. */
export class Prepared {
  readonly values: Float64Array;
  readonly present: number;
  readonly mean: number;
  readonly constant: boolean;
  #m2?: number;
  #ranks?: Float64Array;
  #order?: Int32Array;

  constructor(values: Float64Array) {
    this.values = values;
    let present = 0, sum = 0, first = NaN, constant = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      if (present === 0) first = v;
      else if (v !== first) constant = false;
      present++;
      sum += v;
    }
    this.present = present;
    this.mean = present ? sum / present : 0;
    this.constant = constant;
  }

  get complete(): boolean {
    return this.present === this.values.length;
  }

  /** Σ(x − x̄)² over all values (complete columns only). */
  get m2(): number {
    if (this.#m2 === undefined) {
      let s = 0;
      for (const v of this.values) s += (v - this.mean) * (v - this.mean);
      this.#m2 = s;
    }
    return this.#m2;
  }

  /** Average ranks of all values (complete columns only). */
  get ranks(): Float64Array {
    return this.#ranks ??= averageRanks(this.values);
  }

  /** Rows of present values in ascending order of value. */
  get order(): Int32Array {
    if (!this.#order) {
      const rows = new Int32Array(this.present);
      for (let i = 0, k = 0; i < this.values.length; i++) {
        if (this.values[i] === this.values[i]) rows[k++] = i;
      }
      const sub = take(this.values, rows);
      const order = argsort(sub);
      for (let k = 0; k < order.length; k++) order[k] = rows[order[k]];
      this.#order = order;
    }
    return this.#order;
  }
}

/**
 * Pearson's r of the complete pairs. Sums are taken of deviations from each
 * column's mean over all its values (a shift close to the pair means), which
 * keeps the one-pass co-moments free of cancellation.
 */
export function pearsonOf(x: Prepared, y: Prepared): PairStat {
  const xv = x.values, yv = y.values;
  if (x.complete && y.complete) {
    let sxy = 0;
    const mx = x.mean, my = y.mean;
    for (let i = 0; i < xv.length; i++) sxy += (xv[i] - mx) * (yv[i] - my);
    return {
      n: xv.length,
      r: sxy / Math.sqrt(x.m2 * y.m2),
      constantX: x.constant,
      constantY: y.constant,
    };
  }
  const m = coMoments(xv, yv, x.mean, y.mean);
  return { ...m, r: m.cxy / Math.sqrt(m.m2x * m.m2y) };
}

/** Co-moments of the complete pairs of x and y, shifted by (kx, ky) while summing. */
function coMoments(xv: Float64Array, yv: Float64Array, kx: number, ky: number) {
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  let fx = NaN, fy = NaN, constantX = true, constantY = true;
  for (let i = 0; i < xv.length; i++) {
    const a = xv[i], b = yv[i];
    if (a !== a || b !== b) continue;
    if (n === 0) {
      fx = a;
      fy = b;
    } else {
      if (a !== fx) constantX = false;
      if (b !== fy) constantY = false;
    }
    n++;
    const dx = a - kx, dy = b - ky;
    sx += dx;
    sy += dy;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return {
    n,
    m2x: sxx - sx * sx / n,
    m2y: syy - sy * sy / n,
    cxy: sxy - sx * sy / n,
    constantX,
    constantY,
  };
}

/** Rank buffers reused across pairs (one pair at a time), so pairs allocate nothing. */
const scratch = { x: new Float64Array(0), y: new Float64Array(0) };

/** Spearman's ρ: Pearson's r of the average ranks within the complete pairs. */
export function spearmanOf(x: Prepared, y: Prepared): PairStat {
  if (x.complete && y.complete) {
    const rx = x.ranks, ry = y.ranks, n = rx.length;
    const mean = (n + 1) / 2;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < n; i++) {
      const a = rx[i] - mean, b = ry[i] - mean;
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    return { n, r: sxy / Math.sqrt(sxx * syy), constantX: x.constant, constantY: y.constant };
  }
  const n0 = x.values.length;
  if (scratch.x.length < n0) scratch.x = new Float64Array(n0), scratch.y = new Float64Array(n0);
  const rx = subsetRanks(x, y.values, scratch.x.subarray(0, n0));
  const ry = subsetRanks(y, x.values, scratch.y.subarray(0, n0));
  let n = 0;
  for (let i = 0; i < rx.length; i++) if (rx[i] === rx[i]) n++;
  // Ranks of n pairs have mean (n + 1)/2: the exact shift.
  const s = coMoments(rx, ry, (n + 1) / 2, (n + 1) / 2);
  return { ...s, r: s.cxy / Math.sqrt(s.m2x * s.m2y) };
}

/**
 * Average ranks of `column` among the rows where `other` is present too
 * (NaN elsewhere), from the column's sorted order: O(n), no sort per pair.
 */
function subsetRanks(column: Prepared, other: Float64Array, out: Float64Array): Float64Array {
  out.fill(NaN);
  const order = column.order, values = column.values;
  let rank = 0;
  for (let k = 0; k < order.length;) {
    // One block of equal values; count the rows of it that pair with `other`.
    const v = values[order[k]];
    let end = k, used = 0;
    while (end < order.length && values[order[end]] === v) {
      if (other[order[end]] === other[order[end]]) used++;
      end++;
    }
    const average = rank + (used + 1) / 2;
    for (let q = k; q < end; q++) {
      if (other[order[q]] === other[order[q]]) out[order[q]] = average;
    }
    rank += used;
    k = end;
  }
  return out;
}

/** Kendall's τ-b of the complete pairs, with scipy's p-value. */
export function kendallOf(x: Prepared, y: Prepared): PairStat {
  const xv = x.values, yv = y.values;
  let a = xv, b = yv;
  if (!(x.complete && y.complete)) {
    const rows: number[] = [];
    for (let i = 0; i < xv.length; i++) if (xv[i] === xv[i] && yv[i] === yv[i]) rows.push(i);
    const idx = Int32Array.from(rows);
    a = take(xv, idx);
    b = take(yv, idx);
  }
  const n = a.length;
  const constantX = n > 0 && a.every((v) => v === a[0]);
  const constantY = n > 0 && b.every((v) => v === b[0]);
  if (n < 3 || constantX || constantY) return { n, r: NaN, constantX, constantY };
  const k = kendallTau(a, b);
  return { n, r: k.tau!, p: k.pValue, constantX, constantY };
}
