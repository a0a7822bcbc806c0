/**
 * RFM: recency, frequency and monetary value per customer from their
 * orders, scored 1–5 by rank-based quintiles and named on the R × F grid.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../../errors.ts";
import { requireColumn } from "../../base/plan.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { pooled } from "../../base/input.ts";
import { optionNames } from "../../options.ts";
import { requireRows } from "./sums.ts";

/** The named RFM segments, best first. */
export const RFM_SEGMENTS = [
  "Champions",
  "Loyal",
  "Potential loyalist",
  "New",
  "Promising",
  "Need attention",
  "About to sleep",
  "At risk",
  "Cannot lose them",
  "Hibernating",
  "Lost",
] as const;

/** One of {@link RFM_SEGMENTS}. */
export type RfmSegment = typeof RFM_SEGMENTS[number];

/** Options of {@link rfm}. */
export interface RfmOptions {
  /** End of observation (the analysis date): recency is counted up to it; later orders are ignored. */
  observedUntil: Date;
  /** Customer column (default `"customer_id"`). */
  customer?: string;
  /** Order date column, holding `Date`s (default `"date"`). */
  date?: string;
  /** Order value column (default `"revenue"`); a missing value counts as 0. */
  revenue?: string;
}

/** The names of {@link RfmOptions}. */
export const RFM_OPTIONS = optionNames<RfmOptions>()([
  "observedUntil",
  "customer",
  "date",
  "revenue",
]);

/** The {@link rfm} result columns after the customer column, in order. */
export const RFM_COLUMNS = [
  "last_order",
  "recency_days",
  "frequency",
  "monetary",
  "r_score",
  "f_score",
  "m_score",
  "rfm_score",
  "segment",
] as const;

/**
 * Recency, frequency and monetary value per customer, scored 1–5 and named.
 * Pass ORDERS only (one row per order), e.g. `events.filter((d) => d.type ===
 * "order")`.
 *
 * Columns: the customer column, `last_order`, `recency_days` (whole days of
 * 24 h from the last order to `observedUntil`, rounded down), `frequency` (orders),
 * `monetary` (sum of revenue; a missing revenue counts 0), `r_score`,
 * `f_score`, `m_score`, `rfm_score` (e.g. `"545"`) and `segment`. Rows are
 * sorted by customer. Orders after `observedUntil` and rows without a customer or date
 * are ignored.
 *
 * **Scores** are rank-based quintiles, as pandas `qcut` on ranks: with N
 * customers and r the (1-based) rank of a customer's value, the score is
 * max(1, ⌈5·(r − 1)/(N − 1)⌉), so each score holds a fifth of the customers.
 * TIES share their AVERAGE rank (never split by row order), so equal values
 * always get the same score and a score band may hold more or fewer than a
 * fifth. Higher is better: the most recent orders get `r_score` 5 (ranked on
 * −recency), the most orders `f_score` 5, the most revenue `m_score` 5. A
 * single customer scores 3.
 *
 * **Segments** come from R and F (M is scored, not used by the map), on the
 * widely published 5 × 5 R × F segment grid (the `seg_map` of many RFM
 * tutorials; names as in the R package rfm's introduction vignette, after
 * Putler's RFM segments), whose hibernating corner is split by recency into
 * Hibernating (R 2) and Lost (R 1):
 *
 * | R \ F | 1              | 2                  | 3                  | 4         | 5                |
 * | ----- | -------------- | ------------------ | ------------------ | --------- | ---------------- |
 * | 5     | New            | Potential loyalist | Potential loyalist | Champions | Champions        |
 * | 4     | Promising      | Potential loyalist | Potential loyalist | Loyal     | Loyal            |
 * | 3     | About to sleep | About to sleep     | Need attention     | Loyal     | Loyal            |
 * | 2     | Hibernating    | Hibernating        | At risk            | At risk   | Cannot lose them |
 * | 1     | Lost           | Lost               | At risk            | At risk   | Cannot lose them |
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { rfm } from "./rfm.ts";
 * const orders = aq.table({
 *   customer_id: ["a", "a", "a", "b", "c"],
 *   date: ["2025-12-30", "2025-11-01", "2025-10-01", "2025-06-01", "2025-12-01"]
 *     .map((d) => new Date(d)),
 *   revenue: [10, 20, 30, 5, 50],
 * });
 * const r = rfm(orders, { observedUntil: new Date("2025-12-31") });
 * assert.deepEqual(r.array("frequency"), [3, 1, 1]);
 * assert.deepEqual(r.array("recency_days"), [1, 213, 30]);
 * // a: most recent (R 5) and most orders (F 5) → Champions.
 * assert.equal(r.get("segment", 0), "Champions");
 * ```
 *
 * `rfm` takes `engine` like every analysis of raw rows, and refuses it (a
 * `CxOptionsError` in the one wording): load the orders, or SELECT them from
 * the engine, and pass an Arquero table.
 */
export const rfm: EngineAnalysis<RfmOptions> = withEngine<RfmOptions>({
  name: "rfm",
  options: RFM_OPTIONS,
  memory: (input, options) => rfmInMemory(pooled(input), options),
  sql: {
    refuse:
      "its quintile scores rank every customer's recency, frequency and revenue, and the per-customer summary is not pushed down",
  },
});

function rfmInMemory(orders: ColumnTable, options: RfmOptions): ColumnTable {
  const { observedUntil: asOf, customer = "customer_id", date = "date", revenue = "revenue" } =
    options ?? {};
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) {
    throw new CxOptionsError(
      `rfm needs { observedUntil: Date }, the analysis date recency is counted to, got ${
        JSON.stringify(asOf)
      }`,
    );
  }
  requireColumn(orders, customer, "customer");
  requireColumn(orders, date, "date");
  requireColumn(orders, revenue, "revenue");
  requireRows(orders, "rfm");
  const customers = aggregateOrders(orders, { asOf, customer, date, revenue });
  if (customers.size === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: date,
        value: null,
        reason:
          `no orders on or before observedUntil (${asOf.toISOString()}); check observedUntil and the dates`,
      }],
      1,
      "No orders",
    );
  }
  const ids = [...customers.keys()].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  const stats = ids.map((id) => customers.get(id)!);
  const recency = stats.map((s) => Math.floor((asOf.getTime() - s.last) / 86_400_000));
  const r = quintileScores(recency.map((d) => -d));
  const f = quintileScores(stats.map((s) => s.frequency));
  const m = quintileScores(stats.map((s) => s.monetary));
  return aq.table({
    [customer]: ids,
    last_order: stats.map((s) => new Date(s.last)),
    recency_days: recency,
    frequency: stats.map((s) => s.frequency),
    monetary: stats.map((s) => s.monetary),
    r_score: r,
    f_score: f,
    m_score: m,
    rfm_score: ids.map((_, i) => `${r[i]}${f[i]}${m[i]}`),
    segment: ids.map((_, i) => rfmSegment(r[i], f[i])),
  });
}

/** Per customer: last order instant, order count and revenue sum. */
function aggregateOrders(
  orders: ColumnTable,
  columns: { asOf: Date; customer: string; date: string; revenue: string },
): Map<string, { last: number; frequency: number; monetary: number }> {
  const ids = orders.array(columns.customer) as unknown[];
  const dates = orders.array(columns.date) as unknown[];
  const values = orders.array(columns.revenue) as unknown[];
  const problems: CxProblem[] = [];
  let bad = 0;
  const problem = (i: number, column: string, value: unknown, reason: string) => {
    if (bad++ < 20) problems.push({ row: i + 1, column, value: String(value), reason });
  };
  const limit = columns.asOf.getTime();
  const out = new Map<string, { last: number; frequency: number; monetary: number }>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i], d = dates[i], v = values[i];
    if (d !== null && d !== undefined && !(d instanceof Date)) {
      problem(i, columns.date, d, `${columns.date} must hold dates; load orders with readCsv`);
      continue;
    }
    if (v !== null && v !== undefined && !(typeof v === "number" && Number.isFinite(v))) {
      problem(i, columns.revenue, v, `${columns.revenue} must be a number (or empty)`);
      continue;
    }
    if (id === null || id === undefined || !(d instanceof Date) || d.getTime() > limit) continue;
    const key = String(id);
    const s = out.get(key) ?? { last: -Infinity, frequency: 0, monetary: 0 };
    s.last = Math.max(s.last, d.getTime());
    s.frequency++;
    s.monetary += (v as number | null) ?? 0;
    out.set(key, s);
  }
  if (bad) throw new CxDataError(problems, bad, "Orders with impossible values");
  return out;
}

/**
 * Rank-based quintile scores 1–5 (higher value → higher score): ties share
 * their average rank r, and the score is max(1, ⌈5·(r − 1)/(N − 1)⌉); a
 * single value scores 3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quintileScores } from "./rfm.ts";
 * assert.deepEqual(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
 * // Ties share a score: the four 1s have mean rank 2.5 → ⌈5·1.5/5⌉ = 2.
 * assert.deepEqual(quintileScores([1, 1, 1, 1, 2, 3]), [2, 2, 2, 2, 4, 5]);
 * ```
 */
export function quintileScores(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 1) return [3];
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const scores = new Array<number>(n);
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]] === values[order[start]]) end++;
    // Positions start … end (0-based) share the mean 1-based rank.
    const rank = (start + end) / 2 + 1;
    const score = Math.max(1, Math.ceil((5 * (rank - 1)) / (n - 1)));
    for (let j = start; j <= end; j++) scores[order[j]] = score;
    start = end + 1;
  }
  return scores;
}

const GRID: readonly (readonly RfmSegment[])[] = [
  // R = 1 … 5 (rows), F = 1 … 5 (columns)
  ["Lost", "Lost", "At risk", "At risk", "Cannot lose them"],
  ["Hibernating", "Hibernating", "At risk", "At risk", "Cannot lose them"],
  ["About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"],
  ["Promising", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"],
  ["New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"],
];

/**
 * The RFM segment of a recency and a frequency score (1–5 each), from the
 * grid documented at {@link rfm}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rfmSegment } from "./rfm.ts";
 * assert.equal(rfmSegment(5, 5), "Champions");
 * assert.equal(rfmSegment(1, 5), "Cannot lose them");
 * assert.equal(rfmSegment(1, 1), "Lost");
 * ```
 */
export function rfmSegment(r: number, f: number): RfmSegment {
  const ok = (s: number) => Number.isInteger(s) && s >= 1 && s <= 5;
  if (!ok(r) || !ok(f)) {
    throw new CxOptionsError(`RFM scores must be whole numbers 1–5, got R ${r}, F ${f}`);
  }
  return GRID[r - 1][f - 1];
}
