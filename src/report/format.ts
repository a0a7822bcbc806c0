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
  /** A difference of scores with its unit: `13.9 points` / `13,9 Punkte`. */
  points(x: unknown, digits?: number): string;
  /** A difference of percentages (0–100 scale): `7.5 percentage points` / `7,5 Prozentpunkte`. */
  pp(x: unknown, digits?: number): string;
  /**
   * A duration given in minutes, in the unit a reader takes in: minutes below
   * 2 hours, hours below 2 days, else days (`42.0 min`, `3.9 h`, `2.5 days`).
   */
  duration(minutes: unknown): string;
  /** A duration in minutes with its interval, all in the unit of the value: `3.9 h (3.7–4.1)`. */
  durationInterval(minutes: unknown, low: unknown, high: unknown): string;
  /**
   * A period label (`2025-03`, `2025-Q1`, `2025-W09`, `2025-03-05`, `2025`) as
   * words: `March 2025` / `März 2025`; other labels are returned as they are.
   * `"short"` abbreviates month names where space is tight (KPI tiles):
   * `Mar 2025` / `März 2025`, `Dec 2025` / `Dez. 2025`.
   */
  period(label: string, style?: PeriodStyle): string;
  /** A period label with its preposition: `in March 2025` / `im März 2025`, `on Mar 5, 2025`. */
  inPeriod(label: string): string;
  /** The text with its first letter capitalised (sentence start). */
  sentence(text: string): string;
}

/** How long a period's month name is: `"long"` (March, in sentences) or `"short"` (Mar). */
export type PeriodStyle = "long" | "short";

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
 * assert.equal(de.inPeriod("2025-03"), "im März 2025");
 * assert.equal(reportFormat("en").period("2025-03"), "March 2025");
 * assert.equal(de.period("2025-12", "short"), "Dez. 2025");
 * assert.equal(reportFormat("en").period("2025-12", "short"), "Dec 2025");
 * assert.equal(de.pp(7.5), "7,5 Prozentpunkte");
 * assert.equal(reportFormat("en").duration(233.3), "3.9 h");
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
    ...wordFormats(lang, loc, num),
  };
}

/** The methods of {@link ReportFormat} that put units and words to numbers and periods. */
function wordFormats(
  lang: Lang,
  loc: string,
  num: (x: unknown, digits?: number) => string,
): Pick<
  ReportFormat,
  "points" | "pp" | "duration" | "durationInterval" | "period" | "inPeriod" | "sentence"
> {
  const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
  // Day labels are calendar days already: shown as such, whatever the report's zone.
  const days = new Intl.DateTimeFormat(loc, { dateStyle: "medium", timeZone: "UTC" });
  const inUnit = (minutes: number, x: unknown) => {
    const [factor] = durationUnit(minutes, lang);
    return finite(x) ? num(x / factor) : MISSING;
  };
  return {
    points: (x, digits = 1) => finite(x) ? `${num(x, digits)} ${UNITS[lang].points}` : MISSING,
    pp: (x, digits = 1) => finite(x) ? `${num(x, digits)} ${UNITS[lang].pp}` : MISSING,
    duration: (minutes) =>
      finite(minutes) ? `${inUnit(minutes, minutes)} ${durationUnit(minutes, lang)[1]}` : MISSING,
    durationInterval: (minutes, low, high) => {
      if (!finite(minutes)) return MISSING;
      const value = `${inUnit(minutes, minutes)} ${durationUnit(minutes, lang)[1]}`;
      const to = finite(low) && finite(high) && (low < 0 || high < 0) ? RANGE_WORD[lang] : "–";
      return finite(low) && finite(high)
        ? `${value} (${inUnit(minutes, low)}${to}${inUnit(minutes, high)})`
        : value;
    },
    period: (label, style = "long") => periodWords(label, lang, loc, days, style),
    inPeriod: (label) =>
      `${preposition(label, lang)} ${periodWords(label, lang, loc, days, "long")}`,
    sentence: (text) => text.charAt(0).toLocaleUpperCase(loc) + text.slice(1),
  };
}

const UNITS: Record<Lang, { points: string; pp: string; min: string; h: string; d: string }> = {
  en: { points: "points", pp: "percentage points", min: "min", h: "h", d: "days" },
  de: { points: "Punkte", pp: "Prozentpunkte", min: "min", h: "Std.", d: "Tage" },
};

/** Minutes per unit and the unit's name for a duration of `minutes`. */
function durationUnit(minutes: number, lang: Lang): [number, string] {
  const u = UNITS[lang];
  if (Math.abs(minutes) < 120) return [1, u.min];
  if (Math.abs(minutes) < 2 * 1440) return [60, u.h];
  return [1440, u.d];
}

const PERIOD_LABEL = /^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])|W(\d{2})))?$/;

/** A period label in words (see {@link ReportFormat.period}). */
function periodWords(
  label: string,
  lang: Lang,
  locale: string,
  days: Intl.DateTimeFormat,
  style: PeriodStyle,
): string {
  const m = PERIOD_LABEL.exec(label);
  if (!m) return label;
  const [, year, month, day, quarter, week] = m;
  if (day) return days.format(new Date(`${label}T12:00:00Z`));
  if (month) {
    const mid = new Date(Date.UTC(Number(year), Number(month) - 1, 15));
    // Short names come from the month-and-year pattern, which has the locale's abbreviation
    // dot ("Dez. 2025"); a month alone would use the stand-alone form ("Dez").
    if (style === "short") {
      return new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" })
        .format(mid);
    }
    const name = new Intl.DateTimeFormat(locale, { month: "long", timeZone: "UTC" }).format(mid);
    return `${name} ${year}`;
  }
  if (quarter) return lang === "de" ? `${quarter}. Quartal ${year}` : `Q${quarter} ${year}`;
  if (week) return lang === "de" ? `KW ${Number(week)}/${year}` : `week ${Number(week)} of ${year}`;
  return year;
}

/** The preposition before a period label: "in"/"on" in English, "im"/"in"/"am" in German. */
function preposition(label: string, lang: Lang): string {
  const m = PERIOD_LABEL.exec(label);
  const day = m?.[3] !== undefined, week = m?.[5] !== undefined;
  const yearOnly = m !== null && m[2] === undefined && m[4] === undefined && !week;
  if (lang === "en") return day ? "on" : "in";
  if (day) return "am";
  if (week || !m) return "in";
  return yearOnly ? "im Jahr" : "im";
}
