/**
 * First contact resolution in memory: the aggregate step (ticket, resolved
 * and first-contact counts per group, with the value checks) and the
 * finalize step (share and Wilson interval), shared with the SQL step.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import * as aq from "arquero";
import { CxSchemaError } from "../../errors.ts";
import { wilson } from "../../stats/intervals.ts";
import { type GroupPlan, type KpiOptions, resolvePlan, withPeriods } from "../../base/plan.ts";
import { tidyResult } from "../groups.ts";
import { checkDate, idNote, Problems } from "./checks.ts";
import { FCR_COLUMNS, requireTicketColumn, TICKETS_LEFT_OUT } from "./options.ts";

/** Checks the columns FCR needs and resolves the plan (dates: `created_at`). */
export function fcrPlan(table: ColumnTable, options: KpiOptions): GroupPlan {
  requireTicketColumn(table, "resolved_at", "first contact resolution");
  if (!table.columnNames().includes("contacts")) {
    throw new CxSchemaError(
      `Column "contacts" is missing, and first contact resolution needs it: the number of customer contacts per ticket (1 = resolved at first contact). It is optional in the tickets schema because only this KPI uses it. Columns: ${
        table.columnNames().join(", ")
      }. Map yours with readCsv(…, { schema: "tickets", mapping: { contacts: "<your column>" } })`,
    );
  }
  return resolvePlan(table, options, { date: "created_at" });
}

/** The finalize step over an FCR aggregate (in memory or from an engine). */
export function fcrResult(aggregate: ColumnTable, keys: string[], plan: GroupPlan): ColumnTable {
  return tidyResult(
    aggregate,
    keys,
    plan,
    (row) => finalizeFcr(row as unknown as FcrCounts, plan.confidence),
    {
      kpi: "first_contact_resolution",
      method: "wilson",
      notes: { numerator: "resolved with contacts = 1", denominator: "resolved tickets" },
    },
    [...FCR_COLUMNS],
    { leftOut: TICKETS_LEFT_OUT },
  );
}
/** The mergeable aggregate of FCR: ticket counts per group. */
export interface FcrCounts {
  /** All tickets. */
  tickets: number;
  /** Tickets with `resolved_at`. */
  resolved: number;
  /** Resolved tickets with `contacts === 1`. */
  first_contact: number;
}

/**
 * Aggregate step of FCR: ticket, resolved and first-contact counts per group.
 * Throws a `CxDataError` for non-date `resolved_at`, a resolution before
 * creation, or a resolved ticket without a whole `contacts` count ≥ 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { aggregateFcr } from "./fcr.ts";
 * const t = aq.table({ resolved_at: [new Date("2024-01-02"), null], contacts: [1, 2] });
 * const plan = {
 *   by: [],
 *   date: "created_at",
 *   timeZone: "UTC",
 *   confidence: 0.95,
 *   minN: 30,
 *   aggregate: "kernel" as const,
 * };
 * const { aggregate } = aggregateFcr(t, plan);
 * assert.ok(aggregate.get("resolved", 0) === 1 && aggregate.get("first_contact", 0) === 1);
 * ```
 */
export function aggregateFcr(
  table: ColumnTable,
  plan: GroupPlan,
): { aggregate: ColumnTable; keys: string[] } {
  const { resolved, first } = fcrFlags(table);
  const { table: grouped, keys } = withPeriods(
    table.reify().assign({ __r: resolved, __fc: first }),
    plan,
  );
  const base = keys.length ? grouped.groupby(keys) : grouped;
  const aggregate = base.rollup({
    tickets: aq.op.count(),
    resolved: aq.op.sum("__r"),
    first_contact: aq.op.sum("__fc"),
  });
  return { aggregate, keys };
}

/** Per ticket: resolved (1/0) and resolved at first contact (1/0); throws on impossible values. */
export function fcrFlags(table: ColumnTable): { resolved: number[]; first: number[] } {
  const resolvedAt = table.array("resolved_at") as unknown[];
  const contacts = table.array("contacts") as unknown[];
  const names = table.columnNames();
  const created = names.includes("created_at") ? table.array("created_at") as unknown[] : null;
  const ids = names.includes("ticket_id") ? table.array("ticket_id") as unknown[] : undefined;
  const resolved = new Array<number>(resolvedAt.length);
  const first = new Array<number>(resolvedAt.length);
  const problems = new Problems("Tickets cannot give first contact resolution");
  for (let i = 0; i < resolvedAt.length; i++) {
    const r = resolvedAt[i], c = contacts[i];
    resolved[i] = first[i] = 0;
    if (!checkDate(problems, i, "resolved_at", r, ids, false) || r === null || r === undefined) {
      continue;
    }
    const from = created?.[i];
    if (from instanceof Date && (r as Date).getTime() < from.getTime()) {
      problems.add(
        i,
        "resolved_at",
        r,
        `resolved_at is before created_at (${from.toISOString()})${
          idNote(ids, i)
        }: a ticket cannot be resolved before it exists; check the time zone of both columns or the column mapping`,
      );
      continue;
    }
    if (typeof c !== "number" || !Number.isInteger(c) || c < 1) {
      problems.add(
        i,
        "contacts",
        c,
        c === null || c === undefined
          ? `contacts is missing for a resolved ticket${
            idNote(ids, i)
          }; first contact resolution needs it for every resolved ticket: fill it in, or leave such tickets out first (e.g. table.filter((d) => d.contacts != null))`
          : `contacts must be a whole number ≥ 1 for a resolved ticket${
            idNote(ids, i)
          }; load tickets with readCsv(…, { schema: "tickets" }) to get such rows as rejects`,
      );
      continue;
    }
    resolved[i] = 1;
    first[i] = c === 1 ? 1 : 0;
  }
  problems.throwIfAny();
  return { resolved, first };
}
/**
 * Finalize step of FCR: the share of resolved tickets resolved at first
 * contact, with its Wilson interval; `null` when nothing was resolved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { finalizeFcr } from "./fcr.ts";
 * const r = finalizeFcr({ tickets: 12, resolved: 10, first_contact: 3 }, 0.95);
 * assert.ok(r.fcr === 0.3 && r.unresolved === 2);
 * assert.ok(Math.abs(r.fcr_low! - 0.10779126740630095) < 1e-12);
 * ```
 */
export function finalizeFcr(
  counts: FcrCounts,
  confidence: number,
): Record<string, number | null> {
  const tickets = counts.tickets, resolved = counts.resolved ?? 0;
  const firstContact = counts.first_contact ?? 0;
  const { low, high } = wilson(firstContact, resolved, confidence);
  return {
    tickets,
    resolved,
    unresolved: tickets - resolved,
    first_contact: firstContact,
    n: resolved,
    fcr: resolved > 0 ? firstContact / resolved : null,
    fcr_low: low,
    fcr_high: high,
  };
}
