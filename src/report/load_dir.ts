/**
 * Loading a directory of an analyst's files for a report: which file is which
 * canonical table, with which mapping, comes from `cxkit.json` (or `--map`),
 * else from the file name. A file that cannot be read becomes an entry with
 * its error, never a crash and never a silent skip.
 *
 * @module
 */
import { basename, join } from "node:path";
import { z } from "zod";
import { CxError, CxOptionsError, CxSchemaError } from "../errors.ts";
import { type CsvLoadResult, readCsv } from "../io/csv.ts";
import type { CanonicalName } from "../schema/canonical.ts";

const fileConfig = z.object({
  schema: z.enum(["responses", "tickets", "customers", "events"]),
  mapping: z.record(z.string(), z.string()).optional(),
  delimiter: z.string().optional(),
  decimal: z.enum([".", ","]).optional(),
  dateFormat: z.enum(["auto", "YYYY-MM-DD", "DD.MM.YYYY", "DD/MM/YYYY", "MM/DD/YYYY"]).optional(),
  encoding: z.enum(["auto", "utf-8", "windows-1252"]).optional(),
});

const projectConfig = z.object({
  csatScale: z.union([z.literal(5), z.literal(7), z.literal(10)]).optional(),
  cesScale: z.union([z.literal(5), z.literal(7)]).optional(),
  timeZone: z.string().optional(),
  files: z.record(z.string(), fileConfig).default({}),
});

/**
 * The `cxkit.json` mapping file: scales, time zone, and per file its table
 * and mapping. Spelled out (not `z.infer`) so the public docs can show it;
 * the two checks below keep it equal to the schema.
 */
export interface ProjectConfig {
  /** CSAT scale top (5, 7 or 10). */
  csatScale?: 5 | 7 | 10;
  /** CES scale top (5 or 7). */
  cesScale?: 5 | 7;
  /** IANA zone of date-only values and periods. */
  timeZone?: string;
  /** Per file name: its canonical table, column mapping and CSV settings. */
  files: Record<string, FileConfig>;
}

/** One file's entry in `cxkit.json`. */
export interface FileConfig {
  /** Which canonical table the file holds. */
  schema: CanonicalName;
  /** Canonical column → column name in the file. */
  mapping?: Record<string, string>;
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
  /** Why the file was not loaded (bad mapping, unknown table, unreadable). */
  error?: string;
}

/**
 * Loads every CSV of a directory. `config` defaults to `DIR/cxkit.json` when
 * it exists; files not named there are matched by name prefix (`responses…`,
 * `tickets…`, `customers…`, `events…`/`orders…`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDirectory } from "./load_dir.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/events.csv`, "customer_id,date\nK1,2024-01-02\n");
 * await Deno.writeTextFile(`${dir}/notes.csv`, "a\n1\n");
 * const files = await loadDirectory(dir);
 * assert.ok(files[0].result?.table.numRows() === 1 && files[1].error !== undefined);
 * ```
 */
export async function loadDirectory(
  dir: string,
  options: LoadOptions = {},
): Promise<LoadedFile[]> {
  return (await loadProject(dir, options)).files;
}

/** Options of {@link loadDirectory} and {@link loadProject}. */
export interface LoadOptions {
  /** Mapping file (default `DIR/cxkit.json` when it exists). */
  config?: string;
  /** Called with a line per file loaded (rows read and rejected). */
  onProgress?: (message: string) => void;
}

/**
 * Like {@link loadDirectory}, and also returns the mapping file's settings
 * (scales, time zone) that the analyses need.
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
 * ```
 */
export async function loadProject(
  dir: string,
  options: LoadOptions = {},
): Promise<{ files: LoadedFile[]; config: ProjectConfig }> {
  const config = await readConfig(options.config ?? join(dir, "cxkit.json"), !options.config);
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && /\.(csv|tsv|txt)$/i.test(entry.name)) names.push(entry.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory)) throw e;
    throw new CxOptionsError(
      `Option "data": there is no folder "${dir}" (from ${Deno.cwd()}); pass a folder of CSV files`,
    );
  }
  for (const name of Object.keys(config.files)) {
    if (!names.includes(name)) names.push(name);
  }
  names.sort();
  const loaded: LoadedFile[] = [];
  for (const file of names) {
    const entry = config.files[file];
    const schema = entry?.schema ?? schemaFromName(file);
    if (!schema) {
      loaded.push({
        file,
        schema: null,
        error:
          `not loaded: the file name does not say which table it is; add "${file}": { "schema": "responses" } (or tickets, customers, events) to cxkit.json`,
      });
      continue;
    }
    try {
      const { schema: _, ...csvOptions } = entry ?? {};
      const result = await readCsv(join(dir, file), {
        ...csvOptions,
        schema,
        csatScale: config.csatScale,
        cesScale: config.cesScale,
        timeZone: config.timeZone,
      });
      options.onProgress?.(
        `${file}: ${result.summary.rows} rows read, ${result.summary.rejected} rejected`,
      );
      loaded.push({ file, schema, result });
    } catch (e) {
      // Bad content and unreadable files become report entries; bugs still throw.
      if (!(e instanceof CxError || isIoError(e))) throw e;
      loaded.push({ file, schema, error: (e as Error).message });
    }
  }
  return { files: loaded, config };
}

function isIoError(e: unknown): boolean {
  return Object.values(Deno.errors).some((kind) => e instanceof kind);
}

function schemaFromName(file: string): CanonicalName | null {
  const name = basename(file).toLowerCase();
  for (const schema of ["responses", "tickets", "customers", "events"] as const) {
    if (name.startsWith(schema)) return schema;
  }
  return name.startsWith("orders") ? "events" : null;
}

async function readConfig(path: string, optional: boolean): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (optional && e instanceof Deno.errors.NotFound) return { files: {} };
    throw new CxSchemaError(`Cannot read the mapping file ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CxSchemaError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = projectConfig.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new CxSchemaError(
      `${path} does not fit the cxkit.json format:\n  ${issues.join("\n  ")}`,
    );
  }
  return parsed.data;
}
