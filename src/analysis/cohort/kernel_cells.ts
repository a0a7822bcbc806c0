/**
 * The last stage of the cohort kernel: walks each customer's bitset of
 * active periods once and adds it to its (segment, cohort) counts.
 *
 * @module
 */
import type { CohortCells, SegmentSource } from "./kernel.ts";
import type { OrdinalTable } from "./periods.ts";

/** What {@link collectCells} reads. */
export interface CollectInput {
  count: number;
  anchor: Float64Array;
  cutoff: number;
  bits: Uint32Array;
  words: number;
  width: number;
  /** Calendar ordinal of bit 0 (bits are absolute periods), or `null` for rolling (bits = k). */
  base: number | null;
  /** Rolling window length (ms); customers count in k once anchor + (k+1)·length ≤ cutoff. */
  length: number;
  /** Calendar ordinals of instants. */
  ordinals: OrdinalTable;
  segments: { code: Int32Array; values: unknown[][] };
  revenue?: Map<number, number>;
}

/** Walks each customer's bitset once and adds it to its (segment, cohort) counts. */
export function collectCells(p: CollectInput): CohortCells[] {
  const groups = new Map<number, CohortCells>();
  const { bits, words, width, revenue } = p;
  for (let c = 0; c < p.count; c++) {
    const a = p.anchor[c];
    if (!(a < p.cutoff)) continue;
    const cohort = p.ordinals.at(a);
    const seg = p.segments.code[c];
    const shift = p.base === null ? 0 : cohort - p.base;
    // Ordinals stay within ±2²¹ (±5,700 years of days), so the key is unique and exact.
    const key = seg * 4_194_304 + cohort + 2_097_152;
    const len = width - shift;
    let g = groups.get(key);
    if (!g) {
      g = {
        segment: p.segments.values[seg],
        cohort,
        size: 0,
        minAnchor: a,
        maxAnchor: a,
        n: new Int32Array(len),
        active: new Int32Array(len),
        unbounded: new Int32Array(len),
        revenue: revenue ? new Float64Array(len) : undefined,
        base: revenue ? new Float64Array(len) : undefined,
        capped: revenue ? new Float64Array(len) : undefined,
      };
      groups.set(key, g);
    }
    g.size++;
    if (a < g.minAnchor) g.minAnchor = a;
    if (a > g.maxAnchor) g.maxAnchor = a;
    // Last period index this customer counts in: every started period (calendar), or
    // the windows that ended by the cut-off (rolling).
    const limit = p.base === null
      ? Math.min(len, Math.floor((p.cutoff - a) / p.length)) - 1
      : len - 1;
    if (limit < 0) continue;
    const row = c * words;
    const r0 = revenue ? revenue.get(c * width + shift) ?? 0 : 0;
    // n, unbounded and base are histograms here (by the customer's last index), summed below.
    g.n[limit]++;
    if (revenue) g.base![limit] += r0;
    let last = -1;
    for (let w = 0; w < words; w++) {
      let word = bits[row + w] | 0;
      while (word !== 0) {
        const low = word & -word;
        const b = (w << 5) + 31 - Math.clz32(low);
        const k = b - shift;
        word ^= low;
        last = k;
        if (k > limit) continue;
        g.active[k]++;
        if (revenue) {
          const rk = revenue.get(c * width + b);
          if (rk !== undefined) {
            g.revenue![k] += rk;
            g.capped![k] += Math.max(0, Math.min(rk, r0));
          }
        }
      }
    }
    if (last >= 0) g.unbounded[Math.min(last, limit)]++;
  }
  const cells = [...groups.values()];
  for (const g of cells) {
    suffixSums(g.n);
    suffixSums(g.unbounded);
    if (g.base) suffixSums(g.base);
  }
  return cells;
}

function suffixSums(values: Int32Array | Float64Array): void {
  for (let k = values.length - 2; k >= 0; k--) values[k] += values[k + 1];
}

/** Segment code per customer and the values of each segment. */
export function segmentCodes(
  by: SegmentSource[],
  count: number,
  firstRow: Int32Array,
): { code: Int32Array; values: unknown[][] } {
  const code = new Int32Array(count);
  if (by.length === 0) return { code, values: [[]] };
  const index = new Map<string, number>();
  const values: unknown[][] = [];
  for (let c = 0; c < count; c++) {
    const tuple = by.map((s) =>
      s.from === "signup" ? s.values[c] : firstRow[c] >= 0 ? s.values[firstRow[c]] : null
    );
    const key = tuple.map(keyOf).join("\u0001");
    let s = index.get(key);
    if (s === undefined) {
      index.set(key, s = values.length);
      values.push(tuple.map((v) => v === undefined ? null : v));
    }
    code[c] = s;
  }
  return { code, values };
}

function keyOf(v: unknown): string {
  return v instanceof Date
    ? `d${v.getTime()}`
    : v === null || v === undefined
    ? "n"
    : `${typeof v}:${String(v)}`;
}
