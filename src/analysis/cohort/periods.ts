/**
 * Period arithmetic for cohorts: calendar periods as consecutive integers
 * (ordinals), so "k periods after the cohort" is a subtraction, plus the
 * fixed lengths of rolling windows and the observation cut-off.
 *
 * @module
 */
import { CxOptionsError } from "../../errors.ts";
import { civilFromDays } from "../../time/civil.ts";
import { periodFn } from "../../time/period.ts";
import { wallTimeConverter, zoneOffsetFn } from "../../time/zone.ts";

/** Period lengths cohorts can be cut into. */
import type { CohortPeriod } from "../../meta.ts";
export type { CohortPeriod } from "../../meta.ts";

/** The supported cohort periods. */
export const COHORT_PERIODS: readonly CohortPeriod[] = ["day", "week", "month", "quarter"];

const DAY = 86_400_000;

/**
 * Length of a rolling window in milliseconds: 24 h, 7 days, 30 days and 90
 * days (3 × 30) — fixed durations, so a rolling "month" is 30 days and a
 * window ignores daylight-saving changes.
 */
export const ROLLING_LENGTH: Readonly<Record<CohortPeriod, number>> = {
  day: DAY,
  week: 7 * DAY,
  month: 30 * DAY,
  quarter: 90 * DAY,
};

/**
 * Throws a `CxOptionsError` unless `period` is a cohort period.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkCohortPeriod } from "./periods.ts";
 * checkCohortPeriod("week");
 * assert.throws(() => checkCohortPeriod("year"), /must be one of day, week, month, quarter/);
 * ```
 */
export function checkCohortPeriod(period: unknown): asserts period is CohortPeriod {
  if (!COHORT_PERIODS.includes(period as CohortPeriod)) {
    throw new CxOptionsError(
      `Option "period" must be one of ${COHORT_PERIODS.join(", ")}, got ${JSON.stringify(period)}`,
    );
  }
}

/** Re-exported for the cohort modules; defined with the other time-zone helpers. */
export { checkTimeZone } from "../../time/zone.ts";

/** Calendar periods of one length in one zone, numbered consecutively. */
export interface PeriodCalendar {
  /** Ordinal of the period containing the instant `t` (epoch ms). */
  ordinal(t: number): number;
  /** Sortable label of a period (`2024-03`, `2024-W09`, `2024-Q1`, `2024-03-05`). */
  label(ordinal: number): string;
  /** First instant of a period (local midnight). */
  start(ordinal: number): Date;
  /** Index of the local day containing `t` (days since 1970-01-01 in the zone). */
  localDay(t: number): number;
  /** First instant of a local day. */
  dayStart(localDay: number): number;
  /** Ordinal of the period containing a local day. */
  ordinalOfDay(localDay: number): number;
  /** Offset of the zone at `t` (ms, local − UTC; constant within each half hour). */
  offsetAt(t: number): number;
}

/**
 * Numbers calendar periods in `timeZone` so that consecutive periods have
 * consecutive ordinals: days since 1970-01-01, ISO weeks since the week of
 * 1970-01-01, `12·year + month − 1`, `4·year + quarter − 1`. Labels and starts
 * come from `periodFn`, so they match every other cxkit result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { periodCalendar } from "./periods.ts";
 * const months = periodCalendar("month", "Europe/Berlin");
 * const jan = months.ordinal(Date.parse("2024-01-15T12:00:00Z"));
 * // 23:30 UTC on 31 January is already February in Berlin: the next ordinal.
 * assert.equal(months.ordinal(Date.parse("2024-01-31T23:30:00Z")), jan + 1);
 * assert.equal(months.label(jan + 1), "2024-02");
 * assert.equal(months.start(jan + 1).toISOString(), "2024-01-31T23:00:00.000Z");
 * ```
 */
export function periodCalendar(period: CohortPeriod, timeZone: string): PeriodCalendar {
  const offsetAt = zoneOffsetFn(timeZone);
  const toInstant = wallTimeConverter(timeZone);
  const of = periodFn(period, timeZone);
  const localDay = (t: number) => Math.floor((t + offsetAt(t)) / DAY);
  const ordinalOfDay = (day: number): number => {
    switch (period) {
      case "day":
        return day;
      case "week":
        return Math.floor((day + 3) / 7); // 1970-01-01 was a Thursday: weeks start Mondays
      case "month":
        return monthOrdinal(day);
      case "quarter":
        return Math.floor(monthOrdinal(day) / 3);
    }
  };
  const firstDay = (o: number): [number, number, number] => {
    switch (period) {
      case "day":
        return civilFromDays(o);
      case "week":
        return civilFromDays(7 * o - 3);
      case "month":
        return [Math.floor(o / 12), mod(o, 12) + 1, 1];
      case "quarter":
        return [Math.floor(o / 4), 3 * mod(o, 4) + 1, 1];
    }
  };
  const cache = new Map<number, { label: string; start: Date }>();
  const info = (o: number) => {
    let p = cache.get(o);
    if (!p) {
      const [y, m, d] = firstDay(o);
      // Noon of the first local day lies inside the period whatever DST does at midnight.
      p = of(new Date(toInstant(y, m, d, 12, 0, 0, 0)!));
      cache.set(o, p);
    }
    return p;
  };
  return {
    ordinal: (t) => ordinalOfDay(localDay(t)),
    label: (o) => info(o).label,
    start: (o) => info(o).start,
    localDay,
    dayStart: (day) => {
      const [y, m, d] = civilFromDays(day);
      return toInstant(y, m, d, 0, 0, 0, 0)!;
    },
    ordinalOfDay,
    offsetAt,
  };
}

/** Zone offsets are constant within each half hour (`zoneOffsetFn` caches them so). */
export const SLOT = 1_800_000;

/** {@link OrdinalTable.slots} entry not resolved yet. */
export const UNKNOWN_SLOT = -2_147_483_648;
/** {@link OrdinalTable.slots} entry of a half hour that spans two periods. */
export const SPLIT_SLOT = -2_147_483_647;

/**
 * `calendar.ordinal(t)` for many instants within a known range, by lookup:
 * the ordinal per half hour of the range (zone offsets are constant within
 * one), resolved with one offset query when first needed, so the kernel's
 * per-event cost is one division and one array read, and no `Date`. A half
 * hour that contains a local midnight starting a period (zones offset by
 * :15 or :45) is marked {@link SPLIT_SLOT} and its instants are resolved one
 * by one; instants outside the range (or a range over 200 years) are passed
 * to `calendar.ordinal`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OrdinalTable, periodCalendar } from "./periods.ts";
 * for (const zone of ["Europe/Berlin", "Asia/Kathmandu"]) {
 *   const months = periodCalendar("month", zone);
 *   const lo = Date.parse("2024-01-01T00:00:00Z"), hi = Date.parse("2024-12-31T00:00:00Z");
 *   const table = new OrdinalTable(months, lo, hi);
 *   for (let t = lo - 1e9; t < hi + 1e9; t += 7_777_777) assert.equal(table.at(t), months.ordinal(t));
 * }
 * ```
 */
export class OrdinalTable {
  readonly #calendar: PeriodCalendar;
  /** Half hour (since the epoch) of `slots[0]`. */
  readonly firstSlot: number;
  /** Period ordinal per half hour from `firstSlot`, or `UNKNOWN_SLOT` / `SPLIT_SLOT`. */
  readonly slots: Int32Array;
  /** Zone offset of the split half hours. */
  readonly #offsets = new Map<number, number>();

  /** A table for instants from `lo` to `hi` (epoch ms) in `calendar`. */
  constructor(calendar: PeriodCalendar, lo: number, hi: number) {
    this.#calendar = calendar;
    const ok = lo <= hi && (hi - lo) / DAY < 73_050;
    this.firstSlot = ok ? Math.floor(lo / SLOT) : 0;
    this.slots = new Int32Array(ok ? Math.floor(hi / SLOT) - this.firstSlot + 1 : 0)
      .fill(UNKNOWN_SLOT);
  }

  /** Ordinal of the period containing the instant `t` (epoch ms), as `calendar.ordinal(t)`. */
  at(t: number): number {
    const s = Math.floor(t / SLOT) - this.firstSlot;
    if (!(s >= 0 && s < this.slots.length)) return this.#calendar.ordinal(t);
    let o = this.slots[s];
    if (o === UNKNOWN_SLOT) o = this.#resolve(s);
    if (o !== SPLIT_SLOT) return o;
    return this.#calendar.ordinalOfDay(Math.floor((t + this.#offsets.get(s)!) / DAY));
  }

  /** Fills in half hour `s`: the ordinal of its first and last instant, if they agree. */
  #resolve(s: number): number {
    const start = (s + this.firstSlot) * SLOT, offset = this.#calendar.offsetAt(start);
    const first = this.#calendar.ordinalOfDay(Math.floor((start + offset) / DAY));
    const last = this.#calendar.ordinalOfDay(Math.floor((start + SLOT - 1 + offset) / DAY));
    if (first !== last) this.#offsets.set(s, offset);
    return this.slots[s] = first === last ? first : SPLIT_SLOT;
  }
}

/**
 * The cut-off instant: the start of the local day after `observedUntil`'s,
 * so the whole last day counts as observed (date-only data has its events at
 * midnight of that day).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cutoffAfter, periodCalendar } from "./periods.ts";
 * const cutoff = cutoffAfter(new Date("2025-12-31"), periodCalendar("month", "Europe/Berlin"));
 * assert.equal(new Date(cutoff).toISOString(), "2025-12-31T23:00:00.000Z"); // midnight in Berlin
 * ```
 */
export function cutoffAfter(observedUntil: Date, calendar: PeriodCalendar): number {
  return calendar.dayStart(calendar.localDay(observedUntil.getTime()) + 1);
}

/**
 * Throws a `CxOptionsError` unless `value` is a valid Date (or undefined).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDateOption } from "./periods.ts";
 * checkDateOption("observedUntil", undefined);
 * assert.throws(() => checkDateOption("observedUntil", "2025-12-31"), /must be a Date/);
 * ```
 */
export function checkDateOption(name: string, value: unknown): asserts value is Date | undefined {
  if (value !== undefined && !(value instanceof Date && !isNaN(value.getTime()))) {
    throw new CxOptionsError(
      `Option "${name}" must be a Date such as new Date("2025-12-31"), got ${String(value)}`,
    );
  }
}

/** `12·year + month − 1` of a day count, without allocating (hot path of the kernel). */
function monthOrdinal(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153); // 0 = March … 11 = February
  // Months counted from March of year `yoe + era·400`; shift so January starts a year.
  return 12 * (yoe + era * 400) + mp + 2;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
