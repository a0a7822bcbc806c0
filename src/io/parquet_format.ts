/**
 * The Parquet format below the reader of `parquet_native.ts`: the footer
 * (Thrift compact protocol structs, keyed by field id), the RLE/bit-packed
 * hybrid of levels and dictionary indices, snappy decompression and UTF-8
 * text. Every malformed input is a {@link ParquetFormatError}, never a hang.
 *
 * @module
 */
/** The file is not well-formed Parquet. */
export class ParquetFormatError extends Error {}

// ---------------------------------------------------------------------------
// Thrift compact protocol: structs as objects keyed by field id.

export type Thrift = { [field: number]: unknown };

export class CompactReader {
  pos: number;
  constructor(readonly bytes: Uint8Array, pos: number, readonly end = bytes.length) {
    this.pos = pos;
  }

  byte(): number {
    if (this.pos >= this.end) throw new ParquetFormatError("metadata ends early");
    return this.bytes[this.pos++];
  }

  varint(): number {
    let result = 0, scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new ParquetFormatError("bad varint in metadata");
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  struct(depth = 0): Thrift {
    if (depth > 32) throw new ParquetFormatError("metadata nests too deeply");
    const out: Thrift = {};
    let field = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return out;
      const delta = header >> 4, type = header & 0x0f;
      field = delta ? field + delta : this.zigzag();
      out[field] = this.value(type, depth);
    }
  }

  value(type: number, depth: number): unknown {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3:
        return (this.byte() << 24) >> 24;
      case 4:
      case 5:
      case 6:
        return this.zigzag();
      case 7: {
        if (this.pos + 8 > this.end) throw new ParquetFormatError("metadata ends early");
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8)
          .getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case 8: {
        const n = this.varint();
        if (this.pos + n > this.end) throw new ParquetFormatError("metadata ends early");
        const v = this.bytes.subarray(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case 9:
      case 10: {
        const header = this.byte();
        const size = (header >> 4) === 15 ? this.varint() : header >> 4;
        const elem = header & 0x0f;
        if (size > this.end - this.pos) throw new ParquetFormatError("metadata list too long");
        const list: unknown[] = [];
        for (let i = 0; i < size; i++) {
          list.push(elem === 1 || elem === 2 ? this.byte() === 1 : this.value(elem, depth + 1));
        }
        return list;
      }
      case 11: {
        const size = this.varint();
        if (size > this.end - this.pos) throw new ParquetFormatError("metadata map too long");
        const kv = size ? this.byte() : 0;
        for (let i = 0; i < size; i++) {
          this.value(kv >> 4, depth + 1);
          this.value(kv & 0x0f, depth + 1);
        }
        return undefined;
      }
      case 12:
        return this.struct(depth + 1);
      default:
        throw new ParquetFormatError(`unknown metadata field type ${type}`);
    }
  }
}

export const text = new TextDecoder("utf-8");
const strictText = new TextDecoder("utf-8", { fatal: true });

/**
 * The file metadata, from the footer (the Thrift struct between the last
 * `PAR1` and its length).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { footer, ParquetFormatError } from "./parquet_format.ts";
 * assert.throws(() => footer(new TextEncoder().encode("id,score\n1,9\n")), ParquetFormatError);
 * ```
 */
export function footer(bytes: Uint8Array): Thrift {
  const n = bytes.length;
  const magic = (at: number) =>
    bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 &&
    bytes[at + 3] === 0x31;
  if (n < 12 || !magic(0) || !magic(n - 4)) {
    throw new ParquetFormatError("no PAR1 magic at both ends (truncated or not Parquet)");
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset + n - 8, 4).getUint32(0, true);
  if (length > n - 12) throw new ParquetFormatError("footer length exceeds the file");
  return new CompactReader(bytes, n - 8 - length, n - 8).struct();
}

const chars: number[] = [];

/**
 * UTF-8 text; invalid bytes are a format error (DuckDB refuses them too).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { utf8 } from "./parquet_format.ts";
 * const bytes = new TextEncoder().encode("xxMünchen");
 * assert.equal(utf8(bytes, 2, bytes.length - 2), "München");
 * assert.throws(() => utf8(Uint8Array.of(0xff), 0, 1), /invalid UTF-8/);
 * ```
 */
export function utf8(bytes: Uint8Array, at: number, len: number): string {
  if (len <= 32) {
    chars.length = len;
    let ascii = true;
    for (let j = 0; j < len; j++) {
      const b = bytes[at + j];
      if (b >= 0x80) {
        ascii = false;
        break;
      }
      chars[j] = b;
    }
    if (ascii) return String.fromCharCode.apply(null, chars);
  }
  try {
    return strictText.decode(bytes.subarray(at, at + len));
  } catch {
    throw new ParquetFormatError("invalid UTF-8 in a text column");
  }
}

/**
 * The RLE/bit-packed hybrid: `count` values of `width` bits from
 * `bytes[at, end)` into `out`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hybrid } from "./parquet_format.ts";
 * // A run of five 1s (header 5 << 1, value byte 1), then 8 bit-packed 1-bit values (header 1 << 1 | 1).
 * const out = new Uint8Array(13);
 * hybrid(Uint8Array.of(10, 1, 3, 0b10100101), 0, 4, 1, out, 13);
 * assert.deepEqual([...out], [1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1]);
 * ```
 */
export function hybrid(
  bytes: Uint8Array,
  at: number,
  end: number,
  width: number,
  out: Uint8Array | Int32Array,
  count: number,
) {
  if (end > bytes.length) throw new ParquetFormatError("levels run past their page");
  const byteWidth = (width + 7) >> 3;
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  let i = 0;
  while (i < count) {
    let header = 0, shift = 0, b;
    do {
      if (at >= end) throw new ParquetFormatError("encoded values end early");
      b = bytes[at++];
      header += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (header % 2 === 1) {
      const groups = Math.floor(header / 2);
      const total = groups * 8;
      if (at + groups * width > end) throw new ParquetFormatError("encoded values end early");
      let acc = 0, bits = 0, p = at;
      const take = Math.min(total, count - i);
      if (width <= 24) {
        for (let j = 0; j < take; j++) {
          while (bits < width) {
            acc |= bytes[p++] << bits;
            bits += 8;
          }
          out[i++] = acc & mask;
          acc >>>= width;
          bits -= width;
        }
        at += groups * width;
        continue;
      }
      for (let j = 0; j < take; j++) {
        while (bits < width) {
          acc += bytes[p++] * 2 ** bits;
          bits += 8;
        }
        out[i++] = acc % 2 ** width;
        acc = Math.floor(acc / 2 ** width);
        bits -= width;
      }
      at += groups * width;
    } else {
      const run = header / 2;
      if (at + byteWidth > end) throw new ParquetFormatError("encoded values end early");
      let v = 0;
      for (let j = 0; j < byteWidth; j++) v += bytes[at + j] * 2 ** (8 * j);
      at += byteWidth;
      v = v & mask;
      if (run === 0) throw new ParquetFormatError("empty run in encoded values");
      const stop = Math.min(count, i + run);
      out.fill(v, i, stop);
      i = stop;
    }
  }
}

/**
 * A page's bytes decompressed: codec 0 (uncompressed) or 1 (snappy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decompress } from "./parquet_format.ts";
 * // Snappy: length 8, a 4-byte literal "abcd", then a copy of 4 bytes from 4 back.
 * const packed = Uint8Array.of(8, 3 << 2, 97, 98, 99, 100, 1, 4);
 * assert.equal(new TextDecoder().decode(decompress(packed, 1, 8)), "abcdabcd");
 * ```
 */
export function decompress(raw: Uint8Array, codec: number, size: number): Uint8Array {
  if (codec === 0) return raw;
  return snappy(raw, size);
}

/** Snappy's raw format: a varint length, then literals and back-references. */
function snappy(src: Uint8Array, expected: number): Uint8Array {
  let at = 0, length = 0, shift = 0, b;
  do {
    if (at >= src.length) throw new ParquetFormatError("snappy data ends early");
    b = src[at++];
    length += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  if (length !== expected) throw new ParquetFormatError("snappy length does not match the page");
  const out = new Uint8Array(length);
  let o = 0;
  while (at < src.length) {
    const tag = src[at++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (at + extra > src.length) throw new ParquetFormatError("snappy data ends early");
        len = 0;
        for (let j = 0; j < extra; j++) len += src[at + j] * 2 ** (8 * j);
        at += extra;
      }
      len += 1;
      if (at + len > src.length || o + len > length) {
        throw new ParquetFormatError("snappy literal runs past its data");
      }
      if (len > 32) out.set(src.subarray(at, at + len), o);
      else for (let j = 0; j < len; j++) out[o + j] = src[at + j];
      at += len;
      o += len;
    } else {
      let len, distance;
      if (kind === 1) {
        if (at >= src.length) throw new ParquetFormatError("snappy data ends early");
        len = 4 + ((tag >> 2) & 7);
        distance = ((tag >> 5) << 8) | src[at++];
      } else if (kind === 2) {
        if (at + 2 > src.length) throw new ParquetFormatError("snappy data ends early");
        len = (tag >> 2) + 1;
        distance = src[at] | src[at + 1] << 8;
        at += 2;
      } else {
        if (at + 4 > src.length) throw new ParquetFormatError("snappy data ends early");
        len = (tag >> 2) + 1;
        distance = (src[at] | src[at + 1] << 8 | src[at + 2] << 16) + src[at + 3] * 2 ** 24;
        at += 4;
      }
      if (distance === 0 || distance > o || o + len > length) {
        throw new ParquetFormatError("snappy back-reference out of range");
      }
      if (distance >= len && len > 32) out.copyWithin(o, o - distance, o - distance + len);
      else for (let j = 0; j < len; j++) out[o + j] = out[o + j - distance];
      o += len;
    }
  }
  if (o !== length) throw new ParquetFormatError("snappy data is shorter than it says");
  return out;
}
