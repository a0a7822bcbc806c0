/**
 * The one CSV read path: UTF-8 bytes (whole or in chunks) → the byte-level
 * tokenizer, dictionary-encoding every column → {@link validateEncoded}.
 * `readCsv` and `readLargeCsv` both end here, so fast and careful reading
 * cannot disagree.
 *
 * @module
 */
import { CxOptionsError, CxSchemaError } from "../errors.ts";
import {
  type ByteChunks,
  bytesChunks,
  encodeCsv,
  type EncodedCsv,
  type SplitRunner,
} from "./csv_encode.ts";
import type { QuoteMode } from "./csv_tokenize.ts";
import { decimalEvidence, type Encoding, sniffDelimiter } from "./text.ts";
import {
  type LoadResult,
  type LoadSummary,
  VALIDATE_OPTIONS,
  type ValidateOptions,
} from "./validate.ts";
import { validateEncoded } from "./validate_encoded.ts";
import { optionNames } from "../options.ts";

/** Options of `readCsv`. */
export interface ReadCsvOptions extends ValidateOptions {
  /** Field delimiter (one ASCII character); sniffed from `,` `;` tab and `|` when not given. */
  delimiter?: string;
  /**
   * Text encoding (default `"auto"`: UTF-16 with a byte-order mark, else
   * UTF-8, and Windows-1252 when the file as a whole is not UTF-8).
   */
  encoding?: Encoding;
  /**
   * Text after a closing quote (`"2024-01-05" ,9`): `"strict"` (default)
   * rejects the row; `"lenient"` appends the text to the field as Python's
   * csv module does and names the rows in a warning.
   */
  quotes?: QuoteMode;
}

/** The names of {@link ReadCsvOptions}. */
export const READ_CSV_OPTIONS = optionNames<ReadCsvOptions>()([
  ...VALIDATE_OPTIONS,
  "delimiter",
  "encoding",
  "quotes",
]);

/** Summary of a CSV load: the validation counts plus what was sniffed. */
export interface CsvSummary extends LoadSummary {
  /** Delimiter used. */
  delimiter: string;
  /** Encoding used. */
  encoding: Exclude<Encoding, "auto">;
}

/** What `readCsv` returns. */
export interface CsvLoadResult extends LoadResult {
  /** Counts and sniffed conventions. */
  summary: CsvSummary;
}

/** Rows handed to the date-format sniffer. */
const HEAD_ROWS = 50_000;

/** The input of {@link loadCsv}: UTF-8 bytes and what was decided about them. */
export interface CsvInput {
  /** The bytes (UTF-8, no byte-order mark). */
  chunks: ByteChunks;
  /** The input's start as text, for delimiter sniffing. */
  head: string;
  /** Name in messages. */
  source: string;
  /** Encoding the input was read in. */
  encoding: Exclude<Encoding, "auto">;
  /** Warnings so far (encoding guesses). */
  warnings: string[];
  /** Hears the rows read so far. */
  onRows?: (rows: number) => void;
}

/**
 * Tokenizes, encodes and validates a CSV input; see the module doc. `split`
 * reads the second half of an input in memory elsewhere (`readCsv` passes a
 * worker for large inputs). Lets go of `input.chunks` once they are encoded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesChunks } from "./csv_encode.ts";
 * import { loadCsv } from "./csv_read.ts";
 * const text = "id,nps_score\nr1,9\n";
 * const { table, summary } = await loadCsv({
 *   chunks: bytesChunks(new TextEncoder().encode(text)),
 *   head: text, source: "text", encoding: "utf-8", warnings: [],
 * }, {});
 * assert.deepEqual([table.get("nps_score", 0), summary.delimiter], [9, ","]);
 * ```
 */
export async function loadCsv(
  input: CsvInput,
  options: ReadCsvOptions,
  split?: SplitRunner,
): Promise<CsvLoadResult> {
  const { delimiter, quotes } = csvDialect(input.head, options);
  const encoded = await encodeCsv(input.chunks, {
    delimiter,
    quotes,
    source: input.source,
    onRows: input.onRows,
    split,
  });
  // The bytes are not needed any more: let them go before validation allocates the table.
  input.chunks = bytesChunks(new Uint8Array(0));
  return validateCsv(encoded, options, { ...input, delimiter });
}

/** The delimiter (given or sniffed from `head`) and quote mode, checked. */
export function csvDialect(
  head: string,
  options: ReadCsvOptions,
): { delimiter: string; quotes: QuoteMode } {
  const delimiter = checkDelimiter(options.delimiter ?? sniffDelimiter(head));
  const quotes = options.quotes ?? "strict";
  if (quotes !== "strict" && quotes !== "lenient") {
    throw new CxOptionsError(
      `Option "quotes" must be "strict" or "lenient", got ${JSON.stringify(quotes)}`,
    );
  }
  return { delimiter, quotes };
}

/** Validates encoded CSV columns (from the tokenizer or DuckDB) into a load result. */
export function validateCsv(
  encoded: EncodedCsv,
  options: ReadCsvOptions,
  input: Pick<CsvInput, "source" | "encoding" | "warnings"> & { delimiter: string },
): CsvLoadResult {
  const { source, delimiter } = input;
  const { names, columns, rows } = encoded;
  if (new Set(names).size !== names.length) throw duplicateHeaderError(names, source);
  const byName = new Map(names.map((n, k) => [n, columns[k]]));
  /** The first `rows` texts of a column, in row order. */
  const first = (name: string, rows: number) => {
    const { codes, dictionary } = byName.get(name)!;
    return Array.from({ length: Math.min(rows, codes.length) }, (_, i) => dictionary[codes[i]]);
  };
  const heads = new Map<string, unknown[]>();
  const headOf = (name: string) =>
    heads.get(name) ?? heads.set(name, first(name, HEAD_ROWS)).get(name)!;
  const sniffed = options.decimal === undefined
    ? decimalEvidence(names.flatMap((n) => first(n, 2000)), delimiter)
    : undefined;
  const decimal = options.decimal ?? sniffed!.decimal;
  const issues = new Map(
    [...encoded.issues].map(([row, list]) => [
      row,
      list.map((issue) => ({
        column: issue.field < 0 ? null : names[issue.field],
        value: issue.value,
        reason: issue.reason,
      })),
    ]),
  );
  const result = validateEncoded(
    {
      names,
      rows,
      get: (n) => ({ kind: "codes", ...byName.get(n)! }),
      head: headOf,
    },
    { ...options, decimal },
    {
      source,
      firstRow: 2,
      inferExtras: true,
      unquoteFormulas: true,
      warnings: [...input.warnings, ...readWarnings(encoded, source)],
      decimalWhy: sniffed?.why,
      rowIssues: issues,
    },
  );
  return { ...result, summary: { ...result.summary, delimiter, encoding: input.encoding } };
}

/** The delimiter if the tokenizer can use it, else a `CxOptionsError`. */
export function checkDelimiter(delimiter: string): string {
  const code = delimiter.charCodeAt(0);
  if (
    delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r" ||
    code > 127
  ) {
    throw new CxOptionsError(
      `Option "delimiter" must be one ASCII character other than a quote or a line end, such as "," ";" "|" or "\\t", got ${
        JSON.stringify(delimiter)
      }`,
    );
  }
  return delimiter;
}

/** Rows named in a warning: the first few, as spreadsheet rows (header = 1). */
function rowList(indices: number[]): string {
  const shown = indices.slice(0, 5).map((i) => i + 2).join(", ");
  return `row${indices.length > 1 ? "s" : ""} ${shown}${indices.length > 5 ? ", …" : ""}`;
}

/** Warnings about what the tokenizer kept or rejected. */
function readWarnings(encoded: EncodedCsv, source: string): string[] {
  const out: string[] = [];
  const { strayQuotes, keptAfterQuote, badBytes, endsInQuotes } = encoded;
  if (strayQuotes.length) {
    out.push(
      `${source}: a quote inside an unquoted field was kept as written (as Python's csv module reads it) in ${strayQuotes.length} row(s) (${
        rowList(strayQuotes)
      }); check them, and quote such a field ("5"" screen") to make it explicit`,
    );
  }
  if (keptAfterQuote.length) {
    out.push(
      `${source}: text after a closing quote was appended to the field (quotes: "lenient", as Python's csv module does) in ${keptAfterQuote.length} row(s) (${
        rowList(keptAfterQuote)
      })`,
    );
  }
  if (badBytes.length) {
    out.push(
      `${source}: ${badBytes.length} row(s) with bytes that are not valid UTF-8 (or NUL bytes) were rejected (${
        rowList(badBytes)
      }); the file as a whole was read as UTF-8`,
    );
  }
  if (endsInQuotes !== undefined) {
    out.push(`${source}: the file ends inside a quoted field opened on line ${endsInQuotes}`);
  }
  return out;
}

function duplicateHeaderError(names: string[], source: string): CxSchemaError {
  const twice = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  return new CxSchemaError(
    `${source}: the header names ${
      twice.map((t) => `"${t}"`).join(", ")
    } more than once; rename the duplicates so no column is lost`,
  );
}
