/**
 * The cohorts & churn page: churn rate per period, how long customers stay
 * (Kaplan–Meier by plan or segment and by referral, with log-rank tests),
 * retention of signup cohorts from activity, and customer value (historic
 * CLV) and referrals. Every sentence is generated from these results.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { cohortRetention } from "../analysis/cohort/retention.ts";
import { pooledRetention } from "../analysis/cohort/summaries.ts";
import { logRank } from "../analysis/survival/logrank.ts";
import { kaplanMeier } from "../analysis/survival/kaplan_meier.ts";
import { medianSurvival } from "../analysis/survival/median.ts";
import { survivalAt } from "../analysis/survival/summary.ts";
import { survivalTimes } from "../analysis/survival/times.ts";
import { CHURN_COLUMNS, churnRate } from "../metrics/churn.ts";
import { historicClv } from "../metrics/clv.ts";
import { referralRate } from "../metrics/referral.ts";
import { wilson } from "../stats/intervals.ts";
import { churnChart } from "../charts/churn.ts";
import { retentionCurves, retentionHeatmap } from "../charts/cohort.ts";
import { kaplanMeierChart } from "../charts/survival.ts";
import { CATEGORY_NAMES } from "../charts/scores.ts";
import { npsCategory } from "../schema/scales.ts";
import { periodName } from "../time/period.ts";
import { chartLocale } from "./charts.ts";
import {
  columnLabel,
  hasColumns,
  hasValues,
  type Section,
  type SectionContext,
} from "./context.ts";
import { dataTable, figure, findings, heading, para, skippedSection } from "./html.ts";
import { publishable } from "./privacy.ts";
import { attachMeta, meta } from "../meta.ts";

type Row = Record<string, unknown>;

/**
 * Builds the cohorts & churn section from the customers (and events) of the
 * context. Customers are broken down by the report's segment column when
 * they have it, else by `plan`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortSection } from "./cohort_section.ts";
 * import { sectionContext } from "./site.ts";
 * const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i));
 * const customers = aq.table({
 *   customer_id: Array.from({ length: 80 }, (_, i) => `c${i}`),
 *   signup_date: Array.from({ length: 80 }, (_, i) => day(i % 30)),
 *   churn_date: Array.from({ length: 80 }, (_, i) => i % 2 ? day(60 + i * 3) : null),
 *   plan: Array.from({ length: 80 }, (_, i) => i % 2 ? "monthly" : "annual"),
 * });
 * const section = cohortSection(sectionContext({ customers }));
 * assert.ok(section.findings.some((s) => s.includes("annual") && s.includes("log-rank")));
 * ```
 */
export function cohortSection(ctx: SectionContext): Section {
  const { labels: t } = ctx;
  const customers = ctx.tables.customers;
  const title = t.cohorts;
  if (!hasColumns(customers, "customer_id", "signup_date")) {
    return skippedSection("cohorts", title, t.noData(t.customers));
  }
  const table = customers!;
  const cutoff = cutoffOf(ctx, table);
  const segment = hasValues(table, ctx.segment)
    ? ctx.segment
    : hasValues(table, "plan")
    ? "plan"
    : undefined;
  const out: string[] = [];
  const found: string[] = [];
  const add = (part: { findings: string[]; html: string }) => {
    found.push(...part.findings);
    out.push(part.html);
  };
  const hasChurn = table.columnNames().includes("churn_date");
  if (hasChurn) add(churnPart(ctx, table, cutoff));
  if (hasChurn) add(survivalPart(ctx, table, cutoff, segment, ctx.tables.responses));
  if (hasColumns(ctx.tables.events, "customer_id", "date")) {
    add(cohortPart(ctx, ctx.tables.events!, table, cutoff));
  }
  if (hasChurn && hasColumns(ctx.tables.events, "customer_id", "date", "revenue")) {
    add(valuePart(ctx, ctx.tables.events!, table, cutoff, segment));
  }
  if (hasChurn && table.columnNames().includes("referred_by")) {
    add(referralPart(ctx, table, cutoff));
  }
  return { id: "cohorts", title, findings: found, body: out.join("\n") };
}

/** The last day the customers table covers: `to` of the filters, else the latest date in it. */
function cutoffOf(ctx: SectionContext, table: ColumnTable): Date {
  if (ctx.filters.to) return new Date(`${ctx.filters.to}T00:00:00Z`);
  let max = -Infinity;
  for (const column of ["signup_date", "churn_date"]) {
    if (!table.columnNames().includes(column)) continue;
    for (const d of table.array(column) as unknown[]) {
      if (d instanceof Date && d.getTime() > max) max = d.getTime();
    }
  }
  return new Date(max);
}

/** Churn rate per period, and the pooled rate over complete periods. */
function churnPart(ctx: SectionContext, customers: ColumnTable, cutoff: Date) {
  const { labels: t, format: f } = ctx;
  const everyPeriod = churnRate(customers, {
    period: ctx.period,
    timeZone: ctx.timeZone,
    observedUntil: cutoff,
    confidence: ctx.confidence,
    minN: ctx.minN,
  });
  // Periods without customers are left out; those starting with fewer than minGroupSize are
  // suppressed (in the pooled rate they count).
  const raw = attachMeta(
    everyPeriod.filter((d: Row) => (d.n as number) > 0).reify(),
    meta(everyPeriod),
  );
  const title = t.byGroup(t.churnRate, periodName(ctx.period, ctx.format.lang));
  const keys = raw.columnNames().filter((c) =>
    !(CHURN_COLUMNS as readonly string[]).includes(c) && c !== "small_sample"
  );
  const { table: result, tableOptions: hidden } = publishable(ctx, raw, title, keys);
  const rows = result.objects() as Row[];
  const complete = (raw.objects() as Row[]).filter((r) => r.complete !== false);
  const churned = complete.reduce((s, r) => s + (r.churned as number), 0);
  const exposed = complete.reduce((s, r) => s + (r.customers_start as number), 0);
  const sentences: string[] = [];
  if (exposed > 0) {
    const ci = wilson(churned, exposed, ctx.confidence);
    sentences.push(
      t.churnPooled(
        f.shareInterval(churned / exposed, ci.low, ci.high),
        periodName(ctx.period, ctx.format.lang),
        f.int(complete.length),
      ),
    );
  }
  const html = [
    heading(2, t.churn),
    findings(sentences),
    figure(
      churnChart(result, {
        title,
        xLabel: t.periodStart,
        yLabel: t.churnAxis,
        ...chartLocale(ctx),
      }),
      f,
    ),
    dataTable(rows.slice(-12).reverse(), [
      {
        label: t.periodColumn,
        value: (r) => `${r.period}${r.complete === false ? ` (${t.incomplete})` : ""}`,
      },
      { label: t.customersStart, value: (r) => f.int(r.customers_start), numeric: true },
      { label: t.churned, value: (r) => f.int(r.churned), numeric: true },
      { label: t.signups, value: (r) => f.int(r.signups), numeric: true },
      {
        label: t.churnInterval,
        value: (r) => f.shareInterval(r.churn_rate, r.churn_rate_low, r.churn_rate_high),
        numeric: true,
      },
    ], {
      small: (r) => r.small_sample === true,
      flagText: t.smallSample,
      caption: t.latestPeriods,
      ...hidden,
    }),
  ].join("\n");
  return { findings: sentences, html };
}

/** Kaplan–Meier curves by segment and by referral, with log-rank tests. */
/** The Kaplan–Meier chart of the survival part, as a figure. */
function survivalFigure(ctx: SectionContext, km: ColumnTable, title: string): string {
  const { labels: t } = ctx;
  return figure(
    kaplanMeierChart(km, {
      censorTicks: false,
      // A step per quarter month is below a pixel on the page and keeps the SVG light.
      resolution: 0.25,
      title,
      xLabel: t.monthsSinceSignup,
      yLabel: t.stillCustomers,
      percent: true,
      ...chartLocale(ctx),
    }),
    ctx.format,
  );
}

function survivalPart(
  ctx: SectionContext,
  customers: ColumnTable,
  cutoff: Date,
  segment: string | undefined,
  answers: ColumnTable | undefined,
) {
  const { labels: t, format: f } = ctx;
  const times = customerLifetimes(ctx, customers, cutoff, answers);
  const name = (by: string) =>
    by === "referred" ? t.referralGroup : by === "nps_group" ? t.npsGroup : by;
  const maxTime = Math.max(0, ...(times.array("time") as number[]));
  const horizons = [6, 12, 24].filter((h) => h <= maxTime);
  const horizon = horizons.includes(12) ? 12 : horizons.at(-1);
  const out: string[] = [heading(2, t.survival), para(t.survivalLead)];
  const sentences: string[] = [];
  const columns = [segment, "referred", "nps_group"].filter((c): c is string =>
    c !== undefined && times.columnNames().includes(c)
  );
  for (const by of columns) {
    // Customers without a value for the column (e.g. no survey answer) are left out of its curves,
    // and so are groups of fewer than minGroupSize customers (a suppressed row in the table).
    const { data, small, hidden } = publishedGroups(
      ctx,
      times.filter(aq.escape((d: Row) => d[by] !== null && d[by] !== undefined)),
      by,
      t.byGroup(t.survivalCurve, name(by)),
    );
    if (data.numRows() === 0) continue;
    if (by === "nps_group") out.push(para(t.npsGroupLead));
    const km = kaplanMeier(data, { by, confidence: ctx.confidence });
    const at = horizons.length ? (survivalAt(km, { times: horizons }).objects() as Row[]) : [];
    const medians = medianSurvival(km).objects() as Row[];
    const test = new Set(data.array(by) as unknown[]).size >= 2
      ? logRank(data, { by }).objects() as Row[]
      : [];
    const p = test[0]?.p_value as number | undefined;
    const groups = medians.map((m) => String(m[by]));
    if (horizon !== undefined && groups.length >= 2 && typeof p === "number") {
      const parts = groups.map((g) => {
        const r = at.find((a) => String(a[by]) === g && a.time === horizon)!;
        return `${g} ${f.shareInterval(r.survival, r.survival_low, r.survival_high)}`;
      });
      sentences.push(
        t.survivalSentence(f.int(horizon), parts.join(", "), f.p(p), p < 1 - ctx.confidence),
      );
    }
    out.push(findings(sentences.slice(-1)));
    out.push(survivalFigure(ctx, km, t.byGroup(t.survivalCurve, name(by))));
    out.push(dataTable([...medians, ...small], [
      { label: name(by), value: (r) => String(r[by]) },
      { label: t.customers, value: (r) => f.int(r.n), numeric: true },
      { label: t.churned, value: (r) => f.int(r.events), numeric: true },
      ...horizons.map((h) => ({
        label: t.retainedAt(f.int(h)),
        value: (r: Row) => {
          const a = at.find((x) => String(x[by]) === String(r[by]) && x.time === h);
          return a ? f.shareInterval(a.survival, a.survival_low, a.survival_high) : "–";
        },
        numeric: true,
      })),
      {
        label: t.medianLifetime,
        value: (r) =>
          r.median === null ? t.notReached : f.interval(r.median, r.median_low, r.median_high),
        numeric: true,
      },
    ], { small: (r) => (r.n as number) < ctx.minN, flagText: t.smallSample, ...hidden }));
  }
  return { findings: sentences, html: out.join("\n") };
}

/**
 * The customers of the groups of `by` with at least minGroupSize customers,
 * and the suppressed groups as table rows (counted under `what`).
 */
function publishedGroups(ctx: SectionContext, table: ColumnTable, by: string, what: string) {
  const sizes = new Map<string, number>();
  for (const v of table.array(by) as unknown[]) {
    sizes.set(String(v), (sizes.get(String(v)) ?? 0) + 1);
  }
  const { table: groups, tableOptions: hidden } = publishable(
    ctx,
    aq.table({ [by]: [...sizes.keys()], n: [...sizes.values()] }),
    what,
    [by],
  );
  const small = (groups.objects() as Row[]).filter((r) => r.suppressed === true);
  const out = new Set(small.map((r) => r[by]));
  const data = small.length ? table.filter(aq.escape((d: Row) => !out.has(String(d[by])))) : table;
  return { data, small, hidden };
}

/**
 * Lifetimes in months of the customers signed up by the cut-off, with their
 * referral group and latest NPS category when known.
 */
function customerLifetimes(
  ctx: SectionContext,
  customers: ColumnTable,
  cutoff: Date,
  answers: ColumnTable | undefined,
): ColumnTable {
  const t = ctx.labels;
  const latest = latestCategory(ctx, answers);
  let times = survivalTimes(
    customers.filter(
      aq.escape((d: Row) => d.signup_date instanceof Date && (d.signup_date as Date) <= cutoff),
    ),
    { observedUntil: cutoff, unit: "months" },
  );
  if (times.columnNames().includes("referred_by")) {
    times = times.derive({
      referred: aq.escape((d: Row) => d.referred_by ? t.referredYes : t.referredNo),
    });
  }
  if (latest.size) {
    times = times.derive({
      nps_group: aq.escape((d: Row) => latest.get(String(d.customer_id)) ?? null),
    });
  }
  return times;
}

/**
 * Each customer's latest NPS answer as a category (detractor 0–6, passive
 * 7–8, promoter 9–10, in the report's words); ties on the day go to the
 * later row.
 */
function latestCategory(ctx: SectionContext, answers: ColumnTable | undefined) {
  const latest = new Map<string, string>();
  if (!hasColumns(answers, "customer_id", "date", "nps_score")) return latest;
  const when = new Map<string, number>();
  const ids = answers!.array("customer_id") as unknown[];
  const dates = answers!.array("date") as unknown[];
  const scores = answers!.array("nps_score") as unknown[];
  const names = CATEGORY_NAMES[ctx.format.lang];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i], date = dates[i], score = scores[i];
    if (id === null || id === undefined || !(date instanceof Date) || typeof score !== "number") {
      continue;
    }
    const key = String(id);
    if ((when.get(key) ?? -Infinity) > date.getTime()) continue;
    when.set(key, date.getTime());
    latest.set(key, names[npsCategory(score)]);
  }
  return latest;
}

/** The columns of a `cohortRetention` row that name it (kept when it is suppressed). */
const COHORT_KEYS = ["cohort", "cohort_start", "period_index", "complete", "window", "time_zone"];

/** Signup cohorts' activity retention: heatmap and pooled curve. */
function cohortPart(
  ctx: SectionContext,
  events: ColumnTable,
  customers: ColumnTable,
  cutoff: Date,
) {
  const { labels: t, format: f } = ctx;
  // Events of customers outside the (filtered) customers table cannot be placed in a cohort.
  const known = new Set((customers.array("customer_id") as unknown[]).map(String));
  const own = events.filter(aq.escape((d: Row) => known.has(String(d.customer_id))));
  const all = cohortRetention(own, {
    signup: customers,
    period: "month",
    timeZone: ctx.timeZone,
    observedUntil: cutoff,
    confidence: ctx.confidence,
  });
  // Cohorts of fewer than minGroupSize customers are neither drawn nor pooled.
  const { table: cohorts } = publishable(ctx, all, t.cohortHeatmap, COHORT_KEYS);
  const min = ctx.privacy.minGroupSize;
  const published = all.filter(aq.escape((d: Row) => !((d.n as number) < min)));
  const pooledTable = publishable(
    ctx,
    pooledRetention(attachMeta(published.reify(), meta(all))),
    t.pooledRetention,
    ["period_index"],
  ).table;
  const pooled = pooledTable.objects() as Row[];
  const sentences: string[] = [];
  const at = (k: number) => pooled.find((r) => r.period_index === k);
  const m1 = at(1), m12 = at(12) ?? pooled.at(-1);
  if (m1 && m12 && m12 !== m1) {
    sentences.push(
      t.cohortSentence(
        f.shareInterval(m1.retention, m1.retention_low, m1.retention_high),
        f.int(m12.period_index),
        f.shareInterval(m12.retention, m12.retention_low, m12.retention_high),
        f.int(m12.cohorts),
      ),
    );
  }
  const heatmapWords = {
    title: t.cohortHeatmap,
    subtitle: t.cohortCaption,
    xLabel: t.monthsSinceSignup,
    legend: t.activeShare,
    ...chartLocale(ctx),
  };
  const html = [
    heading(2, t.cohortRetention),
    para(t.cohortLead),
    para(t.cohortRevenueNote, "note"),
    findings(sentences),
    figure(
      retentionCurves(pooledTable, {
        band: true,
        title: t.pooledRetention,
        subtitle: t.cohortCaption,
        xLabel: t.monthsSinceSignup,
        yLabel: t.activeShare,
        ...chartLocale(ctx),
      }),
      f,
    ),
    // On a phone the cells are narrow: the heatmap shrinks or leaves out its cell labels.
    figure(retentionHeatmap(cohorts, heatmapWords), f, {
      phone: (width) => retentionHeatmap(cohorts, { ...heatmapWords, width }),
    }),
  ].join("\n");
  return { findings: sentences, html };
}

/** Historic customer lifetime value by segment. */
function valuePart(
  ctx: SectionContext,
  events: ColumnTable,
  customers: ColumnTable,
  cutoff: Date,
  segment: string | undefined,
) {
  const { labels: t, format: f } = ctx;
  const clv = historicClv(events, customers, {
    ...(segment ? { by: segment } : {}),
    observedUntil: cutoff,
    timeZone: ctx.timeZone,
    confidence: ctx.confidence,
    minN: ctx.minN,
  });
  const rows = clv.objects() as Row[];
  const sentences: string[] = [];
  const ranked = rows.filter((r) => typeof r.clv === "number" && r.small_sample !== true);
  if (segment && ranked.length >= 2) {
    const parts = [...ranked].sort((a, b) => (b.clv as number) - (a.clv as number))
      .map((r) => `${r[segment]} ${f.num(r.clv, 0)}`);
    sentences.push(t.clvSentence(parts.join(", ")));
  }
  const html = [
    heading(2, t.customerValue),
    para(t.valueLead),
    findings(sentences),
    dataTable(rows, [
      ...(segment
        ? [{ label: columnLabel(ctx, segment), value: (r: Row) => String(r[segment]) }]
        : []),
      { label: t.customers, value: (r) => f.int(r.customers), numeric: true },
      { label: t.orders, value: (r) => f.int(r.orders), numeric: true },
      { label: t.aov, value: (r) => f.num(r.aov, 2), numeric: true },
      {
        label: t.annualValue,
        value: (r) => f.interval(r.annual_value, r.annual_value_low, r.annual_value_high, 0),
        numeric: true,
      },
      {
        label: t.annualChurn,
        value: (r) => f.shareInterval(r.annual_churn, r.annual_churn_low, r.annual_churn_high),
        numeric: true,
      },
      { label: t.lifespan, value: (r) => f.num(r.lifespan_years), numeric: true },
      { label: t.clv, value: (r) => f.num(r.clv, 0), numeric: true },
    ], { small: (r) => r.small_sample === true, flagText: t.smallSample }),
  ].join("\n");
  return { findings: sentences, html };
}

/** Share of new customers who were referred, and of customers who refer. */
function referralPart(ctx: SectionContext, customers: ColumnTable, cutoff: Date) {
  const { labels: t, format: f } = ctx;
  const r = referralRate(customers, {
    observedUntil: cutoff,
    timeZone: ctx.timeZone,
    confidence: ctx.confidence,
  })
    .objects()[0] as Row;
  const sentences = typeof r.referral_rate === "number"
    ? [
      t.referralSentence(
        f.shareInterval(r.referral_rate, r.referral_rate_low, r.referral_rate_high),
        f.int(r.signups),
        f.shareInterval(r.referrer_share, r.referrer_share_low, r.referrer_share_high),
      ),
    ]
    : [];
  return { findings: sentences, html: [heading(2, t.referral), findings(sentences)].join("\n") };
}
