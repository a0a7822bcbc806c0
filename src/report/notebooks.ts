/**
 * Executes the project's Jupyter notebooks (Deno kernel) into static HTML with
 * `jupyter nbconvert`, for `deno task notebooks`, the report and CI.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { z } from "zod";
import { CxError, CxOptionsError } from "../errors.ts";
import { parseJsonText } from "../io/json.ts";
import { fileError } from "../io/source.ts";
import type { Lang } from "./format.ts";
import { renderPage } from "./html.ts";
import { redactPage } from "./privacy.ts";
import { type NotebookParamName, paramEnv } from "./params.ts";
import { checkOptions, optionNames } from "../options.ts";

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
  /**
   * Parameters handed to every notebook as environment variables of its
   * kernel: `{ data: "teams/b" }` becomes `CXKIT_DATA` (paths made absolute,
   * since the kernel starts in the notebook's folder). Notebooks read them
   * with `notebookParams()`.
   */
  params?: Partial<Record<NotebookParamName, string>>;
  /**
   * Language of the placeholders that replace personal data in the
   * published output (default `"en"`): e-mail addresses, phone numbers,
   * IBANs and card numbers in the rendered cells become `[email]`, `[phone]`,
   * `[IBAN]`, `[card]` (`[E-Mail]`, `[Telefon]`, … in German).
   */
  lang?: Lang;
}

/** The names of {@link ExecuteNotebooksOptions}. */
export const EXECUTE_NOTEBOOKS_OPTIONS = optionNames<ExecuteNotebooksOptions>()([
  "dir",
  "outDir",
  "timeoutSeconds",
  "onProgress",
  "params",
  "lang",
]);

/** One executed notebook. */
export interface ExecutedNotebook {
  /** Path of the notebook that was run. */
  notebook: string;
  /** Path of the HTML file written. */
  html: string;
  /** The notebook's title: its first Markdown heading, else its file name. */
  title: string;
  /** The rendered cells (nbconvert's basic template), for embedding in the report site. */
  body: string;
}

/** What `deno task notebooks` leaves in `OUT/notebooks/notebooks.json` for later report runs. */
export interface NotebookManifest {
  /** The `CXKIT_*` parameters the notebooks ran with. */
  params?: Record<string, string>;
  /** The pages written: `notebooks/<name>.html` and their titles (no bodies). */
  notebooks: { path: string; title: string }[];
}

/** A notebook page's path in the site: directly in `notebooks/`, a plain file name. */
const PAGE_PATH = /^notebooks\/[A-Za-z0-9_][A-Za-z0-9_.-]{0,150}\.html$/;
const manifestSchema = z.strictObject({
  params: z.record(
    z.string().regex(/^CXKIT_(DATA|PERIOD|SEGMENT|FROM|TO)$/),
    z.string().max(4096),
  ).optional(),
  notebooks: z.array(
    z.strictObject({ path: z.string().regex(PAGE_PATH), title: z.string().max(500) }),
  ).max(10_000),
});

/**
 * Writes the manifest of executed notebooks to `OUT/notebooks/notebooks.json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNotebookManifest, writeNotebookManifest } from "./notebooks.ts";
 * const out = await Deno.makeTempDir();
 * await Deno.mkdir(`${out}/notebooks`);
 * await Deno.writeTextFile(`${out}/notebooks/a.html`, "<p>a</p>");
 * const manifest = { notebooks: [{ path: "notebooks/a.html", title: "A" }] };
 * await writeNotebookManifest(out, manifest);
 * assert.deepEqual(await readNotebookManifest(out), manifest);
 * ```
 */
export async function writeNotebookManifest(
  out: string,
  manifest: NotebookManifest,
): Promise<void> {
  await Deno.writeTextFile(
    join(out, "notebooks", "notebooks.json"),
    JSON.stringify(manifest, null, 2) + "\n",
  );
}

/**
 * Reads back the manifest an earlier `deno task notebooks` left in `out`, or
 * `undefined` when there is none. It is checked before anything in it is
 * used: the manifest and every page it names must be plain files directly in
 * `out/notebooks/` (no `..`, no absolute path, no link), only the keys cxkit
 * writes may appear (a page body is never taken from disk: the pages stay as
 * they were written), and a problem is a `CxDataError` that never quotes the
 * file's content.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNotebookManifest } from "./notebooks.ts";
 * const out = await Deno.makeTempDir();
 * assert.equal(await readNotebookManifest(out), undefined);
 * await Deno.mkdir(`${out}/notebooks`);
 * const planted = { notebooks: [{ path: "../../secret.html", title: "x" }] };
 * await Deno.writeTextFile(`${out}/notebooks/notebooks.json`, JSON.stringify(planted));
 * await assert.rejects(readNotebookManifest(out), /notebooks\[1\]\.path: not a page directly in notebooks\//);
 * ```
 */
export async function readNotebookManifest(out: string): Promise<NotebookManifest | undefined> {
  const path = join(out, "notebooks", "notebooks.json");
  const info = await Deno.lstat(path).catch(() => undefined);
  if (!info) return undefined;
  const fail = (problem: string) =>
    fileError(
      path,
      "is not a manifest written by `deno task notebooks`",
      `${problem}; delete it, or run \`deno task notebooks\` again to rewrite it`,
    );
  const root = await Deno.realPath(out);
  if (!info.isFile || dirname(await Deno.realPath(path)) !== join(root, "notebooks")) {
    throw fail("it is not a plain file inside the site folder");
  }
  const parsed = manifestSchema.safeParse(parseJsonText(await Deno.readTextFile(path), path));
  if (!parsed.success) throw fail(parsed.error.issues.slice(0, 5).map(describeIssue).join("; "));
  for (const [i, n] of parsed.data.notebooks.entries()) {
    // A page missing on disk only gives a dead link; a link or folder there is refused.
    const page = await Deno.lstat(join(out, n.path)).catch(() => undefined);
    if (page && !page.isFile) throw fail(`notebooks[${i + 1}].path: not a plain file`);
  }
  return parsed.data;
}

const MANIFEST_KEYS = ["params", "notebooks", "path", "title"];

/** An issue by where and what, never by the value found (it came from disk). */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where =
    issue.path.map((p) =>
      typeof p === "number"
        ? `[${p + 1}]`
        : MANIFEST_KEYS.includes(p as string)
        ? `.${String(p)}`
        : ""
    ).join("").replace(/^\./, "") || "top level";
  const what = issue.code === "unrecognized_keys"
    ? "keys cxkit never writes (page bodies are not read from disk)"
    : issue.code === "invalid_key" || where === "params"
    ? "not a CXKIT_* parameter"
    : issue.code === "invalid_format"
    ? "not a page directly in notebooks/ (notebooks/NAME.html)"
    : issue.code === "too_big"
    ? "too long"
    : "of the wrong type";
  return `${where}: ${what}`;
}

/** How to get Jupyter and the Deno kernel, for error messages. */
export const JUPYTER_INSTALL_HINT: string = "Install Jupyter and the Deno kernel with (as root)\n" +
  "  DEBIAN_FRONTEND=noninteractive apt-get install -y jupyter-nbconvert python3-nbclient " +
  "jupyter-client python3-ipykernel\n" +
  "  deno jupyter --install\n" +
  "(or `pip install nbconvert nbclient ipykernel` instead of apt).";

/**
 * Runs every `*.ipynb` in `dir` under real Jupyter, one after the other in
 * one nbconvert process (see {@linkcode runNbconvert}: `jupyter nbconvert
 * --to html --template basic --execute --ExecutePreprocessor.timeout=<s>
 * <notebooks>`), and writes each as a
 * self-contained page `outDir/<name>.html` (the report's CSS, a
 * Content-Security-Policy, no scripts: nbconvert's full templates load
 * require.js and MathJax from a CDN). The kernel starts in the notebook's
 * folder, so notebooks import `"../src/mod.ts"` and read data relative to
 * themselves; `params` reach them as `CXKIT_*` environment variables. The
 * rendered cells pass `redactPage` before anything is written: e-mail
 * addresses, phone numbers, IBANs and card numbers in their text (comment
 * text included) become placeholders.
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
  checkOptions("executeNotebooks", options, EXECUTE_NOTEBOOKS_OPTIONS);
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
  const env = paramEnv(options.params ?? {});
  const started = performance.now();
  const rendered = await runNbconvert(notebooks, timeoutSeconds, env, {
    onStart: (i) => onProgress?.(`executing ${notebooks[i]} (${i + 1}/${notebooks.length})`),
  });
  const done: ExecutedNotebook[] = [];
  for (const [i, notebook] of notebooks.entries()) {
    // Published output passes the privacy step: personal data in any cell's text is redacted.
    const body = redactPage(rendered[i], options.lang ?? "en");
    const title = await notebookTitle(notebook);
    const html = join(outDir, `${basename(notebook, ".ipynb")}.html`);
    await Deno.writeTextFile(html, standalonePage(title, body));
    done.push({ notebook, html, title, body });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  onProgress?.(`wrote ${done.length} notebooks to ${outDir} (${seconds} s)`);
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

/**
 * Runs notebooks with `jupyter nbconvert --execute`, all in one nbconvert
 * process (Python and nbconvert start once; each notebook still gets a fresh
 * kernel started in its own folder), one after the other; resolves to each
 * one's rendered cells (`to: "html"`, nbconvert's basic template) or executed
 * `.ipynb` text (`to: "notebook"`, without per-cell timestamps), in the order
 * given. `onStart(i)` is called as notebook `i` starts. `clearEnv` starts the
 * kernels with `env` only. nbconvert stops at the first notebook that fails:
 * the `CxError` names it and carries the end of nbconvert's error output.
 *
 * @example
 * ```ts ignore
 * import { runNbconvert } from "./notebooks.ts";
 * const [cells] = await runNbconvert(["notebooks/00-getting-started.ipynb"], 300, {});
 * ```
 */
export async function runNbconvert(
  notebooks: string[],
  timeoutSeconds: number,
  env: Record<string, string>,
  { to = "html", clearEnv = false, onStart }: {
    to?: "html" | "notebook";
    clearEnv?: boolean;
    onStart?: (index: number) => void;
  } = {},
): Promise<string[]> {
  const names = notebooks.map((n) => basename(n, ".ipynb"));
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) {
    throw new CxOptionsError(`Two notebooks named ${twice}.ipynb: run them in separate calls`);
  }
  const outDir = await Deno.makeTempDir({ prefix: "cxkit-nbconvert-" });
  try {
    const args = [
      "nbconvert",
      ...(to === "html"
        ? ["--to", "html", "--template", "basic"]
        : ["--to", "notebook", "--ExecutePreprocessor.record_timing=False"]),
      "--execute",
      `--ExecutePreprocessor.timeout=${Math.ceil(timeoutSeconds)}`,
      "--output-dir",
      outDir,
      ...notebooks.map((n) => resolve(n)),
    ];
    const child = new Deno.Command("jupyter", {
      args,
      env,
      clearEnv,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // nbconvert logs "Converting notebook <path> to <format>" as each one starts.
    // Whole lines only: a chunk may end inside one.
    let log = "", partial = "", started = -1;
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      log = (log + chunk).slice(-200_000);
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        const m = /Converting notebook (.+) to (?:html|notebook)$/.exec(line);
        const at = m
          ? notebooks.findIndex((n, i) => i > started && m[1].endsWith(basename(n)))
          : -1;
        if (at >= 0) onStart?.(started = at);
      }
    }
    const { success, code } = await child.status;
    if (!success) {
      const failed = notebooks[Math.max(started, 0)];
      const hint = /NoSuchKernel|No such kernel/.test(log)
        ? "\nThe notebook's kernel is not installed; for the Deno kernel run `deno jupyter --install`."
        : "";
      throw new CxError(
        `Notebook ${failed} failed (jupyter nbconvert exited with ${code}).${hint}\n` +
          `Command: jupyter ${args.join(" ")}\n` +
          `Last lines of its output:\n${tail(log, 40)}`,
      );
    }
    const suffix = to === "html" ? ".html" : ".ipynb";
    return await Promise.all(names.map((n) => Deno.readTextFile(join(outDir, n + suffix))));
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
}

/** The first Markdown heading of a notebook, else its file name. */
async function notebookTitle(notebook: string): Promise<string> {
  const name = basename(notebook, ".ipynb");
  try {
    const json = JSON.parse(await Deno.readTextFile(notebook)) as {
      cells?: { cell_type: string; source: string | string[] }[];
    };
    for (const cell of json.cells ?? []) {
      if (cell.cell_type !== "markdown") continue;
      const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      const heading = /^#{1,6}\s+(.+)$/m.exec(text);
      if (heading) return heading[1].trim();
    }
  } catch {
    // an unreadable notebook already failed in nbconvert; keep the file name
  }
  return name;
}

/** A notebook page on its own (the report site re-renders it with the full navigation). */
function standalonePage(title: string, body: string): string {
  return renderPage({
    lang: "en",
    title,
    site: title,
    nav: [],
    navLabel: "Notebook",
    path: "notebook.html",
    body: `<article class="notebook">\n${body}\n</article>`,
  });
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
