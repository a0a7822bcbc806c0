/**
 * Validation of dictionary-encoded input: each distinct text of a column is
 * converted and checked once (with the very converters and field schemas of
 * `validateColumns`), rows whose every cell is good are accepted from their
 * codes alone, and only the other rows go through the row-by-row path that
 * writes rejects. The result — table values, rejects, summary — is the same
 * as `validateColumns` on the decoded text, but text columns come out as
 * {@link CodedColumn}s and dates as {@link InstantColumn}s.
 *
 * @module
 */
import type { z } from "zod";
import { type CodeArray, codeArray, CodedColumn, InstantColumn } from "../kernels/columns.ts";
import { checkAcrossRows } from "./checks.ts";
import { countValues, type ValueCount } from "./column_notes.ts";
import {
  addRejects,
  Bad,
  type ColumnPlan,
  type LoadResult,
  loadResult,
  planColumns,
  type RejectColumns,
  rowProblems,
  rowScratch,
  type ValidateContext,
  type ValidateOptions,
} from "./validate.ts";

/** A column as read: codes into distinct texts, or plain values. */
export type EncodedInput =
  | { kind: "codes"; codes: CodeArray; dictionary: readonly unknown[] }
  | { kind: "values"; values: ArrayLike<unknown> };

/** Input of {@link validateEncoded}. */
export interface EncodedColumns {
  /** Column names as in the file. */
  names: string[];
  /** Number of data rows. */
  rows: number;
  /** A column's codes or values. */
  get(name: string): EncodedInput;
  /** The first values of a column in row order (date format and decimal sniffing). */
  head(name: string): ArrayLike<unknown>;
}

/** Per-column state: converted value and verdict of every dictionary entry. */
interface EntryTable {
  codes: CodeArray;
  /** Converted value per entry (`null` when missing). */
  values: unknown[];
  /** Entry converts and passes its field schema on its own. */
  good: Uint8Array;
  /** Entry is empty text (for blank-row detection). */
  empty: Uint8Array;
  texts: readonly unknown[];
}

/**
 * Validates encoded columns; see the module doc. `separable` schemas (no
 * row-level refinements) accept rows whose cells are all good without
 * running the row schema; others run it on every row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateEncoded } from "./validate_encoded.ts";
 * const dict = { response_id: ["r1", "r2"], date: ["2024-01-05"], nps_score: ["9", "11"] };
 * const codes = { response_id: [0, 1], date: [0, 0], nps_score: [0, 1] };
 * type Name = keyof typeof dict;
 * const { table, rejects } = validateEncoded({
 *   names: Object.keys(dict),
 *   rows: 2,
 *   get: (n) => ({ kind: "codes", codes: Uint8Array.from(codes[n as Name]), dictionary: dict[n as Name] }),
 *   head: (n) => codes[n as Name].map((c) => dict[n as Name][c]),
 * }, { schema: "responses" }, { source: "x.csv", firstRow: 2, inferExtras: true, unquoteFormulas: true, warnings: [] });
 * assert.equal(table.numRows(), 1);
 * assert.deepEqual([rejects.get("row", 0), rejects.get("column", 0)], [3, "nps_score"]);
 * ```
 */
export function validateEncoded(
  input: EncodedColumns,
  options: ValidateOptions,
  ctx: ValidateContext,
): LoadResult {
  const distinctOrAll = (name: string) => {
    const c = input.get(name);
    return c.kind === "codes" ? c.dictionary : c.values;
  };
  const plan = planColumns(input.names, options, ctx, input.head, distinctOrAll);
  const fields = plan.schema?.shape as Record<string, z.ZodType> | undefined;
  const separable = !!plan.schema && !hasRowChecks(plan.schema);
  const sources = plan.columns.map((c) => input.get(c.source));
  const tables = sources.map((s, k) =>
    s.kind === "codes" ? entryTable(s, plan, k, separable ? fields : undefined) : undefined
  );
  const passes: Passes = {
    plan,
    n: input.rows,
    sources,
    tables,
    fields: separable ? fields : undefined,
    rawAt: (k, i) => {
      const t = tables[k];
      return t ? t.texts[t.codes[i]] : (sources[k] as { values: ArrayLike<unknown> }).values[i];
    },
  };
  const { clean, converted } = cleanRows(passes, separable || !plan.schema);
  ctx.rowIssues?.forEach((_, i) => clean[i] = 0);
  const { rows, rejects, rejected } = checkRows(passes, clean, ctx);
  const out: Record<string, unknown> = {};
  plan.columns.forEach((column, k) => {
    out[column.name] = outputColumn(k, tables[k], converted[k], sources[k], plan, rows);
  });
  return loadResult(out, rejects, { rows: passes.n, rejected }, plan, ctx);
}

/** What both passes over the rows read. */
interface Passes {
  plan: ColumnPlan;
  /** Number of rows. */
  n: number;
  sources: EncodedInput[];
  /** Entry table of each coded column (`undefined` for plain values). */
  tables: (EntryTable | undefined)[];
  /** Field schemas checked per cell (separable schemas only). */
  fields: Record<string, z.ZodType> | undefined;
  /** Raw value of column `k` in row `i`. */
  rawAt: (k: number, i: number) => unknown;
}

/**
 * Pass 1: which rows are good from their codes alone, when the schema lets
 * cells be judged one by one (`fast`); plain columns are converted per row.
 */
function cleanRows(passes: Passes, fast: boolean) {
  const { plan: { columns }, n, sources, tables, fields } = passes;
  fast = n > 0 && fast;
  const clean = new Uint8Array(n).fill(fast ? 1 : 0);
  const converted: (unknown[] | undefined)[] = columns.map(() => undefined);
  if (!fast) return { clean, converted };
  const blank = new Uint8Array(n).fill(1);
  columns.forEach((_, k) => {
    const t = tables[k];
    if (!t) {
      const values = (sources[k] as { values: ArrayLike<unknown> }).values;
      const convert = columns[k].convert;
      const field = fields?.[columns[k].name];
      const out = converted[k] = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const raw = values[i];
        if (!(raw === null || raw === undefined || raw === "")) blank[i] = 0;
        const v = convert(raw);
        if (v instanceof Bad || (field && !field.safeParse(v ?? undefined).success)) clean[i] = 0;
        else out[i] = v ?? null;
      }
      return;
    }
    const { codes, good, empty } = t;
    for (let i = 0; i < n; i++) {
      const e = codes[i];
      clean[i] &= good[e];
      blank[i] &= empty[e];
    }
  });
  for (let i = 0; i < n; i++) if (blank[i]) clean[i] = 0;
  return { clean, converted };
}

/**
 * Pass 2: rows that are not clean go through the row-by-row path, then the
 * checks across rows (repeated keys); returns the rows kept and the rejects.
 */
function checkRows(passes: Passes, clean: Uint8Array, ctx: ValidateContext) {
  const { plan, n, rawAt } = passes;
  const { columns } = plan;
  const rejects: RejectColumns = { row: [], column: [], value: [], reason: [] };
  const keep = new Uint8Array(n);
  let rejected = 0;
  const problemsOf = rowProblemsOf(passes);
  for (let i = 0; i < n; i++) {
    if (clean[i]) {
      keep[i] = 1;
      continue;
    }
    const issues = ctx.rowIssues?.get(i);
    if (issues) {
      rejected++;
      for (const { column, value, reason } of issues) {
        rejects.row.push(i + ctx.firstRow);
        rejects.column.push(column === null ? null : outputName(columns, column));
        rejects.value.push(value === "" ? null : value);
        rejects.reason.push(reason);
      }
      continue;
    }
    const problems = problemsOf(i);
    if (problems.length) {
      rejected++;
      addRejects(rejects, i + ctx.firstRow, problems, (name) => {
        const k = columns.findIndex((c) => c.name === name);
        return k < 0 ? undefined : rawAt(k, i);
      });
    } else {
      // Every converter succeeded, so each cell's dictionary entry holds its value.
      keep[i] = 1;
    }
  }
  let rows = keptRows(keep);
  const dropped = acrossRows(plan, keep, rows, passes.tables, rawAt, rejects, ctx.firstRow);
  if (dropped) rows = keptRows(keep);
  rejected += dropped;
  return { keep, rows, rejects, rejected };
}

/**
 * The indices of the rows `keep` marks, in order: made once and read by the
 * checks across rows and by every output column (each walks only the kept
 * rows, no branch per row).
 */
function keptRows(keep: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < keep.length; i++) count += keep[i];
  const rows = new Int32Array(count);
  for (let i = 0, j = 0; i < keep.length; i++) if (keep[i]) rows[j++] = i;
  return rows;
}

/**
 * The problems of row `i` ({@link rowProblems}). With a separable schema and
 * coded columns they follow from the cells whose entries are not good (and
 * whether the row is blank): rows alike in those share one answer, so 5,000
 * rows with an NPS of 11 cost one zod call, not 5,000.
 */
function rowProblemsOf(passes: Passes): (i: number) => [string | null, string][] {
  const { plan, rawAt, tables, fields } = passes;
  const scratch = rowScratch();
  const direct = (i: number) => rowProblems((k) => rawAt(k, i), plan, scratch);
  if (!fields || !tables.every((t) => t)) return direct;
  const coded = tables as EntryTable[];
  const known = new Map<string, [string | null, string][]>();
  return (i) => {
    let key = "", blank = 1;
    for (let k = 0; k < coded.length; k++) {
      const { codes, good, empty } = coded[k], e = codes[i];
      blank &= empty[e];
      if (!good[e]) key += `${k}:${e},`;
    }
    key += blank;
    let problems = known.get(key);
    if (!problems) known.set(key, problems = [...direct(i)]);
    return problems;
  };
}

/** The output name of input column `source` (itself when it is not loaded). */
function outputName(columns: readonly { name: string; source: string }[], source: string): string {
  return columns.find((c) => c.source === source)?.name ?? source;
}

/**
 * The checks across rows of {@link checkAcrossRows} on encoded columns: keys
 * compared by dictionary entry (entries with equal values share one), date
 * notes counted per entry. `kept` lists the rows `keep` marks. Clears `keep`
 * of rejected repeats; returns how many.
 */
function acrossRows(
  plan: ColumnPlan,
  keep: Uint8Array,
  kept: Int32Array,
  tables: (EntryTable | undefined)[],
  rawAt: (k: number, i: number) => unknown,
  rejects: RejectColumns,
  firstRow: number,
): number {
  const k = plan.key, t = k === undefined ? undefined : tables[k];
  // Keys compared by value: two texts can convert to one value ("'=a" and "=a").
  const keyAt = (j: number) =>
    k === undefined
      ? undefined
      : t
      ? t.values[t.codes[kept[j]]]
      : plan.columns[k].convert(rawAt(k, kept[j]));
  // Codes are keys when no entry's value differs from its text (only formula
  // unquoting changes an id), so distinct codes are distinct ids.
  const codesAreKeys = t?.values.every((v, e) => v === undefined || v === null || v === t.texts[e]);
  const drop = checkAcrossRows(
    plan,
    {
      n: kept.length,
      keyAt,
      rowAt: (j) => kept[j] + firstRow,
      slots: t && codesAreKeys
        ? { count: t.texts.length, slotAt: (j) => t.codes[kept[j]] }
        : undefined,
    },
    rejects,
    (c) => valueCounts(tables[c], keep.length, (i) => rawAt(c, i)),
  );
  for (const j of drop) keep[kept[j]] = 0;
  return drop.length;
}

/** Distinct raw values of a column with row counts, in order of first occurrence. */
function valueCounts(
  t: EntryTable | undefined,
  n: number,
  rawAt: (i: number) => unknown,
): ValueCount[] {
  if (!t) return countValues(Array.from({ length: n }, (_, i) => rawAt(i)));
  const rows = new Float64Array(t.texts.length);
  for (let i = 0; i < n; i++) rows[t.codes[i]]++;
  return t.texts.map((text, e) => [text, rows[e]] as const);
}

/** Whether a zod object schema carries row-level checks (refinements across columns). */
function hasRowChecks(schema: unknown): boolean {
  const def = (schema as { _zod?: { def?: { checks?: unknown[] } } })._zod?.def;
  // Unknown schema shapes are treated as having row checks: always the exact path.
  return !def || (def.checks?.length ?? 0) > 0;
}

function entryTable(
  input: { codes: CodeArray; dictionary: readonly unknown[] },
  plan: ColumnPlan,
  k: number,
  fields: Record<string, z.ZodType> | undefined,
): EntryTable {
  const { convert, name } = plan.columns[k];
  const field = fields?.[name];
  const accepts = stringAccepts(field);
  const texts = input.dictionary;
  const values = new Array<unknown>(texts.length);
  const good = new Uint8Array(texts.length), empty = new Uint8Array(texts.length);
  texts.forEach((text, e) => {
    empty[e] = text === null || text === "" ? 1 : 0;
    const v = convert(text);
    if (v instanceof Bad) return;
    if (field && !accepts?.(v) && !field.safeParse(v ?? undefined).success) return;
    values[e] = v ?? null;
    good[e] = 1;
  });
  return { codes: input.codes, values, good, empty, texts };
}

/** Definition of a zod schema or check, as far as {@link stringAccepts} reads it. */
interface ZodDef {
  type?: string;
  coerce?: boolean;
  innerType?: unknown;
  checks?: { _zod?: { def?: ZodDef } }[];
  check?: string;
  minimum?: number;
  format?: string;
  pattern?: unknown;
}

/**
 * For a plain zod string schema whose checks are only minimum lengths and
 * patterns (the id and key fields): a test that passes only values its
 * `safeParse` accepts, run without zod's per-call overhead (millions of
 * distinct ids). Values it fails still go through `safeParse`, so the
 * verdict is zod's. Such a schema made `.optional()` or `.nullable()` (with
 * no checks of its own, as `customer_id`) gets the same test: for a string
 * both wrappers only run the inner schema. `undefined` for any other schema.
 */
function stringAccepts(field: z.ZodType | undefined): ((v: unknown) => boolean) | undefined {
  const def = (field as { _zod?: { def?: ZodDef } } | undefined)?._zod?.def;
  if ((def?.type === "optional" || def?.type === "nullable") && !def.checks?.length) {
    return stringAccepts(def.innerType as z.ZodType);
  }
  if (!def || def.type !== "string" || def.coerce) return undefined;
  let min = 0;
  const patterns: RegExp[] = [];
  for (const check of def.checks ?? []) {
    const c = check._zod?.def;
    if (c?.check === "min_length" && typeof c.minimum === "number") min = Math.max(min, c.minimum);
    else if (c?.check === "string_format" && c.format === "regex" && c.pattern instanceof RegExp) {
      patterns.push(c.pattern);
    } else return undefined;
  }
  return (v) => {
    if (typeof v !== "string" || v.length < min) return false;
    for (const p of patterns) {
      p.lastIndex = 0; // as zod does before each test
      if (!p.test(v)) return false;
    }
    return true;
  };
}

/** The kept rows (`rows`, ascending) of one column, compact where the values allow. */
function outputColumn(
  k: number,
  table: EntryTable | undefined,
  converted: unknown[] | undefined,
  source: EncodedInput,
  plan: ColumnPlan,
  rows: Int32Array,
): unknown {
  const kept = rows.length;
  if (!table) {
    const values = (source as { values: ArrayLike<unknown> }).values;
    const convert = plan.columns[k].convert;
    const out = new Array<unknown>(kept);
    for (let j = 0; j < kept; j++) {
      const i = rows[j];
      out[j] = converted ? converted[i] : convert(values[i]) ?? null;
    }
    return numbersOrValues(out);
  }
  const { codes: raw, values: entries } = table;
  const sample = entries.find((v) => v !== null && v !== undefined);
  // Dates and numbers are read from the row codes directly, with no compacted copy of them.
  if (sample instanceof Date) {
    const entryMs = Float64Array.from(entries, (v) => v instanceof Date ? v.getTime() : NaN);
    const ms = new Float64Array(kept);
    for (let j = 0; j < kept; j++) ms[j] = entryMs[raw[rows[j]]];
    return new InstantColumn(ms);
  }
  if (typeof sample === "number") return numberColumn(raw, rows, entries);
  const codes = kept === raw.length ? raw : codeArray(kept, entries.length);
  if (codes !== raw) { for (let j = 0; j < kept; j++) codes[j] = raw[rows[j]]; }
  // Entries of rejected-only texts stay in the dictionary unused (undefined → null); the
  // entry table is not read after this, so its values become the dictionary in place.
  const dictionary = entries as unknown[];
  for (let e = 0; e < dictionary.length; e++) dictionary[e] ??= null;
  return new CodedColumn(codes, dictionary);
}

/**
 * Kept rows (`rows`) of a column whose entries are numbers or missing: a
 * `Float64Array` when every kept row has a number (filled in one pass, no
 * boxed array on the way), else the values with `null`s.
 */
function numberColumn(codes: CodeArray, rows: Int32Array, entries: readonly unknown[]): unknown {
  const kept = rows.length;
  const entryNumbers = new Float64Array(entries.length);
  const isNumber = new Uint8Array(entries.length);
  for (let e = 0; e < entries.length; e++) {
    const v = entries[e];
    if (typeof v === "number") entryNumbers[e] = v, isNumber[e] = 1;
  }
  const out = new Float64Array(kept);
  let all = kept > 0 ? 1 : 0;
  for (let j = 0; j < kept; j++) {
    const e = codes[rows[j]];
    all &= isNumber[e];
    out[j] = entryNumbers[e];
  }
  if (all) return out;
  return Array.from({ length: kept }, (_, j) => entries[codes[rows[j]]] ?? null);
}

/** A `Float64Array` when every value is a number, else the values. */
function numbersOrValues(values: unknown[]): unknown {
  if (values.length === 0 || !values.every((v) => typeof v === "number")) return values;
  return Float64Array.from(values as number[]);
}
