/**
 * JSON in and out: an array of row objects (what APIs and `JSON.stringify`
 * of records give) or an object of column arrays.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxSchemaError } from "../errors.ts";
import { readSource, type Source } from "./source.ts";
import { type LoadResult, validateColumns, type ValidateOptions } from "./validate.ts";

/**
 * Loads JSON rows (`[{...}, ...]`) or columns (`{ col: [...] }`) from a path,
 * text or an already parsed value, validated like {@link readCsv}. Text
 * numbers and dates are parsed; native JSON numbers are kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJson } from "./json.ts";
 * const rows = [{ customer_id: "c1", date: "2024-01-05", revenue: 19.9 }, { customer_id: "c2", date: "soon" }];
 * const { table, rejects } = await readJson(rows, { schema: "events" });
 * assert.ok(table.numRows() === 1 && rejects.get("column", 0) === "date");
 * ```
 */
export async function readJson(
  source: Source | unknown[] | Record<string, unknown[]>,
  options: ValidateOptions = {},
): Promise<LoadResult> {
  let data: unknown, name = "json";
  if (typeof source === "string" || source instanceof URL || source instanceof Uint8Array) {
    const read = await readSource(
      typeof source === "string" && source.trimStart().match(/^[[{]/) ? `${source}\n` : source,
    );
    name = read.name;
    try {
      data = JSON.parse(new TextDecoder().decode(read.bytes));
    } catch (e) {
      throw new CxSchemaError(`${name} is not valid JSON: ${(e as Error).message}`);
    }
  } else data = source;
  const columns = toColumns(data, name);
  const names = Object.keys(columns);
  const rows = names.length ? columns[names[0]].length : 0;
  return validateColumns({ names, get: (n) => columns[n], rows }, options, {
    source: name,
    firstRow: 1,
    inferExtras: false,
    unquoteFormulas: false,
    warnings: [],
  });
}

function toColumns(data: unknown, name: string): Record<string, unknown[]> {
  if (Array.isArray(data)) {
    const names = new Set<string>();
    for (const row of data) {
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        throw new CxSchemaError(`${name}: expected an array of objects (one per row)`);
      }
      for (const key of Object.keys(row)) names.add(key);
    }
    return Object.fromEntries(
      [...names].map((n) => [n, data.map((row) => (row as Record<string, unknown>)[n])]),
    );
  }
  if (data && typeof data === "object") {
    const entries = Object.entries(data);
    const lengths = new Set(entries.map(([, v]) => Array.isArray(v) ? v.length : -1));
    if (lengths.has(-1) || lengths.size > 1) {
      throw new CxSchemaError(`${name}: expected an object of equally long column arrays`);
    }
    return Object.fromEntries(entries) as Record<string, unknown[]>;
  }
  throw new CxSchemaError(`${name}: expected an array of row objects or an object of columns`);
}

/**
 * Writes a table as a JSON array of row objects (dates as ISO strings).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { writeJson } from "./json.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await writeJson(aq.table({ a: [1] }), path);
 * assert.ok((await Deno.readTextFile(path)) === '[\n  {\n    "a": 1\n  }\n]\n');
 * ```
 */
export async function writeJson(table: ColumnTable, path: string | URL): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(table.objects(), null, 2) + "\n");
}
