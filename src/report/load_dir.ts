/**
 * Loading a directory of an analyst's files for a report: which file is which
 * canonical table, with which mapping, comes from `cxkit.json` (or `--map`),
 * else from the file name. A file that cannot be read becomes an entry with
 * its error, never a crash and never a silent skip.
 *
 * @module
 */
import { basename, dirname, isAbsolute, join, sep } from "node:path";
import { z } from "zod";
import { CxError, CxOptionsError, CxSchemaError } from "../errors.ts";
import { type CsvLoadResult, readCsv } from "../io/csv.ts";
import { parseJsonText } from "../io/json.ts";
import { checkTimeZone } from "../time/zone.ts";
import type { CanonicalName } from "../schema/canonical.ts";
import { CES_SCALES, type CesScale, CSAT_SCALES, type CsatScale } from "../schema/scales.ts";
import { checkOptions, optionNames } from "../options.ts";
import { mappingProblems, nearestName, readCsvHeader } from "./mapping_check.ts";
import { schemaFromName } from "./init_guess.ts";
import type { PrivacyConfig } from "./privacy.ts";
import { EN } from "./i18n_en.ts";

const fileConfig = z.strictObject({
  schema: z.enum(["responses", "tickets", "customers", "events"]),
  mapping: z.record(z.string(), z.string()).optional(),
  unmapped: z.array(z.string()).optional(),
  delimiter: z.string().optional(),
  decimal: z.enum([".", ","]).optional(),
  dateFormat: z.enum(["auto", "YYYY-MM-DD", "DD.MM.YYYY", "DD/MM/YYYY", "MM/DD/YYYY"]).optional(),
  encoding: z.enum(["auto", "utf-8", "windows-1252"]).optional(),
});

/** A scale top from the list (the zod twin of `checkScale`). */
function scaleTop<T extends number>(allowed: readonly T[]) {
  return z.custom<T>((v) => allowed.includes(v as T), {
    message: `must be ${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`,
  });
}

const projectConfig = z.strictObject({
  csatScale: scaleTop(CSAT_SCALES).optional(),
  cesScale: scaleTop(CES_SCALES).optional(),
  timeZone: z.string().refine(isTimeZone, {
    message: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"',
  }).optional(),
  files: z.record(z.string(), fileConfig).default({}),
  privacy: z.strictObject({
    drop: z.array(z.string()).optional(),
    hash: z.array(z.string()).optional(),
    redact: z.array(z.string()).optional(),
    keep: z.array(z.string()).optional(),
    minGroupSize: z.number().int().min(1).optional(),
  }).optional(),
  labels: z.record(z.string(), z.string().min(1)).optional(),
});

/**
 * The `cxkit.json` mapping file: scales, time zone, and per file its table
 * and mapping. Spelled out (not `z.infer`) so the public docs can show it;
 * the two checks below keep it equal to the schema.
 */
export interface ProjectConfig {
  /** CSAT scale top (5, 7 or 10). */
  csatScale?: CsatScale;
  /** CES scale top (5 or 7). */
  cesScale?: CesScale;
  /** IANA zone of date-only values and periods. */
  timeZone?: string;
  /** Per file name: its canonical table, column mapping and CSV settings. */
  files: Record<string, FileConfig>;
  /** What the report keeps out of its pages (see `src/report/privacy.ts`). */
  privacy?: PrivacyConfig;
  /** Display names of columns in the report, e.g. `{ "nps_score": "Weiterempfehlung" }`. */
  labels?: Record<string, string>;
}

/** One file's entry in `cxkit.json`. */
export interface FileConfig {
  /** Which canonical table the file holds. */
  schema: CanonicalName;
  /** Canonical column → column name in the file. */
  mapping?: Record<string, string>;
  /**
   * Canonical columns of the schema not mapped yet: a reminder `deno task
   * init` writes, for you to move into `mapping`; the loaders do not read it.
   */
  unmapped?: string[];
  /** Field delimiter (default: sniffed). */
  delimiter?: string;
  /** Decimal separator (default: sniffed). */
  decimal?: "." | ",";
  /** Date format (default: detected). */
  dateFormat?: "auto" | "YYYY-MM-DD" | "DD.MM.YYYY" | "DD/MM/YYYY" | "MM/DD/YYYY";
  /** Text encoding (default: detected). */
  encoding?: "auto" | "utf-8" | "windows-1252";
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatches: Same<z.infer<typeof projectConfig>, ProjectConfig> = true;
void _schemaMatches;

/** One file of a directory load: its result, or why it could not be loaded. */
export interface LoadedFile {
  /** File name inside the directory. */
  file: string;
  /** Which canonical table it was read as, or `null` when unknown. */
  schema: CanonicalName | null;
  /** The load result when the file could be read. */
  result?: CsvLoadResult;
  /** Why the file was not loaded (bad mapping, unknown table, unreadable, skipped). */
  error?: string;
  /**
   * `true` for an entry of the folder that is not read at all: not a CSV
   * file, a sub-folder, or a link that leaves the folder or leads nowhere.
   */
  skipped?: true;
  /**
   * Which of the fixed reasons `error` gives, when it is one of them, so the
   * console and the quality page can say it in the report's language
   * (`error` stays English).
   */
  issue?: FileIssue;
}

/**
 * The fixed reasons a folder entry is not read: a link to nothing, a link
 * leaving the folder, a sub-folder, not a regular file, not a CSV file, a
 * CSV whose name says no table, or a file `cxkit.json` names that is not there.
 */
export type FileIssue =
  | "dangling-link"
  | "outside-link"
  | "folder"
  | "not-regular"
  | "not-csv"
  | "unknown-table"
  | "missing";

/**
 * Loads every CSV of a directory. `config` defaults to `DIR/cxkit.json` when
 * it exists; files not named there are matched by name prefix (`responses…`,
 * `tickets…`, `customers…`, `events…`/`orders…`, `touchpoints…` — an events
 * table the report keeps apart, see {@link isTouchpointFile}). Every other entry of the
 * folder is listed with `skipped: true` and its reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDirectory } from "./load_dir.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/events.csv`, "customer_id,date\nK1,2024-01-02\n");
 * await Deno.writeTextFile(`${dir}/notes.csv`, "a\n1\n");
 * await Deno.writeTextFile(`${dir}/notes.pdf`, "%PDF");
 * const files = await loadDirectory(dir);
 * assert.ok(files[0].result?.table.numRows() === 1 && files[1].error !== undefined);
 * assert.ok(files[2].skipped && files[2].error?.includes("not a CSV file"));
 * ```
 */
export async function loadDirectory(
  dir: string,
  options: LoadOptions = {},
): Promise<LoadedFile[]> {
  checkOptions("loadDirectory", options, LOAD_OPTIONS);
  return (await loadProject(dir, options)).files;
}

/** Options of {@link loadDirectory} and {@link loadProject}. */
export interface LoadOptions {
  /** Mapping file (default `DIR/cxkit.json` when it exists); may lie outside `DIR`. */
  config?: string;
  /** Called with a line per file loaded (rows read and rejected). */
  onProgress?: (message: string) => void;
}

/** The names of {@link LoadOptions}. */
export const LOAD_OPTIONS = optionNames<LoadOptions>()(["config", "onProgress"]);

/**
 * Like {@link loadDirectory}, and also returns the mapping file's settings
 * (scales, time zone) that the analyses need. Everything read lies inside
 * `dir`: a file key of `cxkit.json` that is absolute, contains `..` or is a
 * link leaving the folder is a `CxOptionsError`; links found in the folder
 * are read when they point inside it and skipped otherwise. An invalid
 * `timeZone` or an unknown key in `cxkit.json` is a `CxSchemaError` (naming
 * the nearest known key). A file whose mapping has a key that is no
 * canonical column ("did you mean nps_score?"), looks reversed, or names a
 * column not in the file becomes an entry with that error, not loaded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadProject } from "./load_dir.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/cxkit.json`, JSON.stringify({ csatScale: 10, files: {} }));
 * await Deno.writeTextFile(`${dir}/events.csv`, "customer_id,date\nK1,2024-01-02\n");
 * const { files, config } = await loadProject(dir);
 * assert.ok(config.csatScale === 10 && files.length === 1);
 * await Deno.writeTextFile(`${dir}/cxkit.json`, JSON.stringify({ files: { "../x.csv": { schema: "events" } } }));
 * await assert.rejects(loadProject(dir), /leaves the data folder/);
 * ```
 */
export async function loadProject(
  dir: string,
  options: LoadOptions = {},
): Promise<{ files: LoadedFile[]; config: ProjectConfig }> {
  checkOptions("loadProject", options, LOAD_OPTIONS);
  const root = await folderRoot(dir);
  const configPath = options.config ?? join(dir, "cxkit.json");
  if (!options.config) await confined(root, dir, "cxkit.json", "the mapping file");
  const config = await readConfig(configPath, !options.config);
  const { names, skipped } = await scanFolder(dir, root, options.config ? "" : "cxkit.json");
  for (const name of Object.keys(config.files)) {
    await confined(root, dir, name, `${configPath}: the file key "${name}"`);
    if (!names.includes(name)) names.push(name);
  }
  names.sort();
  const loaded: LoadedFile[] = [];
  for (const file of names) {
    loaded.push(await loadFile(dir, file, config, options));
  }
  return { files: [...loaded, ...skipped], config };
}

/** One CSV of the folder: its load result, or why it could not be loaded. */
async function loadFile(
  dir: string,
  file: string,
  config: ProjectConfig,
  options: LoadOptions,
): Promise<LoadedFile> {
  const entry = config.files[file];
  const schema = entry?.schema ?? schemaFromName(file);
  if (!schema) {
    return {
      file,
      schema: null,
      error: `not loaded: ${EN.fileIssue["unknown-table"](file)}`,
      issue: "unknown-table",
    };
  }
  // Warnings name the file as the folder names it: the report is published, the folder's
  // absolute path (a user's home, say) is not part of it, and a long path scrolls a phone page.
  // (Errors keep the path they were looked for at: "not found" needs it.)
  const path = join(dir, file);
  const named = (message: string) => message.replaceAll(path, file);
  if (await Deno.lstat(path).then(() => false, (e) => e instanceof Deno.errors.NotFound)) {
    return { file, schema, error: `not loaded: ${EN.fileIssue.missing(file)}`, issue: "missing" };
  }
  try {
    const { schema: _, unmapped: __, ...csvOptions } = entry ?? {};
    // A file that cannot be read is left to readCsv, whose message says why.
    const header = csvOptions.mapping &&
      await readCsvHeader(path, csvOptions).catch(() => undefined);
    if (header) {
      const problems = mappingProblems(file, schema, csvOptions.mapping!, header);
      if (problems.length) return { file, schema, error: `not loaded: ${problems.join("; ")}` };
    }
    const loaded = await readCsv(path, {
      ...csvOptions,
      schema,
      csatScale: config.csatScale,
      cesScale: config.cesScale,
      timeZone: config.timeZone,
    });
    const warnings = loaded.summary.warnings.map(named);
    const result = { ...loaded, summary: { ...loaded.summary, warnings } };
    options.onProgress?.(
      `${file}: ${result.summary.rows} rows read, ${result.summary.rejected} rejected`,
    );
    return { file, schema, result };
  } catch (e) {
    // Bad content and unreadable files become report entries; bugs still throw.
    if (!(e instanceof CxError || isIoError(e))) throw e;
    return { file, schema, error: (e as Error).message };
  }
}

/** The folder's real path; a `CxOptionsError` when it is not a folder. */
export async function folderRoot(dir: string): Promise<string> {
  const info = await Deno.stat(dir).catch(() => undefined);
  if (!info?.isDirectory) {
    throw new CxOptionsError(
      `Option "data": there is no folder "${dir}" (from ${Deno.cwd()}); pass a folder of CSV files`,
    );
  }
  return await Deno.realPath(dir);
}

/**
 * Refuses a name that leaves the folder: absolute, with a `..` part, or a
 * link (anywhere on its way) whose target lies outside. A name that does not
 * exist inside the folder is fine (the load says it is missing).
 */
async function confined(root: string, dir: string, name: string, what: string): Promise<void> {
  const fix = "name files inside the data folder by their path relative to it, e.g. " +
    '"responses.csv" or "2024/responses.csv", and copy files from elsewhere into it';
  if (isAbsolute(name) || /^[a-zA-Z]:[\\/]/.test(name)) {
    throw new CxOptionsError(`${what} is an absolute path and leaves the data folder; ${fix}`);
  }
  if (name.split(/[\\/]/).includes("..")) {
    throw new CxOptionsError(`${what} contains ".." and leaves the data folder; ${fix}`);
  }
  // The deepest part of the path that exists: a missing file under a linked folder still leaves.
  let path = join(dir, name), real: string | undefined;
  while ((real = await Deno.realPath(path).catch(() => undefined)) === undefined) {
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
  if (!isInside(root, real)) {
    throw new CxOptionsError(`${what} is a link to a file outside the data folder; ${fix}`);
  }
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

const CSV_NAME = /\.(csv|tsv|txt)$/i;

/** The folder's CSV files (links inside the folder included) and the entries skipped, with why. */
export async function scanFolder(
  dir: string,
  root: string,
  configName: string,
): Promise<{ names: string[]; skipped: LoadedFile[] }> {
  const names: string[] = [];
  const skipped: LoadedFile[] = [];
  // `error` in English (the API's words); the console and pages word `issue` in their language.
  const skip = (file: string, issue: FileIssue) =>
    skipped.push({
      file,
      schema: null,
      skipped: true,
      error: `skipped: ${EN.fileIssue[issue](file)}`,
      issue,
    });
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name === configName) continue;
    let kind = entry.isDirectory ? "folder" : entry.isFile ? "file" : "other";
    if (entry.isSymlink) {
      const real = await Deno.realPath(join(dir, entry.name)).catch(() => undefined);
      if (real === undefined) {
        skip(entry.name, "dangling-link");
        continue;
      }
      if (!isInside(root, real)) {
        skip(entry.name, "outside-link");
        continue;
      }
      kind = (await Deno.stat(real)).isDirectory ? "folder" : "file";
    }
    if (kind === "folder") {
      skip(entry.name, "folder");
    } else if (kind !== "file") skip(entry.name, "not-regular");
    else if (!CSV_NAME.test(entry.name)) {
      skip(entry.name, "not-csv");
    } else names.push(entry.name);
  }
  skipped.sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  return { names, skipped };
}

function isTimeZone(zone: string): boolean {
  try {
    checkTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

function isIoError(e: unknown): boolean {
  return Object.values(Deno.errors).some((kind) => e instanceof kind);
}

/**
 * Whether a file holds touchpoints: an events table (customer, date, a step
 * or channel column) whose name starts with `touchpoints`. The report reads
 * it with the events schema and pools it apart from the activity events, as
 * the input of the Journeys section.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isTouchpointFile } from "./load_dir.ts";
 * assert.ok(isTouchpointFile("Touchpoints_2025.csv") && !isTouchpointFile("events.csv"));
 * ```
 */
export function isTouchpointFile(file: string): boolean {
  return basename(file).toLowerCase().startsWith("touchpoints");
}

async function readConfig(path: string, optional: boolean): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (optional && e instanceof Deno.errors.NotFound) return { files: {} };
    throw new CxSchemaError(
      `Cannot read the mapping file ${path}: ${
        e instanceof Deno.errors.IsADirectory ? "it is a folder" : (e as Error).message
      }`,
    );
  }
  const json = parseJsonText(text, path);
  const parsed = projectConfig.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${hint(i)}`);
    throw new CxSchemaError(
      `${path} does not fit the cxkit.json format:\n  ${issues.join("\n  ")}`,
    );
  }
  return parsed.data;
}

/** A zod issue's message; an unknown key gets the nearest known one. */
function hint(issue: z.core.$ZodIssue): string {
  if (issue.code !== "unrecognized_keys") return issue.message;
  const shape = issue.path.length === 0
    ? projectConfig.shape
    : issue.path[0] === "files"
    ? fileConfig.shape
    : undefined;
  if (!shape) return issue.message;
  const known = Object.keys(shape);
  const near = issue.keys.map((k) => nearestName(k, known)).filter((k) => k !== undefined);
  return `${issue.message}${near.length ? `; did you mean ${near.join(", ")}?` : ""} (keys: ${
    known.join(", ")
  })`;
}
