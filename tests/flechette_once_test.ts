/**
 * One bare `import "@uwdata/flechette"`, in src/mod.ts beside the comment
 * that says why (the import map's pin to 2.6.0); Arquero resolves the pinned
 * version without it, so no other module repeats it.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const BARE = /(?:^|\n)[\s*]*(?:await\s+)?import\s*\(?\s*["']@uwdata\/flechette["']\s*\)?;?/;

async function* files(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory && entry.name !== "node_modules") yield* files(path);
    else if (/\.(ts|ipynb)$/.test(entry.name)) yield path;
  }
}

Deno.test("one bare flechette import: src/mod.ts only", async () => {
  const found: string[] = [];
  for (const dir of ["src", "tests", "bench", "data", "notebooks"]) {
    for await (const path of files(join(ROOT, dir))) {
      const text = (await Deno.readTextFile(path)).replaceAll('\\"', '"');
      if (BARE.test(text)) found.push(relative(ROOT, path));
    }
  }
  assert.deepEqual(found, ["src/mod.ts"]);
  const mod = await Deno.readTextFile(join(ROOT, "src/mod.ts"));
  assert.match(mod, /pins it to 2\.6\.0[\s\S]*\nimport "@uwdata\/flechette";/);
  const pin = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).imports;
  assert.equal(pin["@uwdata/flechette"], "npm:@uwdata/flechette@2.6.0");
  // The pattern catches the forms that were removed, static and dynamic.
  for (
    const line of [
      'import "@uwdata/flechette";',
      ' * import "@uwdata/flechette";',
      '    await import("@uwdata/flechette");',
    ]
  ) {
    assert.ok(BARE.test(line), line);
  }
  assert.ok(!BARE.test('import { tableFromIPC } from "@uwdata/flechette";'));
});
