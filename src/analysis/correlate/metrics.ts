/**
 * Correlating metrics from two tables on a common key:
 * {@link joinMetrics} aggregates a metric of each table per customer and/or
 * period and joins them; {@link correlateMetrics} then correlates the two
 * metric columns. Both read two tables, so they run in memory only.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { CorrelationMethod } from "../../meta.ts";
import { CxDataError, CxOptionsError } from "../../errors.ts";
import { quantileSorted } from "../../stats/quantile.ts";
import { checkPeriod, type Period, periodFn } from "../../time/period.ts";
import {
  type NoEngineOption,
  numericColumn,
  refuseEngineOption,
  requireColumns,
} from "../numeric.ts";
import { checkCall, optionNames } from "../../options.ts";
import { correlate } from "./correlate.ts";

/** Why the two-table analyses refuse an engine. */
const TWO_TABLES =
  "it summarises two tables per key and joins them, and an engine reads one source";

/** Per-key summaries {@link joinMetrics} can take of a metric. */
export type MetricStat = "mean" | "median" | "sum" | "count";

/** One side of {@link joinMetrics}: a table, the metric and how to summarise it per key. */
export interface MetricSide {
  /** The table (e.g. tickets, or survey answers). */
  table: ColumnTable;
  /** Numeric column, or a function of a row object (e.g. minutes to first response). */
  value: string | ((row: Record<string, unknown>) => number | null | undefined);
  /** Output column name (default: `value` if it is a column name, else `"x"` / `"y"`). */
  name?: string;
  /** This table's key column, if it differs from the option `key`. */
  key?: string;
  /** Date column the periods come from (default `"date"`). */
  date?: string;
  /** Summary per key (default `"mean"`; `"count"` counts the present values). */
  stat?: MetricStat;
}

/** Options of {@link joinMetrics}. */
export interface JoinMetricsOptions extends NoEngineOption {
  /** Key column present in both tables (e.g. `"customer_id"`). */
  key?: string;
  /** Also (or only) key by calendar period of each side's `date`. */
  period?: Period;
  /** IANA time zone periods are cut in (default `"UTC"`). */
  timeZone?: string;
}

/** The names of {@link JoinMetricsOptions}. */
export const JOIN_METRICS_OPTIONS = optionNames<JoinMetricsOptions>()([
  "key",
  "period",
  "timeZone",
  "engine",
]);

/** Options of {@link correlateMetrics}. */
export interface CorrelateMetricsOptions extends JoinMetricsOptions {
  /** Coefficient(s) (default `"pearson"`). */
  method?: CorrelationMethod | CorrelationMethod[];
  /** Confidence level (default 0.95). */
  confidence?: number;
}

/** The names of {@link CorrelateMetricsOptions}. */
export const CORRELATE_METRICS_OPTIONS = optionNames<CorrelateMetricsOptions>()([
  ...JOIN_METRICS_OPTIONS,
  "method",
  "confidence",
]);

/**
 * Aggregates a metric of each of two tables to a common key — a customer, a
 * period, or both — and joins them (inner join: keys present on both sides).
 * Columns: the key (`key` and/or `period`), the two metric columns and
 * `n_<name>` (values summarised per key). Missing metric values are skipped;
 * keys with none are dropped. `median` is numpy's linear-interpolation median.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { joinMetrics } from "./metrics.ts";
 * const tickets = aq.table({ customer_id: ["a", "a", "b"], frt: [10, 20, 5] });
 * const answers = aq.table({ customer_id: ["a", "b", "c"], csat: [2, 5, 4] });
 * const j = joinMetrics({ table: tickets, value: "frt" }, { table: answers, value: "csat" }, {
 *   key: "customer_id",
 * });
 * assert.deepEqual(j.objects(), [
 *   { customer_id: "a", frt: 15, csat: 2, n_frt: 2, n_csat: 1 },
 *   { customer_id: "b", frt: 5, csat: 5, n_frt: 1, n_csat: 1 },
 * ]);
 * ```
 */
export function joinMetrics(
  a: MetricSide,
  b: MetricSide,
  options: JoinMetricsOptions,
): ColumnTable {
  checkCall("joinMetrics", [a.table, b.table], options, JOIN_METRICS_OPTIONS);
  refuseEngineOption("joinMetrics", options, TWO_TABLES);
  const { key, period, timeZone = "UTC" } = options ?? {};
  if (key === undefined && period === undefined) {
    throw new CxOptionsError(
      `joinMetrics needs a common "key" (e.g. "customer_id") and/or a "period" (e.g. "month")`,
    );
  }
  if (period !== undefined) checkPeriod(period);
  const nameA = a.name ?? (typeof a.value === "string" ? a.value : "x");
  let nameB = b.name ?? (typeof b.value === "string" ? b.value : "y");
  if (nameB === nameA) nameB = `${nameB}_2`;
  const sideA = summarise(a, key, period, timeZone, "first table");
  const sideB = summarise(b, key, period, timeZone, "second table");
  const keyNames = [...(key !== undefined ? [key] : []), ...(period ? ["period"] : [])];
  const rows: Record<string, unknown>[] = [];
  for (const [id, ga] of sideA) {
    const gb = sideB.get(id);
    if (!gb) continue;
    const row: Record<string, unknown> = {};
    keyNames.forEach((k, i) => row[k] = ga.key[i]);
    row[nameA] = ga.value;
    row[nameB] = gb.value;
    row[`n_${nameA}`] = ga.n;
    row[`n_${nameB}`] = gb.n;
    rows.push(row);
  }
  rows.sort((p, q) => {
    for (const k of keyNames) {
      const u = String(p[k]), v = String(q[k]);
      if (u !== v) return u < v ? -1 : 1;
    }
    return 0;
  });
  const names = [...keyNames, nameA, nameB, `n_${nameA}`, `n_${nameB}`];
  return aq.table(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])));
}

/**
 * Correlation of two metrics from different tables joined on a common key:
 * {@link joinMetrics}, then {@link correlate} of the two metric columns —
 * e.g. mean first-response time per customer (tickets) against mean CSAT per
 * customer (survey answers), or monthly NPS against monthly ticket volume.
 * The result has one row per method; `n` counts keys, not rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlateMetrics } from "./metrics.ts";
 * const tickets = aq.table({ customer_id: ["a", "b", "c", "d", "e"], frt: [60, 5, 30, 10, 45] });
 * const answers = aq.table({ customer_id: ["a", "b", "c", "d", "e"], csat: [1, 5, 3, 4, 2] });
 * const r = correlateMetrics({ table: tickets, value: "frt" }, { table: answers, value: "csat" }, {
 *   key: "customer_id",
 *   method: "spearman",
 * });
 * assert.equal(r.get("r", 0), -1); // slower answers, lower CSAT, perfectly monotone here
 * assert.equal(r.get("n", 0), 5);
 * ```
 */
export function correlateMetrics(
  a: MetricSide,
  b: MetricSide,
  options: CorrelateMetricsOptions,
): ColumnTable {
  checkCall("correlateMetrics", [a.table, b.table], options, CORRELATE_METRICS_OPTIONS);
  refuseEngineOption("correlateMetrics", options, TWO_TABLES);
  const { key, period, timeZone } = options;
  const joined = joinMetrics(a, b, { key, period, timeZone });
  const [x, y] = joined.columnNames().slice(options.key !== undefined && options.period ? 2 : 1);
  if (joined.numRows() === 0) {
    throw new CxDataError(
      [{
        row: null,
        column: options.key ?? "period",
        value: null,
        reason: "no key has a value in both tables; check that the key columns hold the same ids",
      }],
      1,
      "Nothing to correlate",
    );
  }
  return correlate(joined, {
    columns: [x, y],
    method: options.method,
    confidence: options.confidence,
  });
}

interface Summary {
  key: unknown[];
  value: number;
  n: number;
}

function summarise(
  side: MetricSide,
  key: string | undefined,
  period: Period | undefined,
  timeZone: string,
  which: string,
): Map<string, Summary> {
  const { table, value, stat = "mean" } = side;
  if (!["mean", "median", "sum", "count"].includes(stat)) {
    throw new CxOptionsError(
      `${which}: "stat" must be "mean", "median", "sum" or "count", got ${JSON.stringify(stat)}`,
    );
  }
  const keyColumn = side.key ?? key;
  const date = side.date ?? "date";
  if (keyColumn !== undefined) requireColumns(table, [keyColumn], `key (${which})`);
  if (period) requireColumns(table, [date], `date (${which})`);
  const values = typeof value === "string"
    ? numericColumn(table, value, `value (${which})`)
    : Float64Array.from(table.objects() as Record<string, unknown>[], (row) => {
      const v = value(row);
      return typeof v === "number" && Number.isFinite(v) ? v : NaN;
    });
  const keys = keyColumn !== undefined ? table.array(keyColumn) as ArrayLike<unknown> : undefined;
  const dates = period ? table.array(date) as ArrayLike<unknown> : undefined;
  const of = period ? periodFn(period, timeZone) : undefined;
  const groups = new Map<string, { key: unknown[]; values: number[] }>();
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) continue;
    const parts: unknown[] = [];
    if (keys) {
      const k = keys[i];
      if (k === null || k === undefined) continue;
      parts.push(k);
    }
    if (dates) {
      const d = dates[i];
      if (!(d instanceof Date)) {
        if (d === null || d === undefined) continue;
        throw new CxDataError([{
          row: i + 1,
          column: date,
          value: String(d),
          reason: `${date} must hold dates; load the data with readCsv to parse them`,
        }]);
      }
      parts.push(of!(d).label);
    }
    const id = JSON.stringify(parts);
    let g = groups.get(id);
    if (!g) groups.set(id, g = { key: parts, values: [] });
    g.values.push(values[i]);
  }
  const out = new Map<string, Summary>();
  for (const [id, g] of groups) {
    const v = g.values;
    const total = v.reduce((s, x) => s + x, 0);
    const summary = stat === "count"
      ? v.length
      : stat === "sum"
      ? total
      : stat === "mean"
      ? total / v.length
      : quantileSorted(Float64Array.from(v).sort(), 0.5);
    out.set(id, { key: g.key, value: summary, n: v.length });
  }
  return out;
}
