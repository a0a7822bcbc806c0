/**
 * Net Promoter Score: promoters (9–10) minus detractors (0–6), in points from
 * −100 to 100, with an interval, per segment and period.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { normalCdf, zFor } from "../stats/distributions.ts";
import { checkResamples, seededRandom } from "../stats/random.ts";
import { quantileSorted } from "../stats/quantile.ts";
import { npsCounts } from "../kernels/sums.ts";
import { columnValues } from "../kernels/groups.ts";
import {
  checkScores,
  checkWeights,
  type KpiInput,
  planCodes,
  pooled,
  scoreKernel,
  setKpiMeta,
  tidyResult,
  weightNotes,
  weightOfGroup,
} from "./groups.ts";
import { npsWeightedSums } from "../kernels/weighted.ts";
import { effectiveCount, effectiveN } from "../stats/weights.ts";
import { type EngineAnalysis, withEngine } from "../engine/dispatch.ts";
import { scoreInEngine, scoreKpi } from "./score_sql.ts";
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
import { optionNames, withoutNames } from "../options.ts";
import { clipToBounds, interval } from "./bounds.ts";
import { NPS_CUT_POINTS, NPS_SCALE, npsRange } from "../schema/scales.ts";

/** Interval methods for NPS. */
export type NpsMethod = "wald" | "adjusted-wald" | "bootstrap";

/** Options of {@link nps}. */
export interface NpsOptions extends KpiOptions, WeightOptions {
  /** Score column (default `"nps_score"`). */
  score?: string;
  /**
   * Interval method (default `"wald"`): `"wald"` uses the trinomial variance
   * (p_P + p_D − (p_P − p_D)²)/n; `"adjusted-wald"` (Rocks 2016) adds 3 to n
   * and ¾ to promoters and detractors and centres the interval there, on
   * `nps_adjusted` = 100·(P − D)/(n + 3) — better for small n; `"bootstrap"`
   * resamples answers (seeded percentile interval). When every answer falls in
   * one category (all promoters, all passives, all detractors) the Wald and
   * bootstrap intervals have zero width; such rows get the adjusted-Wald
   * interval instead and `degenerate_interval = true`. Bounds are clipped to
   * [−100, 100] (`meta(result).notes.clipped` says where). With survey
   * weights the shares are weighted and n is Kish's effective n in every
   * formula (the adjusted-Wald one adds 3 to n_eff and ¾ to the effective
   * promoter and detractor counts); `"bootstrap"` resamples answers, not
   * weights, and is refused with weights.
   */
  method?: NpsMethod;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Bootstrap seed (default 1). */
  seed?: number;
}

/** The names of {@link NpsOptions}. */
export const NPS_OPTIONS = optionNames<NpsOptions>()([
  ...KPI_OPTIONS,
  ...WEIGHT_OPTIONS,
  "score",
  "method",
  "resamples",
  "seed",
]);

/** The NPS result columns after the group keys, in order. */
export const NPS_COLUMNS = [
  "n",
  "n_effective",
  "promoters",
  "passives",
  "detractors",
  "pct_promoters",
  "pct_passives",
  "pct_detractors",
  "nps",
  "nps_low",
  "nps_high",
  "nps_adjusted",
  "degenerate_interval",
] as const;

/** NPS intervals stay in [−100, 100]. */
const NPS_BOUNDS = interval("nps", -100, 100);

/**
 * Net Promoter Score per group: `n, n_effective, promoters, passives,
 * detractors, pct_promoters, pct_passives, pct_detractors, nps, nps_low,
 * nps_high, nps_adjusted, degenerate_interval, small_sample`. `nps_adjusted` is the
 * estimate an adjusted-Wald interval is centred on (`null` for rows with a
 * Wald or bootstrap interval): it explains an interval that does not contain
 * `nps`. `degenerate_interval` is `true` where the chosen method's interval
 * had zero width (every answer in one category) and was replaced by the
 * adjusted-Wald one, `null` without answers. Missing scores are not counted;
 * a group with no scores gets `n = 0` and `null` NPS. Several tables are
 * pooled (counts added), never averaged.
 *
 * Survey weights (option `weight`, by default the table's `weight` column;
 * `weight: null` for none): `pct_*` and `nps` are weighted shares
 * (Σw over the category / Σw), the interval is the Wald one with the
 * weighted variance (p_P + p_D − (p_P − p_D)²)/n_eff, Kish's effective
 * n_eff = (Σw)²/Σw² in `n_effective` (= `n` without weights);
 * `promoters`, `passives`, `detractors` and `n` stay counts of answers, and
 * `small_sample` compares `n_effective` with `minN`. Answers with a missing,
 * negative or non-finite weight are refused (`CxDataError` naming the
 * column and how many), as is a group whose weights sum to 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "./nps.ts";
 * const answers = aq.table({ channel: ["chat", "chat", "chat", "phone"], nps_score: [10, 9, 3, 7] });
 * const result = nps(answers, { by: "channel" });
 * assert.ok(result.get("nps", 0) === 100 * (2 - 1) / 3); // chat: 2 promoters, 1 detractor
 * assert.ok(result.get("nps", 1) === 0 && result.get("small_sample", 1) === true);
 * ```
 *
 * With an SQL engine in `options.engine` (DuckDB, PostgreSQL, ClickHouse),
 * a server table `{ engine, table }` or a CSV/Parquet path as input, the
 * aggregate step runs in the engine and the call resolves to the same
 * result (`meta(result).engine`, and the SQL in `meta(result).queries` with
 * `explain: true`; `dateZone` for zone-less dates in the source):
 * `await nps(answers, { engine: duckdbEngine() })`.
 */
export const nps: EngineAnalysis<NpsOptions> = scoreKpi<NpsOptions>({
  name: "nps",
  options: NPS_OPTIONS,
  memory: npsInMemory,
});

function npsInMemory(input: KpiInput, options: NpsOptions = {}): ColumnTable {
  const table = pooled(input);
  const { score = "nps_score", method = "wald", resamples = 2000, seed = 1 } = options;
  requireColumn(table, score, "score");
  checkResamples(resamples);
  if (!["wald", "adjusted-wald", "bootstrap"].includes(method)) {
    throw new CxOptionsError(
      `Option "method" must be "wald", "adjusted-wald" or "bootstrap", got ${
        JSON.stringify(method)
      }`,
    );
  }
  const plan = resolvePlan(table, options, SCORE_DEFAULTS);
  if (plan.weight !== undefined && method === "bootstrap") {
    throw new CxOptionsError(
      `Option "method": "bootstrap" resamples answers and cannot carry survey weights (column ${
        JSON.stringify(plan.weight)
      }); use "wald" or "adjusted-wald", or weight: null for an unweighted bootstrap`,
    );
  }
  const { aggregate, keys } = aggregateNps(table, score, plan);
  const random = seededRandom(seed);
  return tidyResult(
    aggregate,
    keys,
    plan,
    (row) =>
      finalizeNps(weightOfGroup(row, keys, plan) as unknown as NpsCounts, plan.confidence, method, {
        resamples,
        random,
      }),
    {
      kpi: "nps",
      method,
      notes: {
        ...weightNotes(plan),
        score,
        scale: `${NPS_SCALE.min}–${NPS_SCALE.max}`,
        promoters: npsRange("Promoter"),
        detractors: npsRange("Detractor"),
        ...(method === "adjusted-wald"
          ? {}
          : { degenerate: "adjusted-wald where all answers fall in one category" }),
      },
    },
    [...NPS_COLUMNS],
    { bounds: NPS_BOUNDS },
  );
}

/** The mergeable aggregate of NPS: answer counts per category. */
export interface NpsCounts {
  /** Answers with a score. */
  n: number;
  /** Scores 9–10. */
  promoters: number;
  /** Scores 7–8. */
  passives: number;
  /** Scores 0–6. */
  detractors: number;
}

/** The weighted sums of NPS (survey weights): Σw, Σw², Σw per category. */
export interface NpsWeights {
  /** Σw over the answers. */
  weight: number;
  /** Σw² over the answers. */
  weight_squares: number;
  /** Σw over the promoters. */
  weight_promoters: number;
  /** Σw over the passives. */
  weight_passives: number;
  /** Σw over the detractors. */
  weight_detractors: number;
}

/**
 * The counts the NPS formulas read: the answer counts without weights; with
 * them ({@link NpsWeights} present) Kish's effective n and each category's
 * effective count (its weighted share times n_eff).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { effectiveNpsCounts } from "./nps.ts";
 * const counts = { n: 2, promoters: 1, passives: 0, detractors: 1 };
 * const weights = { weight: 4, weight_squares: 10, weight_promoters: 3, weight_passives: 0, weight_detractors: 1 };
 * const e = effectiveNpsCounts({ ...counts, ...weights });
 * assert.ok(e.n === 1.6 && Math.abs(e.promoters - 1.2) < 1e-15 && Math.abs(e.detractors - 0.4) < 1e-15);
 * ```
 */
export function effectiveNpsCounts(counts: NpsCounts & Partial<NpsWeights>): NpsCounts {
  const { weight: w, weight_squares: w2 } = counts;
  if (w === undefined || w2 === undefined) return counts;
  const of = (k: number | undefined) => effectiveCount(k ?? 0, w, w2);
  return {
    n: effectiveN(w, w2),
    promoters: of(counts.weight_promoters),
    passives: of(counts.weight_passives),
    detractors: of(counts.weight_detractors),
  };
}

/**
 * Aggregate step: category counts per group, by the typed-array kernel or by
 * Arquero verbs (the reference the kernel is tested against).
 */
export function aggregateNps(
  table: ColumnTable,
  score: string,
  plan: GroupPlan,
): { aggregate: ColumnTable; keys: string[] } {
  const check = () =>
    checkScores(
      table,
      score,
      NPS_SCALE,
      `${score} must be an integer ${NPS_SCALE.min}–${NPS_SCALE.max}; load answers with readCsv(…, { schema: "responses" }) to get such rows as rejects`,
    );
  const { weight } = plan;
  if (plan.aggregate === "kernel" && weight === undefined) {
    return scoreKernel(table, score, plan, check, npsCounts); // checks in its own pass
  }
  check();
  if (typeof plan.aggregate === "object") {
    return plan.aggregate.aggregate({ kind: "nps", score, scale: { ...NPS_SCALE }, plan });
  }
  if (weight === undefined) return npsRollup(table, score, plan);
  checkWeights(table, score, weight);
  if (plan.aggregate === "kernel") {
    const g = planCodes(table, plan);
    const scores = columnValues(table, score) as ArrayLike<number | null>;
    const weights = columnValues(table, weight) as ArrayLike<number | null>;
    return { aggregate: npsWeightedSums(scores, weights, g), keys: g.keys };
  }
  return npsRollup(table, score, plan, weight);
}

/** The answer's category as an Arquero expression (missing scores are in none). */
const CATEGORY_TESTS = {
  promoters: "d.__s >= $.cuts.Promoter.min",
  passives: "d.__s >= $.cuts.Passive.min && d.__s <= $.cuts.Passive.max",
  detractors: "d.__s != null && d.__s <= $.cuts.Detractor.max",
};

/**
 * The Arquero reference of {@link npsCounts} and, with a weight column, of
 * {@link npsWeightedSums}: counts (and weighted sums) per group.
 */
function npsRollup(table: ColumnTable, score: string, plan: GroupPlan, weight?: string) {
  const { table: grouped, keys } = withPeriods(table, plan);
  const derived: Record<string, unknown> = {
    __s: aq.escape((d: Record<string, unknown>) => d[score]),
  };
  if (weight !== undefined) {
    derived.__w = aq.escape((d: Record<string, unknown>) => d[score] == null ? 0 : d[weight]);
  }
  const scored = grouped.params({ cuts: NPS_CUT_POINTS }).derive(derived as never);
  const base = keys.length ? scored.groupby(keys) : scored;
  const sums: Record<string, unknown> = { n: aq.op.valid("__s") };
  for (const [name, test] of Object.entries(CATEGORY_TESTS)) {
    sums[name] = `(d, $) => aq.op.sum(${test} ? 1 : 0)`;
  }
  if (weight !== undefined) {
    sums.weight = "d => aq.op.sum(d.__w)";
    sums.weight_squares = "d => aq.op.sum(d.__w * d.__w)";
    for (const [name, test] of Object.entries(CATEGORY_TESTS)) {
      sums[`weight_${name}`] = `(d, $) => aq.op.sum(${test} ? d.__w : 0)`;
    }
  }
  return { aggregate: base.rollup(sums as never), keys };
}

/**
 * Finalize step: percentages, NPS and its interval from counts, weighted by
 * their {@link NpsWeights} when present (see {@link effectiveNpsCounts}).
 * The bounds are not clipped here (`tidyResult` clips and counts them).
 */
export function finalizeNps(
  counts: NpsCounts & Partial<NpsWeights>,
  confidence: number,
  method: NpsMethod,
  bootstrap: { resamples: number; random: () => number },
): Record<string, number | boolean | null> {
  const { n, promoters, passives, detractors } = counts;
  const e = effectiveNpsCounts(counts);
  const pct = (k: number) => e.n > 0 ? 100 * k / e.n : null;
  const value = e.n > 0 ? 100 * (e.promoters - e.detractors) / e.n : null;
  const { low, high, adjusted, degenerate } = npsInterval(counts, e, confidence, method, bootstrap);
  return {
    n,
    n_effective: e.n,
    promoters,
    passives,
    detractors,
    pct_promoters: pct(e.promoters),
    pct_passives: pct(e.passives),
    pct_detractors: pct(e.detractors),
    nps: value,
    nps_low: low,
    nps_high: high,
    nps_adjusted: adjusted,
    degenerate_interval: degenerate,
  };
}

/**
 * The interval of one group by `method`; a zero-width Wald or bootstrap
 * interval (all answers in one category, so the trinomial variance is 0) is
 * replaced by the adjusted-Wald one, which never collapses. The answer
 * counts say whether all answers fall in one category; the effective counts
 * `e` (the counts themselves without weights) give the interval.
 */
function npsInterval(
  counts: NpsCounts,
  e: NpsCounts,
  confidence: number,
  method: NpsMethod,
  bootstrap: { resamples: number; random: () => number },
) {
  if (counts.n === 0) return { low: null, high: null, adjusted: null, degenerate: null };
  const oneCategory = counts.promoters === counts.n || counts.detractors === counts.n ||
    counts.promoters + counts.detractors === 0;
  const { n, promoters, detractors } = e;
  const degenerate = method !== "adjusted-wald" && oneCategory;
  if (method === "adjusted-wald" || degenerate) {
    const [low, high] = waldNps(promoters + 0.75, detractors + 0.75, n + 3, confidence);
    return { low, high, adjusted: 100 * (promoters - detractors) / (n + 3), degenerate };
  }
  const [low, high] = method === "bootstrap"
    ? bootstrapNps(counts, confidence, bootstrap.resamples, bootstrap.random)
    : waldNps(promoters, detractors, n, confidence);
  return { low, high, adjusted: null, degenerate: false };
}

/** Variance of the NPS proportion difference: (p_P + p_D − (p_P − p_D)²)/n. */
export function npsVariance(promoters: number, detractors: number, n: number): number {
  const pP = promoters / n, pD = detractors / n;
  // ≥ 0 in exact arithmetic; effective (weighted) counts can round just below.
  return Math.max(0, pP + pD - (pP - pD) ** 2) / n;
}

function waldNps(promoters: number, detractors: number, n: number, confidence: number) {
  const center = 100 * (promoters - detractors) / n;
  const half = 100 * zFor(confidence) * Math.sqrt(npsVariance(promoters, detractors, n));
  return [center - half, center + half];
}

function bootstrapNps(
  { n, promoters, detractors }: NpsCounts,
  confidence: number,
  resamples: number,
  random: () => number,
): [number, number] {
  // NPS depends on answers only through their category, so resampling n answers
  // is a multinomial draw from the observed category shares.
  const pP = promoters / n, pD = detractors / n;
  const values = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let net = 0;
    for (let i = 0; i < n; i++) {
      const u = random();
      net += u < pP ? 1 : u < pP + pD ? -1 : 0;
    }
    values[b] = 100 * net / n;
  }
  values.sort();
  const alpha = 1 - confidence;
  return [quantileSorted(values, alpha / 2), quantileSorted(values, 1 - alpha / 2)];
}

/** Options of {@link npsCompare}. */
export interface NpsCompareOptions extends Omit<NpsOptions, "by" | "method"> {
  /** Column whose values `a` and `b` are compared (omit to compare periods). */
  by?: string;
  /** First group (value of `by`) or period label, e.g. `"phone"` or `"2025-03"`. */
  a: string;
  /** Second group or period label. */
  b: string;
}

/** The names of {@link NpsCompareOptions}. */
export const NPS_COMPARE_OPTIONS = optionNames<NpsCompareOptions>()([
  ...withoutNames(NPS_OPTIONS, "method"),
  "a",
  "b",
]);

/**
 * Difference of two independent NPS values (a − b) with its interval and a
 * two-sided z-test: `std_err` = 100·√(Var_a + Var_b) with Var = (p_P + p_D −
 * (p_P − p_D)²)/n per group; `statistic` z = difference / std_err;
 * `p_value` = 2·(1 − Φ(|z|)), `p_adjusted` the same (one comparison).
 * Columns: `group_a, group_b, n_a, n_b, nps_a, nps_b, difference,
 * difference_low, difference_high, std_err, statistic, p_value, p_adjusted,
 * significant`; `significant` is `p_adjusted < 1 − confidence`. With survey
 * weights (option `weight`, as for {@link nps}) each Var is the weighted one,
 * (p_P + p_D − (p_P − p_D)²)/n_eff with weighted shares and Kish's n_eff. The interval is kept within
 * [−200, 200] (`meta(result).notes.clipped` says when). Compare two
 * segments with `by`, or two periods with `period` (labels like `"2025-03"`).
 *
 * With an engine (as for {@link nps}) the category counts come from one
 * aggregate query and the test is the same TypeScript, so the call resolves
 * to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { npsCompare } from "./nps.ts";
 * const t = aq.table({ channel: ["chat", "chat", "phone", "phone"], nps_score: [10, 9, 3, 9] });
 * const diff = npsCompare(t, { by: "channel", a: "phone", b: "chat" });
 * assert.ok(diff.get("difference", 0) === -100);
 * ```
 */
export const npsCompare: EngineAnalysis<NpsCompareOptions> = withEngine<NpsCompareOptions>({
  name: "npsCompare",
  options: NPS_COMPARE_OPTIONS,
  dates: true,
  memory: (input, options) => compareNps(npsInMemory(input, compareKpiOptions(options)), options),
  sql: async (call, options) =>
    compareNps(
      (await scoreInEngine(call, npsInMemory, compareKpiOptions(options))).result,
      options,
    ),
});

/** The options of the two NPS values compared: `by` or `period` is required. */
function compareKpiOptions(options: NpsCompareOptions): NpsOptions {
  const { a: _a, b: _b, by, ...rest } = options;
  if (by === undefined && rest.period === undefined) {
    throw new CxOptionsError(
      `npsCompare needs "by" (compare segments) or "period" (compare periods)`,
    );
  }
  return { ...rest, by, method: "wald" };
}

/** Finalize step of {@link npsCompare}: the z-test of a − b from the two groups' counts. */
function compareNps(result: ColumnTable, options: NpsCompareOptions): ColumnTable {
  const { a, b, by, confidence = 0.95 } = options;
  const key = by ?? "period";
  const pick = (label: string) => {
    const rows = (result.objects() as Record<string, unknown>[]).filter((r) =>
      String(r[key]) === label
    );
    if (rows.length !== 1 || !((rows[0].n as number) > 0)) {
      throw new CxOptionsError(
        `npsCompare: no answers for ${key} = ${JSON.stringify(label)}; values present: ${
          [...new Set(result.array(key) as unknown[])].join(", ")
        }`,
      );
    }
    return rows[0] as unknown as NpsCounts & { nps: number } & Record<string, unknown>;
  };
  const ra = pick(a), rb = pick(b);
  const difference = ra.nps - rb.nps;
  const meta = metaOf(result, "kpi")!;
  const weighted = meta.notes.weight !== undefined;
  // Weighted: the effective counts (weighted share times n_eff), as the row's own interval.
  const variance = (r: NpsCounts & Record<string, unknown>) => {
    if (!weighted) return npsVariance(r.promoters, r.detractors, r.n);
    const ne = Number(r.n_effective);
    return npsVariance(Number(r.pct_promoters) * ne / 100, Number(r.pct_detractors) * ne / 100, ne);
  };
  const se = 100 * Math.sqrt(variance(ra) + variance(rb));
  const z = se > 0 ? difference / se : null;
  // Φ(−|z|) keeps precision for large |z| where 1 − Φ(|z|) would round to 0.
  const p = z === null ? null : 2 * normalCdf(-Math.abs(z));
  const half = zFor(confidence) * se;
  const row: Record<string, unknown> = {
    group_a: a,
    group_b: b,
    n_a: ra.n,
    n_b: rb.n,
    nps_a: ra.nps,
    nps_b: rb.nps,
    difference,
    difference_low: difference - half,
    difference_high: difference + half,
    std_err: se,
    statistic: z,
    p_value: p,
    // One comparison: nothing to adjust (the correction is "none" in the notes).
    p_adjusted: p,
    significant: p !== null && p < 1 - confidence,
  };
  // Two NPS values differ by at most 200 points.
  const clipped = clipToBounds([row], interval("difference", -200, 200));
  return setKpiMeta(aq.table(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, [v]]))), {
    ...meta,
    kpi: "nps_compare",
    method: "two-sample z (trinomial variance)",
    notes: { ...meta.notes, a, b, correction: "none", ...(clipped.length ? { clipped } : {}) },
  });
}
