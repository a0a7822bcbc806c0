/**
 * The aggregate step of survival analyses: checked time and event columns
 * reduced to mergeable counts of events and censorings per group and time,
 * and helpers to walk such counts and per-group result tables.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import { leaveOutMissing, type LeftOut, sumOf } from "../metrics/groups.ts";
import { type MissingGroups, requireColumn } from "../base/plan.ts";
import { checkCall, optionNames } from "../options.ts";

/** Which columns hold the follow-up time, the event flag and the segments. */
export interface SurvivalColumns {
  /** Follow-up time column, numbers ≥ 0 (default `"time"`, as {@link survivalTimes} writes). */
  time?: string;
  /** Event column: `1`/`true` = event (e.g. churn), `0`/`false` = censored (default `"event"`). */
  event?: string;
  /** Segment column(s): one curve per combination. */
  by?: string | string[];
}

/** The names of {@link SurvivalColumns}. */
export const SURVIVAL_COLUMN_OPTIONS = optionNames<SurvivalColumns>()(["time", "event", "by"]);

/** Option of the survival analyses that draw or compare groups. */
export interface MissingGroupOption {
  /**
   * Rows whose `by` value is missing (`null`, empty or blank text):
   * `"drop"` (default, as R's `survfit`/`survdiff` drop `NA` strata) leaves
   * them out of the curves and tests and counts them in the result's
   * `notes.missingGroups`; `"group"` keeps them as their own group (`null` key).
   */
  missing?: MissingGroups;
}

/**
 * Counts (`[by…], time, n_event, n_censor`) without the groups whose `by`
 * value is missing, unless `missing` is `"group"`, and the note counting
 * the rows left out: the one rule of {@link leaveOutMissing}, applied after
 * the aggregate (memory or SQL) and before every survival finalize step.
 */
export function countsWithoutMissing(
  counts: ColumnTable,
  by: readonly string[],
  missing: unknown,
): { counts: ColumnTable; notes: Record<string, string> } {
  const { kept, note } = leaveOutMissing(counts, by, missing, ROWS_LEFT_OUT);
  return { counts: kept, notes: note ? { missingGroups: note } : {} };
}

const ROWS_LEFT_OUT: LeftOut = {
  noun: "rows",
  count: (rows) => sumOf("n_event")(rows) + sumOf("n_censor")(rows),
};

/** The validated column choice of a survival analysis. */
export interface ResolvedColumns {
  /** Time column. */
  time: string;
  /** Event column. */
  event: string;
  /** Segment columns. */
  by: string[];
}

/** Result column names a `by` column may not have (they would collide in the output). */
const RESERVED = [
  "time",
  "n_risk",
  "n_event",
  "n_censor",
  "survival",
  "survival_low",
  "survival_high",
  "std_err",
  "reason",
];

/** Checks the column options against the table (`CxOptionsError` naming the option). */
export function survivalColumns(table: ColumnTable, options: SurvivalColumns): ResolvedColumns {
  const { time = "time", event = "event" } = options;
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  requireColumn(table, time, "time");
  requireColumn(table, event, "event");
  for (const column of by) {
    requireColumn(table, column, "by");
    if (RESERVED.includes(column) || column === time || column === event) {
      throw new CxOptionsError(
        `Option "by" cannot use column ${JSON.stringify(column)}: it is the time or event ` +
          `column or a result column name (${RESERVED.join(", ")}); rename it first`,
      );
    }
  }
  if (table.numRows() === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: null,
        value: null,
        reason: "the table has no rows; nothing to estimate",
      }],
      1,
      "Empty table",
    );
  }
  return { time, event, by };
}

/**
 * Aggregate step: the number of events and censorings per group and distinct
 * time, `[by…], time, n_event, n_censor`, sorted. These counts are all a
 * Kaplan–Meier curve or a log-rank test needs, and counts of parts (months,
 * shards) add up exactly. Throws a `CxDataError` listing rows with a missing,
 * negative or non-numeric time or an event that is not 0/1/true/false.
 * Groups with a missing `by` value are kept here (a `null` key): the
 * finalize steps leave them out, or not, by their `missing` option.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { survivalCounts } from "./survival_counts.ts";
 * const counts = survivalCounts(aq.table({ time: [3, 3, 3, 7], event: [true, true, false, false] }));
 * assert.ok(counts.get("n_event", 0) === 2 && counts.get("n_censor", 0) === 1);
 * ```
 */
export function survivalCounts(table: ColumnTable, options: SurvivalColumns = {}): ColumnTable {
  ({ input: table, options } = checkCall(
    "survivalCounts",
    table,
    options,
    SURVIVAL_COLUMN_OPTIONS,
  ));
  return countSurvival(table, options);
}

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
  if (maxTime + 1 > MAX_CELLS) return undefined;
  // Dictionary-encode each key column, then combine the codes in mixed radix.
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
    if (radix * (maxTime + 1) > MAX_CELLS) return undefined;
  }
  const width = maxTime + 1;
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
 * A column's values in row order: the stored array itself when the table is
 * neither filtered nor ordered and the column is a plain or typed array (no
 * copy), otherwise Arquero's `array()` copy.
 */
function columnValues(table: ColumnTable, name: string): ArrayLike<unknown> {
  const column = table.column(name) as unknown;
  if (
    !table.isFiltered() && !table.isOrdered() &&
    (Array.isArray(column) || ArrayBuffer.isView(column)) &&
    (column as ArrayLike<unknown>).length === table.numRows()
  ) {
    return column as ArrayLike<unknown>;
  }
  return table.array(name) as ArrayLike<unknown>;
}

/** Why a time or event value is rejected: the `reason` of {@link checkSurvivalValues}'s problems. */
export function survivalValueReason(check: "time" | "event", column: string): string {
  return check === "time"
    ? `${column} must be a follow-up time ≥ 0; derive it with survivalTimes() or drop the row`
    : `${column} must be 1/true (event) or 0/false (censored)`;
}

/** Checks times (finite numbers ≥ 0) and events (0/1/true/false); lists the first bad rows. */
export function checkSurvivalValues(table: ColumnTable, time: string, event: string): void {
  const times = columnValues(table, time);
  const events = columnValues(table, event);
  const problems: CxProblem[] = [];
  let total = 0;
  const add = (p: CxProblem) => {
    total++;
    if (problems.length < 20) problems.push(p);
  };
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (typeof t !== "number" || !Number.isFinite(t) || t < 0) {
      add({
        row: i + 1,
        column: time,
        value: t === null || t === undefined ? null : String(t),
        reason: survivalValueReason("time", time),
      });
    }
    const e = events[i];
    if (!(e === 0 || e === 1 || e === true || e === false)) {
      add({
        row: i + 1,
        column: event,
        value: e === null || e === undefined ? null : String(e),
        reason: survivalValueReason("event", event),
      });
    }
  }
  if (total) throw new CxDataError(problems, total, "Survival data has invalid values");
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
