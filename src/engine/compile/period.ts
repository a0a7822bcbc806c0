/**
 * Local calendar periods in SQL: the period start of a date column in an
 * IANA zone (dates and zone-less timestamps read in their `dateZone`), and
 * cxkit's period labels (`2024-03`, `2024-W09`, `2024-Q1`, `2024-03-05`,
 * `2024`) in each dialect's formatting.
 *
 * @module
 */
import type { Period } from "../../time/period.ts";
import { type Binder, quoteIdent } from "./quote.ts";
import type { Dialect, PeriodBucket } from "./types.ts";

/**
 * The period label of a date column, NULL when the value is missing or (with
 * `before`, a day label) its local day is not before `before`.
 */
export function observedLabelSql(
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

/** The local start of the period (a date or zone-less timestamp), grouped on before labelling. */
export function bucketSql(p: PeriodBucket, dialect: Dialect, b: Binder): string {
  return bucketExpr(quoteIdent(p.column, dialect), p, dialect, b);
}

/** {@link bucketSql} of an SQL expression (e.g. `assumeNotNull(col)`) instead of a column. */
export function bucketExpr(col: string, p: PeriodBucket, dialect: Dialect, b: Binder): string {
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
export function labelSql(p: string, period: Period, dialect: Dialect): string {
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
