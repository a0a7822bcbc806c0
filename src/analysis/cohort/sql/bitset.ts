/**
 * The bitset shape of the cohort cells query: without segments, revenue and
 * a signup column, when the observed periods fit in one 64-bit word, one
 * `GROUP BY customer` ORs a bit per active period (`bit_or` /
 * `groupBitOr`, like the in-memory kernel's bitset) — no DISTINCT over
 * (customer, period) pairs, no join.
 *
 * @module
 */
import { ALIAS_PREFIX, quoteIdent } from "../../../engine/compile/quote.ts";
import type { CompiledSql } from "../../../engine/compile/types.ts";
import type { RetentionPlan } from "../options.ts";
import { clickhouseDays } from "./clickhouse.ts";
import {
  cellColumns,
  type CohortColumns,
  cutoffDay,
  localPeriods,
  Params,
  type SqlFrom,
} from "./common.ts";

/** The cells from one bitset of active periods per customer (see {@link compileCells}). */
export function bitsetCells(
  from: SqlFrom,
  c: CohortColumns,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
  span: { first: number; last: number },
): CompiledSql {
  const p = new Params(from.params);
  const X = ALIAS_PREFIX, duck = c.dialect === "duckdb";
  const q = (name: string) => quoteIdent(name, c.dialect);
  const { local, cut, ordinal } = localPeriods(c, plan, p, observedUntil);
  const unbounded = plan.mode === "unbounded";
  const { first, last } = span; // integers computed here, not user text
  const word = duck ? "UBIGINT" : "bigint";
  const bit = (n: string) => `CAST(${n} AS ${duck ? "UBIGINT" : "integer"})`;
  const sql = `WITH ${X}l AS (
  SELECT ${q(c.customer)} AS c, ${local} AS l FROM ${from.sql}
), ${X}g AS (
  SELECT min(p) AS cohort${unbounded ? ", max(p) AS last" : ""},
    bit_or(CAST(1 AS ${word}) << ${bit(`p - ${first}`)}) AS mask
  FROM (SELECT c, ${ordinal} AS p FROM ${X}l${cut}) AS ${X}e GROUP BY c
)
SELECT 0 AS kind, cohort, k, count(*) AS customers
FROM ${X}g CROSS JOIN ${duck ? "range(0, " : "generate_series(0, "}${last - first}${
    duck ? " + 1" : ""
  }) AS ${X}r(k)
WHERE k <= ${last} - cohort AND ((mask >> ${bit(`cohort - ${first} + k`)}) & CAST(1 AS ${word})) = 1
GROUP BY 1, 2, 3${
    unbounded
      ? `
UNION ALL
SELECT 1 AS kind, cohort, last - cohort AS k, count(*) AS customers FROM ${X}g GROUP BY 1, 2, 3`
      : ""
  }`;
  return { dialect: c.dialect, sql, params: p.values, ...cellColumns(plan) };
}

/**
 * ClickHouse: one `groupBitOr` word of active periods per customer (merged
 * across shards), expanded with `ARRAY JOIN` over its set bits plus, in
 * unbounded mode, one more row standing for the customer's last period.
 * (An `ARRAY JOIN` over all period indices with a bit test was 2× slower.)
 */
export function clickhouseBitsetCells(
  from: SqlFrom,
  c: CohortColumns,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
  span: { first: number; last: number },
): CompiledSql {
  const p = new Params([], "clickhouse");
  const X = ALIAS_PREFIX;
  const id = quoteIdent(c.customer, "clickhouse"), date = quoteIdent(c.date, "clickhouse");
  const { day, raw, offset } = clickhouseDays(c, plan, p);
  const cut = observedUntil ? ` AND ${day} < ${p.bind(cutoffDay(observedUntil, plan))}` : "";
  const unbounded = plan.mode === "unbounded";
  const first = span.first - offset; // the native number of bit 0
  const b = `${X}b`, cohort = `toInt64(${X}cohort)`;
  // bitmaskToArray gives the set bits as powers of two (never 0: 0 stands for the last period).
  const k = `toInt64(round(log2(${b}))) + ${first} - ${cohort}`;
  const sql = `SELECT toUInt8(${b} = 0) AS kind, ${cohort} + ${p.bind(offset)} AS cohort,
  ${unbounded ? `if(${b} = 0, toInt64(${X}last) - ${cohort}, ${k})` : k} AS k,
  count() AS customers
FROM (
  SELECT min(${raw}) AS ${X}cohort${unbounded ? `, max(${raw}) AS ${X}last` : ""},
    groupBitOr(bitShiftLeft(toUInt64(1), toUInt64(toInt64(${raw}) - ${first}))) AS ${X}mask
  FROM ${from.sql}
  WHERE isNotNull(${date})${cut}
  GROUP BY ${id}
)
ARRAY JOIN ${
    unbounded ? `arrayPushBack(bitmaskToArray(${X}mask), toUInt64(0))` : `bitmaskToArray(${X}mask)`
  } AS ${b}
GROUP BY kind, cohort, k`;
  return { dialect: "clickhouse", sql, params: [], ...cellColumns(plan) };
}
