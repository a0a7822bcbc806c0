/**
 * `deno task init DIR`: a `cxkit.json` skeleton for a folder of CSV exports.
 * Each CSV is read the way the report reads it (encoding, delimiter, decimal
 * separator and date format sniffed), its table and column mapping guessed
 * from the headers ({@link guessSchema}), and the guess loaded once to check
 * it; the file's entry lists the table's columns no header was found for
 * (`unmapped`), for the user to fill in. An existing `cxkit.json` is never
 * replaced unless `force` is set.
 *
 * @module
 */
import { join } from "node:path";
import { CxError, CxOptionsError } from "../errors.ts";
import { readCsv } from "../io/csv.ts";
import { CES_SCALES, type CesScale, CSAT_SCALES, type CsatScale } from "../schema/scales.ts";
import { type FileConfig, folderRoot, type ProjectConfig, scanFolder } from "./load_dir.ts";
import { guessSchema, type MappingGuess } from "./init_guess.ts";

/** Options of {@link initProject}. */
export interface InitOptions {
  /** Replace an existing `cxkit.json` (default false: refuse). */
  force?: boolean;
}

/** What {@link initProject} found for one file. */
export interface InitFile {
  /** File name inside the folder. */
  file: string;
  /** Its entry in the written `cxkit.json` (absent when the file could not be read). */
  config?: FileConfig;
  /** Rows read and rejected by a load with the guessed entry. */
  rows?: number;
  /** Rows rejected by that load. */
  rejected?: number;
  /** Why the guess needs the user's attention (one sentence each). */
  notes: string[];
  /** The CSAT and CES scale tops its answers need, when not the defaults (5 and 7). */
  scales?: Scales;
}

/** Declared scale tops (`csatScale`, `cesScale` of `cxkit.json`). */
export type Scales = Pick<ProjectConfig, "csatScale" | "cesScale">;

/**
 * Writes `DIR/cxkit.json` from the folder's CSV files and returns the path
 * and what was guessed per file. Throws a `CxOptionsError` when `dir` is not
 * a folder, holds no CSV file, or already has a `cxkit.json` (unless
 * `force`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initProject } from "./init.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/umfrage.csv`, "ID;Datum;Empfehlung\nr1;05.01.2024;9\n");
 * const { files } = await initProject(dir);
 * assert.deepEqual(files[0].config?.mapping, { response_id: "ID", date: "Datum", nps_score: "Empfehlung" });
 * await assert.rejects(initProject(dir), /already has a cxkit\.json/);
 * ```
 */
export async function initProject(
  dir: string,
  options: InitOptions = {},
): Promise<{ path: string; config: ProjectConfig; files: InitFile[] }> {
  if (!(await Deno.stat(dir).then((i) => i.isDirectory, () => false))) {
    throw new CxOptionsError(
      `There is no folder "${dir}" (from ${Deno.cwd()}); pass the folder of your CSV exports`,
    );
  }
  const root = await folderRoot(dir);
  const path = join(dir, "cxkit.json");
  if (!options.force && await Deno.lstat(path).then(() => true, () => false)) {
    throw new CxOptionsError(
      `${dir} already has a cxkit.json; it is never overwritten: edit it, or pass --force to ` +
        "replace it with a fresh guess (your edits in it are lost)",
    );
  }
  const { names } = await scanFolder(dir, root, "cxkit.json");
  if (!names.length) {
    throw new CxOptionsError(
      `${dir} has no CSV files (files ending .csv, .tsv or .txt); put your exports there first`,
    );
  }
  const files: InitFile[] = [];
  for (const name of names.sort()) files.push(await initFile(dir, name));
  const config: ProjectConfig = { ...scales(files), files: {} };
  for (const f of files) if (f.config) config.files[f.file] = f.config;
  await Deno.writeTextFile(path, JSON.stringify(config, null, 2) + "\n");
  return { path, config, files };
}

/** One file: sniffed, its table and mapping guessed, the guess loaded once. */
async function initFile(dir: string, file: string): Promise<InitFile> {
  const path = join(dir, file);
  let sniffed;
  try {
    sniffed = await readCsv(path);
  } catch (e) {
    if (!(e instanceof CxError || e instanceof Deno.errors.NotFound)) throw e;
    return { file, notes: [`not read: ${(e as Error).message}`] };
  }
  const { summary } = sniffed;
  const guess = guessSchema(summary.columns, file);
  const config: FileConfig = {
    schema: guess.schema,
    mapping: guess.mapping,
    unmapped: guess.unmapped,
    ...(summary.delimiter !== "," ? { delimiter: summary.delimiter } : {}),
    ...(summary.decimal !== "." ? { decimal: summary.decimal } : {}),
    ...(summary.encoding !== "utf-8" ? { encoding: summary.encoding as "windows-1252" } : {}),
  };
  const notes = guessNotes(guess);
  const scales = scaleOf(sniffed.table, guess);
  if (notes.length) return { file, config, notes, scales };
  try {
    const { unmapped: _, ...csvOptions } = config;
    const { summary: loaded } = await readCsv(path, { ...csvOptions, ...scales });
    const format = pinnedDateFormat(loaded.dateFormats);
    if (format) config.dateFormat = format;
    return { file, config, rows: loaded.rows, rejected: loaded.rejected, notes, scales };
  } catch (e) {
    if (!(e instanceof CxError)) throw e;
    return { file, config, notes: [`the guess does not load: ${e.message}`], scales };
  }
}

/** What the user must fill in: the table's required columns not found. */
function guessNotes(guess: MappingGuess): string[] {
  if (!guess.missingRequired.length) return [];
  return [
    `no header found for the required column${guess.missingRequired.length > 1 ? "s" : ""} ` +
    `${guess.missingRequired.join(", ")} of ${guess.schema}: add ${
      guess.missingRequired.map((c) => `"${c}": "<your column>"`).join(", ")
    } to its mapping (or correct "schema")`,
  ];
}

/** A date format pinned when every date column was sniffed as the same slash format. */
function pinnedDateFormat(formats: Record<string, string>): FileConfig["dateFormat"] {
  const found = new Set(Object.values(formats).map((f) => /^auto \((.+)\)$/.exec(f)?.[1] ?? f));
  const [only] = found;
  return found.size === 1 && ["DD/MM/YYYY", "MM/DD/YYYY"].includes(only)
    ? only as FileConfig["dateFormat"]
    : undefined;
}

/**
 * The smallest declared scale that holds 99 % of the file's CSAT and CES
 * answers: a few stray values above the scale stay rejects (the load names
 * them) instead of stretching it.
 */
function scaleOf(
  table: Awaited<ReturnType<typeof readCsv>>["table"],
  guess: MappingGuess,
): Scales {
  const top = (column: string | undefined, allowed: readonly number[]) => {
    if (!column) return undefined;
    const values = (table.array(column) as unknown[]).filter((v) => typeof v === "number");
    return allowed.find((a) => values.filter((v) => v <= a).length >= 0.99 * values.length);
  };
  const csat = top(guess.mapping.csat, CSAT_SCALES) as CsatScale | undefined;
  const ces = top(guess.mapping.ces, CES_SCALES) as CesScale | undefined;
  return {
    ...(csat !== undefined && csat !== 5 ? { csatScale: csat } : {}),
    ...(ces !== undefined && ces !== 7 ? { cesScale: ces } : {}),
  };
}

/** The project's scales: the largest any file needs. */
function scales(files: InitFile[]): Scales {
  const max = <T extends number>(values: (T | undefined)[]) =>
    values.reduce<T | undefined>(
      (m, v) => v !== undefined && (m === undefined || v > m) ? v : m,
      undefined,
    );
  const csat = max(files.map((f) => f.scales?.csatScale));
  const ces = max(files.map((f) => f.scales?.cesScale));
  return { ...(csat ? { csatScale: csat } : {}), ...(ces ? { cesScale: ces } : {}) };
}
