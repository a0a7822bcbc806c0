/**
 * Dictionary-encoding of DuckDB number, boolean and instant vectors, chunk
 * by chunk, so a loader validates each distinct value once (as
 * {@link TextDictionary} does for text).
 *
 * @module
 */
import type { CodeArray } from "../kernels/columns.ts";
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
  readonly #index = new Map<unknown, number>();
  readonly #kind: ValueKind;

  /** A builder for `rows` rows of `kind` values. */
  constructor(rows: number, kind: ValueKind) {
    this.#codes = new Uint8Array(rows);
    this.#kind = kind;
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
    if (!(items instanceof Float64Array) || items.length < count) {
      for (let i = 0; i < count; i++) this.#set(offset + i, vector.getItem(i));
      return;
    }
    const validity = raw.validity?.data;
    const valid = validity
      ? new Uint32Array(validity.buffer, validity.byteOffset, validity.length * 2)
      : undefined;
    for (let i = 0; i < count; i++) {
      const ok = !valid || ((valid[i >>> 5] >>> (i & 31)) & 1) === 1;
      this.#set(offset + i, ok ? items[i] : null);
    }
  }

  /** The codes and the distinct values. */
  finish(): { codes: CodeArray; dictionary: unknown[] } {
    return { codes: this.#codes, dictionary: this.#values };
  }

  #set(row: number, value: unknown): void {
    const key = value ?? null;
    let e = this.#index.get(key);
    if (e === undefined) {
      e = this.#values.length;
      this.#values.push(
        key !== null && this.#kind === "instant" ? new Date(key as number) : key,
      );
      this.#index.set(key, e);
      if (e === 256) this.#widen(new Uint16Array(this.#codes.length), row);
      if (e === 65_536) this.#widen(new Int32Array(this.#codes.length), row);
    }
    this.#codes[row] = e;
  }

  #widen(wider: CodeArray, used: number): void {
    wider.set(this.#codes.subarray(0, used));
    this.#codes = wider;
  }
}
