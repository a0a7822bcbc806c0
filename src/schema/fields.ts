/**
 * Field builders shared by the canonical schemas. Each builder attaches a
 * message that tells the analyst what the rule is and how to fix a bad value.
 *
 * @module
 */
import { z } from "zod";

/** A required text identifier (`response_id`, `customer_id`, …). */
export function idField(column: string): z.ZodString {
  return z.string({ error: `${column} is required: every row needs an identifier` })
    .min(1, { error: `${column} is empty: every row needs an identifier` });
}

/**
 * The key of a table (`response_id`, `ticket_id`, the customers'
 * `customer_id`): a required identifier that is more than whitespace.
 * Duplicates are a check across rows (see the loaders' `unique` option).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyField } from "./fields.ts";
 * assert.ok(keyField("ticket_id").safeParse("T1").success);
 * assert.ok(!keyField("ticket_id").safeParse("  ").success);
 * ```
 */
export function keyField(column: string): z.ZodString {
  return idField(column).regex(/\S/, {
    error:
      `${column} is only whitespace: every row needs an identifier; fill it in or drop the row`,
  });
}

/** Free text; empty cells arrive as missing. */
export function textField(): z.ZodString {
  return z.string();
}

/** A calendar date or an instant (arrives as a JS `Date`). */
export function dateField(column: string): z.ZodDate {
  return z.date({
    error: `${column} must be a date (YYYY-MM-DD, DD.MM.YYYY or an ISO timestamp)`,
  });
}

/** An integer score on a closed scale, e.g. NPS 0–10 or CSAT 1–5. */
export function scaleField(column: string, min: number, max: number, what: string): z.ZodNumber {
  const rule = `${column} is ${what}, an integer from ${min} to ${max}`;
  return z.number({ error: `${rule}: fix the value or map the right column` })
    .int({ error: `${rule}: remove decimals or map the right column` })
    .min(min, { error: `${rule}: the value is below ${min}` })
    .max(max, { error: `${rule}: the value is above ${max}; check the scale or the column` });
}

/** A finite number, optionally with a lower bound. */
export function numberField(column: string, min?: number): z.ZodNumber {
  const base = z.number({ error: `${column} must be a number` });
  return min === undefined
    ? base
    : base.min(min, { error: `${column} must be at least ${min}; fix or drop the value` });
}

/** One problem a schema found in a row: the column path and a message. */
export interface RowIssue {
  /** Column (first element) and any nested path. */
  readonly path: readonly PropertyKey[];
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Result of checking one row: the typed row, or the issues found. */
export type RowCheck<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: { readonly issues: readonly RowIssue[] } };

/**
 * The part of a zod object schema cxkit relies on. Every `z.object({...})`
 * fits, so you can validate against your own schema; the canonical schemas
 * are typed with it.
 */
export interface RowSchema<T = Record<string, unknown>> {
  /** Field schemas by column name (zod field schemas). */
  readonly shape: Readonly<Record<string, unknown>>;
  /** Checks one row without throwing. */
  safeParse(row: unknown): RowCheck<T>;
}

/** Compile-time proof that two types are identical (used to tie row interfaces to schemas). */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2)
  ? true
  : false;

/** The kind of value a column holds, as the loaders need to know to parse text. */
export type ColumnKind = "string" | "number" | "integer" | "date";

/** How one schema column is parsed and whether the file must have it. */
export interface ColumnSpec {
  /** Canonical column name. */
  name: string;
  /** What text in this column is parsed into. */
  kind: ColumnKind;
  /** Whether the column must be present (its cells may still be empty if optional). */
  required: boolean;
}

/**
 * Reads the column list of a zod object schema: name, kind and whether it is
 * required. The schema stays the one source of truth; loaders use this to
 * know which text to parse into numbers and dates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { columnSpecs } from "./fields.ts";
 * const specs = columnSpecs(z.object({ id: z.string(), d: z.date().optional() }));
 * assert.ok(specs[1].kind === "date" && !specs[1].required);
 * ```
 */
export function columnSpecs(schema: RowSchema<unknown>): ColumnSpec[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    let inner = field as z.ZodType;
    let required = true;
    while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
      required = false;
      inner = inner.unwrap() as z.ZodType;
    }
    return { name, kind: kindOf(inner), required };
  });
}

function kindOf(field: z.ZodType): ColumnKind {
  // Row-level refinements wrap nothing here: zod 4 keeps them on the object.
  if (field instanceof z.ZodDate) return "date";
  if (field instanceof z.ZodNumber) return field.isInt ? "integer" : "number";
  return "string";
}
