/**
 * Dictionary-encoding of DuckDB number, boolean and instant vectors, chunk
 * by chunk, so a loader validates each distinct value once (as
 * {@link TextDictionary} does for text).
 *
 * @module
 */
import { type CodeArray, storeCodes } from "../kernels/columns.ts";
import type { TextVector } from "./text_dictionary.ts";

/** What the values are: numbers, booleans, or instants given as epoch milliseconds. */
export type ValueKind = "number" | "boolean" | "instant";

/**
 * Builds codes and a dictionary of distinct values (`Date`s for instants,
 * `null` for missing) for one column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ValueDictionary } from "./value_dictionary.ts";
 * const d = new ValueDictionary(4, "number");
 * d.addVector({ getItem: (i: number) => [9, null, 9, 0.5][i] }, 0, 4);
 * const { codes, dictionary } = d.finish();
 * assert.deepEqual([...codes].map((c) => dictionary[c]), [9, null, 9, 0.5]);
 * ```
 */
export class ValueDictionary {
  #codes: CodeArray;
  readonly #values: unknown[] = [];
  readonly #kind: ValueKind;
  /** Per entry: the two 32-bit words of its number (missing and odd values never match). */
  #keys = new Uint32Array(2 * 64);
  #slots = new Int32Array(128).fill(EMPTY);
  /** Values that are neither numbers nor booleans (a vector's `getItem` gave something else). */
  readonly #other = new Map<unknown, number>();
  #nullEntry = -1;
  /** Codes of the chunk being read: one monomorphic loop, then one typed copy into `#codes`. */
  #chunk = new Int32Array(2048);
  readonly #bits = new Float64Array(1);
  readonly #words = new Uint32Array(this.#bits.buffer);

  /** A builder for `rows` rows of `kind` values. */
  constructor(rows: number, kind: ValueKind) {
    this.#codes = new Uint8Array(rows);
    this.#kind = kind;
  }

  /** Number of distinct values so far (a missing value counts as one). */
  get size(): number {
    return this.#values.length;
  }

  /**
   * Encodes `count` rows of a vector into rows `offset …`; a DOUBLE vector's
   * typed array is read in place when the vector exposes it.
   */
  addVector(vector: TextVector, offset: number, count: number): void {
    const raw = vector as unknown as {
      items?: ArrayLike<number>;
      validity?: { data?: BigUint64Array | null };
    };
    const items = this.#kind === "boolean" ? undefined : raw.items;
    if (this.#chunk.length < count) this.#chunk = new Int32Array(count);
    const chunk = this.#chunk;
    if (!(items instanceof Float64Array) || items.length < count) {
      for (let i = 0; i < count; i++) chunk[i] = this.#entryOf(vector.getItem(i));
      this.#codes = storeCodes(this.#codes, this.#chunk, this.#values.length, offset, count);
      return;
    }
    const validity = raw.validity?.data;
    const valid = validity
      ? new Uint32Array(validity.buffer, validity.byteOffset, validity.length * 2)
      : undefined;
    // The doubles' own bits are the hash keys: no boxed number per row.
    const words = new Uint32Array(items.buffer, items.byteOffset, 2 * count);
    for (let i = 0; i < count; i++) {
      if (valid && ((valid[i >>> 5] >>> (i & 31)) & 1) === 0) chunk[i] = this.#null();
      else chunk[i] = this.#numberEntry(words[2 * i], words[2 * i + 1], items[i]);
    }
    this.#codes = storeCodes(this.#codes, this.#chunk, this.#values.length, offset, count);
  }

  /** The codes and the distinct values. */
  finish(): { codes: CodeArray; dictionary: unknown[] } {
    return { codes: this.#codes, dictionary: this.#values };
  }

  #entryOf(value: unknown): number {
    if (value === null || value === undefined) return this.#null();
    if (typeof value === "number" || typeof value === "boolean") {
      this.#bits[0] = Number(value);
      return this.#numberEntry(this.#words[0], this.#words[1], value);
    }
    let e = this.#other.get(value);
    if (e === undefined) this.#other.set(value, e = this.#add(value, NO_KEY, NO_KEY));
    return e;
  }

  #null(): number {
    if (this.#nullEntry < 0) this.#nullEntry = this.#add(null, NO_KEY, NO_KEY);
    return this.#nullEntry;
  }

  /**
   * The entry of a number given as its low and high words (`value` is stored
   * when new). Equal as `Map` keys are equal: 0 and −0 are one entry, and so
   * is every NaN.
   */
  #numberEntry(lo: number, hi: number, value: unknown): number {
    if (lo === 0 && hi === 0x80000000) hi = 0;
    else if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0) {
      lo = 0;
      hi = 0x7ff80000;
    }
    const mask = this.#slots.length - 1, keys = this.#keys;
    let slot = hashWords(lo, hi) & mask;
    for (;; slot = (slot + 1) & mask) {
      const e = this.#slots[slot];
      if (e === EMPTY) break;
      if (keys[2 * e] === lo && keys[2 * e + 1] === hi) return e;
    }
    const e = this.#add(value, lo, hi);
    if (2 * this.#values.length > this.#slots.length) this.#rehash();
    else this.#slots[slot] = e;
    return e;
  }

  #add(value: unknown, lo: number, hi: number): number {
    const e = this.#values.length;
    this.#values.push(
      value !== null && this.#kind === "instant" ? new Date(value as number) : value,
    );
    if (2 * e + 2 > this.#keys.length) {
      const grown = new Uint32Array(this.#keys.length * 2);
      grown.set(this.#keys);
      this.#keys = grown;
    }
    this.#keys[2 * e] = lo;
    this.#keys[2 * e + 1] = hi;
    return e;
  }

  #rehash(): void {
    const slots = this.#slots = new Int32Array(this.#slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1, keys = this.#keys;
    for (let e = 0; e < this.#values.length; e++) {
      if (keys[2 * e] === NO_KEY && keys[2 * e + 1] === NO_KEY) continue;
      let slot = hashWords(keys[2 * e], keys[2 * e + 1]) & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = e;
    }
  }
}

const EMPTY = -1;
/**
 * Key words of entries that are not numbers (missing, odd values): the bits
 * of one particular NaN, which {@link ValueDictionary} never stores (every
 * NaN is keyed as 0x7ff80000_00000000).
 */
const NO_KEY = 0xffffffff;

function hashWords(lo: number, hi: number): number {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h ^ hi, 0xc2b2ae35);
  return (h ^ (h >>> 13)) >>> 0;
}
