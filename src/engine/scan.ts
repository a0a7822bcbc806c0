/**
 * Files DuckDB scans for an engine call, with their dates read by cxkit's
 * own rules. DuckDB types a CSV column from a sample of its rows, and that
 * guess bends dates: a column of plain dates whose later rows carry a zone
 * (`2024-01-31T23:30:00Z` after 3,000 date-only rows) becomes a zone-less
 * `TIMESTAMP`, and the instant moves by `dateZone`. So the date columns an
 * analysis reads are scanned as text; each distinct text is parsed once, in
 * TypeScript, by `makeDateParser` (the parser `readCsv` uses: the day/month
 * order of slash dates decided per column, zone-less values in `dateZone`),
 * and the scan joins the instants back from a small temporary table. One
 * definition of the date rules, and the file is still scanned, never loaded.
 *
 * Parquet: `TIMESTAMP WITH TIME ZONE` columns are instants already; text,
 * `DATE` and zone-less `TIMESTAMP` columns take the same way (as
 * `readParquet` reads them). A text that is no date stops the call with a
 * `CxDataError` naming the column, the rows and the values: `readCsv` would
 * reject those rows, and a scan has no rejects table to put them in.
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import { CxDataError, type CxProblem } from "../errors.ts";
import { makeDateParser, slashOrder } from "../io/parse.ts";
import { checkTimeZone } from "../time/zone.ts";
import { type CompiledSql, quoteIdent, type Relation } from "./compile.ts";
import type { ColumnInfo, OpenRelation, SqlEngine } from "./pushdown.ts";

/** A file DuckDB scans. */
export type FileRelation = Extract<Relation, { kind: "file" }>;

/** A relation to read, its columns with the engine's types, and how to clean up. */
export interface ScannedRelation extends OpenRelation {
  /** Columns of `relation` (converted date columns are `TIMESTAMP WITH TIME ZONE`). */
  columns: ColumnInfo[];
}

/** One date column's distinct texts, parsed. */
interface ParsedColumn {
  name: string;
  /** The type the scan reads it as (`VARCHAR` for every CSV column). */
  type: string;
  texts: string[];
  instants: (Date | null)[];
  ok: boolean[];
  bad: number;
}

let scans = 0;

/**
 * The relation an analysis reads from a scanned file whose `dates` columns
 * it uses as dates: a temporary view in which those columns hold the
 * instants cxkit's date rules give (zone-less values in `dateZone`), or the
 * file itself when no column needs it. `drop()` removes what was created.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { scanFile } from "./scan.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "id;date\na;31.01.2024\nb;2024-01-31T23:30:00Z\n");
 * const engine = duckdbEngine();
 * const relation = { kind: "file" as const, path, format: "csv" as const };
 * const scanned = await scanFile(engine, relation, await engine.columns(relation), ["date"], "Europe/Berlin");
 * const rows = await engine.run({ dialect: "duckdb", sql: `SELECT epoch_ms(date) AS ms FROM "${(scanned.relation as { name: string }).name}"`, params: [], keys: [], measures: [] });
 * assert.deepEqual(rows.map((r) => new Date(Number(r.ms)).toISOString()), ["2024-01-30T23:00:00.000Z", "2024-01-31T23:30:00.000Z"]);
 * await scanned.drop();
 * await engine.close();
 * await Deno.remove(path);
 * ```
 */
export async function scanFile(
  engine: SqlEngine,
  relation: FileRelation,
  columns: ColumnInfo[],
  dates: string[],
  dateZone: string,
): Promise<ScannedRelation> {
  checkTimeZone(dateZone, "dateZone");
  const targets = [...new Set(dates)].flatMap((name) => {
    const type = columns.find((c) => c.name === name)?.type.toUpperCase();
    // A CSV column is always re-read as text: DuckDB's type comes from a sample of the rows.
    if (type !== undefined && relation.format === "csv") return [{ name, type: "VARCHAR" }];
    return type && /^(VARCHAR|DATE|TIMESTAMP(_S|_MS|_NS)?)$/.test(type) ? [{ name, type }] : [];
  });
  if (targets.length === 0) return { relation, columns, drop: () => Promise.resolve() };
  const names = targets.map((t) => t.name);
  const base = baseSql(relation, names);
  const parsed = (await distinctTexts(engine, base, names))
    .map((texts, i) => parseTexts(targets[i], texts, dateZone, relation.path));
  const maps: OpenRelation[] = [];
  const dropMaps = async () => {
    for (const m of maps.splice(0)) await m.drop();
  };
  try {
    for (const p of parsed) {
      maps.push(
        await engine.load(
          aq.table({ text: p.texts, instant: p.instants, ok: p.ok }),
          { text: "text", instant: "timestamp", ok: "boolean" },
        ),
      );
    }
    const mapNames = maps.map((m) => (m.relation as { name: string }).name);
    await rejectBadDates(engine, relation, base, parsed, mapNames);
    const view = quoteIdent(`__cx_scan_${++scans}`, "duckdb");
    await engine.run(duckdbSql(
      `CREATE TEMP VIEW ${view} AS\nSELECT f.* REPLACE (${
        names.map((n, i) => `m${i}.instant AS ${quoteIdent(n, "duckdb")}`).join(", ")
      })\nFROM ${base} AS f${
        parsed.map((p, i) =>
          `\nLEFT JOIN ${quoteIdent(mapNames[i], "duckdb")} AS m${i} ON ${joinOn(p, `m${i}`)}`
        ).join("")
      }`,
    ));
    const scanned: Relation = { kind: "table", name: view.slice(1, -1) };
    const drop = async () => {
      await engine.run(duckdbSql(`DROP VIEW IF EXISTS ${view}`));
      await dropMaps();
    };
    return { relation: scanned, columns: await engine.columns(scanned), drop };
  } catch (e) {
    await dropMaps();
    throw e;
  }
}

/** A DuckDB string literal (views take no bound parameters). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * A scanned row's value equals its map row's text: compared as text for
 * CSV and text columns, else in the column's own type (the map's few rows
 * are cast, not every row of the file).
 */
function joinOn(p: ParsedColumn, map: string): string {
  const key = p.type === "VARCHAR" ? `${map}.text` : `CAST(${map}.text AS ${p.type})`;
  return `f.${quoteIdent(p.name, "duckdb")} = ${key}`;
}

function duckdbSql(sql: string, params: (string | number)[] = []): CompiledSql {
  return { dialect: "duckdb", sql, params, keys: [], measures: [] };
}

/** The file's scan, with the date columns of a CSV read as text. */
function baseSql(relation: FileRelation, names: string[]): string {
  if (relation.format === "parquet") return `read_parquet(${literal(relation.path)})`;
  const types = names.map((n) => `${literal(n)}: 'VARCHAR'`).join(", ");
  return `read_csv(${literal(relation.path)}, types = {${types}})`;
}

/** Each column's distinct non-missing texts, in one scan. */
async function distinctTexts(
  engine: SqlEngine,
  base: string,
  names: string[],
): Promise<string[][]> {
  const [row] = await engine.run(duckdbSql(`SELECT ${
    names.map((n, i) => {
      const q = quoteIdent(n, "duckdb");
      return `CAST(array_agg(DISTINCT ${q}) FILTER (WHERE ${q} IS NOT NULL) AS VARCHAR[]) AS d${i}`;
    }).join(", ")
  } FROM ${base}`));
  // Sorted, so what a message quotes does not depend on DuckDB's thread timing.
  return names.map((_, i) => ((row?.[`d${i}`] ?? []) as unknown[]).map(String).sort());
}

/**
 * Parses a column's distinct texts as `readCsv` parses a date column: slash
 * dates in the order the values tell, blank texts missing. Slash dates that
 * never tell their order are refused (`readCsv` reads them day first with a
 * warning; a scan has no warnings to give).
 */
function parseTexts(
  { name, type }: { name: string; type: string },
  texts: string[],
  dateZone: string,
  path: string,
): ParsedColumn {
  const order = slashOrder(texts);
  const slashed = texts.find((t) => t.includes("/"));
  if (order === "ambiguous" && slashed !== undefined) {
    throw new CxDataError(
      [{
        row: null,
        column: name,
        value: slashed,
        reason:
          `dates like 03/04/2024 are ambiguous (day or month first) and no value in ${path} tells; load the file with readCsv and dateFormat: "DD/MM/YYYY" or "MM/DD/YYYY"`,
      }],
      1,
      `Column "${name}" of ${path} cannot be read as dates`,
    );
  }
  const parse = makeDateParser({ slash: order === "MDY" ? "MDY" : "DMY", timeZone: dateZone });
  const instants: (Date | null)[] = [], ok: boolean[] = [];
  let bad = 0;
  for (const text of texts) {
    const date = text.trim() === "" ? null : parse(text) ?? undefined;
    instants.push(date ?? null);
    ok.push(date !== undefined);
    if (date === undefined) bad++;
  }
  return { name, type, texts, instants, ok, bad };
}

/** A `CxDataError` naming the rows (file order) whose date texts do not parse, if any. */
async function rejectBadDates(
  engine: SqlEngine,
  relation: FileRelation,
  base: string,
  parsed: ParsedColumn[],
  mapNames: string[],
): Promise<void> {
  const problems: CxProblem[] = [];
  let total = 0;
  // Records count from 1; a CSV's header is row 1 (as in readCsv's rejects), Parquet has none.
  const offset = relation.format === "csv" ? 1 : 0;
  for (const [i, p] of parsed.entries()) {
    if (p.bad === 0) continue;
    const rows = await engine.run(duckdbSql(
      `SELECT count(*) OVER () AS total, f.ordinality AS n, m.text AS v\nFROM ${base} WITH ORDINALITY AS f\nJOIN ${
        quoteIdent(mapNames[i], "duckdb")
      } AS m ON ${joinOn(p, "m")}\nWHERE NOT m.ok ORDER BY n LIMIT 20`,
    ));
    total += Number(rows[0]?.total ?? 0);
    for (const r of rows) {
      problems.push({
        row: Number(r.n) + offset,
        column: p.name,
        value: String(r.v),
        reason:
          `${p.name} must be a date: "${r.v}" is not a valid date (YYYY-MM-DD, DD.MM.YYYY, ISO timestamp, "1. März 2024")`,
      });
    }
  }
  if (total === 0) return;
  throw new CxDataError(
    problems,
    total,
    `Dates in ${relation.path} that cxkit's date rules do not read (DuckDB scan: the call stops; load the file with readCsv to get every such row as a reject)`,
  );
}
