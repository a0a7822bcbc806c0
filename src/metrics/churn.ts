/**
 * Customer churn and retention per calendar period from the customers table
 * (`signup_date`, `churn_date`), with Wilson intervals, plus the compounding
 * conversions between monthly and annual churn.
 *
 * Boundary rules (all periods half-open, `[start, end)`, cut at local
 * midnight in `timeZone`; a date belongs to the period containing its
 * instant, so a churn on the first day of a month is a churn of that month):
 * - `customers_start`: signed up before the period start and not churned
 *   before it (`signup < start` and no churn before `start`). A customer who
 *   churns exactly at `start` is counted here and churns in this period.
 * - `churned`: of those, churned during the period (`start ≤ churn < end`).
 * - `signups`: signed up during the period (`start ≤ signup < end`); never in
 *   the denominator of the same period.
 * - `signup_churned`: signed up and churned within the same period. They are
 *   never a customer at a period boundary, so they count in no stock and not
 *   in `churned` (no churn rate sees them: watch this column for early churn).
 * - `new_customers` = `signups − signup_churned`: customers at the period end
 *   who were acquired during the period.
 * - `customers_end` = `customers_start − churned + new_customers`: customers
 *   at the period end; it equals the next period's `customers_start`.
 *
 * Hence `retention = (customers_end − new_customers) / customers_start`
 * equals `1 − churn_rate` exactly. Signups and churns after the cut-off (the
 * end of the day `observedUntil`) are not yet observed: they are ignored, and a period
 * ending after the cut-off is reported with `complete: false`.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem, CxSchemaError } from "../errors.ts";
import { wilson } from "../stats/intervals.ts";
import { checkPeriod, type Period, periodFn } from "../time/period.ts";
import { type KpiInput, type LeftOut, pooled, tidyResult } from "./groups.ts";
import { type GroupPlan, KPI_OPTIONS, type KpiOptions, resolvePlan } from "../base/plan.ts";
import type { CompiledSql, Measure, PeriodBucket, Relation } from "../engine/compile/types.ts";
import { compileAggregate } from "../engine/compile/aggregate.ts";
import { compileLabelCounts } from "./churn/sql.ts";
import type { LoadType } from "../engine/load.ts";
import type {
  ColumnInfo,
  PushdownKpi,
  PushdownOptions,
  PushdownSource,
} from "../engine/pushdown.ts";
import {
  dateBucket,
  type KpiSqlSource,
  openKpiSql,
  recordSql,
  withSqlPath,
} from "../engine/kpi_sql.ts";
import { keyKinds, num, plainKey, type QueryLog, withRelation } from "../engine/source.ts";
import { optionNames, withoutNames } from "../options.ts";

/** Options of {@link churnRate} and {@link retentionRate}. */
export interface ChurnOptions extends Omit<KpiOptions, "period" | "date"> {
  /** Period length (default `"month"`). */
  period?: Period;
  /**
   * First reported period: the one containing `from` (default: the earliest
   * `signup_date`). Earlier customers still count in the stocks.
   */
  from?: Date;
  /**
   * Cut-off: the last day the data covers, inclusive (default: the latest
   * `signup_date` or `churn_date`), as `observedUntil` of the cohort analyses. Signups and churns after the end of that
   * local day are ignored as not yet observed; a period ending after it is
   * reported with `complete: false`.
   */
  observedUntil?: Date;
}

/** The names of {@link ChurnOptions}. */
export const CHURN_OPTIONS = optionNames<ChurnOptions>()([
  ...withoutNames(KPI_OPTIONS, "date"),
  "from",
  "observedUntil",
]);

/** Customer counts per period shared by churn and retention results, in order. */
export const CUSTOMER_COUNT_COLUMNS = [
  "period_end",
  "customers_start",
  "churned",
  "signups",
  "signup_churned",
  "new_customers",
  "customers_end",
] as const;

/** The churn result columns after the group keys, in order. */
export const CHURN_COLUMNS = [
  ...CUSTOMER_COUNT_COLUMNS,
  "churn_rate",
  "churn_rate_low",
  "churn_rate_high",
  "n",
  "complete",
] as const;

/** The retention result columns after the group keys, in order. */
export const RETENTION_COLUMNS = [
  ...CUSTOMER_COUNT_COLUMNS,
  "retention",
  "retention_low",
  "retention_high",
  "n",
  "complete",
] as const;

/**
 * Churn rate per period (and segment): `churn_rate = churned /
 * customers_start` with a Wilson interval (`churn_rate_low`, `churn_rate_high`), `n =
 * customers_start`. Boundary rules are in the module doc: customers who sign
 * up during a period are not in its denominator; churn on a period's first
 * day belongs to that period. Periods run from the one containing `from`
 * (default the first signup) to the one containing the cut-off `observedUntil`; every
 * segment gets every period (empty ones with `n = 0` and `null` rates), and a
 * period ending after the cut-off is flagged `complete: false`. Dates are placed
 * in periods by their instant in `timeZone`: load date-only files with the
 * same `timeZone`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { churnRate } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c", "d"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10"), d("2024-01-20"), d("2024-02-05")],
 *   churn_date: [d("2024-02-01"), null, d("2024-01-25"), null],
 * });
 * const r = churnRate(customers, { observedUntil: d("2024-02-29") });
 * // February: a and b were customers on 1 February (c left in January, d is new); a left.
 * assert.ok(r.get("period", 1) === "2024-02" && r.get("customers_start", 1) === 2);
 * assert.ok(r.get("churned", 1) === 1 && r.get("churn_rate", 1) === 0.5);
 * ```
 *
 * With an SQL engine in `options.engine` (DuckDB, PostgreSQL, ClickHouse)
 * or a server table `{ engine, table }` as input, the checks, the window
 * and the customer counts per segment × signup period × churn period are
 * computed in the engine (see {@link customerFlowsSql}); the stocks and rates
 * are the same TypeScript, so the call resolves to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { churnRate } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10"), d("2024-02-05")],
 *   churn_date: [d("2024-02-01"), null, null],
 * });
 * const engine = duckdbEngine();
 * const r = await churnRate(customers, { engine, timeZone: "Europe/Berlin" });
 * assert.deepEqual(r.objects(), churnRate(customers, { timeZone: "Europe/Berlin" }).objects());
 * await engine.close();
 * ```
 */
export const churnRate: PushdownKpi<ChurnOptions> = customerKpi("churnRate", churnResult);

/**
 * A KPI over per-period customer counts, in memory or on an SQL engine: the
 * counts come from {@link aggregateChurn} or from {@link customerFlowsSql},
 * and `result` finalizes them the same way for both.
 */
function customerKpi(
  name: string,
  result: (
    counts: ColumnTable,
    ctx: { plan: GroupPlan & { period: Period }; window: CustomerWindow },
  ) => ColumnTable,
): PushdownKpi<ChurnOptions> {
  return withSqlPath(
    (customers, options) => {
      const { table, plan, window } = prepareCustomers(customers, options ?? {});
      const counts = customerCounts(aggregateChurn(table, plan, window), plan.by, window);
      return result(counts, { plan, window });
    },
    async (source, options) => {
      const f = await customerFlowsSql(source, options);
      return recordSql(result(customerCounts(f.flows, f.plan.by, f.window), f), f.log, f.query);
    },
    { name, options: CHURN_OPTIONS },
  );
}

function churnResult(
  counts: ColumnTable,
  { plan, window }: { plan: GroupPlan & { period: Period }; window: CustomerWindow },
): ColumnTable {
  return tidyResult(
    counts,
    [...plan.by, "period", "period_start"],
    plan,
    (row) => finalizeChurn(row as unknown as CustomerCounts, plan.confidence),
    { kpi: "churn_rate", method: "wilson", notes: windowNotes(window) },
    [...CHURN_COLUMNS],
    { leftOut: CUSTOMERS_LEFT_OUT },
  );
}

/**
 * Retention rate per period (and segment), the classic CX formula
 * `retention = (customers_end − new_customers) / customers_start` with a
 * Wilson interval (`retention_low`, `retention_high`) on the retained count.
 * Under the boundary rules of {@link churnRate} (same options, same counts)
 * it equals `1 − churn_rate`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { retentionRate } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10"), d("2024-02-05")],
 *   churn_date: [d("2024-02-14"), null, null],
 * });
 * const r = retentionRate(customers, { observedUntil: d("2024-02-29") });
 * // February: end 2 (b, c) − new 1 (c) = 1 retained of 2 at the start.
 * assert.ok(r.get("customers_end", 1) === 2 && r.get("new_customers", 1) === 1);
 * assert.ok(r.get("retention", 1) === 0.5);
 * ```
 *
 * Given an SQL engine or a server table it resolves to the same table,
 * computed like {@link churnRate}'s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { retentionRate } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10")],
 *   churn_date: [d("2024-02-14"), null],
 * });
 * const engine = duckdbEngine();
 * const r = await retentionRate(customers, { engine });
 * assert.equal(r.get("retention", 1), 0.5);
 * await engine.close();
 * ```
 */
export const retentionRate: PushdownKpi<ChurnOptions> = customerKpi(
  "retentionRate",
  retentionResult,
);

function retentionResult(
  counts: ColumnTable,
  { plan, window }: { plan: GroupPlan & { period: Period }; window: CustomerWindow },
): ColumnTable {
  return tidyResult(
    counts,
    [...plan.by, "period", "period_start"],
    plan,
    (row) => finalizeRetention(row as unknown as CustomerCounts, plan.confidence),
    { kpi: "retention_rate", method: "wilson", notes: windowNotes(window) },
    [...RETENTION_COLUMNS],
    { leftOut: CUSTOMERS_LEFT_OUT },
  );
}

/**
 * Customers of the groups left out for a missing `by` value: those at the
 * start of each group's first period plus every later signup.
 */
export const CUSTOMERS_LEFT_OUT: LeftOut = {
  noun: "customers",
  count: (rows, by) => {
    const seen = new Set<string>();
    let customers = 0;
    for (const row of rows) {
      const key = JSON.stringify(by.map((b) => row[b] ?? null));
      if (!seen.has(key)) customers += Number(row.customers_start ?? 0);
      seen.add(key);
      customers += Number(row.signups ?? 0);
    }
    return customers;
  },
};

/**
 * Annual churn from a constant monthly churn rate by compounding (not ×12):
 * `a = 1 − (1 − m)^12`, the share of customers lost within a year when each
 * month loses the share `m` of those left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { annualizeChurn } from "./churn.ts";
 * assert.ok(Math.abs(annualizeChurn(0.05) - (1 - 0.95 ** 12)) < 1e-15); // 0.4596…, not 0.6
 * ```
 */
export function annualizeChurn(monthlyRate: number): number {
  checkRate(monthlyRate, "monthlyRate");
  // −expm1(12·log1p(−m)) is 1 − (1 − m)^12 without cancellation for small m.
  return -Math.expm1(12 * Math.log1p(-monthlyRate));
}

/**
 * Constant monthly churn rate that compounds to the annual rate `a`:
 * `m = 1 − (1 − a)^(1/12)`, the inverse of {@link annualizeChurn}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { monthlyFromAnnualChurn } from "./churn.ts";
 * const m = monthlyFromAnnualChurn(0.3);
 * assert.ok(Math.abs(m - (1 - 0.7 ** (1 / 12))) < 1e-15); // 0.02928…, not 0.025
 * ```
 */
export function monthlyFromAnnualChurn(annualRate: number): number {
  checkRate(annualRate, "annualRate");
  return -Math.expm1(Math.log1p(-annualRate) / 12);
}

function checkRate(rate: number, name: string): void {
  if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
    throw new CxOptionsError(
      `${name} must be a proportion between 0 and 1 (e.g. 0.05 for 5 %), got ${
        JSON.stringify(rate)
      }`,
    );
  }
}

// ---------------------------------------------------------------------------
// Shared with referral.ts and clv.ts: validation, the observation window and
// the mergeable aggregate of customer flows.

/** One reporting period: `[start, end)`. */
export interface PeriodSpan {
  /** Sortable period label (`2024-03`), as `periodFn` makes it. */
  label: string;
  /** First instant of the period. */
  start: Date;
  /** First instant after the period. */
  end: Date;
  /** The period ends by the cut-off: fully observed. */
  complete: boolean;
}

/** The observation window: every period from the earliest signup to the cut-off. */
export interface CustomerWindow {
  /** Contiguous periods, the first containing the earliest signup (or `from`). */
  periods: PeriodSpan[];
  /** Index of the first reported period (the one containing `from`). */
  first: number;
  /** `from` as resolved. */
  from: Date;
  /** `observedUntil` as resolved (the last observed day). */
  to: Date;
  /** Start of the day after `observedUntil`: signups/churns at or after it are unobserved. */
  cutoff: Date;
}

/** Validated customers, plan and window. */
export interface PreparedCustomers {
  /** The pooled customers table. */
  table: ColumnTable;
  /** Resolved options (always with a period here). */
  plan: GroupPlan & { period: Period };
  /** Periods and cut-off. */
  window: CustomerWindow;
}

/** Columns every customer KPI needs. */
export const CUSTOMER_COLUMNS = ["customer_id", "signup_date", "churn_date"] as const;

/**
 * Validates the customers table (required columns, dates, churn not before
 * signup, unique ids) and the options, and builds the period window.
 */
export function prepareCustomers(
  customers: KpiInput,
  options: ChurnOptions,
  extraColumns: string[] = [],
  period: Period = options.period ?? "month",
): PreparedCustomers {
  const table = pooled(customers);
  const plan = planCustomers(table, options, extraColumns, period);
  const { signups, churns } = checkCustomerDates(table);
  checkUniqueIds(table, "customer_id");
  const window = customerWindow(signups, churns, plan, options);
  return { table, plan, window };
}

/** Checks the required columns and the options against a customers table (no values read). */
export function planCustomers(
  table: ColumnTable,
  options: ChurnOptions,
  extraColumns: string[] = [],
  period: Period = options.period ?? "month",
): GroupPlan & { period: Period } {
  requireColumns(table, [...CUSTOMER_COLUMNS, ...extraColumns], "customers");
  checkPeriod(period);
  return {
    ...resolvePlan(table, { ...options, period, date: "signup_date" }, { date: "signup_date" }),
    period,
  };
}

/** Throws a `CxSchemaError` naming the missing columns of a canonical table. */
export function requireColumns(table: ColumnTable, columns: string[], schema: string): void {
  const names = table.columnNames();
  const missing = columns.filter((c) => !names.includes(c));
  if (missing.length) {
    throw new CxSchemaError(
      `The ${schema} table lacks required column${missing.length > 1 ? "s" : ""} ${
        missing.map((c) => JSON.stringify(c)).join(", ")
      }. Columns: ${
        names.join(", ")
      }. Load it with readCsv(…, { schema: "${schema}", mapping }) to rename your columns`,
    );
  }
}

function checkCustomerDates(table: ColumnTable): { signups: Date[]; churns: (Date | null)[] } {
  const signups = table.array("signup_date") as unknown[];
  const churns = table.array("churn_date") as unknown[];
  const problems: CxProblem[] = [];
  let total = 0;
  const report = (row: number, column: string, value: unknown, reason: string) => {
    total++;
    if (problems.length < 20) {
      const shown = value instanceof Date && !isNaN(+value)
        ? value.toISOString()
        : value === null || value === undefined
        ? null
        : String(value);
      problems.push({ row, column, value: shown, reason });
    }
  };
  const isDate = (v: unknown): v is Date => v instanceof Date && !isNaN(v.getTime());
  for (let i = 0; i < signups.length; i++) {
    const s = signups[i], c = churns[i];
    if (!isDate(s)) {
      report(i + 1, "signup_date", s, "signup_date must be a date; every customer needs one");
    }
    if (c !== null && c !== undefined && !isDate(c)) {
      report(i + 1, "churn_date", c, "churn_date must be a date or empty (still a customer)");
    } else if (isDate(s) && isDate(c) && c < s) {
      report(
        i + 1,
        "churn_date",
        c,
        `churn_date is before signup_date (${
          s.toISOString().slice(0, 10)
        }): a customer cannot churn before signing up; check the date format or the column mapping`,
      );
    }
  }
  if (total) throw new CxDataError(problems, total, "The customers table has impossible dates");
  return {
    signups: signups as Date[],
    churns: churns.map((c) => (c instanceof Date ? c : null)),
  };
}

/** Throws a `CxDataError` when an id appears twice (joins and counts would double). */
export function checkUniqueIds(table: ColumnTable, column: string): void {
  const ids = table.array(column) as unknown[];
  const seen = new Map<unknown, number>();
  const problems: CxProblem[] = [];
  let total = 0;
  ids.forEach((id, i) => {
    const reason = id === null || id === undefined
      ? `${column} is missing; every customer needs an id`
      : seen.has(id)
      ? `${column} ${JSON.stringify(id)} appears again (first in row ${
        seen.get(id)
      }); each customer must be one row`
      : null;
    if (id !== null && id !== undefined && !seen.has(id)) seen.set(id, i + 1);
    if (reason === null) return;
    total++;
    if (problems.length < 20) {
      problems.push({ row: i + 1, column, value: id == null ? null : String(id), reason });
    }
  });
  if (total) throw new CxDataError(problems, total, `Column "${column}" must identify customers`);
}

const DAY = 86_400_000;
// A jump from a period's start that always lands in the next period (DST-proof).
const JUMP: Record<Period, number> = {
  day: 1.5 * DAY,
  week: 8 * DAY,
  month: 32 * DAY,
  quarter: 93 * DAY,
  year: 367 * DAY,
};

function customerWindow(
  signups: Date[],
  churns: (Date | null)[],
  plan: GroupPlan & { period: Period },
  options: ChurnOptions,
): CustomerWindow {
  // windowOfRange checks the from/to options.
  let min = Infinity, max = -Infinity;
  for (const s of signups) {
    min = Math.min(min, s.getTime());
    max = Math.max(max, s.getTime());
  }
  for (const c of churns) if (c) max = Math.max(max, c.getTime());
  return windowOfRange(min, max, plan, options);
}

/**
 * The observation window from the earliest signup (`min`, epoch ms) and the
 * latest signup or churn (`max`); `Infinity`/`-Infinity` when there are none.
 */
export function windowOfRange(
  min: number,
  max: number,
  plan: GroupPlan & { period: Period },
  options: ChurnOptions,
): CustomerWindow {
  for (const name of ["from", "observedUntil"] as const) {
    const v = options[name];
    if (v !== undefined && !(v instanceof Date && !isNaN(v.getTime()))) {
      throw new CxOptionsError(
        `Option "${name}" must be a Date such as new Date("2025-12-31"), got ${String(v)}`,
      );
    }
  }
  const from = options.from ?? (min < Infinity ? new Date(min) : undefined);
  const to = options.observedUntil ?? (max > -Infinity ? new Date(max) : undefined);
  if (!from || !to) {
    // No customers and no window given: nothing to report.
    const epoch = new Date(0);
    return { periods: [], first: 0, from: epoch, to: epoch, cutoff: epoch };
  }
  if (from > to) {
    throw new CxOptionsError(
      `Option "from" (${from.toISOString()}${
        options.from ? "" : ", the earliest signup_date"
      }) is after "observedUntil" (${to.toISOString()}${
        options.observedUntil ? "" : ", the latest date in the table"
      }); give a "from" ≤ "observedUntil"`,
    );
  }
  const day = periodFn("day", plan.timeZone);
  const cutoff = day(new Date(day(to).start.getTime() + JUMP.day)).start;
  const of = periodFn(plan.period, plan.timeZone);
  const fromPeriod = of(from).label;
  const periods: PeriodSpan[] = [];
  let first = 0;
  for (let p = of(new Date(Math.min(min, from.getTime()))); p.start < cutoff;) {
    const next = of(new Date(p.start.getTime() + JUMP[plan.period]));
    if (p.label === fromPeriod) first = periods.length;
    periods.push({
      label: p.label,
      start: p.start,
      end: next.start,
      complete: next.start <= cutoff,
    });
    p = next;
  }
  return { periods, first, from, to, cutoff };
}

/**
 * Index of the period containing `date` (binary search on the period starts),
 * or `null` when it is at or after the cut-off (not observed).
 */
export function periodIndex(window: CustomerWindow, date: Date | null): number | null {
  if (date === null || date >= window.cutoff) return null;
  const t = date.getTime();
  const { periods } = window;
  let lo = 0, hi = periods.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (periods[mid].start.getTime() <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Signup and (observed) churn period index of every customer; `null` = after the cut-off. */
export function customerPeriods(
  table: ColumnTable,
  window: CustomerWindow,
): { signup: (number | null)[]; churn: (number | null)[] } {
  const signups = table.array("signup_date") as Date[];
  const churns = table.array("churn_date") as (Date | null)[];
  const signup = signups.map((s) => periodIndex(window, s));
  const churn = churns.map((c, i) => signup[i] === null ? null : periodIndex(window, c ?? null));
  return { signup, churn };
}

/** The mergeable aggregate of customer flows per segment and period (sums only). */
export interface CustomerFlows {
  /** Period index into the window. */
  period_index: number;
  /** Customers who signed up in the period. */
  signups: number;
  /** Of those, churned in the same period. */
  signup_churned: number;
  /** Customers who signed up in an earlier period and churned in this one. */
  churned: number;
}

/**
 * Aggregate step: signups, same-period churns and churns of earlier customers
 * per segment × period index (Arquero; sums, so parts merge by adding). Stocks
 * are running sums of these flows, computed in {@link customerCounts}.
 */
export function aggregateChurn(
  table: ColumnTable,
  plan: GroupPlan,
  window: CustomerWindow,
): ColumnTable {
  const { signup, churn } = customerPeriods(table, window);
  // One flow record per signup and per churn of an earlier customer.
  const columns: Record<string, unknown[]> = Object.fromEntries(
    [...plan.by, "period_index", "signups", "signup_churned", "churned"].map((c) => [c, []]),
  );
  const byValues = plan.by.map((b) => table.array(b) as unknown[]);
  const emit = (i: number, period: number, s: number, sc: number, c: number) => {
    plan.by.forEach((b, k) => columns[b].push(byValues[k][i]));
    columns.period_index.push(period);
    columns.signups.push(s);
    columns.signup_churned.push(sc);
    columns.churned.push(c);
  };
  for (let i = 0; i < signup.length; i++) {
    const s = signup[i], c = churn[i];
    if (s === null) continue;
    if (c === s) emit(i, s, 1, 1, 0);
    else {
      emit(i, s, 1, 0, 0);
      if (c !== null) emit(i, c, 0, 0, 1);
    }
  }
  return aq.table(columns)
    .groupby([...plan.by, "period_index"])
    .rollup({
      signups: aq.op.sum("signups"),
      signup_churned: aq.op.sum("signup_churned"),
      churned: aq.op.sum("churned"),
    });
}

/** What {@link customerFlowsSql} computed, ready for {@link customerCounts}. */
export interface CustomerFlowsSql {
  /** Resolved options. */
  plan: GroupPlan & { period: Period };
  /** Periods and cut-off. */
  window: CustomerWindow;
  /** The flows, as {@link aggregateChurn} makes them. */
  flows: ColumnTable;
  /** The queries run. */
  log: QueryLog;
  /** The flows query. */
  query: CompiledSql;
  /** The source and engine. */
  src: KpiSqlSource;
}

/**
 * The aggregate step of the customer KPIs in an SQL engine. In-memory input
 * is checked in memory (errors name rows) and its window computed there,
 * then only the needed columns are loaded; a path or server table is
 * checked by one query (missing signups, churn before signup, missing or
 * repeated ids: a `CxDataError` with the counts) that also returns the
 * earliest signup and the latest date, from which the window is built as
 * in memory. A second query counts customers per segment × signup period
 * label × churn period label (local periods in `timeZone`; a date whose
 * local day is at or after the cut-off counts as not observed), and these
 * counts become the flows {@link aggregateChurn} computes in memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { aggregateChurn, customerFlowsSql, prepareCustomers } from "./churn.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b"],
 *   signup_date: [d("2024-01-03"), d("2024-01-10")],
 *   churn_date: [d("2024-01-20"), d("2024-03-01")],
 * });
 * const engine = duckdbEngine();
 * const { flows } = await customerFlowsSql(customers, { engine });
 * const { table, plan, window } = prepareCustomers(customers, {});
 * assert.deepEqual(flows.objects(), aggregateChurn(table, plan, window).objects());
 * await engine.close();
 * ```
 */
export async function customerFlowsSql(
  source: PushdownSource,
  options: Omit<ChurnOptions, "engine"> & PushdownOptions,
  extraColumns: string[] = [],
  period?: Period,
): Promise<CustomerFlowsSql> {
  return await withCustomersSql(source, options, extraColumns, period, async (c) => {
    const { flows, query } = await flowsOf(c);
    return { plan: c.plan, window: c.window, flows, log: c.src.log, query, src: c.src };
  });
}

/** A customers relation ready to query: see {@link withCustomersSql}. */
export interface CustomerRelation {
  /** The source and engine. */
  src: KpiSqlSource;
  /** Resolved options. */
  plan: GroupPlan & { period: Period };
  /** Periods and cut-off. */
  window: CustomerWindow;
  /** What to read. */
  relation: Relation;
  /** Its columns with the engine's types. */
  columns: ColumnInfo[];
  /** Signup dates in the plan's periods. */
  signup: PeriodBucket;
  /** Churn dates in the plan's periods. */
  churn: PeriodBucket;
  /** Day label of the cut-off: dates on or after that local day are not observed. */
  cutoff: string;
  /** The window index of a period label (a `CxDataError` for labels outside it). */
  indexOf(label: unknown): number;
}

/**
 * Opens a customers source for the SQL path: checks the options, then the
 * values (in memory, or one query: see {@link customerFlowsSql}), builds the
 * window, and runs `body` on the relation (in-memory input loaded with the
 * needed columns, dropped after).
 */
export async function withCustomersSql<T>(
  source: PushdownSource,
  options: Omit<ChurnOptions, "engine"> & PushdownOptions,
  extraColumns: string[],
  period: Period | undefined,
  body: (c: CustomerRelation) => Promise<T>,
): Promise<T> {
  const src = await openKpiSql(source, options);
  const rest = src.rest as ChurnOptions;
  const plan = planCustomers(src.table, rest, extraColumns, period ?? rest.period ?? "month");
  // In memory: the in-memory checks, with their row numbers, and the window.
  let window = src.opened.table
    ? prepareCustomers(src.opened.table, rest, extraColumns, plan.period).window
    : undefined;
  const needed = [...plan.by, "customer_id", "signup_date", "churn_date", ...extraColumns];
  const hints: Record<string, LoadType> = {
    signup_date: "timestamp",
    churn_date: "timestamp",
    ...Object.fromEntries(extraColumns.map((c) => [c, "text" as const])),
  };
  return await withRelation(src.engine, src.opened, needed, hints, async (relation, columns) => {
    const signup = dateBucket(src, columns, "signup_date", plan.period, plan.timeZone);
    const churn = dateBucket(src, columns, "churn_date", plan.period, plan.timeZone);
    window ??= await windowInEngine(src, relation, signup, churn, plan, rest);
    const cutoff = periodFn("day", plan.timeZone)(window.cutoff).label;
    const index = new Map(window.periods.map((p, i) => [p.label, i]));
    const indexOf = (label: unknown) => {
      const i = index.get(String(label));
      if (i === undefined) {
        throw new CxDataError([{
          row: null,
          column: "signup_date",
          value: String(label),
          reason: "a period outside the observation window (did the table change while reading?)",
        }]);
      }
      return i;
    };
    return await body({ src, plan, window, relation, columns, signup, churn, cutoff, indexOf });
  });
}

/**
 * The flows of a customers relation (one query: customers per segment ×
 * signup period × churn period), as {@link aggregateChurn} makes them;
 * `periodOf` maps window indices to coarser periods (e.g. before/all).
 */
export async function flowsOf(
  c: CustomerRelation,
  periodOf: (index: number) => number = (i) => i,
): Promise<{ flows: ColumnTable; query: CompiledSql }> {
  const { src, plan } = c;
  const query = compileLabelCounts({
    relation: c.relation,
    by: plan.by,
    dates: [{ bucket: c.signup, before: c.cutoff }, { bucket: c.churn, before: c.cutoff }],
  }, src.engine.dialect);
  const rows = await src.log.run(query);
  const kinds = keyKinds(src.engine, c.columns, src.opened.table, plan.by);
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...plan.by, "period_index", "signups", "signup_churned", "churned"].map((c) => [c, []]),
  );
  const k = plan.by.length;
  const at = (label: unknown) => periodOf(c.indexOf(label));
  const emit = (r: Record<string, unknown>, p: number, s: number, sc: number, ch: number) => {
    plan.by.forEach((b, j) => out[b].push(plainKey(r[query.keys[j]], kinds[j])));
    out.period_index.push(p);
    out.signups.push(s);
    out.signup_churned.push(sc);
    out.churned.push(ch);
  };
  for (const r of rows) {
    const s = r[query.keys[k]], ch = r[query.keys[k + 1]];
    if (s === null || s === undefined) continue;
    const n = num(r[query.measures[0]]);
    const si = at(s);
    if (ch !== null && ch !== undefined && at(ch) === si) emit(r, si, n, n, 0);
    else {
      emit(r, si, n, 0, 0);
      if (ch !== null && ch !== undefined) emit(r, at(ch), 0, 0, n);
    }
  }
  const flows = aq.table(out)
    .groupby([...plan.by, "period_index"])
    .rollup({
      signups: aq.op.sum("signups"),
      signup_churned: aq.op.sum("signup_churned"),
      churned: aq.op.sum("churned"),
    });
  return { flows, query };
}

/** The checks of a customers relation in one query, then its window. */
async function windowInEngine(
  src: KpiSqlSource,
  relation: Relation,
  signup: PeriodBucket,
  churn: PeriodBucket,
  plan: GroupPlan & { period: Period },
  options: ChurnOptions,
): Promise<CustomerWindow> {
  const instant = (op: "minInstant" | "maxInstant", b: PeriodBucket): Measure => ({
    name: `${op}_${b.column}`,
    op,
    column: b.column,
    dateKind: b.dateKind,
    dateZone: b.dateZone,
  });
  const measures: Measure[] = [
    { name: "rows", op: "rows" },
    { name: "signup_missing", op: "countWhere", where: { op: "missing", column: "signup_date" } },
    {
      name: "churn_before_signup",
      op: "countWhere",
      where: { op: "before", column: "churn_date", other: "signup_date" },
    },
    { name: "ids", op: "count", column: "customer_id" },
    { name: "distinct_ids", op: "countDistinct", column: "customer_id" },
    instant("minInstant", signup),
    instant("maxInstant", signup),
    instant("maxInstant", churn),
  ];
  const query = compileAggregate({ relation, by: [], measures }, src.engine.dialect);
  const [row] = await src.log.run(query);
  const v = (i: number) => num(row?.[query.measures[i]]);
  const rows = v(0), problems: CxProblem[] = [];
  const report = (count: number, column: string, reason: string) => {
    if (count > 0) problems.push({ row: null, column, value: `${count} rows`, reason });
    return count > 0 ? count : 0;
  };
  const total =
    report(v(1), "signup_date", "signup_date must be a date; every customer needs one") +
    report(
      v(2),
      "churn_date",
      "churn_date is before signup_date: a customer cannot churn before signing up; check the date format or the column mapping",
    ) +
    report(rows - v(3), "customer_id", "customer_id is missing; every customer needs an id") +
    report(
      v(3) - v(4),
      "customer_id",
      "customer_id values appear again; each customer must be one row",
    );
  if (total) {
    throw new CxDataError(
      problems,
      total,
      `The customers table has impossible values (${total} in ${src.engine.name})`,
    );
  }
  // ClickHouse returns 0, not NULL, for min/max of no rows of a non-Nullable column.
  const ms = (x: number) => rows > 0 && Number.isFinite(x) ? Math.round(x) : NaN;
  const min = ms(v(5)), max = Math.max(ms(v(6)), ms(v(7)) || -Infinity);
  return windowOfRange(
    Number.isNaN(min) ? Infinity : min,
    Number.isNaN(max) ? -Infinity : max,
    plan,
    options,
  );
}

/** Customer counts of one segment × period (the input of the finalize steps). */
export interface CustomerCounts {
  /** First instant after the period. */
  period_end: Date;
  /** Customers at the period start. */
  customers_start: number;
  /** Of those, churned in the period. */
  churned: number;
  /** Signed up in the period. */
  signups: number;
  /** Signed up and churned in the period. */
  signup_churned: number;
  /** `signups − signup_churned`. */
  new_customers: number;
  /** Customers at the period end. */
  customers_end: number;
  /** The period ends by the cut-off (fully observed). */
  complete: boolean;
}

/**
 * Running stocks from the flows: one row per segment × reported period (every
 * segment gets every period), with the key columns `…by, period,
 * period_start` and the {@link CustomerCounts}.
 */
export function customerCounts(
  flows: ColumnTable,
  by: string[],
  window: CustomerWindow,
): ColumnTable {
  const groups = new Map<string, { keys: unknown[]; flows: CustomerFlows[] }>();
  for (const row of flows.objects() as Record<string, unknown>[]) {
    const keys = by.map((b) => row[b]);
    const id = JSON.stringify(keys);
    let g = groups.get(id);
    if (!g) groups.set(id, g = { keys, flows: [] });
    g.flows[row.period_index as number] = row as unknown as CustomerFlows;
  }
  if (by.length === 0 && groups.size === 0) groups.set("[]", { keys: [], flows: [] });
  const rows: Record<string, unknown>[] = [];
  for (const { keys, flows: byPeriod } of groups.values()) {
    let stock = 0;
    window.periods.forEach((p, i) => {
      const f = byPeriod[i] ?? { signups: 0, signup_churned: 0, churned: 0 };
      const newCustomers = f.signups - f.signup_churned;
      const end = stock - f.churned + newCustomers;
      if (i >= window.first) {
        const row: Record<string, unknown> = {};
        by.forEach((b, k) => row[b] = keys[k]);
        Object.assign(row, {
          period: p.label,
          period_start: p.start,
          period_end: p.end,
          customers_start: stock,
          churned: f.churned,
          signups: f.signups,
          signup_churned: f.signup_churned,
          new_customers: newCustomers,
          customers_end: end,
          complete: p.complete,
        });
        rows.push(row);
      }
      stock = end;
    });
  }
  const names = [...by, "period", "period_start", ...CUSTOMER_COUNT_COLUMNS, "complete"];
  return aq.table(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])));
}

/** Finalize step of churn: rate and Wilson interval from the counts. */
export function finalizeChurn(
  counts: CustomerCounts,
  confidence: number,
): Record<string, unknown> {
  const n = counts.customers_start;
  const { low, high } = wilson(counts.churned, n, confidence);
  return {
    ...countColumns(counts),
    churn_rate: n > 0 ? counts.churned / n : null,
    churn_rate_low: low,
    churn_rate_high: high,
    n,
    complete: counts.complete,
  };
}

/** Finalize step of retention: (end − new) / start and its Wilson interval. */
export function finalizeRetention(
  counts: CustomerCounts,
  confidence: number,
): Record<string, unknown> {
  const n = counts.customers_start;
  const retained = counts.customers_end - counts.new_customers;
  const { low, high } = wilson(retained, n, confidence);
  return {
    ...countColumns(counts),
    retention: n > 0 ? retained / n : null,
    retention_low: low,
    retention_high: high,
    n,
    complete: counts.complete,
  };
}

function countColumns(counts: CustomerCounts): Record<string, unknown> {
  return Object.fromEntries(CUSTOMER_COUNT_COLUMNS.map((c) => [c, counts[c]]));
}

/** What the result metadata says about the window and the boundary rules. */
export function windowNotes(window: CustomerWindow): Record<string, unknown> {
  return {
    from: window.from,
    observedUntil: window.to,
    cutoff: window.cutoff,
    periods:
      "half-open [start, end) at local midnight; a date belongs to the period of its instant",
    customers_start: "signup < start and no churn before start",
    churned: "customers_start with start ≤ churn < end",
    signup_churned: "signed up and churned in the same period: in no stock, not in churned",
    new_customers: "signups − signup_churned",
    complete: "false when the period ends after the cut-off (end of the day `observedUntil`)",
  };
}
