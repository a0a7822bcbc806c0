/**
 * Journeys meet NPS: for each touchpoint, the NPS of answers from customers
 * whose journey included it before they answered, against the NPS of those
 * whose journey did not — which touchpoints are moments of truth for
 * detractors?
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled, type TableInput } from "../../base/input.ts";
import {
  requireColumn,
  resolveWeight,
  WEIGHT_COLUMN,
  WEIGHT_OPTIONS,
  type WeightOptions,
} from "../../base/plan.ts";
import { weightNotes } from "../../metrics/groups.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CxOptionsError } from "../../errors.ts";
import { attachMeta } from "../../meta.ts";
import { nps, npsCompare } from "../../metrics/nps.ts";
import { optionNames } from "../../options.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { holm } from "../../stats/multiple.ts";
import { compareText, type JourneyColumns, journeyColumns, readJourneys } from "./events.ts";

/** Options of {@link touchpointOutcomes}. */
export interface TouchpointOutcomesOptions extends JourneyColumns, WeightOptions {
  /** Survey answers with a customer id, an answer date and an NPS score (required). */
  responses: TableInput;
  /** Touchpoint column of the events (default `"channel"`). */
  channel?: string;
  /** Score column of the answers, 0–10 (default `"nps_score"`). */
  score?: string;
  /** Answer date column (default `"date"`). */
  answerDate?: string;
  /** Confidence level of the intervals; tests are significant when `p_adjusted < 1 − confidence` (default 0.95). */
  confidence?: number;
}

/** The names of {@link TouchpointOutcomesOptions}. */
export const TOUCHPOINT_OUTCOMES_OPTIONS = optionNames<TouchpointOutcomesOptions>()([
  "responses",
  "customer",
  "date",
  "channel",
  "score",
  "answerDate",
  "confidence",
  ...WEIGHT_OPTIONS,
]);

/** The {@link touchpointOutcomes} result columns, in order. */
export const TOUCHPOINT_NPS_COLUMNS = [
  "touchpoint",
  "n_with",
  "nps_with",
  "nps_with_low",
  "nps_with_high",
  "n_without",
  "nps_without",
  "nps_without_low",
  "nps_without_high",
  "difference",
  "difference_low",
  "difference_high",
  "std_err",
  "statistic",
  "p_value",
  "p_adjusted",
  "significant",
] as const;

/**
 * NPS with and without each touchpoint: one row per touchpoint, `touchpoint,
 * n_with, nps_with (_low, _high), n_without, nps_without (_low, _high),
 * difference (_low, _high), std_err, statistic, p_value, p_adjusted,
 * significant`, most negative difference first.
 *
 * An answer counts "with" a touchpoint when the customer had an event of
 * it dated at or before the answer, "without" otherwise. Only answers of
 * customers who appear in the events count (`notes.answers_without_journey`
 * counts the others, `notes.answers_left_out` those without a score or
 * date). NPS and its Wald interval are `nps`'s; the difference (with −
 * without) and its two-sided z-test are `npsCompare`'s; `p_adjusted` is
 * Holm's over the touchpoints; with survey weights (option `weight`, by
 * default the answers' `weight` column, `null` for none) both are the
 * weighted ones of `nps` and `npsCompare`. A touchpoint every answer (or none) had gets
 * no test (`null`s).
 *
 * Runs in memory only (it joins two tables per customer); `engine` is refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { touchpointOutcomes } from "./outcomes_nps.ts";
 * const d = (day: number) => new Date(Date.UTC(2025, 0, day));
 * const events = aq.table({
 *   customer_id: ["a", "b", "c", "d"],
 *   date: [d(1), d(1), d(1), d(9)],
 *   channel: ["phone", "phone", "chat", "phone"],
 * });
 * const responses = aq.table({
 *   customer_id: ["a", "b", "c", "d"],
 *   date: [d(2), d(2), d(2), d(2)],
 *   nps_score: [3, 5, 10, 9],
 * });
 * const r = touchpointOutcomes(events, { responses });
 * const phone = (r.objects() as Record<string, unknown>[]).find((x) => x.touchpoint === "phone")!;
 * // d called after answering: counted without phone
 * assert.equal(phone.n_with, 2);
 * assert.equal(phone.nps_with, -100);
 * assert.equal(phone.nps_without, 100);
 * ```
 */
export const touchpointOutcomes: EngineAnalysis<TouchpointOutcomesOptions> = withEngine<
  TouchpointOutcomesOptions
>({
  name: "touchpointOutcomes",
  options: TOUCHPOINT_OUTCOMES_OPTIONS,
  memory: (input, options) => outcomesInMemory(pooled(input), options),
  sql: { refuse: "it joins each customer's journey to their answers" },
});

function outcomesInMemory(events: ColumnTable, options: TouchpointOutcomesOptions): ColumnTable {
  if (options.responses === undefined) {
    throw new CxOptionsError(
      `touchpointOutcomes needs option "responses": the survey answers, e.g. touchpointOutcomes(events, { responses })`,
    );
  }
  const { score = "nps_score", answerDate = "date", confidence = 0.95 } = options;
  checkConfidence(confidence);
  const columns = journeyColumns(events, { ...options, by: undefined }, {
    option: "channel",
    name: options.channel ?? "channel",
  });
  const { journeys, rowsLeftOut } = readJourneys(events, columns);
  const byCustomer = new Map(journeys.map((j) => [keyOf(j.customer), j]));
  const responses = pooled(options.responses);
  const weight = resolveWeight(responses, options.weight, WEIGHT_COLUMN);
  const answers = answersOf(responses, columns.customer, answerDate, score, weight);
  const kept = answers.rows.filter((a) => byCustomer.has(keyOf(a.customer)));
  const touchpoints = [...new Set(journeys.flatMap((j) => j.steps))].sort(compareText);
  const rows = touchpoints.map((tp) => {
    const group = kept.map((a) => {
      const j = byCustomer.get(keyOf(a.customer))!;
      return j.steps.some((s, i) => s === tp && j.times[i] <= a.time) ? "with" : "without";
    });
    return compareGroups(tp, group, kept, { confidence, weighted: weight !== undefined });
  });
  const adjusted = holm(rows.map((r) => r.p_value as number | null));
  rows.forEach((r, i) => {
    r.p_adjusted = adjusted[i];
    r.significant = adjusted[i] === null ? null : (adjusted[i] as number) < 1 - confidence;
  });
  rows.sort((a, b) =>
    ((a.difference as number | null) ?? Infinity) - ((b.difference as number | null) ?? Infinity) ||
    compareText(a.touchpoint as string, b.touchpoint as string)
  );
  const table = aq.table(
    Object.fromEntries(TOUCHPOINT_NPS_COLUMNS.map((c) => [c, rows.map((r) => r[c])])),
  );
  return attachMeta(table, {
    kind: "journey",
    analysis: "touchpointOutcomes",
    options: { ...columns, score, answerDate, confidence },
    notes: {
      ...weightNotes({ weight }),
      rows_left_out: rowsLeftOut,
      answers: kept.length,
      answers_without_journey: answers.rows.length - kept.length,
      answers_left_out: answers.leftOut,
      with: "the customer had the touchpoint at or before the answer's date",
      test: "two-sample z (trinomial variance), as npsCompare",
      correction: "holm",
    },
  });
}

interface Answer {
  customer: unknown;
  time: number;
  score: unknown;
  /** Survey weight (1 without weights). */
  weight: unknown;
}

function answersOf(
  responses: ColumnTable,
  customer: string,
  date: string,
  score: string,
  weight: string | undefined,
): { rows: Answer[]; leftOut: number } {
  requireColumn(responses, customer, "customer");
  requireColumn(responses, date, "answerDate");
  requireColumn(responses, score, "score");
  const c = responses.array(customer) as ArrayLike<unknown>;
  const d = responses.array(date) as ArrayLike<unknown>;
  const s = responses.array(score) as ArrayLike<unknown>;
  const w = weight === undefined ? undefined : responses.array(weight) as ArrayLike<unknown>;
  const rows: Answer[] = [];
  let leftOut = 0;
  for (let i = 0; i < responses.numRows(); i++) {
    const t = d[i] instanceof Date
      ? (d[i] as Date).getTime()
      : typeof d[i] === "number"
      ? d[i] as number
      : NaN;
    if (
      c[i] === null || c[i] === undefined || s[i] === null || s[i] === undefined ||
      !Number.isFinite(t)
    ) {
      leftOut++;
      continue;
    }
    rows.push({ customer: c[i], time: t, score: s[i], weight: w ? w[i] : 1 });
  }
  return { rows, leftOut };
}

/** NPS of the two groups (nps) and their difference with its test (npsCompare). */
function compareGroups(
  touchpoint: string,
  group: string[],
  answers: Answer[],
  { confidence, weighted }: { confidence: number; weighted: boolean },
): Record<string, unknown> {
  const t = aq.table({
    group,
    nps_score: answers.map((a) => a.score),
    ...(weighted ? { weight: answers.map((a) => a.weight) } : {}),
  });
  const byGroup = new Map(
    (nps(t, { by: "group", confidence }).objects() as Record<string, unknown>[]).map((
      r,
    ) => [r.group, r]),
  );
  const side = (g: string) => byGroup.get(g) ?? { n: 0, nps: null, nps_low: null, nps_high: null };
  const w = side("with"), wo = side("without");
  const row: Record<string, unknown> = {
    touchpoint,
    n_with: w.n,
    nps_with: w.nps,
    nps_with_low: w.nps_low,
    nps_with_high: w.nps_high,
    n_without: wo.n,
    nps_without: wo.nps,
    nps_without_low: wo.nps_low,
    nps_without_high: wo.nps_high,
  };
  const both = (w.n as number) > 0 && (wo.n as number) > 0;
  const cmp = both
    ? npsCompare(t, { by: "group", a: "with", b: "without", confidence }).objects()[0] as Record<
      string,
      unknown
    >
    : {};
  for (
    const c of [
      "difference",
      "difference_low",
      "difference_high",
      "std_err",
      "statistic",
      "p_value",
    ]
  ) {
    row[c] = cmp[c] ?? null;
  }
  return row;
}

function keyOf(v: unknown): string {
  return v instanceof Date ? `d${v.getTime()}` : `${typeof v}:${String(v)}`;
}
