/**
 * cxkit/engine: the SQL plumbing under the analyst API.
 *
 * The engines themselves (`duckdbEngine`, `postgresEngine`, `clickhouseEngine`), `explainSql`,
 * `meta` and the analyses (each takes `engine`) are in the main entry. This entry holds what
 * you need to build your own pushed-down query or pipeline: the aggregate compiler and SQL quoting, the
 * one dispatcher (`withEngine`), the engine and table-reference guards, column loading, and the parts of the
 * survival and cohort pipelines (counts, their SQL spec, the Kaplan–Meier finishing step, the
 * cohort retention queries).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteIdent } from "./engine.ts";
 * assert.equal(quoteIdent("nps score", "duckdb"), `"nps score"`);
 * ```
 *
 * @module
 */

export { clickhouseLiteral, quoteIdent } from "../engine/compile/quote.ts";
export { compileAggregate } from "../engine/compile/aggregate.ts";
export type {
  AggregateSpec,
  CompiledSql,
  Condition,
  DateKind,
  Dialect,
  Measure,
  PeriodBucket,
  Relation,
  ValueCheck,
  ValueType,
} from "../engine/compile/types.ts";
export { isSqlEngine, isTableRef } from "../engine/engine.ts";
export type { ColumnInfo, OpenRelation, SqlEngine, TableRef } from "../engine/engine.ts";
export {
  ENGINE_OPTIONS,
  engineSupport,
  refuseEngine,
  runsInEngine,
  withEngine,
} from "../engine/dispatch.ts";
export type { EngineAnalysis, EngineCall, EngineOptions, EngineSpec } from "../engine/dispatch.ts";
export { fileRelation, sqlEngineOf } from "../engine/engine.ts";
export type { Source } from "../engine/engine.ts";
export { QueryLog } from "../engine/source.ts";
export type { OpenedSource } from "../engine/source.ts";
export type { TableInput } from "../base/input.ts";
export { loadColumns } from "../engine/load.ts";
export type { LoadColumn, LoadType } from "../engine/load.ts";
export type { AggregateHook, AggregateRequest, GroupPlan } from "../base/plan.ts";
export { finalizeKaplanMeier } from "../analysis/survival/kaplan_meier.ts";
export type { FinalizeKaplanMeierOptions } from "../analysis/survival/kaplan_meier.ts";
export { survivalCounts } from "../analysis/survival/counts.ts";
export type { ResolvedColumns, SurvivalColumns } from "../analysis/survival/columns.ts";
export { survivalCountsSpec } from "../analysis/survival/sql.ts";
export { cohortRetentionQueries } from "../analysis/cohort/sql/step.ts";
export type { CohortRetentionQueries } from "../analysis/cohort/sql/step.ts";
export type { CohortColumns, SqlFrom } from "../analysis/cohort/sql/common.ts";
