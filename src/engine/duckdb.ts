/**
 * DuckDB, embedded (`@duckdb/node-api`, imported when first used): scans
 * CSV and Parquet files larger than memory, loads in-memory tables, and runs
 * the compiled aggregates.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { ColumnTable } from "arquero";
import type { EngineFailure } from "../errors.ts";
import { type EngineTarget, limitCall } from "./deadline.ts";
import type { CompiledSql, Relation } from "./compile/types.ts";
import { quoteIdent } from "./compile/quote.ts";
import { compileDescribe } from "./compile/samples.ts";
import { loadColumns, type LoadType } from "./load.ts";
import type { CallOptions, ColumnInfo, OpenRelation, SqlEngine } from "./engine.ts";
import { checkOptions, optionNames } from "../options.ts";

/**
 * The parts of a `@duckdb/node-api` `DuckDBConnection` cxkit uses; any
 * DuckDB connection fits.
 */
export interface DuckdbConnection {
  /** Runs SQL with optional bound values, discarding rows. */
  run(sql: string, values?: unknown[]): Promise<unknown>;
  /** Runs SQL and reads every row. */
  runAndReadAll(
    sql: string,
    values?: unknown[],
  ): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }>;
  /** Closes the connection. */
  closeSync(): void;
}

/** Options of {@link duckdbEngine}. */
export interface DuckdbEngineOptions {
  /** Database file, or `":memory:"` (default). */
  path?: string;
  /** Use an open connection instead (it is not closed by `close()`). */
  connection?: DuckdbConnection;
}

/** The names of {@link DuckdbEngineOptions}. */
export const DUCKDB_ENGINE_OPTIONS = optionNames<DuckdbEngineOptions>()(["path", "connection"]);

/** A DuckDB {@link SqlEngine}, with its connection for your own SQL. */
export interface DuckdbEngine extends SqlEngine {
  /** The connection (opened on first use). */
  connection(): Promise<DuckdbConnection>;
}

let loads = 0;

/**
 * A DuckDB engine. It opens lazily, so creating one costs nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "../metrics/nps.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * const engine = duckdbEngine();
 * const answers = aq.table({ channel: ["chat", "chat", "web"], nps_score: [10, 3, 9] });
 * const result = await nps(answers, { by: "channel", engine });
 * assert.deepEqual(result.objects(), nps(answers, { by: "channel" }).objects());
 * await engine.close();
 * ```
 */
export function duckdbEngine(options: DuckdbEngineOptions = {}): DuckdbEngine {
  checkOptions("duckdbEngine", options, DUCKDB_ENGINE_OPTIONS);
  const { path = ":memory:" } = options;
  let opened: Promise<{ connection: DuckDBConnection; close(): void }> | undefined;
  const open = () =>
    opened ??= (async () => {
      if (options.connection) {
        return { connection: options.connection as unknown as DuckDBConnection, close() {} };
      }
      const { DuckDBInstance } = await import("@duckdb/node-api");
      const instance = await DuckDBInstance.create(path);
      const connection = await instance.connect();
      return {
        connection,
        close() {
          connection.closeSync();
          instance.closeSync();
        },
      };
    })();
  const target: EngineTarget = { engine: "duckdb", host: path, secrets: [] };
  const run = async (query: CompiledSql, call: CallOptions = {}) => {
    const { connection } = await open();
    return await limitCall(
      target,
      async () => {
        try {
          const reader = await connection.runAndReadAll(query.sql, query.params);
          return reader.getRowObjectsJS() as Record<string, unknown>[];
        } catch (e) {
          throw new Error(`${(e as Error).message}\nSQL: ${query.sql}`);
        }
      },
      { signal: call.signal, cancel: () => Promise.resolve(connection.interrupt()) },
      classifyDuckdb,
    );
  };
  return {
    dialect: "duckdb",
    name: `duckdb ${path}`,
    connection: async () => (await open()).connection as unknown as DuckdbConnection,
    run,
    async columns(relation: Relation, call?: CallOptions): Promise<ColumnInfo[]> {
      const rows = await run(compileDescribe(relation, "duckdb"), call);
      return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    },
    dateKind(type: string) {
      if (/^TIMESTAMP WITH TIME ZONE$|^TIMESTAMPTZ$/i.test(type)) return "instant";
      if (/^(DATE|TIMESTAMP(_S|_MS|_NS)?)$/i.test(type)) return "local";
      return undefined;
    },
    isNumeric(type: string) {
      return /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL.*)$/i.test(type);
    },
    async load(table: ColumnTable, hints?: Record<string, LoadType>): Promise<OpenRelation> {
      return loadTable((await open()).connection, table, hints);
    },
    async close() {
      if (opened) (await opened).close();
      opened = undefined;
    },
  };
}

/** Loads a table into a TEMP table, appended in whole data chunks; dropped by `drop`. */
async function loadTable(
  connection: DuckDBConnection,
  table: ColumnTable,
  hints?: Record<string, LoadType>,
): Promise<OpenRelation> {
  const api = await import("@duckdb/node-api");
  const name = `__cx_load_${++loads}`;
  const columns = loadColumns(table, hints);
  const sqlType: Record<LoadType, string> = {
    text: "VARCHAR",
    number: "DOUBLE",
    boolean: "BOOLEAN",
    timestamp: "TIMESTAMPTZ",
  };
  const duckType = {
    text: api.VARCHAR,
    number: api.DOUBLE,
    boolean: api.BOOLEAN,
    timestamp: api.TIMESTAMPTZ,
  };
  await connection.run(
    `CREATE TEMP TABLE ${quoteIdent(name, "duckdb")} (${
      columns.map((c) => `${quoteIdent(c.name, "duckdb")} ${sqlType[c.type]}`).join(", ")
    })`,
  );
  const appender = await connection.createAppender(name);
  const rows = table.numRows();
  // Whole data chunks: one native call per column per 2048 rows, not per value.
  for (let start = 0; start < rows; start += 2048) {
    const size = Math.min(2048, rows - start);
    const chunk = api.DuckDBDataChunk.create(columns.map((c) => duckType[c.type]), size);
    columns.forEach((c, k) => {
      const slice = c.values.slice(start, start + size);
      chunk.setColumnValues(
        k,
        c.type === "timestamp"
          ? slice.map((v) =>
            v === null
              ? null
              : new api.DuckDBTimestampTZValue(BigInt((v as Date).getTime()) * 1000n)
          )
          : slice as never[],
      );
    });
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  return {
    relation: { kind: "table", name },
    drop: () => connection.run(`DROP TABLE IF EXISTS ${quoteIdent(name, "duckdb")}`).then(() => {}),
  };
}

/** DuckDB runs in the process: its failures are missing tables or columns, or errors. */
function classifyDuckdb(error: unknown): EngineFailure {
  const text = error instanceof Error ? error.message : String(error);
  if (/Catalog Error|Binder Error: Referenced column/.test(text)) return "missing";
  if (/INTERRUPT/i.test(text)) return "cancelled";
  return "server";
}
