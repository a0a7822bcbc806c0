/**
 * Cell converters of the loaders: text → typed value, or a {@link Bad} with
 * the reason a person can act on. One converter per column serves the
 * row-by-row and the dictionary-encoded paths alike.
 *
 * @module
 */
import type { ColumnKind } from "../schema/fields.ts";
import { dateProblem, type Decimal, numberProblem, parseNumber } from "./parse.ts";

/** A cell that could not be converted; converters return it instead of a value. */
export class Bad {
  constructor(readonly reason: string) {}
}
/** Converters return the value itself (no wrapper allocation per cell) or a {@link Bad}. */
export type Converter = (value: unknown) => unknown;

/** A missing cell: `null`, `undefined` or empty text. */
export function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === "";
}

const MISSING = undefined;
/** Keeps a value as it is (extra columns of typed sources); empty cells become missing. */
export const keepValue: Converter = (v) => isEmpty(v) ? MISSING : v;
const FORMULA_QUOTE = /^'+[=+\-@\t\r]/;

/** The converter of a text, number or integer column. */
export function makeConverter(
  name: string,
  kind: Exclude<ColumnKind, "date">,
  decimal: Decimal,
  unquoteFormulas: boolean,
): Converter {
  if (kind === "string") {
    return (v) => {
      if (isEmpty(v)) return MISSING;
      const s = typeof v === "string" ? v : String(v);
      // 39 is "'": test the regex only for the rare cells that start with a quote.
      return unquoteFormulas && s.charCodeAt(0) === 39 && FORMULA_QUOTE.test(s) ? s.slice(1) : s;
    };
  }
  return (v) => {
    if (isEmpty(v)) return MISSING;
    if (typeof v === "number") {
      return Number.isFinite(v) ? v : new Bad(`${name} must be a finite number, got ${v}`);
    }
    if (typeof v === "bigint") {
      return Number.isSafeInteger(Number(v))
        ? Number(v)
        : new Bad(`${name}: ${v} is too large to be a number without losing digits`);
    }
    const s = String(v).trim();
    if (s === "") return MISSING;
    const n = parseNumber(s, decimal);
    return n === undefined ? new Bad(`${name} must be a number: ${numberProblem(s, decimal)}`) : n;
  };
}

/** How a number in a date column is read: a Date, or the reject reason. */
export type NumericDate = (value: number, column: string) => Date | string;

/**
 * The converter of a date column, with the reason a text is not a date.
 * Numbers are epoch ms unless `numericDate` says how to read them.
 */
export function makeDateConverter(
  name: string,
  parseDate: (s: string) => Date | undefined,
  numericDate?: NumericDate,
): Converter {
  return (v) => {
    if (isEmpty(v)) return MISSING;
    if (v instanceof Date) {
      return Number.isNaN(v.getTime()) ? new Bad(`${name} is an invalid date`) : v;
    }
    if (typeof v === "number") {
      if (!numericDate) return new Date(v);
      const d = numericDate(v, name);
      return typeof d === "string" ? new Bad(d) : d;
    }
    const s = String(v).trim();
    if (s === "") return MISSING;
    const d = parseDate(s);
    return d ?? new Bad(`${name} must be a date: ${dateProblem(s)}`);
  };
}
