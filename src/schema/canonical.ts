/**
 * Lookup of the four canonical tables by name.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import { customersSchema } from "./customers.ts";
import { eventsSchema } from "./events.ts";
import { RESPONSE_SCALES, type ResponseScales, responsesSchema } from "./responses.ts";
import type { RowSchema } from "./fields.ts";
import { ticketsSchema } from "./tickets.ts";
import { checkOptions } from "../options.ts";

/** Names of the canonical tables. */
export type CanonicalName = "responses" | "tickets" | "customers" | "events";

/** A canonical table name or any zod object schema of your own. */
export type SchemaInput = CanonicalName | RowSchema<unknown>;

/** The key column of each canonical table (`events` has none). */
const KEYS: Record<CanonicalName, string | undefined> = {
  responses: "response_id",
  tickets: "ticket_id",
  customers: "customer_id",
  events: undefined,
};

/**
 * The key column of a canonical table, whose values identify a row (checked
 * for duplicates by the loaders); `undefined` for `events` and your own schemas.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyColumn } from "./canonical.ts";
 * assert.equal(keyColumn("tickets"), "ticket_id");
 * assert.equal(keyColumn("events"), undefined);
 * ```
 */
export function keyColumn(input: SchemaInput): string | undefined {
  return typeof input === "string" ? KEYS[input] : undefined;
}

/**
 * Resolves a canonical table name (or passes a schema through).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalSchema } from "./canonical.ts";
 * const schema = canonicalSchema("responses", { csatScale: 7 });
 * assert.ok(schema.safeParse({ response_id: "r", date: new Date(), csat: 7 }).success);
 * ```
 */
export function canonicalSchema(
  input: SchemaInput,
  scales: ResponseScales = {},
): RowSchema<unknown> {
  checkOptions("canonicalSchema", scales, RESPONSE_SCALES);
  if (typeof input !== "string") return input;
  switch (input) {
    case "responses":
      return responsesSchema(scales);
    case "tickets":
      return ticketsSchema;
    case "customers":
      return customersSchema;
    case "events":
      return eventsSchema;
    default:
      throw new CxOptionsError(
        `Option "schema" must be one of responses, tickets, customers, events or a zod object, got ${
          JSON.stringify(input)
        }`,
      );
  }
}
