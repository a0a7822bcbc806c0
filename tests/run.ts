/**
 * The test command (`deno task test`): starts one throwaway PostgreSQL and one
 * two-shard ClickHouse cluster for the whole run, hands them to every test
 * file through environment variables ({@link SHARED_ENV}), type-checks the
 * whole selection once while it runs the selection as `deno test` batches
 * side by side (one per core, `DENO_JOBS` to change that; see `run_plan.ts`
 * for how the batches are made and why each is one generated module), prints
 * each batch's report when it ends, a total and the errors of failed
 * batches, and stops the servers, whatever the outcome. It exits 1 when the
 * check or any batch fails.
 *
 * Arguments replace the default selection (`--doc src/ tests/ README.md`)
 * and run as one `deno test`: `deno task test tests/engine/` runs one folder
 * with the shared servers. A test file run directly with `deno test` starts
 * its own servers.
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
import { availableParallelism } from "node:os";
import { batches, readSummary, type RunSummary, testUnits, writeBatch } from "./run_plan.ts";

/** Starts whichever servers are installed; the others stay absent (their tests skip or fail in CI). */
async function startServers(): Promise<{ pg?: TestPostgres; ch?: TestClickhouse }> {
  const pgBin = postgresBin(), chBin = clickhouseBin();
  const [pg, ch] = await Promise.all([
    pgBin ? startPostgres(pgBin) : undefined,
    chBin ? startClickhouse(chBin) : undefined,
  ]);
  return { pg, ch };
}

/**
 * The optional danfo.js interop (`./danfo`) is imported only when used, so
 * that a first run never installs danfojs-node and TensorFlow (about 350 MB
 * of `node_modules`: with `nodeModulesDir: "auto"`, Deno installs every
 * package the lockfile lists). Its tests import it, and Deno then writes it
 * into `deno.lock`; a lock committed that way would bring it back to every
 * user. So the committed lock must not list it, and a test run leaves the
 * lock as it found it in that respect.
 */
const OPTIONAL_IN_LOCK = "npm:danfojs-node@";

async function main(args: string[]): Promise<number> {
  const started = performance.now();
  const lock = await Deno.readTextFile("deno.lock").catch(() => undefined);
  if (lock?.includes(OPTIONAL_IN_LOCK)) {
    console.error(
      "deno.lock lists danfojs-node, so every first run would install it with TensorFlow; " +
        "run `git checkout deno.lock` (a test run adds it; it must not be committed)",
    );
    return 1;
  }
  try {
    return await testAll(args, started);
  } finally {
    const after = await Deno.readTextFile("deno.lock").catch(() => undefined);
    if (lock !== undefined && after?.includes(OPTIONAL_IN_LOCK)) {
      await Deno.writeTextFile("deno.lock", lock);
    }
  }
}

async function testAll(args: string[], started: number): Promise<number> {
  const { pg, ch } = await startServers();
  const env: Record<string, string> = {};
  if (pg) env[SHARED_ENV.postgres] = pg.url;
  if (ch) env[SHARED_ENV.clickhouse] = ch.shards.join(",");
  console.error(
    `test servers: ${pg ? `PostgreSQL ${pg.url}` : "no PostgreSQL"}, ${
      ch ? `ClickHouse ${ch.shards.join(" ")}` : "no ClickHouse"
    } (${seconds(started)})`,
  );
  const abort = new AbortController();
  const stop = () => abort.abort();
  Deno.addSignalListener("SIGINT", stop);
  try {
    if (args.length) return (await deno(["test", "-A", ...args], env, abort.signal, true)).code;
    return await runBatches(env, abort.signal, started);
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    await Promise.all([pg?.stop(), ch?.stop()]);
  }
}

/**
 * Type-checks everything once (`deno check --doc`, README.md's blocks too)
 * while the batches run on `DENO_JOBS` (default: every core) workers, each
 * batch as one generated module (see `run_plan.ts`); a failed check stops
 * the runs. Ends with the total and, for every failed run, its errors again,
 * so the end of the output says what failed.
 */
async function runBatches(
  env: Record<string, string>,
  signal: AbortSignal,
  started: number,
): Promise<number> {
  const workers = Number(Deno.env.get("DENO_JOBS")) || availableParallelism();
  const queue = batches(testUnits("."), workers);
  const scratch = await Deno.makeTempDir({ prefix: "cxkit-test-runs-" });
  const stopRuns = new AbortController();
  const runSignal = AbortSignal.any([signal, stopRuns.signal]);
  const typeCheck = (async () => {
    const began = performance.now();
    // One program for all three: README.md's blocks import src/, so a second `deno check` for
    // them would load src/'s types again (2026-12-03, cold: 9.1 s against 9.4 s + 5.3 s).
    const args = ["check", "-q", "--doc", "src/", "tests/", "README.md"];
    const result = await deno(args, env, runSignal, false);
    await Deno.stdout.write(result.output);
    console.log(
      `(type check of src/, tests/ and README.md: exit ${result.code}, ${seconds(began)})\n`,
    );
    if (result.code !== 0) stopRuns.abort();
    return result.code;
  })();
  const total: RunSummary = { passed: 0, failed: 0, ignored: 0 };
  const broken: { run: string; errors: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < queue.length && !runSignal.aborted) {
      const index = next++, batch = queue[index], began = performance.now();
      const dir = await Deno.makeTempDir({ dir: scratch, prefix: `run_${index + 1}_` });
      const module = writeBatch(batch, Deno.cwd(), dir);
      const run = await deno(testArgs(module), env, runSignal, false);
      if (runSignal.aborted) break; // stopped: a failed check or Ctrl-C, reported below
      await Deno.stdout.write(run.output);
      console.log(
        `(run ${index + 1} of ${queue.length}: ${batch.length} units, ${seconds(began)}, ` +
          `started ${seconds(started, began)} into the suite)\n`,
      );
      const report = new TextDecoder().decode(run.output);
      const summary = readSummary(report);
      for (const key of ["passed", "failed", "ignored"] as const) total[key] += summary?.[key] ?? 0;
      if (run.code !== 0 || !summary) {
        broken.push({ run: `${index + 1} (${batch.length} units)`, errors: failures(report) });
      }
    }
  };
  try {
    const [checked] = await Promise.all([
      typeCheck,
      ...Array.from({ length: Math.min(workers, queue.length) }, worker),
    ]);
    for (const { run, errors } of broken) console.log(`\nfailed: run ${run}\n${errors}`);
    if (checked !== 0) console.log("\ntype check failed: see its errors above");
    console.log(
      `\n${queue.length} deno test runs on ${workers} workers took ${seconds(started)}; ` +
        `${total.ignored} tests ignored`,
    );
    // Last and alone on its line, in the plain form CI reads ("N passed, N failed, N skipped").
    console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.ignored} skipped`);
    return broken.length || checked !== 0 || signal.aborted ? 1 : 0;
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
}

/** The error part of a `deno test` report (from its "ERRORS" line on), or its last lines. */
function failures(report: string): string {
  // deno-lint-ignore no-control-regex
  const lines = report.replace(/\x1b\[[0-9;]*m/g, "").split("\n");
  const from = lines.findIndex((l) => l.trim() === "ERRORS");
  return (from >= 0 ? lines.slice(from) : lines.slice(-40)).join("\n").trim();
}

function testArgs(module: string): string[] {
  return ["test", "-A", "--no-check", "--config", "deno.json", module];
}

/**
 * Runs `deno args`: its output straight to the terminal (`inherit`) or
 * collected, stdout and stderr in the order they arrived.
 */
async function deno(
  args: string[],
  env: Record<string, string>,
  signal: AbortSignal,
  inherit: boolean,
): Promise<{ code: number; output: Uint8Array }> {
  const io = inherit ? "inherit" : "piped";
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdin: "null",
    stdout: io,
    stderr: io,
  })
    .spawn();
  const kill = () => child.kill("SIGTERM");
  signal.addEventListener("abort", kill);
  const chunks: Uint8Array[] = [];
  const collect = async (stream: ReadableStream<Uint8Array> | null) => {
    if (stream) { for await (const chunk of stream) chunks.push(chunk); }
  };
  try {
    if (!inherit) await Promise.all([collect(child.stdout), collect(child.stderr)]);
    const { code } = await child.status;
    return { code, output: concat(chunks) };
  } finally {
    signal.removeEventListener("abort", kill);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, at), at += c.length;
  return out;
}

/** The time from `since` to `until` (default: now), as "12.3 s" or "6m05s". */
function seconds(since: number, until = performance.now()): string {
  const s = (until - since) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s); // 419.6 s is 7m00s, not 6m60s
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
