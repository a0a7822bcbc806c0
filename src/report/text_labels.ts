/**
 * Words of the text section ("What customers say") in English and German
 * (beside `i18n.ts`, which holds the other sections' words). Sentences are
 * templates filled with numbers already formatted for the locale.
 *
 * @module
 */
import type { Lang } from "./format.ts";

const EN = {
  title: "What customers say",
  noData: "No comments in the survey answers (a comment column), so this section is empty.",
  lead: (n: string) =>
    `${n} comments, with e-mail addresses, phone numbers, IBANs and card numbers replaced by placeholders before anything here was computed.`,
  drivers: "What sets detractors' comments apart from promoters'",
  driversLead: (min: string) =>
    `Words and two-word phrases by the weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008): a z-score per term, Benjamini–Hochberg corrected; terms used fewer than ${min} times are left out. Hollow bars: not significant.`,
  driversSentence: (a: string, b: string) =>
    `Detractors write more often about ${a}; promoters about ${b}.`,
  driversNone: "No word separates detractors' comments from promoters' significantly.",
  nothing: "none",
  driversChart: "Words of detractors and promoters",
  zAxis: "z-score (log-odds / standard error)",
  term: "Term",
  leansTo: "Typical of",
  detractors: "detractors",
  promoters: "promoters",
  examples: "Example comments (redacted)",
  sentiment: "Sentiment",
  sentimentLead: (pct: string, min: string) =>
    `A score per comment from −1 (very negative) to +1 (very positive) from the AFINN-165 lexicon (German: its translation), with negations; mean per group with its ${pct} interval; groups of fewer than ${min} comments are small samples.`,
  sentimentBy: (by: string) => `Sentiment by ${by}`,
  sentimentAxis: "Mean sentiment (−1 to +1)",
  sentimentColumn: "Sentiment (interval)",
  negativeColumn: "Negative comments (interval)",
  segmentApart: (hi: string, hiValue: string, lo: string, loValue: string) =>
    `Sentiment is highest for ${hi} (${hiValue}) and lowest for ${lo} (${loValue}); their intervals do not overlap any other group's.`,
  segmentPair: (hi: string, hiValue: string, lo: string, loValue: string) =>
    `Sentiment is better for ${hi} (${hiValue}) than for ${lo} (${loValue}); their intervals do not overlap.`,
  segmentSame: (by: string, hi: string, lo: string) =>
    `Sentiment does not differ clearly by ${by}: the intervals of the highest (${hi}) and the lowest (${lo}) overlap.`,
  periodShift: (rose: boolean, from: string, fromValue: string, to: string, toValue: string) =>
    `Sentiment ${
      rose ? "rose" : "fell"
    } from ${fromValue} ${from} to ${toValue} ${to}; the intervals do not overlap.`,
  periodSame: (to: string, toValue: string, from: string, fromValue: string) =>
    `Sentiment ${to} (${toValue}) is not clearly different from ${from} (${fromValue}): the intervals overlap.`,
  smallGroups: (n: string, min: string) =>
    `${n} of the groups have fewer than ${min} comments (small samples, flagged and not compared).`,
};

/** The words of the text section. */
export type TextLabels = typeof EN;

const DE: TextLabels = {
  title: "Was Kunden sagen",
  noData:
    "Keine Kommentare in den Umfrageantworten (eine Spalte comment), daher ist dieser Abschnitt leer.",
  lead: (n) =>
    `${n} Kommentare; E-Mail-Adressen, Telefonnummern, IBANs und Kartennummern wurden durch Platzhalter ersetzt, bevor hier etwas berechnet wurde.`,
  drivers: "Was Kritiker anders schreiben als Promotoren",
  driversLead: (min) =>
    `Wörter und Zweiwortfolgen nach dem gewichteten Log-Odds-Verhältnis mit informativem Dirichlet-Prior (Monroe, Colaresi & Quinn 2008): ein z-Wert je Begriff, nach Benjamini–Hochberg korrigiert; Begriffe, die seltener als ${min}-mal vorkommen, fehlen. Hohle Balken: nicht signifikant.`,
  driversSentence: (a, b) => `Kritiker schreiben häufiger über ${a}; Promotoren über ${b}.`,
  driversNone: "Kein Wort trennt die Kommentare der Kritiker signifikant von denen der Promotoren.",
  nothing: "nichts Bestimmtes",
  driversChart: "Wörter von Kritikern und Promotoren",
  zAxis: "z-Wert (Log-Odds / Standardfehler)",
  term: "Begriff",
  leansTo: "Typisch für",
  detractors: "Kritiker",
  promoters: "Promotoren",
  examples: "Beispielkommentare (geschwärzt)",
  sentiment: "Stimmung",
  sentimentLead: (pct, min) =>
    `Ein Wert je Kommentar von −1 (sehr negativ) bis +1 (sehr positiv) aus dem Lexikon AFINN-165 (deutsch: seine Übersetzung), mit Verneinungen; Mittelwert je Gruppe mit ${pct}-Intervall; Gruppen mit weniger als ${min} Kommentaren sind kleine Stichproben.`,
  sentimentBy: (by) => `Stimmung nach ${by}`,
  sentimentAxis: "Mittlere Stimmung (−1 bis +1)",
  sentimentColumn: "Stimmung (Intervall)",
  negativeColumn: "Negative Kommentare (Intervall)",
  segmentApart: (hi, hiValue, lo, loValue) =>
    `Die Stimmung ist bei ${hi} am besten (${hiValue}) und bei ${lo} am schlechtesten (${loValue}); ihre Intervalle überschneiden sich mit keiner anderen Gruppe.`,
  segmentPair: (hi, hiValue, lo, loValue) =>
    `Die Stimmung ist bei ${hi} besser (${hiValue}) als bei ${lo} (${loValue}); ihre Intervalle überschneiden sich nicht.`,
  segmentSame: (by, hi, lo) =>
    `Die Stimmung unterscheidet sich nach ${by} nicht deutlich: Die Intervalle der besten (${hi}) und der schlechtesten Gruppe (${lo}) überschneiden sich.`,
  periodShift: (rose, from, fromValue, to, toValue) =>
    `Die Stimmung ${
      rose ? "stieg" : "sank"
    } von ${fromValue} ${from} auf ${toValue} ${to}; die Intervalle überschneiden sich nicht.`,
  periodSame: (to, toValue, from, fromValue) =>
    `Die Stimmung ${to} (${toValue}) unterscheidet sich nicht deutlich von ${from} (${fromValue}): Die Intervalle überschneiden sich.`,
  smallGroups: (n, min) =>
    `${n} der Gruppen haben weniger als ${min} Kommentare (kleine Stichproben, markiert und nicht verglichen).`,
};

/**
 * The text section's words in the report language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textLabels } from "./text_labels.ts";
 * assert.equal(textLabels("de").title, "Was Kunden sagen");
 * ```
 */
export function textLabels(lang: Lang): TextLabels {
  return lang === "de" ? DE : EN;
}
