/**
 * Reading a customer summary for the models: the columns checked, and the
 * customers collapsed to unique rows with weights, so a million customers
 * cost what their distinct (frequency, recency, T) triples cost.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";

/** Column names of a customer summary, as `customerSummary` writes them by default. */
export interface SummaryColumns {
  /** Repeat purchase periods (default `"frequency"`). */
  frequency?: string;
  /** Time from the first to the last purchase period (default `"recency"`). */
  recency?: string;
  /** Time from the first purchase period to the end of observation (default `"T"`). */
  T?: string;
}

/** Distinct customer rows and how many customers share each. */
export interface Unique {
  /** Repeat purchases. */
  x: Float64Array;
  /** Recency. */
  tx: Float64Array;
  /** Age T. */
  T: Float64Array;
  /** Customers with this row. */
  w: Float64Array;
  /** Index of each customer's unique row. */
  index: Int32Array;
  /** Customers in all. */
  n: number;
}

/** Reads a numeric column, refusing a missing column or a missing/negative/non-finite value. */
export function numericColumn(table: ColumnTable, column: string, option: string): Float64Array {
  if (!table.columnNames().includes(column)) {
    throw new CxOptionsError(
      `Option "${option}": column "${column}" is not in the summary (columns: ${
        table.columnNames().join(", ")
      }); name the column that holds it.`,
    );
  }
  const values = table.array(column) as ArrayLike<unknown>;
  const out = new Float64Array(values.length);
  const problems: CxProblem[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      problems.push({
        row: i + 1,
        column,
        value: v === null || v === undefined ? null : String(v),
        reason: "must be a number ≥ 0 (a customer summary from customerSummary)",
      });
    } else out[i] = v;
  }
  if (problems.length) {
    throw new CxDataError(problems, problems.length, `Column "${column}" has impossible values`);
  }
  return out;
}

/** The (frequency, recency, T) columns, checked (recency ≤ T, recency 0 without repeats). */
export function readTriples(table: ColumnTable, columns: SummaryColumns) {
  const fc = columns.frequency ?? "frequency", rc = columns.recency ?? "recency";
  const tc = columns.T ?? "T";
  const x = numericColumn(table, fc, "frequency");
  const tx = numericColumn(table, rc, "recency");
  const T = numericColumn(table, tc, "T");
  const problems: CxProblem[] = [];
  for (let i = 0; i < x.length; i++) {
    const why = !Number.isInteger(x[i])
      ? `${fc} must be a whole number of repeat purchases`
      : tx[i] > T[i] * (1 + 1e-12)
      ? `${rc} (${tx[i]}) is after ${tc} (${
        T[i]
      }): recency counts from the first purchase to the last, T to the end of observation`
      : x[i] === 0 && tx[i] !== 0
      ? `${rc} must be 0 for a customer without repeat purchases`
      : null;
    if (why) problems.push({ row: i + 1, column: fc, value: String(x[i]), reason: why });
  }
  if (problems.length) {
    throw new CxDataError(problems, problems.length, "The customer summary is inconsistent");
  }
  return { x, tx, T };
}

/** Collapses customers to unique (x, tx, T) rows with weights (nested maps: no string keys). */
export function uniqueRows(x: Float64Array, tx: Float64Array, T: Float64Array): Unique {
  const byT = new Map<number, Map<number, Map<number, number>>>();
  const index = new Int32Array(x.length);
  const ux: number[] = [], utx: number[] = [], uT: number[] = [], w: number[] = [];
  for (let i = 0; i < x.length; i++) {
    let byTx = byT.get(T[i]);
    if (!byTx) byT.set(T[i], byTx = new Map());
    let byX = byTx.get(tx[i]);
    if (!byX) byTx.set(tx[i], byX = new Map());
    let k = byX.get(x[i]);
    if (k === undefined) {
      k = ux.length;
      byX.set(x[i], k);
      ux.push(x[i]), utx.push(tx[i]), uT.push(T[i]), w.push(0);
    }
    w[k]++;
    index[i] = k;
  }
  return {
    x: Float64Array.from(ux),
    tx: Float64Array.from(utx),
    T: Float64Array.from(uT),
    w: Float64Array.from(w),
    index,
    n: x.length,
  };
}

/** Distinct values of a column and each row's position among them. */
export function distinct(v: Float64Array): { values: Float64Array; at: Int32Array } {
  const seen = new Map<number, number>();
  const at = new Int32Array(v.length);
  const values: number[] = [];
  for (let i = 0; i < v.length; i++) {
    let k = seen.get(v[i]);
    if (k === undefined) seen.set(v[i], k = values.push(v[i]) - 1);
    at[i] = k;
  }
  return { values: Float64Array.from(values), at };
}

/** Refuses data that cannot identify a transaction model: no customer, or no repeat purchase. */
export function checkIdentifiable(name: string, x: Float64Array): void {
  const repeat = x.some((v) => v > 0);
  if (x.length === 0 || !repeat) {
    throw new CxDataError(
      [{
        row: null,
        column: "frequency",
        value: x.length ? "0" : null,
        reason: x.length
          ? `no customer made a repeat purchase, so ${name} cannot separate purchase rate from dropout; observe longer`
          : `the summary has no customers; ${name} needs customers to fit`,
      }],
      1,
      `${name} cannot be fitted`,
    );
  }
}
