/**
 * Pushdown for analyses built on a KPI (`segment`, `trend`): the KPI's
 * aggregate step runs in an SQL engine through {@link pushdown} (one query),
 * and the analysis gets back both the finalized KPI table and the aggregate
 * itself, so its own finalize step (tests, corrections, rolling windows) runs
 * on the same sufficient statistics as in memory.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { AggregateHook, GroupPlan, KpiOptions } from "../base/plan.ts";
import {
  isSqlEngine,
  isTableRef,
  type Kpi,
  pushdown,
  type PushdownOptions,
  type PushdownSource,
} from "./pushdown.ts";

/** What {@link pushdownAggregate} returns. */
export interface PushedAggregate {
  /** The KPI's result, finalized in TypeScript (metadata notes name the engine, and the SQL with `explain`). */
  result: ColumnTable;
  /** The per-group sufficient statistics the engine returned (key columns, then the KPI's fields). */
  aggregate: ColumnTable;
  /** Key columns of `aggregate`: the `by` columns, then `period`, `period_start`. */
  keys: string[];
  /** The options as the KPI resolved them (by, period, time zone, confidence, minN). */
  plan: GroupPlan;
}

/**
 * Runs a KPI built on the aggregate hook (`nps`, `csat`, `ces`) with its
 * aggregate step in an SQL engine, and also returns the aggregate the engine
 * computed, for analyses that finalize more than the KPI from it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "../metrics/nps.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { pushdownAggregate } from "./analysis_pushdown.ts";
 * const engine = duckdbEngine();
 * const t = aq.table({ channel: ["chat", "chat", "web"], nps_score: [10, 3, 9] });
 * const { result, aggregate, keys } = await pushdownAggregate(nps, t, { engine, by: "channel" });
 * assert.deepEqual(keys, ["channel"]);
 * assert.deepEqual(aggregate.array("promoters"), result.array("promoters"));
 * assert.deepEqual(result.array("n"), [2, 1]);
 * await engine.close();
 * ```
 */
export async function pushdownAggregate<O extends KpiOptions>(
  kpi: Kpi<O>,
  source: PushdownSource,
  options: Omit<O, "engine"> & PushdownOptions,
): Promise<PushedAggregate> {
  let captured: Omit<PushedAggregate, "result"> | undefined;
  // pushdown calls the KPI twice (options check, then finalize); the last aggregate is the engine's.
  const recording: Kpi<O> = (stub, opts) => {
    const hook = opts.aggregate as AggregateHook;
    const engine: AggregateHook = {
      aggregate(request) {
        const out = hook.aggregate(request);
        captured = { aggregate: out.aggregate, keys: out.keys, plan: request.plan };
        return out;
      },
    };
    return kpi(stub, { ...opts, aggregate: engine });
  };
  const result = await pushdown(recording, source, options);
  return { result, ...captured! };
}

/**
 * Whether a call runs in an SQL engine: `options.engine` is one, or the
 * source is a server table `{ engine, table }` or a CSV/Parquet path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { runsInEngine } from "./analysis_pushdown.ts";
 * assert.equal(runsInEngine(aq.table({ x: [1] }), { engine: "kernel" }), false);
 * assert.equal(runsInEngine("answers.parquet", {}), true);
 * ```
 */
export function runsInEngine(source: unknown, options: object | undefined): boolean {
  return isSqlEngine((options as { engine?: unknown } | undefined)?.engine) || isTableRef(source) ||
    typeof source === "string" ||
    source instanceof URL;
}
