/**
 * The aggregate step of the customer KPIs: mergeable customer flows per
 * segment × period (signups, same-period churns, churns of earlier
 * customers), then the running stocks per reported period.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { GroupPlan } from "../../base/plan.ts";
import { CUSTOMER_COUNT_COLUMNS } from "./finalize.ts";
import { customerPeriods, type CustomerWindow } from "./window.ts";

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
 * Flow records per segment × period index, summed into the flows table
 * {@link aggregateChurn} returns; the in-memory and the SQL aggregate steps
 * both add their customers here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FlowRecords } from "./aggregate.ts";
 * const flows = new FlowRecords(["plan"]);
 * flows.addCustomers(["pro"], 0, 1, 3); // 3 customers: signed up in period 0, churned in 1
 * flows.addCustomers(["pro"], 1, 1); // 1 customer: signed up and churned in period 1
 * assert.deepEqual(flows.table().objects(), [
 *   { plan: "pro", period_index: 0, signups: 3, signup_churned: 0, churned: 0 },
 *   { plan: "pro", period_index: 1, signups: 1, signup_churned: 1, churned: 3 },
 * ]);
 * ```
 */
export class FlowRecords {
  readonly #by: string[];
  readonly #columns: Record<string, unknown[]>;

  /** Records for the segment columns `by`. */
  constructor(by: string[]) {
    this.#by = by;
    this.#columns = Object.fromEntries(
      [...by, "period_index", "signups", "signup_churned", "churned"].map((c) => [c, []]),
    );
  }

  /**
   * Adds `n` customers of a segment (its `by` values) who signed up in
   * period `signup` and churned in period `churn` (`null`: not churned, or
   * not observed).
   */
  addCustomers(keys: unknown[], signup: number, churn: number | null, n = 1): void {
    if (churn === signup) this.#add(keys, signup, n, n, 0);
    else {
      this.#add(keys, signup, n, 0, 0);
      if (churn !== null) this.#add(keys, churn, 0, 0, n);
    }
  }

  /** The flows: one row per segment × period index with the summed counts. */
  table(): ColumnTable {
    return aq.table(this.#columns)
      .groupby([...this.#by, "period_index"])
      .rollup({
        signups: aq.op.sum("signups"),
        signup_churned: aq.op.sum("signup_churned"),
        churned: aq.op.sum("churned"),
      });
  }

  #add(keys: unknown[], period: number, s: number, sc: number, c: number): void {
    this.#by.forEach((b, k) => this.#columns[b].push(keys[k]));
    this.#columns.period_index.push(period);
    this.#columns.signups.push(s);
    this.#columns.signup_churned.push(sc);
    this.#columns.churned.push(c);
  }
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
  const flows = new FlowRecords(plan.by);
  const byValues = plan.by.map((b) => table.array(b) as unknown[]);
  for (let i = 0; i < signup.length; i++) {
    const s = signup[i];
    if (s !== null) flows.addCustomers(byValues.map((v) => v[i]), s, churn[i]);
  }
  return flows.table();
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
