/**
 * Business-hours calendars: how much of the time between two instants falls
 * inside opening hours (e.g. Monday–Friday 09:00–17:00 in Europe/Berlin),
 * skipping weekends and holidays. Opening hours are wall-clock times in the
 * calendar's zone, so a day across a DST change still opens at 09:00 local
 * time.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import { checkGermanState, GERMAN_STATES, germanHolidays, type GermanState } from "./holidays.ts";
import { checkTimeZone, utcFromParts, wallTimeConverter, zoneOffsetFn } from "./zone.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Opening hours in a time zone. */
export interface BusinessHours {
  /** IANA time zone the opening hours are wall-clock times in, e.g. `"Europe/Berlin"`. */
  timeZone: string;
  /** Open ISO weekdays, 1 = Monday … 7 = Sunday (default `[1, 2, 3, 4, 5]`). */
  days?: number[];
  /** Opening time `HH:MM` (default `"09:00"`). */
  start?: string;
  /** Closing time `HH:MM`, after `start`; `"24:00"` for midnight (default `"17:00"`). */
  end?: string;
  /**
   * Closed days, `YYYY-MM-DD` (local dates in `timeZone`). With `state`
   * they are added to the state's public holidays; without `state` they are
   * the only closed days (`holidays: []` for none).
   */
  holidays?: string[];
  /**
   * German federal state whose public holidays (nationwide + state) are
   * closed days. Given neither `state` nor `holidays`, the nationwide German
   * public holidays are closed days (and the result's notes say so).
   */
  state?: GermanState;
}

const BUSINESS_HOURS_OPTIONS = optionNames<BusinessHours>()([
  "timeZone",
  "days",
  "start",
  "end",
  "holidays",
  "state",
]);

/** Measures business time between two instants, in milliseconds. */
export type BusinessDuration = (from: Date, to: Date) => number;

const DAY = 86_400_000;

/**
 * Makes a function giving the business time (ms) between two instants: the
 * part of [from, to] inside opening hours on open, non-holiday days. Returns
 * 0 when `to` is not after `from`. Opening and closing are read as wall-clock
 * times in the calendar's zone on each day (a time skipped by a DST change is
 * read with the offset before it), so an 09:00–17:00 day is 8 hours in
 * winter and summer alike. Opening hours cannot span midnight.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { businessDurationFn } from "./business_hours.ts";
 * const office = businessDurationFn({ timeZone: "Europe/Berlin", start: "09:00", end: "17:00" });
 * // Friday 16:00 → Monday 10:00 in Berlin (CET, UTC+1): 1 h on Friday + 1 h on Monday.
 * const ms = office(new Date("2024-01-12T15:00:00Z"), new Date("2024-01-15T09:00:00Z"));
 * assert.ok(ms === 2 * 3_600_000);
 * ```
 */
export function businessDurationFn(calendar: BusinessHours): BusinessDuration {
  checkOptions("businessDurationFn", calendar, BUSINESS_HOURS_OPTIONS);
  const { timeZone, days, open, close, holidays, state, nationwide } = checkBusinessHours(calendar);
  const offsetAt = zoneOffsetFn(timeZone);
  const toInstant = wallTimeConverter(timeZone);
  const closed = new Set(holidays);
  const stateYears = new Set<number>();
  const windows = new Map<number, readonly [number, number] | null>();
  // Wall-clock minutes after local midnight of a local day → instant; 24:00 is the next midnight.
  const wallInstant = (localDay: number, minutes: number): number => {
    if (minutes === 24 * 60) return wallInstant(localDay + 1, 0);
    const date = new Date(localDay * DAY);
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    return toInstant(y, m, d, Math.floor(minutes / 60), minutes % 60, 0, 0)!;
  };

  const windowOf = (localDay: number) => {
    let w = windows.get(localDay);
    if (w !== undefined) return w;
    const weekday = ((((localDay + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday (4)
    const date = new Date(localDay * DAY);
    const y = date.getUTCFullYear();
    if ((state !== undefined || nationwide) && !stateYears.has(y)) {
      for (const h of germanHolidays(y, { state })) closed.add(h.date);
      stateYears.add(y);
    }
    w = days.has(weekday) && !closed.has(date.toISOString().slice(0, 10))
      ? [wallInstant(localDay, open), wallInstant(localDay, close)]
      : null;
    if (windows.size > 100_000) windows.clear();
    windows.set(localDay, w);
    return w;
  };

  return (from: Date, to: Date) => {
    const a = from.getTime(), b = to.getTime();
    if (!(b > a)) return 0;
    let total = 0;
    const last = Math.floor((b + offsetAt(b)) / DAY);
    for (let day = Math.floor((a + offsetAt(a)) / DAY); day <= last; day++) {
      const w = windowOf(day);
      if (w) total += Math.max(0, Math.min(b, w[1]) - Math.max(a, w[0]));
    }
    return total;
  };
}

interface CheckedHours {
  timeZone: string;
  days: Set<number>;
  open: number;
  close: number;
  holidays: string[];
  state?: GermanState;
  /** Neither `state` nor `holidays` given: the nationwide German holidays are closed. */
  nationwide: boolean;
}

/** Validates a calendar; throws a `CxOptionsError` naming the bad field. */
function checkBusinessHours(calendar: BusinessHours): CheckedHours {
  if (typeof calendar !== "object" || calendar === null) {
    throw new CxOptionsError(
      `Option "businessHours" must be an object such as { timeZone: "Europe/Berlin", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }`,
    );
  }
  const {
    timeZone,
    days = [1, 2, 3, 4, 5],
    start = "09:00",
    end = "17:00",
    holidays = [],
    state,
  } = calendar;
  checkTimeZone(timeZone, "businessHours.timeZone");
  if (
    !Array.isArray(days) || days.length === 0 ||
    !days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)
  ) {
    throw new CxOptionsError(
      `Option "businessHours.days" must list ISO weekdays 1 (Monday) to 7 (Sunday), e.g. [1, 2, 3, 4, 5], got ${
        JSON.stringify(days)
      }`,
    );
  }
  const open = clockMinutes(start, "start", false);
  const close = clockMinutes(end, "end", true);
  if (!(close > open)) {
    throw new CxOptionsError(
      `Option "businessHours.end" (${end}) must be after "start" (${start}); opening hours cannot span midnight`,
    );
  }
  if (!Array.isArray(holidays)) {
    throw new CxOptionsError(
      `Option "businessHours.holidays" must be a list of dates "YYYY-MM-DD", got ${
        JSON.stringify(holidays)
      }`,
    );
  }
  for (const h of holidays) {
    const m = typeof h === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(h) : null;
    if (!m || utcFromParts(+m[1], +m[2], +m[3], 0, 0, 0, 0) === undefined) {
      throw new CxOptionsError(
        `Option "businessHours.holidays" must hold dates "YYYY-MM-DD", got ${JSON.stringify(h)}`,
      );
    }
  }
  if (state !== undefined) checkGermanState(state);
  const nationwide = state === undefined && calendar.holidays === undefined;
  return { timeZone, days: new Set(days), open, close, holidays, state, nationwide };
}

/**
 * Which days a calendar closes for, in words, for a result's notes: the
 * public holidays of its `state`, the nationwide German ones when neither
 * `state` nor `holidays` is given, or only its own `holidays`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holidayNote } from "./business_hours.ts";
 * assert.match(holidayNote({ timeZone: "Europe/Berlin" }), /^nationwide German public holidays/);
 * assert.equal(holidayNote({ timeZone: "Europe/Berlin", holidays: [] }), "none (holidays: [])");
 * ```
 */
export function holidayNote(calendar: BusinessHours): string {
  const { holidays, state, nationwide } = checkBusinessHours(calendar);
  const own = holidays.length ? ` plus ${holidays.length} own date(s) from holidays` : "";
  if (state !== undefined) {
    return `public holidays of ${GERMAN_STATES[state]} (${state}), nationwide and statewide${own}`;
  }
  if (nationwide) {
    return "nationwide German public holidays (no businessHours.state given; add state for a state's own holidays, or holidays: [] for none)";
  }
  return holidays.length
    ? `only the ${holidays.length} date(s) in holidays (no businessHours.state given)`
    : "none (holidays: [])";
}

function clockMinutes(value: unknown, field: string, allow24: boolean): number {
  const m = typeof value === "string" ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value) : null;
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  if (allow24 && value === "24:00") return 24 * 60;
  throw new CxOptionsError(
    `Option "businessHours.${field}" must be a time "HH:MM" such as "09:00"${
      allow24 ? ' (or "24:00")' : ""
    }, got ${JSON.stringify(value)}`,
  );
}
