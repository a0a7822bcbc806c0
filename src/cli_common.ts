/**
 * What every cxkit command shares: parsing options into a `CxOptionsError`
 * instead of a Node `TypeError`, checking the output folder, and ending with
 * one line on stderr — exit code 2 for a `CxError` (bad options or input,
 * the message says what to fix), 1 for anything unexpected — never a stack
 * trace (set `CXKIT_DEBUG=1` to see one).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { ColumnTable } from "arquero";
import { CxError, CxOptionsError } from "./errors.ts";
import { EN, type Labels } from "./report/i18n_en.ts";

/**
 * `parseArgs` with strict options; an unknown flag or a missing value is a
 * one-line `CxOptionsError` pointing at `--help`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCommandLine } from "./cli_common.ts";
 * const options = { out: { type: "string" as const } };
 * assert.equal(parseCommandLine({ args: ["--out", "x"], options }, "report").values.out, "x");
 * assert.throws(() => parseCommandLine({ args: ["--colour"], options }, "report"), /Unknown option '--colour'; run `deno task report --help`/);
 * ```
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, command: string) {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (e) {
    // Node's messages continue with advice about positionals; the first sentence says it.
    const first = (e as Error).message.split(/\.\s/)[0].replace(/\.$/, "");
    throw new CxOptionsError(`${first}; run \`deno task ${command} --help\` for the options`);
  }
}

/**
 * Throws a `CxOptionsError` when `out` exists and is not a folder (the
 * command would fail half-way, after the slow part).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOutFolder } from "./cli_common.ts";
 * await checkOutFolder(await Deno.makeTempDir());
 * await assert.rejects(checkOutFolder(await Deno.makeTempFile()), /"out": ".*" is a file, not a folder/);
 * ```
 */
export async function checkOutFolder(out: string): Promise<void> {
  const info = await Deno.stat(out).catch(() => undefined);
  if (info && !info.isDirectory) {
    throw new CxOptionsError(
      `Option "out": "${out}" is a file, not a folder; pass a folder (it is created if missing)`,
    );
  }
}

/**
 * Prints why a command failed as one line on stderr (`cxkit: …`, a message's
 * lines joined by "; ", or by a space after a colon) and returns the exit code: 2 for a `CxError`, 1 for
 * anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CxOptionsError } from "./errors.ts";
 * import { failureLine } from "./cli_common.ts";
 * const { line, code } = failureLine(new CxOptionsError("bad:\n  really\n  truly"));
 * assert.equal(line, "cxkit: bad: really; truly");
 * assert.equal(code, 2);
 * ```
 */
export function failureLine(e: unknown): { line: string; code: number } {
  const text = oneLine(e instanceof Error ? e.message : String(e));
  if (e instanceof CxError) return { line: `cxkit: ${text}`, code: 2 };
  return {
    line: `cxkit: unexpected error: ${text} (set CXKIT_DEBUG=1 to see where it happened)`,
    code: 1,
  };
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * A message on one line: "format:\n  issue" reads "format: issue", other line
 * breaks become "; ", control characters U+FFFD.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneLine } from "./cli_common.ts";
 * assert.equal(oneLine("2 problems:\n  row 3\n  row 4\n"), "2 problems: row 3; row 4");
 * ```
 */
export function oneLine(message: string): string {
  // Control characters (bytes of a binary file named in a message) would garble the terminal.
  const lines = message.split("\n").map((l) => l.replace(CONTROL, "\uFFFD").trim())
    .filter((l) => l !== "");
  return lines.reduce((t, l) => t === "" ? l : `${t}${t.endsWith(":") ? " " : "; "}${l}`, "");
}

/** Runs a command's main function as the process: its exit code, or one line on stderr. */
export async function runCommand(main: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (e) {
    const failed = failureLine(e);
    console.error(failed.line);
    if (Deno.env.get("CXKIT_DEBUG")) console.error(e);
    code = failed.code;
  }
  Deno.exit(code);
}

/** The parts of a load result {@link printLoad} reads. */
export interface LoadOutcome {
  /** Counts and warnings of the load. */
  summary: { rows: number; accepted: number; rejected: number; warnings: string[] };
  /** One row per problem, with a `reason` column. */
  rejects: ColumnTable;
}

/** The words of {@link printLoad}'s lines (the report's labels of its language). */
export type LoadWords = Pick<Labels, "cliCounts" | "cliReasons" | "cliWarning">;

/**
 * A file's load on stderr: rows read, accepted and rejected with the three
 * most frequent reasons, then each warning, one line each, in the words of
 * `words` (default English; `reportLabels("de")` for German). A load without
 * rejects or warnings is only progress (not printed when `progress` is
 * undefined, i.e. with --quiet).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { printLoad } from "./cli_common.ts";
 * import { reportLabels } from "./report/i18n.ts";
 * const lines: string[] = [];
 * const error = console.error;
 * console.error = (line: string) => lines.push(line);
 * const load = {
 *   summary: { rows: 3, accepted: 1, rejected: 2, warnings: ["dates read as DD.MM.YYYY"] },
 *   rejects: aq.table({ reason: ["above 10", "above 10"] }),
 * };
 * printLoad("a.csv", load, undefined);
 * printLoad("a.csv", load, undefined, reportLabels("de"));
 * console.error = error;
 * assert.deepEqual(lines, [
 *   "cxkit: a.csv: 3 rows read, 1 accepted, 2 rejected; most frequent reasons: 2 × above 10",
 *   "cxkit: a.csv: warning: dates read as DD.MM.YYYY",
 *   "cxkit: a.csv: 3 Zeilen gelesen, 1 angenommen, 2 abgelehnt; häufigste Gründe: 2 × above 10",
 *   "cxkit: a.csv: Warnung: dates read as DD.MM.YYYY",
 * ]);
 * ```
 */
export function printLoad(
  file: string,
  load: LoadOutcome,
  progress: ((message: string) => void) | undefined,
  words: LoadWords = EN,
): void {
  const say = (line: string) => console.error(`cxkit: ${oneLine(line)}`);
  const { rows, accepted, rejected, warnings } = load.summary;
  const counts = words.cliCounts(file, String(rows), String(accepted), String(rejected));
  if (rejected === 0 && warnings.length === 0) {
    progress?.(counts);
    return;
  }
  const reasons = new Map<string, number>();
  for (const reason of load.rejects.array("reason") as string[]) {
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([r, n]) => `${n} × ${r}`).join(" | ");
  say(rejected ? words.cliReasons(counts, top) : counts);
  for (const warning of warnings) say(words.cliWarning(file, warning));
}
