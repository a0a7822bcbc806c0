/**
 * Cohort retention in ClickHouse 18.16 (no CTEs; a `Distributed` table
 * merges per-customer states across shards): the range query and the cells
 * query that keeps per customer the set of active periods, revenue per
 * period and the segment of the first event, expanded with `ARRAY JOIN`.
 * The bitset shape is in `bitset.ts`.
 *
 * @module
 */
import { ALIAS_PREFIX, quoteIdent } from "../../../engine/compile/quote.ts";
import type { CompiledSql } from "../../../engine/compile/types.ts";
import type { RetentionPlan } from "../options.ts";
import {
  cellColumns,
  type CohortColumns,
  cutoffDay,
  Params,
  type PeriodPlan,
  signupAsDate,
  type SqlFrom,
} from "./common.ts";

/**
 * ClickHouse: the local day number (days since 1970-01-01 in the zone) and
 * the period as a native unsigned number (`raw`, cheap to collect in a hash
 * set); the calendar ordinal is `raw + offset`.
 */
export function clickhouseDays(c: CohortColumns, plan: PeriodPlan, p: Params): {
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

/** ClickHouse: the instant of a (non-missing) date or timestamp column, or of `of` (e.g. `max(…)`). */
export function clickhouseInstant(c: CohortColumns, p: Params, of?: string): string {
  const col = of ?? `assumeNotNull(${quoteIdent(c.date, "clickhouse")})`;
  return c.dateKind === "instant"
    ? col
    : `toDateTime(concat(toString(toDate(${col})), ' 00:00:00'), ${p.bind(c.dateZone)})`;
}

export function clickhouseRange(
  from: SqlFrom,
  c: CohortColumns,
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
  const cut = observedUntil ? ` AND ${day} < ${p.bind(cutoffDay(observedUntil, plan))}` : "";
  const ignored = observedUntil
    ? `countIf(isNotNull(${date}) AND ${day} >= ${p.bind(cutoffDay(observedUntil, plan))})`
    : "0";
  let bad = "0";
  if (plan.revenue !== undefined) {
    const v = `toFloat64(${quoteIdent(plan.revenue, "clickhouse")})`;
    bad = `countIf(isNotNull(${date}) AND (isNaN(${v}) OR isInfinite(${v}))${cut})`;
  }
  let signupChecks = "";
  if (c.signup) {
    const sc = signupAsDate(c), sig = quoteIdent(sc.date, "clickhouse");
    signupChecks = `,
  countIf(isNull(${sig})) AS ${X}missing_signups,
  countIf(isNotNull(${date}) AND isNotNull(${sig}) AND ${clickhouseInstant(c, p)} < ${
      clickhouseInstant(sc, p)
    }${cut}) AS ${X}before_signup,
  (SELECT count() FROM (SELECT ${id} FROM ${from.sql} WHERE isNotNull(${date})${cut}
    GROUP BY ${id} HAVING min(${sig}) != max(${sig}))) AS ${X}signup_changes`;
  }
  const measures = ["rows", "missing_ids", "missing_dates", "min_t", "max_t", "ignored"]
    .map((m) => X + m);
  const sql = `SELECT count() AS ${X}rows,
  countIf(isNull(${id})) AS ${X}missing_ids,
  countIf(isNull(${date})) AS ${X}missing_dates,
  ${seconds("min")} * 1000 AS ${X}min_t,
  ${seconds("max")} * 1000 AS ${X}max_t,
  ${ignored} AS ${X}ignored,
  ${bad} AS ${X}bad_revenue${signupChecks}
FROM ${from.sql}`;
  return {
    dialect: "clickhouse",
    sql,
    params: [],
    keys: [],
    measures: [...measures, X + "bad_revenue"],
  };
}

/**
 * ClickHouse 18.16 (no CTEs; a `Distributed` table merges per-customer
 * states across shards): per customer the set of active periods, the
 * revenue per period (`sumMap`; a period summing to 0 drops out, which
 * counts as 0 anyway), the segment of the first event (`argMin` of a tuple,
 * so missing values are kept) and whether the segment values differ; then
 * one tuple per active period (plus one for the last, in unbounded mode),
 * expanded with `ARRAY JOIN` and counted.
 */
export function clickhouseCells(
  from: SqlFrom,
  c: CohortColumns,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
): CompiledSql {
  const p = new Params([], "clickhouse");
  const X = ALIAS_PREFIX;
  const q = (name: string) => quoteIdent(name, "clickhouse");
  const id = q(c.customer), date = q(c.date);
  const { day, raw, offset } = clickhouseDays(c, plan, p);
  const cut = observedUntil ? ` AND ${day} < ${p.bind(cutoffDay(observedUntil, plan))}` : "";
  const segs = plan.by.map(q);
  const revenue = plan.revenue !== undefined, bySegments = segs.length > 0;
  const signup = c.signup !== undefined;
  const inner = customerStates(c, plan, p, raw);
  // 18.16 drops subquery columns that only a lambda reads: no lambdas capture anything here.
  // Each customer row is expanded with ARRAY JOIN: one row per active period x, plus (unbounded)
  // a -1 row standing for the last period.
  // With a signup column the cohort is the signup's period and sizes come from the last rows.
  const unbounded = plan.mode === "unbounded" || signup;
  const x = `${X}x`, cohort = `${X}cohort`;
  const R = (at: string) =>
    `if(has(tupleElement(${X}rm, 1), ${at}), arrayElement(tupleElement(${X}rm, 2), indexOf(tupleElement(${X}rm, 1), ${at})), toFloat64(0))`;
  const lastRow = unbounded ? `${x} < 0` : "0";
  const middle = [
    `${signup ? `${X}ac` : `arrayReduce('min', ${X}ps)`} AS ${cohort}`,
    ...(signup && bySegments ? [`arrayReduce('min', ${X}ps) AS ${X}fp`] : []),
    ...(unbounded ? [`arrayReduce('max', ${X}ps) AS ${X}last`] : []),
    ...(revenue ? [`${X}rm`] : []),
    ...(bySegments ? [`${X}sg`, `${X}ch`] : []),
    `${X}ps`,
  ];
  const segOut = segs.map((_, j) =>
    `if(tupleElement(${X}sg, ${2 * j + 1}) = 1, NULL, tupleElement(${X}sg, ${
      2 * j + 2
    })) AS ${X}s${j}`
  );
  const outer = [
    `toUInt8(${lastRow}) AS kind`,
    ...segOut,
    `toInt64(${cohort}) + ${p.bind(offset)} AS cohort`,
    `${unbounded ? `if(${x} < 0, toInt64(${X}last), ${x})` : x} - toInt64(${cohort}) AS k`,
    "count() AS customers",
    ...(revenue
      ? [
        `sum(if(${lastRow}, toFloat64(0), ${R(x)})) AS revenue`,
        `sum(if(${lastRow}, toFloat64(0), greatest(toFloat64(0), least(${R(x)}, ${
          R(cohort)
        })))) AS capped`,
      ]
      : []),
    ...(bySegments
      ? [`sum(if(${x} = ${signup ? `${X}fp` : cohort}, toUInt64(${X}ch), 0)) AS changes`]
      : []),
  ];
  const expand = unbounded
    ? `arrayPushBack(arrayMap(y -> toInt64(y), ${X}ps), toInt64(-1))`
    : `arrayMap(y -> toInt64(y), ${X}ps)`;
  const { keys, measures } = cellColumns(plan);
  const sql = `SELECT ${outer.join(",\n  ")}
FROM (
  SELECT ${middle.join(",\n    ")}
  FROM (
    SELECT ${inner.join(",\n      ")}
    FROM ${from.sql}
    WHERE isNotNull(${date})${cut}
    GROUP BY ${id}
  )
)
ARRAY JOIN ${expand} AS ${x}
GROUP BY ${keys.join(", ")}`;
  return { dialect: "clickhouse", sql, params: [], keys, measures };
}

/**
 * Per customer (merged across shards): the set of active periods, the
 * signup's period, revenue per period, the segment of the first event and
 * whether segment values differ.
 */
function customerStates(c: CohortColumns, plan: RetentionPlan, p: Params, raw: string): string[] {
  const X = ALIAS_PREFIX;
  const q = (name: string) => quoteIdent(name, "clickhouse");
  const inner = [`groupUniqArray(${raw}) AS ${X}ps`];
  if (c.signup) inner.push(`min(${clickhouseDays(signupAsDate(c), plan, p).raw}) AS ${X}ac`);
  if (plan.revenue !== undefined) {
    inner.push(`sumMap([${raw}], [toFloat64(ifNull(${q(plan.revenue)}, 0))]) AS ${X}rm`);
  }
  const segs = plan.by.map(q);
  if (segs.length === 0) return inner;
  const instant = clickhouseInstant(c, p);
  const key = c.row ? `tuple(${instant}, assumeNotNull(${q(c.row)}))` : instant;
  // Missing values travel as (isNull, value): a merged tuple state turns NULL into "" or 0.
  const parts = segs.map((s) => `isNull(${s}), assumeNotNull(${s})`).join(", ");
  inner.push(`argMin(tuple(${parts}), ${key}) AS ${X}sg`);
  inner.push(
    `(${
      segs.map((s) =>
        `ifNull(min(${s}) != max(${s}), 0) OR (count(${s}) > 0 AND count(${s}) < count())`
      ).join(" OR ")
    }) AS ${X}ch`,
  );
  return inner;
}
