/**
 * Reading the reference fixtures in tests/fixtures/drivers (made by
 * make_driver_fixtures.py with scipy/numpy/statsmodels).
 *
 * @module
 */
import * as aq from "arquero";

/** Rows of a drivers/correlation fixture, plain numbers parsed, empty cells as null. */
export function driverFixture(name: string): Record<string, string | number | null>[] {
  const text = Deno.readTextFileSync(new URL(`../fixtures/drivers/${name}`, import.meta.url));
  const rows = aq.fromCSV(text, { autoType: false }).objects() as Record<string, string | null>[];
  const numeric = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        v === null || v === "" ? null : numeric.test(v) ? Number(v) : v,
      ]),
    )
  );
}
