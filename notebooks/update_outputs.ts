/**
 * Re-executes every notebook in this folder on the bundled sample and writes
 * the outputs into the `.ipynb` files, so a repository viewer shows them.
 * Run it after changing a notebook, the library or the sample, and commit the
 * notebooks: `tests/notebooks_test.ts` fails while the committed outputs are
 * not current.
 *
 *     deno run -A notebooks/update_outputs.ts
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { updateNotebookOutputs } from "../src/report/notebook_outputs.ts";

if (import.meta.main) {
  await updateNotebookOutputs(fileURLToPath(new URL(".", import.meta.url)), console.log);
}
