/**
 * The sentences that compare groups, shared by the report's sections so
 * they keep the report's promise: a difference is only called one when it
 * is more than noise. Rankings ("highest", "lowest") only when intervals
 * separate, gaps between groups from Holm-adjusted tests, small samples
 * flagged and never ranked.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { npsCompare } from "../metrics/nps.ts";
import { holm } from "../stats/multiple.ts";
import type { SectionContext } from "./context.ts";

type Row = Record<string, unknown>;

/** Where a group's estimate and interval are in its result row. */
export interface RankColumns {
  /** The group column. */
  by: string;
  /** The estimate. */
  value: string;
  /** Lower bound of its interval. */
  low: string;
  /** Upper bound of its interval. */
  high: string;
}

/**
 * The groups a sentence may compare: a value, a group name, no small sample,
 * not suppressed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparableRows } from "./compare.ts";
 * const rows = [{ g: "a", v: 1, small_sample: true }, { g: "b", v: 2 }, { g: null, v: 3 }];
 * assert.deepEqual(comparableRows(rows, "g", "v").map((r) => r.g), ["b"]);
 * ```
 */
export function comparableRows(rows: Row[], by: string, value: string): Row[] {
  return rows.filter((r) =>
    typeof r[value] === "number" && r[by] !== null && r[by] !== undefined &&
    r.small_sample !== true && r.suppressed !== true
  );
}

/**
 * The sentence ranking groups by an estimate, only as far as the intervals
 * allow: "highest … and lowest …" when the top and the bottom group's
 * intervals overlap no other group's, "higher for … than for …" when only
 * those two separate, else "does not differ clearly"; then a note on the
 * small samples left out. `subject` is the KPI as a sentence subject
 * ("CSAT", German "Die Zufriedenheit"), `show` formats a row's value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { rankSentences } from "./compare.ts";
 * import { sectionContext } from "./site.ts";
 * const ctx = sectionContext({ responses: aq.table({}) });
 * const cols = { by: "g", value: "v", low: "lo", high: "hi" };
 * const apart = [{ g: "a", v: 5, lo: 4, hi: 6 }, { g: "b", v: 1, lo: 0, hi: 2 }];
 * const close = [{ g: "a", v: 5, lo: 2, hi: 8 }, { g: "b", v: 4, lo: 1, hi: 7 }];
 * assert.match(rankSentences(ctx, apart, cols, "X", (r) => String(r.v))[0], /higher for a/);
 * assert.match(rankSentences(ctx, close, cols, "X", (r) => String(r.v))[0], /does not differ clearly/);
 * ```
 */
export function rankSentences(
  ctx: SectionContext,
  rows: Row[],
  columns: RankColumns,
  subject: string,
  show: (row: Row) => string,
): string[] {
  const { labels: t } = ctx;
  const { by } = columns;
  const rank = rankGroups(rows, columns);
  const out: string[] = [];
  if (rank) {
    const { top, bottom, verdict } = rank;
    const names = [String(top[by]), show(top), String(bottom[by]), show(bottom)] as const;
    out.push(
      verdict === "none"
        ? t.rankNone(subject, by, String(top[by]), String(bottom[by]))
        : verdict === "extremes"
        ? t.rankExtremes(subject, ...names)
        : t.rankPair(subject, ...names),
    );
  }
  return [...out, ...smallNote(ctx, rows)];
}

/** What the intervals allow to say about the top and the bottom group. */
export interface Ranking {
  /** The group with the highest estimate. */
  top: Row;
  /** The group with the lowest estimate. */
  bottom: Row;
  /**
   * `"extremes"`: with three or more groups, the top and the bottom interval
   * overlap no other group's (highest, lowest); `"pair"`: only the top and
   * the bottom interval are apart (higher than); `"none"`: they overlap.
   */
  verdict: "extremes" | "pair" | "none";
}

/**
 * The top and the bottom of the comparable groups (see
 * {@link comparableRows}) and what their intervals allow to say; `null`
 * with fewer than two.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankGroups } from "./compare.ts";
 * const cols = { by: "g", value: "v", low: "lo", high: "hi" };
 * const rows = [
 *   { g: "a", v: 9, lo: 8, hi: 10 },
 *   { g: "b", v: 7, lo: 5, hi: 8.5 }, // overlaps a
 *   { g: "c", v: 1, lo: 0, hi: 2 },
 * ];
 * assert.equal(rankGroups(rows, cols)!.verdict, "pair");
 * assert.equal(rankGroups([rows[0], rows[2]], cols)!.verdict, "pair");
 * assert.equal(rankGroups([rows[0], { ...rows[1], hi: 7.5 }, rows[2]], cols)!.verdict, "extremes");
 * ```
 */
export function rankGroups(rows: Row[], columns: RankColumns): Ranking | null {
  const { by, value, low, high } = columns;
  const ranked = comparableRows(rows, by, value)
    .sort((a, b) => (b[value] as number) - (a[value] as number));
  if (ranked.length < 2) return null;
  const top = ranked[0], bottom = ranked[ranked.length - 1];
  const others = ranked.slice(1, -1);
  const num = (r: Row, c: string) => typeof r[c] === "number" ? r[c] as number : NaN;
  const above = (a: Row, b: Row) => num(a, low) > num(b, high);
  const verdict = !above(top, bottom)
    ? "none"
    : others.length && others.every((o) => above(top, o) && above(o, bottom))
    ? "extremes"
    : "pair";
  return { top, bottom, verdict };
}

/**
 * The note on the groups (or periods) flagged as small samples (none: no note).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { smallNote } from "./compare.ts";
 * import { sectionContext } from "./site.ts";
 * const ctx = sectionContext({ responses: aq.table({}) });
 * assert.match(smallNote(ctx, [{ small_sample: true }, {}])[0], /^1 group\(s\) with fewer than 30/);
 * ```
 */
export function smallNote(
  ctx: SectionContext,
  rows: Row[],
  of: "groups" | "periods" = "groups",
): string[] {
  const small = rows.filter((r) => r.small_sample === true && r.suppressed !== true).length;
  if (!small) return [];
  const note = of === "periods" ? ctx.labels.smallPeriods : ctx.labels.smallGroups;
  return [note(ctx.format.int(small), ctx.format.int(ctx.minN))];
}

/** The widest NPS gap between two groups, tested as one of all pairs. */
export interface NpsGap {
  /** The group with the lowest NPS. */
  low: string;
  /** The group with the highest NPS. */
  high: string;
  /** NPS of `high` minus NPS of `low`. */
  difference: number;
  /** Holm-adjusted p of that pair over every pair of the groups compared. */
  pAdjusted: number;
  /** `pAdjusted < 1 − confidence`. */
  significant: boolean;
  /** Pairs in the family. */
  pairs: number;
}

/**
 * The lowest against the highest NPS among the groups that are no small
 * samples, with the p-value Holm-adjusted over EVERY pair of those groups
 * (`npsCompare` for each pair): picking the most extreme pair after looking
 * at the data is a multiple comparison, adjusted as on the Trends page.
 * `null` with fewer than two groups or when a pair cannot be tested.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "../metrics/nps.ts";
 * import { npsGap } from "./compare.ts";
 * const table = aq.table({
 *   g: [..."aaaabbbbcccc"],
 *   nps_score: [10, 10, 9, 0, 10, 0, 5, 7, 0, 0, 3, 10],
 * });
 * const rows = nps(table, { by: "g", minN: 1 }).objects() as Record<string, unknown>[];
 * const gap = npsGap(table, rows, "g", 0.95)!;
 * assert.ok(gap.low === "c" && gap.high === "a" && gap.pairs === 3);
 * ```
 */
export function npsGap(
  table: ColumnTable,
  rows: Row[],
  by: string,
  confidence: number,
): NpsGap | null {
  const groups = comparableRows(rows, by, "nps").map((r) => ({ name: String(r[by]), nps: r.nps }));
  if (groups.length < 2) return null;
  const pairs: { a: string; b: string; difference: number; p: number | null }[] = [];
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const d = npsCompare(table, { by, a: groups[i].name, b: groups[j].name, confidence })
        .objects()[0] as { difference: number; p_value: number | null };
      pairs.push({ a: groups[i].name, b: groups[j].name, difference: d.difference, p: d.p_value });
    }
  }
  const adjusted = holm(pairs.map((p) => p.p));
  let widest = 0;
  pairs.forEach((p, i) => {
    if (Math.abs(p.difference) > Math.abs(pairs[widest].difference)) widest = i;
  });
  const pick = pairs[widest], pAdjusted = adjusted[widest];
  if (pAdjusted === null) return null;
  const [low, high] = pick.difference < 0 ? [pick.a, pick.b] : [pick.b, pick.a];
  return {
    low,
    high,
    difference: Math.abs(pick.difference),
    pAdjusted,
    significant: pAdjusted < 1 - confidence,
    pairs: pairs.length,
  };
}
