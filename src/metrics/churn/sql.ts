/**
 * The SQL step of the customer KPIs (churn, retention, and the flows that
 * referral rates share): the value checks and the window of a customers
 * relation in one query, then customers counted per segment × signup period
 * label × churn period label ({@link compileLabelCounts}), turned into the
 * same flows the in-memory aggregate step makes.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, type CxProblem } from "../../errors.ts";
import type { GroupPlan } from "../../base/plan.ts";
import { type Period, periodFn } from "../../time/period.ts";
import { compileAggregate } from "../../engine/compile/aggregate.ts";
import { observedLabelSql } from "../../engine/compile/period.ts";
import {
  ALIAS_PREFIX,
  Binder,
  checkAliases,
  quoteIdent,
  relationSql,
} from "../../engine/compile/quote.ts";
import type {
  CompiledSql,
  Dialect,
  Measure,
  PeriodBucket,
  Relation,
} from "../../engine/compile/types.ts";
import type { EngineCall } from "../../engine/dispatch.ts";
import type { ColumnInfo } from "../../engine/engine.ts";
import { dateBucket } from "../../engine/grouped.ts";
import type { LoadType } from "../../engine/load.ts";
import { keyKinds, num, plainKey, withRelation } from "../../engine/source.ts";
import { FlowRecords } from "./aggregate.ts";
import { type ChurnOptions, planCustomers } from "./options.ts";
import { type CustomerWindow, prepareCustomers, windowOfRange } from "./window.ts";

/** Row counts per segment and per period label of date columns; see {@link compileLabelCounts}. */
export interface LabelCountSpec {
  /** What to read. */
  relation: Relation;
  /** Segment columns. */
  by: string[];
  /**
   * Date columns whose period label (`2024-03`, …, local in the bucket's
   * `timeZone`) is a key; the label is NULL when the value is missing, or
   * when `before` (a day label `YYYY-MM-DD`) is given and the value's local
   * day is not before it (not yet observed).
   */
  dates: { bucket: PeriodBucket; before?: string }[];
}

/**
 * Compiles a {@link LabelCountSpec}: one row per segment × date labels with
 * the row count (`keys` are the segment aliases then the date-label
 * aliases `__cx_d0…`, `measures` the count). Counts add up across shards,
 * so this is how customer flows (signup period × churn period) are pushed
 * down.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileLabelCounts } from "./sql.ts";
 * const bucket = (column: string) => ({
 *   column, period: "month" as const, timeZone: "Europe/Berlin", dateKind: "instant" as const, dateZone: "UTC",
 * });
 * const q = compileLabelCounts({
 *   relation: { kind: "table", name: "customers" },
 *   by: ["plan"],
 *   dates: [{ bucket: bucket("signup_date") }, { bucket: bucket("churn_date"), before: "2024-07-01" }],
 * }, "postgres");
 * assert.deepEqual(q.keys, ["__cx_k0", "__cx_d0", "__cx_d1"]);
 * assert.ok(q.sql.endsWith("GROUP BY 1, 2, 3") && q.params.includes("2024-07-01"));
 * ```
 */
export function compileLabelCounts(spec: LabelCountSpec, dialect: Dialect): CompiledSql {
  const b = new Binder(dialect);
  const used = [...spec.by, ...spec.dates.map((d) => d.bucket.column)];
  checkAliases(used);
  const ch = dialect === "clickhouse";
  const byKeys = spec.by.map((_, i) => `${ALIAS_PREFIX}k${i}`);
  const dateKeys = spec.dates.map((_, i) => `${ALIAS_PREFIX}d${i}`);
  const count = `${ALIAS_PREFIX}m0`;
  const items = spec.by.map((c, i) => `${quoteIdent(c, dialect)} AS ${byKeys[i]}`);
  spec.dates.forEach(({ bucket, before }, i) => {
    items.push(`${observedLabelSql(bucket, before, dialect, b)} AS ${dateKeys[i]}`);
  });
  items.push(`count(*) AS ${count}`);
  const keys = [...byKeys, ...dateKeys];
  const groupBy = keys.length === 0
    ? ""
    : `\nGROUP BY ${ch ? keys.join(", ") : keys.map((_, i) => i + 1).join(", ")}`;
  const sql = `SELECT ${items.join(",\n  ")}\nFROM ${
    relationSql(spec.relation, dialect, b)
  }${groupBy}`;
  return { dialect, sql, params: b.params, keys, measures: [count] };
}

/** What {@link customerFlowsSql} computed, ready for `customerCounts`. */
export interface CustomerFlowsSql {
  /** Resolved options. */
  plan: GroupPlan & { period: Period };
  /** Periods and cut-off. */
  window: CustomerWindow;
  /** The flows, as `aggregateChurn` makes them. */
  flows: ColumnTable;
}

/**
 * The aggregate step of the customer KPIs in an SQL engine. In-memory input
 * is checked in memory (errors name rows) and its window computed there,
 * then only the needed columns are loaded; a path or server table is
 * checked by one query (missing signups, churn before signup, missing or
 * repeated ids: a `CxDataError` with the counts) that also returns the
 * earliest signup and the latest date, from which the window is built as
 * in memory. A second query counts customers per segment × signup period
 * label × churn period label (local periods in `timeZone`; a date whose
 * local day is at or after the cut-off counts as not observed), and these
 * counts become the flows `aggregateChurn` computes in memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * import { openSqlSource, QueryLog } from "../../engine/source.ts";
 * import { aggregateChurn } from "./aggregate.ts";
 * import { customerFlowsSql } from "./sql.ts";
 * import { prepareCustomers } from "./window.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10")],
 *   churn_date: [d("2024-01-20"), d("2024-03-01")],
 * });
 * const engine = duckdbEngine();
 * const source = await openSqlSource(engine, customers);
 * const call = { engine, log: new QueryLog(engine), source, dateZone: "UTC", table: customers };
 * const { flows } = await customerFlowsSql(call, {});
 * const { table, plan, window } = prepareCustomers(customers, {});
 * assert.deepEqual(flows.objects(), aggregateChurn(table, plan, window).objects());
 * await engine.close();
 * ```
 */
export async function customerFlowsSql(
  call: EngineCall,
  options: ChurnOptions,
): Promise<CustomerFlowsSql> {
  return await withCustomersSql(call, options, [], undefined, async (c) => {
    return { plan: c.plan, window: c.window, flows: await flowsOf(c) };
  });
}

/** A customers relation ready to query: see {@link withCustomersSql}. */
export interface CustomerRelation {
  /** The engine call (engine, query log, source). */
  call: EngineCall;
  /** Resolved options. */
  plan: GroupPlan & { period: Period };
  /** Periods and cut-off. */
  window: CustomerWindow;
  /** What to read. */
  relation: Relation;
  /** Its columns with the engine's types. */
  columns: ColumnInfo[];
  /** Signup dates in the plan's periods. */
  signup: PeriodBucket;
  /** Churn dates in the plan's periods. */
  churn: PeriodBucket;
  /** Day label of the cut-off: dates on or after that local day are not observed. */
  cutoff: string;
  /** The window index of a period label (a `CxDataError` for labels outside it). */
  indexOf(label: unknown): number;
}

/**
 * Opens a customers source for the SQL step: checks the options, then the
 * values (in memory, or one query: see {@link customerFlowsSql}), builds the
 * window, and runs `body` on the relation (in-memory input loaded with the
 * needed columns, dropped after).
 */
export async function withCustomersSql<T>(
  call: EngineCall,
  options: ChurnOptions,
  extraColumns: string[],
  period: Period | undefined,
  body: (c: CustomerRelation) => Promise<T>,
): Promise<T> {
  const plan = planCustomers(
    call.table,
    options,
    extraColumns,
    period ?? options.period ?? "month",
  );
  // In memory: the in-memory checks, with their row numbers, and the window.
  let window = call.source.table
    ? prepareCustomers(call.source.table, options, extraColumns, plan.period).window
    : undefined;
  const needed = [...plan.by, "customer_id", "signup_date", "churn_date", ...extraColumns];
  const hints: Record<string, LoadType> = {
    signup_date: "timestamp",
    churn_date: "timestamp",
    ...Object.fromEntries(extraColumns.map((c) => [c, "text" as const])),
  };
  const { engine, source } = call;
  return await withRelation(engine, source, needed, hints, async (relation, columns) => {
    const signup = dateBucket(call, columns, "signup_date", plan.period, plan.timeZone);
    const churn = dateBucket(call, columns, "churn_date", plan.period, plan.timeZone);
    window ??= await windowInEngine(call, relation, [signup, churn], plan, options);
    const cutoff = periodFn("day", plan.timeZone)(window.cutoff).label;
    const indexOf = windowIndex(window);
    return await body({ call, plan, window, relation, columns, signup, churn, cutoff, indexOf });
  });
}

/** The window index of a period label; a `CxDataError` for a label outside the window. */
function windowIndex(window: CustomerWindow): (label: unknown) => number {
  const index = new Map(window.periods.map((p, i) => [p.label, i]));
  return (label) => {
    const i = index.get(String(label));
    if (i === undefined) {
      throw new CxDataError([{
        row: null,
        column: "signup_date",
        value: String(label),
        reason: "a period outside the observation window (did the table change while reading?)",
      }]);
    }
    return i;
  };
}

/**
 * The flows of a customers relation (one query: customers per segment ×
 * signup period × churn period), as `aggregateChurn` makes them;
 * `periodOf` maps window indices to coarser periods (e.g. before/all).
 */
export async function flowsOf(
  c: CustomerRelation,
  periodOf: (index: number) => number = (i) => i,
): Promise<ColumnTable> {
  const { call, plan } = c;
  const query = compileLabelCounts({
    relation: c.relation,
    by: plan.by,
    dates: [{ bucket: c.signup, before: c.cutoff }, { bucket: c.churn, before: c.cutoff }],
  }, call.engine.dialect);
  const rows = await call.log.run(query);
  const kinds = keyKinds(call.engine, c.columns, call.source.table, plan.by);
  const flows = new FlowRecords(plan.by);
  const k = plan.by.length;
  const at = (label: unknown) =>
    label === null || label === undefined ? null : periodOf(c.indexOf(label));
  for (const r of rows) {
    const s = at(r[query.keys[k]]);
    if (s === null) continue;
    const keys = plan.by.map((_, j) => plainKey(r[query.keys[j]], kinds[j]));
    flows.addCustomers(keys, s, at(r[query.keys[k + 1]]), num(r[query.measures[0]]));
  }
  return flows.table();
}

/** The value checks and date range of a customers relation, as measures of one query. */
function windowMeasures([signup, churn]: PeriodBucket[]): Measure[] {
  const instant = (op: "minInstant" | "maxInstant", b: PeriodBucket): Measure => ({
    name: `${op}_${b.column}`,
    op,
    column: b.column,
    dateKind: b.dateKind,
    dateZone: b.dateZone,
  });
  return [
    { name: "rows", op: "rows" },
    { name: "signup_missing", op: "countWhere", where: { op: "missing", column: "signup_date" } },
    {
      name: "churn_before_signup",
      op: "countWhere",
      where: { op: "before", column: "churn_date", other: "signup_date" },
    },
    { name: "ids", op: "count", column: "customer_id" },
    { name: "distinct_ids", op: "countDistinct", column: "customer_id" },
    instant("minInstant", signup),
    instant("maxInstant", signup),
    instant("maxInstant", churn),
  ];
}

/** The checks of a customers relation in one query, then its window. */
async function windowInEngine(
  call: EngineCall,
  relation: Relation,
  dates: PeriodBucket[],
  plan: GroupPlan & { period: Period },
  options: ChurnOptions,
): Promise<CustomerWindow> {
  const query = compileAggregate(
    { relation, by: [], measures: windowMeasures(dates) },
    call.engine.dialect,
  );
  const [row] = await call.log.run(query);
  const v = (i: number) => num(row?.[query.measures[i]]);
  const rows = v(0), problems: CxProblem[] = [];
  const report = (count: number, column: string, reason: string) => {
    if (count > 0) problems.push({ row: null, column, value: `${count} rows`, reason });
    return count > 0 ? count : 0;
  };
  const total =
    report(v(1), "signup_date", "signup_date must be a date; every customer needs one") +
    report(
      v(2),
      "churn_date",
      "churn_date is before signup_date: a customer cannot churn before signing up; check the date format or the column mapping",
    ) +
    report(rows - v(3), "customer_id", "customer_id is missing; every customer needs an id") +
    report(
      v(3) - v(4),
      "customer_id",
      "customer_id values appear again; each customer must be one row",
    );
  if (total) {
    throw new CxDataError(
      problems,
      total,
      `The customers table has impossible values (${total} in ${call.engine.name})`,
    );
  }
  // ClickHouse returns 0, not NULL, for min/max of no rows of a non-Nullable column.
  const ms = (x: number) => rows > 0 && Number.isFinite(x) ? Math.round(x) : NaN;
  const min = ms(v(5)), max = Math.max(ms(v(6)), ms(v(7)) || -Infinity);
  return windowOfRange(
    Number.isNaN(min) ? Infinity : min,
    Number.isNaN(max) ? -Infinity : max,
    plan,
    options,
  );
}
