/**
 * The comparison step of `scoreOutcomes`, per segment: churn share of each
 * NPS group with Wilson intervals and Kaplan–Meier medians, the log-rank
 * tests (overall and pairwise), the detractor − promoter difference, and the
 * one-line summary.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { normalCdf } from "../../stats/distributions.ts";
import { wilson } from "../../stats/intervals.ts";
import { kaplanMeier } from "../survival/kaplan_meier.ts";
import { medianSurvival } from "../survival/median.ts";
import { logRank } from "../survival/logrank.ts";
import { compareTuples } from "../cohort/meta.ts";
import { NPS_CATEGORIES, type NpsCategory } from "../../schema/scales.ts";
import type { OutcomesPlan } from "./options.ts";
import type { ScoreOutcomes } from "./result.ts";

type Row = Record<string, unknown>;

/** Customers and churned customers of one NPS group. */
interface Counts {
  n: number;
  churned: number;
}

/** Groups, survival, tests and comparison of the classified customers, per segment `by`. */
export function analyse(
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
  const groups: Row[] = [], tests: Row[] = [], pairs: Row[] = [], comparison: Row[] = [];
  for (const { key, rows } of segmentRows(table, by)) {
    const head = Object.fromEntries(by.map((c, j) => [c, key[j]]));
    const counts = churnCounts(rows);
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
    const test = logRankTests(rows, counts.size);
    tests.push({ ...head, ...test.overall });
    pairs.push(...test.pairs.map((p) => ({ ...head, ...p })));
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

/** Customers and churned customers per NPS group of one segment. */
function churnCounts(rows: Row[]): Map<NpsCategory, Counts> {
  const counts = new Map<NpsCategory, Counts>();
  for (const r of rows) {
    const c = counts.get(r.nps_group as NpsCategory) ?? { n: 0, churned: 0 };
    c.n++;
    if (r.event === true) c.churned++;
    counts.set(r.nps_group as NpsCategory, c);
  }
  return counts;
}

/** The log-rank test across the NPS groups of one segment and its pairwise tests. */
function logRankTests(rows: Row[], groups: number): { overall: Row; pairs: Row[] } {
  if (groups < 2) return { overall: { groups, statistic: null, df: 0, p_value: null }, pairs: [] };
  const sub = aq.from(rows).select("time", "event", "nps_group");
  const test = logRank(sub, { by: "nps_group" });
  return {
    overall: {
      groups,
      statistic: test.get("statistic", 0),
      df: test.get("df", 0),
      p_value: test.get("p_value", 0),
    },
    pairs: logRank(sub, { by: "nps_group", pairwise: true }).objects() as Row[],
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
  counts: Map<NpsCategory, Counts>,
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
export function summarize(comparison: ColumnTable, test: ColumnTable, plan: OutcomesPlan): string {
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
