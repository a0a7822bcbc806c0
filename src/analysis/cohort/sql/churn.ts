/**
 * The SQL step of `cohortChurn`: one range query (missing and repeated
 * customer ids, missing signups, churns before signups, the last date,
 * signups after the cut-off) and one query counting customers per
 * (segment, signup period, churn period index) — plain counts, so parts
 * merge across shards — then the in-memory finalize step. Data problems are
 * a `CxDataError` with counts where memory lists rows.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { EngineCall } from "../../../engine/dispatch.ts";
import type { ColumnInfo } from "../../../engine/engine.ts";
import { ALIAS_PREFIX, quoteIdent } from "../../../engine/compile/quote.ts";
import type { CompiledSql, ValueType } from "../../../engine/compile/types.ts";
import { keyKinds, plainKey, withRelation } from "../../../engine/source.ts";
import { CxDataError, CxOptionsError } from "../../../errors.ts";
import {
  type ChurnCell,
  type ChurnPlan,
  type CohortChurnOptions,
  finalizeChurn,
  resolveChurn,
} from "../churn.ts";
import { cutoffAfter } from "../periods.ts";
import { clickhouseDays, clickhouseInstant } from "./clickhouse.ts";
import {
  type CohortColumns,
  cutoffWallTime,
  instantSql,
  localSql,
  ordinalSql,
  Params,
  type SqlFrom,
} from "./common.ts";
import { fromRelation } from "./step.ts";

/** The customers relation's columns: signup and churn dates with how the engine stores them. */
interface ChurnColumns {
  signup: CohortColumns;
  churn: CohortColumns;
  by: string[];
}

/** The SQL step of `cohortChurn` (handed to `withEngine`). */
export async function churnSql(
  call: EngineCall,
  options: CohortChurnOptions,
): Promise<ColumnTable> {
  const table = call.source.table;
  const plan = resolveChurn(table?.numRows() ? table.slice(0, 1) : call.table, options);
  const dates = [plan.signupDate, plan.churnDate];
  const hints = Object.fromEntries(dates.map((n) => [n, "timestamp" as const]));
  const needed = table ? [plan.customer, ...dates, ...plan.by] : dates;
  return await withRelation(call.engine, call.source, needed, hints, async (relation, columns) => {
    const from = fromRelation(relation, call.engine.dialect);
    const c = churnColumns(call, columns, plan);
    const [r] = await call.log.run(churnRange(from, c, plan, options.observedUntil));
    const maxT = rangeMax(r, plan);
    const observedUntil = options.observedUntil ?? new Date(maxT);
    const cutoff = cutoffAfter(observedUntil, plan.calendar);
    const rows = await call.log.run(churnCounts(from, c, plan, observedUntil));
    const kinds = keyKinds(call.engine, columns, table, plan.by);
    const cells = toChurnCells(rows, kinds, plan.calendar.ordinal(cutoff - 1));
    const ignored = options.observedUntil ? Number(r[ALIAS_PREFIX + "ignored"]) : 0;
    return finalizeChurn(cells, plan, { observedUntil, cutoff, ignored });
  });
}

/** The date columns as the queries read them; refuses columns that hold no dates. */
function churnColumns(call: EngineCall, columns: ColumnInfo[], plan: ChurnPlan): ChurnColumns {
  const { engine } = call;
  const column = (name: string, option: string): CohortColumns => {
    const type = columns.find((c) => c.name === name)?.type ?? "";
    const dateKind = engine.dateKind(type);
    if (!dateKind) {
      throw new CxOptionsError(
        `Option "${option}" names ${
          JSON.stringify(name)
        }, which has type ${type} in ${engine.name}; it must be a date or timestamp column`,
      );
    }
    return {
      customer: plan.customer,
      date: name,
      dateKind,
      dateZone: call.dateZone,
      dialect: engine.dialect,
    };
  };
  return {
    signup: column(plan.signupDate, "signupDate"),
    churn: column(plan.churnDate, "churnDate"),
    by: plan.by,
  };
}

/** The range query: problem counts, the last signup and churn instants, signups after the cut-off. */
function churnRange(
  from: SqlFrom,
  c: ChurnColumns,
  plan: ChurnPlan,
  observedUntil: Date | undefined,
): CompiledSql {
  const X = ALIAS_PREFIX, dialect = c.signup.dialect, ch = dialect === "clickhouse";
  const p = new Params(ch ? [] : from.params, dialect);
  const q = (name: string) => quoteIdent(name, dialect);
  const id = q(plan.customer), sig = q(plan.signupDate), churn = q(plan.churnDate);
  const instant = (col: CohortColumns, of?: string) =>
    ch ? clickhouseInstant(col, p, of) : instantSql(col, p, of);
  const ms = (x: string) =>
    ch
      ? `toInt64(${x}) * 1000`
      : dialect === "duckdb"
      ? `epoch_ms(${x})`
      : `floor(extract(epoch FROM ${x}) * 1000)`;
  const count = ch ? "count()" : "count(*)";
  const where = (condition: string) =>
    ch ? `countIf(${condition})` : `count(*) FILTER (WHERE ${condition})`;
  const distinct = ch ? `uniqExact(${id})` : `count(DISTINCT ${id})`;
  const present = (x: string) => ch ? `isNotNull(${x})` : `${x} IS NOT NULL`;
  const before = `${present(churn)} AND ${present(sig)} AND ${instant(c.churn)} < ${
    instant(c.signup)
  }`;
  const ignored = observedUntil
    ? where(`${present(sig)} AND ${signupBeyond(c, plan, p, observedUntil)}`)
    : "0";
  const measures = ["rows", "missing_ids", "repeated_ids", "missing_signups", "churn_before"];
  const sql = `SELECT ${count} AS ${X}rows,
  ${count} - count(${id}) AS ${X}missing_ids,
  count(${id}) - ${distinct} AS ${X}repeated_ids,
  ${count} - count(${sig}) AS ${X}missing_signups,
  ${where(before)} AS ${X}churn_before,
  ${ms(instant(c.signup, `max(${sig})`))} AS ${X}max_signup,
  ${ms(instant(c.churn, `max(${churn})`))} AS ${X}max_churn,
  ${ignored} AS ${X}ignored
FROM ${from.sql}`;
  const all = [...measures, "max_signup", "max_churn", "ignored"].map((m) => X + m);
  return { dialect, sql, params: p.values, keys: [], measures: all };
}

/** SQL: whether a customer's signup is on or after the local day after `observedUntil`. */
function signupBeyond(c: ChurnColumns, plan: ChurnPlan, p: Params, until: Date): string {
  if (c.signup.dialect === "clickhouse") {
    const { day } = clickhouseDays(c.signup, plan, p);
    return `${day} >= ${p.bind(plan.calendar.localDay(until.getTime()) + 1)}`;
  }
  return `${localSql(c.signup, plan, p)} >= CAST(${
    p.bind(cutoffWallTime(until, plan))
  } AS TIMESTAMP)`;
}

/** The last date of the range row; throws the problems it counted. */
function rangeMax(r: Record<string, unknown>, plan: ChurnPlan): number {
  const n = (name: string) => Number(r[ALIAS_PREFIX + name] ?? 0);
  const found: [string, number, string][] = [
    [plan.customer, n("missing_ids"), `${plan.customer} is missing; every customer needs one`],
    [
      plan.customer,
      n("repeated_ids"),
      "customers appear on more than one row; each customer must be one row",
    ],
    [
      plan.signupDate,
      n("missing_signups"),
      `${plan.signupDate} must be a date; every customer needs one`,
    ],
    [
      plan.churnDate,
      n("churn_before"),
      `${plan.churnDate} is before ${plan.signupDate}; a customer cannot churn before signing up`,
    ],
  ];
  const problems = found.filter(([, count]) => count > 0);
  if (problems.length) {
    throw new CxDataError(
      problems.map(([column, count, reason]) => ({
        row: null,
        column,
        value: null,
        reason: `${count} row(s): ${reason}`,
      })),
      problems.reduce((sum, [, count]) => sum + count, 0),
      "The customers cannot be placed in cohorts",
    );
  }
  const churn = r[ALIAS_PREFIX + "max_churn"];
  return Math.max(
    n("max_signup"),
    churn === null || churn === undefined ? -Infinity : Number(churn),
  );
}

/**
 * The counts query: customers per (segment, signup period, churn period
 * index), the index -1 for customers not churned by the cut-off; signups
 * after the cut-off left out.
 */
function churnCounts(
  from: SqlFrom,
  c: ChurnColumns,
  plan: ChurnPlan,
  observedUntil: Date,
): CompiledSql {
  const X = ALIAS_PREFIX, dialect = c.signup.dialect;
  const q = (name: string) => quoteIdent(name, dialect);
  const segs = plan.by.map((name, j) => `${q(name)} AS ${X}s${j}`);
  const keys = [...plan.by.map((_, j) => `${X}s${j}`), "cohort", "k"];
  const groups = keys.map((_, i) => i + 1).join(", ");
  const churn = q(plan.churnDate), sig = q(plan.signupDate);
  let sql: string, params: (string | number)[] = [];
  if (dialect === "clickhouse") {
    const p = new Params([], dialect);
    const s = clickhouseDays(c.signup, plan, p), z = clickhouseDays(c.churn, plan, p);
    const cut = p.bind(plan.calendar.localDay(observedUntil.getTime()) + 1);
    const k =
      `if(isNotNull(${churn}) AND ${z.day} < ${cut}, toInt64(${z.raw}) - toInt64(${s.raw}), toInt64(-1))`;
    sql = `SELECT ${
      [
        ...segs,
        `toInt64(${s.raw}) + ${p.bind(s.offset)} AS cohort`,
        `${k} AS k`,
        "count() AS customers",
      ].join(", ")
    }
FROM ${from.sql}
WHERE isNotNull(${sig}) AND ${s.day} < ${cut}
GROUP BY ${keys.join(", ")}`;
  } else {
    const p = new Params(from.params, dialect);
    const a = localSql(c.signup, plan, p), z = localSql(c.churn, plan, p);
    const cut = `CAST(${p.bind(cutoffWallTime(observedUntil, plan))} AS TIMESTAMP)`;
    const k = `CASE WHEN z < ${cut} THEN ${ordinalSql("z", plan, dialect)} - ${
      ordinalSql("a", plan, dialect)
    } ELSE -1 END`;
    sql = `SELECT ${
      [
        ...plan.by.map((_, j) => `s${j} AS ${X}s${j}`),
        `${ordinalSql("a", plan, dialect)} AS cohort`,
        `${k} AS k`,
        "count(*) AS customers",
      ].join(", ")
    }
FROM (SELECT ${
      [...plan.by.map((name, j) => `${q(name)} AS s${j}`), `${a} AS a`, `${z} AS z`].join(", ")
    } FROM ${from.sql}) AS ${X}c
WHERE a < ${cut}
GROUP BY ${groups}`;
    params = p.values;
  }
  return { dialect, sql, params, keys, measures: ["customers"] };
}

/** Rows of the counts query → cells per (segment, cohort) with churns per period index. */
function toChurnCells(
  rows: Record<string, unknown>[],
  kinds: ValueType[],
  lastOrdinal: number,
): ChurnCell[] {
  const cells = new Map<string, ChurnCell>();
  for (const row of rows) {
    const segment = kinds.map((kind, j) => plainKey(row[`${ALIAS_PREFIX}s${j}`], kind));
    const cohort = Number(row.cohort), key = JSON.stringify([segment, cohort]);
    let g = cells.get(key);
    if (!g) {
      g = { segment, cohort, size: 0, churned: new Array(lastOrdinal - cohort + 1).fill(0) };
      cells.set(key, g);
    }
    const k = Number(row.k), count = Number(row.customers);
    g.size += count;
    if (k >= 0) g.churned[k] += count;
  }
  return [...cells.values()];
}
