/**
 * The aggregate step of `customerSummary` in an SQL engine: purchases
 * grouped per customer and UTC purchase day (values added up), then one
 * GROUP BY customer giving the same per-customer aggregate as in memory
 * (purchase days and revenue up to the end of calibration, first and last
 * day, the first day's revenue, holdout days and revenue). A first query
 * counts the rows left out and finds the latest purchase day.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { observedLabelSql } from "../engine/compile/period.ts";
import { Binder, quoteIdent, relationSql } from "../engine/compile/quote.ts";
import type { CompiledSql, Dialect, Relation } from "../engine/compile/types.ts";
import type { EngineCall } from "../engine/dispatch.ts";
import { dateBucket, requireNumericColumn } from "../engine/grouped.ts";
import { keyKinds, num, plainKey, withRelation } from "../engine/source.ts";
import {
  type CustomerDays,
  type CustomerSummaryOptions,
  finalizeSummary,
  summaryColumns,
  summaryWindow,
} from "./summary.ts";

const DAY = 86_400_000;
const dayOf = (label: unknown) => Math.floor(Date.parse(`${label}T00:00:00Z`) / DAY);
const labelOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** customerSummary in the call's engine. */
export async function summaryInEngine(
  call: EngineCall,
  options: CustomerSummaryOptions,
): Promise<ColumnTable> {
  const cols = summaryColumns(call.table, options);
  const needed = [cols.customer, cols.date, ...(cols.revenue ? [cols.revenue] : [])];
  return await withRelation(
    call.engine,
    call.source,
    needed,
    { [cols.date]: "timestamp" },
    async (relation, info) => {
      const bucket = dateBucket(call, info, cols.date, "day", "UTC");
      if (cols.revenue) requireNumericColumn(call, info, cols.revenue);
      const dialect = call.engine.dialect;
      const [check] = await call.log.run(checkQuery(relation, cols, bucket, dialect));
      const latest = check.latest ? dayOf(check.latest) : -Infinity;
      const window = summaryWindow(options, latest);
      const rows = await call.log.run(daysQuery(relation, cols, bucket, dialect, window));
      const [kind] = keyKinds(call.engine, info, call.source.table, [cols.customer]);
      const agg: CustomerDays = {
        customer: rows.map((r) => plainKey(r.c, kind)),
        days: rows.map((r) => num(r.days)),
        first: rows.map((r) => dayOf(r.first_day)),
        last: rows.map((r) => dayOf(r.last_day)),
        revenue: rows.map((r) => num(r.revenue)),
        firstRevenue: rows.map((r) => num(r.first_revenue)),
        holdoutDays: rows.map((r) => num(r.holdout_days)),
        holdoutRevenue: rows.map((r) => num(r.holdout_revenue)),
      };
      return finalizeSummary(agg, window, cols, num(check.left_out) || 0, options);
    },
  );
}

type Columns = ReturnType<typeof summaryColumns>;
type Bucket = ReturnType<typeof dateBucket>;

// Customer, UTC day label and value of every row (value 0 without a revenue column).
function rowsSql(relation: Relation, cols: Columns, bucket: Bucket, dialect: Dialect, b: Binder) {
  const q = (name: string) => quoteIdent(name, dialect);
  const value = cols.revenue ? q(cols.revenue) : "0";
  return `SELECT ${q(cols.customer)} AS c, ${
    observedLabelSql(bucket, undefined, dialect, b)
  } AS d, ` +
    `${value} AS v FROM ${relationSql(relation, dialect, b)}`;
}

const KEPT = "c IS NOT NULL AND d IS NOT NULL AND v IS NOT NULL";

/** Rows left out (missing customer, date or revenue) and the latest purchase day. */
export function checkQuery(
  relation: Relation,
  cols: Columns,
  bucket: Bucket,
  dialect: Dialect,
): CompiledSql {
  const b = new Binder(dialect);
  const sql = `SELECT sum(CASE WHEN ${KEPT} THEN 0 ELSE 1 END) AS left_out, ` +
    `max(CASE WHEN ${KEPT} THEN d ELSE '' END) AS latest ` +
    `FROM (${rowsSql(relation, cols, bucket, dialect, b)}) AS r`;
  return { dialect, sql, params: b.params as string[], keys: [], measures: ["left_out", "latest"] };
}

/** One row per customer with a purchase up to the end of calibration: the per-customer aggregate. */
export function daysQuery(
  relation: Relation,
  cols: Columns,
  bucket: Bucket,
  dialect: Dialect,
  window: ReturnType<typeof summaryWindow>,
): CompiledSql {
  const b = new Binder(dialect);
  const ch = dialect === "clickhouse";
  // The day's value is named apart from v: ClickHouse reads an alias in WHERE as its expression.
  const d = ch ? "assumeNotNull(d)" : "d", v = ch ? "assumeNotNull(day_value)" : "day_value";
  const firstRevenue = dialect === "postgres"
    ? `(array_agg(day_value ORDER BY d))[1]`
    : `${ch ? "argMin" : "arg_min"}(${v}, ${d})`;
  const days =
    `SELECT c, d, sum(v) AS day_value FROM (${rowsSql(relation, cols, bucket, dialect, b)}) AS r ` +
    `WHERE ${KEPT} AND d <= ${b.bind(labelOf(window.until))} GROUP BY c, d`;
  const cal = b.bind(labelOf(window.calibrationEnd));
  const sql = `SELECT c, sum(CASE WHEN ${d} <= ${cal} THEN 1 ELSE 0 END) AS days, ` +
    `min(${d}) AS first_day, max(CASE WHEN ${d} <= ${cal} THEN ${d} ELSE '' END) AS last_day, ` +
    `sum(CASE WHEN ${d} <= ${cal} THEN ${v} ELSE 0 END) AS revenue, ${firstRevenue} AS first_revenue, ` +
    `sum(CASE WHEN ${d} > ${cal} THEN 1 ELSE 0 END) AS holdout_days, ` +
    `sum(CASE WHEN ${d} > ${cal} THEN ${v} ELSE 0 END) AS holdout_revenue ` +
    `FROM (${days}) AS t GROUP BY c HAVING min(${d}) <= ${cal}`;
  return {
    dialect,
    sql,
    params: b.params as string[],
    keys: ["c"],
    measures: [
      "days",
      "first_day",
      "last_day",
      "revenue",
      "first_revenue",
      "holdout_days",
      "holdout_revenue",
    ],
  };
}
