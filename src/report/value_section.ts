/**
 * The Customer value page: BG/NBD and Gamma-Gamma fitted on the report's
 * orders, the expected value of the next year per segment with intervals,
 * the P(alive) matrix and the models' parameters. Shown when the events have
 * orders (rows with `customer_id`, `date` and a `revenue` > 0).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { aliveMatrixChart } from "../charts/predict.ts";
import { CxDataError } from "../errors.ts";
import { bgNbd } from "../predict/bg_nbd.ts";
import { gammaGamma } from "../predict/gamma_gamma.ts";
import type { SpendModel } from "../predict/gamma_gamma.ts";
import type { TransactionModel } from "../predict/model.ts";
import { customerSummary } from "../predict/summary.ts";
import { customerValue } from "../predict/value.ts";
import { chartLocale } from "./charts.ts";
import { hasColumns, type Section, type SectionContext } from "./context.ts";
import { dataTable, figure, findings, heading, para, skippedSection } from "./html.ts";
import { publishable } from "./privacy.ts";
import { valueLabels } from "./value_labels.ts";

type Row = Record<string, unknown>;
type Part = { findings: string[]; html: string };

/** Horizon of the expected value, in weeks. */
export const VALUE_HORIZON_WEEKS = 52;
/** Annual discount rate of the expected value. */
export const VALUE_DISCOUNT_RATE = 0.1;
/** Parameter draws of the value intervals (seed 1: the same data, the same page). */
export const VALUE_RESAMPLES = 200;
/** Weeks in a year of 365.25 days. */
const WEEKS_PER_YEAR = 365.25 / 7;
/** The column of the one group when there is no segment column. */
const ALL = "all";

/**
 * Builds the Customer value section from `tables.events`: the orders are
 * the rows with a `customer_id`, a `date` and a `revenue` > 0. Customers are
 * summarised in weeks up to the last order day (`customerSummary`), BG/NBD
 * and Gamma-Gamma are fitted on that summary, and `customerValue` gives the
 * discounted revenue of the next {@link VALUE_HORIZON_WEEKS} weeks at
 * {@link VALUE_DISCOUNT_RATE} a year, by the report's segment: the
 * customers table's segment column, else the segment of each customer's
 * first order, else all customers as one group. Segment and total tables
 * pass the privacy step (groups below `minGroupSize` customers are not
 * shown). Data a model cannot be fitted on gives a sentence saying why.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { valueSection } from "./value_section.ts";
 * import { sectionContext } from "./site.ts";
 * const events = aq.table({ customer_id: ["a"], date: [new Date("2024-01-01")], revenue: [5] });
 * const section = valueSection(sectionContext({ events }));
 * assert.ok(section.findings[0].startsWith("The models could not be fitted"));
 * ```
 */
export function valueSection(ctx: SectionContext): Section {
  const t = valueLabels(ctx.format.lang), f = ctx.format;
  const base = { id: "value", title: t.value };
  const orders = ordersOf(ctx.tables.events);
  if (!orders) return skippedSection(base.id, base.title, t.noData);
  const summary = customerSummary(orders, { unit: "week" });
  const lead = para(
    t.lead(
      f.int(orders.numRows()),
      f.int(summary.numRows()),
      f.int(VALUE_HORIZON_WEEKS),
      f.share(VALUE_DISCOUNT_RATE, 0),
    ),
    "lead",
  );
  const failed = (text: string) => ({ ...base, findings: [text], body: lead + "\n" + para(text) });
  const transactions = fitted(() => bgNbd(summary));
  if (typeof transactions === "string") return failed(t.failed(transactions));
  const spend = fitted(() => gammaGamma(summary));
  const parts: Part[] = [];
  if (typeof spend === "string") parts.push({ findings: [t.spendFailed(spend)], html: "" });
  else parts.push(valuePart(ctx, summary, orders, transactions, spend));
  parts.push(alivePart(ctx, summary, transactions), modelPart(ctx, transactions, spend));
  return {
    ...base,
    findings: parts.flatMap((p) => p.findings),
    body: [lead, ...parts.map((p) => p.html)].filter(Boolean).join("\n"),
  };
}

/** The orders of the events (customer, date and revenue > 0), or null without any. */
function ordersOf(events: ColumnTable | undefined): ColumnTable | null {
  if (!hasColumns(events, "customer_id", "date", "revenue")) return null;
  const orders = events!.filter(
    aq.escape((d: Row) =>
      d.customer_id !== null && d.customer_id !== undefined && d.date instanceof Date &&
      typeof d.revenue === "number" && d.revenue > 0
    ),
  ).reify();
  return orders.numRows() ? orders : null;
}

/** The model, or why it cannot be fitted (the reasons of a `CxDataError`). */
function fitted<M>(fit: () => M): M | string {
  try {
    return fit();
  } catch (e) {
    if (!(e instanceof CxDataError)) throw e;
    return e.problems.map((p) => p.reason).join("; ");
  }
}

/** Each customer's segment: the customers table's column, else their first order's. */
function segmentColumn(ctx: SectionContext, summary: ColumnTable, orders: ColumnTable) {
  const column = ctx.segment, customers = ctx.tables.customers;
  const of = new Map<unknown, unknown>();
  if (hasColumns(customers, "customer_id", column)) {
    const ids = customers!.array("customer_id") as unknown[];
    const values = customers!.array(column) as unknown[];
    ids.forEach((id, i) => of.set(id, values[i]));
  } else if (hasColumns(orders, column)) {
    const sorted = orders.orderby("date");
    const ids = sorted.array("customer_id") as unknown[];
    const values = sorted.array(column) as unknown[];
    ids.forEach((id, i) => of.has(id) || of.set(id, values[i]));
  } else return null;
  const unknown = valueLabels(ctx.format.lang).unknown;
  return (summary.array("customer_id") as unknown[]).map((id) => {
    const v = of.get(id);
    return v === null || v === undefined || v === "" ? unknown : String(v);
  });
}

function valuePart(
  ctx: SectionContext,
  summary: ColumnTable,
  orders: ColumnTable,
  transactions: TransactionModel,
  spend: SpendModel,
): Part {
  const t = valueLabels(ctx.format.lang), f = ctx.format;
  const segments = segmentColumn(ctx, summary, orders);
  const column = segments ? ctx.segment : ALL;
  const withGroups = summary.assign({
    [ALL]: Array.from({ length: summary.numRows() }, () => t.allCustomers),
    ...(segments ? { [column]: segments } : {}),
  });
  const value = (by: string) =>
    customerValue(transactions, spend, withGroups, {
      horizon: VALUE_HORIZON_WEEKS,
      discountRate: VALUE_DISCOUNT_RATE,
      unit: "week",
      by,
      resamples: VALUE_RESAMPLES,
      seed: 1,
      confidence: ctx.confidence,
    });
  const total = publishable(ctx, value(ALL), t.value, [ALL]).table.objects()[0] as Row;
  const published = publishable(ctx, value(column), t.bySegment(column), [column]);
  const rows = published.table.objects() as Row[];
  const level = f.share(ctx.confidence, 0);
  const sentences: string[] = [];
  if (total.suppressed !== true) {
    sentences.push(t.total(
      f.num(total.clv, 0),
      level,
      `${f.num(total.clv_low, 0)}–${f.num(total.clv_high, 0)}`,
      f.int(total.n),
      f.int(VALUE_HORIZON_WEEKS),
    ));
    const shown = rows.filter((r) => r.suppressed !== true);
    const top = shown.reduce<Row | null>(
      (b, r) => !b || (r.clv as number) > (b.clv as number) ? r : b,
      null,
    );
    if (segments && shown.length > 1 && top) {
      const share = (top.clv as number) / (total.clv as number);
      sentences.push(t.top(String(top[column]), column, f.num(top.clv, 0), f.share(share)));
    }
  }
  const html = [
    heading(2, t.bySegment(segments ? column : t.allCustomers)),
    para(
      (segments ? "" : t.noSegment(ctx.segment) + " ") +
        t.segmentLead(column, f.int(VALUE_RESAMPLES), f.int(ctx.privacy.minGroupSize)),
    ),
    findings(sentences),
    valueTable(ctx, rows, segments ? column : "", column, published.tableOptions),
  ].join("\n");
  return { findings: sentences, html };
}

/** The value table: segment, customers, total and per-customer value with intervals. */
function valueTable(
  ctx: SectionContext,
  rows: Row[],
  label: string,
  column: string,
  options: { suppressedText: string },
): string {
  const t = valueLabels(ctx.format.lang), f = ctx.format;
  const perCustomer = (r: Row) => {
    const n = r.n as number;
    return f.interval(
      (r.clv as number) / n,
      (r.clv_low as number) / n,
      (r.clv_high as number) / n,
      2,
    );
  };
  return dataTable(rows, [
    { label, value: (r) => String(r[column]) },
    { label: t.customers, value: (r) => f.int(r.n), numeric: true },
    {
      label: t.totalValue,
      value: (r) => f.interval(r.clv, r.clv_low, r.clv_high, 0),
      numeric: true,
    },
    { label: t.perCustomer, value: perCustomer, numeric: true },
  ], options);
}

function alivePart(ctx: SectionContext, summary: ColumnTable, model: TransactionModel): Part {
  const t = valueLabels(ctx.format.lang), f = ctx.format;
  const alive = model.predict(summary, { horizon: VALUE_HORIZON_WEEKS }).array(
    "p_alive",
  ) as number[];
  const gone = alive.filter((p) => p < 0.5).length;
  const sentences = [t.alive(f.share(gone / alive.length), f.int(gone))];
  const ages = summary.array("T") as number[];
  const frequencies = summary.array("frequency") as number[];
  const T = Math.max(1, Math.round(Math.max(...ages)));
  const maxFrequency = Math.max(1, Math.min(10, Math.max(...frequencies)));
  const html = [
    heading(2, t.alivePart),
    para(t.aliveLead(f.int(T))),
    findings(sentences),
    figure(aliveMatrixChart(model, { T, maxFrequency, ...chartLocale(ctx) }), f),
  ].join("\n");
  return { findings: sentences, html };
}

function modelPart(
  ctx: SectionContext,
  transactions: TransactionModel,
  spend: SpendModel | string,
): Part {
  const t = valueLabels(ctx.format.lang), f = ctx.format;
  const { r, alpha, a, b } = transactions.params;
  // E[λ] = r / α purchases a week while active; E[p] = a / (a + b) drop out after a purchase.
  const sentences = [t.rates(f.num((r / alpha) * WEEKS_PER_YEAR, 1), f.share(a / (a + b)))];
  const spendModel = typeof spend === "string" ? null : spend;
  if (spendModel && spendModel.params.q > 1) {
    const { p, q, v } = spendModel.params;
    sentences.push(t.spend(f.num((p * v) / (q - 1), 2)));
  }
  const options = { confidence: ctx.confidence };
  const label = (name: string, logLik: number) => `${name} (${t.logLik} ${f.num(logLik, 1)})`;
  const rows = [
    ...tagged(transactions.table(options), label("BG/NBD", transactions.logLik)),
    ...(spendModel
      ? tagged(spendModel.table(options), label("Gamma-Gamma", spendModel.logLik))
      : []),
  ];
  const html = [
    heading(2, t.models),
    para(t.modelsLead(f.share(ctx.confidence, 0))),
    findings(sentences),
    dataTable(rows, [
      { label: t.model, value: (row) => String(row.model) },
      { label: t.param, value: (row) => String(row.param) },
      {
        label: t.estimate,
        value: (row) => f.interval(row.estimate, row.estimate_low, row.estimate_high, 4),
        numeric: true,
      },
      { label: t.stdErr, value: (row) => f.num(row.std_err, 4), numeric: true },
    ]),
  ].join("\n");
  return { findings: sentences, html };
}

/** A parameter table's rows with the model's name. */
function tagged(table: ColumnTable, model: string): Row[] {
  return (table.objects() as Row[]).map((row) => ({ model, ...row }));
}
