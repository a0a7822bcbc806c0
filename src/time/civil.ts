/**
 * Civil (proleptic Gregorian) dates of day counts since 1970-01-01, in pure
 * integer arithmetic: exact for every day DuckDB or Parquet can store, far
 * beyond the range of a JavaScript `Date`.
 *
 * @module
 */

/**
 * Year, month (1–12), day of a day count since 1970-01-01 (H. Hinnant's
 * `civil_from_days`; year 0 is 1 BC).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { civilFromDays } from "./civil.ts";
 * assert.deepEqual(civilFromDays(0), [1970, 1, 1]);
 * assert.deepEqual(civilFromDays(-1), [1969, 12, 31]);
 * assert.deepEqual(civilFromDays(19_782), [2024, 2, 29]);
 * ```
 */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/**
 * The text of a day count as DuckDB writes a `DATE` (`CAST(d AS VARCHAR)`):
 * `YYYY-MM-DD` with at least four year digits, years before 1 AD counted
 * back from 1 with ` (BC)`, and `infinity` / `-infinity` for ±Infinity.
 * Loaders hand these texts to the date rules, so a Parquet `DATE` read as a
 * number is validated exactly like the same date read as text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dayText } from "./civil.ts";
 * assert.equal(dayText(19_782), "2024-02-29");
 * assert.equal(dayText(-719_164), "0001-12-30 (BC)");
 * assert.equal(dayText(3_789_453), "12345-03-04");
 * assert.equal(dayText(-Infinity), "-infinity");
 * ```
 */
export function dayText(days: number): string {
  if (days === Infinity) return "infinity";
  if (days === -Infinity) return "-infinity";
  const [y, m, d] = civilFromDays(days);
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  const date = `${pad(y > 0 ? y : 1 - y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
  return y > 0 ? date : `${date} (BC)`;
}
