/**
 * The options of `correlate` and their plan: which variables, which pairs,
 * which methods, per which groups. Both the in-memory and the engine path
 * start here, so a wrong option fails with the same message in both.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { CorrelationMethod } from "../../meta.ts";
import { CxOptionsError } from "../../errors.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { checkMissing, type MissingGroups } from "../../base/plan.ts";
import { byColumns, GROUPED_OPTIONS, type GroupedOptions, requireColumns } from "../numeric.ts";
import { optionNames } from "../../options.ts";

const METHODS: readonly CorrelationMethod[] = ["pearson", "spearman", "kendall"];

/** Options of `correlate`. */
export interface CorrelateOptions extends GroupedOptions {
  /** Numeric columns to correlate: every pair of them (in this order), unless `against` is given. */
  columns: string[];
  /** Correlate each of `columns` with each of these instead (a rectangle, e.g. scores × ratings). */
  against?: string[];
  /**
   * Coefficient(s) (default `"pearson"`); several give one row per method.
   * In an SQL engine only `"pearson"`: rank correlations need every value.
   */
  method?: CorrelationMethod | CorrelationMethod[];
  /** Confidence level of the Fisher-z intervals (default 0.95). */
  confidence?: number;
}

/** The names of {@link CorrelateOptions}. */
export const CORRELATE_OPTIONS = optionNames<CorrelateOptions>()([
  "columns",
  "against",
  "method",
  "confidence",
  ...GROUPED_OPTIONS,
]);

/** The result columns after the group keys, in order. */
export const CORRELATION_COLUMNS = [
  "x",
  "y",
  "method",
  "n",
  "r",
  "r_low",
  "r_high",
  "p_value",
  "note",
] as const;

/** The checked options of `correlate`: what to compute for which pairs. */
export interface CorrelatePlan {
  /** Variables in first-seen order (x columns, then `against`). */
  variables: string[];
  /** The `against` columns, or `null`. */
  against: string[] | null;
  /** Pairs as indices into `variables`, in output order. */
  pairs: [number, number][];
  /** Methods, in output order. */
  methods: CorrelationMethod[];
  /** Confidence level of the intervals. */
  confidence: number;
  /** Segment columns. */
  by: string[];
  /** Rows with a missing `by` value: left out (`"drop"`) or their own group. */
  missing: MissingGroups;
}

/**
 * Checks `correlate`'s options against a table's columns (values are not
 * read, so an empty table with the right column names will do) and returns
 * the plan; `CxOptionsError` naming the option otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { planCorrelate } from "./options.ts";
 * const plan = planCorrelate(aq.table({ a: [], b: [], c: [] }), { columns: ["a", "b", "c"] });
 * assert.deepEqual(plan.pairs, [[0, 1], [0, 2], [1, 2]]);
 * ```
 */
export function planCorrelate(table: ColumnTable, options: CorrelateOptions): CorrelatePlan {
  const { columns, against, confidence = 0.95 } = options ?? {};
  checkConfidence(confidence);
  if (!Array.isArray(columns) || columns.length < (against ? 1 : 2)) {
    throw new CxOptionsError(
      `Option "columns" must list ${
        against ? "at least one numeric column" : "at least two numeric columns"
      }, e.g. { columns: ["nps_score", "rating_wait_time"] }; got ${JSON.stringify(columns)}`,
    );
  }
  if (against !== undefined && (!Array.isArray(against) || against.length === 0)) {
    throw new CxOptionsError(
      `Option "against" must list at least one column, got ${JSON.stringify(against)}`,
    );
  }
  requireColumns(table, columns, "columns");
  if (against) requireColumns(table, against, "against");
  const methods = checkMethods(options.method ?? "pearson");
  const variables = [...new Set([...columns, ...(against ?? [])])];
  return {
    variables,
    against: against ?? null,
    pairs: pairsOf(columns, against, variables),
    methods,
    confidence,
    by: byColumns(table, options.by),
    missing: checkMissing(options.missing),
  };
}

function checkMethods(method: CorrelationMethod | CorrelationMethod[]): CorrelationMethod[] {
  const methods = Array.isArray(method) ? method : [method];
  for (const m of methods) {
    if (!METHODS.includes(m)) {
      throw new CxOptionsError(
        `Option "method" must be "pearson", "spearman" or "kendall" (or a list of them), got ${
          JSON.stringify(m)
        }`,
      );
    }
  }
  if (methods.length === 0 || new Set(methods).size !== methods.length) {
    throw new CxOptionsError(`Option "method" must list each method once, got ${methods}`);
  }
  return methods;
}

/** Pairs as indices into `variables`: each column × each of `against`, or every pair of columns. */
function pairsOf(
  columns: string[],
  against: string[] | undefined,
  variables: string[],
): [number, number][] {
  const index = (name: string) => variables.indexOf(name);
  const pairs: [number, number][] = [];
  if (against) {
    for (const x of columns) {
      for (const y of against) if (x !== y) pairs.push([index(x), index(y)]);
    }
  } else {
    if (new Set(columns).size !== columns.length) {
      throw new CxOptionsError(`Option "columns" names a column twice: ${columns.join(", ")}`);
    }
    for (let i = 0; i < columns.length; i++) {
      for (let j = i + 1; j < columns.length; j++) pairs.push([i, j]);
    }
  }
  if (pairs.length === 0) {
    throw new CxOptionsError(`Options "columns" and "against" leave no pair of distinct columns`);
  }
  return pairs;
}
