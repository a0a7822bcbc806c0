/**
 * Getting text out of bytes and files: encoding detection (UTF-8 with or
 * without BOM, UTF-16 with BOM, Windows-1252) and delimiter/decimal sniffing
 * for CSV.
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import { CxOptionsError } from "../errors.ts";

/**
 * Encodings `readCsv` understands. `"auto"` reads UTF-16 when the file starts
 * with its byte-order mark, else UTF-8, and Windows-1252 only when the file
 * as a whole is not UTF-8 (see {@link toUtf8}).
 */
export type Encoding = "auto" | "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

const ENCODINGS: readonly Encoding[] = ["auto", "utf-8", "utf-16le", "utf-16be", "windows-1252"];

/** What {@link toUtf8} returns. */
export interface Utf8Input {
  /** The text as UTF-8 bytes, without a byte-order mark. */
  bytes: Uint8Array;
  /** The encoding the input was read in. */
  encoding: Exclude<Encoding, "auto">;
  /** Guesses worth a warning (Windows-1252 chosen). */
  warnings: string[];
}

/**
 * Brings input bytes to UTF-8 for the tokenizer. With `"auto"`: a UTF-16
 * byte-order mark (`FF FE`, `FE FF`) means UTF-16 LE/BE, a UTF-8 one UTF-8;
 * otherwise the input is UTF-8 unless it is not UTF-8 *as a whole*: it has
 * no valid multi-byte UTF-8 sequence at all, or more lines with invalid
 * sequences than lines with valid multi-byte ones (what a Windows-1252
 * export with umlauts looks like). Then it is read as Windows-1252, with a
 * warning. A UTF-8 input with a few invalid bytes stays UTF-8: those bytes
 * are left in place for the reader, which rejects the rows they are in.
 * Input that looks like UTF-16 without a byte-order mark (many NUL bytes) is
 * refused with a `CxOptionsError` naming the option to pass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toUtf8 } from "./text.ts";
 * const cp1252 = toUtf8(new Uint8Array([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0a]), "auto", "x.csv");
 * assert.equal(new TextDecoder().decode(cp1252.bytes), "Grüße\n");
 * assert.equal(cp1252.encoding, "windows-1252");
 * const utf16 = toUtf8(new Uint8Array([0xff, 0xfe, 0x61, 0, 0x0a, 0]), "auto", "x.csv");
 * assert.deepEqual([utf16.encoding, new TextDecoder().decode(utf16.bytes)], ["utf-16le", "a\n"]);
 * ```
 */
export function toUtf8(bytes: Uint8Array, encoding: Encoding, source: string): Utf8Input {
  if (!ENCODINGS.includes(encoding)) {
    throw new CxOptionsError(
      `Option "encoding" must be one of ${ENCODINGS.map((e) => `"${e}"`).join(", ")}, got ${
        JSON.stringify(encoding)
      }`,
    );
  }
  const bom = byteOrderMark(bytes);
  const used = encoding === "auto" ? bom ?? "utf-8" : encoding;
  if (used === "utf-16le" || used === "utf-16be" || used === "windows-1252") {
    // TextDecoder drops a byte-order mark of its own encoding.
    const text = new TextDecoder(used).decode(bytes);
    return { bytes: new TextEncoder().encode(text), encoding: used, warnings: [] };
  }
  const body = bom === "utf-8" ? bytes.subarray(3) : bytes;
  if (isUtf8(body)) return { bytes: body, encoding: "utf-8", warnings: [] };
  if (bom === undefined && looksLikeUtf16(body)) {
    throw new CxOptionsError(
      `${source} looks like UTF-16 without a byte-order mark (many NUL bytes); pass encoding: "utf-16le" or "utf-16be"`,
    );
  }
  if (bom === "utf-8" || wholeIsUtf8(body)) return { bytes: body, encoding: "utf-8", warnings: [] };
  if (encoding === "utf-8") {
    throw new CxOptionsError(
      `The data is not valid UTF-8; pass encoding: "windows-1252" (or "auto") for files saved by Excel on Windows`,
    );
  }
  return {
    bytes: new TextEncoder().encode(new TextDecoder("windows-1252").decode(body)),
    encoding: "windows-1252",
    warnings: [`${source}: not valid UTF-8, read as Windows-1252`],
  };
}

/** The encoding a byte-order mark at the start names, if any. */
export function byteOrderMark(bytes: Uint8Array): "utf-8" | "utf-16le" | "utf-16be" | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/** A quarter or more of the first 4 KiB are NUL bytes: UTF-16 text of mostly ASCII. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  let nul = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) nul++;
  return n >= 4 && nul * 4 >= n;
}

/**
 * Whether bytes that are not all valid UTF-8 are still UTF-8 as a whole: some
 * line holds a valid multi-byte sequence, and lines with invalid sequences
 * are not more than those.
 */
function wholeIsUtf8(bytes: Uint8Array): boolean {
  let valid = 0, invalid = 0, lineValid = false, lineInvalid = false;
  const n = bytes.length;
  for (let i = 0; i <= n;) {
    const b = i < n ? bytes[i] : 10;
    if (b < 0x80) {
      if (b === 10 || b === 13) {
        if (lineValid) valid++;
        if (lineInvalid) invalid++;
        lineValid = lineInvalid = false;
      }
      i++;
      continue;
    }
    const length = sequenceLength(bytes, i);
    if (length > 0) {
      lineValid = true;
      i += length;
    } else {
      lineInvalid = true;
      i++;
    }
  }
  return valid > 0 && invalid <= valid;
}

/** Length of the valid UTF-8 multi-byte sequence at `i`, or 0. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  const length = b >= 0xc2 && b <= 0xdf
    ? 2
    : b >= 0xe0 && b <= 0xef
    ? 3
    : b >= 0xf0 && b <= 0xf4
    ? 4
    : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1];
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  const [low, high] = b === 0xe0
    ? [0xa0, 0xbf]
    : b === 0xed
    ? [0x80, 0x9f]
    : b === 0xf0
    ? [0x90, 0xbf]
    : b === 0xf4
    ? [0x80, 0x8f]
    : [0x80, 0xbf];
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return 0;
  return length;
}

/** Delimiters `readCsv` sniffs. */
export const DELIMITERS = [",", ";", "\t", "|"] as const;

/**
 * Guesses the delimiter from the header and the first lines: the candidate
 * that occurs most often in the header outside quotes, preferring one that
 * splits the following lines into the same number of fields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sniffDelimiter } from "./text.ts";
 * assert.ok(sniffDelimiter("a;b;c\n1,5;2;3\n") === ";");
 * assert.ok(sniffDelimiter("a\tb\n1\t2\n") === "\t");
 * ```
 */
export function sniffDelimiter(text: string): string {
  const lines = firstLines(text, 20);
  let best = ",", bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    if (counts[0] === 0) continue;
    const consistent = counts.filter((c) => c === counts[0]).length;
    const score = consistent * 1000 + counts[0];
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}

/**
 * Guesses the decimal separator of text numbers. A comma-delimited file uses
 * a decimal point; otherwise numbers like `0,85` or `1.234,56` mean decimal
 * comma. See {@link decimalEvidence} for the rule and its reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sniffDecimal } from "./text.ts";
 * assert.ok(sniffDecimal(["0,85", "x"], ";") === ",");
 * assert.ok(sniffDecimal(["0.85"], ";") === ".");
 * ```
 */
export function sniffDecimal(values: Iterable<unknown>, delimiter: string): "." | "," {
  return decimalEvidence(values, delimiter).decimal;
}

/** A sniffed decimal separator and the evidence it rests on. */
export interface DecimalGuess {
  /** The separator chosen. */
  decimal: "." | ",";
  /**
   * Why, as a clause for a warning ("values such as "0,85" use a decimal
   * comma"); absent for comma-delimited files, where `1.234` can only be a
   * decimal point.
   */
  why?: string;
}

const DECIMAL_COMMA = /^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$|^[+-]?\d{1,3}(\.\d{3}){2,}$/;
const DECIMAL_POINT = /^[+-]?\d+\.\d+$/;
/** `1.234`, `12.000`: a decimal point, or a German thousands separator? */
const DOT_GROUP = /^[+-]?\d{1,3}\.\d{3}$/;
const DOTTED_DATE = /^\d{1,2}\.\d{1,2}\.\d{4}\b/;

/**
 * The decimal separator of a file's text numbers and why. A comma delimiter
 * means a decimal point. Otherwise values that can only be read one way
 * decide (`0,85` or `1.234.567` → comma; `0.85` → point, the majority wins,
 * a tie means point). Values with only a `d.ddd` group (`1.234`, `12.000`)
 * fit both; when nothing else decides and such values occur, German
 * conventions — a `;` delimiter or `DD.MM.YYYY` dates — mean decimal comma
 * (`1.234` = 1234). Loaders name the choice per ambiguous column in
 * `summary.warnings`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decimalEvidence } from "./text.ts";
 * assert.equal(decimalEvidence(["1.234", "05.01.2024"], ";").decimal, ",");
 * assert.equal(decimalEvidence(["1.234", "2024-01-05"], "\t").decimal, ".");
 * assert.equal(decimalEvidence(["1.234", "0.5"], ";").decimal, ".");
 * ```
 */
export function decimalEvidence(values: Iterable<unknown>, delimiter: string): DecimalGuess {
  if (delimiter === ",") return { decimal: "." };
  let comma = 0, point = 0, groups = 0, dates = 0;
  let commaExample = "", pointExample = "";
  for (const v of values) {
    if (typeof v !== "string") continue;
    const s = v.trim();
    if (DECIMAL_COMMA.test(s)) {
      if (comma++ === 0) commaExample = s;
    } else if (DOT_GROUP.test(s)) groups++;
    else if (DECIMAL_POINT.test(s)) {
      if (point++ === 0) pointExample = s;
    } else if (DOTTED_DATE.test(s)) dates++;
  }
  if (comma > point) {
    return { decimal: ",", why: `values such as "${commaExample}" use a decimal comma` };
  }
  if (point > 0 && point >= comma) {
    return { decimal: ".", why: `values such as "${pointExample}" use a decimal point` };
  }
  const german = [
    ...(delimiter === ";" ? ['the delimiter is ";"'] : []),
    ...(dates ? ["dates are written DD.MM.YYYY"] : []),
  ];
  if (groups && german.length) {
    return { decimal: ",", why: `${german.join(" and ")} (German conventions)` };
  }
  return {
    decimal: ".",
    why: "no value has a decimal comma and nothing suggests German conventions",
  };
}

function firstLines(text: string, n: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < n && start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, "");
    if (line.trim() !== "") lines.push(line);
    start = end + 1;
  }
  return lines;
}

function countOutsideQuotes(line: string, d: string): number {
  let count = 0, quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === d && !quoted) count++;
  }
  return count;
}
