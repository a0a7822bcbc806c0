/**
 * The cohort benchmarks' synthetic events, shared by `cohort_duckdb.ts` and
 * `cohort_engines.ts`: integer formulas, so JavaScript and SQL build the same
 * rows exactly (all products stay below 2^53). Customer c starts on day
 * (c·7919) mod 730; an event lands `offset` days later, skewed towards the
 * start (product of two uniforms / span) so activity fades with tenure.
 *
 * @module
 */

import { parseArgs } from "node:util";
import process from "node:process";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Runs a full garbage collection now, so that the collection of what a
 * benchmark's set-up left behind (and the marking of the large live heap of
 * its test tables) is not charged to whichever timed call it happens to land
 * in. Uses `gc` when the script runs with `--v8-flags=--expose-gc`, else
 * exposes it through `node:v8` first.
 *
 * @example
 * ```ts
 * import { settleHeap } from "./cohort_events.ts";
 * settleHeap();
 * ```
 */
export function settleHeap(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}

/**
 * Wall and CPU seconds (user + system, all threads of this process) of
 * `fn`: DuckDB's threads run in this process, so its CPU time counts too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { measure } from "./cohort_events.ts";
 * const m = await measure(() => 42);
 * assert.ok(m.result === 42 && m.seconds >= 0 && m.cpu >= 0);
 * ```
 */
export async function measure<T>(
  fn: () => T | Promise<T>,
): Promise<{ seconds: number; cpu: number; result: T }> {
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0);
  return { seconds, cpu: (cpu.user + cpu.system) / 1e6, result };
}

/**
 * The size arguments of the goal benchmarks: `--events` (default 5M),
 * `--customers` (default 250k) and `--runs` (default 5).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { goalArgs } from "./cohort_events.ts";
 * assert.deepEqual(goalArgs(["--events", "10"]), { events: 10, customers: 250_000, runs: 5 });
 * ```
 */
export function goalArgs(args: string[]): { events: number; customers: number; runs: number } {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: "string", default: "5000000" },
      customers: { type: "string", default: "250000" },
      runs: { type: "string", default: "5" },
    },
  });
  return {
    events: Number(values.events),
    customers: Number(values.customers),
    runs: Number(values.runs),
  };
}

/** Days covered: 2024-01-01 … 2025-12-31, 24 months. */
export const DAYS = 730;

/**
 * DuckDB `SELECT` of `events` rows `(customer_id, date)` over `customers`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eventsSelect } from "./cohort_events.ts";
 * assert.match(eventsSelect(10, 3), /FROM range\(10\)/);
 * ```
 */
export function eventsSelect(events: number, customers: number): string {
  return `SELECT 'C' || CAST(c AS VARCHAR) AS customer_id,
         DATE '2024-01-01' + CAST(sd + ((h % span) * ((h // 7) % span)) // span AS INTEGER) AS date
  FROM (SELECT c, sd, ${DAYS} - sd AS span, h FROM (
    SELECT i % ${customers} AS c, ((i % ${customers}) * 7919) % ${DAYS} AS sd,
      (i * 48271) % 2147483647 AS h
    FROM range(${events}) t(i)))`;
}

/** The hand-written reference: exact monthly cells and cohort sizes (join, then DISTINCT). */
export const SQL_RETENTION =
  `WITH e AS (SELECT customer_id, date_trunc('month', date) AS m FROM events),
  f AS (SELECT customer_id, min(m) AS cohort FROM e GROUP BY customer_id),
  a AS (SELECT DISTINCT e.customer_id, f.cohort, date_diff('month', f.cohort, e.m) AS k
        FROM e JOIN f USING (customer_id)),
  s AS (SELECT cohort, count(*) AS cohort_size FROM f GROUP BY cohort)
  SELECT strftime(a.cohort, '%Y-%m') AS cohort, a.k, s.cohort_size, count(*) AS active
  FROM a JOIN s USING (cohort) GROUP BY ALL ORDER BY ALL`;

/** The 8 segments of the issue-#18 goal benchmarks (customer c is in segment c mod 8). */
export const CHANNELS = ["app", "chat", "email", "phone", "retail", "social", "store", "web"];

/**
 * DuckDB `SELECT` of the issue-#18 goal events: `events` rows of `customers`
 * customers over two years with `customer_id, channel, date, nps_score, csat,
 * ces` (every 97th answer missing), the same rows {@link goalEventRow} builds
 * in JavaScript.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { goalEventsSelect } from "./cohort_events.ts";
 * assert.match(goalEventsSelect(10, 3), /nps_score/);
 * ```
 */
export function goalEventsSelect(events: number, customers: number): string {
  return `SELECT 'C' || CAST(c AS VARCHAR) AS customer_id,
         (['${CHANNELS.join("','")}'])[(c % 8) + 1] AS channel,
         DATE '2024-01-01' + CAST(sd + ((h % span) * ((h // 7) % span)) // span AS INTEGER) AS date,
         CASE WHEN i % 97 = 0 THEN NULL ELSE CAST((((i * 37) % 101) + (i % 7)) % 11 AS INTEGER) END
           AS nps_score,
         CASE WHEN i % 97 = 0 THEN NULL ELSE CAST(1 + (i * 13) % 5 AS INTEGER) END AS csat,
         CASE WHEN i % 97 = 0 THEN NULL ELSE CAST(1 + (i * 17) % 7 AS INTEGER) END AS ces
  FROM (SELECT i, c, sd, ${DAYS} - sd AS span, h FROM (
    SELECT i, i % ${customers} AS c, ((i % ${customers}) * 7919) % ${DAYS} AS sd,
      (i * 48271) % 2147483647 AS h
    FROM range(${events}) t(i)))`;
}

/** One goal event in JavaScript: customer number, segment, day (0 = 2024-01-01), scores. */
export interface GoalEvent {
  customer: number;
  channel: number;
  day: number;
  nps: number | null;
  csat: number | null;
  ces: number | null;
}

/**
 * Event `i` of {@link goalEventsSelect}, computed the same way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { goalEventRow } from "./cohort_events.ts";
 * assert.equal(goalEventRow(0, 10).nps, null);
 * assert.equal(goalEventRow(1, 10).channel, 1);
 * ```
 */
export function goalEventRow(i: number, customers: number): GoalEvent {
  const c = i % customers, sd = (c * 7919) % DAYS, span = DAYS - sd, h = (i * 48271) % 2147483647;
  const missing = i % 97 === 0;
  return {
    customer: c,
    channel: c % 8,
    day: sd + Math.floor(((h % span) * (Math.floor(h / 7) % span)) / span),
    nps: missing ? null : ((i * 37) % 101 + (i % 7)) % 11,
    csat: missing ? null : 1 + (i * 13) % 5,
    ces: missing ? null : 1 + (i * 17) % 7,
  };
}

/** Epoch ms of day `d` of the goal events (UTC midnight, as DuckDB's DATE). */
export const dayMs = (d: number): number => Date.UTC(2024, 0, 1 + d);
