/**
 * The DuckDB parser of `readLargeCsv` (`parser: "duckdb"`, `readCsvDuckdb`):
 * DuckDB's parallel, strict `read_csv` parses the file as text into a table,
 * whose text vectors are then dictionary-encoded chunk by chunk
 * ({@link TextDictionary}) without a JavaScript string per cell.
 *
 * @module
 */
import type { CodeArray } from "../kernels/columns.ts";
import { TextDictionary } from "./text_dictionary.ts";

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Parses the file with DuckDB's strict `read_csv` (every column as text)
 * and dictionary-encodes each column chunk by chunk; `undefined` when DuckDB
 * refuses the file or reads another number of rows than `rows`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeCsvDuckdb } from "./csv_duckdb.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "id,ch\n1,chat\n2,\n3,chat\n");
 * const out = await encodeCsvDuckdb(path, ["id", "ch"], ",", 3, () => {});
 * const ch = out!.ch;
 * assert.deepEqual([...ch.codes].map((c) => ch.dictionary[c]), ["chat", null, "chat"]);
 * await Deno.remove(path);
 * ```
 */
export async function encodeCsvDuckdb(
  path: string,
  names: string[],
  delimiter: string,
  rows: number,
  onRows: (done: number) => void,
): Promise<Record<string, { codes: CodeArray; dictionary: (string | null)[] }> | undefined> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const builders = names.map(() => new TextDictionary(rows));
  try {
    // DuckDB's CSV reader runs in parallel into a table; streaming the file
    // itself would read it on one thread.
    await connection.run(
      `CREATE TABLE raw AS SELECT * FROM read_csv($1, delim = ${
        literal(delimiter)
      }, quote = '"', ` +
        `escape = '"', header = true, auto_detect = false, strict_mode = true, columns = {${
          names.map((_, k) => `${literal(`c${k}`)}: 'VARCHAR'`).join(", ")
        }})`,
      [path],
    );
    const result = await connection.stream("SELECT * FROM raw");
    let offset = 0;
    for (let chunk = await result.fetchChunk(); chunk; chunk = await result.fetchChunk()) {
      const count = chunk.rowCount;
      if (count === 0) break;
      if (offset + count > rows) return undefined;
      builders.forEach((b, k) => b.addVector(chunk.getColumnVector(k), offset, count));
      offset += count;
      if ((offset & 0xfffff) < count && offset < rows) onRows(offset);
    }
    if (offset !== rows) return undefined;
    onRows(offset);
    return Object.fromEntries(names.map((n, k) => [n, builders[k].finish()]));
  } catch {
    return undefined;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
