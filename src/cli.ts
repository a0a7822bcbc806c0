/**
 * The command line: `deno task report` and `deno task notebooks`.
 *
 *     deno task report [--data DIR] [--map cxkit.json] [--out report] [--quiet]
 *     deno task notebooks [--dir notebooks] [--out report/notebooks] [--quiet]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { CxError } from "./errors.ts";
import { buildReport } from "./report/build.ts";
import { loadDirectory } from "./report/load_dir.ts";

const USAGE = `Usage:
  deno task report [--data DIR] [--map FILE] [--out DIR] [--quiet]
      Loads DIR (default data/sample) using FILE (default DIR/cxkit.json) for
      table names and column mappings, and writes a static HTML report to DIR
      (default report/).
  deno task notebooks [--dir notebooks] [--out report/notebooks] [--quiet]
      Executes every notebook with Jupyter (Deno kernel) into HTML.`;

/** Runs one CLI command; returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: "string", default: "data/sample" },
      map: { type: "string" },
      out: { type: "string" },
      dir: { type: "string", default: "notebooks" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const progress = values.quiet ? undefined : (m: string) => console.error(`cxkit: ${m}`);
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command === "report") {
    const out = values.out ?? "report";
    const files = await loadDirectory(values.data, { config: values.map, onProgress: progress });
    await Deno.mkdir(out, { recursive: true });
    const path = join(out, "index.html");
    await Deno.writeTextFile(path, buildReport(files, { dataDir: values.data }));
    console.log(`Report written to ${resolve(path)}`);
    return 0;
  }
  if (command === "notebooks") {
    const { executeNotebooks } = await import("./report/notebooks.ts");
    const done = await executeNotebooks({
      dir: values.dir,
      outDir: values.out ?? "report/notebooks",
      onProgress: progress,
    });
    for (const { html } of done) console.log(`Notebook written to ${resolve(html)}`);
    return 0;
  }
  console.error(`Unknown command "${command}".\n${USAGE}`);
  return 2;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    if (!(e instanceof CxError)) throw e;
    console.error(`cxkit: ${e.message}`);
    Deno.exit(1);
  }
}
