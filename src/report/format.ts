/**
 * Locale formatting for reports: numbers with the locale's decimal and
 * thousands separators, intervals as "42.0 (38.0–46.0)", shares, dates and
 * p-values, all with one dash for missing values.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";

/** Report languages (headings, labels, sentences). */
export type Lang = "en" | "de";

/** The supported report languages. */
export const LANGS: readonly Lang[] = ["en", "de"];

/** Number and date formatting of one locale. */
export interface ReportFormat {
  /** Report language. */
  lang: Lang;
  /** BCP 47 locale of numbers and dates (`en-US`, `de-DE`). */
  locale: string;
  /** Time zone dates are shown in. */
  timeZone: string;
  /** A number with exactly `digits` decimals (default 1) and grouping. */
  num(x: unknown, digits?: number): string;
  /** A whole number with grouping. */
  int(x: unknown): string;
  /** A value with its interval: `42.0 (38.0–46.0)`. */
  interval(value: unknown, low: unknown, high: unknown, digits?: number): string;
  /** A share (0–1) with its interval, as percentages: `76.4% (74.2–78.6%)`. */
  shareInterval(value: unknown, low: unknown, high: unknown, digits?: number): string;
  /** A share (0–1) as a percentage: `12.3%` / `12,3 %`. */
  share(x: unknown, digits?: number): string;
  /** A percentage value (0–100): `12.3%` / `12,3 %`. */
  percent(x: unknown, digits?: number): string;
  /** A calendar date: `Jan 5, 2024` / `05.01.2024`. */
  date(d: Date | null | undefined): string;
  /** A p-value: `p < 0.001`, `p = 0.042`. */
  p(p: number): string;
}

/** The default locale of each language. */
export const DEFAULT_LOCALE: Record<Lang, string> = { en: "en-US", de: "de-DE" };

const MISSING = "–";
const RANGE_WORD: Record<Lang, string> = { en: " to ", de: " bis " };

/**
 * Makes the formatter of a report language (default locale `en-US` for `en`,
 * `de-DE` for `de`; another BCP 47 locale may be given).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportFormat } from "./format.ts";
 * const de = reportFormat("de");
 * assert.equal(de.interval(42, 38.25, 46), "42,0 (38,3–46,0)");
 * assert.equal(de.int(12345), "12.345");
 * assert.equal(reportFormat("en").interval(-10.6, -12.9, -8.3), "−10.6 (−12.9 to −8.3)");
 * assert.equal(reportFormat("en").num(1234.56), "1,234.6");
 * assert.equal(de.date(new Date("2024-01-05")), "05.01.2024");
 * ```
 */
export function reportFormat(lang: Lang, locale?: string, timeZone = "UTC"): ReportFormat {
  if (!LANGS.includes(lang)) {
    throw new CxOptionsError(
      `Option "lang" must be one of ${LANGS.join(", ")}, got ${JSON.stringify(lang)}`,
    );
  }
  const loc = locale ?? DEFAULT_LOCALE[lang];
  try {
    new Intl.NumberFormat(loc);
    new Intl.DateTimeFormat(loc, { timeZone });
  } catch {
    throw new CxOptionsError(
      `Options "locale"/"timeZone": ${JSON.stringify(loc)} / ${
        JSON.stringify(timeZone)
      } is not a known locale and IANA time zone (try "de-DE", "en-US", "Europe/Berlin")`,
    );
  }
  const numbers = new Map<number, Intl.NumberFormat>();
  const numberFormat = (digits: number) => {
    let f = numbers.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(loc, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      numbers.set(digits, f);
    }
    return f;
  };
  const percents = new Map<number, Intl.NumberFormat>();
  const percentFormat = (digits: number) => {
    let f = percents.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(loc, {
        style: "percent",
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      percents.set(digits, f);
    }
    return f;
  };
  const dates = new Intl.DateTimeFormat(loc, { dateStyle: "medium", timeZone });
  const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
  // A true minus sign, and "to" between bounds when one is negative ("−12.9 to −8.3", not "-12.9–-8.3").
  const minus = (text: string) => text.replace(/^-/, "\u2212");
  const num = (x: unknown, digits = 1) =>
    finite(x) ? minus(numberFormat(digits).format(x)) : MISSING;
  const share = (x: unknown, digits = 1) =>
    finite(x) ? minus(percentFormat(digits).format(x)) : MISSING;
  const to = (low: number, high: number) => low < 0 || high < 0 ? RANGE_WORD[lang] : "–";
  return {
    lang,
    locale: loc,
    timeZone,
    num,
    int: (x) => num(x, 0),
    interval: (value, low, high, digits = 1) =>
      finite(value)
        ? finite(low) && finite(high)
          ? `${num(value, digits)} (${num(low, digits)}${to(low, high)}${num(high, digits)})`
          : num(value, digits)
        : MISSING,
    shareInterval: (value, low, high, digits = 1) =>
      finite(value)
        ? finite(low) && finite(high)
          ? `${share(value, digits)} (${num(100 * low, digits)}${to(low, high)}${
            share(high, digits)
          })`
          : share(value, digits)
        : MISSING,
    share,
    percent: (x, digits = 1) => finite(x) ? share(x / 100, digits) : MISSING,
    date: (d) => d instanceof Date && !Number.isNaN(d.getTime()) ? dates.format(d) : MISSING,
    p: (p) => p < 0.001 ? `p < ${num(0.001, 3)}` : `p = ${num(p, 3)}`,
  };
}
