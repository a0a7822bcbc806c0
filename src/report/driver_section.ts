/**
 * The drivers page: which attribute ratings (`rating_*` columns) explain the
 * likelihood to recommend (relative weights with seeded bootstrap intervals),
 * their correlations, and the importance × performance grid that says where
 * to act.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { correlate } from "../analysis/correlate/correlate.ts";
import { keyDrivers } from "../analysis/drivers/drivers.ts";
import { importancePerformance } from "../analysis/drivers/importance.ts";
import { driverChart, quadrantChart } from "../charts/drivers.ts";
import { chartLocale } from "./charts.ts";
import { columnLabel, hasValues, type Section, type SectionContext } from "./context.ts";
import { dataTable, figure, findings, heading, para, skippedSection } from "./html.ts";

type Row = Record<string, unknown>;

/** Attribute rating columns are the numeric columns whose names start with this. */
export const DRIVER_PREFIX = "rating_";

/** Bootstrap of the importance intervals: fixed seed, so the report is the same on every run. */
const BOOTSTRAP = { resamples: 200, seed: 1 };

/**
 * Builds the drivers section: outcome `nps_score` (else `csat`), drivers the
 * `rating_*` columns of the survey answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { driverSection } from "./driver_section.ts";
 * import { sectionContext } from "./site.ts";
 * const n = 60;
 * const wait = Array.from({ length: n }, (_, i) => 1 + (i % 10));
 * const app = Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 10));
 * const nps_score = wait.map((w, i) => Math.min(10, Math.round(0.8 * w + 0.1 * app[i])));
 * const responses = aq.table({ nps_score, rating_wait_time: wait, rating_app: app });
 * const section = driverSection(sectionContext({ responses }));
 * assert.ok(section.findings[0].startsWith("The strongest driver of the likelihood to recommend is wait time"));
 * // Below driverMinN (default 50) complete answers the page says why there are no drivers.
 * const few = driverSection(sectionContext({ responses: responses.slice(0, 17) }));
 * assert.ok(few.findings[0].startsWith("No driver analysis: only 17 answers"));
 * ```
 */
export function driverSection(ctx: SectionContext): Section {
  const { labels: t, format: f } = ctx;
  const table = ctx.tables.responses;
  const title = t.drivers;
  const outcome = hasValues(table, "nps_score") ? "nps_score" : "csat";
  const drivers = table
    ? table.columnNames().filter((c) => c.startsWith(DRIVER_PREFIX) && numeric(table, c))
    : [];
  if (!table || !hasValues(table, outcome) || drivers.length < 2) {
    return skippedSection("drivers", title, t.noDrivers(DRIVER_PREFIX));
  }
  const { label, outcomeName } = driverNames(ctx, outcome);
  // Weights from a handful of answers are noise: below driverMinN the page says so instead.
  const complete = completeRows(table, [outcome, ...drivers]);
  if (complete < ctx.driverMinN) {
    const why = t.driversTooFew(f.int(complete), f.int(ctx.driverMinN));
    return { id: "drivers", title, findings: [why], body: findings([why]) };
  }
  const weights = keyDrivers(table, {
    outcome,
    drivers,
    bootstrap: BOOTSTRAP,
    minN: ctx.driverMinN,
  });
  const grid = importancePerformance(table, weights, { confidence: ctx.confidence });
  const r = correlate(table, { columns: drivers, against: [outcome], confidence: ctx.confidence });
  const rows: Row[] = (weights.objects() as Row[])
    .sort((a, b) => (a.rank as number) - (b.rank as number))
    .map((w) => {
      const g = (grid.objects() as Row[]).find((x) => x.driver === w.driver)!;
      const c = (r.objects() as Row[]).find((x) => x.x === w.driver)!;
      return { ...w, label: label(String(w.driver)), ...pick(g), ...pickR(c) };
    });
  const top = rows[0];
  const sentences = driverSentences(ctx, rows, outcomeName);
  const html = [
    para(t.driversLead(outcomeName), "lead"),
    findings(sentences),
    figure(
      driverChart(weights, {
        label,
        outcome: outcomeName,
        title: t.driverChart(outcomeName),
        subtitle: t.driverChartNote(f.num(top.r2, 2), f.int(top.n)),
        xLabel: t.importanceAxis,
        ...chartLocale(ctx),
      }),
      f,
    ),
    heading(2, t.importancePerformance),
    para(t.quadrantLead),
    figure(quadrantChart(grid, { label, ...chartLocale(ctx) }), f),
    dataTable(rows, [
      { label: t.driver, value: (x) => String(x.label) },
      {
        label: t.importance,
        value: (x) =>
          f.shareInterval(
            (x.weight_pct as number) / 100,
            (x.weight_pct_low as number) / 100,
            (x.weight_pct_high as number) / 100,
          ),
        numeric: true,
      },
      { label: t.correlation, value: (x) => f.interval(x.r, x.r_low, x.r_high, 2), numeric: true },
      {
        label: t.meanRating,
        value: (x) => f.interval(x.performance, x.performance_low, x.performance_high, 2),
        numeric: true,
      },
      { label: t.quadrant, value: (x) => t.quadrants[String(x.quadrant)] ?? String(x.quadrant) },
    ]),
  ].join("\n");
  return { id: "drivers", title, findings: sentences, body: html };
}

/**
 * How the page names drivers and the outcome: a label from `cxkit.json`
 * wins; else `rating_wait_time` reads "wait time" and `nps_score` "likelihood
 * to recommend".
 */
function driverNames(ctx: SectionContext, outcome: string) {
  const { labels: t } = ctx;
  const named = (c: string) => columnLabel(ctx, c) !== c;
  const label = (c: string) => named(c) ? columnLabel(ctx, c) : shortName(c);
  const outcomeName = named(outcome)
    ? columnLabel(ctx, outcome)
    : outcome === "nps_score"
    ? t.likelihood
    : t.csat;
  return { label, outcomeName };
}

/** The strongest driver and the next, and where to concentrate, in words. */
function driverSentences(ctx: SectionContext, rows: Row[], outcomeName: string): string[] {
  const { labels: t, format: f } = ctx;
  const [top, second] = rows;
  const sentences = [
    t.driverSentence(
      String(top.label),
      outcomeName,
      f.shareInterval(
        (top.weight_pct as number) / 100,
        (top.weight_pct_low as number) / 100,
        (top.weight_pct_high as number) / 100,
      ),
      f.num(top.r, 2),
      f.num(top.r2, 2),
      f.int(top.n),
      second ? `${second.label} ${f.share((second.weight_pct as number) / 100)}` : "–",
    ),
  ];
  const concentrate = rows.filter((x) => x.quadrant === "Concentrate here").map((x) => x.label);
  if (concentrate.length) sentences.push(t.concentrate(concentrate.join(", ")));
  return sentences;
}

/** Rows with every one of the columns present (the complete cases `keyDrivers` fits on). */
function completeRows(table: ColumnTable, columns: string[]): number {
  const values = columns.map((c) => table.array(c) as unknown[]);
  let n = 0;
  for (let i = 0; i < table.numRows(); i++) {
    if (values.every((v) => typeof v[i] === "number" && !Number.isNaN(v[i]))) n++;
  }
  return n;
}

/** `rating_wait_time` → `wait time`. */
function shortName(column: string): string {
  return column.slice(DRIVER_PREFIX.length).replaceAll("_", " ") || column;
}

function numeric(table: ColumnTable, column: string): boolean {
  const values = table.array(column) as unknown[];
  return values.some((v) => typeof v === "number") &&
    values.every((v) => v === null || v === undefined || typeof v === "number");
}

function pick(g: Row): Row {
  const { performance, performance_low, performance_high, quadrant } = g;
  return { performance, performance_low, performance_high, quadrant };
}

function pickR(c: Row): Row {
  return { r: c.r, r_low: c.r_low, r_high: c.r_high };
}
