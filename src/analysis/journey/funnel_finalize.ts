/**
 * The finalize step of {@link funnel}: from the customer summary (in memory
 * or from an engine) to one row per segment and step, with Wilson intervals
 * of the conversions, the Kaplan–Meier median time from the previous step
 * and, with segments, a χ² test per step with Holm's correction.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attachMeta } from "../../meta.ts";
import { wilson } from "../../stats/intervals.ts";
import { holm } from "../../stats/multiple.ts";
import { chiSquareUpper } from "../survival/logrank.ts";
import { finalizeKaplanMeier } from "../survival/kaplan_meier.ts";
import { medianSurvival } from "../survival/median.ts";
import { DAY_MS, type FunnelPlan, type FunnelSummary, isMissing } from "./funnel_levels.ts";

/** The funnel result columns after the segment columns, in order. */
export const FUNNEL_COLUMNS = [
  "step",
  "step_index",
  "customers",
  "conversion_from_previous",
  "conversion_from_previous_low",
  "conversion_from_previous_high",
  "conversion_from_start",
  "conversion_from_start_low",
  "conversion_from_start_high",
  "median_days",
  "median_days_low",
  "median_days_high",
  "n",
  "small_sample",
] as const;

/** The test columns added after {@link FUNNEL_COLUMNS} when segments are compared (`by`). */
export const FUNNEL_TEST_COLUMNS = [
  "statistic",
  "df",
  "p_value",
  "p_adjusted",
  "significant",
] as const;

/** The finalize options: the plan plus the interval and size settings. */
export interface FinalizePlan extends FunnelPlan {
  /** Confidence level. */
  confidence: number;
  /** Small-sample threshold. */
  minN: number;
}

interface Group {
  key: unknown[];
  rows: number[];
}

/** One row per segment and step (see {@link funnel} for the definitions). */
export function finalizeFunnel(summary: FunnelSummary, plan: FinalizePlan): ColumnTable {
  const all = segmentGroups(summary, plan.by.length);
  const groups = all.filter((g) => !g.key.some(isMissing));
  const missingSegment = all.filter((g) => g.key.some(isMissing))
    .reduce((s, g) => s + g.rows.reduce((t, r) => t + summary.customers[r], 0), 0);
  const k = plan.steps.length;
  const columns = [...plan.by, ...FUNNEL_COLUMNS, ...(plan.by.length ? FUNNEL_TEST_COLUMNS : [])];
  const out: Record<string, unknown[]> = Object.fromEntries(columns.map((c) => [c, []]));
  const reach = groups.map((g) => reachCounts(summary, g.rows, k));
  groups.forEach((group, g) => {
    for (let j = 1; j <= k; j++) {
      const here = reach[g][j - 1], before = j > 1 ? reach[g][j - 2] : here;
      const start = reach[g][0];
      plan.by.forEach((c, b) => out[c].push(group.key[b]));
      out.step.push(plan.steps[j - 1]);
      out.step_index.push(j);
      out.customers.push(here);
      const previous = j > 1 ? share(here, before, plan.confidence) : [null, null, null];
      const fromStart = j > 1 ? share(here, start, plan.confidence) : [start > 0 ? 1 : null, 1, 1];
      pushTriple(out, "conversion_from_previous", previous);
      pushTriple(out, "conversion_from_start", start > 0 ? fromStart : [null, null, null]);
      pushTriple(
        out,
        "median_days",
        j > 1 ? medianGap(summary, group.rows, j, plan) : [null, null, null],
      );
      out.n.push(before);
      out.small_sample.push(before < plan.minN);
    }
  });
  if (plan.by.length) addTests(out, reach, k, plan.confidence);
  const result = aq.table(out);
  return attachMeta(result, {
    kind: "funnel",
    steps: plan.steps,
    windowDays: plan.windowMs / DAY_MS,
    order: plan.order,
    by: plan.by,
    confidence: plan.confidence,
    minN: plan.minN,
    observedUntil: summary.observedUntil === null ? null : new Date(summary.observedUntil),
    notes: funnelNotes(summary, plan, missingSegment),
  });
}

function funnelNotes(
  summary: FunnelSummary,
  plan: FinalizePlan,
  missingSegment: number,
): Record<string, string> {
  const notes: Record<string, string> = {
    interval: "Wilson score interval of each conversion",
    time:
      "median_days: Kaplan–Meier median time (days) from the previous step among customers who reached it and either reached this step (event) or are still inside their window at observedUntil (censored); customers whose window closed first are left out; interval as R's survfit (log transform)",
  };
  if (plan.by.length) {
    notes.test =
      "Pearson's χ² test of independence (no continuity correction) of conversion from the previous step across segments, per step; df = segments − 1";
    notes.correction = "holm, over the steps tested";
  }
  const { missing, late } = summary.leftOut;
  if (missing) {
    notes.leftOut =
      `${missing} funnel events with a missing ${plan.customer} or ${plan.date} left out`;
  }
  if (missingSegment) {
    notes.missingGroups = `${missingSegment} customers with a missing ${
      plan.by.join(" or ")
    } left out`;
  }
  if (late) notes.late = `${late} funnel events after observedUntil left out`;
  return notes;
}

function share(
  x: number,
  n: number,
  confidence: number,
): [number | null, number | null, number | null] {
  if (!(n > 0)) return [null, null, null];
  const { low, high } = wilson(x, n, confidence);
  return [x / n, low, high];
}

function pushTriple(out: Record<string, unknown[]>, name: string, v: unknown[]): void {
  out[name].push(v[0]);
  out[`${name}_low`].push(v[1]);
  out[`${name}_high`].push(v[2]);
}

/** Groups of summary rows by segment key, sorted by their values. */
function segmentGroups(summary: FunnelSummary, width: number): Group[] {
  if (width === 0) return [{ key: [], rows: summary.level.map((_, r) => r) }];
  const map = new Map<string, Group>();
  summary.level.forEach((_, r) => {
    const key = summary.keys.map((col) => col[r]);
    const id = JSON.stringify(key);
    const found = map.get(id);
    if (found) found.rows.push(r);
    else map.set(id, { key, rows: [r] });
  });
  const compare = (a: unknown, b: unknown) =>
    a === b
      ? 0
      : typeof a === "number" && typeof b === "number"
      ? a - b
      : String(a) < String(b)
      ? -1
      : 1;
  const groups = [...map.values()];
  groups.sort((a, b) => {
    for (let i = 0; i < width; i++) {
      const c = compare(a.key[i], b.key[i]);
      if (c) return c;
    }
    return 0;
  });
  return groups;
}

/** Customers who reached each step 1…k (level ≥ j). */
function reachCounts(summary: FunnelSummary, rows: number[], k: number): number[] {
  const reach = new Array(k).fill(0);
  for (const r of rows) {
    for (let j = 0; j < summary.level[r]; j++) reach[j] += summary.customers[r];
  }
  return reach;
}

/** Kaplan–Meier median (and interval) of the days from step j − 1 to step j. */
function medianGap(
  summary: FunnelSummary,
  rows: number[],
  j: number,
  plan: FinalizePlan,
): [number | null, number | null, number | null] {
  const counts = new Map<number, [number, number]>();
  const add = (ms: number, event: boolean, w: number) => {
    const time = ms / DAY_MS;
    const c = counts.get(time) ?? [0, 0];
    c[event ? 0 : 1] += w;
    counts.set(time, c);
  };
  for (const r of rows) {
    const level = summary.level[r], w = summary.customers[r];
    if (level >= j) add(summary.gaps[j - 2][r] as number, true, w);
    else if (level === j - 1 && summary.elapsed[r] !== null) {
      add(summary.elapsed[r] as number, false, w);
    }
  }
  if (counts.size === 0) return [null, null, null];
  const times = [...counts.keys()].sort((a, b) => a - b);
  const km = finalizeKaplanMeier(
    aq.table({
      time: times,
      n_event: times.map((t) => counts.get(t)![0]),
      n_censor: times.map((t) => counts.get(t)![1]),
    }),
    { confidence: plan.confidence },
  );
  const median = medianSurvival(km);
  return [median.get("median", 0), median.get("median_low", 0), median.get("median_high", 0)];
}

/** Pearson χ² of conversion from the previous step across segments, per step; Holm over steps. */
function addTests(
  out: Record<string, unknown[]>,
  reach: number[][],
  k: number,
  confidence: number,
) {
  const tests: { statistic: number | null; df: number | null; p: number | null }[] = [];
  for (let j = 1; j <= k; j++) {
    tests.push(j === 1 ? { statistic: null, df: null, p: null } : chiSquare(reach, j));
  }
  const adjusted = holm(tests.map((t) => t.p));
  const rows = out.step_index.length;
  for (let r = 0; r < rows; r++) {
    const j = out.step_index[r] as number, t = tests[j - 1], pa = adjusted[j - 1];
    out.statistic.push(t.statistic);
    out.df.push(t.df);
    out.p_value.push(t.p);
    out.p_adjusted.push(pa);
    out.significant.push(pa === null ? null : pa < 1 - confidence);
  }
}

function chiSquare(
  reach: number[][],
  j: number,
): { statistic: number | null; df: number | null; p: number | null } {
  const cells = reach
    .map((r) => [r[j - 1], r[j - 2] - r[j - 1]])
    .filter(([a, b]) => a + b > 0);
  const total = cells.reduce((s, [a, b]) => s + a + b, 0);
  const converted = cells.reduce((s, [a]) => s + a, 0);
  if (cells.length < 2 || converted === 0 || converted === total) {
    return { statistic: null, df: null, p: null };
  }
  let statistic = 0;
  for (const [a, b] of cells) {
    const n = a + b;
    const ea = n * converted / total, eb = n * (total - converted) / total;
    statistic += (a - ea) ** 2 / ea + (b - eb) ** 2 / eb;
  }
  const df = cells.length - 1;
  return { statistic, df, p: chiSquareUpper(statistic, df) };
}
