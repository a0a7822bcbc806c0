/**
 * Text → number and text → date parsing with the conventions CX exports
 * actually use: decimal comma, thousands separators, `DD.MM.YYYY`, German and
 * English month names, ISO timestamps with zones, and zone-less times read in
 * a declared IANA time zone.
 *
 * @module
 */

import {
  utcFromParts,
  type WallTimeConverter,
  wallTimeConverter,
  type WallTimeShift,
} from "../time/zone.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Decimal separator of a file. */
export type Decimal = "." | ",";

/**
 * How dates are written. `"auto"` accepts every supported form and decides
 * the day/month order of slash dates per column.
 */
export type DateFormat = "auto" | "YYYY-MM-DD" | "DD.MM.YYYY" | "DD/MM/YYYY" | "MM/DD/YYYY";

/** The supported `dateFormat` values. */
export const DATE_FORMATS: readonly DateFormat[] = [
  "auto",
  "YYYY-MM-DD",
  "DD.MM.YYYY",
  "DD/MM/YYYY",
  "MM/DD/YYYY",
];

const NUMBER_DOT = /^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_COMMA = /^[+-]?(?:(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a number written with the given decimal separator; the other
 * separator is accepted only as a thousands separator in groups of three
 * (`1.234,56` or `1,234.56`). Returns `undefined` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNumber } from "./parse.ts";
 * assert.ok(parseNumber("1.234,56", ",") === 1234.56);
 * assert.ok(parseNumber("0,85", ",") === 0.85);
 * assert.ok(parseNumber("12abc", ".") === undefined);
 * ```
 */
export function parseNumber(text: string, decimal: Decimal): number | undefined {
  const s = text.trim();
  if (decimal === ".") {
    if (!NUMBER_DOT.test(s)) return undefined;
    return Number(s.includes(",") ? s.replaceAll(",", "") : s);
  }
  if (!NUMBER_COMMA.test(s)) return undefined;
  return Number(s.replaceAll(".", "").replace(",", "."));
}

/** Explains why text is not a number under the file's conventions. */
export function numberProblem(text: string, decimal: Decimal): string {
  const other = decimal === "," ? "." : ",";
  if (decimal === "," && /^[+-]?\d+\.\d+$/.test(text.trim())) {
    return `"${text}" uses a decimal point but the file uses decimal comma; pass decimal: "." if the file uses points`;
  }
  return `"${text}" is not a number (decimal "${decimal}", thousands "${other}")`;
}

const MONTHS: Record<string, number> = {};
for (
  const [i, names] of [
    "januar jan jänner jän january",
    "februar feb february",
    "märz mär mrz maerz march mar",
    "april apr",
    "mai may",
    "juni jun june",
    "juli jul july",
    "august aug",
    "september sep sept",
    "oktober okt october oct",
    "november nov",
    "dezember dez december dec",
  ].entries()
) for (const name of names.split(" ")) MONTHS[name] = i + 1;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DAY_MONTH_NAME = /^(\d{1,2})\.?\s*([A-Za-zÄÖÜäöü]+)\.?\s+(\d{4})$/;
const MONTH_NAME_DAY = /^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/;

/** Day/month order of slash dates in one column. */
export type SlashOrder = "DMY" | "MDY";

/**
 * Decides the day/month order of slash dates (`03/04/2024`) from a column's
 * values: a first part above 12 means day first, a second part above 12 means
 * month first. `ambiguous` when no value tells, `conflict` when both occur.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slashOrder } from "./parse.ts";
 * assert.ok(slashOrder(["03/04/2024", "25/04/2024"]) === "DMY");
 * assert.ok(slashOrder(["03/04/2024"]) === "ambiguous");
 * ```
 */
export function slashOrder(values: Iterable<unknown>): SlashOrder | "ambiguous" | "conflict" {
  let dmy = false, mdy = false;
  for (const v of values) {
    if (typeof v !== "string") continue;
    const m = SLASHED.exec(v.trim());
    if (!m) continue;
    if (+m[1] > 12) dmy = true;
    if (+m[2] > 12) mdy = true;
  }
  return dmy && mdy ? "conflict" : dmy ? "DMY" : mdy ? "MDY" : "ambiguous";
}

/**
 * A reading of a date worth a warning: a two-digit year expanded by the pivot,
 * or a local time in a daylight-saving gap or fold (see {@link makeDateParser}).
 */
export type DateNote = "two-digit year" | WallTimeShift;

/** Options of {@link makeDateParser}. */
export interface DateParserOptions {
  /** Which written forms are accepted (default `"auto"`). */
  format?: DateFormat;
  /** Order of slash dates when `format` is `"auto"` (default day first). */
  slash?: SlashOrder;
  /** IANA zone for dates and times written without a zone (default `"UTC"`). */
  timeZone?: string;
  /** Told once per distinct text read with a {@link DateNote} (for a load warning). */
  onNote?: (text: string, note: DateNote) => void;
}

/** The names of {@link DateParserOptions}. */
export const DATE_PARSER_OPTIONS = optionNames<DateParserOptions>()([
  "format",
  "slash",
  "timeZone",
  "onNote",
]);

/**
 * Two-digit years as spreadsheet programs read them: 00–29 → 2000–2029,
 * 30–99 → 1930–1999.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pivotYear } from "./parse.ts";
 * assert.deepEqual([pivotYear(0), pivotYear(29), pivotYear(30), pivotYear(99)], [2000, 2029, 1930, 1999]);
 * ```
 */
export function pivotYear(yy: number): number {
  return yy < TWO_DIGIT_PIVOT ? 2000 + yy : 1900 + yy;
}

const TWO_DIGIT_PIVOT = 30;
/** Offsets beyond ±14:00 exist nowhere (Kiribati is +14:00). */
const MAX_OFFSET_MINUTES = 14 * 60;
/** Four-digit years before this are typos (`0024` for `2024`), not survey dates. */
const MIN_YEAR = 1000;

/**
 * Makes a parser from text to `Date` for one column. Dates without a time are
 * midnight in `timeZone`; timestamps with `Z` or an offset keep their instant.
 * Equal texts return the same `Date` instance: treat parsed dates as immutable.
 *
 * Rules (each refusal gives `undefined`; {@link dateProblem} says why):
 * - invalid calendar dates (`31.02.2024`) are refused;
 * - two-digit years (`05.01.24`) use the pivot of {@link pivotYear};
 * - four-digit years before 1000 (`0024-01-05`) are refused, never shifted
 *   by JavaScript's rule that adds 1900 to years 0–99;
 * - offsets beyond ±14:00 or with minutes above 59 (`+25:00`, `+05:75`) are refused;
 * - local times in a daylight-saving gap are shifted forward by the gap, those
 *   in a fold take the earlier offset (see `wallTimeConverter`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeDateParser } from "./parse.ts";
 * const parse = makeDateParser({ timeZone: "Europe/Berlin" });
 * assert.ok(parse("01.03.2024")?.toISOString() === "2024-02-29T23:00:00.000Z");
 * assert.ok(parse("2024-03-01T10:00:00+02:00")?.toISOString() === "2024-03-01T08:00:00.000Z");
 * assert.ok(parse("1. März 2024")?.toISOString() === "2024-02-29T23:00:00.000Z");
 * assert.ok(parse("31.02.2024") === undefined);
 * assert.ok(parse("2024-03-31 02:30")?.toISOString() === "2024-03-31T01:30:00.000Z"); // gap
 * assert.ok(parse("0024-01-05") === undefined && parse("2024-01-05T10:00+25:00") === undefined);
 * ```
 */
export function makeDateParser(
  options: DateParserOptions = {},
): (text: string) => Date | undefined {
  checkOptions("makeDateParser", options, DATE_PARSER_OPTIONS);
  const { format = "auto", slash = "DMY", timeZone = "UTC", onNote } = options;
  const notes: DateNote[] = [];
  const local = wallTimeConverter(timeZone, (shift) => notes.push(shift));
  const read = (text: string) => readDate(text, format, slash, local, notes);
  // Equal texts share one Date: a year of daily data has ~365 distinct dates, and
  // one instance per cell would cost a million allocations per million rows.
  const cache = new Map<string, Date | undefined>();
  return (text: string) => {
    let date = cache.get(text);
    if (date === undefined && !cache.has(text)) {
      notes.length = 0;
      const t = read(text);
      date = t === undefined ? undefined : new Date(t);
      if (date && onNote) { for (const note of notes) onNote(text, note); }
      if (cache.size > 200_000) cache.clear();
      cache.set(text, date);
    }
    return date;
  };
}

/**
 * Why `text` is not a date under {@link makeDateParser}'s rules, as the end
 * of a reject reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dateProblem } from "./parse.ts";
 * assert.match(dateProblem("2024-01-05T10:00+15:00"), /beyond ±14:00/);
 * assert.match(dateProblem("05.01.0024"), /year 0024/);
 * ```
 */
export function dateProblem(text: string): string {
  const s = text.trim();
  const zone = ISO.exec(s)?.[8];
  if (zone && zoneOffsetMinutes(zone) === undefined) {
    return `"${s}" has the UTC offset ${zone}, beyond ±14:00 or with minutes above 59, which no place uses; fix the offset, or drop it and set timeZone`;
  }
  const year = ISO.exec(s)?.[1] ?? /^\d{1,2}[./]\d{1,2}[./](\d{4})\b/.exec(s)?.[1];
  if (year && +year < MIN_YEAR) {
    return `"${s}" has the year ${year}, before ${MIN_YEAR}: it is read as written, never as 19${
      year.slice(2)
    } or 20${year.slice(2)}, so write the full year`;
  }
  return `"${s}" is not a valid date (YYYY-MM-DD, DD.MM.YYYY, ISO timestamp, "1. März 2024"; set dateFormat for slash dates)`;
}

function readDate(
  s: string,
  format: DateFormat,
  slash: SlashOrder,
  local: WallTimeConverter,
  notes: DateNote[],
): number | undefined {
  s = s.trim();
  let m: RegExpExecArray | null;
  const at = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0, ms = 0) =>
    y < MIN_YEAR ? undefined : local(y, mo, d, h, mi, sec, ms);
  if (format === "auto" || format === "YYYY-MM-DD") {
    if ((m = ISO.exec(s))) {
      const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", zone] = m;
      const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
      if (!zone) return at(+y, +mo, +d, +h, +mi, +sec, ms);
      const offset = zoneOffsetMinutes(zone);
      const utc = +y < MIN_YEAR ? undefined : utcFromParts(+y, +mo, +d, +h, +mi, +sec, ms);
      return utc === undefined || offset === undefined ? undefined : utc - offset * 60_000;
    }
  }
  if (format === "auto" || format === "DD.MM.YYYY") {
    if ((m = DOTTED.exec(s))) {
      let year = +m[3];
      if (m[3].length === 2) {
        year = pivotYear(year);
        notes.push("two-digit year");
      }
      return at(year, +m[2], +m[1], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
    }
  }
  if (format === "auto" || format === "DD/MM/YYYY" || format === "MM/DD/YYYY") {
    if ((m = SLASHED.exec(s))) {
      const dayFirst = format === "DD/MM/YYYY" || (format === "auto" && slash === "DMY");
      const [day, month] = dayFirst ? [+m[1], +m[2]] : [+m[2], +m[1]];
      return at(+m[3], month, day, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
    }
  }
  if (format === "auto") {
    if ((m = DAY_MONTH_NAME.exec(s))) {
      const month = MONTHS[m[2].toLowerCase()];
      return month ? at(+m[3], month, +m[1]) : undefined;
    }
    if ((m = MONTH_NAME_DAY.exec(s))) {
      const month = MONTHS[m[1].toLowerCase()];
      return month ? at(+m[3], month, +m[2]) : undefined;
    }
  }
  return undefined;
}

/** Minutes east of UTC, or `undefined` for an offset that cannot exist. */
function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === "Z") return 0;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2)), minutes = Number(digits.slice(2, 4) || 0);
  const total = hours * 60 + minutes;
  return minutes > 59 || total > MAX_OFFSET_MINUTES ? undefined : sign * total;
}
