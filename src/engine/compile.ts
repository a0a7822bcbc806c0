/**
 * One aggregate description, compiled per SQL dialect. A description names
 * the relation, the group keys, an optional period bucket (local calendar
 * periods in an IANA zone) and the sufficient statistics to compute; the
 * compiler quotes every identifier and binds every value, so column names,
 * labels and time zones never become SQL text.
 *
 * DuckDB and PostgreSQL get positional parameters (`$1`, `$2`, …).
 * ClickHouse 18.16 has no query parameters (`{name:Type}` arrived in 19.x),
 * so its values are written as escaped literals by the same binder.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import type { Period } from "../time/period.ts";

import type { CompiledSql, Dialect } from "../meta.ts";
export type { CompiledSql, Dialect } from "../meta.ts";

/** What an aggregate reads: a table on the server, or a file DuckDB scans. */
export type Relation =
  | { kind: "table"; name: string; schema?: string }
  | { kind: "file"; path: string; format: "csv" | "parquet" };

/**
 * How a date column's values map to instants: `"instant"` (timestamp with
 * time zone, ClickHouse `DateTime`) or `"local"` (date or zone-less
 * timestamp, read as wall time in the bucket's `dateZone`).
 */
export type DateKind = "instant" | "local";

/** Calendar periods cut at local midnight in `timeZone`. */
export interface PeriodBucket {
  /** Date column. */
  column: string;
  /** Period length. */
  period: Period;
  /** IANA zone the periods are cut in. */
  timeZone: string;
  /** How the column's values are read. */
  dateKind: DateKind;
  /** Zone of zone-less values (`dateKind: "local"`), like readCsv's `timeZone`. */
  dateZone: string;
}

/**
 * What a column holds as the engine types it, for measures whose SQL
 * depends on it: numbers, booleans, or anything else (text, dates).
 */
export type ValueType = "number" | "boolean" | "other";

/**
 * Value checks as SQL conditions ({@link invalidCondition}), each failing
 * what the in-memory check rejects. Survival data: `"time"` — missing,
 * negative or not finite (NaN, ±Infinity), or not a number at all;
 * `"event"` — missing, or not 0/1 (numbers) or true/false (booleans), or not
 * a number or boolean at all. Correlations: `"finite"` — present but not a
 * finite number (±Infinity, NaN, or any value of a non-numeric column).
 */
export type ValueCheck = "time" | "event" | "finite";

/**
 * One sufficient statistic per group.
 *
 * - `rows`: rows of the group; `count`: present values of `column`.
 * - `sum`, `sumSquares`: Σx and Σx² of the present values (0 when none);
 *   with `shift` K, Σ(x − K) and Σ(x − K)².
 * - `min`, `max`: of the present values as doubles (`null` when none).
 * - `countBetween`, `countInvalid`: values within `[min, max]`; values that are
 *   not integers within it (scores).
 * - `pairedWith` (on `count`, `sum`, `sumSquares`, `min`, `max`): only rows
 *   where that column is present too — the complete pairs of a correlation.
 * - `sumProducts`: Σx·y over the rows where both are present (0 when none);
 *   with `shifts` [K, L], Σ(x − K)(y − L).
 *
 * Shifted sums are how co-moments stay exact: with K near the mean,
 * Σ(x − x̄)² = Σ(x − K)² − (Σ(x − K))²/n loses no digits to cancellation
 * (raw Σx² − (Σx)²/n loses about 2·log10(mean/spread) of its 16), and x − K
 * itself is exact when x and K are within a factor of two (Sterbenz).
 * - `countEvents`: rows whose `column` is 1 (numbers) or true (booleans).
 * - `countFailing`: rows that fail a {@link ValueCheck} of `column`.
 */
export type Measure =
  | { name: string; op: "rows" }
  | { name: string; op: "count" | "min" | "max"; column: string; pairedWith?: string }
  | {
    name: string;
    op: "sum" | "sumSquares";
    column: string;
    pairedWith?: string;
    shift?: number;
  }
  | { name: string; op: "countBetween" | "countInvalid"; column: string; min: number; max: number }
  | {
    name: string;
    op: "sumProducts";
    column: string;
    other: string;
    shifts?: [number, number];
  }
  | { name: string; op: "countEvents"; column: string; type: "number" | "boolean" }
  | { name: string; op: "countFailing"; column: string; check: ValueCheck; type: ValueType }
  | { name: string; op: "countWhere"; where: Condition }
  | { name: string; op: "countDistinct"; column: string }
  | {
    name: string;
    op: "minInstant" | "maxInstant";
    column: string;
    dateKind: DateKind;
    dateZone: string;
  };

/**
 * A row condition for `countWhere` measures, compiled with quoted columns
 * and bound values; a missing value never satisfies a comparison.
 *
 * - `present` / `missing`: the column holds a value / is NULL.
 * - `equals`: the column equals a number.
 * - `before`: both columns hold values and `column < other` (dates).
 * - `sameAs`: both columns hold values and they are equal.
 * - `wholeAtLeast`: the column holds a finite whole number ≥ `min`.
 * - `and`, `or`, `not`: combinations.
 */
export type Condition =
  | { op: "present" | "missing"; column: string }
  | { op: "equals"; column: string; value: number }
  | { op: "before" | "sameAs"; column: string; other: string }
  | { op: "wholeAtLeast"; column: string; min: number }
  | { op: "and" | "or"; of: Condition[] }
  | { op: "not"; of: Condition };

/** An aggregate described once, compiled per dialect by {@link compileAggregate}. */
export interface AggregateSpec {
  /** What to read. */
  relation: Relation;
  /** Segment columns. */
  by: string[];
  /** Optional period bucket (a `period` label column is added after the keys). */
  period?: PeriodBucket;
  /** Statistics, output under their `name`. */
  measures: Measure[];
}

/** Prefix of every output alias; source columns may not start with it. */
export const ALIAS_PREFIX = "__cx_";

/**
 * Compiles an aggregate description to one dialect. Output columns have
 * internal aliases (`__cx_k0…` for segments, `__cx_period` for cxkit's
 * period labels `2024-03`, `2024-W09`, `2024-Q1`, `2024-03-05`, `2024`,
 * `__cx_m0…` for measures), so no source name can collide with them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileAggregate } from "./compile.ts";
 * const { sql, params } = compileAggregate({
 *   relation: { kind: "table", name: 'x"; DROP TABLE t; --' },
 *   by: ["channel"],
 *   measures: [{ name: "n", op: "count", column: "nps_score" }],
 * }, "postgres");
 * assert.ok(sql.includes('FROM "x""; DROP TABLE t; --"') && params.length === 0);
 * ```
 */
export function compileAggregate(spec: AggregateSpec, dialect: Dialect): CompiledSql {
  const b = new Binder(dialect);
  const used = [...spec.by, ...(spec.period ? [spec.period.column] : [])]
    .concat(spec.measures.flatMap(measureColumns));
  const clash = used.find((c) => c.startsWith(ALIAS_PREFIX));
  if (clash !== undefined) {
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(clash)
      } starts with "${ALIAS_PREFIX}", which cxkit reserves for its SQL aliases; rename it`,
    );
  }
  const keys = spec.by.map((_, i) => `${ALIAS_PREFIX}k${i}`);
  const names = spec.measures.map((_, i) => `${ALIAS_PREFIX}m${i}`);
  const keyItems = spec.by.map((c, i) => `${quoteIdent(c, dialect)} AS ${keys[i]}`);
  // Bound in text order, so $1, $2, … read top to bottom.
  const bucket = spec.period ? bucketSql(spec.period, dialect, b) : "";
  const measures = spec.measures.map((m, i) => `${measureSql(m, dialect, b)} AS ${names[i]}`);
  const P = `${ALIAS_PREFIX}p`, PERIOD = `${ALIAS_PREFIX}period`;
  const from = relationSql(spec.relation, dialect, b);
  const groupBy = (items: number) =>
    items === 0
      ? ""
      : `\nGROUP BY ${
        dialect === "clickhouse"
          ? [...keys, ...(spec.period ? [P] : [])].join(", ")
          : Array.from({ length: items }, (_, i) => i + 1).join(", ")
      }`;
  if (!spec.period) {
    const sql = `SELECT ${[...keyItems, ...measures].join(",\n  ")}\nFROM ${from}${
      groupBy(keys.length)
    }`;
    return { dialect, sql, params: b.params, keys, measures: names };
  }
  const inner = `SELECT ${
    [...keyItems, `${bucket} AS ${P}`, ...measures].join(",\n    ")
  }\n  FROM ${from}${groupBy(keys.length + 1).replace("\n", "\n  ")}`;
  const outer = [...keys, `${labelSql(P, spec.period.period, dialect)} AS ${PERIOD}`, ...names];
  const sql = `SELECT ${outer.join(", ")}\nFROM (\n  ${inner}\n) AS ${ALIAS_PREFIX}agg`;
  return { dialect, sql, params: b.params, keys, measures: names, period: PERIOD };
}

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
 * import { compileLabelCounts } from "./compile.ts";
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
  const clash = used.find((c) => c.startsWith(ALIAS_PREFIX));
  if (clash !== undefined) {
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(clash)
      } starts with "${ALIAS_PREFIX}", which cxkit reserves for its SQL aliases; rename it`,
    );
  }
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

/**
 * The period label of a date column, NULL when the value is missing or (with
 * `before`, a day label) its local day is not before `before`.
 */
function observedLabelSql(
  bucket: PeriodBucket,
  before: string | undefined,
  dialect: Dialect,
  b: Binder,
): string {
  const ch = dialect === "clickhouse";
  const col = quoteIdent(bucket.column, dialect);
  const value = ch ? `assumeNotNull(${col})` : col;
  const present = ch ? `isNotNull(${col})` : `${col} IS NOT NULL`;
  // Bound in text order, so $1, $2, … read top to bottom.
  let cond = present;
  if (before !== undefined) {
    const day = labelSql(
      bucketExpr(value, { ...bucket, period: "day" }, dialect, b),
      "day",
      dialect,
    );
    cond = `${present} AND ${day} < ${b.bind(before)}`;
  }
  const label = labelSql(bucketExpr(value, bucket, dialect, b), bucket.period, dialect);
  return ch ? `if(${cond}, ${label}, NULL)` : `CASE WHEN ${cond} THEN ${label} END`;
}

/** The referral pairs of a customers relation; see {@link compileReferralPairs}. */
export interface ReferralPairSpec {
  /** What to read. */
  relation: Relation;
  /** Segment columns. */
  by: string[];
  /** Customer id column. */
  id: string;
  /** Column naming the referrer's id (missing or `''`: not referred). */
  referredBy: string;
  /** Signup date column, its period and the cut-off day. */
  signup: { bucket: PeriodBucket; before: string };
  /** Churn date column, its period and the cut-off day. */
  churn: { bucket: PeriodBucket; before: string };
}

/**
 * Compiles a {@link ReferralPairSpec}: the referred customers (those with a
 * `referredBy`) joined to their referrer by id, counted per segment and
 * signup period label of the referred customer, whether the referrer was
 * found, the referrer's segment, signup and churn period labels, and the
 * referrer's id. `keys` are, in order: the segment aliases (`by.length`),
 * the signup label, the found flag (1/0), the referrer's segment aliases,
 * the referrer's signup and churn labels and the referrer's id; `measures`
 * the count. Whether the referrer was active is decided from the labels by
 * the caller. ClickHouse joins with `GLOBAL ANY LEFT JOIN … USING`, so a
 * `Distributed` table is joined against all its shards (ids are unique).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileReferralPairs } from "./compile.ts";
 * const bucket = (column: string) => ({
 *   column, period: "month" as const, timeZone: "UTC", dateKind: "local" as const, dateZone: "UTC",
 * });
 * const q = compileReferralPairs({
 *   relation: { kind: "table", name: "customers" },
 *   by: ["plan"],
 *   id: "customer_id",
 *   referredBy: "referred_by",
 *   signup: { bucket: bucket("signup_date"), before: "2024-07-01" },
 *   churn: { bucket: bucket("churn_date"), before: "2024-07-01" },
 * }, "duckdb");
 * assert.equal(q.keys.length, 7);
 * assert.ok(q.sql.includes("LEFT JOIN") && q.sql.endsWith("GROUP BY 1, 2, 3, 4, 5, 6, 7"));
 * ```
 */
export function compileReferralPairs(spec: ReferralPairSpec, dialect: Dialect): CompiledSql {
  const b = new Binder(dialect);
  const used = [
    ...spec.by,
    spec.id,
    spec.referredBy,
    spec.signup.bucket.column,
    spec.churn.bucket.column,
  ];
  const clash = used.find((c) => c.startsWith(ALIAS_PREFIX));
  if (clash !== undefined) {
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(clash)
      } starts with "${ALIAS_PREFIX}", which cxkit reserves for its SQL aliases; rename it`,
    );
  }
  const ch = dialect === "clickhouse";
  const P = ALIAS_PREFIX;
  const newKeys = spec.by.map((_, i) => `${P}k${i}`);
  const refKeys = spec.by.map((_, i) => `${P}r${i}`);
  const [signupNew, signupRef, churnRef, found, ref] = [
    `${P}d0`,
    `${P}d1`,
    `${P}d2`,
    `${P}f`,
    `${P}ref`,
  ];
  const idCol = quoteIdent(spec.id, dialect);
  const refCol = quoteIdent(spec.referredBy, dialect);
  const keep = (c: string) => ch ? `assumeNotNull(${c})` : c;
  const present = (c: string) => ch ? `isNotNull(${c})` : `${c} IS NOT NULL`;
  // Bound in text order, so $1, $2, … read top to bottom.
  const referred = [
    ...spec.by.map((c, i) => `${quoteIdent(c, dialect)} AS ${newKeys[i]}`),
    `${observedLabelSql(spec.signup.bucket, spec.signup.before, dialect, b)} AS ${signupNew}`,
    `${keep(refCol)} AS ${ref}`,
  ];
  const referredFrom = relationSql(spec.relation, dialect, b);
  const referredWhere = `${present(refCol)} AND ${keep(refCol)} <> ${b.bind("")}`;
  const referrers = [
    `${keep(idCol)} AS ${ref}`,
    `1 AS ${found}`,
    ...spec.by.map((c, i) => `${quoteIdent(c, dialect)} AS ${refKeys[i]}`),
    `${observedLabelSql(spec.signup.bucket, spec.signup.before, dialect, b)} AS ${signupRef}`,
    `${observedLabelSql(spec.churn.bucket, spec.churn.before, dialect, b)} AS ${churnRef}`,
  ];
  const referrersFrom = relationSql(spec.relation, dialect, b);
  const left = `SELECT ${
    referred.join(",\n    ")
  }\n  FROM ${referredFrom}\n  WHERE ${referredWhere}`;
  const right = `SELECT ${referrers.join(",\n    ")}\n  FROM ${referrersFrom}\n  WHERE ${
    present(idCol)
  }`;
  const keys = [...newKeys, signupNew, found, ...refKeys, signupRef, churnRef, ref];
  const count = `${P}m0`;
  if (ch) {
    // Unmatched rows get the defaults: 0 for the flag, NULL for the Nullable labels and keys.
    const sql = `SELECT ${[...keys, `count(*) AS ${count}`].join(", ")}\nFROM (\n  ${left}\n)\n` +
      `GLOBAL ANY LEFT JOIN (\n  ${right}\n) USING ${ref}\nGROUP BY ${keys.join(", ")}`;
    return { dialect, sql, params: b.params, keys, measures: [count] };
  }
  const n = `${P}n`, r = `${P}rr`;
  const items = [
    ...newKeys.map((k) => `${n}.${k}`),
    `${n}.${signupNew}`,
    `CASE WHEN ${r}.${ref} IS NULL THEN 0 ELSE 1 END AS ${found}`,
    ...refKeys.map((k) => `${r}.${k}`),
    `${r}.${signupRef}`,
    `${r}.${churnRef}`,
    `${n}.${ref}`,
    `count(*) AS ${count}`,
  ];
  const sql = `SELECT ${items.join(", ")}\nFROM (\n  ${left}\n) AS ${n}\nLEFT JOIN (\n  ${
    right.replace(`1 AS ${found},\n    `, "")
  }\n) AS ${r} ON ${r}.${ref} = ${n}.${ref}\nGROUP BY ${keys.map((_, i) => i + 1).join(", ")}`;
  return { dialect, sql, params: b.params, keys, measures: [count] };
}

/**
 * Quotes an identifier for a dialect, so any column or table name (quotes,
 * semicolons, `--`, unicode) is read as a name and never as SQL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteIdent } from "./compile.ts";
 * assert.equal(quoteIdent('a"b', "duckdb"), '"a""b"');
 * assert.equal(quoteIdent("a`b", "clickhouse"), "`a\\`b`");
 * ```
 */
export function quoteIdent(name: string, dialect: Dialect): string {
  if (typeof name !== "string" || name.length === 0 || name.includes("\0")) {
    throw new CxOptionsError(
      `Column and table names must be non-empty text without NUL characters, got ${
        JSON.stringify(name)
      }`,
    );
  }
  if (dialect === "clickhouse") return "`" + name.replace(/[\\`]/g, (c) => "\\" + c) + "`";
  return '"' + name.replaceAll('"', '""') + '"';
}

/**
 * A ClickHouse string or number literal: the only way to pass values to
 * ClickHouse 18.16, which has no query parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clickhouseLiteral } from "./compile.ts";
 * assert.equal(clickhouseLiteral("it's"), "'it\\'s'");
 * assert.equal(clickhouseLiteral(7), "7");
 * ```
 */
export function clickhouseLiteral(value: string | number): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new CxOptionsError(`Values passed to ClickHouse must be finite numbers, got ${value}`);
    }
    return String(value);
  }
  const escaped = value.replace(
    /[\\'\0\n\r\t]/g,
    (c) =>
      c === "\0" ? "\\0" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : "\\" + c,
  );
  return `'${escaped}'`;
}

/** Collects bound values and returns the placeholder (or ClickHouse literal) for each. */
export class Binder {
  readonly params: (string | number)[] = [];
  constructor(readonly dialect: Dialect) {}
  bind(value: string | number): string {
    if (this.dialect === "clickhouse") return clickhouseLiteral(value);
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new CxOptionsError(`Bound numbers must be finite, got ${value}`);
    }
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** The `FROM` item of a relation: a quoted table name, or DuckDB's file scan with a bound path. */
export function relationSql(relation: Relation, dialect: Dialect, b: Binder): string {
  if (relation.kind === "file") {
    if (dialect !== "duckdb") {
      throw new CxOptionsError(
        `Only DuckDB scans files; load ${relation.path} into a ${dialect} table first`,
      );
    }
    return `${relation.format === "parquet" ? "read_parquet" : "read_csv"}(${
      b.bind(relation.path)
    })`;
  }
  const name = quoteIdent(relation.name, dialect);
  return relation.schema === undefined ? name : `${quoteIdent(relation.schema, dialect)}.${name}`;
}

/** The source columns a condition reads. */
function conditionColumns(c: Condition): string[] {
  if (c.op === "not") return conditionColumns(c.of);
  if ("of" in c) return c.of.flatMap(conditionColumns);
  return "other" in c ? [c.column, c.other] : [c.column];
}

/** The source columns a measure reads. */
function measureColumns(m: Measure): string[] {
  if (m.op === "rows") return [];
  if (m.op === "countWhere") return conditionColumns(m.where);
  const out = [m.column];
  if ("pairedWith" in m && m.pairedWith !== undefined) out.push(m.pairedWith);
  if ("other" in m) out.push(m.other);
  return out;
}

function doubleSql(x: string, dialect: Dialect): string {
  return dialect === "clickhouse"
    ? `toFloat64(${x})`
    : `CAST(${x} AS ${dialect === "postgres" ? "double precision" : "DOUBLE"})`;
}

/** A {@link Condition} as SQL; ClickHouse reads values with `assumeNotNull` behind `isNotNull`. */
function conditionSql(c: Condition, dialect: Dialect, b: Binder): string {
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

function measureSql(m: Measure, dialect: Dialect, b: Binder): string {
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
    case "countBetween":
      return countIf(`${s} >= ${b.bind(m.min)} AND ${s} <= ${b.bind(m.max)}`);
    case "countInvalid": {
      // NULL comparisons are NULL, so missing scores are never counted.
      const bad = `${s} < ${b.bind(m.min)} OR ${s} > ${b.bind(m.max)} OR ${s} <> floor(${s})`;
      return countIf(ch ? `(${bad})` : `${s} IS NOT NULL AND (${bad})`);
    }
  }
}

/** The local start of the period (a date or zone-less timestamp), grouped on before labelling. */
function bucketSql(p: PeriodBucket, dialect: Dialect, b: Binder): string {
  return bucketExpr(quoteIdent(p.column, dialect), p, dialect, b);
}

/** {@link bucketSql} of an SQL expression (e.g. `assumeNotNull(col)`) instead of a column. */
function bucketExpr(col: string, p: PeriodBucket, dialect: Dialect, b: Binder): string {
  const sameZone = p.dateKind === "local" && p.dateZone === p.timeZone;
  if (dialect === "clickhouse") {
    const fn = {
      day: "toDate",
      week: "toMonday",
      month: "toStartOfMonth",
      quarter: "toStartOfQuarter",
      year: "toStartOfYear",
    }[p.period];
    // A Date column already holds local calendar days; a DateTime is an instant.
    if (sameZone) return p.period === "day" ? `toDate(${col})` : `${fn}(toDate(${col}))`;
    const instant = p.dateKind === "instant"
      ? col
      : `toDateTime(concat(toString(toDate(${col})), ' 00:00:00'), ${b.bind(p.dateZone)})`;
    return `${fn}(${instant}, ${b.bind(p.timeZone)})`;
  }
  let local: string;
  if (dialect === "duckdb") {
    local = sameZone
      ? `CAST(${col} AS TIMESTAMP)`
      : p.dateKind === "instant"
      ? `timezone(${b.bind(p.timeZone)}, ${col})`
      : `timezone(${b.bind(p.timeZone)}, timezone(${
        b.bind(p.dateZone)
      }, CAST(${col} AS TIMESTAMP)))`;
  } else {
    local = sameZone
      ? `CAST(${col} AS timestamp)`
      : p.dateKind === "instant"
      ? `(${col} AT TIME ZONE ${b.bind(p.timeZone)})`
      : `((CAST(${col} AS timestamp) AT TIME ZONE ${b.bind(p.dateZone)}) AT TIME ZONE ${
        b.bind(p.timeZone)
      })`;
  }
  // cxkit's period keys are DuckDB's and PostgreSQL's date_trunc units (ISO weeks start Monday).
  return `date_trunc('${p.period}', ${local})`;
}

/** cxkit's period label of a local period start, in each dialect's formatting. */
function labelSql(p: string, period: Period, dialect: Dialect): string {
  if (dialect === "postgres") {
    const format = {
      day: "YYYY-MM-DD",
      week: 'IYYY-"W"IW',
      month: "YYYY-MM",
      quarter: 'YYYY-"Q"Q',
      year: "YYYY",
    }[period];
    return `to_char(${p}, '${format}')`;
  }
  if (dialect === "duckdb") {
    if (period === "quarter") {
      return `strftime(${p}, '%Y') || '-Q' || CAST(quarter(${p}) AS VARCHAR)`;
    }
    const format = { day: "%Y-%m-%d", week: "%G-W%V", month: "%Y-%m", year: "%Y" }[period];
    return `strftime(${p}, '${format}')`;
  }
  switch (period) {
    case "week":
      return `concat(toString(toISOYear(${p})), '-W', formatDateTime(${p}, '%V'))`;
    case "quarter":
      return `concat(formatDateTime(${p}, '%Y'), '-Q', toString(toQuarter(${p})))`;
    default: {
      const format = { day: "%Y-%m-%d", month: "%Y-%m", year: "%Y" }[period];
      return `formatDateTime(${p}, '${format}')`;
    }
  }
}

/**
 * Up to five distinct values of `column` that are not integers within
 * `scale`: the examples an error message shows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileInvalidSample } from "./compile.ts";
 * const q = compileInvalidSample({ kind: "table", name: "t" }, "s", { min: 0, max: 10 }, "duckdb");
 * assert.deepEqual(q.params, [0, 10]);
 * ```
 */
export function compileInvalidSample(
  relation: Relation,
  column: string,
  scale: { min: number; max: number },
  dialect: Dialect,
): CompiledSql {
  const b = new Binder(dialect);
  const from = relationSql(relation, dialect, b);
  const s = quoteIdent(column, dialect);
  const alias = `${ALIAS_PREFIX}m0`;
  const sql = `SELECT DISTINCT ${s} AS ${alias} FROM ${from}\nWHERE ${s} < ${
    b.bind(scale.min)
  } OR ${s} > ${b.bind(scale.max)} OR ${s} <> floor(${s})\nLIMIT 5`;
  return { dialect, sql, params: b.params, keys: [], measures: [alias] };
}

/**
 * The SQL condition that is true for the rows whose `column` fails a
 * {@link ValueCheck}, given what the column holds. The column is quoted; no
 * value is bound.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { invalidCondition } from "./compile.ts";
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

/**
 * Up to `limit` distinct values of `column` that fail a {@link ValueCheck}:
 * the examples an error message shows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileFailingSample } from "./compile.ts";
 * const q = compileFailingSample({ kind: "table", name: "t" }, "e", "event", "number", "duckdb");
 * assert.ok(q.sql.includes('WHERE ("e" IS NULL OR NOT ("e" IN (0, 1)))') && q.sql.endsWith("LIMIT 5"));
 * ```
 */
export function compileFailingSample(
  relation: Relation,
  column: string,
  check: ValueCheck,
  type: ValueType,
  dialect: Dialect,
  limit = 5,
): CompiledSql {
  const b = new Binder(dialect);
  const from = relationSql(relation, dialect, b);
  const alias = `${ALIAS_PREFIX}m0`;
  const sql = `SELECT DISTINCT ${quoteIdent(column, dialect)} AS ${alias} FROM ${from}\nWHERE ${
    invalidCondition(column, check, type, dialect)
  }\nLIMIT ${Math.max(1, Math.floor(limit))}`;
  return { dialect, sql, params: b.params, keys: [], measures: [alias] };
}

/**
 * `SELECT * FROM relation` with no rows wanted (DuckDB's `DESCRIBE` of it,
 * PostgreSQL's `LIMIT 0`, ClickHouse's `DESCRIBE TABLE`): how engines learn a
 * relation's columns and types.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileDescribe } from "./compile.ts";
 * const q = compileDescribe({ kind: "file", path: "a.parquet", format: "parquet" }, "duckdb");
 * assert.ok(q.sql === "DESCRIBE SELECT * FROM read_parquet($1)" && q.params[0] === "a.parquet");
 * ```
 */
export function compileDescribe(relation: Relation, dialect: Dialect): CompiledSql {
  const b = new Binder(dialect);
  const from = relationSql(relation, dialect, b);
  const sql = dialect === "duckdb"
    ? `DESCRIBE SELECT * FROM ${from}`
    : dialect === "postgres"
    ? `SELECT * FROM ${from} LIMIT 0`
    : `DESCRIBE TABLE ${from}`;
  return { dialect, sql, params: b.params, keys: [], measures: [] };
}
