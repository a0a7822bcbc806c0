/** The comparison of committed notebook outputs: what is normalised, and what is not. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { comparableNotebook, staleCells, writeOutputs } from "../src/report/notebook_outputs.ts";
import { jupyterDisplay, showTable } from "../src/charts/display.ts";

/** A notebook with one code cell showing a table, as nbconvert writes it. */
function executed(rows: Record<string, unknown>[], source = "await show(showTable(t));") {
  const bundle = showTable(rows)[jupyterDisplay]();
  return JSON.stringify({
    cells: [{
      cell_type: "code",
      id: "timed",
      source: [source],
      execution_count: 1,
      metadata: { execution: { "iopub.execute_input": "2026-12-02T12:00:00Z" } },
      outputs: [{ output_type: "display_data", metadata: {}, data: bundle }],
    }],
    metadata: { language_info: { name: "typescript", version: "5.9.2" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

Deno.test("only seconds_* columns are blanked, in the HTML and the text form", () => {
  const a = comparableNotebook(executed([{ rows: 10, seconds_to_load: 1.5, note: "x" }]));
  const b = comparableNotebook(executed([{ rows: 10, seconds_to_load: 2.25, note: "x" }]));
  assert.deepEqual(a, b);
  const [html, text] = [
    JSON.parse(a[0].outputs[0]).data["text/html"],
    JSON.parse(a[0].outputs[0]).data["text/plain"],
  ];
  assert.ok(
    html.includes(
      '<td style="text-align:right">10</td><td style="text-align:right">…</td><td>x</td>',
    ),
    html,
  );
  assert.equal(text, "rows\tseconds_to_load\tnote\n10\t…\tx\n(1 row × 3 columns)");
  // any other difference counts
  const c = comparableNotebook(executed([{ rows: 11, seconds_to_load: 1.5, note: "x" }]));
  assert.notDeepEqual(a, c);
  const d = comparableNotebook(executed([{ rows: 10, seconds_to_load: 1.5, note: "y" }]));
  assert.notDeepEqual(a, d);
});

Deno.test("writeOutputs stamps each code cell with its source; an edit makes it stale", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "a.ipynb");
    await writeOutputs(path, executed([{ n: 1 }]));
    const written = await Deno.readTextFile(path);
    const parsed = JSON.parse(written);
    assert.equal(parsed.cells[0].metadata.execution, undefined, "run timestamps dropped");
    assert.equal(parsed.metadata.language_info.version, undefined, "kernel version dropped");
    assert.deepEqual(staleCells(written), []);
    parsed.cells[0].source = ["await show(showTable(t)); // edited"];
    assert.deepEqual(staleCells(JSON.stringify(parsed)), ["timed"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
