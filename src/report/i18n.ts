/**
 * Headings, labels and finding sentences of the report in English and
 * German. Sentences are templates filled with numbers already formatted for
 * the locale, so the words are generated from results in either language.
 *
 * @module
 */
import type { Lang } from "./format.ts";
import { DE } from "./i18n_de.ts";
import { EN, type Labels } from "./i18n_en.ts";

export type { Labels };

const LABELS: Record<Lang, Labels> = { en: EN, de: DE };

/**
 * The labels and sentence templates of a report language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportLabels } from "./i18n.ts";
 * assert.equal(reportLabels("de").quality, "Datenqualität");
 * assert.equal(reportLabels("en").byGroup("NPS", "channel"), "NPS by channel");
 * ```
 */
export function reportLabels(lang: Lang): Labels {
  return LABELS[lang];
}
