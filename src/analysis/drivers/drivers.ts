/**
 * Key-driver analysis: how much of an outcome (likelihood to recommend, CSAT)
 * each attribute rating explains, by Johnson's relative weights and/or
 * Shapley-value regression (dominance analysis), with seeded bootstrap
 * intervals, per segment.
 *
 * The stages, side by side: `options.ts` (options and plan), this file (the
 * complete rows of each group, centred), `fit.ts` (correlations, the full
 * regression, bootstrap), `weights.ts` (the two decompositions of R²),
 * `importance.ts` (importance × performance quadrants).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attachMeta, type DriverMethod } from "../../meta.ts";
export type { DriverMethod, KeyDriversMeta } from "../../meta.ts";
import { CxDataError, type CxProblem } from "../../errors.ts";
import { pooled, type TableInput } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { numericColumn, type RowGroup, rowGroups, withoutMissingGroups } from "../numeric.ts";
import {
  type DriverPlan,
  KEY_DRIVER_COLUMNS,
  KEY_DRIVERS_OPTIONS,
  type KeyDriversOptions,
  planDrivers,
} from "./options.ts";
import {
  bootstrapWeights,
  CollinearError,
  correlationsOf,
  type DriverFit,
  fitDrivers,
} from "./fit.ts";

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
 * constant driver or outcome, fewer complete rows than drivers + 2 (or than
 * option `minN`, e.g. 50 for stable weights), drivers
 * that are (almost) linear combinations of others. With `by`, a group with
 * such a problem gets null weights and the reason in `note` (an error only if
 * every group fails).
 *
 * **Engines**: `keyDrivers` takes `engine` like every analysis of raw rows,
 * and refuses it: its weights come from the rows where the outcome and every
 * driver are present (and bootstrap resamples of those rows), which the
 * engines' pairwise sums cannot select.
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
 * assert.throws(
 *   () => keyDrivers(t, { outcome: "y", drivers: ["a", "b"], engine: {} as never }),
 *   /keyDrivers cannot run in an SQL engine: its weights come from the rows where/,
 * );
 * ```
 */
export const keyDrivers: EngineAnalysis<KeyDriversOptions> = withEngine<KeyDriversOptions>({
  name: "keyDrivers",
  options: KEY_DRIVERS_OPTIONS,
  memory: keyDriversInMemory,
  sql: {
    refuse: "its weights come from the rows where the outcome and every driver are present " +
      "(and bootstrap resamples of them), which the engines' pairwise sums cannot select",
  },
});

function keyDriversInMemory(input: TableInput, options: KeyDriversOptions): ColumnTable {
  const table = pooled(input);
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

/** Weights of one group: its complete rows, centred, fitted, bootstrapped. */
function analyseGroup(
  group: RowGroup,
  outcome: Float64Array,
  drivers: Float64Array[],
  plan: DriverPlan,
): { rows: Record<string, unknown>[]; failedResamples: number } {
  const q = drivers.length + 1;
  const { data, n } = centredCompleteRows(group, outcome, drivers, plan);
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
  return { rows: driverRows(full, intervals, plan, n), failedResamples: intervals?.failed ?? 0 };
}

/**
 * The complete cases of a group (outcome and every driver present),
 * row-major with the outcome last, centred at the complete-case means; a
 * `CxDataError` for too few rows or a constant column.
 */
function centredCompleteRows(
  group: RowGroup,
  outcome: Float64Array,
  drivers: Float64Array[],
  plan: DriverPlan,
): { data: Float64Array; n: number } {
  const p = drivers.length, q = p + 1;
  const complete: number[] = [];
  for (const i of group.rows) {
    if (outcome[i] !== outcome[i]) continue;
    if (drivers.every((d) => d[i] === d[i])) complete.push(i);
  }
  const n = complete.length;
  if (n < plan.minN) {
    throw new CxDataError([{
      row: null,
      column: null,
      value: String(n),
      reason: `only ${n} complete row${n === 1 ? "" : "s"} (outcome and all ${p} drivers ` +
        `present); key drivers need at least ${plan.minN} (${
          plan.minN === p + 2 ? "drivers + 2" : "option minN"
        })`,
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
  return { data, n };
}

/** The result rows of one group: per method and driver, its weights, interval and rank. */
function driverRows(
  full: DriverFit & { rxy: number[] },
  intervals: ReturnType<typeof bootstrapWeights> | null,
  plan: DriverPlan,
  n: number,
): Record<string, unknown>[] {
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
  return rows;
}

/** Ranks 1 … p by descending value, ties in driver order. */
function rankDescending(values: number[]): number[] {
  const order = values.map((_, j) => j).sort((a, b) => values[b] - values[a] || a - b);
  const ranks = new Array<number>(values.length);
  order.forEach((j, k) => ranks[j] = k + 1);
  return ranks;
}
