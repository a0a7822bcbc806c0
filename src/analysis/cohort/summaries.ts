/**
 * Summaries of a cohort retention table: the pooled (size-weighted)
 * retention curve across cohorts, and the retention of every cohort at one
 * period index (the "month-3 retention by cohort" trend). Both are finalize
 * steps over the cohort cells: given a `cohortRetention` result they
 * summarise it; given events (with `cohortRetention`'s options) they make
 * the cohort table first — in memory, or with `engine` in SQL, through the
 * same SQL cells as `cohortRetention`.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { TableInput } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CxOptionsError } from "../../errors.ts";
import { metaOf } from "../../meta.ts";
import { optionNames } from "../../options.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { wilson } from "../../stats/intervals.ts";
import { type CohortMeta, compareTuples, setCohortMeta } from "./meta.ts";
import {
  COHORT_RETENTION_OPTIONS,
  type CohortRetentionOptions,
  REVENUE_RETENTION_COLUMNS,
} from "./options.ts";
import { cohortRetention } from "./retention.ts";
import { retentionSql } from "./sql/step.ts";

/**
 * Options of {@link pooledRetention}; given events instead of a
 * `cohortRetention` result, also `cohortRetention`'s options.
 */
export interface PooledRetentionOptions extends CohortRetentionOptions {
  /** Confidence level of the Wilson intervals (default: the input's, else 0.95). */
  confidence?: number;
  /**
   * Pool also cells with `complete: false` (default `false`: they are lower
   * bounds or cover part of a cohort, and would drag the curve down). When
   * included, the result's metadata warns about indices that mix them.
   */
  includeIncomplete?: boolean;
}

/** The names of {@link PooledRetentionOptions}. */
export const POOLED_RETENTION_OPTIONS = optionNames<PooledRetentionOptions>()([
  ...COHORT_RETENTION_OPTIONS,
  "includeIncomplete",
]);

/** Pooled result columns after the segment columns, in order. */
export const POOLED_RETENTION_COLUMNS = [
  "period_index",
  "cohorts",
  "cohort_size",
  "n",
  "active",
  "retention",
  "retention_low",
  "retention_high",
] as const;

/**
 * The pooled retention curve per segment: for each period index, `retention
 * = Σ active / Σ n` over the cohorts that reached that index (in calendar
 * windows n is the cohort size, so this is the size-weighted mean of the
 * cohorts' retention), with a Wilson interval on the pooled counts.
 * **Cohorts that have not reached an index are left out of its
 * denominator**, so each index pools a different set of cohorts — the older
 * ones at high indices; `cohorts` says how many. Incomplete cells are left
 * out too unless `includeIncomplete`. Revenue columns pool as sums (NRR = Σ
 * revenue / Σ base_revenue). Columns: the `by` columns, `period_index,
 * cohorts, cohort_size, n, active, retention, retention_low, retention_high`,
 * revenue columns when present, `complete, window, time_zone`.
 *
 * Pass a `cohortRetention` result, or the events with `cohortRetention`'s
 * options: then the cohort table is made first, in memory or, with
 * `engine` (or a `{ engine, table }` / file source), from the same SQL
 * cells as `cohortRetention`, and the call resolves to the same table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortRetention } from "./retention.ts";
 * import { pooledRetention } from "./summaries.ts";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * const d = (s: string) => new Date(s);
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "c", "c"],
 *   date: [d("2024-01-05"), d("2024-02-10"), d("2024-01-20"), d("2024-02-02"), d("2024-03-09")],
 * });
 * const cohorts = cohortRetention(events, { observedUntil: d("2024-03-31") });
 * const pooled = pooledRetention(cohorts).objects() as Record<string, unknown>[];
 * // Month 1: a (of January's 2) and c (of February's 1) came back: 2 / 3.
 * assert.equal(pooled[1].retention, 2 / 3);
 * // Month 2: only the January cohort has reached it: 0 of 2.
 * assert.deepEqual([pooled[2].cohorts, pooled[2].n, pooled[2].active], [1, 2, 0]);
 *
 * // The events themselves, with the cohort aggregate in DuckDB.
 * const engine = duckdbEngine();
 * const pushed = await pooledRetention(events, { engine, observedUntil: d("2024-03-31") });
 * assert.deepEqual(pushed.objects(), pooled);
 * await engine.close();
 * ```
 */
export const pooledRetention: EngineAnalysis<PooledRetentionOptions> = withEngine<
  PooledRetentionOptions
>({
  name: "pooledRetention",
  options: POOLED_RETENTION_OPTIONS,
  dates: true,
  memory: (input, options) =>
    pool(retentionOf("pooledRetention", input, options, POOLED_OWN), options),
  sql: async (call, options) =>
    pool(await retentionSql(call, cohortOptions(options, POOLED_OWN), "pooledRetention"), options),
});

const POOLED_OWN = ["confidence", "includeIncomplete"];

/** One pooled (segment, period index): sums over the cohorts that reached it. */
interface Pool {
  key: unknown[];
  k: number;
  cohorts: number;
  size: number;
  n: number;
  active: number;
  complete: number;
  revenue: number;
  base: number;
  capped: number;
}

/** Pools a cohort retention table (the finalize step of {@link pooledRetention}). */
function pool(retention: ColumnTable, options: PooledRetentionOptions): ColumnTable {
  const { by, meta, hasRevenue } = inspect(retention, "pooledRetention");
  const { includeIncomplete = false } = options;
  const confidence = options.confidence ?? meta?.confidence ?? 0.95;
  checkConfidence(confidence);
  const rows = retention.objects() as Record<string, unknown>[];
  const pools = new Map<string, Pool>();
  let excluded = 0;
  for (const r of rows) {
    if (r.complete !== true && !includeIncomplete) {
      excluded++;
      continue;
    }
    const key = by.map((b) => r[b]);
    const k = r.period_index as number;
    const id = JSON.stringify([...key.map((v) => v instanceof Date ? v.getTime() : v), k]);
    let p = pools.get(id);
    if (!p) {
      p = {
        key,
        k,
        cohorts: 0,
        size: 0,
        n: 0,
        active: 0,
        complete: 0,
        revenue: 0,
        base: 0,
        capped: 0,
      };
      pools.set(id, p);
    }
    p.cohorts++;
    p.size += r.cohort_size as number;
    p.n += r.n as number;
    p.active += r.active as number;
    if (r.complete === true) p.complete++;
    if (hasRevenue) {
      p.revenue += r.revenue as number;
      p.base += r.base_revenue as number;
      p.capped += r.capped_revenue as number;
    }
  }
  const sorted = [...pools.values()].sort((a, b) => compareTuples(a.key, b.key) || a.k - b.k);
  const { table, mixed } = poolRows(sorted, by, hasRevenue, confidence, rows[0] ?? {});
  const warnings = [...(meta?.warnings ?? [])];
  if (mixed.length) {
    warnings.push(
      `period_index ${
        mixed.join(", ")
      }: pools complete and incomplete cohorts (incomplete cells are lower bounds or cover part of a cohort); pass includeIncomplete: false to pool complete cells only`,
    );
  }
  return setCohortMeta(table, {
    ...summaryMeta(meta, retention, by),
    analysis: "pooledRetention",
    confidence,
    warnings,
    notes: {
      ...(meta?.notes ?? {}),
      pooled: "retention = Σ active / Σ n over the cohorts that reached the period index; " +
        "cohorts that have not reached an index are excluded from its denominator",
      excludedIncompleteCells: excluded,
      includeIncomplete,
    },
  });
}

/** The pooled rows with Wilson intervals, and the indices that pool complete and incomplete cells. */
function poolRows(
  sorted: Pool[],
  by: string[],
  hasRevenue: boolean,
  confidence: number,
  echo: Record<string, unknown>,
): { table: ColumnTable; mixed: number[] } {
  const names = [
    ...by,
    ...POOLED_RETENTION_COLUMNS,
    ...(hasRevenue ? REVENUE_RETENTION_COLUMNS : []),
    "complete",
    "window",
    "time_zone",
  ];
  const columns: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, []]));
  const mixed: number[] = [];
  for (const p of sorted) {
    const { low, high } = wilson(p.active, p.n, confidence);
    by.forEach((b, j) => columns[b].push(p.key[j]));
    columns.period_index.push(p.k);
    columns.cohorts.push(p.cohorts);
    columns.cohort_size.push(p.size);
    columns.n.push(p.n);
    columns.active.push(p.active);
    columns.retention.push(p.n > 0 ? p.active / p.n : null);
    columns.retention_low.push(low);
    columns.retention_high.push(high);
    if (hasRevenue) {
      columns.revenue.push(p.revenue);
      columns.base_revenue.push(p.base);
      columns.capped_revenue.push(p.capped);
      columns.net_revenue_retention.push(p.base > 0 ? p.revenue / p.base : null);
      columns.gross_revenue_retention.push(p.base > 0 ? p.capped / p.base : null);
    }
    columns.complete.push(p.complete === p.cohorts);
    columns.window.push(echo.window ?? null);
    columns.time_zone.push(echo.time_zone ?? null);
    if (p.complete > 0 && p.complete < p.cohorts && !mixed.includes(p.k)) mixed.push(p.k);
  }
  return { table: aq.table(columns), mixed };
}

/**
 * Options of {@link retentionByCohort}; given events instead of a
 * `cohortRetention` result, also `cohortRetention`'s options.
 */
export interface RetentionByCohortOptions extends CohortRetentionOptions {
  /** The period index N of the "period-N retention" series (0, 1, 2, …). */
  periodIndex: number;
}

/** The names of {@link RetentionByCohortOptions}. */
export const RETENTION_BY_COHORT_OPTIONS = optionNames<RetentionByCohortOptions>()([
  ...COHORT_RETENTION_OPTIONS,
  "periodIndex",
]);

/**
 * The retention of every cohort at one period index — "day-7" or "month-3
 * retention by cohort" — for trend charts: the rows of the retention table
 * with `period_index === periodIndex`, same columns, in segment and cohort
 * order. Cohorts that have not reached N have no row (their labels are in
 * the metadata notes); when the series mixes complete and incomplete cells,
 * `meta(result).warnings` says which cohorts are still running. Like
 * {@link pooledRetention}, it also takes the events with `cohortRetention`'s
 * options, in memory or with `engine`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cohortRetention } from "./retention.ts";
 * import { metaOf } from "../../meta.ts";
 * import { retentionByCohort } from "./summaries.ts";
 * const d = (s: string) => new Date(s);
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "c", "c"],
 *   date: [d("2024-01-05"), d("2024-02-10"), d("2024-01-20"), d("2024-02-02"), d("2024-03-09")],
 * });
 * const series = retentionByCohort(cohortRetention(events), { periodIndex: 1 });
 * assert.deepEqual(series.array("cohort"), ["2024-01", "2024-02"]);
 * assert.deepEqual(series.array("retention"), [0.5, 1]);
 * // March is observed only until the 9th (the last event): February's month 1 is incomplete.
 * assert.match(metaOf(series, "cohort")!.warnings[0], /2024-02/);
 * ```
 */
export const retentionByCohort: EngineAnalysis<RetentionByCohortOptions> = withEngine<
  RetentionByCohortOptions
>({
  name: "retentionByCohort",
  options: RETENTION_BY_COHORT_OPTIONS,
  dates: true,
  memory: (input, options) =>
    atIndex(retentionOf("retentionByCohort", input, options, BY_COHORT_OWN), options),
  sql: async (call, options) =>
    atIndex(
      await retentionSql(call, cohortOptions(options, BY_COHORT_OWN), "retentionByCohort"),
      options,
    ),
});

const BY_COHORT_OWN = ["periodIndex"];

/** The rows at one period index (the finalize step of {@link retentionByCohort}). */
function atIndex(retention: ColumnTable, options: RetentionByCohortOptions): ColumnTable {
  const { by, meta } = inspect(retention, "retentionByCohort");
  const N = options?.periodIndex;
  if (!Number.isInteger(N) || N < 0) {
    throw new CxOptionsError(
      `Option "periodIndex" must be an integer ≥ 0 (0 = the cohort's own period), got ${
        JSON.stringify(N)
      }`,
    );
  }
  const ks = retention.array("period_index") as number[];
  const rows = (retention.objects() as Record<string, unknown>[]).filter((_, i) => ks[i] === N);
  if (rows.length === 0) {
    throw new CxOptionsError(
      `Option "periodIndex": no cohort has reached period ${N} yet; the largest period_index is ${
        Math.max(...ks)
      }`,
    );
  }
  const label = (r: Record<string, unknown>) =>
    [...by.map((b) => String(r[b])), String(r.cohort)].join(" · ");
  const reached = new Set(rows.map(label));
  const notReached = [
    ...new Set(
      (retention.objects() as Record<string, unknown>[]).map(label).filter((l) => !reached.has(l)),
    ),
  ];
  const running = rows.filter((r) => r.complete !== true).map(label);
  const warnings = [...(meta?.warnings ?? [])];
  if (running.length && running.length < rows.length) {
    warnings.push(
      `cohort(s) ${running.join(", ")} have not finished period ${N} (complete: false): ` +
        "their retention is a lower bound or covers part of the cohort; compare them with the others with care",
    );
  }
  const names = retention.columnNames();
  const table = aq.table(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])));
  return setCohortMeta(table, {
    ...summaryMeta(meta, retention, by),
    analysis: "retentionByCohort",
    confidence: meta?.confidence ?? 0.95,
    warnings,
    notes: { ...(meta?.notes ?? {}), periodIndex: N, cohortsNotReached: notReached },
  });
}

/**
 * The cohort table a summary works on: the input itself when it is a
 * `cohortRetention` result (then only the summary's `own` options apply),
 * else `cohortRetention(events, options)`.
 */
function retentionOf(
  fn: string,
  input: TableInput,
  options: CohortRetentionOptions,
  own: string[],
): ColumnTable {
  const names = Array.isArray(input) ? [] : input.columnNames();
  if (!RETENTION_CORE.every((c) => names.includes(c))) {
    return cohortRetention(input, cohortOptions(options, own));
  }
  const extra = Object.keys(options).filter((name) =>
    !own.includes(name) && options[name as keyof CohortRetentionOptions] !== undefined
  );
  if (extra.length) {
    throw new CxOptionsError(
      `${fn}: option(s) ${
        extra.map((n) => JSON.stringify(n)).join(", ")
      } make cohorts from events, but the table given is already a cohortRetention result; leave them out, or pass the events`,
    );
  }
  return input as ColumnTable;
}

/** The options of `cohortRetention` among a summary's (without the summary's `own`, but `confidence`). */
function cohortOptions<O extends CohortRetentionOptions>(
  options: O,
  own: string[],
): CohortRetentionOptions {
  return Object.fromEntries(
    Object.entries(options).filter(([name]) => name === "confidence" || !own.includes(name)),
  ) as CohortRetentionOptions;
}

/** The columns a `cohortRetention` result has, whatever its options. */
const RETENTION_CORE = ["cohort", "period_index", "cohort_size", "n", "active", "complete"];

/** Segment columns (those before `cohort`), metadata, and whether revenue columns are there. */
function inspect(
  retention: ColumnTable,
  fn: string,
): { by: string[]; meta: CohortMeta | undefined; hasRevenue: boolean } {
  const names = typeof retention?.columnNames === "function" ? retention.columnNames() : [];
  const missing = RETENTION_CORE.filter((c) => !names.includes(c));
  if (missing.length) {
    throw new CxOptionsError(
      `${fn} needs a result of cohortRetention(); the table lacks ${missing.join(", ")}`,
    );
  }
  const meta = metaOf(retention, "cohort");
  const by = meta?.by ?? names.slice(0, names.indexOf("cohort"));
  return {
    by,
    meta,
    hasRevenue: REVENUE_RETENTION_COLUMNS.every((c) => names.includes(c)),
  };
}

function summaryMeta(
  meta: CohortMeta | undefined,
  retention: ColumnTable,
  by: string[],
): CohortMeta {
  const first = (name: string) =>
    retention.numRows() && retention.columnNames().includes(name)
      ? retention.get(name, 0)
      : undefined;
  return meta ? { ...meta } : {
    analysis: "cohortRetention",
    method: "wilson",
    confidence: 0.95,
    timeZone: (first("time_zone") as string) ?? "UTC",
    window: (first("window") as "calendar" | "rolling") ?? "calendar",
    by,
    warnings: [],
    notes: {},
  };
}
