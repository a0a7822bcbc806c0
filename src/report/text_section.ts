/**
 * The text page ("What customers say"): what comments are about (themes),
 * the words that set detractors' comments apart from promoters' (comment
 * drivers), and sentiment by the report's segment and by period. Shown with
 * content when the survey answers have comments. The comments reach this
 * page through the privacy step (personal data redacted), examples are
 * redacted again by `commentDrivers`, and groups below `minGroupSize` are
 * suppressed.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { commentThemes } from "../analysis/themes.ts";
import { commentDriverChart } from "../charts/comment_drivers.ts";
import { kpiSegmentChart } from "../charts/kpi.ts";
import { themeChart } from "../charts/themes.ts";
import { normalCdf } from "../stats/distributions.ts";
import { commentDrivers } from "../text/comment_drivers.ts";
import { sentiment, SENTIMENT_COLUMNS } from "../text/sentiment.ts";
import { periodFn, periodName } from "../time/period.ts";
import { chartLocale } from "./charts.ts";
import { hasValues, type Section, type SectionContext } from "./context.ts";
import { dataTable, figure, findings, heading, para, skippedSection } from "./html.ts";
import { publishable } from "./privacy.ts";
import { textLabels } from "./text_labels.ts";
import { rankGroups } from "./compare.ts";

type Row = Record<string, unknown>;
type Part = { findings: string[]; html: string };

/** Significant terms named per group in the finding. */
const NAMED_TERMS = 3;

/**
 * Builds the text section from the survey answers' `comment` column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { textSection } from "./text_section.ts";
 * import { sectionContext } from "./site.ts";
 * const responses = aq.table({
 *   nps_score: [...Array(40).fill(2), ...Array(40).fill(10)],
 *   comment: [...Array(40).fill("lange Wartezeit"), ...Array(40).fill("super Service")],
 * });
 * const section = textSection(sectionContext({ responses }, { lang: "de" }));
 * assert.equal(section.title, "Was Kunden sagen");
 * assert.ok(section.findings.includes(
 *   "Kritiker schreiben häufiger über „lange wartezeit“ (z = 7,2), „lange“ (z = 4,7), " +
 *     "„wartezeit“ (z = 4,7); Promotoren über „super service“ (z = 7,2), „service“ (z = 4,7), " +
 *     "„super“ (z = 4,7).",
 * ));
 * ```
 */
export function textSection(ctx: SectionContext): Section {
  const t = textLabels(ctx.format.lang);
  const responses = ctx.tables.responses;
  if (!responses || !hasValues(responses, "comment")) {
    return skippedSection("text", t.title, t.noData);
  }
  const comments = (responses.array("comment") as unknown[])
    .filter((c) => typeof c === "string" && c.trim() !== "").length;
  const parts: Part[] = [];
  if (hasValues(responses, "date")) parts.push(themePart(ctx, responses));
  if (hasValues(responses, "nps_score")) parts.push(driverPart(ctx, responses));
  parts.push(sentimentPart(ctx, responses));
  return {
    id: "text",
    title: t.title,
    findings: parts.flatMap((p) => p.findings),
    body: [para(t.lead(ctx.format.int(comments)), "lead"), ...parts.map((p) => p.html)]
      .join("\n"),
  };
}

/** Detractors' against promoters' words: finding, diverging bars, table with redacted examples. */
function driverPart(ctx: SectionContext, responses: ColumnTable): Part {
  const t = textLabels(ctx.format.lang), f = ctx.format;
  // A term is a group of comments too: fewer than minGroupSize uses are not reported.
  const minCount = Math.max(5, ctx.privacy.minGroupSize);
  const result = commentDrivers(responses, { minCount, confidence: ctx.confidence });
  const rows = result.objects() as Row[];
  const named = (group: string) =>
    rows.filter((r) => r.group === group && r.significant === true)
      .sort((x, y) => Math.abs(y.statistic as number) - Math.abs(x.statistic as number))
      .slice(0, NAMED_TERMS)
      .map((r) => `${quote(ctx, String(r.term))} (z = ${f.num(Math.abs(r.statistic as number))})`);
  const [a, b] = [named("Detractor"), named("Promoter")];
  const sentences = a.length || b.length
    ? [t.driversSentence(a.join(", ") || t.nothing, b.join(", ") || t.nothing)]
    : [t.driversNone];
  const shown = rows.filter((r) => r.significant === true);
  return {
    findings: sentences,
    html: [
      heading(2, t.drivers),
      para(t.driversLead(f.int(minCount))),
      findings(sentences),
      rows.length
        ? figure(
          commentDriverChart(result, {
            title: t.driversChart,
            xLabel: t.zAxis,
            ...chartLocale(ctx),
          }),
          f,
        )
        : "",
      shown.length
        ? dataTable(shown, [
          { label: t.term, value: (r) => String(r.term) },
          {
            label: t.leansTo,
            value: (r) => r.group === "Detractor" ? t.detractors : t.promoters,
          },
          { label: "z", value: (r) => f.num(r.statistic), numeric: true },
          { label: `${t.detractors} (n)`, value: (r) => f.int(r.count_a), numeric: true },
          { label: `${t.promoters} (n)`, value: (r) => f.int(r.count_b), numeric: true },
          { label: t.examples, value: (r) => (r.examples as string[]).join(" · ") },
        ], { limit: 20 })
        : "",
    ].join("\n"),
  };
}

function quote(ctx: SectionContext, term: string): string {
  return ctx.format.lang === "de" ? `„${term}“` : `“${term}”`;
}

/** Sentiment by the report's segment and by period: findings from the intervals, charts, tables. */
function sentimentPart(ctx: SectionContext, responses: ColumnTable): Part {
  const t = textLabels(ctx.format.lang), f = ctx.format;
  const base = { confidence: ctx.confidence, minN: ctx.minN };
  const out = [
    heading(2, t.sentiment),
    para(t.sentimentLead(f.share(ctx.confidence, 0), f.int(ctx.minN))),
  ];
  const found: string[] = [];
  const groups: [string, ColumnTable][] = [];
  if (hasValues(responses, ctx.segment)) {
    const answered = responses.filter(
      aq.escape((d: Row) => d[ctx.segment] !== null && d[ctx.segment] !== undefined),
    );
    groups.push([ctx.segment, sentiment(answered, { ...base, by: ctx.segment })]);
  }
  if (hasValues(responses, "date")) {
    const period = sentiment(responses, { ...base, period: ctx.period, timeZone: ctx.timeZone });
    groups.push(["period", period]);
  }
  for (const [key, raw] of groups) {
    const name = key === "period" ? periodName(ctx.period, f.lang) : key;
    const what = t.sentimentBy(name);
    const keys = raw.columnNames().filter(
      (c) => !SENTIMENT_COLUMNS.includes(c) && c !== "small_sample",
    );
    const { table: result, tableOptions: hidden } = publishable(ctx, raw, what, keys);
    const rows = result.objects() as Row[];
    const sentences = key === "period"
      ? periodSentences(ctx, rows)
      : segmentSentences(ctx, rows, key);
    found.push(...sentences);
    out.push(heading(3, what), findings(sentences));
    out.push(figure(
      kpiSegmentChart(result, {
        by: key,
        value: "sentiment",
        low: "sentiment_low",
        high: "sentiment_high",
        label: t.sentimentAxis,
        title: key === "period" ? `${what} (${ctx.timeZone})` : what,
        // The report's words, not the analysis' English method name.
        subtitle: ctx.labels.intervalsNote(f.share(ctx.confidence, 0), f.int(ctx.minN)),
        ...chartLocale(ctx),
      }),
      f,
    ));
    out.push(dataTable(rows, [
      { label: key === "period" ? ctx.labels.periodColumn : key, value: (r) => String(r[key]) },
      { label: ctx.labels.n, value: (r) => f.int(r.n), numeric: true },
      {
        label: t.sentimentColumn,
        value: (r) => f.interval(r.sentiment, r.sentiment_low, r.sentiment_high, 2),
        numeric: true,
      },
      {
        label: t.negativeColumn,
        value: (r) =>
          f.shareInterval(r.share_negative, r.share_negative_low, r.share_negative_high),
        numeric: true,
      },
    ], { small: (r) => r.small_sample === true, flagText: ctx.labels.smallSample, ...hidden }));
  }
  return { findings: found, html: out.join("\n") };
}

/** Published groups that are no small samples: the ones findings compare. */
function comparable(rows: Row[]): Row[] {
  return rows.filter((r) => typeof r.sentiment === "number" && r.small_sample !== true);
}

function valueText(ctx: SectionContext, r: Row): string {
  return ctx.format.interval(r.sentiment, r.sentiment_low, r.sentiment_high, 2);
}

/** Highest against lowest segment: a difference only when their intervals do not overlap. */
function segmentSentences(ctx: SectionContext, rows: Row[], by: string): string[] {
  const t = textLabels(ctx.format.lang);
  const rank = rankGroups(rows, {
    by,
    value: "sentiment",
    low: "sentiment_low",
    high: "sentiment_high",
  });
  const out: string[] = [];
  if (rank) {
    const { top: hi, bottom: lo, verdict } = rank;
    const names = [String(hi[by]), valueText(ctx, hi), String(lo[by]), valueText(ctx, lo)] as const;
    out.push(
      verdict === "extremes"
        ? t.segmentApart(...names)
        : verdict === "pair"
        ? t.segmentPair(...names)
        : t.segmentSame(by, String(hi[by]), String(lo[by])),
    );
  }
  return [...out, ...smallNote(ctx, rows)];
}

/** The latest period against the one before it: a shift only when the intervals do not overlap. */
function periodSentences(ctx: SectionContext, rows: Row[]): string[] {
  const t = textLabels(ctx.format.lang);
  const ranked = comparable(rows);
  const out: string[] = [];
  if (ranked.length >= 2) {
    const [from, to] = ranked.slice(-2);
    const rose = (to.sentiment_low as number) > (from.sentiment_high as number);
    const fell = (to.sentiment_high as number) < (from.sentiment_low as number);
    const [a, b] = [String(from.period), String(to.period)];
    const f = ctx.format;
    out.push(
      rose || fell
        ? t.periodShift(
          rose,
          f.inPeriod(a),
          valueText(ctx, from),
          f.inPeriod(b),
          valueText(ctx, to),
        )
        : t.periodSame(f.inPeriod(b), valueText(ctx, to), f.period(a), valueText(ctx, from)),
    );
  }
  return [...out, ...smallNote(ctx, rows)];
}

function smallNote(ctx: SectionContext, rows: Row[]): string[] {
  const small = rows.filter((r) => r.small_sample === true).length;
  return small
    ? [textLabels(ctx.format.lang).smallGroups(ctx.format.int(small), ctx.format.int(ctx.minN))]
    : [];
}

/**
 * What comments are about: the most mentioned words overall, and the word
 * whose share of a period's comments exceeds its share in the other periods
 * by the most, among those that do so significantly (two-proportion z test,
 * Bonferroni over every period × word compared).
 */
function themePart(ctx: SectionContext, responses: ColumnTable) {
  const { labels: t, format: f } = ctx;
  const of = periodFn(ctx.period, ctx.timeZone);
  const table = responses.derive({
    period: aq.escape((d: Row) => d.date instanceof Date ? of(d.date).label : null),
  });
  const themes = commentThemes(table, { ngrams: [1], top: 1000 });
  const overall = themes.objects() as Row[];
  if (!overall.length) return { findings: [], html: "" };
  const total = overall[0].total_comments as number;
  const byTerm = new Map(overall.map((r) => [String(r.term), r.comments as number]));
  const perPeriod =
    (commentThemes(table, { by: "period", ngrams: [1], top: 10 }).objects() as Row[])
      .filter((r) => r.period !== null && (r.comments as number) >= 10);
  // Of the words that stand out significantly, the one with the largest gap in share.
  let best: { row: Row; rest: number; p: number; gap: number } | undefined;
  for (const row of perPeriod) {
    const [x1, n1] = [row.comments as number, row.total_comments as number];
    const [x2, n2] = [(byTerm.get(String(row.term)) ?? x1) - x1, total - n1];
    if (n2 <= 0) continue;
    const pooled = (x1 + x2) / (n1 + n2);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    if (!(se > 0)) continue;
    const gap = x1 / n1 - x2 / n2;
    const p = Math.min(1, 2 * (1 - normalCdf(Math.abs(gap) / se)) * perPeriod.length);
    if (gap > 0 && p < 1 - ctx.confidence && (!best || gap > best.gap)) {
      best = { row, rest: x2 / n2, p, gap };
    }
  }
  const sentences: string[] = [];
  if (best) {
    sentences.push(
      t.themeSentence(
        f.sentence(f.inPeriod(String(best.row.period))),
        f.percent(best.row.pct_comments),
        String(best.row.term),
        f.share(best.rest),
        f.p(best.p),
      ),
    );
  }
  const html = [
    heading(2, t.themes),
    para(t.themesLead(f.int(total))),
    findings(sentences),
    figure(
      themeChart(themes, {
        top: 12,
        title: t.themesChart,
        xLabel: t.shareOfComments,
        ...chartLocale(ctx),
      }),
      f,
    ),
  ].join("\n");
  return { findings: sentences, html };
}
