/**
 * Kaplan–Meier curves and log-rank tests with their aggregate step in
 * DuckDB, PostgreSQL or a ClickHouse cluster. The engine computes the
 * counts table `survivalCounts` computes in memory — per group and distinct
 * time, the rows and the events (`GROUP BY by…, time`), which add up across
 * shards — and the finalize steps are the in-memory TypeScript
 * (`finalizeKaplanMeier`, `finalizeLogRank`), so the results are the same
 * tables.
 *
 * The value checks are the in-memory ones, in SQL: the aggregate also counts
 * times that are missing, negative or not finite and events that are not
 * 0/1 or true/false; when there are any, a second query fetches examples
 * and a `CxDataError` names the column. In-memory input is checked in
 * memory before loading, so its errors name the rows.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { finalizeLogRank, LOG_RANK_OPTIONS, type LogRankOptions } from "../analysis/logrank.ts";
import {
  checkTransform,
  finalizeKaplanMeier,
  KAPLAN_MEIER_OPTIONS,
  type KaplanMeierOptions,
} from "../analysis/survival.ts";
import {
  checkSurvivalValues,
  type ResolvedColumns,
  SURVIVAL_COLUMN_OPTIONS,
  type SurvivalColumns,
  survivalColumns,
  survivalValueReason,
} from "../analysis/survival_counts.ts";
import { survivalTimesUnit } from "../analysis/survival_times.ts";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import { checkConfidence } from "../stats/distributions.ts";
import type { AggregateSpec, Measure, Relation, ValueCheck, ValueType } from "./compile/types.ts";
import { compileAggregate } from "./compile/aggregate.ts";
import { compileFailingSample } from "./compile/samples.ts";
import type { PushdownSource } from "./pushdown.ts";
import {
  keyKinds,
  num,
  openSqlSource,
  plainKey,
  QueryLog,
  setSqlMeta,
  type SqlAnalysisOptions,
  sqlEngineOf,
  stubTable,
  valueTypeOf,
  withRelation,
} from "./source.ts";
import { checkCall, optionNames } from "../options.ts";

/** The names of `SqlAnalysisOptions`, accepted by every `*Sql` analysis beside its own. */
export const SQL_ANALYSIS_OPTIONS = optionNames<SqlAnalysisOptions>()(["engine", "explain"]);

/** Options of {@link survivalCountsSql}: the columns, plus the engine. */
export interface SurvivalCountsSqlOptions extends SurvivalColumns, SqlAnalysisOptions {}

const SURVIVAL_COUNTS_SQL_OPTIONS = optionNames<SurvivalCountsSqlOptions>()([
  ...SURVIVAL_COLUMN_OPTIONS,
  ...SQL_ANALYSIS_OPTIONS,
]);

/** Options of {@link kaplanMeierSql}: `kaplanMeier`'s, plus the engine. */
export interface KaplanMeierSqlOptions extends KaplanMeierOptions, SqlAnalysisOptions {}

const KAPLAN_MEIER_SQL_OPTIONS = optionNames<KaplanMeierSqlOptions>()([
  ...KAPLAN_MEIER_OPTIONS,
  ...SQL_ANALYSIS_OPTIONS,
]);

/** Options of {@link logRankSql}: `logRank`'s, plus the engine. */
export interface LogRankSqlOptions extends LogRankOptions, SqlAnalysisOptions {}

const LOG_RANK_SQL_OPTIONS = optionNames<LogRankSqlOptions>()([
  ...LOG_RANK_OPTIONS,
  ...SQL_ANALYSIS_OPTIONS,
]);

/**
 * `survivalCounts` with the aggregate in an SQL engine: `[by…], time,
 * n_event, n_censor`, sorted, the same table as in memory. `source` is an
 * Arquero table (its needed columns are loaded), a CSV or Parquet path
 * (DuckDB scans it) or a server table `{ engine, table }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { survivalCounts } from "../analysis/survival_counts.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { survivalCountsSql } from "./survival.ts";
 * const engine = duckdbEngine();
 * const t = aq.table({ plan: ["a", "a", "b"], time: [3, 3, 7], event: [true, false, true] });
 * const counts = await survivalCountsSql(t, { engine, by: "plan" });
 * assert.deepEqual(counts.objects(), survivalCounts(t, { by: "plan" }).objects());
 * await engine.close();
 * ```
 */
export async function survivalCountsSql(
  source: PushdownSource,
  options: SurvivalCountsSqlOptions = {},
): Promise<ColumnTable> {
  ({ input: source, options } = checkCall(
    "survivalCountsSql",
    source,
    options,
    SURVIVAL_COUNTS_SQL_OPTIONS,
  ));
  const { counts, log } = await countsInEngine(source, options);
  return setSqlMeta(counts, log.meta());
}

/**
 * `kaplanMeier` with the aggregate step in DuckDB, PostgreSQL or ClickHouse:
 * the same table (risk sets, survival, Greenwood errors, intervals) and
 * metadata; `meta(result)` also names the `engine` (and, with
 * `explain: true`, the SQL in `queries`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kaplanMeier } from "../analysis/survival.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { meta } from "../meta.ts";
 * import { kaplanMeierSql } from "./survival.ts";
 * const engine = duckdbEngine();
 * const t = aq.table({ time: [2, 2, 5, 9], event: [1, 0, 1, 0] });
 * const km = await kaplanMeierSql(t, { engine, explain: true });
 * assert.deepEqual(km.objects(), kaplanMeier(t).objects());
 * assert.equal(meta(km).kind, "survival");
 * assert.ok(meta(km).queries?.[0].sql.includes("GROUP BY 1"));
 * await engine.close();
 * ```
 */
export async function kaplanMeierSql(
  source: PushdownSource,
  options: KaplanMeierSqlOptions = {},
): Promise<ColumnTable> {
  ({ input: source, options } = checkCall(
    "kaplanMeierSql",
    source,
    options,
    KAPLAN_MEIER_SQL_OPTIONS,
  ));
  const { confidence = 0.95, transform = "log" } = options;
  checkConfidence(confidence);
  checkTransform(transform);
  const { counts, log, columns, table } = await countsInEngine(source, options);
  const result = finalizeKaplanMeier(counts, {
    by: columns.by,
    confidence,
    transform,
    unit: options.unit ?? (table ? survivalTimesUnit(table) : undefined),
    columns: { time: columns.time, event: columns.event },
    missing: options.missing,
  });
  return setSqlMeta(result, log.meta());
}

/**
 * `logRank` with the aggregate step in DuckDB, PostgreSQL or ClickHouse:
 * the same overall or pairwise (Holm-adjusted) test table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { logRank } from "../analysis/logrank.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { logRankSql } from "./survival.ts";
 * const engine = duckdbEngine();
 * const t = aq.table({
 *   plan: ["a", "a", "a", "b", "b", "b"],
 *   time: [1, 2, 3, 4, 5, 6],
 *   event: [1, 1, 1, 1, 1, 0],
 * });
 * const test = await logRankSql(t, { engine, by: "plan" });
 * assert.deepEqual(test.objects(), logRank(t, { by: "plan" }).objects());
 * await engine.close();
 * ```
 */
export async function logRankSql(
  source: PushdownSource,
  options: LogRankSqlOptions,
): Promise<ColumnTable> {
  ({ input: source, options } = checkCall("logRankSql", source, options, LOG_RANK_SQL_OPTIONS));
  if (!options || options.by === undefined) {
    throw new CxOptionsError(`logRank needs option "by": the column whose groups are compared`);
  }
  const { counts, log, columns } = await countsInEngine(source, options);
  const result = finalizeLogRank(counts, {
    by: columns.by,
    pairwise: options.pairwise,
    missing: options.missing,
  });
  return setSqlMeta(result, log.meta());
}

/**
 * The aggregate {@link survivalCountsSql} runs, as a description for
 * `compileAggregate`: keys `[by…, time]`, measures rows, events, failing
 * times and failing events (given what the engine says the time and event
 * columns hold).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileAggregate } from "./compile/aggregate.ts";
 * import { survivalCountsSpec } from "./survival.ts";
 * const spec = survivalCountsSpec({ kind: "table", name: "customers" }, {
 *   time: "days", event: "churned", by: ["plan"],
 * }, { time: "number", event: "boolean" });
 * const q = compileAggregate(spec, "postgres");
 * assert.ok(q.sql.includes('count(*) FILTER (WHERE "churned")') && q.sql.endsWith("GROUP BY 1, 2"));
 * ```
 */
export function survivalCountsSpec(
  relation: Relation,
  columns: ResolvedColumns,
  types: { time: ValueType; event: ValueType },
): AggregateSpec {
  const { time, event, by } = columns;
  const failing = (check: ValueCheck, column: string, type: ValueType): Measure => ({
    name: `failing_${check}`,
    op: "countFailing",
    column,
    check,
    type,
  });
  return {
    relation,
    by: [...by, time],
    measures: [
      { name: "rows", op: "rows" },
      { name: "events", op: "countEvents", column: event, type: asFlag(types.event) },
      failing("time", time, types.time),
      failing("event", event, types.event),
    ],
  };
}

function asFlag(type: ValueType): "number" | "boolean" {
  return type === "boolean" ? "boolean" : "number";
}

interface EngineCounts {
  counts: ColumnTable;
  log: QueryLog;
  columns: ResolvedColumns;
  table?: ColumnTable;
}

async function countsInEngine(
  source: PushdownSource,
  options: SurvivalColumns & SqlAnalysisOptions,
): Promise<EngineCounts> {
  const { engine: given, explain, ...rest } = options;
  const engine = sqlEngineOf(source, given);
  const log = new QueryLog(engine, explain);
  const opened = await openSqlSource(engine, source);
  // In memory: the in-memory checks, with their row numbers, before loading anything.
  const columns = survivalColumns(opened.table ?? stubTable(opened.columns), rest);
  const { time, event, by } = columns;
  if (opened.table) checkSurvivalValues(opened.table, time, event);
  const hints = { [time]: "number", [event]: "number" } as const;
  const counts = await withRelation(
    engine,
    opened,
    [...by, time, event],
    hints,
    async (relation, info) => {
      const types = {
        time: valueTypeOf(engine, info, time),
        event: valueTypeOf(engine, info, event),
      };
      const usable = types.time === "number" && types.event !== "other";
      // A time or event column that holds no numbers: every row fails; count them ungrouped.
      const full = survivalCountsSpec(relation, columns, types);
      const spec = usable
        ? full
        : { relation, by: [], measures: full.measures.filter((m) => m.op !== "countEvents") };
      const query = compileAggregate(spec, engine.dialect);
      const rows = await log.run(query);
      const at = (name: string) => query.measures[spec.measures.findIndex((m) => m.name === name)];
      const total = (name: string) => rows.reduce((s, r) => s + num(r[at(name)]), 0);
      const failing = { time: total("failing_time"), event: total("failing_event") };
      if (failing.time + failing.event > 0) {
        await throwFailing(log, relation, columns, types, failing);
      }
      if (total("rows") === 0) {
        // No rows: the in-memory message ("Empty table").
        survivalColumns(aq.table(Object.fromEntries(info.map((c) => [c.name, []]))), rest);
      }
      const kinds = keyKinds(engine, info, opened.table, by);
      const out: Record<string, unknown[]> = {};
      by.forEach((name, j) => out[name] = rows.map((r) => plainKey(r[query.keys[j]], kinds[j])));
      out.time = rows.map((r) => num(r[query.keys[by.length]]));
      const events = rows.map((r) => num(r[at("events")]));
      out.n_event = events;
      out.n_censor = rows.map((r, i) => num(r[at("rows")]) - events[i]);
      return aq.table(out).orderby(...by, "time");
    },
  );
  return { counts, log, columns, table: opened.table };
}

async function throwFailing(
  log: QueryLog,
  relation: Relation,
  columns: ResolvedColumns,
  types: { time: ValueType; event: ValueType },
  failing: { time: number; event: number },
): Promise<never> {
  const problems: CxProblem[] = [];
  for (const check of ["time", "event"] as const) {
    if (failing[check] === 0) continue;
    const column = columns[check];
    const sample = await log.run(
      compileFailingSample(relation, column, check, types[check], log.engine.dialect),
    );
    for (const row of sample) {
      const v = Object.values(row)[0];
      problems.push({
        row: null,
        column,
        value: v === null || v === undefined ? null : String(v),
        reason: survivalValueReason(check, column),
      });
    }
  }
  const total = failing.time + failing.event;
  throw new CxDataError(
    problems,
    total,
    `Survival data has invalid values (${total} in ${log.engine.name})`,
  );
}
