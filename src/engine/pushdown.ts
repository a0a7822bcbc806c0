/**
 * Transitional: the names of the former KPI pushdown that other modules
 * still import while they move to the one dispatcher (`withEngine` in
 * `./dispatch.ts`). The pushdown itself (`pushdown`, `withPushdown`,
 * `explainSql`) is gone: score KPIs run their SQL step through `withEngine`
 * (`src/metrics/score_sql.ts`). Delete this file once nothing imports it.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { TableInput } from "../base/input.ts";
import type { KpiOptions } from "../base/plan.ts";
import { checkCall, optionNames } from "../options.ts";
import type { EngineOptions } from "./dispatch.ts";
import type { Source, SqlEngine } from "./engine.ts";
export { isSqlEngine, isTableRef } from "./engine.ts";
export type { ColumnInfo, OpenRelation, SqlEngine, TableRef } from "./engine.ts";

/** What an analysis reads in an engine: now `Source` in `./engine.ts`. */
export type PushdownSource = Source;

/** Options every analysis takes to run in an engine: now `EngineOptions` in `./dispatch.ts`. */
export type PushdownOptions = Pick<EngineOptions, "engine" | "explain" | "dateZone">;

/** The names of {@link PushdownOptions}: now `ENGINE_OPTIONS` in `./dispatch.ts`. */
export const PUSHDOWN_OPTIONS = optionNames<PushdownOptions>()(["engine", "explain", "dateZone"]);

/** A public function's name and option names, checked at its door. */
export interface KpiSignature {
  /** The function's public name, as error messages give it. */
  name: string;
  /** Its option names ({@link PUSHDOWN_OPTIONS} are added). */
  options: readonly string[];
}

/**
 * The checks at a door: unknown options are refused, and a grouped Arquero
 * table is read as `by`; the input comes back ungrouped. (`withEngine` does
 * this for every analysis it makes.)
 */
export function checkKpiCall<O extends object = Record<string, unknown>>(
  signature: KpiSignature,
  input: PushdownSource,
  options: O | undefined,
): { input: PushdownSource; options: O } {
  const known = [...new Set([...signature.options, ...PUSHDOWN_OPTIONS])];
  return checkCall(signature.name, input, options, known);
}

/** A KPI that runs in memory or, given an engine, resolves to the same table (see `EngineAnalysis`). */
export interface PushdownKpi<O extends KpiOptions> {
  /** In memory. */
  (input: TableInput, options?: O): ColumnTable;
  /** In an SQL engine. */
  (
    input: PushdownSource,
    options: Omit<O, "engine"> & PushdownOptions & { engine: SqlEngine },
  ): Promise<ColumnTable>;
  /** A server table reference `{ engine, table }`. */
  (input: PushdownSource, options?: Omit<O, "engine"> & PushdownOptions): Promise<ColumnTable>;
}
