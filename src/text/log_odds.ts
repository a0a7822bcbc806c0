/**
 * The finalize step of `commentDrivers`: from term counts per group to the
 * weighted log-odds ratio with an informative Dirichlet prior (Monroe,
 * Colaresi & Quinn 2008, "Fightin' Words", §3.5.4), its z-score, p-values
 * and Benjamini–Hochberg adjustment. Pure arithmetic on the small counts.
 *
 * @module
 */
import { benjaminiHochberg } from "../stats/multiple.ts";
import { normalCdf } from "../stats/distributions.ts";

/** Counts of terms in groups a (0) and b (1). */
export interface DriverCounts {
  /** Per term: its length in words and its count in each group. */
  terms: Map<string, { n: number; counts: [number, number] }>;
  /** Per term length (index 0: words, 1: two-word phrases): all terms counted in each group. */
  totals: [[number, number], [number, number]];
}

/** One reported term. */
export interface LogOddsRow {
  term: string;
  n_terms: number;
  count_a: number;
  count_b: number;
  log_odds: number;
  std_err: number;
  statistic: number;
  p_value: number;
  p_adjusted: number;
  significant: boolean;
}

/**
 * Log-odds rows of every term used at least `minCount` times, sorted by
 * `statistic` (descending), then term. The prior of term w is its pooled
 * count α_w = y_a + y_b, with α_0 = n_a + n_b (the pooled total of terms of
 * its length).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fightinWords } from "./log_odds.ts";
 * const terms = new Map([["slow", { n: 1, counts: [8, 2] as [number, number] }]]);
 * const [row] = fightinWords({ terms, totals: [[100, 100], [0, 0]] }, 1, 0.95);
 * // α = 10, α0 = 200: ln(18/282) − ln(12/288)
 * assert.ok(Math.abs(row.log_odds - (Math.log(18 / 282) - Math.log(12 / 288))) < 1e-12);
 * assert.ok(Math.abs(row.std_err - Math.sqrt(1 / 18 + 1 / 12)) < 1e-12);
 * ```
 */
export function fightinWords(
  counts: DriverCounts,
  minCount: number,
  confidence: number,
): LogOddsRow[] {
  const rows: Omit<LogOddsRow, "p_adjusted" | "significant">[] = [];
  for (const [term, { n, counts: [ya, yb] }] of counts.terms) {
    if (ya + yb < minCount) continue;
    const [na, nb] = counts.totals[n - 1];
    const alpha = ya + yb, alpha0 = na + nb;
    const logOdds = Math.log((ya + alpha) / (na + alpha0 - ya - alpha)) -
      Math.log((yb + alpha) / (nb + alpha0 - yb - alpha));
    const stdErr = Math.sqrt(1 / (ya + alpha) + 1 / (yb + alpha));
    const z = logOdds / stdErr;
    rows.push({
      term,
      n_terms: n,
      count_a: ya,
      count_b: yb,
      log_odds: logOdds,
      std_err: stdErr,
      statistic: z,
      p_value: 2 * normalCdf(-Math.abs(z)),
    });
  }
  rows.sort((x, y) => y.statistic - x.statistic || (x.term < y.term ? -1 : 1));
  const adjusted = rows.length ? benjaminiHochberg(rows.map((r) => r.p_value)) : [];
  return rows.map((r, i) => ({
    ...r,
    p_adjusted: adjusted[i] as number,
    significant: (adjusted[i] as number) < 1 - confidence,
  }));
}
