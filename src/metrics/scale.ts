/**
 * What CSAT and CES share: a score on a declared integer scale, summarised
 * by its mean (t interval) and the share of answers in a box (Wilson
 * interval). The aggregate is mergeable: count, Σx, Σx² and the box count.
 * When every answer is the same (sd = 0) the t interval has zero width; it
 * is replaced by the conservative bounded-score interval and flagged.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import {
  boundedMeanInterval,
  type Interval,
  meanSd,
  tInterval,
  wilson,
} from "../stats/intervals.ts";
import { scaleSums } from "../kernels/sums.ts";
import { scaleWeightedSums } from "../kernels/weighted.ts";
import { columnValues } from "../kernels/groups.ts";
import {
  checkScores,
  checkWeights,
  planCodes,
  scoreKernel,
  tidyResult,
  weightNotes,
  weightOfGroup,
} from "./groups.ts";
import { effectiveCount, effectiveN } from "../stats/weights.ts";
import {
  type GroupPlan,
  KPI_OPTIONS,
  type KpiOptions,
  requireColumn,
  resolvePlan,
  SCORE_DEFAULTS,
  WEIGHT_OPTIONS,
  type WeightOptions,
  withPeriods,
} from "../base/plan.ts";
import { pooled, type TableInput } from "../base/input.ts";
import { interval } from "./bounds.ts";
import type { EngineAnalysis } from "../engine/dispatch.ts";
import { scoreKpi } from "./score_sql.ts";
import type { ScaleBox } from "../schema/scales.ts";

/** Mergeable sums of a scale score per group. */
export interface ScaleSums {
  /** Answers with a score. */
  n: number;
  /** Σ score. */
  sum: number;
  /** Σ score². */
  sum_squares: number;
  /** Answers inside the box (top box for CSAT, low-effort box for CES). */
  box: number;
}

/** The weighted sums of a scale score (survey weights). */
export interface ScaleWeights {
  /** Σw over the answers. */
  weight: number;
  /** Σw². */
  weight_squares: number;
  /** Σw·x. */
  weight_sum: number;
  /** Σw·x². */
  weight_sum_squares: number;
  /** Σw over the answers in the box. */
  weight_box: number;
}

/**
 * The sums the scale formulas read: the plain ones without weights; with
 * {@link ScaleWeights}, Kish's effective n and sums that give the weighted
 * mean m = Σwx/Σw, the weighted variance v = Σwx²/Σw − m² times
 * n_eff/(n_eff − 1) as the sample variance, and the weighted box share at
 * n_eff (see `src/stats/weights.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { effectiveScaleSums } from "./scale.ts";
 * // x = 1 (w = 3), 5 (w = 1): m = 2, Σw = 4, Σw² = 10, n_eff = 1.6.
 * const e = effectiveScaleSums({ n: 2, box: 1, weight: 4, weight_squares: 10, weight_sum: 8, weight_sum_squares: 28, weight_box: 1 });
 * assert.ok(e.n === 1.6 && Math.abs(e.sum / e.n - 2) < 1e-15 && Math.abs(e.box - 0.4) < 1e-15);
 * ```
 */
export function effectiveScaleSums(
  sums: { n: number; box: number; sum?: number; sum_squares?: number } & Partial<ScaleWeights>,
): ScaleSums {
  const { weight: w, weight_squares: w2 } = sums;
  if (w === undefined || w2 === undefined) {
    return { n: sums.n, sum: sums.sum ?? 0, sum_squares: sums.sum_squares ?? 0, box: sums.box };
  }
  return {
    n: effectiveN(w, w2),
    sum: effectiveCount(sums.weight_sum ?? 0, w, w2),
    sum_squares: effectiveCount(sums.weight_sum_squares ?? 0, w, w2),
    box: effectiveCount(sums.weight_box ?? 0, w, w2),
  };
}

/**
 * Aggregate step of CSAT and CES: count, Σx, Σx² and the count of scores in
 * the box per group, checking every score is an integer on the declared
 * 1–`box.scale` scale (the unweighted kernel in its own pass, the other paths
 * before they start).
 */
export function aggregateScale(
  table: ColumnTable,
  column: string,
  kpi: "CSAT" | "CES",
  box: ScaleBox,
  plan: GroupPlan,
): { aggregate: ColumnTable; keys: string[] } {
  const scale = {
    min: 1,
    max: box.scale,
    what: `the ${kpi} answer on the declared 1–${box.scale} scale`,
  };
  const check = () =>
    checkScores(
      table,
      column,
      scale,
      `${column} is ${scale.what}, an integer from ${scale.min} to ${scale.max}; check the declared scale option or load with readCsv to get such rows as rejects`,
    );
  const { weight } = plan;
  if (plan.aggregate === "kernel" && weight === undefined) {
    // Checks in its own pass.
    return scoreKernel(table, column, plan, check, (scores, g) => scaleSums(scores, g, scale, box));
  }
  check();
  if (typeof plan.aggregate === "object") {
    return plan.aggregate.aggregate({ kind: "scale", score: column, scale, box, plan });
  }
  if (weight !== undefined) {
    checkWeights(table, column, weight);
    if (plan.aggregate !== "kernel") return weightedScaleRollup(table, column, weight, box, plan);
    const g = planCodes(table, plan);
    const scores = columnValues(table, column) as ArrayLike<number | null>;
    const weights = columnValues(table, weight) as ArrayLike<number | null>;
    return { aggregate: scaleWeightedSums(scores, weights, g, box.min, box.max), keys: g.keys };
  }
  const { table: grouped, keys } = withPeriods(table, plan);
  const scored = grouped.params({ boxMin: box.min, boxMax: box.max })
    .derive({ __s: `d => d[${JSON.stringify(column)}]` });
  const base = keys.length ? scored.groupby(keys) : scored;
  const aggregate = base.rollup({
    n: "d => op.valid(d.__s)",
    sum: "d => op.sum(d.__s)",
    sum_squares: "d => op.sum(d.__s * d.__s)",
    box: "(d, $) => op.sum(d.__s != null && d.__s >= $.boxMin && d.__s <= $.boxMax ? 1 : 0)",
  });
  return { aggregate, keys };
}

/** The Arquero reference of {@link scaleWeightedSums}: counts and weighted sums per group. */
function weightedScaleRollup(
  table: ColumnTable,
  column: string,
  weight: string,
  box: ScaleBox,
  plan: GroupPlan,
) {
  const { table: grouped, keys } = withPeriods(table, plan);
  const scored = grouped.params({ boxMin: box.min, boxMax: box.max }).derive({
    __s: `d => d[${JSON.stringify(column)}]`,
    __w: `d => d[${JSON.stringify(column)}] == null ? 0 : d[${JSON.stringify(weight)}]`,
  });
  const base = keys.length ? scored.groupby(keys) : scored;
  const inBox = "d.__s != null && d.__s >= $.boxMin && d.__s <= $.boxMax";
  const aggregate = base.rollup({
    n: "d => op.valid(d.__s)",
    box: `(d, $) => op.sum(${inBox} ? 1 : 0)`,
    weight: "d => op.sum(d.__w)",
    weight_squares: "d => op.sum(d.__w * d.__w)",
    weight_sum: "d => op.sum(d.__s != null ? d.__w * d.__s : 0)",
    weight_sum_squares: "d => op.sum(d.__s != null ? d.__w * d.__s * d.__s : 0)",
    weight_box: `(d, $) => op.sum(${inBox} ? d.__w : 0)`,
  });
  return { aggregate, keys };
}

/** What {@link finalizeScale} gives for one group. */
export type ScaleStats = ReturnType<typeof finalizeScale>;

/**
 * An estimate's columns by the result contract: `x`, `x_low`, `x_high`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateColumns } from "./scale.ts";
 * assert.deepEqual(estimateColumns("csat"), ["csat", "csat_low", "csat_high"]);
 * ```
 */
export function estimateColumns<X extends string>(x: X): [X, `${X}_low`, `${X}_high`] {
  return [x, `${x}_low`, `${x}_high`];
}

/** What one scale KPI (CSAT, CES) says about itself; see {@link scaleKpi}. */
export interface ScaleKpiSpec<O> {
  /** The KPI: its name, and the default score column. */
  kpi: "csat" | "ces";
  /** The declared scale and the box, from the options (checked there). */
  box(options: O): ScaleBox;
  /** The option that sets the box (`topBox`, `lowEffort`); the notes name the box by it. */
  boxOption: string;
  /** Whether a higher or a lower score is better (`notes.higherIsBetter`, `notes.lowerIsBetter`). */
  better: "higher" | "lower";
  /**
   * Where each result column comes from, in order: {@link finalizeScale}'s
   * statistic of that name; the last column, `degenerate_interval`, is its
   * `degenerate`. The column from `mean` has its interval kept on the scale.
   */
  from: readonly (keyof ScaleStats)[];
  /** The result's `meta(result).method`. */
  method: string;
  /** Result columns after the keys, in order. */
  columns: readonly string[];
}

/**
 * A scale KPI (CSAT, CES) with the one dispatcher: options `KPI_OPTIONS`,
 * `score`, `scale` and the box option; in memory {@link aggregateScale},
 * then {@link finalizeScale} on every aggregated row, the mean's interval
 * kept on the declared 1–`scale` scale; with an engine the same finalize on
 * the engine's sums.
 */
export function scaleKpi<O extends KpiOptions & WeightOptions & { score?: string }>(
  spec: ScaleKpiSpec<O>,
): EngineAnalysis<O> {
  return scoreKpi<O>({
    name: spec.kpi,
    options: [...KPI_OPTIONS, ...WEIGHT_OPTIONS, "score", "scale", spec.boxOption],
    memory: (input, options) => scaleInMemory(spec, input, options),
  });
}

function scaleInMemory<O extends KpiOptions & WeightOptions & { score?: string }>(
  spec: ScaleKpiSpec<O>,
  input: TableInput,
  options: O = {} as O,
): ColumnTable {
  const table = pooled(input);
  const { score = spec.kpi } = options;
  const box = spec.box(options), { scale } = box; // options checked before the column
  requireColumn(table, score, "score");
  const plan = resolvePlan(table, options, SCORE_DEFAULTS);
  const kpi = spec.kpi === "csat" ? "CSAT" : "CES";
  const { aggregate, keys } = aggregateScale(table, score, kpi, box, plan);
  const range = { min: 1, max: scale };
  const finalize = (row: Record<string, unknown>) => {
    const sums = weightOfGroup(row, keys, plan) as unknown as ScaleSums & Partial<ScaleWeights>;
    const stats = finalizeScale(sums, plan.confidence, range);
    const named = spec.from.map((key, i) => [spec.columns[i], stats[key]]);
    return { ...Object.fromEntries(named), degenerate_interval: stats.degenerate };
  };
  const notes = {
    ...weightNotes(plan),
    score,
    scale: `1–${scale}`,
    [spec.boxOption]: `${box.min}–${box.max}`,
    [`${spec.better}IsBetter`]: true,
  };
  const mean = spec.columns[spec.from.indexOf("mean")];
  return tidyResult(
    aggregate,
    keys,
    plan,
    finalize,
    { kpi: spec.kpi, method: spec.method, notes },
    [...spec.columns],
    { bounds: interval(mean, 1, scale) },
  );
}

/**
 * Finalize step: mean with t interval and box share (percent) with Wilson
 * interval, weighted when the sums carry {@link ScaleWeights} (see
 * {@link effectiveScaleSums}; `n` and `box` stay answer counts).
 * `degenerate` is `true` where the t interval had zero width (all answers
 * equal) and was replaced by {@link meanInterval}'s bounded-score
 * interval, `null` without a mean interval (n < 2, or n_eff < 2 weighted).
 */
export function finalizeScale(
  sums: ScaleSums & Partial<ScaleWeights>,
  confidence: number,
  scale: { min: number; max: number },
): {
  n: number;
  n_effective: number;
  box: number;
  share: number | null;
  share_low: number | null;
  share_high: number | null;
  mean: number | null;
  sd: number | null;
  mean_low: number | null;
  mean_high: number | null;
  degenerate: boolean | null;
} {
  const e = effectiveScaleSums(sums);
  const { mean, sd, low, high, degenerate } = meanInterval(e, confidence, scale);
  const t = { low, high };
  const w = wilson(e.box, e.n, confidence);
  const pct = (x: number | null) => x === null ? null : 100 * x;
  return {
    n: sums.n,
    n_effective: e.n,
    box: sums.box,
    share: e.n > 0 ? 100 * e.box / e.n : null,
    share_low: pct(w.low),
    share_high: pct(w.high),
    mean,
    sd,
    mean_low: t.low,
    mean_high: t.high,
    degenerate,
  };
}

/**
 * Mean and sd of a scale score from its sums, with Student's t interval; when
 * every answer is the same (sd = 0, n ≥ 2) the t interval would be a point,
 * so the bounded-score interval (`boundedMeanInterval`: Wilson on the mean
 * rescaled to [0, 1]) is used instead and `degenerate` is `true`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanInterval } from "./scale.ts";
 * const all5 = meanInterval({ n: 40, sum: 200, sum_squares: 1000 }, 0.95, { min: 1, max: 5 });
 * assert.ok(all5.mean === 5 && all5.high === 5 && all5.low! < 5 && all5.degenerate === true);
 * ```
 */
export function meanInterval(
  sums: { n: number; sum?: number | null; sum_squares?: number | null },
  confidence: number,
  scale: { min: number; max: number },
): Interval & { mean: number | null; sd: number | null; degenerate: boolean | null } {
  const { n } = sums;
  const { mean, sd } = meanSd(n, sums.sum ?? 0, sums.sum_squares ?? 0);
  if (mean === null || sd === null) return { mean, sd, low: null, high: null, degenerate: null };
  // sd = 0 up to rounding: weighted sums of equal answers need not cancel exactly.
  if (sd <= 1e-9 * (scale.max - scale.min)) {
    const b = boundedMeanInterval(mean, n, scale.min, scale.max, confidence);
    return { mean, sd, ...b, degenerate: true };
  }
  return { mean, sd, ...tInterval(mean, sd, n, confidence), degenerate: false };
}
