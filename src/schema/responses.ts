/**
 * The canonical **responses** table: one survey answer per row.
 *
 * @module
 */
import { z } from "zod";
import {
  dateField,
  idField,
  keyField,
  type RowSchema,
  type Same,
  scaleField,
  textField,
} from "./fields.ts";
import { CxOptionsError } from "../errors.ts";
import { optionNames } from "../options.ts";

/** Scales a CSAT question can be asked on (1–5, 1–7 or 1–10). */
export type CsatScale = 5 | 7 | 10;
/** Scales a CES question can be asked on (1–5 or 1–7). */
export type CesScale = 5 | 7;

/** The declared answer scales of a survey. */
export interface ResponseScales {
  /** Top of the CSAT scale (1–5 by default). */
  csatScale?: CsatScale;
  /** Top of the CES scale (1–7 by default, the CES 2.0 scale). */
  cesScale?: CesScale;
}

/** The names of {@link ResponseScales}. */
export const RESPONSE_SCALES = optionNames<ResponseScales>()(["csatScale", "cesScale"]);

/**
 * Builds the zod schema of the responses table for the declared CSAT and CES
 * scales. Extra columns (segments, attribute ratings) pass through untouched.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { responsesSchema } from "./responses.ts";
 * const schema = responsesSchema({ csatScale: 10 });
 * const ok = schema.safeParse({ response_id: "r1", date: new Date("2024-01-05"), csat: 9 });
 * assert.ok(ok.success);
 * ```
 */
export function responsesSchema(scales: ResponseScales = {}): RowSchema<Response> {
  return responsesZod(scales);
}

/** The zod object behind {@link responsesSchema} (internal: its type is zod's). */
export function responsesZod(scales: ResponseScales = {}) {
  const { csatScale = 5, cesScale = 7 } = scales;
  if (![5, 7, 10].includes(csatScale)) {
    throw new CxOptionsError(`Option "csatScale" must be 5, 7 or 10, got ${csatScale}`);
  }
  if (![5, 7].includes(cesScale)) {
    throw new CxOptionsError(`Option "cesScale" must be 5 or 7, got ${cesScale}`);
  }
  return z.object({
    response_id: keyField("response_id"),
    customer_id: idField("customer_id").optional(),
    date: dateField("date"),
    nps_score: scaleField("nps_score", 0, 10, "the likelihood to recommend").optional(),
    csat: scaleField("csat", 1, csatScale, `the CSAT answer on the declared 1–${csatScale} scale`)
      .optional(),
    ces: scaleField("ces", 1, cesScale, `the CES answer on the declared 1–${cesScale} scale`)
      .optional(),
    comment: textField().optional(),
    channel: textField().optional(),
  });
}

/** One validated survey answer; extra segment columns pass through untyped. */
export interface Response {
  /** Unique id of the answer. */
  response_id: string;
  /** Who answered, to join with customers and tickets. */
  customer_id?: string;
  /** When the answer was given. */
  date: Date;
  /** Likelihood to recommend, integer 0–10. */
  nps_score?: number;
  /** Satisfaction on the declared CSAT scale (1–5 by default). */
  csat?: number;
  /** Customer effort on the declared CES scale (1–7 by default; lower is better). */
  ces?: number;
  /** Open-text comment. */
  comment?: string;
  /** Channel the answer is about (chat, phone, …). */
  channel?: string;
}

const _responseTypeMatchesSchema: Same<Response, z.infer<ReturnType<typeof responsesZod>>> = true;
