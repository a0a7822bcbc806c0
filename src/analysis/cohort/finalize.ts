/**
 * The finalize step of cohort retention: Wilson intervals, complete flags,
 * unreached periods left out, metadata. Any aggregate with the same counts
 * (the in-memory kernel's, or an SQL engine's) gives the same table.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { leaveOutMissingCells } from "../../metrics/groups.ts";
import { wilson } from "../../stats/intervals.ts";
import type { CohortCells, RetentionAggregate } from "./kernel.ts";
import { type CohortMeta, compareTuples, CUSTOMERS_IN_CELLS, setCohortMeta } from "./meta.ts";
import {
  COHORT_RETENTION_COLUMNS,
  type RetentionPlan,
  REVENUE_RETENTION_COLUMNS,
} from "./options.ts";
import { ROLLING_LENGTH } from "./periods.ts";

/**
 * The finalize step of `cohortRetention`: Wilson intervals, complete
 * flags, unreached periods left out, metadata. Any aggregate with the same
 * counts (the kernel's, or an SQL engine's) gives the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { finalizeRetention } from "./finalize.ts";
 * import { resolveRetention } from "./options.ts";
 * const plan = resolveRetention(aq.table({ customer_id: ["a"], date: [null] }), {});
 * const cell = { segment: [], cohort: 24288, size: 2, minAnchor: 0, maxAnchor: 0 };
 * const counts = { n: Int32Array.of(2, 2), active: Int32Array.of(2, 1), unbounded: Int32Array.of(2, 1) };
 * const result = finalizeRetention({
 *   cells: [{ ...cell, ...counts }],
 *   observedUntil: new Date("2024-02-29"),
 *   cutoff: Date.parse("2024-03-01"),
 *   eventsIgnored: 0,
 *   customersIgnored: 0,
 *   segmentChanges: 0,
 * }, plan);
 * assert.deepEqual(result.array("retention"), [1, 0.5]);
 * assert.equal(result.get("cohort", 0), "2024-01");
 * ```
 */
export function finalizeRetention(
  aggregate: RetentionAggregate,
  plan: RetentionPlan,
): ColumnTable {
  const names = [
    ...plan.by,
    ...COHORT_RETENTION_COLUMNS,
    ...(plan.revenue ? REVENUE_RETENTION_COLUMNS : []),
    "complete",
    "window",
    "time_zone",
  ];
  const columns: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, []]));
  const { kept, note: missing } = leaveOutMissingCells(
    aggregate.cells,
    plan.by,
    plan.missing,
    (g) => g.segment,
    CUSTOMERS_IN_CELLS,
  );
  const cells = kept.sort((a, b) => compareTuples(a.segment, b.segment) || a.cohort - b.cohort);
  let incomplete = 0;
  for (const g of cells) incomplete += cellRows(g, aggregate.cutoff, plan, columns);
  const meta = retentionMeta(aggregate, plan, {
    ...(missing ? { missingGroups: missing } : {}),
    incompleteCells: incomplete,
  });
  return setCohortMeta(aq.table(columns), meta);
}

/** Appends the reached periods of one (segment, cohort); returns how many are incomplete. */
function cellRows(
  g: CohortCells,
  cutoff: number,
  plan: RetentionPlan,
  columns: Record<string, unknown[]>,
): number {
  const { calendar, window, mode } = plan;
  let incomplete = 0;
  for (let k = 0; k < g.n.length; k++) {
    const reached = window === "calendar"
      ? calendar.start(g.cohort + k).getTime() < cutoff
      : g.n[k] > 0;
    if (!reached) break;
    const complete = window === "calendar"
      ? calendar.start(g.cohort + k + 1).getTime() <= cutoff
      : g.n[k] === g.size;
    if (!complete) incomplete++;
    const n = g.n[k];
    const active = mode === "exact" ? g.active[k] : g.unbounded[k];
    const { low, high } = wilson(active, n, plan.confidence);
    plan.by.forEach((name, j) => columns[name].push(g.segment[j]));
    columns.cohort.push(calendar.label(g.cohort));
    columns.cohort_start.push(calendar.start(g.cohort));
    columns.period_index.push(k);
    columns.cohort_size.push(g.size);
    columns.n.push(n);
    columns.active.push(active);
    columns.retention.push(active / n);
    columns.retention_low.push(low);
    columns.retention_high.push(high);
    if (plan.revenue) {
      const base = g.base![k];
      columns.revenue.push(g.revenue![k]);
      columns.base_revenue.push(base);
      columns.capped_revenue.push(g.capped![k]);
      columns.net_revenue_retention.push(base > 0 ? g.revenue![k] / base : null);
      columns.gross_revenue_retention.push(base > 0 ? g.capped![k] / base : null);
    }
    columns.complete.push(complete);
    columns.window.push(window);
    columns.time_zone.push(plan.timeZone);
  }
  return incomplete;
}

/** The metadata of a retention result: definitions, warnings and counts. */
function retentionMeta(
  aggregate: RetentionAggregate,
  plan: RetentionPlan,
  counts: Record<string, unknown>,
): CohortMeta {
  const { window, mode } = plan;
  const warnings: string[] = [];
  if (aggregate.segmentChanges) {
    warnings.push(
      `${aggregate.segmentChanges} customer(s) have different ${
        plan.sources.filter((s) => s.from === "events").map((s) => s.name).join("/")
      } values on different events; each is counted in the segment of their first event`,
    );
  }
  return {
    analysis: "cohortRetention",
    method: "wilson",
    confidence: plan.confidence,
    timeZone: plan.timeZone,
    period: plan.period,
    window,
    mode,
    anchor: plan.anchor.kind === "first_activity" ? "first_activity" : "signup",
    by: plan.by,
    observedUntil: aggregate.observedUntil,
    cutoff: new Date(aggregate.cutoff),
    warnings,
    notes: {
      active: mode === "exact"
        ? "distinct customers with an event in period k"
        : "distinct customers with an event in period k or any later observed period " +
          "(values of recent periods can still rise as data arrives)",
      ...(window === "rolling"
        ? {
          rollingDays: ROLLING_LENGTH[plan.period] / 86_400_000,
          periodK: "[anchor + k·L, anchor + (k+1)·L)",
        }
        : {}),
      unreached: "periods not started by the cut-off have no row",
      ...counts,
      eventsIgnored: aggregate.eventsIgnored,
      customersIgnored: aggregate.customersIgnored,
      ...(plan.revenue
        ? {
          revenue: plan.revenue,
          netRevenueRetention: "revenue(k) / revenue(0)",
          grossRevenueRetention: "Σᵢ max(0, min(r(i,k), r(i,0))) / revenue(0)",
        }
        : {}),
    },
  };
}
