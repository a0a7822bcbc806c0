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
import type { LoadedFile } from "./load_dir.ts";

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

/**
 * Why a file was not loaded, in the labels' language: the fixed reasons
 * (`issue`: a folder, not a CSV file, a name that says no table, …) in its
 * words, any other message as the loader gave it, without its English
 * "skipped:"/"not loaded:" start (the sentence around it says that).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileWhy, reportLabels } from "./i18n.ts";
 * const folder = { file: "old", error: "skipped: a folder (…)", issue: "folder" as const };
 * assert.equal(fileWhy(reportLabels("de"), folder), "ein Ordner (nur Dateien direkt im Datenordner werden gelesen)");
 * assert.equal(fileWhy(reportLabels("de"), { file: "a.csv", error: "not loaded: bad" }), "bad");
 * ```
 */
export function fileWhy(t: Labels, f: Pick<LoadedFile, "file" | "error" | "issue">): string {
  return f.issue
    ? t.fileIssue[f.issue](f.file)
    : (f.error ?? "").replace(/^(skipped|not loaded): /, "");
}
