/**
 * The canonical **tickets** table: one support case per row.
 *
 * @module
 */
import { z } from "zod";
import {
  dateField,
  idField,
  keyField,
  numberField,
  type RowSchema,
  type Same,
  textField,
} from "./fields.ts";

// Kept as zod's own type internally; the public export below is typed with RowSchema.
const ticketsZod = z.object({
  ticket_id: keyField("ticket_id"),
  customer_id: idField("customer_id").optional(),
  created_at: dateField("created_at"),
  first_response_at: dateField("first_response_at").optional(),
  resolved_at: dateField("resolved_at").optional(),
  // Optional: only first contact resolution needs it, and says so when it is missing.
  contacts: numberField("contacts", 1).int({
    error: "contacts is the number of customer contacts, a whole number of at least 1",
  }).optional(),
  channel: textField().optional(),
  agent: textField().optional(),
}).superRefine((t, ctx) => {
  for (const column of ["first_response_at", "resolved_at"] as const) {
    const at = t[column];
    if (at && at < t.created_at) {
      ctx.addIssue({
        code: "custom",
        path: [column],
        message:
          `${column} is before created_at (${t.created_at.toISOString()}): a ticket cannot be answered or resolved before it exists; check the time zone or the column mapping`,
      });
    }
  }
});

/** One validated support ticket. */
export interface Ticket {
  /** Unique id of the ticket. */
  ticket_id: string;
  /** Who raised it. */
  customer_id?: string;
  /** When it was opened. */
  created_at: Date;
  /** First agent answer; missing while unanswered. */
  first_response_at?: Date;
  /** Resolution; missing while open. */
  resolved_at?: Date;
  /**
   * Customer contacts needed (1 = first contact resolution). Optional: only
   * `firstContactResolution` needs it.
   */
  contacts?: number;
  /** Channel (chat, email, phone, …). */
  channel?: string;
  /** Handling agent. */
  agent?: string;
}

/**
 * The zod schema of the tickets table. A first response or a resolution
 * before the ticket was created is impossible and rejected, naming the column.
 * `ticket_id` must be more than whitespace; `contacts` may be left out (only
 * first contact resolution needs it). A resolution before the first response
 * is possible (solved by a bot, or the response logged late): loaders keep
 * such tickets and count them in a warning, and first response times leave
 * them out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ticketsSchema } from "./tickets.ts";
 * const bad = ticketsSchema.safeParse({
 *   ticket_id: "t1", contacts: 1,
 *   created_at: new Date("2024-01-05T10:00Z"), resolved_at: new Date("2024-01-04T10:00Z"),
 * });
 * assert.ok(!bad.success && bad.error.issues[0].path[0] === "resolved_at");
 * ```
 */
export const ticketsSchema: RowSchema<Ticket> = ticketsZod;

const _typeMatchesSchema: Same<Ticket, z.infer<typeof ticketsZod>> = true;
