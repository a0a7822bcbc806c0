/**
 * The aggregate step of survival analyses: checked time and event columns
 * reduced to mergeable counts of events and censorings per group and time,
 * and helpers to walk such counts and per-group result tables.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled } from "../../base/input.ts";
import { requireColumn } from "../../base/plan.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { columnValues } from "../../kernels/groups.ts";
import {
  checkSurvivalValues,
  SURVIVAL_COLUMN_OPTIONS,
  type SurvivalColumns,
  survivalColumns,
} from "./columns.ts";
import { countsInEngine } from "./sql.ts";

/**
 * Aggregate step: the number of events and censorings per group and distinct
 * time, `[by…], time, n_event, n_censor`, sorted. These counts are all a
 * Kaplan–Meier curve or a log-rank test needs, and counts of parts (months,
 * shards) add up exactly. Throws a `CxDataError` listing rows with a missing,
 * negative or non-numeric time or an event that is not 0/1/true/false.
 * Groups with a missing `by` value are kept here (a `null` key): the
 * finalize steps leave them out, or not, by their `missing` option.
 *
 * With `engine` (or a `{ engine, table }` or file input) the counts are a
 * `GROUP BY by…, time` in DuckDB, PostgreSQL or ClickHouse and it resolves to
 * the same table; the value checks run there too (a `CxDataError` naming the
 * column and example values).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { survivalCounts } from "./counts.ts";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * const t = aq.table({ time: [3, 3, 3, 7], event: [true, true, false, false] });
 * const counts = survivalCounts(t);
 * assert.ok(counts.get("n_event", 0) === 2 && counts.get("n_censor", 0) === 1);
 * const engine = duckdbEngine();
 * assert.deepEqual((await survivalCounts(t, { engine })).objects(), counts.objects());
 * await engine.close();
 * ```
 */
export const survivalCounts: EngineAnalysis<SurvivalColumns> = withEngine<SurvivalColumns>({
  name: "survivalCounts",
  options: SURVIVAL_COLUMN_OPTIONS,
  memory: (input, options) => countSurvival(pooled(input), options),
  sql: async (call, options) => (await countsInEngine(call, options)).counts,
});

/**
 * {@link survivalCounts} without the option check, for analyses that pass
 * their own (already checked) options through.
 */
export function countSurvival(table: ColumnTable, options: SurvivalColumns): ColumnTable {
  const { time, event, by } = survivalColumns(table, options);
  checkSurvivalValues(table, time, event);
  return countingSortCounts(table, time, event, by) ?? genericCounts(table, time, event, by);
}

/** The reference aggregate in Arquero verbs (any time values, any key values). */
function genericCounts(table: ColumnTable, time: string, event: string, by: string[]): ColumnTable {
  const events = (table.array(event) as unknown[]).map((v) => (v === true || v === 1 ? 1 : 0));
  const base = table.select([...by, time]).reify().assign({ __e: events });
  const keyed = time === "time" ? base : base.rename({ [time]: "time" });
  return keyed
    .groupby([...by, "time"])
    .rollup({ n_event: aq.op.sum("__e"), n_total: aq.op.count() })
    .derive({ n_censor: (d: { n_total: number; n_event: number }) => d.n_total - d.n_event })
    .select([...by, "time", "n_event", "n_censor"])
    .orderby(...by, "time");
}

/** Largest number of (group, time) cells the counting sort allocates. */
const MAX_CELLS = 1 << 24;

/**
 * The same table as {@link genericCounts}, by a counting sort: whole-number
 * times index typed arrays of events and totals per group in one pass. Only
 * for keys Arquero groups by value (strings, finite numbers); returns
 * `undefined` otherwise (fractional times, null/Date/object keys, too many
 * cells) so the generic path answers. Group order comes from Arquero's own
 * `orderby` over the distinct keys, so the rows come out in the same order.
 */
function countingSortCounts(
  table: ColumnTable,
  time: string,
  event: string,
  by: string[],
): ColumnTable | undefined {
  const times = columnValues(table, time) as ArrayLike<number>;
  const events = columnValues(table, event);
  const n = times.length;
  let maxTime = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (!Number.isInteger(t) || Object.is(t, -0)) return undefined;
    if (t > maxTime) maxTime = t;
  }
  const width = maxTime + 1;
  const groups = groupCodes(table, by, n, width);
  if (!groups) return undefined;
  const { group, dictionaries, radix } = groups;
  const cellEvents = new Int32Array(radix * width);
  const cellTotals = new Int32Array(radix * width);
  for (let i = 0; i < n; i++) {
    const cell = group[i] * width + times[i];
    cellTotals[cell]++;
    const e = events[i];
    if (e === true || e === 1) cellEvents[cell]++;
  }
  // Groups present, in Arquero's order of their key values.
  const present: number[] = [];
  for (let g = 0; g < radix; g++) {
    for (let t = 0; t < width; t++) {
      if (cellTotals[g * width + t] > 0) {
        present.push(g);
        break;
      }
    }
  }
  const keyColumns: Record<string, unknown[]> = { __g: present };
  by.forEach((column, j) => {
    const below = dictionaries.slice(0, j).reduce((r, d) => r * d.length, 1);
    const size = dictionaries[j].length;
    keyColumns[column] = present.map((g) => dictionaries[j][Math.floor(g / below) % size]);
  });
  const ordered = aq.table(keyColumns).orderby(...by);
  const order = ordered.array("__g") as number[];
  const keys = by.map((column) => ordered.array(column) as unknown[]);
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...by, "time", "n_event", "n_censor"].map((c) => [c, []]),
  );
  order.forEach((g, k) => {
    for (let t = 0; t < width; t++) {
      const total = cellTotals[g * width + t];
      if (total === 0) continue;
      const d = cellEvents[g * width + t];
      by.forEach((column, j) => out[column].push(keys[j][k]));
      out.time.push(t);
      out.n_event.push(d);
      out.n_censor.push(total - d);
    }
  });
  return aq.table(out);
}

/**
 * Dictionary-encodes each key column and combines the codes in mixed radix:
 * a group code per row, each column's distinct values and the number of
 * codes; `undefined` for keys Arquero does not group by value (not strings
 * or finite numbers) or more than {@link MAX_CELLS} cells of `width` times.
 */
function groupCodes(table: ColumnTable, by: string[], n: number, width: number) {
  if (width > MAX_CELLS) return undefined;
  const group = new Int32Array(n);
  const dictionaries: unknown[][] = [];
  let radix = 1;
  for (const column of by) {
    const values = columnValues(table, column);
    const codes = new Map<unknown, number>();
    const dictionary: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const v = values[i];
      let code = codes.get(v);
      if (code === undefined) {
        if (typeof v !== "string" && !(typeof v === "number" && Number.isFinite(v))) {
          return undefined;
        }
        code = dictionary.length;
        codes.set(v, code);
        dictionary.push(v);
      }
      group[i] += code * radix;
    }
    dictionaries.push(dictionary);
    radix *= dictionary.length;
    if (radix * width > MAX_CELLS) return undefined;
  }
  return { group, dictionaries, radix };
}

/** One group of a counts table: its key values and rows in time order. */
export interface CountGroup {
  /** Values of the `by` columns. */
  key: unknown[];
  /** Per distinct time: events and censorings. */
  rows: { time: number; n_event: number; n_censor: number }[];
}

/**
 * Splits a counts table into groups (in table order, which {@link survivalCounts}
 * sorts) and merges rows of equal time, so counts of several parts can be
 * concatenated before finalizing.
 */
export function countGroups(counts: ColumnTable, by: string[]): CountGroup[] {
  for (const c of [...by, "time", "n_event", "n_censor"]) requireColumn(counts, c, "counts");
  const sorted = counts.orderby(...by, "time");
  const keys = by.map((c) => sorted.array(c) as unknown[]);
  const times = sorted.array("time") as number[];
  const events = sorted.array("n_event") as number[];
  const censored = sorted.array("n_censor") as number[];
  const groups: CountGroup[] = [];
  let current: CountGroup | undefined;
  let currentId = "";
  for (let i = 0; i < times.length; i++) {
    const key = keys.map((k) => k[i]);
    const id = JSON.stringify(key);
    if (!current || id !== currentId) {
      current = { key, rows: [] };
      currentId = id;
      groups.push(current);
    }
    const last = current.rows[current.rows.length - 1];
    if (last && last.time === times[i]) {
      last.n_event += events[i];
      last.n_censor += censored[i];
    } else current.rows.push({ time: times[i], n_event: events[i], n_censor: censored[i] });
  }
  return groups;
}

/** Splits a per-row result table (e.g. a Kaplan–Meier table) into its groups' row objects. */
export function resultGroups(
  result: ColumnTable,
  by: string[],
): { key: unknown[]; rows: Record<string, unknown>[] }[] {
  const groups: { key: unknown[]; rows: Record<string, unknown>[] }[] = [];
  let currentId: string | undefined;
  for (const row of result.objects() as Record<string, unknown>[]) {
    const key = by.map((c) => row[c]);
    const id = JSON.stringify(key);
    if (id !== currentId) {
      groups.push({ key, rows: [] });
      currentId = id;
    }
    groups[groups.length - 1].rows.push(row);
  }
  return groups;
}
