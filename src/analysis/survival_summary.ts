/**
 * Summaries of Kaplan–Meier curves, each defined as R's `survival` package
 * defines it: the median and its interval (`quantile.survfit`), survival and
 * risk-set counts at chosen times (`summary(fit, times, extend = TRUE)`) and the
 * restricted mean survival time (`print(fit, rmean = tau)`), with between-group
 * differences.
 *
 * @module
 */
import "@uwdata/flechette";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { checkConfidence, normalCdf, zFor } from "../stats/distributions.ts";
import { KAPLAN_MEIER_COLUMNS, resultGroups, survivalMeta } from "./survival.ts";

/**
 * Median survival time per group with its interval: `[by…], n, events,
 * median, median_low, median_high` (`null` where a curve never reaches ½).
 *
 * As R's `quantile.survfit`: the median is the first time the curve drops to
 * ½ or below; where the curve is flat at exactly ½ (within √ε) it is the
 * midpoint of that flat stretch. The interval comes from the same rule applied
 * to the lower and upper pointwise bounds (Brookmeyer–Crowley style), so it
 * depends on the curve's `transform`.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./survival.ts";
 * import { medianSurvival } from "./survival_summary.ts";
 * const km = kaplanMeier(aq.table({ time: [1, 2, 3, 4, 5], event: [1, 1, 1, 1, 0] }));
 * console.assert(medianSurvival(km).get("median", 0) === 3); // S(3) = 0.4 is the first ≤ ½
 * ```
 */
export function medianSurvival(km: ColumnTable): ColumnTable {
  const by = kmGroupColumns(km);
  const tol = Math.sqrt(Number.EPSILON);
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...by, "n", "events", "median", "median_low", "median_high"].map((c) => [c, []]),
  );
  for (const { key, rows } of resultGroups(km, by)) {
    const times = [0, ...rows.map((r) => r.time as number)];
    const curve = (column: string) => [0, ...rows.map((r) => oneMinus(r[column]))];
    by.forEach((k, j) => out[k].push(key[j]));
    out.n.push(rows[0].n_risk);
    out.events.push(rows.reduce((s, r) => s + (r.n_event as number), 0));
    out.median.push(findQuantile(times, curve("survival"), 0.5, tol));
    out.median_low.push(findQuantile(times, curve("survival_low"), 0.5, tol));
    out.median_high.push(findQuantile(times, curve("survival_high"), 0.5, tol));
  }
  return aq.table(out);
}

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
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./survival.ts";
 * import { survivalAt } from "./survival_summary.ts";
 * const km = kaplanMeier(aq.table({ time: [2, 4, 6, 8], event: [1, 1, 0, 1] }));
 * const at = survivalAt(km, [0, 5]);
 * console.assert(at.get("survival", 0) === 1 && at.get("survival", 1) === 0.5);
 * console.assert(at.get("n_risk", 1) === 2 && at.get("n_event", 1) === 2);
 * ```
 */
export function survivalAt(km: ColumnTable, times: number[]): ColumnTable {
  return summaryAt(km, times, [
    "n_risk",
    "n_event",
    "n_censor",
    "survival",
    "survival_low",
    "survival_high",
    "std_err",
  ]);
}

/**
 * Number at risk, events and censorings at chosen times (the table printed
 * under a Kaplan–Meier plot): `[by…], time, n_risk, n_event, n_censor`, with
 * the same definitions as {@link survivalAt}.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./survival.ts";
 * import { atRisk } from "./survival_summary.ts";
 * const km = kaplanMeier(aq.table({ time: [2, 4, 6, 8], event: [1, 1, 0, 1] }));
 * console.assert(atRisk(km, [0, 5, 10]).array("n_risk").join() === "4,2,0");
 * ```
 */
export function atRisk(km: ColumnTable, times: number[]): ColumnTable {
  return summaryAt(km, times, ["n_risk", "n_event", "n_censor"]);
}

function summaryAt(km: ColumnTable, times: number[], columns: string[]): ColumnTable {
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
 * Columns: `[by…], tau, rmst, rmst_se, rmst_low, rmst_high, extrapolated`,
 * plus `difference, difference_se, difference_low, difference_high, p_value`
 * (`null` on the reference row) when the curve has groups.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./survival.ts";
 * import { rmst } from "./survival_summary.ts";
 * const km = kaplanMeier(aq.table({ time: [2, 4, 6, 8], event: [1, 1, 1, 1] }));
 * // S = 1 on [0,2), ¾ on [2,4), ½ on [4,5]: 2 + 1.5 + 0.5 = 4
 * console.assert(rmst(km, { tau: 5 }).get("rmst", 0) === 4);
 * ```
 */
export function rmst(km: ColumnTable, options: RmstOptions): ColumnTable {
  const { tau } = options ?? {};
  if (typeof tau !== "number" || !Number.isFinite(tau) || !(tau > 0)) {
    throw new CxOptionsError(`Option "tau" must be a time > 0, got ${JSON.stringify(tau)}`);
  }
  const confidence = options.confidence ?? survivalMeta(km)?.confidence ?? 0.95;
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
  out.rmst_se = groups.map((g) => g.se);
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
    out.difference_se = diffs.map((d) => d?.se ?? null);
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

/**
 * The `by` columns of a Kaplan–Meier table: from its metadata, else every
 * column that is not a Kaplan–Meier column. Throws a `CxOptionsError` when
 * the table is not a Kaplan–Meier result.
 */
export function kmGroupColumns(km: ColumnTable): string[] {
  const names = km.columnNames();
  const missing = KAPLAN_MEIER_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length || km.numRows() === 0) {
    throw new CxOptionsError(
      `Expected a result of kaplanMeier() with rows; ${
        missing.length ? `missing columns ${missing.join(", ")}` : "the table is empty"
      }`,
    );
  }
  return survivalMeta(km)?.by ??
    names.filter((c) => !(KAPLAN_MEIER_COLUMNS as readonly string[]).includes(c));
}

function oneMinus(v: unknown): number | null {
  return typeof v === "number" && !Number.isNaN(v) ? 1 - v : null;
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

/**
 * R's `survival:::findq`: the time at which the cumulative distribution `y`
 * (1 − S, with `null` where a bound is undefined) reaches `p`, over the step
 * times `x` (first entry the start time, with y = 0).
 */
export function findQuantile(
  x: number[],
  y: (number | null)[],
  p: number,
  tol: number,
): number | null {
  const defined = y.filter((v): v is number => v !== null);
  if (defined.length === 0 || Math.max(...defined) < p) return null;
  const xmax = x[x.length - 1];
  const xs: number[] = [], ys: (number | null)[] = [];
  const seen = new Set<number | null>();
  y.forEach((v, i) => {
    if (seen.has(v)) return; // R's duplicated(): later copies of a value (or of NA) go
    seen.add(v);
    xs.push(x[i]);
    ys.push(v);
  });
  const n = ys.length;
  const index = ys.map((_, i) => i + 1);
  const i1 = approxConstant(ys.map((v) => v === null ? null : v + tol), index, p);
  const i2 = approxConstant(ys.map((v) => v === null ? null : v - tol), index, p);
  let quantile = i1 === null || i2 === null ? null : (xs[i1 - 1] + xs[i2 - 1]) / 2;
  if (p === 0) quantile = xs[0];
  const lastY = ys[n - 1];
  if (lastY !== null && Math.abs(p - lastY) < tol) {
    quantile = i1 === null ? null : (xs[i1 - 1] + xmax) / 2;
  }
  return quantile;
}

/**
 * R's `approx(x, y, v, method = "constant", f = 1)`: pairs with missing x are
 * dropped, x sorted (tied x average their y); outside the range gives `null`;
 * at a knot its y, between knots the right-hand y.
 */
function approxConstant(x: (number | null)[], y: number[], v: number): number | null {
  const pairs = x.flatMap((xi, i) => xi === null ? [] : [{ x: xi, y: y[i] }])
    .sort((a, b) => a.x - b.x);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < pairs.length;) {
    let j = i, sum = 0;
    while (j < pairs.length && pairs[j].x === pairs[i].x) sum += pairs[j++].y;
    xs.push(pairs[i].x);
    ys.push(sum / (j - i));
    i = j;
  }
  const n = xs.length;
  if (n === 0 || v < xs[0] || v > xs[n - 1]) return null;
  let i = 0, j = n - 1;
  while (i < j - 1) {
    const mid = (i + j) >> 1;
    if (v < xs[mid]) j = mid;
    else i = mid;
  }
  if (v === xs[j]) return ys[j];
  if (v === xs[i]) return ys[i];
  return ys[j];
}
