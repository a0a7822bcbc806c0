/**
 * The SQL step of `firstContactResolution`: per group, tickets, resolved
 * tickets and those resolved at first contact, and the tickets that fail
 * the in-memory checks (a resolution before creation, a resolved ticket
 * without a whole `contacts` ≥ 1), which raise the same `CxDataError`.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, type CxProblem } from "../../errors.ts";
import type { GroupPlan, KpiOptions } from "../../base/plan.ts";
import { compileAggregate } from "../../engine/compile/aggregate.ts";
import type { Condition, Measure } from "../../engine/compile/types.ts";
import type { EngineCall } from "../../engine/dispatch.ts";
import type { ColumnInfo } from "../../engine/engine.ts";
import {
  dateBucket,
  groupedAggregate,
  requireNumericColumn,
  typeOf,
} from "../../engine/grouped.ts";
import type { LoadType } from "../../engine/load.ts";
import { withRelation } from "../../engine/source.ts";
import { fcrFlags, fcrPlan, fcrResult } from "./fcr.ts";

const RESOLVED_BEFORE_CREATED =
  "resolved_at is before created_at: a ticket cannot be resolved before it exists; check the time zone of both columns or the column mapping";
const BAD_CONTACTS =
  'contacts must be a whole number ≥ 1 for every resolved ticket (missing ones too); fill in missing counts or leave those tickets out first, and load tickets with readCsv(…, { schema: "tickets" }) to get bad values as rejects';

/**
 * FCR with its aggregate step in an SQL engine: the counts and the failing
 * tickets in one grouped query, then the in-memory finalize step.
 */
export async function fcrSql(call: EngineCall, options: KpiOptions): Promise<ColumnTable> {
  const plan = fcrPlan(call.table, options);
  // In memory: the in-memory checks, with their row numbers, before loading anything.
  if (call.source.table) fcrFlags(call.source.table);
  const hasCreated = call.table.columnNames().includes("created_at");
  const needed = [
    ...plan.by,
    ...(plan.period ? [plan.date] : []),
    "resolved_at",
    "contacts",
    ...(hasCreated ? ["created_at"] : []),
  ];
  const hints: Record<string, LoadType> = { resolved_at: "timestamp", contacts: "number" };
  if (hasCreated) hints.created_at = "timestamp";
  if (plan.period) hints[plan.date] = "timestamp";
  return await withRelation(call.engine, call.source, needed, hints, async (relation, columns) => {
    dateBucket(call, columns, "resolved_at", "day", plan.timeZone);
    requireNumericColumn(call, columns, "contacts");
    const period = plan.period
      ? dateBucket(call, columns, plan.date, plan.period, plan.timeZone)
      : undefined;
    const created = hasCreated && call.engine.dateKind(typeOf(columns, "created_at")) !== undefined;
    const measures = fcrMeasures(created);
    const query = compileAggregate(
      { relation, by: plan.by, period, measures },
      call.engine.dialect,
    );
    const rows = await call.log.run(query);
    const at = (name: string) => query.measures[measures.findIndex((m) => m.name === name)];
    checkFailing(call, rows, at);
    const kept = plan.by.length || plan.period ? rows : rows.slice(0, 1);
    return result(call, columns, kept, query, plan, at);
  });
}

/** The finalize step over the grouped rows. */
function result(
  call: EngineCall,
  columns: ColumnInfo[],
  rows: Record<string, unknown>[],
  query: Parameters<typeof groupedAggregate>[3],
  plan: GroupPlan,
  at: (name: string) => string,
): ColumnTable {
  const { aggregate, keys } = groupedAggregate(call, columns, rows, query, plan, {
    tickets: at("tickets"),
    resolved: at("resolved"),
    first_contact: at("first_contact"),
  });
  return fcrResult(aggregate, keys, plan);
}

/**
 * The measures of the FCR query: tickets, resolved, resolved at first
 * contact, and the tickets failing each check (`created`: whether the
 * source has a `created_at` of dates to compare with).
 */
function fcrMeasures(created: boolean): Measure[] {
  const resolved: Condition = { op: "present", column: "resolved_at" };
  const order: Condition = { op: "before", column: "resolved_at", other: "created_at" };
  return [
    { name: "tickets", op: "rows" },
    { name: "resolved", op: "count", column: "resolved_at" },
    {
      name: "first_contact",
      op: "countWhere",
      where: { op: "and", of: [resolved, { op: "equals", column: "contacts", value: 1 }] },
    },
    {
      name: "resolved_before_created",
      op: "countWhere",
      where: created ? order : { op: "or", of: [] },
    },
    {
      name: "bad_contacts",
      op: "countWhere",
      where: {
        op: "and",
        of: [
          resolved,
          ...(created ? [{ op: "not", of: order } as const] : []),
          { op: "not", of: { op: "wholeAtLeast", column: "contacts", min: 1 } },
        ],
      },
    },
  ];
}

/** The `CxDataError` of the in-memory checks, with the engine's counts of failing tickets. */
function checkFailing(
  call: EngineCall,
  rows: Record<string, unknown>[],
  at: (name: string) => string,
): void {
  const total = (name: string) => rows.reduce((sum, r) => sum + Number(r[at(name)]), 0);
  const failing = { order: total("resolved_before_created"), contacts: total("bad_contacts") };
  const n = failing.order + failing.contacts;
  if (n === 0) return;
  const problems: CxProblem[] = [];
  if (failing.order) {
    problems.push({
      row: null,
      column: "resolved_at",
      value: null,
      reason: RESOLVED_BEFORE_CREATED,
    });
  }
  if (failing.contacts) {
    problems.push({ row: null, column: "contacts", value: null, reason: BAD_CONTACTS });
  }
  throw new CxDataError(
    problems,
    n,
    `Tickets cannot give first contact resolution (${n} in ${call.engine.name})`,
  );
}
