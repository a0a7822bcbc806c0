/**
 * First-order transitions between journey steps: how often customers go from
 * one step to the next, with start and end states. Aggregate (transition
 * counts per segment, from, to) in memory or in an SQL engine
 * (`transitions_sql.ts`), then one finalize step.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled, type TableInput } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { attachMeta } from "../../meta.ts";
import { optionNames } from "../../options.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { wilson } from "../../stats/intervals.ts";
import {
  checkByNames,
  checkFlag,
  collapsed,
  compareText,
  END,
  type JourneyColumns,
  journeyColumns,
  readJourneys,
  type ResolvedJourneyColumns,
  START,
} from "./events.ts";
import { transitionsInEngine } from "./transitions_sql.ts";

/** Options of {@link transitions}. */
export interface TransitionOptions extends JourneyColumns {
  /** Step (or channel) column (default `"step"`). */
  step?: string;
  /** Merge consecutive repeats of a step into one (A A B → A B; default `false`). */
  collapseRepeats?: boolean;
  /** Segment column(s): transitions counted per segment. */
  by?: string | string[];
  /** Confidence level of the probability intervals (default 0.95). */
  confidence?: number;
}

/** The names of {@link TransitionOptions}. */
export const TRANSITION_OPTIONS = optionNames<TransitionOptions>()([
  "customer",
  "date",
  "step",
  "collapseRepeats",
  "by",
  "confidence",
]);

/** The {@link transitions} result columns after the segment columns, in order. */
export const TRANSITION_COLUMNS = [
  "from",
  "to",
  "transitions",
  "customers",
  "n",
  "probability",
  "probability_low",
  "probability_high",
] as const;

/** Transition counts: the aggregate step's output, the same in memory and in SQL. */
export interface TransitionCounts {
  /** `[by…], from, to, transitions, customers`. */
  counts: ColumnTable;
  /** Rows left out for a missing customer, date, step or segment value (`null`: not counted). */
  rowsLeftOut: number | null;
}

/**
 * First-order transitions: one row per segment, `from` step and `to` step,
 * `[by…], from, to, transitions, customers, n, probability, probability_low,
 * probability_high`. Every journey (a customer's events ordered by date,
 * ties by step label; see `events.ts`) adds a transition from `"(start)"` to
 * its first step, one between each pair of consecutive steps, and one from
 * its last step to `"(end)"`. `transitions` counts them, `customers` counts
 * the customers who made them, `n` is every transition out of `from`, and
 * `probability` = transitions / n with a Wilson interval (transitions are
 * treated as independent; a customer who loops contributes several).
 * Rows are sorted by segment, `from` (start first) and `to` (end last).
 *
 * In memory the result is a table; with `engine` (DuckDB, PostgreSQL,
 * ClickHouse) the counting runs in the engine (window functions, or arrays
 * on ClickHouse) and the result resolves to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { transitions } from "./transitions.ts";
 * const d = (day: number) => new Date(Date.UTC(2025, 0, day));
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "b", "b"],
 *   date: [d(1), d(2), d(1), d(3), d(4)],
 *   step: ["web", "buy", "web", "web", "buy"],
 * });
 * const t = transitions(events);
 * const row = (t.objects() as Record<string, unknown>[]).find((r) => r.from === "web" && r.to === "buy")!;
 * assert.equal(row.transitions, 2); // a: web→buy, b: web→buy
 * assert.equal(row.n, 3); // out of web: 2 to buy, 1 to web
 * assert.equal(row.probability, 2 / 3);
 * const collapsed = transitions(events, { collapseRepeats: true });
 * assert.equal((collapsed.objects() as Record<string, unknown>[]).find((r) => r.from === "web" && r.to === "buy")!.probability, 1);
 * ```
 */
export const transitions: EngineAnalysis<TransitionOptions> = withEngine<TransitionOptions>({
  name: "transitions",
  options: TRANSITION_OPTIONS,
  dates: true,
  memory: (input, options) => {
    const table = pooled(input);
    const columns = transitionColumns(table, options);
    return finalizeTransitions(countTransitions(table, columns, options), columns, options);
  },
  sql: async (call, options) => {
    const columns = transitionColumns(call.table, options);
    const counts = await transitionsInEngine(
      call,
      columns,
      checkFlag(options.collapseRepeats, "collapseRepeats"),
    );
    return finalizeTransitions(counts, columns, options);
  },
});

function transitionColumns(table: ColumnTable, options: TransitionOptions): ResolvedJourneyColumns {
  checkConfidence(options.confidence ?? 0.95);
  checkFlag(options.collapseRepeats, "collapseRepeats");
  const columns = journeyColumns(table, options, { option: "step", name: options.step ?? "step" });
  checkByNames(columns.by, TRANSITION_COLUMNS, "transitions");
  return columns;
}

/** Aggregate step in memory: `[by…], from, to, transitions, customers`. */
export function countTransitions(
  input: TableInput,
  columns: ResolvedJourneyColumns,
  options: { collapseRepeats?: boolean } = {},
): TransitionCounts {
  const { journeys, rowsLeftOut } = readJourneys(pooled(input), columns);
  const cells = new Map<
    string,
    { key: unknown[]; from: string; to: string; n: number; who: Set<unknown> }
  >();
  for (const raw of journeys) {
    const j = options.collapseRepeats ? collapsed(raw) : raw;
    const path = [START, ...j.steps, END];
    for (let i = 0; i + 1 < path.length; i++) {
      const id = JSON.stringify([...j.key, path[i], path[i + 1]]);
      let cell = cells.get(id);
      if (!cell) {
        cells.set(id, cell = { key: j.key, from: path[i], to: path[i + 1], n: 0, who: new Set() });
      }
      cell.n++;
      cell.who.add(j.customer);
    }
  }
  const rows = [...cells.values()];
  const out: Record<string, unknown[]> = {};
  columns.by.forEach((name, k) => out[name] = rows.map((r) => r.key[k]));
  out.from = rows.map((r) => r.from);
  out.to = rows.map((r) => r.to);
  out.transitions = rows.map((r) => r.n);
  out.customers = rows.map((r) => r.who.size);
  return { counts: aq.table(out), rowsLeftOut };
}

/** Finalize step: denominators, probabilities, Wilson intervals, order and metadata. */
export function finalizeTransitions(
  { counts, rowsLeftOut }: TransitionCounts,
  columns: ResolvedJourneyColumns,
  options: TransitionOptions,
): ColumnTable {
  const confidence = options.confidence ?? 0.95;
  const rows = counts.objects() as Record<string, unknown>[];
  const fromKey = (r: Record<string, unknown>) =>
    JSON.stringify([...columns.by.map((b) => r[b]), r.from]);
  const totals = new Map<string, number>();
  for (const r of rows) {
    totals.set(fromKey(r), (totals.get(fromKey(r)) ?? 0) + Number(r.transitions));
  }
  rows.sort((a, b) => compareRows(a, b, columns.by));
  const out: Record<string, unknown[]> = {};
  for (const name of [...columns.by, "from", "to", "transitions", "customers"]) {
    out[name] = rows.map((r) =>
      name === "transitions" || name === "customers" ? Number(r[name]) : r[name]
    );
  }
  out.n = rows.map((r) => totals.get(fromKey(r))!);
  const ci = rows.map((_, i) =>
    wilson(out.transitions[i] as number, out.n[i] as number, confidence)
  );
  out.probability = rows.map((_, i) => (out.transitions[i] as number) / (out.n[i] as number));
  out.probability_low = ci.map((c) => c.low);
  out.probability_high = ci.map((c) => c.high);
  return attachMeta(aq.table(out), {
    kind: "journey",
    analysis: "transitions",
    options: {
      customer: columns.customer,
      date: columns.date,
      step: columns.step,
      by: columns.by,
      collapseRepeats: options.collapseRepeats ?? false,
      confidence,
    },
    notes: {
      states: `${START} before each journey's first step, ${END} after its last`,
      order: "events by date, ties by step label (code-point order)",
      ...(rowsLeftOut === null ? {} : { rows_left_out: rowsLeftOut }),
    },
  });
}

/** Segments by value, then `from` (start first), then `to` (end last). */
function compareRows(a: Record<string, unknown>, b: Record<string, unknown>, by: string[]): number {
  for (const name of by) {
    const c = compareValues(a[name], b[name]);
    if (c) return c;
  }
  return compareState(a.from as string, b.from as string) ||
    compareState(a.to as string, b.to as string);
}

function compareState(a: string, b: string): number {
  const rank = (s: string) => s === START ? 0 : s === END ? 2 : 1;
  return rank(a) - rank(b) || compareText(a, b);
}

/** Numbers numerically, Dates by instant, other values as text (by code point). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return compareText(String(a), String(b));
}
