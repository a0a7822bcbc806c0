/**
 * Parquet in and out through DuckDB (imported when first used), and Arrow IPC
 * out through Arquero, so tables travel to pandas, Polars or a warehouse and
 * back with types, dates and nulls intact. Reading validates like readCsv:
 * same mapping, same rejects.
 *
 * @module
 */
import "@uwdata/flechette";
import { toArrowIPC } from "arquero";
import type { ColumnTable } from "arquero";
import { CxError, CxOptionsError } from "../errors.ts";
import { canonicalSchema } from "../schema/canonical.ts";
import { columnSpecs } from "../schema/fields.ts";
import { loadColumns, type LoadType } from "../engine/load.ts";
import { type LoadResult, validateColumns, type ValidateOptions } from "./validate.ts";

/**
 * Loads a Parquet file into a validated table. Dates and zone-less timestamps
 * of canonical date columns are read as wall time in `timeZone` (as readCsv
 * reads text dates); timestamps with a zone are instants. 64-bit integers
 * become numbers (text for identifier columns, and a warning where digits
 * would be lost).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { readParquet, writeParquet } from "./parquet.ts";
 * const path = await Deno.makeTempFile({ suffix: ".parquet" });
 * await writeParquet(aq.table({ response_id: ["a", "b"], date: ["2024-01-05", "2024-01-06"], nps_score: [9, 11] }), path);
 * const { table, rejects } = await readParquet(path, { schema: "responses" });
 * assert.ok(table.numRows() === 1 && rejects.get("column", 0) === "nps_score");
 * await Deno.remove(path);
 * ```
 */
export async function readParquet(
  path: string,
  options: ValidateOptions = {},
): Promise<LoadResult> {
  try {
    Deno.statSync(path);
  } catch {
    throw new CxOptionsError(`File not found: ${path} (working directory ${Deno.cwd()})`);
  }
  const specs = options.schema === undefined ? [] : columnSpecs(canonicalSchema(options.schema));
  const fileName = new Map(
    specs.map((s) => [options.mapping?.[s.name] ?? s.name, s]),
  );
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const types =
      (await connection.runAndReadAll("DESCRIBE SELECT * FROM read_parquet($1)", [path]))
        .getRowObjectsJS().map((r) => [String(r.column_name), String(r.column_type)]);
    // Zone-less dates of canonical date columns come back as text, so the
    // validator reads them in `timeZone` exactly as it reads CSV dates.
    const select = types.map(([name, type]) => {
      const q = `"${name.replaceAll('"', '""')}"`;
      const wall = fileName.get(name)?.kind === "date" &&
        /^(DATE|TIMESTAMP(_S|_MS|_NS)?)$/.test(type);
      return wall
        ? `CAST(${q} AS VARCHAR) AS ${q}`
        : /^(U?BIGINT|HUGEINT|UHUGEINT)$/.test(type) && fileName.get(name)?.kind === "string"
        ? `CAST(${q} AS VARCHAR) AS ${q}`
        : q;
    });
    const reader = await connection.runAndReadAll(
      `SELECT ${select.join(", ")} FROM read_parquet($1)`,
      [path],
    );
    const columns = reader.getColumnsObjectJS() as Record<string, unknown[]>;
    const warnings: string[] = [];
    for (const [name, values] of Object.entries(columns)) {
      columns[name] = fromBigInt(values, name, warnings);
    }
    const rows = Number(reader.currentRowCount);
    return validateColumns(
      { names: types.map(([n]) => n), get: (n) => columns[n], rows },
      options,
      { source: path, firstRow: 1, inferExtras: false, unquoteFormulas: false, warnings },
    );
  } catch (e) {
    if (e instanceof CxError) throw e;
    throw new CxError(`Cannot read Parquet file ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Writes a table as Parquet (zstd): text as VARCHAR, whole numbers as
 * BIGINT, other numbers as DOUBLE, booleans, and dates as timestamps with
 * time zone (UTC instants); nulls stay nulls.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { readParquet, writeParquet } from "./parquet.ts";
 * const path = await Deno.makeTempFile({ suffix: ".parquet" });
 * const when = new Date("2024-03-01T10:00:00.123Z");
 * await writeParquet(aq.table({ n: [1, null], when: [null, when] }), path);
 * const { table } = await readParquet(path);
 * assert.deepEqual(table.objects(), [{ n: 1, when: null }, { n: null, when }]);
 * await Deno.remove(path);
 * ```
 */
export async function writeParquet(table: ColumnTable, path: string): Promise<void> {
  const columns = loadColumns(table);
  const api = await import("@duckdb/node-api");
  const instance = await api.DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const integer = columns.map((c) =>
      c.type === "number" && c.values.every((v) => v === null || Number.isSafeInteger(v))
    );
    const sqlType = (type: LoadType, k: number) =>
      integer[k]
        ? "BIGINT"
        : { text: "VARCHAR", number: "DOUBLE", boolean: "BOOLEAN", timestamp: "TIMESTAMPTZ" }[type];
    const quote = (n: string) => `"${n.replaceAll('"', '""')}"`;
    await connection.run(
      `CREATE TABLE out (${
        columns.map((c, k) => `${quote(c.name)} ${sqlType(c.type, k)}`).join(", ")
      })`,
    );
    const duckType = (type: LoadType, k: number) =>
      integer[k] ? api.BIGINT : {
        text: api.VARCHAR,
        number: api.DOUBLE,
        boolean: api.BOOLEAN,
        timestamp: api.TIMESTAMPTZ,
      }[
        type
      ];
    const appender = await connection.createAppender("out");
    const rows = table.numRows();
    for (let start = 0; start < rows; start += 2048) {
      const size = Math.min(2048, rows - start);
      const chunk = api.DuckDBDataChunk.create(columns.map((c, k) => duckType(c.type, k)), size);
      columns.forEach((c, k) => {
        const slice = c.values.slice(start, start + size);
        chunk.setColumnValues(
          k,
          (c.type === "timestamp"
            ? slice.map((v) =>
              v === null
                ? null
                : new api.DuckDBTimestampTZValue(BigInt((v as Date).getTime()) * 1000n)
            )
            : integer[k]
            ? slice.map((v) => v === null ? null : BigInt(v as number))
            : slice) as never[],
        );
      });
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    // COPY takes no parameters: the path is a string literal with quotes doubled.
    await connection.run(
      `COPY out TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Writes a table as an Arrow IPC file (Feather v2: pandas `read_feather`,
 * Polars `read_ipc`) and returns the bytes; without a path only returns them.
 * Read it back with `readArrow`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { readArrow } from "./arrow.ts";
 * import { writeArrow } from "./parquet.ts";
 * const bytes = await writeArrow(aq.table({ a: [1, null], b: ["x", "y"] }));
 * const { table } = await readArrow(bytes);
 * assert.deepEqual(table.objects(), [{ a: 1, b: "x" }, { a: null, b: "y" }]);
 * ```
 */
export async function writeArrow(table: ColumnTable, path?: string): Promise<Uint8Array> {
  const bytes = toArrowIPC(table, { format: "file" }) as Uint8Array;
  if (path !== undefined) await Deno.writeFile(path, bytes);
  return bytes;
}

function fromBigInt(values: unknown[], column: string, warnings: string[]): unknown[] {
  if (!values.some((v) => typeof v === "bigint")) return values;
  let unsafe = 0;
  const out = values.map((v) => {
    if (typeof v !== "bigint") return v;
    const n = Number(v);
    if (!Number.isSafeInteger(n)) unsafe++;
    return n;
  });
  if (unsafe) {
    warnings.push(
      `${column}: ${unsafe} 64-bit integers exceed 2^53 and were rounded to the nearest number; store identifiers as text to keep every digit`,
    );
  }
  return out;
}
