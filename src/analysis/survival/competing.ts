/**
 * Competing risks: the cumulative incidence of each reason for leaving
 * (Aalen–Johansen), in memory or with its aggregate (customers per group,
 * time and status) in an SQL engine. The estimate and its standard errors
 * are in `aalen_johansen.ts`.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled } from "../../base/input.ts";
import { isMissingKey, type MissingGroups, requireColumn } from "../../base/plan.ts";
import { type EngineAnalysis, type EngineCall, withEngine } from "../../engine/dispatch.ts";
import { CxOptionsError } from "../../errors.ts";
import { leaveOutMissing, sumOf } from "../../metrics/groups.ts";
import { optionNames } from "../../options.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { finalizeCumulativeIncidence } from "./aalen_johansen.ts";
export { CUMULATIVE_INCIDENCE_COLUMNS } from "./aalen_johansen.ts";
import { byList, checkSurvivalValues, Problems, throwEmpty } from "./columns.ts";
import {
  checkTransform,
  KAPLAN_MEIER_OPTIONS,
  setSurvivalMeta,
  type SurvivalTransform,
} from "./kaplan_meier.ts";
import { type SurvivalCells, survivalCells } from "./sql.ts";
import { survivalTimesUnit } from "./times.ts";

/** Options of {@link cumulativeIncidence}. */
export interface CumulativeIncidenceOptions {
  /** Follow-up time column (default `"time"`). */
  time?: string;
  /** Reason column: the competing event that ended follow-up, or the censoring value. */
  status: string;
  /**
   * The `status` value that means censored (still a customer at the end of
   * follow-up), e.g. `"censored"`; `null` when an empty status means
   * censored. Required unless an `event` column says who left: the reasons
   * are text, and cxkit does not guess which one is the censoring value. A
   * row whose status is empty while `censored` names another value is an
   * error; with an `event` column, a row with the censoring status must have
   * event 0.
   */
  censored?: string | number | null;
  /**
   * Event column (1/true = left) that overrides `status`: rows with 0/false
   * are censored whatever their reason, e.g. a churn after the cut-off that
   * {@link survivalTimes} censored; an event without a reason counts as
   * `"unspecified"`. Default `"event"` when the table has that column; `null`
   * to use `status` alone.
   */
  event?: string | null;
  /** Segment column(s): one set of curves per combination. */
  by?: string | string[];
  /**
   * Rows whose `by` value is missing: `"drop"` (default, as R drops `NA`
   * strata) leaves them out and counts them in `meta(result).notes`;
   * `"group"` keeps them as their own group (`null` key).
   */
  missing?: MissingGroups;
  /** Confidence level (default 0.95). */
  confidence?: number;
  /** Interval transform (default `"log"`, as R's multi-state `survfit`). */
  transform?: SurvivalTransform;
  /** Unit of the time column for labels (default: from `survivalTimes`). */
  unit?: string;
}

/** The names of {@link CumulativeIncidenceOptions}. */
export const CUMULATIVE_INCIDENCE_OPTIONS: readonly (keyof CumulativeIncidenceOptions)[] =
  optionNames<CumulativeIncidenceOptions>()([
    ...KAPLAN_MEIER_OPTIONS,
    "status",
    "censored",
  ]);

/**
 * Cumulative incidence of each competing reason (Aalen–Johansen): the
 * probability of having left for that reason by time t, which, unlike
 * 1 − Kaplan–Meier per reason, accounts for customers who left for another
 * reason first. One row per group, reason (sorted) and distinct time:
 * `[by…], reason, time, n_risk, n_event, n_censor, cumulative_incidence,
 * std_err, cumulative_incidence_low, cumulative_incidence_high` (`n_event`
 * counts that reason, `n_censor` all censorings).
 *
 * F_k(t) = Σ_{tᵢ ≤ t} S(tᵢ−)·d_{k,i}/nᵢ, with S the all-cause Kaplan–Meier.
 * Standard errors are the infinitesimal jackknife of R's `survfit` for
 * multi-state data (`survfitCI`): the square root of the sum over customers
 * of the squared derivative of F_k(t) with respect to that customer's case
 * weight. Intervals as R's `survfit_confint(logse = FALSE)` for the
 * transform: `"log"` gives F·exp(±z·se/F), upper capped at 1; no interval
 * (`null`) while F = 0 for `"log"`/`"log-log"`.
 *
 * With `engine` (or a `{ engine, table }` or file input) the engine counts
 * the customers per group, time and status (and event), which add up across
 * shards; the reasons, checks and estimate are the same TypeScript, so it
 * resolves to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cumulativeIncidence } from "./competing.ts";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * const t = aq.table({
 *   time: [1, 2, 3, 4],
 *   reason: ["price", "moved", "censored", "price"],
 * });
 * const cif = cumulativeIncidence(t, { status: "reason", censored: "censored" });
 * const price = cif.filter((d: { reason: string }) => d.reason === "price");
 * assert.ok(price.get("cumulative_incidence", 3) === 0.25 + 0.5); // ¼ at t=1, then S(4−)=½ · 1/1
 * const engine = duckdbEngine();
 * const options = { status: "reason", censored: "censored", engine };
 * assert.deepEqual((await cumulativeIncidence(t, options)).objects(), cif.objects());
 * await engine.close();
 * ```
 */
export const cumulativeIncidence: EngineAnalysis<CumulativeIncidenceOptions> = withEngine<
  CumulativeIncidenceOptions
>({
  name: "cumulativeIncidence",
  options: CUMULATIVE_INCIDENCE_OPTIONS,
  memory(input, options) {
    const table = pooled(input);
    const plan = incidencePlan(table, options);
    const counts = reasonCounts(table, plan);
    return finish(counts, plan, options.unit ?? survivalTimesUnit(input));
  },
  async sql(call, options) {
    const plan = incidencePlan(call.table, options);
    const table = call.source.table;
    if (table) {
      // In-memory input: its errors name the rows, before anything is loaded.
      rowReasons(table, plan);
    }
    const counts = await reasonCountsInEngine(call, plan);
    return finish(counts, plan, options.unit ?? (table && survivalTimesUnit(table)));
  },
});

/** The checked options of one call. */
interface IncidencePlan {
  time: string;
  status: string;
  event: string | null;
  by: string[];
  /** Whether a status means censored; `null`: the event column alone decides. */
  censoring: ((v: unknown) => boolean) | null;
  missing: MissingGroups | undefined;
  confidence: number;
  transform: SurvivalTransform;
}

/**
 * Checks the options against the table's columns, the same in memory and
 * in an engine (there `table` is the in-memory input or a one-row stub).
 */
function incidencePlan(table: ColumnTable, options: CumulativeIncidenceOptions): IncidencePlan {
  const { time = "time", status, confidence = 0.95, transform = "log" } = options;
  const by = byList(options.by);
  checkConfidence(confidence);
  checkTransform(transform);
  requireColumn(table, time, "time");
  requireColumn(table, status, "status");
  for (const c of by) requireColumn(table, c, "by");
  // (an engine's source: the one-row stub here; its rows are counted in the engine)
  if (table.numRows() === 0) throwEmpty();
  const event = options.event === undefined
    ? (table.columnNames().includes("event") ? "event" : null)
    : options.event;
  if (event !== null) requireColumn(table, event, "event");
  const censoring = censoringRule(status, event, options.censored);
  return { time, status, event, by, censoring, missing: options.missing, confidence, transform };
}

/** Leaves out groups with a missing `by` value, finalizes and records the metadata. */
function finish(counts: ColumnTable, plan: IncidencePlan, unit: string | undefined): ColumnTable {
  const { by, confidence, transform } = plan;
  const { kept, note } = leaveOutMissing(counts, by, plan.missing, {
    noun: "rows",
    count: sumOf("n"),
  });
  const result = finalizeCumulativeIncidence(kept, by, confidence, transform);
  setSurvivalMeta(result, {
    analysis: "cumulative-incidence",
    by,
    confidence,
    transform,
    variance: "infinitesimal jackknife",
    columns: { time: plan.time, event: plan.status },
    unit,
    ...(note ? { notes: { missingGroups: note } } : {}),
  });
  return result;
}

/**
 * Whether a status value means censored: `censored` named, or (with an
 * `event` column and no `censored`) never by the status alone.
 */
function censoringRule(
  status: string,
  event: string | null,
  censored: string | number | null | undefined,
): ((v: unknown) => boolean) | null {
  if (censored === undefined) {
    if (event !== null) return null;
    throw new CxOptionsError(
      `cumulativeIncidence cannot tell which value of "${status}" means censored: name it with ` +
        `{ censored: "censored" } (null if an empty status means censored), or pass an event ` +
        `column ({ event: "event" }, 1 = left, 0 = censored)`,
    );
  }
  if (censored !== null && typeof censored !== "string" && typeof censored !== "number") {
    throw new CxOptionsError(
      `Option "censored" must be the status value that means censored (text, a number or null), ` +
        `got ${JSON.stringify(censored)}`,
    );
  }
  return censored === null || censored === ""
    ? (v) => isMissingKey(v)
    : (v) => !isMissingKey(v) && String(v) === String(censored);
}

/**
 * The reason one customer left for (`""`: censored), from the status and,
 * with an event column, whether they left (`left`, `null` without one); or
 * why the status is wrong (`{ problem }`).
 */
function reasonOf(
  v: unknown,
  left: boolean | null,
  plan: IncidencePlan,
): string | { problem: string } {
  const censoredHere = plan.censoring !== null && plan.censoring(v);
  if (left !== null) {
    if (!left) return "";
    if (censoredHere) {
      return { problem: `${plan.event} says this customer left, but ${plan.status} says censored` };
    }
    return v == null ? "unspecified" : String(v) || "unspecified";
  }
  if (censoredHere) return "";
  if (isMissingKey(v)) {
    return { problem: `${plan.status} is empty: give the reason, or the censoring value` };
  }
  return String(v);
}

function shown(v: unknown): string | null {
  return v == null ? null : String(v);
}

/**
 * Each row's reason (`""` = censored); a `CxDataError` names the rows with a
 * bad time or event, else those with a bad status.
 */
function rowReasons(table: ColumnTable, plan: IncidencePlan): string[] {
  const { status, event } = plan;
  checkSurvivalValues(table, plan.time, event);
  const events = event === null ? null : table.array(event) as unknown[];
  const problems = new Problems();
  const reasons = (table.array(status) as unknown[]).map((v, i) => {
    const left = events ? events[i] === true || events[i] === 1 : null;
    const reason = reasonOf(v, left, plan);
    if (typeof reason === "string") return reason;
    problems.add(1, { row: i + 1, column: status, value: shown(v), reason: reason.problem });
    return "";
  });
  problems.throwIfAny();
  return reasons;
}

/**
 * Aggregate step in memory: customers per group, time and reason (`""` =
 * censored), `[by…], time, reason, n`, sorted — mergeable counts.
 */
function reasonCounts(table: ColumnTable, plan: IncidencePlan): ColumnTable {
  const { by, time } = plan;
  const reasons = rowReasons(table, plan);
  const columns = Object.fromEntries(by.map((c) => [c, table.array(c) as unknown[]]));
  return aq.table({ ...columns, time: table.array(time) as unknown[], reason: reasons })
    .groupby([...by, "time", "reason"])
    .count({ as: "n" })
    .orderby(...by, "time", "reason");
}

/**
 * Aggregate step in an SQL engine: customers (and events) per group, time
 * and status; each cell's status becomes its reason in TypeScript (by
 * {@link reasonOf}, as in memory), then the cells are summed per reason.
 */
async function reasonCountsInEngine(call: EngineCall, plan: IncidencePlan): Promise<ColumnTable> {
  const { by, time, status, event } = plan;
  const cells = await survivalCells(call, { time, event, by, after: [status] });
  const parts: Record<string, unknown[]> = Object.fromEntries(
    [...by, "time", "reason", "n"].map((c) => [c, []]),
  );
  const problems = new Problems();
  eachCellPart(cells, plan, (i, reason, n) => {
    if (typeof reason !== "string") {
      const value = shown(cells.keys[status][i]);
      return problems.add(n, { row: null, column: status, value, reason: reason.problem });
    }
    for (const c of by) parts[c].push(cells.keys[c][i]);
    parts.time.push(cells.keys[time][i]);
    parts.reason.push(reason);
    parts.n.push(n);
  });
  problems.throwIfAny();
  return aq.table(parts)
    .groupby([...by, "time", "reason"])
    .rollup({ n: aq.op.sum("n") })
    .orderby(...by, "time", "reason");
}

/** Calls `f` for the customers of each cell who left (with their reason) and who were censored. */
function eachCellPart(
  cells: SurvivalCells,
  plan: IncidencePlan,
  f: (i: number, reason: string | { problem: string }, n: number) => void,
): void {
  const statuses = cells.keys[plan.status];
  cells.rows.forEach((rows, i) => {
    if (plan.event === null) return f(i, reasonOf(statuses[i], null, plan), rows);
    const left = cells.events[i];
    if (left > 0) f(i, reasonOf(statuses[i], true, plan), left);
    if (rows > left) f(i, "", rows - left);
  });
}
