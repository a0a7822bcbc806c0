/**
 * The cohort benchmarks' synthetic events, shared by `cohort_duckdb.ts` and
 * `cohort_engines.ts`: integer formulas, so JavaScript and SQL build the same
 * rows exactly (all products stay below 2^53). Customer c starts on day
 * (c·7919) mod 730; an event lands `offset` days later, skewed towards the
 * start (product of two uniforms / span) so activity fades with tenure.
 *
 * @module
 */

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
