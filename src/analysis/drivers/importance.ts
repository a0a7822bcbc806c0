/**
 * Importance × performance (Martilla & James 1977): a `keyDrivers` result's
 * importance against the drivers' mean ratings, split into quadrants. It
 * reads two tables (the ratings and the key-driver result), so it runs in
 * memory only.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { metaOf } from "../../meta.ts";
import type { DriverMethod } from "../../meta.ts";
import { CxOptionsError } from "../../errors.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { tInterval } from "../../stats/intervals.ts";
import {
  byColumns,
  type NoEngineOption,
  numericColumn,
  refuseEngineOption,
  rowGroups,
} from "../numeric.ts";
import { checkCall, optionNames } from "../../options.ts";

/** Options of {@link importancePerformance}. */
export interface ImportancePerformanceOptions extends NoEngineOption {
  /** Which method's weights are the importance (default: the result's first). */
  method?: DriverMethod;
  /** Confidence level of the mean-rating intervals (default 0.95). */
  confidence?: number;
}

/** The names of {@link ImportancePerformanceOptions}. */
export const IMPORTANCE_PERFORMANCE_OPTIONS = optionNames<ImportancePerformanceOptions>()([
  "method",
  "confidence",
  "engine",
]);

/** Quadrants of the importance × performance grid (Martilla & James 1977). */
export type Quadrant =
  | "Concentrate here"
  | "Keep up the good work"
  | "Low priority"
  | "Possible overkill";

/** The result columns after the group keys, in order. */
export const IMPORTANCE_PERFORMANCE_COLUMNS = [
  "driver",
  "importance",
  "importance_low",
  "importance_high",
  "performance",
  "performance_low",
  "performance_high",
  "n_ratings",
  "sign",
  "quadrant",
  "importance_split",
  "performance_split",
] as const;

/**
 * Importance × performance (Martilla & James 1977, Journal of Marketing
 * 41:77–79): per driver its importance (`weight_pct` of a `keyDrivers`
 * result, with its bootstrap interval) and performance (the mean of the
 * driver's ratings in `table`, every present rating counted, with a t
 * interval), and the quadrant. The grid is split at the **means**: importance
 * at the mean importance of the drivers (100 / number of drivers) and
 * performance at the mean of the drivers' mean ratings; a value on a split
 * line counts as high. Quadrants: high importance & low performance
 * "Concentrate here", both high "Keep up the good work", both low "Low
 * priority", low importance & high performance "Possible overkill". With
 * `by`, per group (splits per group).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { importancePerformance } from "./importance.ts";
 * import { keyDrivers } from "./drivers.ts";
 * // y = 2a + b again (a explains 80 %), but a is rated low (mean 3) and b high (mean 7).
 * const t = aq.table({ a: [4, 2, 4, 2], b: [8, 8, 6, 6], y: [16, 12, 14, 10] });
 * const ip = importancePerformance(t, keyDrivers(t, { outcome: "y", drivers: ["a", "b"] }));
 * const rows = ip.objects() as { driver: string; quadrant: string; performance_split: number }[];
 * assert.equal(rows[0].performance_split, 5); // mean of the mean ratings 3 and 7
 * assert.deepEqual(rows.map((r) => [r.driver, r.quadrant]), [
 *   ["a", "Concentrate here"],
 *   ["b", "Possible overkill"],
 * ]);
 * ```
 */
export function importancePerformance(
  table: ColumnTable,
  drivers: ColumnTable,
  options: ImportancePerformanceOptions = {},
): ColumnTable {
  checkCall("importancePerformance", [table, drivers], options, IMPORTANCE_PERFORMANCE_OPTIONS);
  refuseEngineOption(
    "importancePerformance",
    options,
    "it reads two tables (the ratings and a keyDrivers result), and an engine reads one source",
  );
  const { confidence = 0.95 } = options;
  const { by, chosen } = chosenRows(drivers, options.method);
  checkConfidence(confidence);
  const groupsOfTable = new Map(
    rowGroups(table, byColumns(table, by)).map((g) => [groupId(g.key, by), g.rows]),
  );
  const byGroup = new Map<string, Record<string, unknown>[]>();
  for (const r of chosen) {
    const id = groupId(r, by);
    if (!byGroup.has(id)) byGroup.set(id, []);
    byGroup.get(id)!.push(r);
  }
  const out: Record<string, unknown>[] = [];
  for (const [id, rows] of byGroup) {
    const tableRows = groupsOfTable.get(id) ?? new Int32Array(0);
    const items = rows.map((r) => {
      const values = numericColumn(table, r.driver as string, "drivers");
      const mean = meanRating(values, tableRows, confidence);
      return {
        ...Object.fromEntries(by.map((k) => [k, r[k]])),
        driver: r.driver,
        importance: r.weight_pct,
        importance_low: r.weight_pct_low,
        importance_high: r.weight_pct_high,
        ...mean,
        sign: r.sign,
      } as Record<string, unknown>;
    });
    out.push(...withQuadrants(items));
  }
  const columns = [...by, ...IMPORTANCE_PERFORMANCE_COLUMNS];
  return aq.table(Object.fromEntries(columns.map((c) => [c, out.map((r) => r[c] ?? null)])));
}

/** The segment columns of a key-driver result and its rows of the chosen method (checked). */
function chosenRows(
  drivers: ColumnTable,
  method: DriverMethod | undefined,
): { by: string[]; chosen: Record<string, unknown>[] } {
  const names = drivers.columnNames();
  const at = names.indexOf("driver");
  if (at < 0 || !["method", "weight_pct"].every((c) => names.includes(c))) {
    throw new CxOptionsError(
      `importancePerformance needs a result of keyDrivers() (columns driver, method, ` +
        `weight_pct, …); got columns ${names.join(", ")}`,
    );
  }
  const by = metaOf(drivers, "keyDrivers")?.by ?? names.slice(0, at);
  const all = drivers.objects() as Record<string, unknown>[];
  const chosenMethod = method ?? (all[0]?.method as DriverMethod | undefined);
  const chosen = all.filter((r) => r.method === chosenMethod);
  if (chosen.length === 0) {
    throw new CxOptionsError(
      `The key-driver result has no rows for method ${JSON.stringify(chosenMethod)}; methods: ${
        [...new Set(all.map((r) => r.method))].join(", ")
      }`,
    );
  }
  return { by, chosen };
}

/** Mean of a driver's present ratings in a group, with its t interval. */
function meanRating(
  values: Float64Array,
  rows: Int32Array,
  confidence: number,
): {
  performance: number | null;
  performance_low: number | null;
  performance_high: number | null;
  n_ratings: number;
} {
  let n = 0, sum = 0, sq = 0;
  for (const i of rows) {
    const v = values[i];
    if (v !== v) continue;
    n++;
    sum += v;
  }
  const mean = n ? sum / n : null;
  for (const i of rows) if (values[i] === values[i]) sq += (values[i] - mean!) ** 2;
  const sd = n > 1 ? Math.sqrt(sq / (n - 1)) : NaN;
  const ci = mean === null ? { low: null, high: null } : tInterval(mean, sd, n, confidence);
  return { performance: mean, performance_low: ci.low, performance_high: ci.high, n_ratings: n };
}

/** The quadrant of each driver of one group, split at the means of the group's drivers. */
function withQuadrants(items: Record<string, unknown>[]): Record<string, unknown>[] {
  const valid = items.filter((r) => r.importance !== null && r.performance !== null);
  const mean = (key: string) =>
    valid.length ? valid.reduce((s, r) => s + (r[key] as number), 0) / valid.length : null;
  const iSplit = mean("importance"), pSplit = mean("performance");
  for (const r of items) {
    const ok = r.importance !== null && r.performance !== null;
    const high = (r.importance as number) >= iSplit!;
    const good = (r.performance as number) >= pSplit!;
    r.quadrant = !ok
      ? null
      : high
      ? (good ? "Keep up the good work" : "Concentrate here")
      : (good ? "Possible overkill" : "Low priority");
    r.importance_split = iSplit;
    r.performance_split = pSplit;
  }
  return items;
}

function groupId(row: Record<string, unknown>, by: string[]): string {
  return JSON.stringify(by.map((k) => {
    const v = row[k] ?? null;
    return v instanceof Date ? v.getTime() : v;
  }));
}
