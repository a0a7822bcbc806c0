/**
 * Executes every notebook under real Jupyter (Deno kernel) on the bundled
 * sample and compares it with the outputs committed in the notebooks
 * (normalised as src/report/notebook_outputs.ts describes: only measured
 * timings and run metadata may differ); tests/notebooks_data_test.ts runs
 * them again on a second data folder. Without Jupyter the tests are ignored
 * locally and fail on CI (`CI=true`), which must run them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CxError, CxOptionsError } from "../src/errors.ts";
import { executeNotebooks } from "../src/report/notebooks.ts";
import {
  comparableNotebook,
  executeToNotebooks,
  staleCells,
} from "../src/report/notebook_outputs.ts";
import {
  available,
  notebook,
  notebookNames,
  NOTEBOOKS,
  requireJupyter,
  skip,
  UPDATE,
} from "./notebook_jupyter.ts";

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
    const paths = names.map((name) => join(NOTEBOOKS, name));
    const committed = await Promise.all(paths.map((path) => Deno.readTextFile(path)));
    for (const [i, name] of names.entries()) {
      assert.deepEqual(
        staleCells(committed[i]),
        [],
        `${name}: cells edited since their outputs were written; ${UPDATE}`,
      );
    }
    const executions = await executeToNotebooks(paths, 300);
    for (const [n, name] of names.entries()) {
      const executed = executions[n];
      const [now, before] = [comparableNotebook(executed), comparableNotebook(committed[n])];
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

Deno.test({
  name: "executeNotebooks reports a failing notebook with nbconvert's error output",
  ignore: !available,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "cxkit-failing-" });
    try {
      // One nbconvert process runs all three: the error names the one that failed.
      await Deno.writeTextFile(join(dir, "a-fine.ipynb"), JSON.stringify(notebook("1 + 1")));
      await Deno.writeTextFile(
        join(dir, "broken.ipynb"),
        JSON.stringify(notebook('throw new TypeError("planted failure");')),
      );
      await Deno.writeTextFile(join(dir, "c-fine.ipynb"), JSON.stringify(notebook("2 + 2")));
      const progress: string[] = [];
      await assert.rejects(
        executeNotebooks({ dir, outDir: join(dir, "out"), onProgress: (m) => progress.push(m) }),
        (e: unknown) => {
          assert.ok(e instanceof CxError);
          assert.match(e.message, /^Notebook \S*\/broken\.ipynb failed/);
          assert.deepEqual(progress.map((m) => m.replace(/ \S*\//, " ")), [
            "executing a-fine.ipynb (1/3)",
            "executing broken.ipynb (2/3)",
          ]);
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
