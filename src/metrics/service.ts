/**
 * Service KPIs from the tickets table: first response time (FRT), resolution
 * time and first contact resolution (FCR), per segment and period, with
 * intervals. Durations can be measured in elapsed time or in business hours
 * of a calendar (time zone, opening hours, holidays).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem, CxSchemaError } from "../errors.ts";
import { binomialCdf, checkConfidence, zFor } from "../stats/distributions.ts";
import { type Interval, meanSd, tInterval, wilson } from "../stats/intervals.ts";
import { quantileSorted } from "../stats/quantile.ts";
import { checkResamples, seededRandom } from "../stats/random.ts";
import { businessDurationFn, type BusinessHours, holidayNote } from "../time/business_hours.ts";
import { type KpiInput, pooled, sumOf, tidyResult } from "./groups.ts";
import {
  type GroupPlan,
  KPI_OPTIONS,
  type KpiOptions,
  resolvePlan,
  withPeriods,
} from "../base/plan.ts";
import type { Condition, Measure } from "../engine/compile/types.ts";
import { compileAggregate } from "../engine/compile/aggregate.ts";
import type { LoadType } from "../engine/load.ts";
import {
  isSqlEngine,
  isTableRef,
  type PushdownKpi,
  type PushdownOptions,
  type PushdownSource,
} from "../engine/pushdown.ts";
import {
  dateBucket,
  groupedAggregate,
  openKpiSql,
  recordSql,
  requireNumericColumn,
  typeOf,
  withSqlPath,
} from "../engine/kpi_sql.ts";
import { withRelation } from "../engine/source.ts";
import { checkCall, optionNames } from "../options.ts";

/** Ticket KPIs count the tickets of groups left out for a missing `by` value. */
const TICKETS_LEFT_OUT = { noun: "tickets", count: sumOf("tickets") };

/** Units durations are reported in. A day is 24 hours, also for business time. */
export type DurationUnit = "seconds" | "minutes" | "hours" | "days";

/** Interval methods for the median duration. */
export type MedianMethod = "order-statistic" | "bootstrap";

/** Options of {@link firstResponseTime} and {@link resolutionTime}. */
export interface ServiceTimeOptions extends KpiOptions {
  /**
   * Unit of the reported durations (default `"hours"`: one unit that reads well
   * for chat and email alike; use `"minutes"` for chat-only views).
   */
  unit?: DurationUnit;
  /**
   * Interval for the median (default `"order-statistic"`): the distribution-free
   * interval [x_(k), x_(n−k+1)] from Binomial(n, ½), or `"bootstrap"`
   * (seeded percentile interval of resampled medians). The mean always gets
   * Student's t interval.
   */
  method?: MedianMethod;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Bootstrap seed (default 1). */
  seed?: number;
  /** Count only time inside these opening hours (default: all elapsed time). */
  businessHours?: BusinessHours;
}

/** The names of {@link ServiceTimeOptions}. */
export const SERVICE_TIME_OPTIONS = optionNames<ServiceTimeOptions>()([
  ...KPI_OPTIONS,
  "unit",
  "method",
  "resamples",
  "seed",
  "businessHours",
]);

/** Result columns of {@link firstResponseTime} after the group keys, in order. */
export const FRT_COLUMNS = [
  "tickets",
  "answered",
  "unanswered",
  "n",
  "mean",
  "sd",
  "mean_low",
  "mean_high",
  "median",
  "median_low",
  "median_high",
  "p90",
] as const;

/** Result columns of {@link resolutionTime} after the group keys, in order. */
export const RESOLUTION_COLUMNS = [
  "tickets",
  "resolved",
  "unresolved",
  "n",
  "mean",
  "sd",
  "mean_low",
  "mean_high",
  "median",
  "median_low",
  "median_high",
  "p90",
] as const;

/** Result columns of {@link firstContactResolution} after the group keys, in order. */
export const FCR_COLUMNS = [
  "tickets",
  "resolved",
  "unresolved",
  "first_contact",
  "n",
  "fcr",
  "fcr_low",
  "fcr_high",
] as const;

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
export function firstResponseTime(input: KpiInput, options: ServiceTimeOptions = {}): ColumnTable {
  ({ input, options } = checkCall("firstResponseTime", input, options, SERVICE_TIME_OPTIONS));
  return serviceTime(input, options, {
    kpi: "first_response_time",
    end: "first_response_at",
    done: "answered",
    open: "unanswered",
  });
}

/**
 * Resolution time per group: from `created_at` to `resolved_at`. Columns as
 * in {@link firstResponseTime} with `resolved`/`unresolved` instead of
 * `answered`/`unanswered`; open tickets are counted, never averaged in.
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
export function resolutionTime(input: KpiInput, options: ServiceTimeOptions = {}): ColumnTable {
  ({ input, options } = checkCall("resolutionTime", input, options, SERVICE_TIME_OPTIONS));
  return serviceTime(input, options, {
    kpi: "resolution_time",
    end: "resolved_at",
    done: "resolved",
    open: "unresolved",
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
export const firstContactResolution: PushdownKpi<KpiOptions> = withSqlPath(
  fcrInMemory,
  fcrSql,
  { name: "firstContactResolution", options: KPI_OPTIONS },
);

function fcrInMemory(input: KpiInput, options: KpiOptions = {}): ColumnTable {
  const table = pooled(input);
  const plan = fcrPlan(table, options);
  const { aggregate, keys } = aggregateFcr(table, plan);
  return fcrResult(aggregate, keys, plan);
}

function fcrPlan(table: ColumnTable, options: KpiOptions): GroupPlan {
  requireTicketColumn(table, "resolved_at", "first contact resolution");
  if (!table.columnNames().includes("contacts")) {
    throw new CxSchemaError(
      `Column "contacts" is missing, and first contact resolution needs it: the number of customer contacts per ticket (1 = resolved at first contact). It is optional in the tickets schema because only this KPI uses it. Columns: ${
        table.columnNames().join(", ")
      }. Map yours with readCsv(…, { schema: "tickets", mapping: { contacts: "<your column>" } })`,
    );
  }
  return resolvePlan(table, options, { date: "created_at" });
}

/** The finalize step over an FCR aggregate (in memory or from an engine). */
function fcrResult(aggregate: ColumnTable, keys: string[], plan: GroupPlan): ColumnTable {
  return tidyResult(
    aggregate,
    keys,
    plan,
    (row) => finalizeFcr(row as unknown as FcrCounts, plan.confidence),
    {
      kpi: "first_contact_resolution",
      method: "wilson",
      notes: { numerator: "resolved with contacts = 1", denominator: "resolved tickets" },
    },
    [...FCR_COLUMNS],
    { leftOut: TICKETS_LEFT_OUT },
  );
}

// ---------------------------------------------------------------- durations

interface DurationSpec {
  kpi: string;
  end: string;
  done: string;
  open: string;
}

const UNIT_MS: Record<DurationUnit, number> = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
};

function serviceTime(
  input: KpiInput,
  options: ServiceTimeOptions,
  spec: DurationSpec,
): ColumnTable {
  if (isSqlEngine((options as { engine?: unknown }).engine) || isTableRef(input)) {
    throw new CxOptionsError(
      `${
        spec.kpi.replaceAll("_", " ")
      } cannot run in an SQL engine: its median and p90 (in business hours when given) are not mergeable from per-group sums, so it runs in memory only; load the tickets (e.g. readCsv) and call it without "engine"`,
    );
  }
  const table = pooled(input);
  const {
    unit = "hours",
    method = "order-statistic",
    resamples = 2000,
    seed = 1,
    businessHours,
  } = options;
  if (!Object.hasOwn(UNIT_MS, unit)) {
    throw new CxOptionsError(
      `Option "unit" must be "seconds", "minutes", "hours" or "days", got ${JSON.stringify(unit)}`,
    );
  }
  if (method !== "order-statistic" && method !== "bootstrap") {
    throw new CxOptionsError(
      `Option "method" must be "order-statistic" or "bootstrap", got ${JSON.stringify(method)}`,
    );
  }
  checkResamples(resamples);
  requireTicketColumn(table, "created_at", spec.kpi.replaceAll("_", " "));
  requireTicketColumn(table, spec.end, spec.kpi.replaceAll("_", " "));
  const { exclude, excluded } = spec.end === "first_response_at"
    ? resolvedBeforeResponse(table)
    : {};
  const plan = resolvePlan(table, options, { date: "created_at" });
  const elapsed = businessHours ? businessDurationFn(businessHours) : undefined;
  const { aggregate, keys } = aggregateDurations(table, "created_at", spec.end, plan, {
    unit,
    measure: elapsed,
    exclude,
  });
  const random = seededRandom(seed);
  return tidyResult(
    aggregate,
    keys,
    plan,
    (row) => {
      const a = row as unknown as DurationAggregate;
      const stats = finalizeDurations(a, plan.confidence, method, { resamples, random });
      return { tickets: a.tickets, [spec.done]: a.n, [spec.open]: a.tickets - a.n, ...stats };
    },
    {
      kpi: spec.kpi,
      method: `t (mean), ${method} (median), linear (p90)`,
      notes: {
        unit,
        from: "created_at",
        to: spec.end,
        businessHours: businessHours ?? null,
        ...(businessHours ? { holidays: holidayNote(businessHours) } : {}),
        ...(method === "bootstrap" ? { resamples, seed } : {}),
        ...(excluded ? { excluded } : {}),
      },
    },
    FRT_COLUMNS.map((c) => c === "answered" ? spec.done : c === "unanswered" ? spec.open : c),
    { leftOut: TICKETS_LEFT_OUT },
  );
}

/**
 * Tickets resolved before their first response, to leave out of first
 * response times; `excluded` is the note for the result's metadata (both
 * absent when there are none).
 */
function resolvedBeforeResponse(
  table: ColumnTable,
): { exclude?: boolean[]; excluded?: { tickets: number; reason: string } } {
  if (!table.columnNames().includes("resolved_at")) return {};
  const response = table.array("first_response_at") as unknown[];
  const resolved = table.array("resolved_at") as unknown[];
  const exclude = response.map((r, i) => {
    const done = resolved[i];
    return r instanceof Date && done instanceof Date && done.getTime() < r.getTime();
  });
  const tickets = exclude.filter(Boolean).length;
  if (tickets === 0) return {};
  return {
    exclude,
    excluded: {
      tickets,
      reason:
        "resolved_at before first_response_at: resolved before the first response (a bot, or a response logged late), so no first response time",
    },
  };
}

/**
 * The aggregate of durations per group. Count, sum and sum of squares are
 * mergeable; the list of durations is what the median and p90 need.
 */
export interface DurationAggregate {
  /** All tickets of the group. */
  tickets: number;
  /** Tickets with a duration (answered / resolved). */
  n: number;
  /** Σ duration (missing or undefined when n = 0). */
  sum?: number | null;
  /** Σ duration². */
  sum_squares?: number | null;
  /** The durations, any order. */
  durations: number[];
}

/**
 * Aggregate step: per group, ticket count, durations count, sums and the list
 * of durations (`end − start`, or business time by `measure`) in `unit`.
 * Medians and quantiles are not mergeable from sums, so the list stands in for
 * the quantile sketch (t-digest/KLL) that kernels and SQL engines will use;
 * this Arquero version stays the exact reference.
 * Throws a `CxDataError` for non-dates or an end before its start.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { aggregateDurations } from "./service.ts";
 * const t = aq.table({
 *   created_at: [new Date("2024-01-01T00:00Z"), new Date("2024-01-01T00:00Z")],
 *   resolved_at: [new Date("2024-01-01T00:00:30Z"), null],
 * });
 * const plan = {
 *   by: [],
 *   date: "created_at",
 *   timeZone: "UTC",
 *   confidence: 0.95,
 *   minN: 30,
 *   aggregate: "kernel" as const,
 * };
 * const { aggregate } = aggregateDurations(t, "created_at", "resolved_at", plan, { unit: "seconds" });
 * assert.ok(aggregate.get("tickets", 0) === 2 && aggregate.get("sum", 0) === 30);
 * ```
 */
export function aggregateDurations(
  table: ColumnTable,
  start: string,
  end: string,
  plan: GroupPlan,
  options: {
    unit: DurationUnit;
    measure?: (from: Date, to: Date) => number;
    /** Rows left out of the aggregate entirely (still checked). */
    exclude?: ArrayLike<boolean>;
  },
): { aggregate: ColumnTable; keys: string[] } {
  const starts = table.array(start) as unknown[];
  const ends = table.array(end) as unknown[];
  const ids = table.columnNames().includes("ticket_id")
    ? table.array("ticket_id") as unknown[]
    : undefined;
  const perUnit = UNIT_MS[options.unit];
  const durations = new Array<number | null>(starts.length);
  const problems = new Problems(`Tickets cannot give durations from ${start} to ${end}`);
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i], to = ends[i];
    const okFrom = checkDate(problems, i, start, from, ids, true);
    const okTo = checkDate(problems, i, end, to, ids, false);
    durations[i] = null;
    if (!okFrom || !okTo || to === null || to === undefined) continue;
    const a = from as Date, b = to as Date;
    if (b.getTime() < a.getTime()) {
      problems.add(
        i,
        end,
        b,
        `${end} is before ${start} (${a.toISOString()})${idNote(ids, i)}: a ticket cannot be ${
          end === "resolved_at" ? "resolved" : "answered"
        } before it exists; check the time zone of both columns or the column mapping`,
      );
      continue;
    }
    durations[i] = (options.measure ? options.measure(a, b) : b.getTime() - a.getTime()) / perUnit;
  }
  problems.throwIfAny();
  const squares = durations.map((d) => d === null ? null : d * d);
  let measured = table.reify().assign({ __d: durations, __d2: squares });
  if (options.exclude) {
    measured = measured.assign({ __x: Array.from(options.exclude) })
      .filter((d: { __x: boolean }) => !d.__x).reify();
  }
  const { table: grouped, keys } = withPeriods(measured, plan);
  const base = keys.length ? grouped.groupby(keys) : grouped;
  const aggregate = base.rollup({
    tickets: aq.op.count(),
    n: aq.op.valid("__d"),
    sum: aq.op.sum("__d"),
    sum_squares: aq.op.sum("__d2"),
    durations: aq.op.array_agg("__d"),
  });
  return { aggregate, keys };
}

/**
 * Finalize step: mean with Student's t interval, median with its interval,
 * and p90 (linear, numpy's default / R type 7) of one group's durations.
 * All `null` when there are no durations.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { finalizeDurations } from "./service.ts";
 * const s = finalizeDurations(
 *   { tickets: 5, n: 4, sum: 10, sum_squares: 30, durations: [4, 1, 3, 2] },
 *   0.95,
 *   "order-statistic",
 * );
 * assert.ok(s.mean === 2.5 && s.median === 2.5 && s.p90 === 3.7 && s.median_low === null);
 * ```
 */
export function finalizeDurations(
  aggregate: DurationAggregate,
  confidence: number,
  method: MedianMethod,
  bootstrap: { resamples: number; random: () => number } = {
    resamples: 2000,
    random: seededRandom(1),
  },
): Record<string, number | null> {
  const { n } = aggregate;
  const { mean, sd } = meanSd(n, aggregate.sum ?? 0, aggregate.sum_squares ?? 0);
  const meanCi = mean === null || sd === null
    ? { low: null, high: null }
    : tInterval(mean, sd, n, confidence);
  const sorted = Float64Array.from(aggregate.durations).sort();
  const medianCi = method === "bootstrap"
    ? bootstrapMedian(sorted, confidence, bootstrap.resamples, bootstrap.random)
    : medianInterval(sorted, confidence);
  return {
    n,
    mean,
    sd,
    mean_low: meanCi.low,
    mean_high: meanCi.high,
    median: n > 0 ? quantileSorted(sorted, 0.5) : null,
    median_low: medianCi.low,
    median_high: medianCi.high,
    p90: n > 0 ? quantileSorted(sorted, 0.9) : null,
  };
}

/**
 * Distribution-free confidence interval for the median from order statistics:
 * with B ~ Binomial(n, ½) and k the smallest k with P(B ≤ k) ≥ (1 − confidence)/2,
 * the interval is [x_(k), x_(n−k+1)] (1-based, sorted ascending), covering the
 * population median with probability 1 − 2·P(B ≤ k − 1) ≥ confidence.
 * `null` bounds when k < 1 (n ≤ 5 at 95 %: even [x_(1), x_(n)] covers less).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { medianInterval } from "./service.ts";
 * // n = 10: P(B ≤ 1) ≈ 0.011 < 0.025 ≤ P(B ≤ 2) ≈ 0.055, so k = 2: [x_(2), x_(9)].
 * const { low, high } = medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95);
 * assert.ok(low === 2 && high === 9);
 * assert.ok(medianInterval([1, 2, 3, 4, 5]).low === null);
 * ```
 */
export function medianInterval(
  sorted: ArrayLike<number>,
  confidence = 0.95,
): { low: number | null; high: number | null } {
  checkConfidence(confidence);
  const n = sorted.length;
  const k = medianRank(n, (1 - confidence) / 2);
  if (k < 1) return { low: null, high: null };
  return { low: sorted[k - 1], high: sorted[n - k] };
}

/** Smallest k with P(B ≤ k) ≥ tail, B ~ Binomial(n, ½) (0 when n = 0). */
function medianRank(n: number, tail: number): number {
  if (n === 0) return 0;
  // Start near the normal approximation n/2 − z·√n/2, then step to the exact k.
  const z = zFor(1 - 2 * tail);
  let k = Math.max(0, Math.min(n, Math.floor(n / 2 - (z * Math.sqrt(n)) / 2)));
  while (k < n && binomialCdf(k, n, 0.5) < tail) k++;
  while (k > 0 && binomialCdf(k - 1, n, 0.5) >= tail) k--;
  return k;
}

/** Percentile bootstrap of the median; resamples are counts over the sorted values. */
function bootstrapMedian(
  sorted: Float64Array,
  confidence: number,
  resamples: number,
  random: () => number,
): Interval {
  const n = sorted.length;
  if (n < 2) return { low: null, high: null };
  const h = (n - 1) / 2, lo = Math.floor(h), hi = Math.ceil(h);
  const counts = new Uint32Array(n);
  const medians = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]++;
    // Walk the cumulative counts to the order statistics at ranks lo and hi of the resample.
    let cum = 0, low = NaN, j = 0;
    for (; j < n; j++) {
      cum += counts[j];
      if (Number.isNaN(low) && cum > lo) low = sorted[j];
      if (cum > hi) break;
    }
    medians[b] = low + (h - lo) * (sorted[j] - low);
  }
  medians.sort();
  const alpha = 1 - confidence;
  return { low: quantileSorted(medians, alpha / 2), high: quantileSorted(medians, 1 - alpha / 2) };
}

// ---------------------------------------------------------------- FCR

/** The mergeable aggregate of FCR: ticket counts per group. */
export interface FcrCounts {
  /** All tickets. */
  tickets: number;
  /** Tickets with `resolved_at`. */
  resolved: number;
  /** Resolved tickets with `contacts === 1`. */
  first_contact: number;
}

/**
 * Aggregate step of FCR: ticket, resolved and first-contact counts per group.
 * Throws a `CxDataError` for non-date `resolved_at`, a resolution before
 * creation, or a resolved ticket without a whole `contacts` count ≥ 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { aggregateFcr } from "./service.ts";
 * const t = aq.table({ resolved_at: [new Date("2024-01-02"), null], contacts: [1, 2] });
 * const plan = {
 *   by: [],
 *   date: "created_at",
 *   timeZone: "UTC",
 *   confidence: 0.95,
 *   minN: 30,
 *   aggregate: "kernel" as const,
 * };
 * const { aggregate } = aggregateFcr(t, plan);
 * assert.ok(aggregate.get("resolved", 0) === 1 && aggregate.get("first_contact", 0) === 1);
 * ```
 */
export function aggregateFcr(
  table: ColumnTable,
  plan: GroupPlan,
): { aggregate: ColumnTable; keys: string[] } {
  const { resolved, first } = fcrFlags(table);
  const { table: grouped, keys } = withPeriods(
    table.reify().assign({ __r: resolved, __fc: first }),
    plan,
  );
  const base = keys.length ? grouped.groupby(keys) : grouped;
  const aggregate = base.rollup({
    tickets: aq.op.count(),
    resolved: aq.op.sum("__r"),
    first_contact: aq.op.sum("__fc"),
  });
  return { aggregate, keys };
}

/** Per ticket: resolved (1/0) and resolved at first contact (1/0); throws on impossible values. */
function fcrFlags(table: ColumnTable): { resolved: number[]; first: number[] } {
  const resolvedAt = table.array("resolved_at") as unknown[];
  const contacts = table.array("contacts") as unknown[];
  const names = table.columnNames();
  const created = names.includes("created_at") ? table.array("created_at") as unknown[] : null;
  const ids = names.includes("ticket_id") ? table.array("ticket_id") as unknown[] : undefined;
  const resolved = new Array<number>(resolvedAt.length);
  const first = new Array<number>(resolvedAt.length);
  const problems = new Problems("Tickets cannot give first contact resolution");
  for (let i = 0; i < resolvedAt.length; i++) {
    const r = resolvedAt[i], c = contacts[i];
    resolved[i] = first[i] = 0;
    if (!checkDate(problems, i, "resolved_at", r, ids, false) || r === null || r === undefined) {
      continue;
    }
    const from = created?.[i];
    if (from instanceof Date && (r as Date).getTime() < from.getTime()) {
      problems.add(
        i,
        "resolved_at",
        r,
        `resolved_at is before created_at (${from.toISOString()})${
          idNote(ids, i)
        }: a ticket cannot be resolved before it exists; check the time zone of both columns or the column mapping`,
      );
      continue;
    }
    if (typeof c !== "number" || !Number.isInteger(c) || c < 1) {
      problems.add(
        i,
        "contacts",
        c,
        c === null || c === undefined
          ? `contacts is missing for a resolved ticket${
            idNote(ids, i)
          }; first contact resolution needs it for every resolved ticket: fill it in, or leave such tickets out first (e.g. table.filter((d) => d.contacts != null))`
          : `contacts must be a whole number ≥ 1 for a resolved ticket${
            idNote(ids, i)
          }; load tickets with readCsv(…, { schema: "tickets" }) to get such rows as rejects`,
      );
      continue;
    }
    resolved[i] = 1;
    first[i] = c === 1 ? 1 : 0;
  }
  problems.throwIfAny();
  return { resolved, first };
}

const RESOLVED_BEFORE_CREATED =
  "resolved_at is before created_at: a ticket cannot be resolved before it exists; check the time zone of both columns or the column mapping";
const BAD_CONTACTS =
  'contacts must be a whole number ≥ 1 for every resolved ticket (missing ones too); fill in missing counts or leave those tickets out first, and load tickets with readCsv(…, { schema: "tickets" }) to get bad values as rejects';

/**
 * FCR with its aggregate step in an SQL engine: per group, tickets,
 * resolved tickets and those resolved at first contact, and the tickets that
 * fail the in-memory checks (a resolution before creation, a resolved
 * ticket without a whole `contacts` ≥ 1), which raise the same `CxDataError`.
 */
async function fcrSql(
  source: PushdownSource,
  options: Omit<KpiOptions, "engine"> & PushdownOptions,
): Promise<ColumnTable> {
  const src = await openKpiSql(source, options);
  const plan = fcrPlan(src.table, src.rest);
  // In memory: the in-memory checks, with their row numbers, before loading anything.
  if (src.opened.table) fcrFlags(src.opened.table);
  const names = src.table.columnNames();
  const hasCreated = names.includes("created_at");
  const needed = [
    ...plan.by,
    ...(plan.period ? [plan.date] : []),
    "resolved_at",
    "contacts",
    ...(hasCreated ? ["created_at"] : []),
  ];
  const hints: Record<string, LoadType> = { resolved_at: "timestamp", contacts: "number" };
  if (hasCreated) hints.created_at = "timestamp";
  if (plan.period) hints[plan.date] = "timestamp";
  const { result, query } = await withRelation(
    src.engine,
    src.opened,
    needed,
    hints,
    async (relation, columns) => {
      dateBucket(src, columns, "resolved_at", "day", plan.timeZone);
      requireNumericColumn(src, columns, "contacts");
      const period = plan.period
        ? dateBucket(src, columns, plan.date, plan.period, plan.timeZone)
        : undefined;
      const created = hasCreated &&
        src.engine.dateKind(typeOf(columns, "created_at")) !== undefined;
      const resolved: Condition = { op: "present", column: "resolved_at" };
      const order: Condition = { op: "before", column: "resolved_at", other: "created_at" };
      const measures: Measure[] = [
        { name: "tickets", op: "rows" },
        { name: "resolved", op: "count", column: "resolved_at" },
        {
          name: "first_contact",
          op: "countWhere",
          where: { op: "and", of: [resolved, { op: "equals", column: "contacts", value: 1 }] },
        },
        {
          name: "resolved_before_created",
          op: "countWhere",
          where: created ? order : { op: "or", of: [] },
        },
        {
          name: "bad_contacts",
          op: "countWhere",
          where: {
            op: "and",
            of: [
              resolved,
              ...(created ? [{ op: "not", of: order } as const] : []),
              { op: "not", of: { op: "wholeAtLeast", column: "contacts", min: 1 } },
            ],
          },
        },
      ];
      const query = compileAggregate(
        { relation, by: plan.by, period, measures },
        src.engine.dialect,
      );
      const rows = await src.log.run(query);
      const at = (name: string) => query.measures[measures.findIndex((m) => m.name === name)];
      const total = (name: string) => rows.reduce((sum, r) => sum + Number(r[at(name)]), 0);
      const failing = { order: total("resolved_before_created"), contacts: total("bad_contacts") };
      if (failing.order + failing.contacts > 0) {
        const problems: CxProblem[] = [];
        if (failing.order) {
          problems.push({
            row: null,
            column: "resolved_at",
            value: null,
            reason: RESOLVED_BEFORE_CREATED,
          });
        }
        if (failing.contacts) {
          problems.push({ row: null, column: "contacts", value: null, reason: BAD_CONTACTS });
        }
        const n = failing.order + failing.contacts;
        throw new CxDataError(
          problems,
          n,
          `Tickets cannot give first contact resolution (${n} in ${src.engine.name})`,
        );
      }
      const kept = plan.by.length || plan.period ? rows : rows.slice(0, 1);
      const { aggregate, keys } = groupedAggregate(src, columns, kept, query, plan, {
        tickets: at("tickets"),
        resolved: at("resolved"),
        first_contact: at("first_contact"),
      });
      return { result: fcrResult(aggregate, keys, plan), query };
    },
  );
  return recordSql(result, src.log, query);
}

/**
 * Finalize step of FCR: the share of resolved tickets resolved at first
 * contact, with its Wilson interval; `null` when nothing was resolved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { finalizeFcr } from "./service.ts";
 * const r = finalizeFcr({ tickets: 12, resolved: 10, first_contact: 3 }, 0.95);
 * assert.ok(r.fcr === 0.3 && r.unresolved === 2);
 * assert.ok(Math.abs(r.fcr_low! - 0.10779126740630095) < 1e-12);
 * ```
 */
export function finalizeFcr(
  counts: FcrCounts,
  confidence: number,
): Record<string, number | null> {
  const tickets = counts.tickets, resolved = counts.resolved ?? 0;
  const firstContact = counts.first_contact ?? 0;
  const { low, high } = wilson(firstContact, resolved, confidence);
  return {
    tickets,
    resolved,
    unresolved: tickets - resolved,
    first_contact: firstContact,
    n: resolved,
    fcr: resolved > 0 ? firstContact / resolved : null,
    fcr_low: low,
    fcr_high: high,
  };
}

// ---------------------------------------------------------------- checks

function requireTicketColumn(table: ColumnTable, column: string, what: string): void {
  if (!table.columnNames().includes(column)) {
    throw new CxSchemaError(
      `Column "${column}" is missing, and ${what} needs it. Columns: ${
        table.columnNames().join(", ")
      }. Load tickets with readCsv(…, { schema: "tickets", mapping: { ${column}: "<your column>" } }) or rename the column`,
    );
  }
}

/** Collects the first problems and how many there were. */
class Problems {
  readonly list: CxProblem[] = [];
  total = 0;
  constructor(readonly intro: string) {}
  add(i: number, column: string, value: unknown, reason: string): void {
    this.total++;
    if (this.list.length < 20) {
      const shown = value instanceof Date && !Number.isNaN(value.getTime())
        ? value.toISOString()
        : value === null || value === undefined
        ? null
        : String(value);
      this.list.push({ row: i + 1, column, value: shown, reason });
    }
  }
  throwIfAny(): void {
    if (this.total) throw new CxDataError(this.list, this.total, this.intro);
  }
}

/** True when `value` is a valid Date (or missing and allowed to be); records a problem otherwise. */
function checkDate(
  problems: Problems,
  i: number,
  column: string,
  value: unknown,
  ids: unknown[] | undefined,
  required: boolean,
): boolean {
  if (value === null || value === undefined) {
    if (!required) return true;
    problems.add(
      i,
      column,
      value,
      `${column} is missing${idNote(ids, i)}; every ticket needs the time it was opened`,
    );
    return false;
  }
  if (value instanceof Date && !Number.isNaN(value.getTime())) return true;
  problems.add(
    i,
    column,
    value,
    `${column} must hold dates (Date objects)${
      idNote(ids, i)
    }; load tickets with readCsv(…, { schema: "tickets" }) or convert the column with new Date(…)`,
  );
  return false;
}

function idNote(ids: unknown[] | undefined, i: number): string {
  return ids && ids[i] !== null && ids[i] !== undefined ? ` (ticket ${ids[i]})` : "";
}
