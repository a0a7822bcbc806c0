/**
 * Executes every notebook under real Jupyter (Deno kernel), twice: on the
 * bundled sample, compared with the outputs committed in the notebooks
 * (normalised as src/report/notebook_outputs.ts describes: only measured
 * timings and run metadata may differ), and with `--data` on a second data
 * folder generated with another seed, where each notebook's sentences must
 * carry that folder's numbers (computed in tests/notebook_expected.ts) and not
 * the sample's. Without Jupyter the tests are ignored locally and fail on CI
 * (`CI=true`), which must run them.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSample } from "../data/generate.ts";
import { CxError, CxOptionsError } from "../src/errors.ts";
import {
  executeNotebooks,
  JUPYTER_INSTALL_HINT,
  jupyterAvailable,
} from "../src/report/notebooks.ts";
import {
  comparableNotebook,
  executeToNotebook,
  staleCells,
} from "../src/report/notebook_outputs.ts";
import { expectedSentences } from "./notebook_expected.ts";

const NOTEBOOKS = fileURLToPath(new URL("../notebooks/", import.meta.url));
const SAMPLE = fileURLToPath(new URL("../data/sample/", import.meta.url));
const available = await jupyterAvailable();
const onCi = Deno.env.get("CI") === "true";
const skip = !available && !onCi;
if (skip) console.warn(`Jupyter not found: notebook tests ignored.\n${JUPYTER_INSTALL_HINT}`);

/** Markers of error output in nbconvert's HTML (lab and classic templates; Deno's traceback). */
const ERROR_MARKERS = [
  'data-mime-type="application/vnd.jupyter.stderr"',
  "jp-OutputArea-error",
  "output_error",
  "Stack trace:",
];

/** On CI (not ignored) without Jupyter: fail, saying how to install it. */
function requireJupyter() {
  if (!available) {
    throw new CxError(
      `CI=true: the notebooks must run, but Jupyter is missing.\n${JUPYTER_INSTALL_HINT}`,
    );
  }
}

const UPDATE = "run `deno run -A notebooks/update_outputs.ts` and commit the notebooks";

async function notebookNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(NOTEBOOKS)) if (e.name.endsWith(".ipynb")) names.push(e.name);
  return names.sort();
}

Deno.test({
  name: skip
    ? "committed notebook outputs are current (IGNORED: Jupyter not installed, see the warning above)"
    : "committed notebook outputs are current: re-executed on the sample, with charts and no error output",
  ignore: skip,
  fn: async () => {
    requireJupyter();
    const names = await notebookNames();
    assert.ok(names.includes("00-getting-started.ipynb") && names.length >= 10, names.join());
    const started = performance.now();
    for (const name of names) {
      const path = join(NOTEBOOKS, name);
      const committed = await Deno.readTextFile(path);
      assert.deepEqual(
        staleCells(committed),
        [],
        `${name}: cells edited since their outputs were written; ${UPDATE}`,
      );
      const executed = await executeToNotebook(path, 300);
      const [now, before] = [comparableNotebook(executed), comparableNotebook(committed)];
      assert.equal(now.length, before.length, name);
      for (const [i, cell] of now.entries()) {
        assert.deepEqual(
          cell.outputs,
          before[i].outputs,
          `${name}, cell ${cell.id}: outputs differ from the committed ones; ${UPDATE}`,
        );
      }
      const outputs = now.flatMap((c) => c.outputs).join("\n");
      assert.ok(!/"output_type":"error"|"name":"stderr"/.test(outputs), `${name}: error output`);
      assert.ok(outputs.includes("<svg"), `${name}: no rendered <svg> chart`);
      if (name === "00-getting-started.ipynb") {
        assertGettingStarted(JSON.parse(`[${now.flatMap((c) => c.outputs).join(",")}]`));
      }
    }
    console.log(
      `${names.length} notebooks in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  },
});

/** Both loads shown, the four planted German glitches rejected, two score charts drawn. */
function assertGettingStarted(outputs: { data?: Record<string, string> }[]) {
  const html = outputs.map((o) => o.data?.["text/html"] ?? "").join("\n");
  assert.equal((html.match(/<figure class="plot-/g) ?? []).length, 2, "two score charts");
  assert.equal((html.match(/<caption>Load summary<\/caption>/g) ?? []).length, 2);
  assert.equal((html.match(/<caption>Rejected values<\/caption>/g) ?? []).length, 2);
  assert.ok(html.includes("4 rows × 4 columns"), "the German rejects table");
  assert.ok(html.includes("Likelihood to recommend (0–10)"));
}

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
    // A second folder: the generator with another seed (same layout, different numbers).
    const folder = await Deno.makeTempDir({ prefix: "cxkit-team-b-" });
    const outDir = join(folder, "html");
    try {
      for (const [name, bytes] of Object.entries(generateSample({ seed: 7 }))) {
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

Deno.test({
  name: "executeNotebooks reports a failing notebook with nbconvert's error output",
  ignore: !available,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "cxkit-failing-" });
    try {
      await Deno.writeTextFile(
        join(dir, "broken.ipynb"),
        JSON.stringify(notebook('throw new TypeError("planted failure");')),
      );
      await assert.rejects(
        executeNotebooks({ dir, outDir: join(dir, "out") }),
        (e: unknown) => {
          assert.ok(e instanceof CxError);
          assert.match(e.message, /broken\.ipynb failed/);
          assert.match(e.message, /planted failure/);
          return true;
        },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("executeNotebooks says how to install Jupyter when it is not on the PATH", async () => {
  // In a child process with an empty PATH: test files run in parallel in this one.
  const dir = await Deno.makeTempDir({ prefix: "cxkit-nojupyter-" });
  try {
    await Deno.writeTextFile(join(dir, "a.ipynb"), JSON.stringify(notebook("1")));
    const module = new URL("../src/report/notebooks.ts", import.meta.url).href;
    const code = `import { executeNotebooks } from ${JSON.stringify(module)};
      try { await executeNotebooks({ dir: ${JSON.stringify(dir)}, outDir: ${
      JSON.stringify(join(dir, "out"))
    } }); console.log("no error"); }
      catch (e) { console.log(e.name, e.message); }`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      cwd: new URL("..", import.meta.url).pathname,
      env: { PATH: join(dir, "empty-bin") },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const printed = new TextDecoder().decode(out.stdout);
    assert.ok(
      printed.startsWith("CxError") || /^Cx\w*Error/.test(printed),
      printed + new TextDecoder().decode(out.stderr),
    );
    assert.ok(printed.includes("apt-get install -y jupyter-nbconvert"), printed);
    assert.ok(printed.includes("deno jupyter --install"), printed);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("executeNotebooks rejects a missing folder and an empty one needs no Jupyter", async () => {
  await assert.rejects(executeNotebooks({ dir: "no/such/folder" }), CxOptionsError);
  const empty = await Deno.makeTempDir();
  try {
    assert.deepEqual(await executeNotebooks({ dir: empty, outDir: join(empty, "out") }), []);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

/** A one-cell Deno notebook. */
function notebook(code: string) {
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
