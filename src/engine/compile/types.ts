/**
 * The descriptions the SQL compiler takes: what an aggregate reads
 * ({@link Relation}), its period buckets, its sufficient statistics
 * ({@link Measure}) and row conditions ({@link Condition}).
 *
 * @module
 */
import type { Period } from "../../time/period.ts";
export type { CompiledSql, Dialect } from "../../meta.ts";

/** What an aggregate reads: a table on the server, or a file DuckDB scans. */
export type Relation =
  | { kind: "table"; name: string; schema?: string }
  | { kind: "file"; path: string; format: "csv" | "parquet" };

/**
 * How a date column's values map to instants: `"instant"` (timestamp with
 * time zone, ClickHouse `DateTime`) or `"local"` (date or zone-less
 * timestamp, read as wall time in the bucket's `dateZone`).
 */
export type DateKind = "instant" | "local";

/** Calendar periods cut at local midnight in `timeZone`. */
export interface PeriodBucket {
  /** Date column. */
  column: string;
  /** Period length. */
  period: Period;
  /** IANA zone the periods are cut in. */
  timeZone: string;
  /** How the column's values are read. */
  dateKind: DateKind;
  /** Zone of zone-less values (`dateKind: "local"`), like readCsv's `timeZone`. */
  dateZone: string;
}

/**
 * What a column holds as the engine types it, for measures whose SQL
 * depends on it: numbers, booleans, or anything else (text, dates).
 */
export type ValueType = "number" | "boolean" | "other";

/**
 * Value checks as SQL conditions ({@link invalidCondition}), each failing
 * what the in-memory check rejects. Survival data: `"time"` — missing,
 * negative or not finite (NaN, ±Infinity), or not a number at all;
 * `"event"` — missing, or not 0/1 (numbers) or true/false (booleans), or not
 * a number or boolean at all. Correlations: `"finite"` — present but not a
 * finite number (±Infinity, NaN, or any value of a non-numeric column).
 */
export type ValueCheck = "time" | "event" | "finite";

/**
 * One sufficient statistic per group.
 *
 * - `rows`: rows of the group; `count`: present values of `column`.
 * - `sum`, `sumSquares`: Σx and Σx² of the present values (0 when none);
 *   with `shift` K, Σ(x − K) and Σ(x − K)².
 * - `min`, `max`: of the present values as doubles (`null` when none).
 * - `countBetween`, `countInvalid`: values within `[min, max]`; values that are
 *   not integers within it (scores).
 * - `pairedWith` (on `count`, `sum`, `sumSquares`, `min`, `max`): only rows
 *   where that column is present too — the complete pairs of a correlation.
 * - `sumProducts`: Σx·y over the rows where both are present (0 when none);
 *   with `shifts` [K, L], Σ(x − K)(y − L).
 *
 * Shifted sums are how co-moments stay exact: with K near the mean,
 * Σ(x − x̄)² = Σ(x − K)² − (Σ(x − K))²/n loses no digits to cancellation
 * (raw Σx² − (Σx)²/n loses about 2·log10(mean/spread) of its 16), and x − K
 * itself is exact when x and K are within a factor of two (Sterbenz).
 * - `countEvents`: rows whose `column` is 1 (numbers) or true (booleans).
 * - `countFailing`: rows that fail a {@link ValueCheck} of `column`.
 * - `sumWeighted`: Σw·x^power over the rows where both `weight` and `column`
 *   are present (and, with `min`/`max`, `min ≤ x ≤ max`); 0 when none.
 *   Power 0 sums the weights of the rows with a value (survey weights).
 */
export type Measure =
  | { name: string; op: "rows" }
  | { name: string; op: "count" | "min" | "max"; column: string; pairedWith?: string }
  | {
    name: string;
    op: "sum" | "sumSquares";
    column: string;
    pairedWith?: string;
    shift?: number;
  }
  | { name: string; op: "countBetween" | "countInvalid"; column: string; min: number; max: number }
  | {
    name: string;
    op: "sumProducts";
    column: string;
    other: string;
    shifts?: [number, number];
  }
  | { name: string; op: "countEvents"; column: string; type: "number" | "boolean" }
  | { name: string; op: "countFailing"; column: string; check: ValueCheck; type: ValueType }
  | {
    name: string;
    op: "sumWeighted";
    column: string;
    weight: string;
    power: 0 | 1 | 2;
    min?: number;
    max?: number;
  }
  | { name: string; op: "countWhere"; where: Condition }
  | { name: string; op: "countDistinct"; column: string }
  | {
    name: string;
    op: "minInstant" | "maxInstant";
    column: string;
    dateKind: DateKind;
    dateZone: string;
  };

/**
 * A row condition for `countWhere` measures, compiled with quoted columns
 * and bound values; a missing value never satisfies a comparison.
 *
 * - `present` / `missing`: the column holds a value / is NULL.
 * - `equals`: the column equals a number.
 * - `before`: both columns hold values and `column < other` (dates).
 * - `sameAs`: both columns hold values and they are equal.
 * - `wholeAtLeast`: the column holds a finite whole number ≥ `min`.
 * - `fails`: the column fails a {@link ValueCheck} (as `countFailing` counts).
 * - `and`, `or`, `not`: combinations.
 */
export type Condition =
  | { op: "present" | "missing"; column: string }
  | { op: "equals"; column: string; value: number }
  | { op: "before" | "sameAs"; column: string; other: string }
  | { op: "wholeAtLeast"; column: string; min: number }
  | { op: "fails"; column: string; check: ValueCheck; type: ValueType }
  | { op: "and" | "or"; of: Condition[] }
  | { op: "not"; of: Condition };

/** An aggregate described once, compiled per dialect by {@link compileAggregate}. */
export interface AggregateSpec {
  /** What to read. */
  relation: Relation;
  /** Segment columns. */
  by: string[];
  /** Optional period bucket (a `period` label column is added after the keys). */
  period?: PeriodBucket;
  /** Statistics, output under their `name`. */
  measures: Measure[];
}
