/**
 * Kaplan–Meier survival curves per segment, with Greenwood standard errors
 * and pointwise intervals computed exactly as R's `survival::survfit` does.
 *
 * Two steps, as every cxkit analysis: {@link survivalCounts} aggregates the
 * mergeable counts of events and censorings per (group, time);
 * {@link finalizeKaplanMeier} walks the risk sets of that small table.
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import { checkConfidence, zFor } from "../stats/distributions.ts";
import { requireColumn } from "../metrics/groups.ts";
import { survivalTimesUnit } from "./survival_times.ts";

/** How pointwise intervals of a survival curve are formed (R's `conf.type`). */
export type SurvivalTransform = "log" | "log-log" | "plain";

/** Which columns hold the follow-up time, the event flag and the segments. */
export interface SurvivalColumns {
  /** Follow-up time column, numbers ≥ 0 (default `"time"`, as {@link survivalTimes} writes). */
  time?: string;
  /** Event column: `1`/`true` = event (e.g. churn), `0`/`false` = censored (default `"event"`). */
  event?: string;
  /** Segment column(s): one curve per combination. */
  by?: string | string[];
}

/** Options of {@link kaplanMeier}. */
export interface KaplanMeierOptions extends SurvivalColumns {
  /** Confidence level of the pointwise intervals (default 0.95). */
  confidence?: number;
  /**
   * Interval transform (default `"log"`, R's default): `"log"` is
   * exp(log S ± z·σ), `"log-log"` is S^exp(±z·σ/log S), `"plain"` is S·(1 ± z·σ),
   * where σ² = Σ d/(n(n−d)) is Greenwood's variance of log S.
   */
  transform?: SurvivalTransform;
  /** Unit of the time column for labels, e.g. `"days"` (default: from {@link survivalTimes}). */
  unit?: string;
}

/** How a survival result was computed; see {@link survivalMeta}. */
export interface SurvivalMeta {
  /** Which analysis made the table. */
  analysis: "kaplan-meier" | "cumulative-incidence";
  /** Segment columns. */
  by: string[];
  /** Confidence level of the intervals. */
  confidence: number;
  /** Interval transform. */
  transform: SurvivalTransform;
  /** Variance method. */
  variance: string;
  /** Time and event (or status) columns of the input. */
  columns: { time: string; event: string };
  /** Time unit, when known. */
  unit?: string;
}

/** The Kaplan–Meier result columns after the group keys, in order. */
export const KAPLAN_MEIER_COLUMNS = [
  "time",
  "n_risk",
  "n_event",
  "n_censor",
  "survival",
  "survival_low",
  "survival_high",
  "std_err",
] as const;

const META = new WeakMap<ColumnTable, SurvivalMeta>();

/**
 * Kaplan–Meier estimate per group: one row per distinct time at which someone
 * had the event or was censored, `[by…], time, n_risk, n_event, n_censor,
 * survival, survival_low, survival_high, std_err`.
 *
 * S(t) = Π_{tᵢ ≤ t} (1 − dᵢ/nᵢ) with nᵢ at risk (time ≥ tᵢ: someone censored
 * at tᵢ still counts, so at tied times events come before censorings) and dᵢ
 * events. `std_err` is Greenwood's standard error of S, S·σ with
 * σ² = Σ dᵢ/(nᵢ(nᵢ − dᵢ)) (R's `summary(survfit)` std.err). The interval
 * follows R `survfit` for its `conf.type` (`survfit_confint`): bounds are
 * capped at 1 (log, plain) and 0 (plain); `log-log` has no interval where S = 1;
 * once S = 0 the standard error and interval are `null` (R: NaN/NA).
 * Rows with the same group are sorted by time; groups by their values.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./survival.ts";
 * // Four customers: churn at day 2, censored at day 2, churn at day 5, censored at day 9.
 * const t = aq.table({ time: [2, 2, 5, 9], event: [1, 0, 1, 0] });
 * const km = kaplanMeier(t);
 * console.assert(km.get("survival", 0) === 0.75); // 1 − 1/4
 * console.assert(km.get("survival", 1) === 0.375); // 0.75 · (1 − 1/2)
 * console.assert(km.get("n_risk", 1) === 2 && km.numRows() === 3);
 * ```
 */
export function kaplanMeier(table: ColumnTable, options: KaplanMeierOptions = {}): ColumnTable {
  const { confidence = 0.95, transform = "log" } = options;
  checkConfidence(confidence);
  checkTransform(transform);
  const columns = survivalColumns(table, options);
  const counts = survivalCounts(table, options);
  return finalizeKaplanMeier(counts, {
    by: columns.by,
    confidence,
    transform,
    unit: options.unit ?? survivalTimesUnit(table),
    columns: { time: columns.time, event: columns.event },
  });
}

/** The validated column choice of a survival analysis. */
export interface ResolvedColumns {
  /** Time column. */
  time: string;
  /** Event column. */
  event: string;
  /** Segment columns. */
  by: string[];
}

/** Checks the column options against the table (`CxOptionsError` naming the option). */
export function survivalColumns(table: ColumnTable, options: SurvivalColumns): ResolvedColumns {
  const { time = "time", event = "event" } = options;
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  requireColumn(table, time, "time");
  requireColumn(table, event, "event");
  for (const column of by) requireColumn(table, column, "by");
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
  return { time, event, by };
}

/**
 * Aggregate step: the number of events and censorings per group and distinct
 * time, `[by…], time, n_event, n_censor`, sorted. These counts are all a
 * Kaplan–Meier curve or a log-rank test needs, and counts of parts (months,
 * shards) add up exactly. Throws a `CxDataError` listing rows with a missing,
 * negative or non-numeric time or an event that is not 0/1/true/false.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { survivalCounts } from "./survival.ts";
 * const counts = survivalCounts(aq.table({ time: [3, 3, 3, 7], event: [true, true, false, false] }));
 * console.assert(counts.get("n_event", 0) === 2 && counts.get("n_censor", 0) === 1);
 * ```
 */
export function survivalCounts(table: ColumnTable, options: SurvivalColumns = {}): ColumnTable {
  const { time, event, by } = survivalColumns(table, options);
  checkSurvivalValues(table, time, event);
  const events = (table.array(event) as unknown[]).map((v) => (v === true || v === 1 ? 1 : 0));
  const base = table.select([...by, time]).reify().assign({ __e: events });
  const keyed = time === "time" ? base : base.rename({ [time]: "time" });
  return keyed
    .groupby([...by, "time"])
    .rollup({ n_event: aq.op.sum("__e"), n_total: aq.op.count() })
    .derive({ n_censor: (d: { n_total: number; n_event: number }) => d.n_total - d.n_event })
    .select([...by, "time", "n_event", "n_censor"])
    .orderby(...by, "time");
}

/** Checks times (finite numbers ≥ 0) and events (0/1/true/false); lists the first bad rows. */
export function checkSurvivalValues(table: ColumnTable, time: string, event: string): void {
  const times = table.array(time) as unknown[];
  const events = table.array(event) as unknown[];
  const problems: CxProblem[] = [];
  let total = 0;
  const add = (p: CxProblem) => {
    total++;
    if (problems.length < 20) problems.push(p);
  };
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (typeof t !== "number" || !Number.isFinite(t) || t < 0) {
      add({
        row: i + 1,
        column: time,
        value: t === null || t === undefined ? null : String(t),
        reason:
          `${time} must be a follow-up time ≥ 0; derive it with survivalTimes() or drop the row`,
      });
    }
    const e = events[i];
    if (!(e === 0 || e === 1 || e === true || e === false)) {
      add({
        row: i + 1,
        column: event,
        value: e === null || e === undefined ? null : String(e),
        reason: `${event} must be 1/true (event) or 0/false (censored)`,
      });
    }
  }
  if (total) throw new CxDataError(problems, total, "Survival data has invalid values");
}

/** Options of {@link finalizeKaplanMeier}. */
export interface FinalizeKaplanMeierOptions {
  /** Segment columns of the counts table. */
  by?: string[];
  /** Confidence level (default 0.95). */
  confidence?: number;
  /** Interval transform (default `"log"`). */
  transform?: SurvivalTransform;
  /** Time unit for labels. */
  unit?: string;
  /** Input column names, recorded in the metadata. */
  columns?: { time: string; event: string };
}

/**
 * Finalize step: walks each group's risk set over the counts from
 * {@link survivalCounts} (or merged counts of several parts) and returns the
 * Kaplan–Meier table described in {@link kaplanMeier}.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { finalizeKaplanMeier } from "./survival.ts";
 * const counts = aq.table({ time: [1, 4], n_event: [1, 1], n_censor: [0, 1] });
 * const km = finalizeKaplanMeier(counts);
 * console.assert(km.get("n_risk", 1) === 2 && km.get("survival", 1) === 1/3);
 * ```
 */
export function finalizeKaplanMeier(
  counts: ColumnTable,
  options: FinalizeKaplanMeierOptions = {},
): ColumnTable {
  const { by = [], confidence = 0.95, transform = "log" } = options;
  checkConfidence(confidence);
  checkTransform(transform);
  const z = zFor(confidence);
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...by, ...KAPLAN_MEIER_COLUMNS].map((c) => [c, []]),
  );
  for (const group of countGroups(counts, by)) {
    let atRisk = group.rows.reduce((s, r) => s + r.n_event + r.n_censor, 0);
    let survival = 1;
    let greenwood = 0;
    for (const { time, n_event: d, n_censor: c } of group.rows) {
      // R's survfitkm: S ← S·(n − d)/n; Greenwood term d/(n(n − d)), infinite once n = d.
      if (d > 0) {
        survival *= (atRisk - d) / atRisk;
        greenwood += atRisk > d ? d / (atRisk * (atRisk - d)) : Infinity;
      }
      const [low, high] = survivalInterval(survival, Math.sqrt(greenwood), transform, z);
      by.forEach((k, j) => out[k].push(group.key[j]));
      out.time.push(time);
      out.n_risk.push(atRisk);
      out.n_event.push(d);
      out.n_censor.push(c);
      out.survival.push(survival);
      out.survival_low.push(low);
      out.survival_high.push(high);
      out.std_err.push(survival > 0 ? survival * Math.sqrt(greenwood) : null);
      atRisk -= d + c;
    }
  }
  const result = aq.table(out);
  META.set(result, {
    analysis: "kaplan-meier",
    by,
    confidence,
    transform,
    variance: "greenwood",
    columns: options.columns ?? { time: "time", event: "event" },
    unit: options.unit,
  });
  return result;
}

/**
 * R's `survfit_confint` for a probability `p` whose log has standard error
 * `se` (Greenwood σ): `[low, high]`, `null` where R gives NA.
 */
export function survivalInterval(
  p: number,
  se: number,
  transform: SurvivalTransform,
  z: number,
): [number | null, number | null] {
  if (transform === "plain") {
    const half = z * se * p;
    if (!Number.isFinite(half)) return [null, null];
    return [Math.max(p - half, 0), Math.min(p + half, 1)];
  }
  if (transform === "log") {
    if (p === 0 || !Number.isFinite(se)) return [null, null];
    return [Math.exp(Math.log(p) - z * se), Math.min(Math.exp(Math.log(p) + z * se), 1)];
  }
  if (p === 0 || p === 1 || !Number.isFinite(se)) return [null, null];
  const shift = z * se / Math.log(p);
  const loglog = Math.log(-Math.log(p));
  return [Math.exp(-Math.exp(loglog - shift)), Math.exp(-Math.exp(loglog + shift))];
}

/**
 * How a survival result was computed (analysis, groups, confidence,
 * transform, unit), or `undefined` for other tables (metadata does not
 * survive Arquero verbs).
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { kaplanMeier, survivalMeta } from "./survival.ts";
 * const km = kaplanMeier(aq.table({ time: [1, 2], event: [1, 0] }), { transform: "log-log" });
 * console.assert(survivalMeta(km)?.transform === "log-log");
 * ```
 */
export function survivalMeta(result: ColumnTable): SurvivalMeta | undefined {
  return META.get(result);
}

/** Records metadata for a survival result table (used by the other survival modules). */
export function setSurvivalMeta(result: ColumnTable, meta: SurvivalMeta): void {
  META.set(result, meta);
}

/** Throws a `CxOptionsError` unless `transform` is one of the supported transforms. */
export function checkTransform(transform: unknown): asserts transform is SurvivalTransform {
  if (!["log", "log-log", "plain"].includes(transform as string)) {
    throw new CxOptionsError(
      `Option "transform" must be "log", "log-log" or "plain", got ${JSON.stringify(transform)}`,
    );
  }
}

/** One group of a counts table: its key values and rows in time order. */
export interface CountGroup {
  /** Values of the `by` columns. */
  key: unknown[];
  /** Per distinct time: events and censorings. */
  rows: { time: number; n_event: number; n_censor: number }[];
}

/**
 * Splits a counts table into groups (in table order, which {@link survivalCounts}
 * sorts) and merges rows of equal time, so counts of several parts can be
 * concatenated before finalizing.
 */
export function countGroups(counts: ColumnTable, by: string[]): CountGroup[] {
  for (const c of [...by, "time", "n_event", "n_censor"]) requireColumn(counts, c, "counts");
  const sorted = counts.orderby(...by, "time");
  const keys = by.map((c) => sorted.array(c) as unknown[]);
  const times = sorted.array("time") as number[];
  const events = sorted.array("n_event") as number[];
  const censored = sorted.array("n_censor") as number[];
  const groups: CountGroup[] = [];
  let current: CountGroup | undefined;
  let currentId = "";
  for (let i = 0; i < times.length; i++) {
    const key = keys.map((k) => k[i]);
    const id = JSON.stringify(key);
    if (!current || id !== currentId) {
      current = { key, rows: [] };
      currentId = id;
      groups.push(current);
    }
    const last = current.rows[current.rows.length - 1];
    if (last && last.time === times[i]) {
      last.n_event += events[i];
      last.n_censor += censored[i];
    } else current.rows.push({ time: times[i], n_event: events[i], n_censor: censored[i] });
  }
  return groups;
}

/** Splits a per-row result table (e.g. a Kaplan–Meier table) into its groups' row objects. */
export function resultGroups(
  result: ColumnTable,
  by: string[],
): { key: unknown[]; rows: Record<string, unknown>[] }[] {
  const groups: { key: unknown[]; rows: Record<string, unknown>[] }[] = [];
  let currentId: string | undefined;
  for (const row of result.objects() as Record<string, unknown>[]) {
    const key = by.map((c) => row[c]);
    const id = JSON.stringify(key);
    if (id !== currentId) {
      groups.push({ key, rows: [] });
      currentId = id;
    }
    groups[groups.length - 1].rows.push(row);
  }
  return groups;
}
