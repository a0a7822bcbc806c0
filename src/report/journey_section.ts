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
import { funnel } from "../analysis/journey/funnel.ts";
import { touchpointOutcomes } from "../analysis/journey/outcomes_nps.ts";
import { journeyPaths } from "../analysis/journey/paths.ts";
import { transitions } from "../analysis/journey/transitions.ts";
import { attributionChart } from "../charts/journey_attribution.ts";
import { funnelChart } from "../charts/journey_funnel.ts";
import { transitionChart } from "../charts/journey_paths.ts";
import { chartLocale } from "./charts.ts";
import { hasColumns, hasValues, type Section, type SectionContext } from "./context.ts";
import { dataTable, figure, findings, heading, para, skippedSection } from "./html.ts";
import { journeyLabels } from "./journey_labels.ts";
import { publishable } from "./privacy.ts";
import { noteWeights } from "./weights.ts";
import { attachMeta, meta } from "../meta.ts";

type Row = Record<string, unknown>;
type Part = { findings: string[]; html: string };
/** The touchpoint rows with a value in `column`, and the conversion label found there. */
type Touches = { table: ColumnTable; column: string; conversion: string | null };

/**
 * The row with the largest (`sign` −1: smallest) number in `key`; null for no
 * rows, and with `unique` also when another row ties with it (no "most" then).
 */
function extreme(rows: Row[], key: string, sign = 1, unique = false): Row | null {
  const best = rows.reduce<Row | null>(
    (b, r) => (b === null || sign * (r[key] as number) > sign * (b[key] as number) ? r : b),
    null,
  );
  return unique && rows.some((r) => r !== best && r[key] === best?.[key]) ? null : best;
}

/** Values of the touchpoint column that mark a conversion, the first one present is used. */
export const CONVERSION_LABELS: readonly string[] = ["purchase", "order", "conversion"];
/** Bootstrap resamples of the attribution intervals (seed 1: the same data, the same page). */
const RESAMPLES = 200;
/** Conversion window of the funnel, in days. */
export const FUNNEL_WINDOW_DAYS = 30;
/** Most steps of the funnel. */
const FUNNEL_STEPS = 5;

/**
 * Builds the Journeys section from `tables.touchpoints` (else the events,
 * when they have a `channel` or `step` column). The touchpoint column is
 * `channel` when it has values, else `step`; rows without one are left out
 * and counted. The conversion is the first of {@link CONVERSION_LABELS}
 * found in that column (no attribution and no path conversion without one).
 * With a `step` column, a funnel over its values in the order of how many
 * customers reach them (a funnel narrows; at most five, ending at the
 * conversion when there is one) with a {@link FUNNEL_WINDOW_DAYS}-day window.
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
 * // Three customers: shown only with minGroupSize lowered (default 5 suppresses them).
 * const ctx = sectionContext({ touchpoints }, { minN: 1, privacy: { minGroupSize: 1 } });
 * const section = journeySection(ctx);
 * assert.ok(section.findings.includes("Most journeys start with email (66.7%)."));
 * ```
 */
export function journeySection(ctx: SectionContext): Section {
  const t = journeyLabels(ctx.format.lang);
  const input = journeyInput(ctx);
  if (!input) return skippedSection("journeys", t.journeys, t.noData);
  const { table, column, left, source } = input;
  const f = ctx.format;
  const customers = new Set(table.array("customer_id") as unknown[]).size;
  const seen = new Set(table.array(column) as unknown[]);
  const conversion = CONVERSION_LABELS.find((c) => seen.has(c)) ?? null;
  const touches: Touches = { table, column, conversion };
  const parts: Part[] = [
    ...(hasValues(source, "step") ? [funnelPart(ctx, source)] : []),
    pathPart(ctx, touches),
    transitionPart(ctx, touches),
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
): { table: ColumnTable; column: string; left: number; source: ColumnTable } | null {
  for (const source of [ctx.tables.touchpoints, ctx.tables.events]) {
    if (!hasColumns(source, "customer_id", "date")) continue;
    const column = ["channel", "step"].find((c) => hasValues(source, c));
    if (!column) continue;
    const table = source!.filter(aq.escape((d: Row) => d[column] !== null && d[column] !== ""))
      .reify();
    return { table, column, left: source!.numRows() - table.numRows(), source: source! };
  }
  return null;
}

/** The funnel's steps: by customers reaching them, most first, up to the conversion. */
function funnelSteps(table: ColumnTable): string[] {
  const reach = new Map<string, Set<unknown>>();
  const ids = table.array("customer_id") as unknown[], steps = table.array("step") as unknown[];
  for (let i = 0; i < steps.length; i++) {
    if (steps[i] === null || steps[i] === "" || ids[i] === null) continue;
    const step = String(steps[i]);
    if (!reach.has(step)) reach.set(step, new Set());
    reach.get(step)!.add(ids[i]);
  }
  const order = [...reach].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))
    .map(([step]) => step);
  const end = order.findIndex((s) => CONVERSION_LABELS.includes(s));
  return order.slice(0, end >= 0 ? Math.min(end + 1, FUNNEL_STEPS) : FUNNEL_STEPS);
}

function funnelPart(ctx: SectionContext, source: ColumnTable): Part {
  const t = journeyLabels(ctx.format.lang), f = ctx.format;
  const steps = funnelSteps(source);
  if (steps.length < 2) return { findings: [], html: "" };
  // Steps reached by fewer than minGroupSize customers are suppressed.
  const { table: result, tableOptions: hidden } = publishable(
    ctx,
    funnel(source, {
      steps,
      windowDays: FUNNEL_WINDOW_DAYS,
      confidence: ctx.confidence,
      minN: ctx.minN,
    }),
    t.funnel,
    ["step", "step_index"],
    "customers",
  );
  const rows = result.objects() as Row[];
  const days = f.int(FUNNEL_WINDOW_DAYS);
  const shown = rows.filter((r) => r.suppressed !== true);
  const drop = extreme(
    shown.filter((r) => (r.step_index as number) > 1),
    "conversion_from_previous",
    -1,
  );
  const last = rows[rows.length - 1];
  const sentences = [
    ...(drop
      ? [t.funnelDrop(
        String(rows[(drop.step_index as number) - 2].step),
        String(drop.step),
        f.shareInterval(
          drop.conversion_from_previous,
          drop.conversion_from_previous_low,
          drop.conversion_from_previous_high,
        ),
      )]
      : []),
    ...(last.suppressed !== true
      ? [t.funnelEnd(f.share(last.conversion_from_start), String(last.step), days)]
      : []),
  ];
  const html = [
    heading(2, t.funnel),
    para(t.funnelLead(steps.join(" → "), days)),
    findings(sentences),
    figure(funnelChart(result, chartLocale(ctx)), f),
    dataTable(rows, [
      { label: t.step, value: (r) => String(r.step) },
      { label: t.customers, value: (r) => f.int(r.customers), numeric: true },
      {
        label: t.fromPrevious,
        value: (r) =>
          f.shareInterval(
            r.conversion_from_previous,
            r.conversion_from_previous_low,
            r.conversion_from_previous_high,
          ),
        numeric: true,
      },
      {
        label: t.fromStart,
        value: (r) =>
          f.shareInterval(
            r.conversion_from_start,
            r.conversion_from_start_low,
            r.conversion_from_start_high,
          ),
        numeric: true,
      },
      {
        label: t.medianDays,
        value: (r) => f.interval(r.median_days, r.median_days_low, r.median_days_high),
        numeric: true,
      },
    ], { small: (r) => r.small_sample === true, flagText: ctx.labels.smallSample, ...hidden }),
  ].join("\n");
  return { findings: sentences, html };
}

function pathPart(ctx: SectionContext, { table, column, conversion }: Touches): Part {
  const t = journeyLabels(ctx.format.lang), f = ctx.format;
  const rows = journeyPaths(table, {
    step: column,
    maxLength: 4,
    // Paths of fewer customers than shown (minN) or published (minGroupSize) are pooled.
    minCustomers: Math.max(ctx.minN, ctx.privacy.minGroupSize),
    confidence: ctx.confidence,
    ...(conversion ? { conversion } : {}),
  }).objects() as Row[];
  const shown = rows.filter((r) => r.steps !== "" && r.path !== "(other paths)").slice(0, 10);
  const sentences: string[] = [];
  const top = extreme(shown, "customers", 1, true);
  if (top) {
    sentences.push(t.pathSentence(String(top.path), f.int(top.customers), f.share(top.share)));
  }
  const best = conversion ? extreme(shown, "conversion_rate", 1, true) : null;
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

function transitionPart(ctx: SectionContext, { table, column, conversion }: Touches): Part {
  const t = journeyLabels(ctx.format.lang), f = ctx.format;
  // Moves made by fewer than minGroupSize customers are neither drawn nor stated.
  const { table: all } = publishable(
    ctx,
    transitions(table, { step: column, confidence: ctx.confidence }),
    t.transitions,
    ["from", "to"],
    "customers",
  );
  const result = attachMeta(all.filter((d: Row) => d.suppressed !== true).reify(), meta(all));
  const rows = result.objects() as Row[];
  const sentences: string[] = [];
  const first = extreme(rows.filter((r) => r.from === "(start)"), "probability", 1, true);
  if (first) sentences.push(t.firstStep(String(first.to), f.share(first.probability)));
  const into = conversion
    ? extreme(rows.filter((r) => r.to === conversion), "probability", 1, true)
    : null;
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
  const top = extreme(rows, "removal_effect", 1, true);
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
  const result = touchpointOutcomes(table, {
    responses: responses.filter(aq.escape((d: Row) => d.customer_id !== null)),
    channel: column,
    confidence: ctx.confidence,
  });
  // No answer from a customer with a journey: nothing to compare.
  if (
    (result.objects() as Row[]).every((r) => (r.n_with as number) + (r.n_without as number) === 0)
  ) {
    return { findings: [], html: "" };
  }
  noteWeights(ctx, result); // derive below drops the metadata publishable would read
  // Either side below minGroupSize answers: the touchpoint is suppressed.
  const { table: shown, tableOptions: hidden } = publishable(
    ctx,
    result.derive({ n_smaller: (d: Row) => Math.min(d.n_with as number, d.n_without as number) }),
    t.outcomes,
    ["touchpoint"],
    "n_smaller",
  );
  const rows = shown.objects() as Row[];
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
    ], { small: (r) => (r.n_with as number) < ctx.minN, ...hidden }),
  ].join("\n");
  return { findings: sentences, html };
}
