/**
 * The SQL step of the score KPIs (`nps`, `csat`, `ces`) and of the analyses
 * built on them (`segment`, `trend`, `npsCompare`): the KPI is called on an
 * empty stand-in table with the source's column names, once to validate the
 * options and learn which aggregate it needs (through the aggregate hook),
 * once to finalize the rows the engine returned. So the statistics are the
 * same TypeScript in memory and in every engine; only the counts or sums
 * come from SQL. {@link scoreKpi} hands both steps to the one dispatcher.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../errors.ts";
import type { AggregateHook, AggregateRequest, GroupPlan, KpiOptions } from "../base/plan.ts";
import type { TableInput } from "../base/input.ts";
import { periodStartOfLabel } from "../time/period.ts";
import { NPS_CUT_POINTS } from "../schema/scales.ts";
import { checkCall } from "../options.ts";
import { checkTimeZone } from "../time/zone.ts";
import type { AggregateSpec, CompiledSql, Measure, Relation } from "../engine/compile/types.ts";
import { compileAggregate } from "../engine/compile/aggregate.ts";
import { compileInvalidSample } from "../engine/compile/samples.ts";
import type { ColumnInfo, Source, SqlEngine } from "../engine/engine.ts";
import { sqlEngineOf } from "../engine/engine.ts";
import { type OpenedSource, openSqlSource, type QueryLog, withRelation } from "../engine/source.ts";
import {
  type EngineAnalysis,
  type EngineCall,
  type EngineOptions,
  withEngine,
} from "../engine/dispatch.ts";
import type { LoadType } from "../engine/load.ts";

/** A score KPI in memory, built on the aggregate hook (option `aggregate`). */
export type ScoreKpi<O extends KpiOptions> = (input: TableInput, options: O) => ColumnTable;

/** What {@link scoreInEngine} returns. */
export interface ScoreAggregate {
  /** The KPI's result, finalized in TypeScript from the engine's aggregate. */
  result: ColumnTable;
  /** The per-group sufficient statistics the engine returned (key columns, then the KPI's fields). */
  aggregate: ColumnTable;
  /** Key columns of `aggregate`: the `by` columns, then `period`, `period_start`. */
  keys: string[];
  /** The options as the KPI resolved them (by, period, time zone, confidence, minN). */
  plan: GroupPlan;
}

interface Registered {
  name: string;
  options: readonly string[];
  memory: ScoreKpi<KpiOptions>;
}

const REGISTERED = new WeakMap<object, Registered>();

/**
 * Makes a score KPI with the one dispatcher: in memory `memory(input,
 * options)`; with an engine the aggregate step runs in SQL
 * ({@link scoreInEngine}) and the finalize step is `memory` again.
 */
export function scoreKpi<O extends KpiOptions>(
  spec: { name: string; options: readonly string[]; memory: ScoreKpi<O> },
): EngineAnalysis<O> {
  const kpi = withEngine<O>({
    name: spec.name,
    options: spec.options,
    dates: true,
    memory: spec.memory,
    sql: async (call, options) => (await scoreInEngine(call, spec.memory, options)).result,
  });
  REGISTERED.set(kpi, spec as unknown as Registered);
  return kpi;
}

/**
 * Runs a score KPI's aggregate step in the call's engine (one query, plus a
 * sample of the bad values if any score is off the scale) and finalizes it
 * with the KPI's own TypeScript; returns the aggregate too, for analyses
 * that finalize more than the KPI from it (`segment`, `trend`).
 */
export async function scoreInEngine<O extends KpiOptions>(
  call: EngineCall,
  kpi: ScoreKpi<O>,
  options: O,
): Promise<ScoreAggregate> {
  const { engine, log, source, dateZone } = call;
  const stub = emptyTable(call.table.columnNames());
  const request = captureRequest(kpi, stub, options);
  const { weight } = request.plan;
  const needed = [
    ...new Set([
      ...request.plan.by,
      ...(request.plan.period ? [request.plan.date] : []),
      request.score,
      ...(weight === undefined ? [] : [weight]),
    ]),
  ];
  const hints: Record<string, LoadType> = { [request.score]: "number" };
  if (weight !== undefined) hints[weight] = "number";
  if (request.plan.period) hints[request.plan.date] = "timestamp";
  const got = await withRelation(engine, source, needed, hints, async (relation, columns) => {
    const spec = describeAggregate(request, relation, columns, engine, dateZone);
    const query = compileAggregate(spec, engine.dialect);
    const rows = await log.run(query);
    await checkInvalid(log, spec, query, rows, request);
    checkWeightsInEngine(spec, query, rows, request, engine.name);
    return toAggregate(rows, query, request);
  });
  const hook: AggregateHook = { aggregate: () => got };
  const result = kpi(stub, { ...options, aggregate: hook });
  return { result, aggregate: got.aggregate, keys: got.keys, plan: request.plan };
}

/**
 * The SQL a score KPI (`nps`, `csat`, `ces`) would run, without running it:
 * paste it into your own warehouse. The source is a file path or a
 * `{ engine, table }` reference (an in-memory table has no SQL name until it
 * is loaded); the options are the KPI's (checked as the KPI checks them)
 * with `engine` and `dateZone` (`explain` and `signal` do not apply: nothing
 * runs but the look-up of the source's columns).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nps } from "./nps.ts";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { explainSql } from "./score_sql.ts";
 * const engine = duckdbEngine();
 * await engine.run({ dialect: "duckdb", sql: "CREATE TABLE answers (channel VARCHAR, nps_score INTEGER)", params: [], keys: [], measures: [] });
 * const q = await explainSql(nps, { engine, table: "answers" }, { by: "channel" });
 * assert.ok(q.sql.includes('FROM "answers"') && q.sql.includes('GROUP BY 1'));
 * await engine.close();
 * ```
 */
export async function explainSql<O extends KpiOptions>(
  kpi: EngineAnalysis<O>,
  source: Source,
  options: O & Pick<EngineOptions, "engine" | "dateZone">,
): Promise<CompiledSql> {
  const found = REGISTERED.get(kpi);
  if (!found) {
    throw new CxOptionsError(
      "explainSql explains the score KPIs: pass nps, csat or ces as its first argument",
    );
  }
  const known = [...found.options, "engine", "dateZone"];
  const checked = checkCall("explainSql", source, options, known);
  const { engine: given, dateZone = "UTC", ...rest } = checked.options;
  const engine = sqlEngineOf(checked.input, given);
  checkTimeZone(dateZone, "dateZone");
  const opened: OpenedSource = await openSqlSource(engine, checked.input, dateZone);
  if (opened.table) {
    throw new CxOptionsError(
      "explainSql needs a file path or { engine, table } source: an in-memory table has no SQL name until it is loaded",
    );
  }
  const stub = emptyTable(opened.columns.map((c) => c.name));
  const request = captureRequest(found.memory, stub, rest as KpiOptions);
  const spec = describeAggregate(request, opened.relation, opened.columns, engine, dateZone);
  return compileAggregate(spec, engine.dialect);
}

function emptyTable(names: string[]): ColumnTable {
  return aq.table(Object.fromEntries(names.map((name) => [name, [] as unknown[]])));
}

/** Calls the KPI with a hook that records what aggregate it asks for. */
function captureRequest<O extends KpiOptions>(
  kpi: ScoreKpi<O>,
  stub: ColumnTable,
  options: O,
): AggregateRequest {
  let request: AggregateRequest | undefined;
  const hook: AggregateHook = {
    aggregate(r) {
      request = r;
      return { aggregate: aq.table({}), keys: [] };
    },
  };
  kpi(stub, { ...options, aggregate: hook });
  if (!request) throw new Error("A score KPI did not ask for its aggregate");
  return request;
}

/** The aggregate query of a request: row count, invalid count, then the KPI's fields. */
function describeAggregate(
  r: AggregateRequest,
  relation: Relation,
  columns: ColumnInfo[],
  engine: SqlEngine,
  dateZone: string,
): AggregateSpec {
  const typeOf = (name: string) => columns.find((c) => c.name === name)?.type ?? "";
  const { weight } = r.plan;
  for (const [column, what] of [[r.score, "scores"], [weight, "survey weights"]]) {
    if (column === undefined || engine.isNumeric(typeOf(column))) continue;
    throw new CxOptionsError(
      `Column ${JSON.stringify(column)} has type ${
        typeOf(column)
      } in ${engine.name}; ${what} must be numbers (cast the column, or load the file with readCsv)`,
    );
  }
  const measures: Measure[] = [
    { name: "rows", op: "rows" },
    { name: "invalid", op: "countInvalid", column: r.score, ...r.scale },
    { name: "n", op: "count", column: r.score },
    ...(weight === undefined ? scoreMeasures(r) : weightedMeasures(r, weight)),
  ];
  const { plan } = r;
  let period: AggregateSpec["period"];
  if (plan.period) {
    const type = typeOf(plan.date);
    const dateKind = engine.dateKind(type);
    if (!dateKind) {
      throw new CxOptionsError(
        `Column ${
          JSON.stringify(plan.date)
        } has type ${type} in ${engine.name}; periods need a date or timestamp column (cast it, or load the file with readCsv)`,
      );
    }
    const { date: column, timeZone } = plan;
    period = { column, period: plan.period, timeZone, dateKind, dateZone };
  }
  return { relation, by: plan.by, period, measures };
}

/** The KPI's own fields after `n`: NPS categories, or scale sums and the box. */
function scoreMeasures(r: AggregateRequest): Measure[] {
  const s = r.score;
  if (r.kind === "nps") {
    return [
      { name: "promoters", op: "countBetween", column: s, ...NPS_CUT_POINTS.Promoter },
      { name: "passives", op: "countBetween", column: s, ...NPS_CUT_POINTS.Passive },
      { name: "detractors", op: "countBetween", column: s, ...NPS_CUT_POINTS.Detractor },
    ];
  }
  const box = r.box ?? r.scale;
  return [
    { name: "sum", op: "sum", column: s },
    { name: "sum_squares", op: "sumSquares", column: s },
    { name: "box", op: "countBetween", column: s, min: box.min, max: box.max },
  ];
}

/**
 * The weighted KPI's fields after `n` (as the weighted kernels name them):
 * the answer counts, Σw, Σw², and Σw per NPS category or Σw·x, Σw·x², Σw
 * over the box; first the count of answers with a bad weight (missing,
 * negative or not finite) for {@link checkInvalid}.
 */
function weightedMeasures(r: AggregateRequest, weight: string): Measure[] {
  const s = r.score;
  const w = (name: string, power: 0 | 1 | 2, range?: { min: number; max: number }): Measure => ({
    name,
    op: "sumWeighted",
    column: s,
    weight,
    power,
    ...range,
  });
  const badWeight: Measure = {
    name: "bad_weight",
    op: "countWhere",
    where: {
      op: "and",
      // "time" is the check of a finite number ≥ 0 (missing fails it too).
      of: [{ op: "present", column: s }, {
        op: "fails",
        column: weight,
        check: "time",
        type: "number",
      }],
    },
  };
  const sums = [
    w("weight", 0),
    { name: "weight_squares", op: "sumSquares", column: weight, pairedWith: s } as Measure,
  ];
  if (r.kind === "nps") {
    const c = NPS_CUT_POINTS;
    return [
      ...scoreMeasures(r),
      ...sums,
      w("weight_promoters", 0, c.Promoter),
      w("weight_passives", 0, c.Passive),
      w("weight_detractors", 0, c.Detractor),
      badWeight,
    ];
  }
  const box = r.box ?? r.scale;
  return [
    { name: "box", op: "countBetween", column: s, min: box.min, max: box.max },
    ...sums,
    w("weight_sum", 1),
    w("weight_sum_squares", 2),
    w("weight_box", 0, box),
    badWeight,
  ];
}

/** Fields of the aggregate after the row and invalid counts, in measure order. */
function aggregateFields(r: AggregateRequest): string[] {
  const weighted = r.plan.weight !== undefined;
  if (r.kind === "nps") {
    return [
      ...["n", "promoters", "passives", "detractors"],
      ...(weighted ? ["weight", "weight_squares", "weight_promoters"] : []),
      ...(weighted ? ["weight_passives", "weight_detractors"] : []),
    ];
  }
  return weighted
    ? ["n", "box", "weight", "weight_squares", "weight_sum", "weight_sum_squares", "weight_box"]
    : ["n", "sum", "sum_squares", "box"];
}

/** Refuses answers with a missing, negative or non-finite survey weight, as `checkWeights` does. */
function checkWeightsInEngine(
  spec: AggregateSpec,
  query: CompiledSql,
  rows: Record<string, unknown>[],
  r: AggregateRequest,
  engine: string,
): void {
  const at = spec.measures.findIndex((m) => m.name === "bad_weight");
  if (at < 0) return;
  const total = rows.reduce((sum, row) => sum + Number(row[query.measures[at]]), 0);
  if (total === 0) return;
  throw new CxDataError(
    [{
      row: null,
      column: r.plan.weight!,
      value: null,
      reason:
        `a survey weight must be a finite number ≥ 0; fix or drop the rows, or pass weight: null for unweighted results`,
    }],
    total,
    `${total} ${
      total === 1 ? "answer has" : "answers have"
    } a missing, negative or non-finite weight in column ${
      JSON.stringify(r.plan.weight)
    } (in ${engine})`,
  );
}

/** Refuses scores off the scale with a sample of them, as the in-memory check does. */
async function checkInvalid(
  log: QueryLog,
  spec: AggregateSpec,
  query: CompiledSql,
  rows: Record<string, unknown>[],
  r: AggregateRequest,
): Promise<void> {
  const at = spec.measures.findIndex((m) => m.name === "invalid");
  const total = rows.reduce((sum, row) => sum + Number(row[query.measures[at]]), 0);
  if (total === 0) return;
  const { engine } = log;
  const sample = await log.run(
    compileInvalidSample(spec.relation, r.score, r.scale, engine.dialect),
  );
  const reason = `${r.score} must be an integer ${r.scale.min}–${r.scale.max}`;
  throw new CxDataError(
    sample.map((row) => ({
      row: null,
      column: r.score,
      value: String(Object.values(row)[0]),
      reason,
    })),
    total,
    `Column "${r.score}" has impossible values (${total} in ${engine.name})`,
  );
}

/** The engine's rows as the aggregate table the KPI's finalize step reads. */
function toAggregate(
  rows: Record<string, unknown>[],
  query: CompiledSql,
  r: AggregateRequest,
): { aggregate: ColumnTable; keys: string[] } {
  const { plan } = r;
  const fields = aggregateFields(r);
  // Measures 0 and 1 are the row count and the invalid count (see describeAggregate).
  const kept = plan.by.length || plan.period
    ? rows
    : rows.filter((row) => Number(row[query.measures[0]]) > 0);
  const columns: Record<string, unknown[]> = {};
  plan.by.forEach((name, i) => columns[name] = kept.map((row) => plainValue(row[query.keys[i]])));
  const keys = [...plan.by];
  if (plan.period && query.period) {
    const labels = kept.map((row) => row[query.period!] as string | null);
    const starts = new Map<string, Date | null>();
    columns.period = labels;
    columns.period_start = labels.map((label) => {
      if (label === null || label === undefined) return null;
      if (!starts.has(label)) {
        starts.set(label, periodStartOfLabel(label, plan.period!, plan.timeZone));
      }
      return starts.get(label);
    });
    keys.push("period", "period_start");
  }
  fields.forEach((name, k) => {
    columns[name] = kept.map((row) => Number(row[query.measures[k + 2]]));
  });
  return { aggregate: aq.table(columns), keys };
}

function plainValue(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  return v === undefined ? null : v;
}
