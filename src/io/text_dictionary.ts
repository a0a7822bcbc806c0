/**
 * Dictionary-encoding of DuckDB text vectors without a JavaScript string per
 * row. DuckDB hands a VARCHAR vector over as 16-byte `string_t` records:
 * the length, then up to 12 bytes inline (zero-padded) or a prefix and a
 * pointer. Short texts — ids, dates, labels — are hashed straight from those
 * words; a text is decoded into a string only the first time it is seen.
 * Longer texts are decoded per row and looked up in a `Map`.
 *
 * @module
 */
import { type CodeArray, storeCodes } from "../kernels/columns.ts";

/** What the builder needs of a DuckDB vector (`@duckdb/node-api` VARCHAR vectors). */
export interface TextVector {
  /** The decoded text of row `i`, or `null`. */
  getItem(i: number): unknown;
}

const EMPTY = -1;
/** Inline bytes are read from 32-bit words, least significant byte first on these machines. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const charCodes: number[] = [];

/** The text of `length` ASCII bytes held in three little-endian words. */
function asciiText(length: number, a: number, b: number, c: number): string {
  charCodes.length = length;
  for (let j = 0; j < length; j++) {
    charCodes[j] = ((j < 4 ? a : j < 8 ? b : c) >>> (8 * (j & 3))) & 0xff;
  }
  return String.fromCharCode.apply(null, charCodes);
}

/**
 * Builds codes and a dictionary for one text column, chunk by chunk.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TextDictionary } from "./text_dictionary.ts";
 * const d = new TextDictionary(4);
 * d.addItems({ getItem: (i: number) => ["b", null, "b", "a long text of more than 12 bytes"][i] }, 0, 4);
 * const { codes, dictionary } = d.finish();
 * assert.deepEqual([...codes].map((c) => dictionary[c]), ["b", null, "b", "a long text of more than 12 bytes"]);
 * ```
 */
export class TextDictionary {
  #codes: CodeArray;
  readonly #texts: (string | null)[] = [];
  /** Per entry: length and three inline words (inline texts only). */
  #keys = new Uint32Array(4 * 64);
  #slots = new Int32Array(128).fill(EMPTY);
  readonly #long = new Map<string, number>();
  #nullEntry = -1;
  #chunk = new Int32Array(2048);

  /** A builder for `rows` rows. */
  constructor(rows: number) {
    this.#codes = new Uint8Array(rows);
  }

  /** Number of distinct texts so far (a missing value counts as one). */
  get size(): number {
    return this.#texts.length;
  }

  /**
   * Encodes `count` rows of a DuckDB VARCHAR vector into rows `offset …`,
   * reading its `string_t` records in place when the vector exposes them.
   */
  addVector(vector: TextVector, offset: number, count: number): void {
    const raw = vector as unknown as {
      dataView?: DataView;
      validity?: { data?: BigUint64Array | null };
    };
    const view = raw.dataView;
    if (!view || view.byteOffset % 4 !== 0 || view.byteLength < count * 16) {
      this.addItems(vector, offset, count);
      return;
    }
    const words = new Uint32Array(view.buffer, view.byteOffset, count * 4);
    const validity = raw.validity?.data;
    const valid = validity
      ? new Uint32Array(validity.buffer, validity.byteOffset, validity.length * 2)
      : undefined;
    const chunk = this.#chunkOf(count);
    for (let i = 0; i < count; i++) {
      if (valid && ((valid[i >>> 5] >>> (i & 31)) & 1) === 0) {
        chunk[i] = this.#null();
        continue;
      }
      const length = words[4 * i];
      if (length > 12) {
        chunk[i] = this.#longEntry(vector.getItem(i) as string);
        continue;
      }
      chunk[i] = this.#inlineEntry(
        length,
        words[4 * i + 1],
        words[4 * i + 2],
        words[4 * i + 3],
        vector,
        i,
      );
    }
    this.#codes = storeCodes(this.#codes, this.#chunk, this.#texts.length, offset, count);
  }

  /** Encodes rows through `getItem` (any vector; strings and nulls). */
  addItems(vector: TextVector, offset: number, count: number): void {
    const chunk = this.#chunkOf(count);
    for (let i = 0; i < count; i++) {
      const v = vector.getItem(i);
      chunk[i] = v === null || v === undefined ? this.#null() : this.#longEntry(String(v));
    }
    this.#codes = storeCodes(this.#codes, this.#chunk, this.#texts.length, offset, count);
  }

  /** The codes (smallest integer array that fits) and the distinct texts. */
  finish(): { codes: CodeArray; dictionary: (string | null)[] } {
    return { codes: this.#codes, dictionary: this.#texts };
  }

  /** A scratch array for one chunk's codes (one monomorphic loop, then one typed copy). */
  #chunkOf(count: number): Int32Array {
    if (this.#chunk.length < count) this.#chunk = new Int32Array(count);
    return this.#chunk;
  }

  #null(): number {
    if (this.#nullEntry < 0) {
      this.#nullEntry = this.#texts.length;
      this.#texts.push(null);
      this.#reserveKey();
    }
    return this.#nullEntry;
  }

  #longEntry(text: string): number {
    let entry = this.#long.get(text);
    if (entry === undefined) {
      entry = this.#texts.length;
      this.#texts.push(text);
      this.#reserveKey();
      this.#long.set(text, entry);
    }
    return entry;
  }

  #inlineEntry(
    length: number,
    a: number,
    b: number,
    c: number,
    vector: TextVector,
    i: number,
  ): number {
    const mask = this.#slots.length - 1;
    let h = Math.imul(length ^ Math.imul(a, 0x9e3779b1), 0x85ebca6b);
    h = Math.imul(h ^ b ^ (h >>> 15), 0xc2b2ae35);
    h = (h ^ c ^ (h >>> 13)) >>> 0;
    const keys = this.#keys;
    for (let slot = h & mask;; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot];
      if (entry === EMPTY) break;
      const k = 4 * entry;
      if (keys[k] === length && keys[k + 1] === a && keys[k + 2] === b && keys[k + 3] === c) {
        return entry;
      }
    }
    // First time this text is seen: decode it once and insert. ASCII (no byte ≥ 0x80; the bytes
    // after `length` are zero) is read from the words; anything else through the vector.
    const entry = this.#texts.length;
    this.#texts.push(
      LITTLE_ENDIAN && ((a | b | c) & 0x80808080) === 0
        ? asciiText(length, a, b, c)
        : vector.getItem(i) as string,
    );
    this.#reserveKey();
    const k = 4 * entry;
    this.#keys[k] = length;
    this.#keys[k + 1] = a;
    this.#keys[k + 2] = b;
    this.#keys[k + 3] = c;
    if (2 * this.#texts.length > this.#slots.length) this.#rehash();
    else this.#insert(entry);
    return entry;
  }

  /** Keeps the key array one entry ahead; non-inline entries get an impossible length. */
  #reserveKey(): void {
    const need = 4 * this.#texts.length;
    if (need > this.#keys.length) {
      const grown = new Uint32Array(this.#keys.length * 2);
      grown.set(this.#keys);
      this.#keys = grown;
    }
    this.#keys[need - 4] = 0xffffffff;
  }

  #insert(entry: number): void {
    const keys = this.#keys, k = 4 * entry;
    if (keys[k] > 12) return;
    const mask = this.#slots.length - 1;
    const length = keys[k], a = keys[k + 1], b = keys[k + 2], c = keys[k + 3];
    let h = Math.imul(length ^ Math.imul(a, 0x9e3779b1), 0x85ebca6b);
    h = Math.imul(h ^ b ^ (h >>> 15), 0xc2b2ae35);
    h = (h ^ c ^ (h >>> 13)) >>> 0;
    let slot = h & mask;
    while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.#slots[slot] = entry;
  }

  #rehash(): void {
    this.#slots = new Int32Array(this.#slots.length * 2).fill(EMPTY);
    for (let e = 0; e < this.#texts.length; e++) this.#insert(e);
  }
}
