/**
 * The options of `scoreOutcomes` and their plan: columns checked in the
 * responses and customers tables, defaults filled in, segments resolved to
 * the table they are read from.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../../errors.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { checkValues } from "../../metrics/groups.ts";
import { checkMissing, type MissingGroups, requireColumn } from "../../base/plan.ts";
import type { SurvivalUnit } from "../survival/times.ts";
import { oneOf } from "../cohort/options.ts";
import type { CohortPeriod } from "../cohort/periods.ts";
import { NPS_SCALE } from "../../schema/scales.ts";
import type { NoEngineOption } from "../numeric.ts";
import { optionNames } from "../../options.ts";

/** Options of `scoreOutcomes`. */
export interface ScoreOutcomesOptions extends NoEngineOption {
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
  "engine",
]);

/** Validated options of `scoreOutcomes`. */
export interface OutcomesPlan {
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

/** Checks `scoreOutcomes`' options against both tables and fills in the defaults. */
export function resolveOutcomes(
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
  const { by, byFromCustomers } = segmentColumns(responses, customers, options.by, customer);
  checkTables(responses, customers, score);
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

/** The `by` columns and, per column, whether it is read from the customers table (else the answer). */
function segmentColumns(
  responses: ColumnTable,
  customers: ColumnTable,
  given: string | string[] | undefined,
  customer: string,
): { by: string[]; byFromCustomers: boolean[] } {
  const by = given === undefined ? [] : Array.isArray(given) ? given : [given];
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
  return { by, byFromCustomers };
}

/** Both tables have rows, and every score is a whole number on the NPS scale. */
function checkTables(responses: ColumnTable, customers: ColumnTable, score: string): void {
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
}
