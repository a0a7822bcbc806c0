/**
 * The test command (`deno task test`): starts one throwaway PostgreSQL and one
 * two-shard ClickHouse cluster for the whole run, hands them to every test
 * file through environment variables ({@link SHARED_ENV}), runs
 * `deno test --parallel` (test files on every core, `DENO_JOBS` to change
 * that) and stops the servers, whatever the outcome. The exit code is
 * `deno test`'s.
 *
 * Arguments replace the default selection (`--doc src/ tests/ README.md`):
 * `deno task test tests/engine/` runs one folder with the shared servers.
 * A test file run directly with `deno test` starts its own servers.
 *
 * @module
 */
import {
  clickhouseBin,
  postgresBin,
  SHARED_ENV,
  startClickhouse,
  startPostgres,
  type TestClickhouse,
  type TestPostgres,
} from "./engine/servers.ts";

const DEFAULT_SELECTION = ["--doc", "src/", "tests/", "README.md"];

/** Starts whichever servers are installed; the others stay absent (their tests skip or fail in CI). */
async function startServers(): Promise<{ pg?: TestPostgres; ch?: TestClickhouse }> {
  const pgBin = postgresBin(), chBin = clickhouseBin();
  const [pg, ch] = await Promise.all([
    pgBin ? startPostgres(pgBin) : undefined,
    chBin ? startClickhouse(chBin) : undefined,
  ]);
  return { pg, ch };
}

async function main(args: string[]): Promise<number> {
  const started = performance.now();
  const { pg, ch } = await startServers();
  const env: Record<string, string> = {};
  if (pg) env[SHARED_ENV.postgres] = pg.url;
  if (ch) env[SHARED_ENV.clickhouse] = ch.shards.join(",");
  console.error(
    `test servers: ${pg ? `PostgreSQL ${pg.url}` : "no PostgreSQL"}, ${
      ch ? `ClickHouse ${ch.shards.join(" ")}` : "no ClickHouse"
    } (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--parallel", ...(args.length ? args : DEFAULT_SELECTION)],
    env,
    stdin: "null",
  }).spawn();
  const stop = () => child.kill("SIGTERM");
  Deno.addSignalListener("SIGINT", stop);
  try {
    return (await child.status).code;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    await Promise.all([pg?.stop(), ch?.stop()]);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
