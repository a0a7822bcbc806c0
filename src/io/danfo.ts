/**
 * danfo.js interop (optional): hand a table to danfo.js and take a
 * DataFrame back. `danfojs-node` (1.1.2, the last version that installs
 * here) is imported only when one of these functions is called, so it stays
 * out of cxkit's core import graph; import this module directly, it is not
 * re-exported from `mod.ts`.
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxError } from "../errors.ts";

/** The parts of a danfo.js `DataFrame` cxkit reads. */
export interface DanfoFrame {
  /** Column names. */
  columns: string[];
  /** `[rows, columns]`. */
  shape: number[];
  /** One column as a Series. */
  column(name: string): { values: unknown[] };
}

/**
 * A danfo.js DataFrame with the table's columns (numbers, text, booleans,
 * dates; missing values as `null`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { toDanfo } from "./danfo.ts";
 * const df = await toDanfo(aq.table({ channel: ["chat", "web"], nps_score: [9, null] }));
 * assert.deepEqual(df.shape, [2, 2]);
 * assert.deepEqual(df.column("nps_score").values, [9, null]);
 * ```
 */
export async function toDanfo(table: ColumnTable): Promise<DanfoFrame> {
  const dfd = await loadDanfo();
  const data = Object.fromEntries(
    table.columnNames().map((n) => [
      n,
      Array.from(table.array(n) as ArrayLike<unknown>, (v) => v === undefined ? null : v),
    ]),
  );
  return new dfd.DataFrame(data) as DanfoFrame;
}

/**
 * An Arquero table from a danfo.js DataFrame (or anything with `columns`
 * and `column(name).values`), column order kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { fromDanfo, toDanfo } from "./danfo.ts";
 * const t = aq.table({ a: [1, 2], b: ["x", null] });
 * assert.deepEqual(fromDanfo(await toDanfo(t)).objects(), t.objects());
 * ```
 */
export function fromDanfo(df: DanfoFrame): ColumnTable {
  return aq.table(
    Object.fromEntries(
      df.columns.map((n) => [n, df.column(n).values.map((v) => v === undefined ? null : v)]),
    ),
  );
}

async function loadDanfo(): Promise<{ DataFrame: new (data: unknown) => unknown }> {
  try {
    // A computed specifier keeps danfo (and the @types/node it drags in, which
    // changes node:assert's types) out of the type-checked module graph.
    const specifier = ["npm:danfojs", "node@1.1.2"].join("-");
    return await import(specifier);
  } catch (e) {
    throw new CxError(
      `danfo.js interop needs the optional package danfojs-node@1.1.2 (npm), which could not be loaded: ${
        (e as Error).message
      }`,
      { cause: e },
    );
  }
}
