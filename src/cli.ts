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
import { join, resolve } from "node:path";
import { checkOutFolder, oneLine, parseCommandLine, printLoad, runCommand } from "./cli_common.ts";
import { CxOptionsError, CxSchemaError } from "./errors.ts";
import { LANGS } from "./report/format.ts";
import type { Lang } from "./report/format.ts";
import { fileWhy, type Labels, reportLabels } from "./report/i18n.ts";
import type { NotebookPage, SiteOptions } from "./report/site.ts";
import type { LoadedFile } from "./report/load_dir.ts";
import { checkDayRange } from "./report/params.ts";
import { checkPeriod, type Period } from "./time/period.ts";
import { checkTimeZone } from "./time/zone.ts";

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
  --allow-partial       write the report even when files could not be loaded
  --quiet               no progress lines

Every file's rows read, accepted and rejected (with the most frequent
reasons) and its warnings are printed on stderr; entries of DATA that are
not read (not CSV, folders, links leaving DATA) and files that could not be
loaded (unknown table, a mapping key that is no canonical column, a reversed
mapping, a mapped column missing from the file, unreadable or invalid files)
too, also with --quiet, and on the quality page. A file not loaded ends the
run with exit code 2 before anything is written, unless --allow-partial.
Bad options, an unusable folder and file keys of cxkit.json that leave DATA
end the run with one line on stderr and exit code 2; an unexpected failure
exits with 1. \`deno task init DIR\` writes a cxkit.json for a folder.`;

/**
 * Runs one CLI command; returns the process exit code. Bad options and
 * folders throw a `CxError` before anything is read or written; the process
 * entry point prints it as one line on stderr and exits with 2.
 */
export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parse(args);
  const progress = values.quiet ? undefined : (m: string) => console.error(`cxkit: ${oneLine(m)}`);
  const command = positionals[0];
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (command !== "report" && command !== "notebooks") {
    throw new CxOptionsError(
      `${command ? `Unknown command "${command}"` : "No command given"}: use \`report\` or ` +
        "`notebooks`; run `deno task report --help` for the options",
    );
  }
  const where = await checkOptions(values);
  const out = values.out;
  // Checked above: from here on the console speaks the report's language.
  const t = reportLabels(values.lang as Lang);

  let notebooks: NotebookPage[] = [];
  let notebookParams: Record<string, string> | undefined;
  let loaded: Awaited<ReturnType<typeof loadChecked>> | undefined;
  if (command === "notebooks") {
    // The data first: a file that does not load ends the run before the slow part.
    loaded = await loadChecked(values, t, progress);
    ({ notebooks, params: notebookParams } = await runNotebooks(values, progress));
  } else {
    const { readNotebookManifest } = await import("./report/notebooks.ts");
    const manifest = await readNotebookManifest(out);
    ({ notebooks = [], params: notebookParams } = manifest ?? {});
  }

  const { files, config } = loaded ?? await loadChecked(values, t, progress);
  const { buildSite, writeSite } = await import("./report/site.ts");
  const options: SiteOptions = {
    dataDir: values.data,
    lang: values.lang as Lang,
    locale: values.locale,
    timeZone: values["time-zone"] ?? config.timeZone ?? "UTC",
    filters: { from: values.from, to: values.to, where },
    period: values.period as Period,
    segment: values.segment,
    csatScale: config.csatScale,
    cesScale: config.cesScale,
    privacy: config.privacy,
    notebooks,
    notebookParams,
    onProgress: progress,
    ...(values.pdf ? { pdf: "report.pdf" } : {}),
    ...(config.labels ? { columnLabels: config.labels } : {}),
  };
  const written = await writeSite(buildSite(files, options), out);
  progress?.(t.cliPagesWritten(written.length));
  console.log(t.cliReportWritten(resolve(join(out, "index.html"))));
  if (values.pdf) {
    progress?.(t.cliPrinting);
    const { printPdf } = await import("./report/pdf.ts");
    const pdf = await printPdf(join(out, "print.html"), join(out, "report.pdf"));
    console.log(t.cliPdfWritten(pdf));
  }
  return 0;
}

type Values = ReturnType<typeof parse>["values"];

/**
 * Loads the data folder and prints every file's outcome; throws a `CxError`
 * (exit 2) when there is nothing to report on, or when a file was not loaded
 * and --allow-partial was not given.
 */
async function loadChecked(
  values: Values,
  t: Labels,
  progress: ((m: string) => void) | undefined,
) {
  // The analyses (Arquero, Plot, jsdom) load only once the options are known to be good.
  const { loadProject } = await import("./report/load_dir.ts");
  const { files, config } = await loadProject(values.data, { config: values.map });
  const failed = printFiles(files, t, progress);
  if (files.every((f) => f.skipped)) {
    throw new CxOptionsError(t.cliNoCsv(values.data, files.length));
  }
  if (files.every((f) => f.result === undefined)) {
    throw new CxSchemaError(t.cliNothingLoaded(values.data));
  }
  if (failed && !values["allow-partial"]) throw new CxSchemaError(t.cliNotAllLoaded(failed));
  if (failed) console.error(`cxkit: ${t.cliPartial(failed)}`);
  return { files, config };
}

/**
 * Every file's outcome on stderr: a file not loaded and an entry skipped as
 * one line each, and per loaded file its rows read, accepted and rejected
 * with the most frequent reasons, then its warnings. Problems print even with
 * --quiet; a clean file's counts are progress. Returns how many CSV files
 * were not loaded.
 */
function printFiles(
  files: LoadedFile[],
  t: Labels,
  progress: ((m: string) => void) | undefined,
): number {
  const say = (line: string) => console.error(`cxkit: ${oneLine(line)}`);
  let failed = 0;
  for (const entry of files) {
    const { file, error, skipped, result } = entry;
    if (error !== undefined) {
      if (!skipped) failed++;
      const why = fileWhy(t, entry);
      say(skipped ? t.cliSkipped(file, why) : t.cliNotLoaded(file, why));
      continue;
    }
    if (result) printLoad(file, result, progress, t);
  }
  return failed;
}

/** Every option checked before anything is read or written; returns the parsed filters. */
async function checkOptions(values: Values): Promise<Record<string, string>> {
  if (!LANGS.includes(values.lang as Lang)) {
    throw new CxOptionsError(`--lang must be one of ${LANGS.join(", ")}, got "${values.lang}"`);
  }
  checkPeriod(values.period);
  checkDayRange(values.from, values.to);
  if (values["time-zone"] !== undefined) checkTimeZone(values["time-zone"], "time-zone");
  const where = parseFilters(values.filter ?? []);
  if (!(await Deno.stat(values.data).then((s) => s.isDirectory, () => false))) {
    throw new CxOptionsError(
      `Option "data": there is no folder "${values.data}" (from ${Deno.cwd()}); pass a folder of CSV files`,
    );
  }
  await checkOutFolder(values.out);
  return where;
}

/** `deno task notebooks`: executes the notebooks into OUT/notebooks and records them. */
async function runNotebooks(
  values: Values,
  progress: ((m: string) => void) | undefined,
): Promise<{ notebooks: NotebookPage[]; params: Record<string, string> }> {
  const { executeNotebooks, writeNotebookManifest } = await import("./report/notebooks.ts");
  const params = {
    data: resolve(values.data),
    period: values.period as Period,
    segment: values.segment,
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
  };
  const done = await executeNotebooks({
    dir: values.dir,
    outDir: join(values.out, "notebooks"),
    onProgress: progress,
    params,
    lang: values.lang as Lang,
  });
  const notebooks = done.map((n) => ({
    path: `notebooks/${n.html.split("/").pop()}`,
    title: n.title,
    body: n.body,
  }));
  const notebookParams = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [`CXKIT_${k.toUpperCase()}`, v]),
  );
  await writeNotebookManifest(values.out, {
    params: notebookParams,
    notebooks: notebooks.map(({ path, title }) => ({ path, title })),
  });
  return { notebooks, params: notebookParams };
}

function parse(args: string[]) {
  return parseCommandLine({
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
      "allow-partial": { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  }, "report");
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

if (import.meta.main) await runCommand(() => main(Deno.args));
