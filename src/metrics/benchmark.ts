/**
 * Comparing a KPI result with an industry benchmark or a target: the
 * difference and a test of whether it is more than sampling noise. The
 * p-value and the interval of every row come from the same method, so the
 * interval excludes the benchmark exactly when the test is significant.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { checkCall, optionNames } from "../options.ts";
import { checkConfidence, normalCdf, tCdf, tQuantile, zFor } from "../stats/distributions.ts";
import {
  boundedMeanInterval,
  clopperPearson,
  exactBinomialTest,
  type Interval,
  wilson,
} from "../stats/intervals.ts";
import { type KpiMeta, setKpiMeta } from "./groups.ts";
import { clipToBounds, interval } from "./bounds.ts";
import { npsVariance } from "./nps.ts";

/** Options of {@link compareToBenchmark}. */
export interface BenchmarkOptions {
  /** The benchmark or target, in the column's units (NPS points, percent, share 0–1, score). */
  benchmark: number;
  /** Which result column to compare (default: the KPI's headline column). */
  column?: string;
  /** Confidence level for `significant` and the interval (default: the result's). */
  confidence?: number;
}

const BENCHMARK_OPTIONS = optionNames<BenchmarkOptions>()(["benchmark", "column", "confidence"]);

type Row = Record<string, number | null>;

type Test =
  | { kind: "nps" }
  | { kind: "proportion"; count: (row: Row) => number | null; n: string; unit: 1 | 100 }
  | { kind: "mean"; sd: string };

const share = (count: string, n = "n", unit: 1 | 100 = 1): Test => ({
  kind: "proportion",
  count: (row) => row[count],
  n,
  unit,
});
const MEAN: Test = { kind: "mean", sd: "sd" };

/** Which test fits which KPI column; the first entry per KPI is its headline. */
const TESTS: Record<string, Record<string, Test>> = {
  nps: { nps: { kind: "nps" } },
  csat: { csat: share("top_box", "n", 100), mean: MEAN },
  ces: { ces: MEAN, pct_low_effort: share("low_effort", "n", 100) },
  first_contact_resolution: { fcr: share("first_contact") },
  churn_rate: { churn_rate: share("churned") },
  retention_rate: {
    retention: {
      kind: "proportion",
      count: (row) =>
        row.customers_end === null || row.new_customers === null
          ? null
          : row.customers_end - row.new_customers,
      n: "n",
      unit: 1,
    },
  },
  referral_rate: {
    referral_rate: share("referred_signups", "signups"),
    referrer_share: share("referrers", "active_customers"),
  },
};

/** The exact test replaces the score test when n·p₀ or n·(1 − p₀) is below this. */
export const EXACT_BELOW = 10;

/**
 * Adds `benchmark, difference, difference_low, difference_high, statistic,
 * p_value, p_adjusted, significant, test` to a KPI result: from `nps`, `csat`, `ces`,
 * `firstContactResolution` (`fcr`), `churnRate` (`churn_rate`),
 * `retentionRate` (`retention`) or `referralRate` (`referral_rate`,
 * `referrer_share`). The benchmark is in the column's units (NPS points;
 * percent for CSAT and the low-effort share; a share 0–1 for FCR, churn,
 * retention and referral). Tests, two-sided; the interval of each row is the
 * one dual to its test, so `difference_low … difference_high` excludes 0
 * exactly when `significant`:
 * - NPS: Wald z = (NPS − b) / (100·√((p_P + p_D − (p_P − p_D)²)/n)) with the
 *   Wald interval. Rows whose interval is adjusted Wald (method
 *   `"adjusted-wald"`, or a zero-width Wald interval: `nps_adjusted` is set)
 *   are tested on the adjusted estimate: z = (nps_adjusted − b)/se', se' the
 *   Wald se of P + ¾, D + ¾, n + 3, and the interval is nps_adjusted − b ± z·se'.
 * - A proportion: the score test z = (p̂ − p₀) / √(p₀(1 − p₀)/n) with the
 *   Wilson (score) interval; for small samples, when n·p₀ < 10 or
 *   n·(1 − p₀) < 10 ({@link EXACT_BELOW}), the central exact binomial test
 *   p = min(1, 2·min(P(X ≤ k), P(X ≥ k))) with the Clopper–Pearson interval
 *   (`statistic` is `null`). `test` names which one each row got.
 * - A mean (CSAT mean, CES): one-sample t test, t = (x̄ − b)/(s/√n), df n − 1,
 *   with the t interval.
 * `p_adjusted` equals `p_value` (each row is its own comparison with the
 * target; correction `"none"` in the metadata), and `significant` is
 * `p_adjusted < 1 − confidence`; rows with too little data get `null`.
 * A result weighted by survey weights (`meta(result).notes.weight`) is
 * refused: these tests count answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "./nps.ts";
 * import { compareToBenchmark } from "./benchmark.ts";
 * const result = nps(aq.table({ nps_score: [10, 10, 9, 9, 8, 7, 3, 10, 9, 10] }));
 * const vs = compareToBenchmark(result, { benchmark: 30 });
 * assert.ok(vs.get("difference", 0) === 60 - 30);
 * assert.ok(vs.get("test", 0) === "wald z");
 * ```
 */
export function compareToBenchmark(result: ColumnTable, options: BenchmarkOptions): ColumnTable {
  checkCall("compareToBenchmark", result, options, BENCHMARK_OPTIONS);
  const meta = metaOf(result, "kpi");
  const tests = meta ? TESTS[meta.kpi] : undefined;
  if (!meta || !tests) {
    throw new CxOptionsError(
      `compareToBenchmark needs a result of nps(), csat(), ces(), firstContactResolution(), churnRate(), retentionRate() or referralRate() as it came back (metadata is lost after Arquero verbs); got ${
        meta ? meta.kpi : "a plain table"
      }`,
    );
  }
  if (meta.notes.weight !== undefined) {
    // Its tests count answers (exact binomial, trinomial Wald): weights would be ignored.
    throw new CxOptionsError(
      `compareToBenchmark cannot test a weighted ${meta.kpi} result (survey weights from column ${
        JSON.stringify(meta.notes.weight)
      }): its tests count answers; compute the KPI with weight: null to compare it with a benchmark, or read the weighted interval (${meta.kpi}_low, ${meta.kpi}_high)`,
    );
  }
  const column = options.column ?? Object.keys(tests)[0];
  const test = tests[column];
  if (!test) {
    throw new CxOptionsError(
      `Option "column" must be one of ${Object.keys(tests).join(", ")} for ${meta.kpi}, got ${
        JSON.stringify(column)
      }`,
    );
  }
  const { benchmark } = options;
  const [min, max] = valueRange(meta, test);
  checkBenchmark(benchmark, test, column, [min, max]);
  const confidence = options.confidence ?? meta.confidence;
  checkConfidence(confidence);
  const rows: Record<string, unknown>[] = (result.objects() as Row[]).map((row) => ({
    benchmark,
    ...testRow(row, column, test, benchmark, confidence, [min, max]),
  }));
  // The value stays on its scale, so its difference from the benchmark does too.
  const clipped = clipToBounds(rows, interval("difference", min - benchmark, max - benchmark));
  const added = Object.fromEntries(
    Object.keys(rows[0] ?? { benchmark, ...NONE }).map((k) => [k, rows.map((r) => r[k])]),
  );
  return setKpiMeta(result.assign(added), {
    ...meta,
    notes: {
      ...meta.notes,
      benchmark: { column, value: benchmark, confidence, correction: "none" },
      ...(clipped.length
        ? { clipped: [...(meta.notes.clipped as string[] | undefined ?? []), ...clipped] }
        : {}),
    },
  });
}

/** The range of the compared column: NPS points, a share, or the declared score scale. */
function valueRange(meta: KpiMeta, test: Test): readonly [number, number] {
  if (test.kind === "nps") return [-100, 100];
  if (test.kind === "proportion") return [0, test.unit];
  const m = /^(\d+)–(\d+)$/.exec(String(meta.notes.scale));
  return m ? [Number(m[1]), Number(m[2])] : [-Infinity, Infinity];
}

function checkBenchmark(
  benchmark: unknown,
  test: Test,
  column: string,
  [min, max]: readonly [number, number],
): void {
  if (typeof benchmark !== "number" || !Number.isFinite(benchmark)) {
    throw new CxOptionsError(
      `Option "benchmark" must be a number, got ${JSON.stringify(benchmark)}`,
    );
  }
  if (test.kind === "proportion" && !(benchmark > 0 && benchmark < test.unit)) {
    const example = test.unit === 100 ? "60 for 60 %" : "0.6 for 60 %";
    throw new CxOptionsError(
      `Option "benchmark" for ${column} is a share in the column's units, strictly between 0 and ${test.unit} (e.g. ${example}), got ${benchmark}`,
    );
  }
  if (!(benchmark >= min && benchmark <= max)) {
    throw new CxOptionsError(
      `Option "benchmark" for ${column} must be on the column's scale, ${min} to ${max}, got ${benchmark}`,
    );
  }
}

const NONE = {
  difference: null,
  difference_low: null,
  difference_high: null,
  statistic: null,
  p_value: null,
  p_adjusted: null,
  significant: null,
  test: null,
};

interface Outcome {
  /** Test statistic (z or t), `null` for the exact test. */
  statistic: number | null;
  /** Two-sided p-value. */
  p: number;
  /** Interval of the VALUE (not yet minus the benchmark), in the column's units. */
  interval: Interval;
  /** Which test. */
  test: string;
}

function testRow(
  row: Row,
  column: string,
  test: Test,
  benchmark: number,
  confidence: number,
  range: readonly [number, number],
) {
  const n = (test.kind === "proportion" ? row[test.n] : row.n) ?? 0;
  const value = row[column];
  const none = { ...NONE, difference: value === null ? null : value - benchmark };
  if (value === null || !(n > 0)) return none;
  const outcome = test.kind === "nps"
    ? npsTest(row, benchmark, confidence)
    : test.kind === "proportion"
    ? proportionTest(test.count(row), n, benchmark / test.unit, confidence, test.unit)
    : meanTest(value, row[test.sd], n, benchmark, confidence, range);
  if (outcome === null) return none;
  const { low, high } = outcome.interval;
  return {
    difference: value - benchmark,
    difference_low: low === null ? null : low - benchmark,
    difference_high: high === null ? null : high - benchmark,
    statistic: outcome.statistic,
    p_value: outcome.p,
    // Each row is its own comparison with the target, and its interval is dual to the
    // unadjusted test: nothing to adjust (the metadata says correction "none").
    p_adjusted: outcome.p,
    significant: outcome.p < 1 - confidence,
    test: outcome.test,
  };
}

/** Wald z, or adjusted-Wald z centred on `nps_adjusted` where the result's interval is adjusted. */
function npsTest(row: Row, benchmark: number, confidence: number): Outcome | null {
  const n = row.n!, promoters = row.promoters!, detractors = row.detractors!;
  const adjusted = row.nps_adjusted ?? null;
  const [center, se, test] = adjusted === null
    ? [row.nps!, 100 * Math.sqrt(npsVariance(promoters, detractors, n)), "wald z"]
    : [
      adjusted,
      100 * Math.sqrt(npsVariance(promoters + 0.75, detractors + 0.75, n + 3)),
      "adjusted-wald z",
    ];
  return zOutcome(center, se, benchmark, confidence, test);
}

function proportionTest(
  count: number | null,
  n: number,
  p0: number,
  confidence: number,
  unit: number,
): Outcome | null {
  if (count === null) return null;
  const scaled = ({ low, high }: Interval) => ({
    low: low === null ? null : unit * low,
    high: high === null ? null : unit * high,
  });
  // n − n·p₀, not n·(1 − p₀): 50·(1 − 0.8) rounds to 9.999…, below 10, though 10 failures are expected.
  if (n * p0 < EXACT_BELOW || n - n * p0 < EXACT_BELOW) {
    return {
      statistic: null,
      p: exactBinomialTest(count, n, p0),
      interval: scaled(clopperPearson(count, n, confidence)),
      test: "exact binomial",
    };
  }
  const z = (count / n - p0) / Math.sqrt(p0 * (1 - p0) / n);
  return {
    statistic: z,
    p: 2 * normalCdf(-Math.abs(z)),
    interval: scaled(wilson(count, n, confidence)),
    test: "score z",
  };
}

/**
 * One-sample t; where every answer is the same (sd = 0, the result's
 * `degenerate_interval`), the score test of the mean rescaled to [0, 1] with
 * the variance a score on [min, max] can have at the benchmark, dual to the
 * result's bounded-score interval.
 */
function meanTest(
  mean: number,
  sd: number | null,
  n: number,
  benchmark: number,
  confidence: number,
  [min, max]: readonly [number, number],
): Outcome | null {
  if (sd === null || n < 2) return null;
  const se = sd / Math.sqrt(n);
  if (se === 0) {
    if (!(benchmark > min && benchmark < max)) return null;
    const p0 = (benchmark - min) / (max - min), pHat = (mean - min) / (max - min);
    const z = (pHat - p0) / Math.sqrt(p0 * (1 - p0) / n);
    return {
      statistic: z,
      p: 2 * normalCdf(-Math.abs(z)),
      interval: boundedMeanInterval(mean, n, min, max, confidence),
      test: "bounded score z",
    };
  }
  const t = (mean - benchmark) / se;
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * se;
  return {
    statistic: t,
    p: 2 * tCdf(-Math.abs(t), n - 1),
    interval: { low: mean - half, high: mean + half },
    test: "one-sample t",
  };
}

function zOutcome(
  center: number,
  se: number,
  benchmark: number,
  confidence: number,
  test: string,
): Outcome | null {
  if (!(se > 0)) return null;
  const z = (center - benchmark) / se;
  const half = zFor(confidence) * se;
  return {
    statistic: z,
    p: 2 * normalCdf(-Math.abs(z)),
    interval: { low: center - half, high: center + half },
    test,
  };
}
