/**
 * Throwaway database servers for the engine tests: PostgreSQL (initdb +
 * pg_ctl in a temporary directory, as the `postgres` user when run as root)
 * and a two-shard ClickHouse cluster (two server processes with their own
 * configs and data directories). Each listens on a free loopback port and is
 * stopped and deleted afterwards.
 *
 * A missing server binary skips its tests with a message, except in CI
 * (`CI=true`), where it is an error: CI installs the packages.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ColumnTable } from "arquero";
import { clickhouseEngine } from "../../src/engine/clickhouse.ts";
import { quoteIdent } from "../../src/engine/compile/quote.ts";
import type { LoadType } from "../../src/engine/load.ts";
import { postgresEngine } from "../../src/engine/postgres.ts";
import type { SqlEngine } from "../../src/engine/engine.ts";

/** Whether tests that need `binary` run; throws in CI when it is missing. */
export function serverAvailable(binary: string | undefined, what: string): boolean {
  if (binary) return true;
  const message = `${what} is not installed (apt-get install ${
    what === "PostgreSQL" ? "postgresql" : "clickhouse-server"
  })`;
  if (Deno.env.get("CI") === "true") throw new Error(`${message}; CI must run these tests`);
  console.warn(`skipping ${what} tests: ${message}`);
  return false;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

const isRoot = Deno.uid() === 0;

async function sh(cmd: string, args: string[], asUser?: string): Promise<string> {
  const [c, a] = asUser && isRoot ? ["runuser", ["-u", asUser, "--", cmd, ...args]] : [cmd, args];
  const out = await new Deno.Command(c, { args: a, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${text}`);
  return text;
}

/** The newest installed PostgreSQL's bin directory, if any. */
export function postgresBin(): string | undefined {
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => e.name)
      .filter((n) => exists(`/usr/lib/postgresql/${n}/bin/initdb`))
      .sort((a, b) => Number(b) - Number(a));
    return versions.length ? `/usr/lib/postgresql/${versions[0]}/bin` : undefined;
  } catch {
    return undefined;
  }
}

/** A running throwaway PostgreSQL. */
export interface TestPostgres {
  /** Connection string of the superuser `cx` (trusted, no password). */
  url: string;
  /** Loopback port. */
  port: number;
  /** The postmaster's process id (signal it and its children to freeze the server). */
  pid(): Promise<number>;
  /** Stops the server (`"immediate"`: as if it died). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
}

/** Password roles every test PostgreSQL has besides the trusted `cx`. */
export const PG_ROLES = { secret: "s3cr3t-Pg-pass", reader: "r34d-Pg-only" } as const;

/** Starts PostgreSQL on a free loopback port in a temporary directory (about a second). */
export async function startPostgres(bin: string): Promise<TestPostgres> {
  const dir = await Deno.makeTempDir({ prefix: "cx_pg_" });
  if (isRoot) await sh("chown", ["postgres:", dir]);
  const data = `${dir}/data`, port = freePort();
  await sh(
    `${bin}/initdb`,
    ["-D", data, "-U", "cx", "--auth=trust", "-E", "UTF8", "--no-sync"],
    "postgres",
  );
  await sh(
    `${bin}/pg_ctl`,
    [
      "-D",
      data,
      "-l",
      `${dir}/log`,
      "-w",
      "-o",
      `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      "start",
    ],
    "postgres",
  );
  const url = `postgres://cx@127.0.0.1:${port}/postgres`;
  await setUpRoles(bin, data, url);
  let stopped = false;
  return {
    url,
    port,
    async pid() {
      return Number((await Deno.readTextFile(`${data}/postmaster.pid`)).split("\n")[0]);
    },
    async stop(mode = "fast") {
      if (!stopped) {
        stopped = true;
        await sh(`${bin}/pg_ctl`, ["-D", data, "-m", mode, "-w", "stop"], "postgres")
          .catch(() => {});
      }
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Password authentication for every role but `cx` (trusted), and two roles:
 * `secret` (may do anything) and `reader` (SELECT on public tables only).
 */
async function setUpRoles(bin: string, data: string, url: string): Promise<void> {
  await Deno.writeTextFile(
    `${data}/pg_hba.conf`,
    "local all all trust\nhost all cx 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n",
  );
  await sh(`${bin}/pg_ctl`, ["-D", data, "reload"], "postgres");
  const sql = (await import("postgres")).default(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE ROLE secret LOGIN SUPERUSER PASSWORD '${PG_ROLES.secret}'`);
    await sql.unsafe(`CREATE ROLE reader LOGIN PASSWORD '${PG_ROLES.reader}'`);
    await sql.unsafe("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    await sql.unsafe("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO reader");
  } finally {
    await sql.end();
  }
}

/** The ClickHouse server binary, if installed. */
export function clickhouseBin(): string | undefined {
  return ["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"].find(exists);
}

/** A running two-shard ClickHouse cluster named `cx`. */
export interface TestClickhouse {
  /** HTTP endpoint of each shard; queries go to the first. */
  shards: string[];
  cluster: string;
  /** Process id of each shard's server (signal one to freeze or kill it). */
  pids: number[];
  stop(): Promise<void>;
}

/** Users every test ClickHouse has besides `default`: a password user and a read-only one. */
export const CH_USERS = { secret: "s3cr3t-Ch-pass", reader: "r34d-Ch-only" } as const;

/** Starts two ClickHouse servers that both know the two-shard cluster `cx` (a few seconds). */
export async function startClickhouse(bin: string): Promise<TestClickhouse> {
  const dir = await Deno.makeTempDir({ prefix: "cx_ch_" });
  const nodes = [0, 1].map((k) => ({ k, http: freePort(), tcp: freePort() }));
  const remote = `<remote_servers><cx>${
    nodes.map((n) =>
      `<shard><replica><host>127.0.0.1</host><port>${n.tcp}</port></replica></shard>`
    ).join("")
  }</cx></remote_servers>`;
  const children: Deno.ChildProcess[] = [];
  for (const n of nodes) {
    const root = `${dir}/node${n.k}`;
    await Deno.mkdir(root, { recursive: true });
    await Deno.writeTextFile(
      `${root}/config.xml`,
      `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <http_port>${n.http}</http_port>
  <tcp_port>${n.tcp}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${root}/data/</path>
  <tmp_path>${root}/tmp/</tmp_path>
  <format_schema_path>${root}/format_schemas/</format_schema_path>
  <mark_cache_size>5368709</mark_cache_size>
  <timezone>UTC</timezone>
  <users_config>${root}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  ${remote}
</yandex>
`,
    );
    await Deno.writeTextFile(
      `${root}/users.xml`,
      `<?xml version="1.0"?>
<yandex>
  <profiles><default></default><readonly><readonly>1</readonly></readonly></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <secret><password>${CH_USERS.secret}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></secret>
    <reader><password>${CH_USERS.reader}</password><networks><ip>127.0.0.1</ip></networks><profile>readonly</profile><quota>default</quota></reader>
  </users>
  <quotas><default></default></quotas>
</yandex>
`,
    );
    children.push(
      new Deno.Command(bin, {
        args: [`--config-file=${root}/config.xml`],
        stdout: "null",
        stderr: "null",
        stdin: "null",
      }).spawn(),
    );
  }
  const shards = nodes.map((n) => `http://127.0.0.1:${n.http}/`);
  // ClickHouse's orderly shutdown takes about 5 s a node (2026-12-03: 10.2 s for two, one after
  // the other); the data is thrown away, so each node gets a second after SIGTERM, then SIGKILL.
  const stop = async () => {
    await Promise.all(children.map(async (c) => {
      try {
        c.kill("SIGCONT");
        c.kill("SIGTERM");
      } catch { /* already gone */ }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<"late">((r) => timer = setTimeout(() => r("late"), 1000));
      if (await Promise.race([c.status, grace]) === "late") {
        try {
          c.kill("SIGKILL");
        } catch { /* gone meanwhile */ }
      }
      clearTimeout(timer);
      await c.status;
    }));
    await Deno.remove(dir, { recursive: true });
  };
  try {
    for (const url of shards) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          const r = await fetch(url, { method: "POST", body: "SELECT 1" });
          await r.body?.cancel();
          if (r.ok) break;
        } catch { /* not up yet */ }
        if (Date.now() > deadline) throw new Error(`ClickHouse at ${url} did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { shards, cluster: "cx", pids: children.map((c) => c.pid), stop };
}

/** What an engine test runs: parity checks against one engine. */
export type EngineCheck = (engine: SqlEngine) => Promise<unknown>;

/** Environment variables through which `tests/run.ts` shares its servers with every test file. */
export const SHARED_ENV = {
  postgres: "CXKIT_TEST_POSTGRES_URL",
  clickhouse: "CXKIT_TEST_CLICKHOUSE_SHARDS",
} as const;

/** A PostgreSQL a test may use: its connection string, valid until the callback returns. */
export interface PostgresLease {
  url: string;
}

/**
 * Runs `fn` against PostgreSQL: a fresh database on the server `tests/run.ts`
 * shares (dropped afterwards), or, when a test file runs on its own, a
 * throwaway server started for it.
 */
export async function withPostgres<T>(fn: (pg: PostgresLease) => Promise<T>): Promise<T> {
  const shared = Deno.env.get(SHARED_ENV.postgres);
  if (!shared) {
    const server = await startPostgres(postgresBin()!);
    try {
      return await fn({ url: server.url });
    } finally {
      await server.stop();
    }
  }
  const db = `cx_t${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = (await import("postgres")).default(shared, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${db}`);
    try {
      return await fn({ url: shared.replace(/\/postgres$/, `/${db}`) });
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/** A two-shard ClickHouse cluster a test may use until the callback returns. */
export interface ClickhouseLease {
  shards: string[];
  cluster: string;
}

/**
 * Runs `fn` against a two-shard ClickHouse cluster: the one `tests/run.ts`
 * shares (tests create uniquely named tables only), or a throwaway one.
 */
export async function withClickhouse<T>(fn: (ch: ClickhouseLease) => Promise<T>): Promise<T> {
  const shared = Deno.env.get(SHARED_ENV.clickhouse);
  if (shared) return await fn({ shards: shared.split(","), cluster: "cx" });
  const server = await startClickhouse(clickhouseBin()!);
  try {
    return await fn({ shards: server.shards, cluster: server.cluster });
  } finally {
    await server.stop();
  }
}

/**
 * Registers a test that runs `check` against PostgreSQL (see
 * {@link withPostgres}); skipped with a message when PostgreSQL is absent.
 */
export function postgresTest(name: string, check: EngineCheck): void {
  Deno.test({
    name,
    ignore: !serverAvailable(postgresBin(), "PostgreSQL"),
    fn: () =>
      withPostgres(async ({ url }) => {
        const engine = postgresEngine({ url });
        try {
          await check(engine);
        } finally {
          await engine.close();
        }
      }),
  });
}

/**
 * Registers a test that runs `check` against a throwaway two-shard ClickHouse
 * cluster behind `Distributed` tables. It first loads `spread` and asserts
 * that both shards hold some of its rows and together all of them, so the
 * engine's results really merge partial aggregates from two servers; then
 * runs `check` again without `cluster`, where in-memory tables travel with
 * each query as external data.
 */
export function clickhouseTest(
  name: string,
  check: EngineCheck,
  spread: ColumnTable,
  hints?: Record<string, LoadType>,
): void {
  Deno.test({
    name,
    ignore: !serverAvailable(clickhouseBin(), "ClickHouse"),
    fn: () =>
      withClickhouse(async (server) => {
        const engine = clickhouseEngine({
          url: server.shards[0],
          cluster: { name: server.cluster, shards: server.shards },
        });
        try {
          const { relation, drop } = await engine.load(spread, hints);
          const name = (relation as { name: string }).name;
          const counts: number[] = [];
          for (const shard of server.shards) {
            const n = await engine.exec(
              `SELECT count() FROM ${quoteIdent(`${name}_local`, "clickhouse")}`,
              { url: shard },
            );
            counts.push(Number(n));
          }
          assert.ok(counts.every((n) => n > 0), `rows per shard: ${counts.join(", ")}`);
          assert.equal(counts.reduce((a, b) => a + b, 0), spread.numRows());
          await drop();
          await check(engine);
          // Without a cluster, in-memory tables travel with each query as external data.
          await check(clickhouseEngine({ url: server.shards[0] }));
        } finally {
          await engine.close();
        }
      }),
  });
}
