/**
 * `deno task cohorts`: monthly (or daily, weekly, quarterly) cohort retention
 * from an events file, for data scientists who want the numbers as files.
 *
 *     deno task cohorts --events data/sample/events.csv [--by month] [--mode exact]
 *       [--segment plan --customers data/sample/customers.csv] [--time-zone UTC]
 *       [--window calendar] [--out cohorts/] [--quiet]
 *
 * Writes `retention.csv` and `retention.json` (one row per cohort × period
 * index), `pooled.csv` (the size-weighted curve) and `heatmap.svg` to the
 * output directory and prints their paths. An unknown flag, an invalid
 * `--time-zone`, an `--out` that is a file, or a bad events file ends with
 * one line on stderr and exit code 2.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { checkOutFolder, parseCommandLine, printLoad, runCommand } from "./cli_common.ts";
import { CxOptionsError } from "./errors.ts";
import { checkTimeZone } from "./time/zone.ts";
import { toCsv } from "./io/csv.ts";
import { readLargeCsv } from "./io/csv_large.ts";
import { writeJson } from "./io/json.ts";
import { cohortRetention } from "./analysis/cohort/retention.ts";
import { pooledRetention } from "./analysis/cohort/summaries.ts";
import { retentionHeatmap } from "./charts/cohort.ts";
import { renderSvg } from "./charts/render.ts";

const USAGE = `Usage: deno task cohorts --events FILE [--by day|week|month|quarter]
  [--mode exact|unbounded] [--window calendar|rolling] [--time-zone ZONE]
  [--segment COLUMN [--customers FILE]] [--revenue COLUMN] [--out DIR] [--quiet]`;

/**
 * Runs the cohorts command with CLI arguments; returns the exit code and the
 * files written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cohortsMain } from "./cohorts_cli.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/e.csv`, "customer_id,date\nA,2024-01-03\nA,2024-02-05\nB,2024-01-09\n");
 * const { code, files } = await cohortsMain(["--events", `${dir}/e.csv`, "--out", dir, "--quiet"]);
 * assert.equal(code, 0);
 * assert.ok(files.some((f) => f.endsWith("retention.csv")));
 * ```
 */
export async function cohortsMain(args: string[]): Promise<{ code: number; files: string[] }> {
  const { values } = parseCommandLine({
    args,
    options: {
      events: { type: "string" },
      by: { type: "string", default: "month" },
      mode: { type: "string", default: "exact" },
      window: { type: "string", default: "calendar" },
      "time-zone": { type: "string", default: "UTC" },
      segment: { type: "string" },
      customers: { type: "string" },
      revenue: { type: "string" },
      out: { type: "string", default: "cohorts" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  }, "cohorts");
  if (values.help) {
    console.log(USAGE);
    return { code: 0, files: [] };
  }
  if (!values.events) {
    throw new CxOptionsError(
      "--events FILE is required (an events CSV); run `deno task cohorts --help` for the options",
    );
  }
  checkTimeZone(values["time-zone"], "time-zone");
  await checkOutFolder(values.out);
  const progress = values.quiet ? () => {} : (m: string) => console.error(`cxkit: ${m}`);
  // Large files load through the dictionary-encoding reader (same rows and rejects as readCsv).
  const load = (file: string, schema: "events" | "customers") =>
    readLargeCsv(file, {
      schema,
      onProgress: (p) =>
        p.step === "parse" &&
        progress(
          `${file}: ${p.rows.toLocaleString("en-US")} rows parsed (${p.seconds.toFixed(1)} s)`,
        ),
    });
  const events = await load(values.events, "events");
  printLoad(values.events, events, values.quiet ? undefined : progress);
  const customers = values.customers ? await load(values.customers, "customers") : undefined;
  if (customers) printLoad(values.customers!, customers, values.quiet ? undefined : progress);
  const signup = customers?.table;
  const retention = cohortRetention(events.table, {
    period: values.by as "month",
    mode: values.mode as "exact",
    window: values.window as "calendar",
    timeZone: values["time-zone"],
    by: values.segment,
    signup,
    revenue: values.revenue,
  });
  progress(`${retention.numRows()} cohort cells computed`);
  await Deno.mkdir(values.out, { recursive: true });
  const files = [
    join(values.out, "retention.csv"),
    join(values.out, "retention.json"),
    join(values.out, "pooled.csv"),
    join(values.out, "heatmap.svg"),
  ];
  // Non-finite cells (none expected) would be written empty: say so rather than bend silently.
  const csv = { onWarning: (w: string) => console.error(`cxkit: ${w}`) };
  await Deno.writeTextFile(files[0], toCsv(retention, csv));
  await writeJson(retention, files[1]);
  await Deno.writeTextFile(files[2], toCsv(pooledRetention(retention), csv));
  await Deno.writeTextFile(files[3], renderSvg(retentionHeatmap(retention)));
  for (const f of files) console.log(`Written: ${resolve(f)}`);
  return { code: 0, files };
}

if (import.meta.main) await runCommand(async () => (await cohortsMain(Deno.args)).code);
