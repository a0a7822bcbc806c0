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
import { TextDictionary } from "./text_dictionary.ts";
import { type LoadResult, VALIDATE_OPTIONS, type ValidateOptions } from "./validate.ts";
import { type EncodedInput, validateEncoded } from "./validate_encoded.ts";
import { ValueDictionary } from "./value_dictionary.ts";
import { checkOptions } from "../options.ts";

/**
 * Loads Arrow IPC bytes (file or stream format) into a validated table.
 * Bytes that are not Arrow IPC (or decode to no columns) are a `CxDataError`.
 * Text columns come back as `CodedColumn`s and dates as `InstantColumn`s, as
 * from `readCsv` (compact, read in place by the KPI kernels); each distinct
 * value is checked once.
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
  const columns = new Map<string, EncodedInput>();
  for (const field of arrow.schema.fields) {
    const values = arrow.getChild(field.name).toArray() as ArrayLike<unknown>;
    const canonical = mappedFrom.get(field.name) ?? field.name;
    columns.set(
      field.name,
      encoded(fromBigInt(values, field.name, idColumns.has(canonical), warnings)),
    );
  }
  return validateEncoded(
    {
      names: [...columns.keys()],
      rows: arrow.numRows,
      get: (n) => columns.get(n)!,
      head: (n) => {
        const c = columns.get(n)!;
        if (c.kind === "values") return c.values;
        const { codes, dictionary } = c;
        return Array.from(
          { length: Math.min(codes.length, HEAD_ROWS) },
          (_, i) => dictionary[codes[i]],
        );
      },
    },
    options,
    { source: name, firstRow: 1, inferExtras: false, unquoteFormulas: false, warnings },
  );
}

/** Rows the date-format sniffer reads (it looks at no more). */
const HEAD_ROWS = 50_000;

/**
 * A column of text (strings and nulls) or of dates (`Date`s and nulls)
 * dictionary-encoded; any other column as it is.
 */
function encoded(values: ArrayLike<unknown>): EncodedInput {
  let kind: "text" | "date" | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const k = typeof v === "string" ? "text" : v instanceof Date ? "date" : undefined;
    if (k === undefined || (kind !== undefined && k !== kind)) return { kind: "values", values };
    kind = k;
  }
  const n = values.length;
  if (kind === "text") {
    const text = new TextDictionary(n);
    text.addItems({ getItem: (i) => values[i] }, 0, n);
    return { kind: "codes", ...text.finish() };
  }
  if (kind !== "date") return { kind: "values", values };
  // Keyed by epoch ms (an invalid date: NaN), so equal instants share one entry.
  const dates = new ValueDictionary(n, "instant");
  dates.addVector({ getItem: (i) => (values[i] as Date | null)?.getTime() ?? null }, 0, n);
  return { kind: "codes", ...dates.finish() };
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
