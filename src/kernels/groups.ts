/**
 * Group codes for typed-array aggregate kernels: every row gets one dense
 * integer group id from its key columns (dictionary-encoded once) and its
 * period (computed once per local day). Kernels then accumulate sums into
 * typed arrays indexed by that id in a single pass — no per-row objects.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError } from "../errors.ts";
import { type Period, periodFn } from "../time/period.ts";
import { zoneOffsetFn } from "../time/zone.ts";
import { CodedColumn, InstantColumn } from "./columns.ts";
import { canonicalCodes, encodeColumn } from "./encode.ts";

const DAY = 86_400_000;
/** Zone offsets change at most on the half hour (see `zoneOffsetFn`). */
const SLOT = 1_800_000;

/**
 * The values of a column without a copy when the table is neither filtered
 * nor ordered (the usual case for loaded data), else Arquero's `array()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { columnValues } from "./groups.ts";
 * const t = aq.table({ x: [3, 1, 2] });
 * assert.deepEqual(Array.from(columnValues(t.orderby("x"), "x")), [1, 2, 3]);
 * ```
 */
export function columnValues(table: ColumnTable, name: string): ArrayLike<unknown> {
  if (!table.isFiltered() && !table.isOrdered()) {
    const column = table.column(name) as unknown;
    if (Array.isArray(column) || ArrayBuffer.isView(column)) return column as ArrayLike<unknown>;
  }
  return table.array(name) as ArrayLike<unknown>;
}

/** Dense group ids per row and the key values of each group. */
export interface GroupCodes {
  /** Group id of every row (0 … groups − 1). */
  codes: Int32Array;
  /** Number of groups (only combinations that occur). */
  groups: number;
  /** Key column names in output order (by columns, then `period`, `period_start`). */
  keys: string[];
  /** Key values per group, one array per key column. */
  values: unknown[][];
  /**
   * Set when the groups come from one key's codes as they are (one `by`
   * column, or none, and no period): the group of row i is
   * `group[codes[i]]` (`codes` `null`: code 0 for every row). Kernels that
   * read this skip the per-row `codes` array, which is then only written
   * when something reads it.
   */
  raw?: RawGroups;
}

/** Per-row codes of one key and the dense group of each code (−1: no row has it). */
export interface RawGroups {
  /** Key code of every row, or `null` when every row has code 0. */
  codes: ArrayLike<number> | null;
  /** Group id of each key code. */
  group: Int32Array;
}

/** Period cutting for {@link groupCodes}. */
export interface PeriodKey {
  /** Date column. */
  column: string;
  /** Period length. */
  period: Period;
  /** IANA zone the periods are cut in. */
  timeZone: string;
}

/**
 * Computes dense group ids for `by` columns and an optional period, the way
 * `groupby` would, but into an `Int32Array`. Missing dates form their own
 * period (`null`), as in the Arquero reference path; missing `by` values
 * (`null`, `undefined`) form one group with a `null` key, which the step
 * after the aggregate keeps or leaves out by option `missing` (one rule for
 * every engine: `leaveOutMissing` in `metrics/groups.ts`).
 *
 * Keys are combined column by column into the same array, renumbering
 * densely after each step (so the combined code stays below rows ×
 * cardinality); compact columns ({@link CodedColumn}, {@link InstantColumn})
 * are read in place without a per-row array of their own. Pass `into` (at
 * least as long as the table) to reuse a buffer across calls: fresh memory is
 * slow to touch on some machines, and the codes are scratch for a kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { groupCodes } from "./groups.ts";
 * const g = groupCodes(aq.table({ ch: ["a", "b", "a"] }), ["ch"]);
 * assert.deepEqual([...g.codes], [0, 1, 0]);
 * assert.deepEqual(g.values, [["a", "b"]]);
 * ```
 */
export function groupCodes(
  table: ColumnTable,
  by: string[],
  period?: PeriodKey,
  into?: Int32Array,
): GroupCodes {
  const n = table.numRows();
  if (!period && by.length <= 1) return directCodes(table, by, n, into);
  const keys = [...by, ...(period ? ["period", "period_start"] : [])];
  const codes = into && into.length >= n ? into.subarray(0, n) : new Int32Array(n);
  codes.fill(0);
  let count = n > 0 ? 1 : 0;
  let first: number[] = n > 0 ? [0] : [];
  const keyValues: ((row: number) => unknown[])[] = [];
  const sources = by.map((name) => byColumnSource(table, name, n));
  if (period) sources.push(periodSource(table, period, n));
  for (const source of sources) {
    if (count === 0) break;
    const rows = combine(codes, count, source);
    count = rows.length;
    first = rows;
    keyValues.push(source.valuesAt);
  }
  const values: unknown[][] = keys.map(() => new Array<unknown>(count));
  first.forEach((row, g) => {
    let k = 0;
    for (const valuesAt of keyValues) for (const v of valuesAt(row)) values[k++][g] = v;
  });
  return { codes, groups: count, keys, values };
}

/**
 * {@link groupCodes} for one key column or none: groups numbered by first
 * row straight from the key's codes; `codes` is written on first read.
 */
function directCodes(table: ColumnTable, by: string[], n: number, into?: Int32Array): GroupCodes {
  const source: KeySource = by.length
    ? byColumnSource(table, by[0], n)
    : { kind: "codes", codes: new Uint8Array(0), size: 1, valuesAt: () => [] };
  const raw = by.length ? source.kind === "codes" ? source.codes : null : null;
  const group = new Int32Array(source.size).fill(-1);
  const first: number[] = [];
  if (raw === null) {
    if (n > 0) group[0] = first.push(0) - 1;
  } else {
    // Stop as soon as every code has its group (usually within the first rows).
    for (let i = 0; i < n && first.length < source.size; i++) {
      if (group[raw[i]] < 0) group[raw[i]] = first.push(i) - 1;
    }
  }
  const values = by.map(() => new Array<unknown>(first.length));
  first.forEach((row, g) => source.valuesAt(row).forEach((v, k) => values[k][g] = v));
  let codes: Int32Array | undefined;
  return {
    get codes(): Int32Array {
      if (!codes) {
        codes = into && into.length >= n ? into.subarray(0, n) : new Int32Array(n);
        if (raw === null) codes.fill(0);
        else for (let i = 0; i < n; i++) codes[i] = group[raw[i]];
      }
      return codes;
    },
    groups: first.length,
    keys: [...by],
    values,
    raw: { codes: raw, group },
  };
}

/**
 * One key's codes: `size` distinct codes, read row by row by `combine`, and
 * the key value(s) of a row (one per output column).
 */
type KeySource =
  | { kind: "codes"; codes: ArrayLike<number>; size: number; valuesAt(row: number): unknown[] }
  | {
    kind: "periods";
    ms: Float64Array;
    size: number;
    codeOf(t: number): number;
    valuesAt(row: number): unknown[];
  };

/**
 * Combines `codes` (dense, `count` groups) with one more key in place and
 * returns the first row of each new group (new ids in order of first row).
 */
function combine(codes: Int32Array, count: number, source: KeySource): number[] {
  const n = codes.length, k = source.size;
  const rows: number[] = [];
  if (count * k <= 1 << 24) {
    // Small key space: a lookup array instead of a hash map in the hot loop.
    const lookup = new Int32Array(count * k).fill(-1);
    if (source.kind === "codes") {
      const keyCodes = source.codes;
      for (let i = 0; i < n; i++) {
        const key = codes[i] * k + keyCodes[i];
        let g = lookup[key];
        if (g < 0) {
          g = lookup[key] = rows.length;
          rows.push(i);
        }
        codes[i] = g;
      }
    } else {
      const { ms, codeOf } = source;
      for (let i = 0; i < n; i++) {
        const key = codes[i] * k + codeOf(ms[i]);
        let g = lookup[key];
        if (g < 0) {
          g = lookup[key] = rows.length;
          rows.push(i);
        }
        codes[i] = g;
      }
    }
    return rows;
  }
  const dense = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = source.kind === "codes" ? source.codes[i] : source.codeOf(source.ms[i]);
    const key = codes[i] * k + c;
    let g = dense.get(key);
    if (g === undefined) {
      g = rows.length;
      dense.set(key, g);
      rows.push(i);
    }
    codes[i] = g;
  }
  return rows;
}

function byColumnSource(table: ColumnTable, name: string, n: number): KeySource {
  const column = compactColumn(table, name);
  if (column instanceof CodedColumn) {
    // Entries that group together (equal instants, undefined and null) share a key.
    const { dictionary, codes: raw } = column;
    const canonical = canonicalCodes(dictionary);
    return {
      kind: "codes",
      codes: canonical ? mapCodes(raw, canonical) : raw,
      size: dictionary.length,
      valuesAt: (row) => [dictionary[canonical ? canonical[raw[row]] : raw[row]] ?? null],
    };
  }
  const e = encodeColumn(columnValues(table, name), n);
  return {
    kind: "codes",
    codes: e.codes,
    size: e.dictionary.length,
    valuesAt: (row) => [e.dictionary[e.codes[row]]],
  };
}

/** Codes through a small mapping (rare: loaders' duplicate dictionary entries). */
function mapCodes(raw: ArrayLike<number>, mapping: Int32Array): Int32Array {
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = mapping[raw[i]];
  return out;
}

function periodSource(table: ColumnTable, key: PeriodKey, n: number): KeySource {
  const instants = compactColumn(table, key.column);
  if (instants instanceof InstantColumn) return instantPeriods(instants.ms, key);
  const e = encodePeriods(table, key, n);
  return {
    kind: "codes",
    codes: e.codes,
    size: e.dictionary.length,
    valuesAt: (row) => [e.dictionary[e.codes[row]], e.starts![e.codes[row]]],
  };
}

/**
 * Period codes straight from epoch milliseconds: the zone offset is looked up
 * per half hour and the period per local day, in typed arrays over the range
 * of the data, so no per-row array is needed. Missing instants (NaN) get the
 * last code, the `null` period.
 */
function instantPeriods(ms: Float64Array, key: PeriodKey): KeySource {
  const of = periodFn(key.period, key.timeZone);
  const offsetAt = zoneOffsetFn(key.timeZone);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < ms.length; i++) {
    const t = ms[i];
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const valuesAt = (row: number): unknown[] => {
    const t = ms[row];
    if (t !== t) return [null, null];
    const p = of(new Date(t));
    return [p.label, p.start];
  };
  if (!(lo <= hi)) return { kind: "periods", ms, size: 1, codeOf: () => 0, valuesAt };
  const firstSlot = Math.floor(lo / SLOT), slots = Math.floor(hi / SLOT) - firstSlot + 1;
  if (slots > 1 << 22) {
    throw new CxDataError([{
      row: 1,
      column: key.column,
      value: `${new Date(lo).toISOString()} … ${new Date(hi).toISOString()}`,
      reason: `${key.column} spans more than 200 years; check the dates`,
    }]);
  }
  // Zone offsets per half hour, looked up lazily (NaN = not yet) since each costs an Intl call;
  // local days are bounded by the widest offsets any zone has (±18 h).
  const offsets = new Float64Array(slots).fill(NaN);
  const firstDay = Math.floor((lo - 18 * 3_600_000) / DAY) - 1;
  const lastDay = Math.floor((hi + 18 * 3_600_000) / DAY) + 1;
  // Period index of every local day (periods numbered in day order).
  const periodOfDay = new Int32Array(lastDay - firstDay + 1);
  let periods = 0, label: string | null = null;
  for (let d = firstDay; d <= lastDay; d++) {
    const p = of(new Date(localMidnightInstant(d, offsetAt)));
    if (p.label !== label) {
      label = p.label;
      periods++;
    }
    periodOfDay[d - firstDay] = periods - 1;
  }
  const missing = periods;
  const codeOf = (t: number): number => {
    if (t !== t) return missing;
    const s = Math.floor(t / SLOT) - firstSlot;
    let o = offsets[s];
    if (o !== o) o = offsets[s] = offsetAt(s * SLOT + firstSlot * SLOT);
    return periodOfDay[Math.floor((t + o) / DAY) - firstDay];
  };
  return { kind: "periods", ms, size: periods + 1, codeOf, valuesAt };
}

/** An instant on local day `day` (noon, so DST shifts cannot leave the day). */
function localMidnightInstant(day: number, offsetAt: (t: number) => number): number {
  const noonUtc = day * DAY + DAY / 2;
  return noonUtc - offsetAt(noonUtc);
}

/**
 * The column itself when it is stored compactly and the table is neither
 * filtered nor ordered (so row i of the table is row i of the column).
 */
export function compactColumn(
  table: ColumnTable,
  name: string,
): CodedColumn | InstantColumn | undefined {
  if (table.isFiltered() || table.isOrdered()) return undefined;
  const column = table.column(name) as unknown;
  return column instanceof CodedColumn || column instanceof InstantColumn ? column : undefined;
}

interface PeriodCodes {
  codes: Int32Array;
  dictionary: unknown[];
  starts?: (Date | null)[];
}

function encodePeriods(table: ColumnTable, key: PeriodKey, n: number): PeriodCodes {
  const of = periodFn(key.period, key.timeZone);
  const offsetAt = zoneOffsetFn(key.timeZone);
  const dates = columnValues(table, key.column);
  // Pass 1: local day number of every row (NaN for missing dates).
  const days = new Float64Array(n);
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const d = dates[i];
    if (d instanceof Date) {
      const t = d.getTime();
      const day = Math.floor((t + offsetAt(t)) / DAY);
      days[i] = day;
      if (day < min) min = day;
      if (day > max) max = day;
    } else if (d === null || d === undefined) days[i] = NaN;
    else {
      throw new CxDataError([{
        row: i + 1,
        column: key.column,
        value: String(d),
        reason: `${key.column} must hold dates; load the data with readCsv to parse them`,
      }]);
    }
  }
  // Pass 2: period code per day through a lookup array over the day range.
  const byDay = new Int32Array(Number.isFinite(min) ? max - min + 1 : 0).fill(-1);
  const index = new Map<string | null, number>();
  const dictionary: (string | null)[] = [];
  const starts: (Date | null)[] = [];
  const codeOf = (label: string | null, start: Date | null) => {
    let c = index.get(label);
    if (c === undefined) {
      c = dictionary.length;
      index.set(label, c);
      dictionary.push(label);
      starts.push(start);
    }
    return c;
  };
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const day = days[i];
    if (Number.isNaN(day)) {
      codes[i] = codeOf(null, null);
      continue;
    }
    let c = byDay[day - min];
    if (c < 0) {
      const p = of(dates[i] as Date);
      c = byDay[day - min] = codeOf(p.label, p.start);
    }
    codes[i] = c;
  }
  return { codes, dictionary, starts };
}
