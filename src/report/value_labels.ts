/**
 * Words of the Customer value section in English and German (beside
 * `i18n.ts`, which holds the older sections' words). Sentences are
 * templates filled with numbers already formatted for the locale.
 *
 * @module
 */
import type { Lang } from "./format.ts";

const EN = {
  value: "Customer value",
  noData:
    "No orders in the data (an events table with customer_id, date and revenue), so this section is empty.",
  lead: (orders: string, customers: string, weeks: string, discount: string) =>
    `${orders} orders of ${customers} customers. BG/NBD (how many purchases, and whether a customer is still active) and Gamma-Gamma (how much per purchase) are fitted on the customers' purchase histories in weeks; the value is the revenue expected in the next ${weeks} weeks, discounted at ${discount} a year.`,
  failed: (why: string) => `The models could not be fitted on these orders: ${why}`,
  spendFailed: (why: string) =>
    `The spend model (Gamma-Gamma) could not be fitted, so no value is shown: ${why}`,
  total: (value: string, level: string, interval: string, customers: string, weeks: string) =>
    `The ${customers} customers are expected to bring ${value} (${level} interval ${interval}) of revenue in the next ${weeks} weeks, discounted.`,
  top: (segment: string, column: string, value: string, share: string) =>
    `The ${column} with the most expected value is ${segment}: ${value}, ${share} of the total.`,
  alive: (share: string, customers: string) =>
    `${share} of the customers (${customers}) are more likely gone than active (P(alive) below 50%).`,
  rates: (perYear: string, dropout: string) =>
    `While active, a customer buys ${perYear} times a year on average; after each purchase ${dropout} of customers drop out (BG/NBD).`,
  spend: (mean: string) => `A repeat purchase is worth ${mean} on average (Gamma-Gamma).`,
  bySegment: (column: string) => `Expected value by ${column}`,
  segmentLead: (column: string, resamples: string, min: string) =>
    `Total and per customer expected value of each ${column}; intervals from ${resamples} parameter draws of both models (parameter uncertainty, seeded). Groups of fewer than ${min} customers are not shown.`,
  allCustomers: "all customers",
  noSegment: (column: string) =>
    `No ${column} column for the ordering customers, so the value is shown for all customers.`,
  unknown: "(unknown)",
  customers: "Customers",
  totalValue: "Expected value (interval)",
  perCustomer: "Per customer (interval)",
  alivePart: "Who is still active",
  aliveLead: (t: string) =>
    `Probability that a customer observed for ${t} weeks is still active, by their repeat purchases and the week of their last purchase (BG/NBD).`,
  models: "Models and parameters",
  modelsLead: (level: string) =>
    `Maximum-likelihood estimates with standard errors from the observed information and ${level} intervals.`,
  model: "Model",
  param: "Parameter",
  estimate: "Estimate (interval)",
  stdErr: "Std. error",
  logLik: "Log-likelihood",
};

type Words = typeof EN;

const DE: Words = {
  value: "Kundenwert",
  noData:
    "Keine Bestellungen in den Daten (eine Ereignistabelle mit customer_id, date und revenue), daher ist dieser Abschnitt leer.",
  lead: (orders: string, customers: string, weeks: string, discount: string) =>
    `${orders} Bestellungen von ${customers} Kunden. BG/NBD (wie viele Käufe, und ob ein Kunde noch aktiv ist) und Gamma-Gamma (wie viel je Kauf) werden auf die Kaufhistorien der Kunden in Wochen angepasst; der Wert ist der in den nächsten ${weeks} Wochen erwartete Umsatz, abgezinst mit ${discount} im Jahr.`,
  failed: (why: string) => `Die Modelle ließen sich auf diese Bestellungen nicht anpassen: ${why}`,
  spendFailed: (why: string) =>
    `Das Ausgabenmodell (Gamma-Gamma) ließ sich nicht anpassen, daher wird kein Wert gezeigt: ${why}`,
  total: (value: string, level: string, interval: string, customers: string, weeks: string) =>
    `Die ${customers} Kunden bringen in den nächsten ${weeks} Wochen voraussichtlich ${value} (${level}-Intervall ${interval}) Umsatz, abgezinst.`,
  top: (segment: string, column: string, value: string, share: string) =>
    `Den höchsten erwarteten Wert unter ${column} hat ${segment}: ${value}, ${share} des Gesamtwerts.`,
  alive: (share: string, customers: string) =>
    `${share} der Kunden (${customers}) sind eher abgewandert als aktiv (P(aktiv) unter 50 %).`,
  rates: (perYear: string, dropout: string) =>
    `Solange ein Kunde aktiv ist, kauft er im Mittel ${perYear}-mal im Jahr; nach jedem Kauf wandern ${dropout} der Kunden ab (BG/NBD).`,
  spend: (mean: string) => `Ein Wiederholungskauf ist im Mittel ${mean} wert (Gamma-Gamma).`,
  bySegment: (column: string) => `Erwarteter Wert nach ${column}`,
  segmentLead: (column: string, resamples: string, min: string) =>
    `Gesamter und durchschnittlicher erwarteter Wert je ${column}; Intervalle aus ${resamples} Parameterziehungen beider Modelle (Parameterunsicherheit, mit festem Startwert). Gruppen mit weniger als ${min} Kunden werden nicht gezeigt.`,
  allCustomers: "alle Kunden",
  noSegment: (column: string) =>
    `Keine Spalte ${column} für die bestellenden Kunden, daher wird der Wert für alle Kunden gezeigt.`,
  unknown: "(unbekannt)",
  customers: "Kunden",
  totalValue: "Erwarteter Wert (Intervall)",
  perCustomer: "Je Kunde (Intervall)",
  alivePart: "Wer noch aktiv ist",
  aliveLead: (t: string) =>
    `Wahrscheinlichkeit, dass ein seit ${t} Wochen beobachteter Kunde noch aktiv ist, nach seinen Wiederholungskäufen und der Woche seines letzten Kaufs (BG/NBD).`,
  models: "Modelle und Parameter",
  modelsLead: (level: string) =>
    `Maximum-Likelihood-Schätzungen mit Standardfehlern aus der beobachteten Information und ${level}-Intervallen.`,
  model: "Modell",
  param: "Parameter",
  estimate: "Schätzung (Intervall)",
  stdErr: "Standardfehler",
  logLik: "Log-Likelihood",
};

/**
 * The Customer value section's words in a language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { valueLabels } from "./value_labels.ts";
 * assert.equal(valueLabels("de").value, "Kundenwert");
 * ```
 */
export function valueLabels(lang: Lang): Words {
  return lang === "de" ? DE : EN;
}
