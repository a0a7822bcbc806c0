/**
 * Open text, first step: the most frequent words and phrases in comments per
 * segment, after German and English stop words are removed, to sit beside
 * the scores. No sentiment model.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import { requireColumn } from "../base/plan.ts";
import { keyOf, requireRows } from "./segment/sums.ts";
import { optionNames } from "../options.ts";
import { pooled } from "../base/input.ts";
import { type EngineAnalysis, withEngine } from "../engine/dispatch.ts";

/** Stop-word language of comments. */
export type CommentLanguage = "auto" | "de" | "en";

/** Options of {@link commentThemes}. */
export interface CommentThemeOptions {
  /** Comment column (default `"comment"`). */
  text?: string;
  /** Segment column(s): themes per combination. */
  by?: string | string[];
  /** Terms kept per segment and n-gram size (default 20). */
  top?: number;
  /** Phrase lengths in words (default `[1, 2]`: words and two-word phrases; at most 3). */
  ngrams?: number[];
  /**
   * Which stop words to remove (default `"auto"`: per comment, the language
   * whose stop words it uses more; both lists on a tie).
   */
  language?: CommentLanguage;
  /** More words to ignore (e.g. the company's name), any case. */
  stopWords?: string[];
}

/** The names of {@link CommentThemeOptions}. */
export const COMMENT_THEME_OPTIONS = optionNames<CommentThemeOptions>()([
  "text",
  "by",
  "top",
  "ngrams",
  "language",
  "stopWords",
]);

/** The {@link commentThemes} result columns after the `by` columns, in order. */
export const THEME_COLUMNS = [
  "ngram",
  "rank",
  "term",
  "count",
  "comments",
  "pct_comments",
  "total_comments",
] as const;

/**
 * The most frequent words and phrases in comments, per segment.
 *
 * Each non-empty comment is normalised (Unicode NFC, lower case,
 * typographic apostrophes as `'`) and split into words: runs of letters and
 * digits, umlauts and ß included, with inner apostrophes (`don't`).
 * Hyphenated compounds are split into their parts, which stay joined for
 * phrases: `App-Ausfall` counts for `app`, `ausfall` and `app ausfall`.
 * Words without a letter (`24`, `9,99`) and one-letter words are dropped. Stop words (~150 German, ~150 English, below) are removed; the
 * negations `nicht, kein…, nie, nichts, niemand` / `not, no, never,
 * nothing, nobody, …n't` are deliberately NOT stop words, because "nicht
 * erreichbar" is a theme. A phrase of n words is n consecutive words with
 * only spaces or a hyphen between them (punctuation or a line break ends a
 * phrase) and
 * no stop word among them.
 *
 * Columns: the `by` columns, `ngram` (phrase length), `rank` (1 = most
 * frequent), `term`, `count` (occurrences), `comments` (comments mentioning
 * it), `pct_comments` (percent of the segment's comments mentioning it) and
 * `total_comments` (the segment's non-empty comments). Terms are ranked by
 * `comments`, then `count`, then alphabetically (code-point order), so the
 * result is deterministic; the first `top` per segment and phrase length are
 * kept. Segments without comments have no rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { commentThemes } from "./themes.ts";
 * const t = aq.table({
 *   comment: ["Die Wartezeit war zu lang", "Lange Wartezeit!", "The app crashes", null],
 * });
 * const r = commentThemes(t, { ngrams: [1] });
 * assert.deepEqual(r.objects()[0], {
 *   ngram: 1, rank: 1, term: "wartezeit", count: 2, comments: 2,
 *   pct_comments: 100 * 2 / 3, total_comments: 3,
 * });
 * ```
 *
 * `commentThemes` takes `engine` like every analysis of raw rows, and
 * refuses it (a `CxOptionsError` in the one wording): tokenising comments
 * is TypeScript, so load them, or SELECT them from the engine, first.
 */
export const commentThemes: EngineAnalysis<CommentThemeOptions> = withEngine<
  CommentThemeOptions
>({
  name: "commentThemes",
  options: COMMENT_THEME_OPTIONS,
  memory: (input, options) => themesInMemory(pooled(input), options),
  sql: {
    refuse:
      "words and phrases are found by cxkit's tokenizer and stop-word lists, which run in TypeScript",
  },
});

function themesInMemory(table: ColumnTable, options: CommentThemeOptions = {}): ColumnTable {
  const { text = "comment", top = 20, ngrams = [1, 2], language = "auto" } = options;
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  requireColumn(table, text, "text");
  for (const column of by) requireColumn(table, column, "by");
  if (!Number.isInteger(top) || top < 1) {
    throw new CxOptionsError(`Option "top" must be a whole number ≥ 1, got ${JSON.stringify(top)}`);
  }
  if (
    !Array.isArray(ngrams) || ngrams.length === 0 ||
    !ngrams.every((n) => n === 1 || n === 2 || n === 3)
  ) {
    throw new CxOptionsError(
      `Option "ngrams" must list phrase lengths 1, 2 or 3, such as [1, 2], got ${
        JSON.stringify(ngrams)
      }`,
    );
  }
  if (language !== "auto" && language !== "de" && language !== "en") {
    throw new CxOptionsError(
      `Option "language" must be "auto", "de" or "en", got ${JSON.stringify(language)}`,
    );
  }
  requireRows(table, "commentThemes");
  const extra = new Set((options.stopWords ?? []).map((w) => normalise(String(w))));
  const comments = textsOf(table, text);
  const segments = new Map<string, { keys: Record<string, unknown>; counts: TermCounts }>();
  const rows = table.objects() as Record<string, unknown>[];
  comments.forEach((comment, i) => {
    if (comment === null) return;
    const words = tokenize(comment);
    const stop = stopWordsFor(words, language);
    const isStop = (w: string) => stop.has(w) || extra.has(w);
    const key = keyOf(rows[i], by);
    let seg = segments.get(key);
    if (!seg) {
      seg = {
        keys: Object.fromEntries(by.map((k) => [k, rows[i][k] ?? null])),
        counts: { comments: 0, terms: new Map() },
      };
      segments.set(key, seg);
    }
    seg.counts.comments++;
    for (const n of ngrams) countTerms(seg.counts, n, phrases(words, n, isStop));
  });
  const out: Record<string, unknown>[] = [];
  const sortedSegments = [...segments.values()].sort((a, b) =>
    compareKeys(by.map((k) => a.keys[k]), by.map((k) => b.keys[k]))
  );
  for (const seg of sortedSegments) {
    for (const n of [...new Set(ngrams)].sort()) {
      const ranked = [...seg.counts.terms.values()].filter((t) => t.ngram === n)
        .sort((a, b) => b.comments - a.comments || b.count - a.count || (a.term < b.term ? -1 : 1))
        .slice(0, top);
      ranked.forEach((t, i) =>
        out.push({
          ...seg.keys,
          ngram: n,
          rank: i + 1,
          term: t.term,
          count: t.count,
          comments: t.comments,
          pct_comments: 100 * t.comments / seg.counts.comments,
          total_comments: seg.counts.comments,
        })
      );
    }
  }
  const names = [...by, ...THEME_COLUMNS];
  return aq.table(Object.fromEntries(names.map((c) => [c, out.map((r) => r[c])])));
}

interface TermCounts {
  comments: number;
  terms: Map<string, { term: string; ngram: number; count: number; comments: number }>;
}

function countTerms(counts: TermCounts, n: number, terms: string[]): void {
  const seen = new Set<string>();
  for (const term of terms) {
    const key = `${n}\u0000${term}`;
    const t = counts.terms.get(key) ?? { term, ngram: n, count: 0, comments: 0 };
    t.count++;
    if (!seen.has(key)) {
      t.comments++;
      seen.add(key);
    }
    counts.terms.set(key, t);
  }
}

/** Comment texts: strings (trimmed, `null` when empty); other values are a `CxDataError`. */
function textsOf(table: ColumnTable, column: string): (string | null)[] {
  const values = table.array(column) as unknown[];
  const problems: CxProblem[] = [];
  let bad = 0;
  const out = Array.from(values, (v, i) => {
    if (v === null || v === undefined) return null;
    if (typeof v !== "string") {
      if (bad++ < 20) {
        problems.push({ row: i + 1, column, value: String(v), reason: `${column} must be text` });
      }
      return null;
    }
    return v.trim() === "" ? null : v;
  });
  if (bad) throw new CxDataError(problems, bad, `Column "${column}" is not text`);
  return out;
}

/** A word of a comment. */
export interface Word {
  /** The normalised word. */
  word: string;
  /** True when only spaces or one hyphen separate it from the previous word. */
  joined: boolean;
}

const WORD = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}\p{N}]+)*/gu;
const LETTER = /\p{L}/u;
const JOIN = /^(?:[\p{Zs}\t]+|-)$/u;

/**
 * Splits a comment into normalised words (NFC, lower case, `’` → `'`),
 * marking which ones follow the previous word with only spaces or a hyphen
 * between (those can form a phrase).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenize } from "./themes.ts";
 * const words = tokenize("Straße: GROẞE Ärgernisse, don’t 24 h App-Ausfall");
 * assert.deepEqual(words.map((w) => w.word), [
 *   "straße", "große", "ärgernisse", "don't", "app", "ausfall",
 * ]);
 * assert.deepEqual(words.map((w) => w.joined), [false, false, true, false, false, true]);
 * ```
 */
export function tokenize(comment: string): Word[] {
  const text = normalise(comment);
  const out: Word[] = [];
  let end = -1;
  let previousKept = false;
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    const joined = previousKept && end >= 0 && JOIN.test(text.slice(end, m.index));
    end = m.index + word.length;
    if (!LETTER.test(word) || [...word].length < 2) {
      previousKept = false;
      continue;
    }
    out.push({ word, joined });
    previousKept = true;
  }
  return out;
}

function normalise(text: string): string {
  return text.normalize("NFC").toLowerCase().replaceAll("’", "'");
}

/** Terms of n consecutive joined words, none a stop word. */
function phrases(words: Word[], n: number, isStop: (w: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= words.length; i++) {
    let ok = true;
    for (let j = i; j < i + n && ok; j++) {
      ok = !isStop(words[j].word) && (j === i || words[j].joined);
    }
    if (ok) out.push(words.slice(i, i + n).map((w) => w.word).join(" "));
  }
  return out;
}

function stopWordsFor(words: Word[], language: CommentLanguage): ReadonlySet<string> {
  if (language === "de") return GERMAN;
  if (language === "en") return ENGLISH;
  let de = 0, en = 0;
  for (const { word } of words) {
    if (GERMAN.has(word) && !ENGLISH.has(word)) de++;
    if (ENGLISH.has(word) && !GERMAN.has(word)) en++;
    if (/[äöüß]/.test(word)) de++;
  }
  return de > en ? GERMAN : en > de ? ENGLISH : BOTH;
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x === y) continue;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/**
 * German stop words (~150): articles, pronouns, prepositions, conjunctions,
 * auxiliary and modal verbs, fillers. Negations are left out on purpose.
 */
export const GERMAN_STOP_WORDS: readonly string[] = list(`
  aber alle allem allen aller alles als also am an andere anderen anderer anderes auch auf aus
  bei beim bin bis bist bitte da dabei dadurch dafür dagegen damit dann daran darauf darum das
  dass dazu dein deine dem den denn der des dessen dich die dies diese diesem diesen dieser
  dieses dir doch dort du durch eben ein eine einem einen einer eines einfach einmal er es etwas
  euch euer eure für gegen gewesen gibt hab habe haben halt hat hatte hatten hier hin hätte ich
  ihm ihn ihnen ihr ihre ihrem ihren ihrer im in ins ist ja jede jedem jeden jeder jedes jetzt
  kann können könnte mal man mein meine meinem meinen meiner mich mir mit muss musste nach noch
  nun nur ob oder schon sehr sein seine seinem seinen seiner seit sich sie sind so soll sollte
  sondern um und uns unser unsere unter vom von vor war waren was weil welche welcher wenn wer
  werde werden wie wieder will wir wird wo wollen wollte wurde wurden würde zu zum zur zwar über
`);

/**
 * English stop words (~150): articles, pronouns, prepositions, conjunctions,
 * auxiliary and modal verbs, fillers. Negations are left out on purpose.
 */
export const ENGLISH_STOP_WORDS: readonly string[] = list(`
  a about above after again against all also am an and any are as at be because been before
  being below between both but by can could did do does doing done down during each etc even
  ever every few for from further get got had has have having he her here hers herself him
  himself his how i i'd i'm i've if in into is it it's its itself just let's may me might more
  most much my myself now of off on once only or other our ours ourselves out over own please
  quite really same shall she should since so some still such than that that's the their theirs
  them themselves then there there's these they they're this those though through to too under
  until up us very via was we we're were what what's when where which while who whom why will
  with would yet you you're your yours yourself yourselves
`);

function list(words: string): string[] {
  return words.trim().split(/\s+/);
}

const GERMAN: ReadonlySet<string> = new Set(GERMAN_STOP_WORDS);
const ENGLISH: ReadonlySet<string> = new Set(ENGLISH_STOP_WORDS);
const BOTH: ReadonlySet<string> = new Set([...GERMAN_STOP_WORDS, ...ENGLISH_STOP_WORDS]);
