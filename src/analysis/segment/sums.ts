/**
 * The mergeable sums `segment` and `trend` work on, keyed by group, and the
 * one shape both analyses share ({@link scoreAnalysis}): the score KPI's
 * aggregate in memory or in an SQL engine, then the analysis' own finalize
 * step in TypeScript.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError } from "../../errors.ts";
import { pooled } from "../../base/input.ts";
import { type GroupPlan, type KpiOptions, resolvePlan, SCORE_DEFAULTS } from "../../base/plan.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { scoreInEngine } from "../../metrics/score_sql.ts";
import type { KpiKind, KpiScoreOptions, Sums } from "./kinds.ts";

/** An analysis on a score KPI's aggregate, as {@link scoreAnalysis} builds it. */
export interface ScoreAnalysisSpec<O extends object, S extends { kind: KpiKind }> {
  /** The public name, as error messages give it. */
  name: string;
  /** Its option names. */
  options: readonly string[];
  /** Whether it cuts periods (so `dateZone` applies with an engine). */
  dates: boolean;
  /** The analysis' own options, validated (the KPI checks the rest), with its KPI. */
  settings(options: O): S;
  /** The options the KPI gets. */
  kpiOptions(options: O): KpiOptions & KpiScoreOptions;
  /** Finalize step, the same in memory and in every engine. */
  finalize(settings: S, result: ColumnTable, sums: Map<string, Sums>, plan: GroupPlan): ColumnTable;
}

/**
 * Makes an analysis on a score KPI with the one dispatcher: in memory the
 * KPI and its sums come from the table; with an engine from one aggregate
 * query (`scoreInEngine`); either way `spec.finalize` makes the result.
 */
export function scoreAnalysis<O extends object, S extends { kind: KpiKind }>(
  spec: ScoreAnalysisSpec<O, S>,
): EngineAnalysis<O> {
  return withEngine<O>({
    name: spec.name,
    options: spec.options,
    dates: spec.dates,
    memory(input, options) {
      const settings = spec.settings(options);
      const table = pooled(input);
      requireRows(table, spec.name);
      const kpiOptions = spec.kpiOptions(options);
      const plan = resolvePlan(table, kpiOptions, SCORE_DEFAULTS);
      const result = settings.kind.result(table, kpiOptions);
      const sums = sumsByKey(settings.kind, table, plan, kpiOptions);
      return spec.finalize(settings, result, sums, plan);
    },
    async sql(call, options) {
      const settings = spec.settings(options);
      const { kind } = settings;
      const { result, aggregate, keys, plan } = await scoreInEngine(
        call,
        kind.result,
        spec.kpiOptions(options),
      );
      // Grouped by segment or period, the aggregate has no rows only when the source has none.
      if (aggregate.numRows() === 0) requireRows(aggregate, spec.name);
      return spec.finalize(settings, result, sumsOf(kind, aggregate, keys), plan);
    },
  });
}

/**
 * The aggregate as a map from group key (see {@link keyOf}; the `by`
 * columns, then `period` when the plan has one) to its sums.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { resolvePlan } from "../../base/plan.ts";
 * import { kpiKind } from "./kinds.ts";
 * import { sumsByKey } from "./sums.ts";
 * const t = aq.table({ g: ["a", "a", "b"], nps_score: [10, 3, 9] });
 * const plan = resolvePlan(t, { by: "g" }, { date: "date" });
 * const sums = sumsByKey(kpiKind("nps"), t, plan, {});
 * assert.deepEqual(sums.get('["a"]'), { n: 2, promoters: 1, passives: 0, detractors: 1 });
 * ```
 */
export function sumsByKey(
  kind: KpiKind,
  table: ColumnTable,
  plan: GroupPlan,
  options: KpiScoreOptions,
): Map<string, Sums> {
  return sumsOf(
    kind,
    kind.aggregate(table, plan, options),
    plan.by.concat(plan.period ? ["period"] : []),
  );
}

/**
 * An aggregate table (group keys, then the KPI's fields) as a map from group
 * key (see {@link keyOf}) to its sums; `period_start` is left out of the key,
 * since `period` names the period. A weighted aggregate (with a `weight`
 * column) gives the KPI's weighted fields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kpiKind } from "./kinds.ts";
 * import { sumsOf } from "./sums.ts";
 * const aggregate = aq.table({ g: ["a"], n: [2], promoters: [1], passives: [0], detractors: [1] });
 * const sums = sumsOf(kpiKind("nps"), aggregate, ["g"]);
 * assert.deepEqual(sums.get('["a"]'), { n: 2, promoters: 1, passives: 0, detractors: 1 });
 * ```
 */
export function sumsOf(
  kind: KpiKind,
  aggregate: ColumnTable,
  keys: readonly string[],
): Map<string, Sums> {
  const named = keys.filter((k) => k !== "period_start");
  const fields = aggregate.columnNames().includes("weight") ? kind.weightedFields : kind.fields;
  const map = new Map<string, Sums>();
  for (const row of aggregate.objects() as Record<string, unknown>[]) {
    map.set(keyOf(row, named), Object.fromEntries(fields.map((f) => [f, Number(row[f] ?? 0)])));
  }
  return map;
}

/**
 * A string key for a row's group values (missing values as `null`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyOf } from "./sums.ts";
 * assert.equal(keyOf({ channel: "chat", region: undefined }, ["channel", "region"]), '["chat",null]');
 * ```
 */
export function keyOf(row: Record<string, unknown>, keys: readonly string[]): string {
  return JSON.stringify(keys.map((k) => row[k] ?? null));
}

/**
 * All-zero sums of a KPI: the aggregate of a group without answers (its
 * unweighted fields; {@link add} takes the weighted ones from the other side).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kpiKind } from "./kinds.ts";
 * import { zero } from "./sums.ts";
 * assert.deepEqual(zero(kpiKind("ces")), { n: 0, sum: 0, sum_squares: 0, box: 0 });
 * ```
 */
export function zero(kind: KpiKind): Sums {
  return Object.fromEntries(kind.fields.map((f) => [f, 0]));
}

/**
 * Field-wise a + b: pooling two groups' sums (the aggregate is mergeable).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kpiKind } from "./kinds.ts";
 * import { add } from "./sums.ts";
 * const a = { n: 2, promoters: 1, passives: 0, detractors: 1 };
 * const b = { n: 1, promoters: 1, passives: 0, detractors: 0 };
 * assert.deepEqual(add(kpiKind("nps"), a, b), { n: 3, promoters: 2, passives: 0, detractors: 1 });
 * ```
 */
export function add(kind: KpiKind, a: Sums, b: Sums): Sums {
  return fieldWise(kind, a, b, 1);
}

/** Field-wise a − b: the rest of a pooled total once a group is taken out. */
export function subtract(kind: KpiKind, a: Sums, b: Sums): Sums {
  return fieldWise(kind, a, b, -1);
}

/** a + sign·b over the KPI's fields, weighted ones too when either side has them. */
function fieldWise(kind: KpiKind, a: Sums, b: Sums, sign: 1 | -1): Sums {
  const fields = "weight" in a || "weight" in b ? kind.weightedFields : kind.fields;
  return Object.fromEntries(fields.map((f) => [f, (a[f] ?? 0) + sign * (b[f] ?? 0)]));
}

/**
 * Throws a `CxDataError` for a table without rows, naming the analysis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { CxDataError } from "../../errors.ts";
 * import { requireRows } from "./sums.ts";
 * assert.throws(() => requireRows(aq.table({ x: [] }), "segment"), CxDataError);
 * ```
 */
export function requireRows(table: ColumnTable, what: string): void {
  if (table.numRows() === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: null,
        value: null,
        reason: `the table has no rows; ${what} needs data`,
      }],
      1,
      "Empty table",
    );
  }
}

/**
 * A table from row objects with the given columns in order (a missing value
 * becomes `null`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows } from "./sums.ts";
 * const t = fromRows([{ a: 1, b: "x" }, { a: 2 }], ["b", "a"]);
 * assert.deepEqual(t.columnNames(), ["b", "a"]);
 * assert.deepEqual(t.array("b"), ["x", null]);
 * ```
 */
export function fromRows(rows: Record<string, unknown>[], columns: readonly string[]): ColumnTable {
  return aq.table(Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)])));
}
