/**
 * Small queries beside the aggregates: sample values that fail a check
 * (the examples an error message shows) and the columns of a relation.
 *
 * @module
 */
import { invalidCondition } from "./measures.ts";
import { ALIAS_PREFIX, Binder, quoteIdent, relationSql } from "./quote.ts";
import type { CompiledSql, Dialect, Relation, ValueCheck, ValueType } from "./types.ts";

/**
 * Up to five distinct values of `column` that are not integers within
 * `scale`: the examples an error message shows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileInvalidSample } from "./samples.ts";
 * const q = compileInvalidSample({ kind: "table", name: "t" }, "s", { min: 0, max: 10 }, "duckdb");
 * assert.deepEqual(q.params, [0, 10]);
 * ```
 */
export function compileInvalidSample(
  relation: Relation,
  column: string,
  scale: { min: number; max: number },
  dialect: Dialect,
): CompiledSql {
  const b = new Binder(dialect);
  const from = relationSql(relation, dialect, b);
  const s = quoteIdent(column, dialect);
  const alias = `${ALIAS_PREFIX}m0`;
  const sql = `SELECT DISTINCT ${s} AS ${alias} FROM ${from}\nWHERE ${s} < ${
    b.bind(scale.min)
  } OR ${s} > ${b.bind(scale.max)} OR ${s} <> floor(${s})\nLIMIT 5`;
  return { dialect, sql, params: b.params, keys: [], measures: [alias] };
}

/**
 * Up to `limit` distinct values of `column` that fail a {@link ValueCheck}:
 * the examples an error message shows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileFailingSample } from "./samples.ts";
 * const q = compileFailingSample({ kind: "table", name: "t" }, "e", "event", "number", "duckdb");
 * assert.ok(q.sql.includes('WHERE ("e" IS NULL OR NOT ("e" IN (0, 1)))') && q.sql.endsWith("LIMIT 5"));
 * ```
 */
export function compileFailingSample(
  relation: Relation,
  column: string,
  check: ValueCheck,
  type: ValueType,
  dialect: Dialect,
  limit = 5,
): CompiledSql {
  const b = new Binder(dialect);
  const from = relationSql(relation, dialect, b);
  const alias = `${ALIAS_PREFIX}m0`;
  const sql = `SELECT DISTINCT ${quoteIdent(column, dialect)} AS ${alias} FROM ${from}\nWHERE ${
    invalidCondition(column, check, type, dialect)
  }\nLIMIT ${Math.max(1, Math.floor(limit))}`;
  return { dialect, sql, params: b.params, keys: [], measures: [alias] };
}

/**
 * `SELECT * FROM relation` with no rows wanted (DuckDB's `DESCRIBE` of it,
 * PostgreSQL's `LIMIT 0`, ClickHouse's `DESCRIBE TABLE`): how engines learn a
 * relation's columns and types.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileDescribe } from "./samples.ts";
 * const q = compileDescribe({ kind: "file", path: "a.parquet", format: "parquet" }, "duckdb");
 * assert.ok(q.sql === "DESCRIBE SELECT * FROM read_parquet($1)" && q.params[0] === "a.parquet");
 * ```
 */
export function compileDescribe(relation: Relation, dialect: Dialect): CompiledSql {
  const b = new Binder(dialect);
  const from = relationSql(relation, dialect, b);
  const sql = dialect === "duckdb"
    ? `DESCRIBE SELECT * FROM ${from}`
    : dialect === "postgres"
    ? `SELECT * FROM ${from} LIMIT 0`
    : `DESCRIBE TABLE ${from}`;
  return { dialect, sql, params: b.params, keys: [], measures: [] };
}
