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
import { CxDataError, type EngineFailure } from "../errors.ts";
import type { CompiledSql, Relation } from "./compile/types.ts";
import { clickhouseLiteral, quoteIdent } from "./compile/quote.ts";
import { compileDescribe } from "./compile/samples.ts";
import {
  checkReachable,
  checkTimeouts,
  type EngineTarget,
  type EngineTimeouts,
  limitCall,
  type UploadProgress,
} from "./deadline.ts";
import { type LoadColumn, loadColumns, type LoadType } from "./load.ts";
import type { ColumnInfo, OpenRelation, SqlEngine } from "./engine.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link clickhouseEngine}. */
export interface ClickhouseEngineOptions extends EngineTimeouts {
  /** HTTP endpoint of the node queries go to (default `http://127.0.0.1:8123`; the HTTP port, not 9000). */
  url?: string;
  /** Database (default: the server's default). */
  database?: string;
  /** User (default `default`); sent by HTTP basic authentication, never in the URL. */
  user?: string;
  /** Password; sent by HTTP basic authentication and removed from every message. */
  password?: string;
  /**
   * PEM text of the certificate authorities to trust for an `https://` URL
   * (a private CA); the system's roots are trusted without it.
   */
  ca?: string;
  /**
   * Cluster name from the servers' `remote_servers` configuration and the HTTP
   * endpoint of each of its shards: in-memory tables are then loaded as one
   * local table per shard (rows dealt out in blocks) behind a `Distributed`
   * table, so aggregates really merge partial results across shards. This
   * needs CREATE rights on every shard; without `cluster`, in-memory tables
   * travel with each query as external data and nothing is created.
   */
  cluster?: { name: string; shards: string[] };
  /** Called as an in-memory table is uploaded (cluster: after each block of rows). */
  onProgress?: (progress: UploadProgress) => void;
}

/** The names of {@link ClickhouseEngineOptions}. */
export const CLICKHOUSE_ENGINE_OPTIONS = optionNames<ClickhouseEngineOptions>()([
  "url",
  "database",
  "user",
  "password",
  "ca",
  "cluster",
  "onProgress",
  "connectTimeoutMs",
  "timeoutMs",
]);

/** A ClickHouse {@link SqlEngine}, with a way to run your own statements. */
export interface ClickhouseEngine extends SqlEngine {
  /** Runs one statement on a node (default: the query node) and returns the response text. */
  exec(sql: string, options?: ExecOptions): Promise<string>;
  /**
   * Drops the `__cx_load_*` tables a killed process left behind (cluster
   * uploads only), on the query node and every shard; returns how many.
   */
  cleanup(): Promise<number>;
}

/** Options of {@link ClickhouseEngine.exec}. */
export interface ExecOptions {
  /** The node to send it to (default: the engine's `url`). */
  url?: string;
  /** Data for an `INSERT … FORMAT …` statement. */
  body?: string;
  /** Cancels the statement (on the server too). */
  signal?: AbortSignal;
}

let loads = 0;
/** Rows per INSERT of a cluster upload. */
const UPLOAD_BLOCK = 200_000;

/** An in-memory table that travels with each query as external data. */
interface External {
  name: string;
  columns: LoadColumn[];
  rows: string;
  /** Stored in a server table instead, for statements too long to travel in the URL. */
  stored: boolean;
}

/**
 * Longest statement (URL-encoded) sent in the URL beside external data;
 * longer ones store the external tables in `Memory` tables first (servers
 * refuse URLs of about 16 KB).
 */
const MAX_URL_SQL = 8_000;

/**
 * A ClickHouse engine talking HTTP. Nothing is sent until it is used. Each
 * statement carries a `query_id` and `max_execution_time`; when `timeoutMs`
 * passes or the caller's signal aborts, the call rejects with a
 * `CxEngineError` and the query is killed on the server. Credentials go in
 * the `Authorization` header and never appear in a message.
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
  const { url = "http://127.0.0.1:8123", database, cluster } = options;
  const http = httpOf(url, options);
  const externals = new Map<string, External>();
  const exec = async (sql: string, opts: ExecOptions = {}): Promise<string> => {
    if (opts.body !== undefined) return await http.send(sql, { ...opts, externals: [] });
    const sent = [...externals.values()].filter((e) => !e.stored);
    // The statement travels in the URL beside external data: a long one needs them stored first.
    if (sent.length && encodeURIComponent(sql).length > MAX_URL_SQL) {
      for (const e of sent) await storeExternal(e, opts);
      return await http.send(sql, { ...opts, externals: [] });
    }
    return await http.send(sql, { ...opts, externals: sent });
  };
  const storeExternal = async (e: External, opts: ExecOptions) => {
    const q = quoteIdent(e.name, "clickhouse");
    await http.send(`CREATE TABLE ${q} (${columnList(e.columns)}) ENGINE = Memory`, {
      ...opts,
      externals: [],
    });
    e.stored = true;
    await http.send(`INSERT INTO ${q} FORMAT JSONEachRow`, {
      ...opts,
      body: e.rows,
      externals: [],
    });
  };
  const run = async (query: CompiledSql, opts: { signal?: AbortSignal } = {}) => {
    const text = await exec(`${query.sql}\nFORMAT JSON`, opts);
    return (JSON.parse(text) as { data: Record<string, unknown>[] }).data;
  };
  return {
    dialect: "clickhouse",
    name: `clickhouse ${http.target.host}${database ? `/${database}` : ""}`,
    run,
    exec,
    async columns(relation: Relation, opts: { signal?: AbortSignal } = {}): Promise<ColumnInfo[]> {
      const external = relation.kind === "table" ? externals.get(relation.name) : undefined;
      if (external) return external.columns.map((c) => ({ name: c.name, type: CH_TYPE[c.type] }));
      const rows = await run(compileDescribe(relation, "clickhouse"), opts);
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
    load(table: ColumnTable, hints?: Record<string, LoadType>): Promise<OpenRelation> {
      const columns = loadColumns(table, hints);
      const rows = table.numRows();
      if (cluster) return loadSharded(exec, columns, rows, cluster, database, options.onProgress);
      // ClickHouse reads an external table's structure as "name type, …" without quoting.
      if (!columns.every((c) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name))) {
        return loadSharded(exec, columns, rows, undefined, database, options.onProgress);
      }
      options.onProgress?.({ rows, total: rows });
      return Promise.resolve(external(externals, columns, rows, exec));
    },
    cleanup: () => dropLeftovers(exec, [url, ...(cluster?.shards ?? [])]),
    close() {
      externals.clear();
      return Promise.resolve();
    },
  };
}

type Exec = (sql: string, opts?: ExecOptions) => Promise<string>;

/** Registers an in-memory table as external data of the queries while it is open. */
function external(
  externals: Map<string, External>,
  columns: LoadColumn[],
  rows: number,
  exec: Exec,
): OpenRelation {
  const name = `__cx_load_x${Date.now()}_${++loads}`;
  const entry: External = { name, columns, rows: jsonRows(columns, 0, rows), stored: false };
  externals.set(name, entry);
  return {
    relation: { kind: "table", name },
    drop: async () => {
      externals.delete(name);
      if (entry.stored) {
        await exec(`DROP TABLE IF EXISTS ${quoteIdent(name, "clickhouse")}`).catch(() => {});
      }
    },
  };
}

/** Drops the `__cx_load_*` tables on each node; returns how many. */
async function dropLeftovers(exec: Exec, nodes: string[]): Promise<number> {
  let dropped = 0;
  for (const node of new Set(nodes)) {
    const names = (await exec(
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '\\_\\_cx\\_load\\_%'",
      { url: node },
    )).split("\n").filter((n) => n);
    for (const n of names) {
      await exec(`DROP TABLE IF EXISTS ${quoteIdent(n, "clickhouse")}`, { url: node });
      dropped++;
    }
  }
  return dropped;
}

/**
 * Loads columns into server tables: one `Memory` table per shard behind a
 * `Distributed` table, or without a cluster one `Memory` table on the query
 * node (for column names external data cannot carry). Needs CREATE rights;
 * dropped by the returned `drop`, or by `cleanup()` after a killed process.
 */
async function loadSharded(
  exec: Exec,
  columns: LoadColumn[],
  rows: number,
  cluster: { name: string; shards: string[] } | undefined,
  database: string | undefined,
  onProgress?: (progress: UploadProgress) => void,
): Promise<OpenRelation> {
  const name = `__cx_load_${Date.now()}_${++loads}`;
  const local = cluster ? `${name}_local` : name;
  const shards: (string | undefined)[] = cluster ? cluster.shards : [undefined];
  const q = (n: string) => quoteIdent(n, "clickhouse");
  const ddl = (n: string, engine: string) =>
    `CREATE TABLE ${q(n)} (${columnList(columns)}) ENGINE = ${engine}`;
  const drop = async () => {
    if (cluster) await exec(`DROP TABLE IF EXISTS ${q(name)}`).catch(() => {});
    for (const shard of shards) {
      await exec(`DROP TABLE IF EXISTS ${q(local)}`, { url: shard }).catch(() => {});
    }
  };
  try {
    const per = Math.ceil(rows / shards.length);
    for (const [k, shard] of shards.entries()) {
      await exec(ddl(local, "Memory"), { url: shard });
      const end = Math.min(rows, (k + 1) * per);
      for (let from = k * per; from < end; from += UPLOAD_BLOCK) {
        const to = Math.min(end, from + UPLOAD_BLOCK);
        await exec(`INSERT INTO ${q(local)} FORMAT JSONEachRow`, {
          url: shard,
          body: jsonRows(columns, from, to),
        });
        onProgress?.({ rows: to, total: rows });
      }
    }
    if (cluster) {
      const db = database ?? (await exec("SELECT currentDatabase()")).trim();
      await exec(ddl(name, `Distributed(${q(cluster.name)}, ${q(db)}, ${q(local)})`));
    }
  } catch (e) {
    await drop();
    throw e;
  }
  return { relation: { kind: "table", name }, drop };
}

function columnList(columns: LoadColumn[]): string {
  return columns.map((c) => `${quoteIdent(c.name, "clickhouse")} ${CH_TYPE[c.type]}`).join(", ");
}

/** The HTTP side: one request a statement, with limits, credentials in a header, scrubbed errors. */
function httpOf(url: string, options: ClickhouseEngineOptions) {
  const { database, user, password, ca } = options;
  const limits = checkTimeouts(options);
  const base = new URL(url);
  const target: EngineTarget = {
    engine: "clickhouse",
    host: base.host,
    secrets: password ? [password] : [],
  };
  const headers: Record<string, string> = {};
  if (user !== undefined || password !== undefined) {
    headers.Authorization = `Basic ${btoa(`${user ?? "default"}:${password ?? ""}`)}`;
  }
  const client = ca ? Deno.createHttpClient({ caCerts: [ca] }) : undefined;
  const reachable = new Map<string, Promise<void>>();
  let settings = true;
  const connect = (node: URL) => {
    const key = node.host;
    let check = reachable.get(key);
    if (!check) {
      const port = Number(node.port || (node.protocol === "https:" ? 443 : 80));
      check = checkReachable(target, node.hostname, port, limits.connectTimeoutMs);
      check.catch(() => reachable.delete(key));
      reachable.set(key, check);
    }
    return check;
  };
  const post = (node: URL, body: BodyInit, signal: AbortSignal) =>
    fetch(node, { method: "POST", body, headers, signal, ...(client ? { client } : {}) });
  const send = async (
    sql: string,
    opts: ExecOptions & { externals: External[] },
  ): Promise<string> => {
    const node = new URL(opts.url ?? url);
    const nodeTarget = { ...target, host: node.host };
    await connect(node);
    const id = crypto.randomUUID();
    const request = () => {
      const at = new URL(node);
      if (database !== undefined) at.searchParams.set("database", database);
      at.searchParams.set("query_id", id);
      if (settings) {
        at.searchParams.set("max_execution_time", String(Math.ceil(limits.timeoutMs / 1000)));
        // A shard that does not answer is an error, never a silently smaller result.
        at.searchParams.set("skip_unavailable_shards", "0");
      }
      let body: BodyInit = opts.body ?? sql;
      if (opts.body !== undefined || opts.externals.length) at.searchParams.set("query", sql);
      if (opts.externals.length) body = externalData(at, opts.externals);
      return { at, body };
    };
    const kill = () =>
      post(
        new URL(node),
        `KILL QUERY WHERE query_id = ${clickhouseLiteral(id)} ASYNC`,
        AbortSignal.timeout(limits.connectTimeoutMs),
      ).then((r) => r.body?.cancel());
    return await limitCall(
      nodeTarget,
      async (signal) => {
        for (;;) {
          const { at, body } = request();
          const response = await post(at, body, signal);
          const text = await response.text();
          if (response.ok) return text;
          // A readonly = 1 account may not set max_execution_time: the client deadline still holds.
          if (settings && /Code: 164\b.*setting/is.test(text)) {
            settings = false;
            continue;
          }
          throw new ClickhouseFailure(text, sql);
        }
      },
      { timeoutMs: limits.timeoutMs, signal: opts.signal, cancel: kill },
      classifyClickhouse,
    );
  };
  return { target, send };
}

/** External tables as multipart form data; their structure and format go in the URL. */
function externalData(at: URL, externals: External[]): FormData {
  const form = new FormData();
  for (const e of externals) {
    const structure = e.columns.map((c) => `${c.name} ${CH_TYPE[c.type]}`).join(", ");
    at.searchParams.set(`${e.name}_structure`, structure);
    at.searchParams.set(`${e.name}_format`, "JSONEachRow");
    form.append(e.name, new Blob([e.rows]), e.name);
  }
  return form;
}

/** A ClickHouse error answer: the server's text and the statement. */
class ClickhouseFailure extends Error {
  constructor(readonly text: string, sql: string) {
    super(`${text.trim()}\nSQL: ${sql}`);
  }
}

/** The kind of failure, from ClickHouse's error code or the network error. */
function classifyClickhouse(error: unknown): EngineFailure {
  if (!(error instanceof ClickhouseFailure)) return "network";
  const code = Number(/Code: (\d+)/.exec(error.text)?.[1]);
  if ([192, 193, 194, 516].includes(code)) return "authentication";
  if ([164, 497, 291].includes(code)) return "permission";
  if ([60, 81, 47, 16].includes(code)) return "missing";
  if (code === 159) return "timeout";
  if (code === 394) return "cancelled";
  return "server";
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
