/**
 * The log-rank test of equal survival across groups (R's `survdiff`, rho = 0),
 * overall and pairwise with Holm-adjusted p-values.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attachMeta, type LogRankMeta } from "../../meta.ts";
export type { LogRankMeta } from "../../meta.ts";
import { pooled } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CxDataError, CxOptionsError } from "../../errors.ts";
import { optionNames } from "../../options.ts";
import { normalCdf } from "../../stats/distributions.ts";
import { holm } from "../../stats/multiple.ts";
import { countsWithoutMissing, type MissingGroupOption, survivalColumns } from "./columns.ts";
import { type CountGroup, countGroups, countSurvival } from "./counts.ts";
import { countsInEngine } from "./sql.ts";

/** Options of {@link logRank}. */
export interface LogRankOptions extends MissingGroupOption {
  /** Follow-up time column (default `"time"`). */
  time?: string;
  /** Event column, 1/true = event (default `"event"`). */
  event?: string;
  /** Group column(s) to compare (required). */
  by: string | string[];
  /** One test per pair of groups instead of the overall test (default `false`). */
  pairwise?: boolean;
}

/** The names of {@link LogRankOptions}. */
export const LOG_RANK_OPTIONS: readonly (keyof LogRankOptions)[] = optionNames<LogRankOptions>()([
  "time",
  "event",
  "by",
  "pairwise",
  "missing",
]);

/**
 * Log-rank test that all groups share one survival curve.
 *
 * At each distinct event time with N at risk and D events in all, group j
 * expects Eⱼ = Σ D·nⱼ/N events; the covariance of O − E is
 * Vⱼₖ = Σ D(N − D)/(N − 1) · (nⱼ/N)(δⱼₖ − nₖ/N). With k groups of positive
 * expectation, χ² = (O − E)ᵀ V⁻¹ (O − E) over all but the first of them, on
 * k − 1 degrees of freedom (as R `survdiff`; p from the exact χ² upper tail).
 *
 * Overall (default): one row per group, `[by…], n, observed, expected,
 * statistic, df, p_value` (`statistic` is χ²; the test columns repeat on
 * every row). `pairwise: true`: one row per pair, each a two-group test on
 * that pair's customers, `group_a, group_b, statistic, df, p_value,
 * p_adjusted`, where `p_adjusted` is Holm's step-down adjustment over all
 * pairs (R's `p.adjust(method = "holm")`), which keeps the family-wise error
 * rate (`meta(result).notes.correction` says `"holm"`).
 * Group labels of several `by` columns are joined with " · ".
 * Rows with a missing `by` value are left out of the test and counted in
 * `meta(result).notes.missingGroups` (`missing: "group"` tests them as a
 * group of their own), as R's `survdiff` drops `NA` groups.
 * With `engine` (or a `{ engine, table }` or file input) the counts are
 * aggregated in the engine and it resolves to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { logRank } from "./logrank.ts";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * const t = aq.table({
 *   plan: ["a", "a", "a", "b", "b", "b"],
 *   time: [1, 2, 3, 4, 5, 6],
 *   event: [1, 1, 1, 1, 1, 0],
 * });
 * const test = logRank(t, { by: "plan" });
 * assert.ok(test.get("observed", 0) === 3 && test.get("df", 0) === 1);
 * assert.ok(test.get("p_value", 0) < 0.05);
 * const engine = duckdbEngine();
 * assert.deepEqual((await logRank(t, { by: "plan", engine })).objects(), test.objects());
 * await engine.close();
 * ```
 */
export const logRank: EngineAnalysis<LogRankOptions> = withEngine<LogRankOptions>({
  name: "logRank",
  options: LOG_RANK_OPTIONS,
  memory(input, options) {
    const table = pooled(input);
    requireBy(options);
    const { by } = survivalColumns(table, options);
    return finalizeLogRank(countSurvival(table, options), testOptions(options, by));
  },
  async sql(call, options) {
    requireBy(options);
    const { counts, columns } = await countsInEngine(call, options);
    return finalizeLogRank(counts, testOptions(options, columns.by));
  },
});

function testOptions(options: LogRankOptions, by: string[]) {
  return { by, pairwise: options.pairwise, missing: options.missing };
}

function requireBy(options: Partial<LogRankOptions>): void {
  if (options.by === undefined) {
    throw new CxOptionsError(`logRank needs option "by": the column whose groups are compared`);
  }
}

/**
 * Finalize step of {@link logRank}: the test over a counts table
 * (`[by…], time, n_event, n_censor`, as {@link survivalCounts} or an SQL
 * engine computes it, or merged counts of several parts). Groups with a
 * missing `by` value are left out first unless `missing` is `"group"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { finalizeLogRank } from "./logrank.ts";
 * const counts = aq.table({
 *   plan: ["a", "a", "b"], time: [1, 2, 5], n_event: [1, 1, 1], n_censor: [0, 0, 1],
 * });
 * const test = finalizeLogRank(counts, { by: ["plan"] });
 * assert.ok(test.get("n", 1) === 2 && test.get("df", 0) === 1);
 * ```
 */
export function finalizeLogRank(
  counts: ColumnTable,
  options: { by: string[]; pairwise?: boolean } & MissingGroupOption,
): ColumnTable {
  const { by } = options;
  const kept = countsWithoutMissing(counts, by, options.missing);
  const groups = countGroups(kept.counts, by);
  if (groups.length < 2) {
    throw new CxDataError(
      [{
        row: null,
        column: by.join(", "),
        value: groups.length ? groups[0].key.join(" · ") : null,
        reason: "the log-rank test needs at least two groups",
      }],
      1,
      "Cannot compare groups",
    );
  }
  const meta = { by, pairwise: options.pairwise === true, notes: kept.notes };
  if (options.pairwise) {
    return withMeta(pairwiseLogRank(groups), {
      ...meta,
      notes: { ...meta.notes, correction: "holm" },
    });
  }
  const test = logRankTest(groups);
  const out: Record<string, unknown[]> = {};
  by.forEach((c, j) => out[c] = groups.map((g) => g.key[j]));
  out.n = groups.map((g) => g.rows.reduce((s, r) => s + r.n_event + r.n_censor, 0));
  out.observed = test.observed;
  out.expected = test.expected;
  out.statistic = groups.map(() => test.chiSquare);
  out.df = groups.map(() => test.df);
  out.p_value = groups.map(() => test.pValue);
  return withMeta(aq.table(out), meta);
}

function withMeta(result: ColumnTable, meta: LogRankMeta): ColumnTable {
  attachMeta(result, { kind: "logRank", ...meta });
  return result;
}

function pairwiseLogRank(groups: CountGroup[]): ColumnTable {
  const rows: Record<string, unknown>[] = [];
  for (let a = 0; a < groups.length; a++) {
    for (let b = a + 1; b < groups.length; b++) {
      const test = logRankTest([groups[a], groups[b]]);
      rows.push({
        group_a: groups[a].key.join(" · "),
        group_b: groups[b].key.join(" · "),
        statistic: test.chiSquare,
        df: test.df,
        p_value: test.pValue,
      });
    }
  }
  const adjusted = holm(rows.map((r) => r.p_value as number | null));
  rows.forEach((r, i) => r.p_adjusted = adjusted[i]);
  return aq.from(rows);
}

/** The log-rank statistic of some groups' counts. */
export interface LogRankTest {
  /** Events per group. */
  observed: number[];
  /** Expected events per group under equal hazards. */
  expected: number[];
  /** χ² statistic (0 when fewer than two groups have expected events). */
  chiSquare: number;
  /** Degrees of freedom: groups with expected events − 1. */
  df: number;
  /** Upper-tail χ² probability, `null` when df = 0. */
  pValue: number | null;
}

/** Finalize step of the log-rank test over per-group counts (R's `survdiff2`, rho = 0). */
export function logRankTest(groups: CountGroup[]): LogRankTest {
  const k = groups.length;
  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  const variance = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  // Merge all groups' distinct times; walk them in order with each group's risk set.
  const atRisk = groups.map((g) => g.rows.reduce((s, r) => s + r.n_event + r.n_censor, 0));
  const next = new Array<number>(k).fill(0);
  const times = [...new Set(groups.flatMap((g) => g.rows.map((r) => r.time)))].sort((a, b) =>
    a - b
  );
  const n = new Array<number>(k), d = new Array<number>(k), c = new Array<number>(k);
  for (const t of times) {
    let total = 0, deaths = 0;
    for (let j = 0; j < k; j++) {
      const row = groups[j].rows[next[j]];
      const here = row !== undefined && row.time === t;
      n[j] = atRisk[j];
      d[j] = here ? row.n_event : 0;
      c[j] = here ? row.n_censor : 0;
      if (here) next[j]++;
      total += n[j];
      deaths += d[j];
    }
    if (deaths > 0) {
      const kt = total > 1 ? deaths * (total - deaths) / (total * (total - 1)) : 0;
      for (let j = 0; j < k; j++) {
        observed[j] += d[j];
        expected[j] += deaths * n[j] / total;
        if (kt === 0) continue;
        variance[j][j] += kt * n[j];
        for (let l = 0; l < k; l++) variance[j][l] -= kt * n[j] * n[l] / total;
      }
    }
    for (let j = 0; j < k; j++) atRisk[j] -= d[j] + c[j];
  }
  const used = expected.flatMap((e, j) => (e > 0 ? [j] : []));
  const df = used.length - 1;
  if (df < 1) return { observed, expected, chiSquare: 0, df: Math.max(df, 0), pValue: null };
  const rest = used.slice(1);
  const diff = rest.map((j) => observed[j] - expected[j]);
  const solved = solve(rest.map((j) => rest.map((l) => variance[j][l])), diff);
  const chiSquare = diff.reduce((s, v, i) => s + v * solved[i], 0);
  return { observed, expected, chiSquare, df, pValue: chiSquareUpper(chiSquare, df) };
}

/**
 * Upper tail P(X > x) of a χ² distribution with integer df, summed in closed
 * form so that tiny p-values keep their precision (1 − cdf would round them to
 * 0): Q(x; k + 2) = Q(x; k) + (x/2)^{k/2} e^{−x/2} / Γ(k/2 + 1), starting from
 * Q(x; 1) = 2Φ(−√x) and Q(x; 2) = e^{−x/2} (Abramowitz & Stegun 26.4.4–5).
 */
export function chiSquareUpper(x: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) {
    throw new CxOptionsError(`chiSquareUpper needs an integer df ≥ 1, got ${df}`);
  }
  if (!(x > 0)) return 1;
  const odd = df % 2 === 1;
  let q = odd ? 2 * normalCdf(-Math.sqrt(x)) : Math.exp(-x / 2);
  let term = odd ? Math.sqrt(2 * x / Math.PI) * Math.exp(-x / 2) : (x / 2) * Math.exp(-x / 2);
  for (let k = odd ? 1 : 2; k < df; k += 2) {
    q += term;
    term *= x / (k + 2);
  }
  return Math.min(q, 1);
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (R's `solve` is LAPACK LU). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    }
    if (m[pivot][col] === 0) {
      throw new CxDataError(
        [{ row: null, column: null, value: null, reason: "log-rank variance matrix is singular" }],
        1,
        "Cannot compute the log-rank test",
      );
    }
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
    x[r] = s / m[r][r];
  }
  return x;
}
