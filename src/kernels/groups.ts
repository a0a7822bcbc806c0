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

const DAY = 86_400_000;

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
 * period (`null`), as in the Arquero reference path.
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
export function groupCodes(table: ColumnTable, by: string[], period?: PeriodKey): GroupCodes {
  const n = table.numRows();
  const encoded = by.map((name) => encode(columnValues(table, name), n));
  if (period) encoded.push(encodePeriods(table, period, n));
  const keys = [...by, ...(period ? ["period", "period_start"] : [])];
  if (encoded.length === 0) {
    return { codes: new Int32Array(n), groups: n > 0 ? 1 : 0, keys, values: [] };
  }
  // Combine column by column, renumbering densely after each step, so the
  // combined code stays below rows × cardinality (exact in a double).
  let codes = encoded[0].codes, count = encoded[0].dictionary.length;
  let first = firstRows(codes, count);
  for (const e of encoded.slice(1)) {
    const k = e.dictionary.length;
    const next = new Int32Array(n);
    const rows: number[] = [];
    if (count * k <= 1 << 24) {
      // Small key space: a lookup array instead of a hash map in the hot loop.
      const lookup = new Int32Array(count * k).fill(-1);
      for (let i = 0; i < n; i++) {
        const key = codes[i] * k + e.codes[i];
        let g = lookup[key];
        if (g < 0) {
          g = lookup[key] = rows.length;
          rows.push(i);
        }
        next[i] = g;
      }
    } else {
      const dense = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const key = codes[i] * k + e.codes[i];
        let g = dense.get(key);
        if (g === undefined) {
          g = rows.length;
          dense.set(key, g);
          rows.push(i);
        }
        next[i] = g;
      }
    }
    codes = next;
    count = rows.length;
    first = rows;
  }
  const values: unknown[][] = [];
  encoded.forEach((e, k) => {
    values.push(first.map((i) => e.dictionary[e.codes[i]]));
    if (period && k === encoded.length - 1) values.push(first.map((i) => e.starts![e.codes[i]]));
  });
  return { codes, groups: count, keys, values };
}

/** The first row of each code 0 … count − 1 (codes from `encode` appear in order). */
function firstRows(codes: Int32Array, count: number): number[] {
  const first = new Array<number>(count).fill(-1);
  for (let i = 0, seen = 0; i < codes.length && seen < count; i++) {
    if (first[codes[i]] < 0) {
      first[codes[i]] = i;
      seen++;
    }
  }
  return first;
}

interface Encoded {
  codes: Int32Array;
  dictionary: unknown[];
  starts?: (Date | null)[];
}

function encode(column: ArrayLike<unknown>, n: number): Encoded {
  const codes = new Int32Array(n);
  const index = new Map<unknown, number>();
  const dictionary: unknown[] = [];
  for (let i = 0; i < n; i++) {
    let v = column[i];
    if (v === undefined) v = null;
    // Dates group by instant, as Arquero does.
    const key = v instanceof Date ? v.getTime() : v;
    let c = index.get(key);
    if (c === undefined) {
      c = dictionary.length;
      index.set(key, c);
      dictionary.push(v);
    }
    codes[i] = c;
  }
  return { codes, dictionary };
}

function encodePeriods(table: ColumnTable, key: PeriodKey, n: number): Encoded {
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
