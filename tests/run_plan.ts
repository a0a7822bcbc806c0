/**
 * How `tests/run.ts` splits the default selection (`--doc src/ tests/
 * README.md`) into `deno test` runs that execute side by side: the units
 * (every test file, every folder of `src/` for its doc examples, the files
 * directly in `src/`, README.md), an estimate of each unit's cost, and a
 * queue that hands the dearest units out first.
 *
 * Why several `deno test` runs instead of one `deno test --parallel`: a
 * parallel run prints its test lines without the per-module headers
 * ("running 5 tests from ./x_test.ts") that sequential runs print, and CI
 * reports are read from those; two sequential runs side by side keep the
 * usual report and use both cores.
 *
 * @module
 */
import { join, relative } from "node:path";

/** One piece of the selection: the arguments it adds to a `deno test` command line. */
export interface TestUnit {
  /** Shown in progress lines. */
  label: string;
  /** Paths handed to `deno test --doc`. */
  paths: string[];
  /** `--ignore` paths (only the `src/` top-level unit has them; it runs alone). */
  ignore: string[];
  /** Estimated seconds, for ordering only. */
  cost: number;
}

/**
 * Seconds the slowest test files took on the 2-core CI machine (2026-12-02),
 * so that they start first; every other file is estimated from its size.
 */
const MEASURED_SECONDS: Record<string, number> = {
  "tests/notebooks_test.ts": 110,
  "tests/notebooks_data_test.ts": 110,
  "tests/report/front_browser_test.ts": 60,
  "tests/report/browser_test.ts": 50,
};

const TEST_FILE = /(^|[/._])test\.(ts|tsx|mts|js|mjs|jsx)$/;

function walk(dir: string, keep: (name: string) => boolean, out: string[]): string[] {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) walk(path, keep, out);
    else if (entry.isFile && keep(entry.name)) out.push(path);
  }
  return out;
}

/** Fenced code blocks in `files`: what `deno test --doc` extracts and runs (an estimate of cost). */
function codeBlocksIn(files: string[]): number {
  let fences = 0;
  for (const file of files) fences += Deno.readTextFileSync(file).split("```").length - 1;
  return Math.ceil(fences / 2);
}

/**
 * The units of the default selection under `root`: each test file under
 * `tests/` (and each helper module there with code blocks in its docs), each folder of `src/` (doc examples), the files directly in
 * `src/`, and README.md (its code blocks).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { testUnits } from "./run_plan.ts";
 * const units = testUnits(".");
 * const paths = units.map((u) => u.paths[0]);
 * assert.ok(paths.includes("tests/options_test.ts")); // a test file
 * assert.ok(paths.includes("tests/run_plan.ts")); // a helper with code blocks in its docs
 * assert.ok(!paths.includes("tests/run.ts")); // a helper without
 * assert.ok(paths.includes("src/metrics/")); // a folder's doc examples
 * assert.ok(paths.includes("src/entries/")); // code blocks in `@module` docs only
 * assert.ok(paths.includes("README.md"));
 * ```
 */
export function testUnits(root: string): TestUnit[] {
  const units: TestUnit[] = [];
  const testFolderFiles = walk(join(root, "tests"), (n) => /\.(ts|tsx|mts|js|mjs)$/.test(n), []);
  for (const file of testFolderFiles.sort()) {
    // Test files, and the helper modules beside them that carry doc examples.
    if (!TEST_FILE.test(file) && codeBlocksIn([file]) === 0) continue;
    const path = relative(root, file);
    const seconds = MEASURED_SECONDS[path] ?? 1 + Deno.statSync(file).size / 4000;
    units.push({ label: path, paths: [path], ignore: [], cost: seconds });
  }
  const srcFolders: string[] = [];
  const srcFiles: string[] = [];
  for (const entry of Deno.readDirSync(join(root, "src"))) {
    if (entry.isDirectory) srcFolders.push(`src/${entry.name}/`);
    else if (entry.name.endsWith(".ts")) srcFiles.push(join(root, "src", entry.name));
  }
  for (const folder of srcFolders.sort()) {
    // Every folder, even one without code blocks: `@module` docs count too (src/entries/).
    const blocks = codeBlocksIn(walk(join(root, folder), (n) => n.endsWith(".ts"), []));
    units.push({ label: folder, paths: [folder], ignore: [], cost: Math.max(1, blocks) });
  }
  units.push({
    label: "src/*.ts",
    paths: ["src/"],
    ignore: srcFolders,
    cost: codeBlocksIn(srcFiles),
  });
  units.push({ label: "README.md", paths: ["README.md"], ignore: [], cost: 10 });
  return units;
}

/**
 * A queue of `deno test` batches for `workers` runs side by side: dearest
 * unit first, cheap units packed together (about a sixth of a worker's share
 * per batch, so the runs finish close together), a unit with `ignore` paths
 * always alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batches } from "./run_plan.ts";
 * const unit = (label: string, cost: number) => ({ label, paths: [label], ignore: [], cost });
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
    const alone = unit.ignore.length > 0;
    if (current.length && (alone || cost + unit.cost > target)) {
      out.push(current);
      current = [], cost = 0;
    }
    current.push(unit), cost += unit.cost;
    if (alone) out.push(current), current = [], cost = 0;
  }
  if (current.length) out.push(current);
  return out;
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
