/**
 * The hostile folder cases of tests/fixtures/hostile/folders/cases.json: each
 * builds a root with data/, out/ and sentinel files beside them, runs
 * loadProject, readNotebookManifest or writeSite, and checks the exact
 * outcome — and that no message quotes a sentinel and no file outside out/
 * changed.
 */
import "@uwdata/flechette";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { assertEquals } from "../assert.ts";
import { CxError } from "../../src/errors.ts";
import { loadProject } from "../../src/report/load_dir.ts";
import { readNotebookManifest } from "../../src/report/notebooks.ts";
import { type SitePage, writeSite } from "../../src/report/site.ts";
import { buildTree, fill, SENTINEL, snapshot, type Tree, type TreeSetup } from "./hostile_tree.ts";

const CASES = fileURLToPath(new URL("../fixtures/hostile/folders/cases.json", import.meta.url));

interface FolderCase {
  about: string;
  call: "loadProject" | "readNotebookManifest" | "writeSite";
  setup: TreeSetup;
  config?: string;
  pages?: SitePage[];
  expect: {
    error?: { type: string; includes: string[] };
    files?: { file: string; rows?: number; rejected?: number; skipped?: string }[];
    manifest?: unknown;
  };
}

const { cases } = JSON.parse(await Deno.readTextFile(CASES)) as { cases: FolderCase[] };

async function call(c: FolderCase, tree: Tree): Promise<unknown> {
  if (c.call === "loadProject") {
    return await loadProject(tree.data, c.config ? { config: fill(c.config, tree) } : {});
  }
  if (c.call === "readNotebookManifest") return await readNotebookManifest(tree.out);
  return await writeSite(c.pages!, tree.out);
}

async function runCase(c: FolderCase): Promise<void> {
  const tree = await buildTree(c.setup);
  const before = await snapshot(tree.root);
  let result: unknown, error: unknown;
  try {
    result = await call(c, tree);
  } catch (e) {
    error = e;
  }
  const outside = Object.fromEntries(
    Object.entries(await snapshot(tree.root)).filter(([p]) => !p.startsWith("out/")),
  );
  const outsideBefore = Object.fromEntries(
    Object.entries(before).filter(([p]) => !p.startsWith("out/")),
  );
  assertEquals(outside, outsideBefore, "nothing outside out/ written or changed");
  const want = c.expect;
  if (want.error) {
    assert(error instanceof CxError, `expected ${want.error.type}, got ${error}`);
    assertEquals(error.name, want.error.type, error.message);
    for (const s of want.error.includes) {
      assert(error.message.includes(fill(s, tree)), `"${fill(s, tree)}" in ${error.message}`);
    }
    assert(!error.message.includes(SENTINEL), `the message quotes a sentinel: ${error.message}`);
    return;
  }
  assert(error === undefined, String(error));
  if (want.manifest) assertEquals(result, want.manifest);
  if (want.files) {
    const { files } = result as Awaited<ReturnType<typeof loadProject>>;
    assertEquals(
      files.map((f) =>
        f.skipped
          ? { file: f.file, skipped: f.error }
          : { file: f.file, rows: f.result?.summary.rows, rejected: f.result?.summary.rejected }
      ),
      want.files,
    );
    assert(!JSON.stringify(files).includes(SENTINEL), "a loaded file holds a sentinel");
  }
}

for (const [i, c] of cases.entries()) {
  Deno.test(`folders case ${i + 1} (${c.call}): ${c.about}`, () => runCase(c));
}

Deno.test("folders: at least 6 cases, each asserting an error or an exact outcome", () => {
  assert(cases.length >= 6);
  for (const c of cases) assert(c.expect.error || c.expect.files || c.expect.manifest, c.about);
});
