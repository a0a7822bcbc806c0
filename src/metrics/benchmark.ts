/**
 * Comparing a KPI result with an industry benchmark or a target: the
 * difference and a test of whether it is more than sampling noise.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { checkConfidence, normalCdf, tCdf, tQuantile, zFor } from "../stats/distributions.ts";
import { kpiMeta } from "./groups.ts";
import { npsVariance } from "./nps.ts";

/** Options of {@link compareToBenchmark}. */
export interface BenchmarkOptions {
  /** The benchmark or target, in the column's units (NPS points, percent, score). */
  benchmark: number;
  /** Which result column to compare (default: the KPI's headline column). */
  column?: string;
  /** Confidence level for `significant` and the interval (default: the result's). */
  confidence?: number;
}

type Test =
  | { kind: "nps" }
  | { kind: "proportion"; count: string }
  | { kind: "mean"; sd: string };

/** Which test fits which KPI column; the first entry per KPI is its headline. */
const TESTS: Record<string, Record<string, Test>> = {
  nps: { nps: { kind: "nps" } },
  csat: { csat: { kind: "proportion", count: "top_box" }, mean: { kind: "mean", sd: "sd" } },
  ces: {
    ces: { kind: "mean", sd: "sd" },
    pct_low_effort: { kind: "proportion", count: "low_effort" },
  },
};

/**
 * Adds `benchmark, difference, difference_low, difference_high, statistic,
 * p_value, significant` to a KPI result (from `nps`, `csat` or `ces`).
 * Tests, two-sided:
 * - NPS: z = (NPS − b) / (100·√((p_P + p_D − (p_P − p_D)²)/n)).
 * - A percentage (CSAT top box, low-effort share): one-proportion score test,
 *   z = (p̂ − p₀) / √(p₀(1 − p₀)/n) with p₀ = b/100; the interval is
 *   difference ± z·√(p̂(1 − p̂)/n), in percentage points.
 * - A mean (CSAT mean, CES): one-sample t test, t = (x̄ − b)/(s/√n), df n − 1.
 * `significant` is p < 1 − confidence; rows with too little data get `null`.
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
 * ```
 */
export function compareToBenchmark(result: ColumnTable, options: BenchmarkOptions): ColumnTable {
  const meta = kpiMeta(result);
  const tests = meta ? TESTS[meta.kpi] : undefined;
  if (!meta || !tests) {
    throw new CxOptionsError(
      `compareToBenchmark needs a result of nps(), csat() or ces() as it came back (metadata is lost after Arquero verbs); got ${
        meta ? meta.kpi : "a plain table"
      }`,
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
  if (typeof benchmark !== "number" || !Number.isFinite(benchmark)) {
    throw new CxOptionsError(
      `Option "benchmark" must be a number, got ${JSON.stringify(benchmark)}`,
    );
  }
  const confidence = options.confidence ?? meta.confidence;
  checkConfidence(confidence);
  const rows = (result.objects() as Record<string, number | null>[]).map((row) => ({
    benchmark,
    ...testRow(row, column, test, benchmark, confidence),
  }));
  const added = Object.fromEntries(
    Object.keys(rows[0] ?? emptyRow()).map((k) => [k, rows.map((r) => r[k as keyof typeof r])]),
  );
  return result.assign(added);
}

function emptyRow() {
  return {
    benchmark: 0,
    difference: null,
    difference_low: null,
    difference_high: null,
    statistic: null,
    p_value: null,
    significant: null,
  };
}

function testRow(
  row: Record<string, number | null>,
  column: string,
  test: Test,
  benchmark: number,
  confidence: number,
) {
  const n = row.n ?? 0;
  const value = row[column];
  const none = {
    difference: value === null ? null : value - benchmark,
    difference_low: null,
    difference_high: null,
    statistic: null,
    p_value: null,
    significant: null,
  };
  if (value === null || !(n > 0)) return none;
  const difference = value - benchmark;
  let crit = zFor(confidence);
  let se0: number, se: number, p: (stat: number) => number;
  if (test.kind === "nps") {
    se0 = se = 100 * Math.sqrt(npsVariance(row.promoters!, row.detractors!, n));
    p = (s) => 2 * normalCdf(-Math.abs(s));
  } else if (test.kind === "proportion") {
    const p0 = benchmark / 100, pHat = row[test.count]! / n;
    se0 = 100 * Math.sqrt(p0 * (1 - p0) / n);
    se = 100 * Math.sqrt(pHat * (1 - pHat) / n);
    p = (s) => 2 * normalCdf(-Math.abs(s));
  } else {
    const sd = row[test.sd];
    if (sd === null || n < 2) return none;
    se0 = se = sd / Math.sqrt(n);
    crit = tQuantile(1 - (1 - confidence) / 2, n - 1);
    p = (s) => 2 * tCdf(-Math.abs(s), n - 1);
  }
  if (!(se0 > 0)) return { ...none, difference };
  const statistic = difference / se0;
  const pValue = p(statistic);
  return {
    difference,
    difference_low: difference - crit * se,
    difference_high: difference + crit * se,
    statistic,
    p_value: pValue,
    significant: pValue < 1 - confidence,
  };
}
