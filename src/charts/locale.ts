/**
 * Language and number formatting of the chart builders: every builder takes
 * `locale` (numbers and dates, default `en-US`) and `lang` (the chart's own
 * words — titles, legends, tooltips; default from the locale), so a chart
 * drawn for a German report reads "12,5 %" and "kleine Stichprobe".
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import { optionNames } from "../options.ts";

/** Languages of the chart builders' own words. */
export type ChartLang = "en" | "de";

/** The locale options every chart builder accepts. */
export interface ChartLocaleOptions {
  /**
   * BCP 47 locale of numbers and dates in tooltips, labels and axis ticks
   * (default `"en-US"`, e.g. `"de-DE"`).
   */
  locale?: string;
  /**
   * Language of the chart's own words (titles, subtitles, legends,
   * tooltips): default `"de"` for a German locale, else `"en"`.
   */
  lang?: ChartLang;
}

/** The names of {@link ChartLocaleOptions}; every chart's own list starts with these. */
export const CHART_LOCALE_OPTIONS = optionNames<ChartLocaleOptions>()(["locale", "lang"]);

/** Axis labels of the survey KPIs, with their scales, in each chart language. */
export const KPI_AXIS_LABELS: Record<ChartLang, Record<string, string>> = {
  en: {
    nps: "NPS (−100 to 100)",
    csat: "CSAT, top-box share (%)",
    ces: "Customer effort (mean; lower is better)",
  },
  de: {
    nps: "NPS (−100 bis 100)",
    csat: "CSAT, Top-Box-Anteil (%)",
    ces: "Kundenaufwand (Mittelwert; niedriger ist besser)",
  },
};

/** Formatting of one chart: its words' language and its numbers' locale. */
export interface ChartFormat {
  /** Language of the words. */
  lang: ChartLang;
  /** Locale of the numbers. */
  locale: string;
  /** Fixed decimals with grouping and a true minus sign; "–" for missing values. */
  num(v: unknown, digits?: number): string;
  /** Like {@link ChartFormat.num} with a "+" before positive values. */
  signed(v: unknown, digits?: number): string;
  /** A whole number with grouping. */
  int(v: unknown): string;
  /** At most `digits` decimals (default 3), trailing zeros dropped: `0.05`, `1.5`. */
  round(v: unknown, digits?: number): string;
  /** A share 0–1 as a percentage (`12.5%`, `12,5 %`). */
  share(v: unknown, digits?: number): string;
  /**
   * Tick format of a numeric or time axis in this locale, or `undefined` for
   * `en-US` (Plot's own ticks are en-US already, and the charts' defaults stay as they were).
   */
  ticks(kind: "number" | "time" | "share"): ((v: unknown) => string) | undefined;
}

/**
 * The formatting of a chart from its `locale` and `lang` options; refuses
 * an unknown locale or language with a `CxOptionsError` naming the builder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chartFormat } from "./locale.ts";
 * const de = chartFormat({ locale: "de-DE" }, "kpiSegmentChart");
 * assert.equal(de.lang, "de");
 * assert.equal(de.num(-1234.56), "−1.234,6");
 * assert.equal(de.share(0.125), "12,5\u00a0%"); // Intl's no-break space
 * const en = chartFormat({}, "kpiSegmentChart");
 * assert.equal(en.signed(2.25, 2), "+2.25");
 * assert.equal(en.round(1 - 0.95), "0.05");
 * assert.equal(en.ticks("number"), undefined);
 * ```
 */
export function chartFormat(options: ChartLocaleOptions, fn: string): ChartFormat {
  const locale = options.locale ?? "en-US";
  try {
    new Intl.NumberFormat(locale);
  } catch {
    throw new CxOptionsError(
      `${fn}: option "locale" must be a BCP 47 locale such as "en-US" or "de-DE", got ${
        JSON.stringify(locale)
      }`,
    );
  }
  const lang = options.lang ?? (/^de\b/i.test(locale) ? "de" : "en");
  if (lang !== "en" && lang !== "de") {
    throw new CxOptionsError(
      `${fn}: option "lang" must be "en" or "de", got ${JSON.stringify(lang)}`,
    );
  }
  const cache = new Map<string, Intl.NumberFormat>();
  const nf = (digits: number, style: "decimal" | "percent") => {
    const key = `${style}${digits}`;
    let f = cache.get(key);
    if (!f) {
      f = new Intl.NumberFormat(locale, {
        style,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      cache.set(key, f);
    }
    return f;
  };
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  const minus = (s: string) => s.replace(/^-/, "\u2212");
  const num = (v: unknown, digits = 1) => finite(v) ? minus(nf(digits, "decimal").format(v)) : "–";
  const share = (v: unknown, digits = 1) =>
    finite(v) ? minus(nf(digits, "percent").format(v)) : "–";
  const rounded = new Map<number, Intl.NumberFormat>();
  const round = (v: unknown, digits = 3) => {
    if (!finite(v)) return "–";
    let f = rounded.get(digits);
    if (!f) {
      rounded.set(digits, f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }));
    }
    return minus(f.format(v));
  };
  return {
    lang,
    locale,
    num,
    signed: (v, digits = 1) => finite(v) && v > 0 ? `+${num(v, digits)}` : num(v, digits),
    int: (v) => num(v, 0),
    round,
    share,
    ticks: (kind) => locale === "en-US" ? undefined : tickFormat(locale, kind),
  };
}

/** Axis ticks in a locale: numbers with its separators, months by its names. */
function tickFormat(locale: string, kind: "number" | "time" | "share") {
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const percents = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const months = new Intl.DateTimeFormat(locale, {
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
  const days = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
  if (kind === "time") {
    return (d: unknown) =>
      d instanceof Date
        ? (d.getUTCDate() === 1 && d.getUTCHours() === 0 ? months : days).format(d)
        : String(d);
  }
  const f = kind === "share" ? percents : numbers;
  return (v: unknown) => typeof v === "number" ? f.format(v).replace(/^-/, "\u2212") : String(v);
}
