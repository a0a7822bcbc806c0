/**
 * The canonical **customers** table: one customer per row.
 *
 * @module
 */
import { z } from "zod";
import { dateField, keyField, type RowSchema, type Same, textField } from "./fields.ts";

// Kept as zod's own type internally; the public export below is typed with RowSchema.
const customersZod = z.object({
  customer_id: keyField("customer_id"),
  signup_date: dateField("signup_date"),
  churn_date: dateField("churn_date").optional(),
  churn_reason: textField().optional(),
  plan: textField().optional(),
  region: textField().optional(),
  referred_by: textField().optional(),
}).superRefine((c, ctx) => {
  if (c.churn_date && c.churn_date < c.signup_date) {
    ctx.addIssue({
      code: "custom",
      path: ["churn_date"],
      message: `churn_date is before signup_date (${
        c.signup_date.toISOString().slice(0, 10)
      }): a customer cannot churn before signing up; check the date format or the column mapping`,
    });
  }
});

/** One validated customer. */
export interface Customer {
  /** Unique id of the customer. */
  customer_id: string;
  /** Start of the relationship. */
  signup_date: Date;
  /** End of the relationship; missing while active (censored). */
  churn_date?: Date;
  /** Why the customer left (voluntary, payment_failure, …). */
  churn_reason?: string;
  /** Plan or contract type. */
  plan?: string;
  /** Region or market. */
  region?: string;
  /** customer_id of the referrer, if referred. */
  referred_by?: string;
}

/**
 * The zod schema of the customers table. `churn_date` is empty for customers
 * still active (censored) and may not precede `signup_date`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { customersSchema } from "./customers.ts";
 * const ok = customersSchema.safeParse({ customer_id: "c1", signup_date: new Date("2024-01-05") });
 * assert.ok(ok.success);
 * ```
 */
export const customersSchema: RowSchema<Customer> = customersZod;

const _typeMatchesSchema: Same<Customer, z.infer<typeof customersZod>> = true;
