/**
 * cxkit/stats: the statistical, text and calendar helpers under the analyses.
 *
 * The analyses (`keyDrivers`, `correlate`, `rfm`, `commentThemes`, `resolutionTime`, …) and
 * `adjustPValues` are in the main entry. This entry holds the building blocks they use, for code
 * that needs one step on its own: p-value corrections (`holm`, `benjaminiHochberg`), Kendall's tau
 * (`kendallTau`), driver weights (`relativeWeights`, `shapleyWeights`, `MAX_SHAPLEY_DRIVERS`),
 * the median with its interval (`medianInterval`), RFM scoring (`quintileScores`, `rfmSegment`),
 * comment tokenizing (`tokenize`, `ENGLISH_STOP_WORDS`, `GERMAN_STOP_WORDS`) and calendar helpers
 * (`easterSunday`, `businessDurationFn`, `periodStartOfLabel`, `ROLLING_LENGTH`,
 * `SURVIVAL_UNIT_DAYS`).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { holm } from "./stats.ts";
 * assert.deepEqual(holm([0.01, 0.02]), [0.02, 0.02]);
 * ```
 *
 * @module
 */

export { benjaminiHochberg, holm } from "../stats/multiple.ts";
export { kendallTau } from "../stats/correlation.ts";
export type { KendallResult } from "../stats/correlation.ts";
export { MAX_SHAPLEY_DRIVERS } from "../analysis/drivers/options.ts";
export { relativeWeights, shapleyWeights } from "../analysis/drivers/weights.ts";
export { medianInterval } from "../metrics/service.ts";
export type { MedianMethod } from "../metrics/service.ts";
export { quintileScores, rfmSegment } from "../analysis/segment/rfm.ts";
export type { RfmSegment } from "../analysis/segment/rfm.ts";
export { ENGLISH_STOP_WORDS, GERMAN_STOP_WORDS, tokenize } from "../analysis/themes.ts";
export type { CommentLanguage, Word } from "../analysis/themes.ts";
export { easterSunday } from "../time/holidays.ts";
export { businessDurationFn } from "../time/business_hours.ts";
export type { BusinessDuration, BusinessHours } from "../time/business_hours.ts";
export { periodStartOfLabel } from "../time/period.ts";
export type { Period } from "../time/period.ts";
export { ROLLING_LENGTH } from "../analysis/cohort/periods.ts";
export type { CohortPeriod } from "../analysis/cohort/periods.ts";
export { SURVIVAL_UNIT_DAYS } from "../analysis/survival/times.ts";
export type { SurvivalUnit } from "../analysis/survival/times.ts";
