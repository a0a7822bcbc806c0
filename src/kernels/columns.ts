/**
 * Compact columns: text dictionary-encoded into small integer codes and
 * instants stored as epoch milliseconds in a `Float64Array`. Both implement
 * Arquero's column interface (`length`, `at`, iteration, `toArray`), so a
 * table built from them works with every Arquero verb, while the kernels read
 * the codes and milliseconds directly instead of hashing strings and
 * unboxing `Date` objects on every call.
 *
 * A 10M-row table needs 1–4 bytes per row for a text column (instead of a
 * pointer to a string) and 8 bytes per row for a date column (instead of a
 * `Date` object of ~40 bytes).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { checkOptions, optionNames } from "../options.ts";

/** Integer arrays dictionary codes are stored in (the smallest that fits). */
export type CodeArray = Uint8Array | Uint16Array | Int32Array;

/**
 * Writes a chunk's codes to rows `offset …` of `codes`, first moving the rows
 * written so far to a wider array when the dictionary has outgrown the
 * current width (`size` entries); returns the array that now holds them.
 * Only the `offset` rows already written are copied: the rest of a fresh
 * array has never been touched, and touching it costs about as much as the
 * read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storeCodes } from "./columns.ts";
 * const codes = storeCodes(new Uint8Array(3), new Int32Array([7]), 1, 0, 1);
 * const wider = storeCodes(codes, new Int32Array([300, 301]), 302, 1, 2);
 * assert.ok(wider instanceof Uint16Array);
 * assert.deepEqual([...wider], [7, 300, 301]);
 * ```
 */
export function storeCodes(
  codes: CodeArray,
  chunk: Int32Array,
  size: number,
  offset: number,
  count: number,
): CodeArray {
  let out = codes;
  const widen = (wider: CodeArray) => (wider.set(out.subarray(0, offset)), wider);
  if (size > 256 && out instanceof Uint8Array) out = widen(new Uint16Array(out.length));
  if (size > 65_536 && out instanceof Uint16Array) out = widen(new Int32Array(out.length));
  out.set(chunk.subarray(0, count), offset);
  return out;
}

/**
 * A dictionary-encoded column: `at(i)` is `dictionary[codes[i]]`. Missing
 * values are a dictionary entry `null`, like any other value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { CodedColumn } from "./columns.ts";
 * const channel = new CodedColumn(Uint8Array.of(0, 1, 0), ["chat", "phone"]);
 * const t = aq.table({ channel });
 * assert.deepEqual(t.array("channel"), ["chat", "phone", "chat"]);
 * assert.equal(t.filter((d) => d.channel === "chat").numRows(), 2);
 * ```
 */
export class CodedColumn<T = unknown> {
  /** Code of every row, an index into `dictionary`. */
  readonly codes: CodeArray;
  /** The distinct values. */
  readonly dictionary: readonly T[];

  /** A column from per-row codes and the values they index. */
  constructor(codes: CodeArray, dictionary: readonly T[]) {
    this.codes = codes;
    this.dictionary = dictionary;
  }

  /** Number of rows. */
  get length(): number {
    return this.codes.length;
  }

  /** The value of row `i`. */
  at(i: number): T {
    return this.dictionary[this.codes[i]];
  }

  /** The values as a plain array. */
  toArray(): T[] {
    const { codes, dictionary } = this;
    const out = new Array<T>(codes.length);
    for (let i = 0; i < codes.length; i++) out[i] = dictionary[codes[i]];
    return out;
  }

  /** Iterates the values. */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.codes.length; i++) yield this.dictionary[this.codes[i]];
  }
}

/**
 * A column of instants as epoch milliseconds (`NaN` = missing); `at(i)`
 * returns a `Date` (a new object per call) or `null`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InstantColumn } from "./columns.ts";
 * const dates = new InstantColumn(Float64Array.of(Date.UTC(2024, 0, 5), NaN));
 * assert.equal(dates.at(0)?.toISOString(), "2024-01-05T00:00:00.000Z");
 * assert.equal(dates.at(1), null);
 * ```
 */
export class InstantColumn {
  /** Epoch milliseconds of every row, `NaN` where missing. */
  readonly ms: Float64Array;

  /** A column from epoch milliseconds (`NaN` = missing). */
  constructor(ms: Float64Array) {
    this.ms = ms;
  }

  /** Number of rows. */
  get length(): number {
    return this.ms.length;
  }

  /** The instant of row `i`, or `null`. */
  at(i: number): Date | null {
    const t = this.ms[i];
    return t === t ? new Date(t) : null;
  }

  /** The values as a plain array of dates and nulls. */
  toArray(): (Date | null)[] {
    const out = new Array<Date | null>(this.ms.length);
    for (let i = 0; i < out.length; i++) out[i] = this.at(i);
    return out;
  }

  /** Iterates the values. */
  *[Symbol.iterator](): Iterator<Date | null> {
    for (let i = 0; i < this.ms.length; i++) yield this.at(i);
  }
}

/**
 * An integer array for `n` codes below `size`: bytes up to 256 distinct
 * values, 16 bits up to 65,536, else 32 bits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeArray } from "./columns.ts";
 * assert.ok(codeArray(10, 300) instanceof Uint16Array);
 * ```
 */
export function codeArray(n: number, size: number): CodeArray {
  return size <= 256 ? new Uint8Array(n) : size <= 65_536 ? new Uint16Array(n) : new Int32Array(n);
}

/** Options of {@link compactTable}. */
export interface CompactOptions {
  /**
   * Encode a text column only when it has at most this share of distinct
   * values per row (default 0.5: ids unique per row stay plain strings).
   */
  maxDistinctShare?: number;
}

/** The names of {@link CompactOptions}. */
export const COMPACT_OPTIONS = optionNames<CompactOptions>()(["maxDistinctShare"]);

/**
 * Re-stores a table's columns compactly, once, for repeated fast analyses
 * on large data: text (and boolean) columns with repeated values become
 * {@link CodedColumn}s, date columns become {@link InstantColumn}s; numbers
 * and mostly unique text stay as they are. Values, order and every result
 * computed from the table are unchanged; loaders for large files
 * (`readCsvDuckdb`) return compact tables directly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { CodedColumn, compactTable, InstantColumn } from "./columns.ts";
 * const t = compactTable(aq.table({
 *   channel: ["chat", "chat", null, "chat"],
 *   date: [new Date("2024-01-05"), null, new Date("2024-02-01"), new Date("2024-02-01")],
 *   score: [9, 3, 10, 7],
 * }));
 * assert.ok(t.column("channel") instanceof CodedColumn);
 * assert.ok(t.column("date") instanceof InstantColumn);
 * assert.deepEqual(t.array("channel"), ["chat", "chat", null, "chat"]);
 * assert.equal(t.get("date", 2).toISOString(), "2024-02-01T00:00:00.000Z");
 * ```
 */
export function compactTable(table: ColumnTable, options: CompactOptions = {}): ColumnTable {
  checkOptions("compactTable", options, COMPACT_OPTIONS);
  const { maxDistinctShare = 0.5 } = options;
  const columns: Record<string, unknown> = {};
  for (const name of table.columnNames()) {
    const column = table.column(name) as unknown;
    const plain = !table.isFiltered() && !table.isOrdered();
    if (plain && (column instanceof CodedColumn || column instanceof InstantColumn)) {
      columns[name] = column;
      continue;
    }
    const values = table.array(name) as unknown[];
    columns[name] = compactValues(values, maxDistinctShare) ?? values;
  }
  return aq.table(columns as Record<string, unknown[]>);
}

function compactValues(
  values: ArrayLike<unknown>,
  maxDistinctShare: number,
): CodedColumn | InstantColumn | undefined {
  const n = values.length;
  let kind: "date" | "text" | undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const k = v instanceof Date
      ? "date"
      : typeof v === "string" || typeof v === "boolean"
      ? "text"
      : undefined;
    if (k === undefined || (kind !== undefined && k !== kind)) return undefined;
    kind = k;
  }
  if (kind === "date") {
    const ms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      ms[i] = v instanceof Date ? v.getTime() : NaN;
    }
    return new InstantColumn(ms);
  }
  if (kind !== "text") return undefined;
  const limit = Math.max(1, Math.floor(n * maxDistinctShare));
  const index = new Map<unknown, number>();
  const dictionary: unknown[] = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] ?? null;
    let c = index.get(v);
    if (c === undefined) {
      if (dictionary.length >= limit) return undefined;
      c = dictionary.length;
      index.set(v, c);
      dictionary.push(v);
    }
    codes[i] = c;
  }
  const small = codeArray(n, dictionary.length);
  small.set(codes);
  return new CodedColumn(small, dictionary);
}
