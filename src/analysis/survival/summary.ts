/**
 * Summaries of Kaplan–Meier curves, each defined as R's `survival` package
 * defines it: survival and risk-set counts at chosen times (`summary(fit,
 * times, extend = TRUE)`) and the restricted mean survival time
 * (`print(fit, rmean = tau)`), with between-group differences. The median is
 * in `median.ts`.
 *
 * @module
 */
import { metaOf } from "../../meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../../errors.ts";
import { checkConfidence, normalCdf, zFor } from "../../stats/distributions.ts";
import { KAPLAN_MEIER_COLUMNS, kmGroupColumns } from "./kaplan_meier.ts";
import { resultGroups } from "./counts.ts";
import { checkCall, checkOptions, optionNames } from "../../options.ts";

/** Options of {@link survivalAt} and {@link atRisk}. */
export interface AtTimesOptions {
  /** Times ≥ 0 to read the curves at, in the curve's unit (e.g. `[0, 90, 180]`). */
  times: number[];
}

const AT_TIMES_OPTIONS = optionNames<AtTimesOptions>()(["times"]);

/**
 * Survival with its interval and the risk-set counts at chosen times, one row
 * per group and time: `[by…], time, n_risk, n_event, n_censor, survival,
 * survival_low, survival_high, std_err`, as R's `summary(fit, times,
 * extend = TRUE)`: the curve's value at the last step at or before each time;
 * `n_risk` is the number still followed at that time (time ≥ t); `n_event` and
 * `n_censor` count what happened since the previous requested time (from 0 for
 * the first). After a group's last observation the last value is carried
 * forward and `n_risk` is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./kaplan_meier.ts";
 * import { survivalAt } from "./summary.ts";
 * const km = kaplanMeier(aq.table({ time: [2, 4, 6, 8], event: [1, 1, 0, 1] }));
 * const at = survivalAt(km, { times: [0, 5] });
 * assert.ok(at.get("survival", 0) === 1 && at.get("survival", 1) === 0.5);
 * assert.ok(at.get("n_risk", 1) === 2 && at.get("n_event", 1) === 2);
 * ```
 */
export function survivalAt(km: ColumnTable, options: AtTimesOptions): ColumnTable {
  // every Kaplan–Meier column after the time
  return summaryAt(km, timesOf(options, "survivalAt"), KAPLAN_MEIER_COLUMNS.slice(1));
}

/**
 * Number at risk, events and censorings at chosen times (the table printed
 * under a Kaplan–Meier plot): `[by…], time, n_risk, n_event, n_censor`, with
 * the same definitions as {@link survivalAt}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./kaplan_meier.ts";
 * import { atRisk } from "./summary.ts";
 * const km = kaplanMeier(aq.table({ time: [2, 4, 6, 8], event: [1, 1, 0, 1] }));
 * assert.ok(atRisk(km, { times: [0, 5, 10] }).array("n_risk").join() === "4,2,0");
 * ```
 */
export function atRisk(km: ColumnTable, options: AtTimesOptions): ColumnTable {
  return summaryAt(km, timesOf(options, "atRisk"), ["n_risk", "n_event", "n_censor"]);
}

/** The `times` option; a bare array (the former positional form) is refused with the fix. */
export function timesOf(
  options: AtTimesOptions,
  what: string,
  known: readonly string[] = AT_TIMES_OPTIONS,
): number[] {
  if (Array.isArray(options)) {
    throw new CxOptionsError(
      `${what} takes an options object: ${what}(km, { times: ${JSON.stringify(options)} })`,
    );
  }
  checkOptions(what, options, known);
  return options?.times;
}

function summaryAt(km: ColumnTable, times: number[], columns: readonly string[]): ColumnTable {
  if (!Array.isArray(times) || times.length === 0) {
    throw new CxOptionsError(`"times" must be a non-empty array of times ≥ 0, e.g. [0, 90, 180]`);
  }
  for (const t of times) {
    if (typeof t !== "number" || !Number.isFinite(t) || t < 0) {
      throw new CxOptionsError(`"times" must hold finite numbers ≥ 0, got ${JSON.stringify(t)}`);
    }
  }
  const wanted = [...new Set(times)].sort((a, b) => a - b);
  const by = kmGroupColumns(km);
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...by, "time", ...columns].map((c) => [c, []]),
  );
  for (const { key, rows: observed } of resultGroups(km, by)) {
    // R's survfit0: a row at time 0 with S = 1 (bounds 1) unless the curve starts at 0.
    const rows = (observed[0].time as number) === 0 ? observed : [
      {
        time: 0,
        n_risk: observed[0].n_risk,
        n_event: 0,
        n_censor: 0,
        survival: 1,
        survival_low: 1,
        survival_high: 1,
        std_err: 0,
      },
      ...observed,
    ];
    const cumEvents = [0], cumCensor = [0];
    for (const r of rows) {
      cumEvents.push(cumEvents[cumEvents.length - 1] + (r.n_event as number));
      cumCensor.push(cumCensor[cumCensor.length - 1] + (r.n_censor as number));
    }
    let previous = 0;
    for (const t of wanted) {
      const upTo = countWhile(rows, (time) => time <= t); // R's findInterval
      const before = countWhile(rows, (time) => time < t);
      const row = rows[Math.max(upTo, 1) - 1];
      const values: Record<string, unknown> = {
        ...row,
        n_risk: before < rows.length ? rows[before].n_risk : 0,
        n_event: cumEvents[upTo] - cumEvents[previous],
        n_censor: cumCensor[upTo] - cumCensor[previous],
      };
      previous = upTo;
      by.forEach((k, j) => out[k].push(key[j]));
      out.time.push(t);
      for (const c of columns) out[c].push(values[c]);
    }
  }
  return aq.table(out);
}

/** Options of {@link rmst}. */
export interface RmstOptions {
  /** Truncation time τ: the mean is of min(T, τ), in the curve's time unit. */
  tau: number;
  /** Confidence level of the intervals (default: the curve's, else 0.95). */
  confidence?: number;
  /**
   * Group the others are compared with (value of the `by` column, or an
   * array with one value per `by` column; default: the first group).
   */
  reference?: unknown;
}

/** The names of {@link RmstOptions}. */
export const RMST_OPTIONS = optionNames<RmstOptions>()(["tau", "confidence", "reference"]);

/**
 * Restricted mean survival time up to τ per group, with standard error and
 * normal interval; with groups, also each group's difference from the
 * reference group.
 *
 * RMST = ∫₀^τ S(t) dt, the area under the step curve (the last value carried
 * to τ if follow-up ends earlier: `extrapolated` says so). Its variance is
 * R's `survmean` (`print(fit, rmean = tau)`): Σᵢ A(tᵢ)² · dᵢ/(nᵢ(nᵢ − dᵢ)),
 * A(tᵢ) = ∫_{tᵢ}^τ S, terms with nᵢ = dᵢ dropped. Interval RMST ± z·se. The
 * difference of independent groups has se = √(se₁² + se₂²), a two-sided z
 * test and interval (as survRM2's unadjusted comparison).
 *
 * Columns: `[by…], tau, rmst, rmst_std_err, rmst_low, rmst_high, extrapolated`,
 * plus `difference, difference_std_err, difference_low, difference_high, p_value`
 * (`null` on the reference row) when the curve has groups.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./kaplan_meier.ts";
 * import { rmst } from "./summary.ts";
 * const km = kaplanMeier(aq.table({ time: [2, 4, 6, 8], event: [1, 1, 1, 1] }));
 * // S = 1 on [0,2), ¾ on [2,4), ½ on [4,5]: 2 + 1.5 + 0.5 = 4
 * assert.ok(rmst(km, { tau: 5 }).get("rmst", 0) === 4);
 * ```
 */
export function rmst(km: ColumnTable, options: RmstOptions): ColumnTable {
  checkCall("rmst", km, options, RMST_OPTIONS);
  const { tau } = options ?? {};
  if (typeof tau !== "number" || !Number.isFinite(tau) || !(tau > 0)) {
    throw new CxOptionsError(`Option "tau" must be a time > 0, got ${JSON.stringify(tau)}`);
  }
  const confidence = options.confidence ?? metaOf(km, "survival")?.confidence ?? 0.95;
  checkConfidence(confidence);
  const z = zFor(confidence);
  const by = kmGroupColumns(km);
  const groups = resultGroups(km, by).map(({ key, rows }) => ({
    key,
    ...restrictedMean(rows, tau),
  }));
  const out: Record<string, unknown[]> = {};
  for (const [j, k] of by.entries()) out[k] = groups.map((g) => g.key[j]);
  out.tau = groups.map(() => tau);
  out.rmst = groups.map((g) => g.mean);
  out.rmst_std_err = groups.map((g) => g.se);
  out.rmst_low = groups.map((g) => g.mean - z * g.se);
  out.rmst_high = groups.map((g) => g.mean + z * g.se);
  out.extrapolated = groups.map((g) => g.extrapolated);
  if (by.length) {
    const ref = referenceGroup(groups, by, options.reference);
    const diffs = groups.map((g) => {
      if (g === ref) return null;
      const difference = g.mean - ref.mean;
      const se = Math.hypot(g.se, ref.se);
      const p = se > 0 ? 2 * normalCdf(-Math.abs(difference / se)) : null;
      return { difference, se, low: difference - z * se, high: difference + z * se, p };
    });
    out.difference = diffs.map((d) => d?.difference ?? null);
    out.difference_std_err = diffs.map((d) => d?.se ?? null);
    out.difference_low = diffs.map((d) => d?.low ?? null);
    out.difference_high = diffs.map((d) => d?.high ?? null);
    out.p_value = diffs.map((d) => d?.p ?? null);
  }
  return aq.table(out);
}

/** R's `survmean` on one curve: area up to τ and its Greenwood-type standard error. */
function restrictedMean(rows: Record<string, unknown>[], tau: number) {
  const kept = rows.filter((r) => (r.time as number) <= tau);
  const times = [...kept.map((r) => r.time as number), tau];
  const surv = kept.map((r) => r.survival as number);
  const hh = [
    ...kept.map((r) => {
      const n = r.n_risk as number, d = r.n_event as number;
      return n - d === 0 ? 0 : d / (n * (n - d));
    }),
    0,
  ];
  // rect[k] = area of the step between times[k−1] and times[k] (times[−1] = 0, S = 1 before).
  const rect = times.map((t, k) => (t - (k ? times[k - 1] : 0)) * (k ? surv[k - 1] : 1));
  const mean = rect.reduce((a, b) => a + b, 0);
  let tail = 0, variance = 0;
  for (let i = times.length - 1; i >= 1; i--) {
    tail += rect[i]; // area from times[i−1] to τ
    variance += tail * tail * hh[i - 1];
  }
  const last = rows[rows.length - 1].time as number;
  return { mean, se: Math.sqrt(variance), extrapolated: tau > last };
}

function referenceGroup<G extends { key: unknown[] }>(
  groups: G[],
  by: string[],
  reference: unknown,
): G {
  if (reference === undefined) return groups[0];
  const wanted = (Array.isArray(reference) ? reference : [reference]).map(String);
  const found = groups.find((g) =>
    wanted.length === by.length && g.key.every((v, j) => String(v) === wanted[j])
  );
  if (!found) {
    throw new CxOptionsError(
      `Option "reference" must name a group of ${by.join(", ")}, got ${
        JSON.stringify(reference)
      }; groups: ${groups.map((g) => g.key.join(" · ")).join(", ")}`,
    );
  }
  return found;
}

/** Number of leading rows whose time passes `test` (times are sorted). */
function countWhile(rows: Record<string, unknown>[], test: (time: number) => boolean): number {
  let lo = 0, hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(rows[mid].time as number)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
