/**
 * What `scoreOutcomes` returns: its tidy tables, notes counting everything
 * left out, and the options and methods used.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { SurvivalUnit } from "../survival/times.ts";

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

/** Result of `scoreOutcomes`: tidy tables, a one-line summary and notes. */
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
