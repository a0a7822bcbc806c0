/**
 * What a loader says about how it read a column, beyond accept and reject:
 * the type of an extra column (and why numbers-looking text stays text), the
 * decimal separator chosen for ambiguous `1.234` values, and dates read with
 * the two-digit-year pivot or across a daylight-saving gap or fold. Every
 * warning depends only on the distinct values of a column (and their row
 * counts), so the row-by-row and the dictionary-encoded paths say the same.
 *
 * @module
 */
import type { ColumnKind } from "../schema/fields.ts";
import { type DateNote, type Decimal, parseNumber } from "./parse.ts";

/** A number's value survives only with at most this many significant digits. */
const MAX_DIGITS = 15;
const LEADING_ZERO = /^[+-]?0\d/;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.*)?$|^\d{1,2}\.\d{1,2}\.\d{4}$/;

/** Kind of an extra column, and why number-like text was kept as text. */
export interface ExtraKind {
  kind: ColumnKind;
  /** Warning when the values look like numbers but would not survive as numbers. */
  warning?: string;
}

/**
 * Types an extra text column: number, date, or text. Values that parse as
 * numbers but would lose something as numbers keep the column as text: a
 * leading zero (`007`, postcodes), a leading `+` (phone numbers) or more than
 * 15 significant digits (long ids, which a double cannot hold exactly).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inferExtraKind } from "./column_notes.ts";
 * assert.equal(inferExtraKind("n", ["1", "2,5"], ",").kind, "number");
 * const plz = inferExtraKind("plz", ["10115", "01067"], ".");
 * assert.ok(plz.kind === "string" && plz.warning?.includes('"01067"'));
 * ```
 */
export function inferExtraKind(
  name: string,
  values: ArrayLike<unknown>,
  decimal: Decimal,
): ExtraKind {
  let numbers = 0, dates = 0, filled = 0;
  let lossy: [string, string] | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || v === "") continue;
    filled++;
    const s = String(v).trim();
    if (parseNumber(s, decimal) !== undefined) {
      const why = numberLoss(s, decimal);
      if (why === undefined) numbers++;
      else lossy ??= [s, why];
    } else if (DATE_LIKE.test(s)) dates++;
    else return { kind: "string" };
  }
  if (filled === 0) return { kind: "string" };
  if (lossy) {
    if (dates) return { kind: "string" };
    return {
      kind: "string",
      warning: `${name}: kept as text, not numbers: values such as "${lossy[0]}" ${
        lossy[1]
      }; map the column in the schema or convert it yourself if it is a measure`,
    };
  }
  return { kind: numbers === filled ? "number" : dates === filled ? "date" : "string" };
}

/** Why text that parses as a number would not survive as one, or `undefined`. */
function numberLoss(s: string, decimal: Decimal): string | undefined {
  // Character tests first: this runs on every cell of a numeric extra column.
  const c0 = s.charCodeAt(0);
  if (c0 === PLUS) return 'start with "+", which a number drops (phone numbers)';
  if ((c0 === ZERO || (c0 === MINUS && s.charCodeAt(1) === ZERO)) && LEADING_ZERO.test(s)) {
    return "have a leading zero, which a number drops (postcodes, ids)";
  }
  if (s.length <= MAX_DIGITS) return undefined;
  const [whole, fraction = ""] = s.split(/[eE]/)[0].split(decimal);
  const digits = (whole.replace(/\D/g, "") + fraction.replace(/0+$/, "")).replace(/^0+/, "");
  return digits.length > MAX_DIGITS
    ? `have more than ${MAX_DIGITS} significant digits, which a number cannot hold exactly (long ids)`
    : undefined;
}

const PLUS = 43, MINUS = 45, ZERO = 48;

/** `1.234`: a decimal point, or a German thousands separator. */
const DOT_GROUP = /^[+-]?\d{1,3}\.\d{3}$/;

/**
 * The warning for a number column with `d.ddd` values (`1.234`), which read
 * differently with a decimal point and a decimal comma: which separator was
 * chosen and why (`why` from the sniffer), or `undefined` when no value is
 * ambiguous.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ambiguousDecimalWarning } from "./column_notes.ts";
 * const w = ambiguousDecimalWarning("umsatz", ["7", "1.234"], ",", 'the delimiter is ";"');
 * assert.ok(w?.includes('"1.234" read as 1234'));
 * ```
 */
export function ambiguousDecimalWarning(
  name: string,
  values: ArrayLike<unknown>,
  decimal: Decimal,
  why: string,
): string | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // includes() first: this scans every cell of a number column on the row path.
    if (typeof v !== "string" || !v.includes(".") || !DOT_GROUP.test(v.trim())) continue;
    const s = v.trim();
    const other = decimal === "," ? "." : ",";
    return `${name}: values such as "${s}" read as ${
      parseNumber(s, decimal)
    } (decimal "${decimal}"${
      decimal === "," ? ', "." as thousands separator' : ""
    }) because ${why}; pass decimal: "${other}" if they mean ${parseNumber(s, other) ?? s}`;
  }
  return undefined;
}

/** Texts of one date column read with a {@link DateNote}, in first-seen order. */
export interface DateNotes {
  /** Output column name. */
  name: string;
  /** Zone of zone-less times. */
  timeZone: string;
  /** Text (trimmed) → the notes it was read with. */
  texts: Map<string, DateNote[]>;
}

/** A distinct raw value of a column and the number of rows holding it. */
export type ValueCount = readonly [value: unknown, rows: number];

/**
 * Warnings for the dates of one column read with the two-digit-year pivot or
 * in a daylight-saving gap or fold: rows affected, an example, the rule.
 * `counts` gives the column's distinct raw values with their row counts, in
 * order of first occurrence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dateNoteWarnings } from "./column_notes.ts";
 * const notes = { name: "date", timeZone: "UTC", texts: new Map([["05.01.24", ["two-digit year" as const]]]) };
 * const [w] = dateNoteWarnings(notes, [["05.01.24", 3], ["06.01.2024", 1]]);
 * assert.ok(w.startsWith('date: 3 rows have a two-digit year (e.g. "05.01.24"'));
 * ```
 */
export function dateNoteWarnings(notes: DateNotes, counts: Iterable<ValueCount>): string[] {
  if (notes.texts.size === 0) return [];
  const found = new Map<DateNote, { rows: number; example: string }>();
  for (const [value, rows] of counts) {
    if (value === null || value === undefined) continue;
    const text = String(value).trim();
    for (const note of notes.texts.get(text) ?? []) {
      const seen = found.get(note);
      if (seen) seen.rows += rows;
      else found.set(note, { rows, example: text });
    }
  }
  return (["two-digit year", "gap", "fold"] as const).flatMap((note) => {
    const f = found.get(note);
    return f
      ? [
        `${notes.name}: ${f.rows} ${f.rows === 1 ? "row has" : "rows have"} ${
          NOTE_TEXT[note](f.example, notes.timeZone)
        }`,
      ]
      : [];
  });
}

const NOTE_TEXT: Record<DateNote, (example: string, zone: string) => string> = {
  "two-digit year": (e) =>
    `a two-digit year (e.g. "${e}"), read with the pivot 00–29 → 2000–2029, 30–99 → 1930–1999 (as spreadsheets do); write four-digit years to be sure`,
  gap: (e, zone) =>
    `a local time that does not exist in ${zone} (clocks went forward; e.g. "${e}"), read shifted forward by the gap (the offset before the change, as java.time and Temporal do)`,
  fold: (e, zone) =>
    `a local time that happened twice in ${zone} (clocks went back; e.g. "${e}"), read with the earlier offset (the first of the two instants)`,
};

/**
 * Distinct values of a column with their row counts, in order of first
 * occurrence (the row-by-row path's view of what a dictionary holds).
 */
export function countValues(values: ArrayLike<unknown>): ValueCount[] {
  const counts = new Map<unknown, number>();
  for (let i = 0; i < values.length; i++) {
    counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
  }
  return [...counts];
}
