/**
 * A focused front door (issue #14, item 5): src/mod.ts is the analyst API and
 * exports at most 130 values; plumbing lives in the sub-entries listed in
 * deno.json `exports`, and every one of them imports.
 */
import assert from "node:assert/strict";
import { assertEquals } from "./assert.ts";

const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
const ENTRIES = config.exports as Record<string, string>;

/** The module behind one deno.json `exports` entry, imported by its path. */
function importEntry(path: string): Promise<Record<string, unknown>> {
  return import(new URL(`../${path}`, import.meta.url).href);
}

Deno.test("src/mod.ts exports at most 130 values", async () => {
  assertEquals(ENTRIES["."], "./src/mod.ts");
  const count = Object.keys(await importEntry(ENTRIES["."])).length;
  assert(count <= 130, `src/mod.ts exports ${count} values; the front door allows 130`);
});

Deno.test("every deno.json exports entry imports and exports something", async () => {
  assertEquals(Object.keys(ENTRIES).sort(), [
    ".",
    "./danfo",
    "./engine",
    "./io",
    "./predict",
    "./report",
    "./stats",
    "./text",
  ]);
  for (const [name, path] of Object.entries(ENTRIES)) {
    const entry = await importEntry(path);
    assert(Object.keys(entry).length > 0, `${name} (${path}) exports no values`);
  }
});

Deno.test("a value lives in one entry, and result *_COLUMNS stay in front", async () => {
  const front = await importEntry(ENTRIES["."]);
  for (const [name, path] of Object.entries(ENTRIES)) {
    if (name === ".") continue;
    const names = Object.keys(await importEntry(path));
    assertEquals(names.filter((n) => n in front), [], `${name} repeats names of src/mod.ts`);
    assertEquals(names.filter((n) => n.endsWith("_COLUMNS")), [], `${name} has *_COLUMNS`);
  }
});

Deno.test("deno task check lints the docs of every entry", () => {
  const check: string = config.tasks.check;
  const docLint = check.slice(check.indexOf("deno doc --lint")).split(/\s+/);
  const missing = Object.values(ENTRIES).map((p) => p.slice(2)).filter((p) => !docLint.includes(p));
  assertEquals(missing, [], "entries the check task does not doc-lint");
});
