/**
 * Getting text out of bytes and files: encoding detection (UTF-8 with or
 * without BOM, Windows-1252) and delimiter/decimal sniffing for CSV.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";

/** Encodings `readCsv` understands. `"auto"` tries UTF-8 and falls back to Windows-1252. */
export type Encoding = "auto" | "utf-8" | "windows-1252";

/**
 * Decodes bytes to text. With `"auto"`, a UTF-8 BOM or valid UTF-8 means
 * UTF-8; anything else is read as Windows-1252 (what Excel writes on German
 * Windows). Returns the encoding used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeText } from "./text.ts";
 * const { text, encoding } = decodeText(new Uint8Array([0x47, 0x72, 0xfc, 0xdf, 0x65]));
 * assert.ok(text === "Grüße" && encoding === "windows-1252");
 * ```
 */
export function decodeText(
  bytes: Uint8Array,
  encoding: Encoding = "auto",
): { text: string; encoding: Exclude<Encoding, "auto"> } {
  if (encoding !== "auto" && encoding !== "utf-8" && encoding !== "windows-1252") {
    throw new CxOptionsError(
      `Option "encoding" must be "auto", "utf-8" or "windows-1252", got ${
        JSON.stringify(encoding)
      }`,
    );
  }
  if (encoding === "windows-1252") {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding };
  }
  // The lenient decoder is ~4× faster than the fatal one; only text that came out
  // with replacement characters needs the strict check.
  const text = new TextDecoder("utf-8").decode(bytes);
  if (!text.includes("\uFFFD")) return { text, encoding: "utf-8" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    if (encoding === "utf-8") {
      throw new CxOptionsError(
        `The data is not valid UTF-8; pass encoding: "windows-1252" (or "auto") for files saved by Excel on Windows`,
      );
    }
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
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
