/**
 * What an SQL engine is to cxkit: the {@link SqlEngine} interface the
 * DuckDB, PostgreSQL and ClickHouse connections implement, the sources an
 * analysis can read in an engine (an in-memory table, a file path, a server
 * table), and the guards that tell them apart. Knows no analysis.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import type { TableInput } from "../base/input.ts";
import type { CompiledSql, DateKind, Dialect, Relation } from "./compile/types.ts";
import type { LoadType } from "./load.ts";

/** A column of a relation as the engine types it. */
export interface ColumnInfo {
  /** Column name. */
  name: string;
  /** The engine's type name, e.g. `TIMESTAMP WITH TIME ZONE`, `DateTime('UTC')`. */
  type: string;
}

/** A relation an engine can read, and how to clean up after it. */
export interface OpenRelation {
  /** What to read. */
  relation: Relation;
  /** Removes what loading created (temporary tables). */
  drop(): Promise<void>;
}

/** Per-call options of an engine's methods. */
export interface CallOptions {
  /** Cancels the call (and its query on the server). */
  signal?: AbortSignal;
}

/**
 * An SQL engine the aggregate step can be pushed down to: DuckDB
 * (`duckdbEngine`), PostgreSQL (`postgresEngine`) or ClickHouse
 * (`clickhouseEngine`).
 */
export interface SqlEngine {
  /** The dialect its SQL is compiled to. */
  readonly dialect: Dialect;
  /** A short description for metadata and messages. */
  readonly name: string;
  /**
   * Runs compiled SQL and returns its rows keyed by output column; a
   * `signal` cancels it (on the server too), rejecting with a `CxEngineError`.
   */
  run(query: CompiledSql, options?: CallOptions): Promise<Record<string, unknown>[]>;
  /** The columns of a relation, with the engine's type names. */
  columns(relation: Relation, options?: CallOptions): Promise<ColumnInfo[]>;
  /** How a date column of this type maps to instants, or `undefined` if it holds no dates. */
  dateKind(type: string): DateKind | undefined;
  /** Whether a column of this type holds numbers. */
  isNumeric(type: string): boolean;
  /**
   * Loads an in-memory table into a temporary table of the engine; `hints`
   * type columns that hold no values at all.
   */
  load(
    table: ColumnTable,
    hints?: Record<string, LoadType>,
    options?: CallOptions,
  ): Promise<OpenRelation>;
  /** Closes the connection (engines open theirs lazily). */
  close(): Promise<void>;
}

/** A table that lives on a server: `{ engine, table: "responses" }`. */
export interface TableRef {
  /** Engine that holds the table. */
  engine: SqlEngine;
  /** Table name (any characters; it is quoted). */
  table: string;
  /** Schema (PostgreSQL, DuckDB) or database (ClickHouse), if not the default. */
  schema?: string;
}

/**
 * What an analysis reads in an engine: an Arquero table (or several,
 * pooled), loaded into the engine; a CSV or Parquet path (DuckDB scans it);
 * or a server table reference.
 */
export type Source = TableInput | string | URL | TableRef;

/**
 * Whether a value is an {@link SqlEngine}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSqlEngine } from "./engine.ts";
 * assert.equal(isSqlEngine("kernel"), false);
 * ```
 */
export function isSqlEngine(value: unknown): value is SqlEngine {
  return typeof value === "object" && value !== null &&
    typeof (value as SqlEngine).dialect === "string" &&
    typeof (value as SqlEngine).run === "function";
}

/**
 * Whether a value is a server table reference `{ engine, table }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isTableRef } from "./engine.ts";
 * assert.equal(isTableRef({ table: "x" }), false);
 * ```
 */
export function isTableRef(value: unknown): value is TableRef {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    isSqlEngine((value as TableRef).engine) && typeof (value as TableRef).table === "string";
}

/**
 * The file relation of a CSV/Parquet path or URL, checking that the file
 * exists and its extension says the format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileRelation } from "./engine.ts";
 * const path = await Deno.makeTempFile({ suffix: ".parquet" });
 * assert.equal(fileRelation(path).format, "parquet");
 * assert.throws(() => fileRelation("answers.xlsx"), /not a .parquet or .csv path/);
 * ```
 */
export function fileRelation(
  source: string | URL,
): { kind: "file"; path: string; format: "parquet" | "csv" } {
  const path = source instanceof URL ? source.pathname : source;
  const ext = /\.(parquet|pq|csv|tsv|txt)$/i.exec(path)?.[1].toLowerCase();
  if (!ext) {
    throw new CxOptionsError(
      `${
        JSON.stringify(path)
      } is not a .parquet or .csv path: pass a file, a table, or { engine, table }`,
    );
  }
  try {
    Deno.statSync(path);
  } catch {
    throw new CxOptionsError(`File not found: ${path} (working directory ${Deno.cwd()})`);
  }
  return { kind: "file", path, format: ext === "parquet" || ext === "pq" ? "parquet" : "csv" };
}

/**
 * The engine of a call: `options.engine`, else the table reference's (checked to agree).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { sqlEngineOf } from "./engine.ts";
 * const engine = duckdbEngine();
 * assert.equal(sqlEngineOf({ engine, table: "t" }, undefined), engine);
 * assert.throws(() => sqlEngineOf("x.csv", "duckdb"), /must be an SQL engine/);
 * ```
 */
export function sqlEngineOf(source: Source, given: unknown): SqlEngine {
  const ref = isTableRef(source) ? source : undefined;
  const engine = given ?? ref?.engine;
  if (!isSqlEngine(engine)) {
    throw new CxOptionsError(
      `Option "engine" must be an SQL engine such as duckdbEngine(), got ${
        typeof engine === "string" ? JSON.stringify(engine) : typeof engine
      }${
        engine === "kernel" || engine === "arquero"
          ? `; the in-memory switch is option "aggregate": "${engine}"`
          : ""
      }`,
    );
  }
  if (ref && ref.engine !== engine) {
    throw new CxOptionsError(
      `The table reference ${
        JSON.stringify(ref.table)
      } belongs to ${ref.engine.name}, but option "engine" is ${engine.name}; pass one engine`,
    );
  }
  return engine;
}
