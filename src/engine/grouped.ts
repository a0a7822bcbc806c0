/**
 * Primitives of grouped aggregates in an SQL engine, for any analysis's SQL
 * step: the engine's type of a column, the period bucket of a date column
 * (refused unless the engine types it as dates), a numeric-column check,
 * and the aggregate table of grouped rows as the in-memory aggregate step
 * makes it. They know no analysis.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { GroupPlan } from "../base/plan.ts";
import { CxOptionsError } from "../errors.ts";
import { type Period, periodStartOfLabel } from "../time/period.ts";
import type { CompiledSql, PeriodBucket } from "./compile/types.ts";
import type { ColumnInfo, SqlEngine } from "./engine.ts";
import { keyKinds, num, type OpenedSource, plainKey } from "./source.ts";

/** The parts of an engine call these primitives read (an `EngineCall` fits). */
export interface GroupedCall {
  /** The engine. */
  readonly engine: SqlEngine;
  /** Zone of zone-less dates in the source. */
  readonly dateZone: string;
  /** The opened source (its `table` is set for in-memory input). */
  readonly source: OpenedSource;
}

/**
 * The engine's type name of a column (`""` when unknown).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { typeOf } from "./grouped.ts";
 * assert.equal(typeOf([{ name: "d", type: "DATE" }], "d"), "DATE");
 * assert.equal(typeOf([], "d"), "");
 * ```
 */
export function typeOf(columns: ColumnInfo[], name: string): string {
  return columns.find((c) => c.name === name)?.type ?? "";
}

/**
 * The period bucket of a date column, or a `CxOptionsError` when the engine
 * does not type the column as a date or timestamp.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { dateBucket } from "./grouped.ts";
 * const engine = duckdbEngine();
 * const call = { engine, dateZone: "UTC", source: { relation: { kind: "table" as const, name: "t" }, columns: [] } };
 * const b = dateBucket(call, [{ name: "d", type: "DATE" }], "d", "month", "Europe/Berlin");
 * assert.equal(b.dateKind, "local");
 * assert.throws(() => dateBucket(call, [{ name: "d", type: "VARCHAR" }], "d", "month", "UTC"), /must hold dates/);
 * await engine.close();
 * ```
 */
export function dateBucket(
  call: GroupedCall,
  columns: ColumnInfo[],
  column: string,
  period: Period,
  timeZone: string,
): PeriodBucket {
  const type = typeOf(columns, column);
  const dateKind = call.engine.dateKind(type);
  if (!dateKind) {
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(column)
      } has type ${type} in ${call.engine.name}; it must hold dates or timestamps (cast it, or load the file with readCsv)`,
    );
  }
  return { column, period, timeZone, dateKind, dateZone: call.dateZone };
}

/**
 * A `CxOptionsError` unless the engine types the column as numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { requireNumericColumn } from "./grouped.ts";
 * const engine = duckdbEngine();
 * requireNumericColumn({ engine }, [{ name: "n", type: "BIGINT" }], "n");
 * assert.throws(() => requireNumericColumn({ engine }, [{ name: "n", type: "VARCHAR" }], "n"), /must hold numbers/);
 * await engine.close();
 * ```
 */
export function requireNumericColumn(
  call: Pick<GroupedCall, "engine">,
  columns: ColumnInfo[],
  column: string,
): void {
  const type = typeOf(columns, column);
  if (!call.engine.isNumeric(type)) {
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(column)
      } has type ${type} in ${call.engine.name}; it must hold numbers (cast the column, or load the file with readCsv)`,
    );
  }
}

/**
 * The aggregate table of grouped engine rows, as the in-memory aggregate
 * step makes it: the `by` columns (values as in memory), `period` and
 * `period_start` when the plan has a period, then each named measure as a
 * number (`measures[name]` is the measure's output column).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { groupedAggregate } from "./grouped.ts";
 * const engine = duckdbEngine();
 * const call = { engine, dateZone: "UTC", source: { relation: { kind: "table" as const, name: "t" }, columns: [] } };
 * const query = { dialect: "duckdb" as const, sql: "", params: [], keys: ["k0"], measures: ["m0"], period: "p" };
 * const plan = { by: ["channel"], period: "month" as const, date: "d", timeZone: "UTC", confidence: 0.95, minN: 30, aggregate: "kernel" as const };
 * const { aggregate, keys } = groupedAggregate(call, [{ name: "channel", type: "VARCHAR" }], [{ k0: "web", p: "2024-03", m0: 4n }], query, plan, { n: "m0" });
 * assert.deepEqual(keys, ["channel", "period", "period_start"]);
 * assert.deepEqual(aggregate.objects(), [{ channel: "web", period: "2024-03", period_start: new Date("2024-03-01"), n: 4 }]);
 * await engine.close();
 * ```
 */
export function groupedAggregate(
  call: GroupedCall,
  columns: ColumnInfo[],
  rows: Record<string, unknown>[],
  query: CompiledSql,
  plan: GroupPlan,
  measures: Record<string, string>,
): { aggregate: ColumnTable; keys: string[] } {
  const kinds = keyKinds(call.engine, columns, call.source.table, plan.by);
  const out: Record<string, unknown[]> = {};
  plan.by.forEach((name, i) => out[name] = rows.map((r) => plainKey(r[query.keys[i]], kinds[i])));
  const keys = [...plan.by];
  if (plan.period && query.period) {
    const starts = new Map<string, Date | null>();
    const labels = rows.map((r) => (r[query.period!] ?? null) as string | null);
    out.period = labels;
    out.period_start = labels.map((label) => {
      if (label === null) return null;
      if (!starts.has(label)) {
        starts.set(label, periodStartOfLabel(label, plan.period!, plan.timeZone));
      }
      return starts.get(label)!;
    });
    keys.push("period", "period_start");
  }
  for (const [name, column] of Object.entries(measures)) {
    out[name] = rows.map((r) => num(r[column]));
  }
  return { aggregate: aq.table(out), keys };
}
