/**
 * JSON in and out: an array of row objects (what APIs and `JSON.stringify`
 * of records give) or an object of column arrays.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { checkTimeZone, wallTimeConverter } from "../time/zone.ts";
import { fileError, readSource, type Source, writeOut } from "./source.ts";
import {
  type LoadResult,
  VALIDATE_OPTIONS,
  validateColumns,
  type ValidateOptions,
} from "./validate.ts";
import { checkOptions, optionNames } from "../options.ts";

/**
 * Deepest nesting {@link readJson} accepts: the top-level array is level 1,
 * its row objects level 2, so cells may nest 62 levels more. Deeper input is
 * refused with a `CxDataError` before anything else is read.
 */
export const MAX_JSON_DEPTH = 64;

/** What numbers in date columns mean, for {@link readJson}. */
export type DateUnit = "ms" | "s" | "excel";

/** Options of {@link readJson}. */
export interface ReadJsonOptions extends ValidateOptions {
  /**
   * What a number in a date column means: `"ms"` or `"s"` since
   * 1970-01-01T00:00Z, or `"excel"`, a spreadsheet day serial (days since
   * 1899-12-30, fractions are the time of day, read as wall time in
   * `timeZone`). Serials below 61 are rejected: Excel counts a 29 February
   * 1900 that never existed (its serial 60), so it and LibreOffice disagree
   * on every earlier day. Without `dateUnit`, numbers in date columns are
   * rejected with a reason naming this option.
   */
  dateUnit?: DateUnit;
}

/** The names of {@link ReadJsonOptions}. */
export const READ_JSON_OPTIONS = optionNames<ReadJsonOptions>()([...VALIDATE_OPTIONS, "dateUnit"]);

/**
 * Loads JSON rows (`[{...}, ...]`) or columns (`{ col: [...] }`) from a path,
 * text or an already parsed value, validated like {@link readCsv}. Text
 * numbers and dates are parsed; native JSON numbers are kept. A number in a
 * date column is rejected unless `dateUnit` says what it counts. Invalid
 * JSON, any other top level, and nesting deeper than {@link MAX_JSON_DEPTH}
 * are a `CxDataError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJson } from "./json.ts";
 * const rows = [{ customer_id: "c1", date: "2024-01-05", revenue: 19.9 }, { customer_id: "c2", date: "soon" }];
 * const { table, rejects } = await readJson(rows, { schema: "events" });
 * assert.ok(table.numRows() === 1 && rejects.get("column", 0) === "date");
 * const excel = await readJson([{ customer_id: "c1", date: 45292.5 }], { schema: "events", dateUnit: "excel" });
 * assert.equal(excel.table.get("date", 0).toISOString(), "2024-01-01T12:00:00.000Z");
 * ```
 */
export async function readJson(
  source: Source | unknown[] | Record<string, unknown[]>,
  options: ReadJsonOptions = {},
): Promise<LoadResult> {
  checkOptions("readJson", options, READ_JSON_OPTIONS);
  const { dateUnit, ...validateOptions } = options;
  const numericDate = numericDateReader(dateUnit, options.timeZone ?? "UTC");
  let data: unknown, name = "json";
  if (typeof source === "string" || source instanceof URL || source instanceof Uint8Array) {
    const read = await readSource(
      typeof source === "string" && source.trimStart().match(/^[[{]/) ? `${source}\n` : source,
    );
    name = read.name;
    data = parseJsonText(new TextDecoder().decode(read.bytes), name);
  } else {
    data = source;
    const deep = depthBeyond(data, MAX_JSON_DEPTH);
    if (deep) throw tooDeep(name, "");
  }
  const columns = toColumns(data, name);
  const names = Object.keys(columns);
  const rows = names.length ? columns[names[0]].length : 0;
  return validateColumns({ names, get: (n) => columns[n], rows }, validateOptions, {
    source: name,
    firstRow: 1,
    inferExtras: false,
    unquoteFormulas: false,
    warnings: [],
    numericDate,
  });
}

/**
 * Parses JSON text named `name` (a path, for messages), refusing nesting
 * deeper than {@link MAX_JSON_DEPTH}. Errors are a `CxDataError` giving the
 * line and column, never quoting the text, so a file read by mistake does
 * not leak into a message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJsonText } from "./json.ts";
 * assert.deepEqual(parseJsonText('{"a": [1]}', "x.json"), { a: [1] });
 * assert.throws(() => parseJsonText("secret: 42", "x.json"), (e: Error) => !e.message.includes("secret"));
 * ```
 */
export function parseJsonText(text: string, name: string): unknown {
  const deep = depthScan(text, MAX_JSON_DEPTH);
  if (deep >= 0) throw tooDeep(name, ` at ${lineColumn(text, deep)}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = at ? ` at ${lineColumn(text, Number(at[1]))}` : "";
    const atEnd = at !== null && Number(at[1]) >= text.trimEnd().length;
    const what = atEnd || /end of JSON input/.test(message)
      ? "the text ends before the JSON is complete"
      : `unexpected text${where}`;
    throw fileError(
      name,
      "is not valid JSON",
      `${what}; export it again as JSON (an array of row objects or an object of column arrays)`,
    );
  }
}

function tooDeep(name: string, where: string) {
  return fileError(
    name,
    "is nested too deeply",
    `nesting goes beyond ${MAX_JSON_DEPTH} levels${where}; rows must be flat objects ` +
      "(flatten nested values into columns before loading)",
  );
}

/** Index of the first bracket that opens level `limit + 1` outside strings, or -1. */
function depthScan(text: string, limit: number): number {
  let depth = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

/** Whether a parsed value nests deeper than `limit` (stops at the first level too deep). */
function depthBeyond(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (limit === 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((v) => depthBeyond(v, limit - 1));
}

function lineColumn(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  return `line ${line}, column ${index - before.lastIndexOf("\n")}`;
}

function toColumns(data: unknown, name: string): Record<string, unknown[]> {
  if (Array.isArray(data)) {
    const names = new Set<string>();
    for (const [i, row] of data.entries()) {
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        throw fileError(
          name,
          "is not an array of row objects",
          `item ${i + 1} is ${
            Array.isArray(row) ? "an array" : row === null ? "null" : typeof row
          }` +
            `; write one object per row, e.g. [{"customer_id": "c1", "date": "2024-01-05"}]`,
        );
      }
      for (const key of Object.keys(row)) names.add(key);
    }
    return Object.fromEntries(
      [...names].map((n) => [n, data.map((row) => (row as Record<string, unknown>)[n])]),
    );
  }
  if (data && typeof data === "object") {
    const entries = Object.entries(data);
    const lengths = new Set(entries.map(([, v]) => Array.isArray(v) ? v.length : -1));
    if (lengths.has(-1) || lengths.size > 1) {
      throw fileError(
        name,
        "is not an object of column arrays",
        "every value must be an array and all arrays equally long (one per column)",
      );
    }
    return Object.fromEntries(entries) as Record<string, unknown[]>;
  }
  throw fileError(
    name,
    "is neither an array of row objects nor an object of columns",
    `its top level is ${
      data === null ? "null" : typeof data
    }; write [{...}, ...] or {"column": [...]}`,
  );
}

const DAY_MS = 86_400_000;
/** Days from Excel's epoch 1899-12-30 to 1970-01-01. */
const EXCEL_1970 = 25_569;
/** Excel serial of 9999-12-31, its last day. */
const EXCEL_LAST = 2_958_465;
const MAX_MS = 8.64e15;

/** The reader of numbers in date columns for `dateUnit` (a string is the reject reason). */
function numericDateReader(
  unit: DateUnit | undefined,
  timeZone: string,
): (v: number, column: string) => Date | string {
  if (unit === undefined) {
    return (v, column) =>
      `${column} is the number ${v}: set the option dateUnit to "ms" or "s" (since 1970-01-01 UTC) ` +
      `or "excel" (spreadsheet day serial) to say what it counts, or write dates as text`;
  }
  if (unit === "ms" || unit === "s") {
    const scale = unit === "s" ? 1000 : 1;
    return (v, column) =>
      Math.abs(v * scale) <= MAX_MS
        ? new Date(v * scale)
        : `${column}: ${v} ${unit === "s" ? "seconds" : "milliseconds"} since 1970 is not a date ` +
          "JavaScript can hold (±275,000 years); check dateUnit";
  }
  if (unit !== "excel") {
    throw new CxOptionsError(
      `Option "dateUnit" must be "ms", "s" or "excel", got ${JSON.stringify(unit)}`,
    );
  }
  checkTimeZone(timeZone);
  const wall = wallTimeConverter(timeZone);
  return (v, column) => {
    if (!(v >= 61 && v <= EXCEL_LAST + 0.99999)) {
      return `${column}: Excel serial ${v} is ${
        v < 61 ? "before 1900-03-01" : "after 9999-12-31"
      }` +
        (v < 61
          ? " (Excel counts a 29 February 1900 that never existed, so earlier serials are ambiguous)"
          : "") +
        "; write such dates as text";
    }
    const d = new Date(Math.round((v - EXCEL_1970) * DAY_MS));
    return new Date(
      wall(
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
        d.getUTCMilliseconds(),
      )!,
    );
  };
}

/**
 * Writes a table as a JSON array of row objects (dates as ISO strings). A
 * path that cannot be written is a `CxError` naming it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { writeJson } from "./json.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await writeJson(aq.table({ a: [1] }), path);
 * assert.ok((await Deno.readTextFile(path)) === '[\n  {\n    "a": 1\n  }\n]\n');
 * ```
 */
export async function writeJson(table: ColumnTable, path: string | URL): Promise<void> {
  await writeOut(path, JSON.stringify(table.objects(), null, 2) + "\n");
}
