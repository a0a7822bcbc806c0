/**
 * Competing risks: the cumulative incidence of each reason for leaving
 * (Aalen–Johansen), with the infinitesimal-jackknife standard errors and
 * intervals of R's multi-state `survfit`.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../../errors.ts";
import { leaveOutMissing, sumOf } from "../../metrics/groups.ts";
import { isMissingKey, type MissingGroups, requireColumn } from "../../base/plan.ts";
import { checkConfidence, zFor } from "../../stats/distributions.ts";
import {
  checkTransform,
  KAPLAN_MEIER_OPTIONS,
  setSurvivalMeta,
  survivalInterval,
  type SurvivalTransform,
} from "./kaplan_meier.ts";
import { checkSurvivalValues } from "./columns.ts";
import { survivalTimesUnit } from "./times.ts";
import { checkCall, optionNames } from "../../options.ts";

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
export const CUMULATIVE_INCIDENCE_OPTIONS = optionNames<CumulativeIncidenceOptions>()([
  ...KAPLAN_MEIER_OPTIONS,
  "status",
  "censored",
]);

/** The cumulative incidence result columns after the group keys, in order. */
export const CUMULATIVE_INCIDENCE_COLUMNS = [
  "reason",
  "time",
  "n_risk",
  "n_event",
  "n_censor",
  "cumulative_incidence",
  "std_err",
  "cumulative_incidence_low",
  "cumulative_incidence_high",
] as const;

/**
 * Cumulative incidence of each competing reason (Aalen–Johansen): the
 * probability of having left for that reason by time t, which, unlike
 * 1 − Kaplan–Meier per reason, accounts for customers who left for another
 * reason first. One row per group, reason (sorted) and distinct time:
 * `[by…], reason, time, n_risk, n_event, n_censor, cumulative_incidence,
 * std_err, cumulative_incidence_low, cumulative_incidence_high` (`n_event` counts that reason, `n_censor` all
 * censorings).
 *
 * F_k(t) = Σ_{tᵢ ≤ t} S(tᵢ−)·d_{k,i}/nᵢ, with S the all-cause Kaplan–Meier.
 * Standard errors are the infinitesimal jackknife of R's `survfit` for
 * multi-state data (`survfitCI`): the square root of the sum over customers
 * of the squared derivative of F_k(t) with respect to that customer's case
 * weight. Intervals as R's `survfit_confint(logse = FALSE)` for the
 * transform: `"log"` gives F·exp(±z·se/F), upper capped at 1; no interval
 * (`null`) while F = 0 for `"log"`/`"log-log"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cumulativeIncidence } from "./competing.ts";
 * const t = aq.table({
 *   time: [1, 2, 3, 4],
 *   reason: ["price", "moved", "censored", "price"],
 * });
 * const cif = cumulativeIncidence(t, { status: "reason", censored: "censored" });
 * const price = cif.filter((d: { reason: string }) => d.reason === "price");
 * assert.ok(price.get("cumulative_incidence", 3) === 0.25 + 0.5); // ¼ at t=1, then S(4−)=½ · 1/1
 * ```
 */
export function cumulativeIncidence(
  table: ColumnTable,
  options: CumulativeIncidenceOptions,
): ColumnTable {
  ({ input: table, options } = checkCall(
    "cumulativeIncidence",
    table,
    options,
    CUMULATIVE_INCIDENCE_OPTIONS,
  ));
  const { time = "time", status, confidence = 0.95, transform = "log" } = options ?? {};
  const by = options?.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  checkConfidence(confidence);
  checkTransform(transform);
  requireColumn(table, time, "time");
  requireColumn(table, status, "status");
  for (const c of by) requireColumn(table, c, "by");
  if (table.numRows() === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: null,
        value: null,
        reason: "the table has no rows; nothing to estimate",
      }],
      1,
      "Empty table",
    );
  }
  const event = options.event === undefined
    ? (table.columnNames().includes("event") ? "event" : null)
    : options.event;
  if (event !== null) {
    requireColumn(table, event, "event");
    checkSurvivalValues(table, time, event);
  }
  const censoring = censoringRule(status, event, options.censored);
  const all = reasonCounts(table, { time, status, event, by }, censoring);
  const { kept, note } = leaveOutMissing(all, by, options.missing, {
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
    columns: { time, event: status },
    unit: options.unit ?? survivalTimesUnit(table),
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
 * Aggregate step: customers per group, time and reason (`""` = censored),
 * `[by…], time, reason, n` — mergeable counts. `censoring` says which status
 * means censored (`null`: the event column alone decides).
 */
function reasonCounts(
  table: ColumnTable,
  { time, status, event, by }: { time: string; status: string; event: string | null; by: string[] },
  censoring: ((v: unknown) => boolean) | null,
): ColumnTable {
  const times = table.array(time) as unknown[];
  const events = event === null ? null : table.array(event) as unknown[];
  const problems: CxProblem[] = [];
  let total = 0;
  const problem = (i: number, column: string, value: unknown, reason: string) => {
    if (total++ < 20) {
      problems.push({ row: i + 1, column, value: value == null ? null : String(value), reason });
    }
  };
  const reasons = (table.array(status) as unknown[]).map((v, i) => {
    const t = times[i];
    if (!(typeof t === "number" && Number.isFinite(t) && t >= 0)) {
      problem(i, time, t, `${time} must be a follow-up time ≥ 0; derive it with survivalTimes()`);
    }
    const censoredHere = censoring !== null && censoring(v);
    if (events) {
      const left = events[i] === true || events[i] === 1;
      if (!left) return "";
      if (censoredHere) {
        problem(i, status, v, `${event} says this customer left, but ${status} says censored`);
      }
      return v == null ? "unspecified" : String(v) || "unspecified";
    }
    if (censoredHere) return "";
    if (isMissingKey(v)) {
      problem(i, status, v, `${status} is empty: give the reason, or the censoring value`);
    }
    return String(v);
  });
  if (total) throw new CxDataError(problems, total, "Survival data has invalid values");
  const columns = Object.fromEntries(by.map((c) => [c, table.array(c) as unknown[]]));
  return aq.table({ ...columns, time: times, reason: reasons })
    .groupby([...by, "time", "reason"])
    .count({ as: "n" })
    .orderby(...by, "time", "reason");
}

function finalizeCumulativeIncidence(
  counts: ColumnTable,
  by: string[],
  confidence: number,
  transform: SurvivalTransform,
): ColumnTable {
  const z = zFor(confidence);
  const reasons = [...new Set(counts.array("reason") as string[])].filter((r) => r !== "").sort();
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...by, ...CUMULATIVE_INCIDENCE_COLUMNS].map((c) => [c, []]),
  );
  for (const { key, steps } of reasonGroups(counts, by, reasons)) {
    const curves = aalenJohansen(steps, reasons.length);
    reasons.forEach((reason, k) => {
      curves.forEach((c, i) => {
        const f = c.incidence[k], se = c.stdErr[k];
        // survfit_confint(logse = FALSE) turns se into a log-scale se: se/p (0 when se = 0).
        const [low, high] = f > 0 || transform === "plain"
          ? survivalInterval(f, se === 0 ? 0 : se / f, transform, z)
          : [null, null];
        by.forEach((col, j) => out[col].push(key[j]));
        out.reason.push(reason);
        out.time.push(steps[i].time);
        out.n_risk.push(c.atRisk);
        out.n_event.push(steps[i].events[k]);
        out.n_censor.push(steps[i].censored);
        out.cumulative_incidence.push(f);
        out.std_err.push(se);
        out.cumulative_incidence_low.push(low);
        out.cumulative_incidence_high.push(high);
      });
    });
  }
  return aq.table(out);
}

interface Step {
  time: number;
  events: number[];
  censored: number;
}

function reasonGroups(counts: ColumnTable, by: string[], reasons: string[]) {
  const groups: { key: unknown[]; steps: Step[] }[] = [];
  let currentId: string | undefined;
  for (const row of counts.objects() as Record<string, unknown>[]) {
    const key = by.map((c) => row[c]);
    const id = JSON.stringify(key);
    if (id !== currentId) {
      groups.push({ key, steps: [] });
      currentId = id;
    }
    const steps = groups[groups.length - 1].steps;
    let step = steps[steps.length - 1];
    if (!step || step.time !== row.time) {
      step = { time: row.time as number, events: reasons.map(() => 0), censored: 0 };
      steps.push(step);
    }
    const k = reasons.indexOf(row.reason as string);
    if (k < 0) step.censored += row.n as number;
    else step.events[k] += row.n as number;
  }
  return groups;
}

/**
 * Aalen–Johansen estimate and its infinitesimal-jackknife standard error for
 * one initial state and K absorbing reasons.
 *
 * Uᵢ = ∂estimate/∂wᵢ. With h = D/n and h_k = d_k/n at a time t, a customer at
 * risk changes the all-cause survival's derivative by
 * U_S ← U_S(1 − h) − S(t−)(δᵢ − h)/n and the incidence's by
 * U_k ← U_k + U_S·h_k + S(t−)(δᵢₖ − h_k)/n, δ marking the customer's own event.
 * All customers still at risk share one U; after leaving, U_S stays
 * proportional to S and U_k moves by (U_S/S)·ΔF_k, so each leaver contributes
 * (αᵢₖ + rᵢ·F_k(t))² with rᵢ = U_S/S and αᵢₖ = U_k − rᵢF_k at exit: three
 * running sums give Σ U² at every time without revisiting anyone.
 */
function aalenJohansen(steps: Step[], k: number) {
  let atRisk = steps.reduce((s, st) => s + st.censored + st.events.reduce((a, b) => a + b, 0), 0);
  let survival = 1;
  const incidence = new Array<number>(k).fill(0);
  let aS = 0; // shared influence of those still at risk
  const a = new Array<number>(k).fill(0);
  const sumAA = new Array<number>(k).fill(0);
  const sumAR = new Array<number>(k).fill(0);
  const sumRR = new Array<number>(k).fill(0);
  const out: { atRisk: number; incidence: number[]; stdErr: number[] }[] = [];
  for (const step of steps) {
    const n = atRisk;
    const deaths = step.events.reduce((s, d) => s + d, 0);
    const h = deaths / n;
    const before = survival;
    const hk = step.events.map((d) => d / n);
    for (let j = 0; j < k; j++) incidence[j] += before * hk[j];
    survival = before * (1 - h);
    // Leavers with an event of reason j, then the shared no-event update.
    const leave = (count: number, uS: number, u: number[]) => {
      if (count === 0) return;
      const r = survival > 0 ? uS / survival : 0;
      for (let m = 0; m < k; m++) {
        const alpha = u[m] - r * incidence[m];
        sumAA[m] += count * alpha * alpha;
        sumAR[m] += count * alpha * r;
        sumRR[m] += count * r * r;
      }
    };
    if (deaths > 0) {
      const uS = aS * (1 - h) - before * (1 - h) / n;
      for (let j = 0; j < k; j++) {
        if (step.events[j] === 0) continue;
        const u = hk.map((hm, m) => a[m] + aS * hm + before * ((m === j ? 1 : 0) - hm) / n);
        leave(step.events[j], uS, u);
      }
    }
    const stayS = aS * (1 - h) + before * h / n;
    for (let m = 0; m < k; m++) a[m] = a[m] + aS * hk[m] - before * hk[m] / n;
    aS = stayS;
    leave(step.censored, aS, a);
    atRisk -= deaths + step.censored;
    const stdErr = incidence.map((f, m) =>
      Math.sqrt(Math.max(0, sumAA[m] + 2 * f * sumAR[m] + f * f * sumRR[m] + atRisk * a[m] * a[m]))
    );
    out.push({ atRisk: n, incidence: [...incidence], stdErr });
  }
  return out;
}
