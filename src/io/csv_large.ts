/**
 * Loading large CSV files: the same result as {@link readCsv} (same values,
 * rejects and summary, from the same tokenizer and validation) with the file
 * read in 8 MiB chunks instead of whole. Every column is dictionary-encoded
 * while parsing — by cxkit's byte-level tokenizer (default) or by DuckDB's
 * parallel `read_csv` — so no JavaScript string is made per cell, and each
 * distinct text is converted and checked once ({@link validateEncoded}).
 * Text columns come back as `CodedColumn`s and dates as `InstantColumn`s,
 * which the KPI kernels read in place.
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import { CxOptionsError } from "../errors.ts";
import { readCsv } from "./csv.ts";
import { encodeCsvDuckdb } from "./csv_duckdb.ts";
import { encodeCsv, type EncodedCsv, fileChunks } from "./csv_encode.ts";
import {
  csvDialect,
  type CsvLoadResult,
  READ_CSV_OPTIONS,
  type ReadCsvOptions,
  validateCsv,
} from "./csv_read.ts";
import { scanCsvFile } from "./csv_scan.ts";
import { tokenizeCsv } from "./csv_tokenize.ts";
import { localFile, type Source } from "./source.ts";
import { byteOrderMark } from "./text.ts";
import { checkOptions, optionNames, withoutNames } from "../options.ts";

/** Options of {@link readLargeCsv}: those of `readCsv`, plus the parser and progress reports. */
export interface ReadLargeCsvOptions extends ReadCsvOptions {
  /**
   * `"cxkit"` (default): the byte-level tokenizer, one pass, least memory;
   * `"duckdb"`: DuckDB's parallel `read_csv` (more memory while parsing).
   */
  parser?: "cxkit" | "duckdb";
  /**
   * Called as a load goes: every million rows and at the end of `parse`, and
   * after `validate` (DuckDB also reports its structure `scan` first).
   */
  onProgress?: (progress: LoadProgress) => void;
}

const READ_LARGE_CSV_OPTIONS = optionNames<ReadLargeCsvOptions>()([
  ...READ_CSV_OPTIONS,
  "parser",
  "onProgress",
]);

/** One progress report of {@link readLargeCsv}. */
export interface LoadProgress {
  /** The step under way (`parse`) or just finished. */
  step: "scan" | "parse" | "validate";
  /** Rows done in this step so far. */
  rows: number;
  /** Seconds since the load started. */
  seconds: number;
}

/** What {@link readLargeCsv} returns: a {@link CsvLoadResult} plus the parser that read it. */
export interface LargeCsvLoadResult extends CsvLoadResult {
  /** The parser that read the file (`"cxkit"` whenever DuckDB could read it differently). */
  engine: "cxkit" | "duckdb";
}

/** Sniffing reads this much of the file's start. */
const HEAD_BYTES = 1 << 20;

/**
 * Loads a CSV file like {@link readCsv} (same options, same values, rejects
 * and summary) for large files; see the module doc. Encoding and delimiter
 * are sniffed from the file's start. The file is read whole, as `readCsv`
 * reads it, when it is not plain UTF-8 (a UTF-16 byte-order mark, bytes that
 * are not UTF-8: the encoding is decided on the whole file) or is inline text
 * or bytes. `parser: "duckdb"` hands only files to DuckDB that it reads as
 * the tokenizer does (every record with the header's field count, no quote
 * out of place); others are read by the tokenizer, and `engine` says so.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CodedColumn } from "../kernels/columns.ts";
 * import { readLargeCsv } from "./csv_large.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "ID;Datum;Empfehlung;Kanal\nr1;05.01.2024;9;chat\nr2;06.01.2024;11;chat\n");
 * const { table, rejects, engine } = await readLargeCsv(path, {
 *   schema: "responses",
 *   mapping: { response_id: "ID", date: "Datum", nps_score: "Empfehlung", channel: "Kanal" },
 * });
 * assert.equal(engine, "cxkit");
 * assert.ok(table.numRows() === 1 && rejects.get("row", 0) === 3);
 * assert.ok(table.column("channel") instanceof CodedColumn);
 * await Deno.remove(path);
 * ```
 */
export async function readLargeCsv(
  source: Source,
  options: ReadLargeCsvOptions = {},
): Promise<LargeCsvLoadResult> {
  checkOptions("readLargeCsv", options, READ_LARGE_CSV_OPTIONS);
  const { onProgress, parser = "cxkit", ...csvOptions } = options;
  if (parser !== "cxkit" && parser !== "duckdb") {
    throw new CxOptionsError(
      `Option "parser" must be "cxkit" or "duckdb", got ${JSON.stringify(parser)}`,
    );
  }
  const whole = async (): Promise<LargeCsvLoadResult> => ({
    ...(await readCsv(source, csvOptions)),
    engine: "cxkit",
  });
  const isPath = source instanceof URL || (typeof source === "string" && !/[\n\r]/.test(source));
  if (!isPath) return await whole();
  const path = await localFile(source as string | URL); // URLs and folders are refused here
  const t0 = performance.now();
  const progress = (step: LoadProgress["step"], rows: number) =>
    onProgress?.({ step, rows, seconds: (performance.now() - t0) / 1000 });

  const start = await readHead(path);
  if (start === undefined) return await whole(); // not found: readCsv says why
  const encoding = csvOptions.encoding ?? "auto";
  const mark = byteOrderMark(start), bom = mark === "utf-8" ? 3 : 0;
  // Streamed: plain UTF-8 only (others are transcoded or judged as a whole, in memory).
  const utf8 = (encoding === "auto" || encoding === "utf-8") && (mark ?? "utf-8") === "utf-8" &&
    isUtf8(start.subarray(bom));
  const head = new TextDecoder().decode(start.subarray(bom));
  if (!utf8 || head.trim() === "") return await whole();
  const { delimiter, quotes } = csvDialect(head, csvOptions);

  let encoded: EncodedCsv | undefined;
  let engine: LargeCsvLoadResult["engine"] = "cxkit";
  if (parser === "duckdb") {
    encoded = await readDuckdb(path, head, delimiter, progress);
    if (encoded) engine = "duckdb";
  }
  if (!encoded) {
    let reported = 0;
    encoded = await withFile(path, bom, (chunks) =>
      encodeCsv(chunks, {
        delimiter,
        quotes,
        source: path,
        onRows: (rows) => {
          // About once per million rows (the reader calls back per 8 MiB chunk).
          if (rows - reported >= 1_000_000) progress("parse", reported = rows);
        },
      }));
    // Bytes that are not UTF-8 past the start: decide the encoding on the whole file.
    if (encoded.badBytes.length) return await whole();
    progress("parse", encoded.rows);
  }
  const result = validateCsv(encoded, csvOptions, {
    source: path,
    encoding: "utf-8",
    warnings: [],
    delimiter,
  });
  progress("validate", encoded.rows);
  return { ...result, engine };
}

/** DuckDB's parse of a file it reads as the tokenizer would, else `undefined`. */
async function readDuckdb(
  path: string,
  head: string,
  delimiter: string,
  progress: (step: LoadProgress["step"], rows: number) => void,
): Promise<EncodedCsv | undefined> {
  const names = tokenizeCsv(head, delimiter).records[0] ?? [];
  if (new Set(names).size !== names.length) return undefined; // the tokenizer path says why
  const scan = await scanCsvFile(path, delimiter);
  progress("scan", scan.records - 1);
  if (!scan.regular || names.length !== scan.headerFields) return undefined;
  const parsed = await encodeCsvDuckdb(
    path,
    names,
    delimiter,
    scan.records - 1,
    (rows) => progress("parse", rows),
  );
  if (!parsed) return undefined;
  return {
    names,
    columns: names.map((n) => parsed[n]),
    rows: scan.records - 1,
    issues: new Map(),
    strayQuotes: [],
    keptAfterQuote: [],
    badBytes: [],
  };
}

/** Runs `read` on the file's bytes after `skip` bytes (a byte-order mark). */
async function withFile<T>(
  path: string,
  skip: number,
  read: (chunks: ReturnType<typeof fileChunks>) => Promise<T>,
): Promise<T> {
  const file = await Deno.open(path, { read: true });
  try {
    const size = (await file.stat()).size;
    if (skip) await file.seek(skip, Deno.SeekMode.Start);
    return await read(fileChunks(file, size - skip));
  } finally {
    file.close();
  }
}

/** What {@link readCsvDuckdb} returns. */
export interface DuckdbCsvLoadResult extends CsvLoadResult {
  /** `"duckdb"` when DuckDB parsed the file, `"cxkit"` when the tokenizer read it instead. */
  engine: "duckdb" | "cxkit";
}

/**
 * {@link readLargeCsv} with DuckDB as the parser (`parser: "duckdb"`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsvDuckdb } from "./csv_large.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "ID;Datum;Empfehlung\nr1;05.01.2024;9\nr2;06.01.2024;11\n");
 * const { table, rejects, summary, engine } = await readCsvDuckdb(path, {
 *   schema: "responses",
 *   mapping: { response_id: "ID", date: "Datum", nps_score: "Empfehlung" },
 * });
 * assert.ok(engine === "duckdb" && summary.delimiter === ";");
 * assert.ok(table.numRows() === 1 && rejects.get("row", 0) === 3);
 * await Deno.remove(path);
 * ```
 */
export async function readCsvDuckdb(
  source: Source,
  options: Omit<ReadLargeCsvOptions, "parser"> = {},
): Promise<DuckdbCsvLoadResult> {
  checkOptions("readCsvDuckdb", options, withoutNames(READ_LARGE_CSV_OPTIONS, "parser"));
  return await readLargeCsv(source, { ...options, parser: "duckdb" });
}

/** The file's first bytes up to a line end, or `undefined` if it cannot be read. */
async function readHead(path: string): Promise<Uint8Array | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return undefined;
  }
  try {
    const buffer = new Uint8Array(HEAD_BYTES);
    let filled = 0;
    while (filled < buffer.length) {
      const n = await file.read(buffer.subarray(filled));
      if (n === null) return buffer.subarray(0, filled);
      filled += n;
    }
    // Cut after the last newline so no UTF-8 sequence is split.
    const last = buffer.lastIndexOf(10);
    return buffer.subarray(0, last > 0 ? last + 1 : filled);
  } finally {
    file.close();
  }
}
