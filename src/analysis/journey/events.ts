/**
 * Reading an events table as journeys: one ordered sequence of steps per
 * customer (and segment), the first stage of every journey analysis.
 *
 * **Order.** A customer's events are ordered by date; events with the same
 * date by their step label in code-point order (the byte order of UTF-8,
 * which DuckDB, PostgreSQL with `COLLATE "C"` and ClickHouse use too), so
 * ties are ordered the same way in memory and in every engine.
 *
 * **Segments.** With `by`, a journey is a customer's events with one
 * segment value: a customer whose segment changes has one journey per value.
 *
 * **Left out.** Rows with a missing customer, date, step or segment value
 * are left out and counted (`notes.rows_left_out` of the result).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../../errors.ts";
import { requireColumn } from "../../base/plan.ts";

/** Label of the state before a journey's first step. */
export const START = "(start)";
/** Label of the state after a journey's last step. */
export const END = "(end)";
/** Labels a step may not have: the states journey analyses add. */
export const RESERVED_STEPS: readonly string[] = [START, END, "(conversion)", "(null)"];

/** The columns every journey analysis reads. */
export interface JourneyColumns {
  /** Customer id column (default `"customer_id"`). */
  customer?: string;
  /** Event date column: Dates or epoch milliseconds (default `"date"`). */
  date?: string;
}

/** One journey: a customer's steps in order, with their times (epoch ms). */
export interface Journey {
  /** Segment values (empty without `by`). */
  key: unknown[];
  /** Customer id. */
  customer: unknown;
  /** Step labels, ordered. */
  steps: string[];
  /** Times of the steps, epoch milliseconds. */
  times: number[];
}

/** Journeys read from a table, and how many rows were left out. */
export interface Journeys {
  /** One per customer (and segment), in order of first appearance. */
  journeys: Journey[];
  /** Rows with a missing customer, date, step or segment value. */
  rowsLeftOut: number;
}

/** Resolved column names. */
export interface ResolvedJourneyColumns {
  customer: string;
  date: string;
  step: string;
  by: string[];
}

/** Column names with defaults, each checked to be in the table. */
export function journeyColumns(
  table: ColumnTable,
  options: JourneyColumns & { by?: string | string[] },
  step: { option: string; name: string },
): ResolvedJourneyColumns {
  const { customer = "customer_id", date = "date" } = options;
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  requireColumn(table, customer, "customer");
  requireColumn(table, date, "date");
  requireColumn(table, step.name, step.option);
  by.forEach((name) => requireColumn(table, name, "by"));
  return { customer, date, step: step.name, by };
}

/** Refuses segment columns named like a result column (the result would have two). */
export function checkByNames(by: string[], result: readonly string[], fn: string): void {
  const clash = by.find((name) => result.includes(name));
  if (clash === undefined) return;
  throw new CxOptionsError(
    `${fn}: segment column "${clash}" (option "by") has the name of a result column (${
      result.join(", ")
    }); rename it first, e.g. t.rename({ ${JSON.stringify(clash)}: "segment" })`,
  );
}

/**
 * Compares texts by code point (the byte order of their UTF-8), as the
 * engines compare them; JavaScript's `<` compares UTF-16 units instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareText } from "./events.ts";
 * assert.equal(compareText("b", "a"), 1);
 * assert.equal(compareText("\u{1F680}", "\uFF5E"), 1); // 🚀 after ～, as in UTF-8
 * ```
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : 1;
}

/**
 * Reads the table's journeys (see the module notes for order, segments and
 * rows left out). Dates must be Dates or finite numbers; a step labelled as
 * one of {@link RESERVED_STEPS} is refused.
 */
export function readJourneys(table: ColumnTable, columns: ResolvedJourneyColumns): Journeys {
  const get = (name: string) => table.array(name) as ArrayLike<unknown>;
  const cust = get(columns.customer), dates = get(columns.date), steps = get(columns.step);
  const keys = columns.by.map(get);
  const byId = new Map<string, Journey>();
  const problems: CxProblem[] = [];
  let left = 0, bad = 0;
  for (let i = 0; i < table.numRows(); i++) {
    const c = cust[i], d = dates[i], s = steps[i];
    const key = keys.map((k) => k[i]);
    if (isMissing(c) || isMissing(d) || isMissing(s) || key.some(isMissing)) {
      left++;
      continue;
    }
    const time = d instanceof Date ? d.getTime() : typeof d === "number" ? d : NaN;
    const step = String(s);
    const badDate = !Number.isFinite(time);
    if (badDate || RESERVED_STEPS.includes(step)) {
      if (problems.length < 20) problems.push(badValue(i, columns, badDate, badDate ? d : s));
      bad++;
      continue;
    }
    const id = JSON.stringify([...key.map(idOf), idOf(c)]);
    let j = byId.get(id);
    if (!j) byId.set(id, j = { key, customer: c, steps: [], times: [] });
    j.steps.push(step);
    j.times.push(time);
  }
  if (bad) throw new CxDataError(problems, bad, "Events have invalid values");
  const journeys = [...byId.values()];
  journeys.forEach(sortJourney);
  return { journeys, rowsLeftOut: left };
}

/** A journey with consecutive repeats of a step merged into one (A A B A → A B A). */
export function collapsed(j: Journey): Journey {
  const steps: string[] = [], times: number[] = [];
  j.steps.forEach((s, i) => {
    if (i > 0 && s === j.steps[i - 1]) return;
    steps.push(s);
    times.push(j.times[i]);
  });
  return { ...j, steps, times };
}

/**
 * Refuses a conversion label that no journey has (a typo would otherwise
 * give zero conversions everywhere), naming the labels that are there.
 */
export function checkConversionSeen(journeys: Journey[], conversion: string, column: string): void {
  const seen = new Set<string>();
  for (const j of journeys) {
    for (const s of j.steps) {
      if (s === conversion) return;
      seen.add(s);
    }
  }
  const labels = [...seen].sort(compareText);
  throw new CxOptionsError(
    `Option "conversion" is ${
      JSON.stringify(conversion)
    }, but no event has that ${column}; values present: ${labels.slice(0, 12).join(", ")}${
      labels.length > 12 ? ", …" : ""
    }`,
  );
}

/** Checks a boolean option. */
export function checkFlag(value: unknown, option: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") {
    throw new CxOptionsError(
      `Option "${option}" must be true or false, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function badValue(
  i: number,
  columns: ResolvedJourneyColumns,
  badDate: boolean,
  value: unknown,
): CxProblem {
  return {
    row: i + 2,
    column: badDate ? columns.date : columns.step,
    value: String(value),
    reason: badDate
      ? `${columns.date} must be a date (or epoch milliseconds); load events with readCsv(…, { schema: "events" })`
      : `${columns.step} may not be ${
        RESERVED_STEPS.join(", ")
      }: journey analyses add these states; rename the step`,
  };
}

function sortJourney(j: Journey): void {
  const order = j.steps.map((_, i) => i).sort((a, b) =>
    j.times[a] - j.times[b] || compareText(j.steps[a], j.steps[b])
  );
  j.steps = order.map((i) => j.steps[i]);
  j.times = order.map((i) => j.times[i]);
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

/** A Map-safe identity of a value (1 and "1" stay apart, Dates by instant). */
function idOf(v: unknown): unknown {
  return v instanceof Date ? ["d", v.getTime()] : [typeof v, v];
}
