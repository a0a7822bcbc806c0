/**
 * The observation window of the customer KPIs: contiguous calendar periods
 * from the earliest signup (or `from`) to the cut-off (the end of the day
 * `observedUntil`), and the period of each signup and churn in it.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../../errors.ts";
import { type Period, periodFn } from "../../time/period.ts";
import type { GroupPlan } from "../../base/plan.ts";
import { pooled, type TableInput } from "../../base/input.ts";
import { checkCustomerDates, checkUniqueIds, type ChurnOptions, planCustomers } from "./options.ts";

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

/**
 * Validates the customers table (required columns, dates, churn not before
 * signup, unique ids) and the options, and builds the period window.
 */
export function prepareCustomers(
  customers: TableInput,
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
