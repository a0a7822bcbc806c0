/**
 * Executes every notebook under real Jupyter with `--data` on a second data
 * folder generated with another seed, where each notebook's sentences must
 * carry that folder's numbers (computed in tests/notebook_expected.ts) and not
 * the sample's. Without Jupyter the test is ignored locally and fails on CI.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { generateSample } from "../data/generate.ts";
import { executeNotebooks } from "../src/report/notebooks.ts";
import { expectedSentences } from "./notebook_expected.ts";
import {
  ERROR_MARKERS,
  notebookNames,
  NOTEBOOKS,
  requireJupyter,
  SAMPLE,
  skip,
} from "./notebook_jupyter.ts";

/** The text of an executed page: tags dropped, entities decoded, spaces collapsed. */
function pageText(html: string): string {
  return html.slice(html.indexOf("<body")).replace(/<[^>]*>/g, "")
    .replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'").replaceAll("&amp;", "&").replace(/\s+/g, " ");
}

Deno.test({
  name: skip
    ? "every notebook follows --data (IGNORED: Jupyter not installed, see the warning above)"
    : "every notebook follows --data: a second data folder's numbers in every executed notebook",
  ignore: skip,
  fn: async () => {
    requireJupyter();
    // A second folder: the generator with another seed at half the size (same layout, other
    // numbers; half the data keeps the test short, the notebooks are the same).
    const folder = await Deno.makeTempDir({ prefix: "cxkit-team-b-" });
    const outDir = join(folder, "html");
    try {
      for (const [name, bytes] of Object.entries(generateSample({ seed: 7, size: 0.5 }))) {
        await Deno.writeFile(join(folder, name), bytes);
      }
      const [theirs, sample] = await Promise.all([
        expectedSentences(folder),
        expectedSentences(SAMPLE),
      ]);
      const started = performance.now();
      const done = await executeNotebooks({
        dir: NOTEBOOKS,
        outDir,
        timeoutSeconds: 300,
        params: { data: folder },
      });
      console.log(
        `${done.length} notebooks on ${folder} in ${
          ((performance.now() - started) / 1000).toFixed(1)
        } s`,
      );
      assert.deepEqual(done.map((n) => basename(n.notebook)), await notebookNames());
      for (const { notebook, html: path } of done) {
        const name = basename(notebook);
        const page = await Deno.readTextFile(path);
        const html = page.slice(page.indexOf("<body")); // the page's CSS names the error classes
        for (const marker of ERROR_MARKERS) {
          assert.ok(!html.includes(marker), `${name}: error output (${marker}) in ${path}`);
        }
        // (charts are checked on the sample; here a model the folder cannot fit draws none)
        const text = pageText(html);
        const expected = theirs[name];
        assert.ok(
          expected?.length > 0,
          `${name}: no expected sentences in tests/notebook_expected.ts`,
        );
        for (const [i, sentence] of expected.entries()) {
          assert.notEqual(
            sentence,
            sample[name][i],
            `${name}: the two folders give the same sentence`,
          );
          assert.ok(
            text.includes(sentence),
            `${name}: "${sentence}" (the folder's numbers) not in ${path}`,
          );
          assert.ok(
            !text.includes(sample[name][i]),
            `${name}: the sample's "${sample[name][i]}" in ${path}`,
          );
        }
      }
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});
