/**
 * Validation shared by every loader: map columns to canonical names, parse
 * text into numbers and dates, check each row against the zod schema, and
 * split the input into good rows and a rejects table. Nothing is dropped
 * without a reject row.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem, CxSchemaError } from "../errors.ts";
import { canonicalSchema, type SchemaInput } from "../schema/canonical.ts";
import { type ColumnKind, columnSpecs, type RowSchema } from "../schema/fields.ts";
import type { CesScale, CsatScale } from "../schema/scales.ts";
import {
  DATE_FORMATS,
  type DateFormat,
  type Decimal,
  makeDateParser,
  slashOrder,
} from "./parse.ts";
import { checkTimeZone } from "../time/zone.ts";
import {
  checkAcrossRows,
  keyPlan,
  type RejectColumns,
  resolvedBeforeResponseWarning,
} from "./checks.ts";
import {
  ambiguousDecimalWarning,
  countValues,
  type DateNotes,
  inferExtraKind,
} from "./column_notes.ts";
import {
  Bad,
  type Converter,
  isEmpty,
  keepValue,
  makeConverter,
  makeDateConverter,
  type NumericDate,
} from "./converters.ts";
import { checkCall, optionNames } from "../options.ts";

export type { RejectColumns } from "./checks.ts";
export { Bad, type Converter } from "./converters.ts";

/** Options shared by every loader. */
export interface ValidateOptions {
  /** Canonical table name or a zod object schema; without it columns are only typed. */
  schema?: SchemaInput;
  /** Canonical column → column name in your data, e.g. `{ nps_score: "Empfehlung" }`. */
  mapping?: Record<string, string>;
  /** Decimal separator of text numbers (sniffed by `readCsv` when not given). */
  decimal?: Decimal;
  /** How text dates are written (default `"auto"`). */
  dateFormat?: DateFormat;
  /** IANA zone for dates and times written without a zone (default `"UTC"`). */
  timeZone?: string;
  /** Top of the CSAT scale for the responses schema (default 5). */
  csatScale?: CsatScale;
  /** Top of the CES scale for the responses schema (default 7). */
  cesScale?: CesScale;
  /** Throw a `CxDataError` naming the first bad rows instead of returning rejects. */
  strict?: boolean;
  /**
   * Reject every repeat of a key (`response_id`, `ticket_id`, the customers'
   * `customer_id`) after its first occurrence, naming the first row (default
   * false: repeats are kept and counted in a warning).
   */
  unique?: boolean;
}

/** The names of {@link ValidateOptions}. */
export const VALIDATE_OPTIONS = optionNames<ValidateOptions>()([
  "schema",
  "mapping",
  "decimal",
  "dateFormat",
  "timeZone",
  "csatScale",
  "cesScale",
  "strict",
  "unique",
]);

/** Counts and decisions of one load, for a data-quality report. */
export interface LoadSummary {
  /** Where the data came from (path, or `"text"`/`"table"`). */
  source: string;
  /** Data rows read (blank lines included). */
  rows: number;
  /** Rows kept in `table`. */
  accepted: number;
  /** Rows excluded; each has at least one reject row. */
  rejected: number;
  /** Reject rows (a row can have several problems). */
  problems: number;
  /** Output columns, canonical ones first. */
  columns: string[];
  /** Columns not in the schema, passed through with an inferred type. */
  extraColumns: string[];
  /** Decimal separator used for text numbers. */
  decimal: Decimal;
  /** Date format used per date column. */
  dateFormats: Record<string, string>;
  /** Time zone used for dates without a zone. */
  timeZone: string;
  /** Things worth knowing that were not errors (ambiguous dates, lossy conversions). */
  warnings: string[];
}

/** What a loader returns. */
export interface LoadResult {
  /** The good rows, canonical columns first, as an Arquero table. */
  table: ColumnTable;
  /** One row per problem: `row` (spreadsheet row, header = 1), `column`, `value`, `reason`. */
  rejects: ColumnTable;
  /** Counts and decisions of the load. */
  summary: LoadSummary;
}

/** Raw input of {@link validateColumns}: columns as read, by name in the file. */
export interface RawColumns {
  names: string[];
  get(name: string): ArrayLike<unknown>;
  rows: number;
}

/** Loader-specific settings that are not public options. */
export interface ValidateContext {
  source: string;
  /** Row number shown for data index 0 (2 for files with a header row). */
  firstRow: number;
  /** Infer number/date types of extra text columns (CSV); otherwise keep values. */
  inferExtras: boolean;
  /** Undo writeCsv's formula neutralisation (a leading `'` before `= + - @`). */
  unquoteFormulas: boolean;
  /** Warnings found before validation (encoding, BigInt coercion). */
  warnings: string[];
  /** Why the decimal separator was chosen, when it was sniffed (see `decimalEvidence`). */
  decimalWhy?: string;
  /** How a number in a date column is read: a Date, or the reject reason (default: epoch ms). */
  numericDate?: NumericDate;
  /**
   * Rows the reader found broken (CSV: a quote or field-count problem, bytes
   * that are not text), by data index: rejected with these problems
   * (`column` as in the input), without further checks.
   */
  rowIssues?: ReadonlyMap<number, readonly RowIssue[]>;
}

/** A problem the reader found in a row before validation (see {@link ValidateContext}). */
export interface RowIssue {
  /** Column name in the input, or `null` for the whole row. */
  column: string | null;
  /** Raw text, or `null`. */
  value: string | null;
  /** Why the row is rejected. */
  reason: string;
}

/**
 * Validates an Arquero table you already have (from a database, a join, a
 * notebook) against a canonical schema, with the same rejects as the loaders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { validate } from "./validate.ts";
 * const t = aq.table({ response_id: ["a", "b"], date: ["2024-01-05", "2024-01-06"], nps_score: [9, 11] });
 * const { table, rejects } = validate(t, { schema: "responses" });
 * assert.ok(table.numRows() === 1 && rejects.get("column", 0) === "nps_score");
 * ```
 */
export function validate(table: ColumnTable, options: ValidateOptions = {}): LoadResult {
  checkCall("validate", table, options, VALIDATE_OPTIONS);
  const raw: RawColumns = {
    names: table.columnNames(),
    get: (name) => table.array(name) as ArrayLike<unknown>,
    rows: table.numRows(),
  };
  return validateColumns(raw, options, {
    source: "table",
    firstRow: 1,
    inferExtras: false,
    unquoteFormulas: false,
    warnings: [],
  });
}

/** The engine behind every loader; see {@link validate}. */
export function validateColumns(
  raw: RawColumns,
  options: ValidateOptions,
  ctx: ValidateContext,
): LoadResult {
  const plan = planColumns(raw.names, options, ctx, raw.get, raw.get);
  const columns = plan.columns.map((c) => ({ ...c, values: raw.get(c.source) }));
  return splitRows(raw.rows, columns, plan, ctx);
}

/** One output column: its name, the file column it is read from, and its converter. */
export interface PlannedColumn {
  /** Output (canonical) name. */
  name: string;
  /** Column name in the input. */
  source: string;
  /** Text → typed value, or a {@link Bad} with the reason. */
  convert: Converter;
}

/** How every column of a load is converted and checked. */
export interface ColumnPlan {
  /** The row schema, if any. */
  schema: RowSchema<unknown> | undefined;
  /** Canonical columns first (`nCanonical` of them), then extra columns. */
  columns: PlannedColumn[];
  /** Number of canonical columns at the start of `columns`. */
  nCanonical: number;
  /** Decimal separator used. */
  decimal: Decimal;
  /** Zone of zone-less dates. */
  timeZone: string;
  /** Date format used per date column. */
  dateFormats: Record<string, string>;
  /** Warnings so far. */
  warnings: string[];
  /** Throw instead of returning rejects. */
  strict: boolean;
  /** Index in `columns` of the table's key column, if the schema has one and the data too. */
  key: number | undefined;
  /** Reject repeated keys. */
  unique: boolean;
  /** Date texts read with a note (pivot, gap, fold), by index in `columns`. */
  dateNotes: Map<number, DateNotes>;
  /** Whether the rows are tickets (resolved-before-first-response warning). */
  tickets: boolean;
}

/**
 * Maps columns, infers extra column kinds and builds each column's converter.
 * `head(name)` gives a column's first values in row order (date format
 * sniffing); `all(name)` gives every value, or every distinct value — the
 * kind of an extra column depends only on the set of values.
 */
export function planColumns(
  names: string[],
  options: ValidateOptions,
  ctx: ValidateContext,
  head: (name: string) => ArrayLike<unknown>,
  all: (name: string) => ArrayLike<unknown>,
): ColumnPlan {
  const { decimal = ".", dateFormat = "auto", timeZone = "UTC" } = options;
  checkOptions(decimal, dateFormat, timeZone);
  const schema = options.schema === undefined
    ? undefined
    : canonicalSchema(options.schema, { csatScale: options.csatScale, cesScale: options.cesScale });
  const renamed = applyMapping(names, options.mapping ?? {});
  const specs = schema ? columnSpecs(schema) : [];
  const missing = specs.filter((s) => s.required && !renamed.has(s.name)).map((s) => s.name);
  if (missing.length) throw missingColumnsError(missing, names, options.mapping);

  const warnings = [...ctx.warnings];
  const dateFormats: Record<string, string> = {};
  const dateNotes = new Map<string, DateNotes>();
  const convert = (name: string, kind: ColumnKind, source: string) => {
    if (kind !== "date") {
      const why = ctx.decimalWhy;
      const warning = why && ambiguousDecimalWarning(name, all(source), decimal, why);
      if (warning) warnings.push(warning);
      return makeConverter(name, kind, decimal, ctx.unquoteFormulas);
    }
    const notes: DateNotes = { name, timeZone, texts: new Map() };
    dateNotes.set(name, notes);
    return dateConverter(notes, head(source), dateFormat, warnings, dateFormats, ctx.numericDate);
  };

  const canonical = specs.filter((s) => renamed.has(s.name));
  const extras = [...renamed.keys()].filter((n) => !specs.some((s) => s.name === n));
  const columns: PlannedColumn[] = [
    ...canonical.map((s) => {
      const source = renamed.get(s.name)!;
      return { name: s.name, source, convert: convert(s.name, s.kind, source) };
    }),
    ...extras.map((name) => {
      const source = renamed.get(name)!;
      const inferred = ctx.inferExtras ? inferExtraKind(name, all(source), decimal) : undefined;
      if (inferred?.warning) warnings.push(inferred.warning);
      const kind = inferred?.kind ?? "keep";
      if (kind === "date") dateFormats[name] = "auto";
      return {
        name,
        source,
        convert: kind === "keep" ? keepValue : convert(name, kind, source),
      };
    }),
  ];
  return {
    schema,
    columns,
    nCanonical: canonical.length,
    decimal,
    timeZone,
    dateFormats,
    warnings,
    strict: options.strict ?? false,
    ...keyPlan(options, columns),
    dateNotes: new Map(
      columns.flatMap((c, k) => dateNotes.has(c.name) ? [[k, dateNotes.get(c.name)!]] : []),
    ),
    tickets: options.schema === "tickets",
  };
}

/**
 * The converter of one date column: decides the order of slash dates from
 * its first values (warning when it cannot), records the format used, and
 * collects the texts read with a note in `notes`.
 */
function dateConverter(
  notes: DateNotes,
  values: ArrayLike<unknown>,
  dateFormat: DateFormat,
  warnings: string[],
  dateFormats: Record<string, string>,
  numericDate: NumericDate | undefined,
): Converter {
  const { name, timeZone } = notes;
  const order = dateFormat === "auto" ? slashOrder(sample(values)) : "DMY";
  if (order === "ambiguous" && hasSlashDates(values)) {
    warnings.push(
      `${name}: dates like 03/04/2024 are ambiguous; read as DD/MM/YYYY. Pass dateFormat: "MM/DD/YYYY" for US dates.`,
    );
  }
  if (order === "conflict") {
    warnings.push(`${name}: slash dates mix day-first and month-first; set dateFormat.`);
  }
  dateFormats[name] = dateFormat === "auto"
    ? `auto${hasSlashDates(values) ? order === "MDY" ? " (MM/DD/YYYY)" : " (DD/MM/YYYY)" : ""}`
    : dateFormat;
  const parseDate = makeDateParser({
    format: dateFormat,
    slash: order === "MDY" ? "MDY" : "DMY",
    timeZone,
    onNote: (text, note) => {
      const key = text.trim(), seen = notes.texts.get(key);
      if (!seen) notes.texts.set(key, [note]);
      else if (!seen.includes(note)) seen.push(note);
    },
  });
  return makeDateConverter(name, parseDate, numericDate);
}

interface Column {
  name: string;
  values: ArrayLike<unknown>;
  convert: Converter;
}

/** Buffers {@link rowProblems} reuses from row to row. */
export interface RowScratch {
  /** Converted values by column index (output). */
  values: unknown[];
  /** Problems of the row (output; emptied first). */
  problems: [string | null, string][];
  /** Record handed to the schema. */
  record: Record<string, unknown>;
}

/** Fresh buffers for {@link rowProblems}. */
export function rowScratch(): RowScratch {
  return { values: [], problems: [], record: {} };
}

/**
 * The problems of one row (column or `null` for the row, reason), converting
 * `raw(c)` of every column into `scratch.values`; no problems means the row
 * is good.
 */
export function rowProblems(
  raw: (c: number) => unknown,
  plan: ColumnPlan,
  scratch: RowScratch,
): [string | null, string][] {
  const { values, problems, record } = scratch;
  problems.length = 0;
  const { columns, schema, nCanonical } = plan;
  let blank = true;
  for (let c = 0; c < columns.length; c++) {
    const rawValue = raw(c);
    if (!isEmpty(rawValue)) blank = false;
    const converted = columns[c].convert(rawValue);
    if (converted instanceof Bad) problems.push([columns[c].name, converted.reason]);
    else values[c] = converted;
  }
  if (blank) problems.push([null, "blank line: skipped"]);
  else if (schema && problems.length === 0) {
    for (let c = 0; c < nCanonical; c++) record[columns[c].name] = values[c] ?? undefined;
    const result = schema.safeParse(record);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const column = issue.path.length ? String(issue.path[0]) : null;
        problems.push([column, issue.message]);
      }
    }
  }
  return problems;
}

/** Appends a row's problems to `rejects`; `raw(column)` is the cell as read. */
export function addRejects(
  rejects: RejectColumns,
  row: number,
  problems: [string | null, string][],
  raw: (column: string) => unknown,
): void {
  for (const [column, reason] of problems) {
    const v = column === null ? null : raw(column);
    rejects.row.push(row);
    rejects.column.push(column);
    rejects.value.push(isEmpty(v) ? null : String(v));
    rejects.reason.push(reason);
  }
}

/** The load result from the good columns and the rejects (or the strict-mode error). */
export function loadResult(
  columns: Record<string, unknown>,
  rejects: RejectColumns,
  counts: { rows: number; rejected: number },
  plan: ColumnPlan,
  ctx: ValidateContext,
): LoadResult {
  if (plan.strict && rejects.row.length) {
    const list: CxProblem[] = rejects.row.slice(0, 20).map((row, k) => ({
      row,
      column: rejects.column[k],
      value: rejects.value[k],
      reason: rejects.reason[k],
    }));
    throw new CxDataError(
      list,
      rejects.row.length,
      `${ctx.source}: ${counts.rejected} of ${counts.rows} rows rejected`,
    );
  }
  const order = plan.tickets ? resolvedBeforeResponseWarning(columns) : undefined;
  if (order) plan.warnings.push(order);
  return {
    table: aq.table(columns as Record<string, unknown[]>),
    rejects: aq.table(rejects),
    summary: {
      source: ctx.source,
      rows: counts.rows,
      accepted: counts.rows - counts.rejected,
      rejected: counts.rejected,
      problems: rejects.row.length,
      columns: plan.columns.map((c) => c.name),
      extraColumns: plan.columns.slice(plan.nCanonical).map((c) => c.name),
      decimal: plan.decimal,
      dateFormats: plan.dateFormats,
      timeZone: plan.timeZone,
      warnings: plan.warnings,
    },
  };
}

function splitRows(
  rows: number,
  columns: Column[],
  plan: ColumnPlan,
  ctx: ValidateContext,
): LoadResult {
  // Sized once (most rows are good) and trimmed at the end: no regrowth while loading.
  const out = columns.map(() => new Array<unknown>(rows).fill(null));
  let kept = 0;
  const rejects: RejectColumns = { row: [], column: [], value: [], reason: [] };
  let rejected = 0;
  const scratch = rowScratch();
  const { values } = scratch;
  const keptRows: number[] = [];
  for (let i = 0; i < rows; i++) {
    const problems = rowProblems((c) => columns[c].values[i], plan, scratch);
    if (problems.length) {
      rejected++;
      addRejects(
        rejects,
        i + ctx.firstRow,
        problems,
        (name) => columns.find((c) => c.name === name)?.values[i],
      );
      continue;
    }
    for (let c = 0; c < columns.length; c++) out[c][kept] = values[c] ?? null;
    keptRows.push(i + ctx.firstRow);
    kept++;
  }
  const keys = plan.key === undefined ? undefined : out[plan.key];
  const drop = checkAcrossRows(
    plan,
    { n: kept, keyAt: (j) => keys?.[j], rowAt: (j) => keptRows[j] },
    rejects,
    (k) => countValues(columns[k].values),
  );
  if (drop.length) {
    const dropped = new Set(drop);
    for (const column of out) {
      let j = 0;
      for (let i = 0; i < kept; i++) if (!dropped.has(i)) column[j++] = column[i];
    }
    kept -= drop.length;
    rejected += drop.length;
  }
  for (const column of out) column.length = kept;
  return loadResult(
    Object.fromEntries(columns.map((c, k) => [c.name, out[k]])),
    rejects,
    { rows, rejected },
    plan,
    ctx,
  );
}

function sample(values: ArrayLike<unknown>, limit = 50_000): unknown[] {
  const n = Math.min(values.length, limit);
  return Array.from({ length: n }, (_, i) => values[i]);
}

function hasSlashDates(values: ArrayLike<unknown>): boolean {
  return sample(values, 1000).some((v) => typeof v === "string" && v.includes("/"));
}

/** Renames file columns to canonical names: canonical name → file name. */
function applyMapping(names: string[], mapping: Record<string, string>): Map<string, string> {
  const byCanonical = new Map<string, string>();
  const mappedSources = new Set(Object.values(mapping));
  for (const [canonical, source] of Object.entries(mapping)) {
    if (!names.includes(source)) {
      throw new CxSchemaError(
        `mapping.${canonical} names column "${source}", which is not in the data. Columns present: ${
          names.join(", ")
        }`,
      );
    }
    if (names.includes(canonical) && !mappedSources.has(canonical)) {
      throw new CxSchemaError(
        `mapping.${canonical} maps "${source}" onto "${canonical}", but the data already has a "${canonical}" column; rename or drop one of them first`,
      );
    }
    byCanonical.set(canonical, source);
  }
  for (const name of names) {
    if (!mappedSources.has(name) && !byCanonical.has(name)) byCanonical.set(name, name);
  }
  return byCanonical;
}

function missingColumnsError(
  missing: string[],
  present: string[],
  mapping: Record<string, string> | undefined,
): CxSchemaError {
  const example = `{ mapping: { ${missing.map((m) => `${m}: "<your column>"`).join(", ")} } }`;
  return new CxSchemaError(
    `Required column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} ${
      missing.length > 1 ? "are" : "is"
    } missing. Columns present: ${present.join(", ") || "(none)"}${
      mapping ? ` (mapping used: ${JSON.stringify(mapping)})` : ""
    }. Map yours with ${example}`,
  );
}

function checkOptions(decimal: string, dateFormat: string, timeZone: string): void {
  if (decimal !== "." && decimal !== ",") {
    throw new CxOptionsError(`Option "decimal" must be "." or ",", got ${JSON.stringify(decimal)}`);
  }
  if (!DATE_FORMATS.includes(dateFormat as DateFormat)) {
    throw new CxOptionsError(
      `Option "dateFormat" must be one of ${DATE_FORMATS.join(", ")}, got ${
        JSON.stringify(dateFormat)
      }`,
    );
  }
  checkTimeZone(timeZone);
}
