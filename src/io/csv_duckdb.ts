/**
 * CSV loading through DuckDB's parallel `read_csv`: the same result as
 * {@link readCsv} (same table, rejects and summary), for large UTF-8 files.
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import { countFields } from "./fields.ts";
import { type CsvLoadResult, readCsv, type ReadCsvOptions } from "./csv.ts";
import { readSource, type Source } from "./source.ts";
import { decodeText, sniffDecimal, sniffDelimiter } from "./text.ts";
import { validateColumns } from "./validate.ts";

/** What {@link readCsvDuckdb} returns: a {@link CsvLoadResult} plus the parser that read it. */
export interface DuckdbCsvLoadResult extends CsvLoadResult {
  /** `"duckdb"` when DuckDB parsed the file, `"arquero"` when it fell back to {@link readCsv}. */
  engine: "duckdb" | "arquero";
}

/**
 * Loads a CSV file like {@link readCsv} (same options, same table, rejects
 * and summary), but parses it with DuckDB's multi-threaded `read_csv` (all
 * columns as text) before the same validation. Encoding and delimiter are
 * sniffed exactly as `readCsv` does. Whenever DuckDB would read the file
 * differently from `readCsv`, this falls back to `readCsv` and says so in
 * `engine`: inline text or bytes instead of a path, Windows-1252 files
 * (DuckDB reads UTF-8 only), duplicate header names, blank lines, rows with
 * too few or too many fields, or anything DuckDB's strict parser refuses.
 *
 * Speed: not yet faster than `readCsv`. On 1M responses (bench/load.ts,
 * 2 cores) DuckDB parses in ~0.8 s, but handing 15M strings to JavaScript
 * costs ~5 s, more than Arquero's whole parse, and validation on string
 * arrays stays ~3 s; reaching 2× DuckDB needs typing inside DuckDB or a
 * typed-array validator.
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
  source: Source,
  options: ReadCsvOptions = {},
): Promise<DuckdbCsvLoadResult> {
  const fallback = async (): Promise<DuckdbCsvLoadResult> => ({
    ...(await readCsv(source, options)),
    engine: "arquero",
  });
  const isPath = source instanceof URL || (typeof source === "string" && !/[\n\r]/.test(source));
  if (!isPath || (options.encoding ?? "auto") === "windows-1252") return await fallback();
  const path = source instanceof URL ? source.pathname : source;
  const { bytes, name } = await readSource(source);
  // Throws as readCsv does for invalid UTF-8 with encoding "utf-8".
  const { text, encoding } = decodeText(bytes, options.encoding ?? "auto");
  if (encoding !== "utf-8" || text.trim() === "") return await fallback();
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n") return await fallback();
  const counts = countFields(text, delimiter);
  const names = aq.fromCSV(text.slice(0, headerEnd(text)) + "\n", {
    delimiter,
    autoType: false,
  }).columnNames();
  if (new Set(names).size !== names.length || names.length !== counts[0]) return await fallback();

  const columns = await duckdbColumns(path, names, delimiter, counts.length - 1);
  if (!columns) return await fallback();
  const decimal = options.decimal ??
    sniffDecimal(names.flatMap((n) => columns[n].slice(0, 2000)), delimiter);
  const result = validateColumns(
    { names, get: (n) => columns[n], rows: counts.length - 1 },
    { ...options, decimal },
    {
      source: name,
      firstRow: 2,
      inferExtras: true,
      unquoteFormulas: true,
      warnings: [],
      fieldCounts: { header: counts[0], rows: counts.subarray(1) },
    },
  );
  return { ...result, summary: { ...result.summary, delimiter, encoding }, engine: "duckdb" };
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

/**
 * All columns of the file as text, nulls where Arquero's parser has them
 * (empty fields), or `undefined` when DuckDB refuses the file or reads a
 * different number of rows (blank lines) than `expectedRows`.
 */
async function duckdbColumns(
  path: string,
  names: string[],
  delimiter: string,
  expectedRows: number,
): Promise<Record<string, unknown[]> | undefined> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  try {
    const reader = await connection.runAndReadAll(
      `SELECT * FROM read_csv($1, delim = ${literal(delimiter)}, quote = '"', escape = '"', ` +
        `header = true, auto_detect = false, strict_mode = true, columns = {${
          names.map((n) => `${literal(n)}: 'VARCHAR'`).join(", ")
        }})`,
      [path],
    );
    if (Number(reader.currentRowCount) !== expectedRows) return undefined;
    const byPosition = reader.getColumnsJS() as unknown[][];
    const columns: Record<string, unknown[]> = {};
    names.forEach((n, k) => {
      const values = byPosition[k];
      for (let i = 0; i < values.length; i++) if (values[i] === "") values[i] = null;
      columns[n] = values;
    });
    return columns;
  } catch {
    return undefined;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
