/**
 * Pearson correlations with their aggregate step in DuckDB, PostgreSQL or a
 * ClickHouse cluster: `correlate(source, { engine })` runs here (through the
 * one dispatcher, `withEngine`). Per group and pair the engine computes the
 * pairwise-complete sufficient statistics — the number of complete pairs n,
 * Σx, Σy, Σx², Σy², Σxy over those pairs (shifted, see below) and the least
 * and greatest x and y (is a column constant?) — and the finalize step is
 * the in-memory one (`finalize.ts`: r, Fisher-z interval, t-test p-value,
 * notes), so the result table is the in-memory one.
 *
 * Numerics: r from raw sums, (nΣxy − ΣxΣy)/√(…), cancels catastrophically
 * when a column's mean is large against its spread (with mean 10⁸ and spread
 * 1 nearly every digit is gone), and even the engines' one-pass Welford-type
 * aggregates (`regr_sxx`, `varPopStable`) drift by ~1e-9 there. So the
 * aggregate is two-pass, as the in-memory code is: a first ungrouped query
 * takes each column's mean K (and counts values that are not finite
 * numbers); the grouped query then sums the shifted values x − K, which are
 * exact (Sterbenz) and small, and the co-moments are
 * Σ(x − x̄)(y − ȳ) = Σ(x − K)(y − L) − Σ(x − K)·Σ(y − L)/n — the same
 * shifted formula the in-memory path uses. Sums of parts still add up
 * (shards merge exactly as before). Parity with memory is ~1e-15 on
 * realistic data and better than 1e-12 at mean/spread = 10⁸. For in-memory
 * input, the means come from the in-memory check, so one query runs.
 *
 * Spearman and Kendall need the ranks of every value: they refuse in an
 * engine (the dispatcher's one wording) and run in memory.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../../errors.ts";
import type {
  AggregateSpec,
  CompiledSql,
  Measure,
  Relation,
  ValueType,
} from "../../engine/compile/types.ts";
import { compileAggregate } from "../../engine/compile/aggregate.ts";
import { compileFailingSample } from "../../engine/compile/samples.ts";
import { type EngineCall, refuseEngine } from "../../engine/dispatch.ts";
import {
  keyKinds,
  num,
  plainKey,
  type QueryLog,
  valueTypeOf,
  withRelation,
} from "../../engine/source.ts";
import { numericColumn, type RowGroup, rowGroups, withoutMissingGroups } from "../numeric.ts";
import { type CorrelateOptions, type CorrelatePlan, planCorrelate } from "./options.ts";
import { finalizeCorrelations, pairRow } from "./finalize.ts";

/** The measure names of one pair, in the order {@link correlateSpec} lists them. */
const PAIR_MEASURES = ["n", "min_x", "max_x", "min_y", "max_y", "sx", "sy", "sxx", "syy", "sxy"];

/**
 * The SQL step of `correlate` (`sql` of its `withEngine`): checks the options
 * on the source's columns as in memory, refuses the rank methods, takes the
 * shifts (the in-memory means, or a first query), runs {@link correlateSpec}
 * and finalizes with the in-memory code. In-memory input is checked first
 * (the in-memory errors, with row numbers) and only its needed columns load.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlate } from "./correlate.ts";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * const engine = duckdbEngine();
 * const t = aq.table({ wait: [1, 2, 3, 4, 5], nps: [2, 1, 4, 3, 5], csat: [1, null, 2, 2, 3] });
 * const options = { columns: ["wait", "nps", "csat"] };
 * const r = await correlate(t, { ...options, engine });
 * const expected = correlate(t, options).objects() as Record<string, unknown>[];
 * (r.objects() as Record<string, unknown>[]).forEach((row, i) => {
 *   assert.ok(row.n === expected[i].n && Math.abs(Number(row.r) - Number(expected[i].r)) < 1e-12);
 * });
 * await engine.close();
 * ```
 */
export async function correlateInEngine(
  call: EngineCall,
  options: CorrelateOptions,
): Promise<ColumnTable> {
  const { engine, log, source: opened } = call;
  const plan = planCorrelate(call.table, options);
  const ranked = plan.methods.filter((m) => m !== "pearson");
  if (ranked.length) {
    refuseEngine(
      "correlate",
      `rank correlations need every value (method ${
        ranked.map((m) => JSON.stringify(m)).join(" and ")
      }); method "pearson" runs in an engine`,
    );
  }
  // In memory: the in-memory checks, with their row numbers, before loading anything.
  const means = opened.table
    ? plan.variables.map((name) => meanOf(numericColumn(opened.table!, name, "columns")))
    : undefined;
  const hints = Object.fromEntries(plan.variables.map((v) => [v, "number"] as const));
  const needed = [...plan.by, ...plan.variables];
  return await withRelation(engine, opened, needed, hints, async (relation, info) => {
    const types = plan.variables.map((v) => valueTypeOf(engine, info, v));
    const shifts = means ?? await firstPass(log, relation, plan, types);
    const query = compileAggregate(correlateSpec(relation, plan, shifts), engine.dialect);
    const rows = await log.run(query);
    const kinds = keyKinds(engine, info, opened.table, plan.by);
    const keys = aq.table(
      Object.fromEntries(
        plan.by.map((b, j) => [b, rows.map((r) => plainKey(r[query.keys[j]], kinds[j]))]),
      ),
    );
    return finalizeRows(rows, keys, query, plan);
  });
}

/** The finalize step over the engine's rows: one result row per group and pair. */
function finalizeRows(
  rows: Record<string, unknown>[],
  keys: ColumnTable,
  query: CompiledSql,
  plan: CorrelatePlan,
): ColumnTable {
  const rowsOf = query.measures[plan.pairs.length * PAIR_MEASURES.length];
  const { groups, note } = plan.by.length
    ? withoutMissingGroups(
      rowGroups(keys, plan.by),
      plan.by,
      plan.missing,
      (g: RowGroup) => num(rows[g.rows[0]][rowsOf]),
    )
    : { groups: [{ key: {}, rows: Int32Array.of(0) }], note: null };
  const width = PAIR_MEASURES.length;
  const out: Record<string, unknown>[] = [];
  for (const group of groups) {
    const row = rows[group.rows[0]];
    plan.pairs.forEach(([i, j], k) => {
      const [n, minX, maxX, minY, maxY, sx, sy, sxx, syy, sxy] = PAIR_MEASURES.map((_, m) =>
        num(row[query.measures[k * width + m]])
      );
      // Co-moments from sums of x − K, y − L (the same correction as in memory).
      const m2x = sxx - sx * sx / n, m2y = syy - sy * sy / n, cxy = sxy - sx * sy / n;
      const stat = {
        n,
        r: cxy / Math.sqrt(m2x * m2y),
        constantX: !(minX < maxX),
        constantY: !(minY < maxY),
      };
      const names: [string, string] = [plan.variables[i], plan.variables[j]];
      out.push(pairRow(group.key, names, "pearson", stat, plan.confidence));
    });
  }
  return finalizeCorrelations(out, plan, note);
}

/**
 * The aggregate {@link correlateInEngine} runs, as a description for
 * `compileAggregate`: keys `by…`; per pair (in the plan's order) over its
 * complete rows: n, min and max of x and y, and Σ(x − K), Σ(y − L),
 * Σ(x − K)², Σ(y − L)², Σ(x − K)(y − L) with `shifts[i]` the shift of
 * variable i (its mean; 0 gives the raw sums).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { planCorrelate } from "./options.ts";
 * import { compileAggregate } from "../../engine/compile/aggregate.ts";
 * import { correlateSpec } from "./sql.ts";
 * const plan = planCorrelate(aq.table({ a: [], b: [] }), { columns: ["a", "b"] });
 * const q = compileAggregate(correlateSpec({ kind: "table", name: "t" }, plan, [2.5, 0]), "duckdb");
 * assert.ok(q.sql.includes('(CAST("a" AS DOUBLE) - CAST($1 AS DOUBLE))') && q.params[0] === 2.5);
 * assert.equal(q.measures.length, 10);
 * ```
 */
export function correlateSpec(
  relation: Relation,
  plan: CorrelatePlan,
  shifts: number[],
): AggregateSpec {
  const measures: Measure[] = [];
  for (const [i, j] of plan.pairs) {
    const x = plan.variables[i], y = plan.variables[j];
    const k = finiteOr0(shifts[i]), l = finiteOr0(shifts[j]);
    const tag = `${i}_${j}`;
    measures.push(
      { name: `n_${tag}`, op: "count", column: x, pairedWith: y },
      { name: `min_x_${tag}`, op: "min", column: x, pairedWith: y },
      { name: `max_x_${tag}`, op: "max", column: x, pairedWith: y },
      { name: `min_y_${tag}`, op: "min", column: y, pairedWith: x },
      { name: `max_y_${tag}`, op: "max", column: y, pairedWith: x },
      { name: `sx_${tag}`, op: "sum", column: x, pairedWith: y, shift: k },
      { name: `sy_${tag}`, op: "sum", column: y, pairedWith: x, shift: l },
      { name: `sxx_${tag}`, op: "sumSquares", column: x, pairedWith: y, shift: k },
      { name: `syy_${tag}`, op: "sumSquares", column: y, pairedWith: x, shift: l },
      { name: `sxy_${tag}`, op: "sumProducts", column: x, other: y, shifts: [k, l] },
    );
  }
  // Rows per group, for the note on groups left out for a missing `by` value.
  if (plan.by.length) measures.push({ name: "group_rows", op: "rows" });
  return { relation, by: plan.by, measures };
}

function finiteOr0(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) ? v : 0;
}

/** Mean of the present (non-NaN) values, NaN when none. */
function meanOf(values: Float64Array): number {
  let sum = 0, n = 0;
  for (const v of values) {
    if (v === v) {
      sum += v;
      n++;
    }
  }
  return sum / n;
}

/**
 * First pass over a server table or file: per variable, values that are not
 * finite numbers (a `CxDataError` for the first such column, as
 * `numericColumn` throws in memory) and the mean of the present values (the
 * shift of the second pass).
 */
async function firstPass(
  log: QueryLog,
  relation: Relation,
  plan: CorrelatePlan,
  types: ValueType[],
): Promise<number[]> {
  const numeric = types.every((t) => t === "number");
  const measures: Measure[] = plan.variables.map((column, k) => ({
    name: `failing_${k}`,
    op: "countFailing",
    column,
    check: "finite",
    type: types[k],
  }));
  // No sums of text: then only the failing values are counted (and reported).
  if (numeric) {
    plan.variables.forEach((column, k) => {
      measures.push(
        { name: `count_${k}`, op: "count", column },
        { name: `sum_${k}`, op: "sum", column },
      );
    });
  }
  const query = compileAggregate({ relation, by: [], measures }, log.engine.dialect);
  const [row] = await log.run(query);
  const value = (name: string) =>
    num(row?.[query.measures[measures.findIndex((m) => m.name === name)]]);
  const k = plan.variables.findIndex((_, k) => value(`failing_${k}`) > 0);
  if (k < 0) {
    if (numeric) return plan.variables.map((_, k) => value(`sum_${k}`) / value(`count_${k}`));
    // A non-numeric column with no values at all: nothing to correlate, and no SQL sums.
    const text = types.findIndex((t) => t !== "number");
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(plan.variables[text])
      } is not numeric in ${log.engine.name} (and empty); correlations need number columns (cast it)`,
    );
  }
  const name = plan.variables[k];
  const sample = await log.run(
    compileFailingSample(relation, name, "finite", types[k], log.engine.dialect),
  );
  const problems: CxProblem[] = sample.map((r) => {
    const v = Object.values(r)[0];
    return {
      row: null,
      column: name,
      value: v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v),
      reason: `${name} must hold finite numbers (or be empty); ` +
        `load the data with readCsv so numeric columns are typed, or convert the column`,
    };
  });
  throw new CxDataError(problems, value(`failing_${k}`), `Column "${name}" is not numeric`);
}
