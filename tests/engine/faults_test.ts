/**
 * Engine faults against real servers started here (issue #20): a silent
 * port, a closed port, a wrong password, a server stopped during a query, a
 * frozen server (SIGSTOP) and a frozen ClickHouse shard, read-only accounts,
 * and a round-robin proxy in front of two ClickHouse nodes. Each call ends
 * within its timeout in a `CxEngineError`, leaves no `__cx_*` table behind,
 * and prints no password.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import { CxEngineError, type EngineFailure } from "../../src/errors.ts";
import { type ClickhouseEngine, clickhouseEngine } from "../../src/engine/clickhouse.ts";
import { postgresEngine } from "../../src/engine/postgres.ts";
import type { SqlEngine } from "../../src/engine/engine.ts";
import { meta, nps } from "../../src/mod.ts";
import {
  CH_USERS,
  clickhouseBin,
  freePort,
  PG_ROLES,
  postgresBin,
  serverAvailable,
  startClickhouse,
  startPostgres,
  type TestClickhouse,
  type TestPostgres,
} from "./servers.ts";

const answers = aq.table({
  channel: ["chat", "chat", "web", "web", "phone", "chat"],
  nps_score: [10, 3, 9, 7, 0, 10],
});
const SECRETS = [...Object.values(PG_ROLES), ...Object.values(CH_USERS)];
const query = (sql: string) => ({
  dialect: "postgres" as const,
  sql,
  params: [],
  keys: [],
  measures: [],
});

/** The call rejects with a CxEngineError of `failure` within `ms`, and no secret in any text of it. */
async function assertFails(
  call: () => Promise<unknown>,
  failure: EngineFailure | EngineFailure[],
  ms: number,
): Promise<CxEngineError> {
  const started = Date.now();
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  const elapsed = Date.now() - started;
  assert.ok(error instanceof CxEngineError, `expected CxEngineError, got ${error}`);
  const wanted = Array.isArray(failure) ? failure : [failure];
  assert.ok(wanted.includes(error.failure), `${error.failure}: ${error.message}`);
  assert.ok(elapsed <= ms, `ended after ${elapsed} ms (limit ${ms}): ${error.message}`);
  assertNoSecret(error);
  return error;
}

/** No password in the message, stack, cause chain or JSON of an error. */
function assertNoSecret(error: unknown): void {
  const texts: string[] = [];
  for (let e = error as { cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    texts.push(String(e), (e as Error).stack ?? "", JSON.stringify(e) ?? "");
  }
  for (const secret of SECRETS) {
    for (const text of texts) assert.ok(!text.includes(secret), `password in ${text}`);
  }
}

/** A TCP server that accepts connections and never answers; stop with `close()`. */
function silentPort(): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    try {
      for await (const conn of listener) conns.push(conn);
    } catch { /* closed */ }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* gone */ }
      }
    },
  };
}

/** A TCP proxy that sends each new connection to the next of `ports` in turn. */
function roundRobinProxy(ports: number[]): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let next = 0;
  const open: Deno.Conn[] = [];
  (async () => {
    try {
      for await (const inbound of listener) {
        const port = ports[next++ % ports.length];
        Deno.connect({ hostname: "127.0.0.1", port }).then((outbound) => {
          open.push(inbound, outbound);
          inbound.readable.pipeTo(outbound.writable).catch(() => {});
          outbound.readable.pipeTo(inbound.writable).catch(() => {});
        }, () => inbound.close());
      }
    } catch { /* closed */ }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close() {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch { /* gone */ }
      }
    },
  };
}

function signal(pid: number, sig: "SIGSTOP" | "SIGCONT" | "SIGKILL", children = false) {
  const targets = [pid];
  if (children) {
    const out = new Deno.Command("pgrep", { args: ["-P", String(pid)], stdout: "piped" })
      .outputSync();
    targets.push(...new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).map(Number));
  }
  for (const p of targets) Deno.kill(p, sig);
}

async function chLeftovers(server: TestClickhouse): Promise<string[]> {
  const names: string[] = [];
  for (const url of server.shards) {
    const r = await fetch(url, {
      method: "POST",
      body: "SELECT name FROM system.tables WHERE name LIKE '%cx_load%'",
    });
    names.push(...(await r.text()).split("\n").filter(Boolean));
  }
  return names;
}

async function pgLeftovers(url: string): Promise<number> {
  const engine = postgresEngine(url);
  try {
    const [row] = await engine.run(
      query("SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE '\\_\\_cx\\_%'"),
    );
    return Number(row.n);
  } finally {
    await engine.close();
  }
}

const samePooled = async (engine: SqlEngine) => {
  const r = await nps(answers, { by: "channel", engine });
  assert.deepEqual(r.objects(), nps(answers, { by: "channel" }).objects());
  assert.equal(meta(r).engine, engine.name);
};

Deno.test("engines refuse what they cannot use, in one line", () => {
  assert.throws(() => postgresEngine(5432 as never), /a connection string or \{ url \}/);
  assert.throws(
    () => clickhouseEngine({ timeoutMs: -1 }),
    /"timeoutMs" must be a whole number of milliseconds > 0/,
  );
  const e = postgresEngine(`postgres://cx:${PG_ROLES.secret}@127.0.0.1:1/db`);
  assert.equal(e.name, "postgres 127.0.0.1:1/db");
});

Deno.test({
  name: "a silent port and a closed port end in CxEngineError within their timeouts",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const silent = silentPort();
    const closed = freePort();
    try {
      const ch = clickhouseEngine({
        url: `http://127.0.0.1:${silent.port}`,
        user: "secret",
        password: CH_USERS.secret,
        timeoutMs: 1000,
      });
      await assertFails(() => ch.run(query("SELECT 1")), "timeout", 3000);
      const chClosed = clickhouseEngine({ url: `http://127.0.0.1:${closed}`, password: "x" });
      await assertFails(() => chClosed.run(query("SELECT 1")), "network", 3000);
      const pg = postgresEngine({
        url: `postgres://secret:${PG_ROLES.secret}@127.0.0.1:${silent.port}/postgres`,
        connectTimeoutMs: 1000,
        timeoutMs: 1500,
      });
      await assertFails(() => pg.run(query("SELECT 1")), ["timeout", "network"], 4000);
      await pg.close();
      const pgClosed = postgresEngine(`postgres://secret:${PG_ROLES.secret}@127.0.0.1:${closed}/x`);
      await assertFails(() => pgClosed.run(query("SELECT 1")), "network", 4000);
      await pgClosed.close();
    } finally {
      silent.close();
    }
  },
});

Deno.test({
  name: "PostgreSQL: passwords, read-only role, TEMP uploads, stopped and frozen servers",
  ignore: !serverAvailable(postgresBin(), "PostgreSQL"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let server: TestPostgres | undefined = await startPostgres(postgresBin()!);
    try {
      const at = (role: string, password: string) =>
        `postgres://${role}:${password}@127.0.0.1:${server!.port}/postgres`;
      const wrong = postgresEngine(at("secret", "not-the-password"));
      await assertFails(() => wrong.run(query("SELECT 1")), "authentication", 5000);
      await wrong.close();
      // The read-only role has no CREATE right on any schema: TEMP uploads still work.
      const reader = postgresEngine(at("reader", PG_ROLES.reader));
      await samePooled(reader);
      await assertFails(
        () => reader.run(query("CREATE TABLE public.t (x int)")),
        "permission",
        5000,
      );
      await reader.close();
      const secret = postgresEngine({ url: at("secret", PG_ROLES.secret), timeoutMs: 1500 });
      await samePooled(secret);
      await assertFails(() => secret.run(query("SELECT pg_sleep(5)")), "timeout", 3500);
      // A caller's signal cancels an analysis (its query stops on the server).
      await secret.run(query(
        "CREATE VIEW slow_answers AS SELECT v.* FROM (VALUES (10, 'chat'), (3, 'web')) v(nps_score, channel), LATERAL (SELECT pg_sleep(5)) s",
      ));
      await assertFails(
        () => nps({ engine: secret, table: "slow_answers" }, { signal: AbortSignal.timeout(300) }),
        "cancelled",
        2000,
      );
      await assertFails(
        () => secret.run(query("SELECT pg_sleep(5)"), { signal: AbortSignal.timeout(300) }),
        "cancelled",
        2000,
      );
      assert.equal(await pgLeftovers(server.url), 0, "no __cx_ table left");
      // Frozen: the postmaster and its backends stopped with SIGSTOP.
      const pid = await server.pid();
      const frozenEngine = postgresEngine({
        url: at("secret", PG_ROLES.secret),
        connectTimeoutMs: 1000,
        timeoutMs: 1500,
      });
      signal(pid, "SIGSTOP", true);
      try {
        await assertFails(() => frozenEngine.run(query("SELECT 1")), ["timeout"], 3500);
      } finally {
        signal(pid, "SIGCONT", true);
      }
      await frozenEngine.close();
      // Stopped during a query.
      const running = secret.run(query("SELECT pg_sleep(10)"));
      const stopping = new Promise((r) => setTimeout(r, 300)).then(() => server!.stop("immediate"));
      await assertFails(() => running, ["network", "server"], 5000);
      await stopping;
      server = undefined;
      await secret.close();
    } finally {
      await server?.stop();
    }
  },
});

Deno.test({
  name:
    "ClickHouse: passwords, read-only user, external-data uploads, proxy, frozen and stopped shards",
  ignore: !serverAvailable(clickhouseBin(), "ClickHouse"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startClickhouse(clickhouseBin()!);
    const ports = server.shards.map((u) => Number(new URL(u).port));
    const proxy = roundRobinProxy(ports);
    try {
      const at = (user: string, password: string, url = server.shards[0], timeoutMs = 2000) =>
        clickhouseEngine({ url, user, password, timeoutMs, connectTimeoutMs: 1000 });
      await assertFails(() => at("secret", "wrong").run(query("SELECT 1")), "authentication", 3000);
      // External data: no table is created, so a read-only user and a proxy work.
      await samePooled(at("reader", CH_USERS.reader));
      const behindProxy = at("secret", CH_USERS.secret, `http://127.0.0.1:${proxy.port}`);
      for (let k = 0; k < 4; k++) await samePooled(behindProxy);
      assert.deepEqual(await chLeftovers(server), []);
      // A long query is cut at the deadline and killed on the server.
      const secret = at("secret", CH_USERS.secret);
      await assertFails(
        () => secret.run(query("SELECT count() FROM system.numbers WHERE number % 7 = 99")),
        "timeout",
        4000,
      );
      await new Promise((r) => setTimeout(r, 500));
      const running = await (secret as ClickhouseEngine).exec(
        "SELECT count() FROM system.processes WHERE query LIKE '%number % 7 = 99%' AND query NOT LIKE '%system.processes%'",
      );
      assert.equal(running.trim(), "0", "the timed-out query was killed on the server");
      // A frozen shard: a Distributed query through the first node cannot finish.
      await secret.exec(
        "CREATE TABLE IF NOT EXISTS nums_local (x UInt64) ENGINE = Memory",
        { url: server.shards[1] },
      );
      await secret.exec("CREATE TABLE IF NOT EXISTS nums_local (x UInt64) ENGINE = Memory");
      await secret.exec(
        `CREATE TABLE nums AS nums_local ENGINE = Distributed(${server.cluster}, default, nums_local)`,
      );
      Deno.kill(server.pids[1], "SIGSTOP");
      try {
        await assertFails(
          () => secret.run(query("SELECT count() FROM nums")),
          ["timeout", "server"],
          4000,
        );
      } finally {
        Deno.kill(server.pids[1], "SIGCONT");
      }
      // A whole frozen node.
      Deno.kill(server.pids[0], "SIGSTOP");
      try {
        await assertFails(() => secret.run(query("SELECT 1")), "timeout", 4000);
      } finally {
        Deno.kill(server.pids[0], "SIGCONT");
      }
      // Stopped during a query.
      const running2 = secret.run(query("SELECT count() FROM system.numbers WHERE number = 0"));
      await new Promise((r) => setTimeout(r, 300));
      Deno.kill(server.pids[0], "SIGKILL");
      await assertFails(() => running2, "network", 4000);
    } finally {
      proxy.close();
      await server.stop();
    }
  },
});
