/**
 * The classification step of `scoreOutcomes`: each customer's classifying
 * answer (the rule in `outcomes.ts`), counted notes for every answer left
 * out, and the per-customer table with NPS group and survival time.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError } from "../../errors.ts";
import { survivalTimes } from "../survival/times.ts";
import { npsCategory } from "../../schema/scales.ts";
import type { OutcomesPlan } from "./options.ts";
import type { ScoreOutcomesNotes } from "./result.ts";

/** Picks each customer's classifying answer and builds the per-customer survival table. */
export function classify(
  responses: ColumnTable,
  customers: ColumnTable,
  plan: OutcomesPlan,
): { table: ColumnTable; notes: ScoreOutcomesNotes } {
  const index = customerIndex(customers, plan.customer);
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
  const chosen = pickAnswers(responses, customers, index, plan, notes);
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

/** Customer id → row of the customers table; a `CxDataError` for duplicate ids. */
function customerIndex(customers: ColumnTable, column: string): Map<unknown, number> {
  const ids = customers.array(column) as unknown[];
  const index = new Map<unknown, number>();
  const duplicates = ids.flatMap((id, i) => {
    if (id === null || id === undefined || !index.has(id)) {
      index.set(id, i);
      return [];
    }
    return [{ row: i + 1, column, value: String(id), reason: "duplicate id" }];
  });
  if (duplicates.length) {
    throw new CxDataError(
      duplicates.slice(0, 20),
      duplicates.length,
      "Customer ids must be unique",
    );
  }
  return index;
}

/**
 * Customer row → response row of its classifying answer; every answer that
 * cannot count is counted in `notes` (a `CxDataError` for a non-date).
 */
function pickAnswers(
  responses: ColumnTable,
  customers: ColumnTable,
  index: Map<unknown, number>,
  plan: OutcomesPlan,
  notes: ScoreOutcomesNotes,
): Map<number, number> {
  const churns = customers.array(plan.churnDate) as unknown[];
  const who = responses.array(plan.customer) as unknown[];
  const when = responses.array(plan.date) as unknown[];
  const scores = responses.array(plan.score) as unknown[];
  const limit = plan.cutoff.getTime();
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
  return chosen;
}

/** One row per classified customer: id, segments, NPS group, score, answer date, time, event. */
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
