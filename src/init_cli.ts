/**
 * The command line of `deno task init DIR [--force]`: writes `DIR/cxkit.json`
 * with each CSV's guessed table, column mapping and CSV settings, and the
 * canonical columns not found (see `src/report/init.ts`).
 *
 * @module
 */
import { oneLine, parseCommandLine, runCommand } from "./cli_common.ts";
import { CxOptionsError } from "./errors.ts";
import { initProject } from "./report/init.ts";

const USAGE = `Usage:
  deno task init DIR [--force]
      Reads every CSV in DIR, guesses which table each holds (responses,
      tickets, customers, events) and which of its headers is which canonical
      column (German and English names: "Empfehlung" or "NPS" → nps_score,
      "Datum" → date), and writes DIR/cxkit.json: per file its table, mapping,
      delimiter, decimal separator, encoding and date format, and under
      "unmapped" the table's columns no header was found for. Check it, then
      run \`deno task report --data DIR\`.

Options:
  --force   replace an existing DIR/cxkit.json (without it, an existing one
            is never touched: exit code 2)
  --quiet   only the path written and problems`;

/** Runs `init`; returns the process exit code. Problems throw a `CxError` (exit 2). */
export async function initMain(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      force: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  }, "init");
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new CxOptionsError(
      `init takes one folder, got ${positionals.length || "none"}: \`deno task init DIR\` ` +
        "(run `deno task init --help` for the options)",
    );
  }
  const dir = positionals[0];
  const { path, files } = await initProject(dir, { force: values.force });
  const say = (line: string) => console.error(`cxkit: ${oneLine(line)}`);
  for (const f of files) {
    const entry = f.config;
    if (entry && !values.quiet) {
      const pairs = Object.entries(entry.mapping ?? {}).map(([c, h]) => `${h} → ${c}`);
      const loaded = f.rows === undefined ? "" : `; ${f.rows} rows read, ${f.rejected} rejected`;
      say(`${f.file}: ${entry.schema} (${pairs.join(", ") || "no column recognised"})${loaded}`);
    }
    for (const note of f.notes) say(`${f.file}: ${note}`);
  }
  const todo = files.some((f) => f.notes.length) ? "fix the files named above, then " : "";
  console.log(
    `cxkit.json written to ${path}; check the guessed mappings, ${todo}run ` +
      `\`deno task report --data ${dir}\``,
  );
  return 0;
}

if (import.meta.main) await runCommand(() => initMain(Deno.args));
