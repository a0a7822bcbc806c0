/**
 * Stacking touchpoints: tickets, survey answers and other events become one
 * events table, the input of every journey analysis.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled, type TableInput } from "../../base/input.ts";
import { requireColumn } from "../../base/plan.ts";
import { CxOptionsError } from "../../errors.ts";
import { checkOptions, optionNames } from "../../options.ts";

/** The tables to stack; give at least one. */
export interface TouchpointSources {
  /** Events with their own step or channel column (e.g. web visits, purchases). */
  events?: TableInput;
  /** Support tickets (the canonical `tickets` table). */
  tickets?: TableInput;
  /** Survey answers (the canonical `responses` table). */
  responses?: TableInput;
}

/** Options of {@link stackTouchpoints}. */
export interface StackTouchpointsOptions {
  /** Customer id column of every source, and of the result (default `"customer_id"`). */
  customer?: string;
  /** Name of the result's touchpoint column (default `"channel"`; `"step"` for funnels and paths). */
  column?: string;
  /** The events' own touchpoint column (default: `column`). */
  eventColumn?: string;
  /** Date column of the events (default `"date"`). */
  eventDate?: string;
  /** Date column of the tickets (default `"created_at"`). */
  ticketDate?: string;
  /** Date column of the answers (default `"date"`). */
  responseDate?: string;
  /**
   * Label tickets and answers with their `channel` when they have one:
   * `"ticket: phone"`, `"survey: email"` (default `true`); `false`: `"ticket"`, `"survey"`.
   */
  withChannel?: boolean;
}

/** The names of {@link StackTouchpointsOptions}. */
export const STACK_TOUCHPOINTS_OPTIONS = optionNames<StackTouchpointsOptions>()([
  "customer",
  "column",
  "eventColumn",
  "eventDate",
  "ticketDate",
  "responseDate",
  "withChannel",
]);

/**
 * One events table from several sources: `customer_id, date, <column>,
 * source` (the customer column keeps its name; `column` defaults to
 * `"channel"`), the events first, then the tickets, then the answers, each
 * in its table order. `source` is `"event"`, `"ticket"` or `"response"`.
 * The touchpoint label is the event's own value, `"ticket"` or `"survey"` —
 * with the row's `channel` after a colon (`"ticket: phone"`) when the source
 * has a `channel` column, the row has a value and `withChannel` is on.
 *
 * Every row is kept as it is: rows without a customer or date stay (with
 * missing values) so that the journey analyses count them as left out;
 * nothing is dropped here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { stackTouchpoints } from "./touchpoints.ts";
 * const d = (day: number) => new Date(Date.UTC(2025, 0, day));
 * const tickets = aq.table({ customer_id: ["a"], created_at: [d(2)], channel: ["phone"] });
 * const responses = aq.table({ customer_id: ["a"], date: [d(3)], nps_score: [4] });
 * const events = aq.table({ customer_id: ["a"], date: [d(1)], channel: ["web"] });
 * const t = stackTouchpoints({ events, tickets, responses });
 * assert.deepEqual(t.array("channel"), ["web", "ticket: phone", "survey"]);
 * assert.deepEqual(t.array("source"), ["event", "ticket", "response"]);
 * ```
 */
export function stackTouchpoints(
  sources: TouchpointSources,
  options: StackTouchpointsOptions = {},
): ColumnTable {
  checkOptions("stackTouchpoints", options, STACK_TOUCHPOINTS_OPTIONS);
  checkOptions("stackTouchpoints sources", sources, ["events", "tickets", "responses"]);
  const {
    customer = "customer_id",
    column = "channel",
    eventDate = "date",
    ticketDate = "created_at",
    responseDate = "date",
    withChannel = true,
  } = options;
  if (typeof withChannel !== "boolean") {
    throw new CxOptionsError(
      `stackTouchpoints: option "withChannel" must be true or false, got ${
        JSON.stringify(withChannel)
      }`,
    );
  }
  if (new Set([customer, "date", column, "source"]).size < 4) {
    throw new CxOptionsError(
      `stackTouchpoints: options "customer" (${JSON.stringify(customer)}) and "column" (${
        JSON.stringify(column)
      }) must differ from each other and from the result's "date" and "source" columns`,
    );
  }
  const parts: ColumnTable[] = [];
  const add = (input: TableInput | undefined, source: string, date: string, label: Label) => {
    if (input === undefined) return;
    parts.push(stackOne(pooled(input), { customer, column, date, source, label }));
  };
  add(sources.events, "event", eventDate, { own: options.eventColumn ?? column });
  add(sources.tickets, "ticket", ticketDate, { fixed: "ticket", withChannel });
  add(sources.responses, "response", responseDate, { fixed: "survey", withChannel });
  if (parts.length === 0) {
    throw new CxOptionsError(
      "stackTouchpoints: give at least one of events, tickets or responses, e.g. stackTouchpoints({ tickets, responses })",
    );
  }
  return parts[0].concat(...parts.slice(1));
}

type Label = { own: string } | { fixed: string; withChannel: boolean };

function stackOne(
  table: ColumnTable,
  o: { customer: string; column: string; date: string; source: string; label: Label },
): ColumnTable {
  requireColumn(table, o.customer, "customer");
  requireColumn(table, o.date, `${o.source}Date`);
  const n = table.numRows();
  let labels: unknown[];
  if ("own" in o.label) {
    requireColumn(table, o.label.own, "eventColumn");
    labels = Array.from(table.array(o.label.own) as ArrayLike<unknown>);
  } else {
    const fixed = o.label.fixed;
    const channel = o.label.withChannel && table.columnNames().includes("channel")
      ? table.array("channel") as ArrayLike<unknown>
      : null;
    labels = Array.from({ length: n }, (_, i) => {
      const c = channel?.[i];
      return c === null || c === undefined || c === "" ? fixed : `${fixed}: ${c}`;
    });
  }
  return aq.table({
    [o.customer]: Array.from(table.array(o.customer) as ArrayLike<unknown>),
    date: Array.from(table.array(o.date) as ArrayLike<unknown>),
    [o.column]: labels,
    source: new Array(n).fill(o.source),
  });
}
