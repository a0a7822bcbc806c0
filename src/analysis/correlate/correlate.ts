/**
 * Correlations between metrics: Pearson, Spearman and Kendall (τ-b) with
 * p-values and Fisher-z intervals, pairwise-complete with `n` per pair, as a
 * tidy long table (one row per pair × method × group). Plus
 * {@link joinMetrics}/{@link correlateMetrics}: aggregate two tables to a
 * common key (customer, period) and correlate the two metrics.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attachMeta, type CorrelationMethod } from "../../meta.ts";
export type { CorrelateMeta, CorrelationMethod } from "../../meta.ts";
import { CxDataError, CxOptionsError } from "../../errors.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import {
  argsort,
  averageRanks,
  correlationPValue,
  fisherInterval,
  kendallTau,
} from "../../stats/correlation.ts";
import { quantileSorted } from "../../stats/quantile.ts";
import { checkPeriod, type Period, periodFn } from "../../time/period.ts";
import { checkMissing, type MissingGroups } from "../../base/plan.ts";
import {
  byColumns,
  numericColumn,
  requireColumns,
  rowGroups,
  take,
  withoutMissingGroups,
} from "../numeric.ts";
import { checkCall, optionNames } from "../../options.ts";

const METHODS: readonly CorrelationMethod[] = ["pearson", "spearman", "kendall"];

/** Options of {@link correlate}. */
export interface CorrelateOptions {
  /** Numeric columns to correlate: every pair of them (in this order), unless `against` is given. */
  columns: string[];
  /** Correlate each of `columns` with each of these instead (a rectangle, e.g. scores × ratings). */
  against?: string[];
  /** Coefficient(s) (default `"pearson"`); several give one row per method. */
  method?: CorrelationMethod | CorrelationMethod[];
  /** Confidence level of the Fisher-z intervals (default 0.95). */
  confidence?: number;
  /** Segment column(s): correlations within each group. */
  by?: string | string[];
  /**
   * Rows whose `by` value is missing (`null`, empty or blank text): `"drop"`
   * (default) leaves them out and counts them in
   * `meta(result).notes.missingGroups`; `"group"` correlates them
   * as their own group (`null` key).
   */
  missing?: MissingGroups;
}

/** The names of {@link CorrelateOptions}. */
export const CORRELATE_OPTIONS = optionNames<CorrelateOptions>()([
  "columns",
  "against",
  "method",
  "confidence",
  "by",
  "missing",
]);

/** The result columns after the group keys, in order. */
export const CORRELATION_COLUMNS = [
  "x",
  "y",
  "method",
  "n",
  "r",
  "r_low",
  "r_high",
  "p_value",
  "note",
] as const;

/**
 * Correlations of every pair of `columns` (or each column × each of
 * `against`), per group, as a tidy table `x, y, method, n, r, r_low, r_high,
 * p_value, note`.
 *
 * - **Missing values**: pairwise complete — each pair uses the rows where both
 *   values are present, and `n` says how many.
 * - **pearson**: r = Σ(x−x̄)(y−ȳ)/√(Σ(x−x̄)²·Σ(y−ȳ)²); p from t = r·√((n−2)/(1−r²))
 *   with n − 2 df (equal to `scipy.stats.pearsonr`).
 * - **spearman**: Pearson's r of the average ranks of the complete pairs; p by
 *   the same t approximation (`scipy.stats.spearmanr`).
 * - **kendall**: τ-b = (C − D)/√((n0 − n1)(n0 − n2)) with scipy's p-value: exact
 *   without ties when n ≤ 33 (or at most one discordant/concordant pair),
 *   else the tie-corrected normal approximation (`scipy.stats.kendalltau`).
 * - **Intervals**: Fisher z, tanh(atanh(r) ∓ z·se), with se = 1/√(n−3)
 *   (Pearson), √((1 + r²/2)/(n−3)) (Spearman; Bonett & Wright 2000) and
 *   √(0.437/(n−4)) (Kendall; Fieller, Hartley & Pearson 1957).
 *
 * Undefined results are `null` with the reason in `note` — never NaN: a
 * constant column, fewer than 3 complete pairs, or (interval only) n ≤ 3
 * (n ≤ 4 for Kendall). When no pair of any group has a coefficient, a
 * `CxDataError` lists why.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlate } from "./correlate.ts";
 * const t = aq.table({ wait: [1, 2, 3, 4, 5], nps: [2, 1, 4, 3, 5], csat: [1, null, 2, 2, 3] });
 * const r = correlate(t, { columns: ["wait", "nps", "csat"], method: ["pearson", "kendall"] });
 * const row = r.objects()[0] as Record<string, unknown>; // wait × nps, Pearson
 * assert.ok(row.x === "wait" && row.y === "nps" && row.n === 5);
 * assert.ok(Math.abs((row.r as number) - 0.8) < 1e-12);
 * // scipy.stats.pearsonr([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]).pvalue
 * assert.ok(Math.abs((row.p_value as number) - 0.10408803866182788) < 1e-12);
 * assert.equal(r.get("n", 1), 4); // wait × csat: one pair is missing
 * ```
 */
export function correlate(table: ColumnTable, options: CorrelateOptions): ColumnTable {
  ({ input: table, options } = checkCall("correlate", table, options, CORRELATE_OPTIONS));
  const plan = planCorrelate(table, options);
  const columns = plan.variables.map((name) => numericColumn(table, name, "columns"));
  const rows: Record<string, unknown>[] = [];
  const { groups, note } = withoutMissingGroups(rowGroups(table, plan.by), plan.by, plan.missing);
  for (const group of groups) {
    const prepared = columns.map((c) => new Prepared(take(c, group.rows)));
    for (const method of plan.methods) {
      for (const [i, j] of plan.pairs) {
        const x = prepared[i], y = prepared[j];
        const stat = method === "pearson"
          ? pearsonOf(x, y)
          : method === "spearman"
          ? spearmanOf(x, y)
          : kendallOf(x, y);
        rows.push({
          ...group.key,
          x: plan.variables[i],
          y: plan.variables[j],
          method,
          ...correlationResult(stat, method, plan.confidence, [
            plan.variables[i],
            plan.variables[j],
          ]),
        });
      }
    }
  }
  return finalizeCorrelations(rows, plan, note);
}

/**
 * Finalize step of {@link correlate}: the result rows (group keys, `x`, `y`,
 * `method` and {@link correlationResult}'s columns, in output order) as the
 * result table with its metadata (`missingGroups`: the note on rows left out
 * for a missing `by` value); a `CxDataError` when no row has a coefficient. Engines that compute the statistics elsewhere finish here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlationResult, finalizeCorrelations, planCorrelate } from "./correlate.ts";
 * const plan = planCorrelate(aq.table({ a: [], b: [] }), { columns: ["a", "b"] });
 * const stat = { n: 10, r: 0.5, constantX: false, constantY: false };
 * const row = { x: "a", y: "b", method: "pearson", ...correlationResult(stat, "pearson", 0.95, ["a", "b"]) };
 * assert.equal(finalizeCorrelations([row], plan).get("r", 0), 0.5);
 * ```
 */
export function finalizeCorrelations(
  rows: Record<string, unknown>[],
  plan: CorrelatePlan,
  missingGroups: string | null = null,
): ColumnTable {
  if (rows.length && rows.every((r) => r.r === null)) {
    const problems = rows.slice(0, 20).map((r) => ({
      row: null,
      column: `${r.x} × ${r.y}`,
      value: null,
      reason: `${r.method}${groupLabel(r, plan.by)}: ${r.note}`,
    }));
    throw new CxDataError(
      problems,
      rows.length,
      "No correlation can be computed (check for constant or mostly empty columns)",
    );
  }
  const names = [...plan.by, ...CORRELATION_COLUMNS];
  const result = aq.table(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])));
  attachMeta(result, {
    kind: "correlate",
    methods: plan.methods,
    confidence: plan.confidence,
    by: plan.by,
    variables: plan.variables,
    against: plan.against,
    notes: {
      missing: "pairwise complete: each pair uses the rows where both values are present",
      ...(missingGroups ? { missingGroups } : {}),
      pearson: "p: t test with n − 2 df; interval: Fisher z, se = 1/√(n − 3)",
      spearman: "p: t approximation with n − 2 df; interval: Fisher z, se = √((1 + r²/2)/(n − 3))" +
        " (Bonett & Wright 2000)",
      kendall: "τ-b; p: exact without ties for n ≤ 33, else normal approximation with tie" +
        " correction (as scipy); interval: Fisher z, se = √(0.437/(n − 4)) (Fieller et al. 1957)",
    },
  });
  return result;
}

/** The checked options of {@link correlate}: what to compute for which pairs. */
export interface CorrelatePlan {
  /** Variables in first-seen order (x columns, then `against`). */
  variables: string[];
  /** The `against` columns, or `null`. */
  against: string[] | null;
  /** Pairs as indices into `variables`, in output order. */
  pairs: [number, number][];
  /** Methods, in output order. */
  methods: CorrelationMethod[];
  /** Confidence level of the intervals. */
  confidence: number;
  /** Segment columns. */
  by: string[];
  /** Rows with a missing `by` value: left out (`"drop"`) or their own group. */
  missing: MissingGroups;
}

/**
 * Checks {@link correlate}'s options against a table's columns (values are
 * not read, so an empty table with the right column names will do) and
 * returns the plan; `CxOptionsError` naming the option otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { planCorrelate } from "./correlate.ts";
 * const plan = planCorrelate(aq.table({ a: [], b: [], c: [] }), { columns: ["a", "b", "c"] });
 * assert.deepEqual(plan.pairs, [[0, 1], [0, 2], [1, 2]]);
 * ```
 */
export function planCorrelate(table: ColumnTable, options: CorrelateOptions): CorrelatePlan {
  const { columns, against, method = "pearson", confidence = 0.95 } = options ?? {};
  checkConfidence(confidence);
  if (!Array.isArray(columns) || columns.length < (against ? 1 : 2)) {
    throw new CxOptionsError(
      `Option "columns" must list ${
        against ? "at least one numeric column" : "at least two numeric columns"
      }, e.g. { columns: ["nps_score", "rating_wait_time"] }; got ${JSON.stringify(columns)}`,
    );
  }
  if (against !== undefined && (!Array.isArray(against) || against.length === 0)) {
    throw new CxOptionsError(
      `Option "against" must list at least one column, got ${JSON.stringify(against)}`,
    );
  }
  requireColumns(table, columns, "columns");
  if (against) requireColumns(table, against, "against");
  const methods = Array.isArray(method) ? method : [method];
  for (const m of methods) {
    if (!METHODS.includes(m)) {
      throw new CxOptionsError(
        `Option "method" must be "pearson", "spearman" or "kendall" (or a list of them), got ${
          JSON.stringify(m)
        }`,
      );
    }
  }
  if (methods.length === 0 || new Set(methods).size !== methods.length) {
    throw new CxOptionsError(`Option "method" must list each method once, got ${methods}`);
  }
  const variables = [...new Set([...columns, ...(against ?? [])])];
  const index = (name: string) => variables.indexOf(name);
  const pairs: [number, number][] = [];
  if (against) {
    for (const x of columns) {
      for (const y of against) if (x !== y) pairs.push([index(x), index(y)]);
    }
  } else {
    if (new Set(columns).size !== columns.length) {
      throw new CxOptionsError(`Option "columns" names a column twice: ${columns.join(", ")}`);
    }
    for (let i = 0; i < columns.length; i++) {
      for (let j = i + 1; j < columns.length; j++) pairs.push([i, j]);
    }
  }
  if (pairs.length === 0) {
    throw new CxOptionsError(`Options "columns" and "against" leave no pair of distinct columns`);
  }
  return {
    variables,
    against: against ?? null,
    pairs,
    methods,
    confidence,
    by: byColumns(table, options.by),
    missing: checkMissing(options.missing),
  };
}

function groupLabel(row: Record<string, unknown>, by: string[]): string {
  return by.length ? ` (${by.map((b) => `${b} = ${row[b]}`).join(", ")})` : "";
}

/** One column of one group, with what several pairs reuse computed once, lazily. */
class Prepared {
  readonly values: Float64Array;
  readonly present: number;
  readonly mean: number;
  readonly constant: boolean;
  #m2?: number;
  #ranks?: Float64Array;
  #order?: Int32Array;

  constructor(values: Float64Array) {
    this.values = values;
    let present = 0, sum = 0, first = NaN, constant = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      if (present === 0) first = v;
      else if (v !== first) constant = false;
      present++;
      sum += v;
    }
    this.present = present;
    this.mean = present ? sum / present : 0;
    this.constant = constant;
  }

  get complete(): boolean {
    return this.present === this.values.length;
  }

  /** Σ(x − x̄)² over all values (complete columns only). */
  get m2(): number {
    if (this.#m2 === undefined) {
      let s = 0;
      for (const v of this.values) s += (v - this.mean) * (v - this.mean);
      this.#m2 = s;
    }
    return this.#m2;
  }

  /** Average ranks of all values (complete columns only). */
  get ranks(): Float64Array {
    return this.#ranks ??= averageRanks(this.values);
  }

  /** Rows of present values in ascending order of value. */
  get order(): Int32Array {
    if (!this.#order) {
      const rows = new Int32Array(this.present);
      for (let i = 0, k = 0; i < this.values.length; i++) {
        if (this.values[i] === this.values[i]) rows[k++] = i;
      }
      const sub = take(this.values, rows);
      const order = argsort(sub);
      for (let k = 0; k < order.length; k++) order[k] = rows[order[k]];
      this.#order = order;
    }
    return this.#order;
  }
}

/**
 * Finalize step of one pair and method: r (clamped to [−1, 1]), its interval
 * and p-value — or nulls and a note — from the pair's statistic.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { correlationResult } from "./correlate.ts";
 * const flat = correlationResult({ n: 5, r: NaN, constantX: true, constantY: false }, "pearson", 0.95, ["a", "b"]);
 * assert.ok(flat.r === null && flat.note?.startsWith("a is constant"));
 * ```
 */
export function correlationResult(
  m: PairStat,
  method: CorrelationMethod,
  confidence: number,
  [xName, yName]: [string, string],
): {
  n: number;
  r: number | null;
  r_low: number | null;
  r_high: number | null;
  p_value: number | null;
  note: string | null;
} {
  const undefinedBecause = (note: string) => ({
    n: m.n,
    r: null,
    r_low: null,
    r_high: null,
    p_value: null,
    note,
  });
  if (m.n < 3) {
    return undefinedBecause(
      `fewer than 3 complete pairs (n = ${m.n}): the correlation is not defined`,
    );
  }
  if (m.constantX || m.constantY) {
    const which = [m.constantX ? xName : null, m.constantY ? yName : null].filter(Boolean);
    return undefinedBecause(
      `${which.join(" and ")} ${
        which.length > 1 ? "are" : "is"
      } constant over the ${m.n} complete pairs: the correlation is not defined`,
    );
  }
  if (!Number.isFinite(m.r)) {
    return undefinedBecause(
      `${xName} or ${yName} varies too little (relative to its size) to compute a correlation`,
    );
  }
  const r = Math.min(1, Math.max(-1, m.r));
  const p = method === "kendall" ? m.p! : correlationPValue(r, m.n)!;
  const { low, high } = fisherInterval(r, m.n, confidence, method);
  const note = low === null
    ? `no interval: the Fisher-z interval needs n > ${method === "kendall" ? 4 : 3}`
    : null;
  return { n: m.n, r, r_low: low, r_high: high, p_value: p, note };
}

/** One pair's coefficient before finalizing (`r` may be NaN when undefined). */
export interface PairStat {
  /** Complete pairs. */
  n: number;
  /** The coefficient as computed. */
  r: number;
  /** Kendall's own p-value (the other methods' come from r and n). */
  p?: number | null;
  /** Whether x is constant over the complete pairs. */
  constantX: boolean;
  /** Whether y is constant over the complete pairs. */
  constantY: boolean;
}

/**
 * Pearson's r of the complete pairs. Sums are taken of deviations from each
 * column's mean over all its values (a shift close to the pair means), which
 * keeps the one-pass co-moments free of cancellation.
 */
function pearsonOf(x: Prepared, y: Prepared): PairStat {
  const xv = x.values, yv = y.values;
  if (x.complete && y.complete) {
    let sxy = 0;
    const mx = x.mean, my = y.mean;
    for (let i = 0; i < xv.length; i++) sxy += (xv[i] - mx) * (yv[i] - my);
    return {
      n: xv.length,
      r: sxy / Math.sqrt(x.m2 * y.m2),
      constantX: x.constant,
      constantY: y.constant,
    };
  }
  const m = coMoments(xv, yv, x.mean, y.mean);
  return { ...m, r: m.cxy / Math.sqrt(m.m2x * m.m2y) };
}

/** Co-moments of the complete pairs of x and y, shifted by (kx, ky) while summing. */
function coMoments(xv: Float64Array, yv: Float64Array, kx: number, ky: number) {
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  let fx = NaN, fy = NaN, constantX = true, constantY = true;
  for (let i = 0; i < xv.length; i++) {
    const a = xv[i], b = yv[i];
    if (a !== a || b !== b) continue;
    if (n === 0) {
      fx = a;
      fy = b;
    } else {
      if (a !== fx) constantX = false;
      if (b !== fy) constantY = false;
    }
    n++;
    const dx = a - kx, dy = b - ky;
    sx += dx;
    sy += dy;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return {
    n,
    m2x: sxx - sx * sx / n,
    m2y: syy - sy * sy / n,
    cxy: sxy - sx * sy / n,
    constantX,
    constantY,
  };
}

/** Rank buffers reused across pairs (one pair at a time), so pairs allocate nothing. */
const scratch = { x: new Float64Array(0), y: new Float64Array(0) };

/** Spearman's ρ: Pearson's r of the average ranks within the complete pairs. */
function spearmanOf(x: Prepared, y: Prepared): PairStat {
  if (x.complete && y.complete) {
    const rx = x.ranks, ry = y.ranks, n = rx.length;
    const mean = (n + 1) / 2;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < n; i++) {
      const a = rx[i] - mean, b = ry[i] - mean;
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    return { n, r: sxy / Math.sqrt(sxx * syy), constantX: x.constant, constantY: y.constant };
  }
  const n0 = x.values.length;
  if (scratch.x.length < n0) scratch.x = new Float64Array(n0), scratch.y = new Float64Array(n0);
  const rx = subsetRanks(x, y.values, scratch.x.subarray(0, n0));
  const ry = subsetRanks(y, x.values, scratch.y.subarray(0, n0));
  let n = 0;
  for (let i = 0; i < rx.length; i++) if (rx[i] === rx[i]) n++;
  // Ranks of n pairs have mean (n + 1)/2: the exact shift.
  const s = coMoments(rx, ry, (n + 1) / 2, (n + 1) / 2);
  return { ...s, r: s.cxy / Math.sqrt(s.m2x * s.m2y) };
}

/**
 * Average ranks of `column` among the rows where `other` is present too
 * (NaN elsewhere), from the column's sorted order: O(n), no sort per pair.
 */
function subsetRanks(column: Prepared, other: Float64Array, out: Float64Array): Float64Array {
  out.fill(NaN);
  const order = column.order, values = column.values;
  let rank = 0;
  for (let k = 0; k < order.length;) {
    // One block of equal values; count the rows of it that pair with `other`.
    const v = values[order[k]];
    let end = k, used = 0;
    while (end < order.length && values[order[end]] === v) {
      if (other[order[end]] === other[order[end]]) used++;
      end++;
    }
    const average = rank + (used + 1) / 2;
    for (let q = k; q < end; q++) {
      if (other[order[q]] === other[order[q]]) out[order[q]] = average;
    }
    rank += used;
    k = end;
  }
  return out;
}

function kendallOf(x: Prepared, y: Prepared): PairStat {
  const xv = x.values, yv = y.values;
  let a = xv, b = yv;
  if (!(x.complete && y.complete)) {
    const rows: number[] = [];
    for (let i = 0; i < xv.length; i++) if (xv[i] === xv[i] && yv[i] === yv[i]) rows.push(i);
    const idx = Int32Array.from(rows);
    a = take(xv, idx);
    b = take(yv, idx);
  }
  const n = a.length;
  const constantX = n > 0 && a.every((v) => v === a[0]);
  const constantY = n > 0 && b.every((v) => v === b[0]);
  if (n < 3 || constantX || constantY) return { n, r: NaN, constantX, constantY };
  const k = kendallTau(a, b);
  return { n, r: k.tau!, p: k.pValue, constantX, constantY };
}

// ——— correlating metrics from two tables on a common key ———

/** Per-key summaries {@link joinMetrics} can take of a metric. */
export type MetricStat = "mean" | "median" | "sum" | "count";

/** One side of {@link joinMetrics}: a table, the metric and how to summarise it per key. */
export interface MetricSide {
  /** The table (e.g. tickets, or survey answers). */
  table: ColumnTable;
  /** Numeric column, or a function of a row object (e.g. minutes to first response). */
  value: string | ((row: Record<string, unknown>) => number | null | undefined);
  /** Output column name (default: `value` if it is a column name, else `"x"` / `"y"`). */
  name?: string;
  /** This table's key column, if it differs from the option `key`. */
  key?: string;
  /** Date column the periods come from (default `"date"`). */
  date?: string;
  /** Summary per key (default `"mean"`; `"count"` counts the present values). */
  stat?: MetricStat;
}

/** Options of {@link joinMetrics}. */
export interface JoinMetricsOptions {
  /** Key column present in both tables (e.g. `"customer_id"`). */
  key?: string;
  /** Also (or only) key by calendar period of each side's `date`. */
  period?: Period;
  /** IANA time zone periods are cut in (default `"UTC"`). */
  timeZone?: string;
}

/** The names of {@link JoinMetricsOptions}. */
export const JOIN_METRICS_OPTIONS = optionNames<JoinMetricsOptions>()([
  "key",
  "period",
  "timeZone",
]);

/** Options of {@link correlateMetrics}. */
export interface CorrelateMetricsOptions extends JoinMetricsOptions {
  /** Coefficient(s) (default `"pearson"`). */
  method?: CorrelationMethod | CorrelationMethod[];
  /** Confidence level (default 0.95). */
  confidence?: number;
}

/** The names of {@link CorrelateMetricsOptions}. */
export const CORRELATE_METRICS_OPTIONS = optionNames<CorrelateMetricsOptions>()([
  ...JOIN_METRICS_OPTIONS,
  "method",
  "confidence",
]);

/**
 * Aggregates a metric of each of two tables to a common key — a customer, a
 * period, or both — and joins them (inner join: keys present on both sides).
 * Columns: the key (`key` and/or `period`), the two metric columns and
 * `n_<name>` (values summarised per key). Missing metric values are skipped;
 * keys with none are dropped. `median` is numpy's linear-interpolation median.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { joinMetrics } from "./correlate.ts";
 * const tickets = aq.table({ customer_id: ["a", "a", "b"], frt: [10, 20, 5] });
 * const answers = aq.table({ customer_id: ["a", "b", "c"], csat: [2, 5, 4] });
 * const j = joinMetrics({ table: tickets, value: "frt" }, { table: answers, value: "csat" }, {
 *   key: "customer_id",
 * });
 * assert.deepEqual(j.objects(), [
 *   { customer_id: "a", frt: 15, csat: 2, n_frt: 2, n_csat: 1 },
 *   { customer_id: "b", frt: 5, csat: 5, n_frt: 1, n_csat: 1 },
 * ]);
 * ```
 */
export function joinMetrics(
  a: MetricSide,
  b: MetricSide,
  options: JoinMetricsOptions,
): ColumnTable {
  checkCall("joinMetrics", [a.table, b.table], options, JOIN_METRICS_OPTIONS);
  const { key, period, timeZone = "UTC" } = options ?? {};
  if (key === undefined && period === undefined) {
    throw new CxOptionsError(
      `joinMetrics needs a common "key" (e.g. "customer_id") and/or a "period" (e.g. "month")`,
    );
  }
  if (period !== undefined) checkPeriod(period);
  const nameA = a.name ?? (typeof a.value === "string" ? a.value : "x");
  let nameB = b.name ?? (typeof b.value === "string" ? b.value : "y");
  if (nameB === nameA) nameB = `${nameB}_2`;
  const sideA = summarise(a, key, period, timeZone, "first table");
  const sideB = summarise(b, key, period, timeZone, "second table");
  const keyNames = [...(key !== undefined ? [key] : []), ...(period ? ["period"] : [])];
  const rows: Record<string, unknown>[] = [];
  for (const [id, ga] of sideA) {
    const gb = sideB.get(id);
    if (!gb) continue;
    const row: Record<string, unknown> = {};
    keyNames.forEach((k, i) => row[k] = ga.key[i]);
    row[nameA] = ga.value;
    row[nameB] = gb.value;
    row[`n_${nameA}`] = ga.n;
    row[`n_${nameB}`] = gb.n;
    rows.push(row);
  }
  rows.sort((p, q) => {
    for (const k of keyNames) {
      const u = String(p[k]), v = String(q[k]);
      if (u !== v) return u < v ? -1 : 1;
    }
    return 0;
  });
  const names = [...keyNames, nameA, nameB, `n_${nameA}`, `n_${nameB}`];
  return aq.table(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])));
}

/**
 * Correlation of two metrics from different tables joined on a common key:
 * {@link joinMetrics}, then {@link correlate} of the two metric columns —
 * e.g. mean first-response time per customer (tickets) against mean CSAT per
 * customer (survey answers), or monthly NPS against monthly ticket volume.
 * The result has one row per method; `n` counts keys, not rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlateMetrics } from "./correlate.ts";
 * const tickets = aq.table({ customer_id: ["a", "b", "c", "d", "e"], frt: [60, 5, 30, 10, 45] });
 * const answers = aq.table({ customer_id: ["a", "b", "c", "d", "e"], csat: [1, 5, 3, 4, 2] });
 * const r = correlateMetrics({ table: tickets, value: "frt" }, { table: answers, value: "csat" }, {
 *   key: "customer_id",
 *   method: "spearman",
 * });
 * assert.equal(r.get("r", 0), -1); // slower answers, lower CSAT, perfectly monotone here
 * assert.equal(r.get("n", 0), 5);
 * ```
 */
export function correlateMetrics(
  a: MetricSide,
  b: MetricSide,
  options: CorrelateMetricsOptions,
): ColumnTable {
  checkCall("correlateMetrics", [a.table, b.table], options, CORRELATE_METRICS_OPTIONS);
  const { key, period, timeZone } = options;
  const joined = joinMetrics(a, b, { key, period, timeZone });
  const [x, y] = joined.columnNames().slice(options.key !== undefined && options.period ? 2 : 1);
  if (joined.numRows() === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: options.key ?? "period",
        value: null,
        reason: "no key has a value in both tables; check that the key columns hold the same ids",
      }],
      1,
      "Nothing to correlate",
    );
  }
  return correlate(joined, {
    columns: [x, y],
    method: options.method,
    confidence: options.confidence,
  });
}

interface Summary {
  key: unknown[];
  value: number;
  n: number;
}

function summarise(
  side: MetricSide,
  key: string | undefined,
  period: Period | undefined,
  timeZone: string,
  which: string,
): Map<string, Summary> {
  const { table, value, stat = "mean" } = side;
  if (!["mean", "median", "sum", "count"].includes(stat)) {
    throw new CxOptionsError(
      `${which}: "stat" must be "mean", "median", "sum" or "count", got ${JSON.stringify(stat)}`,
    );
  }
  const keyColumn = side.key ?? key;
  const date = side.date ?? "date";
  if (keyColumn !== undefined) requireColumns(table, [keyColumn], `key (${which})`);
  if (period) requireColumns(table, [date], `date (${which})`);
  const values = typeof value === "string"
    ? numericColumn(table, value, `value (${which})`)
    : Float64Array.from(table.objects() as Record<string, unknown>[], (row) => {
      const v = value(row);
      return typeof v === "number" && Number.isFinite(v) ? v : NaN;
    });
  const keys = keyColumn !== undefined ? table.array(keyColumn) as ArrayLike<unknown> : undefined;
  const dates = period ? table.array(date) as ArrayLike<unknown> : undefined;
  const of = period ? periodFn(period, timeZone) : undefined;
  const groups = new Map<string, { key: unknown[]; values: number[] }>();
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) continue;
    const parts: unknown[] = [];
    if (keys) {
      const k = keys[i];
      if (k === null || k === undefined) continue;
      parts.push(k);
    }
    if (dates) {
      const d = dates[i];
      if (!(d instanceof Date)) {
        if (d === null || d === undefined) continue;
        throw new CxDataError([{
          row: i + 1,
          column: date,
          value: String(d),
          reason: `${date} must hold dates; load the data with readCsv to parse them`,
        }]);
      }
      parts.push(of!(d).label);
    }
    const id = JSON.stringify(parts);
    let g = groups.get(id);
    if (!g) groups.set(id, g = { key: parts, values: [] });
    g.values.push(values[i]);
  }
  const out = new Map<string, Summary>();
  for (const [id, g] of groups) {
    const v = g.values;
    const total = v.reduce((s, x) => s + x, 0);
    const summary = stat === "count"
      ? v.length
      : stat === "sum"
      ? total
      : stat === "mean"
      ? total / v.length
      : quantileSorted(Float64Array.from(v).sort(), 0.5);
    out.set(id, { key: g.key, value: summary, n: v.length });
  }
  return out;
}
