/**
 * Files DuckDB scans for an engine call, with their dates read by cxkit's
 * own rules. DuckDB types a CSV column from a sample of its rows, and that
 * guess bends dates: a column of plain dates whose later rows carry a zone
 * (`2024-01-31T23:30:00Z` after 3,000 date-only rows) becomes a zone-less
 * `TIMESTAMP`, and the instant moves by `dateZone`. So the date columns an
 * analysis reads are scanned as text; each distinct text is parsed once, in
 * TypeScript, by `makeDateParser` (the parser `readCsv` uses: the day/month
 * order of slash dates decided per column, zone-less values in `dateZone`),
 * and the scan hands them on through a small temporary table (or, where
 * DuckDB's own cast gives exactly the same value for every distinct text,
 * through that cast). One definition of the date rules, and the file is
 * still scanned, never loaded.
 *
 * Parquet: `TIMESTAMP WITH TIME ZONE` columns are instants already; text,
 * `DATE` and zone-less `TIMESTAMP` columns take the same way (as
 * `readParquet` reads them). A text that is no date stops the call with a
 * `CxDataError` naming the column, the rows and the values: `readCsv` would
 * reject those rows, and a scan has no rejects table to put them in. A
 * column with more than {@link MAX_DISTINCT_DATES} distinct texts is refused
 * with a `CxOptionsError` (parsing each in TypeScript does not scale past it).
 *
 * @module
 */
import * as aq from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import { dateProblem, makeDateParser, slashOrder } from "../io/parse.ts";
import { checkTimeZone } from "../time/zone.ts";
import type { CompiledSql, Relation } from "./compile/types.ts";
import { quoteIdent } from "./compile/quote.ts";
import type { ColumnInfo, OpenRelation, SqlEngine } from "./engine.ts";

/** A file DuckDB scans. */
export type FileRelation = Extract<Relation, { kind: "file" }>;

/** A relation to read, its columns with the engine's types, and how to clean up. */
export interface ScannedRelation extends OpenRelation {
  /**
   * Columns of `relation`: a converted date column is `TIMESTAMP` (wall
   * times in `dateZone`), or `TIMESTAMP WITH TIME ZONE` when a wall time
   * would not name one instant (a value in a repeated DST hour).
   */
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
 * file itself when no column needs it. `drop()` removes what was created;
 * `maxDistinct` caps the distinct texts per column (default
 * {@link MAX_DISTINCT_DATES}).
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
 * // Wall times in Berlin (a zone-less column read in dateZone): 00:30 on 1 February.
 * assert.equal(scanned.columns.find((c) => c.name === "date")?.type, "TIMESTAMP");
 * const name = (scanned.relation as { name: string }).name;
 * const sql = `SELECT epoch_ms(timezone('Europe/Berlin', date)) AS ms FROM "${name}"`;
 * const rows = await engine.run({ dialect: "duckdb", sql, params: [], keys: [], measures: [] });
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
  maxDistinct: number = MAX_DISTINCT_DATES,
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
  const parsed = (await distinctTexts(engine, relation, base, names, maxDistinct))
    .map((texts, i) => parseTexts(targets[i], texts, dateZone, relation.path));
  const maps: DateMap[] = [];
  const dropMaps = async () => {
    for (const m of maps.splice(0)) await m.drop();
  };
  try {
    for (const p of parsed) maps.push(await loadMap(engine, p, dateZone));
    await rejectBadDates(engine, relation, base, parsed, maps);
    const view = quoteIdent(`__cx_scan_${++scans}`, "duckdb");
    await engine.run(duckdbSql(viewSql(view, base, parsed, maps)));
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

/**
 * How the scan hands on a date column: `"cast"` — DuckDB's own cast of
 * each value to a zone-less TIMESTAMP gives exactly the wall time of
 * cxkit's instant in `dateZone`, for every distinct value (plain ISO dates
 * and times, typed Parquet dates), so no join is needed; `"wall"` — those
 * wall times from the map; `"instant"` — the instants from the map, when
 * a wall time would not name one instant (a value in a repeated DST hour).
 * The first two are zone-less columns read in `dateZone`, as a DATE column
 * is: the same instants, and periods cut in `dateZone` need no time-zone
 * arithmetic per row.
 */
type DateMode = "cast" | "wall" | "instant";

/** A column's temporary map table and how the scan hands the column on. */
interface DateMap {
  name: string;
  mode: DateMode;
  drop(): Promise<void>;
}

/**
 * Loads a column's map: each text, its instant by cxkit's rules, `ok`, and
 * the instant's wall time in `dateZone` (DuckDB's, so that DuckDB reading
 * it back is what the mode check tests).
 */
async function loadMap(engine: SqlEngine, p: ParsedColumn, dateZone: string): Promise<DateMap> {
  // Epoch milliseconds load as plain doubles (no timestamp object per value); exact in SQL.
  const ms = p.instants.map((d) => d === null ? null : d.getTime());
  const loaded = await engine.load(
    aq.table({ text: p.texts, ms, ok: p.ok }),
    { text: "text", ms: "number", ok: "boolean" },
  );
  const name = `__cx_dates_${++scans}`, q = quoteIdent(name, "duckdb");
  try {
    await engine.run(duckdbSql(
      `CREATE TEMP TABLE ${q} AS SELECT text, instant, timezone($1, instant) AS wall, ok
FROM (SELECT text, to_timestamp(0) + to_milliseconds(CAST(ms AS BIGINT)) AS instant, ok FROM ${
        quoteIdent((loaded.relation as { name: string }).name, "duckdb")
      })`,
      [dateZone],
    ));
  } finally {
    await loaded.drop();
  }
  const drop = () => engine.run(duckdbSql(`DROP TABLE IF EXISTS ${q}`)).then(() => {});
  try {
    const [r] = await engine.run(duckdbSql(
      `SELECT count(*) FILTER (WHERE timezone($1, wall) <> instant) AS ambiguous,
  count(*) FILTER (WHERE TRY_CAST(${keyOf(p, "m")} AS TIMESTAMP) IS DISTINCT FROM wall) AS differ
FROM ${q} AS m WHERE instant IS NOT NULL`,
      [dateZone],
    ));
    const mode = Number(r.ambiguous) > 0 ? "instant" : Number(r.differ) > 0 ? "wall" : "cast";
    return { name, mode, drop };
  } catch (e) {
    await drop();
    throw e;
  }
}

/** The view: the file's rows with each date column as its {@link DateMode} says. */
function viewSql(view: string, base: string, parsed: ParsedColumn[], maps: DateMap[]): string {
  const value = (p: ParsedColumn, m: DateMap, i: number) =>
    m.mode === "cast"
      ? `TRY_CAST(f.${quoteIdent(p.name, "duckdb")} AS TIMESTAMP)`
      : `m${i}.${m.mode}`;
  const joins = parsed.map((p, i) =>
    maps[i].mode === "cast"
      ? ""
      : `\nLEFT JOIN ${quoteIdent(maps[i].name, "duckdb")} AS m${i} ON ${joinOn(p, `m${i}`)}`
  );
  return `CREATE TEMP VIEW ${view} AS\nSELECT f.* REPLACE (${
    parsed.map((p, i) => `${value(p, maps[i], i)} AS ${quoteIdent(p.name, "duckdb")}`).join(", ")
  })\nFROM ${base} AS f${joins.join("")}`;
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
  return `f.${quoteIdent(p.name, "duckdb")} = ${keyOf(p, map)}`;
}

/** A map row's text as the scanned column's value. */
function keyOf(p: ParsedColumn, map: string): string {
  return p.type === "VARCHAR" ? `${map}.text` : `CAST(${map}.text AS ${p.type})`;
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

/**
 * Most distinct date texts a column of a scanned file may hold: each is
 * parsed in TypeScript and joined back, which suits dates and timestamps
 * that repeat, not a column of a hundred million unique instants.
 */
export const MAX_DISTINCT_DATES = 2_000_000;

/** Each column's distinct non-missing texts, in one scan (a `CxOptionsError` past the limit). */
async function distinctTexts(
  engine: SqlEngine,
  relation: FileRelation,
  base: string,
  names: string[],
  max: number,
): Promise<string[][]> {
  // One string per column, texts joined by newlines: a list of millions of values is ten times
  // slower to bring to JavaScript. A text holding a newline shows as a count that does not match.
  const list = (q: string) =>
    `CAST(array_agg(DISTINCT ${q}) FILTER (WHERE ${q} IS NOT NULL) AS VARCHAR[])`;
  const agg = (asList: boolean) =>
    names.map((n, i) => {
      const q = quoteIdent(n, "duckdb"), distinct = `count(DISTINCT ${q})`;
      const texts = asList ? list(q) : `array_to_string(${list(q)}, chr(10))`;
      return `${distinct} AS n${i}, CASE WHEN ${distinct} <= ${max} THEN ${texts} END AS d${i}`;
    }).join(", ");
  const [row] = await engine.run(duckdbSql(`SELECT ${agg(false)} FROM ${base}`));
  const counts = names.map((name, i) => {
    const n = Number(row?.[`n${i}`] ?? 0);
    if (n > max) {
      throw new CxOptionsError(
        `Column ${
          JSON.stringify(name)
        } of ${relation.path} holds ${n} distinct dates; a scanned file's dates are parsed once per distinct text by cxkit's rules, up to ${max}. Load the file with readLargeCsv (or readParquet) and pass the table, or store the column as TIMESTAMP WITH TIME ZONE in Parquet`,
      );
    }
    return n;
  });
  const texts = counts.map((n, i) => n === 0 ? [] : String(row[`d${i}`]).split("\n"));
  if (texts.every((t, i) => t.length === counts[i])) return texts;
  const [again] = await engine.run(duckdbSql(`SELECT ${agg(true)} FROM ${base}`));
  return names.map((_, i) => ((again?.[`d${i}`] ?? []) as unknown[]).map(String));
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
  // The least slash text as the example, so the message does not depend on DuckDB's threads.
  const slashed = texts.filter((t) => t.includes("/")).reduce<string | undefined>(
    (least, t) => least === undefined || t < least ? t : least,
    undefined,
  );
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
  maps: DateMap[],
): Promise<void> {
  const problems: CxProblem[] = [];
  let total = 0;
  // Records count from 1; a CSV's header is row 1 (as in readCsv's rejects), Parquet has none.
  const offset = relation.format === "csv" ? 1 : 0;
  for (const [i, p] of parsed.entries()) {
    if (p.bad === 0) continue;
    const rows = await engine.run(duckdbSql(
      `SELECT count(*) OVER () AS total, f.ordinality AS n, m.text AS v\nFROM ${base} WITH ORDINALITY AS f\nJOIN ${
        quoteIdent(maps[i].name, "duckdb")
      } AS m ON ${joinOn(p, "m")}\nWHERE NOT m.ok ORDER BY n LIMIT 20`,
    ));
    total += Number(rows[0]?.total ?? 0);
    for (const r of rows) {
      problems.push({
        row: Number(r.n) + offset,
        column: p.name,
        value: String(r.v),
        // readCsv's own reason for the same text.
        reason: `${p.name} must be a date: ${dateProblem(String(r.v))}`,
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
