/**
 * Attribution models on journeys already cut at the first conversion: the
 * credit each converting journey gives its touchpoints (first, last,
 * linear, position, time-decay), and the first-order Markov chain's removal
 * effects. Plain functions on plain data, run once on the data and once per
 * bootstrap resample.
 *
 * @module
 */

/** The attribution models. */
export type AttributionModel = "markov" | "first" | "last" | "linear" | "position" | "time-decay";

/** The model names, in documentation order. */
export const ATTRIBUTION_MODELS: readonly AttributionModel[] = [
  "markov",
  "first",
  "last",
  "linear",
  "position",
  "time-decay",
];

/** A journey as the models read it: channel indices in order, their times, the conversion. */
export interface TouchJourney {
  /** Channel index of each touchpoint, in order. */
  touches: number[];
  /** Epoch ms of each touchpoint. */
  times: number[];
  /** Epoch ms of the first conversion, or `null` when the customer never converted. */
  conversion: number | null;
}

const DAY = 86_400_000;

/**
 * The credit a converting journey gives each of its touchpoints (summing to
 * 1): `first` and `last` all to one; `linear` 1/k each; `position`
 * (U-shaped) 40 % to the first, 40 % to the last and 20 % shared by the ones
 * between (one touchpoint: all; two: half each); `time-decay` weight
 * 2^(−Δ/halfLife) with Δ the days from the touchpoint to the conversion,
 * normalised.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { credits } from "./attribution_models.ts";
 * const j = { touches: [0, 1, 2, 1], times: [0, 1, 2, 3], conversion: 3 };
 * assert.deepEqual(credits(j, "position", 7), [0.4, 0.1, 0.1, 0.4]);
 * assert.deepEqual(credits(j, "linear", 7), [0.25, 0.25, 0.25, 0.25]);
 * ```
 */
export function credits(j: TouchJourney, model: AttributionModel, halfLifeDays: number): number[] {
  const k = j.touches.length;
  const out = new Array<number>(k).fill(0);
  if (model === "first") out[0] = 1;
  else if (model === "last") out[k - 1] = 1;
  else if (model === "linear") out.fill(1 / k);
  else if (model === "position") {
    if (k <= 2) out.fill(1 / k);
    else {
      out.fill(0.2 / (k - 2));
      out[0] = out[k - 1] = 0.4;
    }
  } else if (model === "time-decay") {
    const w = j.times.map((t) => Math.pow(2, -(j.conversion! - t) / (halfLifeDays * DAY)));
    const sum = w.reduce((a, b) => a + b, 0);
    w.forEach((x, i) => out[i] = x / sum);
  }
  return out;
}

/**
 * Per channel, the conversions a heuristic model attributes: the sum over
 * converting journeys (each counted `weights[j]` times) of their credits.
 */
export function heuristicConversions(
  credit: { touches: number[]; credit: number[] }[],
  weights: ArrayLike<number>,
  channels: number,
): number[] {
  const out = new Array<number>(channels).fill(0);
  credit.forEach((c, j) => {
    const w = weights[j];
    if (!w) return;
    c.touches.forEach((ch, i) => out[ch] += w * c.credit[i]);
  });
  return out;
}

/**
 * The transitions of a journey in the Markov chain's states: 0 is start,
 * 1…C the channels, C + 1 conversion, C + 2 null (no conversion).
 */
export function chainSteps(j: TouchJourney, channels: number): [number, number][] {
  const states = [
    0,
    ...j.touches.map((c) => c + 1),
    j.conversion === null ? channels + 2 : channels + 1,
  ];
  return states.slice(1).map((to, i) => [states[i], to]);
}

/** Markov removal effects per channel and the chain's conversion probability. */
export interface RemovalEffects {
  /** P(conversion) from start. */
  conversionProbability: number;
  /** 1 − P(conversion without the channel) / P(conversion), per channel (0 when P is 0). */
  removalEffects: number[];
}

/**
 * First-order Markov removal effects. Transition probabilities are the
 * weighted transition counts out of each state; P(conversion) from start
 * solves (I − Q)x = r over the transient states (start and the channels),
 * r the one-step probabilities into conversion. Removing a channel sends
 * every transition into it to null; its removal effect is
 * 1 − P(conversion without it) / P(conversion).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removalEffects } from "./attribution_models.ts";
 * // start → A → conv; start → B → null: without A nothing converts, B changes nothing.
 * const steps = [[[0, 1], [1, 3]], [[0, 2], [2, 4]]] as [number, number][][];
 * const r = removalEffects(steps, [1, 1], 2);
 * assert.equal(r.conversionProbability, 0.5);
 * assert.deepEqual(r.removalEffects, [1, 0]);
 * ```
 */
export function removalEffects(
  steps: [number, number][][],
  weights: ArrayLike<number>,
  channels: number,
): RemovalEffects {
  const size = channels + 3;
  const counts = Array.from({ length: size }, () => new Float64Array(size));
  steps.forEach((pairs, j) => {
    const w = weights[j];
    if (w) { for (const [a, b] of pairs) counts[a][b] += w; }
  });
  const p = conversionProbability(counts, channels, -1);
  const effects = Array.from(
    { length: channels },
    (_, c) => p > 0 ? 1 - conversionProbability(counts, channels, c + 1) / p : 0,
  );
  return { conversionProbability: p, removalEffects: effects };
}

/** P(conversion) from start with state `removed` (−1: none) leading to null. */
function conversionProbability(counts: Float64Array[], channels: number, removed: number): number {
  const n = channels + 1; // transient states 0…C
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const r = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    a[i][i] = 1;
    const total = counts[i].reduce((s, x) => s + x, 0);
    if (i === removed || total === 0) continue;
    for (let k = 0; k < n; k++) if (k !== removed) a[i][k] -= counts[i][k] / total;
    r[i] = counts[i][channels + 1] / total;
  }
  return solve(a, r)[0];
}

/** Solves a·x = b by Gaussian elimination with partial pivoting (a small, non-singular). */
export function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(m[i][col]) > Math.abs(m[pivot][col])) pivot = i;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let i = col + 1; i < n; i++) {
      const f = m[i][col] / m[col][col];
      if (f !== 0) { for (let k = col; k <= n; k++) m[i][k] -= f * m[col][k]; }
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let k = i + 1; k < n; k++) s -= m[i][k] * x[k];
    x[i] = s / m[i][i];
  }
  return x;
}
