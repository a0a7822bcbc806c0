/**
 * The Journeys page: the most common paths, where customers go next, which
 * channels earn the conversions (Markov attribution) and which touchpoints
 * go with a lower NPS. Shown when the data has touchpoints: a `touchpoints…`
 * file, or events with a `channel` or `step` column.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attribution } from "../analysis/journey/attribution.ts";
import { touchpointOutcomes } from "../analysis/journey/outcomes_nps.ts";
import { journeyPaths } from "../analysis/journey/paths.ts";
import { transitions } from "../analysis/journey/transitions.ts";
import { attributionChart } from "../charts/journey_attribution.ts";
import { transitionChart } from "../charts/journey_paths.ts";
import { chartLocale } from "./charts.ts";
import { hasColumns, hasValues, type Section, type SectionContext } from "./context.ts";
import { dataTable, figure, findings, heading, para } from "./html.ts";
import { journeyLabels } from "./journey_labels.ts";

type Row = Record<string, unknown>;
type Part = { findings: string[]; html: string };

/** Values of the touchpoint column that mark a conversion, the first one present is used. */
export const CONVERSION_LABELS: readonly string[] = ["purchase", "order", "conversion"];
/** Bootstrap resamples of the attribution intervals (seed 1: the same data, the same page). */
const RESAMPLES = 200;

/**
 * Builds the Journeys section from `tables.touchpoints` (else the events,
 * when they have a `channel` or `step` column). The touchpoint column is
 * `channel` when it has values, else `step`; rows without one are left out
 * and counted. The conversion is the first of {@link CONVERSION_LABELS}
 * found in that column (no attribution and no path conversion without one).
 * The NPS comparison needs survey answers with `customer_id` and
 * `nps_score`. Paths of fewer than `minN` customers are pooled.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { journeySection } from "./journey_section.ts";
 * import { sectionContext } from "./site.ts";
 * const d = (day: number) => new Date(Date.UTC(2025, 0, day));
 * const touchpoints = aq.table({
 *   customer_id: ["a", "a", "b", "b", "c"],
 *   date: [d(1), d(2), d(1), d(3), d(1)],
 *   channel: ["email", "purchase", "email", "purchase", "search"],
 * });
 * const section = journeySection(sectionContext({ touchpoints }, { minN: 1 }));
 * assert.ok(section.findings.includes("Most journeys start with email (66.7%)."));
 * ```
 */
export function journeySection(ctx: SectionContext): Section {
  const t = journeyLabels(ctx.format.lang);
  const input = journeyInput(ctx);
  if (!input) return { id: "journeys", title: t.journeys, findings: [], body: para(t.noData) };
  const { table, column, left } = input;
  const f = ctx.format;
  const customers = new Set(table.array("customer_id") as unknown[]).size;
  const seen = new Set(table.array(column) as unknown[]);
  const conversion = CONVERSION_LABELS.find((c) => seen.has(c)) ?? null;
  const parts: Part[] = [
    pathPart(ctx, table, column, conversion),
    transitionPart(ctx, table, column, conversion),
  ];
  // Attribution and NPS findings first: the overview shows a section's first two.
  const lead: Part[] = [];
  if (conversion && column === "channel") lead.push(attributionPart(ctx, table, conversion));
  const responses = ctx.tables.responses;
  if (hasColumns(responses, "customer_id", "date") && hasValues(responses, "nps_score")) {
    lead.push(outcomePart(ctx, table, column, responses!));
  }
  const intro = para(t.lead(f.int(table.numRows()), f.int(customers), column, f.int(left)), "lead");
  return {
    id: "journeys",
    title: t.journeys,
    findings: [...lead, ...parts].flatMap((p) => p.findings),
    body: [intro, ...parts, ...lead].map((p) => typeof p === "string" ? p : p.html).join("\n"),
  };
}

/** The touchpoint rows with a value in the touchpoint column, and how many rows had none. */
function journeyInput(
  ctx: SectionContext,
): { table: ColumnTable; column: string; left: number } | null {
  for (const source of [ctx.tables.touchpoints, ctx.tables.events]) {
    if (!hasColumns(source, "customer_id", "date")) continue;
    const column = ["channel", "step"].find((c) => hasValues(source, c));
    if (!column) continue;
    const table = source!.filter(aq.escape((d: Row) => d[column] !== null && d[column] !== ""))
      .reify();
    return { table, column, left: source!.numRows() - table.numRows() };
  }
  return null;
}

function pathPart(
  ctx: SectionContext,
  table: ColumnTable,
  column: string,
  conversion: string | null,
): Part {
  const t = journeyLabels(ctx.format.lang), f = ctx.format;
  const rows = journeyPaths(table, {
    step: column,
    maxLength: 4,
    minCustomers: ctx.minN,
    confidence: ctx.confidence,
    ...(conversion ? { conversion } : {}),
  }).objects() as Row[];
  const shown = rows.filter((r) => r.steps !== "" && r.path !== "(other paths)").slice(0, 10);
  const sentences: string[] = [];
  if (shown.length) {
    const top = shown[0];
    sentences.push(t.pathSentence(String(top.path), f.int(top.customers), f.share(top.share)));
  }
  const best = conversion
    ? shown.reduce<Row | null>(
      (
        b,
        r,
      ) => (b === null || (r.conversion_rate as number) > (b.conversion_rate as number) ? r : b),
      null,
    )
    : null;
  if (best) sentences.push(t.pathConversion(String(best.path), f.share(best.conversion_rate)));
  const html = [
    heading(2, t.paths),
    para(t.pathsLead(conversion, f.int(ctx.minN))),
    findings(sentences),
    dataTable(shown, [
      { label: t.path, value: (r) => String(r.path) },
      { label: t.customers, value: (r) => f.int(r.customers), numeric: true },
      {
        label: t.share,
        value: (r) => f.shareInterval(r.share, r.share_low, r.share_high),
        numeric: true,
      },
      ...(conversion
        ? [{
          label: t.conversionRate,
          value: (r: Row) =>
            f.shareInterval(r.conversion_rate, r.conversion_rate_low, r.conversion_rate_high),
          numeric: true,
        }]
        : []),
    ]),
  ].join("\n");
  return { findings: sentences, html };
}

function transitionPart(
  ctx: SectionContext,
  table: ColumnTable,
  column: string,
  conversion: string | null,
): Part {
  const t = journeyLabels(ctx.format.lang), f = ctx.format;
  const result = transitions(table, { step: column, confidence: ctx.confidence });
  const rows = result.objects() as Row[];
  const largest = (list: Row[]) =>
    list.reduce<Row | null>(
      (b, r) => (b === null || (r.probability as number) > (b.probability as number) ? r : b),
      null,
    );
  const sentences: string[] = [];
  const first = largest(rows.filter((r) => r.from === "(start)"));
  if (first) sentences.push(t.firstStep(String(first.to), f.share(first.probability)));
  const into = conversion ? largest(rows.filter((r) => r.to === conversion)) : null;
  if (into && conversion) {
    sentences.push(t.intoConversion(String(into.from), conversion, f.share(into.probability)));
  }
  const html = [
    heading(2, t.transitions),
    para(t.transitionsLead),
    findings(sentences),
    figure(transitionChart(result, { title: t.transitions, ...chartLocale(ctx) }), f),
  ].join("\n");
  return { findings: sentences, html };
}

function attributionPart(ctx: SectionContext, table: ColumnTable, conversion: string): Part {
  const t = journeyLabels(ctx.format.lang), f = ctx.format;
  const result = attribution(table, {
    conversion,
    model: "markov",
    resamples: RESAMPLES,
    seed: 1,
    confidence: ctx.confidence,
  });
  const rows = result.objects() as Row[];
  const top = rows.reduce<Row | null>(
    (b, r) => (b === null || (r.removal_effect as number) > (b.removal_effect as number) ? r : b),
    null,
  );
  const sentences = top
    ? [t.attributionSentence(
      String(top.channel),
      f.share(top.removal_effect),
      f.num(top.conversions, 0),
      f.num(top.conversions_low, 0),
      f.num(top.conversions_high, 0),
    )]
    : [];
  const html = [
    heading(2, t.attribution),
    para(t.attributionLead(conversion, f.int(RESAMPLES))),
    findings(sentences),
    figure(attributionChart(result, chartLocale(ctx)), f),
    dataTable(rows, [
      { label: t.channel, value: (r) => String(r.channel) },
      {
        label: t.conversions,
        value: (r) => f.interval(r.conversions, r.conversions_low, r.conversions_high, 0),
        numeric: true,
      },
      { label: t.removalEffect, value: (r) => f.share(r.removal_effect), numeric: true },
    ]),
  ].join("\n");
  return { findings: sentences, html };
}

function outcomePart(
  ctx: SectionContext,
  table: ColumnTable,
  column: string,
  responses: ColumnTable,
): Part {
  const t = journeyLabels(ctx.format.lang), f = ctx.format;
  const rows = touchpointOutcomes(table, {
    responses: responses.filter(aq.escape((d: Row) => d.customer_id !== null)),
    channel: column,
    confidence: ctx.confidence,
  }).objects() as Row[];
  const lower = rows.filter((r) => r.significant === true && (r.difference as number) < 0);
  const sentences = lower.length
    ? lower.map((r) =>
      t.outcomeSentence(
        String(r.touchpoint),
        f.num(r.nps_with),
        f.num(r.nps_without),
        f.num(Math.abs(r.difference as number)),
        f.p(r.p_adjusted as number),
      )
    )
    : [t.outcomeNone];
  const html = [
    heading(2, t.outcomes),
    para(t.outcomesLead),
    findings(sentences),
    dataTable(rows, [
      { label: t.touchpoint, value: (r) => String(r.touchpoint) },
      { label: "n", value: (r) => f.int(r.n_with), numeric: true },
      {
        label: t.withNps,
        value: (r) => f.interval(r.nps_with, r.nps_with_low, r.nps_with_high),
        numeric: true,
      },
      { label: t.withoutNps, value: (r) => f.num(r.nps_without), numeric: true },
      {
        label: t.difference,
        value: (r) => f.interval(r.difference, r.difference_low, r.difference_high),
        numeric: true,
      },
      {
        label: t.pAdjusted,
        value: (r) => typeof r.p_adjusted === "number" ? f.p(r.p_adjusted) : "–",
        numeric: true,
      },
    ], { small: (r) => (r.n_with as number) < ctx.minN }),
  ].join("\n");
  return { findings: sentences, html };
}
