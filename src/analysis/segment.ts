/**
 * Segmentation: a KPI for every combination of segment columns, each segment
 * tested against the rest of the answers with a multiple-comparison
 * correction; and RFM scoring of customers from their orders.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import { ces, CES_COLUMNS, type CesOptions } from "../metrics/ces.ts";
import { csat, CSAT_COLUMNS, type CsatOptions } from "../metrics/csat.ts";
import { cesBox, csatBox, type CsatScale } from "../schema/scales.ts";
import { type KpiInput, pooled, tidyResult } from "../metrics/groups.ts";
import {
  type GroupPlan,
  KPI_OPTIONS,
  type KpiOptions,
  requireColumn,
  resolvePlan,
} from "../base/plan.ts";
import {
  aggregateNps,
  finalizeNps,
  nps,
  NPS_COLUMNS,
  type NpsMethod,
  npsVariance,
} from "../metrics/nps.ts";
import { aggregateScale, meanInterval } from "../metrics/scale.ts";
import { type Bounds, differenceBounds } from "../metrics/bounds.ts";
import { normalCdf, tCdf, tQuantile, zFor } from "../stats/distributions.ts";
import { meanSd, wilson } from "../stats/intervals.ts";
import { adjustPValues, checkCorrection, type Correction } from "../stats/multiple.ts";
import { pushdownAggregate, runsInEngine } from "../engine/analysis_pushdown.ts";
import {
  checkKpiCall,
  type PushdownOptions,
  type PushdownSource,
  type SqlEngine,
  type TableRef,
} from "../engine/pushdown.ts";
import { checkCall, optionNames, withoutNames } from "../options.ts";

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
}

/** Options of {@link segment}. */
export interface SegmentOptions
  extends Omit<KpiOptions, "by" | "period" | "date" | "timeZone">, KpiScoreOptions {
  /** Which KPI: `"nps"`, `"csat"` (top-box share) or `"ces"` (mean effort). */
  kpi: AnalysisKpi;
  /** Segment column(s): one row per combination that occurs. */
  by: string | string[];
  /** Multiple-comparison correction (default `"holm"`; `"bh"` = Benjamini–Hochberg). */
  correction?: Correction;
}

/** The names of {@link KpiScoreOptions}. */
export const KPI_SCORE_OPTIONS = optionNames<KpiScoreOptions>()([
  "score",
  "scale",
  "topBox",
  "lowEffort",
  "method",
]);

const SEGMENT_OPTIONS = optionNames<SegmentOptions>()([
  ...withoutNames(KPI_OPTIONS, "by", "period", "date", "timeZone"),
  ...KPI_SCORE_OPTIONS,
  "kpi",
  "by",
  "correction",
]);

/** The columns {@link segment} adds after the KPI's own columns, in order. */
export const SEGMENT_COLUMNS = [
  "rest_n",
  "rest_value",
  "difference",
  "difference_low",
  "difference_high",
  "statistic",
  "df",
  "p_value",
  "p_adjusted",
  "significant",
  "note",
] as const;

/**
 * `segment` with its aggregate step in an SQL engine (`options.engine`): one
 * query for the per-group counts or sums, then the same TypeScript finalize
 * step (each segment vs the rest) as in memory, so it resolves to the same table. See the
 * in-memory signature for the columns and tests.
 */
export function segment(
  input: PushdownSource,
  options: Omit<SegmentOptions, "engine"> & PushdownOptions & { engine: SqlEngine },
): Promise<ColumnTable>;
/** `segment` of a server table `{ engine, table }`, in its engine (as above). */
export function segment(
  input: TableRef,
  options: Omit<SegmentOptions, "engine"> & PushdownOptions,
): Promise<ColumnTable>;
/**
 * A KPI for every combination of the `by` columns, each segment compared
 * with the REST (all other rows pooled, so the two samples are independent).
 *
 * Columns: the `by` columns, the KPI's own columns (as `nps`, `csat` or `ces`
 * give them), then `rest_n, rest_value` (the rest's n and KPI),
 * `difference` (segment − rest, in the KPI's units: NPS points, percentage
 * points of top box, effort points) with `difference_low, difference_high`
 * (clipped to the largest possible difference, e.g. ±200 NPS points; see
 * `meta(result).notes.clipped`),
 * `statistic` (z or t), `df` (Welch only), `p_value`, `p_adjusted`,
 * `significant`, `note`, `small_sample`.
 *
 * Tests (two-sided, intervals at `confidence`, default 0.95):
 * - **NPS**: independent two-sample z as in `npsCompare`: se = 100·√(Var_s +
 *   Var_r), Var = (p_P + p_D − (p_P − p_D)²)/n.
 * - **CSAT** (top-box share): two-proportion z-test with the POOLED share
 *   p = (x_s + x_r)/(n_s + n_r) in the test's standard error (the null
 *   hypothesis says both shares are equal), but the UNPOOLED Wald standard
 *   error √(p_s(1−p_s)/n_s + p_r(1−p_r)/n_r) for the interval of the
 *   difference (statsmodels `proportions_ztest` and
 *   `confint_proportions_2indep(method="wald")`).
 * - **CES** (mean effort): Welch's t-test from count, Σx and Σx² (no equal
 *   variance assumed; Welch–Satterthwaite df), as scipy
 *   `ttest_ind(equal_var=False)`.
 *
 * The correction (Holm by default, Benjamini–Hochberg with `"bh"`, or
 * `"none"`) runs over the FAMILY of segments that have at least `minN`
 * answers (default 30) and whose rest has too. Smaller segments are flagged
 * `small_sample` and still shown with their raw `p_value`, but they are NOT in
 * the family: `p_adjusted` is `null` and `significant` is `false`, and the
 * `note` says so. `significant` is `p_adjusted < 1 − confidence`. A test that
 * cannot be made (no rest, no variation) has `null` statistics and a note.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { segment } from "./segment.ts";
 * const t = aq.table({
 *   channel: ["chat", "chat", "chat", "phone", "phone", "phone"],
 *   nps_score: [10, 9, 8, 3, 5, 9],
 * });
 * const r = segment(t, { kpi: "nps", by: "channel", minN: 1 });
 * // chat: 2 promoters of 3 → 66.7; the rest (phone): 1 − 2 of 3 → −33.3.
 * assert.ok(Math.abs(r.get("difference", 0) - 100) < 1e-9);
 * assert.equal(r.get("rest_n", 0), 3);
 * ```
 *
 * With an SQL engine in `options.engine` (DuckDB, PostgreSQL, ClickHouse),
 * or a server table `{ engine, table }` or CSV/Parquet path as source, the
 * per-segment counts or sums come from one aggregate query in the engine
 * (`explain` and `dateZone` as for `nps`) and the tests, correction and notes
 * are the same TypeScript, so the call resolves to the same table:
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { metaOf } from "../meta.ts";
 * import { segment } from "./segment.ts";
 * const t = aq.table({ channel: ["chat", "chat", "web", "web"], csat: [5, 4, 2, 5] });
 * const engine = duckdbEngine();
 * const r = await segment(t, { kpi: "csat", by: "channel", minN: 1, engine, explain: true });
 * assert.deepEqual(r.objects(), segment(t, { kpi: "csat", by: "channel", minN: 1 }).objects());
 * assert.match(String(metaOf(r, "kpi")?.notes.sql), /GROUP BY/);
 * await engine.close();
 * ```
 */
export function segment(input: KpiInput, options: SegmentOptions): ColumnTable;
export function segment(
  input: PushdownSource,
  options: SegmentOptions | (Omit<SegmentOptions, "engine"> & PushdownOptions),
): ColumnTable | Promise<ColumnTable> {
  ({ input, options } = checkKpiCall(
    { name: "segment", options: SEGMENT_OPTIONS },
    input,
    options,
  ));
  return runsInEngine(input, options)
    ? segmentInEngine(input, options as Omit<SegmentOptions, "engine"> & PushdownOptions)
    : segmentInMemory(input as KpiInput, options as SegmentOptions);
}

function segmentInMemory(input: KpiInput, options: SegmentOptions): ColumnTable {
  const table = pooled(input);
  const { kind, by, correction, bounds } = segmentSettings(options);
  requireRows(table, "segment");
  const plan = resolvePlan(table, { ...options, by, period: undefined }, { date: "date" });
  const { kpi: _kpi, correction: _correction, ...kpiOptions } = options;
  const result = kind.result(table, { ...kpiOptions, by, period: undefined });
  const sums = sumsByKey(kind, table, plan, options);
  return finalizeSegment(kind, result, sums, plan, correction, bounds);
}

async function segmentInEngine(
  source: PushdownSource,
  options: Omit<SegmentOptions, "engine"> & PushdownOptions,
): Promise<ColumnTable> {
  const { kind, by, correction, bounds } = segmentSettings(options);
  const { kpi: _kpi, correction: _correction, ...kpiOptions } = options;
  const { result, aggregate, keys, plan } = await pushdownAggregate(kind.result, source, {
    ...kpiOptions,
    by,
    period: undefined,
  });
  // Grouped by at least one column, the aggregate has no rows only when the source has none.
  if (aggregate.numRows() === 0) requireRows(aggregate, "segment");
  return finalizeSegment(kind, result, sumsOf(kind, aggregate, keys), plan, correction, bounds);
}

/** Validates the analysis' own options (the KPI checks the rest). */
function segmentSettings(options: Omit<SegmentOptions, "engine">) {
  const kind = kpiKind(options?.kpi);
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  if (by.length === 0) {
    throw new CxOptionsError(
      `segment needs "by": the column(s) whose values form the segments, e.g. { by: "channel" }`,
    );
  }
  const { correction = "holm" } = options;
  checkCorrection(correction);
  return { kind, by, correction, bounds: differenceBounds(kind.range(options)) };
}

/** Finalize step, the same for every engine: each segment vs the rest, corrected. */
function finalizeSegment(
  kind: KpiKind,
  result: ColumnTable,
  sums: Map<string, Sums>,
  plan: GroupPlan,
  correction: Correction,
  bounds: Bounds,
): ColumnTable {
  // The rest pools the segments of the KPI result only: groups it left out (a
  // missing `by` value under `missing: "drop"`) are in no segment and no rest.
  const segments = (result.objects() as Record<string, unknown>[]).map((row) => ({
    row,
    own: sums.get(keyOf(row, plan.by)) ?? zero(kind),
  }));
  const total = segments.reduce((s, { own }) => add(kind, s, own), zero(kind));
  const rows = segments.map(({ row, own }) => {
    const rest = subtract(kind, total, own);
    const restValue = kind.headline(rest, plan.confidence).value;
    const cmp = kind.compare(own, rest, plan.confidence);
    const inFamily = own.n >= plan.minN && rest.n >= plan.minN && own.n > 0 && rest.n > 0 &&
      cmp.p_value !== null;
    return { row, own, rest, restValue, cmp, inFamily };
  });
  const adjusted = adjustPValues(
    rows.map((r) => r.inFamily ? r.cmp.p_value : null),
    { correction },
  );
  const alpha = 1 - plan.confidence;
  const out = rows.map(({ row, own, rest, restValue, cmp, inFamily }, i) => ({
    ...row,
    rest_n: rest.n,
    rest_value: restValue,
    ...cmp,
    p_adjusted: adjusted[i],
    significant: inFamily && adjusted[i] !== null && adjusted[i]! < alpha,
    note: segmentNote(own.n, rest.n, plan.minN, cmp.p_value),
  }));
  const columns = [...kind.columns, ...SEGMENT_COLUMNS];
  const meta = metaOf(result, "kpi");
  const family = rows.filter((r) => r.inFamily).length;
  return tidyResult(
    fromRows(out, [...plan.by, ...columns]),
    plan.by,
    plan,
    (row) => Object.fromEntries(columns.map((c) => [c, row[c]])),
    {
      kpi: kind.kpi,
      method: `${meta?.method ?? kind.kpi}; each segment vs the rest: ${kind.test}, ${correction}`,
      notes: {
        ...meta?.notes,
        analysis: "segment",
        comparison: "each segment against all other rows pooled (the rest)",
        test: kind.test,
        correction,
        family,
        excluded:
          `segments or rests with fewer than ${plan.minN} answers (shown, never significant)`,
      },
    },
    columns,
    { bounds },
  );
}

function segmentNote(n: number, restN: number, minN: number, p: number | null): string | null {
  if (n === 0) return "no answers in this segment";
  if (restN === 0) return "no other answers to compare with";
  if (n < minN) return `too few answers (n = ${n} < ${minN}): not tested with the others`;
  if (restN < minN) return `too few other answers (n = ${restN} < ${minN}): not tested`;
  if (p === null) return "no variation in the answers: no test possible";
  return null;
}

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
  /** The KPI function's result columns after the keys. */
  columns: readonly string[];
  /** Result columns that are 0 (not missing) for a group without answers. */
  counts: readonly string[];
  /** The test used to compare two groups. */
  test: string;
  /** The KPI function (`nps`, `csat`, `ces`). */
  result(table: ColumnTable, options: KpiOptions & KpiScoreOptions): ColumnTable;
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

const NO_COMPARISON: Comparison = {
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
  columns: NPS_COLUMNS,
  counts: ["n", "promoters", "passives", "detractors"],
  test: "two-sample z (trinomial variance)",
  result: (table, options) => nps(table, options),
  aggregate: (table, plan, { score = "nps_score" }) => aggregateNps(table, score, plan).aggregate,
  headline(s, confidence) {
    const r = finalizeNps(
      { n: s.n, promoters: s.promoters, passives: s.passives, detractors: s.detractors },
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
    const difference = 100 *
      ((a.promoters - a.detractors) / a.n - (b.promoters - b.detractors) / b.n);
    const se = 100 *
      Math.sqrt(
        npsVariance(a.promoters, a.detractors, a.n) + npsVariance(b.promoters, b.detractors, b.n),
      );
    return zComparison(difference, se, se, confidence);
  },
};

const CSAT_KIND: KpiKind = {
  kpi: "csat",
  fields: ["n", "sum", "sum_squares", "box"],
  columns: CSAT_COLUMNS,
  counts: ["n", "top_box"],
  test: "two-proportion z (pooled share in the test, unpooled Wald interval)",
  result: (table, options) => csat(table, options as CsatOptions),
  aggregate: (table, plan, o) =>
    aggregateScale(table, o.score ?? "csat", "CSAT", csatBox(o as CsatOptions), plan).aggregate,
  headline(s, confidence) {
    const w = wilson(s.box, s.n, confidence);
    return {
      value: s.n > 0 ? 100 * s.box / s.n : null,
      low: w.low === null ? null : 100 * w.low,
      high: w.high === null ? null : 100 * w.high,
    };
  },
  range: () => [0, 100],
  compare(a, b, confidence) {
    if (!(a.n > 0 && b.n > 0)) return NO_COMPARISON;
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
  columns: CES_COLUMNS,
  counts: ["n", "low_effort"],
  test: "Welch t (unequal variances)",
  result: (table, options) => ces(table, options as CesOptions),
  aggregate: (table, plan, o) =>
    aggregateScale(table, o.score ?? "ces", "CES", cesBox(o as CesOptions), plan).aggregate,
  headline(s, confidence, options = {}) {
    const scale = { min: 1, max: cesBox(options as CesOptions).scale };
    const { mean, low, high } = meanInterval({ n: s.n, ...s }, confidence, scale);
    return { value: mean, low, high };
  },
  range: (options) => [1, cesBox(options as CesOptions).scale],
  compare: welch,
};

/**
 * The description of a KPI that {@link segment} and `trend` share: its
 * aggregate, headline, columns and two-group test. Throws a `CxOptionsError`
 * for an unknown KPI.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kpiKind } from "./segment.ts";
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

/**
 * The aggregate as a map from group key (see {@link keyOf}; the `by`
 * columns, then `period` when the plan has one) to its sums.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { resolvePlan } from "../base/plan.ts";
 * import { kpiKind, sumsByKey } from "./segment.ts";
 * const t = aq.table({ g: ["a", "a", "b"], nps_score: [10, 3, 9] });
 * const plan = resolvePlan(t, { by: "g" }, { date: "date" });
 * const sums = sumsByKey(kpiKind("nps"), t, plan, {});
 * assert.deepEqual(sums.get('["a"]'), { n: 2, promoters: 1, passives: 0, detractors: 1 });
 * ```
 */
export function sumsByKey(
  kind: KpiKind,
  table: ColumnTable,
  plan: GroupPlan,
  options: KpiScoreOptions,
): Map<string, Sums> {
  return sumsOf(
    kind,
    kind.aggregate(table, plan, options),
    plan.by.concat(plan.period ? ["period"] : []),
  );
}

/**
 * An aggregate table (group keys, then the KPI's fields) as a map from group
 * key (see {@link keyOf}) to its sums; `period_start` is left out of the key,
 * since `period` names the period.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kpiKind, sumsOf } from "./segment.ts";
 * const aggregate = aq.table({ g: ["a"], n: [2], promoters: [1], passives: [0], detractors: [1] });
 * const sums = sumsOf(kpiKind("nps"), aggregate, ["g"]);
 * assert.deepEqual(sums.get('["a"]'), { n: 2, promoters: 1, passives: 0, detractors: 1 });
 * ```
 */
export function sumsOf(
  kind: KpiKind,
  aggregate: ColumnTable,
  keys: readonly string[],
): Map<string, Sums> {
  const named = keys.filter((k) => k !== "period_start");
  const map = new Map<string, Sums>();
  for (const row of aggregate.objects() as Record<string, unknown>[]) {
    map.set(
      keyOf(row, named),
      Object.fromEntries(kind.fields.map((f) => [f, Number(row[f] ?? 0)])),
    );
  }
  return map;
}

/**
 * A string key for a row's group values (missing values as `null`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyOf } from "./segment.ts";
 * assert.equal(keyOf({ channel: "chat", region: undefined }, ["channel", "region"]), '["chat",null]');
 * ```
 */
export function keyOf(row: Record<string, unknown>, keys: readonly string[]): string {
  return JSON.stringify(keys.map((k) => row[k] ?? null));
}

/**
 * All-zero sums of a KPI: the aggregate of a group without answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kpiKind, zero } from "./segment.ts";
 * assert.deepEqual(zero(kpiKind("ces")), { n: 0, sum: 0, sum_squares: 0, box: 0 });
 * ```
 */
export function zero(kind: KpiKind): Sums {
  return Object.fromEntries(kind.fields.map((f) => [f, 0]));
}

/**
 * Field-wise a + b: pooling two groups' sums (the aggregate is mergeable).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { add, kpiKind } from "./segment.ts";
 * const a = { n: 2, promoters: 1, passives: 0, detractors: 1 };
 * const b = { n: 1, promoters: 1, passives: 0, detractors: 0 };
 * assert.deepEqual(add(kpiKind("nps"), a, b), { n: 3, promoters: 2, passives: 0, detractors: 1 });
 * ```
 */
export function add(kind: KpiKind, a: Sums, b: Sums): Sums {
  return Object.fromEntries(kind.fields.map((f) => [f, a[f] + b[f]]));
}

function subtract(kind: KpiKind, a: Sums, b: Sums): Sums {
  return Object.fromEntries(kind.fields.map((f) => [f, a[f] - b[f]]));
}

/**
 * Throws a `CxDataError` for a table without rows, naming the analysis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { CxDataError } from "../errors.ts";
 * import { requireRows } from "./segment.ts";
 * assert.throws(() => requireRows(aq.table({ x: [] }), "segment"), CxDataError);
 * ```
 */
export function requireRows(table: ColumnTable, what: string): void {
  if (table.numRows() === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: null,
        value: null,
        reason: `the table has no rows; ${what} needs data`,
      }],
      1,
      "Empty table",
    );
  }
}

/**
 * A table from row objects with the given columns in order (a missing value
 * becomes `null`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows } from "./segment.ts";
 * const t = fromRows([{ a: 1, b: "x" }, { a: 2 }], ["b", "a"]);
 * assert.deepEqual(t.columnNames(), ["b", "a"]);
 * assert.deepEqual(t.array("b"), ["x", null]);
 * ```
 */
export function fromRows(rows: Record<string, unknown>[], columns: readonly string[]): ColumnTable {
  return aq.table(Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)])));
}

// ---------------------------------------------------------------------------
// RFM

/** The named RFM segments, best first. */
export const RFM_SEGMENTS = [
  "Champions",
  "Loyal",
  "Potential loyalist",
  "New",
  "Promising",
  "Need attention",
  "About to sleep",
  "At risk",
  "Cannot lose them",
  "Hibernating",
  "Lost",
] as const;

/** One of {@link RFM_SEGMENTS}. */
export type RfmSegment = typeof RFM_SEGMENTS[number];

/** Options of {@link rfm}. */
export interface RfmOptions {
  /** End of observation (the analysis date): recency is counted up to it; later orders are ignored. */
  observedUntil: Date;
  /** Customer column (default `"customer_id"`). */
  customer?: string;
  /** Order date column, holding `Date`s (default `"date"`). */
  date?: string;
  /** Order value column (default `"revenue"`); a missing value counts as 0. */
  revenue?: string;
}

/** The names of {@link RfmOptions}. */
export const RFM_OPTIONS = optionNames<RfmOptions>()([
  "observedUntil",
  "customer",
  "date",
  "revenue",
]);

/** The {@link rfm} result columns after the customer column, in order. */
export const RFM_COLUMNS = [
  "last_order",
  "recency_days",
  "frequency",
  "monetary",
  "r_score",
  "f_score",
  "m_score",
  "rfm_score",
  "segment",
] as const;

/**
 * Recency, frequency and monetary value per customer, scored 1–5 and named.
 * Pass ORDERS only (one row per order), e.g. `events.filter((d) => d.type ===
 * "order")`.
 *
 * Columns: the customer column, `last_order`, `recency_days` (whole days of
 * 24 h from the last order to `observedUntil`, rounded down), `frequency` (orders),
 * `monetary` (sum of revenue; a missing revenue counts 0), `r_score`,
 * `f_score`, `m_score`, `rfm_score` (e.g. `"545"`) and `segment`. Rows are
 * sorted by customer. Orders after `observedUntil` and rows without a customer or date
 * are ignored.
 *
 * **Scores** are rank-based quintiles, as pandas `qcut` on ranks: with N
 * customers and r the (1-based) rank of a customer's value, the score is
 * max(1, ⌈5·(r − 1)/(N − 1)⌉), so each score holds a fifth of the customers.
 * TIES share their AVERAGE rank (never split by row order), so equal values
 * always get the same score and a score band may hold more or fewer than a
 * fifth. Higher is better: the most recent orders get `r_score` 5 (ranked on
 * −recency), the most orders `f_score` 5, the most revenue `m_score` 5. A
 * single customer scores 3.
 *
 * **Segments** come from R and F (M is scored, not used by the map), on the
 * widely published 5 × 5 R × F segment grid (the `seg_map` of many RFM
 * tutorials; names as in the R package rfm's introduction vignette, after
 * Putler's RFM segments), whose hibernating corner is split by recency into
 * Hibernating (R 2) and Lost (R 1):
 *
 * | R \ F | 1              | 2                  | 3                  | 4         | 5                |
 * | ----- | -------------- | ------------------ | ------------------ | --------- | ---------------- |
 * | 5     | New            | Potential loyalist | Potential loyalist | Champions | Champions        |
 * | 4     | Promising      | Potential loyalist | Potential loyalist | Loyal     | Loyal            |
 * | 3     | About to sleep | About to sleep     | Need attention     | Loyal     | Loyal            |
 * | 2     | Hibernating    | Hibernating        | At risk            | At risk   | Cannot lose them |
 * | 1     | Lost           | Lost               | At risk            | At risk   | Cannot lose them |
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { rfm } from "./segment.ts";
 * const orders = aq.table({
 *   customer_id: ["a", "a", "a", "b", "c"],
 *   date: ["2025-12-30", "2025-11-01", "2025-10-01", "2025-06-01", "2025-12-01"]
 *     .map((d) => new Date(d)),
 *   revenue: [10, 20, 30, 5, 50],
 * });
 * const r = rfm(orders, { observedUntil: new Date("2025-12-31") });
 * assert.deepEqual(r.array("frequency"), [3, 1, 1]);
 * assert.deepEqual(r.array("recency_days"), [1, 213, 30]);
 * // a: most recent (R 5) and most orders (F 5) → Champions.
 * assert.equal(r.get("segment", 0), "Champions");
 * ```
 */
export function rfm(orders: ColumnTable, options: RfmOptions): ColumnTable {
  checkCall("rfm", orders, options, RFM_OPTIONS);
  const { observedUntil: asOf, customer = "customer_id", date = "date", revenue = "revenue" } =
    options ?? {};
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) {
    throw new CxOptionsError(
      `rfm needs { observedUntil: Date }, the analysis date recency is counted to, got ${
        JSON.stringify(asOf)
      }`,
    );
  }
  requireColumn(orders, customer, "customer");
  requireColumn(orders, date, "date");
  requireColumn(orders, revenue, "revenue");
  requireRows(orders, "rfm");
  const customers = aggregateOrders(orders, { asOf, customer, date, revenue });
  if (customers.size === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: date,
        value: null,
        reason:
          `no orders on or before observedUntil (${asOf.toISOString()}); check observedUntil and the dates`,
      }],
      1,
      "No orders",
    );
  }
  const ids = [...customers.keys()].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  const stats = ids.map((id) => customers.get(id)!);
  const recency = stats.map((s) => Math.floor((asOf.getTime() - s.last) / 86_400_000));
  const r = quintileScores(recency.map((d) => -d));
  const f = quintileScores(stats.map((s) => s.frequency));
  const m = quintileScores(stats.map((s) => s.monetary));
  return aq.table({
    [customer]: ids,
    last_order: stats.map((s) => new Date(s.last)),
    recency_days: recency,
    frequency: stats.map((s) => s.frequency),
    monetary: stats.map((s) => s.monetary),
    r_score: r,
    f_score: f,
    m_score: m,
    rfm_score: ids.map((_, i) => `${r[i]}${f[i]}${m[i]}`),
    segment: ids.map((_, i) => rfmSegment(r[i], f[i])),
  });
}

/** Per customer: last order instant, order count and revenue sum. */
function aggregateOrders(
  orders: ColumnTable,
  columns: { asOf: Date; customer: string; date: string; revenue: string },
): Map<string, { last: number; frequency: number; monetary: number }> {
  const ids = orders.array(columns.customer) as unknown[];
  const dates = orders.array(columns.date) as unknown[];
  const values = orders.array(columns.revenue) as unknown[];
  const problems: CxProblem[] = [];
  let bad = 0;
  const problem = (i: number, column: string, value: unknown, reason: string) => {
    if (bad++ < 20) problems.push({ row: i + 1, column, value: String(value), reason });
  };
  const limit = columns.asOf.getTime();
  const out = new Map<string, { last: number; frequency: number; monetary: number }>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i], d = dates[i], v = values[i];
    if (d !== null && d !== undefined && !(d instanceof Date)) {
      problem(i, columns.date, d, `${columns.date} must hold dates; load orders with readCsv`);
      continue;
    }
    if (v !== null && v !== undefined && !(typeof v === "number" && Number.isFinite(v))) {
      problem(i, columns.revenue, v, `${columns.revenue} must be a number (or empty)`);
      continue;
    }
    if (id === null || id === undefined || !(d instanceof Date) || d.getTime() > limit) continue;
    const key = String(id);
    const s = out.get(key) ?? { last: -Infinity, frequency: 0, monetary: 0 };
    s.last = Math.max(s.last, d.getTime());
    s.frequency++;
    s.monetary += (v as number | null) ?? 0;
    out.set(key, s);
  }
  if (bad) throw new CxDataError(problems, bad, "Orders with impossible values");
  return out;
}

/**
 * Rank-based quintile scores 1–5 (higher value → higher score): ties share
 * their average rank r, and the score is max(1, ⌈5·(r − 1)/(N − 1)⌉); a
 * single value scores 3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quintileScores } from "./segment.ts";
 * assert.deepEqual(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
 * // Ties share a score: the four 1s have mean rank 2.5 → ⌈5·1.5/5⌉ = 2.
 * assert.deepEqual(quintileScores([1, 1, 1, 1, 2, 3]), [2, 2, 2, 2, 4, 5]);
 * ```
 */
export function quintileScores(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 1) return [3];
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const scores = new Array<number>(n);
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]] === values[order[start]]) end++;
    // Positions start … end (0-based) share the mean 1-based rank.
    const rank = (start + end) / 2 + 1;
    const score = Math.max(1, Math.ceil((5 * (rank - 1)) / (n - 1)));
    for (let j = start; j <= end; j++) scores[order[j]] = score;
    start = end + 1;
  }
  return scores;
}

const GRID: readonly (readonly RfmSegment[])[] = [
  // R = 1 … 5 (rows), F = 1 … 5 (columns)
  ["Lost", "Lost", "At risk", "At risk", "Cannot lose them"],
  ["Hibernating", "Hibernating", "At risk", "At risk", "Cannot lose them"],
  ["About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"],
  ["Promising", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"],
  ["New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"],
];

/**
 * The RFM segment of a recency and a frequency score (1–5 each), from the
 * grid documented at {@link rfm}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rfmSegment } from "./segment.ts";
 * assert.equal(rfmSegment(5, 5), "Champions");
 * assert.equal(rfmSegment(1, 5), "Cannot lose them");
 * assert.equal(rfmSegment(1, 1), "Lost");
 * ```
 */
export function rfmSegment(r: number, f: number): RfmSegment {
  const ok = (s: number) => Number.isInteger(s) && s >= 1 && s <= 5;
  if (!ok(r) || !ok(f)) {
    throw new CxOptionsError(`RFM scores must be whole numbers 1–5, got R ${r}, F ${f}`);
  }
  return GRID[r - 1][f - 1];
}
