/**
 * The SQL aggregate of the survival analyses: `survivalCounts`,
 * `kaplanMeier` and `logRank` given an `engine` count, per group and
 * distinct time, the rows and the events (`GROUP BY by…, time`), which add
 * up across shards; `cumulativeIncidence` counts the same cells per status
 * too. Their finalize steps are the in-memory TypeScript, so the results are
 * the same tables.
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
import { compileAggregate } from "../../engine/compile/aggregate.ts";
import { compileFailingSample } from "../../engine/compile/samples.ts";
import type {
  AggregateSpec,
  Measure,
  Relation,
  ValueCheck,
  ValueType,
} from "../../engine/compile/types.ts";
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
 * import { compileAggregate } from "../../engine/compile/aggregate.ts";
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
  return cellsSpec(relation, columns, types);
}

/** The columns of one survival aggregate in an engine. */
export interface SurvivalCellColumns {
  /** Follow-up time column. */
  time: string;
  /** Event column (its events are counted), or `null`. */
  event: string | null;
  /** Segment columns, the first keys. */
  by: string[];
  /** Keys after the time (e.g. a status column). */
  after?: string[];
}

/**
 * The aggregate of {@link survivalCells}: keys `[by…, time, after…]`,
 * measures rows, events (with an event column) and failing times and events.
 */
function cellsSpec(
  relation: Relation,
  { time, event, by, after = [] }: SurvivalCellColumns,
  types: { time: ValueType; event: ValueType },
): AggregateSpec {
  const failing = (check: ValueCheck, column: string, type: ValueType): Measure => ({
    name: `failing_${check}`,
    op: "countFailing",
    column,
    check,
    type,
  });
  const measures: Measure[] = [{ name: "rows", op: "rows" }];
  if (event !== null) {
    measures.push({ name: "events", op: "countEvents", column: event, type: asFlag(types.event) });
  }
  measures.push(failing("time", time, types.time));
  if (event !== null) measures.push(failing("event", event, types.event));
  return { relation, by: [...by, time, ...after], measures };
}

function asFlag(type: ValueType): "number" | "boolean" {
  return type === "boolean" ? "boolean" : "number";
}

/** One survival aggregate read back from an engine, values as the in-memory path has them. */
export interface SurvivalCells {
  /** Key values by column name (the time column as numbers). */
  keys: Record<string, unknown[]>;
  /** Rows per cell. */
  rows: number[];
  /** Events per cell (0 without an event column). */
  events: number[];
}

/**
 * Runs one survival aggregate in the call's engine: per `[by…, time,
 * after…]` cell the rows and the events, with the value checks of the time
 * and event columns (a `CxDataError` with example values) and the in-memory
 * "Empty table" error.
 */
export async function survivalCells(
  call: EngineCall,
  columns: SurvivalCellColumns,
): Promise<SurvivalCells> {
  const { engine, log, source: opened } = call;
  const { time, event } = columns;
  const flags = event === null ? [] : [event];
  const keyNames = [...columns.by, time, ...(columns.after ?? [])];
  const hints = Object.fromEntries([time, ...flags].map((c) => [c, "number" as const]));
  return await withRelation(
    engine,
    opened,
    [...keyNames, ...flags],
    hints,
    async (relation, info) => {
      const types = {
        time: valueTypeOf(engine, info, time),
        event: event === null ? "number" as const : valueTypeOf(engine, info, event),
      };
      const usable = types.time === "number" && types.event !== "other";
      // A time or event column that holds no numbers: every row fails; count them ungrouped.
      const full = cellsSpec(relation, columns, types);
      const spec = usable
        ? full
        : { relation, by: [], measures: full.measures.filter((m) => m.op !== "countEvents") };
      const query = compileAggregate(spec, engine.dialect);
      const rows = await log.run(query);
      const measure = (name: string) => {
        const at = spec.measures.findIndex((m) => m.name === name);
        return rows.map((r) => (at < 0 ? 0 : num(r[query.measures[at]])));
      };
      const sum = (name: string) => measure(name).reduce((s, v) => s + v, 0);
      const kinds = keyKinds(engine, info, opened.table, keyNames);
      const cells: SurvivalCells = {
        keys: Object.fromEntries(keyNames.map((name, j) => [
          name,
          rows.map((r) =>
            name === time ? num(r[query.keys[j]]) : plainKey(r[query.keys[j]], kinds[j])
          ),
        ])),
        rows: measure("rows"),
        events: measure("events"),
      };
      const failing = { time: sum("failing_time"), event: sum("failing_event") };
      await throwFailing(log, relation, { time, event: event ?? "" }, types, failing);
      if (sum("rows") === 0) throwEmpty();
      return cells;
    },
  );
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
  const columns = survivalColumns(call.table, options);
  const { time, event, by } = columns;
  if (call.source.table) checkSurvivalValues(call.source.table, time, event);
  const cells = await survivalCells(call, columns);
  const out: Record<string, unknown[]> = {};
  for (const name of by) out[name] = cells.keys[name];
  out.time = cells.keys[time];
  out.n_event = cells.events;
  out.n_censor = cells.rows.map((n, i) => n - cells.events[i]);
  return { counts: aq.table(out).orderby(...by, "time"), columns };
}

/**
 * Throws the `CxDataError` of failing time and event values counted in an
 * engine (`failing`), with up to five example values of each column fetched
 * by a second query; returns when nothing failed.
 */
export async function throwFailing(
  log: QueryLog,
  relation: Relation,
  columns: { time: string; event: string },
  types: { time: ValueType; event: ValueType },
  failing: { time: number; event: number },
): Promise<void> {
  const total = failing.time + failing.event;
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
    problems,
    total,
    `Survival data has invalid values (${total} in ${log.engine.name})`,
  );
}
