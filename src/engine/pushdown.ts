/**
 * Transitional: the former KPI pushdown is gone (score KPIs run their SQL
 * step through `withEngine`, `src/metrics/score_sql.ts`). Two files still
 * import the `SqlEngine` type from here (`bench/cohort_engines.ts`,
 * `tests/engine/kpi_counts_parity_test.ts`); import it from `./engine.ts`
 * and delete this file.
 *
 * @module
 */
export type { SqlEngine } from "./engine.ts";
