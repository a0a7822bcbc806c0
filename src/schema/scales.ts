/**
 * The survey scales and what their answers mean, written once: the NPS
 * 0–10 scale and its categories (detractor 0–6, passive 7–8, promoter 9–10),
 * the CSAT scale tops (1–5 by default, 1–7, 1–10) with the top box (the two
 * highest answers by default) and the CES scale tops (1–7 by default, 1–5)
 * with the low-effort box (1–3 on 1–7, 1–2 on 1–5). Kernels, the Arquero
 * aggregates, the SQL the engines compile, segment, charts, the report and
 * the notebooks read their cut points and defaults from here;
 * `tests/meaning_once_test.ts` fails on a cut point written anywhere else.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";

/** The NPS question's answer scale: whole numbers 0 to 10. */
export const NPS_SCALE: Readonly<{ min: number; max: number }> = { min: 0, max: 10 };

/**
 * Whether `v` is an answer on the scale `min`–`max`: a whole number between
 * the ends (both included). The one rule the score checks (`checkScores` in
 * `src/metrics/groups.ts`) and the score kernels (`src/kernels/sums.ts`)
 * share, so a kernel that counts off-scale answers in its own pass flags
 * exactly the rows the check reports.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NPS_SCALE, onScale } from "./scales.ts";
 * assert.deepEqual([10, 11, 7.5, NaN, "9", null].map((v) => onScale(v, NPS_SCALE)), [true, false, false, false, false, false]);
 * ```
 */
export function onScale(v: unknown, scale: { min: number; max: number }): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= scale.min && v <= scale.max;
}

/** NPS category of a score: detractor 0–6, passive 7–8, promoter 9–10. */
export type NpsCategory = "Detractor" | "Passive" | "Promoter";

/** The NPS categories in score order (as results and legends list them). */
export const NPS_CATEGORIES: readonly NpsCategory[] = ["Detractor", "Passive", "Promoter"];

/** The scores of each NPS category, both ends included. */
export const NPS_CUT_POINTS: Readonly<Record<NpsCategory, { min: number; max: number }>> = {
  Detractor: { min: NPS_SCALE.min, max: 6 },
  Passive: { min: 7, max: 8 },
  Promoter: { min: 9, max: NPS_SCALE.max },
};

/**
 * The NPS category of a score on the 0–10 scale (callers check the scale
 * first: anything below the passives is a detractor).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { npsCategory } from "./scales.ts";
 * assert.deepEqual([6, 7, 8, 9].map(npsCategory), ["Detractor", "Passive", "Passive", "Promoter"]);
 * ```
 */
export function npsCategory(score: number): NpsCategory {
  return score >= NPS_CUT_POINTS.Promoter.min
    ? "Promoter"
    : score >= NPS_CUT_POINTS.Passive.min
    ? "Passive"
    : "Detractor";
}

/**
 * The scores of an NPS category as text, for labels: `"0–6"`, `"7–8"`, `"9–10"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { npsRange } from "./scales.ts";
 * assert.equal(`Promoter (${npsRange("Promoter")})`, "Promoter (9–10)");
 * ```
 */
export function npsRange(category: NpsCategory): string {
  const { min, max } = NPS_CUT_POINTS[category];
  return `${min}–${max}`;
}

/** Scales a CSAT question can be asked on (1–5, 1–7 or 1–10). */
export type CsatScale = 5 | 7 | 10;
/** Scales a CES question can be asked on (1–5 or 1–7). */
export type CesScale = 5 | 7;

/** The CSAT scale tops, smallest first. */
export const CSAT_SCALES: readonly CsatScale[] = [5, 7, 10];
/** The CES scale tops, smallest first. */
export const CES_SCALES: readonly CesScale[] = [5, 7];

/** CSAT defaults: the 1–5 scale, its two highest answers (4–5) as the top box. */
export const CSAT_DEFAULTS: Readonly<{ scale: CsatScale; topBox: number }> = {
  scale: 5,
  topBox: 2,
};

/**
 * CES defaults: the 1–7 scale (CES 2.0); the highest low-effort answer per
 * scale top (1–3 on 1–7, 1–2 on 1–5).
 */
export const CES_DEFAULTS: Readonly<{ scale: CesScale; lowEffort: Record<CesScale, number> }> = {
  scale: 7,
  lowEffort: { 5: 2, 7: 3 },
};

/** A declared scale and the answers in its box (both ends included). */
export interface ScaleBox {
  /** Top of the 1–`scale` scale. */
  scale: number;
  /** Lowest answer in the box. */
  min: number;
  /** Highest answer in the box. */
  max: number;
}

/**
 * The CSAT scale and its top box from the options, with the defaults;
 * refuses a scale or top box that does not exist with a `CxOptionsError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csatBox } from "./scales.ts";
 * assert.deepEqual(csatBox({}), { scale: 5, min: 4, max: 5 });
 * assert.deepEqual(csatBox({ scale: 10, topBox: 3 }), { scale: 10, min: 8, max: 10 });
 * assert.throws(() => csatBox({ scale: 6 as 5 }), /"scale" must be 5, 7 or 10, got 6/);
 * ```
 */
export function csatBox(options: { scale?: CsatScale; topBox?: number }): ScaleBox {
  const { scale = CSAT_DEFAULTS.scale, topBox = CSAT_DEFAULTS.topBox } = options;
  checkScale("scale", scale, CSAT_SCALES);
  checkBox("topBox", topBox, scale);
  return { scale, min: scale - topBox + 1, max: scale };
}

/**
 * The CES scale and its low-effort box from the options, with the defaults;
 * refuses a scale or box that does not exist with a `CxOptionsError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cesBox } from "./scales.ts";
 * assert.deepEqual(cesBox({}), { scale: 7, min: 1, max: 3 });
 * assert.deepEqual(cesBox({ scale: 5 }), { scale: 5, min: 1, max: 2 });
 * ```
 */
export function cesBox(options: { scale?: CesScale; lowEffort?: number }): ScaleBox {
  const { scale = CES_DEFAULTS.scale } = options;
  checkScale("scale", scale, CES_SCALES);
  const lowEffort = options.lowEffort ?? CES_DEFAULTS.lowEffort[scale];
  checkBox("lowEffort", lowEffort, scale);
  return { scale, min: 1, max: lowEffort };
}

/**
 * Throws a `CxOptionsError` naming `option` unless `value` is one of the
 * scale tops `allowed`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CES_SCALES, checkScale } from "./scales.ts";
 * assert.throws(() => checkScale("cesScale", 10, CES_SCALES), /"cesScale" must be 5 or 7, got 10/);
 * ```
 */
export function checkScale<T extends number>(
  option: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (!allowed.includes(value as T)) {
    const list = `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`;
    throw new CxOptionsError(`Option "${option}" must be ${list}, got ${JSON.stringify(value)}`);
  }
}

function checkBox(option: string, value: unknown, scale: number): void {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) >= scale) {
    throw new CxOptionsError(
      `Option "${option}" must be a whole number from 1 to ${scale - 1}, got ${
        JSON.stringify(value)
      }`,
    );
  }
}
