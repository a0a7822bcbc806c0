/**
 * A Parquet reader of its own for `readParquet`: flat files, uncompressed or
 * snappy, PLAIN and dictionary-encoded pages (v1 and v2), read straight into
 * the codes and distinct values that `validateEncoded` takes. A dictionary
 * page already is the distinct values of its row group, so each distinct
 * value is decoded once per row group and rows are only codes. Anything else
 * (nesting, other codecs or encodings, types whose DuckDB reading it does not
 * reproduce) is `undefined`: the caller reads the file through DuckDB.
 *
 * @module
 */
import { type CodeArray, storeCodes } from "../kernels/columns.ts";
import {
  CompactReader,
  decompress,
  footer,
  hybrid,
  ParquetFormatError,
  text,
  type Thrift,
  utf8,
} from "./parquet_format.ts";

export { ParquetFormatError } from "./parquet_format.ts";
import { dayText } from "../time/civil.ts";

/** A column as read: codes into its distinct values (`null` for missing). */
export interface NativeColumn {
  codes: CodeArray;
  dictionary: unknown[];
}

/** What {@link readParquetNative} gives: columns by name in file order, rows, warnings. */
export interface NativeRead {
  names: string[];
  rows: number;
  columns: Map<string, NativeColumn>;
  warnings: string[];
}

/** The file is well-formed Parquet that this reader leaves to DuckDB. */
class Unsupported extends Error {}

/**
 * Reads a Parquet file's bytes into encoded columns, or `undefined` when the
 * file uses something this reader leaves to DuckDB (decided from the footer
 * before any data is read). `kindOf` gives the canonical kind of a column
 * (`"date"`, `"string"`, …) by its name in the file. A malformed file throws
 * a {@link ParquetFormatError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DuckDBInstance } from "@duckdb/node-api";
 * import { readParquetNative } from "./parquet_native.ts";
 * const path = await Deno.makeTempFile({ suffix: ".parquet" });
 * const db = await (await DuckDBInstance.create(":memory:")).connect();
 * await db.run(`COPY (SELECT * FROM (VALUES ('a', 1), (NULL, 2), ('a', NULL)) t(s, n)) TO '${path}' (FORMAT parquet)`);
 * const read = readParquetNative(await Deno.readFile(path), () => undefined)!;
 * const { codes, dictionary } = read.columns.get("s")!;
 * assert.deepEqual([...codes].map((c) => dictionary[c]), ["a", null, "a"]);
 * assert.equal(read.rows, 3);
 * await Deno.remove(path);
 * ```
 */
export function readParquetNative(
  bytes: Uint8Array,
  kindOf: (name: string) => string | undefined,
): NativeRead | undefined {
  const meta = footer(bytes);
  const plans = planFile(meta, kindOf);
  if (!plans) return undefined;
  try {
    return readFile(bytes, meta, plans);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    if (e instanceof ParquetFormatError) throw e;
    if (e instanceof RangeError) throw new ParquetFormatError(`corrupt data (${e.message})`);
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Planning: how each column is read, decided from the footer alone.

/** How a column's physical values become the values DuckDB's path gives. */
type Convert =
  | "text" // UTF-8 BYTE_ARRAY
  | "boolean"
  | "int32"
  | "uint32"
  | "int64" // number; warn beyond 2^53
  | "uint64"
  | "int64text" // identifier: every digit as text
  | "uint64text"
  | "float"
  | "double"
  | "days" // DATE of a canonical date column: DuckDB's text of the day
  | "dateInstant" // DATE elsewhere: UTC midnight
  | "millis" // TIMESTAMP as an instant, by unit
  | "micros"
  | "nanos";

interface ColumnPlan {
  name: string;
  physical: number;
  convert: Convert;
  optional: boolean;
}

const PLAIN = 0, PLAIN_DICTIONARY = 2, RLE = 3, BIT_PACKED = 4, RLE_DICTIONARY = 8;
const ENCODINGS = new Set([PLAIN, PLAIN_DICTIONARY, RLE, BIT_PACKED, RLE_DICTIONARY]);

function planFile(
  meta: Thrift,
  kindOf: (name: string) => string | undefined,
): ColumnPlan[] | undefined {
  const schema = meta[2] as Thrift[] | undefined;
  if (!Array.isArray(schema) || !schema.length) throw new ParquetFormatError("no schema");
  const leaves = schema.slice(1);
  if ((schema[0][5] ?? 0) !== leaves.length) return undefined;
  const plans: ColumnPlan[] = [];
  for (const el of leaves) {
    if (el[5] !== undefined && el[5] !== 0) return undefined; // nested
    if (el[3] === 2) return undefined; // repeated
    const name = text.decode(el[4] as Uint8Array);
    const convert = convertOf(el, kindOf(name));
    if (!convert) return undefined;
    plans.push({ name, physical: el[1] as number, convert, optional: el[3] === 1 });
  }
  if (new Set(plans.map((p) => p.name)).size !== plans.length) return undefined;
  for (const group of (meta[4] ?? []) as Thrift[]) {
    const chunks = group[1] as Thrift[];
    if (!Array.isArray(chunks) || chunks.length !== plans.length) {
      throw new ParquetFormatError("a row group's columns do not match the schema");
    }
    for (const chunk of chunks) {
      if (chunk[1] !== undefined) return undefined; // data in another file
      const cm = chunk[3] as Thrift | undefined;
      if (!cm) throw new ParquetFormatError("a column chunk has no metadata");
      if (cm[4] !== 0 && cm[4] !== 1) return undefined; // codec
      if (!((cm[2] ?? []) as number[]).every((e) => ENCODINGS.has(e))) return undefined;
    }
  }
  return plans;
}

/** The conversion reproducing how parquet.ts reads DuckDB's type for this column. */
function convertOf(el: Thrift, kind: string | undefined): Convert | undefined {
  const physical = el[1] as number, converted = el[6] as number | undefined;
  const logical = el[10] as Thrift | undefined;
  const logicalKind = logical ? Number(Object.keys(logical)[0]) : undefined;
  if (logicalKind !== undefined && ![1, 6, 8, 10].includes(logicalKind)) return undefined;
  if (
    converted !== undefined && ![0, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].includes(converted)
  ) {
    return undefined;
  }
  switch (physical) {
    case 0:
      return converted === undefined && logical === undefined ? "boolean" : undefined;
    case 1: {
      if (logicalKind === 6 || converted === 6) return kind === "date" ? "days" : "dateInstant";
      if (logicalKind === 8 || (converted !== undefined && converted < 11)) return undefined;
      const integer = logical?.[10] as Thrift | undefined;
      const unsigned = integer ? integer[2] === false : converted !== undefined && converted <= 14;
      return unsigned ? "uint32" : "int32";
    }
    case 2: {
      const ts = logical?.[8] as Thrift | undefined;
      if (ts || converted === 9 || converted === 10) {
        // Zone-less timestamps of date columns are DuckDB's text (left to DuckDB), and so are
        // timestamps with only a legacy converted type.
        if (!ts || (kind === "date" && ts[1] !== true)) return undefined;
        const unit = Number(Object.keys(ts[2] as Thrift)[0]);
        return unit === 1 ? "millis" : unit === 2 ? "micros" : "nanos";
      }
      if (logicalKind === 6 || (converted !== undefined && ![14, 18].includes(converted))) {
        return undefined;
      }
      const integer = logical?.[10] as Thrift | undefined;
      const unsigned = integer ? integer[2] === false : converted === 14;
      if (integer && integer[1] !== 64) return undefined;
      return kind === "string"
        ? (unsigned ? "uint64text" : "int64text")
        : (unsigned ? "uint64" : "int64");
    }
    case 4:
      return converted === undefined && logical === undefined ? "float" : undefined;
    case 5:
      return converted === undefined && logical === undefined ? "double" : undefined;
    case 6:
      return logicalKind === 1 || converted === 0 ? "text" : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// Reading the data.

/** Distinct values of one column and the code of every row. */
class Column {
  /** Codes of every row, as narrow as the dictionary allows (widened as it grows). */
  codes: CodeArray;
  /** Codes of the page being read, then copied into `codes` with one typed `set`. */
  chunk = new Int32Array(1024);
  readonly values: unknown[] = [];
  readonly #index = new Map<unknown, number>();
  #null = -1;

  constructor(rows: number, readonly plan: ColumnPlan) {
    this.codes = new Uint8Array(rows);
  }

  /** `count` codes of the page into rows `row …`. */
  store(row: number, count: number) {
    this.codes = storeCodes(this.codes, this.chunk, this.values.length, row, count);
  }

  /** The code of a missing value. */
  nullCode(): number {
    if (this.#null < 0) this.#null = this.values.push(null) - 1;
    return this.#null;
  }

  /** Per text entry: where its bytes are in `#arena` and how many (text columns). */
  #starts = new Int32Array(64);
  #lengths = new Int32Array(64);
  #arena = new Uint8Array(1024);
  #used = 0;
  #slots = new Int32Array(128).fill(-1);
  #texts = 0;
  #codeOfText = new Int32Array(64);

  /**
   * The code of the UTF-8 text in `bytes[at, at + len)`: looked up by its
   * bytes, decoded into a string only the first time it is seen.
   */
  textCode(bytes: Uint8Array, at: number, len: number): number {
    let hash = 0x811c9dc5 ^ len;
    for (let j = 0; j < len; j++) hash = Math.imul(hash ^ bytes[at + j], 0x01000193);
    hash ^= hash >>> 15;
    const slots = this.#slots, mask = slots.length - 1, arena = this.#arena;
    const lengths = this.#lengths, starts = this.#starts;
    let slot = hash & mask;
    for (;; slot = (slot + 1) & mask) {
      const e = slots[slot];
      if (e < 0) break;
      if (lengths[e] !== len) continue;
      const start = starts[e];
      let j = 0;
      while (j < len && arena[start + j] === bytes[at + j]) j++;
      if (j === len) return this.#codeOfText[e];
    }
    // A new text: its bytes into the arena, its string into the dictionary.
    const e = this.#texts++;
    if (e === this.#starts.length) {
      this.#starts = grow(this.#starts);
      this.#lengths = grow(this.#lengths);
      this.#codeOfText = grow(this.#codeOfText);
    }
    if (this.#used + len > this.#arena.length) {
      const wider = new Uint8Array(Math.max(2 * this.#arena.length, this.#used + len));
      wider.set(this.#arena.subarray(0, this.#used));
      this.#arena = wider;
    }
    this.#arena.set(bytes.subarray(at, at + len), this.#used);
    this.#starts[e] = this.#used;
    this.#lengths[e] = len;
    this.#used += len;
    // Valid UTF-8 decodes to one string per byte sequence: a text column's entries are its texts.
    const code = this.#codeOfText[e] = this.values.push(utf8(bytes, at, len)) - 1;
    slots[slot] = e;
    if (2 * this.#texts > slots.length) this.#rehash();
    return code;
  }

  #rehash() {
    const slots = this.#slots = new Int32Array(this.#slots.length * 2).fill(-1);
    const mask = slots.length - 1, arena = this.#arena;
    for (let e = 0; e < this.#texts; e++) {
      const at = this.#starts[e], len = this.#lengths[e];
      let hash = 0x811c9dc5 ^ len;
      for (let j = 0; j < len; j++) hash = Math.imul(hash ^ arena[at + j], 0x01000193);
      hash ^= hash >>> 15;
      let slot = hash & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = e;
    }
  }

  /** The code of a value (a string, number, boolean or bigint as decoded). */
  code(raw: unknown): number {
    let e = this.#index.get(raw);
    if (e === undefined) {
      e = this.values.push(this.#outward(raw)) - 1;
      this.#index.set(raw, e);
    }
    return e;
  }

  #outward(raw: unknown): unknown {
    switch (this.plan.convert) {
      case "int64":
      case "uint64":
        return Number(raw as bigint);
      case "int64text":
      case "uint64text":
        return String(raw);
      case "days":
        // DuckDB keeps its infinite dates as the largest day numbers.
        return dayText(
          raw === 2147483647 ? Infinity : raw === -2147483647 ? -Infinity : raw as number,
        );
      case "dateInstant":
        // DuckDB's infinite dates become instants by its own casts: left to DuckDB.
        if (Math.abs(raw as number) === 2147483647) throw new Unsupported();
        return new Date((raw as number) * 86_400_000);
      // DuckDB's epoch_ms (and its cast from nanoseconds) truncate toward zero.
      case "millis":
      case "micros":
      case "nanos":
        if (raw === 9223372036854775807n || raw === -9223372036854775807n) throw new Unsupported();
        return new Date(Number(millisOf(raw as bigint, this.plan.convert)));
      default:
        return raw;
    }
  }
}

function millisOf(raw: bigint, unit: Convert): bigint {
  switch (unit) {
    case "micros":
      return raw / 1000n;
    case "nanos":
      return raw / 1000n / 1000n;
    default:
      return raw;
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const wider = new Int32Array(a.length * 2);
  wider.set(a);
  return wider;
}

function readFile(bytes: Uint8Array, meta: Thrift, plans: ColumnPlan[]): NativeRead {
  const groups = (meta[4] ?? []) as Thrift[];
  const rows = groups.reduce((sum, g) => sum + (g[3] as number), 0);
  if (rows !== meta[3]) throw new ParquetFormatError("row groups do not add up to the row count");
  const columns = plans.map((p) => new Column(rows, p));
  let offset = 0;
  for (const group of groups) {
    const n = group[3] as number;
    (group[1] as Thrift[]).forEach((chunk, k) =>
      readChunk(bytes, chunk[3] as Thrift, columns[k], offset, n)
    );
    offset += n;
  }
  const warnings: string[] = [];
  const out = new Map<string, NativeColumn>();
  for (const column of columns) {
    const { codes: wide, values, plan } = column;
    if (plan.convert === "int64" || plan.convert === "uint64") {
      const unsafe = new Uint8Array(values.length);
      values.forEach((v, e) => unsafe[e] = v !== null && !Number.isSafeInteger(v) ? 1 : 0);
      let count = 0;
      for (let i = 0; i < rows; i++) count += unsafe[wide[i]];
      if (count) warnings.push(unsafeWarning(plan.name, count));
    }
    out.set(plan.name, { codes: wide, dictionary: values });
  }
  return { names: plans.map((p) => p.name), rows, columns: out, warnings };
}

/**
 * The warning for a column of 64-bit integers of which `unsafe` exceed 2^53
 * (the same words from both readers).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unsafeWarning } from "./parquet_native.ts";
 * assert.match(unsafeWarning("id", 2), /^id: 2 64-bit integers exceed 2\^53/);
 * ```
 */
export function unsafeWarning(column: string, unsafe: number): string {
  return `${column}: ${unsafe} 64-bit integers exceed 2^53 and were rounded to the nearest number; store identifiers as text to keep every digit`;
}

function readChunk(bytes: Uint8Array, cm: Thrift, column: Column, offset: number, n: number) {
  const codec = cm[4] as number;
  const dictOffset = cm[11] as number | undefined, dataOffset = cm[9] as number;
  let pos = dictOffset !== undefined && dictOffset > 0 && dictOffset < dataOffset
    ? dictOffset
    : dataOffset;
  const end = pos + (cm[7] as number);
  if (!(pos >= 4 && end <= bytes.length - 8)) {
    throw new ParquetFormatError("a column chunk lies outside the file");
  }
  let remap: Int32Array | undefined;
  let row = offset;
  const last = offset + n;
  while (row < last) {
    if (pos >= end) throw new ParquetFormatError("a column chunk has fewer values than its rows");
    const reader = new CompactReader(bytes, pos, end);
    const header = reader.struct();
    pos = reader.pos;
    const size = header[3] as number, type = header[1] as number;
    if (!(size >= 0 && pos + size <= end)) {
      throw new ParquetFormatError("a page runs past its chunk");
    }
    const raw = bytes.subarray(pos, pos + size);
    pos += size;
    if (type === 2) {
      const dh = header[7] as Thrift;
      if (dh[2] !== PLAIN && dh[2] !== PLAIN_DICTIONARY) throw new Unsupported();
      const page = decompress(raw, codec, header[2] as number);
      const count = dh[1] as number;
      remap = new Int32Array(count);
      plainCodes(page, 0, count, column, remap);
    } else if (type === 0) {
      const dh = header[5] as Thrift;
      const page = decompress(raw, codec, header[2] as number);
      const count = dh[1] as number;
      let at = 0, defs: Uint8Array | undefined;
      if (column.plan.optional) {
        if (dh[3] !== RLE) throw new Unsupported();
        if (page.length < 4) throw new ParquetFormatError("a page ends early");
        const len = page[0] | page[1] << 8 | page[2] << 16 | page[3] << 24;
        defs = new Uint8Array(count);
        hybrid(page, 4, 4 + len, 1, defs, count);
        at = 4 + len;
      }
      row = values(page, at, dh[2] as number, count, defs, column, row, last, remap);
    } else if (type === 3) {
      const dh = header[8] as Thrift;
      const count = dh[1] as number, defLength = dh[5] as number;
      if ((dh[6] ?? 0) !== 0) throw new Unsupported();
      if (!(defLength >= 0 && defLength <= raw.length)) {
        throw new ParquetFormatError("a page's levels run past it");
      }
      let defs: Uint8Array | undefined;
      if (column.plan.optional) {
        defs = new Uint8Array(count);
        hybrid(raw, 0, defLength, 1, defs, count);
      }
      const body = raw.subarray(defLength);
      const page = dh[7] === false
        ? body
        : decompress(body, codec, (header[2] as number) - defLength);
      row = values(page, 0, dh[4] as number, count, defs, column, row, last, remap);
    } else if (type !== 1) {
      throw new ParquetFormatError(`unknown page type ${type}`);
    }
  }
  if (row !== last) throw new ParquetFormatError("a column chunk has more values than its rows");
}

/** Writes the codes of one data page's rows; returns the next row. */
function values(
  page: Uint8Array,
  at: number,
  encoding: number,
  count: number,
  defs: Uint8Array | undefined,
  column: Column,
  row: number,
  last: number,
  remap: Int32Array | undefined,
): number {
  if (row + count > last) throw new ParquetFormatError("a page has more values than its rows");
  if (column.chunk.length < count) column.chunk = new Int32Array(count);
  const codes = column.chunk;
  let present = count;
  if (defs) {
    present = 0;
    for (let i = 0; i < count; i++) present += defs[i];
  }
  if (encoding === PLAIN_DICTIONARY || encoding === RLE_DICTIONARY) {
    if (!remap) throw new ParquetFormatError("dictionary-encoded page without a dictionary");
    if (at >= page.length && present > 0) throw new ParquetFormatError("a page ends early");
    const width = present ? page[at] : 0;
    if (width > 32) throw new ParquetFormatError("bad dictionary index width");
    const idx = new Int32Array(present);
    if (present) hybrid(page, at + 1, page.length, width, idx, present);
    const size = remap.length;
    if (!defs) {
      for (let i = 0; i < count; i++) {
        const d = idx[i];
        if (d >= size || d < 0) throw new ParquetFormatError("dictionary index out of range");
        codes[i] = remap[d];
      }
    } else {
      const nul = present < count ? column.nullCode() : 0;
      for (let i = 0, j = 0; i < count; i++) {
        if (defs[i]) {
          const d = idx[j++];
          if (d >= size || d < 0) throw new ParquetFormatError("dictionary index out of range");
          codes[i] = remap[d];
        } else codes[i] = nul;
      }
    }
  } else if (encoding === PLAIN) {
    const slots = new Int32Array(present);
    plainCodes(page.subarray(at), 0, present, column, slots);
    const nul = present < count ? column.nullCode() : 0;
    for (let i = 0, j = 0; i < count; i++) {
      codes[i] = !defs || defs[i] ? slots[j++] : nul;
    }
  } else throw new Unsupported();
  column.store(row, count);
  return row + count;
}

/** The codes of `count` PLAIN values of the column's physical type, in order, into `out`. */
function plainCodes(
  page: Uint8Array,
  at: number,
  count: number,
  column: Column,
  out: Int32Array,
) {
  const plan = column.plan;
  const put = (i: number, value: unknown) => out[i] = column.code(value);
  const view = new DataView(page.buffer, page.byteOffset, page.length);
  const need = (bytes: number) => {
    if (at + bytes > page.length) throw new ParquetFormatError("a page ends early");
  };
  switch (plan.physical) {
    case 0:
      need(Math.ceil(count / 8));
      for (let i = 0; i < count; i++) put(i, ((page[at + (i >> 3)] >> (i & 7)) & 1) === 1);
      return;
    case 1: {
      need(4 * count);
      const unsigned = plan.convert === "uint32";
      for (let i = 0; i < count; i++, at += 4) {
        put(i, unsigned ? view.getUint32(at, true) : view.getInt32(at, true));
      }
      return;
    }
    case 2: {
      need(8 * count);
      const unsigned = plan.convert === "uint64" || plan.convert === "uint64text";
      for (let i = 0; i < count; i++, at += 8) {
        put(i, unsigned ? view.getBigUint64(at, true) : view.getBigInt64(at, true));
      }
      return;
    }
    case 4:
      need(4 * count);
      for (let i = 0; i < count; i++, at += 4) put(i, view.getFloat32(at, true));
      return;
    case 5:
      need(8 * count);
      for (let i = 0; i < count; i++, at += 8) put(i, view.getFloat64(at, true));
      return;
    case 6:
      for (let i = 0; i < count; i++) {
        need(4);
        const len = view.getUint32(at, true);
        at += 4;
        need(len);
        out[i] = column.textCode(page, at, len);
        at += len;
      }
      return;
    default:
      throw new Unsupported();
  }
}
