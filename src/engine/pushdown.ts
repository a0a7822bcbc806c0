/**
 * Pushdown: run a KPI's aggregate step in an SQL engine and its finalize
 * step, unchanged, in TypeScript. The KPI is called twice on an empty stand-in
 * table with the source's column names: once to validate the options and
 * learn which aggregate it needs, once to finalize the rows the engine
 * returned. So every KPI built on the aggregate hook (`nps`, `csat`, `ces`)
 * runs on every engine with the same statistics code.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../errors.ts";
import { type KpiInput, pooled } from "../metrics/groups.ts";
import type { AggregateRequest, KpiOptions } from "../base/plan.ts";
import { periodStartOfLabel } from "../time/period.ts";
import { NPS_CUT_POINTS } from "../schema/scales.ts";
import { checkCall, optionNames } from "../options.ts";
import type { AggregateSpec, CompiledSql, Measure, Relation } from "./compile/types.ts";
import { compileAggregate } from "./compile/aggregate.ts";
import { compileInvalidSample } from "./compile/samples.ts";
import type { LoadType } from "./load.ts";
import { scanFile } from "./scan.ts";
import {
  type ColumnInfo,
  fileRelation,
  isSqlEngine,
  isTableRef,
  type OpenRelation,
  type Source,
  type SqlEngine,
  sqlEngineOf,
} from "./engine.ts";
export { isSqlEngine, isTableRef };
export type { ColumnInfo, OpenRelation, SqlEngine };
export type { TableRef } from "./engine.ts";

/** What a pushed-down KPI reads (see {@link Source}). */
export type PushdownSource = Source;

/** Options every pushed-down KPI takes besides its own. */
export interface PushdownOptions {
  /** The engine (optional when the source is a {@link TableRef}). */
  engine?: SqlEngine;
  /**
   * Record the SQL in the result's metadata (`meta(result).notes.sql`),
   * or pass a function to receive it before it runs (e.g. to print it).
   */
  explain?: boolean | ((query: CompiledSql) => void);
  /**
   * IANA zone of dates and zone-less timestamps in the source (default
   * `"UTC"`, like readCsv's `timeZone`); timestamps with a zone are instants.
   */
  dateZone?: string;
}

/** The names of {@link PushdownOptions}, accepted by every KPI beside its own. */
export const PUSHDOWN_OPTIONS = optionNames<PushdownOptions>()(["engine", "explain", "dateZone"]);

/** A public KPI's name and option names, checked at its door. */
export interface KpiSignature {
  /** The function's public name, as error messages give it. */
  name: string;
  /** Its option names (the SQL path's {@link PUSHDOWN_OPTIONS} are added). */
  options: readonly string[];
}

/**
 * The checks at a KPI's door, for the in-memory and the SQL path alike:
 * unknown options are refused, and a grouped Arquero table is read as `by`
 * (see `groupsAsBy`); the input comes back ungrouped.
 */
export function checkKpiCall<O extends object = Record<string, unknown>>(
  signature: KpiSignature,
  input: PushdownSource,
  options: O | undefined,
): { input: PushdownSource; options: O } {
  const known = [...new Set([...signature.options, ...PUSHDOWN_OPTIONS])];
  return checkCall(signature.name, input, options, known);
}

/** A KPI built on the aggregate hook (`nps`, `csat`, `ces`). */
export type Kpi<O extends KpiOptions> = (input: ColumnTable, options: O) => ColumnTable;

/**
 * A KPI function that runs in memory on Arquero tables and, given an SQL
 * engine in `options.engine` or a server table `{ engine, table }`, pushes
 * its aggregate step down and resolves to the same result.
 */
export interface PushdownKpi<O extends KpiOptions> {
  /** In memory: the typed-array kernel or the Arquero reference path. */
  (input: KpiInput, options?: O): ColumnTable;
  /** The aggregate step in an SQL engine; the finalize step is the same TypeScript. */
  (
    input: PushdownSource,
    options: Omit<O, "engine"> & PushdownOptions & { engine: SqlEngine },
  ): Promise<ColumnTable>;
  /** A server table reference `{ engine, table }`. */
  (input: PushdownSource, options?: Omit<O, "engine"> & PushdownOptions): Promise<ColumnTable>;
}

/**
 * Makes a {@link PushdownKpi} from the in-memory implementation of a KPI.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { withPushdown } from "./pushdown.ts";
 * import type { KpiInput } from "../metrics/groups.ts";
 * const rows = (t: KpiInput) => aq.table({ n: [Array.isArray(t) ? t.length : t.numRows()] });
 * const count = withPushdown(rows, { name: "count", options: [] });
 * assert.equal(count(aq.table({ x: [1, 2] })).get("n", 0), 2);
 * ```
 */
export function withPushdown<O extends KpiOptions>(
  inMemory: (input: KpiInput, options: O) => ColumnTable,
  signature: KpiSignature,
): PushdownKpi<O> {
  return ((source: PushdownSource, given?: Record<string, unknown>) => {
    const { input, options } = checkKpiCall(signature, source, given);
    return isSqlEngine(options.engine) || isTableRef(input)
      ? pushdown(inMemory as Kpi<O>, input, options as Omit<O, "engine"> & PushdownOptions)
      : inMemory(input as KpiInput, options as O);
  }) as PushdownKpi<O>;
}

/**
 * Runs a KPI with its aggregate step in an SQL engine. The result equals
 * the in-memory KPI's: same columns, counts, intervals and metadata (plus
 * `notes.engine`, and `notes.sql` with `explain: true`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { csat } from "../metrics/csat.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { pushdown } from "./pushdown.ts";
 * const engine = duckdbEngine();
 * const t = aq.table({ channel: ["chat", "chat", "web"], csat: [5, 3, 4] });
 * const r = await pushdown(csat, t, { engine, by: "channel" });
 * assert.deepEqual(r.objects(), csat(t, { by: "channel" }).objects());
 * await engine.close();
 * ```
 */
export async function pushdown<O extends KpiOptions>(
  kpi: Kpi<O>,
  source: PushdownSource,
  options: Omit<O, "engine"> & PushdownOptions,
): Promise<ColumnTable> {
  const { engine, rest, explain, dateZone } = splitOptions(source, options);
  const opened = await openSource(engine, source);
  try {
    const { request, stub } = await capture(kpi, rest as unknown as O, opened.columns);
    let relation = opened.relation;
    let columns = opened.columns;
    let drop = opened.drop;
    if (opened.table) {
      const needed = requestColumns(request);
      const hints: Record<string, LoadType> = { [request.score]: "number" };
      if (request.plan.period) hints[request.plan.date] = "timestamp";
      const loaded = await engine.load(opened.table.select(needed), hints);
      relation = loaded.relation;
      drop = loaded.drop;
      columns = await engine.columns(relation);
    } else if (relation.kind === "file" && request.plan.period) {
      // A scanned file's dates are read by cxkit's date rules, not DuckDB's type guess.
      ({ relation, columns, drop } = await scanFile(
        engine,
        relation,
        columns,
        [request.plan.date],
        dateZone,
      ));
    }
    try {
      const spec = describeAggregate(request, relation, columns, engine, dateZone);
      const query = compileAggregate(spec, engine.dialect);
      if (typeof explain === "function") explain(query);
      const rows = await engine.run(query);
      await checkInvalid(engine, spec, query, rows, request);
      const aggregate = toAggregate(rows, query, request);
      const result = kpi(
        stub,
        { ...rest, aggregate: { aggregate: () => aggregate } } as unknown as O,
      );
      const notes = metaOf(result, "kpi")?.notes;
      if (notes) {
        notes.engine = engine.name;
        if (explain) Object.assign(notes, { sql: query.sql, params: query.params });
      }
      return result;
    } finally {
      if (drop !== opened.drop) await drop();
    }
  } finally {
    await opened.drop();
  }
}

/**
 * The SQL a pushed-down KPI would run, without running it: paste it into
 * your own warehouse. (Loading an in-memory table happens first, so pass a
 * path or a {@link TableRef}.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nps } from "../metrics/nps.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { explainSql } from "./pushdown.ts";
 * const engine = duckdbEngine();
 * await engine.run({ dialect: "duckdb", sql: "CREATE TABLE answers (channel VARCHAR, nps_score INTEGER)", params: [], keys: [], measures: [] });
 * const q = await explainSql(nps, { engine, table: "answers" }, { by: "channel" });
 * assert.ok(q.sql.includes('FROM "answers"') && q.sql.includes('GROUP BY 1'));
 * await engine.close();
 * ```
 */
export async function explainSql<O extends KpiOptions>(
  kpi: Kpi<O>,
  source: PushdownSource,
  options: Omit<O, "engine"> & PushdownOptions,
): Promise<CompiledSql> {
  const { engine, rest, dateZone } = splitOptions(source, options);
  const opened = await openSource(engine, source);
  try {
    if (opened.table) {
      throw new CxOptionsError(
        "explainSql needs a file path or { engine, table } source: an in-memory table has no SQL name until it is loaded",
      );
    }
    const { request } = await capture(kpi, rest as unknown as O, opened.columns);
    const spec = describeAggregate(request, opened.relation, opened.columns, engine, dateZone);
    return compileAggregate(spec, engine.dialect);
  } finally {
    await opened.drop();
  }
}

function splitOptions(
  source: PushdownSource,
  options: Omit<KpiOptions, "engine"> & PushdownOptions,
): {
  engine: SqlEngine;
  rest: Record<string, unknown>;
  explain: PushdownOptions["explain"];
  dateZone: string;
} {
  const { engine: given, explain = false, dateZone = "UTC", ...rest } = options;
  const engine = sqlEngineOf(source, given);
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: dateZone });
  } catch {
    throw new CxOptionsError(
      `Option "dateZone" must be an IANA time zone such as "Europe/Berlin", got ${
        JSON.stringify(dateZone)
      }`,
    );
  }
  return { engine, rest, explain, dateZone };
}

interface OpenedSource extends OpenRelation {
  columns: ColumnInfo[];
  /** Set for in-memory input: it is loaded once the needed columns are known. */
  table?: ColumnTable;
}

async function openSource(engine: SqlEngine, source: PushdownSource): Promise<OpenedSource> {
  const none = () => Promise.resolve();
  if (isTableRef(source)) {
    const relation: Relation = { kind: "table", name: source.table, schema: source.schema };
    return { relation, drop: none, columns: await engine.columns(relation) };
  }
  if (typeof source === "string" || source instanceof URL) {
    const relation = fileRelation(source);
    return { relation, drop: none, columns: await engine.columns(relation) };
  }
  const table = pooled(source as KpiInput);
  return {
    relation: { kind: "table", name: "(in memory)" },
    drop: none,
    columns: table.columnNames().map((name) => ({ name, type: "" })),
    table,
  };
}

async function capture<O extends KpiOptions>(
  kpi: Kpi<O>,
  options: O,
  columns: ColumnInfo[],
): Promise<{ request: AggregateRequest; stub: ColumnTable }> {
  const stub = aq.table(Object.fromEntries(columns.map((c) => [c.name, [] as unknown[]])));
  let request: AggregateRequest | undefined;
  kpi(stub, {
    ...options,
    aggregate: {
      aggregate(r: AggregateRequest) {
        request = r;
        return { aggregate: aq.table({}), keys: [] };
      },
    },
  });
  if (!request) {
    throw new CxOptionsError(
      "This function does not use the aggregate hook, so it cannot be pushed down; use nps, csat or ces",
    );
  }
  return await Promise.resolve({ request, stub });
}

function requestColumns(r: AggregateRequest): string[] {
  return [...new Set([...r.plan.by, ...(r.plan.period ? [r.plan.date] : []), r.score])];
}

function describeAggregate(
  r: AggregateRequest,
  relation: Relation,
  columns: ColumnInfo[],
  engine: SqlEngine,
  dateZone: string,
): AggregateSpec {
  const typeOf = (name: string) => columns.find((c) => c.name === name)?.type ?? "";
  const scoreType = typeOf(r.score);
  if (!engine.isNumeric(scoreType)) {
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(r.score)
      } has type ${scoreType} in ${engine.name}; scores must be numbers (cast the column, or load the file with readCsv)`,
    );
  }
  const s = r.score, { min, max } = r.scale;
  const measures: Measure[] = [
    { name: "rows", op: "rows" },
    { name: "invalid", op: "countInvalid", column: s, min, max },
    { name: "n", op: "count", column: s },
  ];
  if (r.kind === "nps") {
    measures.push(
      { name: "promoters", op: "countBetween", column: s, ...NPS_CUT_POINTS.Promoter },
      { name: "passives", op: "countBetween", column: s, ...NPS_CUT_POINTS.Passive },
      { name: "detractors", op: "countBetween", column: s, ...NPS_CUT_POINTS.Detractor },
    );
  } else {
    const box = r.box ?? r.scale;
    measures.push(
      { name: "sum", op: "sum", column: s },
      { name: "sum_squares", op: "sumSquares", column: s },
      { name: "box", op: "countBetween", column: s, min: box.min, max: box.max },
    );
  }
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
    period = {
      column: plan.date,
      period: plan.period,
      timeZone: plan.timeZone,
      dateKind,
      dateZone,
    };
  }
  return { relation, by: plan.by, period, measures };
}

async function checkInvalid(
  engine: SqlEngine,
  spec: AggregateSpec,
  query: CompiledSql,
  rows: Record<string, unknown>[],
  r: AggregateRequest,
): Promise<void> {
  const at = spec.measures.findIndex((m) => m.name === "invalid");
  const total = rows.reduce((sum, row) => sum + Number(row[query.measures[at]]), 0);
  if (total === 0) return;
  const sample = await engine.run(
    compileInvalidSample(spec.relation, r.score, r.scale, engine.dialect),
  );
  const rule = `${r.score} must be an integer ${r.scale.min}–${r.scale.max}`;
  throw new CxDataError(
    sample.map((row) => ({
      row: null,
      column: r.score,
      value: String(Object.values(row)[0]),
      reason: rule,
    })),
    total,
    `Column "${r.score}" has impossible values (${total} in ${engine.name})`,
  );
}

function toAggregate(
  rows: Record<string, unknown>[],
  query: CompiledSql,
  r: AggregateRequest,
): { aggregate: ColumnTable; keys: string[] } {
  const { plan } = r;
  const measureNames = r.kind === "nps"
    ? ["n", "promoters", "passives", "detractors"]
    : ["n", "sum", "sum_squares", "box"];
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
  measureNames.forEach((name, k) => {
    columns[name] = kept.map((row) => Number(row[query.measures[k + 2]]));
  });
  return { aggregate: aq.table(columns), keys };
}

function plainValue(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  return v === undefined ? null : v;
}
