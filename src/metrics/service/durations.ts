/**
 * Durations of the service KPIs in memory: first response time and
 * resolution time per group (aggregate: counts, sums and the durations;
 * finalize: see `median.ts`), in elapsed time or business hours.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../../errors.ts";
import { checkResamples, seededRandom } from "../../stats/random.ts";
import { businessDurationFn, holidayNote } from "../../time/business_hours.ts";
import type { TableInput } from "../../base/input.ts";
import { type GroupPlan, resolvePlan, withPeriods } from "../../base/plan.ts";
import { pooled, tidyResult } from "../groups.ts";
import { checkDate, idNote, Problems } from "./checks.ts";
import { finalizeDurations } from "./median.ts";
import {
  type DurationUnit,
  FRT_COLUMNS,
  requireTicketColumn,
  type ServiceTimeOptions,
  TICKETS_LEFT_OUT,
} from "./options.ts";

/** What first response time and resolution time differ in. */
export interface DurationSpec {
  /** The KPI's name in the result metadata (`first_response_time`, `resolution_time`). */
  kpi: string;
  /** The end column (`first_response_at`, `resolved_at`). */
  end: string;
  /** The column counting tickets with a duration (`answered`, `resolved`). */
  done: string;
  /** The column counting tickets without one (`unanswered`, `unresolved`). */
  open: string;
}

const UNIT_MS: Record<DurationUnit, number> = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
};

/** The duration options with their defaults, checked. */
function durationOptions(options: ServiceTimeOptions) {
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
  return { unit, method, resamples, seed, businessHours };
}

/**
 * A duration KPI in memory (aggregate, then finalize per group): the
 * in-memory step of `firstResponseTime` and `resolutionTime`.
 */
export function serviceTime(
  input: TableInput,
  options: ServiceTimeOptions,
  spec: DurationSpec,
): ColumnTable {
  const table = pooled(input);
  const { unit, method, resamples, seed, businessHours } = durationOptions(options);
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
 * import { aggregateDurations } from "./durations.ts";
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
