/**
 * PostgreSQL through the `postgres` driver (imported when first used):
 * aggregates run on the server with bound parameters; in-memory tables are
 * loaded into an unlogged scratch table and dropped afterwards.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxError } from "../errors.ts";
import type { CompiledSql, Relation } from "./compile/types.ts";
import { quoteIdent } from "./compile/quote.ts";
import { compileDescribe } from "./compile/samples.ts";
import { loadColumns, type LoadType } from "./load.ts";
import type { ColumnInfo, OpenRelation, SqlEngine } from "./engine.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link postgresEngine}. */
export interface PostgresEngineOptions {
  /** Connection string, e.g. `postgres://user@127.0.0.1:5432/db`. */
  url: string;
  /** Most connections in the pool (default 4). */
  max?: number;
}

/** The names of {@link PostgresEngineOptions}. */
export const POSTGRES_ENGINE_OPTIONS = optionNames<PostgresEngineOptions>()(["url", "max"]);

// Type names by OID, for the types cxkit reads (pg_type.oid).
const TYPES: Record<number, string> = {
  16: "boolean",
  20: "bigint",
  21: "smallint",
  23: "integer",
  25: "text",
  700: "real",
  701: "double precision",
  1043: "character varying",
  1082: "date",
  1114: "timestamp without time zone",
  1184: "timestamp with time zone",
  1700: "numeric",
};

let loads = 0;

/**
 * A PostgreSQL engine. It connects on first use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { postgresEngine } from "./postgres.ts";
 * const engine = postgresEngine({ url: "postgres://cx@127.0.0.1:5432/cx" });
 * assert.ok(engine.dialect === "postgres" && engine.name === "postgres 127.0.0.1:5432/cx");
 * await engine.close(); // never connected: nothing to close
 * ```
 */
export function postgresEngine(options: PostgresEngineOptions): SqlEngine {
  checkOptions("postgresEngine", options, POSTGRES_ENGINE_OPTIONS);
  const { url, max = 4 } = options;
  // deno-lint-ignore no-explicit-any
  let pool: Promise<any> | undefined;
  const open = () =>
    pool ??= import("postgres").then(({ default: postgres }) =>
      postgres(url, { max, onnotice: () => {}, types: { bigint: postgres.BigInt } })
    );
  const where = (() => {
    try {
      const u = new URL(url);
      return `${u.host}${u.pathname}`;
    } catch {
      return "(connection string)";
    }
  })();
  const run = async (query: CompiledSql): Promise<Record<string, unknown>[]> => {
    const sql = await open();
    try {
      const rows = await sql.unsafe(query.sql, query.params);
      return Object.assign([...rows], { columns: rows.columns });
    } catch (e) {
      throw new CxError(`PostgreSQL: ${(e as Error).message}\nSQL: ${query.sql}`, { cause: e });
    }
  };
  return {
    dialect: "postgres",
    name: `postgres ${where}`,
    run,
    async columns(relation: Relation): Promise<ColumnInfo[]> {
      const rows = await run(compileDescribe(relation, "postgres")) as unknown as {
        columns: { name: string; type: number }[];
      };
      return rows.columns.map((c) => ({ name: c.name, type: TYPES[c.type] ?? `oid ${c.type}` }));
    },
    dateKind(type: string) {
      if (type === "timestamp with time zone") return "instant";
      if (type === "date" || type === "timestamp without time zone") return "local";
      return undefined;
    },
    isNumeric(type: string) {
      return ["smallint", "integer", "bigint", "real", "double precision", "numeric"].includes(
        type,
      );
    },
    async load(table: ColumnTable, hints?: Record<string, LoadType>): Promise<OpenRelation> {
      const sql = await open();
      const name = `__cx_load_${Date.now()}_${++loads}`;
      const q = (n: string) => quoteIdent(n, "postgres");
      const columns = loadColumns(table, hints);
      const sqlType: Record<LoadType, string> = {
        text: "text",
        number: "double precision",
        boolean: "boolean",
        timestamp: "timestamptz",
      };
      await sql.unsafe(
        `CREATE UNLOGGED TABLE ${q(name)} (${
          columns.map((c) => `${q(c.name)} ${sqlType[c.type]}`).join(", ")
        })`,
      );
      const rows = table.numRows();
      // Bounded by PostgreSQL's 65,535 parameters per statement.
      const batch = Math.max(1, Math.floor(30_000 / Math.max(1, columns.length)));
      for (let start = 0; start < rows; start += batch) {
        const end = Math.min(rows, start + batch);
        const params: unknown[] = [];
        const tuples: string[] = [];
        for (let i = start; i < end; i++) {
          tuples.push(`(${
            columns.map((c) => {
              params.push(c.values[i]);
              return `$${params.length}::${sqlType[c.type]}`;
            }).join(", ")
          })`);
        }
        await sql.unsafe(
          `INSERT INTO ${q(name)} (${columns.map((c) => q(c.name)).join(", ")}) VALUES ${
            tuples.join(", ")
          }`,
          params,
        );
      }
      return {
        relation: { kind: "table", name },
        drop: () => sql.unsafe(`DROP TABLE IF EXISTS ${q(name)}`).then(() => {}),
      };
    },
    async close() {
      if (pool) await (await pool).end({ timeout: 5 });
      pool = undefined;
    },
  };
}
