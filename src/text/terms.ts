/**
 * The terms of one comment for comparing groups: its words and two-word
 * phrases after stop words are removed, in the comment's language, with
 * optional light stemming (CISTEM for German, Harman's S-stemmer for
 * English). Splitting into words and the stop-word lists are those of
 * `commentThemes` (`tokenize`, `GERMAN_STOP_WORDS`, `ENGLISH_STOP_WORDS`).
 *
 * @module
 */
import { ENGLISH_STOP_WORDS, GERMAN_STOP_WORDS } from "../analysis/themes.ts";
import { scanWords } from "./scan.ts";

/** Language of a comment's stop words: German, English, or both lists when undecided. */
export type TermLanguage = "de" | "en" | "both";

/** A comment's terms. */
export interface CommentTerms {
  /** The language whose stop words (and stemmer) were used. */
  language: TermLanguage;
  /** Words, in order (repeats kept). */
  words: string[];
  /** Two-word phrases, in order (repeats kept). */
  phrases: string[];
}

const GERMAN: ReadonlySet<string> = new Set(GERMAN_STOP_WORDS);
const ENGLISH: ReadonlySet<string> = new Set(ENGLISH_STOP_WORDS);

/**
 * A comment's words and two-word phrases. Words come from `tokenize`
 * (lower case, umlauts and ß kept, hyphenated compounds split, one-letter
 * words and numbers dropped). With `language: "auto"` each comment's
 * language is decided as `commentThemes` decides it: German when it has
 * more German-only stop words (and words with ä, ö, ü, ß) than
 * English-only ones, English when fewer, both lists on a tie. Stop words
 * are dropped; a phrase is two consecutive words with only spaces or a
 * hyphen between them, neither a stop word. With `stem`, every word is
 * stemmed first ({@link stemWord}; on a tie, none is).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commentTerms } from "./terms.ts";
 * assert.deepEqual(commentTerms("Die Wartezeit war viel zu lang", "auto", false), {
 *   language: "de",
 *   words: ["wartezeit", "viel", "lang"],
 *   phrases: [],
 * });
 * assert.deepEqual(commentTerms("Waited on hold for ages", "en", true).words, [
 *   "waited", "hold", "age",
 * ]);
 * ```
 */
export function commentTerms(
  comment: string,
  language: "auto" | "de" | "en",
  stem: boolean,
): CommentTerms {
  const tokens = scanWords(comment);
  const infos = tokens.map((t) => wordInfo(t.word));
  const lang = language === "auto" ? detect(infos) : language;
  const stopIn = lang === "de"
    ? GERMAN_STOP
    : lang === "en"
    ? ENGLISH_STOP
    : GERMAN_STOP | ENGLISH_STOP;
  const words: string[] = [];
  const phrases: string[] = [];
  let previous: string | undefined;
  tokens.forEach(({ word, joined }, i) => {
    if (infos[i].flags & stopIn) {
      previous = undefined;
      return;
    }
    const term = stem && lang !== "both" ? stemWord(word, lang) : word;
    words.push(term);
    if (previous !== undefined && joined) phrases.push(`${previous} ${term}`);
    previous = term;
  });
  return { language: lang, words, phrases };
}

const GERMAN_STOP = 1, ENGLISH_STOP = 2;

/** A word's stop-word lists (flags) and its language votes (German-only or English-only stop word, umlaut or ß). */
interface WordInfo {
  flags: number;
  de: number;
  en: number;
}

/** Word infos seen so far, bounded: comments of a large corpus keep bringing new words. */
const INFOS = new Map<string, WordInfo>();

function wordInfo(w: string): WordInfo {
  let v = INFOS.get(w);
  if (v) return v;
  const g = GERMAN.has(w), e = ENGLISH.has(w);
  v = {
    flags: (g ? GERMAN_STOP : 0) | (e ? ENGLISH_STOP : 0),
    de: (g && !e ? 1 : 0) + (/[äöüß]/.test(w) ? 1 : 0),
    en: e && !g ? 1 : 0,
  };
  if (INFOS.size < 100_000) INFOS.set(w, v);
  return v;
}

function detect(infos: WordInfo[]): TermLanguage {
  let de = 0, en = 0;
  for (const v of infos) de += v.de, en += v.en;
  return de > en ? "de" : en > de ? "en" : "both";
}

/**
 * A light stem of a lower-case word. German: CISTEM (Weissweiler & Fraser
 * 2017, case-insensitive variant): umlauts folded (ä→a, ö→o, ü→u, ß→ss), a
 * leading `ge` dropped from words of six or more letters, then while longer
 * than three letters: `em`, `er`, `nd` stripped from words longer than
 * five, else a final `t`, else a final `e`, `s` or `n`. English: Harman's
 * S-stemmer (1991), plurals only: `ies`→`y` (not after `e`, `a`), `es`→`e`
 * (not after `a`, `e`, `o`), a final `s` dropped (not after `u`, `s`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stemWord } from "./terms.ts";
 * assert.deepEqual(
 *   ["wartezeit", "mitarbeiter", "freundlich", "kompetent"].map((w) => stemWord(w, "de")),
 *   ["wartezei", "mitarbei", "freundlich", "komp"],
 * );
 * assert.deepEqual(["queries", "calls", "glass", "shoes"].map((w) => stemWord(w, "en")), [
 *   "query", "call", "glass", "shoe",
 * ]);
 * ```
 */
export function stemWord(word: string, language: "de" | "en"): string {
  return language === "de" ? cistem(word) : sStemmer(word);
}

function sStemmer(w: string): string {
  if (w.endsWith("ies") && !w.endsWith("eies") && !w.endsWith("aies")) {
    return w.slice(0, -3) + "y";
  }
  if (w.endsWith("es") && !/[aeo]es$/.test(w)) return w.slice(0, -1);
  if (w.endsWith("s") && !/[us]s$/.test(w)) return w.slice(0, -1);
  return w;
}

function cistem(word: string): string {
  let w = word.replaceAll("ü", "u").replaceAll("ö", "o").replaceAll("ä", "a")
    .replaceAll("ß", "ss");
  w = w.replace(/^ge(.{4,})/u, "$1");
  w = w.replaceAll("sch", "$").replaceAll("ei", "%").replaceAll("ie", "&")
    .replace(/(.)\1/gu, "$1*");
  while ([...w].length > 3) {
    if ([...w].length > 5 && /(?:e[mr]|nd)$/u.test(w)) w = w.slice(0, -2);
    else if (/[tesn]$/u.test(w)) w = w.slice(0, -1);
    else break;
  }
  return w.replace(/(.)\*/gu, "$1$1").replaceAll("%", "ei").replaceAll("&", "ie")
    .replaceAll("$", "sch");
}
