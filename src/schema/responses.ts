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
import {
  CES_DEFAULTS,
  CES_SCALES,
  type CesScale,
  checkScale,
  CSAT_DEFAULTS,
  CSAT_SCALES,
  type CsatScale,
  NPS_SCALE,
} from "./scales.ts";
import { optionNames } from "../options.ts";

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
  const { csatScale = CSAT_DEFAULTS.scale, cesScale = CES_DEFAULTS.scale } = scales;
  checkScale("csatScale", csatScale, CSAT_SCALES);
  checkScale("cesScale", cesScale, CES_SCALES);
  return z.object({
    response_id: keyField("response_id"),
    customer_id: idField("customer_id").optional(),
    date: dateField("date"),
    nps_score: scaleField("nps_score", NPS_SCALE.min, NPS_SCALE.max, "the likelihood to recommend")
      .optional(),
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
