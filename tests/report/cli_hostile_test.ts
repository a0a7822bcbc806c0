/**
 * `deno task report` and `deno task cohorts` as real subprocesses on the
 * hostile cases of tests/fixtures/hostile/cli/cases.json, and the issue's
 * "Must show": a report run on a data folder with a `../` file key, a
 * planted manifest in --out and an unknown time zone reads and writes nothing
 * outside its folders and ends with one-line errors, exit code 2.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { assertEquals } from "../assert.ts";
import { CLI, withoutDenoNoise } from "./fixtures.ts";
import {
  allText,
  buildTree,
  fill,
  SENTINEL,
  snapshot,
  type Tree,
  type TreeSetup,
} from "./hostile_tree.ts";

const CASES = fileURLToPath(new URL("../fixtures/hostile/cli/cases.json", import.meta.url));
const COHORTS = fileURLToPath(new URL("../../src/cohorts_cli.ts", import.meta.url));

interface CliCase {
  about: string;
  command: string;
  args: string[];
  setup: TreeSetup;
  expect: {
    code: number;
    stderr: string[];
    stdout?: string[];
    pages?: Record<string, string[]>;
  };
}

const { cases } = JSON.parse(await Deno.readTextFile(CASES)) as { cases: CliCase[] };

async function run(command: string, args: string[]) {
  const [script, rest] = command === "cohorts" ? [COHORTS, args] : [CLI, [command, ...args]];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...rest],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = (b: Uint8Array) =>
    withoutDenoNoise(new TextDecoder().decode(b)).split("\n").filter((l) => l !== "");
  return { code: out.code, stdout: lines(out.stdout), stderr: lines(out.stderr) };
}

/** Runs the command on the tree; checks the code, the lines, and that nothing leaked or escaped. */
async function checkRun(tree: Tree, command: string, args: string[], want: CliCase["expect"]) {
  const before = await snapshot(tree.root);
  const got = await run(command, args.map((a) => fill(a, tree)));
  assertEquals(got.code, want.code, got.stderr.join("\n"));
  assertEquals(got.stderr, want.stderr.map((l) => fill(l, tree)));
  if (want.stdout) assertEquals(got.stdout, want.stdout.map((l) => fill(l, tree)));
  else if (want.code !== 0) assertEquals(got.stdout, []);
  const after = await snapshot(tree.root);
  const outside = (s: Record<string, string>) =>
    Object.entries(s).filter(([p]) => want.code !== 0 || !p.startsWith("out/"));
  assertEquals(outside(after), outside(before), "files outside out/ (and out/ after a failure)");
  const written = await allText(tree.out);
  for (const text of [got.stdout.join("\n"), got.stderr.join("\n"), written]) {
    assert(!text.includes(SENTINEL), "a sentinel next to the folders reached the output");
  }
  for (const [page, includes] of Object.entries(want.pages ?? {})) {
    const html = await Deno.readTextFile(join(tree.out, page));
    for (const s of includes) assert(html.includes(s), `${page} lacks "${s}"`);
  }
}

for (const [i, c] of cases.entries()) {
  Deno.test(`cli case ${i + 1} (${c.command}): ${c.about}`, async () => {
    await checkRun(await buildTree(c.setup), c.command, c.args, c.expect);
  });
}

Deno.test("cli: at least 8 cases, each with an exact exit code and stderr", () => {
  assert(cases.length >= 8);
  for (const c of cases) assert(Number.isInteger(c.expect.code) && Array.isArray(c.expect.stderr));
});

Deno.test("Must show: ../ key, planted manifest and unknown time zone: nothing read or written outside, one-line errors, exit 2", async () => {
  const responses = "response_id,date,nps_score\nr1,2024-01-05,9\n";
  const tree = await buildTree({
    files: {
      "data/responses.csv": responses,
      "data/cxkit.json": {
        timeZone: "Mars/Olympus",
        files: { "../secret.csv": { schema: "responses" } },
      },
      "out/notebooks/notebooks.json": {
        notebooks: [
          { path: "notebooks/../../secret.html", title: "x", body: "<script>alert(1)</script>" },
          { path: "/etc/passwd", title: "y" },
        ],
      },
    },
  });
  const args = ["--data", "{data}", "--out", "{out}"];
  const line = (text: string) => ({ code: 2, stderr: [text] });
  // All three at once: the first check to fail ends the run, before anything is read.
  await checkRun(
    tree,
    "report",
    [...args, "--time-zone", "Mars/Olympus"],
    line(
      'cxkit: Option "time-zone" must be an IANA time zone such as "Europe/Berlin" or "UTC", got "Mars/Olympus"',
    ),
  );
  await checkRun(
    tree,
    "report",
    args,
    line(
      "cxkit: {out}/notebooks/notebooks.json is not a manifest written by `deno task notebooks`: " +
        "notebooks[1].path: not a page directly in notebooks/ (notebooks/NAME.html); " +
        "notebooks[1]: keys cxkit never writes (page bodies are not read from disk); " +
        "notebooks[2].path: not a page directly in notebooks/ (notebooks/NAME.html); " +
        "delete it, or run `deno task notebooks` again to rewrite it",
    ),
  );
  await Deno.remove(join(tree.out, "notebooks"), { recursive: true });
  await checkRun(
    tree,
    "report",
    args,
    line(
      'cxkit: {data}/cxkit.json does not fit the cxkit.json format: timeZone: must be an IANA time zone such as "Europe/Berlin" or "UTC"',
    ),
  );
  await Deno.writeTextFile(
    join(tree.data, "cxkit.json"),
    JSON.stringify({ files: { "../secret.csv": { schema: "responses" } } }),
  );
  await checkRun(
    tree,
    "report",
    args,
    line(
      'cxkit: {data}/cxkit.json: the file key "../secret.csv" contains ".." and leaves the data folder; ' +
        'name files inside the data folder by their path relative to it, e.g. "responses.csv" or ' +
        '"2024/responses.csv", and copy files from elsewhere into it',
    ),
  );
  // Nothing was written at all: out/ is as the test left it, and the sentinels are untouched.
  assertEquals(Object.keys(await snapshot(tree.out)), []);
  assertEquals(await Deno.readTextFile(join(tree.root, "secret.html")), `<p>${SENTINEL}</p>\n`);
  // With the faults removed the same folders give a report, and still no sentinel in it.
  await Deno.remove(join(tree.data, "cxkit.json"));
  await checkRun(tree, "report", [...args, "--quiet"], {
    code: 0,
    stderr: [],
    stdout: ["Report written to {out}/index.html"],
  });
});
