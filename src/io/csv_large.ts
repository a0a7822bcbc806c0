/**
 * Loading large CSV files: the same result as {@link readCsv} (same values,
 * rejects and summary) in a fraction of the time and memory. The file is
 * parsed into dictionary-encoded columns — by cxkit's byte-level reader
 * (default) or by DuckDB's parallel `read_csv` — so no JavaScript string is
 * made per cell, and each distinct text is converted and checked once by the
 * same converters and field schemas as `readCsv` ({@link validateEncoded}).
 * Text columns come back as `CodedColumn`s and dates as `InstantColumn`s,
 * which the KPI kernels read in place.
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import { CxOptionsError } from "../errors.ts";
import { type CsvLoadResult, readCsv, type ReadCsvOptions } from "./csv.ts";
import { encodeCsvDuckdb } from "./csv_duckdb.ts";
import { encodeCsvFile, type EncodedCsvColumn } from "./csv_encode.ts";
import { scanCsvFile } from "./csv_scan.ts";
import { localFile, type Source } from "./source.ts";
import { decimalEvidence, decodeText, sniffDelimiter } from "./text.ts";
import { type EncodedColumns, validateEncoded } from "./validate_encoded.ts";

/** Options of {@link readLargeCsv}: those of `readCsv`, plus the parser and progress reports. */
export interface ReadLargeCsvOptions extends ReadCsvOptions {
  /**
   * `"cxkit"` (default): the byte-level reader, one pass, least memory;
   * `"duckdb"`: DuckDB's parallel `read_csv` (more memory while parsing).
   */
  parser?: "cxkit" | "duckdb";
  /**
   * Called as a load goes: every million rows and at the end of `parse`, and
   * after `validate` (DuckDB also reports its structure `scan` first).
   */
  onProgress?: (progress: LoadProgress) => void;
}

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
  /** The parser that read the file; `"arquero"` when it fell back to {@link readCsv}. */
  engine: "cxkit" | "duckdb" | "arquero";
}

/** Sniffing reads this much of the file's start. */
const HEAD_BYTES = 1 << 20;
/** Rows handed to the date-format sniffer, as `readCsv` samples them. */
const HEAD_ROWS = 50_000;

/**
 * Loads a CSV file like {@link readCsv} (same options, same values, rejects
 * and summary) for large files; see the module doc. Encoding and delimiter
 * are sniffed as `readCsv` does, from the file's start. Whenever the fast
 * parsers could read the file differently from `readCsv`, this falls back to
 * `readCsv` and says so in `engine`: inline text or bytes instead of a path,
 * Windows-1252 files, duplicate header names, blank lines, rows with too few
 * or too many fields, quotes inside unquoted fields.
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
  const { onProgress, parser = "cxkit", ...csvOptions } = options;
  if (parser !== "cxkit" && parser !== "duckdb") {
    throw new CxOptionsError(
      `Option "parser" must be "cxkit" or "duckdb", got ${JSON.stringify(parser)}`,
    );
  }
  const fallback = async (): Promise<LargeCsvLoadResult> => ({
    ...(await readCsv(source, csvOptions)),
    engine: "arquero",
  });
  const isPath = source instanceof URL || (typeof source === "string" && !/[\n\r]/.test(source));
  if (!isPath || (options.encoding ?? "auto") === "windows-1252") return await fallback();
  const path = await localFile(source as string | URL); // URLs and folders are refused here
  const t0 = performance.now();
  const progress = (step: LoadProgress["step"], rows: number) =>
    onProgress?.({ step, rows, seconds: (performance.now() - t0) / 1000 });

  const start = await readHead(path);
  if (start === undefined) return await fallback(); // not found, empty: readCsv says why
  const { text, encoding } = decodeText(start, options.encoding ?? "auto");
  if (encoding !== "utf-8" || text.trim() === "") return await fallback();
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n") return await fallback();
  if (delimiter.charCodeAt(0) > 127) return await fallback();
  const names = aq.fromCSV(text.slice(0, headerEnd(text)) + "\n", {
    delimiter,
    autoType: false,
  }).columnNames();
  if (new Set(names).size !== names.length) return await fallback();

  let columns: EncodedCsvColumn[] | undefined;
  if (parser === "duckdb") {
    const scan = await scanCsvFile(path, delimiter);
    progress("scan", scan.records - 1);
    if (!scan.regular || names.length !== scan.headerFields) return await fallback();
    const encoded = await encodeCsvDuckdb(
      path,
      names,
      delimiter,
      scan.records - 1,
      (rows) => progress("parse", rows),
    );
    columns = encoded && names.map((n) => encoded[n]);
  } else {
    let reported = 0;
    columns = await encodeCsvFile(path, names.length, delimiter, (rows) => {
      // About once per million rows (the reader calls back per 8 MiB chunk).
      if (rows - reported >= 1_000_000) progress("parse", reported = rows);
    });
  }
  if (!columns) return await fallback();
  const rows = columns[0]?.codes.length ?? 0;
  if (parser === "cxkit") progress("parse", rows);
  const byName = new Map(names.map((n, k) => [n, columns![k]]));
  const head = (name: string) => {
    const { codes, dictionary } = byName.get(name)!;
    const n = Math.min(HEAD_ROWS, codes.length);
    return Array.from({ length: n }, (_, i) => dictionary[codes[i]]);
  };
  const sniffed = options.decimal === undefined
    ? decimalEvidence(names.flatMap((n) => head(n).slice(0, 2000)), delimiter)
    : undefined;
  const decimal = options.decimal ?? sniffed!.decimal;
  const input: EncodedColumns = {
    names,
    rows,
    get: (n) => ({ kind: "codes", ...byName.get(n)! }),
    head,
  };
  const result = validateEncoded(input, { ...csvOptions, decimal }, {
    source: path,
    firstRow: 2,
    inferExtras: true,
    unquoteFormulas: true,
    warnings: [],
    decimalWhy: sniffed?.why,
  });
  progress("validate", rows);
  return { ...result, summary: { ...result.summary, delimiter, encoding }, engine: parser };
}

/** What {@link readCsvDuckdb} returns. */
export interface DuckdbCsvLoadResult extends CsvLoadResult {
  /** `"duckdb"` when DuckDB parsed the file, `"arquero"` when it fell back to {@link readCsv}. */
  engine: "duckdb" | "arquero";
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
  const result = await readLargeCsv(source, { ...options, parser: "duckdb" });
  return { ...result, engine: result.engine === "duckdb" ? "duckdb" : "arquero" };
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

/** Index just past the header record (a newline outside quotes), or the text's length. */
function headerEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && (c === 10 || c === 13)) return i;
  }
  return text.length;
}
