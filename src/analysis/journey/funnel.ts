/**
 * Conversion funnels over an events table: how many customers reach each
 * step, within a conversion window from the first step, with intervals,
 * times between steps and segment tests — in memory or in an SQL engine.
 *
 * Stages: options (this file) → aggregate (`funnel_levels.ts` in memory,
 * `funnel_sql.ts` in an engine; both give the same customer summary) →
 * finalize (`funnel_finalize.ts`).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { pooled, type TableInput } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CxOptionsError } from "../../errors.ts";
import { optionNames } from "../../options.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { finalizeFunnel, type FinalizePlan } from "./funnel_finalize.ts";
import { DAY_MS, memoryFunnelSummary } from "./funnel_levels.ts";
import { funnelSummarySql } from "./funnel_sql.ts";

export { FUNNEL_COLUMNS, FUNNEL_TEST_COLUMNS } from "./funnel_finalize.ts";

/** Options of {@link funnel}. */
export interface FunnelOptions {
  /** Customer id column (default `"customer_id"`). */
  customer?: string;
  /** Date column, dates or timestamps (default `"date"`). */
  date?: string;
  /** Step column (default `"step"`); rows whose step is not one of `steps` are no funnel events. */
  step?: string;
  /** The funnel's steps in order, at least one, no repeats (values of the step column). */
  steps: string[];
  /** Conversion window in days from the first step (> 0, fractions allowed). */
  windowDays: number;
  /**
   * `"strict"` (default): each step at or after the previous one; `"any"`:
   * after the first step, the later steps in any order.
   */
  order?: "strict" | "any";
  /** Segment column(s): one funnel per segment, and a test per step across them. */
  by?: string | string[];
  /** Confidence level of intervals and tests (default 0.95). */
  confidence?: number;
  /** Rows whose denominator `n` is below this are flagged `small_sample` (default 30). */
  minN?: number;
  /**
   * End of observation (default: the latest date in the table): customers
   * whose window runs past it are censored in the time to the next step;
   * funnel events after it are left out.
   */
  observedUntil?: Date;
}

/** The names of {@link FunnelOptions}. */
export const FUNNEL_OPTIONS = optionNames<FunnelOptions>()([
  "customer",
  "date",
  "step",
  "steps",
  "windowDays",
  "order",
  "by",
  "confidence",
  "minN",
  "observedUntil",
]);

/**
 * Conversion funnel: one row per step (and segment) with `step,
 * step_index, customers, conversion_from_previous(_low, _high),
 * conversion_from_start(_low, _high), median_days(_low, _high), n,
 * small_sample`, and with `by` the test columns `statistic, df, p_value,
 * p_adjusted, significant`.
 *
 * **Level.** A customer's level is the furthest step reached within
 * `windowDays` (inclusive) of some occurrence of the first step; the best
 * start counts, as ClickHouse's `windowFunnel`. From a start s:
 * - `order: "strict"`: step i counts at its first occurrence at or after the
 *   step i − 1 the chain took; other events and repeats in between are
 *   allowed (and ignored).
 * - `order: "any"`: step i counts once steps 1…i have all occurred at or
 *   after s, in any order; events before s do not count.
 *
 * Equal timestamps count in step order (a step and the next at the same
 * instant both count, 0 days apart); ClickHouse 18.16's `windowFunnel`
 * leaves them in the order rows arrive, so cxkit does not use it. A
 * repeated first step starts a new chain; the start that reaches furthest
 * wins, and among those the latest (whose steps are the closest together).
 * Customers without any first step are not in the funnel. A customer is
 * one per segment: with `by`, events of one customer with different segment
 * values make a funnel customer in each.
 *
 * **Rates.** `customers` reached the step; `conversion_from_previous` =
 * customers / customers of the previous step (`n`, the denominator; `null`
 * on step 1), `conversion_from_start` = customers / customers of step 1;
 * Wilson score intervals at `confidence`. `small_sample`: n < `minN`.
 *
 * **Time.** `median_days` is the Kaplan–Meier median of the days from the
 * previous step to this one along the chain that set the level, over the
 * customers who reached the previous step: those who reached this step are
 * events; those still inside their window at `observedUntil` (start +
 * window after it) are censored at the time elapsed so far; those whose
 * window closed first never convert and are left out. Interval as R
 * `survfit` (log transform); `null` while the curve has not reached ½.
 *
 * **Segments.** Per step 2…k, Pearson's χ² test of independence of
 * "reached this step" among customers of the previous step across segments
 * (no continuity correction, df = segments − 1), Holm-corrected over the
 * steps; `significant` = `p_adjusted < 1 − confidence`.
 *
 * Events with a missing customer, date or segment are left out and counted
 * in `meta(result).notes`. With `engine`, the summary per customer is
 * computed in DuckDB, PostgreSQL or ClickHouse and finalized by the same
 * TypeScript: the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { funnel } from "../../mod.ts";
 * const d = (day: number) => new Date(Date.UTC(2024, 0, day));
 * const events = aq.table({
 *   customer_id: ["a", "a", "a", "b", "b", "c"],
 *   date: [d(1), d(2), d(4), d(1), d(30), d(5)],
 *   step: ["visit", "cart", "buy", "visit", "cart", "visit"],
 * });
 * const f = funnel(events, { steps: ["visit", "cart", "buy"], windowDays: 7 });
 * // b's cart came after the 7-day window: b stays at "visit".
 * assert.deepEqual(f.array("customers"), [3, 1, 1]);
 * assert.equal(f.get("conversion_from_previous", 1), 1 / 3);
 * assert.equal(f.get("conversion_from_start", 2), 1 / 3);
 * ```
 */
export const funnel: EngineAnalysis<FunnelOptions> = withEngine<FunnelOptions>({
  name: "funnel",
  options: FUNNEL_OPTIONS,
  dates: true,
  memory: (input: TableInput, options) => {
    const table = pooled(input);
    const plan = funnelPlan(table, options);
    return finalizeFunnel(memoryFunnelSummary(table, plan), plan);
  },
  sql: async (call, options) => {
    const plan = funnelPlan(call.table, options);
    return finalizeFunnel(await funnelSummarySql(call, plan), plan);
  },
});

/** Checks the options against the table's columns and resolves the defaults. */
export function funnelPlan(table: ColumnTable, options: FunnelOptions): FinalizePlan {
  const {
    customer = "customer_id",
    date = "date",
    step = "step",
    steps,
    windowDays,
    order = "strict",
    confidence = 0.95,
    minN = 30,
    observedUntil,
  } = options ?? {};
  const by = options?.by === undefined ? [] : [options.by].flat();
  if (!Array.isArray(steps) || steps.length === 0 || steps.some((s) => typeof s !== "string")) {
    throw new CxOptionsError(
      `funnel: option "steps" must be a non-empty array of step names, got ${
        JSON.stringify(steps)
      }; e.g. steps: ["visit", "cart", "purchase"]`,
    );
  }
  const twice = steps.find((s, i) => steps.indexOf(s) !== i);
  if (twice !== undefined) {
    throw new CxOptionsError(
      `funnel: step ${JSON.stringify(twice)} is named twice in "steps"; each step once`,
    );
  }
  if (typeof windowDays !== "number" || !(windowDays > 0) || !Number.isFinite(windowDays)) {
    throw new CxOptionsError(
      `funnel: option "windowDays" must be a number of days > 0, got ${JSON.stringify(windowDays)}`,
    );
  }
  if (order !== "strict" && order !== "any") {
    throw new CxOptionsError(
      `funnel: option "order" must be "strict" or "any", got ${JSON.stringify(order)}`,
    );
  }
  checkConfidence(confidence);
  if (typeof minN !== "number" || !(minN >= 0)) {
    throw new CxOptionsError(
      `funnel: option "minN" must be a number ≥ 0, got ${JSON.stringify(minN)}`,
    );
  }
  if (
    observedUntil !== undefined &&
    !(observedUntil instanceof Date && !isNaN(observedUntil.getTime()))
  ) {
    throw new CxOptionsError(
      `funnel: option "observedUntil" must be a Date, got ${JSON.stringify(observedUntil)}`,
    );
  }
  checkColumns(table, [
    ["customer", customer],
    ["date", date],
    ["step", step],
    ...by.map((b) => ["by", b]),
  ]);
  return {
    customer,
    date,
    step,
    steps,
    windowMs: windowDays * DAY_MS,
    order,
    by,
    confidence,
    minN,
    observedUntil: observedUntil?.getTime(),
  };
}

function checkColumns(table: ColumnTable, named: string[][]): void {
  const names = table.columnNames();
  for (const [option, column] of named) {
    if (!names.includes(column)) {
      throw new CxOptionsError(
        `funnel: column ${
          JSON.stringify(column)
        } (option "${option}") is not in the table; columns: ${names.join(", ")}`,
      );
    }
  }
}
