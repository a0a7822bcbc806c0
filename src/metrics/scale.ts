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
import { columnValues } from "../kernels/groups.ts";
import { checkValues, planCodes, tidyResult } from "./groups.ts";
import {
  type GroupPlan,
  KPI_OPTIONS,
  type KpiOptions,
  requireColumn,
  resolvePlan,
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

/**
 * Aggregate step of CSAT and CES: count, Σx, Σx² and the count of scores in
 * the box per group, after checking every score is an integer on the
 * declared 1–`box.scale` scale.
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
  checkValues(
    table,
    column,
    (v) => typeof v === "number" && Number.isInteger(v) && v >= scale.min && v <= scale.max,
    `${column} is ${scale.what}, an integer from ${scale.min} to ${scale.max}; check the declared scale option or load with readCsv to get such rows as rejects`,
  );
  if (typeof plan.aggregate === "object") {
    return plan.aggregate.aggregate({ kind: "scale", score: column, scale, box, plan });
  }
  if (plan.aggregate === "kernel") {
    const g = planCodes(table, plan);
    return {
      aggregate: scaleSums(
        columnValues(table, column) as ArrayLike<number | null>,
        g,
        box.min,
        box.max,
      ),
      keys: g.keys,
    };
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
export function scaleKpi<O extends KpiOptions & { score?: string }>(
  spec: ScaleKpiSpec<O>,
): EngineAnalysis<O> {
  return scoreKpi<O>({
    name: spec.kpi,
    options: [...KPI_OPTIONS, "score", "scale", spec.boxOption],
    memory: (input, options) => scaleInMemory(spec, input, options),
  });
}

function scaleInMemory<O extends KpiOptions & { score?: string }>(
  spec: ScaleKpiSpec<O>,
  input: TableInput,
  options: O = {} as O,
): ColumnTable {
  const table = pooled(input);
  const { score = spec.kpi } = options;
  const box = spec.box(options), { scale } = box; // options checked before the column
  requireColumn(table, score, "score");
  const plan = resolvePlan(table, options, { date: "date" });
  const kpi = spec.kpi === "csat" ? "CSAT" : "CES";
  const { aggregate, keys } = aggregateScale(table, score, kpi, box, plan);
  const range = { min: 1, max: scale };
  const finalize = (row: Record<string, unknown>) => {
    const stats = finalizeScale(row as unknown as ScaleSums, plan.confidence, range);
    const named = spec.from.map((key, i) => [spec.columns[i], stats[key]]);
    return { ...Object.fromEntries(named), degenerate_interval: stats.degenerate };
  };
  const notes = {
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
 * interval. `degenerate` is `true` where the t interval had zero width (all
 * answers equal) and was replaced by {@link meanInterval}'s bounded-score
 * interval, `null` without a mean interval (n < 2).
 */
export function finalizeScale(
  sums: ScaleSums,
  confidence: number,
  scale: { min: number; max: number },
): {
  n: number;
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
  const { n, box } = sums;
  const { mean, sd, low, high, degenerate } = meanInterval(sums, confidence, scale);
  const t = { low, high };
  const w = wilson(box, n, confidence);
  const pct = (x: number | null) => x === null ? null : 100 * x;
  return {
    n,
    box,
    share: n > 0 ? 100 * box / n : null,
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
  if (sd === 0) {
    const b = boundedMeanInterval(mean, n, scale.min, scale.max, confidence);
    return { mean, sd, ...b, degenerate: true };
  }
  return { mean, sd, ...tInterval(mean, sd, n, confidence), degenerate: false };
}
