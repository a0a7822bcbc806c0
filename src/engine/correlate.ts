/**
 * Pearson correlations with their aggregate step in DuckDB, PostgreSQL or a
 * ClickHouse cluster. Per group and pair the engine computes the
 * pairwise-complete sufficient statistics — the number of complete pairs n,
 * Σx, Σy, Σx², Σy², Σxy over those pairs (shifted, see below) and the least
 * and greatest x and y (is a column constant?) — and the finalize step is
 * `correlate`'s own (r, Fisher-z interval, t-test p-value, notes), so the
 * result table is the in-memory one.
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
 * Spearman and Kendall need the ranks of every value, so they stay in memory.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import {
  CORRELATE_OPTIONS,
  type CorrelateOptions,
  type CorrelatePlan,
  correlationResult,
  finalizeCorrelations,
  planCorrelate,
} from "../analysis/correlate.ts";
import { numericColumn, rowGroups, withoutMissingGroups } from "../analysis/numeric.ts";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import type { AggregateSpec, Measure, Relation, ValueType } from "./compile/types.ts";
import { compileAggregate } from "./compile/aggregate.ts";
import { compileFailingSample } from "./compile/samples.ts";
import type { PushdownSource } from "./pushdown.ts";
import {
  keyKinds,
  num,
  openSqlSource,
  plainKey,
  QueryLog,
  setSqlMeta,
  type SqlAnalysisOptions,
  sqlEngineOf,
  stubTable,
  valueTypeOf,
  withRelation,
} from "./source.ts";
import { checkCall, optionNames } from "../options.ts";

/** Options of {@link correlateSql}: `correlate`'s (Pearson only), plus the engine. */
export interface CorrelateSqlOptions extends CorrelateOptions, SqlAnalysisOptions {}

const CORRELATE_SQL_OPTIONS = optionNames<CorrelateSqlOptions>()([
  ...CORRELATE_OPTIONS,
  "engine",
  "explain",
]);

/** The measure names of one pair, in the order {@link correlateSpec} lists them. */
const PAIR_MEASURES = ["n", "min_x", "max_x", "min_y", "max_y", "sx", "sy", "sxx", "syy", "sxy"];

/**
 * `correlate(table, { method: "pearson", … })` with the aggregate step in
 * DuckDB, PostgreSQL or ClickHouse: the same table (`x, y, method, n, r,
 * r_low, r_high, p_value, note` per group and pair), the same `meta`
 * (plus `notes.engine`, and `notes.sql` with `explain: true`) and the same
 * errors. `source` is an Arquero table (its needed columns are loaded), a
 * CSV or Parquet path (DuckDB scans it) or a server table `{ engine, table }`.
 * Spearman and Kendall are a `CxOptionsError`: they rank every value, so run
 * them with `correlate` in memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlate } from "../analysis/correlate.ts";
 * import { correlateSql } from "./correlate.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * const engine = duckdbEngine();
 * const t = aq.table({ wait: [1, 2, 3, 4, 5], nps: [2, 1, 4, 3, 5], csat: [1, null, 2, 2, 3] });
 * const options = { columns: ["wait", "nps", "csat"] };
 * const r = await correlateSql(t, { ...options, engine });
 * const expected = correlate(t, options).objects() as Record<string, unknown>[];
 * (r.objects() as Record<string, unknown>[]).forEach((row, i) => {
 *   assert.ok(row.n === expected[i].n && Math.abs(Number(row.r) - Number(expected[i].r)) < 1e-12);
 * });
 * await assert.rejects(correlateSql(t, { ...options, method: "kendall", engine }), /in memory/);
 * await engine.close();
 * ```
 */
export async function correlateSql(
  source: PushdownSource,
  options: CorrelateSqlOptions,
): Promise<ColumnTable> {
  ({ input: source, options } = checkCall("correlateSql", source, options, CORRELATE_SQL_OPTIONS));
  const { engine: given, explain, ...rest } = options ?? {} as CorrelateSqlOptions;
  const engine = sqlEngineOf(source, given);
  const log = new QueryLog(engine, explain);
  const opened = await openSqlSource(engine, source);
  const plan = planCorrelate(opened.table ?? stubTable(opened.columns), rest);
  const inMemory = plan.methods.filter((m) => m !== "pearson");
  if (inMemory.length) {
    throw new CxOptionsError(
      `Option "method": ${
        inMemory.join(" and ")
      } ranks every value, so it runs in memory only; use correlate(table, …) for it, or method "pearson" with an engine`,
    );
  }
  // In memory: the in-memory checks, with their row numbers, before loading anything.
  const means = opened.table
    ? plan.variables.map((name) => meanOf(numericColumn(opened.table!, name, "columns")))
    : undefined;
  const hints = Object.fromEntries(plan.variables.map((v) => [v, "number"] as const));
  const result = await withRelation(
    engine,
    opened,
    [...plan.by, ...plan.variables],
    hints,
    async (relation, info) => {
      const types = plan.variables.map((v) => valueTypeOf(engine, info, v));
      const shifts = means ?? await firstPass(log, relation, plan, types);
      const spec = correlateSpec(relation, plan, shifts);
      const query = compileAggregate(spec, engine.dialect);
      const rows = await log.run(query);
      const kinds = keyKinds(engine, info, opened.table, plan.by);
      const keys = aq.table(
        Object.fromEntries(
          plan.by.map((b, j) => [b, rows.map((r) => plainKey(r[query.keys[j]], kinds[j]))]),
        ),
      );
      const rowsOf = query.measures[plan.pairs.length * PAIR_MEASURES.length];
      const { groups, note } = plan.by.length
        ? withoutMissingGroups(
          rowGroups(keys, plan.by),
          plan.by,
          plan.missing,
          (g) => num(rows[g.rows[0]][rowsOf]),
        )
        : { groups: [{ key: {}, rows: Int32Array.of(0) }], note: null };
      const width = PAIR_MEASURES.length;
      const out: Record<string, unknown>[] = [];
      for (const group of groups) {
        const row = rows[group.rows[0]];
        plan.pairs.forEach(([i, j], k) => {
          const v = (m: number) => num(row[query.measures[k * width + m]]);
          const [n, minX, maxX, minY, maxY, sx, sy, sxx, syy, sxy] = PAIR_MEASURES.map((_, m) =>
            v(m)
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
          out.push({
            ...group.key,
            x: names[0],
            y: names[1],
            method: "pearson",
            ...correlationResult(stat, "pearson", plan.confidence, names),
          });
        });
      }
      return finalizeCorrelations(out, plan, note);
    },
  );
  const notes = metaOf(result, "correlate")?.notes;
  if (notes) {
    notes.engine = engine.name;
    if (explain) notes.sql = log.queries.map((q) => q.sql).join(";\n");
  }
  return setSqlMeta(result, log.meta());
}

/**
 * The aggregate {@link correlateSql} runs, as a description for
 * `compileAggregate`: keys `by…`; per pair (in the plan's order) over its
 * complete rows: n, min and max of x and y, and Σ(x − K), Σ(y − L),
 * Σ(x − K)², Σ(y − L)², Σ(x − K)(y − L) with `shifts[i]` the shift of
 * variable i (its mean; 0 gives the raw sums).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { planCorrelate } from "../analysis/correlate.ts";
 * import { compileAggregate } from "./compile/aggregate.ts";
 * import { correlateSpec } from "./correlate.ts";
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
