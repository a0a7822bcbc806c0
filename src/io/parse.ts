/**
 * Text → number and text → date parsing with the conventions CX exports
 * actually use: decimal comma, thousands separators, `DD.MM.YYYY`, German and
 * English month names, ISO timestamps with zones, and zone-less times read in
 * a declared IANA time zone.
 *
 * @module
 */

import { utcFromParts, wallTimeConverter } from "../time/zone.ts";

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

/** Options of {@link makeDateParser}. */
export interface DateParserOptions {
  /** Which written forms are accepted (default `"auto"`). */
  format?: DateFormat;
  /** Order of slash dates when `format` is `"auto"` (default day first). */
  slash?: SlashOrder;
  /** IANA zone for dates and times written without a zone (default `"UTC"`). */
  timeZone?: string;
}

/**
 * Makes a parser from text to `Date` for one column. Dates without a time are
 * midnight in `timeZone`; timestamps with `Z` or an offset keep their instant.
 * Invalid calendar dates (`31.02.2024`) give `undefined`. Equal texts return
 * the same `Date` instance: treat parsed dates as immutable.
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
 * ```
 */
export function makeDateParser(
  options: DateParserOptions = {},
): (text: string) => Date | undefined {
  const { format = "auto", slash = "DMY", timeZone = "UTC" } = options;
  const local = wallTimeConverter(timeZone);
  // Equal texts share one Date: a year of daily data has ~365 distinct dates, and
  // one instance per cell would cost a million allocations per million rows.
  const cache = new Map<string, Date | undefined>();
  const parse = (text: string): number | undefined => {
    const s = text.trim();
    let m: RegExpExecArray | null;
    if (format === "auto" || format === "YYYY-MM-DD") {
      if ((m = ISO.exec(s))) {
        const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", zone] = m;
        const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
        if (!zone) return local(+y, +mo, +d, +h, +mi, +sec, ms);
        const utc = utcFromParts(+y, +mo, +d, +h, +mi, +sec, ms);
        return utc === undefined ? undefined : utc - zoneOffsetMinutes(zone) * 60_000;
      }
    }
    if (format === "auto" || format === "DD.MM.YYYY") {
      if ((m = DOTTED.exec(s))) {
        const year = m[3].length === 2 ? 2000 + +m[3] : +m[3];
        return local(year, +m[2], +m[1], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), 0);
      }
    }
    if (format === "auto" || format === "DD/MM/YYYY" || format === "MM/DD/YYYY") {
      if ((m = SLASHED.exec(s))) {
        const dayFirst = format === "DD/MM/YYYY" || (format === "auto" && slash === "DMY");
        const [day, month] = dayFirst ? [+m[1], +m[2]] : [+m[2], +m[1]];
        return local(+m[3], month, day, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), 0);
      }
    }
    if (format === "auto") {
      if ((m = DAY_MONTH_NAME.exec(s))) {
        const month = MONTHS[m[2].toLowerCase()];
        return month ? local(+m[3], month, +m[1], 0, 0, 0, 0) : undefined;
      }
      if ((m = MONTH_NAME_DAY.exec(s))) {
        const month = MONTHS[m[1].toLowerCase()];
        return month ? local(+m[3], month, +m[2], 0, 0, 0, 0) : undefined;
      }
    }
    return undefined;
  };
  return (text: string) => {
    let date = cache.get(text);
    if (date === undefined && !cache.has(text)) {
      const t = parse(text);
      date = t === undefined ? undefined : new Date(t);
      if (cache.size > 200_000) cache.clear();
      cache.set(text, date);
    }
    return date;
  };
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === "Z") return 0;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}
