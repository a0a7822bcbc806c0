/**
 * What the pushed-down count KPIs (`firstContactResolution`, `churnRate`,
 * `retentionRate`, `referralRate`) share: the overload that sends SQL
 * engines and server tables to the SQL path, opening the source, reading
 * the engine's column types, turning grouped rows back into the aggregate
 * table the in-memory finalize step takes, and recording the SQL in the
 * result's metadata. Unlike `pushdown` (one aggregate request per KPI),
 * these KPIs describe their own measures: the compiler is the same.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import type { KpiInput } from "../metrics/groups.ts";
import type { GroupPlan, KpiOptions } from "../base/plan.ts";
import { type Period, periodStartOfLabel } from "../time/period.ts";
import { checkTimeZone } from "../time/zone.ts";
import type { CompiledSql, PeriodBucket } from "./compile/types.ts";
import {
  checkKpiCall,
  type ColumnInfo,
  isSqlEngine,
  isTableRef,
  type KpiSignature,
  type PushdownKpi,
  type PushdownOptions,
  type PushdownSource,
  type SqlEngine,
} from "./pushdown.ts";
import {
  keyKinds,
  num,
  type OpenedSource,
  openSqlSource,
  plainKey,
  QueryLog,
  sqlEngineOf,
  stubTable,
} from "./source.ts";

/**
 * A KPI that runs in memory, or, given an SQL engine in `options.engine`
 * or a server table `{ engine, table }`, runs `sql` (which resolves to the
 * same table).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { withSqlPath } from "./kpi_sql.ts";
 * const rows = withSqlPath(
 *   (t) => aq.table({ n: [Array.isArray(t) ? t.length : t.numRows()] }),
 *   () => Promise.resolve(aq.table({ n: [-1] })),
 *   { name: "rows", options: [] },
 * );
 * assert.equal(rows(aq.table({ x: [1, 2] })).get("n", 0), 2);
 * ```
 */
export function withSqlPath<O extends KpiOptions>(
  inMemory: (input: KpiInput, options: O) => ColumnTable,
  sql: (
    source: PushdownSource,
    options: Omit<O, "engine"> & PushdownOptions,
  ) => Promise<ColumnTable>,
  signature: KpiSignature,
): PushdownKpi<O> {
  return ((source: PushdownSource, given?: Record<string, unknown>) => {
    const { input, options } = checkKpiCall(signature, source, given);
    return isSqlEngine(options.engine) || isTableRef(input)
      ? sql(input, options as Omit<O, "engine"> & PushdownOptions)
      : inMemory(input as KpiInput, options as O);
  }) as PushdownKpi<O>;
}

/** An opened source of a pushed-down KPI. */
export interface KpiSqlSource {
  /** The engine. */
  engine: SqlEngine;
  /** Runs and records the queries. */
  log: QueryLog;
  /** The source (in-memory input is loaded later, with the needed columns only). */
  opened: OpenedSource;
  /** Zone of dates and zone-less timestamps in the source. */
  dateZone: string;
  /** The in-memory table, or a one-row table of nulls with the source's columns (option checks). */
  table: ColumnTable;
  /** The KPI's own options (`engine`, `explain`, `dateZone` removed). */
  rest: Record<string, unknown>;
}

/**
 * Chooses the engine, checks `explain` and `dateZone` and opens the source
 * (without reading its rows).
 */
export async function openKpiSql(
  source: PushdownSource,
  options: PushdownOptions,
): Promise<KpiSqlSource> {
  const { engine: given, explain, dateZone = "UTC", ...rest } = options as
    & PushdownOptions
    & Record<string, unknown>;
  const engine = sqlEngineOf(source, given);
  const log = new QueryLog(engine, explain);
  checkTimeZone(dateZone, "dateZone");
  const opened = await openSqlSource(engine, source, dateZone);
  return { engine, log, opened, dateZone, table: opened.table ?? stubTable(opened.columns), rest };
}

/** The engine's type name of a column (`""` when unknown). */
export function typeOf(columns: ColumnInfo[], name: string): string {
  return columns.find((c) => c.name === name)?.type ?? "";
}

/**
 * The period bucket of a date column, or a `CxOptionsError` when the engine
 * does not type the column as a date or timestamp.
 */
export function dateBucket(
  src: KpiSqlSource,
  columns: ColumnInfo[],
  column: string,
  period: Period,
  timeZone: string,
): PeriodBucket {
  const type = typeOf(columns, column);
  const dateKind = src.engine.dateKind(type);
  if (!dateKind) {
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(column)
      } has type ${type} in ${src.engine.name}; it must hold dates or timestamps (cast it, or load the file with readCsv)`,
    );
  }
  return { column, period, timeZone, dateKind, dateZone: src.dateZone };
}

/** A `CxOptionsError` unless the engine types the column as numbers. */
export function requireNumericColumn(
  src: KpiSqlSource,
  columns: ColumnInfo[],
  column: string,
): void {
  const type = typeOf(columns, column);
  if (!src.engine.isNumeric(type)) {
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(column)
      } has type ${type} in ${src.engine.name}; it must hold numbers (cast the column, or load the file with readCsv)`,
    );
  }
}

/**
 * The aggregate table of grouped engine rows, as the in-memory aggregate
 * step makes it: the `by` columns (values as in memory), `period` and
 * `period_start` when the plan has a period, then each named measure as a
 * number (`measures[name]` is the measure's output column).
 */
export function groupedAggregate(
  src: KpiSqlSource,
  columns: ColumnInfo[],
  rows: Record<string, unknown>[],
  query: CompiledSql,
  plan: GroupPlan,
  measures: Record<string, string>,
): { aggregate: ColumnTable; keys: string[] } {
  const kinds = keyKinds(src.engine, columns, src.opened.table, plan.by);
  const out: Record<string, unknown[]> = {};
  plan.by.forEach((name, i) => out[name] = rows.map((r) => plainKey(r[query.keys[i]], kinds[i])));
  const keys = [...plan.by];
  if (plan.period && query.period) {
    const starts = new Map<string, Date | null>();
    const labels = rows.map((r) => (r[query.period!] ?? null) as string | null);
    out.period = labels;
    out.period_start = labels.map((label) => {
      if (label === null) return null;
      if (!starts.has(label)) {
        starts.set(label, periodStartOfLabel(label, plan.period!, plan.timeZone));
      }
      return starts.get(label)!;
    });
    keys.push("period", "period_start");
  }
  for (const [name, column] of Object.entries(measures)) {
    out[name] = rows.map((r) => num(r[column]));
  }
  return { aggregate: aq.table(out), keys };
}

/**
 * Adds the engine (and, with `explain`, the SQL: `sql` and `params` of the
 * main query, every statement under `queries`) to a KPI result's notes.
 */
export function recordSql(result: ColumnTable, log: QueryLog, main: CompiledSql): ColumnTable {
  const notes = metaOf(result, "kpi")?.notes;
  if (notes) {
    notes.engine = log.engine.name;
    if (log.explain) {
      Object.assign(notes, { sql: main.sql, params: main.params, queries: [...log.queries] });
    }
  }
  return result;
}
