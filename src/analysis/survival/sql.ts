/**
 * The SQL aggregate of the survival analyses: `survivalCounts`,
 * `kaplanMeier` and `logRank` given an `engine` count, per group and
 * distinct time, the rows and the events (`GROUP BY by…, time`), which add
 * up across shards; their finalize steps are the in-memory TypeScript, so
 * the results are the same tables.
 *
 * The value checks are the in-memory ones, in SQL: the aggregate also counts
 * times that are missing, negative or not finite and events that are not
 * 0/1 or true/false; when there are any, a second query fetches examples
 * and a `CxDataError` names the column. In-memory input is checked in
 * memory before loading, so its errors name the rows.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, type CxProblem } from "../../errors.ts";
import {
  type AggregateSpec,
  compileAggregate,
  compileFailingSample,
  type Measure,
  type Relation,
  type ValueCheck,
  type ValueType,
} from "../../engine/compile.ts";
import type { EngineCall } from "../../engine/dispatch.ts";
import {
  keyKinds,
  num,
  plainKey,
  type QueryLog,
  valueTypeOf,
  withRelation,
} from "../../engine/source.ts";
import {
  checkSurvivalValues,
  type ResolvedColumns,
  type SurvivalColumns,
  survivalColumns,
  survivalValueReason,
  throwEmpty,
} from "./columns.ts";

/**
 * The aggregate `survivalCounts` runs in an SQL engine, as a description for
 * `compileAggregate`: keys `[by…, time]`, measures rows, events, failing
 * times and failing events (given what the engine says the time and event
 * columns hold).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileAggregate } from "../../engine/compile.ts";
 * import { survivalCountsSpec } from "./sql.ts";
 * const spec = survivalCountsSpec({ kind: "table", name: "customers" }, {
 *   time: "days", event: "churned", by: ["plan"],
 * }, { time: "number", event: "boolean" });
 * const q = compileAggregate(spec, "postgres");
 * assert.ok(q.sql.includes('count(*) FILTER (WHERE "churned")') && q.sql.endsWith("GROUP BY 1, 2"));
 * ```
 */
export function survivalCountsSpec(
  relation: Relation,
  columns: ResolvedColumns,
  types: { time: ValueType; event: ValueType },
): AggregateSpec {
  const { time, event, by } = columns;
  const failing = (check: ValueCheck, column: string, type: ValueType): Measure => ({
    name: `failing_${check}`,
    op: "countFailing",
    column,
    check,
    type,
  });
  return {
    relation,
    by: [...by, time],
    measures: [
      { name: "rows", op: "rows" },
      { name: "events", op: "countEvents", column: event, type: asFlag(types.event) },
      failing("time", time, types.time),
      failing("event", event, types.event),
    ],
  };
}

function asFlag(type: ValueType): "number" | "boolean" {
  return type === "boolean" ? "boolean" : "number";
}

/** The counts an engine computed, and the columns they are of. */
export interface EngineCounts {
  /** `[by…], time, n_event, n_censor`, sorted: the table `survivalCounts` returns. */
  counts: ColumnTable;
  /** The checked column options. */
  columns: ResolvedColumns;
}

/**
 * The SQL aggregate step of `survivalCounts`, `kaplanMeier` and `logRank`:
 * checks the column options on the source's columns (in-memory input: its
 * values too, with row numbers, before loading), runs
 * {@link survivalCountsSpec} and reads the rows back as the in-memory counts.
 */
export async function countsInEngine(
  call: EngineCall,
  options: SurvivalColumns,
): Promise<EngineCounts> {
  const { engine, log, source: opened } = call;
  const columns = survivalColumns(call.table, options);
  const { time, event, by } = columns;
  if (opened.table) checkSurvivalValues(opened.table, time, event);
  const hints = { [time]: "number", [event]: "number" } as const;
  const counts = await withRelation(
    engine,
    opened,
    [...by, time, event],
    hints,
    async (relation, info) => {
      const types = {
        time: valueTypeOf(engine, info, time),
        event: valueTypeOf(engine, info, event),
      };
      const usable = types.time === "number" && types.event !== "other";
      // A time or event column that holds no numbers: every row fails; count them ungrouped.
      const full = survivalCountsSpec(relation, columns, types);
      const spec = usable
        ? full
        : { relation, by: [], measures: full.measures.filter((m) => m.op !== "countEvents") };
      const query = compileAggregate(spec, engine.dialect);
      const rows = await log.run(query);
      const at = (name: string) => query.measures[spec.measures.findIndex((m) => m.name === name)];
      const total = (name: string) => rows.reduce((s, r) => s + num(r[at(name)]), 0);
      const failing = { time: total("failing_time"), event: total("failing_event") };
      await throwFailing(log, relation, columns, types, failing);
      if (total("rows") === 0) throwEmpty();
      const kinds = keyKinds(engine, info, opened.table, by);
      const out: Record<string, unknown[]> = {};
      by.forEach((name, j) => out[name] = rows.map((r) => plainKey(r[query.keys[j]], kinds[j])));
      out.time = rows.map((r) => num(r[query.keys[by.length]]));
      const events = rows.map((r) => num(r[at("events")]));
      out.n_event = events;
      out.n_censor = rows.map((r, i) => num(r[at("rows")]) - events[i]);
      return aq.table(out).orderby(...by, "time");
    },
  );
  return { counts, columns };
}

/**
 * Throws the `CxDataError` of failing time and event values counted in an
 * engine (`failing`), with up to five example values of each column fetched
 * by a second query and `more` problems found otherwise (e.g. in the
 * aggregate's keys); returns when nothing failed.
 */
export async function throwFailing(
  log: QueryLog,
  relation: Relation,
  columns: { time: string; event: string },
  types: { time: ValueType; event: ValueType },
  failing: { time: number; event: number },
  more: { problems: CxProblem[]; total: number } = { problems: [], total: 0 },
): Promise<void> {
  const total = failing.time + failing.event + more.total;
  if (total === 0) return;
  const problems: CxProblem[] = [];
  for (const check of ["time", "event"] as const) {
    if (failing[check] === 0) continue;
    const column = columns[check];
    const sample = await log.run(
      compileFailingSample(relation, column, check, types[check], log.engine.dialect),
    );
    for (const row of sample) {
      const v = Object.values(row)[0];
      problems.push({
        row: null,
        column,
        value: v === null || v === undefined ? null : String(v),
        reason: survivalValueReason(check, column),
      });
    }
  }
  throw new CxDataError(
    [...problems, ...more.problems],
    total,
    `Survival data has invalid values (${total} in ${log.engine.name})`,
  );
}
