/**
 * What every KPI shares: options (`by`, `period`, `timeZone`, `confidence`,
 * `minN`), column checks with helpful errors, deriving the period columns,
 * and shaping the finalized rows into a tidy table with its metadata.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attachMeta, type KpiMeta } from "../meta.ts";
export type { KpiMeta } from "../meta.ts";
import { CxDataError, type CxProblem } from "../errors.ts";
import { columnValues, type GroupCodes, groupCodes } from "../kernels/groups.ts";
import { type ScoreScale, type ScoreSums, type ScoreValues, scoreValues } from "../kernels/sums.ts";
import { onScale } from "../schema/scales.ts";
import { type Bounds, clipToBounds } from "./bounds.ts";
import { pooled, type TableInput } from "../base/input.ts";
import {
  checkMissing,
  type GroupPlan,
  isMissingKey,
  missingNote,
  splitMissingGroups,
} from "../base/plan.ts";
export { pooled };

/**
 * Records `meta` as the metadata of `table`, a table derived from a KPI
 * result (e.g. by `compareToBenchmark`), and returns the table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { setKpiMeta } from "./groups.ts";
 * import { metaOf } from "../meta.ts";
 * const meta = { kpi: "nps", method: "wald", confidence: 0.95, timeZone: "UTC", by: [], minN: 30, notes: {} };
 * assert.equal(metaOf(setKpiMeta(aq.table({ a: [1] }), meta), "kpi")?.kpi, "nps");
 * ```
 */
export function setKpiMeta(table: ColumnTable, meta: KpiMeta): ColumnTable {
  attachMeta(table, { kind: "kpi", ...meta });
  return table;
}

/** Accepts one table or several to pool (e.g. two surveys' answers). */
export type KpiInput = TableInput;

/**
 * Validates option `missing` (default `"drop"`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkMissing } from "../base/plan.ts";
 * assert.equal(checkMissing(undefined), "drop");
 * assert.throws(() => checkMissing("keep"), /Option "missing" must be "drop"/);
 * ```
 */

/**
 * Whether a group key value counts as missing: `null`, `undefined`, `NaN`, or
 * text that is empty or blank (loaders read empty fields as `null`; SQL
 * tables may hold `''` instead, e.g. ClickHouse's non-nullable `String`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isMissingKey } from "../base/plan.ts";
 * assert.deepEqual([null, undefined, "", "  ", "chat", 0].map(isMissingKey),
 *   [true, true, true, true, false, false]);
 * ```
 */

/**
 * The one rule for rows whose `by` value is missing, applied to an
 * aggregate (or any table with the `by` columns) between the aggregate and
 * the finalize step, so every engine (kernel, Arquero, SQL) drops the same
 * groups: with `missing: "drop"` the rows whose key has a missing value in
 * any `by` column go to `dropped`, else every row is `kept`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { splitMissingGroups } from "../base/plan.ts";
 * const aggregate = aq.table({ channel: ["chat", null, ""], n: [5, 2, 1] });
 * const { kept, dropped } = splitMissingGroups(aggregate, ["channel"], "drop");
 * assert.deepEqual(kept.array("channel"), ["chat"]);
 * assert.deepEqual(dropped.array("n"), [2, 1]);
 * ```
 */

/**
 * The note of a result that left out groups with a missing `by` value, or
 * `null` when none were left out (`noun` in the plural; one is singular).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { missingNote } from "../base/plan.ts";
 * assert.equal(
 *   missingNote(3, ["channel"], "answers"),
 *   '3 answers with a missing channel left out; missing: "group" keeps them as their own group',
 * );
 * ```
 */

/** Group codes for the typed-array kernels, from the plan's keys and period. */
export function planCodes(table: ColumnTable, plan: GroupPlan): GroupCodes {
  const n = table.numRows();
  // The codes only live until the kernel has summed them: reuse one buffer across calls.
  if (n >= 1 << 16 && (scratch === undefined || scratch.length < n)) scratch = new Int32Array(n);
  return groupCodes(
    table,
    plan.by,
    plan.period ? { column: plan.date, period: plan.period, timeZone: plan.timeZone } : undefined,
    n >= 1 << 16 ? scratch : undefined,
  );
}

/** Scratch buffer of {@link planCodes} (kernels are synchronous, so one suffices). */
let scratch: Int32Array | undefined;

/**
 * Checks that every answer (non-missing value) of `column` is a whole number
 * on `scale` (`onScale`); otherwise throws a `CxDataError` listing the first
 * bad rows with `rule` as reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { checkScores } from "./groups.ts";
 * const t = aq.table({ csat: [5, null, 6] });
 * assert.throws(() => checkScores(t, "csat", { min: 1, max: 5 }, "csat is 1–5"), /row 3, column csat, value "6": csat is 1–5/);
 * ```
 */
export function checkScores(
  table: ColumnTable,
  column: string,
  scale: ScoreScale,
  rule: string,
): void {
  checkValues(table, column, (v) => onScale(v, scale), rule);
}

/**
 * The unweighted kernel aggregate of a score KPI, checked in the kernel's
 * own pass: the kernel counts the answers off the scale while it sums, and
 * only when it found some does `check` (the KPI's {@link checkScores}) run
 * to throw the error with the rows, the same error the other aggregate
 * paths give before they start. A data error from the group codes (dates
 * that are not dates) is thrown after `check`, so a table with both kinds of
 * problem names the scores first, as before.
 */
export function scoreKernel(
  table: ColumnTable,
  column: string,
  plan: GroupPlan,
  check: () => void,
  kernel: (scores: ScoreValues, g: GroupCodes) => ScoreSums,
): { aggregate: ColumnTable; keys: string[] } {
  let g: GroupCodes;
  try {
    g = planCodes(table, plan);
  } catch (e) {
    check();
    throw e;
  }
  const { aggregate, offScale } = kernel(scoreValues(table, column), g);
  if (offScale > 0) {
    check();
    // Not reached: the check and the kernel judge answers by the same rule (`onScale`).
    throw new CxDataError([], offScale, `Column "${column}" has impossible values`);
  }
  return { aggregate, keys: g.keys };
}

/**
 * Checks that every non-missing value of `column` passes `valid`; otherwise
 * throws a `CxDataError` listing the first bad rows with `rule` as reason.
 */
export function checkValues(
  table: ColumnTable,
  column: string,
  valid: (v: unknown) => boolean,
  rule: string,
): void {
  const values = columnValues(table, column);
  const problems: CxProblem[] = [];
  let total = 0;
  // Verdicts of small non-negative integers (scores) looked up instead of asked per row:
  // 0 = not asked yet, 1 = valid, 2 = not (`valid` depends on the value alone).
  const small = new Uint8Array(256);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === "number" && (v & 255) === v) {
      const known = small[v] || (small[v] = valid(v) ? 1 : 2);
      if (known === 1) continue;
    } else if (valid(v)) continue;
    total++;
    if (problems.length < 20) {
      problems.push({ row: i + 1, column, value: String(v), reason: rule });
    }
  }
  if (total) throw new CxDataError(problems, total, `Column "${column}" has impossible values`);
}

/**
 * Checks the survey weights of the answers (rows with a `score`): each must
 * be a finite number ≥ 0. Otherwise throws a `CxDataError` naming the
 * weight column, how many answers are affected and the first rows. Weights
 * of rows without a score are not read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { checkWeights } from "./groups.ts";
 * const t = aq.table({ nps_score: [9, 3, null], weight: [1.2, -1, null] });
 * assert.throws(() => checkWeights(t, "nps_score", "weight"), /1 answer has a missing, negative or non-finite weight in column "weight"/);
 * ```
 */
export function checkWeights(table: ColumnTable, score: string, weight: string): void {
  const scores = columnValues(table, score), weights = columnValues(table, weight);
  const problems: CxProblem[] = [];
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] === null || scores[i] === undefined) continue;
    const w = weights[i];
    if (typeof w === "number" && Number.isFinite(w) && w >= 0) continue;
    total++;
    if (problems.length < 20) {
      problems.push({
        row: i + 1,
        column: weight,
        value: w === null || w === undefined ? null : String(w),
        reason:
          `a survey weight must be a finite number ≥ 0; fix or drop the row, or pass weight: null for unweighted results`,
      });
    }
  }
  if (total === 0) return;
  throw new CxDataError(
    problems,
    total,
    `${total} ${
      total === 1 ? "answer has" : "answers have"
    } a missing, negative or non-finite weight in column ${JSON.stringify(weight)}`,
  );
}

/**
 * An aggregated row of a weighted KPI, refused with a `CxDataError` when its
 * answers' weights sum to 0 (no weighted share or mean exists); without
 * weights, or with a positive total, the row itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightOfGroup } from "./groups.ts";
 * const plan = { weight: "w" } as never;
 * assert.throws(() => weightOfGroup({ channel: "chat", n: 3, weight: 0 }, ["channel"], plan), /total weight 0/);
 * ```
 */
export function weightOfGroup(
  row: Record<string, unknown>,
  keys: readonly string[],
  plan: GroupPlan,
): Record<string, unknown> {
  if (plan.weight === undefined || !((row.n as number) > 0) || (row.weight as number) > 0) {
    return row;
  }
  const group = keys.filter((k) => k !== "period_start")
    .map((k) => `${k} = ${JSON.stringify(row[k] ?? null)}`).join(", ");
  throw new CxDataError(
    [{
      row: null,
      column: plan.weight,
      value: "0",
      reason: `the ${row.n} answers of ${
        group || "the table"
      } have total weight 0, so no weighted value exists; give them weights > 0, leave the group out, or pass weight: null`,
    }],
    1,
    `Column ${JSON.stringify(plan.weight)}: a group with total weight 0`,
  );
}

/**
 * The notes of a KPI result about survey weights: the weight column and how
 * it was used, or none without weights.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightNotes } from "./groups.ts";
 * assert.deepEqual(weightNotes({ weight: undefined } as never), {});
 * assert.equal(weightNotes({ weight: "w" } as never).weight, "w");
 * ```
 */
export function weightNotes(plan: { weight?: string }): Record<string, string> {
  if (plan.weight === undefined) return {};
  return {
    weight: plan.weight,
    weighting:
      `survey weights from column "${plan.weight}": weighted shares and means; intervals with Kish's effective n = (Σw)²/Σw² (n_effective); n counts answers`,
  };
}

/**
 * {@link leaveOutMissing} for aggregates kept as objects (cohort cells,
 * result rows): `keyOf` gives an object's `by` values, in `by` order, and
 * `count` counts what the left-out objects stand for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { leaveOutMissingCells } from "./groups.ts";
 * const cells = [{ segment: ["pro"], size: 4 }, { segment: [null], size: 2 }];
 * const { kept, note } = leaveOutMissingCells(cells, ["plan"], "drop", (c) => c.segment, {
 *   noun: "customers",
 *   count: (left) => left.reduce((s, c) => s + c.size, 0),
 * });
 * assert.deepEqual(kept, [cells[0]]);
 * assert.match(String(note), /^2 customers with a missing plan left out/);
 * ```
 */
export function leaveOutMissingCells<T>(
  cells: readonly T[],
  by: readonly string[],
  missing: unknown,
  keyOf: (cell: T) => readonly unknown[],
  leftOut: { noun: string; count: (left: T[]) => number },
): { kept: T[]; note: string | null } {
  if (checkMissing(missing) === "group") return { kept: [...cells], note: null };
  const kept: T[] = [], left: T[] = [];
  for (const cell of cells) (keyOf(cell).some(isMissingKey) ? left : kept).push(cell);
  return { kept, note: left.length ? missingNote(leftOut.count(left), by, leftOut.noun) : null };
}

/**
 * How a result counts what it left out for a missing `by` value: a noun
 * ("answers", "tickets", "customers") and the count from the aggregate rows
 * of the left-out groups, sorted by key (default: the sum of their `n`).
 */
export interface LeftOut {
  /** What was left out, in the plural. */
  noun: string;
  /** Count from the aggregate rows of the left-out groups. */
  count?: (rows: Record<string, unknown>[], by: readonly string[]) => number;
}

/**
 * The sum of one column over aggregate rows (a {@link LeftOut} count).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sumOf } from "./groups.ts";
 * assert.equal(sumOf("tickets")([{ tickets: 2 }, { tickets: 3 }]), 5);
 * ```
 */
export function sumOf(column: string): (rows: Record<string, unknown>[]) => number {
  return (rows) => rows.reduce((s, r) => s + Number(r[column] ?? 0), 0);
}

/**
 * {@link splitMissingGroups} with its note: the aggregate without the groups
 * whose `by` value is missing (unless `missing` is `"group"`), and
 * {@link missingNote} counting them (`null` when none were left out). The
 * left-out rows reach `leftOut.count` sorted by `keys` (default `by`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { leaveOutMissing } from "./groups.ts";
 * const counts = aq.table({ plan: ["a", null], n: [4, 3] });
 * const { kept, note } = leaveOutMissing(counts, ["plan"], undefined, { noun: "rows" });
 * assert.equal(kept.numRows(), 1);
 * assert.match(String(note), /^3 rows with a missing plan left out/);
 * ```
 */
export function leaveOutMissing(
  aggregate: ColumnTable,
  by: readonly string[],
  missing: unknown,
  leftOut: LeftOut,
  keys: readonly string[] = by,
): { kept: ColumnTable; note: string | null } {
  const { kept, dropped } = splitMissingGroups(aggregate, by, checkMissing(missing));
  if (dropped.numRows() === 0) return { kept, note: null };
  const rows = (keys.length ? dropped.orderby(...keys) : dropped).objects() as Record<
    string,
    unknown
  >[];
  return { kept, note: missingNote((leftOut.count ?? sumOf("n"))(rows, by), by, leftOut.noun) };
}

/**
 * Runs the finalize step over aggregated rows and returns the tidy result:
 * key columns first, sorted by them, then the KPI columns, `small_sample`,
 * and `time_zone` when periods were cut. Groups with a missing `by` value are
 * left out under `missing: "drop"` (see {@link splitMissingGroups}) before
 * the finalize step and counted in `notes.missingGroups` (as `leftOut` says;
 * default: the answers `n`). Interval columns named in `bounds` are clipped
 * to their scale, each clipping counted in `notes.clipped`. Records the
 * metadata.
 */
export function tidyResult(
  aggregate: ColumnTable,
  keys: string[],
  plan: GroupPlan,
  finalize: (row: Record<string, unknown>) => Record<string, unknown>,
  meta: Omit<KpiMeta, "confidence" | "timeZone" | "period" | "by" | "minN">,
  columns: string[],
  { bounds, leftOut = { noun: "answers" } }: { bounds?: Bounds; leftOut?: LeftOut } = {},
): ColumnTable {
  const { kept, note } = leaveOutMissing(aggregate, plan.by, plan.missing, leftOut, keys);
  const sorted = keys.length ? kept.orderby(...keys) : kept;
  const rows = (sorted.objects() as Record<string, unknown>[]).map((row) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = row[k];
    Object.assign(out, finalize(row));
    // Weighted KPIs carry Kish's effective n; their intervals are as wide as that n's.
    out.small_sample = ((out.n_effective ?? out.n) as number) < plan.minN;
    if (plan.period) out.time_zone = plan.timeZone;
    return out;
  });
  const names = [...keys, ...columns, "small_sample", ...(plan.period ? ["time_zone"] : [])];
  const clipped = bounds ? clipToBounds(rows, bounds) : [];
  const result = aq.table(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])));
  attachMeta(result, {
    kind: "kpi",
    ...withClipped(
      note ? { ...meta, notes: { ...meta.notes, missingGroups: note } } : meta,
      clipped,
    ),
    confidence: plan.confidence,
    timeZone: plan.timeZone,
    period: plan.period,
    by: plan.by,
    minN: plan.minN,
  });
  return result;
}

/** The metadata with the clipping notes added to any the KPI already carried (a trend's KPI rows). */
function withClipped<M extends { notes: Record<string, unknown> }>(meta: M, clipped: string[]): M {
  if (clipped.length === 0) return meta;
  const before = Array.isArray(meta.notes.clipped) ? meta.notes.clipped as string[] : [];
  return { ...meta, notes: { ...meta.notes, clipped: [...before, ...clipped] } };
}
