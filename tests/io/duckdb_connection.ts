/**
 * A throwaway in-memory DuckDB connection for tests that write or read files
 * with DuckDB directly (Parquet fixtures, reference reads).
 *
 * @module
 */
import { DuckDBInstance } from "@duckdb/node-api";

/** A DuckDB connection, as {@link withDuckdbConnection} hands it over. */
export type DuckdbConnection = Awaited<ReturnType<DuckDBInstance["connect"]>>;

/**
 * Runs `run` on a fresh in-memory DuckDB connection and closes it after.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withDuckdbConnection } from "./duckdb_connection.ts";
 * const rows = await withDuckdbConnection(async (c) =>
 *   (await c.runAndReadAll("SELECT 41 + 1 AS x")).getRowObjectsJS()
 * );
 * assert.equal(Number(rows[0].x), 42);
 * ```
 */
export async function withDuckdbConnection<T>(
  run: (connection: DuckdbConnection) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return await run(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
