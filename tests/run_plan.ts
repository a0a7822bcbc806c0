/**
 * How `tests/run.ts` splits the default selection (every test file under
 * `tests/`, and the code blocks that `deno test --doc src/ tests/ README.md`
 * would run) into `deno test` runs that execute side by side: the units (a
 * test file, or one file's code blocks), an estimate of each unit's cost, a
 * queue that hands the dearest units out first, and the module each run
 * executes.
 *
 * Why one generated module per run instead of the files themselves: `deno
 * test` starts a fresh isolate for every module it is given, and loading
 * cxkit's dependencies (Arquero, Plot, jsdom, zod, DuckDB) into a fresh
 * isolate costs 0.3–1.5 s. With 120 test files and 465 code blocks that was
 * half of the suite's time (2026-12-02: 1,238 s of run time for 642 s of
 * tests). A run's module imports its test files (their `Deno.test`
 * registrations run as usual) and imports each code block, written out as a
 * module of its own with its relative imports made absolute, inside a
 * `Deno.test` of its own; so the dependencies load once per run. Each block
 * is still a module, with its own scope, as under `deno test --doc`; the
 * type check of the blocks stays `deno check --doc` (run.ts runs it once).
 *
 * Why several runs instead of one `deno test --parallel`: a parallel run
 * prints its test lines without the per-module headers ("running 5 tests
 * from ./x_test.ts") that sequential runs print, and CI reports are read
 * from those; runs side by side keep the usual report and use every core.
 *
 * @module
 */
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { type CodeBlock, codeBlocks, docModule } from "./run_docs.ts";

/** One piece of the selection: test files to import, or code blocks to run. */
export interface TestUnit {
  /** Shown in progress lines and in the name of a failed run. */
  label: string;
  /** Test files (relative to the root) the run imports. */
  files: string[];
  /** Code blocks the run executes, each as a test of its own. */
  blocks: CodeBlock[];
  /** Estimated seconds, for ordering only. */
  cost: number;
}

/**
 * Seconds the slowest units took on the 2-core CI machine (2026-12-02), so
 * that they start first; every other test file is estimated from its size
 * and every block at a tenth of a second.
 */
const MEASURED_SECONDS: Record<string, number> = {
  "tests/notebooks_test.ts": 100,
  "tests/notebooks_data_test.ts": 100,
  "tests/report/front_browser_test.ts": 65,
  "tests/engine/cohort_test.ts": 40,
  "tests/report/cli_hostile_test.ts": 40,
  "tests/report/browser_test.ts": 35,
  "tests/report/cli_test.ts": 27,
  "tests/engine/faults_test.ts": 21,
  "tests/report/site_test.ts": 19,
  "tests/report/privacy_test.ts": 18,
  "src/io/danfo.ts": 14,
};

/**
 * Test files that share what they build once per process (the sample's
 * sites: `sampleSite` in tests/report/fixtures.ts), so they run in one
 * `deno test` run: each group is one unit, its cost the sum of its files'.
 */
const TOGETHER: readonly (readonly string[])[] = [
  [
    "tests/report/site_test.ts",
    "tests/report/chart_lang_test.ts",
    "tests/report/highlight_test.ts",
  ],
];

const TEST_FILE = /(^|[/._])test\.(ts|tsx|mts|js|mjs|jsx)$/;

function walk(dir: string, keep: (name: string) => boolean, out: string[]): string[] {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) walk(path, keep, out);
    else if (entry.isFile && keep(entry.name)) out.push(path);
  }
  return out;
}

/**
 * The units of the default selection under `root`: each test file under
 * `tests/`, and the code blocks of each TypeScript file under `src/` and
 * `tests/` and of README.md (one unit per file that has any).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { testUnits } from "./run_plan.ts";
 * const units = testUnits(".");
 * const unit = (label: string) => units.find((u) => u.label === label);
 * assert.deepEqual(unit("tests/options_test.ts")?.files, ["tests/options_test.ts"]);
 * const together = units.find((u) => u.files.includes("tests/report/site_test.ts"));
 * assert.ok(together?.files.includes("tests/report/highlight_test.ts")); // one run: shared sites
 * assert.ok(unit("tests/run_plan.ts examples")!.blocks.length >= 2); // a helper's examples
 * assert.equal(unit("tests/run.ts"), undefined); // a helper, and no code blocks
 * assert.ok(unit("src/entries/engine.ts examples")); // a block in `@module` docs
 * assert.ok(unit("README.md examples"));
 * ```
 */
export function testUnits(root: string): TestUnit[] {
  const units: TestUnit[] = [];
  const sources = [
    ...walk(join(root, "tests"), (n) => /\.(ts|tsx|mts|js|mjs)$/.test(n), []),
    ...walk(join(root, "src"), (n) => n.endsWith(".ts"), []),
  ].map((file) => relative(root, file)).sort();
  const groups = new Map<readonly string[], TestUnit>();
  for (const path of sources) {
    if (!TEST_FILE.test(path)) continue;
    const seconds = MEASURED_SECONDS[path] ?? 1 + Deno.statSync(join(root, path)).size / 4000;
    const group = TOGETHER.find((g) => g.includes(path));
    const unit = group && groups.get(group);
    if (unit) {
      unit.label += ` + ${path}`, unit.files.push(path), unit.cost += seconds;
      continue;
    }
    units.push({ label: path, files: [path], blocks: [], cost: seconds });
    if (group) groups.set(group, units.at(-1)!);
  }
  for (const path of [...sources, "README.md"]) {
    const blocks = codeBlocks(path, Deno.readTextFileSync(join(root, path)));
    if (!blocks.length) continue;
    const cost = MEASURED_SECONDS[path] ?? blocks.length / 10;
    units.push({ label: `${path} examples`, files: [], blocks, cost });
  }
  return units;
}

/**
 * A queue of `deno test` batches for `workers` runs side by side: dearest
 * unit first, cheap units packed together (about a sixth of a worker's share
 * per batch, so the runs finish close together).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batches } from "./run_plan.ts";
 * const unit = (label: string, cost: number) => ({ label, files: [label], blocks: [], cost });
 * const plan = batches([unit("a", 1), unit("b", 100), unit("c", 1), unit("d", 1)], 2);
 * assert.deepEqual(plan.map((b) => b.map((u) => u.label)), [["b"], ["a", "c", "d"]]);
 * ```
 */
export function batches(units: TestUnit[], workers: number): TestUnit[][] {
  const total = units.reduce((s, u) => s + u.cost, 0);
  const target = total / Math.max(1, workers) / 6;
  const sorted = [...units].sort((a, b) => b.cost - a.cost || a.label.localeCompare(b.label));
  const out: TestUnit[][] = [];
  let current: TestUnit[] = [];
  let cost = 0;
  for (const unit of sorted) {
    if (current.length && cost + unit.cost > target) {
      out.push(current);
      current = [], cost = 0;
    }
    current.push(unit), cost += unit.cost;
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * Writes the module that runs `batch` into `dir` (a fresh folder, one per
 * batch): `run_test.ts`, which imports the batch's test files and runs each
 * code block, written beside it as a module of its own, in a `Deno.test`
 * named after the block's file and lines. Returns the module's path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeBatch } from "./run_plan.ts";
 * const dir = await Deno.makeTempDir();
 * const b = "./b.ts"; // kept apart from `from`, or this block's own run rewrites it
 * const block = { file: "src/a.ts", start: 3, end: 6, code: `import { b } from "${b}";` };
 * const path = writeBatch([{ label: "x", files: ["tests/x_test.ts"], blocks: [block], cost: 1 }], "/repo", dir);
 * const text = Deno.readTextFileSync(path);
 * assert.match(text, /^import "file:\/\/\/repo\/tests\/x_test\.ts";$/m);
 * assert.match(text, /"example src\/a\.ts#3-6"/);
 * const example = Deno.readTextFileSync(`${dir}/example_0.ts`);
 * assert.equal(example, 'import { b } from "file:///repo/src/b.ts";\n');
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function writeBatch(batch: TestUnit[], root: string, dir: string): string {
  const lines = ["// Generated by tests/run_plan.ts for one run of tests/run.ts."];
  for (const file of batch.flatMap((u) => u.files)) {
    lines.push(`import "${pathToFileURL(join(root, file)).href}";`);
  }
  const examples: [string, string][] = [];
  batch.flatMap((u) => u.blocks).forEach((block, index) => {
    const path = join(dir, `example_${index}.ts`);
    Deno.writeTextFileSync(path, docModule(block, pathToFileURL(join(root, block.file)).href));
    examples.push([`example ${block.file}#${block.start}-${block.end}`, pathToFileURL(path).href]);
  });
  if (examples.length) {
    lines.push(
      `for (const [name, url] of ${JSON.stringify(examples)}) {`,
      "  Deno.test(name, async () => {",
      "    await import(url);",
      "  });",
      "}",
    );
  }
  const module = join(dir, "run_test.ts");
  Deno.writeTextFileSync(module, lines.join("\n") + "\n");
  return module;
}

/** What one `deno test` run reported in its summary line. */
export interface RunSummary {
  passed: number;
  failed: number;
  ignored: number;
}

/**
 * Reads the counts from a `deno test` report ("ok | 9 passed | 0 failed |
 * 2 ignored (224ms)"), colours or not; undefined when there is no summary
 * line (the run did not get as far).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSummary } from "./run_plan.ts";
 * const line = "\x1b[0m\x1b[32mok\x1b[0m | 9 passed (2 steps) | 1 failed | 2 ignored (224ms)";
 * assert.deepEqual(readSummary(`x\n${line}\n`), { passed: 9, failed: 1, ignored: 2 });
 * assert.equal(readSummary("error: Module not found"), undefined);
 * ```
 */
export function readSummary(report: string): RunSummary | undefined {
  // deno-lint-ignore no-control-regex
  const plain = report.replace(/\x1b\[[0-9;]*m/g, "");
  const line = plain.split("\n").reverse().find((l) => /^(ok|FAILED) \| \d+ passed/.test(l));
  if (!line) return undefined;
  const count = (word: string) => Number(line.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  return { passed: count("passed"), failed: count("failed"), ignored: count("ignored") };
}
