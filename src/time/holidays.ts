/**
 * German public holidays (gesetzliche Feiertage): the nationwide ones and
 * those of each federal state, computed from Easter (anonymous Gregorian
 * algorithm) and the fixed dates in the states' holiday laws.
 *
 * Only holidays that apply to a whole state are listed. Holidays of parts of
 * a state are left to the caller (pass them as extra dates, e.g. in
 * `businessHours.holidays`):
 * - Mariä Himmelfahrt (15 August) in Bavaria: only in municipalities with a
 *   predominantly Catholic population (most of them, Munich included);
 * - Augsburger Friedensfest (8 August): only in the city of Augsburg;
 * - Fronleichnam in some Catholic municipalities of Saxony and Thuringia.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import { checkOptions, optionNames } from "../options.ts";

/** German federal states by their official two-letter code. */
export type GermanState =
  | "BW"
  | "BY"
  | "BE"
  | "BB"
  | "HB"
  | "HH"
  | "HE"
  | "MV"
  | "NI"
  | "NW"
  | "RP"
  | "SL"
  | "SN"
  | "ST"
  | "SH"
  | "TH";

/** The state codes with their names. */
export const GERMAN_STATES: Readonly<Record<GermanState, string>> = {
  BW: "Baden-Württemberg",
  BY: "Bayern",
  BE: "Berlin",
  BB: "Brandenburg",
  HB: "Bremen",
  HH: "Hamburg",
  HE: "Hessen",
  MV: "Mecklenburg-Vorpommern",
  NI: "Niedersachsen",
  NW: "Nordrhein-Westfalen",
  RP: "Rheinland-Pfalz",
  SL: "Saarland",
  SN: "Sachsen",
  ST: "Sachsen-Anhalt",
  SH: "Schleswig-Holstein",
  TH: "Thüringen",
};

/** One public holiday. */
export interface Holiday {
  /** Calendar date, `YYYY-MM-DD`. */
  date: string;
  /** German name, e.g. `"Tag der Deutschen Einheit"`. */
  name: string;
}

/** The first year whose rules are implemented (Buß- und Bettag stopped being nationwide in 1995). */
export const FIRST_HOLIDAY_YEAR = 1995;

/**
 * Easter Sunday of a Gregorian year as `YYYY-MM-DD`, by the anonymous
 * Gregorian algorithm (Meeus/Jones/Butcher), valid for every year from 1583.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { easterSunday } from "./holidays.ts";
 * assert.ok(easterSunday(2024) === "2024-03-31");
 * assert.ok(easterSunday(2025) === "2025-04-20");
 * ```
 */
export function easterSunday(year: number): string {
  if (!Number.isInteger(year) || year < 1583) {
    throw new CxOptionsError(
      `Easter needs a Gregorian year (a whole number ≥ 1583), got ${JSON.stringify(year)}`,
    );
  }
  const a = year % 19;
  const b = Math.floor(year / 100), c = year % 100;
  const d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(Date.UTC(year, month - 1, day));
}

/** Options of {@link germanHolidays}. */
export interface GermanHolidaysOptions {
  /** Federal state whose statewide holidays are added, e.g. `"BY"` (default: nationwide only). */
  state?: GermanState;
}

const GERMAN_HOLIDAYS_OPTIONS = optionNames<GermanHolidaysOptions>()(["state"]);

/**
 * Public holidays of Germany in `year`, sorted by date: the nationwide ones,
 * plus those of `options.state` when given (statewide holidays only; see the module
 * notes for holidays of parts of a state). Includes the one-off holidays
 * Reformationstag 2017 (nationwide) and Tag der Befreiung 2020 and 2025
 * (Berlin). Years before 1995 throw a `CxOptionsError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { germanHolidays } from "./holidays.ts";
 * const nw = germanHolidays(2025, { state: "NW" });
 * assert.ok(nw.length === 11);
 * assert.ok(nw.some((h) => h.date === "2025-06-19" && h.name === "Fronleichnam"));
 * assert.ok(!germanHolidays(2025).some((h) => h.name === "Fronleichnam"));
 * ```
 */
export function germanHolidays(year: number, options: GermanHolidaysOptions = {}): Holiday[] {
  checkOptions("germanHolidays", options, GERMAN_HOLIDAYS_OPTIONS);
  const state = options.state;
  if (!Number.isInteger(year) || year < FIRST_HOLIDAY_YEAR) {
    throw new CxOptionsError(
      `German holidays are implemented from ${FIRST_HOLIDAY_YEAR} on; got year ${
        JSON.stringify(year)
      }`,
    );
  }
  if (state !== undefined) checkGermanState(state);
  const easter = Date.parse(easterSunday(year));
  const fromEaster = (days: number) => isoDate(easter + days * DAY);
  const fixed = (month: number, day: number) => isoDate(Date.UTC(year, month - 1, day));
  const within = (...states: GermanState[]) => state !== undefined && states.includes(state);
  const list: Holiday[] = [
    { date: fixed(1, 1), name: "Neujahr" },
    { date: fromEaster(-2), name: "Karfreitag" },
    { date: fromEaster(1), name: "Ostermontag" },
    { date: fixed(5, 1), name: "Tag der Arbeit" },
    { date: fromEaster(39), name: "Christi Himmelfahrt" },
    { date: fromEaster(50), name: "Pfingstmontag" },
    { date: fixed(10, 3), name: "Tag der Deutschen Einheit" },
    { date: fixed(12, 25), name: "1. Weihnachtstag" },
    { date: fixed(12, 26), name: "2. Weihnachtstag" },
  ];
  const add = (when: boolean, date: string, name: string) => when && list.push({ date, name });
  add(within("BW", "BY", "ST"), fixed(1, 6), "Heilige Drei Könige");
  add(
    (within("BE") && year >= 2019) || (within("MV") && year >= 2023),
    fixed(3, 8),
    "Internationaler Frauentag",
  );
  add(within("BB"), fromEaster(0), "Ostersonntag");
  add(within("BE") && (year === 2020 || year === 2025), fixed(5, 8), "Tag der Befreiung");
  add(within("BB"), fromEaster(49), "Pfingstsonntag");
  add(within("BW", "BY", "HE", "NW", "RP", "SL"), fromEaster(60), "Fronleichnam");
  add(within("SL"), fixed(8, 15), "Mariä Himmelfahrt");
  add(within("TH") && year >= 2019, fixed(9, 20), "Weltkindertag");
  add(
    year === 2017 || within("BB", "MV", "SN", "ST", "TH") ||
      (within("HB", "HH", "NI", "SH") && year >= 2018),
    fixed(10, 31),
    "Reformationstag",
  );
  add(within("BW", "BY", "NW", "RP", "SL"), fixed(11, 1), "Allerheiligen");
  add(within("SN"), repentanceDay(year), "Buß- und Bettag");
  return list.sort((x, y) => x.date < y.date ? -1 : x.date > y.date ? 1 : 0);
}

/** Throws a `CxOptionsError` unless `state` is a German state code. */
export function checkGermanState(state: unknown): asserts state is GermanState {
  if (typeof state !== "string" || !Object.hasOwn(GERMAN_STATES, state)) {
    throw new CxOptionsError(
      `Option "state" must be a German federal state code (${
        Object.keys(GERMAN_STATES).join(", ")
      }), got ${JSON.stringify(state)}`,
    );
  }
}

const DAY = 86_400_000;

/** Buß- und Bettag: the Wednesday before 23 November (16–22 November). */
function repentanceDay(year: number): string {
  const nov22 = Date.UTC(year, 10, 22);
  const back = (new Date(nov22).getUTCDay() - 3 + 7) % 7; // Wednesday = 3
  return isoDate(nov22 - back * DAY);
}

function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
