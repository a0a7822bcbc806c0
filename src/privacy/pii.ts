/**
 * Personal data in free text, found and redacted string by string: e-mail
 * addresses, phone numbers (German and international formats), IBANs
 * (mod-97 checked) and payment card numbers (Luhn checked). A base layer
 * beside `schema/`, `stats/` and `time/`: it imports only the error family,
 * so the writers in `io/` (option `redact`), the table-level `findPii` /
 * `redactPii` in `text/` and the report can all use the same detectors.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";

/** A kind of personal data the detectors find. */
export type PiiKind = "email" | "phone" | "iban" | "card";

/** Every {@link PiiKind}, in the order overlapping matches are decided (first wins). */
export const PII_KINDS: readonly PiiKind[] = ["email", "iban", "card", "phone"];

/** Language of the placeholders. */
export type PiiLanguage = "de" | "en";

/** The placeholder of each kind, per language. */
export const PII_LABELS: Readonly<Record<PiiLanguage, Readonly<Record<PiiKind, string>>>> = {
  de: { email: "[E-Mail]", phone: "[Telefon]", iban: "[IBAN]", card: "[Karte]" },
  en: { email: "[email]", phone: "[phone]", iban: "[IBAN]", card: "[card]" },
};

/** One piece of personal data in a text: `text.slice(start, end)` (UTF-16 offsets). */
export interface PiiMatch {
  /** What it is. */
  kind: PiiKind;
  /** Offset of its first character. */
  start: number;
  /** Offset after its last character. */
  end: number;
}

/**
 * The personal data in one text, sorted by `start`, never overlapping.
 *
 * - **e-mail**: `local@domain.tld` (letters incl. umlauts, digits, `._%+-`
 *   before the `@`; a top-level domain of two or more letters).
 * - **IBAN**: a country code with its registered IBAN length, two check
 *   digits and the account part, written compactly or in groups of four
 *   separated by single spaces, any case; kept only when the mod-97 check
 *   (ISO 13616) gives 1.
 * - **card**: 13–19 digits, compact or in groups of 3–6 separated by single
 *   spaces or dashes (one kind of separator), with the prefix and length of a
 *   card scheme (Visa, Mastercard, American Express, Diners, Discover, JCB,
 *   Maestro, UnionPay), kept only when the Luhn check passes.
 * - **phone**: `+` or `00` and a country code with 8–15 digits in all, or a
 *   German national number (`0` then a non-zero digit, 8–14 digits), with
 *   single spaces, `-` or `/` between digit groups and an area code in
 *   parentheses (`(030) 1234567`, `+49 (0)30 …`); or a North American
 *   number with its area code (`(415) 555-2671`, `415-555-2671`). Not a
 *   phone: anything that reads as a date (`01-02-2024`), numbers after `.`,
 *   `,` or `#` (prices, versions), and numbers named as order, invoice,
 *   customer, contract, ticket or tracking numbers just before.
 *
 * Dates, times, prices, version numbers, postcodes and order numbers are
 * left alone because none of them fits these shapes (a card number must
 * also pass Luhn, an IBAN mod 97). An order number that happens to be a
 * Luhn-valid number with a card scheme's prefix is redacted as a card.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPiiInText } from "./pii.ts";
 * const text = "Mail an max@example.org oder 0151 12345678, Bestellung 4711 vom 12.03.2024";
 * assert.deepEqual(findPiiInText(text), [
 *   { kind: "email", start: 8, end: 23 },
 *   { kind: "phone", start: 29, end: 42 },
 * ]);
 * ```
 */
export function findPiiInText(text: string, kinds: readonly PiiKind[] = PII_KINDS): PiiMatch[] {
  const found: PiiMatch[] = [];
  const free = (start: number, end: number) => found.every((m) => end <= m.start || start >= m.end);
  for (const kind of PII_KINDS) {
    if (!kinds.includes(kind)) continue;
    for (const [start, end] of DETECTORS[kind](text)) {
      if (free(start, end)) found.push({ kind, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * The text with every piece of personal data of `kinds` replaced by its
 * placeholder ({@link PII_LABELS}: `[E-Mail]`, `[Telefon]`, `[IBAN]`,
 * `[Karte]` in German, the default; `[email]`, `[phone]`, `[IBAN]`, `[card]`
 * in English). See {@link findPiiInText} for what is found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactText } from "./pii.ts";
 * assert.equal(
 *   redactText("IBAN DE89 3704 0044 0532 0130 00, Tel. +49 30 1234567"),
 *   "IBAN [IBAN], Tel. [Telefon]",
 * );
 * assert.equal(redactText("Call (415) 555-2671", { language: "en" }), "Call [phone]");
 * ```
 */
export function redactText(
  text: string,
  options: { kinds?: readonly PiiKind[]; language?: PiiLanguage } = {},
): string {
  const labels = PII_LABELS[options.language ?? "de"];
  let out = "";
  let at = 0;
  for (const m of findPiiInText(text, options.kinds)) {
    out += text.slice(at, m.start) + labels[m.kind];
    at = m.end;
  }
  return out + text.slice(at);
}

/**
 * Checks the `kinds` and `language` options of the PII functions and returns
 * them with their defaults (every kind; German); anything else is a
 * `CxOptionsError` that lists what is allowed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPiiOptions } from "./pii.ts";
 * assert.deepEqual(checkPiiOptions({ kinds: ["email"] }), { kinds: ["email"], language: "de" });
 * assert.throws(() => checkPiiOptions({ kinds: ["mail"] as never }), /"kinds".*"email"/);
 * ```
 */
export function checkPiiOptions(
  options: { kinds?: readonly PiiKind[]; language?: PiiLanguage },
): { kinds: readonly PiiKind[]; language: PiiLanguage } {
  const { kinds = PII_KINDS, language = "de" } = options;
  if (!Array.isArray(kinds) || kinds.length === 0 || !kinds.every((k) => PII_KINDS.includes(k))) {
    throw new CxOptionsError(
      `Option "kinds" must list some of "email", "phone", "iban", "card", got ${
        JSON.stringify(kinds)
      }`,
    );
  }
  if (language !== "de" && language !== "en") {
    throw new CxOptionsError(
      `Option "language" must be "de" or "en" (the placeholders' language), got ${
        JSON.stringify(language)
      }`,
    );
  }
  return { kinds, language };
}

/**
 * Whether a column holds text: at least one string and nothing but strings
 * and missing values. These are the columns redacted by default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { isTextColumn } from "./pii.ts";
 * const t = aq.table({ a: ["x", null], b: [1, 2], c: [null, null] });
 * assert.deepEqual(["a", "b", "c"].map((c) => isTextColumn(t, c)), [true, false, false]);
 * ```
 */
export function isTextColumn(table: ColumnTable, column: string): boolean {
  const values = table.array(column) as ArrayLike<unknown>;
  let text = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v !== "string") return false;
    text = true;
  }
  return text;
}

/** Whether a column holds only missing values. */
export function isEmptyColumn(table: ColumnTable, column: string): boolean {
  const values = table.array(column) as ArrayLike<unknown>;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== null && values[i] !== undefined) return false;
  }
  return true;
}

/**
 * The table with the strings of `columns` redacted ({@link redactText});
 * other values and columns unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { redactColumns } from "./pii.ts";
 * const t = aq.table({ c: ["a@b.de", null], n: [1, 2] });
 * assert.deepEqual(redactColumns(t, ["c"]).objects(), [{ c: "[E-Mail]", n: 1 }, { c: null, n: 2 }]);
 * ```
 */
export function redactColumns(
  table: ColumnTable,
  columns: readonly string[],
  options: { kinds?: readonly PiiKind[]; language?: PiiLanguage } = {},
): ColumnTable {
  if (columns.length === 0) return table;
  const redacted = Object.fromEntries(columns.map((column) => [
    column,
    Array.from(
      table.array(column) as ArrayLike<unknown>,
      (v) => typeof v === "string" ? redactText(v, options) : v,
    ),
  ]));
  return table.assign(redacted);
}

/** The `redact` option of the writers: `true`, or the placeholders' language and the kinds. */
export type RedactOption = boolean | { language?: PiiLanguage; kinds?: PiiKind[] };

/**
 * What a writer writes under its `redact` option: the table itself
 * (`false`, the default), or the table with every text column
 * ({@link isTextColumn}) redacted; anything else is a `CxOptionsError`
 * naming the writer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { redactForWriting } from "./pii.ts";
 * const t = aq.table({ c: ["Tel. 0151 12345678"] });
 * assert.equal(redactForWriting(t, true, "writeCsv").get("c", 0), "Tel. [Telefon]");
 * assert.equal(redactForWriting(t, { language: "en" }, "writeCsv").get("c", 0), "Tel. [phone]");
 * assert.equal(redactForWriting(t, undefined, "writeCsv"), t);
 * ```
 */
export function redactForWriting(
  table: ColumnTable,
  redact: RedactOption | undefined,
  fn: string,
): ColumnTable {
  if (redact === undefined || redact === false) return table;
  if (redact !== true && (redact === null || typeof redact !== "object" || Array.isArray(redact))) {
    throw new CxOptionsError(
      `${fn}: option "redact" must be true, false or { language, kinds }, got ${
        JSON.stringify(redact)
      }`,
    );
  }
  const given = redact === true ? {} : redact;
  for (const name of Object.keys(given)) {
    if (name !== "language" && name !== "kinds") {
      throw new CxOptionsError(
        `${fn}: option "redact" takes language and kinds, got ${JSON.stringify(name)}`,
      );
    }
  }
  const checked = checkPiiOptions(given);
  const columns = table.columnNames().filter((c) => isTextColumn(table, c));
  return redactColumns(table, columns, checked);
}

type Spans = [start: number, end: number][];

const DETECTORS: Record<PiiKind, (text: string) => Spans> = {
  email: (text) => [...text.matchAll(EMAIL)].map((m) => [m.index, m.index + m[0].length]),
  iban: ibans,
  card: cards,
  phone: phones,
};

const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}_%+-]+(?:\.[\p{L}\p{N}_%+-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}(?![\p{L}\p{N}])/gu;

/** IBAN lengths by country (SWIFT IBAN registry). */
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(
  (`AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 ` +
    `EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 ` +
    `IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 ` +
    `NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 ` +
    `TR26 UA29 VA22 VG24 XK20`).split(" ").map((e) => [e.slice(0, 2), Number(e.slice(2))]),
);

/** An IBAN candidate: country, check digits, then alphanumerics with single spaces. */
const IBAN_START = /(?<![\p{L}\p{N}])([A-Za-z]{2})(\d{2})(?=[ ]?[A-Za-z0-9])/gu;

function ibans(text: string): Spans {
  const out: Spans = [];
  for (const m of text.matchAll(IBAN_START)) {
    const length = IBAN_LENGTHS.get(m[1].toUpperCase());
    if (length === undefined) continue;
    const end = ibanEnd(text, m.index, length);
    if (end !== undefined) out.push([m.index, end]);
  }
  return out;
}

/** End of the IBAN of `length` characters at `start` (groups of four), if valid. */
function ibanEnd(text: string, start: number, length: number): number | undefined {
  let compact = "";
  let i = start;
  while (compact.length < length && i < text.length) {
    const c = text[i];
    if (/[A-Za-z0-9]/.test(c)) {
      compact += c;
      i++;
    } else if (c === " " && compact.length % 4 === 0 && /[A-Za-z0-9]/.test(text[i + 1] ?? "")) {
      i++;
    } else break;
  }
  if (compact.length !== length || /[\p{L}\p{N}]/u.test(text[i] ?? "")) return undefined;
  return ibanValid(compact) ? i : undefined;
}

/**
 * The ISO 13616 mod-97 check of a compact IBAN: the first four characters
 * moved to the end, letters as 10–35, the number mod 97 must be 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ibanValid } from "./pii.ts";
 * assert.equal(ibanValid("DE89370400440532013000"), true);
 * assert.equal(ibanValid("DE89370400440532013001"), false);
 * ```
 */
export function ibanValid(iban: string): boolean {
  const s = iban.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  let rest = 0;
  for (const c of s.slice(4) + s.slice(0, 4)) {
    const v = parseInt(c, 36);
    rest = v < 10 ? (rest * 10 + v) % 97 : (rest * 100 + v) % 97;
  }
  return rest === 1;
}

/**
 * The Luhn check of a string of digits (payment cards): doubling every
 * second digit from the right, the sum must be a multiple of 10.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { luhnValid } from "./pii.ts";
 * assert.equal(luhnValid("4111111111111111"), true);
 * assert.equal(luhnValid("4111111111111112"), false);
 * ```
 */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const CARD = /(?<![\p{L}\p{N}+\/.,#_-])\d+(?:[ -]\d+)*(?![\p{L}\p{N}]|[.,\/-]\d)/gu;

function cards(text: string): Spans {
  const out: Spans = [];
  for (const m of text.matchAll(CARD)) {
    const groups = m[0].split(/[ -]/);
    const separators = [...new Set(m[0].replace(/\d/g, ""))];
    if (separators.length > 1) continue;
    if (groups.length > 1 && groups.some((g) => g.length < 3 || g.length > 6)) continue;
    // the longest run of leading groups that is a card (text may follow it)
    let digits = "", best = 0;
    for (let k = 0; k < groups.length && digits.length + groups[k].length <= 19; k++) {
      digits += groups[k];
      if (digits.length >= 13 && cardScheme(digits) && luhnValid(digits)) best = k + 1;
    }
    if (best) out.push([m.index, m.index + groups.slice(0, best).join(separators[0] ?? "").length]);
  }
  return out;
}

/** Whether the digits have the prefix and length of a card scheme. */
function cardScheme(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2)), p3 = Number(d.slice(0, 3)), p4 = Number(d.slice(0, 4));
  if (d[0] === "4") return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38) return n >= 14 && n <= 19; // Diners
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || p2 === 62) {
    return n >= 16 && n <= 19; // Discover, UnionPay
  }
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 13 && n <= 19; // Maestro
  return false;
}

const PHONE =
  /(?<![\p{L}\p{N}+\/.,#_@-])(?:\+|\()?\d(?:(?:[ \-\/]| \/ |\) ?| ?\()?\d)*(?![\p{L}\p{N}]|[.,:\/-]\d)/gu;
const DATE_LIKE = /^\d{1,2}([\-\/ ])\d{1,2}\1\d{2,4}$/;
const NANP = /^(?:\+?1[ \-]?)?(?:\([2-9]\d\d\) ?|[2-9]\d\d[\-])[2-9]\d\d-\d{4}$/;
/** Words that name a number as something other than a phone, just before it. */
const NOT_A_PHONE =
  /(?:bestell|auftrag|rechnung|kunden|vertrag|sendung|tracking|order|invoice|customer|contract|ticket|referenz|reference|artikel|item|vorgang|case)[\p{L}.\-]*(?:\s*(?:nr\.?|nummer|number|no\.?|id|#))?[\s:.#-]*$/iu;

function phones(text: string): Spans {
  const out: Spans = [];
  for (const m of text.matchAll(PHONE)) {
    // "(0172 1234567)": the parenthesis belongs to the sentence
    const open = m[0].startsWith("(") && !m[0].includes(")") ? 1 : 0;
    const c = m[0].slice(open), start = m.index + open;
    if (!balanced(c) || !phoneShape(c)) continue;
    if (NOT_A_PHONE.test(text.slice(Math.max(0, start - 40), start))) continue;
    out.push([start, start + c.length]);
  }
  return out;
}

function phoneShape(c: string): boolean {
  if (NANP.test(c)) return true;
  if (DATE_LIKE.test(c)) return false;
  const digits = c.replace(/\D/g, "");
  if (c.startsWith("+")) return /^[1-9]/.test(digits) && digits.length >= 8 && digits.length <= 15;
  if (/^00[1-9]/.test(digits)) return digits.length >= 10 && digits.length <= 17;
  return /^0[1-9]/.test(digits) && digits.length >= 8 && digits.length <= 14 &&
    (c.startsWith("(") || /^0\d{1,5}(?:[ \-\/]|$)/.test(c) || /^\d+$/.test(c));
}

/** At most one pair of parentheses, holding only digits (and an optional leading `+`). */
function balanced(c: string): boolean {
  const open = c.split("(").length - 1, close = c.split(")").length - 1;
  if (open === 0 && close === 0) return true;
  return open === 1 && close === 1 && /\(\+?\d+\)/.test(c);
}
