/**
 * What the cohort SQL shares across dialects and shapes: the source's
 * columns as the queries need them, bound values, the event's instant,
 * wall time and calendar ordinal in SQL, the cut-off, and the output
 * columns of the cells query.
 *
 * @module
 */
import { ALIAS_PREFIX, clickhouseLiteral, quoteIdent } from "../../../engine/compile/quote.ts";
import type { DateKind, Dialect } from "../../../engine/compile/types.ts";
import type { RetentionPlan } from "../options.ts";

/** What the period SQL needs of a plan: period length, zone and calendar. */
export type PeriodPlan = Pick<RetentionPlan, "period" | "timeZone" | "calendar">;

/** What the queries read: SQL text such as a quoted table name, and its bound values. */
export interface SqlFrom {
  /** The relation as SQL text. */
  sql: string;
  /** Values bound by `sql` (`$1`… for a scanned file's path). */
  params: (string | number)[];
}

/** The source's columns as the cohort SQL needs them. */
export interface CohortColumns {
  /** Customer id column. */
  customer: string;
  /** Event date column. */
  date: string;
  /** How the engine stores the date column (instants or local wall times). */
  dateKind: DateKind;
  /** Zone of wall-time dates. */
  dateZone: string;
  /** SQL dialect to write. */
  dialect: Dialect;
  /** Row-number column breaking ties between a customer's first events, if any. */
  row?: string;
  /** Per `by` column: whether the engine stores it as a boolean. */
  booleans?: boolean[];
  /** The signup date column of the events, when it starts each customer's clock. */
  signup?: { name: string; kind: DateKind };
}

/** The same columns with the signup column in the date's place (for its instant and wall time). */
export function signupAsDate(c: CohortColumns): CohortColumns {
  return { ...c, date: c.signup!.name, dateKind: c.signup!.kind };
}

/** Binds values after the relation's own parameters. */
export class Params {
  readonly values: (string | number)[];
  constructor(initial: (string | number)[], readonly dialect: Dialect = "duckdb") {
    this.values = [...initial];
  }
  bind(v: string | number): string {
    // ClickHouse 18.16 has no query parameters: escaped literals (see compile.ts).
    if (this.dialect === "clickhouse") return clickhouseLiteral(v);
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The event instant (TIMESTAMPTZ / timestamptz). */
export function instantSql(c: CohortColumns, p: Params, of?: string): string {
  const col = of ?? quoteIdent(c.date, c.dialect);
  if (c.dateKind === "instant") return col;
  return c.dialect === "duckdb"
    ? `timezone(${p.bind(c.dateZone)}, CAST(${col} AS TIMESTAMP))`
    : `(CAST(${col} AS timestamp) AT TIME ZONE ${p.bind(c.dateZone)})`;
}

/** The event's wall time in the analysis zone (a zone-less timestamp). */
export function localSql(c: CohortColumns, plan: PeriodPlan, p: Params): string {
  const col = quoteIdent(c.date, c.dialect);
  if (c.dateKind === "local" && c.dateZone === plan.timeZone) return `CAST(${col} AS TIMESTAMP)`;
  const instant = instantSql(c, p);
  return c.dialect === "duckdb"
    ? `timezone(${p.bind(plan.timeZone)}, ${instant})`
    : `(${instant} AT TIME ZONE ${p.bind(plan.timeZone)})`;
}

/** The calendar ordinal of a local timestamp, numbered exactly as `periodCalendar` numbers it. */
export function ordinalSql(
  l: string,
  plan: PeriodPlan,
  dialect: CohortColumns["dialect"],
): string {
  const pg = dialect === "postgres";
  const day = pg
    ? `(CAST(${l} AS date) - DATE '1970-01-01')`
    : `date_diff('day', DATE '1970-01-01', CAST(${l} AS DATE))`;
  const part = (field: string) =>
    pg ? `CAST(extract(${field} FROM ${l}) AS integer)` : `${field}(${l})`;
  switch (plan.period) {
    case "day":
      return day;
    case "week":
      return `CAST(floor((${day} + 3) / 7.0) AS BIGINT)`;
    case "month":
      return `(${part("year")} * 12 + ${part("month")} - 1)`;
    case "quarter":
      return `(${part("year")} * 4 + ${part("quarter")} - 1)`;
  }
}

/** `YYYY-MM-DD` of the local day after `observedUntil`: events before its midnight count. */
export function cutoffWallTime(observedUntil: Date, plan: PeriodPlan): string {
  const day = plan.calendar.localDay(observedUntil.getTime()) + 1;
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Output names of the cells query: `kind, s0…, cohort, k, customers[, revenue, capped][, changes]`. */
export function cellColumns(plan: RetentionPlan): { keys: string[]; measures: string[] } {
  return {
    keys: ["kind", ...plan.by.map((_, j) => `${ALIAS_PREFIX}s${j}`), "cohort", "k"],
    measures: [
      "customers",
      ...(plan.revenue ? ["revenue", "capped"] : []),
      ...(plan.by.length ? ["changes"] : []),
    ],
  };
}

/** The local day number after `observedUntil`'s: events on earlier local days count. */
export function cutoffDay(observedUntil: Date, plan: PeriodPlan): number {
  return plan.calendar.localDay(observedUntil.getTime()) + 1;
}

/**
 * DuckDB and PostgreSQL: the event's wall time in the analysis zone (`l`),
 * the filter keeping events before the cut-off, and `l`'s period ordinal.
 */
export function localPeriods(
  c: CohortColumns,
  plan: RetentionPlan,
  p: Params,
  observedUntil: Date | undefined,
): { local: string; cut: string; ordinal: string } {
  const local = localSql(c, plan, p);
  const cut = observedUntil
    ? ` WHERE l < CAST(${p.bind(cutoffWallTime(observedUntil, plan))} AS TIMESTAMP)`
    : "";
  return { local, cut, ordinal: ordinalSql("l", plan, c.dialect) };
}
