/**
 * Trends: a KPI per period with its interval, rolling windows from pooled
 * counts, and period-over-period or year-over-year change with a test, so a
 * report says which moves are more than sampling noise.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../errors.ts";
import { tidyResult } from "../metrics/groups.ts";
import { type GroupPlan, KPI_OPTIONS, type KpiOptions } from "../base/plan.ts";
import type { EngineAnalysis } from "../engine/dispatch.ts";
import { optionNames, withoutNames } from "../options.ts";
import { adjustPValues, checkCorrection, type Correction } from "../stats/multiple.ts";
import {
  checkPeriod,
  labelYearEarlier,
  type Period,
  periodFn,
  type PeriodOf,
} from "../time/period.ts";
import { type Bounds, differenceBounds, interval } from "../metrics/bounds.ts";
import {
  type AnalysisKpi,
  type Comparison,
  KPI_SCORE_OPTIONS,
  type KpiKind,
  kpiKind,
  type KpiScoreOptions,
  NO_COMPARISON,
  type Sums,
} from "./segment/kinds.ts";
import { add, fromRows, keyOf, scoreAnalysis, zero } from "./segment/sums.ts";

/** What each period is compared with. */
export type TrendCompare = "previous" | "year";

/** Options of {@link trend}. */
export interface TrendOptions extends Omit<KpiOptions, "period">, KpiScoreOptions {
  /** Which KPI: `"nps"`, `"csat"` (top-box share) or `"ces"` (mean effort). */
  kpi: AnalysisKpi;
  /** Period length: `"day"`, `"week"`, `"month"`, `"quarter"` or `"year"`. */
  period: Period;
  /** Rolling window in periods (the period and the ones before it), from pooled sums. */
  rolling?: number;
  /** `"previous"` (default): period over period; `"year"`: the same period a year earlier. */
  compare?: TrendCompare;
  /** Correction over all tests in the result (default `"holm"`; `"bh"`, `"none"`). */
  correction?: Correction;
}

/** The names of {@link TrendOptions}. */
export const TREND_OPTIONS = optionNames<TrendOptions>()([
  ...withoutNames(KPI_OPTIONS, "period"),
  ...KPI_SCORE_OPTIONS,
  "kpi",
  "period",
  "rolling",
  "compare",
  "correction",
]);

/** The columns {@link trend} adds after the KPI's own columns (rolling ones only when asked). */
export const TREND_COLUMNS = [
  "rolling_n",
  "rolling_value",
  "rolling_value_low",
  "rolling_value_high",
  "compared_to",
  "change",
  "change_low",
  "change_high",
  "statistic",
  "df",
  "p_value",
  "p_adjusted",
  "significant",
  "shift",
  "too_few",
  "note",
] as const;

/**
 * A KPI per period (and per `by` segment), one row for EVERY period from the
 * first to the last answer (periods without answers have `n = 0`), with:
 *
 * - the KPI's own columns as `nps`, `csat` or `ces` give them with `period`
 *   (value and interval at `confidence`);
 * - with `rolling: k`: `rolling_n, rolling_value, rolling_value_low,
 *   rolling_value_high`
 *   over the period and the k − 1 before it, computed from the POOLED counts
 *   or sums of the window (never an average of percentages); `null` until k
 *   periods exist; its interval follows the KPI's rules (a zero-width one is
 *   replaced as in `nps`/`ces`);
 * - `compared_to` (the previous period, or with `compare: "year"` the same
 *   period a year earlier, by label: `2025-03` → `2024-03`, `2025-W10` →
 *   `2024-W10`), `change` (this − compared, in the KPI's units) with
 *   `change_low, change_high`, `statistic`, `df`, `p_value`, `p_adjusted`:
 *   the same two-sample tests as `segment` (NPS z, two-proportion z for
 *   CSAT, Welch t for CES), the periods being independent samples; interval
 *   bounds are clipped to the scale (`meta(result).notes.clipped`);
 * - `significant`: **flagged** means `p_adjusted < 1 − confidence` (0.05 by
 *   default), p-values Holm-adjusted over all tests of the result by default:
 *   with one test per period, raw p-values would flag about one stable period
 *   in twenty by chance (`correction: "none"` gives raw p-values), with both
 *   periods having at least `minN` answers; `shift` is `"rise"` or `"drop"`
 *   of the VALUE for flagged periods (for CES a drop is less effort, i.e.
 *   better), else `null`. A recovery after a dip is a real shift too: it is
 *   flagged as a rise;
 * - `too_few`: fewer than `minN` answers (default 30) or none; such a period
 *   keeps its value and interval but is not tested, and `note` says plainly
 *   "too few answers to say anything". `note` also explains every missing
 *   test (nothing to compare with, compared period too small, no variation);
 * - `small_sample` and `time_zone`, as every KPI result.
 *
 * Rows without a date are left out (counted in `meta(result).notes.undated`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { trend } from "./trend.ts";
 * const t = aq.table({
 *   date: ["2025-01-10", "2025-01-20", "2025-02-05", "2025-02-06"].map((d) => new Date(d)),
 *   nps_score: [10, 9, 3, 10],
 * });
 * const r = trend(t, { kpi: "nps", period: "month", minN: 1 });
 * // January: 2 promoters of 2 → 100; February: 1 − 1 of 2 → 0; change −100.
 * assert.deepEqual(r.array("period"), ["2025-01", "2025-02"]);
 * assert.equal(r.get("change", 1), -100);
 * assert.equal(r.get("compared_to", 1), "2025-01");
 * ```
 *
 * With an SQL engine in `options.engine` (DuckDB, PostgreSQL, ClickHouse),
 * or a server table `{ engine, table }` or CSV/Parquet path as source, the
 * per-period counts or sums come from one aggregate query in the engine
 * (`explain`, and `dateZone` for zone-less dates in the source, as for
 * `nps`); filling in empty periods, rolling windows, tests and flags are the
 * same TypeScript, so the call resolves to the same table:
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { duckdbEngine } from "../engine/duckdb.ts";
 * import { trend } from "./trend.ts";
 * const t = aq.table({
 *   date: ["2025-01-31T23:30:00Z", "2025-02-01T08:00:00Z", "2025-03-09T12:00:00Z"]
 *     .map((d) => new Date(d)),
 *   nps_score: [10, 3, 9],
 * });
 * const options = { kpi: "nps", period: "month", timeZone: "Europe/Berlin", minN: 1 } as const;
 * const engine = duckdbEngine();
 * const r = await trend(t, { ...options, rolling: 2, engine });
 * assert.deepEqual(r.array("period"), ["2025-02", "2025-03"]); // 23:30 UTC is February in Berlin
 * assert.deepEqual(r.objects(), trend(t, { ...options, rolling: 2 }).objects());
 * await engine.close();
 * ```
 */
export const trend: EngineAnalysis<TrendOptions> = scoreAnalysis({
  name: "trend",
  options: TREND_OPTIONS,
  dates: true,
  settings: trendSettings,
  kpiOptions(options: TrendOptions) {
    const { kpi: _k, rolling: _r, compare: _c, correction: _co, ...kpiOptions } = options;
    return kpiOptions;
  },
  finalize: finalizeTrend,
});

/** The analysis' own options, validated (the KPI checks the rest). */
interface TrendSettings {
  kind: KpiKind;
  rolling: number | undefined;
  compare: TrendCompare;
  correction: Correction;
  /** The KPI's scale options (CES rolling intervals need the scale). */
  score: KpiScoreOptions;
  /** Ranges of the rolling and change intervals. */
  bounds: Bounds;
}

function trendSettings(options: TrendOptions): TrendSettings {
  const kind = kpiKind(options?.kpi);
  const { rolling, compare = "previous", correction = "holm" } = options;
  if (options.period === undefined) {
    throw new CxOptionsError(`trend needs "period", e.g. { period: "month" }`);
  }
  checkPeriod(options.period);
  if (rolling !== undefined && !(Number.isInteger(rolling) && rolling >= 1)) {
    throw new CxOptionsError(
      `Option "rolling" must be a whole number of periods ≥ 1 (e.g. 3 for a 3-month window), got ${
        JSON.stringify(rolling)
      }`,
    );
  }
  if (compare !== "previous" && compare !== "year") {
    throw new CxOptionsError(
      `Option "compare" must be "previous" or "year", got ${JSON.stringify(compare)}`,
    );
  }
  checkCorrection(correction);
  const [min, max] = kind.range(options);
  const bounds = {
    ...interval("rolling_value", min, max),
    ...differenceBounds([min, max], "change"),
  };
  return { kind, rolling, compare, correction, score: { scale: options.scale }, bounds };
}

/** Finalize step, the same for every engine: every period, rolling windows, tests, flags. */
function finalizeTrend(
  settings: TrendSettings,
  result: ColumnTable,
  sums: Map<string, Sums>,
  plan: GroupPlan,
): ColumnTable {
  const { kind, rolling, compare, correction, bounds } = settings;
  const { out, tests, undated } = periodRows(settings, result, sums, plan);
  const adjusted = adjustPValues(tests, { correction });
  const alpha = 1 - plan.confidence;
  out.forEach((row, i) => {
    const p = adjusted[i];
    row.p_adjusted = p;
    row.significant = p !== null && p < alpha;
    row.shift = row.significant ? ((row.change as number) < 0 ? "drop" : "rise") : null;
  });
  const columns = [
    ...kind.columns,
    ...TREND_COLUMNS.filter((c) => rolling || !c.startsWith("rolling_")),
  ];
  const keys = [...plan.by, "period", "period_start"];
  const meta = metaOf(result, "kpi");
  return tidyResult(
    fromRows(out, [...keys, ...columns]),
    keys,
    plan,
    (row) => Object.fromEntries(columns.map((c) => [c, row[c]])),
    {
      kpi: kind.kpi,
      method: `${meta?.method ?? kind.kpi}; change vs ${
        compare === "year" ? "the same period a year earlier" : "the previous period"
      }: ${kind.test}`,
      notes: {
        ...meta?.notes,
        analysis: "trend",
        compare,
        rolling: rolling ?? null,
        correction,
        family: tests.filter((p) => p !== null).length,
        flagged: `significant = p_adjusted < 1 − confidence (${+alpha.toFixed(
          12,
        )}) with both periods ≥ minN answers`,
        undated,
      },
    },
    columns,
    { bounds },
  );
}

/**
 * Every period of every group, with its rolling window and its raw test
 * against the compared period; `tests` holds the p-values to correct (`null`
 * where no test was made), in row order.
 */
function periodRows(
  { kind, rolling, compare, score }: TrendSettings,
  result: ColumnTable,
  sums: Map<string, Sums>,
  plan: GroupPlan,
) {
  const { groups, rows: kpiRows, first, last, undated } = indexResult(result, plan.by);
  const sequence = periodSequence(plan.period!, plan.timeZone, first, last);
  const out: Record<string, unknown>[] = [];
  const tests: (number | null)[] = [];
  for (const group of groups.values()) {
    const series = sequence.map((p) => {
      const key = keyOf({ ...group, period: p.label }, [...plan.by, "period"]);
      const row = kpiRows.get(key) ?? emptyRow(kind, group, p);
      return { p, row, sums: sums.get(key) ?? zero(kind) };
    });
    const index = new Map(series.map((s, i) => [s.p.label, i]));
    series.forEach((s, i) => {
      const n = s.sums.n;
      const tooFew = n === 0 || n < plan.minN;
      const target = compare === "previous" ? i - 1 : index.get(labelYearEarlier(s.p.label)) ?? -1;
      const label = compare === "previous"
        ? (i > 0 ? series[i - 1].p.label : previousLabel(s.p, plan.period!, plan.timeZone))
        : labelYearEarlier(s.p.label);
      const other = target >= 0 ? series[target].sums : undefined;
      const testable = !tooFew && other !== undefined && other.n >= plan.minN && other.n > 0;
      const cmp: Comparison = testable
        ? kind.compare(s.sums, other!, plan.confidence)
        : NO_COMPARISON;
      tests.push(testable ? cmp.p_value : null);
      out.push({
        ...s.row,
        ...(rolling ? rollingColumns(kind, series, i, rolling, plan.confidence, score) : {}),
        compared_to: label,
        change: cmp.difference,
        change_low: cmp.difference_low,
        change_high: cmp.difference_high,
        statistic: cmp.statistic,
        df: cmp.df,
        p_value: cmp.p_value,
        too_few: tooFew,
        note: trendNote(n, plan.minN, label, other, target >= 0, cmp),
      });
    });
  }
  return { out, tests, undated };
}

/** Groups (by values), KPI rows by group + period, the first/last period start. */
function indexResult(result: ColumnTable, by: string[]) {
  const groups = new Map<string, Record<string, unknown>>();
  const rows = new Map<string, Record<string, unknown>>();
  let first = Infinity, last = -Infinity, undated = 0;
  for (const row of result.objects() as Record<string, unknown>[]) {
    if (row.period === null || row.period === undefined) {
      undated += row.n as number;
      continue;
    }
    const start = (row.period_start as Date).getTime();
    first = Math.min(first, start);
    last = Math.max(last, start);
    groups.set(keyOf(row, by), Object.fromEntries(by.map((k) => [k, row[k] ?? null])));
    rows.set(keyOf(row, [...by, "period"]), row);
  }
  if (groups.size === 0) {
    const left = metaOf(result, "kpi")?.notes.missingGroups;
    const reason = left ? `no dated row is left: ${left}` : "no row has a date; trend needs dates";
    throw new CxDataError(
      [{ row: null, column: null, value: null, reason }],
      1,
      "No dated answers",
    );
  }
  return { groups, rows, first: new Date(first), last: new Date(last), undated };
}

/** A KPI row for a period without answers: counts 0, everything else missing. */
function emptyRow(
  kind: KpiKind,
  group: Record<string, unknown>,
  p: PeriodOf,
): Record<string, unknown> {
  const row: Record<string, unknown> = { ...group, period: p.label, period_start: p.start };
  for (const c of kind.columns) row[c] = kind.counts.includes(c) ? 0 : null;
  return row;
}

function rollingColumns(
  kind: KpiKind,
  series: { sums: Sums }[],
  i: number,
  window: number,
  confidence: number,
  score: KpiScoreOptions,
): Record<string, number | null> {
  if (i + 1 < window) {
    return {
      rolling_n: null,
      rolling_value: null,
      rolling_value_low: null,
      rolling_value_high: null,
    };
  }
  let pooledSums = zero(kind);
  for (let j = i - window + 1; j <= i; j++) pooledSums = add(kind, pooledSums, series[j].sums);
  const h = kind.headline(pooledSums, confidence, score);
  return {
    rolling_n: pooledSums.n,
    rolling_value: h.value,
    rolling_value_low: h.low,
    rolling_value_high: h.high,
  };
}

function trendNote(
  n: number,
  minN: number,
  label: string,
  other: Sums | undefined,
  present: boolean,
  cmp: Comparison,
): string | null {
  if (n === 0) return "no answers in this period: too few answers to say anything";
  if (n < minN) return `too few answers to say anything (n = ${n} < ${minN})`;
  if (!present || other === undefined) return `nothing to compare with: no ${label} in the data`;
  if (other.n === 0) return `nothing to compare with: no answers in ${label}`;
  if (other.n < minN) return `too few answers in ${label} to compare with (n = ${other.n})`;
  if (cmp.p_value === null) return "no variation in the answers: no test possible";
  return null;
}

/**
 * Every period from the one starting at `first` to the one starting at
 * `last`, stepping to the next period by jumping past the end of the current
 * one (periods are 1 day to 1 year long, so a fixed overshoot always lands in
 * the next period, also across daylight-saving changes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { periodSequence } from "./trend.ts";
 * const months = periodSequence("month", "UTC", new Date("2024-11-10"), new Date("2025-02-01"));
 * assert.deepEqual(months.map((p) => p.label), ["2024-11", "2024-12", "2025-01", "2025-02"]);
 * ```
 */
export function periodSequence(
  period: Period,
  timeZone: string,
  first: Date,
  last: Date,
): PeriodOf[] {
  const of = periodFn(period, timeZone);
  const step = STEP_DAYS[period] * 86_400_000;
  const out: PeriodOf[] = [];
  for (
    let p = of(first);
    p.start.getTime() <= last.getTime();
    p = of(new Date(p.start.getTime() + step))
  ) {
    out.push(p);
  }
  return out;
}

/** Days that take a period's start into the next period, never beyond it. */
const STEP_DAYS: Record<Period, number> = {
  day: 1.5,
  week: 7.5,
  month: 32,
  quarter: 93,
  year: 367,
};

function previousLabel(p: PeriodOf, period: Period, timeZone: string): string {
  return periodFn(period, timeZone)(new Date(p.start.getTime() - 1)).label;
}
