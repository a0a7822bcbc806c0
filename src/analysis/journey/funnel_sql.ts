/**
 * The aggregate step of {@link funnel} in an SQL engine: the customer
 * summary of `funnel_levels.ts`, grouped and counted, so only one row per
 * distinct (segment, level, window state, step times) comes back.
 *
 * - DuckDB, PostgreSQL, `order: "strict"`: window functions carry, per
 *   customer in (time, step) order, the latest start that has reached each
 *   step within the window (ClickHouse `windowFunnel`'s rule, one pass per
 *   step); the time of step j is the first row where that start reaches j.
 *   DuckDB with two or three steps does it in one window pass over the
 *   events instead (`oneWindowChains`: each step-2 row's latest start and
 *   next step 3, grouped per start; blank customers dropped once per
 *   customer at the end), 0.73× a hand-written range-join query computing the
 *   same summary on 10M events (bench/README.md).
 * - DuckDB, PostgreSQL, `order: "any"`: per start, the first occurrence of
 *   every step at or after it (one window pass), the best start by
 *   `row_number()`.
 * - ClickHouse (18.16 has no window functions; its `windowFunnel` gives
 *   levels but not step times, and takes equal timestamps in arrival
 *   order): the times of each step per customer as arrays, one row per
 *   start by `ARRAY JOIN`, each step's first occurrence by `arrayFilter`
 *   (distinct lambda parameter names: 18.16 confuses nested ones that share
 *   a name), the best start by `argMax` of one numeric key (18.16's argMax
 *   is not relied on to order tuples).
 *
 * @module
 */
import type { EngineCall } from "../../engine/dispatch.ts";
import { epochMsSql } from "../../engine/compile/measures.ts";
import { Binder, quoteIdent, relationSql } from "../../engine/compile/quote.ts";
import type { CompiledSql, Dialect } from "../../engine/compile/types.ts";
import type { ColumnInfo, SqlEngine } from "../../engine/engine.ts";
import { keyKinds, num, plainKey, withRelation } from "../../engine/source.ts";
import { CxOptionsError } from "../../errors.ts";
import { emptySummary, type FunnelPlan, type FunnelSummary } from "./funnel_levels.ts";

/** Runs the funnel's aggregate step in the call's engine. */
export async function funnelSummarySql(call: EngineCall, plan: FunnelPlan): Promise<FunnelSummary> {
  const needed = [plan.customer, plan.date, plan.step, ...plan.by];
  return await withRelation(
    call.engine,
    call.source,
    needed,
    { [plan.date]: "timestamp", [plan.step]: "text" },
    async (relation, columns) => {
      const cols = resolveColumns(call.engine, columns, plan, call.dateZone);
      const from = (b: Binder) => relationSql(relation, call.engine.dialect, b);
      const [range] = await call.log.run(rangeQuery(cols, plan, from));
      const until = plan.observedUntil ?? (range.until === null ? null : num(range.until));
      const summary = emptySummary(plan, until, {
        missing: num(range.missing),
        late: num(range.late),
      });
      if (until === null) return summary;
      const rows = await call.log.run(summaryQuery(cols, plan, from, until));
      const kinds = keyKinds(call.engine, columns, call.source.table, plan.by);
      const nullable = (v: unknown) => v === null || v === undefined ? null : num(v);
      for (const row of rows) {
        plan.by.forEach((_, b) => summary.keys[b].push(plainKey(row[`k${b}`], kinds[b])));
        summary.level.push(num(row.level));
        summary.open.push(num(row.open) === 1 || row.open === true);
        summary.gaps.forEach((g, i) => g.push(nullable(row[`g${i + 2}`])));
        summary.elapsed.push(nullable(row.elapsed));
        summary.customers.push(num(row.customers));
      }
      return summary;
    },
  );
}

/** The quoted columns and SQL fragments shared by the queries. */
interface Columns {
  dialect: Dialect;
  customer: string;
  step: string;
  by: string[];
  /** Epoch ms of the date column, given a binder for the zone. */
  ms(b: Binder): string;
}

function resolveColumns(
  engine: SqlEngine,
  columns: ColumnInfo[],
  plan: FunnelPlan,
  dateZone: string,
): Columns {
  const dialect = engine.dialect;
  const type = columns.find((c) => c.name === plan.date)?.type ?? "";
  const kind = engine.dateKind(type);
  if (!kind) {
    throw new CxOptionsError(
      `funnel: column ${
        JSON.stringify(plan.date)
      } has type ${type} in ${engine.name}; the date option needs a date or timestamp column`,
    );
  }
  const q = (name: string) => quoteIdent(name, dialect);
  // ClickHouse: a Nullable(DateTime) gives a Nullable number; the queries read it where present.
  const ms = (b: Binder) => {
    const sql = epochMsSql(plan.date, kind, dateZone, dialect, b);
    return dialect === "clickhouse" ? `assumeNotNull(${sql})` : sql;
  };
  return { dialect, customer: q(plan.customer), step: q(plan.step), by: plan.by.map(q), ms };
}

/** `IN (…)` of the steps, and `CASE … END` numbering them 1…k. */
function stepSql(c: Columns, plan: FunnelPlan, b: Binder): { isStep: string; number: string } {
  const values = plan.steps.map((s) => b.bind(s));
  const step = c.dialect === "clickhouse" ? `assumeNotNull(${c.step})` : c.step;
  return {
    isStep: `${c.step} IN (${values.join(", ")})`,
    number: `CASE ${values.map((v, i) => `WHEN ${step} = ${v} THEN ${i + 1}`).join(" ")} END`,
  };
}

/** Whether a customer id is present: not null and not blank text. */
function present(c: Columns, column: string): string {
  if (c.dialect === "clickhouse") {
    return `(isNotNull(${column}) AND NOT match(toString(assumeNotNull(${column})), '^\\\\s*$'))`;
  }
  if (c.dialect === "postgres") {
    return `(${column} IS NOT NULL AND trim(CAST(${column} AS text)) <> '')`;
  }
  // DuckDB evaluates AND on every row but CASE only on the rows its branch selects: an id
  // starting with printable ASCII other than a space is never blank, so `trim` (which strips
  // Unicode spaces too) runs only on the rest. 0.6× the range query's CPU at 2M events.
  const text = `CAST(${column} AS VARCHAR)`;
  return `(${column} IS NOT NULL AND CASE WHEN ascii(${text}) BETWEEN 33 AND 126 THEN true ELSE trim(${text}) <> '' END)`;
}

/** The data's end (latest date of any row), funnel events without customer or date, and late ones. */
function rangeQuery(c: Columns, plan: FunnelPlan, from: (b: Binder) => string): CompiledSql {
  const b = new Binder(c.dialect);
  const ms = c.ms(b);
  const date = quoteIdent(plan.date, c.dialect);
  const ch = c.dialect === "clickhouse";
  const dated = ch ? `isNotNull(${date})` : `${date} IS NOT NULL`;
  const { isStep } = stepSql(c, plan, b);
  const valid = `${dated} AND ${present(c, c.customer)}`;
  const countIf = (cond: string) => ch ? `countIf(${cond})` : `count(*) FILTER (WHERE ${cond})`;
  const late = plan.observedUntil === undefined
    ? "0"
    : countIf(`${isStep} AND ${valid} AND ${ms} > ${b.bind(plan.observedUntil)}`);
  const until = ch ? `if(${dated}, ${ms}, NULL)` : `CASE WHEN ${dated} THEN ${ms} END`;
  const sql = `SELECT max(${until}) AS until, ${
    countIf(`${isStep} AND NOT (${valid})`)
  } AS missing, ${late} AS late FROM ${from(b)}`;
  return {
    dialect: c.dialect,
    sql,
    params: b.params,
    keys: [],
    measures: ["until", "missing", "late"],
  };
}

function summaryQuery(
  c: Columns,
  plan: FunnelPlan,
  from: (b: Binder) => string,
  until: number,
): CompiledSql {
  const b = new Binder(c.dialect);
  const k = plan.steps.length;
  const { isStep, number } = stepSql(c, plan, b);
  const keys = c.by.map((col, i) => `${col} AS k${i}`);
  const date = quoteIdent(plan.date, c.dialect);
  const ch = c.dialect === "clickhouse";
  const dated = ch ? `isNotNull(${date})` : `${date} IS NOT NULL`;
  // One window pass (DuckDB, strict, 2–3 steps) tests for blank customers once per customer
  // on its output: each customer is its own partition, so blank ids never mix with others.
  const oneWindow = !ch && plan.order === "strict" && c.dialect === "duckdb" && k >= 2 && k <= 3;
  // `until` is the latest date of any row unless observedUntil is given: then no event is later.
  const where = [
    isStep,
    dated,
    ...(oneWindow ? [] : [present(c, c.customer)]),
    ...(plan.observedUntil === undefined ? [] : [`${c.ms(b)} <= ${b.bind(until)}`]),
  ];
  const events =
    `SELECT ${[...keys, `${c.customer} AS c`, `${c.ms(b)} AS t`, `${number} AS j`].join(", ")}\n` +
    `  FROM ${from(b)}\n  WHERE ${where.join(" AND ")}`;
  const w = b.bind(plan.windowMs), u = b.bind(until);
  const chains = ch
    ? clickhouseChains(plan, events, w)
    : oneWindow
    ? oneWindowChains(plan, events, w, present(c, "c"))
    : plan.order === "strict"
    ? strictChains(plan, events, w)
    : anyChains(plan, events, w);
  const groupKeys = [...plan.by.map((_, i) => `k${i}`)];
  const t = (j: number) => j === 1 ? "best" : `t${j}`;
  const tLevel = `CASE ${
    Array.from({ length: k }, (_, i) => `WHEN level = ${i + 1} THEN ${t(i + 1)}`).join(" ")
  } END`;
  const open = `best + ${w} > ${u}`;
  const items = [
    ...groupKeys,
    "level",
    ch ? `toUInt8(${open}) AS open` : `CASE WHEN ${open} THEN 1 ELSE 0 END AS open`,
    ...Array.from(
      { length: k - 1 },
      (_, i) => `CASE WHEN level >= ${i + 2} THEN ${t(i + 2)} - ${t(i + 1)} END AS g${i + 2}`,
    ),
    `CASE WHEN ${open} AND level < ${k} THEN ${u} - ${tLevel} END AS elapsed`,
  ];
  const outs = [
    ...groupKeys,
    "level",
    "open",
    ...Array.from({ length: k - 1 }, (_, i) => `g${i + 2}`),
    "elapsed",
  ];
  const sql = `SELECT ${outs.join(", ")}, count(*) AS customers\nFROM (SELECT ${
    items.join(", ")
  } FROM (\n${chains}\n) AS ch) AS s\nGROUP BY ${outs.join(", ")}`;
  return { dialect: c.dialect, sql, params: b.params, keys: groupKeys, measures: ["customers"] };
}

/** Partition of one customer (segment keys and id). */
function partition(plan: FunnelPlan): string {
  return [...plan.by.map((_, i) => `k${i}`), "c"].join(", ");
}

/** `[k…, c, level, best, t2…tk]` per customer: the DP over steps (DuckDB, PostgreSQL, strict). */
function strictChains(plan: FunnelPlan, events: string, w: string): string {
  const k = plan.steps.length, p = partition(plan);
  const frame = `PARTITION BY ${p} ORDER BY t, j ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
  let body =
    `SELECT *, max(CASE WHEN j = 1 THEN t END) OVER (${frame}) AS l1 FROM (${events}) AS e`;
  for (let j = 2; j <= k; j++) {
    body =
      `SELECT *, max(CASE WHEN j = ${j} AND t - l${j - 1} <= ${w} THEN l${
        j - 1
      } END) OVER (${frame}) AS l${j}\n` +
      `FROM (${body}) AS d${j}`;
  }
  const whole = `PARTITION BY ${p}`;
  const levels = Array.from({ length: k }, (_, i) => k - i);
  // Each step's final latest start per customer, once (one window operator), then level and best.
  const finals = levels.map((j) => `max(l${j}) OVER (${whole}) AS m${j}`).join(", ");
  const level = `CASE ${levels.map((j) => `WHEN m${j} IS NOT NULL THEN ${j}`).join(" ")} END`;
  const best = `coalesce(${levels.map((j) => `m${j}`).join(", ")})`;
  const times = Array.from(
    { length: k - 1 },
    (_, i) => `min(CASE WHEN l${i + 2} = best THEN t END) AS t${i + 2}`,
  );
  return `SELECT ${p}, max(level) AS level, max(best) AS best${
    times.map((x) => `, ${x}`).join("")
  }\n` +
    `FROM (SELECT *, ${level} AS level, ${best} AS best FROM (SELECT *, ${finals} FROM (${body}) AS d) AS m) AS f\n` +
    `WHERE best IS NOT NULL\nGROUP BY ${p}`;
}

/**
 * `[k…, c, level, best, t2, t3]` per customer in DuckDB, strict order, two
 * or three steps, in one window pass: on every row, the latest step-1 time
 * up to it (its start s) and the first step-3 time from it on. The starts
 * worth keeping are those latest starts on step-2 rows: an earlier start
 * with the same next step 2 has the same chain and less time left. Per
 * (customer, s) the first step-2 row after s is the chain's step 2 and its
 * next step 3 the chain's step 3 (both the minimum over the group, as the
 * next step 3 only grows along the rows). The customer's last row carries
 * its latest step 1, so a customer without a step 2 after any start still
 * has a group (level 1) without a second scan of the events. The best
 * start by `arg_max` of (level, s); `keep` (the blank-customer test) runs
 * once per customer on the grouped rows.
 */
function oneWindowChains(plan: FunnelPlan, events: string, w: string, keep: string): string {
  const k = plan.steps.length, p = partition(plan);
  const order = `PARTITION BY ${p} ORDER BY t, j`;
  // last_value/first_value IGNORE NULLS: 0.7× the CPU of the same max/min FILTER frames.
  const next3 = k === 3
    ? `, first_value(CASE WHEN j = 3 THEN t END IGNORE NULLS) OVER (${order} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS n3`
    : "";
  const within = (r: string) => `CASE WHEN ${r} - s <= ${w} THEN 1 ELSE 0 END`;
  const rs = k === 3 ? ["r2", "r3"] : ["r2"];
  const key = "{'l': lev, 's': s}";
  return `WITH x AS (SELECT *, last_value(CASE WHEN j = 1 THEN t END IGNORE NULLS) OVER (${order} ` +
    `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS lv${next3}, ` +
    `lead(j) OVER (${order}) IS NULL AS last FROM (${events}) AS e),\n` +
    `s AS (SELECT ${p}, lv AS s, min(t) FILTER (WHERE j = 2) AS r2${
      k === 3 ? ", min(n3) FILTER (WHERE j = 2) AS r3" : ""
    } ` +
    `FROM x WHERE lv IS NOT NULL AND (j = 2 OR last) GROUP BY ${p}, lv),\n` +
    `u AS (SELECT *, 1 + ${rs.map(within).join(" + ")} AS lev FROM s)\n` +
    `SELECT ${p}, max(lev) AS level, arg_max(s, ${key}) AS best${
      rs.map((r, i) => `, arg_max(${r}, ${key}) AS t${i + 2}`).join("")
    }\nFROM u GROUP BY ${p} HAVING ${keep}`;
}

/** Per customer chains for `order: "any"` (DuckDB, PostgreSQL). */
function anyChains(plan: FunnelPlan, events: string, w: string): string {
  const k = plan.steps.length, p = partition(plan);
  const frame = `PARTITION BY ${p} ORDER BY t, j ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING`;
  const firsts = Array.from(
    { length: k - 1 },
    (_, i) => `min(CASE WHEN j = ${i + 2} THEN t END) OVER (${frame}) AS f${i + 2}`,
  );
  const reach = (j: number) => {
    const fs = Array.from({ length: j - 1 }, (_, i) => `f${i + 2}`);
    return j === 2
      ? "f2"
      : `CASE WHEN ${fs.map((f) => `${f} IS NULL`).join(" OR ")} THEN NULL ELSE greatest(${
        fs.join(", ")
      }) END`;
  };
  const cs = Array.from({ length: k - 1 }, (_, i) => `${reach(i + 2)} AS r${i + 2}`);
  const lev = [
    "1",
    ...Array.from({ length: k - 1 }, (_, i) => `CASE WHEN r${i + 2} - t <= ${w} THEN 1 ELSE 0 END`),
  ]
    .join(" + ");
  const starts = `SELECT ${p}, t${cs.map((x) => `, ${x}`).join("")} FROM (SELECT *${
    firsts.map((x) => `, ${x}`).join("")
  } FROM (${events}) AS e) AS n WHERE j = 1`;
  const ranked =
    `SELECT *, row_number() OVER (PARTITION BY ${p} ORDER BY lev DESC, t DESC) AS rn\n` +
    `FROM (SELECT *, ${lev} AS lev FROM (${starts}) AS s) AS l`;
  const times = Array.from(
    { length: k - 1 },
    (_, i) => `CASE WHEN lev >= ${i + 2} THEN r${i + 2} END AS t${i + 2}`,
  );
  return `SELECT ${p}, lev AS level, t AS best${
    times.map((x) => `, ${x}`).join("")
  }\nFROM (${ranked}) AS r WHERE rn = 1`;
}

/** Per customer chains in ClickHouse: arrays per step, one row per start, `argMax` by level and start. */
function clickhouseChains(plan: FunnelPlan, events: string, w: string): string {
  const k = plan.steps.length, p = partition(plan);
  const big = "1e300"; // "no such event": later than any instant
  const arrays = Array.from({ length: k }, (_, i) => `groupArrayIf(t, j = ${i + 1}) AS a${i + 1}`);
  const first = (j: number, after: string) =>
    `arrayReduce('min', arrayConcat(arrayFilter(x${j} -> x${j} >= ${after}, a${j}), [${big}]))`;
  const steps = Array.from({ length: k - 1 }, (_, i) => {
    const j = i + 2;
    if (plan.order === "strict") return `${first(j, j === 2 ? "s" : `r${j - 1}`)} AS r${j}`;
    return j === 2 ? `${first(2, "s")} AS r2` : `greatest(r${j - 1}, ${first(j, "s")}) AS r${j}`;
  });
  const lev = ["1", ...Array.from({ length: k - 1 }, (_, i) => `(r${i + 2} - s <= ${w})`)].join(
    " + ",
  );
  const perStart =
    `SELECT ${p}, s${steps.map((x) => `, ${x}`).join("")}, toUInt32(${lev}) AS lev\n` +
    `FROM (SELECT ${p}, ${arrays.join(", ")} FROM (${events}) GROUP BY ${p})\nARRAY JOIN a1 AS s`;
  // The best start, (level, start) largest, as one exact number: ClickHouse 18.16's argMax
  // does not order tuples. Starts are DateTime instants, 0 ≤ ms < 2^42 (1970–2106).
  const key = `toFloat64(lev) * 4398046511104 + s`;
  const times = Array.from({ length: k - 1 }, (_, i) => `argMax(r${i + 2}, ${key}) AS t${i + 2}`);
  return `SELECT ${p}, max(lev) AS level, argMax(s, ${key}) AS best${
    times.map((x) => `, ${x}`).join("")
  }\n` +
    `FROM (${perStart})\nGROUP BY ${p}`;
}
