/**
 * A faster `tokenize` for the common case: a comment whose characters are
 * all ASCII or Latin-1 letters (plus `’`, `–` and `€`) is split by one scan
 * over its character codes, with no Unicode regular expressions and no
 * normalisation (such text is already NFC); any other comment goes to
 * `tokenize` of `analysis/themes.ts`. The result is the same in both cases
 * (tests/text/scan_test.ts compares them on seeded random strings).
 *
 * @module
 */
import { tokenize, type Word } from "../analysis/themes.ts";

/** 1: part of a word (letter or digit), 2: a letter; 0: neither; -1: not in the fast set. */
const KIND = new Int8Array(0x100).fill(-1);
for (let c = 0; c < 0x80; c++) KIND[c] = 0;
for (let c = 0x30; c <= 0x39; c++) KIND[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) KIND[c] = 3;
for (let c = 0x41; c <= 0x5a; c++) KIND[c] = 3;
for (let c = 0xc0; c <= 0xff; c++) KIND[c] = c === 0xd7 || c === 0xf7 ? 0 : 3;

const APOSTROPHE = 0x27, RIGHT_QUOTE = 0x2019;

function kindOf(c: number): number {
  if (c < 0x100) return KIND[c];
  return c === RIGHT_QUOTE || c === 0x2013 || c === 0x20ac ? 0 : -1;
}

/** True when every character of `text` is in the fast set. */
function simple(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (kindOf(text.charCodeAt(i)) < 0) return false;
  return true;
}

const isWordChar = (c: number) => c < 0x100 && (KIND[c] & 1) === 1;
const isQuote = (c: number) => c === APOSTROPHE || c === RIGHT_QUOTE;

/** Whether the text between two words joins them: only spaces and tabs, or one hyphen. */
function joins(text: string, from: number, to: number): boolean {
  if (to - from === 1 && text.charCodeAt(from) === 0x2d) return true;
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/** `tokenize(comment)`, by a character scan when the comment allows it. */
export function scanWords(comment: string): Word[] {
  if (!simple(comment)) return tokenize(comment);
  const text = comment.toLowerCase();
  const out: Word[] = [];
  let end = -1, previousKept = false, i = 0;
  const n = text.length;
  while (i < n) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let letter = false, quoted = false;
    for (;;) {
      for (let c = text.charCodeAt(i); i < n && isWordChar(c); c = text.charCodeAt(++i)) {
        if (KIND[c] === 3) letter = true;
      }
      if (i + 1 < n && isQuote(text.charCodeAt(i)) && isWordChar(text.charCodeAt(i + 1))) {
        quoted ||= text.charCodeAt(i) === RIGHT_QUOTE;
        i++;
        continue;
      }
      break;
    }
    const joined = previousKept && end >= 0 && joins(text, end, start);
    end = i;
    if (!letter || i - start < 2) {
      previousKept = false;
      continue;
    }
    const word = text.slice(start, i);
    out.push({ word: quoted ? word.replaceAll("’", "'") : word, joined });
    previousKept = true;
  }
  return out;
}
