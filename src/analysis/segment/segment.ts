/**
 * Segmentation: a score KPI for every combination of segment columns, each
 * segment tested against the rest of the answers with a multiple-comparison
 * correction.
 *
 * @module
 */
import { metaOf } from "../../meta.ts";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../../errors.ts";
import { tidyResult } from "../../metrics/groups.ts";
import { type GroupPlan, KPI_OPTIONS, type KpiOptions } from "../../base/plan.ts";
import { type Bounds, differenceBounds } from "../../metrics/bounds.ts";
import { adjustPValues, checkCorrection, type Correction } from "../../stats/multiple.ts";
import type { EngineAnalysis } from "../../engine/dispatch.ts";
import { optionNames, withoutNames } from "../../options.ts";
import {
  type AnalysisKpi,
  KPI_SCORE_OPTIONS,
  type KpiKind,
  kpiKind,
  type KpiScoreOptions,
  type Sums,
} from "./kinds.ts";
import { add, fromRows, keyOf, scoreAnalysis, subtract, zero } from "./sums.ts";

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

/** The names of {@link SegmentOptions}. */
export const SEGMENT_OPTIONS = optionNames<SegmentOptions>()([
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
 * (`explain` as for `nps`: the SQL in `meta(result).queries`) and the tests,
 * correction and notes are the same TypeScript, so the call resolves to the
 * same table:
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * import { meta } from "../../meta.ts";
 * import { segment } from "./segment.ts";
 * const t = aq.table({ channel: ["chat", "chat", "web", "web"], csat: [5, 4, 2, 5] });
 * const engine = duckdbEngine();
 * const r = await segment(t, { kpi: "csat", by: "channel", minN: 1, engine, explain: true });
 * assert.deepEqual(r.objects(), segment(t, { kpi: "csat", by: "channel", minN: 1 }).objects());
 * assert.match(String(meta(r).queries?.[0].sql), /GROUP BY/);
 * await engine.close();
 * ```
 */
export const segment: EngineAnalysis<SegmentOptions> = scoreAnalysis({
  name: "segment",
  options: SEGMENT_OPTIONS,
  dates: false,
  settings: segmentSettings,
  kpiOptions(options: SegmentOptions) {
    const { kpi: _kpi, correction: _correction, ...kpiOptions } = options;
    return { ...kpiOptions, by: byOf(options), period: undefined };
  },
  finalize: (settings, result, sums, plan) =>
    finalizeSegment(settings.kind, result, sums, plan, settings.correction, settings.bounds),
});

function byOf(options: SegmentOptions): string[] {
  return options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
}

/** Validates the analysis' own options (the KPI checks the rest). */
function segmentSettings(options: SegmentOptions) {
  const kind = kpiKind(options?.kpi);
  if (byOf(options).length === 0) {
    throw new CxOptionsError(
      `segment needs "by": the column(s) whose values form the segments, e.g. { by: "channel" }`,
    );
  }
  const { correction = "holm" } = options;
  checkCorrection(correction);
  return { kind, correction, bounds: differenceBounds(kind.range(options)) };
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
