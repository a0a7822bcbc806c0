/**
 * The cohort cells query: which shape runs (bitset, ClickHouse states, or
 * here for DuckDB and PostgreSQL one row per distinct (customer, period)
 * joined to each customer's cohort), and the distinct shape itself.
 *
 * @module
 */
import { ALIAS_PREFIX, quoteIdent } from "../../../engine/compile/quote.ts";
import type { CompiledSql } from "../../../engine/compile/types.ts";
import type { RetentionPlan } from "../options.ts";
import { bitsetCells, clickhouseBitsetCells } from "./bitset.ts";
import { clickhouseCells } from "./clickhouse.ts";
import {
  cellColumns,
  type CohortColumns,
  localPeriods,
  localSql,
  ordinalSql,
  Params,
  signupAsDate,
  type SqlFrom,
} from "./common.ts";

/**
 * The cells query: rows `(kind, s0…, cohort, k, customers[, revenue,
 * capped][, changes])`. Without segments and revenue, when the observed
 * periods (`span`, calendar ordinals of the first event and the cut-off)
 * fit in a 64-bit word, the kernel's bitset (`bitset.ts`) — 5–6× faster on
 * 10M events; else ClickHouse's per-customer states (`clickhouse.ts`) or,
 * in DuckDB and PostgreSQL, the distinct shape below.
 */
export function compileCells(
  from: SqlFrom,
  c: CohortColumns,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
  span?: { first: number; last: number },
): CompiledSql {
  const bits = c.dialect === "postgres" ? 63 : 64; // PostgreSQL's bigint is signed
  const bitset = span && plan.by.length === 0 && plan.revenue === undefined && !c.signup &&
    Number.isSafeInteger(span.first) && Number.isSafeInteger(span.last) &&
    span.last - span.first < bits;
  if (c.dialect === "clickhouse") {
    return bitset
      ? clickhouseBitsetCells(from, c, plan, observedUntil, span!)
      : clickhouseCells(from, c, plan, observedUntil);
  }
  if (bitset) return bitsetCells(from, c, plan, observedUntil, span!);
  return distinctCells(from, c, plan, observedUntil);
}

/** A segment column: its name, its alias inside the query and its output name. */
interface Segment {
  name: string;
  s: string;
  out: string;
}

/**
 * DuckDB and PostgreSQL: `l` the events in the analysis zone; `e` one row
 * per (customer, period) — `SELECT DISTINCT` when that is all it needs,
 * else grouped with the period's revenue and the segment of its first event;
 * `g` per customer the cohort (first period), last period, period-0 revenue,
 * segment and whether their segment values differ. Kind 0 rows count active
 * customers per (segment, cohort, k) and sum revenue; kind 1 rows (unbounded
 * mode, or a signup column) the histogram of last periods.
 */
function distinctCells(
  from: SqlFrom,
  c: CohortColumns,
  plan: RetentionPlan,
  observedUntil: Date | undefined,
): CompiledSql {
  const p = new Params(from.params);
  const X = ALIAS_PREFIX, duck = c.dialect === "duckdb";
  const q = (name: string) => quoteIdent(name, c.dialect);
  const { local, cut, ordinal } = localPeriods(c, plan, p, observedUntil);
  const segs = plan.by.map((name, j): Segment => ({ name, s: `s${j}`, out: `${X}s${j}` }));
  const bySegments = segs.length > 0, revenue = plan.revenue !== undefined;
  // With a signup column the cohort is the signup's period (k = 0 may have no activity), so
  // cohort sizes come from the kind 1 rows (one per customer).
  const signup = c.signup !== undefined, withLast = plan.mode === "unbounded" || signup;
  const row = bySegments && c.row ? `, ${q(c.row)} AS r` : "";
  const lCols = [
    `${q(c.customer)} AS c`,
    `${local} AS l`,
    ...(signup ? [`${localSql(signupAsDate(c), plan, p)} AS a`] : []),
    ...segs.map((g) => `${q(g.name)} AS ${g.s}`),
    ...(revenue
      ? [`CAST(${q(plan.revenue!)} AS ${duck ? "DOUBLE" : "double precision"}) AS v`]
      : []),
  ].join(", ") + row;
  const signupOrdinal = ordinalSql("a", plan, c.dialect);
  const { ePer, gPer } = perCustomer(c, plan, segs, signupOrdinal);
  const e = ePer.length
    ? `SELECT c, ${ordinal} AS p, ${ePer.join(", ")} FROM ${X}l${cut} GROUP BY 1, 2`
    : `SELECT DISTINCT c, ${ordinal} AS p${
      signup ? `, ${signupOrdinal} AS ac` : ""
    } FROM ${X}l${cut}`;
  const g = `SELECT c, ${signup ? "min(ac)" : "min(p)"} AS cohort${
    signup && bySegments ? ", min(p) AS fp" : ""
  }${withLast ? ", max(p) AS last" : ""}${
    gPer.map((x) => ", " + x).join("")
  } FROM ${X}e GROUP BY c`;
  const segOut = (t: string) =>
    segs.map((s) =>
      duck ? `struct_extract(${t}s, '${s.s}') AS ${s.out}, ` : `${t}${s.s} AS ${s.out}, `
    ).join("");
  const groups = Array.from({ length: segs.length + 3 }, (_, i) => i + 1).join(", ");
  const sums = [
    ...(revenue ? ["sum(e.r) AS revenue", "sum(greatest(0, least(e.r, g.r0))) AS capped"] : []),
    ...(bySegments
      ? [`count(*) FILTER (WHERE e.p = g.${signup ? "fp" : "cohort"} AND g.changed) AS changes`]
      : []),
  ].map((x) => ", " + x).join("");
  const zeros = [...(revenue ? ["0", "0"] : []), ...(bySegments ? ["0"] : [])]
    .map((x) => ", " + x).join("");
  // No missing dates here: the range query has rejected them.
  const sql = `WITH ${X}l AS (
  SELECT ${lCols} FROM ${from.sql}
), ${X}e AS (
  ${e}
), ${X}g AS (
  ${g}
)
SELECT 0 AS kind, ${
    segOut("g.")
  }g.cohort AS cohort, e.p - g.cohort AS k, count(*) AS customers${sums}
FROM ${X}e AS e JOIN ${X}g AS g USING (c) GROUP BY ${groups}${
    withLast
      ? `
UNION ALL
SELECT 1 AS kind, ${segOut("")}cohort, last - cohort AS k, count(*) AS customers${zeros}
FROM ${X}g GROUP BY ${groups}`
      : ""
  }`;
  return { dialect: c.dialect, sql, params: p.values, ...cellColumns(plan) };
}

/**
 * The aggregates of `e` (per customer and period: signup period, revenue,
 * first segment, min/max/count per segment) and of `g` (per customer:
 * period-0 revenue, segment, whether segment values differ).
 */
function perCustomer(
  c: CohortColumns,
  plan: RetentionPlan,
  segs: Segment[],
  signupOrdinal: string,
): { ePer: string[]; gPer: string[] } {
  const duck = c.dialect === "duckdb", signup = c.signup !== undefined;
  const revenue = plan.revenue !== undefined, bySegments = segs.length > 0;
  // Comparable form of a segment (PostgreSQL has no min/max of booleans).
  const cmp = (j: number, s: string) => !duck && c.booleans?.[j] ? `CAST(${s} AS integer)` : s;
  const ePer: string[] = [];
  const gPer: string[] = [];
  if (signup && (revenue || bySegments)) ePer.push(`min(${signupOrdinal}) AS ac`);
  if (revenue) {
    ePer.push("coalesce(sum(v), 0) AS r");
    gPer.push(
      signup
        ? "coalesce(sum(CASE WHEN p = ac THEN r END), 0) AS r0"
        : duck
        ? "arg_min(r, p) AS r0"
        : "(array_agg(r ORDER BY p))[1] AS r0",
    );
  }
  if (!bySegments) return { ePer, gPer };
  const key = c.row ? "l, r" : "l";
  if (duck) {
    ePer.push(`arg_min({${segs.map((g) => `'${g.s}': ${g.s}`).join(", ")}}, (${key})) AS s`);
    gPer.push("arg_min(s, p) AS s");
  } else {
    const order = [key, ...segs.map((g) => g.s)].join(", ");
    for (const g of segs) {
      ePer.push(`(array_agg(${g.s} ORDER BY ${order}))[1] AS ${g.s}`);
      gPer.push(`(array_agg(${g.s} ORDER BY p))[1] AS ${g.s}`);
    }
  }
  // Mergeable "more than one value" per segment column: min ≠ max, or values and missing.
  segs.forEach((g, j) =>
    ePer.push(`min(${cmp(j, g.s)}) AS n${j}, max(${cmp(j, g.s)}) AS x${j}, count(${g.s}) AS c${j}`)
  );
  ePer.push("count(*) AS m");
  gPer.push(
    `(${
      segs.map((_, j) =>
        `coalesce(min(n${j}) <> max(x${j}), false) OR (sum(c${j}) > 0 AND sum(c${j}) < sum(m))`
      ).join(" OR ")
    }) AS changed`,
  );
  return { ePer, gPer };
}
