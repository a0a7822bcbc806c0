/**
 * What separates two groups' comments — by default, what detractors write
 * about that promoters do not, and the reverse: the words and two-word
 * phrases ranked by the weighted log-odds ratio with an informative
 * Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words").
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled } from "../base/input.ts";
import { requireColumn } from "../base/plan.ts";
import { type EngineAnalysis, withEngine } from "../engine/dispatch.ts";
import { CxDataError, CxOptionsError, type CxProblem } from "../errors.ts";
import { attachMeta } from "../meta.ts";
import { optionNames } from "../options.ts";
import { redactText } from "../privacy/pii.ts";
import { NPS_CUT_POINTS, NPS_SCALE } from "../schema/scales.ts";
import { checkConfidence } from "../stats/distributions.ts";
import { commentTerms } from "./terms.ts";
import { type DriverCounts, fightinWords } from "./log_odds.ts";

/** Options of {@link commentDrivers}. */
export interface CommentDriverOptions {
  /** Comment column (default `"comment"`). */
  text?: string;
  /**
   * A column with exactly two values to compare (e.g. `"churned"`); group
   * a is the lower value (numbers ascending, text in code-point order,
   * `false` before `true`). Default: `nps_score`, detractors (a) against
   * promoters (b), passives left out.
   */
  group?: string;
  /**
   * Stop words and stemmer: `"auto"` (default: per comment, as
   * `commentThemes` decides), `"de"` or `"en"`.
   */
  language?: "auto" | "de" | "en";
  /** Terms used fewer times in both groups together are not reported (default 5). */
  minCount?: number;
  /** Light stemming before counting (CISTEM for German, Harman's S-stemmer for English; default `false`). */
  stem?: boolean;
  /** Example comments per term, redacted (default 2; 0 for none). */
  examples?: number;
  /** Confidence level: `significant` is `p_adjusted < 1 − confidence` (default 0.95). */
  confidence?: number;
}

/** The names of {@link CommentDriverOptions}. */
export const COMMENT_DRIVER_OPTIONS = optionNames<CommentDriverOptions>()([
  "text",
  "group",
  "language",
  "minCount",
  "stem",
  "examples",
  "confidence",
]);

/** The {@link commentDrivers} result columns, in order. */
export const COMMENT_DRIVER_COLUMNS: readonly string[] = [
  "term",
  "n_terms",
  "group",
  "count_a",
  "count_b",
  "log_odds",
  "std_err",
  "statistic",
  "p_value",
  "p_adjusted",
  "significant",
  "examples",
];

/**
 * The words and two-word phrases that separate two groups' comments:
 * detractors (NPS 0–6, group a) against promoters (9–10, group b) by
 * default, or the two values of the column `group`.
 *
 * Each comment is split into words and two-word phrases as in
 * `commentThemes` (stop words removed in the comment's language; see
 * `commentTerms`), optionally stemmed. Words and phrases are counted
 * separately: for a term w of n words, y_a and y_b are its counts in the
 * two groups, n_a and n_b the groups' counts of all n-word terms. The prior
 * is the whole corpus: α_w = y_a + y_b and α_0 = n_a + n_b (Monroe et al.
 * 2008, §3.5.4, with the pooled counts as the informative prior). Then
 *
 *   log_odds = ln((y_a + α_w) / (n_a + α_0 − y_a − α_w))
 *            − ln((y_b + α_w) / (n_b + α_0 − y_b − α_w)),
 *   std_err  = √(1 / (y_a + α_w) + 1 / (y_b + α_w)),
 *   statistic = log_odds / std_err (the z-score),
 *
 * `p_value` is two-sided from the normal distribution and `p_adjusted`
 * corrects it over all reported terms by Benjamini–Hochberg (false
 * discovery rate: many terms are screened at once);
 * `significant = p_adjusted < 1 − confidence`. A positive `log_odds` means
 * the term is typical of group a; `group` names the group it leans to
 * (`"Detractor"`/`"Promoter"` by default, else the column's value as text).
 * `examples` holds the first `examples` comments (table order) of that
 * group using the term, with personal data redacted (`redactText`: German
 * placeholders, English ones for English comments). Terms used fewer than
 * `minCount` times in all are not reported (they still count in n_a and
 * n_b). Rows are sorted by `statistic`, group a's terms first.
 *
 * Runs in memory only: `engine` is refused, since every comment's words are
 * needed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { commentDrivers } from "./comment_drivers.ts";
 * const t = aq.table({
 *   nps_score: [2, 3, 1, 10, 9, 10, 8],
 *   comment: [
 *     "Lange Wartezeit", "Wartezeit zu lang", "Wartezeit, Mail an a@b.de",
 *     "Super Service", "Super!", "Service super", "Ganz okay",
 *   ],
 * });
 * const r = commentDrivers(t, { minCount: 3 });
 * assert.deepEqual(r.array("term"), ["wartezeit", "super"]);
 * assert.deepEqual(r.array("group"), ["Detractor", "Promoter"]);
 * assert.equal(r.get("count_a", 0), 3);
 * assert.deepEqual(r.get("examples", 0), ["Lange Wartezeit", "Wartezeit zu lang"]);
 * assert.ok(r.get("statistic", 0) > 0 && r.get("statistic", 1) < 0);
 * ```
 */
export const commentDrivers: EngineAnalysis<CommentDriverOptions> = withEngine<
  CommentDriverOptions
>({
  name: "commentDrivers",
  options: COMMENT_DRIVER_OPTIONS,
  memory: (input, options) => driversInMemory(pooled(input), options),
  sql: { refuse: "the log-odds need every comment's words, which stay in memory" },
});

function driversInMemory(table: ColumnTable, options: CommentDriverOptions): ColumnTable {
  const { text = "comment", language = "auto", minCount = 5, stem = false } = options;
  const { examples = 2, confidence = 0.95 } = options;
  requireColumn(table, text, "text");
  checkSettings(language, minCount, stem, examples);
  checkConfidence(confidence);
  const groups = groupsOf(table, options.group);
  const comments = textsOf(table, text);
  const { counts, uses, langs } = countTerms(comments, groups.of, language, stem, examples);
  for (const g of [0, 1]) {
    if (counts.totals[0][g] === 0) noComments(groups.labels[g], text);
  }
  const rows = fightinWords(counts, minCount, confidence);
  const out = rows.map((r) => {
    const side = r.log_odds > 0 ? 0 : r.log_odds < 0 ? 1 : null;
    const from = side === null ? [] : uses(r.term)[side];
    return {
      ...r,
      group: side === null ? null : groups.labels[side],
      examples: from.map((i) => redactText(comments[i]!, { language: langs[i] })),
    };
  });
  const result = aq.table(
    Object.fromEntries(COMMENT_DRIVER_COLUMNS.map((c) => [c, out.map((r) => r[c as "term"])])),
  );
  return attachMeta(result, {
    kind: "text",
    analysis: "commentDrivers",
    options: { text, group: options.group ?? null, language, minCount, stem, examples, confidence },
    groups: { a: groups.labels[0], b: groups.labels[1] },
    notes: {
      prior: "informative Dirichlet prior from the pooled counts (α_w = y_a + y_b)",
      correction: "bh",
      comments: [0, 1].map((g) =>
        groups.of.filter((v, i) => v === g && comments[i] !== null).length
      ),
    },
  });
}

/** A term's count per group and its first example comments per group. */
interface TermCount {
  n: number;
  counts: [number, number];
  uses: [number[], number[]];
}

/** Every comment's words and phrases counted per group (one map entry per term). */
function countTerms(
  comments: (string | null)[],
  of: (0 | 1 | null)[],
  language: "auto" | "de" | "en",
  stem: boolean,
  examples: number,
) {
  const terms = new Map<string, TermCount>();
  const counts: DriverCounts = { terms, totals: [[0, 0], [0, 0]] };
  const langs: ("de" | "en")[] = [];
  const add = (term: string, n: number, g: 0 | 1, i: number) => {
    let c = terms.get(term);
    if (!c) terms.set(term, c = { n, counts: [0, 0], uses: [[], []] });
    c.counts[g]++;
    const u = c.uses[g];
    if (u.length < examples && u[u.length - 1] !== i) u.push(i);
  };
  comments.forEach((comment, i) => {
    const g = of[i];
    if (comment === null || g === null) return;
    const { language: lang, words, phrases } = commentTerms(comment, language, stem);
    langs[i] = lang === "en" ? "en" : "de";
    counts.totals[0][g] += words.length;
    counts.totals[1][g] += phrases.length;
    for (const term of words) add(term, 1, g, i);
    for (const term of phrases) add(term, 2, g, i);
  });
  return { counts, uses: (term: string) => terms.get(term)!.uses, langs };
}

function checkSettings(language: unknown, minCount: unknown, stem: unknown, examples: unknown) {
  if (language !== "auto" && language !== "de" && language !== "en") {
    throw new CxOptionsError(
      `Option "language" must be "auto", "de" or "en", got ${JSON.stringify(language)}`,
    );
  }
  for (
    const [name, value, min] of [["minCount", minCount, 1], ["examples", examples, 0]] as const
  ) {
    if (!Number.isInteger(value) || (value as number) < min) {
      throw new CxOptionsError(
        `Option "${name}" must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`,
      );
    }
  }
  if (typeof stem !== "boolean") {
    throw new CxOptionsError(`Option "stem" must be true or false, got ${JSON.stringify(stem)}`);
  }
}

interface Groups {
  /** 0 (group a), 1 (group b) or null (left out) per row. */
  of: (0 | 1 | null)[];
  labels: [string, string];
}

/** Rows' groups: NPS detractors and promoters by default, else the two values of `column`. */
function groupsOf(table: ColumnTable, column: string | undefined): Groups {
  if (column === undefined) {
    if (!table.columnNames().includes("nps_score")) {
      throw new CxOptionsError(
        `commentDrivers compares detractors and promoters by column "nps_score", which is not in the table; name a two-valued column in option "group". Columns: ${
          table.columnNames().join(", ")
        }`,
      );
    }
    return npsGroups(table.array("nps_score") as ArrayLike<unknown>);
  }
  requireColumn(table, column, "group");
  const values = Array.from(table.array(column) as ArrayLike<unknown>);
  if (values.some((v) => v !== null && v !== undefined && typeof v === "object")) {
    throw new CxOptionsError(
      `Column "${column}" of option "group" must hold text, numbers or booleans; derive a two-valued column first`,
    );
  }
  const distinct = [...new Set(values.filter((v) => v !== null && v !== undefined))];
  if (distinct.length !== 2) {
    throw new CxDataError(
      [{ row: null, column, value: distinct.slice(0, 5).map(String).join(", "), reason: "" }],
      1,
      `Column "${column}" of option "group" must hold exactly two values to compare, found ${distinct.length}${
        distinct.length ? ` (${distinct.slice(0, 5).map((v) => JSON.stringify(v)).join(", ")})` : ""
      }; derive a two-valued column first`,
    );
  }
  const [a, b] = distinct.every((v) => typeof v === "number")
    ? (distinct as number[]).sort((x, y) => x - y)
    : distinct.sort((x, y) => (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0));
  return {
    of: values.map((v) => (v === a ? 0 : v === b ? 1 : null)),
    labels: [String(a), String(b)],
  };
}

function npsGroups(scores: ArrayLike<unknown>): Groups {
  const { Detractor, Promoter } = NPS_CUT_POINTS;
  const problems: CxProblem[] = [];
  let bad = 0;
  const of = Array.from(scores, (v, i): 0 | 1 | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== "number" || !Number.isInteger(v) || v < NPS_SCALE.min || v > NPS_SCALE.max) {
      if (bad++ < 20) {
        problems.push({
          row: i + 1,
          column: "nps_score",
          value: String(v),
          reason: `nps_score must be a whole number from ${NPS_SCALE.min} to ${NPS_SCALE.max}`,
        });
      }
      return null;
    }
    return v <= Detractor.max ? 0 : v >= Promoter.min ? 1 : null;
  });
  if (bad) throw new CxDataError(problems, bad, `Column "nps_score" holds values off the scale`);
  return { of, labels: ["Detractor", "Promoter"] };
}

/** Comment texts: strings (`null` when missing or blank); anything else is a `CxDataError`. */
function textsOf(table: ColumnTable, column: string): (string | null)[] {
  const problems: CxProblem[] = [];
  let bad = 0;
  const out = Array.from(table.array(column) as ArrayLike<unknown>, (v, i) => {
    if (typeof v === "string") return v.trim() === "" ? null : v;
    if (v !== null && v !== undefined && bad++ < 20) {
      problems.push({ row: i + 1, column, value: String(v), reason: `${column} must be text` });
    }
    return null;
  });
  if (bad) throw new CxDataError(problems, bad, `Column "${column}" is not text`);
  return out;
}

function noComments(label: string, text: string): never {
  throw new CxDataError(
    [{ row: null, column: text, value: null, reason: `no words in comments of group ${label}` }],
    1,
    `commentDrivers: the comments of group "${label}" have no words to count (after stop words); both groups need comments`,
  );
}
