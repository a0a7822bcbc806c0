/**
 * PostgreSQL through the `postgres` driver (imported when first used):
 * aggregates run on the server with bound parameters; in-memory tables are
 * loaded into TEMP tables on one reserved session (they vanish with it).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError, type EngineFailure } from "../errors.ts";
import {
  checkTimeouts,
  type EngineTarget,
  type EngineTimeouts,
  limitCall,
  type UploadProgress,
} from "./deadline.ts";
import type { CompiledSql, Relation } from "./compile/types.ts";
import { quoteIdent } from "./compile/quote.ts";
import { compileDescribe } from "./compile/samples.ts";
import { type LoadColumn, loadColumns, type LoadType } from "./load.ts";
import type { CallOptions, ColumnInfo, OpenRelation, SqlEngine } from "./engine.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link postgresEngine}. */
export interface PostgresEngineOptions extends EngineTimeouts {
  /** Connection string, e.g. `postgres://user:password@127.0.0.1:5432/db` (the password never appears in a message). */
  url: string;
  /** Most connections in the pool (default 4). */
  max?: number;
  /** TLS: PEM text of the certificate authorities to trust (a private CA). Implies TLS. */
  ca?: string;
  /** TLS: `false` accepts a server certificate that does not verify (testing only; default `true`). */
  rejectUnauthorized?: boolean;
  /** Called after each batch of an in-memory table's upload. */
  onProgress?: (progress: UploadProgress) => void;
}

/** The names of {@link PostgresEngineOptions}. */
export const POSTGRES_ENGINE_OPTIONS = optionNames<PostgresEngineOptions>()([
  "url",
  "max",
  "ca",
  "rejectUnauthorized",
  "onProgress",
  "connectTimeoutMs",
  "timeoutMs",
]);

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
 * A PostgreSQL engine: `postgresEngine("postgres://…")` or
 * `postgresEngine({ url, … })`. It connects on first use. Each query has a
 * deadline (`timeoutMs`, also the server's `statement_timeout`) and stops on
 * the server when it passes or the caller's signal aborts; failures are
 * `CxEngineError`s without the password. In-memory tables are loaded into
 * `TEMP` tables on one reserved session, so they vanish with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { postgresEngine } from "./postgres.ts";
 * const engine = postgresEngine("postgres://cx:secret@127.0.0.1:5432/cx");
 * assert.ok(engine.dialect === "postgres" && engine.name === "postgres 127.0.0.1:5432/cx");
 * assert.throws(() => postgresEngine(5432 as never), /a connection string or \{ url \}/);
 * await engine.close(); // never connected: nothing to close
 * ```
 */
export function postgresEngine(options: PostgresEngineOptions | string): SqlEngine {
  const o = typeof options === "string" ? { url: options } : options;
  if (typeof o === "object" && o !== null) {
    checkOptions("postgresEngine", o, POSTGRES_ENGINE_OPTIONS);
  }
  if (typeof o !== "object" || o === null || typeof o.url !== "string") {
    throw new CxOptionsError(
      `postgresEngine takes a connection string or { url }, e.g. postgresEngine("postgres://user@host:5432/db"), got ${
        o === null ? "null" : typeof o
      }`,
    );
  }
  const limits = checkTimeouts(o);
  const target = targetOf(o.url);
  const session = sessionOf(o, limits);
  const run = async (query: CompiledSql, call: CallOptions = {}) => {
    const sql = await session.current();
    return await limitCall(
      target,
      (signal) => {
        const pending = sql.unsafe(query.sql, query.params);
        signal.addEventListener("abort", () => pending.cancel?.());
        return pending.then((rows: { columns: unknown }) =>
          Object.assign([...(rows as unknown as unknown[])], { columns: rows.columns })
        );
      },
      { timeoutMs: limits.timeoutMs, signal: call.signal },
      classifyPostgres,
    ) as Record<
      string,
      unknown
    >[];
  };
  return {
    dialect: "postgres",
    name: `postgres ${target.host}${target.path}`,
    run,
    async columns(relation: Relation, call?: CallOptions): Promise<ColumnInfo[]> {
      const rows = await run(compileDescribe(relation, "postgres"), call) as unknown as {
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
    async load(table: ColumnTable, hints?: Record<string, LoadType>, call?: CallOptions) {
      const sql = await session.reserve();
      const name = `__cx_load_${++loads}`;
      try {
        await limitCall(
          target,
          () => insertTemp(sql, name, loadColumns(table, hints), table.numRows(), o.onProgress),
          { timeoutMs: limits.timeoutMs, signal: call?.signal },
          classifyPostgres,
        );
      } catch (e) {
        await session.release();
        throw e;
      }
      return {
        relation: { kind: "table", name },
        drop: async () => {
          await sql.unsafe(`DROP TABLE IF EXISTS ${quoteIdent(name, "postgres")}`).catch(() => {});
          await session.release();
        },
      } satisfies OpenRelation;
    },
    close: () => session.close(),
  };
}

/** Where the URL points (host:port and database) and its password, to scrub. */
function targetOf(url: string): EngineTarget & { path: string } {
  try {
    const u = new URL(url);
    return {
      engine: "postgres",
      host: u.host,
      path: u.pathname,
      secrets: u.password ? [decodeURIComponent(u.password), u.password] : [],
    };
  } catch {
    return { engine: "postgres", host: "(connection string)", path: "", secrets: [url] };
  }
}

// deno-lint-ignore no-explicit-any
type Sql = any;

/**
 * The connection pool, and one reserved session while in-memory tables are
 * loaded: their TEMP tables live on it, so queries go there too.
 */
function sessionOf(o: PostgresEngineOptions, limits: Required<EngineTimeouts>) {
  let pool: Promise<Sql> | undefined;
  let reserved: Promise<Sql> | undefined;
  let holders = 0;
  const ssl = o.ca !== undefined || o.rejectUnauthorized !== undefined
    ? { ca: o.ca, rejectUnauthorized: o.rejectUnauthorized ?? true }
    : undefined;
  const open = () =>
    pool ??= import("postgres").then(({ default: postgres }) =>
      postgres(o.url, {
        max: o.max ?? 4,
        onnotice: () => {},
        types: { bigint: postgres.BigInt },
        connect_timeout: Math.ceil(limits.connectTimeoutMs / 1000),
        connection: { statement_timeout: limits.timeoutMs },
        ...(ssl ? { ssl } : {}),
      })
    );
  return {
    current: () => reserved ?? open(),
    reserve() {
      holders++;
      return reserved ??= open().then((sql: Sql) => sql.reserve());
    },
    async release() {
      if (--holders > 0 || !reserved) return;
      const r = reserved;
      reserved = undefined;
      (await r).release();
    },
    async close() {
      if (pool) await (await pool).end({ timeout: 1 });
      pool = reserved = undefined;
      holders = 0;
    },
  };
}

const SQL_TYPE: Record<LoadType, string> = {
  text: "text",
  number: "double precision",
  boolean: "boolean",
  timestamp: "timestamptz",
};

/** Creates a TEMP table and inserts the rows in batches of bound parameters. */
async function insertTemp(
  sql: Sql,
  name: string,
  columns: LoadColumn[],
  rows: number,
  onProgress?: (progress: UploadProgress) => void,
) {
  const q = (n: string) => quoteIdent(n, "postgres");
  await sql.unsafe(
    `CREATE TEMP TABLE ${q(name)} (${
      columns.map((c) => `${q(c.name)} ${SQL_TYPE[c.type]}`).join(", ")
    })`,
  );
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
          return `$${params.length}::${SQL_TYPE[c.type]}`;
        }).join(", ")
      })`);
    }
    await sql.unsafe(
      `INSERT INTO ${q(name)} (${columns.map((c) => q(c.name)).join(", ")}) VALUES ${
        tuples.join(", ")
      }`,
      params,
    );
    onProgress?.({ rows: end, total: rows });
  }
}

/** The kind of failure, from the SQLSTATE of a server error or the network error. */
function classifyPostgres(error: unknown): EngineFailure {
  const code = String((error as { code?: unknown })?.code ?? "");
  const message = error instanceof Error ? error.message : "";
  if (code === "28P01" || code === "28000") return "authentication";
  if (code === "42501") return "permission";
  if (["42P01", "42703", "3D000", "3F000"].includes(code)) return "missing";
  if (code === "57014") return /statement timeout/.test(message) ? "timeout" : "cancelled";
  if (code === "CONNECT_TIMEOUT") return "timeout";
  if (/^(ECONN|ENOTFOUND|EHOSTUNREACH|CONNECTION_)/.test(code) || !code) return "network";
  return "server";
}
