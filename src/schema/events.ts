/**
 * The canonical **events** table: customer activity and orders, one per row.
 *
 * @module
 */
import { z } from "zod";
import { dateField, idField, numberField, type RowSchema, type Same, textField } from "./fields.ts";

// Kept as zod's own type internally; the public export below is typed with RowSchema.
const eventsZod = z.object({
  customer_id: idField("customer_id"),
  date: dateField("date"),
  type: textField().optional(),
  revenue: numberField("revenue").optional(),
});

/** One validated event or order. */
export interface CxEvent {
  /** Who acted. */
  customer_id: string;
  /** When. */
  date: Date;
  /** What kind of event (order, login, …). */
  type?: string;
  /** Revenue of an order (refunds negative). */
  revenue?: number;
}

/**
 * The zod schema of the events/orders table: who did what when, and the
 * revenue of orders (refunds may be negative).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eventsSchema } from "./events.ts";
 * const ok = eventsSchema.safeParse({ customer_id: "c1", date: new Date("2024-01-05"), revenue: 19.9 });
 * assert.ok(ok.success);
 * ```
 */
export const eventsSchema: RowSchema<CxEvent> = eventsZod;

const _typeMatchesSchema: Same<CxEvent, z.infer<typeof eventsZod>> = true;
