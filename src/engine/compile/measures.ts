/**
 * Measures and row conditions as SQL expressions: the sufficient statistics
 * of {@link Measure}, the conditions of `countWhere`, and the value checks
 * ({@link invalidCondition}).
 *
 * @module
 */
import { type Binder, doubleSql, quoteIdent } from "./quote.ts";
import type { Condition, DateKind, Dialect, Measure, ValueCheck, ValueType } from "./types.ts";

/** The source columns a condition reads. */
function conditionColumns(c: Condition): string[] {
  if (c.op === "not") return conditionColumns(c.of);
  if ("of" in c) return c.of.flatMap(conditionColumns);
  return "other" in c ? [c.column, c.other] : [c.column];
}

/** The source columns a measure reads. */
export function measureColumns(m: Measure): string[] {
  if (m.op === "rows") return [];
  if (m.op === "countWhere") return conditionColumns(m.where);
  const out = [m.column];
  if ("pairedWith" in m && m.pairedWith !== undefined) out.push(m.pairedWith);
  if ("other" in m) out.push(m.other);
  if ("weight" in m) out.push(m.weight);
  return out;
}

/** A {@link Condition} as SQL; ClickHouse reads values with `assumeNotNull` behind `isNotNull`. */
export function conditionSql(c: Condition, dialect: Dialect, b: Binder): string {
  const ch = dialect === "clickhouse";
  if (c.op === "not") return `(NOT ${conditionSql(c.of, dialect, b)})`;
  if ("of" in c) {
    if (c.of.length === 0) return c.op === "and" ? (ch ? "1" : "TRUE") : (ch ? "0" : "FALSE");
    return `(${c.of.map((x) => conditionSql(x, dialect, b)).join(` ${c.op.toUpperCase()} `)})`;
  }
  const s = quoteIdent(c.column, dialect);
  const present = (x: string) => ch ? `isNotNull(${x})` : `${x} IS NOT NULL`;
  const v = (x: string) => ch ? `assumeNotNull(${x})` : x;
  switch (c.op) {
    case "present":
      return present(s);
    case "missing":
      return ch ? `isNull(${s})` : `${s} IS NULL`;
    case "equals":
      return `(${present(s)} AND ${v(s)} = ${b.bind(c.value)})`;
    case "before":
    case "sameAs": {
      const o = quoteIdent(c.other, dialect);
      const cmp = c.op === "before" ? "<" : "=";
      return `(${present(s)} AND ${present(o)} AND ${v(s)} ${cmp} ${v(o)})`;
    }
    case "fails":
      return invalidCondition(c.column, c.check, c.type, dialect);
    case "wholeAtLeast": {
      const x = doubleSql(v(s), dialect);
      const inf = `CAST('Infinity' AS ${dialect === "postgres" ? "double precision" : "DOUBLE"})`;
      // NaN sorts above +Infinity in PostgreSQL and DuckDB, so `< Infinity` also rejects NaN.
      const finite = ch ? `isFinite(${x})` : `${x} < ${inf}`;
      return `(${present(s)} AND ${finite} AND ${x} >= ${b.bind(c.min)} AND ${x} = floor(${x}))`;
    }
  }
}

/** Milliseconds since the epoch of a date column's instant (local values read in `dateZone`). */
export function epochMsSql(
  column: string,
  kind: DateKind,
  zone: string,
  dialect: Dialect,
  b: Binder,
) {
  const col = quoteIdent(column, dialect);
  if (dialect === "clickhouse") {
    const instant = kind === "instant"
      ? col
      : `toDateTime(concat(toString(toDate(${col})), ' 00:00:00'), ${b.bind(zone)})`;
    return `toFloat64(toUnixTimestamp(${instant})) * 1000`;
  }
  if (dialect === "duckdb") {
    const instant = kind === "instant"
      ? col
      : `timezone(${b.bind(zone)}, CAST(${col} AS TIMESTAMP))`;
    return `CAST(epoch_ms(${instant}) AS DOUBLE)`;
  }
  const instant = kind === "instant"
    ? col
    : `(CAST(${col} AS timestamp) AT TIME ZONE ${b.bind(zone)})`;
  return `CAST(extract(epoch FROM ${instant}) * 1000 AS double precision)`;
}

export function measureSql(m: Measure, dialect: Dialect, b: Binder): string {
  if (m.op === "rows") return "count(*)";
  if (m.op === "countWhere") {
    const cond = conditionSql(m.where, dialect, b);
    return dialect === "clickhouse" ? `countIf(${cond})` : `count(*) FILTER (WHERE ${cond})`;
  }
  if (m.op === "countDistinct") return `count(DISTINCT ${quoteIdent(m.column, dialect)})`;
  if (m.op === "minInstant" || m.op === "maxInstant") {
    const fn = m.op === "minInstant" ? "min" : "max";
    return `${fn}(${epochMsSql(m.column, m.dateKind, m.dateZone, dialect, b)})`;
  }
  const s = quoteIdent(m.column, dialect);
  const ch = dialect === "clickhouse";
  const double = (x: string) => doubleSql(x, dialect);
  const countIf = (cond: string) => ch ? `countIf(${cond})` : `count(*) FILTER (WHERE ${cond})`;
  const zero = (x: string) => `${ch ? "ifNull" : "coalesce"}(${x}, 0)`;
  // ClickHouse: non-Nullable conditions (isNotNull), values read with assumeNotNull.
  const present = (c: string) => ch ? `isNotNull(${c})` : `${c} IS NOT NULL`;
  const paired = "pairedWith" in m && m.pairedWith !== undefined
    ? quoteIdent(m.pairedWith, dialect)
    : undefined;
  const both = (x: string, y: string) => `${present(x)} AND ${present(y)}`;
  /** An aggregate of `arg`, over the complete pairs when the measure is paired. */
  const nn = (c: string) => ch ? `assumeNotNull(${c})` : c;
  const agg = (fn: string, arg: (column: string) => string) =>
    paired === undefined
      ? `${fn}(${arg(s)})`
      : ch
      ? `${fn}If(${arg(nn(s))}, ${both(s, paired)})`
      : `${fn}(${arg(s)}) FILTER (WHERE ${paired} IS NOT NULL)`;
  /** The value as a double, less a bound shift. */
  const shifted = (x: string, shift: number | undefined) =>
    shift === undefined || shift === 0 ? double(x) : `(${double(x)} - ${double(b.bind(shift))})`;
  switch (m.op) {
    case "count":
      return paired === undefined ? `count(${s})` : countIf(both(s, paired));
    case "sum":
      return zero(agg("sum", (x) => shifted(x, m.shift)));
    case "sumSquares":
      return zero(agg("sum", (x) => `${shifted(x, m.shift)} * ${shifted(x, m.shift)}`));
    case "min":
    case "max":
      return agg(m.op, double);
    case "sumProducts": {
      const o = quoteIdent(m.other, dialect);
      const [k, l] = m.shifts ?? [0, 0];
      return ch
        ? zero(`sumIf(${shifted(nn(s), k)} * ${shifted(nn(o), l)}, ${both(s, o)})`)
        : zero(`sum(${shifted(s, k)} * ${shifted(o, l)})`);
    }
    case "countEvents":
      if (ch) return countIf(`${nn(s)} = 1`);
      return countIf(m.type === "boolean" ? s : `${s} = 1`);
    case "countFailing":
      return countIf(invalidCondition(m.column, m.check, m.type, dialect));
    case "sumWeighted": {
      const w = quoteIdent(m.weight, dialect);
      const x = double(nn(s));
      const term = [double(nn(w)), ...Array(m.power).fill(x)].join(" * ");
      const where = [
        both(s, w),
        ...(m.min === undefined ? [] : [`${nn(s)} >= ${b.bind(m.min)}`]),
        ...(m.max === undefined ? [] : [`${nn(s)} <= ${b.bind(m.max)}`]),
      ].join(" AND ");
      return zero(ch ? `sumIf(${term}, ${where})` : `sum(${term}) FILTER (WHERE ${where})`);
    }
    case "countBetween":
      return countIf(`${s} >= ${b.bind(m.min)} AND ${s} <= ${b.bind(m.max)}`);
    case "countInvalid": {
      // NULL comparisons are NULL, so missing scores are never counted.
      const bad = `${s} < ${b.bind(m.min)} OR ${s} > ${b.bind(m.max)} OR ${s} <> floor(${s})`;
      return countIf(ch ? `(${bad})` : `${s} IS NOT NULL AND (${bad})`);
    }
  }
}

/**
 * The SQL condition that is true for the rows whose `column` fails a
 * {@link ValueCheck}, given what the column holds. The column is quoted; no
 * value is bound.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { invalidCondition } from "./measures.ts";
 * assert.equal(invalidCondition("churned", "event", "boolean", "postgres"), '"churned" IS NULL');
 * assert.equal(invalidCondition("t", "time", "other", "duckdb"), "TRUE");
 * ```
 */
export function invalidCondition(
  column: string,
  check: ValueCheck,
  type: ValueType,
  dialect: Dialect,
): string {
  const s = quoteIdent(column, dialect);
  const ch = dialect === "clickhouse";
  const inf = `CAST('Infinity' AS ${dialect === "postgres" ? "double precision" : "DOUBLE"})`;
  if (check === "finite") {
    const present = ch ? `isNotNull(${s})` : `${s} IS NOT NULL`;
    if (type !== "number") return present;
    const x = doubleSql(ch ? `assumeNotNull(${s})` : s, dialect);
    // NaN sorts above +Infinity in PostgreSQL and DuckDB, so `< Infinity` also rejects NaN.
    return `(${present} AND NOT (${ch ? `isFinite(${x})` : `abs(${x}) < ${inf}`}))`;
  }
  // Text, dates, …: no value is a time or an event flag (as in memory, where "1" ≠ 1).
  if (type === "other" || (check === "time" && type === "boolean")) return ch ? "1" : "TRUE";
  const missing = ch ? `isNull(${s})` : `${s} IS NULL`;
  if (check === "event" && type === "boolean") return missing;
  const v = ch ? `assumeNotNull(${s})` : s;
  if (check === "event") return `(${missing} OR NOT (${v} IN (0, 1)))`;
  const x = doubleSql(v, dialect);
  const finite = ch ? `isFinite(${x})` : `${x} < ${inf}`;
  return `(${missing} OR NOT (${x} >= 0 AND ${finite}))`;
}
