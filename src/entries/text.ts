/**
 * cxkit/text: open text in one place: sentiment per comment and per group
 * (`sentimentScores`, `sentiment`), what separates detractors' and
 * promoters' comments (`commentDrivers`, `commentDriverChart`) and personal
 * data in text (`findPii`, `redactPii`).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { sentiment } from "./text.ts";
 * const r = sentiment(aq.table({ comment: ["Great support", "Agent was rude"] }));
 * assert.deepEqual(r.array("share_negative"), [0.5]);
 * ```
 *
 * @module
 */

export {
  NEGATIVE_BELOW,
  sentiment,
  SENTIMENT_COLUMNS,
  SENTIMENT_OPTIONS,
  SENTIMENT_SCORE_COLUMNS,
  SENTIMENT_SCORE_OPTIONS,
  sentimentScores,
} from "../text/sentiment.ts";
export type { SentimentOptions, SentimentScoreOptions } from "../text/sentiment.ts";
export { CX_WORDS } from "../text/sentiment_lexicon.ts";
export type { SentimentLanguage } from "../text/sentiment_lexicon.ts";
export { findPii, redactPii } from "../text/pii.ts";
export type { FindPiiOptions, RedactPiiOptions } from "../text/pii.ts";
export { COMMENT_DRIVER_COLUMNS, commentDrivers } from "../text/comment_drivers.ts";
export type { CommentDriverOptions } from "../text/comment_drivers.ts";
export { commentDriverChart } from "../charts/comment_drivers.ts";
export type { CommentDriverChartOptions } from "../charts/comment_drivers.ts";
// types the signatures above name
export type { EngineAnalysis, EngineOptions } from "../engine/dispatch.ts";
export type { CompiledSql, DateKind, Dialect, Relation } from "../engine/compile/types.ts";
export type {
  CallOptions,
  ColumnInfo,
  OpenRelation,
  Source,
  SqlEngine,
  TableRef,
} from "../engine/engine.ts";
export type { LoadColumn, LoadType } from "../engine/load.ts";
export type { TableInput } from "../base/input.ts";
export type {
  Aggregate,
  AggregateHook,
  AggregateRequest,
  GroupPlan,
  KpiOptions,
  MissingGroups,
} from "../base/plan.ts";
export type { Period } from "../time/period.ts";
export type { PiiKind, PiiLanguage } from "../privacy/pii.ts";
export type { ChartLang, ChartLocaleOptions } from "../charts/locale.ts";
export type { ChartSpec } from "../charts/render.ts";
