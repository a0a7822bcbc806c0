/**
 * Finalize step of `correlate`, shared by the in-memory and the engine path:
 * from one pair's statistic (n, r, constant columns) to r clamped to
 * [−1, 1], its Fisher-z interval and p-value — or nulls and a note — and
 * from the rows to the result table with its metadata.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attachMeta, type CorrelationMethod } from "../../meta.ts";
import { CxDataError } from "../../errors.ts";
import { correlationPValue, fisherInterval } from "../../stats/correlation.ts";
import { type CorrelatePlan, CORRELATION_COLUMNS } from "./options.ts";

/** One pair's coefficient before finalizing (`r` may be NaN when undefined). */
export interface PairStat {
  /** Complete pairs. */
  n: number;
  /** The coefficient as computed. */
  r: number;
  /** Kendall's own p-value (the other methods' come from r and n). */
  p?: number | null;
  /** Whether x is constant over the complete pairs. */
  constantX: boolean;
  /** Whether y is constant over the complete pairs. */
  constantY: boolean;
}

/** The result columns of one pair and method, after `x`, `y`, `method`. */
export interface PairResult {
  /** Complete pairs. */
  n: number;
  /** The coefficient, or `null` with the reason in `note`. */
  r: number | null;
  /** Lower bound of the Fisher-z interval. */
  r_low: number | null;
  /** Upper bound of the Fisher-z interval. */
  r_high: number | null;
  /** Two-sided p-value. */
  p_value: number | null;
  /** Why a value is `null`, else `null`. */
  note: string | null;
}

/**
 * Finalize step of one pair and method: r (clamped to [−1, 1]), its interval
 * and p-value — or nulls and a note — from the pair's statistic.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { correlationResult } from "./finalize.ts";
 * const flat = correlationResult({ n: 5, r: NaN, constantX: true, constantY: false }, "pearson", 0.95, ["a", "b"]);
 * assert.ok(flat.r === null && flat.note?.startsWith("a is constant"));
 * ```
 */
export function correlationResult(
  m: PairStat,
  method: CorrelationMethod,
  confidence: number,
  [xName, yName]: [string, string],
): PairResult {
  const undefinedBecause = (note: string) => ({
    n: m.n,
    r: null,
    r_low: null,
    r_high: null,
    p_value: null,
    note,
  });
  if (m.n < 3) {
    return undefinedBecause(
      `fewer than 3 complete pairs (n = ${m.n}): the correlation is not defined`,
    );
  }
  if (m.constantX || m.constantY) {
    const which = [m.constantX ? xName : null, m.constantY ? yName : null].filter(Boolean);
    return undefinedBecause(
      `${which.join(" and ")} ${
        which.length > 1 ? "are" : "is"
      } constant over the ${m.n} complete pairs: the correlation is not defined`,
    );
  }
  if (!Number.isFinite(m.r)) {
    return undefinedBecause(
      `${xName} or ${yName} varies too little (relative to its size) to compute a correlation`,
    );
  }
  const r = Math.min(1, Math.max(-1, m.r));
  const p = method === "kendall" ? m.p! : correlationPValue(r, m.n)!;
  const { low, high } = fisherInterval(r, m.n, confidence, method);
  const note = low === null
    ? `no interval: the Fisher-z interval needs n > ${method === "kendall" ? 4 : 3}`
    : null;
  return { n: m.n, r, r_low: low, r_high: high, p_value: p, note };
}

/**
 * Finalize step of `correlate`: the result rows (group keys, `x`, `y`,
 * `method` and {@link correlationResult}'s columns, in output order) as the
 * result table with its metadata (`missingGroups`: the note on rows left out
 * for a missing `by` value); a `CxDataError` when no row has a coefficient.
 * The engine path, which computes the statistics elsewhere, finishes here too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlationResult, finalizeCorrelations } from "./finalize.ts";
 * import { planCorrelate } from "./options.ts";
 * const plan = planCorrelate(aq.table({ a: [], b: [] }), { columns: ["a", "b"] });
 * const stat = { n: 10, r: 0.5, constantX: false, constantY: false };
 * const row = { x: "a", y: "b", method: "pearson", ...correlationResult(stat, "pearson", 0.95, ["a", "b"]) };
 * assert.equal(finalizeCorrelations([row], plan).get("r", 0), 0.5);
 * ```
 */
export function finalizeCorrelations(
  rows: Record<string, unknown>[],
  plan: CorrelatePlan,
  missingGroups: string | null = null,
): ColumnTable {
  if (rows.length && rows.every((r) => r.r === null)) {
    const problems = rows.slice(0, 20).map((r) => ({
      row: null,
      column: `${r.x} × ${r.y}`,
      value: null,
      reason: `${r.method}${groupLabel(r, plan.by)}: ${r.note}`,
    }));
    throw new CxDataError(
      problems,
      rows.length,
      "No correlation can be computed (check for constant or mostly empty columns)",
    );
  }
  const names = [...plan.by, ...CORRELATION_COLUMNS];
  const result = aq.table(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])));
  attachMeta(result, {
    kind: "correlate",
    methods: plan.methods,
    confidence: plan.confidence,
    by: plan.by,
    variables: plan.variables,
    against: plan.against,
    notes: {
      missing: "pairwise complete: each pair uses the rows where both values are present",
      ...(missingGroups ? { missingGroups } : {}),
      pearson: "p: t test with n − 2 df; interval: Fisher z, se = 1/√(n − 3)",
      spearman: "p: t approximation with n − 2 df; interval: Fisher z, se = √((1 + r²/2)/(n − 3))" +
        " (Bonett & Wright 2000)",
      kendall: "τ-b; p: exact without ties for n ≤ 33, else normal approximation with tie" +
        " correction (as scipy); interval: Fisher z, se = √(0.437/(n − 4)) (Fieller et al. 1957)",
    },
  });
  return result;
}

/**
 * One result row: the group keys, the pair's names, the method and the
 * finalized statistic.
 */
export function pairRow(
  key: Record<string, unknown>,
  names: [string, string],
  method: CorrelationMethod,
  stat: PairStat,
  confidence: number,
): Record<string, unknown> {
  return {
    ...key,
    x: names[0],
    y: names[1],
    method,
    ...correlationResult(stat, method, confidence, names),
  };
}

function groupLabel(row: Record<string, unknown>, by: string[]): string {
  return by.length ? ` (${by.map((b) => `${b} = ${row[b]}`).join(", ")})` : "";
}
