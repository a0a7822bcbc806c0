/**
 * Survey weights said in words: when the score KPIs are weighted (the
 * answers have a `weight` column), every page that shows a weighted KPI says
 * so in one sentence with the effective sample size of the overall result
 * (Kish's `n_effective`, as the KPI computed it); an unweighted report says
 * nothing.
 *
 * The pages do not declare whether they show weighted KPIs: every KPI result
 * shown is noted ({@link noteWeights}, called by `publishable`, `trendShifts`
 * and the KPI page's headline), and the site asks after building a page.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { AnalysisKpi } from "../analysis/segment/kinds.ts";
import { metaOf } from "../meta.ts";
import { ces } from "../metrics/ces.ts";
import { csat } from "../metrics/csat.ts";
import { nps } from "../metrics/nps.ts";
import { columnLabel, hasValues, type SectionContext } from "./context.ts";
import { para } from "./html.ts";

/** The weight columns of the weighted KPI results shown on the page being built, per context. */
const SHOWN = new WeakMap<SectionContext, Set<string>>();
/** One overall result per context and KPI (the KPI page's headline and the sentence share it). */
const OVERALL = new WeakMap<SectionContext, Map<AnalysisKpi, ColumnTable>>();

/** The score column of each KPI. */
const SCORE: Record<AnalysisKpi, string> = { nps: "nps_score", csat: "csat", ces: "ces" };

/**
 * Notes that a KPI result is shown on the page being built: when its
 * metadata names a weight column (`meta(result).notes.weight`), the page
 * gets the weight sentence. Results without KPI (or journey) metadata are
 * ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "../metrics/nps.ts";
 * import { sectionContext } from "./site.ts";
 * import { noteWeights, startPage, weightNote } from "./weights.ts";
 * // Kish: (1 + 2 + 3 + 4)² / (1² + 2² + 3² + 4²) = 100 / 30 = 3.3 effective answers of 4.
 * const responses = aq.table({ nps_score: [10, 9, 0, 7], weight: [1, 2, 3, 4] });
 * const ctx = sectionContext({ responses });
 * startPage(ctx);
 * noteWeights(ctx, nps(responses));
 * assert.ok(weightNote(ctx).includes("effective sample size 3 of 4 NPS answers."));
 * ```
 */
export function noteWeights(ctx: SectionContext, result: ColumnTable): void {
  // KPI results and touchpointOutcomes (a journey result) name their weight column alike.
  const notes = (metaOf(result, "kpi") ?? metaOf(result, "journey"))?.notes;
  const column = notes?.weight;
  if (typeof column !== "string") return;
  const shown = SHOWN.get(ctx) ?? new Set<string>();
  SHOWN.set(ctx, shown);
  shown.add(column);
}

/**
 * Starts a page: forgets the weighted results noted for the page before.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { nps } from "../metrics/nps.ts";
 * import { sectionContext } from "./site.ts";
 * import { noteWeights, startPage, weightNote } from "./weights.ts";
 * const responses = aq.table({ nps_score: [10, 0], weight: [1, 3] });
 * const ctx = sectionContext({ responses });
 * noteWeights(ctx, nps(responses));
 * startPage(ctx);
 * assert.equal(weightNote(ctx), "");
 * ```
 */
export function startPage(ctx: SectionContext): void {
  SHOWN.get(ctx)?.clear();
}

/**
 * The overall result of a score KPI over every answer of the context
 * (weighted when the answers have survey weights), computed once per
 * context: the KPI page's headline and the weight sentence read the same
 * table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { sectionContext } from "./site.ts";
 * import { overallKpi } from "./weights.ts";
 * const ctx = sectionContext({ responses: aq.table({ nps_score: [10, 9, 0, 7] }) });
 * assert.equal(overallKpi(ctx, "nps").get("nps", 0), 25);
 * assert.equal(overallKpi(ctx, "nps"), overallKpi(ctx, "nps"));
 * ```
 */
export function overallKpi(ctx: SectionContext, kpi: AnalysisKpi): ColumnTable {
  const byKpi = OVERALL.get(ctx) ?? new Map<AnalysisKpi, ColumnTable>();
  OVERALL.set(ctx, byKpi);
  const known = byKpi.get(kpi);
  if (known) return known;
  const table = ctx.tables.responses!;
  const options = { confidence: ctx.confidence, minN: ctx.minN };
  const result = kpi === "nps"
    ? nps(table, options)
    : kpi === "csat"
    ? csat(table, { ...options, scale: ctx.csatScale })
    : ces(table, { ...options, scale: ctx.cesScale });
  byKpi.set(kpi, result);
  return result;
}

/**
 * The weight sentence of the page being built, as a paragraph, or `""` when
 * no weighted KPI result was noted since {@link startPage}. Its numbers are
 * the overall result's `n_effective` and `n` of the first KPI the answers
 * have (NPS, else CSAT, else CES).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { sectionContext } from "./site.ts";
 * import { noteWeights, overallKpi, startPage, weightNote } from "./weights.ts";
 * // Kish: (1 + 2 + 3 + 4)² / (1² + 2² + 3² + 4²) = 100 / 30 = 3.3 effective answers of 4.
 * const responses = aq.table({ nps_score: [10, 9, 0, 7], weight: [1, 2, 3, 4] });
 * const ctx = sectionContext({ responses }, { lang: "de" });
 * startPage(ctx);
 * assert.equal(weightNote(ctx), ""); // no weighted result shown yet
 * noteWeights(ctx, overallKpi(ctx, "nps"));
 * assert.equal(
 *   weightNote(ctx),
 *   '<p class="weights">Gewichtet mit den Umfragegewichten aus der Spalte weight: ' +
 *     "effektive Stichprobengröße 3 von 4 NPS-Antworten.</p>",
 * );
 * ```
 */
export function weightNote(ctx: SectionContext): string {
  const shown = SHOWN.get(ctx);
  const responses = ctx.tables.responses;
  if (!shown?.size || !responses) return "";
  const kpi = (["nps", "csat", "ces"] as const).find((k) => hasValues(responses, SCORE[k]));
  if (!kpi) return "";
  const result = overallKpi(ctx, kpi);
  const column = metaOf(result, "kpi")?.notes?.weight;
  // The overall result is weighted whenever a shown one is (same answers, same default).
  if (typeof column !== "string") return "";
  const { format: f, labels: t } = ctx;
  const row = result.objects()[0] as Record<string, unknown>;
  return para(
    t.weightedBy(columnLabel(ctx, column), f.int(row.n_effective), f.int(row.n), kpi.toUpperCase()),
    "weights",
  );
}
