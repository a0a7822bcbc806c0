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
 * does not exist (31 February, hour 24, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { utcFromParts } from "./zone.ts";
 * assert.ok(utcFromParts(2024, 2, 29, 0, 0, 0, 0) === Date.UTC(2024, 1, 29));
 * assert.ok(utcFromParts(2023, 2, 29, 0, 0, 0, 0) === undefined);
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
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return new Date(t).getUTCDate() === d ? t : undefined;
}

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
 * Makes a converter from wall-clock time in `timeZone` to epoch milliseconds.
 * A time skipped by a DST change is read with the offset before the change.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wallTimeConverter } from "./zone.ts";
 * const berlin = wallTimeConverter("Europe/Berlin");
 * assert.ok(berlin(2024, 7, 1, 12, 0, 0, 0) === Date.UTC(2024, 6, 1, 10));
 * ```
 */
export function wallTimeConverter(timeZone: string): WallTimeConverter {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return utcFromParts;
  const offsetAt = zoneOffsetFn(timeZone);
  return (y, mo, d, h, mi, s, ms) => {
    const wall = utcFromParts(y, mo, d, h, mi, s, ms);
    if (wall === undefined) return undefined;
    // Two passes settle the offset on both sides of a DST change.
    let t = wall - offsetAt(wall);
    t = wall - offsetAt(t);
    return t;
  };
}

const HOUR = 3_600_000;

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
