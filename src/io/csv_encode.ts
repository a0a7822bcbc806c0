/**
 * A byte-level CSV reader that dictionary-encodes every column while it
 * parses: each field's bytes are hashed in place and looked up among the
 * column's distinct byte strings; only a new one is decoded into a string.
 * So a file is read in chunks, once, with no JavaScript string per cell and
 * no second copy of the data — the fast path behind `readLargeCsv`.
 *
 * It reads RFC 4180 files exactly as `readCsv` does (quoted fields with `""`
 * escapes, newlines inside quotes, `\n`, `\r\n` or `\r` line ends, a UTF-8
 * byte-order mark) and gives up — `undefined`, so the caller falls back to
 * `readCsv` — on anything else: a quote inside an unquoted field, text after
 * a closing quote, blank lines, rows with another number of fields than the
 * header, or bytes that are not UTF-8.
 *
 * @module
 */
import type { CodeArray } from "../kernels/columns.ts";

/** One encoded column: codes into its distinct texts (`null` = empty field). */
export interface EncodedCsvColumn {
  /** Code of every row. */
  codes: CodeArray;
  /** Distinct texts; `null` stands for an empty field. */
  dictionary: (string | null)[];
}

const EMPTY = -1;
const QUOTE = 34, LF = 10, CR = 13;
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Distinct byte strings of one column and the code of every row. */
class ColumnEncoder {
  codes: CodeArray;
  readonly texts: (string | null)[] = [];
  /** Raw bytes of every distinct field, back to back. */
  arena = new Uint8Array(1 << 12);
  arenaUsed = 0;
  /** Per entry: start in the arena, length, hash. */
  starts = new Int32Array(64);
  lengths = new Int32Array(64);
  hashes = new Int32Array(64);
  slots = new Int32Array(128).fill(EMPTY);
  nullEntry = -1;

  constructor(capacity: number) {
    this.codes = new Uint8Array(capacity);
  }

  /**
   * Sets row `row` to the entry of the bytes `buf[from, to)` (quoted content
   * when `escaped` holds `""`); `h` is their FNV-1a hash, or −1 to compute it.
   */
  code(row: number, buf: Uint8Array, from: number, to: number, escaped: boolean, h: number): void {
    if (row >= this.codes.length) {
      this.codes = grow(this.codes, Math.ceil(this.codes.length * 1.5) + 16, row);
    }
    const length = to - from;
    if (length === 0) {
      const e = this.empty(row); // may widen this.codes: assign after
      this.codes[row] = e;
      return;
    }
    if (h === -1) h = hashBytes(buf, from, to);
    const mask = this.slots.length - 1;
    for (let slot = h & mask;; slot = (slot + 1) & mask) {
      const e = this.slots[slot];
      if (e === EMPTY) break;
      if (this.hashes[e] !== h || this.lengths[e] !== length) continue;
      const start = this.starts[e], arena = this.arena;
      let i = 0;
      while (i < length && arena[start + i] === buf[from + i]) i++;
      if (i === length) {
        this.codes[row] = e;
        return;
      }
    }
    let text = decode(buf, from, to);
    if (escaped) text = text.replaceAll('""', '"');
    const e = this.add(text, buf, from, length, h, row); // may widen this.codes: assign after
    this.codes[row] = e;
  }

  empty(row: number): number {
    if (this.nullEntry < 0) this.nullEntry = this.add(null, undefined, 0, 0, 0, row);
    return this.nullEntry;
  }

  add(
    text: string | null,
    buf: Uint8Array | undefined,
    from: number,
    length: number,
    h: number,
    row: number,
  ): number {
    const e = this.texts.length;
    this.texts.push(text);
    // Wider codes once the dictionary outgrows them (only rows so far are copied).
    if (e === 256) this.codes = widen(this.codes, new Uint16Array(this.codes.length), row);
    if (e === 65_536) this.codes = widen(this.codes, new Int32Array(this.codes.length), row);
    if (e >= this.starts.length) {
      this.starts = grow(this.starts, this.starts.length * 2);
      this.lengths = grow(this.lengths, this.lengths.length * 2);
      this.hashes = grow(this.hashes, this.hashes.length * 2);
    }
    if (this.arenaUsed + length > this.arena.length) {
      this.arena = grow(this.arena, Math.max(this.arena.length * 2, this.arenaUsed + length));
    }
    if (buf) this.arena.set(buf.subarray(from, from + length), this.arenaUsed);
    this.starts[e] = this.arenaUsed;
    this.lengths[e] = text === null ? -1 : length;
    this.hashes[e] = h;
    this.arenaUsed += length;
    if (text === null) return e;
    if (2 * this.texts.length > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
      for (let k = 0; k <= e; k++) if (this.lengths[k] >= 0) this.insert(k);
    } else this.insert(e);
    return e;
  }

  insert(e: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[e] & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = e;
  }
}

/** A larger copy of `a` (the first `used` values, all by default). */
function grow<T extends Uint8Array | Uint16Array | Int32Array>(
  a: T,
  size: number,
  used = a.length,
): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a.subarray(0, used));
  return out;
}

function widen(from: CodeArray, to: CodeArray, used: number): CodeArray {
  to.set(from.subarray(0, used));
  return to;
}

/** UTF-8 bytes as a string: short ASCII texts without the decoder's call overhead. */
function decode(buf: Uint8Array, from: number, to: number): string {
  if (to - from <= 24) {
    let ascii = true;
    for (let i = from; i < to; i++) {
      if (buf[i] > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return String.fromCharCode.apply(null, buf.subarray(from, to) as unknown as number[]);
    }
  }
  return decoder.decode(buf.subarray(from, to));
}

/** FNV-1a over `buf[from, to)`, as the parser computes it while scanning. */
function hashBytes(buf: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h;
}

/**
 * Reads a CSV file and dictionary-encodes its columns; see the module doc.
 * `columns` is the header's field count; `onRows` hears progress after every
 * chunk of `chunkBytes` (8 MiB) read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeCsvFile } from "./csv_encode.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, 'id;text\r\n1;"a ""b""; c"\r\n2;\r\n1;x\r\n');
 * const out = await encodeCsvFile(path, 2, ";");
 * const [id, text] = out!.map((c) => [...c.codes].map((k) => c.dictionary[k]));
 * assert.deepEqual(id, ["1", "2", "1"]);
 * assert.deepEqual(text, ['a "b"; c', null, "x"]);
 * await Deno.writeTextFile(path, "a,b\n1,2\n\n");
 * assert.equal(await encodeCsvFile(path, 2, ","), undefined);
 * await Deno.remove(path);
 * ```
 */
export async function encodeCsvFile(
  path: string,
  columns: number,
  delimiter: string,
  onRows?: (rows: number) => void,
  chunkBytes = 1 << 23,
): Promise<EncodedCsvColumn[] | undefined> {
  const d = delimiter.charCodeAt(0);
  if (d === QUOTE || d === LF || d === CR || d > 127) return undefined;
  const file = await Deno.open(path, { read: true });
  try {
    const size = (await file.stat()).size;
    let buf = new Uint8Array(Math.min(chunkBytes, size + 1));
    let filled = 0, eof = false;
    const fill = async () => {
      while (filled < buf.length) {
        const n = await file.read(buf.subarray(filled));
        if (n === null) {
          eof = true;
          return;
        }
        filled += n;
      }
    };
    await fill();
    // Skip the header record (names come from the caller's own parse of it).
    let header = recordEnd(buf, 0, filled, eof);
    while (header < 0) {
      buf = grow(buf, buf.length * 2);
      await fill();
      header = recordEnd(buf, 0, filled, eof);
    }
    let pos = header;
    let encoders: ColumnEncoder[] | undefined;
    let row = 0;
    while (true) {
      // Room for a row per 24 bytes of file (codes start as bytes; grown if rows are shorter).
      encoders ??= Array.from(
        { length: columns },
        () => new ColumnEncoder(Math.ceil(size / 24) + 1024),
      );
      const result = parseRecords(buf, pos, filled, eof, d, encoders, row);
      if (result === undefined) return undefined;
      row = result.row;
      pos = result.pos;
      if (eof) {
        if (pos < filled) return undefined;
        break;
      }
      // Keep the unfinished record; read more after it (a long record grows the buffer).
      const rest = filled - pos;
      if (rest > buf.length / 2) buf = grow(buf, buf.length * 2);
      buf.copyWithin(0, pos, filled);
      filled = rest;
      pos = 0;
      await fill();
      onRows?.(row);
    }
    return encoders!.map((e) => ({
      codes: e.codes.subarray(0, row) as CodeArray,
      dictionary: e.texts,
    }));
  } catch (e) {
    if (e instanceof TypeError) return undefined; // not UTF-8
    throw e;
  } finally {
    file.close();
  }
}

/** Position after the record starting at `pos`, or −1 if it does not end in `buf`. */
function recordEnd(buf: Uint8Array, pos: number, filled: number, eof: boolean): number {
  let quoted = false;
  for (let i = pos; i < filled; i++) {
    const c = buf[i];
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted && c === LF) return i + 1;
    else if (!quoted && c === CR) return buf[i + 1] === LF ? i + 2 : i + 1;
  }
  return eof ? filled : -1;
}

/**
 * Parses whole records from `buf[pos, filled)`; stops before a record that
 * may continue past `filled` (unless at end of file). `undefined` when the
 * file is not a regular RFC 4180 file.
 */
function parseRecords(
  buf: Uint8Array,
  pos: number,
  filled: number,
  eof: boolean,
  d: number,
  encoders: ColumnEncoder[],
  row: number,
): { pos: number; row: number } | undefined {
  const columns = encoders.length;
  let i = pos;
  records: while (i < filled) {
    const recordStart = i;
    let k = 0;
    while (true) {
      // One field starting at i.
      let from = i, to: number, escaped = false, h = -1;
      if (buf[i] === QUOTE) {
        from = i + 1;
        let j = from;
        while (true) {
          while (j < filled && buf[j] !== QUOTE) j++;
          if (j >= filled) {
            if (eof) return undefined; // unterminated quote
            return { pos: recordStart, row };
          }
          if (j + 1 < filled && buf[j + 1] === QUOTE) {
            escaped = true;
            j += 2;
            continue;
          }
          if (j + 1 >= filled && !eof) return { pos: recordStart, row };
          break;
        }
        to = j;
        i = j + 1;
      } else {
        h = 0x811c9dc5;
        while (i < filled) {
          const c = buf[i];
          if (c === d || c === LF || c === CR) break;
          if (c === QUOTE) return undefined; // a quote inside an unquoted field
          h = Math.imul(h ^ c, 0x01000193);
          i++;
        }
        to = i;
      }
      // i is at a delimiter, a line end, or the end of the data.
      if (i >= filled && !eof) return { pos: recordStart, row };
      const c = i < filled ? buf[i] : LF;
      if (c !== d && c !== LF && c !== CR) return undefined; // text after a closing quote
      if (k >= columns) return undefined; // more fields than the header
      encoders[k].code(row, buf, from, to, escaped, h);
      k++;
      if (c === d) {
        i++;
        continue;
      }
      // Line end: \n, \r\n or \r.
      if (c === CR) {
        if (i + 1 >= filled && !eof) return { pos: recordStart, row };
        i += buf[i + 1] === LF ? 2 : 1;
      } else i++;
      if (k !== columns) return undefined; // fewer fields than the header, or a blank line
      row++;
      continue records;
    }
  }
  return { pos: i, row };
}
