/**
 * Arrow IPC input. Warehouse exports carry 64-bit integers, which JavaScript
 * reads as BigInt: means and sums over BigInt throw, so they are converted to
 * numbers where that is exact, to text for identifier columns, and otherwise
 * rounded with a warning.
 *
 * @module
 */
import { type Table, tableFromIPC } from "@uwdata/flechette";
import { canonicalSchema } from "../schema/canonical.ts";
import { columnSpecs } from "../schema/fields.ts";
import { fileError, readSource, type Source } from "./source.ts";
import {
  type LoadResult,
  VALIDATE_OPTIONS,
  validateColumns,
  type ValidateOptions,
} from "./validate.ts";
import { checkOptions } from "../options.ts";

/**
 * Loads Arrow IPC bytes (file or stream format) into a validated table.
 * Bytes that are not Arrow IPC (or decode to no columns) are a `CxDataError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { columnFromArray, int64, tableToIPC, tableFromColumns } from "@uwdata/flechette";
 * import { readArrow } from "./arrow.ts";
 * const ipc = tableToIPC(tableFromColumns({ n: columnFromArray([1n, 2n ** 60n], int64()) }), {})!;
 * const { table, summary } = await readArrow(ipc);
 * assert.ok(typeof table.get("n", 0) === "number" && summary.warnings.length === 1);
 * ```
 */
export async function readArrow(
  source: Source,
  options: ValidateOptions = {},
): Promise<LoadResult> {
  checkOptions("readArrow", options, VALIDATE_OPTIONS);
  const { bytes, name } = await readSource(source);
  const arrow = parseIpc(bytes, name);
  const idColumns = new Set(
    options.schema === undefined ? [] : columnSpecs(canonicalSchema(options.schema))
      .filter((s) => s.kind === "string").map((s) => s.name),
  );
  const mappedFrom = new Map(Object.entries(options.mapping ?? {}).map(([c, f]) => [f, c]));
  const warnings: string[] = [];
  const columns = new Map<string, ArrayLike<unknown>>();
  for (const field of arrow.schema.fields) {
    const values = arrow.getChild(field.name).toArray() as ArrayLike<unknown>;
    const canonical = mappedFrom.get(field.name) ?? field.name;
    columns.set(field.name, fromBigInt(values, field.name, idColumns.has(canonical), warnings));
  }
  return validateColumns(
    { names: [...columns.keys()], get: (n) => columns.get(n)!, rows: arrow.numRows },
    options,
    { source: name, firstRow: 1, inferExtras: false, unquoteFormulas: false, warnings },
  );
}

/** The Arrow table in `bytes`, or a `CxDataError` when they are not Arrow IPC with columns. */
function parseIpc(bytes: Uint8Array, name: string): Table {
  const fix = "export the table again as Arrow IPC (file or stream format, e.g. pyarrow's " +
    "`feather.write_feather` or `ipc.new_file`); for CSV or Parquet use readCsv or readParquet";
  let table: Table;
  try {
    table = tableFromIPC(bytes, { useBigInt: true, useDate: true });
  } catch (e) {
    throw fileError(name, "is not Arrow IPC data", `${(e as Error).message}; ${fix}`);
  }
  // Empty or foreign bytes can decode to a table without columns; a real export has some.
  if (table.schema.fields.length === 0) {
    throw fileError(
      name,
      "is not Arrow IPC data",
      `no columns found in ${bytes.length} bytes; ${fix}`,
    );
  }
  return table;
}

function fromBigInt(
  values: ArrayLike<unknown>,
  column: string,
  asText: boolean,
  warnings: string[],
): ArrayLike<unknown> {
  const isBig = values instanceof BigInt64Array || values instanceof BigUint64Array ||
    Array.from({ length: Math.min(values.length, 100) }, (_, i) => values[i])
      .some((v) => typeof v === "bigint");
  if (!isBig) return values;
  let unsafe = 0;
  const out = Array.from({ length: values.length }, (_, i) => {
    const v = values[i];
    if (typeof v !== "bigint") return v;
    if (asText) return v.toString();
    const n = Number(v);
    if (!Number.isSafeInteger(n)) unsafe++;
    return n;
  });
  if (unsafe) {
    warnings.push(
      `${column}: ${unsafe} 64-bit integer${
        unsafe === 1 ? "" : "s"
      } exceed 2^53 and were rounded to the nearest number; export identifiers as text to keep every digit`,
    );
  }
  return out;
}
