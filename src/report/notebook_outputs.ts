/**
 * The executed outputs committed with the tutorial notebooks, so a repository
 * viewer shows their tables, sentences and charts: `deno run -A
 * notebooks/update_outputs.ts` re-executes every notebook on the bundled
 * sample and writes the outputs into the `.ipynb` files, and
 * `tests/notebooks_test.ts` re-executes them and fails when the committed
 * outputs are not current (a notebook's code, the library or the sample
 * changed without re-running the script).
 *
 * What may differ between two runs, and is therefore normalised before the
 * comparison (and nothing else):
 * - nbconvert's per-cell `metadata.execution` timestamps (not recorded: the
 *   executor runs with `record_timing=False`), and the kernel's version in
 *   the notebook's `metadata.language_info`;
 * - measured timings: table columns whose name starts with `seconds` (the
 *   convention of the notebooks, e.g. `seconds_to_build`) have their values
 *   replaced by `…` in the HTML and plain-text forms.
 *
 * Each code cell also records a hash of the source its outputs came from
 * (`metadata.cxkit.outputs_of`), so editing a cell without re-running the
 * script fails the test even when the outputs happen not to change.
 *
 * Chart ids are already stable (see `renderSvg`), the notebooks' data are
 * seeded files and the kernel starts without `CXKIT_*` parameters, so every
 * other byte of every output must match.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { basename } from "node:path";
import { runNbconvert } from "./notebooks.ts";

/** A cell of an `.ipynb` file, as far as the comparison reads it. */
interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
}

/** One output of a code cell. */
interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
  text?: string | string[];
  [key: string]: unknown;
}

/** An `.ipynb` file. */
interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Executes notebooks under real Jupyter on their defaults (the bundled
 * sample: every `CXKIT_*` variable is removed from the kernels' environment),
 * all in one nbconvert process, and resolves to each executed `.ipynb` text,
 * outputs inside, in the order given.
 *
 * @example
 * ```ts ignore
 * import { executeToNotebooks } from "./notebook_outputs.ts";
 * const [executed] = await executeToNotebooks(["notebooks/00-getting-started.ipynb"]);
 * ```
 */
export async function executeToNotebooks(
  notebooks: string[],
  timeoutSeconds = 300,
  onStart?: (index: number) => void,
): Promise<string[]> {
  const env = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([name]) => !name.startsWith("CXKIT_")),
  );
  return await runNbconvert(notebooks, timeoutSeconds, env, {
    to: "notebook",
    clearEnv: true,
    onStart,
  });
}

/**
 * The comparable form of an executed notebook: per code cell its id, source
 * and normalised outputs (see the module notes for what is normalised).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparableNotebook } from "./notebook_outputs.ts";
 * const table = (s: string) => ({
 *   cells: [{
 *     cell_type: "code", id: "a", source: "x", metadata: {}, outputs: [{
 *       output_type: "display_data", metadata: {},
 *       data: { "text/plain": `rows\tseconds_to_load\n10\t${s}\n(1 row × 2 columns)` },
 *     }],
 *   }],
 *   metadata: {},
 * });
 * const [a, b] = [comparableNotebook(JSON.stringify(table("1.5"))), comparableNotebook(JSON.stringify(table("2.25")))];
 * assert.deepEqual(a, b);
 * assert.ok(a[0].outputs[0].includes(String.raw`10\t…`)); // JSON text
 * ```
 */
export function comparableNotebook(
  text: string,
): { id: string; source: string; outputs: string[] }[] {
  const notebook = JSON.parse(text) as Notebook;
  return notebook.cells.filter((c) => c.cell_type === "code").map((cell) => ({
    id: cell.id ?? "",
    source: joined(cell.source),
    outputs: (cell.outputs ?? []).map((o) => JSON.stringify(normaliseOutput(o))),
  }));
}

/**
 * Writes the outputs of an executed notebook into the committed file, so
 * the file holds the sources as committed and the outputs of this run,
 * without per-run metadata.
 *
 * @example
 * ```ts ignore
 * import { executeToNotebooks, writeOutputs } from "./notebook_outputs.ts";
 * const path = "notebooks/00-getting-started.ipynb";
 * const [executed] = await executeToNotebooks([path]);
 * await writeOutputs(path, executed);
 * ```
 */
export async function writeOutputs(path: string, executed: string): Promise<void> {
  const notebook = JSON.parse(executed) as Notebook;
  for (const cell of notebook.cells) {
    if (cell.metadata) delete cell.metadata.execution;
    if (cell.cell_type === "code") {
      cell.metadata = { ...cell.metadata, cxkit: { outputs_of: sourceHash(cell.source) } };
    }
  }
  const info = notebook.metadata.language_info as Record<string, unknown> | undefined;
  if (info) delete info.version;
  await Deno.writeTextFile(path, JSON.stringify(notebook, null, 1) + "\n");
}

/**
 * The code cells whose source changed since `notebooks/update_outputs.ts`
 * wrote their outputs (each code cell records a hash of the source its
 * outputs came from in `metadata.cxkit.outputs_of`), by cell id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { staleCells } from "./notebook_outputs.ts";
 * const cell = { cell_type: "code", id: "a", source: ["1 + 1"], metadata: {}, outputs: [] };
 * assert.deepEqual(staleCells(JSON.stringify({ cells: [cell], metadata: {} })), ["a"]);
 * ```
 */
export function staleCells(text: string): string[] {
  const notebook = JSON.parse(text) as Notebook;
  return notebook.cells.filter((cell) => {
    if (cell.cell_type !== "code") return false;
    const stamp = (cell.metadata?.cxkit as { outputs_of?: string } | undefined)?.outputs_of;
    return stamp !== sourceHash(cell.source);
  }).map((cell) => cell.id ?? "");
}

/** SHA-256 of a cell's source, first 16 hex digits. */
function sourceHash(source: string | string[]): string {
  return createHash("sha256").update(joined(source)).digest("hex").slice(0, 16);
}

/** An output with measured timings blanked. */
function normaliseOutput(output: Output): Output {
  const copy: Output = { ...output };
  if (output.data) {
    copy.data = {};
    for (const [mime, value] of Object.entries(output.data)) {
      const text = joined(value);
      copy.data[mime] = mime === "text/html"
        ? blankHtmlTimings(text)
        : mime === "text/plain"
        ? blankTextTimings(text)
        : text;
    }
  }
  if (output.text !== undefined) copy.text = joined(output.text);
  return copy;
}

const TIMING = /^seconds/;

/** A showTable plain-text form: tab-separated header, rows, then the footer line. */
function blankTextTimings(text: string): string {
  const lines = text.split("\n");
  const timed = lines[0].split("\t").flatMap((name, j) => TIMING.test(name) ? [j] : []);
  if (timed.length === 0) return text;
  return lines.map((line, i) => {
    if (i === 0 || !line.includes("\t")) return line;
    const cells = line.split("\t");
    for (const j of timed) if (j < cells.length) cells[j] = "…";
    return cells.join("\t");
  }).join("\n");
}

/** A showTable HTML form: `<th>` names, then `<td>` cells per row. */
function blankHtmlTimings(html: string): string {
  const names = [...html.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
  const timed = new Set(names.flatMap((name, j) => TIMING.test(name) ? [j] : []));
  if (timed.size === 0) return html;
  return html.replace(/<tr>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/g, (_, cells: string) => {
    let j = 0;
    const blanked = cells.replace(
      /(<td[^>]*>)[^<]*(<\/td>)/g,
      (cell, open: string, close: string) => timed.has(j++) ? `${open}…${close}` : cell,
    );
    return `<tr>${blanked}</tr>`;
  });
}

function joined(value: string | string[]): string {
  return Array.isArray(value) ? value.join("") : value;
}

/**
 * Re-executes every notebook in `dir` on the bundled sample and writes its
 * outputs into the file; resolves to the names written.
 *
 * @example
 * ```ts ignore
 * import { updateNotebookOutputs } from "./notebook_outputs.ts";
 * await updateNotebookOutputs("notebooks", console.log);
 * ```
 */
export async function updateNotebookOutputs(
  dir: string,
  onProgress?: (msg: string) => void,
): Promise<string[]> {
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name).sort();
  const paths = names.map((name) => `${dir}/${name}`);
  const started = performance.now();
  const executed = await executeToNotebooks(
    paths,
    300,
    (i) => onProgress?.(`executing ${names[i]}`),
  );
  for (const [i, path] of paths.entries()) {
    await writeOutputs(path, executed[i]);
    onProgress?.(`${basename(path)}: outputs written`);
  }
  onProgress?.(
    `${names.length} notebooks in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return names;
}
