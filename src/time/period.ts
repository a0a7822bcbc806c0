/**
 * Calendar periods cut at local midnight in an IANA time zone: day, ISO week
 * (Monday start, `2024-W09`), month, quarter and year, each with a sortable
 * label and the instant the period starts.
 *
 * @module
 */
import { CxDataError, CxOptionsError } from "../errors.ts";
import { wallTimeConverter, zoneOffsetFn } from "./zone.ts";

/** Period lengths KPIs can be cut into. */
export type Period = "day" | "week" | "month" | "quarter" | "year";

/** The supported periods. */
export const PERIODS: readonly Period[] = ["day", "week", "month", "quarter", "year"];

/**
 * Period names (singular, as in "NPS by month") in the languages of the
 * charts and the report.
 */
export const PERIOD_NAMES: Readonly<Record<"en" | "de", Readonly<Record<Period, string>>>> = {
  en: { day: "day", week: "week", month: "month", quarter: "quarter", year: "year" },
  de: { day: "Tag", week: "Woche", month: "Monat", quarter: "Quartal", year: "Jahr" },
};

/**
 * The name of a period in `lang` ("month", "Monat"); an unknown period
 * comes back as given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { periodName } from "./period.ts";
 * assert.equal(periodName("quarter", "de"), "Quartal");
 * ```
 */
export function periodName(period: string, lang: "en" | "de"): string {
  return PERIODS.includes(period as Period) ? PERIOD_NAMES[lang][period as Period] : period;
}

/** A period a date falls in. */
export interface PeriodOf {
  /** Sortable label: `2024-03-01`, `2024-W09`, `2024-03`, `2024-Q1`, `2024`. */
  label: string;
  /** The instant the period starts (local midnight in the zone). */
  start: Date;
}

const DAY = 86_400_000;

/**
 * Makes a function mapping an instant to its period in `timeZone`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { periodFn } from "./period.ts";
 * const month = periodFn("month", "Europe/Berlin");
 * // 23:30 UTC on 31 March is already 1 April in Berlin.
 * const p = month(new Date("2024-03-31T23:30:00Z"));
 * assert.ok(p.label === "2024-04" && p.start.toISOString() === "2024-03-31T22:00:00.000Z");
 * assert.ok(periodFn("week")(new Date("2024-12-30")).label === "2025-W01");
 * ```
 */
export function periodFn(period: Period, timeZone = "UTC"): (date: Date) => PeriodOf {
  checkPeriod(period);
  const offsetAt = zoneOffsetFn(timeZone);
  const toInstant = wallTimeConverter(timeZone);
  const byDay = new Map<number, PeriodOf>();
  return (date: Date) => {
    const t = date.getTime();
    const localDay = Math.floor((t + offsetAt(t)) / DAY);
    let p = byDay.get(localDay);
    if (!p) {
      p = periodOfDay(localDay, period, toInstant);
      byDay.set(localDay, p);
    }
    return p;
  };
}

/** Throws a `CxOptionsError` unless `period` is a supported period. */
export function checkPeriod(period: unknown): asserts period is Period {
  if (!PERIODS.includes(period as Period)) {
    throw new CxOptionsError(
      `Option "period" must be one of ${PERIODS.join(", ")}, got ${JSON.stringify(period)}`,
    );
  }
}

/**
 * The instant a period starts, from its label (`2024-03`, `2024-W09`,
 * `2024-Q1`, `2024-03-05`, `2024`): local midnight in `timeZone`, exactly as
 * cxkit's period cutting computes it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { periodStartOfLabel } from "./period.ts";
 * const start = periodStartOfLabel("2025-W01", "week", "Europe/Berlin");
 * assert.equal(start?.toISOString(), "2024-12-29T23:00:00.000Z");
 * ```
 */
export function periodStartOfLabel(label: string, period: Period, timeZone: string): Date | null {
  const toInstant = wallTimeConverter(timeZone);
  const m = /^(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])|W(\d{2})))?$/.exec(label);
  if (!m) {
    throw new CxDataError([{
      row: null,
      column: "period",
      value: label,
      reason: "unknown period label",
    }]);
  }
  const y = +m[1];
  let mo = 1, d = 1;
  if (period === "week") {
    // ISO week 1 is the week with 4 January; weeks start on Monday.
    const jan4 = Date.UTC(y, 0, 4);
    const monday = new Date(
      jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000 +
        (+m[5] - 1) * 7 * 86_400_000,
    );
    return new Date(
      toInstant(
        monday.getUTCFullYear(),
        monday.getUTCMonth() + 1,
        monday.getUTCDate(),
        0,
        0,
        0,
        0,
      ) ??
        NaN,
    );
  }
  if (period === "quarter") mo = 3 * +m[4] - 2;
  else if (period === "month" || period === "day") mo = +m[2];
  if (period === "day") d = +m[3];
  return new Date(toInstant(y, mo, d, 0, 0, 0, 0) ?? NaN);
}

/**
 * The label of the same period a year earlier: the leading (ISO) year minus
 * one, the rest kept (`2024-W09` → `2023-W09`, `2024-Q1` → `2023-Q1`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelYearEarlier } from "./period.ts";
 * assert.equal(labelYearEarlier("2025-W01"), "2024-W01");
 * ```
 */
export function labelYearEarlier(label: string): string {
  const year = Number(label.slice(0, 4));
  return `${String(year - 1).padStart(4, "0")}${label.slice(4)}`;
}

function periodOfDay(
  localDay: number,
  period: Period,
  toInstant: ReturnType<typeof wallTimeConverter>,
): PeriodOf {
  const d = new Date(localDay * DAY);
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, day = d.getUTCDate();
  const startOf = (yy: number, mm: number, dd: number) =>
    new Date(toInstant(yy, mm, dd, 0, 0, 0, 0) ?? NaN);
  switch (period) {
    case "day":
      return { label: `${y}-${pad(m)}-${pad(day)}`, start: startOf(y, m, day) };
    case "month":
      return { label: `${y}-${pad(m)}`, start: startOf(y, m, 1) };
    case "quarter": {
      const q = Math.floor((m - 1) / 3) + 1;
      return { label: `${y}-Q${q}`, start: startOf(y, 3 * q - 2, 1) };
    }
    case "year":
      return { label: `${y}`, start: startOf(y, 1, 1) };
    case "week": {
      const weekday = (((localDay + 3) % 7) + 7) % 7; // Monday = 0; 1970-01-01 was a Thursday
      const monday = new Date((localDay - weekday) * DAY);
      const thursday = new Date((localDay - weekday + 3) * DAY);
      const isoYear = thursday.getUTCFullYear();
      const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * DAY)) + 1;
      return {
        label: `${isoYear}-W${pad(week)}`,
        start: startOf(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate()),
      };
    }
  }
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
