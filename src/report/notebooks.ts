/**
 * Executes the project's Jupyter notebooks (Deno kernel) into static HTML with
 * `jupyter nbconvert`, for `deno task notebooks`, the report and CI.
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import { CxError, CxOptionsError } from "../errors.ts";

/** Options of {@linkcode executeNotebooks}. */
export interface ExecuteNotebooksOptions {
  /** Folder whose `*.ipynb` files are executed (not recursive). Default `"notebooks"`. */
  dir?: string;
  /** Folder the HTML files are written to (created if missing). Default `"report/notebooks"`. */
  outDir?: string;
  /** Longest time one cell may run, in seconds. Default 300. */
  timeoutSeconds?: number;
  /** Called with a line of progress before and after each notebook. */
  onProgress?: (msg: string) => void;
}

/** One executed notebook. */
export interface ExecutedNotebook {
  /** Path of the notebook that was run. */
  notebook: string;
  /** Path of the HTML file written. */
  html: string;
}

/** How to get Jupyter and the Deno kernel, for error messages. */
export const JUPYTER_INSTALL_HINT: string = "Install Jupyter and the Deno kernel with (as root)\n" +
  "  DEBIAN_FRONTEND=noninteractive apt-get install -y jupyter-nbconvert python3-nbclient " +
  "jupyter-client python3-ipykernel\n" +
  "  deno jupyter --install\n" +
  "(or `pip install nbconvert nbclient ipykernel` instead of apt).";

/**
 * Runs every `*.ipynb` in `dir` under real Jupyter, one after the other, and
 * writes each as HTML into `outDir` with
 * `jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=<s> --output-dir <outDir> <notebook>`.
 * The kernel starts in the notebook's folder, so notebooks import
 * `"../src/mod.ts"` and read data relative to themselves.
 *
 * Throws a `CxError` with the end of nbconvert's error output when a notebook
 * fails (a cell throws or times out), and a `CxError` saying how to install
 * Jupyter when `jupyter` is not on the PATH. A folder without notebooks gives
 * an empty list and needs no Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { executeNotebooks } from "./notebooks.ts";
 * const empty = await Deno.makeTempDir();
 * const done = await executeNotebooks({ dir: empty, outDir: `${empty}/html` });
 * assert.ok(done.length === 0);
 * ```
 */
export async function executeNotebooks(
  options: ExecuteNotebooksOptions = {},
): Promise<ExecutedNotebook[]> {
  const { dir = "notebooks", outDir = "report/notebooks", timeoutSeconds = 300, onProgress } =
    options;
  if (!(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0)) {
    throw new CxOptionsError(
      `Option "timeoutSeconds" must be a positive number of seconds per cell, got ${timeoutSeconds}`,
    );
  }
  const notebooks = await listNotebooks(dir);
  if (notebooks.length === 0) {
    onProgress?.(`no notebooks in ${dir}`);
    return [];
  }
  if (!(await jupyterAvailable())) {
    throw new CxError(
      `Executing notebooks needs Jupyter (jupyter nbconvert) on the PATH.\n${JUPYTER_INSTALL_HINT}`,
    );
  }
  await Deno.mkdir(outDir, { recursive: true });
  const done: ExecutedNotebook[] = [];
  for (const [i, notebook] of notebooks.entries()) {
    onProgress?.(`executing ${notebook} (${i + 1}/${notebooks.length})`);
    const started = performance.now();
    await runNbconvert(notebook, outDir, timeoutSeconds);
    const html = join(outDir, `${basename(notebook, ".ipynb")}.html`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    onProgress?.(`wrote ${html} (${seconds} s)`);
    done.push({ notebook, html });
  }
  return done;
}

/**
 * Whether `jupyter nbconvert` can be run from this process's PATH.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterAvailable } from "./notebooks.ts";
 * const available: boolean = await jupyterAvailable();
 * assert.ok(typeof available === "boolean");
 * ```
 */
export async function jupyterAvailable(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("jupyter", {
      args: ["nbconvert", "--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function listNotebooks(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".ipynb")) names.push(entry.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new CxOptionsError(`Option "dir": there is no folder "${dir}" (from ${Deno.cwd()})`);
    }
    throw e;
  }
  return names.sort().map((name) => join(dir, name));
}

async function runNbconvert(notebook: string, outDir: string, timeoutSeconds: number) {
  const args = [
    "nbconvert",
    "--to",
    "html",
    "--execute",
    `--ExecutePreprocessor.timeout=${Math.ceil(timeoutSeconds)}`,
    "--output-dir",
    resolve(outDir),
    resolve(notebook),
  ];
  const { success, code, stderr } = await new Deno.Command("jupyter", {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (success) return;
  const log = new TextDecoder().decode(stderr);
  const hint = /NoSuchKernel|No such kernel/.test(log)
    ? "\nThe notebook's kernel is not installed; for the Deno kernel run `deno jupyter --install`."
    : "";
  throw new CxError(
    `Notebook ${notebook} failed (jupyter nbconvert exited with ${code}).${hint}\n` +
      `Command: jupyter ${args.join(" ")}\n` +
      `Last lines of its output:\n${tail(log, 40)}`,
  );
}

/**
 * The last `n` lines worth reading: from nbclient's own error line when there
 * is one (the Python stack above it says nothing about the notebook), without
 * the Python debugger's start-up chatter.
 */
function tail(text: string, n: number): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "" && !/^\d+\.\d+s - /.test(l));
  const start = lines.findLastIndex((l) => NBCLIENT_ERROR.test(l));
  const kept = start >= 0 ? lines.slice(start, start + n) : lines.slice(-n);
  return kept.map((l) => `  ${l}`).join("\n");
}

const NBCLIENT_ERROR =
  /^(nbclient\.exceptions\.|jupyter_client\.kernelspec\.NoSuchKernel|TimeoutError)/;
