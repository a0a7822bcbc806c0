/**
 * Cohort retention with its aggregate step pushed down to DuckDB,
 * PostgreSQL or a ClickHouse cluster: the engine computes, per (cohort,
 * period index), the distinct active customers and the histogram of each
 * customer's last active period; the finalize step (Wilson intervals,
 * complete flags, unreached periods left out) is `cohortRetention`'s own, so
 * the result is the in-memory table. DuckDB and PostgreSQL use distinct
 * (customer, period) pairs joined to each customer's first period;
 * ClickHouse 18.16 (no CTEs, shards) merges per-customer `min`, `max` and
 * `groupUniqArray` states across shards and expands them with `ARRAY JOIN`.
 *
 * Supported: calendar windows (`day`, `week`, `month`, `quarter`), modes
 * `exact` and `unbounded`, any `timeZone`, `observedUntil`. Segments
 * (`by`), `signup`, `revenue` and rolling windows are not pushed down yet
 * (use `cohortRetention` in memory).
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import {
  type CohortRetentionOptions,
  finalizeRetention,
  resolveRetention,
  type RetentionPlan,
} from "../analysis/cohort.ts";
import type { CohortCells } from "../analysis/cohort_kernel.ts";
import { cutoffAfter } from "../analysis/cohort_periods.ts";
import { CxDataError, CxOptionsError } from "../errors.ts";
import { type KpiInput, pooled } from "../metrics/groups.ts";
import {
  ALIAS_PREFIX,
  clickhouseLiteral,
  type CompiledSql,
  type DateKind,
  type Dialect,
  quoteIdent,
} from "./compile.ts";
import {
  fileRelation,
  isSqlEngine,
  isTableRef,
  type PushdownSource,
  type SqlEngine,
} from "./pushdown.ts";

/** Options of {@link cohortRetentionSql}: `cohortRetention`'s, plus the engine. */
export interface CohortRetentionSqlOptions extends CohortRetentionOptions {
  /** The engine (optional when the source is a `{ engine, table }` reference). */
  engine?: SqlEngine;
  /**
   * IANA zone of dates and zone-less timestamps in the source (default
   * `"UTC"`); timestamps with a zone are instants.
   */
  dateZone?: string;
  /** Receives each SQL statement before it runs (e.g. to print it). */
  explain?: (query: CompiledSql) => void;
}

/** The statements {@link cohortRetentionSql} runs, for pasting into a warehouse. */
export interface CohortRetentionQueries {
  /** Range, missing values and ignored events. */
  range: CompiledSql;
  /** The aggregate: rows `(kind, cohort, k, customers)`. */
  cells: CompiledSql;
}

/**
 * Cohort retention with the aggregate step in DuckDB, PostgreSQL or ClickHouse: the same table as
 * `cohortRetention(events, options)`. `source` is an Arquero table (loaded
 * into the engine), a CSV or Parquet path (scanned, never loaded into
 * memory), or a server table `{ engine, table }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortRetention } from "../analysis/cohort.ts";
 * import { cohortRetentionSql } from "./cohort.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * const d = (s: string) => new Date(s);
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "b", "c"],
 *   date: [d("2024-01-05"), d("2024-02-10"), d("2024-01-20"), d("2024-03-01"), d("2024-02-02")],
 * });
 * const engine = duckdbEngine();
 * const result = await cohortRetentionSql(events, { engine, mode: "unbounded" });
 * assert.deepEqual(result.objects(), cohortRetention(events, { mode: "unbounded" }).objects());
 * await engine.close();
 * ```
 */
export async function cohortRetentionSql(
  source: PushdownSource,
  options: CohortRetentionSqlOptions = {},
): Promise<ColumnTable> {
  const { engine: given, dateZone = "UTC", explain, ...rest } = options;
  const ref = isTableRef(source) ? source : undefined;
  const engine = given ?? ref?.engine;
  if (!isSqlEngine(engine)) {
    throw new CxOptionsError(
      `Option "engine" must be an SQL engine such as duckdbEngine(), got ${typeof engine}`,
    );
  }
  const dialect = engine.dialect;
  for (const name of ["by", "signup", "revenue"] as const) {
    if (rest[name] !== undefined) {
      throw new CxOptionsError(
        `Option "${name}" is not pushed down yet; use cohortRetention in memory`,
      );
    }
  }
  if (rest.window !== undefined && rest.window !== "calendar") {
    throw new CxOptionsError(
      `Option "window" must be "calendar" in SQL (rolling windows stay in memory), got ${
        JSON.stringify(rest.window)
      }`,
    );
  }
  const opened = await open(engine, source, rest, dialect);
  try {
    const typeOf = (name: string) => opened.columns.find((c) => c.name === name)?.type ?? "";
    // A one-row stand-in: resolveRetention checks the names and options, not values.
    const stub = aq.table(Object.fromEntries(opened.columns.map((c) => [c.name, [null]])));
    const plan = resolveRetention(stub, rest);
    const dateKind = engine.dateKind(typeOf(plan.date));
    if (!dateKind) {
      throw new CxOptionsError(
        `Column ${JSON.stringify(plan.date)} has type ${
          typeOf(plan.date)
        } in ${engine.name}; cohorts need a date or timestamp column`,
      );
    }
    const col = { customer: plan.customer, date: plan.date, dateKind, dateZone, dialect };
    const observed = rest.observedUntil;
    const range = compileRange(opened.from, col, plan, observed);
    explain?.(range);
    const [r] = await engine.run(range);
    const X = ALIAS_PREFIX;
    const total = Number(r[X + "rows"]), missingIds = Number(r[X + "missing_ids"]);
    const missingDates = Number(r[X + "missing_dates"]);
    if (total === 0) {
      throw new CxDataError(
        [{ row: null, column: null, value: null, reason: "the events table has no rows" }],
        1,
        "No events",
      );
    }
    if (missingIds + missingDates > 0) {
      throw new CxDataError(
        [
          ...(missingIds
            ? [{
              row: null,
              column: plan.customer,
              value: null,
              reason:
                `${plan.customer} is missing on ${missingIds} event(s); every event needs one`,
            }]
            : []),
          ...(missingDates
            ? [{
              row: null,
              column: plan.date,
              value: null,
              reason:
                `${plan.date} is missing on ${missingDates} event(s); every event needs a date`,
            }]
            : []),
        ],
        missingIds + missingDates,
        "The events cannot be placed in cohorts",
      );
    }
    const minT = Number(r[X + "min_t"]), maxT = Number(r[X + "max_t"]);
    const observedUntil = observed ?? new Date(maxT);
    const cutoff = cutoffAfter(observedUntil, plan.calendar);
    if (!(minT < cutoff)) {
      throw new CxOptionsError(
        `Option "observedUntil" (${observedUntil.toISOString()}) is before the first event (${
          new Date(minT).toISOString()
        }): nothing is observed; pass a later date or omit it`,
      );
    }
    // Without observedUntil the cut-off follows the last event: no event is cut.
    const cellsQuery = compileCells(opened.from, col, plan, observed);
    explain?.(cellsQuery);
    const rows = await engine.run(cellsQuery);
    const aggregate = {
      cells: toCells(rows, plan.calendar.ordinal(cutoff - 1)),
      observedUntil,
      cutoff,
      eventsIgnored: observed ? Number(r[X + "ignored"]) : 0,
      customersIgnored: 0,
      segmentChanges: 0,
    };
    return finalizeRetention(aggregate, plan);
  } finally {
    await opened.drop();
  }
}

interface DateColumn {
  customer: string;
  date: string;
  dateKind: DateKind;
  dateZone: string;
  dialect: Dialect;
}

/**
 * The SQL {@link cohortRetentionSql} runs for a relation (`from` is SQL
 * text such as a quoted table name; `params` its bound values), without
 * running it. The cells query needs the last observed day.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cohortRetentionQueries } from "./cohort.ts";
 * const q = cohortRetentionQueries(
 *   { sql: '"events"', params: [] },
 *   { customer: 'id"; --', date: "date", dateKind: "instant", dateZone: "UTC", dialect: "duckdb" },
 *   { period: "month", timeZone: "Europe/Berlin", observedUntil: new Date("2024-12-31") },
 * );
 * assert.ok(q.cells.sql.includes('"id""; --"') && q.cells.params.includes("Europe/Berlin"));
 * ```
 */
export function cohortRetentionQueries(
  from: { sql: string; params: (string | number)[] },
  column: {
    customer: string;
    date: string;
    dateKind: DateKind;
    dateZone: string;
    dialect: Dialect;
  },
  options: CohortRetentionOptions & { observedUntil: Date },
): CohortRetentionQueries {
  const stub = aq.table({ [column.customer]: [null], [column.date]: [null] });
  const plan = resolveRetention(stub, {
    ...options,
    customer: column.customer,
    date: column.date,
  });
  return {
    range: compileRange(from, column, plan, options.observedUntil),
    cells: compileCells(from, column, plan, options.observedUntil),
  };
}

interface Opened {
  from: { sql: string; params: (string | number)[] };
  columns: { name: string; type: string }[];
  drop(): Promise<void>;
}

async function open(
  engine: SqlEngine,
  source: PushdownSource,
  options: CohortRetentionOptions,
  dialect: Dialect,
): Promise<Opened> {
  const none = () => Promise.resolve();
  if (isTableRef(source)) {
    const relation = { kind: "table" as const, name: source.table, schema: source.schema };
    const name = quoteIdent(source.table, dialect);
    const sql = source.schema === undefined
      ? name
      : `${quoteIdent(source.schema, dialect)}.${name}`;
    return { from: { sql, params: [] }, columns: await engine.columns(relation), drop: none };
  }
  if (typeof source === "string" || source instanceof URL) {
    const path = source instanceof URL ? source.pathname : source;
    if (dialect !== "duckdb") {
      throw new CxOptionsError(
        `Only DuckDB scans files; load ${path} into a ${dialect} table first`,
      );
    }
    const relation = fileRelation(path);
    return {
      from: {
        sql: `${relation.format === "parquet" ? "read_parquet" : "read_csv"}($1)`,
        params: [path],
      },
      columns: await engine.columns(relation),
      drop: none,
    };
  }
  const table = pooled(source as KpiInput);
  const customer = options.customer ?? "customer_id", date = options.date ?? "date";
  // Validate names before loading, so a wrong option fails with the in-memory message.
  resolveRetention(table.numRows() ? table.slice(0, 1) : table, options);
  const loaded = await engine.load(table.select(customer, date), { [date]: "timestamp" });
  const rel = loaded.relation as { name: string };
  return {
    from: { sql: quoteIdent(rel.name, dialect), params: [] },
    columns: await engine.columns(loaded.relation),
    drop: loaded.drop,
  };
}

/** Binds values after the relation's own parameters. */
class Params {
  readonly values: (string | number)[];
  constructor(initial: (string | number)[], readonly dialect: Dialect = "duckdb") {
    this.values = [...initial];
  }
  bind(v: string | number): string {
    // ClickHouse 18.16 has no query parameters: escaped literals (see compile.ts).
    if (this.dialect === "clickhouse") return clickhouseLiteral(v);
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The event instant (TIMESTAMPTZ / timestamptz). */
function instantSql(c: DateColumn, p: Params, of?: string): string {
  const col = of ?? quoteIdent(c.date, c.dialect);
  if (c.dateKind === "instant") return col;
  return c.dialect === "duckdb"
    ? `timezone(${p.bind(c.dateZone)}, CAST(${col} AS TIMESTAMP))`
    : `(CAST(${col} AS timestamp) AT TIME ZONE ${p.bind(c.dateZone)})`;
}

/** The event's wall time in the analysis zone (a zone-less timestamp). */
function localSql(c: DateColumn, plan: RetentionPlan, p: Params): string {
  const col = quoteIdent(c.date, c.dialect);
  if (c.dateKind === "local" && c.dateZone === plan.timeZone) return `CAST(${col} AS TIMESTAMP)`;
  const instant = instantSql(c, p);
  return c.dialect === "duckdb"
    ? `timezone(${p.bind(plan.timeZone)}, ${instant})`
    : `(${instant} AT TIME ZONE ${p.bind(plan.timeZone)})`;
}

/** The calendar ordinal of a local timestamp, numbered exactly as `periodCalendar` numbers it. */
function ordinalSql(l: string, plan: RetentionPlan, dialect: DateColumn["dialect"]): string {
  const pg = dialect === "postgres";
  const day = pg
    ? `(CAST(${l} AS date) - DATE '1970-01-01')`
    : `date_diff('day', DATE '1970-01-01', CAST(${l} AS DATE))`;
  const part = (field: string) =>
    pg ? `CAST(extract(${field} FROM ${l}) AS integer)` : `${field}(${l})`;
  switch (plan.period) {
    case "day":
      return day;
    case "week":
      return `CAST(floor((${day} + 3) / 7.0) AS BIGINT)`;
    case "month":
      return `(${part("year")} * 12 + ${part("month")} - 1)`;
    case "quarter":
      return `(${part("year")} * 4 + ${part("quarter")} - 1)`;
  }
}

/** `YYYY-MM-DD` of the local day after `observedUntil`: events before its midnight count. */
function cutoffWallTime(observedUntil: Date, plan: RetentionPlan): string {
  const day = plan.calendar.localDay(observedUntil.getTime()) + 1;
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function compileRange(
  from: Opened["from"],
  c: DateColumn,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
): CompiledSql {
  if (c.dialect === "clickhouse") return clickhouseRange(from, c, plan, observedUntil);
  const p = new Params(from.params);
  const id = quoteIdent(c.customer, c.dialect), date = quoteIdent(c.date, c.dialect);
  // min/max of the column, then converted: the conversion is monotone, and runs twice, not per row.
  const t = (f: string) => instantSql(c, p, `${f}(${date})`);
  const ms = (x: string) =>
    c.dialect === "duckdb" ? `epoch_ms(${x})` : `floor(extract(epoch FROM ${x}) * 1000)`;
  const ignored = observedUntil
    ? `count(*) FILTER (WHERE ${localSql(c, plan, p)} >= CAST(${
      p.bind(cutoffWallTime(observedUntil, plan))
    } AS TIMESTAMP))`
    : "0";
  const X = ALIAS_PREFIX;
  const measures = ["rows", "missing_ids", "missing_dates", "min_t", "max_t", "ignored"]
    .map((m) => X + m);
  const sql = `SELECT count(*) AS ${X}rows,
  count(*) FILTER (WHERE ${id} IS NULL) AS ${X}missing_ids,
  count(*) FILTER (WHERE ${date} IS NULL) AS ${X}missing_dates,
  ${ms(t("min"))} AS ${X}min_t,
  ${ms(t("max"))} AS ${X}max_t,
  ${ignored} AS ${X}ignored
FROM ${from.sql}`;
  return { dialect: c.dialect, sql, params: p.values, keys: [], measures };
}

function compileCells(
  from: Opened["from"],
  c: DateColumn,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
): CompiledSql {
  if (c.dialect === "clickhouse") return clickhouseCells(from, c, plan, observedUntil);
  const p = new Params(from.params);
  const X = ALIAS_PREFIX;
  const id = quoteIdent(c.customer, c.dialect), date = quoteIdent(c.date, c.dialect);
  const local = localSql(c, plan, p);
  const cut = observedUntil
    ? ` WHERE l < CAST(${p.bind(cutoffWallTime(observedUntil, plan))} AS TIMESTAMP)`
    : "";
  const ordinal = ordinalSql("l", plan, c.dialect);
  // e: distinct (customer, period); g: each customer's cohort and last active period.
  const sql = `WITH ${X}l AS (
  SELECT ${id} AS c, ${local} AS l FROM ${from.sql} WHERE ${date} IS NOT NULL
), ${X}e AS (
  SELECT DISTINCT c, ${ordinal} AS p FROM ${X}l${cut}
), ${X}g AS (
  SELECT c, min(p) AS cohort, max(p) AS last FROM ${X}e GROUP BY c
)
SELECT 0 AS kind, g.cohort AS cohort, e.p - g.cohort AS k, count(*) AS customers
FROM ${X}e AS e JOIN ${X}g AS g USING (c) GROUP BY 1, 2, 3
UNION ALL
SELECT 1 AS kind, cohort, last - cohort AS k, count(*) AS customers FROM ${X}g GROUP BY 1, 2, 3`;
  return {
    dialect: c.dialect,
    sql,
    params: p.values,
    keys: ["kind", "cohort", "k"],
    measures: ["customers"],
  };
}

/**
 * ClickHouse: the local day number (days since 1970-01-01 in the zone) and
 * the period as a native unsigned number (`raw`, cheap to collect in a hash
 * set); the calendar ordinal is `raw + offset`.
 */
function clickhouseDays(c: DateColumn, plan: RetentionPlan, p: Params): {
  day: string;
  raw: string;
  offset: number;
} {
  const col = `assumeNotNull(${quoteIdent(c.date, "clickhouse")})`;
  const instant = c.dateKind === "instant"
    ? col
    : `toDateTime(concat(toString(toDate(${col})), ' 00:00:00'), ${p.bind(c.dateZone)})`;
  const tz = p.bind(plan.timeZone);
  const day = `toRelativeDayNum(${instant}, ${tz})`;
  switch (plan.period) {
    case "day":
      return { day, raw: day, offset: 0 };
    case "week":
      return { day, raw: `intDiv(${day} + 3, 7)`, offset: 0 };
    case "month":
      return { day, raw: `toRelativeMonthNum(${instant}, ${tz})`, offset: -1 }; // 12·year + month
    case "quarter":
      return {
        day,
        raw: `(toUInt32(toYear(${instant}, ${tz})) * 4 + toQuarter(${instant}, ${tz}))`,
        offset: -1,
      };
  }
}

function clickhouseRange(
  from: Opened["from"],
  c: DateColumn,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
): CompiledSql {
  const p = new Params([], "clickhouse");
  const id = quoteIdent(c.customer, "clickhouse"), date = quoteIdent(c.date, "clickhouse");
  const X = ALIAS_PREFIX;
  const seconds = c.dateKind === "instant"
    ? (f: string) => `toInt64(${f}(${date}))`
    : (f: string) =>
      `toInt64(toDateTime(concat(toString(${f}(${date})), ' 00:00:00'), ${p.bind(c.dateZone)}))`;
  const { day } = clickhouseDays(c, plan, p);
  const ignored = observedUntil
    ? `countIf(isNotNull(${date}) AND ${day} >= ${p.bind(cutoffDay(observedUntil, plan))})`
    : "0";
  const measures = ["rows", "missing_ids", "missing_dates", "min_t", "max_t", "ignored"]
    .map((m) => X + m);
  const sql = `SELECT count() AS ${X}rows,
  countIf(isNull(${id})) AS ${X}missing_ids,
  countIf(isNull(${date})) AS ${X}missing_dates,
  ${seconds("min")} * 1000 AS ${X}min_t,
  ${seconds("max")} * 1000 AS ${X}max_t,
  ${ignored} AS ${X}ignored
FROM ${from.sql}`;
  return { dialect: "clickhouse", sql, params: [], keys: [], measures };
}

function clickhouseCells(
  from: Opened["from"],
  c: DateColumn,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
): CompiledSql {
  const p = new Params([], "clickhouse");
  const X = ALIAS_PREFIX;
  const id = quoteIdent(c.customer, "clickhouse"), date = quoteIdent(c.date, "clickhouse");
  const { day, raw, offset } = clickhouseDays(c, plan, p);
  const cut = observedUntil ? ` AND ${day} < ${p.bind(cutoffDay(observedUntil, plan))}` : "";
  // Per customer (merged across shards): the set of active periods, whose min is the cohort
  // and max the last period; then one (kind, k) pair per active period plus one for the last.
  const sql = `SELECT ${X}t.1 AS kind, toInt64(${X}cohort) + ${
    p.bind(offset)
  } AS cohort, ${X}t.2 AS k,
  count() AS customers
FROM (
  SELECT arrayReduce('min', ${X}ps) AS ${X}cohort, arrayReduce('max', ${X}ps) AS ${X}last,
    arrayPushBack(
      arrayMap(x -> (0, toInt64(x) - toInt64(${X}cohort)), ${X}ps),
      (1, toInt64(${X}last) - toInt64(${X}cohort))
    ) AS ${X}ts
  FROM (
    SELECT groupUniqArray(${raw}) AS ${X}ps
    FROM ${from.sql}
    WHERE isNotNull(${date})${cut}
    GROUP BY ${id}
  )
)
ARRAY JOIN ${X}ts AS ${X}t
GROUP BY kind, cohort, k`;
  return {
    dialect: "clickhouse",
    sql,
    params: [],
    keys: ["kind", "cohort", "k"],
    measures: ["customers"],
  };
}

/** The local day number after `observedUntil`'s: events on earlier local days count. */
function cutoffDay(observedUntil: Date, plan: RetentionPlan): number {
  return plan.calendar.localDay(observedUntil.getTime()) + 1;
}

/** Rows `(kind, cohort, k, customers)` → the kernel's cells (calendar windows). */
function toCells(rows: Record<string, unknown>[], lastOrdinal: number): CohortCells[] {
  const cells = new Map<number, CohortCells>();
  const cell = (cohort: number) => {
    let g = cells.get(cohort);
    if (!g) {
      const len = lastOrdinal - cohort + 1;
      g = {
        segment: [],
        cohort,
        size: 0,
        minAnchor: NaN,
        maxAnchor: NaN,
        n: new Int32Array(len),
        active: new Int32Array(len),
        unbounded: new Int32Array(len),
      };
      cells.set(cohort, g);
    }
    return g;
  };
  for (const row of rows) {
    const g = cell(Number(row.cohort));
    const k = Number(row.k), count = Number(row.customers);
    if (Number(row.kind) === 0) g.active[k] += count;
    else {
      g.size += count;
      g.unbounded[k] += count;
    }
  }
  for (const g of cells.values()) {
    g.n.fill(g.size);
    // Customers whose last active period is k or later.
    for (let k = g.unbounded.length - 2; k >= 0; k--) g.unbounded[k] += g.unbounded[k + 1];
  }
  return [...cells.values()];
}
