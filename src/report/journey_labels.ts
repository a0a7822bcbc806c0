/**
 * Words of the Journeys section in English and German (beside `i18n.ts`,
 * which holds the other sections' words). Sentences are templates filled
 * with numbers already formatted for the locale.
 *
 * @module
 */
import type { Lang } from "./format.ts";

const EN = {
  journeys: "Journeys",
  noData:
    "No touchpoints in the data (an events table with a step or channel column, e.g. touchpoints.csv), so this section is empty.",
  lead: (rows: string, customers: string, column: string, left: string) =>
    `${rows} touchpoints of ${customers} customers, read by their ${column} column${
      left === "0" ? "" : `; ${left} rows without a ${column} are not part of these journeys`
    }.`,
  funnel: "Funnel",
  funnelLead: (steps: string, days: string) =>
    `Customers reaching each step (${steps}, the steps in the order of how many customers reach them) within ${days} days of a first step, with Wilson intervals; median days from the previous step by Kaplan–Meier (customers still inside their window are censored).`,
  funnelDrop: (from: string, to: string, share: string) =>
    `The largest drop is from ${from} to ${to}: ${share} continue.`,
  funnelEnd: (share: string, last: string, days: string) =>
    `${share} of the customers who start the funnel reach ${last} within ${days} days.`,
  step: "Step",
  fromPrevious: "From previous (interval)",
  fromStart: "From start (interval)",
  medianDays: "Median days (interval)",
  paths: "Most common paths",
  pathsLead: (conversion: string | null, minN: string) =>
    (conversion
      ? `Each customer's touchpoints up to their first "${conversion}", at most four, in order. `
      : "Each customer's first four touchpoints, in order. ") +
    `Paths of fewer than ${minN} customers are pooled.`,
  pathSentence: (path: string, customers: string, share: string) =>
    `The most common path is ${path}: ${customers} customers, ${share} of all.`,
  pathConversion: (path: string, rate: string) =>
    `Of the paths shown, ${path} converts best: ${rate} of its customers.`,
  path: "Path",
  customers: "Customers",
  share: "Share (interval)",
  conversionRate: "Conversion (interval)",
  transitions: "Where customers go next",
  transitionsLead:
    "Share of the moves out of each touchpoint (rows) that go to each next touchpoint (columns), from the start of a journey to its end.",
  firstStep: (step: string, share: string) => `Most journeys start with ${step} (${share}).`,
  intoConversion: (step: string, conversion: string, share: string) =>
    `The touchpoint most often followed by "${conversion}" is ${step} (${share} of the moves out of it).`,
  attribution: "Which channels earn the conversions",
  attributionLead: (conversion: string, resamples: string) =>
    `Conversions ("${conversion}") shared by each channel's Markov removal effect: how many conversions the journeys would lose without the channel. Whiskers: 95 % bootstrap intervals over ${resamples} resamples of customers.`,
  attributionSentence: (
    channel: string,
    effect: string,
    conversions: string,
    low: string,
    high: string,
  ) =>
    `Without ${channel}, ${effect} of the conversions would be lost, more than for any other channel; it earns ${conversions} conversions (${low}–${high}).`,
  channel: "Channel",
  conversions: "Conversions (interval)",
  removalEffect: "Removal effect",
  outcomes: "Touchpoints and NPS",
  outcomesLead:
    "NPS of survey answers given after a touchpoint against answers of customers who had not had it by then; differences tested and Holm-corrected over the touchpoints.",
  outcomeSentence: (tp: string, withNps: string, withoutNps: string, diff: string, p: string) =>
    `Answers after a ${tp} touch have NPS ${withNps} against ${withoutNps} without: ${diff} points lower (Holm-adjusted ${p}).`,
  outcomeNone: "No touchpoint goes with a significantly lower NPS after Holm's correction.",
  touchpoint: "Touchpoint",
  withNps: "NPS with (interval)",
  withoutNps: "NPS without",
  difference: "Difference (interval)",
  pAdjusted: "p (Holm)",
};

/** The Journeys section's words. */
export type JourneyLabels = typeof EN;

const DE: JourneyLabels = {
  journeys: "Customer Journeys",
  noData:
    "Keine Kontaktpunkte in den Daten (eine Ereignistabelle mit einer Spalte step oder channel, z. B. touchpoints.csv), daher ist dieser Abschnitt leer.",
  lead: (rows, customers, column, left) =>
    `${rows} Kontaktpunkte von ${customers} Kunden, gelesen über ihre Spalte ${column}${
      left === "0" ? "" : `; ${left} Zeilen ohne ${column} gehören nicht zu diesen Journeys`
    }.`,
  funnel: "Trichter",
  funnelLead: (steps, days) =>
    `Kunden, die jeden Schritt erreichen (${steps}, die Schritte in der Reihenfolge, wie viele Kunden sie erreichen), innerhalb von ${days} Tagen nach einem ersten Schritt, mit Wilson-Intervallen; Median der Tage seit dem vorigen Schritt nach Kaplan–Meier (Kunden, deren Fenster noch offen ist, sind zensiert).`,
  funnelDrop: (from, to, share) =>
    `Der größte Verlust liegt zwischen ${from} und ${to}: ${share} gehen weiter.`,
  funnelEnd: (share, last, days) =>
    `${share} der Kunden, die den Trichter beginnen, erreichen ${last} innerhalb von ${days} Tagen.`,
  step: "Schritt",
  fromPrevious: "Vom vorigen (Intervall)",
  fromStart: "Vom Start (Intervall)",
  medianDays: "Median Tage (Intervall)",
  paths: "Häufigste Pfade",
  pathsLead: (conversion, minN) =>
    (conversion
      ? `Die Kontaktpunkte jedes Kunden bis zum ersten „${conversion}“, höchstens vier, in Reihenfolge. `
      : "Die ersten vier Kontaktpunkte jedes Kunden, in Reihenfolge. ") +
    `Pfade mit weniger als ${minN} Kunden sind zusammengefasst.`,
  pathSentence: (path, customers, share) =>
    `Der häufigste Pfad ist ${path}: ${customers} Kunden, ${share} aller Kunden.`,
  pathConversion: (path, rate) =>
    `Von den gezeigten Pfaden konvertiert ${path} am besten: ${rate} seiner Kunden.`,
  path: "Pfad",
  customers: "Kunden",
  share: "Anteil (Intervall)",
  conversionRate: "Konversion (Intervall)",
  transitions: "Wohin Kunden als Nächstes gehen",
  transitionsLead:
    "Anteil der Übergänge aus jedem Kontaktpunkt (Zeilen) zu jedem nächsten Kontaktpunkt (Spalten), vom Beginn einer Journey bis zu ihrem Ende.",
  firstStep: (step, share) => `Die meisten Journeys beginnen mit ${step} (${share}).`,
  intoConversion: (step, conversion, share) =>
    `Am häufigsten folgt „${conversion}“ auf ${step} (${share} der Übergänge aus ${step}).`,
  attribution: "Welche Kanäle die Konversionen verdienen",
  attributionLead: (conversion, resamples) =>
    `Konversionen („${conversion}“) nach dem Markov-Entfernungseffekt jedes Kanals verteilt: wie viele Konversionen ohne den Kanal verloren gingen. Whisker: 95-%-Bootstrap-Intervalle über ${resamples} Stichproben der Kunden.`,
  attributionSentence: (channel, effect, conversions, low, high) =>
    `Ohne ${channel} gingen ${effect} der Konversionen verloren, mehr als bei jedem anderen Kanal; ${channel} verdient ${conversions} Konversionen (${low}–${high}).`,
  channel: "Kanal",
  conversions: "Konversionen (Intervall)",
  removalEffect: "Entfernungseffekt",
  outcomes: "Kontaktpunkte und NPS",
  outcomesLead:
    "NPS der Antworten nach einem Kontaktpunkt gegenüber Antworten von Kunden, die ihn bis dahin nicht hatten; Unterschiede getestet und nach Holm über die Kontaktpunkte korrigiert.",
  outcomeSentence: (tp, withNps, withoutNps, diff, p) =>
    `Antworten nach einem Kontakt über ${tp} haben einen NPS von ${withNps} gegenüber ${withoutNps} ohne: ${diff} Punkte niedriger (${p}, Holm-korrigiert).`,
  outcomeNone:
    "Kein Kontaktpunkt geht nach Holm-Korrektur mit einem signifikant niedrigeren NPS einher.",
  touchpoint: "Kontaktpunkt",
  withNps: "NPS mit (Intervall)",
  withoutNps: "NPS ohne",
  difference: "Unterschied (Intervall)",
  pAdjusted: "p (Holm)",
};

/**
 * The Journeys section's words in the report language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { journeyLabels } from "./journey_labels.ts";
 * assert.equal(journeyLabels("de").paths, "Häufigste Pfade");
 * ```
 */
export function journeyLabels(lang: Lang): JourneyLabels {
  return lang === "de" ? DE : EN;
}
