/**
 * What the notebook tests share (tests/notebooks_test.ts executes the
 * notebooks on the sample, tests/notebooks_data_test.ts with `--data` on a
 * second folder; two files, so the test runner can give them a core each):
 * where the notebooks and the sample are, whether Jupyter is here, and the
 * markers of error output.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { CxError } from "../src/errors.ts";
import { JUPYTER_INSTALL_HINT, jupyterAvailable } from "../src/report/notebooks.ts";

export const NOTEBOOKS = fileURLToPath(new URL("../notebooks/", import.meta.url));
export const SAMPLE = fileURLToPath(new URL("../data/sample/", import.meta.url));
export const available = await jupyterAvailable();
const onCi = Deno.env.get("CI") === "true";
/** Jupyter is missing and this is not CI: the notebook tests are ignored. */
export const skip = !available && !onCi;
if (skip) console.warn(`Jupyter not found: notebook tests ignored.\n${JUPYTER_INSTALL_HINT}`);

/** Markers of error output in nbconvert's HTML (lab and classic templates; Deno's traceback). */
export const ERROR_MARKERS = [
  'data-mime-type="application/vnd.jupyter.stderr"',
  "jp-OutputArea-error",
  "output_error",
  "Stack trace:",
];

/** On CI (not ignored) without Jupyter: fail, saying how to install it. */
export function requireJupyter() {
  if (!available) {
    throw new CxError(
      `CI=true: the notebooks must run, but Jupyter is missing.\n${JUPYTER_INSTALL_HINT}`,
    );
  }
}

export const UPDATE = "run `deno run -A notebooks/update_outputs.ts` and commit the notebooks";

/** The notebooks under notebooks/, sorted. */
export async function notebookNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(NOTEBOOKS)) if (e.name.endsWith(".ipynb")) names.push(e.name);
  return names.sort();
}

/** A one-cell Deno notebook. */
export function notebook(code: string) {
  return {
    cells: [{
      cell_type: "code",
      id: "only",
      metadata: {},
      execution_count: null,
      outputs: [],
      source: [code],
    }],
    metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
