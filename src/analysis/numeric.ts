/**
 * What correlations and key drivers share: their segment options, numeric
 * columns as typed arrays (NaN for a missing value) with errors that name
 * the bad rows, the row indices of each `by` group in key order, and the
 * refusal of `engine` by the analyses of two tables.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import { leaveOutMissingCells } from "../metrics/groups.ts";
import type { MissingGroups } from "../base/plan.ts";
import { optionNames } from "../options.ts";
import { refuseEngine } from "../engine/dispatch.ts";

/** The segment options of correlations and key drivers. */
export interface GroupedOptions {
  /** Segment column(s): one analysis per group. */
  by?: string | string[];
  /**
   * Rows whose `by` value is missing (`null`, empty or blank text): `"drop"`
   * (default) leaves them out and counts them in
   * `meta(result).notes.missingGroups`; `"group"` analyses them as their own
   * group (`null` key).
   */
  missing?: MissingGroups;
}

/** The names of {@link GroupedOptions}. */
export const GROUPED_OPTIONS = optionNames<GroupedOptions>()(["by", "missing"]);

/** Option `engine` of an analysis that reads two tables and so runs in memory only. */
export interface NoEngineOption {
  /**
   * Not taken: this analysis reads two tables, so it runs in memory only.
   * An engine here is a `CxOptionsError` that says so (never ignored).
   */
  engine?: never;
}

/**
 * Refuses option `engine` of an analysis that runs in memory only, in the
 * dispatcher's one wording (`refuseEngine`), with the reason `why`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseEngineOption } from "./numeric.ts";
 * refuseEngineOption("joinMetrics", {}, "it joins two tables");
 * assert.throws(
 *   () => refuseEngineOption("joinMetrics", { engine: {} }, "it joins two tables"),
 *   /^CxOptionsError: joinMetrics cannot run in an SQL engine: it joins two tables/,
 * );
 * ```
 */
export function refuseEngineOption(name: string, options: unknown, why: string): void {
  if ((options as { engine?: unknown } | undefined)?.engine !== undefined) refuseEngine(name, why);
}

/**
 * The values of a numeric column as a `Float64Array`, NaN where missing
 * (`null`, `undefined` or NaN). Anything else that is not a finite number
 * (text, dates, booleans, ±Infinity) is a `CxDataError` naming the rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { numericColumn } from "./numeric.ts";
 * const v = numericColumn(aq.table({ a: [1, null, 3] }), "a", "columns");
 * assert.ok(v[0] === 1 && Number.isNaN(v[1]) && v[2] === 3);
 * ```
 */
export function numericColumn(table: ColumnTable, name: string, option: string): Float64Array {
  requireColumns(table, [name], option);
  // Unfiltered, unordered tables hand out their column storage: no copy into an Array first.
  const direct = !table.isFiltered() && !table.isOrdered();
  const stored = direct ? table.column(name) : undefined;
  if (stored instanceof Float64Array) return Float64Array.from(stored);
  const values = (Array.isArray(stored) ? stored : table.array(name)) as ArrayLike<unknown>;
  const out = new Float64Array(values.length);
  const problems: CxProblem[] = [];
  let bad = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && (Number.isFinite(v) || Number.isNaN(v))) out[i] = v;
    else if (v === null || v === undefined) out[i] = NaN;
    else {
      bad++;
      if (problems.length < 20) {
        problems.push({
          row: i + 1,
          column: name,
          value: v instanceof Date ? v.toISOString() : String(v),
          reason: `${name} must hold finite numbers (or be empty); ` +
            `load the data with readCsv so numeric columns are typed, or convert the column`,
        });
      }
    }
  }
  if (bad) throw new CxDataError(problems, bad, `Column "${name}" is not numeric`);
  return out;
}

/**
 * Throws a `CxOptionsError` for any name that is not a column of the table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { requireColumns } from "./numeric.ts";
 * assert.throws(() => requireColumns(aq.table({ a: [1] }), ["b"], "columns"), /Columns: a/);
 * ```
 */
export function requireColumns(table: ColumnTable, names: string[], option: string): void {
  const present = table.columnNames();
  for (const name of names) {
    if (typeof name !== "string" || !present.includes(name)) {
      throw new CxOptionsError(
        `Option "${option}" names column ${
          JSON.stringify(name)
        }, which is not in the table. Columns: ${present.join(", ")}`,
      );
    }
  }
}

/**
 * Normalises a `by` option to a list of column names (checked).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { byColumns } from "./numeric.ts";
 * assert.deepEqual(byColumns(aq.table({ channel: ["chat"] }), "channel"), ["channel"]);
 * ```
 */
export function byColumns(table: ColumnTable, by: string | string[] | undefined): string[] {
  const list = by === undefined ? [] : Array.isArray(by) ? by : [by];
  requireColumns(table, list, "by");
  return list;
}

/** One `by` group: its key values and its rows. */
export interface RowGroup {
  /** Key column → value (empty without `by`). */
  key: Record<string, unknown>;
  /** Row indices of the group, ascending. */
  rows: Int32Array;
}

/**
 * Splits row indices by the values of the `by` columns, groups sorted by
 * their keys (ascending, missing keys last, like Arquero's `orderby`). Without
 * `by`, one group holds every row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { rowGroups } from "./numeric.ts";
 * const groups = rowGroups(aq.table({ ch: ["web", "chat", null, "web"] }), ["ch"]);
 * assert.deepEqual(groups.map((g) => [g.key.ch, [...g.rows]]), [
 *   ["chat", [1]],
 *   ["web", [0, 3]],
 *   [null, [2]],
 * ]);
 * ```
 */
export function rowGroups(table: ColumnTable, by: string[]): RowGroup[] {
  const n = table.numRows();
  if (by.length === 0) {
    return [{ key: {}, rows: Int32Array.from({ length: n }, (_, i) => i) }];
  }
  const columns = by.map((name) => table.array(name) as ArrayLike<unknown>);
  const index = new Map<string, { key: unknown[]; rows: number[] }>();
  for (let i = 0; i < n; i++) {
    const key = columns.map((c) => c[i] ?? null);
    const id = JSON.stringify(key.map((v) => v instanceof Date ? v.getTime() : v));
    let g = index.get(id);
    if (!g) index.set(id, g = { key, rows: [] });
    g.rows.push(i);
  }
  return [...index.values()]
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((g) => ({
      key: Object.fromEntries(by.map((name, k) => [name, g.key[k]])),
      rows: Int32Array.from(g.rows),
    }));
}

/**
 * The `by` groups without those whose key has a missing value, unless
 * `missing` is `"group"` (the one rule of `leaveOutMissing`), and the note
 * counting the rows left out (`sizeOf` a group; default its row count).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { rowGroups, withoutMissingGroups } from "./numeric.ts";
 * const groups = rowGroups(aq.table({ ch: ["web", null, null] }), ["ch"]);
 * const { groups: kept, note } = withoutMissingGroups(groups, ["ch"], undefined);
 * assert.deepEqual(kept.map((g) => g.key.ch), ["web"]);
 * assert.match(String(note), /^2 rows with a missing ch left out/);
 * ```
 */
export function withoutMissingGroups(
  groups: RowGroup[],
  by: string[],
  missing: unknown,
  sizeOf: (group: RowGroup) => number = (g) => g.rows.length,
): { groups: RowGroup[]; note: string | null } {
  const { kept, note } = leaveOutMissingCells(groups, by, missing, (g) => by.map((b) => g.key[b]), {
    noun: "rows",
    count: (left) => left.reduce((s, g) => s + sizeOf(g), 0),
  });
  return { groups: kept, note };
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let k = 0; k < a.length; k++) {
    const c = compareValues(a[k], b[k]);
    if (c) return c;
  }
  return 0;
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const x = a instanceof Date ? a.getTime() : a, y = b instanceof Date ? b.getTime() : b;
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

/**
 * The values of `column` at `rows` (the column itself when `rows` is every row).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { take } from "./numeric.ts";
 * assert.deepEqual([...take(Float64Array.of(5, 6, 7), Int32Array.of(2, 0))], [7, 5]);
 * ```
 */
export function take(column: Float64Array, rows: Int32Array): Float64Array {
  if (rows.length === column.length) return column;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = column[rows[i]];
  return out;
}
