/**
 * CSV in and out. Reading detects the encoding, sniffs delimiter and decimal
 * separator, and parses with cxkit's one byte-level tokenizer
 * (`csv_tokenize.ts`, the rules of Python's csv module plus strict quote and
 * field-count checks) straight into dictionary-encoded columns, then
 * validates; writing neutralises spreadsheet formula injection.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError, CxSchemaError } from "../errors.ts";
import { bytesChunks } from "./csv_encode.ts";
import { type CsvLoadResult, loadCsv, type ReadCsvOptions } from "./csv_read.ts";
import { readSource, type Source } from "./source.ts";
import { toUtf8 } from "./text.ts";

export type { CsvLoadResult, CsvSummary, ReadCsvOptions } from "./csv_read.ts";

/** Bytes decoded for delimiter sniffing and the empty-input check. */
const HEAD_BYTES = 1 << 20;

/**
 * Loads a CSV file or text into an Arquero table, validated against a
 * canonical schema. Bad rows go to `rejects` (row, column, value, reason)
 * instead of disappearing; `strict: true` throws a `CxDataError` instead.
 * Text columns come back as `CodedColumn`s and dates as `InstantColumn`s
 * (compact, read in place by the KPI kernels).
 *
 * Rows are records: the header is row 1 and each following record one row
 * (a blank line too; a quoted field with line breaks keeps its record on one
 * row). A record whose field count differs from the header's, whose closing
 * quote is followed by text (unless `quotes: "lenient"`), whose quote never
 * closes (that line only: reading resumes on the next line) or whose bytes
 * are not valid UTF-8 is rejected with the reason; a quote inside an
 * unquoted field is kept as written and named in a warning.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "./csv.ts";
 * const csv = "ID;Datum;Empfehlung\nr1;05.01.2024;9\nr2;06.01.2024;11\n";
 * const { table, rejects, summary } = await readCsv(csv, {
 *   schema: "responses",
 *   mapping: { response_id: "ID", date: "Datum", nps_score: "Empfehlung" },
 * });
 * assert.ok(table.numRows() === 1 && rejects.get("row", 0) === 3);
 * assert.ok(summary.delimiter === ";");
 * const late = await readCsv('id,date,nps_score\na1,"2024-01-05" ,9\n', { schema: "responses", mapping: { response_id: "id" } });
 * assert.match(late.rejects.get("reason", 0), /text after the closing quote in column date/);
 * ```
 */
export async function readCsv(
  source: Source,
  options: ReadCsvOptions = {},
): Promise<CsvLoadResult> {
  const { bytes, name } = await readSource(source);
  const { bytes: utf8, encoding, warnings } = toUtf8(bytes, options.encoding ?? "auto", name);
  const head = new TextDecoder().decode(utf8.subarray(0, HEAD_BYTES));
  if (head.trim() === "" && utf8.length <= HEAD_BYTES) {
    throw new CxSchemaError(`${name} is empty: expected a header row and data`);
  }
  return await loadCsv(
    { chunks: bytesChunks(utf8), head, source: name, encoding, warnings },
    options,
  );
}

/** Options of {@link toCsv} and {@link writeCsv}. */
export interface WriteCsvOptions {
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /** Decimal separator for numbers (default `.`; use `,` with `;` for German Excel). */
  decimal?: "." | ",";
  /** Start with a UTF-8 byte-order mark so Excel detects the encoding (default false). */
  bom?: boolean;
}

/**
 * Formats a table as CSV text. Text cells that a spreadsheet would run as a
 * formula (starting with `=`, `+`, `-`, `@`, tab or CR) get a leading `'`,
 * which `readCsv` removes again, so values round-trip exactly. Dates at UTC
 * midnight are written `YYYY-MM-DD`, other instants as ISO timestamps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { toCsv } from "./csv.ts";
 * const csv = toCsv(aq.table({ comment: ['=HYPERLINK("http://x","y")'], n: [-1] }));
 * assert.ok(csv === `comment,n\n"'=HYPERLINK(""http://x"",""y"")",-1\n`);
 * ```
 */
export function toCsv(table: ColumnTable, options: WriteCsvOptions = {}): string {
  const { delimiter = ",", decimal = ".", bom = false } = options;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === decimal) {
    throw new CxOptionsError(
      `Option "delimiter" must be one character other than '"' and the decimal separator, got ${
        JSON.stringify(delimiter)
      }`,
    );
  }
  const names = table.columnNames();
  const columns = names.map((n) => table.array(n) as ArrayLike<unknown>);
  const cell = (v: unknown): string => formatCell(v, delimiter, decimal);
  const lines = [names.map(cell).join(delimiter)];
  for (let i = 0, n = table.numRows(); i < n; i++) {
    lines.push(columns.map((c) => cell(c[i])).join(delimiter));
  }
  return (bom ? "\uFEFF" : "") + lines.join("\n") + "\n";
}

/**
 * Writes a table as a CSV file; see {@link toCsv} for the formula-injection
 * protection.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { writeCsv } from "./csv.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await writeCsv(aq.table({ a: [1, 2] }), path);
 * assert.ok((await Deno.readTextFile(path)) === "a\n1\n2\n");
 * ```
 */
export async function writeCsv(
  table: ColumnTable,
  path: string | URL,
  options: WriteCsvOptions = {},
): Promise<void> {
  await Deno.writeTextFile(path, toCsv(table, options));
}

const FORMULA_START = /^'*[=+\-@\t\r]/;

function formatCell(v: unknown, delimiter: string, decimal: "." | ","): string {
  if (v === null || v === undefined) return "";
  let s: string;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return "";
    s = String(v);
    return decimal === "," ? s.replace(".", ",") : s;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return "";
    s = v.toISOString();
    return s.endsWith("T00:00:00.000Z") ? s.slice(0, 10) : s;
  }
  if (typeof v === "string") s = FORMULA_START.test(v) ? `'${v}` : v;
  else if (typeof v === "bigint" || typeof v === "boolean") s = String(v);
  else s = JSON.stringify(v);
  const needsQuotes = s.includes(delimiter) || s.includes('"') || s.includes("\n") ||
    s.includes("\r") || s !== s.trim();
  return needsQuotes ? `"${s.replaceAll('"', '""')}"` : s;
}
