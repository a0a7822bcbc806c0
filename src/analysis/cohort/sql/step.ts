/**
 * The SQL step of cohort retention: the aggregate runs in DuckDB,
 * PostgreSQL or a ClickHouse cluster, which compute per (segment, cohort,
 * period index) the distinct active customers, the histogram of each
 * customer's last active period and revenue sums; the finalize step
 * (Wilson intervals, complete flags, unreached periods left out) is the
 * in-memory one, so `await cohortRetention(source, { engine })` is the
 * in-memory table.
 *
 * Supported: calendar windows (`day`, `week`, `month`, `quarter`), modes
 * `exact` and `unbounded`, any `timeZone`, `observedUntil`, segments `by`
 * (text, number or boolean columns of the events), `revenue` (net and gross
 * revenue retention) and `signup` as a column of the events (the same date
 * on each of a customer's events, none before it; violations are a
 * `CxDataError` with counts where memory lists rows). `signup` as a
 * customers table and rolling windows are refused (run them in memory).
 *
 * A customer's segment is the value on their first event; when several
 * first events share the instant, the first row of a loaded table (as in
 * memory), any of them in a file or server table (no row order; such
 * customers are counted in the segment-change warning either way).
 *
 * Shapes: without segments, revenue and signup column, and when the
 * observed periods fit in 64 bits, one word of active periods per customer
 * (`bitset.ts`). Otherwise DuckDB and PostgreSQL keep one row per
 * (customer, period) joined to each customer's cohort (`distinct.ts`);
 * ClickHouse 18.16 (no CTEs, shards) merges per-customer states across
 * shards and expands them with `ARRAY JOIN` (`clickhouse.ts`). Every
 * measure is a count or a sum over customers, so parts merge.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { type EngineCall, refuseEngine } from "../../../engine/dispatch.ts";
import type { ColumnInfo, SqlEngine } from "../../../engine/engine.ts";
import { keyKinds, valueTypeOf, withRelation } from "../../../engine/source.ts";
import { ALIAS_PREFIX, Binder, relationSql } from "../../../engine/compile/quote.ts";
import type { CompiledSql, Dialect, Relation } from "../../../engine/compile/types.ts";
import { CxOptionsError } from "../../../errors.ts";
import { checkOptions } from "../../../options.ts";
import { finalizeRetention } from "../finalize.ts";
import {
  COHORT_RETENTION_OPTIONS,
  type CohortRetentionOptions,
  resolveRetention,
  type RetentionPlan,
} from "../options.ts";
import { cutoffAfter } from "../periods.ts";
import { toCells } from "./cells.ts";
import type { CohortColumns, SqlFrom } from "./common.ts";
import { compileCells } from "./distinct.ts";
import { compileRange, rangeFacts } from "./range.ts";

/** The statements the SQL step of `cohortRetention` runs, for pasting into a warehouse. */
export interface CohortRetentionQueries {
  /** Range, missing values and ignored events. */
  range: CompiledSql;
  /** The aggregate: rows `(kind, cohort, k, customers)`. */
  cells: CompiledSql;
}

/**
 * The SQL step of `cohortRetention` (handed to `withEngine`): refuses what
 * is not pushed down, opens the relation (the needed columns of in-memory
 * input loaded, a file scanned with cxkit's date rules), runs the range and
 * cells queries and finalizes in TypeScript.
 */
export async function retentionSql(
  call: EngineCall,
  options: CohortRetentionOptions,
  name = "cohortRetention",
): Promise<ColumnTable> {
  if (options.signup !== undefined && typeof options.signup !== "string") {
    refuseEngine(
      name,
      `option "signup" as a customers table is not pushed down; name a column of the events holding each customer's signup date instead`,
    );
  }
  if (options.window !== undefined && options.window !== "calendar") {
    refuseEngine(
      name,
      `rolling windows (window: ${JSON.stringify(options.window)}) are computed in memory only`,
    );
  }
  const table = call.source.table;
  // Names and options are checked on one row, so a wrong option fails with the in-memory message.
  const plan = resolveRetention(table?.numRows() ? table.slice(0, 1) : call.table, options);
  const dates = [plan.date, ...(plan.anchor.kind === "column" ? [plan.anchor.name] : [])];
  const hints = Object.fromEntries(dates.map((n) => [n, "timestamp" as const]));
  const load = table ? loadedColumns(table, plan, options.observedUntil) : undefined;
  const opened = load ? { ...call.source, table: load.table } : call.source;
  const needed = load ? load.table.columnNames() : dates;
  return await withRelation(call.engine, opened, needed, hints, async (relation, columns) => {
    const from = fromRelation(relation, call.engine.dialect);
    const c = cohortColumns(call.engine, columns, plan, {
      name,
      dateZone: call.dateZone,
      row: load?.row,
    });
    const kinds = keyKinds(call.engine, columns, table, plan.by);
    return await runQueries(
      call,
      plan,
      { from, c, kinds, nanRevenue: load?.nanRevenue ?? 0 },
      options.observedUntil,
    );
  });
}

/** The range query, then the cells query over the observed periods, then the finalize step. */
async function runQueries(
  call: EngineCall,
  plan: RetentionPlan,
  q: { from: SqlFrom; c: CohortColumns; kinds: ReturnType<typeof keyKinds>; nanRevenue: number },
  observed: Date | undefined,
): Promise<ColumnTable> {
  const [r] = await call.log.run(compileRange(q.from, q.c, plan, observed));
  const range = rangeFacts(r, plan, q.c.signup?.name ?? "", q.nanRevenue);
  const observedUntil = observed ?? new Date(range.maxT);
  const cutoff = cutoffAfter(observedUntil, plan.calendar);
  if (!(range.minT < cutoff)) {
    throw new CxOptionsError(
      `Option "observedUntil" (${observedUntil.toISOString()}) is before the first event (${
        new Date(range.minT).toISOString()
      }): nothing is observed; pass a later date or omit it`,
    );
  }
  // Without observedUntil the cut-off follows the last event: no event is cut.
  const last = plan.calendar.ordinal(cutoff - 1);
  const span = { first: plan.calendar.ordinal(range.minT), last };
  const rows = await call.log.run(compileCells(q.from, q.c, plan, observed, span));
  const { cells, segmentChanges } = toCells(rows, plan, q.c, last, q.kinds);
  return finalizeRetention({
    cells,
    observedUntil,
    cutoff,
    eventsIgnored: observed ? range.ignored : 0,
    customersIgnored: 0,
    segmentChanges,
  }, plan);
}

/**
 * The source's columns as the queries need them; refuses a date column that
 * holds no dates, segments by dates and revenue that is not a number.
 */
function cohortColumns(
  engine: SqlEngine,
  columns: ColumnInfo[],
  plan: RetentionPlan,
  { name, dateZone, row }: { name: string; dateZone: string; row?: string },
): CohortColumns {
  const typeOf = (name: string) => columns.find((c) => c.name === name)?.type ?? "";
  const dateOf = (name: string, what: string, need: string) => {
    const kind = engine.dateKind(typeOf(name));
    if (kind) return kind;
    throw new CxOptionsError(
      `${what} ${JSON.stringify(name)}, which has type ${typeOf(name)} in ${engine.name}; ${need}`,
    );
  };
  const dateKind = dateOf(plan.date, "Column", "cohorts need a date or timestamp column");
  for (const column of plan.by) {
    if (engine.dateKind(typeOf(column))) {
      refuseEngine(
        name,
        `option "by" names ${JSON.stringify(column)}, a date column (${
          typeOf(column)
        }); segments by dates are not pushed down`,
      );
    }
  }
  if (plan.revenue !== undefined && !engine.isNumeric(typeOf(plan.revenue))) {
    throw new CxOptionsError(
      `Option "revenue" names ${JSON.stringify(plan.revenue)}, which has type ${
        typeOf(plan.revenue)
      } in ${engine.name}; revenue must be a number column`,
    );
  }
  const anchor = plan.anchor.kind === "column" ? plan.anchor.name : undefined;
  return {
    customer: plan.customer,
    date: plan.date,
    dateKind,
    dateZone,
    dialect: engine.dialect,
    row,
    booleans: plan.by.map((name) => valueTypeOf(engine, columns, name) === "boolean"),
    signup: anchor
      ? {
        name: anchor,
        kind: dateOf(
          anchor,
          `Option "signup" names`,
          "signup dates need a date or timestamp column",
        ),
      }
      : undefined,
  };
}

/**
 * The columns of an in-memory table the queries read, with a row number
 * when segments need the first row among a customer's first events, and
 * the count of NaN revenue on observed events (the kernel rejects them;
 * loading would make them missing).
 */
function loadedColumns(
  table: ColumnTable,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
): { table: ColumnTable; row?: string; nanRevenue: number } {
  const anchor = plan.anchor.kind === "column" ? [plan.anchor.name] : [];
  const names = [
    ...new Set([plan.customer, plan.date, ...plan.by, plan.revenue ?? plan.date, ...anchor]),
  ];
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const name of names) columns[name] = table.array(name) as ArrayLike<unknown>;
  let row: string | undefined;
  if (plan.by.length) {
    row = ALIAS_PREFIX + "row";
    columns[row] = Float64Array.from({ length: table.numRows() }, (_, i) => i);
  }
  let nanRevenue = 0;
  if (plan.revenue) {
    const revenue = columns[plan.revenue], dates = columns[plan.date];
    const cutoff = observedUntil ? cutoffAfter(observedUntil, plan.calendar) : Infinity;
    for (let i = 0; i < revenue.length; i++) {
      const v = revenue[i], d = dates[i];
      if (typeof v === "number" && v !== v && d instanceof Date && d.getTime() < cutoff) {
        nanRevenue++;
      }
    }
  }
  return { table: aq.table(columns), row, nanRevenue };
}

/** A relation as SQL text (a quoted table, or DuckDB's file scan) and its bound values. */
export function fromRelation(relation: Relation, dialect: Dialect): SqlFrom {
  const binder = new Binder(dialect);
  const sql = relationSql(relation, dialect, binder);
  return { sql, params: binder.params };
}

/**
 * The SQL the SQL step of `cohortRetention` runs for a relation (`from` is
 * SQL text such as a quoted table name; `params` its bound values), without
 * running it. The cells query needs the last observed day.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cohortRetentionQueries } from "./step.ts";
 * const q = cohortRetentionQueries(
 *   { sql: '"events"', params: [] },
 *   { customer: 'id"; --', date: "date", dateKind: "instant", dateZone: "UTC", dialect: "duckdb" },
 *   { period: "month", timeZone: "Europe/Berlin", observedUntil: new Date("2024-12-31") },
 * );
 * assert.ok(q.cells.sql.includes('"id""; --"') && q.cells.params.includes("Europe/Berlin"));
 * ```
 */
export function cohortRetentionQueries(
  from: SqlFrom,
  column: Omit<CohortColumns, "signup">,
  options: CohortRetentionOptions & { observedUntil: Date },
): CohortRetentionQueries {
  checkOptions("cohortRetentionQueries", options, COHORT_RETENTION_OPTIONS);
  const by = options.by === undefined ? [] : [options.by].flat();
  const names = [
    column.customer,
    column.date,
    ...by,
    ...(options.revenue ? [options.revenue] : []),
  ];
  const stub = aq.table(Object.fromEntries(names.map((n) => [n, [null]])));
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
