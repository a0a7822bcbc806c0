/**
 * Time zones without a library: calendar validation, wall-clock time in an
 * IANA zone → instant, and instant → local calendar parts, using the zone
 * database built into the runtime (`Intl`). Offsets are cached per hour,
 * since zones change offset only on whole or half hours.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";

/**
 * Epoch milliseconds of a UTC calendar time, or `undefined` when the date
 * does not exist (31 February, hour 24, …). Years are taken as written:
 * year 99 is 0099, not 1999 (`Date.UTC` adds 1900 to years 0–99).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { utcFromParts } from "./zone.ts";
 * assert.ok(utcFromParts(2024, 2, 29, 0, 0, 0, 0) === Date.UTC(2024, 1, 29));
 * assert.ok(utcFromParts(2023, 2, 29, 0, 0, 0, 0) === undefined);
 * assert.ok(utcFromParts(99, 1, 1, 0, 0, 0, 0) === -59042995200000); // 0099-01-01, not 1999
 * ```
 */
export function utcFromParts(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  // 400 Gregorian years are exactly 146,097 days, with the same leap years, so
  // years 0–99 are computed 400 years later and moved back.
  const t = y >= 0 && y < 100
    ? Date.UTC(y + 400, mo - 1, d, h, mi, s, ms) - GREGORIAN_CYCLE_MS
    : Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return new Date(t).getUTCDate() === d ? t : undefined;
}

const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;

/** Converts a wall-clock time (year, month 1–12, day, h, min, s, ms) to epoch ms. */
export type WallTimeConverter = (
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
) => number | undefined;

/**
 * How a wall-clock time at a daylight-saving change was resolved: `"gap"`, a
 * time the clocks skipped; `"fold"`, a time that happened twice.
 */
export type WallTimeShift = "gap" | "fold";

/**
 * Makes a converter from wall-clock time in `timeZone` to epoch milliseconds,
 * resolving daylight-saving changes as java.time and Temporal
 * (`disambiguation: "compatible"`) do:
 * - a time in a **gap** (skipped when clocks go forward, e.g. 2024-03-31
 *   02:30 in Europe/Berlin) is read with the offset before the change, i.e.
 *   shifted forward by the gap (02:30 → 03:30 CEST = 01:30 UTC);
 * - a time in a **fold** (repeated when clocks go back, e.g. 2024-10-27
 *   02:30) is read with the earlier offset, the first of the two instants
 *   (02:30 CEST = 00:30 UTC).
 *
 * `onShift` is told each time a gap or fold was resolved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wallTimeConverter } from "./zone.ts";
 * const shifts: string[] = [];
 * const berlin = wallTimeConverter("Europe/Berlin", (s) => shifts.push(s));
 * assert.ok(berlin(2024, 7, 1, 12, 0, 0, 0) === Date.UTC(2024, 6, 1, 10));
 * assert.ok(berlin(2024, 3, 31, 2, 30, 0, 0) === Date.UTC(2024, 2, 31, 1, 30));
 * assert.ok(berlin(2024, 10, 27, 2, 30, 0, 0) === Date.UTC(2024, 9, 27, 0, 30));
 * assert.deepEqual(shifts, ["gap", "fold"]);
 * ```
 */
export function wallTimeConverter(
  timeZone: string,
  onShift?: (shift: WallTimeShift) => void,
): WallTimeConverter {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return utcFromParts;
  const offsetAt = zoneOffsetFn(timeZone);
  return (y, mo, d, h, mi, s, ms) => {
    const wall = utcFromParts(y, mo, d, h, mi, s, ms);
    if (wall === undefined) return undefined;
    // Offsets a day either side bracket any change near this wall time (zones
    // change at most once a day); each is a candidate if it maps back onto itself.
    const before = offsetAt(wall - DAY), after = offsetAt(wall + DAY);
    if (before === after) return wall - before;
    const early = offsetAt(wall - before) === before;
    const late = offsetAt(wall - after) === after;
    if (early && late) onShift?.("fold");
    else if (!early && !late) onShift?.("gap");
    // Gap and fold alike take the offset before the change; otherwise the one that fits.
    return early || !late ? wall - before : wall - after;
  };
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Returns a function giving the offset (ms, local − UTC) of an IANA time zone
 * at an instant. Throws a `RangeError` for an unknown zone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zoneOffsetFn } from "./zone.ts";
 * const berlin = zoneOffsetFn("Europe/Berlin");
 * assert.ok(berlin(Date.UTC(2024, 6, 1)) === 2 * 3600_000);
 * assert.ok(berlin(Date.UTC(2024, 0, 1)) === 3600_000);
 * ```
 */
export function zoneOffsetFn(timeZone: string): (epochMs: number) => number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return () => 0;
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const cache = new Map<number, number>();
  const exact = (epochMs: number) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(epochMs))) p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return asUtc - Math.floor(epochMs / 1000) * 1000;
  };
  return (epochMs: number) => {
    // Offsets change at most on half hours: cache by half hour.
    const slot = Math.floor(epochMs / (HOUR / 2));
    let offset = cache.get(slot);
    if (offset === undefined) {
      offset = exact(slot * (HOUR / 2));
      if (cache.size > 100_000) cache.clear();
      cache.set(slot, offset);
    }
    return offset;
  };
}

/**
 * Throws a `CxOptionsError` naming `option` unless `timeZone` is an IANA zone
 * the runtime knows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTimeZone } from "./zone.ts";
 * checkTimeZone("Europe/Berlin");
 * assert.throws(() => checkTimeZone("Berlin"), /"timeZone" must be an IANA time zone/);
 * ```
 */
export function checkTimeZone(timeZone: unknown, option = "timeZone"): asserts timeZone is string {
  try {
    if (typeof timeZone !== "string") throw new TypeError();
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new CxOptionsError(
      `Option "${option}" must be an IANA time zone such as "Europe/Berlin" or "UTC", got ${
        JSON.stringify(timeZone)
      }`,
    );
  }
}
