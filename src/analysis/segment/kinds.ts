/**
 * What `segment` and `trend` need to know about each score KPI (`nps`,
 * `csat`, `ces`): the fields of its mergeable aggregate, its result columns,
 * its headline value with interval, and the test that compares two
 * independent groups.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../../errors.ts";
import { ces, CES_COLUMNS, type CesOptions } from "../../metrics/ces.ts";
import { csat, CSAT_COLUMNS, type CsatOptions } from "../../metrics/csat.ts";
import { cesBox, csatBox, type CsatScale } from "../../schema/scales.ts";
import type { GroupPlan, KpiOptions } from "../../base/plan.ts";
import type { TableInput } from "../../base/input.ts";
import {
  aggregateNps,
  effectiveNpsCounts,
  finalizeNps,
  nps,
  NPS_COLUMNS,
  type NpsCounts,
  type NpsMethod,
  npsVariance,
} from "../../metrics/nps.ts";
import {
  aggregateScale,
  effectiveScaleSums,
  meanInterval,
  type ScaleSums,
} from "../../metrics/scale.ts";
import { normalCdf, tCdf, tQuantile, zFor } from "../../stats/distributions.ts";
import { meanSd, wilson } from "../../stats/intervals.ts";
import { optionNames } from "../../options.ts";

/** The KPIs segments and trends can be computed for. */
export type AnalysisKpi = "nps" | "csat" | "ces";

/** KPI options passed through to `nps`, `csat` or `ces`. */
export interface KpiScoreOptions {
  /** Score column (default per KPI: `"nps_score"`, `"csat"`, `"ces"`). */
  score?: string;
  /** CSAT (5, 7, 10; default 5) or CES (5, 7; default 7) scale top. */
  scale?: CsatScale;
  /** CSAT: how many top answers count as satisfied (default 2). */
  topBox?: number;
  /** CES: highest score that counts as low effort (default 3 on 1–7, 2 on 1–5). */
  lowEffort?: number;
  /** NPS interval method of each segment's own interval (default `"wald"`). */
  method?: NpsMethod;
  /**
   * Survey-weight column (default: the table's `weight` column when it has
   * one; `null` for none), as for `nps`: weighted values, and tests and
   * intervals with Kish's effective n.
   */
  weight?: string | null;
}

/** Options of {@link segment}. */

/** The names of {@link KpiScoreOptions}. */
export const KPI_SCORE_OPTIONS = optionNames<KpiScoreOptions>()([
  "score",
  "scale",
  "topBox",
  "lowEffort",
  "method",
  "weight",
]);

/** Mergeable sufficient statistics of a KPI (counts or sums) for one group. */
export type Sums = Record<string, number>;

/** The difference of two independent groups with its interval and test. */
export interface Comparison {
  /** a − b in the KPI's units. */
  difference: number | null;
  /** Lower bound of the difference's interval. */
  difference_low: number | null;
  /** Upper bound. */
  difference_high: number | null;
  /** z (NPS, shares) or t (means). */
  statistic: number | null;
  /** Welch–Satterthwaite degrees of freedom (means only). */
  df: number | null;
  /** Two-sided p-value. */
  p_value: number | null;
}

/** What segment and trend need to know about one KPI. */
export interface KpiKind {
  /** The KPI. */
  kpi: AnalysisKpi;
  /** Fields of the mergeable aggregate. */
  fields: readonly string[];
  /** Fields of the mergeable aggregate with survey weights (answer counts and weighted sums). */
  weightedFields: readonly string[];
  /** The KPI function's result columns after the keys. */
  columns: readonly string[];
  /** Result columns that are 0 (not missing) for a group without answers. */
  counts: readonly string[];
  /** The test used to compare two groups. */
  test: string;
  /** The KPI function (`nps`, `csat`, `ces`). */
  result(table: TableInput, options: KpiOptions & KpiScoreOptions): ColumnTable;
  /** The aggregate step (sufficient statistics per group). */
  aggregate(table: ColumnTable, plan: GroupPlan, options: KpiScoreOptions): ColumnTable;
  /** Headline value and interval from the sums (`null`s without answers). */
  headline(s: Sums, confidence: number, options?: KpiScoreOptions): Headline;
  /** The scale of the headline value, e.g. [−100, 100] for NPS, [1, 7] for CES on 1–7. */
  range(options: KpiScoreOptions): readonly [number, number];
  /** Compares two independent groups, a − b. */
  compare(a: Sums, b: Sums, confidence: number): Comparison;
}

/** A KPI value with its interval. */
export interface Headline {
  /** The value. */
  value: number | null;
  /** Lower bound. */
  low: number | null;
  /** Upper bound. */
  high: number | null;
}

/** A comparison that cannot be made: every field `null`. */
export const NO_COMPARISON: Comparison = {
  difference: null,
  difference_low: null,
  difference_high: null,
  statistic: null,
  df: null,
  p_value: null,
};

const NPS_KIND: KpiKind = {
  kpi: "nps",
  fields: ["n", "promoters", "passives", "detractors"],
  weightedFields: [
    ...["n", "promoters", "passives", "detractors", "weight", "weight_squares"],
    ...["weight_promoters", "weight_passives", "weight_detractors"],
  ],
  columns: NPS_COLUMNS,
  counts: ["n", "n_effective", "promoters", "passives", "detractors"],
  test: "two-sample z (trinomial variance)",
  result: (table, options) => nps(table, options),
  aggregate: (table, plan, { score = "nps_score" }) => aggregateNps(table, score, plan).aggregate,
  headline(s, confidence) {
    const r = finalizeNps(
      s as unknown as NpsCounts,
      confidence,
      "wald",
      { resamples: 0, random: Math.random }, // Wald: no resampling, the generator is never called
    );
    return {
      value: r.nps as number | null,
      low: r.nps_low as number | null,
      high: r.nps_high as number | null,
    };
  },
  range: () => [-100, 100],
  compare(a, b, confidence) {
    if (!(a.n > 0 && b.n > 0)) return NO_COMPARISON;
    const ea = effectiveNpsCounts(a as unknown as NpsCounts);
    const eb = effectiveNpsCounts(b as unknown as NpsCounts);
    const difference = 100 *
      ((ea.promoters - ea.detractors) / ea.n - (eb.promoters - eb.detractors) / eb.n);
    const se = 100 *
      Math.sqrt(
        npsVariance(ea.promoters, ea.detractors, ea.n) +
          npsVariance(eb.promoters, eb.detractors, eb.n),
      );
    return zComparison(difference, se, se, confidence);
  },
};

const CSAT_KIND: KpiKind = {
  kpi: "csat",
  fields: ["n", "sum", "sum_squares", "box"],
  weightedFields: [
    ...["n", "box", "weight", "weight_squares", "weight_sum", "weight_sum_squares", "weight_box"],
  ],
  columns: CSAT_COLUMNS,
  counts: ["n", "n_effective", "top_box"],
  test: "two-proportion z (pooled share in the test, unpooled Wald interval)",
  result: (table, options) => csat(table, options as CsatOptions),
  aggregate: (table, plan, o) =>
    aggregateScale(table, o.score ?? "csat", "CSAT", csatBox(o as CsatOptions), plan).aggregate,
  headline(sums, confidence) {
    const s = effectiveScaleSums(sums as Sums & { n: number; box: number });
    const w = wilson(s.box, s.n, confidence);
    return {
      value: s.n > 0 ? 100 * s.box / s.n : null,
      low: w.low === null ? null : 100 * w.low,
      high: w.high === null ? null : 100 * w.high,
    };
  },
  range: () => [0, 100],
  compare(rawA, rawB, confidence) {
    if (!(rawA.n > 0 && rawB.n > 0)) return NO_COMPARISON;
    const a = effective(rawA), b = effective(rawB);
    const pa = a.box / a.n, pb = b.box / b.n;
    const pooledShare = (a.box + b.box) / (a.n + b.n);
    const seTest = 100 * Math.sqrt(pooledShare * (1 - pooledShare) * (1 / a.n + 1 / b.n));
    const seInterval = 100 * Math.sqrt(pa * (1 - pa) / a.n + pb * (1 - pb) / b.n);
    return zComparison(100 * (pa - pb), seTest, seInterval, confidence);
  },
};

const CES_KIND: KpiKind = {
  kpi: "ces",
  fields: ["n", "sum", "sum_squares", "box"],
  weightedFields: [
    ...["n", "box", "weight", "weight_squares", "weight_sum", "weight_sum_squares", "weight_box"],
  ],
  columns: CES_COLUMNS,
  counts: ["n", "n_effective", "low_effort"],
  test: "Welch t (unequal variances)",
  result: (table, options) => ces(table, options as CesOptions),
  aggregate: (table, plan, o) =>
    aggregateScale(table, o.score ?? "ces", "CES", cesBox(o as CesOptions), plan).aggregate,
  headline(s, confidence, options = {}) {
    const scale = { min: 1, max: cesBox(options as CesOptions).scale };
    const { mean, low, high } = meanInterval(effective(s), confidence, scale);
    return { value: mean, low, high };
  },
  range: (options) => [1, cesBox(options as CesOptions).scale],
  compare: (a, b, confidence) => welch(effective(a), effective(b), confidence),
};

/** A scale KPI's sums for the unweighted formulas: the effective ones when weighted. */
function effective(s: Sums): ScaleSums & Sums {
  return { ...effectiveScaleSums(s as Sums & { n: number; box: number }) };
}

/**
 * The description of a KPI that {@link segment} and `trend` share: its
 * aggregate, headline, columns and two-group test. Throws a `CxOptionsError`
 * for an unknown KPI.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kpiKind } from "./kinds.ts";
 * const kind = kpiKind("nps");
 * // 3 promoters of 4 vs 1 promoter of 4: 75 − 25 = 50 points.
 * const a = { n: 4, promoters: 3, passives: 1, detractors: 0 };
 * const b = { n: 4, promoters: 1, passives: 3, detractors: 0 };
 * assert.equal(kind.compare(a, b, 0.95).difference, 50);
 * ```
 */
export function kpiKind(kpi: unknown): KpiKind {
  if (kpi === "nps") return NPS_KIND;
  if (kpi === "csat") return CSAT_KIND;
  if (kpi === "ces") return CES_KIND;
  throw new CxOptionsError(
    `Option "kpi" must be "nps", "csat" or "ces", got ${JSON.stringify(kpi)}`,
  );
}

/** z-test of a difference: `seTest` for the statistic, `seInterval` for the interval. */
function zComparison(
  difference: number,
  seTest: number,
  seInterval: number,
  confidence: number,
): Comparison {
  const half = zFor(confidence) * seInterval;
  const z = seTest > 0 ? difference / seTest : null;
  return {
    difference,
    difference_low: difference - half,
    difference_high: difference + half,
    statistic: z,
    df: null,
    // Φ(−|z|) keeps precision where 1 − Φ(|z|) would round to 0.
    p_value: z === null ? null : 2 * normalCdf(-Math.abs(z)),
  };
}

/** Welch's t-test of a − b from count, Σx and Σx² of each group. */
function welch(a: Sums, b: Sums, confidence: number): Comparison {
  const ma = meanSd(a.n, a.sum, a.sum_squares), mb = meanSd(b.n, b.sum, b.sum_squares);
  if (ma.mean === null || mb.mean === null) return NO_COMPARISON;
  const difference = ma.mean - mb.mean;
  if (ma.sd === null || mb.sd === null) return { ...NO_COMPARISON, difference };
  const va = ma.sd ** 2 / a.n, vb = mb.sd ** 2 / b.n;
  const se = Math.sqrt(va + vb);
  if (!(se > 0)) return { ...NO_COMPARISON, difference };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = difference / se;
  const half = tQuantile(1 - (1 - confidence) / 2, df) * se;
  return {
    difference,
    difference_low: difference - half,
    difference_high: difference + half,
    statistic: t,
    df,
    p_value: 2 * tCdf(-Math.abs(t), df),
  };
}
