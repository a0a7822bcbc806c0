/**
 * ClickHouse over its HTTP interface (`fetch`, no driver): the distributed
 * engine. Aggregates sent to a `Distributed` table run on every shard and
 * their partial states merge on the node queried, so the mergeable
 * statistics of the aggregate step scale past one machine.
 *
 * Written for ClickHouse 18.16 (Debian's package) and later: 18.16 has no
 * query parameters, so values go in as escaped literals
 * (`clickhouseLiteral`); `DateTime` has second precision and covers
 * 1970–2105.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, CxError } from "../errors.ts";
import type { CompiledSql, Relation } from "./compile/types.ts";
import { quoteIdent } from "./compile/quote.ts";
import { compileDescribe } from "./compile/samples.ts";
import { type LoadColumn, loadColumns, type LoadType } from "./load.ts";
import type { ColumnInfo, OpenRelation, SqlEngine } from "./engine.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link clickhouseEngine}. */
export interface ClickhouseEngineOptions {
  /** HTTP endpoint of the node queries go to (default `http://127.0.0.1:8123`). */
  url?: string;
  /** Database (default: the server's default). */
  database?: string;
  /** User (default `default`). */
  user?: string;
  /** Password. */
  password?: string;
  /**
   * Cluster name from the servers' `remote_servers` configuration and the HTTP
   * endpoint of each of its shards: in-memory tables are then loaded as one
   * local table per shard (rows dealt out in blocks) behind a `Distributed`
   * table, so aggregates really merge partial results across shards.
   */
  cluster?: { name: string; shards: string[] };
}

/** The names of {@link ClickhouseEngineOptions}. */
export const CLICKHOUSE_ENGINE_OPTIONS = optionNames<ClickhouseEngineOptions>()([
  "url",
  "database",
  "user",
  "password",
  "cluster",
]);

/** A ClickHouse {@link SqlEngine}, with a way to run your own statements. */
export interface ClickhouseEngine extends SqlEngine {
  /** Runs one statement on a node (default: the query node) and returns the response text. */
  exec(sql: string, options?: { url?: string; body?: string }): Promise<string>;
}

let loads = 0;

/**
 * A ClickHouse engine talking HTTP. Nothing is sent until it is used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clickhouseEngine } from "./clickhouse.ts";
 * const engine = clickhouseEngine({ url: "http://127.0.0.1:8123", database: "cx" });
 * assert.ok(engine.dialect === "clickhouse" && engine.name === "clickhouse 127.0.0.1:8123/cx");
 * await engine.close();
 * ```
 */
export function clickhouseEngine(options: ClickhouseEngineOptions = {}): ClickhouseEngine {
  checkOptions("clickhouseEngine", options, CLICKHOUSE_ENGINE_OPTIONS);
  const { url = "http://127.0.0.1:8123", database, user, password, cluster } = options;
  const exec = async (sql: string, opts: { url?: string; body?: string } = {}) => {
    const target = new URL(opts.url ?? url);
    if (database !== undefined) target.searchParams.set("database", database);
    if (user !== undefined) target.searchParams.set("user", user);
    if (password !== undefined) target.searchParams.set("password", password);
    // With a body, the statement travels in the URL and the data in the body.
    if (opts.body !== undefined) target.searchParams.set("query", sql);
    const response = await fetch(target, { method: "POST", body: opts.body ?? sql });
    const text = await response.text();
    if (!response.ok) {
      throw new CxError(`ClickHouse (${target.host}): ${text.trim()}\nSQL: ${sql}`);
    }
    return text;
  };
  const run = async (query: CompiledSql): Promise<Record<string, unknown>[]> => {
    const text = await exec(`${query.sql}\nFORMAT JSON`);
    return (JSON.parse(text) as { data: Record<string, unknown>[] }).data;
  };
  return {
    dialect: "clickhouse",
    name: `clickhouse ${new URL(url).host}${database ? `/${database}` : ""}`,
    run,
    exec,
    async columns(relation: Relation): Promise<ColumnInfo[]> {
      const rows = await run(compileDescribe(relation, "clickhouse"));
      return rows.map((r) => ({ name: String(r.name), type: String(r.type) }));
    },
    dateKind(type: string) {
      const t = type.replace(/^Nullable\((.*)\)$/, "$1");
      if (/^DateTime(64)?(\(.*\))?$/.test(t)) return "instant";
      if (t === "Date") return "local";
      return undefined;
    },
    isNumeric(type: string) {
      return /^(Nullable\()?(U?Int(8|16|32|64)|Float(32|64)|Decimal)/.test(type);
    },
    async load(table: ColumnTable, hints?: Record<string, LoadType>): Promise<OpenRelation> {
      const name = `__cx_load_${Date.now()}_${++loads}`;
      const columns = loadColumns(table, hints);
      const ddl = (n: string, engine: string) =>
        `CREATE TABLE ${quoteIdent(n, "clickhouse")} (${
          columns.map((c) => `${quoteIdent(c.name, "clickhouse")} ${CH_TYPE[c.type]}`).join(", ")
        }) ENGINE = ${engine}`;
      const insert = (n: string, at: string, from: number, to: number) =>
        exec(`INSERT INTO ${quoteIdent(n, "clickhouse")} FORMAT JSONEachRow`, {
          url: at,
          body: jsonRows(columns, from, to),
        });
      const rows = table.numRows();
      if (!cluster) {
        await exec(ddl(name, "Memory"));
        if (rows) await insert(name, url, 0, rows);
        return {
          relation: { kind: "table", name },
          drop: () => exec(`DROP TABLE IF EXISTS ${quoteIdent(name, "clickhouse")}`).then(() => {}),
        };
      }
      const local = `${name}_local`;
      const shards = cluster.shards;
      const per = Math.ceil(rows / shards.length);
      for (const [k, shard] of shards.entries()) {
        await exec(ddl(local, "Memory"), { url: shard });
        const from = k * per, to = Math.min(rows, from + per);
        if (to > from) await insert(local, shard, from, to);
      }
      const db = database ?? (await exec("SELECT currentDatabase()")).trim();
      await exec(
        ddl(
          name,
          `Distributed(${quoteIdent(cluster.name, "clickhouse")}, ${
            quoteIdent(db, "clickhouse")
          }, ${quoteIdent(local, "clickhouse")})`,
        ),
      );
      return {
        relation: { kind: "table", name },
        drop: async () => {
          await exec(`DROP TABLE IF EXISTS ${quoteIdent(name, "clickhouse")}`);
          for (const shard of shards) {
            await exec(`DROP TABLE IF EXISTS ${quoteIdent(local, "clickhouse")}`, { url: shard });
          }
        },
      };
    },
    close() {
      return Promise.resolve();
    },
  };
}

const CH_TYPE: Record<LoadType, string> = {
  text: "Nullable(String)",
  number: "Nullable(Float64)",
  boolean: "Nullable(UInt8)",
  timestamp: "Nullable(DateTime('UTC'))",
};

/** Rows as JSONEachRow lines; the data travels outside the SQL text. */
function jsonRows(columns: LoadColumn[], from: number, to: number): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    const row: Record<string, unknown> = {};
    for (const c of columns) {
      const v = c.values[i];
      row[c.name] = v === null
        ? null
        : c.type === "timestamp"
        ? dateTimeText(v as Date, c.name, i)
        : c.type === "boolean"
        ? (v ? 1 : 0)
        : v;
    }
    lines.push(JSON.stringify(row));
  }
  return lines.join("\n") + "\n";
}

function dateTimeText(d: Date, column: string, i: number): string {
  const t = d.getTime();
  if (!(t >= 0 && t < 4_294_967_296_000)) {
    throw new CxDataError([{
      row: i + 1,
      column,
      value: d.toISOString(),
      reason: `ClickHouse DateTime holds 1970-01-01 to 2106-02-07 only`,
    }]);
  }
  return d.toISOString().slice(0, 19).replace("T", " ");
}
