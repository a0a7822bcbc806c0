/**
 * Multi-touch attribution: which channels earn the conversions, by a
 * first-order Markov chain's removal effects or by a heuristic rule, with
 * seeded bootstrap intervals over customers.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CxOptionsError } from "../../errors.ts";
import { attachMeta } from "../../meta.ts";
import { optionNames } from "../../options.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { quantileSorted } from "../../stats/quantile.ts";
import { checkResamples, seededRandom } from "../../stats/random.ts";
import {
  ATTRIBUTION_MODELS,
  type AttributionModel,
  chainSteps,
  credits,
  heuristicConversions,
  removalEffects,
  type TouchJourney,
} from "./attribution_models.ts";
import {
  checkConversionSeen,
  compareText,
  type JourneyColumns,
  journeyColumns,
  readJourneys,
} from "./events.ts";
import { beforeConversion } from "./paths.ts";

export type { AttributionModel } from "./attribution_models.ts";

/** Options of {@link attribution}. */
export interface AttributionOptions extends JourneyColumns {
  /** Channel (touchpoint) column (default `"channel"`). */
  channel?: string;
  /** The channel value that marks a conversion (default `"purchase"`). */
  conversion?: string;
  /** Attribution model (default `"markov"`). */
  model?: AttributionModel;
  /** Half-life of the `"time-decay"` model in days (default 7). */
  halfLife?: number;
  /** Bootstrap resamples of customers for the intervals (default 1000). */
  resamples?: number;
  /** Seed of the bootstrap (default 1): the same seed gives the same intervals. */
  seed?: number;
  /** Confidence level of the percentile intervals (default 0.95). */
  confidence?: number;
}

/** The names of {@link AttributionOptions}. */
export const ATTRIBUTION_OPTIONS = optionNames<AttributionOptions>()([
  "customer",
  "date",
  "channel",
  "conversion",
  "model",
  "halfLife",
  "resamples",
  "seed",
  "confidence",
]);

/** The {@link attribution} result columns (`removal_effect` only with `model: "markov"`). */
export const ATTRIBUTION_COLUMNS = [
  "channel",
  "conversions",
  "conversions_low",
  "conversions_high",
  "share",
  "share_low",
  "share_high",
  "removal_effect",
] as const;

/**
 * Conversions attributed to each channel: `channel, conversions,
 * conversions_low, conversions_high, share, share_low, share_high` (and
 * `removal_effect` with the Markov model), one row per channel, most
 * conversions first.
 *
 * A customer's journey is their touchpoints (events ordered by date, ties by
 * label) up to their first conversion — rows whose channel is `conversion`;
 * touchpoints dated at or before it count, later ones do not — or all their
 * touchpoints when they never converted.
 *
 * - `"markov"`: a first-order chain over start, the channels, conversion and
 *   null (every journey ends in conversion or null), fitted on all journeys.
 *   `removal_effect` = 1 − P(conversion with the channel removed) /
 *   P(conversion), removal sending the transitions into the channel to
 *   null (as R's ChannelAttribution). The conversions are shared in
 *   proportion to the removal effects.
 * - `"first"`, `"last"`: each conversion to the first or last touchpoint.
 * - `"linear"`: equal parts to every touchpoint.
 * - `"position"` (U-shaped): 40 % to the first touchpoint, 40 % to the last,
 *   20 % in equal parts to those between; one touchpoint takes all, two
 *   take half each.
 * - `"time-decay"`: touchpoint weights 2^(−Δ/halfLife), Δ the days from the
 *   touchpoint to the conversion, normalised per conversion.
 *
 * A channel that occurs more than once in a journey gets each occurrence's
 * credit. Conversions without any touchpoint before them are attributed to
 * none (`notes.unattributed`). The intervals are percentile intervals of
 * `resamples` bootstrap resamples of customers (seeded by `seed`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { attribution } from "./attribution.ts";
 * const d = (day: number) => new Date(Date.UTC(2025, 0, day));
 * const events = aq.table({
 *   customer_id: ["a", "a", "a", "b", "b", "c"],
 *   date: [d(1), d(2), d(3), d(1), d(2), d(1)],
 *   channel: ["mail", "search", "purchase", "search", "purchase", "mail"],
 * });
 * const last = attribution(events, { model: "last", resamples: 200 });
 * assert.deepEqual(last.array("channel"), ["search", "mail"]);
 * assert.deepEqual(last.array("conversions"), [2, 0]);
 * const markov = attribution(events, { resamples: 200 });
 * // P(conversion) = 2/3; without search it is 0, without mail 1/3 (only b converts)
 * const [search, mail] = markov.array("removal_effect") as number[];
 * assert.ok(Math.abs(search - 1) < 1e-12 && Math.abs(mail - 0.5) < 1e-12);
 * // the 2 conversions shared 1 : 0.5
 * assert.ok(Math.abs(markov.get("conversions", 0) - 4 / 3) < 1e-12);
 * ```
 */
export const attribution: EngineAnalysis<AttributionOptions> = withEngine<AttributionOptions>({
  name: "attribution",
  options: ATTRIBUTION_OPTIONS,
  memory: (input, options) => attributionInMemory(pooled(input), options),
  sql: {
    refuse:
      "the models and the bootstrap need each customer's ordered journey (transitions pushes down the step-to-step counts)",
  },
});

interface Settings {
  model: AttributionModel;
  conversion: string;
  halfLife: number;
  resamples: number;
  seed: number;
  confidence: number;
}

function settings(options: AttributionOptions): Settings {
  const {
    model = "markov",
    conversion = "purchase",
    halfLife = 7,
    resamples = 1000,
    seed = 1,
    confidence = 0.95,
  } = options;
  if (!ATTRIBUTION_MODELS.includes(model)) {
    throw new CxOptionsError(
      `Option "model" must be one of ${ATTRIBUTION_MODELS.join(", ")}, got ${
        JSON.stringify(model)
      }`,
    );
  }
  if (typeof conversion !== "string") {
    throw new CxOptionsError(
      `Option "conversion" must be the channel value of a conversion, e.g. "purchase", got ${
        JSON.stringify(conversion)
      }`,
    );
  }
  if (typeof halfLife !== "number" || !(halfLife > 0) || !Number.isFinite(halfLife)) {
    throw new CxOptionsError(
      `Option "halfLife" must be a positive number of days such as 7, got ${
        JSON.stringify(halfLife)
      }`,
    );
  }
  checkResamples(resamples);
  if (!Number.isInteger(seed)) {
    throw new CxOptionsError(`Option "seed" must be a whole number, got ${JSON.stringify(seed)}`);
  }
  checkConfidence(confidence);
  return { model, conversion, halfLife, resamples, seed, confidence };
}

function attributionInMemory(table: ColumnTable, options: AttributionOptions): ColumnTable {
  const s = settings(options);
  const columns = journeyColumns(table, { ...options, by: undefined }, {
    option: "channel",
    name: options.channel ?? "channel",
  });
  const { journeys, rowsLeftOut } = readJourneys(table, columns);
  checkConversionSeen(journeys, s.conversion, columns.step);
  const { touch, channels } = touchJourneys(journeys, s.conversion);
  const estimate = estimator(touch, channels.length, s);
  const point = estimate(new Float64Array(touch.length).fill(1));
  const draws = bootstrap(estimate, touch.length, channels.length, s);
  const result = attributionTable(channels, point, draws, s);
  const converted = touch.filter((j) => j.conversion !== null);
  return attachMeta(result, {
    kind: "journey",
    analysis: "attribution",
    options: { ...columns, ...s },
    notes: {
      rows_left_out: rowsLeftOut,
      customers: touch.length,
      conversions: converted.length,
      unattributed: converted.filter((j) => j.touches.length === 0).length,
      ...(s.model === "markov" ? { conversion_probability: point.probability } : {}),
      interval: "bootstrap percentile over customers",
    },
  });
}

/** Journeys cut at the first conversion, channels as indices (sorted by label). */
function touchJourneys(
  journeys: ReturnType<typeof readJourneys>["journeys"],
  conversion: string,
): { touch: TouchJourney[]; channels: string[] } {
  const cut = journeys.map((j) => {
    const at = j.steps.indexOf(conversion);
    return { ...beforeConversion(j, conversion, false), at: at < 0 ? null : j.times[at] };
  });
  const channels = [...new Set(cut.flatMap((j) => j.steps))].sort(compareText);
  const index = new Map(channels.map((c, i) => [c, i]));
  const touch = cut.map((j) => ({
    touches: j.steps.map((s) => index.get(s)!),
    times: j.times,
    conversion: j.at,
  }));
  return { touch, channels };
}

interface Estimate {
  conversions: number[];
  removal: number[] | null;
  probability: number | null;
}

/** The model as a function of customer weights (1 each for the data, counts for a resample). */
function estimator(
  touch: TouchJourney[],
  channels: number,
  s: Settings,
): (weights: Float64Array) => Estimate {
  if (s.model === "markov") {
    const steps = touch.map((j) => chainSteps(j, channels));
    const converted = touch.map((j) => j.conversion !== null && j.touches.length > 0 ? 1 : 0);
    return (weights) => {
      const r = removalEffects(steps, weights, channels);
      let total = 0;
      converted.forEach((c, j) => total += c * weights[j]);
      const sum = r.removalEffects.reduce((a, b) => a + b, 0);
      const conversions = r.removalEffects.map((e) => sum > 0 ? total * e / sum : 0);
      return { conversions, removal: r.removalEffects, probability: r.conversionProbability };
    };
  }
  const credit = touch.map((j) =>
    j.conversion !== null && j.touches.length > 0
      ? { touches: j.touches, credit: credits(j, s.model, s.halfLife) }
      : { touches: [], credit: [] }
  );
  return (weights) => ({
    conversions: heuristicConversions(credit, weights, channels),
    removal: null,
    probability: null,
  });
}

/** Per resample and channel: attributed conversions and share. */
function bootstrap(
  estimate: (weights: Float64Array) => Estimate,
  customers: number,
  channels: number,
  s: Settings,
): { conversions: Float64Array[]; share: Float64Array[] } {
  const random = seededRandom(s.seed);
  const conversions = Array.from({ length: channels }, () => new Float64Array(s.resamples));
  const share = Array.from({ length: channels }, () => new Float64Array(s.resamples));
  const weights = new Float64Array(customers);
  for (let b = 0; b < s.resamples; b++) {
    weights.fill(0);
    for (let i = 0; i < customers; i++) weights[Math.floor(random() * customers)]++;
    const e = estimate(weights);
    const total = e.conversions.reduce((a, x) => a + x, 0);
    e.conversions.forEach((x, c) => {
      conversions[c][b] = x;
      share[c][b] = total > 0 ? x / total : 0;
    });
  }
  return { conversions, share };
}

function attributionTable(
  channels: string[],
  point: Estimate,
  draws: { conversions: Float64Array[]; share: Float64Array[] },
  s: Settings,
): ColumnTable {
  const total = point.conversions.reduce((a, x) => a + x, 0);
  const alpha = 1 - s.confidence;
  const bound = (values: Float64Array, p: number) => quantileSorted(values.sort(), p);
  const order = channels.map((_, i) => i).sort((a, b) =>
    point.conversions[b] - point.conversions[a] || compareText(channels[a], channels[b])
  );
  const col = (f: (c: number) => unknown) => order.map(f);
  const out: Record<string, unknown[]> = {
    channel: col((c) => channels[c]),
    conversions: col((c) => point.conversions[c]),
    conversions_low: col((c) => bound(draws.conversions[c], alpha / 2)),
    conversions_high: col((c) => bound(draws.conversions[c], 1 - alpha / 2)),
    share: col((c) => total > 0 ? point.conversions[c] / total : null),
    share_low: col((c) => bound(draws.share[c], alpha / 2)),
    share_high: col((c) => bound(draws.share[c], 1 - alpha / 2)),
  };
  if (point.removal) out.removal_effect = col((c) => point.removal![c]);
  return aq.table(out);
}
