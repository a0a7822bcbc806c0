/**
 * Checks across rows, run by every loader after each row was validated on
 * its own: duplicate identifiers (a warning, or rejects with `unique: true`)
 * and tickets resolved before their first response (a warning). Blank and
 * whitespace-only identifiers are a field rule of the schema (`keyField`).
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import { InstantColumn } from "../kernels/columns.ts";
import { keyColumn } from "../schema/canonical.ts";
import { dateNoteWarnings, type ValueCount } from "./column_notes.ts";
import type { ColumnPlan, PlannedColumn, ValidateOptions } from "./validate.ts";

/** Rejects as they are collected: one entry per problem, in row order. */
export interface RejectColumns {
  row: number[];
  column: (string | null)[];
  value: (string | null)[];
  reason: string[];
}

/** The key column of the plan and whether repeats are rejected. */
export function keyPlan(
  options: ValidateOptions,
  columns: PlannedColumn[],
): { key: number | undefined; unique: boolean } {
  const { unique = false } = options;
  if (typeof unique !== "boolean") {
    throw new CxOptionsError(
      `Option "unique" must be true or false, got ${JSON.stringify(unique)}`,
    );
  }
  const name = options.schema === undefined ? undefined : keyColumn(options.schema);
  if (unique && name === undefined) {
    throw new CxOptionsError(
      `Option "unique" needs a schema with a key column: "responses" (response_id), "tickets" (ticket_id) or "customers" (customer_id); drop unique or pick the schema`,
    );
  }
  const key = columns.findIndex((c) => c.name === name);
  return { key: key < 0 ? undefined : key, unique };
}

/**
 * The checks across rows, once every row was validated on its own: repeated
 * keys among the accepted rows (returns those to drop with `unique`), and the
 * warnings of dates read with a note (`counts(k)` gives column `k`'s
 * distinct raw values with row counts).
 */
export function checkAcrossRows(
  plan: ColumnPlan,
  keys: AcceptedKeys,
  rejects: RejectColumns,
  counts: (k: number) => Iterable<ValueCount>,
): number[] {
  const drop = plan.key === undefined
    ? []
    : checkKeys(plan.columns[plan.key].name, keys, plan.unique, rejects, plan.warnings);
  for (const [k, notes] of plan.dateNotes) {
    if (notes.texts.size) plan.warnings.push(...dateNoteWarnings(notes, counts(k)));
  }
  return drop;
}

/** The key of each accepted row `j` (`0 … n-1`, in row order). */
export interface AcceptedKeys {
  /** Accepted rows. */
  n: number;
  /** The key value of accepted row `j`. */
  keyAt: (j: number) => unknown;
  /** The spreadsheet row of accepted row `j`. */
  rowAt: (j: number) => number;
  /**
   * Keys as integers below `count` (dictionary codes), compared without
   * hashing; only when equal codes mean equal keys and vice versa.
   */
  slots?: { count: number; slotAt: (j: number) => number };
}

/** How many duplicates a warning shows as examples. */
const EXAMPLES = 3;

/**
 * Finds repeated keys among the accepted rows (positions `0 … n-1`, in row
 * order): each repeat is counted in a warning with the first examples and
 * their rows; with `unique`, every repeat after the first occurrence is also
 * rejected, naming the row of the first. Returns the positions to drop
 * (empty unless `unique`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkKeys } from "./checks.ts";
 * const rejects = { row: [3], column: ["x"], value: ["?"], reason: ["bad"] };
 * const keys = ["a", "b", "a"], rows = [2, 4, 5], warnings: string[] = [];
 * const accepted = { n: keys.length, keyAt: (j: number) => keys[j], rowAt: (j: number) => rows[j] };
 * const drop = checkKeys("id", accepted, true, rejects, warnings);
 * assert.deepEqual(drop, [2]);
 * assert.deepEqual(rejects.row, [3, 5]);
 * assert.deepEqual(rejects.column, ["x", "id"]);
 * assert.ok(rejects.reason[1].includes("row 2"));
 * assert.ok(warnings[0].startsWith('id: 1 row repeats an id of an earlier row ("a" in rows 2 and 5)'));
 * ```
 */
export function checkKeys(
  column: string,
  keys: AcceptedKeys,
  unique: boolean,
  rejects: RejectColumns,
  warnings: string[],
): number[] {
  const { n, keyAt, rowAt, slots } = keys;
  const repeats: number[] = [];
  const firstOf: number[] = [];
  if (slots) {
    const first = new Int32Array(slots.count).fill(-1);
    for (let j = 0; j < n; j++) {
      const e = slots.slotAt(j), f = first[e];
      if (f < 0) first[e] = j;
      else if (keyAt(j) !== null && keyAt(j) !== undefined) repeats.push(j), firstOf.push(f);
    }
  } else if (hasRepeat(n, keyAt)) {
    const first = new Map<unknown, number>();
    for (let j = 0; j < n; j++) {
      const key = keyAt(j);
      if (key === null || key === undefined) continue;
      const f = first.get(key);
      if (f === undefined) first.set(key, j);
      else repeats.push(j), firstOf.push(f);
    }
  }
  if (repeats.length === 0) return [];
  const examples = repeats.slice(0, EXAMPLES).map((j, k) =>
    `"${keyAt(j)}" in rows ${rowAt(firstOf[k])} and ${rowAt(j)}`
  ).join("; ");
  const count = repeats.length;
  warnings.push(
    `${column}: ${count} ${
      count === 1 ? "row repeats an id" : "rows repeat ids"
    } of an earlier row (${examples}${count > EXAMPLES ? "; …" : ""}); ${
      unique
        ? "rejected as repeats (unique: true keeps the first occurrence)"
        : "each is counted as its own row; pass unique: true to reject the repeats"
    }`,
  );
  if (!unique) return [];
  const added: RejectColumns = { row: [], column: [], value: [], reason: [] };
  repeats.forEach((j, k) => {
    added.row.push(rowAt(j));
    added.column.push(column);
    added.value.push(String(keyAt(j)));
    added.reason.push(
      `${column} "${keyAt(j)}" repeats row ${
        rowAt(firstOf[k])
      }; unique: true keeps the first occurrence only`,
    );
  });
  mergeRejects(rejects, added);
  return repeats;
}

/** Whether any key repeats (a Set is faster than the Map that finds the first rows). */
function hasRepeat(n: number, keyAt: (j: number) => unknown): boolean {
  const seen = new Set<unknown>();
  for (let j = 0; j < n; j++) {
    const key = keyAt(j);
    if (key === null || key === undefined) continue;
    const size = seen.size;
    if (seen.add(key).size === size) return true;
  }
  return false;
}

/** Merges `added` into `rejects`, both in row order, keeping row order (stable). */
function mergeRejects(rejects: RejectColumns, added: RejectColumns): void {
  const old: RejectColumns = {
    row: rejects.row.splice(0),
    column: rejects.column.splice(0),
    value: rejects.value.splice(0),
    reason: rejects.reason.splice(0),
  };
  let a = 0, b = 0;
  while (a < old.row.length || b < added.row.length) {
    const fromOld = b >= added.row.length || (a < old.row.length && old.row[a] <= added.row[b]);
    const [src, i] = fromOld ? [old, a++] : [added, b++];
    rejects.row.push(src.row[i]);
    rejects.column.push(src.column[i]);
    rejects.value.push(src.value[i]);
    rejects.reason.push(src.reason[i]);
  }
}

/**
 * The warning for accepted tickets resolved before their first response
 * (`resolved_at < first_response_at`), or `undefined` when there are none.
 * Such tickets are kept (their resolution time is valid) but left out of
 * first response times.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolvedBeforeResponseWarning } from "./checks.ts";
 * const w = resolvedBeforeResponseWarning({
 *   ticket_id: ["t1", "t2"],
 *   first_response_at: [new Date("2024-01-05T10:00Z"), new Date("2024-01-05T10:00Z")],
 *   resolved_at: [new Date("2024-01-05T09:00Z"), null],
 * });
 * assert.ok(w?.startsWith("resolved_at: 1 ticket was resolved before its first response (e.g. ticket t1"));
 * ```
 */
export function resolvedBeforeResponseWarning(
  columns: Record<string, unknown>,
): string | undefined {
  const response = columns.first_response_at, resolved = columns.resolved_at;
  if (!response || !resolved) return undefined;
  const ids = columns.ticket_id as ArrayLike<unknown> & { at?(i: number): unknown } | undefined;
  const msAt = instantReader(response), resolvedMs = instantReader(resolved);
  const n = (resolved as ArrayLike<unknown>).length;
  let count = 0, example = -1;
  for (let i = 0; i < n; i++) {
    if (resolvedMs(i) < msAt(i)) {
      if (count++ === 0) example = i;
    }
  }
  if (count === 0) return undefined;
  const id = ids ? (typeof ids.at === "function" ? ids.at(example) : ids[example]) : undefined;
  return `resolved_at: ${count} ${count === 1 ? "ticket was" : "tickets were"} resolved before ${
    count === 1 ? "its" : "their"
  } first response (e.g. ticket ${
    id ?? `#${example + 1}`
  }: resolved_at < first_response_at); kept, but firstResponseTime leaves them out; check the time zones or the column mapping`;
}

/** Epoch ms of row `i` of a loader's date column (`NaN` when missing). */
function instantReader(column: unknown): (i: number) => number {
  if (column instanceof InstantColumn) return (i) => column.ms[i];
  const values = column as ArrayLike<unknown>;
  return (i) => {
    const v = values[i];
    return v instanceof Date ? v.getTime() : NaN;
  };
}
