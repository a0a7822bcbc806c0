/**
 * Historic customer lifetime value per segment: average order value ×
 * purchase frequency × expected lifespan × margin, from the orders and the
 * customers tables.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { optionNames, refuseGrouped, withoutNames } from "../options.ts";
import { tInterval, wilson } from "../stats/intervals.ts";
import type { TableInput } from "../base/input.ts";
import type { GroupPlan } from "../base/plan.ts";
import { type EngineOptions, refuseEngine, runsInEngine, withEngine } from "../engine/dispatch.ts";
import { annualizeChurn } from "./churn.ts";
import { aggregateChurn, customerCounts } from "./churn/aggregate.ts";
import { windowNotes } from "./churn/finalize.ts";
import { CHURN_OPTIONS, type ChurnOptions, requireColumns } from "./churn/options.ts";
import { type CustomerWindow, prepareCustomers } from "./churn/window.ts";
import { checkValues, pooled, sumOf, tidyResult } from "./groups.ts";

/** Options of {@link historicClv}. */
export interface ClvOptions extends Omit<ChurnOptions, "period" | "from"> {
  /** Gross margin as a share of revenue, 0 < margin ≤ 1 (default 1: CLV in revenue). */
  margin?: number;
  /** Expected lifespan in years to use instead of 1 / annual churn (for every segment). */
  lifespan?: number;
}

const CLV_OPTIONS = optionNames<ClvOptions>()([
  ...withoutNames(CHURN_OPTIONS, "period", "from"),
  "margin",
  "lifespan",
]);

/** The CLV result columns after the group keys, in order. */
export const CLV_COLUMNS = [
  "customers",
  "customer_years",
  "orders",
  "orders_missing_revenue",
  "revenue",
  "aov",
  "purchase_frequency",
  "annual_value",
  "annual_value_low",
  "annual_value_high",
  "monthly_churn",
  "annual_churn",
  "annual_churn_low",
  "annual_churn_high",
  "lifespan_years",
  "no_churn",
  "clv",
  "n",
] as const;

const YEAR = 365.25 * 86_400_000;

/**
 * Historic CLV per segment: `clv = aov × purchase_frequency × lifespan_years
 * × margin`.
 *
 * - **Orders** are rows of `orders` with `type` `"order"` or a non-missing
 *   `revenue` (so refunds with negative revenue count, and a table without
 *   `type` counts every row with revenue). `revenue` sums the non-missing
 *   revenue; orders without revenue count as orders with revenue 0 and are
 *   shown in `orders_missing_revenue`. Orders after the cut-off, and of
 *   customers not in `customers`, are left out (their number is in the
 *   metadata as `unmatched_orders`).
 * - `aov = revenue / orders`.
 * - **Observed tenure** of a customer, in years of 365.25 days: from
 *   `signup_date` to `churn_date`, or to the cut-off (end of the day `observedUntil`)
 *   while active. `customer_years` is its sum over the segment.
 * - `purchase_frequency = orders / customer_years` (orders per customer per
 *   year); `annual_value = aov × purchase_frequency = revenue /
 *   customer_years`.
 * - **Churn**: `monthly_churn` is the pooled churn rate of the complete
 *   calendar months (Σ churned / Σ customers_start, rules of
 *   {@link churnRate}); `annual_churn = 1 − (1 − monthly_churn)^12`.
 * - `lifespan_years = 1 / (−12 · ln(1 − monthly_churn))` (or the `lifespan`
 *   option): the mean lifetime under a constant churn hazard, λ = −ln(1 − m)
 *   a month, so lifetimes are exponential with mean 1 / (12·λ) years (e.g.
 *   monthly churn 4.45 %: 1.83 years; the old 1 / annual_churn counted the
 *   year a customer leaves as a whole year and gave 2.37). With no churn
 *   observed `annual_churn` is 0,
 *   `lifespan_years` and `clv` are `null` and `no_churn` is `true` (unless
 *   `lifespan` is given).
 * - `clv` is computed as `annual_value × lifespan_years × margin`, the same
 *   product, which stays defined (0) for a segment without orders.
 *
 * Intervals: `annual_value_low/high` is a t interval (df = customers − 1) for
 * the ratio estimator revenue / customer_years, linearized over customers (se
 * = s_u / (ē·√n), u_i = r_i − R·e_i, Cochran's ratio estimator);
 * `annual_churn_low/high` annualizes the Wilson interval of the pooled
 * monthly churn (customer-months as independent trials, as under a constant
 * hazard). There is no `aov` interval (orders cluster within customers, so
 * a t interval over orders would be too narrow) and no `clv` interval (it
 * multiplies two estimates from the same customers; use a bootstrap over
 * customers).
 *
 * It runs in memory only: given `engine` or a `{ engine, table }` input it
 * throws a `CxOptionsError` saying why (the one wording of `refuseEngine`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { historicClv } from "./clv.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b"],
 *   signup_date: [d("2024-01-01"), d("2024-01-01")],
 *   churn_date: [d("2024-07-01"), null],
 * });
 * const orders = aq.table({
 *   customer_id: ["a", "b", "b", "b"],
 *   date: [d("2024-02-01"), d("2024-03-01"), d("2024-06-01"), d("2024-09-01")],
 *   revenue: [40, 20, 30, 30],
 * });
 * const r = historicClv(orders, customers, { observedUntil: d("2024-12-31"), lifespan: 3 });
 * assert.ok(r.get("orders", 0) === 4 && r.get("aov", 0) === 30); // 120 / 4
 * const years = (182 + 366) / 365.25; // a: 1 Jan → 1 Jul; b: active all of 2024
 * assert.ok(Math.abs(r.get("clv", 0) - 30 * (4 / years) * 3) < 1e-9); // AOV × freq × 3 years
 * ```
 */
export function historicClv(
  orders: TableInput,
  customers: TableInput,
  options: ClvOptions & EngineOptions = {},
): ColumnTable {
  return withEngine<ClvOptions>({
    name: "historicClv",
    options: CLV_OPTIONS,
    memory: (table, checked) => clvInMemory(orders, table, checked),
    sql: { refuse: CLV_IN_MEMORY },
  })(customers, options);
}

/** Why {@link historicClv} runs in memory only. */
const CLV_IN_MEMORY =
  "it joins every order to its customer's tenure and churn window in memory, which no per-group SQL aggregate gives";

function clvInMemory(orders: TableInput, customers: TableInput, options: ClvOptions): ColumnTable {
  if (runsInEngine(orders, undefined)) refuseEngine("historicClv", CLV_IN_MEMORY);
  for (const t of [orders].flat()) refuseGrouped("historicClv", t);
  const { margin = 1, lifespan } = checkClvOptions(options);
  const orderTable = checkOrders(pooled(orders));
  let prepared = prepareCustomers(customers, options, [], "month");
  if (options.observedUntil === undefined) {
    // The cut-off is the latest date in either table.
    const latest = latestDate(orderTable);
    if (latest && latest > prepared.window.to) {
      prepared = prepareCustomers(customers, { ...options, observedUntil: latest }, [], "month");
    }
  }
  const { table, plan, window } = prepared;
  const { aggregate, unmatched } = aggregateClv(orderTable, table, plan, window);
  const churn = pooledChurn(table, plan, window);
  const keyed = (aggregate.objects() as Record<string, unknown>[]).map((row) => ({
    ...row,
    ...churn.get(JSON.stringify(plan.by.map((b) => row[b]))),
  }));
  const resultPlan: GroupPlan = { ...plan, period: undefined };
  return tidyResult(
    aq.from(keyed),
    plan.by,
    resultPlan,
    (row) => finalizeClv(row as unknown as ClvSums, { margin, lifespan }, plan.confidence),
    {
      kpi: "historic_clv",
      method: "ratio-estimator t (annual value), wilson (monthly churn, annualized)",
      notes: {
        ...windowNotes(window),
        margin,
        lifespan: lifespan ??
          "constant churn hazard: mean lifetime 1 / (−12 · ln(1 − monthly_churn)) years",
        unmatched_orders: unmatched,
        year: "365.25 days",
      },
    },
    [...CLV_COLUMNS],
    { leftOut: { noun: "customers", count: sumOf("customers") } },
  );
}

/** Checks `margin` and `lifespan`; returns the options. */
function checkClvOptions(options: ClvOptions): ClvOptions {
  const { margin = 1, lifespan } = options;
  if (typeof margin !== "number" || !(margin > 0 && margin <= 1)) {
    throw new CxOptionsError(
      `Option "margin" must be a share of revenue, 0 < margin ≤ 1 (e.g. 0.3), got ${
        JSON.stringify(margin)
      }`,
    );
  }
  if (
    lifespan !== undefined && !(typeof lifespan === "number" && lifespan > 0 && isFinite(lifespan))
  ) {
    throw new CxOptionsError(
      `Option "lifespan" must be a number of years > 0, got ${JSON.stringify(lifespan)}`,
    );
  }
  return options;
}

function checkOrders(orders: ColumnTable): ColumnTable {
  requireColumns(orders, ["customer_id", "date", "revenue"], "orders");
  checkValues(
    orders,
    "date",
    (v) => v instanceof Date && !isNaN(v.getTime()),
    'date must be a date; load orders with readCsv(…, { schema: "events" })',
  );
  checkValues(
    orders,
    "revenue",
    (v) => typeof v === "number" && isFinite(v),
    "revenue must be a number or empty",
  );
  return orders;
}

function latestDate(orders: ColumnTable): Date | undefined {
  let max = -Infinity;
  for (const d of orders.array("date") as (Date | null)[]) if (d) max = Math.max(max, d.getTime());
  return max > -Infinity ? new Date(max) : undefined;
}

/** The mergeable aggregate of CLV per segment (counts and sums). */
export interface ClvSums {
  /** Customers who signed up before the cut-off. */
  customers: number;
  /** Σ observed tenure e_i in years. */
  customer_years: number;
  /** Orders (type "order" or revenue present). */
  orders: number;
  /** Orders without revenue. */
  orders_missing_revenue: number;
  /** Σ revenue r_i. */
  revenue: number;
  /** Σ r_i². */
  revenue_sq: number;
  /** Σ e_i². */
  years_sq: number;
  /** Σ r_i·e_i. */
  revenue_years: number;
  /** Σ customers_start over complete months. */
  churn_at_risk: number;
  /** Σ churned over complete months. */
  churn_churned: number;
}

/**
 * Aggregate step: per-customer orders, revenue and tenure (orders joined to
 * customers by `customer_id`), then sums per segment (Arquero).
 */
export function aggregateClv(
  orders: ColumnTable,
  customers: ColumnTable,
  plan: GroupPlan,
  window: CustomerWindow,
): { aggregate: ColumnTable; unmatched: number } {
  const cutoff = window.cutoff.getTime();
  const ids = customers.array("customer_id") as string[];
  const signups = customers.array("signup_date") as Date[];
  const churns = customers.array("churn_date") as (Date | null)[];
  const row = new Map<unknown, number>();
  ids.forEach((id, i) => {
    if (signups[i].getTime() < cutoff) row.set(id, i);
  });
  const n = ids.length;
  const orderCount = new Float64Array(n),
    missing = new Float64Array(n),
    revenue = new Float64Array(n);
  const orderIds = orders.array("customer_id") as unknown[];
  const dates = orders.array("date") as (Date | null)[];
  const amounts = orders.array("revenue") as (number | null)[];
  const types = orders.columnNames().includes("type")
    ? orders.array("type") as unknown[]
    : undefined;
  let unmatched = 0;
  for (let j = 0; j < orderIds.length; j++) {
    const amount = amounts[j];
    const hasRevenue = amount !== null && amount !== undefined;
    if (!(hasRevenue || types?.[j] === "order")) continue;
    const date = dates[j];
    if (date && date.getTime() >= cutoff) continue;
    const i = row.get(orderIds[j]);
    if (i === undefined) {
      unmatched++;
      continue;
    }
    orderCount[i]++;
    if (hasRevenue) revenue[i] += amount;
    else missing[i]++;
  }
  const keep = [...row.values()];
  const years = keep.map((i) => {
    const end = Math.min(churns[i]?.getTime() ?? Infinity, cutoff);
    return (end - signups[i].getTime()) / YEAR;
  });
  const perCustomer = aq.table({
    ...Object.fromEntries(
      plan.by.map((b) => {
        const values = customers.array(b) as unknown[];
        return [b, keep.map((i) => values[i])];
      }),
    ),
    e: years,
    r: keep.map((i) => revenue[i]),
    o: keep.map((i) => orderCount[i]),
    m: keep.map((i) => missing[i]),
  });
  const grouped = plan.by.length ? perCustomer.groupby(plan.by) : perCustomer;
  const aggregate = grouped.rollup({
    customers: aq.op.count(),
    customer_years: aq.op.sum("e"),
    orders: aq.op.sum("o"),
    orders_missing_revenue: aq.op.sum("m"),
    revenue: aq.op.sum("r"),
    revenue_sq: "d => aq.op.sum(d.r * d.r)",
    years_sq: "d => aq.op.sum(d.e * d.e)",
    revenue_years: "d => aq.op.sum(d.r * d.e)",
  });
  return { aggregate, unmatched };
}

// Σ customers_start and Σ churned over the complete months, per segment key.
function pooledChurn(
  table: ColumnTable,
  plan: GroupPlan,
  window: CustomerWindow,
): Map<string, { churn_at_risk: number; churn_churned: number }> {
  const counts = customerCounts(aggregateChurn(table, plan, window), plan.by, window);
  const pooled = new Map<string, { churn_at_risk: number; churn_churned: number }>();
  for (const row of counts.objects() as Record<string, unknown>[]) {
    if (!row.complete) continue;
    const key = JSON.stringify(plan.by.map((b) => row[b]));
    const p = pooled.get(key) ?? { churn_at_risk: 0, churn_churned: 0 };
    p.churn_at_risk += row.customers_start as number;
    p.churn_churned += row.churned as number;
    pooled.set(key, p);
  }
  return pooled;
}

/**
 * Mean lifetime in years under a constant hazard with monthly churn m:
 * 1 / (−12 · ln(1 − m)) (0 when every customer churns within the month).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanLifetime } from "./clv.ts";
 * // Exponential lifetimes with mean 1.83 years churn 1 − e^(−1/(12·1.83)) a month.
 * assert.ok(Math.abs(meanLifetime(1 - Math.exp(-1 / (12 * 1.83))) - 1.83) < 1e-12);
 * ```
 */
export function meanLifetime(monthly: number): number {
  return 1 / (-12 * Math.log1p(-monthly));
}

/** Finalize step: AOV, frequency, annual value and its interval, churn, lifespan, CLV. */
export function finalizeClv(
  sums: ClvSums,
  { margin, lifespan }: { margin: number; lifespan?: number },
  confidence: number,
): Record<string, unknown> {
  const { customers: n, customer_years: years, orders, revenue } = sums;
  const aov = orders > 0 ? revenue / orders : null;
  const frequency = years > 0 ? orders / years : null;
  const value = years > 0 ? revenue / years : null;
  let valueLow = null, valueHigh = null;
  if (value !== null && n >= 2) {
    // Ratio estimator R = Σr/Σe: Var(R) ≈ s_u² / (n·ē²), s_u² = Σ(r − R·e)² / (n − 1).
    const ss = sums.revenue_sq - 2 * value * sums.revenue_years + value * value * sums.years_sq;
    const sd = Math.sqrt(Math.max(0, ss) / (n - 1)) / (years / n);
    ({ low: valueLow, high: valueHigh } = tInterval(value, sd, n, confidence));
  }
  const atRisk = sums.churn_at_risk ?? 0, churned = sums.churn_churned ?? 0;
  const monthly = atRisk > 0 ? churned / atRisk : null;
  const annual = monthly === null ? null : annualizeChurn(monthly);
  const band = wilson(churned, atRisk, confidence);
  const life = lifespan ?? (monthly !== null && monthly > 0 ? meanLifetime(monthly) : null);
  return {
    customers: n,
    customer_years: years,
    orders,
    orders_missing_revenue: sums.orders_missing_revenue,
    revenue,
    aov,
    purchase_frequency: frequency,
    annual_value: value,
    annual_value_low: valueLow,
    annual_value_high: valueHigh,
    monthly_churn: monthly,
    annual_churn: annual,
    annual_churn_low: band.low === null ? null : annualizeChurn(band.low),
    annual_churn_high: band.high === null ? null : annualizeChurn(band.high),
    lifespan_years: life,
    no_churn: annual === 0,
    // annual_value = aov × purchase_frequency, and stays defined (0) without orders.
    clv: value !== null && life !== null ? value * life * margin : null,
    n,
  };
}
