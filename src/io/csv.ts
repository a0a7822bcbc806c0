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
import { type CsvLoadResult, loadCsv, READ_CSV_OPTIONS, type ReadCsvOptions } from "./csv_read.ts";
import { workerSplit } from "./csv_parallel.ts";
import { readSource, type Source, sourceSize, writeOut } from "./source.ts";
import { toUtf8 } from "./text.ts";
import { checkOptions, optionNames } from "../options.ts";
import { redactForWriting, type RedactOption } from "../privacy/pii.ts";

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
  checkOptions("readCsv", options, READ_CSV_OPTIONS);
  // A large input is read on two threads; the worker starts loading while the file is read.
  const split = workerSplit(await sourceSize(source));
  try {
    return await loadCsv(await csvInput(source, options, !!split), options, split);
  } finally {
    split?.close();
  }
}

/** A source read and decoded to UTF-8 (into shared memory when a worker will read it too). */
async function csvInput(source: Source, options: ReadCsvOptions, shared: boolean) {
  const { bytes, name } = await readSource(source, { shared });
  const { bytes: utf8, encoding, warnings } = toUtf8(bytes, options.encoding ?? "auto", name);
  // Decoded from a plain copy: TextDecoder reads shared memory many times slower (30–70 ms
  // against 1–4 ms for 1 MiB, measured at load ≈ 16), and the worker starts after this.
  const head = new TextDecoder().decode(utf8.slice(0, HEAD_BYTES));
  if (head.trim() === "" && utf8.length <= HEAD_BYTES) {
    throw new CxSchemaError(`${name} is empty: expected a header row and data`);
  }
  return { chunks: bytesChunks(utf8), head, source: name, encoding, warnings };
}

/** Options of {@link toCsv} and {@link writeCsv}. */
export interface WriteCsvOptions {
  /** Field delimiter (default `,`; not `"`, a line break or the decimal separator). */
  delimiter?: string;
  /** Decimal separator for numbers (default `.`; use `,` with `;` for German Excel). */
  decimal?: "." | ",";
  /** Start with a UTF-8 byte-order mark so Excel detects the encoding (default false). */
  bom?: boolean;
  /**
   * Called with each warning: a column holding `NaN`, `±Infinity` or an invalid
   * date, written
   * as empty cells (CSV has no spelling for them that spreadsheets and
   * `readCsv` read back as numbers), with how many and in which rows.
   */
  onWarning?: (warning: string) => void;
  /**
   * `true`: replace personal data (e-mail addresses, phone numbers, IBANs,
   * card numbers) in every text column by placeholders before writing
   * (`[E-Mail]`, `[Telefon]`, `[IBAN]`, `[Karte]`; `{ language: "en" }` for
   * `[email]`, `[phone]`, `[IBAN]`, `[card]`; `kinds` to pick some). The
   * same detection as `redactPii`. Default `false`.
   */
  redact?: RedactOption;
}

const WRITE_CSV_OPTIONS = optionNames<WriteCsvOptions>()([
  "delimiter",
  "decimal",
  "bom",
  "onWarning",
  "redact",
]);

/** What {@link writeCsv} returns. */
export interface WriteCsvResult {
  /** The file written. */
  path: string | URL;
  /** Data rows written. */
  rows: number;
  /** The warnings also passed to `onWarning` (empty when nothing was bent). */
  warnings: string[];
}

/**
 * Formats a table as CSV text. Text cells that a spreadsheet would run as a
 * formula (starting with `=`, `+`, `-`, `@`, tab or CR) get a leading `'`,
 * which `readCsv` removes again, so values round-trip exactly. Dates at UTC
 * midnight are written `YYYY-MM-DD`, other instants as ISO timestamps.
 * `NaN` and `±Infinity` become empty cells, reported per column through
 * `onWarning`; a line break or `"` as delimiter is a `CxOptionsError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { toCsv } from "./csv.ts";
 * const csv = toCsv(aq.table({ comment: ['=HYPERLINK("http://x","y")'], n: [-1] }));
 * assert.ok(csv === `comment,n\n"'=HYPERLINK(""http://x"",""y"")",-1\n`);
 * const warnings: string[] = [];
 * assert.equal(toCsv(aq.table({ x: [1, NaN] }), { onWarning: (w) => warnings.push(w) }), "x\n1\n\n");
 * assert.match(warnings[0], /x: 1 value that is NaN, infinite .* written as an empty cell \(row 3\)/);
 * ```
 */
export function toCsv(table: ColumnTable, options: WriteCsvOptions = {}): string {
  checkOptions("toCsv", options, WRITE_CSV_OPTIONS);
  const { delimiter = ",", decimal = ".", bom = false, onWarning } = options;
  table = redactForWriting(table, options.redact, "toCsv");
  if (
    delimiter.length !== 1 || delimiter === '"' || delimiter === decimal || delimiter === "\n" ||
    delimiter === "\r"
  ) {
    throw new CxOptionsError(
      `Option "delimiter" must be one character other than '"', a line break and the decimal separator, got ${
        JSON.stringify(delimiter)
      }; use "," ";" or "\\t"`,
    );
  }
  const names = table.columnNames();
  const columns = names.map((n) => table.array(n) as ArrayLike<unknown>);
  const cell = (v: unknown): string => formatCell(v, delimiter, decimal);
  const lines = [names.map(cell).join(delimiter)];
  for (let i = 0, n = table.numRows(); i < n; i++) {
    lines.push(columns.map((c) => cell(c[i])).join(delimiter));
  }
  if (onWarning) {
    names.forEach((name, k) => {
      const warning = nonFiniteWarning(name, columns[k]);
      if (warning) onWarning(warning);
    });
  }
  return (bom ? "\uFEFF" : "") + lines.join("\n") + "\n";
}

/**
 * Writes a table as a CSV file; see {@link toCsv} for the formula-injection
 * protection and the delimiter rules. Returns the rows written and the
 * warnings (non-finite numbers written as empty cells), which also go to
 * `onWarning`. With `redact: true`, personal data in every text column is
 * replaced by placeholders first (`[E-Mail]`, `[Telefon]`, `[IBAN]`,
 * `[Karte]`; see `redactPii`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { writeCsv } from "./csv.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * const { warnings } = await writeCsv(aq.table({ a: [1, 2, Infinity] }), path);
 * assert.ok((await Deno.readTextFile(path)) === "a\n1\n2\n\n");
 * assert.deepEqual(warnings, [
 *   "a: 1 value that is NaN, infinite or an invalid date written as an empty cell (row 4)",
 * ]);
 * await writeCsv(aq.table({ note: ["Tel. 0151 12345678"] }), path, { redact: true });
 * assert.equal(await Deno.readTextFile(path), "note\nTel. [Telefon]\n");
 * ```
 */
export async function writeCsv(
  table: ColumnTable,
  path: string | URL,
  options: WriteCsvOptions = {},
): Promise<WriteCsvResult> {
  checkOptions("writeCsv", options, WRITE_CSV_OPTIONS);
  const warnings: string[] = [];
  const text = toCsv(table, {
    ...options,
    onWarning: (w) => {
      warnings.push(w);
      options.onWarning?.(w);
    },
  });
  await writeOut(path, text);
  return { path, rows: table.numRows(), warnings };
}

/** The warning for a column's NaN, infinite numbers and invalid dates (spreadsheet rows, header = 1). */
function nonFiniteWarning(name: string, values: ArrayLike<unknown>): string | undefined {
  const rows: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (
      (typeof v === "number" && !Number.isFinite(v)) ||
      (v instanceof Date && Number.isNaN(v.getTime()))
    ) rows.push(i + 2);
  }
  if (rows.length === 0) return undefined;
  const one = rows.length === 1;
  const shown = rows.slice(0, 5).join(", ") + (rows.length > 5 ? ", …" : "");
  return `${name}: ${rows.length} ${one ? "value that is" : "values that are"} NaN, infinite ` +
    `or an invalid date written as ${one ? "an empty cell (row" : "empty cells (rows"} ${shown})`;
}

const FORMULA_START = /^'*[=+\-@\t\r]/;

function formatCell(v: unknown, delimiter: string, decimal: "." | ","): string {
  if (v === null || v === undefined) return "";
  let s: string;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return ""; // counted by nonFiniteWarning
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
