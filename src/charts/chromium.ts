/**
 * The system's headless Chromium, shared by the PDF printer of the report
 * and {@link renderPng}: where to find it, the flags of every run, and a
 * browser session driven by playwright-core over the DevTools protocol
 * (Chromium runs with exactly these flags and a fresh profile; a browser is
 * never downloaded).
 *
 * @module
 */
import type { Browser } from "playwright-core";
import { CxError } from "../errors.ts";

/** How to get Chromium, for error messages. */
export const CHROMIUM_INSTALL_HINT: string =
  "Install it with (as root) `DEBIAN_FRONTEND=noninteractive apt-get install -y chromium`, " +
  "or set CHROMIUM_PATH to a Chromium or Chrome executable.";

/** Flags of every headless Chromium run (PDF, PNG and browser tests). */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The Chromium executable: `CHROMIUM_PATH`, else the first of
 * `/usr/bin/chromium`, `/usr/bin/chromium-browser`, `/usr/bin/google-chrome`
 * that exists, else `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findChromium } from "./chromium.ts";
 * const path: string | undefined = await findChromium();
 * assert.ok(path === undefined || path.length > 0);
 * ```
 */
export async function findChromium(): Promise<string | undefined> {
  const candidates = [
    Deno.env.get("CHROMIUM_PATH"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  for (const path of candidates) {
    if (!path) continue;
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch {
      // not there: try the next one
    }
  }
  return undefined;
}

/** A running headless Chromium and the playwright-core connection to it. */
export interface ChromiumSession {
  /** The connected browser. */
  browser: Browser;
  /** Closes the connection, stops Chromium and removes its profile. */
  close(): Promise<void>;
}

/**
 * Starts the system Chromium with {@link CHROMIUM_ARGS}, a fresh profile and
 * a DevTools port on 127.0.0.1, and connects playwright-core to it
 * (playwright's own launcher would add its flags and manage the profile).
 * Throws a `CxError` saying how to install Chromium when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findChromium, openChromium } from "./chromium.ts";
 * if (await findChromium()) {
 *   const session = await openChromium();
 *   assert.ok(session.browser.isConnected());
 *   await session.close();
 * }
 * ```
 */
export async function openChromium(executable?: string): Promise<ChromiumSession> {
  const path = executable ?? await findChromium();
  if (!path) throw new CxError(`Drawing with Chromium needs Chromium. ${CHROMIUM_INSTALL_HINT}`);
  const { chromium } = await import("playwright-core");
  const profile = await Deno.makeTempDir({ prefix: "cxkit-chromium-" });
  const child = new Deno.Command(path, {
    args: [
      ...CHROMIUM_ARGS,
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "--remote-debugging-address=127.0.0.1",
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  };
  try {
    const endpoint = await devToolsEndpoint(child);
    const browser = await chromium.connectOverCDP(endpoint);
    return {
      browser,
      close: async () => {
        await browser.close().catch(() => {});
        await stop();
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Reads Chromium's stderr up to its DevTools URL, then keeps draining it. */
async function devToolsEndpoint(child: Deno.ChildProcess): Promise<string> {
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { value, done } = await lines.read();
    if (done) break;
    seen += value;
    const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
    if (match) {
      // Keep draining Chromium's log so it never blocks on a full pipe.
      (async () => {
        while (!(await lines.read()).done);
      })().catch(() => {});
      return match[1];
    }
  }
  throw new CxError(`Chromium did not start its DevTools endpoint:\n${seen.slice(-2000)}`);
}
