/**
 * Typing an in-memory table's columns for loading into an SQL engine: each
 * column holds text, numbers, booleans or dates (instants), with nulls.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError } from "../errors.ts";

/** The portable column types engines load. */
export type LoadType = "text" | "number" | "boolean" | "timestamp";

/** A column ready to load: name, portable type and values (`null` for missing). */
export interface LoadColumn {
  /** Column name. */
  name: string;
  /** Portable type. */
  type: LoadType;
  /** Values, `undefined` and `NaN` turned into `null`. */
  values: unknown[];
}

/**
 * The columns of a table with their portable types. A column mixing kinds
 * (numbers and text) raises a `CxDataError` naming it; an all-missing column
 * takes its type from `hints` (default text).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { loadColumns } from "./load.ts";
 * const [a, d] = loadColumns(aq.table({ a: [1, null], d: [new Date(0), null] }));
 * assert.ok(a.type === "number" && d.type === "timestamp" && a.values[1] === null);
 * ```
 */
export function loadColumns(
  table: ColumnTable,
  hints: Record<string, LoadType> = {},
): LoadColumn[] {
  return table.columnNames().map((name) => {
    const values = Array.from(
      table.array(name) as ArrayLike<unknown>,
      (v) => v === undefined || (typeof v === "number" && Number.isNaN(v)) ? null : v,
    );
    let type: LoadType | undefined;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) continue;
      const t = kindOf(v);
      if (type === undefined) type = t;
      else if (t !== type) {
        throw new CxDataError([{
          row: i + 1,
          column: name,
          value: String(v),
          reason: `${name} mixes ${type} and ${t} values; an SQL column has one type`,
        }]);
      }
    }
    return { name, type: type ?? hints[name] ?? "text", values };
  });
}

function kindOf(v: unknown): LoadType {
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "boolean";
  if (v instanceof Date) return "timestamp";
  return "text";
}
