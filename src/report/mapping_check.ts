/**
 * The column mappings of `cxkit.json`, checked before a file is loaded, so a
 * typo fails the run instead of quietly changing the report: a key that is
 * no canonical column (`nps` for `nps_score` would leave the NPS out and turn
 * the drivers' outcome to CSAT), a mapping written the wrong way round, and a
 * mapped column that is not in the file. Every problem names the file, the
 * key or column, and the likely fix.
 *
 * @module
 */
import { checkDelimiter } from "../io/csv_read.ts";
import { type Encoding, sniffDelimiter, toUtf8 } from "../io/text.ts";
import { tokenizeCsv } from "../io/csv_tokenize.ts";
import { type CanonicalName, canonicalSchema } from "../schema/canonical.ts";
import { type ColumnSpec, columnSpecs } from "../schema/fields.ts";
import { editDistance } from "../options.ts";

/** The canonical tables, in the order the docs list them. */
export const SCHEMAS: readonly CanonicalName[] = ["responses", "tickets", "customers", "events"];

/** Columns the report reads beyond the four schemas (survey weight, segment, journey step). */
export const REPORT_COLUMNS: readonly string[] = ["weight", "segment", "step"];

/** Prefix of the attribute ratings the drivers page reads (`DRIVER_PREFIX` of the report). */
export const RATING_PREFIX = "rating_";

/**
 * The columns of a canonical table as its zod schema declares them (name,
 * kind, required), in schema order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schemaColumns } from "./mapping_check.ts";
 * assert.deepEqual(schemaColumns("events").map((c) => c.name), ["customer_id", "date", "type", "revenue"]);
 * ```
 */
export function schemaColumns(schema: CanonicalName): ColumnSpec[] {
  return columnSpecs(canonicalSchema(schema));
}

/** Every name a mapping key may be: the columns of all tables and the report's own. */
function knownNames(): string[] {
  const names = SCHEMAS.flatMap((s) => schemaColumns(s).map((c) => c.name));
  return [...new Set([...names, ...REPORT_COLUMNS])];
}

/**
 * The known name closest to `word`, if it is a likely typo of it: the same
 * after ignoring case, spaces, `-` and `_`; one edit apart (insert, delete,
 * substitute, swap neighbours), or two for words of 5 letters or more; or one
 * starts the other (at least 3 letters; ranked between one and two edits).
 * On a tie the candidate given first wins.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nearestName } from "./mapping_check.ts";
 * assert.equal(nearestName("nps", ["date", "nps_score"]), "nps_score");
 * assert.equal(nearestName("cast", ["csat", "ces"]), "csat");
 * assert.equal(nearestName("Region", ["region"]), "region");
 * assert.equal(nearestName("department", ["date", "csat"]), undefined);
 * ```
 */
export function nearestName(word: string, candidates: readonly string[]): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, "");
  const w = plain(word);
  let best: string | undefined, bestScore = Infinity;
  for (const c of candidates) {
    const p = plain(c);
    const edits = editDistance(w, p);
    const score = Math.min(
      edits <= (w.length <= 4 ? 1 : 2) ? edits : Infinity,
      Math.min(w.length, p.length) >= 3 && (p.startsWith(w) || w.startsWith(p)) ? 1.5 : Infinity,
    );
    if (score < bestScore) [best, bestScore] = [c, score];
  }
  return best !== undefined && bestScore < Infinity ? best : undefined;
}

/** Whether a mapping key is a name the loaders or the report know. */
function isKnownKey(key: string): boolean {
  return knownNames().includes(key) || (key.startsWith(RATING_PREFIX) && key.length > 7);
}

/**
 * What is wrong with one file's mapping (canonical column → column in the
 * file), given the file's header: one message per problem (the file is
 * named in the message of a column missing from it), empty when the mapping
 * is fine. A mapping whose keys are the file's columns and whose
 * values canonical names is reported once, as reversed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mappingProblems } from "./mapping_check.ts";
 * const header = ["ID", "Datum", "Empfehlung"];
 * const [typo] = mappingProblems("u.csv", "responses", { response_id: "ID", date: "Datum", nps: "Empfehlung" }, header);
 * assert.match(typo, /mapping key "nps" is not a canonical column; did you mean nps_score\?/);
 * const [reversed] = mappingProblems("u.csv", "responses", { ID: "response_id", Datum: "date" }, header);
 * assert.match(reversed, /this mapping looks reversed/);
 * const [one] = mappingProblems("u.csv", "responses", { response_id: "ID", Empfehlung: "nps_score" }, header);
 * assert.match(one, /"Empfehlung": "nps_score" looks reversed/);
 * const [missing] = mappingProblems("u.csv", "responses", { nps_score: "Empfehlng" }, header);
 * assert.match(missing, /the column "Empfehlng" is not in u\.csv; closest header: "Empfehlung"/);
 * ```
 */
export function mappingProblems(
  file: string,
  schema: CanonicalName,
  mapping: Record<string, string>,
  header: readonly string[],
): string[] {
  const entries = Object.entries(mapping);
  const own = schemaColumns(schema).map((c) => c.name);
  const swapped = entries.filter(([k, v]) => k !== v && header.includes(k) && isKnownKey(v));
  if (swapped.length && swapped.length === entries.filter(([k, v]) => k !== v).length) {
    const [k, v] = swapped[0];
    return [
      "keys are canonical names, values are your columns: this mapping looks reversed " +
      `(${JSON.stringify(k)}: ${JSON.stringify(v)} should read ${JSON.stringify(v)}: ${
        JSON.stringify(k)
      })`,
    ];
  }
  const problems: string[] = [];
  for (const [key, column] of entries) {
    if (!isKnownKey(key) && header.includes(key) && isKnownKey(column)) {
      problems.push(
        `${JSON.stringify(key)}: ${JSON.stringify(column)} looks reversed: keys are canonical ` +
          `names, values are your columns; write ${JSON.stringify(column)}: ${JSON.stringify(key)}`,
      );
    } else if (!isKnownKey(key)) {
      const near = nearestName(key, own) ?? nearestName(key, knownNames());
      const hint = near
        ? `did you mean ${near}?`
        : `the canonical columns of ${schema} are ${own.join(", ")} (also ${
          REPORT_COLUMNS.join(", ")
        }, ${RATING_PREFIX}…); a column you keep under its own name needs no mapping`;
      problems.push(
        `mapping key ${JSON.stringify(key)} is not a canonical column; ${hint}`,
      );
    } else if (!header.includes(column)) {
      const near = nearestName(column, header);
      problems.push(
        `mapping.${key}: the column ${JSON.stringify(column)} is not in ${file}; ${
          near ? `closest header: ${JSON.stringify(near)}` : `its columns are ${header.join(", ")}`
        }`,
      );
    }
  }
  return problems;
}

/** The CSV settings {@link readCsvHeader} honours. */
export interface HeaderOptions {
  /** Field delimiter (default: sniffed as `readCsv` does). */
  delimiter?: string;
  /** Text encoding (default: detected as `readCsv` does). */
  encoding?: Encoding;
}

/** Bytes read for the header: enough for any header line, cut at a line end. */
const HEADER_BYTES = 1 << 16;

/**
 * The header row of a CSV file, decoded and split the way `readCsv` does
 * (encoding detected, delimiter sniffed, quotes honoured), from the file's
 * first 64 KiB.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsvHeader } from "./mapping_check.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, '"Antwort-ID";Datum;"NPS; 0-10"\nr1;05.01.2024;9\n');
 * assert.deepEqual(await readCsvHeader(path), ["Antwort-ID", "Datum", "NPS; 0-10"]);
 * ```
 */
export async function readCsvHeader(path: string, options: HeaderOptions = {}): Promise<string[]> {
  const file = await Deno.open(path);
  let bytes: Uint8Array;
  try {
    const buf = new Uint8Array(HEADER_BYTES);
    let n = 0, got: number | null;
    while (n < buf.length && (got = await file.read(buf.subarray(n))) !== null) n += got;
    bytes = buf.subarray(0, n);
  } finally {
    file.close();
  }
  // Cut after the last line end so no multi-byte character is split (the encoding guess reads all).
  const end = bytes.lastIndexOf(10);
  if (end > 0 && bytes.length === HEADER_BYTES) bytes = bytes.subarray(0, end + 1);
  const utf8 = toUtf8(bytes, options.encoding ?? "auto", path).bytes;
  const text = new TextDecoder().decode(utf8);
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  checkDelimiter(delimiter);
  return tokenizeCsv(utf8, delimiter).records[0] ?? [];
}
