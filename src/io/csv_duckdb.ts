/**
 * CSV loading through DuckDB's parallel `read_csv` for large files: the same
 * result as {@link readCsv} (same values, rejects and summary), in a
 * fraction of the time and memory. DuckDB parses the file as text and
 * dictionary-encodes columns with repeated values (`ENUM` codes), only the
 * codes cross into JavaScript, and each distinct text is converted and
 * checked once by the same converters and field schemas as `readCsv`
 * ({@link validateEncoded}). Text columns come back as `CodedColumn`s and
 * dates as `InstantColumn`s, which the KPI kernels read in place.
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import type { DuckDBConnection, DuckDBVector } from "@duckdb/node-api";
import { CxOptionsError } from "../errors.ts";
import { type CodeArray, codeArray } from "../kernels/columns.ts";
import { type CsvLoadResult, readCsv, type ReadCsvOptions } from "./csv.ts";
import { scanCsvFile } from "./csv_scan.ts";
import { decodeText, sniffDecimal, sniffDelimiter } from "./text.ts";
import { type EncodedColumns, type EncodedInput, validateEncoded } from "./validate_encoded.ts";

/** Options of {@link readCsvDuckdb}: those of `readCsv`, plus progress reports. */
export interface ReadCsvDuckdbOptions extends ReadCsvOptions {
  /** Called after each step of a load (`scan`, `parse`, `encode`, `fetch`, `validate`). */
  onProgress?: (progress: LoadProgress) => void;
}

/** One progress report of {@link readCsvDuckdb}. */
export interface LoadProgress {
  /** The step just finished (or under way, for `fetch`). */
  step: "scan" | "parse" | "encode" | "fetch" | "validate";
  /** Rows done in this step so far. */
  rows: number;
  /** Rows in the file (data rows; 0 before the scan). */
  total: number;
  /** Seconds since the load started. */
  seconds: number;
}

/** What {@link readCsvDuckdb} returns: a {@link CsvLoadResult} plus the parser that read it. */
export interface DuckdbCsvLoadResult extends CsvLoadResult {
  /** `"duckdb"` when DuckDB parsed the file, `"arquero"` when it fell back to {@link readCsv}. */
  engine: "duckdb" | "arquero";
}

/** Sniffing reads this much of the file's start. */
const HEAD_BYTES = 1 << 20;
/** Rows handed to the date-format and decimal sniffers, as `readCsv` samples them. */
const HEAD_ROWS = 50_000;

/**
 * Loads a CSV file like {@link readCsv} (same options, same values, rejects
 * and summary) through DuckDB; see the module doc. Encoding and delimiter are
 * sniffed exactly as `readCsv` does, from the file's start. Whenever DuckDB
 * would read the file differently from `readCsv`, this falls back to
 * `readCsv` and says so in `engine`: inline text or bytes instead of a path,
 * Windows-1252 files (DuckDB reads UTF-8 only), duplicate header names, blank
 * lines, rows with too few or too many fields, or anything DuckDB's strict
 * parser refuses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsvDuckdb } from "./csv_duckdb.ts";
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
  source: string | URL | Uint8Array,
  options: ReadCsvDuckdbOptions = {},
): Promise<DuckdbCsvLoadResult> {
  const { onProgress, ...csvOptions } = options;
  const fallback = async (): Promise<DuckdbCsvLoadResult> => ({
    ...(await readCsv(source, csvOptions)),
    engine: "arquero",
  });
  const isPath = source instanceof URL || (typeof source === "string" && !/[\n\r]/.test(source));
  if (!isPath || (options.encoding ?? "auto") === "windows-1252") return await fallback();
  const path = source instanceof URL ? source.pathname : source;
  const t0 = performance.now();
  let total = 0;
  const progress = (step: LoadProgress["step"], rows: number) =>
    onProgress?.({ step, rows, total, seconds: (performance.now() - t0) / 1000 });

  const head = await readHead(path);
  if (head === undefined) return await fallback(); // not found, empty: readCsv says why
  const { text, encoding } = decodeText(head, options.encoding ?? "auto");
  if (encoding !== "utf-8" || text.trim() === "") return await fallback();
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n") return await fallback();
  if (delimiter.charCodeAt(0) > 127) return await fallback();
  const names = aq.fromCSV(text.slice(0, headerEnd(text)) + "\n", {
    delimiter,
    autoType: false,
  }).columnNames();

  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    // DuckDB parses while JavaScript checks the record structure.
    const parsed = parse(connection, path, names, delimiter);
    const scan = await scanCsvFile(path, delimiter);
    total = scan.records - 1;
    progress("scan", total);
    const rows = await parsed;
    if (
      rows === undefined || rows !== total || !scan.regular ||
      new Set(names).size !== names.length || names.length !== scan.headerFields
    ) {
      return await fallback();
    }
    progress("parse", rows);
    const headRows = await firstRows(connection, names, HEAD_ROWS);
    const decimal = options.decimal ??
      sniffDecimal(names.flatMap((n) => headRows[n].slice(0, 2000)), delimiter);
    const columns = await encodeColumns(connection, names, rows, (done) => progress("fetch", done));
    progress("encode", rows);
    const input: EncodedColumns = {
      names,
      rows,
      get: (n) => columns[n],
      head: (n) => headRows[n],
    };
    const result = validateEncoded(input, { ...csvOptions, decimal }, {
      source: path,
      firstRow: 2,
      inferExtras: true,
      unquoteFormulas: true,
      warnings: [],
    });
    progress("validate", rows);
    return { ...result, summary: { ...result.summary, delimiter, encoding }, engine: "duckdb" };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
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

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * Parses the file into the table `raw` (all columns as text) and returns its
 * row count, or `undefined` when DuckDB's strict parser refuses the file.
 */
async function parse(
  connection: DuckDBConnection,
  path: string,
  names: string[],
  delimiter: string,
): Promise<number | undefined> {
  try {
    await connection.run(
      `CREATE TABLE raw AS SELECT * FROM read_csv($1, delim = ${
        literal(delimiter)
      }, quote = '"', ` +
        `escape = '"', header = true, auto_detect = false, strict_mode = true, columns = {${
          names.map((_, k) => `${literal(`c${k}`)}: 'VARCHAR'`).join(", ")
        }})`,
      [path],
    );
    const reader = await connection.runAndReadAll("SELECT count(*)::DOUBLE AS n FROM raw");
    return Number(reader.getRowObjectsJS()[0].n);
  } catch {
    return undefined;
  }
}

/** The first `limit` values of every column in file order (empty fields as `null`). */
async function firstRows(
  connection: DuckDBConnection,
  names: string[],
  limit: number,
): Promise<Record<string, unknown[]>> {
  const reader = await connection.runAndReadAll(
    `SELECT * FROM raw LIMIT ${Math.floor(limit)}`,
  );
  const byPosition = reader.getColumnsJS() as unknown[][];
  return Object.fromEntries(names.map((n, k) => [n, byPosition[k].map(emptyToNull)]));
}

const emptyToNull = (v: unknown) => v === "" ? null : v;

/**
 * Columns with repeated values as codes into their distinct texts (DuckDB
 * `ENUM` codes), mostly unique columns as plain text values.
 */
async function encodeColumns(
  connection: DuckDBConnection,
  names: string[],
  rows: number,
  onRows: (done: number) => void,
): Promise<Record<string, EncodedInput>> {
  const cols = names.map((_, k) => `c${k}`);
  const stats = (await connection.runAndReadAll(
    `SELECT ${cols.map((c) => `approx_count_distinct(${ident(c)})::DOUBLE`).join(", ")} FROM raw`,
  )).getRows()[0].map(Number);
  // Encode when values repeat enough for codes to pay off (ids unique per row stay text).
  const coded = cols.map((_, k) => rows > 0 && stats[k] <= Math.max(1000, rows / 4));
  const dictionaries: (readonly (string | null)[] | undefined)[] = [];
  for (const [k, c] of cols.entries()) {
    if (!coded[k]) {
      dictionaries.push(undefined);
      continue;
    }
    await connection.run(
      `CREATE TYPE ${ident(`e${k}`)} AS ENUM (SELECT DISTINCT ${ident(c)} FROM raw ` +
        `WHERE ${ident(c)} IS NOT NULL AND ${ident(c)} <> '')`,
    );
    const reader = await connection.runAndReadAll(
      `SELECT unnest(enum_range(NULL::${ident(`e${k}`)})) AS v`,
    );
    // Code = enum index; the last entry stands for empty fields.
    const texts = (reader.getColumnsJS()[0] as string[]).slice();
    dictionaries.push([...texts, null]);
  }
  const select = cols.map((c, k) => {
    const dict = dictionaries[k];
    if (!dict) return `${ident(c)}`;
    const type = dict.length <= 256 ? "UTINYINT" : dict.length <= 65_536 ? "USMALLINT" : "UINTEGER";
    return `coalesce(enum_code(nullif(${ident(c)}, '')::${ident(`e${k}`)}), ${
      dict.length - 1
    })::${type}`;
  });
  const out = cols.map((_, k) =>
    dictionaries[k] ? codeArray(rows, dictionaries[k]!.length) : new Array<unknown>(rows)
  );
  const result = await connection.stream(`SELECT ${select.join(", ")} FROM raw`);
  let offset = 0;
  for (let chunk = await result.fetchChunk(); chunk; chunk = await result.fetchChunk()) {
    const count = chunk.rowCount;
    if (count === 0) break;
    for (let k = 0; k < cols.length; k++) {
      const vector = chunk.getColumnVector(k);
      if (dictionaries[k]) copyCodes(vector, out[k] as CodeArray, offset, count);
      else {
        const values = out[k] as unknown[];
        for (let i = 0; i < count; i++) values[offset + i] = emptyToNull(vector.getItem(i));
      }
    }
    offset += count;
    if ((offset & 0xfffff) < count) onRows(offset);
  }
  if (offset !== rows) {
    throw new CxOptionsError(
      `DuckDB returned ${offset} of ${rows} rows; load with readCsv instead`,
    );
  }
  return Object.fromEntries(names.map((n, k) => {
    const dict = dictionaries[k];
    const input: EncodedInput = dict
      ? { kind: "codes", codes: out[k] as CodeArray, dictionary: dict }
      : { kind: "values", values: out[k] as unknown[] };
    return [n, input];
  }));
}

/** Copies a chunk of integer codes: the vector's typed array in one go when exposed. */
function copyCodes(vector: DuckDBVector, into: CodeArray, offset: number, count: number): void {
  const items = (vector as unknown as { items?: ArrayLike<number> }).items;
  if (items && ArrayBuffer.isView(items) && items.length >= count) {
    into.set((items as unknown as CodeArray).subarray(0, count), offset);
    return;
  }
  for (let i = 0; i < count; i++) into[offset + i] = vector.getItem(i) as number;
}
