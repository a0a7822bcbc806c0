/**
 * The range query of cohort retention in DuckDB and PostgreSQL (ClickHouse:
 * `clickhouse.ts`): row count, missing ids and dates, the first and last
 * event, events after the cut-off, NaN revenue and signup-column checks, in
 * one pass; and the `CxDataError` its counts turn into.
 *
 * @module
 */
import { ALIAS_PREFIX, quoteIdent } from "../../../engine/compile/quote.ts";
import type { CompiledSql } from "../../../engine/compile/types.ts";
import { CxDataError } from "../../../errors.ts";
import type { RetentionPlan } from "../options.ts";
import { clickhouseRange } from "./clickhouse.ts";
import {
  type CohortColumns,
  cutoffWallTime,
  instantSql,
  localSql,
  Params,
  signupAsDate,
  type SqlFrom,
} from "./common.ts";

/**
 * The range query: one row of counts over the whole relation (see the
 * module doc); ClickHouse gets its own dialect's query.
 */
export function compileRange(
  from: SqlFrom,
  c: CohortColumns,
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
  const observed = () =>
    observedUntil
      ? ` AND ${localSql(c, plan, p)} < CAST(${
        p.bind(cutoffWallTime(observedUntil, plan))
      } AS TIMESTAMP)`
      : "";
  const ignored = observedUntil
    ? `count(*) FILTER (WHERE ${localSql(c, plan, p)} >= CAST(${
      p.bind(cutoffWallTime(observedUntil, plan))
    } AS TIMESTAMP))`
    : "0";
  let bad = "0";
  if (plan.revenue !== undefined) {
    const v = quoteIdent(plan.revenue, c.dialect);
    const nonFinite = c.dialect === "duckdb"
      ? `(isnan(CAST(${v} AS DOUBLE)) OR isinf(CAST(${v} AS DOUBLE)))`
      : `CAST(${v} AS double precision) IN ('NaN', 'Infinity', '-Infinity')`;
    bad = `count(*) FILTER (WHERE ${date} IS NOT NULL AND ${nonFinite}${observed()})`;
  }
  const X = ALIAS_PREFIX;
  let signupChecks = "";
  if (c.signup) {
    // Events before their signup, and customers with several signups (observed events only).
    const sc = signupAsDate(c), sig = quoteIdent(sc.date, c.dialect);
    const where = observedUntil
      ? ` WHERE ${localSql(c, plan, p)} < CAST(${
        p.bind(cutoffWallTime(observedUntil, plan))
      } AS TIMESTAMP)`
      : "";
    signupChecks = `,
  count(*) - count(${sig}) AS ${X}missing_signups,
  count(*) FILTER (WHERE ${instantSql(c, p)} < ${
      instantSql(sc, p)
    }${observed()}) AS ${X}before_signup,
  (SELECT count(*) FROM (SELECT ${id} FROM ${from.sql}${where} GROUP BY ${id}
    HAVING min(${sig}) <> max(${sig})) AS ${X}s) AS ${X}signup_changes`;
  }
  const measures = ["rows", "missing_ids", "missing_dates", "min_t", "max_t", "ignored"]
    .map((m) => X + m);
  const sql = `SELECT count(*) AS ${X}rows,
  count(*) - count(${id}) AS ${X}missing_ids,
  count(*) - count(${date}) AS ${X}missing_dates,
  ${ms(t("min"))} AS ${X}min_t,
  ${ms(t("max"))} AS ${X}max_t,
  ${ignored} AS ${X}ignored,
  ${bad} AS ${X}bad_revenue${signupChecks}
FROM ${from.sql}`;
  return {
    dialect: c.dialect,
    sql,
    params: p.values,
    keys: [],
    measures: [...measures, X + "bad_revenue"],
  };
}

/** What the range query found, once its counts show no problem. */
export interface RangeFacts {
  /** First and last event instants (epoch ms). */
  minT: number;
  maxT: number;
  /** Events after the cut-off of `observedUntil`. */
  ignored: number;
}

/**
 * Reads the range row; throws the `CxDataError` the in-memory kernel would
 * (with counts where it lists rows) when events are missing ids or dates,
 * revenue is NaN (`nanRevenue`: NaN values of a loaded table, which loading
 * made missing) or the signup column is missing, later than an event, or
 * changes within a customer.
 */
export function rangeFacts(
  r: Record<string, unknown>,
  plan: RetentionPlan,
  signupName: string,
  nanRevenue: number,
): RangeFacts {
  const X = ALIAS_PREFIX;
  const count = (name: string) => Number(r[X + name] ?? 0);
  if (count("rows") === 0) {
    throw new CxDataError(
      [{ row: null, column: null, value: null, reason: "the events table has no rows" }],
      1,
      "No events",
    );
  }
  const found: [column: string, count: number, reason: (n: number) => string][] = [
    [
      plan.customer,
      count("missing_ids"),
      (n) => `${plan.customer} is missing on ${n} event(s); every event needs one`,
    ],
    [
      plan.date,
      count("missing_dates"),
      (n) => `${plan.date} is missing on ${n} event(s); every event needs a date`,
    ],
    [
      plan.revenue ?? "",
      count("bad_revenue") + nanRevenue,
      (n) =>
        `${plan.revenue} is NaN or infinite on ${n} event(s); it must be a number (or empty for events without revenue)`,
    ],
    [
      signupName,
      count("missing_signups"),
      (n) => `${signupName} is missing on ${n} event(s); it must be a date`,
    ],
    [
      plan.date,
      count("before_signup"),
      (n) =>
        `${n} event(s) are before their customer's ${signupName}; fix the signup dates or drop the events`,
    ],
    [
      signupName,
      count("signup_changes"),
      (n) =>
        `${n} customer(s) have different ${signupName} values on different events; a customer's signup date must be the same on every event`,
    ],
  ];
  const problems = found.filter(([, n]) => n > 0);
  if (problems.length) {
    throw new CxDataError(
      problems.map(([column, n, reason]) => ({
        row: null,
        column,
        value: null,
        reason: reason(n),
      })),
      problems.reduce((sum, [, n]) => sum + n, 0),
      "The events cannot be placed in cohorts",
    );
  }
  return { minT: count("min_t"), maxT: count("max_t"), ignored: count("ignored") };
}
