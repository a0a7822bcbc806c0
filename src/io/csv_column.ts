/**
 * One column's dictionary while tokenizing: the distinct byte strings of the
 * column, looked up by their FNV-1a hash in an open-addressing table, and
 * the code of every row. Only a new byte string is decoded into a string
 * (plain ASCII ones later, many at a time). A column encoded in two parts
 * (the second on a worker, `csv_parallel.ts`) is joined by
 * {@link ColumnEncoder.absorb}, which gives the codes and dictionary order a
 * single pass would have given.
 *
 * @module
 */
import type { CodeArray } from "../kernels/columns.ts";

/** A column encoded apart (on a worker), as {@link ColumnEncoder.absorb} takes it. */
export interface ColumnPart {
  /** Code of every row of the part (the first rows of the array). */
  codes: CodeArray;
  /** Raw bytes of the entries, back to back. */
  arena: Uint8Array;
  /** Bytes of `arena` in use. */
  arenaUsed: number;
  /** Per entry: start in the arena. */
  starts: Int32Array;
  /** Per entry: length in bytes (−1: the empty field). */
  lengths: Int32Array;
  /** Number of entries. */
  count: number;
  /** Texts of the entries decoded already (not plain ASCII). */
  decoded: Map<number, string>;
  /** Entries whose bytes cannot be read as text: entry → what is wrong. */
  bad: Map<number, string>;
  /**
   * Per entry: the entry with the same bytes in the column it is appended
   * to, or −1 (looked up by {@link knownEntries} on the worker, so that
   * {@link ColumnEncoder.absorb} need not); absent: absorb looks them up.
   */
  known?: Int32Array;
}

/** The lookup table of a column's entries ({@link ColumnEncoder.index}). */
export interface ColumnIndex {
  /** Open-addressing slots, pairs of (entry or −1, hash). */
  slots: Int32Array;
  /** Raw bytes of the entries. */
  arena: Uint8Array;
  /** Per entry: start in the arena. */
  starts: Int32Array;
  /** Per entry: length in bytes (−1: the empty field). */
  lengths: Int32Array;
}

const EMPTY = -1;
const decoder = new TextDecoder("utf-8", { fatal: true });
const lenientDecoder = new TextDecoder("utf-8");

/** Distinct byte strings of one column and the code of every row. */
export class ColumnEncoder {
  codes: CodeArray;
  /** Distinct texts; `undefined` for an ASCII entry not decoded yet. */
  readonly texts: (string | null | undefined)[] = [];
  /** How many entries are not decoded yet. */
  pending = 0;
  /** Raw bytes of every distinct field, back to back. */
  arena = new Uint8Array(1 << 12);
  arenaUsed = 0;
  /** Per entry: start in the arena, length (−1: the empty field). */
  starts = new Int32Array(64);
  lengths = new Int32Array(64);
  /** Open addressing, pairs of (entry or EMPTY, hash): a probe reads one cache line. */
  slots = new Int32Array(2 * 128).fill(EMPTY);
  nullEntry = -1;
  /** Entries whose bytes cannot be read as text: entry → what is wrong. */
  readonly bad = new Map<number, string>();

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
    const found = this.find(buf, from, length, h);
    if (found !== EMPTY) {
      this.codes[row] = found;
      return;
    }
    if (!escaped && plainAscii(buf, from, to)) {
      // Decoded later, many at a time ({@link ColumnEncoder.decodePending}).
      const e = this.add(undefined, buf, from, length, h, row); // may widen this.codes
      this.pending++;
      this.codes[row] = e;
      return;
    }
    let text: string, bad: string | undefined;
    try {
      text = decode(buf, from, to);
      for (let i = from; i < to; i++) {
        if (buf[i] === 0) {
          bad = `contains a NUL byte (0x00) at byte ${i - from + 1} of the value`;
          break;
        }
      }
    } catch {
      text = lenientDecoder.decode(buf.subarray(from, to));
      bad = invalidUtf8(buf, from, to);
    }
    if (escaped) text = text.replaceAll('""', '"');
    const e = this.add(text, buf, from, length, h, row); // may widen this.codes: assign after
    if (bad !== undefined) this.bad.set(e, bad);
    this.codes[row] = e;
  }

  /** The entry holding the bytes `buf[from, from + length)` (hash `h`), or −1. */
  find(buf: Uint8Array, from: number, length: number, h: number): number {
    return findEntry(this.slots, this.lengths, this.starts, this.arena, buf, from, length, h);
  }

  /**
   * The lookup table of this column's entries, for the worker that encoded
   * the next part ({@link knownEntries}). Like {@link absorb} it ends the
   * column's lookups: the slots are handed over, not copied (16 MB for 1M
   * distinct ids; the worker gets them moved), and the rest is copied (the
   * column still decodes and appends).
   */
  index(): ColumnIndex {
    const n = this.texts.length, slots = this.slots;
    this.slots = new Int32Array(2).fill(EMPTY);
    return {
      slots,
      arena: this.arena.slice(0, this.arenaUsed),
      starts: this.starts.slice(0, n),
      lengths: this.lengths.slice(0, n),
    };
  }

  /** This column's state for the main thread (its arrays are transferred, not copied). */
  part(): ColumnPart {
    const decoded = new Map<number, string>();
    this.texts.forEach((text, e) => {
      if (typeof text === "string") decoded.set(e, text);
    });
    const { codes, arena, arenaUsed, starts, lengths, bad } = this;
    return { codes, arena, arenaUsed, starts, lengths, count: this.texts.length, decoded, bad };
  }

  /**
   * Appends the `rows` rows of a part encoded separately (the rows after
   * `offset`): its entries are looked up by their bytes, new ones added in
   * the part's order, so codes and dictionary are those one pass over both
   * parts gives. It ends the column: the part's entries are not indexed for
   * later lookups.
   */
  absorb(part: ColumnPart, rows: number, offset: number): void {
    if (offset + rows > this.codes.length) this.codes = grow(this.codes, offset + rows, offset);
    const { arena, starts, lengths, decoded, bad, known } = part;
    // The part's bytes go after ours in one copy; its new entries point into them.
    const base = this.arenaUsed;
    if (base + part.arenaUsed > this.arena.length) {
      this.arena = grow(this.arena, base + part.arenaUsed, base);
    }
    this.arena.set(arena.subarray(0, part.arenaUsed), base);
    this.arenaUsed += part.arenaUsed;
    // Room for every entry of the part at once (not one doubling after another).
    const room = this.texts.length + part.count;
    if (room > this.starts.length) {
      this.starts = grow(this.starts, room, this.texts.length);
      this.lengths = grow(this.lengths, room, this.texts.length);
    }
    const anyDecoded = decoded.size > 0, anyBad = bad.size > 0; // mostly none: no map lookups
    const map = new Int32Array(part.count);
    for (let e = 0; e < part.count; e++) {
      const length = lengths[e], from = starts[e];
      if (length < 0) {
        map[e] = this.empty(offset);
        continue;
      }
      let m = known
        ? known[e]
        : this.find(arena, from, length, hashBytes(arena, from, from + length));
      if (m === EMPTY) {
        // Not indexed: the part's entries are distinct, and nothing is looked up after it.
        const text = anyDecoded ? decoded.get(e) : undefined;
        m = this.entry(text, base + from, length, offset); // may widen this.codes
        if (text === undefined) this.pending++;
        if (anyBad && bad.has(e)) this.bad.set(m, bad.get(e)!);
      }
      map[e] = m;
    }
    const codes = this.codes, partCodes = part.codes;
    for (let i = 0; i < rows; i++) codes[offset + i] = map[partCodes[i]];
  }

  empty(row: number): number {
    if (this.nullEntry < 0) this.nullEntry = this.add(null, undefined, 0, 0, 0, row);
    return this.nullEntry;
  }

  /**
   * Decodes the entries added as plain ASCII: arena windows of up to 1 MiB
   * are read as one Latin-1 string each (one character per byte) and cut
   * into the entries' texts.
   */
  decodePending(): void {
    const { texts, starts, lengths, arena } = this;
    const n = texts.length;
    for (let e = 0; e < n && this.pending > 0;) {
      if (texts[e] !== undefined) {
        e++;
        continue;
      }
      const from = starts[e];
      let last = e;
      while (last + 1 < n && starts[last + 1] + Math.max(lengths[last + 1], 0) - from <= WINDOW) {
        last++;
      }
      const window = latin1.decode(arena.subarray(from, starts[last] + Math.max(lengths[last], 0)));
      for (; e <= last; e++) {
        if (texts[e] !== undefined) continue;
        const at = starts[e] - from;
        texts[e] = window.substring(at, at + lengths[e]);
        this.pending--;
      }
    }
  }

  add(
    text: string | null | undefined,
    buf: Uint8Array | undefined,
    from: number,
    length: number,
    h: number,
    row: number,
  ): number {
    if (this.arenaUsed + length > this.arena.length) {
      this.arena = grow(this.arena, Math.max(this.arena.length * 2, this.arenaUsed + length));
    }
    if (buf) {
      const arena = this.arena, at = this.arenaUsed;
      for (let i = 0; i < length; i++) arena[at + i] = buf[from + i];
    }
    const e = this.entry(text, this.arenaUsed, length, row);
    this.arenaUsed += length;
    if (text === null) return e;
    if (4 * this.texts.length > this.slots.length) {
      const old = this.slots;
      this.slots = new Int32Array(old.length * 2).fill(EMPTY);
      for (let s = 0; s < old.length; s += 2) if (old[s] !== EMPTY) this.insert(old[s], old[s + 1]);
    }
    this.insert(e, h);
    return e;
  }

  /** A new entry whose bytes are `arena[start, start + length)` (not indexed for lookups). */
  entry(text: string | null | undefined, start: number, length: number, row: number): number {
    const e = this.texts.length;
    this.texts.push(text);
    // Wider codes once the dictionary outgrows them (only rows so far are copied).
    if (e === 256) this.codes = widen(this.codes, new Uint16Array(this.codes.length), row);
    if (e === 65_536) this.codes = widen(this.codes, new Int32Array(this.codes.length), row);
    if (e >= this.starts.length) {
      this.starts = grow(this.starts, this.starts.length * 2);
      this.lengths = grow(this.lengths, this.lengths.length * 2);
    }
    this.starts[e] = start;
    this.lengths[e] = text === null ? -1 : length;
    return e;
  }

  insert(e: number, h: number): void {
    const slots = this.slots, mask = (slots.length >> 1) - 1;
    let slot = h & mask;
    while (slots[2 * slot] !== EMPTY) slot = (slot + 1) & mask;
    slots[2 * slot] = e;
    slots[2 * slot + 1] = h;
  }
}

/**
 * The entry holding the bytes `buf[from, from + length)` (hash `h`) in a
 * column's lookup table, or −1. Arrays, not the table object, are passed:
 * the tokenizer's hot path stays monomorphic.
 */
function findEntry(
  slots: Int32Array,
  lengths: Int32Array,
  starts: Int32Array,
  arena: Uint8Array,
  buf: Uint8Array,
  from: number,
  length: number,
  h: number,
): number {
  const mask = (slots.length >> 1) - 1;
  for (let slot = h & mask;; slot = (slot + 1) & mask) {
    const e = slots[2 * slot];
    if (e === EMPTY) return EMPTY;
    if (slots[2 * slot + 1] !== h || lengths[e] !== length) continue;
    const start = starts[e];
    let i = 0;
    while (i < length && arena[start + i] === buf[from + i]) i++;
    if (i === length) return e;
  }
}

/**
 * For each entry of `part`, the entry of `index` (the column it will be
 * appended to) with the same bytes, or −1 (the empty field: always −1).
 * What the worker does once the first part is read, while the calling
 * thread decodes that part's texts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ColumnEncoder, knownEntries } from "./csv_column.ts";
 * const bytes = new TextEncoder().encode("abc");
 * const first = new ColumnEncoder(4), second = new ColumnEncoder(4);
 * first.code(0, bytes, 0, 1, false, -1); // "a"
 * second.code(0, bytes, 1, 2, false, -1); // "b"
 * second.code(1, bytes, 0, 1, false, -1); // "a"
 * assert.deepEqual([...knownEntries(second.part(), first.index())], [-1, 0]);
 * ```
 */
export function knownEntries(part: ColumnPart, index: ColumnIndex): Int32Array {
  const { arena, starts, lengths, count } = part;
  const known = new Int32Array(count);
  for (let e = 0; e < count; e++) {
    const from = starts[e], length = lengths[e];
    const h = length < 0 ? 0 : hashBytes(arena, from, from + length);
    known[e] = length < 0
      ? EMPTY
      : findEntry(index.slots, index.lengths, index.starts, index.arena, arena, from, length, h);
  }
  return known;
}

/** A larger copy of `a` (the first `used` values, all by default). */
export function grow<T extends Uint8Array | Uint16Array | Int32Array>(
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

/** Bytes decoded together by {@link ColumnEncoder.decodePending}, at most. */
const WINDOW = 1 << 20;
/** One UTF-16 unit per byte (windows-1252): exact for ASCII bytes. */
const latin1 = new TextDecoder("latin1");

/** Whether `buf[from, to)` is ASCII without NUL bytes (its text needs no check). */
function plainAscii(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c === 0 || c > 127) return false;
  }
  return true;
}

/** UTF-8 bytes as a string: short ASCII texts without the decoder's call overhead. */
const charCodes: number[] = [];

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
      // Through a reused plain array: no typed-array view made per new text.
      const n = to - from;
      charCodes.length = n;
      for (let i = 0; i < n; i++) charCodes[i] = buf[from + i];
      return String.fromCharCode.apply(null, charCodes);
    }
  }
  return decoder.decode(buf.subarray(from, to));
}

/** FNV-1a over `buf[from, to)`, as the parser computes it while scanning. */
export function hashBytes(buf: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h;
}

/** Where the first invalid UTF-8 sequence of `buf[from, to)` is, for a reject's reason. */
function invalidUtf8(buf: Uint8Array, from: number, to: number): string {
  let i = from;
  while (i < to) {
    try {
      decoder.decode(buf.subarray(from, i + 1));
      i++;
    } catch {
      // A sequence that is only cut short so far is not yet invalid.
      if (i + 1 < to && buf[i] >= 0xc2 && (buf[i + 1] & 0xc0) === 0x80) {
        i++;
        continue;
      }
      break;
    }
  }
  let start = i;
  while (start > from && (buf[start] & 0xc0) === 0x80 && i - start < 3) start--;
  const at = Math.min(start, to - 1);
  return `is not valid UTF-8 (byte 0x${
    buf[at].toString(16).toUpperCase().padStart(2, "0")
  } at byte ${at - from + 1} of the value)`;
}
