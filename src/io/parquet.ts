/**
 * Parquet in (cxkit's own reader where it can, DuckDB otherwise) and out
 * through DuckDB (imported when first used), and Arrow IPC
 * out through Arquero, so tables travel to pandas, Polars or a warehouse and
 * back with types, dates and nulls intact. Reading validates like readCsv:
 * same mapping, same rejects.
 *
 * @module
 */
import { toArrowIPC } from "arquero";
import type { ColumnTable } from "arquero";
import { CxError } from "../errors.ts";
import { canonicalSchema } from "../schema/canonical.ts";
import { columnSpecs } from "../schema/fields.ts";
import { loadColumns, type LoadType } from "../engine/load.ts";
import type { DuckDBConnection } from "@duckdb/node-api";
import { TextDictionary } from "./text_dictionary.ts";
import { ValueDictionary, type ValueKind } from "./value_dictionary.ts";
import {
  type LoadResult,
  VALIDATE_OPTIONS,
  validateColumns,
  type ValidateOptions,
} from "./validate.ts";
import { validateEncoded } from "./validate_encoded.ts";
import { ParquetFormatError, readParquetNative, unsafeWarning } from "./parquet_native.ts";
import type { CodeArray } from "../kernels/columns.ts";
import { checkWritable, fileError, localFile, writeError, writeOut } from "./source.ts";
import { dirname } from "node:path";
import { checkOptions, optionNames } from "../options.ts";
import { dayText } from "../time/civil.ts";
import { redactForWriting, type RedactOption } from "../privacy/pii.ts";

/**
 * Loads a Parquet file into a validated table. Flat files, uncompressed or
 * snappy, with PLAIN or dictionary-encoded pages are read by cxkit's own
 * reader straight into dictionary-encoded columns; any other file through
 * DuckDB, with the same result. Dates and zone-less timestamps
 * of canonical date columns are read as wall time in `timeZone` (as readCsv
 * reads text dates); timestamps with a zone are instants. 64-bit integers
 * become numbers (text for identifier columns, and a warning where digits
 * would be lost). A web address or folder is a `CxOptionsError`, a file
 * DuckDB cannot read as Parquet a `CxDataError`.
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
export function readParquet(
  path: string,
  options: ValidateOptions = {},
): Promise<LoadResult> {
  return readParquetBy("native", path, options);
}

/**
 * `readParquet` by one reader (internal, for tests and benchmarks):
 * `"native"` reads the file itself where it can (flat, uncompressed or
 * snappy, PLAIN or dictionary pages; see `parquet_native.ts`) and through
 * DuckDB otherwise; `"duckdb"` always through DuckDB. Both give the same
 * table, rejects and summary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { readParquetBy, writeParquet } from "./parquet.ts";
 * const path = await Deno.makeTempFile({ suffix: ".parquet" });
 * await writeParquet(aq.table({ a: ["x", null], n: [1, 2] }), path);
 * const native = await readParquetBy("native", path);
 * const duckdb = await readParquetBy("duckdb", path);
 * assert.deepEqual(native.table.objects(), duckdb.table.objects());
 * await Deno.remove(path);
 * ```
 */
export async function readParquetBy(
  reader: "native" | "duckdb",
  path: string,
  options: ValidateOptions = {},
): Promise<LoadResult> {
  checkOptions("readParquet", options, VALIDATE_OPTIONS);
  path = await localFile(path);
  const specs = options.schema === undefined ? [] : columnSpecs(canonicalSchema(options.schema));
  const fileName = new Map(
    specs.map((s) => [options.mapping?.[s.name] ?? s.name, s]),
  );
  if (reader === "native") {
    const native = await readNative(path, fileName);
    if (native) {
      const { names, rows, columns, warnings } = native;
      return validateEncoded(
        {
          names,
          rows,
          get: (n) => ({ kind: "codes", ...columns.get(n)! }),
          head: (n) => headOf(columns.get(n)!),
        },
        options,
        { source: path, firstRow: 1, inferExtras: false, unquoteFormulas: false, warnings },
      );
    }
  }
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const types =
      (await connection.runAndReadAll("DESCRIBE SELECT * FROM read_parquet($1)", [path]))
        .getRowObjectsJS().map((r) => [String(r.column_name), String(r.column_type)]);
    // Each column is read as text, number, boolean or instant (epoch ms) and
    // dictionary-encoded chunk by chunk; each distinct value is validated once.
    const plan = types.map(([name, type]) => readAs(name, type, fileName.get(name)?.kind));
    if (plan.some((p) => p.kind === undefined)) {
      return await readParquetValues(connection, path, types, fileName, options);
    }
    const warnings = await unsafeIntegers(connection, path, types, plan);
    const { columns, rows } = await readEncoded(connection, path, types, plan);
    return validateEncoded(
      {
        names: types.map(([n]) => n),
        rows,
        get: (n) => ({ kind: "codes", ...columns.get(n)! }),
        head: (n) => headOf(columns.get(n)!),
      },
      options,
      { source: path, firstRow: 1, inferExtras: false, unquoteFormulas: false, warnings },
    );
  } catch (e) {
    if (e instanceof CxError) throw e;
    const error = fileError(
      path,
      "cannot be read as Parquet",
      `${(e as Error).message}; check that it is a Parquet file (not CSV or Arrow renamed)`,
    );
    error.cause = e;
    throw error;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The first values of an encoded column in row order (date format and decimal sniffing). */
function headOf({ codes, dictionary }: { codes: CodeArray; dictionary: readonly unknown[] }) {
  return Array.from({ length: Math.min(50_000, codes.length) }, (_, i) => dictionary[codes[i]]);
}

/**
 * The file read by the native reader, or `undefined` when it leaves the file
 * to DuckDB; a malformed file is a `CxDataError`.
 */
async function readNative(path: string, fileName: Map<string, { kind: string }>) {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    const error = fileError(path, "cannot be read", (e as Error).message);
    error.cause = e;
    throw error;
  }
  try {
    return readParquetNative(bytes, (name) => fileName.get(name)?.kind);
  } catch (e) {
    if (!(e instanceof ParquetFormatError)) throw e;
    const error = fileError(
      path,
      "cannot be read as Parquet",
      `${e.message}; check that it is a whole Parquet file (not CSV or Arrow renamed, not cut short)`,
    );
    error.cause = e;
    throw error;
  }
}

/** A column as {@link readAs} reads it. */
type ReadPlan = ReturnType<typeof readAs>;

/** A warning per 64-bit integer column with values that a number cannot hold exactly. */
async function unsafeIntegers(
  connection: DuckDBConnection,
  path: string,
  types: string[][],
  plan: ReadPlan[],
): Promise<string[]> {
  const warnings: string[] = [];
  const wide = plan.map((p, k) => p.wide ? k : -1).filter((k) => k >= 0);
  if (!wide.length) return warnings;
  const counts = (await connection.runAndReadAll(
    `SELECT ${
      wide.map((k) => `count(*) FILTER (WHERE abs(${plan[k].q}) > 9007199254740991)::DOUBLE`)
        .join(", ")
    } FROM read_parquet($1)`,
    [path],
  )).getRows()[0].map(Number);
  wide.forEach((k, j) => {
    if (counts[j]) warnings.push(unsafeWarning(types[k][0], counts[j]));
  });
  return warnings;
}

/** Every column dictionary-encoded chunk by chunk, by name, and the number of rows read. */
async function readEncoded(
  connection: DuckDBConnection,
  path: string,
  types: string[][],
  plan: ReadPlan[],
) {
  const rows = Number(
    (await connection.runAndReadAll(
      "SELECT count(*)::DOUBLE AS n FROM read_parquet($1)",
      [path],
    )).getRowObjectsJS()[0].n,
  );
  const builders = plan.map((p) =>
    p.kind === "text" ? new TextDictionary(rows) : new ValueDictionary(rows, p.kind!)
  );
  const result = await connection.stream(
    `SELECT ${plan.map((p) => p.select).join(", ")} FROM read_parquet($1)`,
    [path],
  );
  let offset = 0;
  for (let chunk = await result.fetchChunk(); chunk; chunk = await result.fetchChunk()) {
    const count = chunk.rowCount;
    if (count === 0) break;
    builders.forEach((b, k) => b.addVector(chunk.getColumnVector(k), offset, count));
    offset += count;
  }
  const columns = new Map(types.map(([name], k) => {
    const { codes, dictionary } = builders[k].finish();
    // Day numbers become the texts DuckDB would have written, one per distinct day.
    if (plan[k].days) {
      dictionary.forEach((d, e) => d !== null && (dictionary[e] = dayText(d as number)));
    }
    return [name, { codes, dictionary }];
  }));
  return { columns, rows: offset };
}

/** How one Parquet column is read: its SELECT expression and JavaScript kind. */
function readAs(
  name: string,
  type: string,
  canonicalKind: string | undefined,
): { q: string; select: string; kind?: "text" | ValueKind; wide?: boolean; days?: boolean } {
  const q = `"${name.replaceAll('"', '""')}"`;
  const as = (expr: string, kind: "text" | ValueKind, wide = false) => ({
    q,
    select: `${expr} AS ${q}`,
    kind,
    wide,
  });
  const big = /^(U?BIGINT|HUGEINT|UHUGEINT)$/.test(type);
  // Zone-less dates of canonical date columns are read by the validator in `timeZone` exactly as
  // it reads CSV dates, from DuckDB's text of each distinct value. A DATE crosses over as its day
  // number (a double vector, no text per row; ±infinity as ±Infinity) and `dayText` writes DuckDB's
  // text once per distinct day; timestamps are cast to text. 64-bit identifiers stay text with
  // every digit.
  if (canonicalKind === "date" && type === "DATE") {
    return {
      ...as(
        `CASE WHEN ${q} IS NULL THEN NULL WHEN isfinite(${q}) THEN (${q} - DATE '1970-01-01')::DOUBLE ` +
          `WHEN ${q} > DATE '1970-01-01' THEN 'infinity'::DOUBLE ELSE '-infinity'::DOUBLE END`,
        "number",
      ),
      days: true,
    };
  }
  if (canonicalKind === "date" && /^TIMESTAMP(_S|_MS|_NS)?$/.test(type)) {
    return as(`CAST(${q} AS VARCHAR)`, "text");
  }
  if (big && canonicalKind === "string") return as(`CAST(${q} AS VARCHAR)`, "text");
  if (type === "VARCHAR") return as(q, "text");
  if (type === "BOOLEAN") return as(q, "boolean");
  if (big) return as(`CAST(${q} AS DOUBLE)`, "number", true);
  if (/^(U?TINYINT|U?SMALLINT|U?INTEGER|FLOAT|DOUBLE|DECIMAL.*)$/.test(type)) {
    return as(`CAST(${q} AS DOUBLE)`, "number");
  }
  // Instants as epoch milliseconds; zone-less values count as UTC, as DuckDB's JS conversion does.
  if (type === "TIMESTAMP WITH TIME ZONE") return as(`CAST(epoch_ms(${q}) AS DOUBLE)`, "instant");
  if (/^(DATE|TIMESTAMP(_S|_MS|_NS)?)$/.test(type)) {
    return as(`CAST(epoch_ms(CAST(${q} AS TIMESTAMP)) AS DOUBLE)`, "instant");
  }
  return { q, select: q };
}

/** Any other column type: every value through DuckDB's JavaScript conversion (slower). */
async function readParquetValues(
  connection: DuckDBConnection,
  path: string,
  types: string[][],
  fileName: Map<string, { kind: string }>,
  options: ValidateOptions,
): Promise<LoadResult> {
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
}

/** Options of {@link writeParquet}. */
export interface WriteParquetOptions {
  /**
   * `true`: replace personal data (e-mail addresses, phone numbers, IBANs,
   * card numbers) in every text column by placeholders before writing
   * (`[E-Mail]`, `[Telefon]`, `[IBAN]`, `[Karte]`; `{ language: "en" }` for
   * `[email]`, `[phone]`, `[IBAN]`, `[card]`; `kinds` to pick some). The
   * same detection as `redactPii`. Default `false`.
   */
  redact?: RedactOption;
}

const WRITE_PARQUET_OPTIONS = optionNames<WriteParquetOptions>()(["redact"]);

/**
 * Writes a table as Parquet (zstd): text as VARCHAR, whole numbers as
 * BIGINT, other numbers as DOUBLE, booleans, and dates as timestamps with
 * time zone (UTC instants); nulls stay nulls. With `redact: true`,
 * personal data in every text column is replaced by placeholders first
 * (see `redactPii`).
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
 * await writeParquet(aq.table({ note: ["IBAN DE89370400440532013000"] }), path, { redact: true });
 * assert.equal((await readParquet(path)).table.get("note", 0), "IBAN [IBAN]");
 * await Deno.remove(path);
 * ```
 */
export async function writeParquet(
  table: ColumnTable,
  path: string,
  options: WriteParquetOptions = {},
): Promise<void> {
  checkOptions("writeParquet", options, WRITE_PARQUET_OPTIONS);
  table = redactForWriting(table, options.redact, "writeParquet");
  checkWritable(path);
  // DuckDB's COPY reports a missing folder in its own words: say it in ours first.
  try {
    const folder = await Deno.stat(dirname(path));
    if (!folder.isDirectory) throw new Deno.errors.NotFound();
  } catch (e) {
    throw writeError(path, e);
  }
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
  if (path !== undefined) await writeOut(path, bytes);
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
      unsafeWarning(column, unsafe),
    );
  }
  return out;
}
