/**
 * The command line: `deno task report` and `deno task notebooks`.
 *
 *     deno task report [--data DIR] [--map FILE] [--out DIR] [--lang en|de] [--locale L]
 *                      [--from DAY] [--to DAY] [--filter COLUMN=VALUE]… [--period P]
 *                      [--segment COLUMN] [--time-zone Z] [--pdf] [--quiet]
 *     deno task notebooks [--dir notebooks] [same options]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { CxError, CxOptionsError } from "./errors.ts";
import { LANGS } from "./report/format.ts";
import type { Lang } from "./report/format.ts";
import type { NotebookPage, SiteOptions } from "./report/site.ts";
import { checkPeriod } from "./time/period.ts";

const USAGE = `Usage:
  deno task report [options]
      Loads DIR (default data/sample) using its cxkit.json (or --map FILE) for
      table names and column mappings, and writes a static site to --out
      (default report/): index.html, one page per section, print.html.
  deno task notebooks [--dir notebooks] [options]
      Executes every notebook with Jupyter (Deno kernel), passing --data,
      --period, --segment, --from, --to as CXKIT_* environment variables, and
      adds the notebooks to the site.

Options:
  --data DIR            data folder (default data/sample)
  --map FILE            mapping file (default DIR/cxkit.json)
  --out DIR             site folder (default report)
  --lang en|de          language of headings, labels and findings (default en)
  --locale LOCALE       number and date format (default en-US for en, de-DE for de)
  --from YYYY-MM-DD     first day included (survey answers, tickets, events)
  --to YYYY-MM-DD       last day included
  --filter COLUMN=VALUE keep rows with this value, in every table that has the column (repeatable)
  --period P            day, week, month (default), quarter or year
  --segment COLUMN      break results down by this column (default channel)
  --time-zone ZONE      IANA zone for periods and days (default: cxkit.json's, else UTC)
  --pdf                 also print the whole report to DIR/report.pdf with headless Chromium
  --quiet               no progress lines`;

/** Runs one CLI command; returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(args);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const progress = values.quiet ? undefined : (m: string) => console.error(`cxkit: ${m}`);
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command !== "report" && command !== "notebooks") {
    console.error(`Unknown command "${command}".\n${USAGE}`);
    return 2;
  }
  if (!LANGS.includes(values.lang as Lang)) {
    throw new CxOptionsError(`--lang must be one of ${LANGS.join(", ")}, got "${values.lang}"`);
  }
  checkPeriod(values.period);
  for (const option of ["from", "to"] as const) {
    const day = values[option];
    if (day !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(day)))) {
      throw new CxOptionsError(`Option "${option}" must be a day as YYYY-MM-DD, got "${day}"`);
    }
  }
  const where = parseFilters(values.filter ?? []);
  const out = values.out;

  let notebooks: NotebookPage[] = [];
  let notebookParams: Record<string, string> | undefined;
  if (command === "notebooks") {
    // Fail before the slow part: every notebook would read this folder.
    if (!(await Deno.stat(values.data).then((s) => s.isDirectory, () => false))) {
      throw new CxOptionsError(`Option "data": there is no folder "${values.data}"`);
    }
    const { executeNotebooks } = await import("./report/notebooks.ts");
    const params = {
      data: resolve(values.data),
      period: values.period,
      segment: values.segment,
      ...(values.from ? { from: values.from } : {}),
      ...(values.to ? { to: values.to } : {}),
    };
    const done = await executeNotebooks({
      dir: values.dir,
      outDir: join(out, "notebooks"),
      onProgress: progress,
      params,
    });
    notebooks = done.map((n) => ({
      path: `notebooks/${n.html.split("/").pop()}`,
      title: n.title,
      body: n.body,
    }));
    notebookParams = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [`CXKIT_${k.toUpperCase()}`, v]),
    );
    await Deno.writeTextFile(
      join(out, "notebooks", "notebooks.json"),
      JSON.stringify(
        {
          params: notebookParams,
          notebooks: notebooks.map(({ path, title }) => ({ path, title })),
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    ({ notebooks, params: notebookParams } = await previousNotebooks(out));
  }

  // The analyses (Arquero, Plot, jsdom) load only once the options are known to be good.
  const { loadProject } = await import("./report/load_dir.ts");
  const { files, config } = await loadProject(values.data, {
    config: values.map,
    onProgress: progress,
  });
  const { buildSite, writeSite } = await import("./report/site.ts");
  const options: SiteOptions = {
    dataDir: values.data,
    lang: values.lang as Lang,
    locale: values.locale,
    timeZone: values["time-zone"] ?? config.timeZone ?? "UTC",
    filters: { from: values.from, to: values.to, where },
    period: values.period,
    segment: values.segment,
    csatScale: config.csatScale,
    cesScale: config.cesScale,
    notebooks,
    notebookParams,
    onProgress: progress,
  };
  const written = await writeSite(buildSite(files, options), out);
  progress?.(`${written.length} pages written`);
  console.log(`Report written to ${resolve(join(out, "index.html"))}`);
  if (values.pdf) {
    progress?.("printing the report to PDF with headless Chromium");
    const { printPdf } = await import("./report/pdf.ts");
    const pdf = await printPdf(join(out, "print.html"), join(out, "report.pdf"));
    console.log(`PDF written to ${pdf}`);
  }
  return 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: "string", default: "data/sample" },
      map: { type: "string" },
      out: { type: "string", default: "report" },
      dir: { type: "string", default: "notebooks" },
      lang: { type: "string", default: "en" },
      locale: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      filter: { type: "string", multiple: true },
      period: { type: "string", default: "month" },
      segment: { type: "string", default: "channel" },
      "time-zone": { type: "string" },
      pdf: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
}

/** `COLUMN=VALUE` pairs; the value may contain `=`. */
function parseFilters(filters: string[]): Record<string, string> {
  const where: Record<string, string> = {};
  for (const f of filters) {
    const i = f.indexOf("=");
    if (i <= 0) {
      throw new CxOptionsError(`--filter takes COLUMN=VALUE (e.g. region=north), got "${f}"`);
    }
    where[f.slice(0, i)] = f.slice(i + 1);
  }
  return where;
}

/** Notebooks a previous `deno task notebooks` put into this site, to keep them in the navigation. */
async function previousNotebooks(
  out: string,
): Promise<{ notebooks: NotebookPage[]; params?: Record<string, string> }> {
  try {
    const manifest = JSON.parse(await Deno.readTextFile(join(out, "notebooks", "notebooks.json")));
    return { notebooks: manifest.notebooks ?? [], params: manifest.params };
  } catch {
    return { notebooks: [] };
  }
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
