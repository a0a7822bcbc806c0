/**
 * The aggregate step of `transitions` in an SQL engine: transition counts
 * per segment, from and to, the table `countTransitions` makes in memory.
 * DuckDB and PostgreSQL order each customer's events with window functions
 * (`lag`, `lead`); ClickHouse 18.16 has none, so it gathers each customer's
 * events into an array (`groupArray`, merged across shards), sorts it and
 * unrolls the pairs with `arrayJoin`. Events are ordered by date, ties by
 * step label in byte order (PostgreSQL `COLLATE "C"`), as in memory.
 *
 * @module
 */
import * as aq from "arquero";
import { CxDataError } from "../../errors.ts";
import { ALIAS_PREFIX, quoteIdent } from "../../engine/compile/quote.ts";
import type { Relation } from "../../engine/compile/types.ts";
import type { EngineCall } from "../../engine/dispatch.ts";
import type { ColumnInfo, SqlEngine } from "../../engine/engine.ts";
import type { Dialect } from "../../meta.ts";
import { keyKinds, num, plainKey, withRelation } from "../../engine/source.ts";
import { END, RESERVED_STEPS, type ResolvedJourneyColumns, START } from "./events.ts";
import type { TransitionCounts } from "./transitions.ts";

/** Counts transitions in the call's engine: `[by…], from, to, transitions, customers`. */
export async function transitionsInEngine(
  call: EngineCall,
  columns: ResolvedJourneyColumns,
  collapseRepeats: boolean,
): Promise<TransitionCounts> {
  const { engine, log, source } = call;
  const needed = [...columns.by, columns.customer, columns.date, columns.step];
  return await withRelation(
    engine,
    source,
    needed,
    { [columns.date]: "timestamp" },
    async (relation, info) => {
      checkDateColumn(engine, info, columns.date);
      const q = queries(relation, columns, engine.dialect, collapseRepeats);
      const [check] = await log.run(q.check);
      if (num(check.reserved) > 0) {
        throw new CxDataError(
          [{
            row: null,
            column: columns.step,
            value: null,
            reason: `${columns.step} may not be ${
              RESERVED_STEPS.join(", ")
            }: journey analyses add these states; rename the step`,
          }],
          num(check.reserved),
          "Events have invalid values",
        );
      }
      const rows = await log.run(q.counts);
      const kinds = keyKinds(engine, info, source.table, columns.by);
      const out: Record<string, unknown[]> = {};
      columns.by.forEach((name, k) => out[name] = rows.map((r) => plainKey(r[key(k)], kinds[k])));
      out.from = rows.map((r) => String(r[`${ALIAS_PREFIX}from`]));
      out.to = rows.map((r) => String(r[`${ALIAS_PREFIX}to`]));
      out.transitions = rows.map((r) => num(r[`${ALIAS_PREFIX}n`]));
      out.customers = rows.map((r) => num(r[`${ALIAS_PREFIX}customers`]));
      return { counts: aq.table(out), rowsLeftOut: num(check.left_out) || 0 };
    },
  );
}

function checkDateColumn(engine: SqlEngine, info: ColumnInfo[], date: string): void {
  const type = info.find((c) => c.name === date)?.type ?? "";
  if (engine.dateKind(type) !== undefined || engine.isNumeric(type)) return;
  throw new CxDataError([{
    row: null,
    column: date,
    value: type,
    reason:
      `${date} must hold dates (a timestamp column) in ${engine.name}, not ${type}; store it as a timestamp`,
  }]);
}

const key = (k: number) => `${ALIAS_PREFIX}k${k}`;

interface Queries {
  check: { dialect: Dialect; sql: string; params: string[]; keys: string[]; measures: string[] };
  counts: { dialect: Dialect; sql: string; params: string[]; keys: string[]; measures: string[] };
}

/** The two statements: rows left out and reserved labels, then the counts. */
export function queries(
  relation: Relation,
  columns: ResolvedJourneyColumns,
  dialect: Dialect,
  collapseRepeats: boolean,
): Queries {
  const q = (name: string) => quoteIdent(name, dialect);
  const params: string[] = [];
  const from = relationText(relation, dialect, params);
  const c = q(columns.customer), d = q(columns.date), s = q(columns.step);
  const byCols = columns.by.map(q);
  const present = [c, d, s, ...byCols].map((x) => `${x} IS NOT NULL`).join(" AND ");
  const missing = [c, d, s, ...byCols].map((x) => `${x} IS NULL`).join(" OR ");
  const text = dialect === "clickhouse"
    ? `toString(${s})`
    : `CAST(${s} AS ${dialect === "postgres" ? "text" : "VARCHAR"})`;
  const reserved = RESERVED_STEPS.map((r) => `'${r}'`).join(", ");
  const check = `SELECT sum(CASE WHEN ${missing} THEN 1 ELSE 0 END) AS left_out, ` +
    `sum(CASE WHEN (${present}) AND ${text} IN (${reserved}) THEN 1 ELSE 0 END) AS reserved FROM ${from}`;
  const keys = columns.by.map((_, k) => q(key(k)));
  const counts = dialect === "clickhouse"
    ? clickhouseCounts(from, { c, d, s: text, byCols, keys, present, collapseRepeats })
    : windowCounts(from, dialect, { c, d, s: text, byCols, keys, present, collapseRepeats });
  const meta = { dialect, params, keys: columns.by.map((_, k) => key(k)) };
  return {
    check: { ...meta, sql: check, measures: ["left_out", "reserved"] },
    counts: {
      ...meta,
      sql: counts,
      measures: ["from", "to", "n", "customers"].map((m) => `${ALIAS_PREFIX}${m}`),
    },
  };
}

interface Parts {
  c: string;
  d: string;
  s: string;
  byCols: string[];
  keys: string[];
  present: string;
  collapseRepeats: boolean;
}

/** DuckDB and PostgreSQL: lag/lead over each customer's events. */
function windowCounts(from: string, dialect: Dialect, p: Parts): string {
  const a = (m: string) => quoteIdent(`${ALIAS_PREFIX}${m}`, dialect);
  const keys = p.keys.map((k) => `${k}, `).join("");
  const sel = p.byCols.map((b, i) => `${b} AS ${p.keys[i]}, `).join("");
  const collate = dialect === "postgres" ? ` COLLATE "C"` : "";
  const w = `(PARTITION BY ${keys}${a("c")} ORDER BY ${a("d")}, ${a("s")}${collate})`;
  const base = `SELECT ${sel}${p.c} AS ${a("c")}, ${p.d} AS ${a("d")}, ${p.s} AS ${
    a("s")
  } FROM ${from} WHERE ${p.present}`;
  const events = p.collapseRepeats
    ? `SELECT ${keys}${a("c")}, ${a("d")}, ${a("s")} FROM (SELECT *, lag(${a("s")}) OVER ${w} AS ${
      a("p")
    } FROM (${base}) AS e0) AS e1 ` +
      `WHERE ${a("p")} IS NULL OR ${a("p")} <> ${a("s")}`
    : base;
  const steps = `SELECT ${keys}${a("c")}, ${a("s")}, lag(${a("s")}) OVER ${w} AS ${a("prev")}, ` +
    `lead(${a("s")}) OVER ${w} AS ${a("next")} FROM (${events}) AS e`;
  const pairs =
    `SELECT ${keys}${a("c")}, COALESCE(${a("prev")}, '${START}') AS ${a("from")}, ${a("s")} AS ${
      a("to")
    } FROM w ` +
    `UNION ALL SELECT ${keys}${a("c")}, ${a("s")}, '${END}' FROM w WHERE ${a("next")} IS NULL`;
  return `WITH w AS (${steps}) SELECT ${keys}${a("from")}, ${a("to")}, count(*) AS ${a("n")}, ` +
    `count(DISTINCT ${a("c")}) AS ${a("customers")} FROM (${pairs}) AS t GROUP BY ${keys}${
      a("from")
    }, ${a("to")}`;
}

/** ClickHouse 18.16: each customer's events as a sorted array, pairs unrolled by arrayJoin. */
function clickhouseCounts(from: string, p: Parts): string {
  const a = (m: string) => quoteIdent(`${ALIAS_PREFIX}${m}`, "clickhouse");
  const keys = p.keys.map((k) => `${k}, `).join("");
  const sel = p.byCols.map((b, i) => `${b} AS ${p.keys[i]}, `).join("");
  const sorted =
    `arrayMap(x -> tupleElement(x, 2), arraySort(groupArray((assumeNotNull(${p.d}), assumeNotNull(${p.s})))))`;
  const steps = p.collapseRepeats
    ? `arrayFilter((x, y, i) -> i = 1 OR x != y, ${a("all")}, arrayConcat([''], arraySlice(${
      a("all")
    }, 1, length(${a("all")}) - 1)), arrayEnumerate(${a("all")}))`
    : a("all");
  const journeys =
    `SELECT ${sel}${p.c} AS ${a("c")}, ${sorted} AS ${a("all")}, ${steps} AS ${a("s")} ` +
    `FROM ${from} WHERE ${p.present} GROUP BY ${keys}${a("c")}`;
  const pairs =
    `SELECT ${keys}${a("c")}, arrayJoin(arrayMap((x, y) -> (x, y), arrayConcat(['${START}'], ${
      a("s")
    }), ` +
    `arrayConcat(${a("s")}, ['${END}']))) AS ${a("p")} FROM (${journeys})`;
  return `SELECT ${keys}tupleElement(${a("p")}, 1) AS ${a("from")}, tupleElement(${a("p")}, 2) AS ${
    a("to")
  }, ` +
    `count() AS ${a("n")}, uniqExact(${a("c")}) AS ${
      a("customers")
    } FROM (${pairs}) GROUP BY ${keys}${a("from")}, ${a("to")}`;
}

/** The relation as SQL text: a quoted table, or a file DuckDB reads (its path bound). */
function relationText(relation: Relation, dialect: Dialect, params: string[]): string {
  if (relation.kind === "file") {
    params.push(relation.path);
    return `${relation.format === "parquet" ? "read_parquet" : "read_csv"}($${params.length})`;
  }
  const name = quoteIdent(relation.name, dialect);
  return relation.schema === undefined ? name : `${quoteIdent(relation.schema, dialect)}.${name}`;
}
