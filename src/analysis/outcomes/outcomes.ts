/**
 * From scores to behaviour: do detractors really churn faster? Survey answers
 * are joined to customers, each customer is put in one NPS group by one of
 * their answers, and churn is compared across the groups — churn share with
 * Wilson intervals, Kaplan–Meier curves with the log-rank test, detractor vs
 * promoter difference — plus, with orders, net revenue retention per group.
 *
 * **Classification rule** (the R reference script
 * `tests/fixtures/outcomes/make_outcome_fixtures.R` applies the same rule):
 * 1. An answer counts when it has a score, a customer id found in the
 *    customers table, a date at or before the cut-off, and — for a customer
 *    with a churn date — a date at or before that churn date. Answers after a
 *    customer churned cannot describe the customer who churned: they are left
 *    out and counted in `notes.answers_after_churn` (not an error: such rows
 *    are usually late survey imports, and one bad row should not stop a
 *    report).
 * 2. Of a customer's counting answers the classifying one is the latest
 *    (`answer: "last"`, default) or the earliest (`"first"`) by date; answers
 *    on the same date are taken in table order (the later row is the later
 *    answer).
 * 3. Its score gives the group: Promoter 9–10, Passive 7–8, Detractor 0–6.
 *    Customers without a counting answer are not classified
 *    (`notes.customers_without_answer`).
 *
 * **Churn**: a churn date at or before the cut-off. Later churn dates count
 * as still active (censored at the cut-off), as in `survivalTimes`.
 *
 * The stages, side by side: `options.ts` (options and plan), `classify.ts`
 * (the classifying answer, per-customer table), `compare.ts` (groups,
 * survival, tests, comparison, summary), `result.ts` (what is returned);
 * revenue retention by group is below.
 *
 * `scoreOutcomes` reads two tables (three with `orders`), so it runs in
 * memory only: option `engine` is refused in the dispatcher's one wording.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { leaveOutMissing } from "../../metrics/groups.ts";
import { requireColumn } from "../../base/plan.ts";
import { cohortRetention } from "../cohort/retention.ts";
import { pooledRetention } from "../cohort/summaries.ts";
import { refuseEngineOption } from "../numeric.ts";
import { checkCall } from "../../options.ts";
import {
  type OutcomesPlan,
  resolveOutcomes,
  SCORE_OUTCOMES_OPTIONS,
  type ScoreOutcomesOptions,
} from "./options.ts";
import type { ScoreOutcomes } from "./result.ts";
import { classify } from "./classify.ts";
import { analyse, summarize } from "./compare.ts";
export type { ScoreOutcomesOptions } from "./options.ts";
export type { ScoreOutcomes, ScoreOutcomesMethod, ScoreOutcomesNotes } from "./result.ts";

/**
 * Churn by NPS group: classifies each customer by one answer (see the module
 * doc for the exact rule), then compares churn of promoters (9–10), passives
 * (7–8) and detractors (0–6): churn share with Wilson intervals, Kaplan–Meier
 * survival censored at the cut-off with medians, the log-rank test (overall
 * and pairwise with Holm), and the detractor − promoter difference with a
 * Newcombe interval and a two-proportion z test. Returns the tables described
 * in {@link ScoreOutcomes}.
 *
 * The churn share counts churn by the cut-off, so it depends on how long
 * customers were followed; the Kaplan–Meier curves and the log-rank test
 * account for different follow-up.
 *
 * Throws a `CxOptionsError` for unknown columns or bad options, and a
 * `CxDataError` for empty tables, scores outside 0–10, duplicate customer
 * ids, or when no answer can classify any customer. Answers of customers
 * missing from the customers table are left out and counted in `notes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { scoreOutcomes } from "./outcomes.ts";
 * const d = (s: string) => new Date(s);
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c", "e"],
 *   signup_date: [d("2025-01-01"), d("2025-01-01"), d("2025-01-01"), d("2025-01-01")],
 *   churn_date: [d("2025-03-01"), null, d("2025-06-01"), null],
 * });
 * const responses = aq.table({
 *   customer_id: ["a", "b", "c", "e"],
 *   date: [d("2025-02-01"), d("2025-02-01"), d("2025-02-01"), d("2025-02-01")],
 *   nps_score: [3, 10, 9, 5],
 * });
 * const out = scoreOutcomes(responses, customers, { observedUntil: d("2025-12-31") });
 * const groups = out.groups.objects() as Record<string, unknown>[];
 * assert.deepEqual(groups.map((g) => [g.nps_group, g.customers, g.churned]), [
 *   ["Detractor", 2, 1],
 *   ["Promoter", 2, 1],
 * ]);
 * assert.equal(out.comparison.get("difference", 0), 0); // ½ − ½
 * assert.ok(out.summary.startsWith("Detractors churned 50.0 % vs promoters 50.0 %"));
 * assert.throws(
 *   () => scoreOutcomes(responses, customers, { observedUntil: d("2025-12-31"), engine: {} as never }),
 *   /scoreOutcomes cannot run in an SQL engine: it joins each answer to its customer/,
 * );
 * ```
 */
export function scoreOutcomes(
  responses: ColumnTable,
  customers: ColumnTable,
  options: ScoreOutcomesOptions,
): ScoreOutcomes {
  ({ input: [responses, customers], options } = checkCall(
    "scoreOutcomes",
    [responses, customers],
    options,
    SCORE_OUTCOMES_OPTIONS,
  ));
  refuseEngineOption(
    "scoreOutcomes",
    options,
    "it joins each answer to its customer and follows every customer through time, " +
      "and an engine reads one source",
  );
  const plan = resolveOutcomes(responses, customers, options);
  const { table, notes } = classify(responses, customers, plan);
  const segmented = leaveOutMissing(table, plan.by, plan.missing, {
    noun: "customers",
    count: (rows) => rows.length,
  });
  if (segmented.note) notes.missingGroups = segmented.note;
  const overall = analyse(segmented.kept, plan, plan.by);
  const pooled = plan.by.length ? analyse(table, plan, []) : overall;
  const result: ScoreOutcomes = {
    customers: table,
    ...overall,
    summary: summarize(pooled.comparison, pooled.logRank, plan),
    notes,
    method: {
      observedUntil: plan.cutoff,
      answer: plan.answer,
      from: plan.from,
      unit: plan.unit,
      confidence: plan.confidence,
      by: plan.by,
      methods: [
        "churn_rate_low/high: Wilson score interval",
        "survival: Kaplan–Meier, Greenwood variance, log-transformed interval (R survfit)",
        "logRank: survdiff (rho = 0); pairwise p_adjusted: Holm",
        "difference: Newcombe hybrid score interval (method 10)",
        "p_value: two-sided two-proportion z test, pooled proportion",
      ],
    },
  };
  if (options.orders !== undefined) {
    const { revenue, unclassified } = revenueByGroup(options.orders, customers, table, plan);
    result.revenue = revenue;
    notes.orders_unclassified = unclassified;
  }
  return result;
}

/** Net revenue retention per NPS group (and segment), pooled over signup cohorts. */
function revenueByGroup(
  orders: ColumnTable,
  customers: ColumnTable,
  classified: ColumnTable,
  plan: OutcomesPlan,
): { revenue: ColumnTable; unclassified: number } {
  for (const [column, option] of [[plan.customer, "customer"], [plan.orderDate, "orderDate"]]) {
    requireColumn(orders, column, option);
  }
  requireColumn(orders, plan.revenue, "revenue");
  const ids = classified.array(plan.customer) as unknown[];
  const known = new Set(ids);
  const who = orders.array(plan.customer) as unknown[];
  const keep = who.map((id) => known.has(id));
  const unclassified = keep.filter((k) => !k).length;
  const columns = [plan.customer, plan.orderDate, plan.revenue];
  const kept = aq.table(Object.fromEntries(columns.map((c) => {
    const values = orders.array(c) as unknown[];
    return [c, values.filter((_, i) => keep[i])];
  })));
  const signups = new Map(
    (customers.array(plan.customer) as unknown[]).map((id, i) => [
      id,
      (customers.array(plan.signupDate) as unknown[])[i],
    ]),
  );
  const groupBy = [...plan.by, "nps_group"];
  const signup = aq.table({
    [plan.customer]: ids,
    [plan.signupDate]: ids.map((id) => signups.get(id)),
    ...Object.fromEntries(groupBy.map((c) => [c, classified.array(c) as unknown[]])),
  });
  const retention = cohortRetention(kept, {
    customer: plan.customer,
    date: plan.orderDate,
    revenue: plan.revenue,
    by: groupBy,
    signup,
    signupDate: plan.signupDate,
    period: plan.period,
    observedUntil: plan.cutoff,
    confidence: plan.confidence,
    missing: plan.missing,
  });
  return { revenue: pooledRetention(retention), unclassified };
}
