/**
 * Service KPIs from the tickets table: first response time (FRT), resolution
 * time and first contact resolution (FCR), per segment and period, with
 * intervals. Durations can be measured in elapsed time or in business hours
 * of a calendar (time zone, opening hours, holidays).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { TableInput } from "../base/input.ts";
import { KPI_OPTIONS, type KpiOptions } from "../base/plan.ts";
import { type EngineAnalysis, withEngine } from "../engine/dispatch.ts";
import { pooled } from "./groups.ts";
import { type DurationSpec, serviceTime } from "./service/durations.ts";
import { aggregateFcr, fcrPlan, fcrResult } from "./service/fcr.ts";
import { SERVICE_TIME_OPTIONS, type ServiceTimeOptions } from "./service/options.ts";
import { fcrSql } from "./service/sql.ts";
export { medianInterval } from "./service/median.ts";
export {
  FCR_COLUMNS,
  FRT_COLUMNS,
  RESOLUTION_COLUMNS,
  SERVICE_TIME_OPTIONS,
} from "./service/options.ts";
export type { DurationUnit, MedianMethod, ServiceTimeOptions } from "./service/options.ts";

/**
 * First response time per group: from `created_at` to `first_response_at`.
 * Columns `tickets` (all tickets of the group), `answered`, `unanswered`,
 * `n` (= answered, the durations used), `mean, sd, mean_low, mean_high`
 * (Student's t), `median, median_low, median_high` (see `method`), `p90`
 * (linear quantile, numpy's default), `small_sample` (n < minN), in `unit`
 * (default hours). Unanswered tickets are counted, never averaged in; a group
 * without answers gets `n = 0` and `null` statistics. Periods are cut on
 * `created_at` unless `date` names another column. Tickets resolved before
 * their first response (`resolved_at < first_response_at`: solved by a bot,
 * or the response logged late) have no meaningful first response time: they
 * are left out of every column, and `meta(result).notes.excluded` says how
 * many and why.
 *
 * It runs in memory only: given `engine` or a `{ engine, table }` input it
 * throws a `CxOptionsError` saying why (medians are not mergeable from
 * per-group sums).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { firstResponseTime } from "./service.ts";
 * const tickets = aq.table({
 *   channel: ["chat", "chat", "chat", "email"],
 *   created_at: ["09:00", "10:00", "11:00", "09:00"].map((t) => new Date(`2024-05-06T${t}Z`)),
 *   first_response_at: ["09:02", "10:04", null, "13:00"]
 *     .map((t) => t === null ? null : new Date(`2024-05-06T${t}Z`)),
 * });
 * const frt = firstResponseTime(tickets, { by: "channel", unit: "minutes" });
 * assert.ok(frt.get("answered", 0) === 2 && frt.get("unanswered", 0) === 1);
 * assert.ok(frt.get("median", 0) === 3 && frt.get("median", 1) === 240);
 * ```
 */
export const firstResponseTime: EngineAnalysis<ServiceTimeOptions> = durationKpi(
  "firstResponseTime",
  { kpi: "first_response_time", end: "first_response_at", done: "answered", open: "unanswered" },
);

/**
 * Resolution time per group: from `created_at` to `resolved_at`. Columns as
 * in {@link firstResponseTime} with `resolved`/`unresolved` instead of
 * `answered`/`unanswered`; open tickets are counted, never averaged in.
 * In memory only, like `firstResponseTime`: `engine` is refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { resolutionTime } from "./service.ts";
 * const tickets = aq.table({
 *   created_at: [new Date("2024-05-06T09:00Z"), new Date("2024-05-06T09:00Z")],
 *   resolved_at: [new Date("2024-05-06T12:00Z"), null],
 * });
 * const r = resolutionTime(tickets).objects()[0] as Record<string, unknown>;
 * assert.ok(r.resolved === 1 && r.unresolved === 1 && r.mean === 3 && r.mean_low === null);
 * ```
 */
export const resolutionTime: EngineAnalysis<ServiceTimeOptions> = durationKpi(
  "resolutionTime",
  { kpi: "resolution_time", end: "resolved_at", done: "resolved", open: "unresolved" },
);

/**
 * A duration KPI: in memory only, since its median, the median's interval
 * and p90 need every duration (in business hours when given), which no
 * per-group SQL sum gives; `engine` is refused in the one wording.
 */
function durationKpi(name: string, spec: DurationSpec): EngineAnalysis<ServiceTimeOptions> {
  return withEngine<ServiceTimeOptions>({
    name,
    options: SERVICE_TIME_OPTIONS,
    memory: (input, options) => serviceTime(input, options, spec),
    sql: {
      refuse:
        "its median and p90 (in business hours when given) are not mergeable from per-group sums",
    },
  });
}

/**
 * First contact resolution per group: resolved tickets that needed one
 * contact (`contacts === 1`) over resolved tickets, with a Wilson interval.
 * Columns `tickets, resolved, unresolved, first_contact, n` (= resolved),
 * `fcr, fcr_low, fcr_high` (shares 0–1), `small_sample`. Open tickets are
 * counted but not in the denominator: whether they end at first contact is
 * not known yet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { firstContactResolution } from "./service.ts";
 * const tickets = aq.table({
 *   created_at: Array(4).fill(new Date("2024-05-06T09:00Z")),
 *   resolved_at: [new Date("2024-05-06T10:00Z"), new Date("2024-05-07T10:00Z"), null, new Date("2024-05-06T09:30Z")],
 *   contacts: [1, 3, 1, 1],
 * });
 * const r = firstContactResolution(tickets).objects()[0] as Record<string, number>;
 * assert.ok(r.resolved === 3 && r.first_contact === 2 && r.fcr === 2 / 3);
 * ```
 *
 * With an SQL engine in `options.engine` (DuckDB, PostgreSQL, ClickHouse)
 * or a server table `{ engine, table }` as input, the three counts are
 * computed in the engine (the value checks too) and the call resolves to the
 * same table; `dateZone` says how zone-less dates in the source are read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { firstContactResolution } from "./service.ts";
 * const tickets = aq.table({
 *   channel: ["chat", "chat", "email"],
 *   created_at: Array(3).fill(new Date("2024-05-06T09:00Z")),
 *   resolved_at: [new Date("2024-05-06T10:00Z"), null, new Date("2024-05-07T09:00Z")],
 *   contacts: [1, null, 2],
 * });
 * const engine = duckdbEngine();
 * const r = await firstContactResolution(tickets, { by: "channel", engine });
 * assert.deepEqual(r.objects(), firstContactResolution(tickets, { by: "channel" }).objects());
 * await engine.close();
 * ```
 */
export const firstContactResolution: EngineAnalysis<KpiOptions> = withEngine<KpiOptions>({
  name: "firstContactResolution",
  options: KPI_OPTIONS,
  dates: true,
  memory: fcrInMemory,
  sql: fcrSql,
});

function fcrInMemory(input: TableInput, options: KpiOptions): ColumnTable {
  const table = pooled(input);
  const plan = fcrPlan(table, options);
  const { aggregate, keys } = aggregateFcr(table, plan);
  return fcrResult(aggregate, keys, plan);
}
