/**
 * Executes every notebook under real Jupyter (Deno kernel). Without Jupyter the
 * test is ignored locally and fails on CI (`CI=true`), which must run it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CxError, CxOptionsError } from "../src/errors.ts";
import {
  executeNotebooks,
  JUPYTER_INSTALL_HINT,
  jupyterAvailable,
} from "../src/report/notebooks.ts";

const NOTEBOOKS = new URL("../notebooks/", import.meta.url).pathname;
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

Deno.test({
  name: skip
    ? "notebooks execute under Jupyter (IGNORED: Jupyter not installed, see the warning above)"
    : "notebooks execute under Jupyter with charts and no error output",
  ignore: skip,
  fn: async () => {
    if (!available) {
      throw new CxError(
        `CI=true: the notebooks must run, but Jupyter is missing.\n${JUPYTER_INSTALL_HINT}`,
      );
    }
    const outDir = await Deno.makeTempDir({ prefix: "cxkit-notebooks-" });
    try {
      const started = performance.now();
      const done = await executeNotebooks({ dir: NOTEBOOKS, outDir, timeoutSeconds: 120 });
      console.log(
        `${done.length} notebook(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      assert.ok(done.some((n) => n.notebook.endsWith("00-getting-started.ipynb")));
      for (const { notebook, html: path } of done) {
        const html = await Deno.readTextFile(path);
        const body = html.slice(html.indexOf("<body"));
        assert.ok(body.includes("<svg"), `${notebook}: no rendered <svg> chart in ${path}`);
        for (const marker of ERROR_MARKERS) {
          assert.ok(!body.includes(marker), `${notebook}: error output (${marker}) in ${path}`);
        }
        if (notebook.endsWith("00-getting-started.ipynb")) assertGettingStarted(body);
      }
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  },
});

/** Both loads shown, the four planted German glitches rejected, two score charts drawn. */
function assertGettingStarted(body: string) {
  assert.equal((body.match(/<figure class="plot-/g) ?? []).length, 2, "two score charts");
  assert.equal((body.match(/<caption>Load summary<\/caption>/g) ?? []).length, 2);
  assert.equal((body.match(/<caption>Rejected values<\/caption>/g) ?? []).length, 2);
  assert.ok(body.includes("4 rows × 4 columns"), "the German rejects table");
  assert.ok(body.includes("Likelihood to recommend (0–10)"));
}

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
