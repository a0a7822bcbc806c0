/**
 * Key-driver analysis: how much of an outcome (likelihood to recommend, CSAT)
 * each attribute rating explains, by Johnson's relative weights and/or
 * Shapley-value regression (dominance analysis), with seeded bootstrap
 * intervals, per segment; plus the importance × performance quadrant.
 *
 * @module
 */
import { metaOf } from "../../meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attachMeta, type DriverMethod } from "../../meta.ts";
export type { DriverMethod, KeyDriversMeta } from "../../meta.ts";
import { CxDataError, CxError, CxOptionsError, type CxProblem } from "../../errors.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { tInterval } from "../../stats/intervals.ts";
import { cholesky, choleskySolve, symmetricEigen } from "../../stats/linalg.ts";
import { quantileSorted } from "../../stats/quantile.ts";
import { checkResamples, seededRandom } from "../../stats/random.ts";
import { checkMissing, type MissingGroups } from "../../base/plan.ts";
import {
  byColumns,
  numericColumn,
  requireColumns,
  type RowGroup,
  rowGroups,
  withoutMissingGroups,
} from "../numeric.ts";
import { checkCall, optionNames } from "../../options.ts";

/** Bootstrap settings of {@link keyDrivers}. */
export interface DriverBootstrap {
  /** Resamples (default 1000). */
  resamples?: number;
  /** Seed of the generator (default 1): the same seed gives the same intervals. */
  seed?: number;
  /** Confidence level of the percentile intervals (default 0.95). */
  confidence?: number;
}

/** Options of {@link keyDrivers}. */
export interface KeyDriversOptions {
  /** Outcome column (e.g. `"nps_score"`, `"csat"`). */
  outcome: string;
  /** Driver columns (attribute ratings), at least one. */
  drivers: string[];
  /** `"relative-weights"` (default), `"shapley"` (≤ 15 drivers) or `"both"`. */
  method?: DriverMethod | "both";
  /** Percentile intervals for `weight_pct` from resampled complete cases; `true` for defaults. */
  bootstrap?: DriverBootstrap | boolean;
  /** Segment column(s): one analysis per group. */
  by?: string | string[];
  /**
   * Rows whose `by` value is missing (`null`, empty or blank text): `"drop"`
   * (default) leaves them out and counts them in
   * `meta(result).notes.missingGroups`; `"group"` analyses them as
   * their own group (`null` key).
   */
  missing?: MissingGroups;
}

/** The names of {@link KeyDriversOptions}. */
export const KEY_DRIVERS_OPTIONS = optionNames<KeyDriversOptions>()([
  "outcome",
  "drivers",
  "method",
  "bootstrap",
  "by",
  "missing",
]);

/** The result columns after the group keys, in order. */
export const KEY_DRIVER_COLUMNS = [
  "driver",
  "method",
  "raw_weight",
  "weight_pct",
  "weight_pct_low",
  "weight_pct_high",
  "sign",
  "beta",
  "r",
  "rank",
  "n",
  "r2",
  "note",
] as const;

/** Shapley values need 2^p regressions; beyond this, use relative weights. */
export const MAX_SHAPLEY_DRIVERS = 15;

/**
 * Key drivers of an outcome: one row per driver × method (× group) with
 * `raw_weight` (the driver's share of R²; they add up to `r2`), `weight_pct`
 * (normalised to 100 %), bootstrap `weight_pct_low/high`, `sign` (+1/−1: the
 * direction of the driver's coefficient in the full regression), `beta` (that
 * standardised coefficient), `r` (its correlation with the outcome), `rank`
 * (1 = most important), `n` and the model `r2`.
 *
 * - **Missing values**: listwise deletion — only rows with the outcome and
 *   every driver present are used (`n`), so all weights come from one sample.
 * - **relative-weights** (Johnson 2000, Multivariate Behavioral Research
 *   35:1–19): with the drivers' correlation matrix R = V·diag(λ)·Vᵀ, Λ =
 *   V·diag(√λ)·Vᵀ and β* = Λ⁻¹·r_xy, raw weight_j = Σ_k Λ_jk²·β*_k².
 * - **shapley** (Shapley-value regression, the LMG measure; dominance
 *   analysis' general dominance, Budescu 1993): the increase in R² when the
 *   driver joins a model, averaged over all orderings of the drivers —
 *   computed exactly over the 2^p subsets, weight |S|!(p−|S|−1)!/p!.
 * - **bootstrap**: resample the complete rows with replacement (seeded),
 *   recompute every weight, percentile interval of `weight_pct` (numpy's
 *   linear quantile). Resamples in which a driver is constant are skipped and
 *   counted in the metadata.
 *
 * Problems are `CxDataError`s that name the driver: no values at all, a
 * constant driver or outcome, fewer complete rows than drivers + 2, drivers
 * that are (almost) linear combinations of others. With `by`, a group with
 * such a problem gets null weights and the reason in `note` (an error only if
 * every group fails).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { keyDrivers } from "./drivers.ts";
 * // Two uncorrelated drivers: each weight is its squared correlation with y.
 * const t = aq.table({ a: [1, -1, 1, -1], b: [1, 1, -1, -1], y: [3, -1, 1, -3] });
 * const result = keyDrivers(t, { outcome: "y", drivers: ["a", "b"], method: "both" });
 * const rows = result.objects() as { driver: string; method: string; raw_weight: number; weight_pct: number }[];
 * // y = 2a + b: r(a, y) = 0.8944…, r(b, y) = 0.4472… → weights 0.8 and 0.2 of R² = 1.
 * assert.ok(rows.every((r) => Math.abs(r.raw_weight - (r.driver === "a" ? 0.8 : 0.2)) < 1e-12));
 * assert.ok(rows[0].driver === "a" && Math.abs(rows[0].weight_pct - 80) < 1e-9);
 * ```
 */
export function keyDrivers(table: ColumnTable, options: KeyDriversOptions): ColumnTable {
  ({ input: table, options } = checkCall("keyDrivers", table, options, KEY_DRIVERS_OPTIONS));
  const plan = planDrivers(table, options);
  const outcome = numericColumn(table, plan.outcome, "outcome");
  const drivers = plan.drivers.map((d) => numericColumn(table, d, "drivers"));
  checkNotEmpty(plan, outcome, drivers, table.numRows());
  const rows: Record<string, unknown>[] = [];
  const failures: CxProblem[] = [];
  let failed = 0;
  const { groups, note } = withoutMissingGroups(rowGroups(table, plan.by), plan.by, plan.missing);
  for (const group of groups) {
    try {
      const analysed = analyseGroup(group, outcome, drivers, plan);
      failed += analysed.failedResamples;
      rows.push(...analysed.rows.map((r) => ({ ...group.key, ...r })));
    } catch (e) {
      if (!(e instanceof CxDataError) || plan.by.length === 0) throw e;
      const note = e.problems.map((p) => p.reason).join("; ");
      failures.push({
        row: null,
        column: null,
        value: null,
        reason: `${keyLabel(group)}: ${note}`,
      });
      for (const method of plan.methods) {
        plan.drivers.forEach((driver) =>
          rows.push({ ...group.key, ...emptyRow(driver, method, group.rows.length), note })
        );
      }
    }
  }
  if (failures.length === groups.length) {
    throw new CxDataError(failures, failures.length, "No group has enough data for key drivers");
  }
  const names = [...plan.by, ...KEY_DRIVER_COLUMNS];
  const result = aq.table(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])));
  attachMeta(result, {
    kind: "keyDrivers",
    outcome: plan.outcome,
    drivers: plan.drivers,
    methods: plan.methods,
    by: plan.by,
    bootstrap: plan.bootstrap ? { ...plan.bootstrap, failed } : null,
    notes: {
      missing: "listwise deletion: rows with the outcome and every driver present",
      ...(note ? { missingGroups: note } : {}),
      "relative-weights": "Johnson (2000): eigen-decomposition of the driver correlation matrix",
      shapley: "Shapley value regression (LMG): mean R² increase over all orderings, exact",
      sign: "direction of the driver's coefficient in the full linear regression",
    },
  });
  return result;
}

interface DriverPlan {
  outcome: string;
  drivers: string[];
  methods: DriverMethod[];
  by: string[];
  missing: MissingGroups;
  bootstrap: { resamples: number; seed: number; confidence: number } | null;
}

function planDrivers(table: ColumnTable, options: KeyDriversOptions): DriverPlan {
  const { outcome, drivers, method = "relative-weights", bootstrap } = options ?? {};
  requireColumns(table, [outcome], "outcome");
  if (!Array.isArray(drivers) || drivers.length === 0) {
    throw new CxOptionsError(
      `Option "drivers" must list at least one column, e.g. { drivers: ["rating_wait_time", ` +
        `"rating_app"] }; got ${JSON.stringify(drivers)}`,
    );
  }
  requireColumns(table, drivers, "drivers");
  if (new Set(drivers).size !== drivers.length) {
    throw new CxOptionsError(`Option "drivers" names a column twice: ${drivers.join(", ")}`);
  }
  if (drivers.includes(outcome)) {
    throw new CxOptionsError(
      `The outcome "${outcome}" is also listed in "drivers"; remove it from the drivers`,
    );
  }
  if (!["relative-weights", "shapley", "both"].includes(method)) {
    throw new CxOptionsError(
      `Option "method" must be "relative-weights", "shapley" or "both", got ${
        JSON.stringify(method)
      }`,
    );
  }
  const methods: DriverMethod[] = method === "both" ? ["relative-weights", "shapley"] : [method];
  if (methods.includes("shapley") && drivers.length > MAX_SHAPLEY_DRIVERS) {
    throw new CxOptionsError(
      `Shapley values need all 2^${drivers.length} sub-models; with more than ` +
        `${MAX_SHAPLEY_DRIVERS} drivers use method "relative-weights" (it agrees closely)`,
    );
  }
  return {
    outcome,
    drivers,
    methods,
    by: byColumns(table, options.by),
    missing: checkMissing(options.missing),
    bootstrap: resolveBootstrap(bootstrap),
  };
}

function resolveBootstrap(
  bootstrap: DriverBootstrap | boolean | undefined,
): DriverPlan["bootstrap"] {
  if (!bootstrap) return null;
  const { resamples = 1000, seed = 1, confidence = 0.95 } = bootstrap === true ? {} : bootstrap;
  checkResamples(resamples, "bootstrap.resamples", 10);
  if (!Number.isInteger(seed)) {
    throw new CxOptionsError(
      `Option "bootstrap.seed" must be a whole number, got ${JSON.stringify(seed)}`,
    );
  }
  checkConfidence(confidence);
  return { resamples, seed, confidence };
}

/** A driver (or the outcome) without a single value is a mistake in the call, not in a group. */
function checkNotEmpty(
  plan: DriverPlan,
  outcome: Float64Array,
  drivers: Float64Array[],
  rows: number,
): void {
  const empty = [plan.outcome, ...plan.drivers].filter((_, k) =>
    (k === 0 ? outcome : drivers[k - 1]).every((v) => v !== v)
  );
  if (empty.length === 0) return;
  throw new CxDataError(
    empty.map((name) => ({
      row: null,
      column: name,
      value: null,
      reason: `${name === plan.outcome ? "the outcome" : "driver"} "${name}" has no values ` +
        `(all ${rows} rows are empty); ${
          name === plan.outcome ? "choose another outcome" : `remove it from "drivers"`
        }`,
    })),
    empty.length,
    "Nothing to analyse",
  );
}

function keyLabel(group: RowGroup): string {
  const parts = Object.entries(group.key).map(([k, v]) => `${k} = ${v}`);
  return parts.length ? parts.join(", ") : "all rows";
}

function emptyRow(driver: string, method: DriverMethod, n: number): Record<string, unknown> {
  return {
    driver,
    method,
    raw_weight: null,
    weight_pct: null,
    weight_pct_low: null,
    weight_pct_high: null,
    sign: null,
    beta: null,
    r: null,
    rank: null,
    n,
    r2: null,
  };
}

/** Correlation structure of one sample: driver correlations, driver–outcome correlations. */
interface Correlations {
  rxx: number[][];
  rxy: number[];
}

/** Weights and the full model of one sample. */
interface DriverFit {
  r2: number;
  beta: number[];
  weights: Partial<Record<DriverMethod, number[]>>;
}

function analyseGroup(
  group: RowGroup,
  outcome: Float64Array,
  drivers: Float64Array[],
  plan: DriverPlan,
): { rows: Record<string, unknown>[]; failedResamples: number } {
  const p = drivers.length, q = p + 1;
  // Complete cases, row-major, outcome last, centred at the complete-case means.
  const complete: number[] = [];
  for (const i of group.rows) {
    if (outcome[i] !== outcome[i]) continue;
    if (drivers.every((d) => d[i] === d[i])) complete.push(i);
  }
  const n = complete.length;
  if (n < p + 2) {
    throw new CxDataError([{
      row: null,
      column: null,
      value: String(n),
      reason: `only ${n} complete row${n === 1 ? "" : "s"} (outcome and all ${p} drivers ` +
        `present); key drivers need at least ${p + 2} (drivers + 2)`,
    }]);
  }
  const data = new Float64Array(n * q);
  const columns = [...drivers, outcome];
  const names = [...plan.drivers, plan.outcome];
  for (let k = 0; k < q; k++) {
    const c = columns[k];
    let mean = 0;
    for (const i of complete) mean += c[i];
    mean /= n;
    let constant = true;
    const first = c[complete[0]];
    for (let m = 0; m < n; m++) {
      const v = c[complete[m]];
      if (v !== first) constant = false;
      data[m * q + k] = v - mean;
    }
    if (constant) {
      const what = k === p ? "the outcome" : "driver";
      throw new CxDataError([{
        row: null,
        column: names[k],
        value: String(first),
        reason: `${what} "${names[k]}" has the same value (${first}) in all ${n} complete rows: ` +
          `it cannot explain or be explained; ${
            k === p ? "choose another outcome" : `remove it from "drivers"`
          }`,
      }]);
    }
  }
  const full = fitDrivers(correlationsOf(data, n, q), plan.methods);
  if (full instanceof CollinearError) {
    throw new CxDataError([{
      row: null,
      column: plan.drivers[full.column],
      value: null,
      reason: `driver "${plan.drivers[full.column]}" is (almost) a linear combination of ${
        full.column === 0 ? "the others" : plan.drivers.slice(0, full.column).join(", ")
      }: its weight is not identified; remove it or combine the drivers`,
    }]);
  }
  const intervals = plan.bootstrap ? bootstrapWeights(data, n, q, plan) : null;
  const rows: Record<string, unknown>[] = [];
  for (const method of plan.methods) {
    const raw = full.weights[method]!;
    const pct = raw.map((w) => 100 * w / full.r2);
    const ranks = rankDescending(pct);
    plan.drivers.forEach((driver, j) => {
      rows.push({
        driver,
        method,
        raw_weight: raw[j],
        weight_pct: pct[j],
        weight_pct_low: intervals ? intervals.bounds[method][j][0] : null,
        weight_pct_high: intervals ? intervals.bounds[method][j][1] : null,
        sign: Math.sign(full.beta[j]) || 0,
        beta: full.beta[j],
        r: full.rxy[j],
        rank: ranks[j],
        n,
        r2: full.r2,
        note: intervals?.note ?? null,
      });
    });
  }
  return { rows, failedResamples: intervals?.failed ?? 0 };
}

/** Ranks 1 … p by descending value, ties in driver order. */
function rankDescending(values: number[]): number[] {
  const order = values.map((_, j) => j).sort((a, b) => values[b] - values[a] || a - b);
  const ranks = new Array<number>(values.length);
  order.forEach((j, k) => ranks[j] = k + 1);
  return ranks;
}

/**
 * Correlations from centred row-major data, optionally with a count per row
 * (a bootstrap resample). Returns `null` when a column has no variance.
 */
function correlationsOf(
  data: Float64Array,
  n: number,
  q: number,
  counts?: Uint32Array,
): Correlations | null {
  const s1 = new Float64Array(q), s2 = new Float64Array(q * q);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = counts ? counts[i] : 1;
    if (c === 0) continue;
    total += c;
    const base = i * q;
    for (let j = 0; j < q; j++) {
      const a = c * data[base + j];
      s1[j] += a;
      const row = j * q;
      for (let k = 0; k <= j; k++) s2[row + k] += a * data[base + k];
    }
  }
  const cov = (j: number, k: number) =>
    j >= k ? s2[j * q + k] - s1[j] * s1[k] / total : s2[k * q + j] - s1[k] * s1[j] / total;
  const sd = Array.from({ length: q }, (_, j) => Math.sqrt(Math.max(0, cov(j, j))));
  if (sd.some((s) => !(s > 0))) return null;
  const p = q - 1;
  const rxx = Array.from(
    { length: p },
    (_, j) => Array.from({ length: p }, (_, k) => j === k ? 1 : cov(j, k) / (sd[j] * sd[k])),
  );
  const rxy = Array.from({ length: p }, (_, j) => cov(j, p) / (sd[j] * sd[p]));
  return { rxx, rxy };
}

/** The failing Cholesky column when drivers are collinear. */
class CollinearError extends CxError {
  constructor(readonly column: number) {
    super(`collinear drivers at column ${column}`);
  }
}

function fitDrivers(
  c: Correlations | null,
  methods: DriverMethod[],
): (DriverFit & { rxy: number[] }) | CollinearError {
  if (!c) return new CollinearError(0);
  const f = cholesky(c.rxx);
  if (!f.ok) return new CollinearError(f.column);
  const beta = choleskySolve(f.l, c.rxy);
  const r2 = beta.reduce((s, b, j) => s + b * c.rxy[j], 0);
  const weights: DriverFit["weights"] = {};
  if (methods.includes("relative-weights")) {
    weights["relative-weights"] = relativeWeights(c.rxx, c.rxy);
  }
  if (methods.includes("shapley")) weights.shapley = shapleyWeights(c.rxx, c.rxy);
  return { r2, beta, weights, rxy: c.rxy };
}

function bootstrapWeights(
  data: Float64Array,
  n: number,
  q: number,
  plan: DriverPlan,
): {
  bounds: Record<DriverMethod, [number, number][]>;
  failed: number;
  note: string | null;
} {
  const { resamples, seed, confidence } = plan.bootstrap!;
  const random = seededRandom(seed);
  const p = q - 1;
  const samples = Object.fromEntries(
    plan.methods.map((m) => [m, Array.from({ length: p }, () => [] as number[])]),
  ) as Record<DriverMethod, number[][]>;
  const counts = new Uint32Array(n);
  let failed = 0;
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]++;
    const fit = fitDrivers(correlationsOf(data, n, q, counts), plan.methods);
    if (fit instanceof CxError || !(fit.r2 > 0)) {
      failed++;
      continue;
    }
    for (const m of plan.methods) {
      fit.weights[m]!.forEach((w, j) => samples[m][j].push(100 * w / fit.r2));
    }
  }
  const alpha = 1 - confidence;
  const bounds = Object.fromEntries(plan.methods.map((m) => [
    m,
    samples[m].map((values) => {
      const sorted = Float64Array.from(values).sort();
      return [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)];
    }),
  ])) as Record<DriverMethod, [number, number][]>;
  const note = failed === 0 ? null : `${failed} of ${resamples} resamples had a constant or ` +
    `collinear driver and were skipped`;
  if (failed > resamples / 2) {
    throw new CxDataError([{
      row: null,
      column: null,
      value: null,
      reason: `${note}: too few complete rows or too little variation for bootstrap intervals; ` +
        `drop "bootstrap" or use more data`,
    }]);
  }
  return { bounds, failed, note };
}

/**
 * Johnson's (2000) relative weights from a correlation matrix of drivers
 * `rxx` and their correlations with the outcome `rxy`: R = V·diag(λ)·Vᵀ,
 * Λ = V·diag(√λ)·Vᵀ (the correlations of the drivers with their closest
 * orthogonal counterparts), β* = Λ⁻¹·r_xy, ε_j = Σ_k Λ_jk²·β*_k². The weights
 * add up to R² = r_xyᵀ·R⁻¹·r_xy. `rxx` must be positive definite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relativeWeights } from "./drivers.ts";
 * // Uncorrelated drivers: each weight is the squared correlation.
 * const w = relativeWeights([[1, 0], [0, 1]], [0.6, 0.3]);
 * assert.ok(Math.abs(w[0] - 0.36) < 1e-15 && Math.abs(w[1] - 0.09) < 1e-15);
 * ```
 */
export function relativeWeights(rxx: number[][], rxy: number[]): number[] {
  const p = rxy.length;
  const { values, vectors } = symmetricEigen(rxx);
  const root = values.map((l) => Math.sqrt(Math.max(l, 0)));
  // Λ = V·diag(√λ)·Vᵀ and Λ⁻¹·r = V·diag(1/√λ)·Vᵀ·r.
  const lambda = Array.from(
    { length: p },
    (_, j) =>
      Array.from({ length: p }, (_, k) => {
        let s = 0;
        for (let m = 0; m < p; m++) s += vectors[j][m] * root[m] * vectors[k][m];
        return s;
      }),
  );
  const vtr = Array.from({ length: p }, (_, m) => {
    let s = 0;
    for (let k = 0; k < p; k++) s += vectors[k][m] * rxy[k];
    return s / root[m];
  });
  const betaStar = Array.from({ length: p }, (_, j) => {
    let s = 0;
    for (let m = 0; m < p; m++) s += vectors[j][m] * vtr[m];
    return s;
  });
  return lambda.map((row) => row.reduce((s, l, k) => s + l * l * betaStar[k] * betaStar[k], 0));
}

/**
 * Shapley-value decomposition of R² (the LMG measure; general dominance):
 * φ_j = Σ_{S ⊆ others} |S|!(p − |S| − 1)!/p! · (R²(S ∪ {j}) − R²(S)), with
 * R²(S) = r_Sᵀ·R_SS⁻¹·r_S from the correlation matrix. All 2^p subsets are
 * visited depth-first, each extending its parent's Cholesky factor by one row,
 * so a subset costs O(|S|²). The values add up to the full model's R².
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shapleyWeights } from "./drivers.ts";
 * // Two drivers: φ_1 = (r1² + R² − r2²)/2 with R² = (r1² + r2² − 2·r1·r2·r12)/(1 − r12²).
 * const [r1, r2, r12] = [0.6, 0.4, 0.5];
 * const R2 = (r1 ** 2 + r2 ** 2 - 2 * r1 * r2 * r12) / (1 - r12 ** 2);
 * const phi = shapleyWeights([[1, r12], [r12, 1]], [r1, r2]);
 * assert.ok(Math.abs(phi[0] - (r1 ** 2 + R2 - r2 ** 2) / 2) < 1e-15);
 * assert.ok(Math.abs(phi[0] + phi[1] - R2) < 1e-15);
 * ```
 */
export function shapleyWeights(rxx: number[][], rxy: number[]): number[] {
  const p = rxy.length;
  const v = subsetR2(rxx, rxy);
  // weight[s] = s!(p − s − 1)!/p!
  const weight = Array.from({ length: p }, (_, s) => 1 / (p * binomial(p - 1, s)));
  const size = new Uint8Array(1 << p);
  for (let mask = 1; mask < size.length; mask++) size[mask] = size[mask >> 1] + (mask & 1);
  const phi = new Array<number>(p).fill(0);
  for (let mask = 0; mask < size.length; mask++) {
    for (let j = 0; j < p; j++) {
      const bit = 1 << j;
      if (mask & bit) continue;
      phi[j] += weight[size[mask]] * (v[mask | bit] - v[mask]);
    }
  }
  return phi;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = c * (n - k + i) / i;
  return c;
}

/** R² of every subset of drivers (index = bit mask), by depth-first Cholesky extension. */
function subsetR2(rxx: number[][], rxy: number[]): Float64Array {
  const p = rxy.length;
  const v = new Float64Array(1 << p);
  const l = new Float64Array(p * p); // row k: the Cholesky row of the k-th member of the path
  const u = new Float64Array(p); // u = L⁻¹·r_S (so R²(S) = |u|²)
  const members = new Int32Array(p);
  const visit = (depth: number, mask: number, start: number, r2: number): void => {
    for (let j = start; j < p; j++) {
      let ll = 0, lu = 0;
      const row = depth * p;
      for (let k = 0; k < depth; k++) {
        let s = rxx[members[k]][j];
        for (let m = 0; m < k; m++) s -= l[row + m] * l[k * p + m];
        const lk = s / l[k * p + k];
        l[row + k] = lk;
        ll += lk * lk;
        lu += lk * u[k];
      }
      // rxx is positive definite (checked by the caller), so 1 − ll > 0 up to rounding.
      const d = Math.sqrt(Math.max(1 - ll, Number.EPSILON));
      l[row + depth] = d;
      u[depth] = (rxy[j] - lu) / d;
      members[depth] = j;
      const next = r2 + u[depth] * u[depth];
      v[mask | (1 << j)] = next;
      visit(depth + 1, mask | (1 << j), j + 1, next);
    }
  };
  visit(0, 0, 0, 0);
  return v;
}

// ——— importance × performance ———

/** Options of {@link importancePerformance}. */
export interface ImportancePerformanceOptions {
  /** Which method's weights are the importance (default: the result's first). */
  method?: DriverMethod;
  /** Confidence level of the mean-rating intervals (default 0.95). */
  confidence?: number;
}

/** The names of {@link ImportancePerformanceOptions}. */
export const IMPORTANCE_PERFORMANCE_OPTIONS = optionNames<ImportancePerformanceOptions>()([
  "method",
  "confidence",
]);

/** Quadrants of the importance × performance grid (Martilla & James 1977). */
export type Quadrant =
  | "Concentrate here"
  | "Keep up the good work"
  | "Low priority"
  | "Possible overkill";

/** The result columns after the group keys, in order. */
export const IMPORTANCE_PERFORMANCE_COLUMNS = [
  "driver",
  "importance",
  "importance_low",
  "importance_high",
  "performance",
  "performance_low",
  "performance_high",
  "n_ratings",
  "sign",
  "quadrant",
  "importance_split",
  "performance_split",
] as const;

/**
 * Importance × performance (Martilla & James 1977, Journal of Marketing
 * 41:77–79): per driver its importance (`weight_pct` of a {@link keyDrivers}
 * result, with its bootstrap interval) and performance (the mean of the
 * driver's ratings in `table`, every present rating counted, with a t
 * interval), and the quadrant. The grid is split at the **means**: importance
 * at the mean importance of the drivers (100 / number of drivers) and
 * performance at the mean of the drivers' mean ratings; a value on a split
 * line counts as high. Quadrants: high importance & low performance
 * "Concentrate here", both high "Keep up the good work", both low "Low
 * priority", low importance & high performance "Possible overkill". With
 * `by`, per group (splits per group).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { importancePerformance, keyDrivers } from "./drivers.ts";
 * // y = 2a + b again (a explains 80 %), but a is rated low (mean 3) and b high (mean 7).
 * const t = aq.table({ a: [4, 2, 4, 2], b: [8, 8, 6, 6], y: [16, 12, 14, 10] });
 * const ip = importancePerformance(t, keyDrivers(t, { outcome: "y", drivers: ["a", "b"] }));
 * const rows = ip.objects() as { driver: string; quadrant: string; performance_split: number }[];
 * assert.equal(rows[0].performance_split, 5); // mean of the mean ratings 3 and 7
 * assert.deepEqual(rows.map((r) => [r.driver, r.quadrant]), [
 *   ["a", "Concentrate here"],
 *   ["b", "Possible overkill"],
 * ]);
 * ```
 */
export function importancePerformance(
  table: ColumnTable,
  drivers: ColumnTable,
  options: ImportancePerformanceOptions = {},
): ColumnTable {
  checkCall("importancePerformance", [table, drivers], options, IMPORTANCE_PERFORMANCE_OPTIONS);
  const names = drivers.columnNames();
  const at = names.indexOf("driver");
  if (at < 0 || !["method", "weight_pct"].every((c) => names.includes(c))) {
    throw new CxOptionsError(
      `importancePerformance needs a result of keyDrivers() (columns driver, method, ` +
        `weight_pct, …); got columns ${names.join(", ")}`,
    );
  }
  const { confidence = 0.95 } = options;
  checkConfidence(confidence);
  const by = metaOf(drivers, "keyDrivers")?.by ?? names.slice(0, at);
  const all = drivers.objects() as Record<string, unknown>[];
  const method = options.method ?? (all[0]?.method as DriverMethod | undefined);
  const chosen = all.filter((r) => r.method === method);
  if (chosen.length === 0) {
    throw new CxOptionsError(
      `The key-driver result has no rows for method ${JSON.stringify(method)}; methods: ${
        [...new Set(all.map((r) => r.method))].join(", ")
      }`,
    );
  }
  const groupsOfTable = new Map(
    rowGroups(table, byColumns(table, by)).map((g) => [groupId(g.key, by), g.rows]),
  );
  const byGroup = new Map<string, Record<string, unknown>[]>();
  for (const r of chosen) {
    const id = groupId(r, by);
    if (!byGroup.has(id)) byGroup.set(id, []);
    byGroup.get(id)!.push(r);
  }
  const out: Record<string, unknown>[] = [];
  for (const [id, rows] of byGroup) {
    const tableRows = groupsOfTable.get(id) ?? new Int32Array(0);
    const items = rows.map((r) => {
      const values = numericColumn(table, r.driver as string, "drivers");
      let n = 0, sum = 0, sq = 0;
      for (const i of tableRows) {
        const v = values[i];
        if (v !== v) continue;
        n++;
        sum += v;
      }
      const mean = n ? sum / n : null;
      for (const i of tableRows) if (values[i] === values[i]) sq += (values[i] - mean!) ** 2;
      const sd = n > 1 ? Math.sqrt(sq / (n - 1)) : NaN;
      const ci = mean === null ? { low: null, high: null } : tInterval(mean, sd, n, confidence);
      return {
        ...Object.fromEntries(by.map((k) => [k, r[k]])),
        driver: r.driver,
        importance: r.weight_pct,
        importance_low: r.weight_pct_low,
        importance_high: r.weight_pct_high,
        performance: mean,
        performance_low: ci.low,
        performance_high: ci.high,
        n_ratings: n,
        sign: r.sign,
      } as Record<string, unknown>;
    });
    const valid = items.filter((r) => r.importance !== null && r.performance !== null);
    const mean = (key: string) =>
      valid.length ? valid.reduce((s, r) => s + (r[key] as number), 0) / valid.length : null;
    const iSplit = mean("importance"), pSplit = mean("performance");
    for (const r of items) {
      const ok = r.importance !== null && r.performance !== null;
      const high = (r.importance as number) >= iSplit!;
      const good = (r.performance as number) >= pSplit!;
      r.quadrant = !ok
        ? null
        : high
        ? (good ? "Keep up the good work" : "Concentrate here")
        : (good ? "Possible overkill" : "Low priority");
      r.importance_split = iSplit;
      r.performance_split = pSplit;
      out.push(r);
    }
  }
  const columns = [...by, ...IMPORTANCE_PERFORMANCE_COLUMNS];
  return aq.table(Object.fromEntries(columns.map((c) => [c, out.map((r) => r[c] ?? null)])));
}

function groupId(row: Record<string, unknown>, by: string[]): string {
  return JSON.stringify(by.map((k) => {
    const v = row[k] ?? null;
    return v instanceof Date ? v.getTime() : v;
  }));
}
