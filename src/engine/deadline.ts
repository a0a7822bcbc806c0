/**
 * What every server engine does around a call: a deadline and the caller's
 * `AbortSignal` (whichever comes first ends the call, and the server is told
 * to stop the query), a connect check with its own short deadline, and
 * scrubbing credentials out of every text that leaves the engine. Failures
 * become one {@link CxEngineError} naming host, port and the elapsed time.
 *
 * @module
 */
import { CxEngineError, CxOptionsError, type EngineFailure } from "../errors.ts";

/** Timeouts of a server engine, in milliseconds. */
export interface EngineTimeouts {
  /** Most time to open a connection (default 10 000). */
  connectTimeoutMs?: number;
  /** Most time for one query, on the client and on the server (default 600 000). */
  timeoutMs?: number;
}

/** How far an upload of an in-memory table has come. */
export interface UploadProgress {
  /** Rows sent so far. */
  rows: number;
  /** Rows in the table. */
  total: number;
}

/** Default connect timeout: 10 s. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Default query timeout: 10 min. */
export const QUERY_TIMEOUT_MS = 600_000;

/**
 * Checked timeouts with their defaults.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTimeouts } from "./deadline.ts";
 * assert.deepEqual(checkTimeouts({ timeoutMs: 5000 }), { connectTimeoutMs: 10000, timeoutMs: 5000 });
 * assert.throws(() => checkTimeouts({ timeoutMs: 0 }), /"timeoutMs" must be a whole number of milliseconds > 0/);
 * ```
 */
export function checkTimeouts(options: EngineTimeouts): Required<EngineTimeouts> {
  const { connectTimeoutMs = CONNECT_TIMEOUT_MS, timeoutMs = QUERY_TIMEOUT_MS } = options;
  for (const [name, value] of Object.entries({ connectTimeoutMs, timeoutMs })) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new CxOptionsError(
        `Option "${name}" must be a whole number of milliseconds > 0, got ${JSON.stringify(value)}`,
      );
    }
  }
  return { connectTimeoutMs, timeoutMs };
}

/** Where a server engine talks to, for messages, and the secrets never to print. */
export interface EngineTarget {
  /** The dialect, e.g. `"clickhouse"`. */
  engine: string;
  /** `host:port`. */
  host: string;
  /** Passwords and other secrets: removed (also URL-encoded) from every message. */
  secrets: readonly string[];
}

/**
 * The text with every secret of the target (plain and URL-encoded) replaced by `***`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scrub } from "./deadline.ts";
 * const target = { engine: "clickhouse", host: "h:1", secrets: ["p@ss word"] };
 * assert.equal(scrub(target, "password=p%40ss%20word and p@ss word"), "password=*** and ***");
 * ```
 */
export function scrub(target: EngineTarget, text: string): string {
  let out = text;
  for (const secret of target.secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), encodeURI(secret)])) {
      out = out.split(form).join("***");
    }
  }
  return out;
}

/** The error for a failed call: classified, scrubbed, timed. */
export function engineError(
  target: EngineTarget,
  failure: EngineFailure,
  started: number,
  detail: string,
): CxEngineError {
  return new CxEngineError({
    engine: target.engine,
    host: target.host,
    failure,
    elapsedMs: Date.now() - started,
    detail: scrub(target, detail).trim(),
  });
}

/** How one call ends early: its deadline, and the caller's signal. */
export interface CallLimits {
  /** Most time for the call (none when left out). */
  timeoutMs?: number;
  /** The caller's signal (option `signal`), if any. */
  signal?: AbortSignal;
  /** Tells the server to stop the query (fire and forget; its own failures are ignored). */
  cancel?: () => Promise<unknown>;
}

/**
 * Runs `work` until it settles, its deadline passes or the caller's signal
 * aborts — then `cancel` tells the server to stop, and the call rejects at
 * once with a `CxEngineError` (`"timeout"` or `"cancelled"`), without
 * waiting for the server. Any other failure is passed to `classify`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { limitCall } from "./deadline.ts";
 * const target = { engine: "clickhouse", host: "127.0.0.1:1", secrets: [] };
 * let cancelled = false;
 * await assert.rejects(
 *   limitCall(target, (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))), {
 *     timeoutMs: 50,
 *     cancel: () => Promise.resolve(cancelled = true),
 *   }, () => "server"),
 *   /clickhouse at 127.0.0.1:1 timed out after 0\.\d s: no answer within 0\.05 s/,
 * );
 * assert.equal(cancelled, true);
 * ```
 */
export function limitCall<T>(
  target: EngineTarget,
  work: (signal: AbortSignal) => Promise<T>,
  limits: CallLimits,
  classify: (error: unknown) => EngineFailure,
): Promise<T> {
  const started = Date.now();
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const stop = (failure: EngineFailure, detail: string) =>
      finish(() => {
        controller.abort();
        limits.cancel?.().catch(() => {});
        reject(engineError(target, failure, started, detail));
      });
    const onAbort = () => stop("cancelled", "the caller's signal aborted the call");
    const timer = limits.timeoutMs === undefined ? undefined : setTimeout(
      () => stop("timeout", `no answer within ${limits.timeoutMs! / 1000} s`),
      limits.timeoutMs,
    );
    if (limits.signal?.aborted) return onAbort();
    limits.signal?.addEventListener("abort", onAbort);
    work(controller.signal).then(
      (value) => finish(() => resolve(value)),
      (error) =>
        finish(() => {
          if (error instanceof CxEngineError) return reject(error);
          const detail = error instanceof Error ? error.message : String(error);
          reject(engineError(target, classify(error), started, detail));
        }),
    );
  });
}

/**
 * Resolves when a TCP connection to `host:port` opens within the connect
 * timeout; else rejects with a `CxEngineError` (`"network"` or `"timeout"`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkReachable } from "./deadline.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const { port } = listener.addr as Deno.NetAddr;
 * listener.close();
 * const target = { engine: "postgres", host: `127.0.0.1:${port}`, secrets: [] };
 * await assert.rejects(checkReachable(target, "127.0.0.1", port, 1000), /could not be reached/);
 * ```
 */
export async function checkReachable(
  target: EngineTarget,
  hostname: string,
  port: number,
  connectTimeoutMs: number,
): Promise<void> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          engineError(
            target,
            "timeout",
            started,
            `no connection within ${connectTimeoutMs / 1000} s`,
          ),
        ),
      connectTimeoutMs,
    );
  });
  const connecting = Deno.connect({ hostname, port });
  try {
    const conn = await Promise.race([connecting, timeout]);
    conn.close();
  } catch (e) {
    if (e instanceof CxEngineError) {
      connecting.then((c) => c.close(), () => {});
      throw e;
    }
    throw engineError(target, "network", started, (e as Error).message);
  } finally {
    clearTimeout(timer);
  }
}
