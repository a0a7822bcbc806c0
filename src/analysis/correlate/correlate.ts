/**
 * Correlations between metrics: Pearson, Spearman and Kendall (τ-b) with
 * p-values and Fisher-z intervals, pairwise-complete with `n` per pair, as a
 * tidy long table (one row per pair × method × group) — in memory, or with
 * Pearson's aggregate step in an SQL engine (`./sql.ts`).
 *
 * The stages, side by side: `options.ts` (options and plan), `pairs.ts`
 * (in-memory aggregate per pair), `sql.ts` (the engine's aggregate),
 * `finalize.ts` (r, interval, p-value, result table), `metrics.ts`
 * (correlating metrics of two tables on a common key).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
export type { CorrelateMeta, CorrelationMethod } from "../../meta.ts";
import { pooled, type TableInput } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { numericColumn, rowGroups, take, withoutMissingGroups } from "../numeric.ts";
import { CORRELATE_OPTIONS, type CorrelateOptions, planCorrelate } from "./options.ts";
import { finalizeCorrelations, pairRow } from "./finalize.ts";
import { kendallOf, pearsonOf, Prepared, spearmanOf } from "./pairs.ts";
import { correlateInEngine } from "./sql.ts";

/**
 * Correlations of every pair of `columns` (or each column × each of
 * `against`), per group, as a tidy table `x, y, method, n, r, r_low, r_high,
 * p_value, note`.
 *
 * - **Missing values**: pairwise complete — each pair uses the rows where both
 *   values are present, and `n` says how many.
 * - **pearson**: r = Σ(x−x̄)(y−ȳ)/√(Σ(x−x̄)²·Σ(y−ȳ)²); p from t = r·√((n−2)/(1−r²))
 *   with n − 2 df (equal to `scipy.stats.pearsonr`).
 * - **spearman**: Pearson's r of the average ranks of the complete pairs; p by
 *   the same t approximation (`scipy.stats.spearmanr`).
 * - **kendall**: τ-b = (C − D)/√((n0 − n1)(n0 − n2)) with scipy's p-value: exact
 *   without ties when n ≤ 33 (or at most one discordant/concordant pair),
 *   else the tie-corrected normal approximation (`scipy.stats.kendalltau`).
 * - **Intervals**: Fisher z, tanh(atanh(r) ∓ z·se), with se = 1/√(n−3)
 *   (Pearson), √((1 + r²/2)/(n−3)) (Spearman; Bonett & Wright 2000) and
 *   √(0.437/(n−4)) (Kendall; Fieller, Hartley & Pearson 1957).
 *
 * Undefined results are `null` with the reason in `note` — never NaN: a
 * constant column, fewer than 3 complete pairs, or (interval only) n ≤ 3
 * (n ≤ 4 for Kendall). When no pair of any group has a coefficient, a
 * `CxDataError` lists why.
 *
 * **In an SQL engine** (option `engine`, a `{ engine, table }` server
 * table or a CSV/Parquet path; see `./sql.ts`): the engine sums the
 * pairwise-complete co-moments, the finalize step is the same, and the call
 * resolves to the same table with `engine` (and, with `explain: true`, the
 * SQL) in `meta(result)`. Spearman and Kendall refuse there: rank
 * correlations need every value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlate } from "./correlate.ts";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * import { meta } from "../../meta.ts";
 * const t = aq.table({ wait: [1, 2, 3, 4, 5], nps: [2, 1, 4, 3, 5], csat: [1, null, 2, 2, 3] });
 * const r = correlate(t, { columns: ["wait", "nps", "csat"], method: ["pearson", "kendall"] });
 * const row = r.objects()[0] as Record<string, unknown>; // wait × nps, Pearson
 * assert.ok(row.x === "wait" && row.y === "nps" && row.n === 5);
 * assert.ok(Math.abs((row.r as number) - 0.8) < 1e-12);
 * // scipy.stats.pearsonr([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]).pvalue
 * assert.ok(Math.abs((row.p_value as number) - 0.10408803866182788) < 1e-12);
 * assert.equal(r.get("n", 1), 4); // wait × csat: one pair is missing
 * // The same Pearson rows with the sums taken in DuckDB:
 * const engine = duckdbEngine();
 * const s = await correlate(t, { columns: ["wait", "nps", "csat"], engine });
 * assert.ok(Math.abs((s.get("r", 0) as number) - 0.8) < 1e-12 && s.get("n", 1) === 4);
 * assert.equal(meta(s).engine, engine.name);
 * await assert.rejects(
 *   correlate(t, { columns: ["wait", "nps"], method: "kendall", engine }),
 *   /correlate cannot run in an SQL engine: rank correlations need every value/,
 * );
 * await engine.close();
 * ```
 */
export const correlate: EngineAnalysis<CorrelateOptions> = withEngine<CorrelateOptions>({
  name: "correlate",
  options: CORRELATE_OPTIONS,
  memory: correlateInMemory,
  sql: correlateInEngine,
});

/** The in-memory path: each group's columns prepared once, every pair × method, finalized. */
function correlateInMemory(input: TableInput, options: CorrelateOptions): ColumnTable {
  const table = pooled(input);
  const plan = planCorrelate(table, options);
  const columns = plan.variables.map((name) => numericColumn(table, name, "columns"));
  const rows: Record<string, unknown>[] = [];
  const { groups, note } = withoutMissingGroups(rowGroups(table, plan.by), plan.by, plan.missing);
  for (const group of groups) {
    const prepared = columns.map((c) => new Prepared(take(c, group.rows)));
    for (const method of plan.methods) {
      for (const [i, j] of plan.pairs) {
        const x = prepared[i], y = prepared[j];
        const stat = method === "pearson"
          ? pearsonOf(x, y)
          : method === "spearman"
          ? spearmanOf(x, y)
          : kendallOf(x, y);
        const names: [string, string] = [plan.variables[i], plan.variables[j]];
        rows.push(pairRow(group.key, names, method, stat, plan.confidence));
      }
    }
  }
  return finalizeCorrelations(rows, plan, note);
}
