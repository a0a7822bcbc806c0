/**
 * Dictionary encoding of plain columns (JS arrays of strings, booleans,
 * numbers, `Date`s), cached per column array: the first kernel call on a
 * column hashes every value once; later calls on the same, unchanged array
 * only check each row against the cached code (a pointer comparison) and
 * reuse the codes. A changed array (any row differs from its cached value)
 * is encoded afresh, so the cache can never return stale codes.
 *
 * While encoding, each text value is replaced in its array by the equal
 * dictionary string (same characters, so no program can tell): that makes
 * the check a pointer comparison and lets repeated labels share one string.
 *
 * @module
 */
import { type CodeArray, codeArray } from "./columns.ts";

/** Codes of a column and the values they index (`null` for `null` and `undefined`). */
export interface Encoded {
  /** Code of every row. */
  codes: CodeArray;
  /** Distinct values in order of first row; `Date`s group by instant, as in Arquero. */
  dictionary: unknown[];
}

const cache = new WeakMap<object, Encoded>();
/** Dictionaries known to hold distinct values (`null`) or their canonical codes. */
const canonicalCache = new WeakMap<object, Int32Array | null>();

/**
 * Dictionary-encodes `values` (its first `n` rows), from the cache when the
 * same array was encoded before and no row changed since.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeColumn } from "./encode.ts";
 * const channel = ["chat", "phone", "chat", null];
 * const e = encodeColumn(channel, 4);
 * assert.deepEqual([[...e.codes], e.dictionary], [[0, 1, 0, 2], ["chat", "phone", null]]);
 * assert.equal(encodeColumn(channel, 4), e); // unchanged: the cached codes
 * channel[3] = "web";
 * assert.deepEqual(encodeColumn(channel, 4).dictionary, ["chat", "phone", "web"]);
 * ```
 */
export function encodeColumn(values: ArrayLike<unknown>, n: number): Encoded {
  const cacheable = Array.isArray(values) && values.length === n;
  if (cacheable) {
    const hit = cache.get(values);
    if (hit && hit.codes.length === n && unchanged(values, hit)) return hit;
  }
  const e = encode(values, n, cacheable && !Object.isFrozen(values));
  if (cacheable) cache.set(values as unknown[], e);
  canonicalCache.set(e.dictionary, null);
  return e;
}

/**
 * For a dictionary that may repeat a value (a loader's `CodedColumn` may),
 * the code of each entry's first equal entry (`Date`s equal by instant,
 * `undefined` equal to `null`), or `null` when all entries differ.
 * Dictionaries are read-only, so the answer is cached per dictionary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalCodes } from "./encode.ts";
 * assert.equal(canonicalCodes(["a", "b"]), null);
 * assert.deepEqual([...canonicalCodes(["a", "b", "a", null, undefined])!], [0, 1, 0, 3, 3]);
 * ```
 */
export function canonicalCodes(dictionary: readonly unknown[]): Int32Array | null {
  const cached = canonicalCache.get(dictionary);
  if (cached !== undefined) return cached;
  const canonical = new Int32Array(dictionary.length);
  const byKey = new Map<unknown, number>();
  let distinct = true;
  dictionary.forEach((v, j) => {
    const key = v instanceof Date ? v.getTime() : v ?? null;
    const seen = byKey.get(key);
    canonical[j] = seen ?? j;
    if (seen === undefined) byKey.set(key, j);
    else distinct = false;
  });
  const out = distinct ? null : canonical;
  canonicalCache.set(dictionary, out);
  return out;
}

/** Whether every row still holds its cached value (same value, or same instant for dates). */
function unchanged(values: unknown[], { codes, dictionary }: Encoded): boolean {
  for (let i = 0; i < codes.length; i++) {
    const v = values[i], d = dictionary[codes[i]];
    if (v === d) continue;
    if (d === null && v === undefined) continue;
    if (d instanceof Date && v instanceof Date && d.getTime() === v.getTime()) continue;
    if (d !== d && v !== v) continue; // NaN
    return false;
  }
  return true;
}

function encode(values: ArrayLike<unknown>, n: number, canonicalize: boolean): Encoded {
  const wide = new Int32Array(n);
  const index = new Map<unknown, number>();
  const dictionary: unknown[] = [];
  for (let i = 0; i < n; i++) {
    let v = values[i];
    if (v === undefined) v = null;
    // Dates group by instant, as Arquero does.
    const key = v instanceof Date ? v.getTime() : v;
    let c = index.get(key);
    if (c === undefined) {
      c = dictionary.length;
      index.set(key, c);
      dictionary.push(v);
    } else if (canonicalize && typeof v === "string") {
      (values as unknown[])[i] = dictionary[c];
    }
    wide[i] = c;
  }
  if (dictionary.length > 65_536) return { codes: wide, dictionary };
  const codes = codeArray(n, dictionary.length);
  codes.set(wide);
  return { codes, dictionary };
}
