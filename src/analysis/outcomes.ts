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
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../errors.ts";
import { checkConfidence, normalCdf } from "../stats/distributions.ts";
import { wilson } from "../stats/intervals.ts";
import { checkValues, leaveOutMissing } from "../metrics/groups.ts";
import { checkMissing, type MissingGroups, requireColumn } from "../base/plan.ts";
import { kaplanMeier } from "./survival/kaplan_meier.ts";
import { medianSurvival } from "./survival/median.ts";
import { survivalTimes, type SurvivalUnit } from "./survival/times.ts";
import { logRank } from "./survival/logrank.ts";
import { cohortRetention, compareTuples, oneOf } from "./cohort.ts";
import { pooledRetention } from "./cohort_summary.ts";
import type { CohortPeriod } from "./cohort_periods.ts";
import { NPS_CATEGORIES, NPS_SCALE, type NpsCategory, npsCategory } from "../schema/scales.ts";
import { checkCall, optionNames } from "../options.ts";

/** Options of {@link scoreOutcomes}. */
export interface ScoreOutcomesOptions {
  /** End of observation (the extract's cut-off): churn after it counts as still active; later answers are ignored. */
  observedUntil: Date;
  /** Score column of the responses, 0–10 (default `"nps_score"`). */
  score?: string;
  /** Customer id column, in responses, customers and orders (default `"customer_id"`). */
  customer?: string;
  /** Answer date column of the responses (default `"date"`). */
  date?: string;
  /** Signup date column of the customers (default `"signup_date"`). */
  signupDate?: string;
  /** Churn date column of the customers, empty while active (default `"churn_date"`). */
  churnDate?: string;
  /**
   * Which answer classifies a customer (default `"last"`): the latest answer
   * at or before churn/cut-off (the customer's most recent view: what a CX
   * lead means by "our detractors"), or the first one. Caveat of `"last"`:
   * choosing it looks ahead — it is the last *because* no later answer came,
   * and for churned customers it is often an answer given shortly before
   * leaving — so it describes, it does not predict. `"first"` uses nothing
   * after the time origin (with `from: "answer"`) and is the predictive view.
   */
  answer?: "last" | "first";
  /**
   * Where follow-up time starts (default `"answer"`): the classifying
   * answer's date, or the signup date. From signup, every customer is
   * "immortal" until the answer that classifies them (they had to stay to
   * answer), and the time between signup and answer is credited to their
   * group: groups that answer later look as if they churn slower
   * (immortal-time bias). From the answer, each customer is followed from
   * the moment their group is known.
   */
  from?: "answer" | "signup";
  /** Unit of survival times (default `"days"`). */
  unit?: SurvivalUnit;
  /** Confidence level of every interval (default 0.95). */
  confidence?: number;
  /** Segment column(s), read from the customers table, else from the classifying answer. */
  by?: string | string[];
  /**
   * Customers whose `by` value is missing (`null`, empty or blank text):
   * `"drop"` (default) leaves them out of the per-segment tables, curves and
   * tests (not of the pooled summary) and counts them in
   * `notes.missingGroups`; `"group"` keeps them as their own segment.
   */
  missing?: MissingGroups;
  /** Orders / events with revenue: adds net revenue retention by NPS group. */
  orders?: ColumnTable;
  /** Revenue column of `orders` (default `"revenue"`). */
  revenue?: string;
  /** Date column of `orders` (default `"date"`). */
  orderDate?: string;
  /** Cohort period of the revenue retention (default `"month"`). */
  period?: CohortPeriod;
}

/** The names of {@link ScoreOutcomesOptions}. */
export const SCORE_OUTCOMES_OPTIONS = optionNames<ScoreOutcomesOptions>()([
  "observedUntil",
  "score",
  "customer",
  "date",
  "signupDate",
  "churnDate",
  "answer",
  "from",
  "unit",
  "confidence",
  "by",
  "missing",
  "orders",
  "revenue",
  "orderDate",
  "period",
]);

/** What was left out or could not be used, so nothing is dropped silently. */
export interface ScoreOutcomesNotes {
  /** Rows of the responses table. */
  responses: number;
  /** Answers that classified a customer (one per classified customer). */
  classifying_answers: number;
  /** Answers without a score. */
  responses_without_score: number;
  /** Answers without a date. */
  responses_without_date: number;
  /** Answers without a customer id. */
  responses_without_customer: number;
  /** Answers whose customer id is not in the customers table (left out). */
  responses_unknown_customer: number;
  /** Distinct customer ids of those answers. */
  unknown_customers: number;
  /** Answers dated after the cut-off (left out). */
  answers_after_cutoff: number;
  /** Answers dated after their customer's churn date (left out: they cannot classify). */
  answers_after_churn: number;
  /** Rows of the customers table. */
  customers: number;
  /** Customers with a group. */
  customers_classified: number;
  /** Customers without any counting answer (not in the results). */
  customers_without_answer: number;
  /** Order rows of customers without a group (left out of `revenue`), when orders are given. */
  orders_unclassified?: number;
  /** Classified customers left out of the per-segment results for a missing `by` value. */
  missingGroups?: string;
}

/** The options a {@link ScoreOutcomes} result was computed with. */
export interface ScoreOutcomesMethod {
  /** End of observation. */
  observedUntil: Date;
  /** Which answer classified customers. */
  answer: "last" | "first";
  /** Time origin. */
  from: "answer" | "signup";
  /** Time unit. */
  unit: SurvivalUnit;
  /** Confidence level. */
  confidence: number;
  /** Segment columns. */
  by: string[];
  /** Interval and test methods, in words. */
  methods: string[];
}

/** Result of {@link scoreOutcomes}: tidy tables, a one-line summary and notes. */
export interface ScoreOutcomes {
  /**
   * One row per classified customer: `customer_id` (the `customer` column),
   * `[by…], nps_group, score, answer_date, time, event` (`time` from the
   * time origin to churn or cut-off in `unit`, `event` true = churned).
   */
  customers: ColumnTable;
  /**
   * Per segment × NPS group: `[by…], nps_group, customers, churned,
   * churn_rate, churn_rate_low, churn_rate_high` (churned / customers with a Wilson
   * interval) and `median, median_low, median_high` (Kaplan–Meier median
   * time to churn with its interval, `null` while the curve stays above ½).
   */
  groups: ColumnTable;
  /** Kaplan–Meier table by `[by…], nps_group` (columns of `kaplanMeier`), censored at the cut-off. */
  survival: ColumnTable;
  /**
   * Log-rank test of equal survival across the NPS groups, one row per
   * segment: `[by…], groups, statistic, df, p_value` (χ², R `survdiff`; `null`
   * with fewer than two groups).
   */
  logRank: ColumnTable;
  /**
   * Pairwise log-rank tests per segment: `[by…], group_a, group_b,
   * statistic, df, p_value, p_adjusted` (Holm over the pairs of the segment).
   */
  pairwise: ColumnTable;
  /**
   * Detractors vs promoters per segment: `[by…], detractors,
   * detractors_churned, detractor_rate, promoters, promoters_churned,
   * promoter_rate, difference, difference_low, difference_high, statistic,
   * p_value`.
   * `difference` = detractor_rate − promoter_rate; its interval is
   * Newcombe's hybrid score interval (1998, method 10, from the two Wilson
   * intervals); `p_value` is the two-sided two-proportion z test with the
   * pooled proportion (= R `prop.test(correct = FALSE)`); `statistic` is z, > 0 means
   * detractors churn more. `null` where a side has no customers.
   */
  comparison: ColumnTable;
  /**
   * With `orders`: pooled net revenue retention per `[by…], nps_group` and
   * period index (`pooledRetention` of `cohortRetention` with `revenue`,
   * `signup` = the customers table, `by` = the NPS group; complete periods
   * only). Cohorts start at signup, so the group (from a later answer) looks
   * ahead: this describes revenue of customers by how they answered.
   */
  revenue?: ColumnTable;
  /** One plain-language line of the overall (unsegmented) numbers, plain text. */
  summary: string;
  /** Counts of everything left out. */
  notes: ScoreOutcomesNotes;
  /** Options and methods used. */
  method: ScoreOutcomesMethod;
}

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

/** Validated options of {@link scoreOutcomes}. */
interface OutcomesPlan {
  cutoff: Date;
  score: string;
  customer: string;
  date: string;
  signupDate: string;
  churnDate: string;
  answer: "last" | "first";
  from: "answer" | "signup";
  unit: SurvivalUnit;
  confidence: number;
  by: string[];
  /** Per `by` column: read from the customers table (true) or the answer. */
  byFromCustomers: boolean[];
  missing: MissingGroups;
  revenue: string;
  orderDate: string;
  period: CohortPeriod;
}

function resolveOutcomes(
  responses: ColumnTable,
  customers: ColumnTable,
  options: ScoreOutcomesOptions,
): OutcomesPlan {
  const {
    observedUntil: cutoff,
    score = "nps_score",
    customer = "customer_id",
    date = "date",
    signupDate = "signup_date",
    churnDate = "churn_date",
    answer = "last",
    from = "answer",
    unit = "days",
    confidence = 0.95,
    revenue = "revenue",
    orderDate = "date",
    period = "month",
  } = options ?? {};
  if (!(cutoff instanceof Date) || Number.isNaN(cutoff.getTime())) {
    throw new CxOptionsError(
      `Option "observedUntil" must be a valid Date, e.g. new Date("2025-12-31"), got ${
        String(cutoff)
      }`,
    );
  }
  oneOf("answer", answer, ["last", "first"]);
  oneOf("from", from, ["answer", "signup"]);
  oneOf("unit", unit, ["days", "weeks", "months", "years"]);
  checkConfidence(confidence);
  for (const [column, option] of [[score, "score"], [customer, "customer"], [date, "date"]]) {
    requireColumn(responses, column, option);
  }
  for (const [column, option] of [[customer, "customer"], [signupDate, "signupDate"]]) {
    requireColumn(customers, column, option);
  }
  requireColumn(customers, churnDate, "churnDate");
  const by = options.by === undefined ? [] : Array.isArray(options.by) ? options.by : [options.by];
  const byFromCustomers = by.map((column) => {
    if (customers.columnNames().includes(column)) return true;
    if (responses.columnNames().includes(column)) return false;
    throw new CxOptionsError(
      `Option "by" names column ${JSON.stringify(column)}, which is in neither the customers ` +
        `(${customers.columnNames().join(", ")}) nor the responses table`,
    );
  });
  for (const column of by) {
    if ([customer, "nps_group", "score", "answer_date", "time", "event"].includes(column)) {
      throw new CxOptionsError(
        `Option "by" cannot use column ${JSON.stringify(column)}: the result uses that name`,
      );
    }
  }
  for (const [table, name] of [[responses, "responses"], [customers, "customers"]] as const) {
    if (table.numRows() === 0) {
      throw new CxDataError(
        [{ row: null, column: null, value: null, reason: `the ${name} table has no rows` }],
        1,
        "Empty table",
      );
    }
  }
  checkValues(
    responses,
    score,
    (v) => typeof v === "number" && Number.isInteger(v) && v >= NPS_SCALE.min && v <= NPS_SCALE.max,
    `${score} must be a whole number from ${NPS_SCALE.min} to ${NPS_SCALE.max}`,
  );
  return {
    cutoff,
    score,
    customer,
    date,
    signupDate,
    churnDate,
    answer,
    from,
    unit,
    confidence,
    by,
    byFromCustomers,
    missing: checkMissing(options.missing),
    revenue,
    orderDate,
    period,
  };
}

/** Picks each customer's classifying answer and builds the per-customer survival table. */
function classify(
  responses: ColumnTable,
  customers: ColumnTable,
  plan: OutcomesPlan,
): { table: ColumnTable; notes: ScoreOutcomesNotes } {
  const ids = customers.array(plan.customer) as unknown[];
  const churns = customers.array(plan.churnDate) as unknown[];
  const index = new Map<unknown, number>();
  const duplicates = ids.flatMap((id, i) => {
    if (id === null || id === undefined || !index.has(id)) {
      index.set(id, i);
      return [];
    }
    return [{ row: i + 1, column: plan.customer, value: String(id), reason: "duplicate id" }];
  });
  if (duplicates.length) {
    throw new CxDataError(
      duplicates.slice(0, 20),
      duplicates.length,
      "Customer ids must be unique",
    );
  }
  const who = responses.array(plan.customer) as unknown[];
  const when = responses.array(plan.date) as unknown[];
  const scores = responses.array(plan.score) as unknown[];
  const limit = plan.cutoff.getTime();
  const notes: ScoreOutcomesNotes = {
    responses: responses.numRows(),
    classifying_answers: 0,
    responses_without_score: 0,
    responses_without_date: 0,
    responses_without_customer: 0,
    responses_unknown_customer: 0,
    unknown_customers: 0,
    answers_after_cutoff: 0,
    answers_after_churn: 0,
    customers: customers.numRows(),
    customers_classified: 0,
    customers_without_answer: 0,
  };
  const unknown = new Set<unknown>();
  const chosen = new Map<number, number>(); // customer row → response row
  for (let i = 0; i < who.length; i++) {
    const id = who[i], at = when[i];
    if (scores[i] === null || scores[i] === undefined) notes.responses_without_score++;
    else if (id === null || id === undefined || id === "") notes.responses_without_customer++;
    else if (at === null || at === undefined) notes.responses_without_date++;
    else if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      throw new CxDataError([{
        row: i + 1,
        column: plan.date,
        value: String(at),
        reason: `${plan.date} must hold dates; load responses with readCsv to parse them`,
      }]);
    } else if (!index.has(id)) {
      notes.responses_unknown_customer++;
      unknown.add(id);
    } else if (at.getTime() > limit) notes.answers_after_cutoff++;
    else {
      const c = index.get(id)!;
      const churn = churns[c];
      if (churn instanceof Date && at.getTime() > churn.getTime()) {
        notes.answers_after_churn++;
        continue;
      }
      const best = chosen.get(c);
      const t = at.getTime(), bt = best === undefined ? 0 : (when[best] as Date).getTime();
      // Same date: table order decides (a later row is a later answer).
      if (best === undefined || (plan.answer === "last" ? t >= bt : t < bt)) chosen.set(c, i);
    }
  }
  notes.unknown_customers = unknown.size;
  notes.customers_classified = notes.classifying_answers = chosen.size;
  notes.customers_without_answer = customers.numRows() - chosen.size;
  if (chosen.size === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: plan.customer,
        value: null,
        reason: `no answer classifies a customer: ${notes.responses_unknown_customer} answers ` +
          `have unknown customers, ${notes.answers_after_cutoff} are after the cut-off, ` +
          `${notes.answers_after_churn} after churn, ${notes.responses_without_score} lack a score`,
      }],
      1,
      "Nothing to compare",
    );
  }
  return { table: customerTable(customers, responses, chosen, plan), notes };
}

function customerTable(
  customers: ColumnTable,
  responses: ColumnTable,
  chosen: Map<number, number>,
  plan: OutcomesPlan,
): ColumnTable {
  const rows = [...chosen.keys()].sort((a, b) => a - b);
  const answers = rows.map((c) => chosen.get(c)!);
  const pick = (table: ColumnTable, column: string, at: number[]) => {
    const values = table.array(column) as unknown[];
    return at.map((i) => values[i] ?? null);
  };
  const scores = pick(responses, plan.score, answers) as number[];
  const answerDates = pick(responses, plan.date, answers);
  const columns: Record<string, unknown[]> = {
    [plan.customer]: pick(customers, plan.customer, rows),
  };
  plan.by.forEach((column, j) => {
    columns[column] = plan.byFromCustomers[j]
      ? pick(customers, column, rows)
      : pick(responses, column, answers);
  });
  columns.nps_group = scores.map(npsCategory);
  columns.score = scores;
  columns.answer_date = answerDates;
  const start = plan.from === "answer" ? answerDates : pick(customers, plan.signupDate, rows);
  const timed = survivalTimes(
    aq.table({ start, end: pick(customers, plan.churnDate, rows) }),
    { start: "start", end: "end", observedUntil: plan.cutoff, unit: plan.unit },
  );
  columns.time = timed.array("time") as number[];
  columns.event = timed.array("event") as boolean[];
  return aq.table(columns);
}

type Row = Record<string, unknown>;

/** Groups, survival, tests and comparison of the classified customers, per segment `by`. */
function analyse(
  table: ColumnTable,
  plan: OutcomesPlan,
  by: string[],
): Pick<ScoreOutcomes, "groups" | "survival" | "logRank" | "pairwise" | "comparison"> {
  const keys = [...by, "nps_group"];
  const survival = kaplanMeier(table, {
    by: keys,
    confidence: plan.confidence,
    unit: plan.unit,
    missing: plan.missing,
  });
  const medians = new Map(
    (medianSurvival(survival).objects() as Row[]).map((r) => [keyOf(keys.map((k) => r[k])), r]),
  );
  const segments = segmentRows(table, by);
  const groups: Row[] = [], tests: Row[] = [], pairs: Row[] = [], comparison: Row[] = [];
  for (const { key, rows } of segments) {
    const head = Object.fromEntries(by.map((c, j) => [c, key[j]]));
    const counts = new Map<NpsCategory, { n: number; churned: number }>();
    for (const r of rows) {
      const c = counts.get(r.nps_group as NpsCategory) ?? { n: 0, churned: 0 };
      c.n++;
      if (r.event === true) c.churned++;
      counts.set(r.nps_group as NpsCategory, c);
    }
    for (const g of NPS_CATEGORIES) {
      const c = counts.get(g);
      if (!c) continue;
      const { low, high } = wilson(c.churned, c.n, plan.confidence);
      const m = medians.get(keyOf([...key, g]))!;
      groups.push({
        ...head,
        nps_group: g,
        customers: c.n,
        churned: c.churned,
        churn_rate: c.churned / c.n,
        churn_rate_low: low,
        churn_rate_high: high,
        median: m.median,
        median_low: m.median_low,
        median_high: m.median_high,
      });
    }
    const sub = aq.from(rows).select("time", "event", "nps_group");
    if (counts.size >= 2) {
      const test = logRank(sub, { by: "nps_group" });
      tests.push({
        ...head,
        groups: counts.size,
        statistic: test.get("statistic", 0),
        df: test.get("df", 0),
        p_value: test.get("p_value", 0),
      });
      for (const p of logRank(sub, { by: "nps_group", pairwise: true }).objects() as Row[]) {
        pairs.push({ ...head, ...p });
      }
    } else tests.push({ ...head, groups: counts.size, statistic: null, df: 0, p_value: null });
    comparison.push({ ...head, ...compare(counts, plan.confidence) });
  }
  return {
    groups: tidy(groups, [...keys, ...GROUP_COLUMNS]),
    survival,
    logRank: tidy(tests, [...by, "groups", "statistic", "df", "p_value"]),
    pairwise: tidy(pairs, [
      ...by,
      "group_a",
      "group_b",
      "statistic",
      "df",
      "p_value",
      "p_adjusted",
    ]),
    comparison: tidy(comparison, [...by, ...COMPARISON_COLUMNS]),
  };
}

const GROUP_COLUMNS = [
  "customers",
  "churned",
  "churn_rate",
  "churn_rate_low",
  "churn_rate_high",
  "median",
  "median_low",
  "median_high",
];

const COMPARISON_COLUMNS = [
  "detractors",
  "detractors_churned",
  "detractor_rate",
  "promoters",
  "promoters_churned",
  "promoter_rate",
  "difference",
  "difference_low",
  "difference_high",
  "statistic",
  "p_value",
];

/** Detractor − promoter churn share: Newcombe interval, pooled two-proportion z test. */
function compare(
  counts: Map<NpsCategory, { n: number; churned: number }>,
  confidence: number,
): Row {
  const det = counts.get("Detractor") ?? { n: 0, churned: 0 };
  const pro = counts.get("Promoter") ?? { n: 0, churned: 0 };
  const row: Row = {
    detractors: det.n,
    detractors_churned: det.churned,
    detractor_rate: det.n ? det.churned / det.n : null,
    promoters: pro.n,
    promoters_churned: pro.churned,
    promoter_rate: pro.n ? pro.churned / pro.n : null,
    difference: null,
    difference_low: null,
    difference_high: null,
    statistic: null,
    p_value: null,
  };
  if (!det.n || !pro.n) return row;
  const p1 = det.churned / det.n, p2 = pro.churned / pro.n, d = p1 - p2;
  const w1 = wilson(det.churned, det.n, confidence), w2 = wilson(pro.churned, pro.n, confidence);
  // Newcombe (1998) method 10: combine each rate's Wilson distances.
  row.difference = d;
  row.difference_low = d - Math.hypot(p1 - w1.low!, w2.high! - p2);
  row.difference_high = d + Math.hypot(w1.high! - p1, p2 - w2.low!);
  const pooled = (det.churned + pro.churned) / (det.n + pro.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / det.n + 1 / pro.n));
  if (se > 0) {
    row.statistic = d / se;
    row.p_value = 2 * normalCdf(-Math.abs(d / se));
  }
  return row;
}

function segmentRows(table: ColumnTable, by: string[]): { key: unknown[]; rows: Row[] }[] {
  const segments = new Map<string, { key: unknown[]; rows: Row[] }>();
  for (const r of table.objects() as Row[]) {
    const key = by.map((c) => r[c] ?? null);
    const id = keyOf(key);
    const s = segments.get(id) ?? { key, rows: [] };
    s.rows.push(r);
    segments.set(id, s);
  }
  return [...segments.values()].sort((a, b) => compareTuples(a.key, b.key));
}

function keyOf(values: unknown[]): string {
  return JSON.stringify(values.map((v) => v instanceof Date ? v.getTime() : v ?? null));
}

function tidy(rows: Row[], columns: string[]): ColumnTable {
  return aq.table(Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)])));
}

/** The one-line summary of the overall comparison and log-rank test. */
function summarize(comparison: ColumnTable, test: ColumnTable, plan: OutcomesPlan): string {
  const c = (comparison.objects() as Row[])[0];
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const level = `${Math.round(plan.confidence * 1000) / 10} %`;
  const p = (v: unknown) =>
    typeof v !== "number" ? "p not available" : v < 0.001 ? "p < 0.001" : `p = ${v.toFixed(3)}`;
  const lr = test.numRows() ? test.get("p_value", 0) : null;
  const logRankText = lr === null ? "" : `; log-rank ${p(lr)}`;
  const basis = ` (${plan.answer} answer per customer, churn by ${
    plan.cutoff.toISOString().slice(0, 10)
  })`;
  if (c.difference === null) {
    return `Cannot compare detractors with promoters: ${c.detractors} detractors and ` +
      `${c.promoters} promoters${logRankText}${basis}`;
  }
  const points = (v: number) => (100 * v).toFixed(1);
  return `Detractors churned ${pct(c.detractor_rate as number)} vs promoters ${
    pct(c.promoter_rate as number)
  } (difference ${points(c.difference as number)} points, ${level} CI ${
    points(c.difference_low as number)
  } to ${points(c.difference_high as number)}, ${p(c.p_value)})${logRankText}${basis}`;
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
