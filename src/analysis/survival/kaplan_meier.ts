/**
 * Kaplan–Meier survival curves per segment, with Greenwood standard errors
 * and pointwise intervals computed exactly as R's `survival::survfit` does.
 *
 * Two steps, as every cxkit analysis: {@link survivalCounts} aggregates the
 * mergeable counts of events and censorings per (group, time);
 * {@link finalizeKaplanMeier} walks the risk sets of that small table.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attachMeta, metaOf, type SurvivalMeta, type SurvivalTransform } from "../../meta.ts";
export type { SurvivalMeta, SurvivalTransform } from "../../meta.ts";
import { pooled } from "../../base/input.ts";
import type { MissingGroups } from "../../base/plan.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CxOptionsError } from "../../errors.ts";
import { checkOptions, optionNames } from "../../options.ts";
import { checkConfidence, zFor } from "../../stats/distributions.ts";
import {
  countsWithoutMissing,
  KAPLAN_MEIER_COLUMNS,
  type MissingGroupOption,
  type ResolvedColumns,
  type SurvivalColumns,
  survivalColumns,
} from "./columns.ts";
export { KAPLAN_MEIER_COLUMNS } from "./columns.ts";
import { countGroups, countSurvival } from "./counts.ts";
import { countsInEngine } from "./sql.ts";
import { survivalTimesUnit } from "./times.ts";

/** Options of {@link kaplanMeier}. */
export interface KaplanMeierOptions extends SurvivalColumns, MissingGroupOption {
  /** Confidence level of the pointwise intervals (default 0.95). */
  confidence?: number;
  /**
   * Interval transform (default `"log"`, R's default): `"log"` is
   * exp(log S ± z·σ), `"log-log"` is S^exp(±z·σ/log S), `"plain"` is S·(1 ± z·σ),
   * where σ² = Σ d/(n(n−d)) is Greenwood's variance of log S.
   */
  transform?: SurvivalTransform;
  /** Unit of the time column for labels, e.g. `"days"` (default: from {@link survivalTimes}). */
  unit?: string;
}

/** The names of {@link KaplanMeierOptions}. */
export const KAPLAN_MEIER_OPTIONS: readonly (keyof KaplanMeierOptions)[] = optionNames<
  KaplanMeierOptions
>()([
  "time",
  "event",
  "by",
  "missing",
  "confidence",
  "transform",
  "unit",
]);

/**
 * Kaplan–Meier estimate per group: one row per distinct time at which someone
 * had the event or was censored, `[by…], time, n_risk, n_event, n_censor,
 * survival, survival_low, survival_high, std_err`.
 *
 * S(t) = Π_{tᵢ ≤ t} (1 − dᵢ/nᵢ) with nᵢ at risk (time ≥ tᵢ: someone censored
 * at tᵢ still counts, so at tied times events come before censorings) and dᵢ
 * events. `std_err` is Greenwood's standard error of S, S·σ with
 * σ² = Σ dᵢ/(nᵢ(nᵢ − dᵢ)) (R's `summary(survfit)` std.err). The interval
 * follows R `survfit` for its `conf.type` (`survfit_confint`): bounds are
 * capped at 1 (log, plain) and 0 (plain); `log-log` has no interval where S = 1;
 * once S = 0 the standard error and interval are `null` (R: NaN/NA).
 * Rows with the same group are sorted by time; groups by their values.
 * Times are compared exactly (R's `timefix` also merges times that differ
 * only by rounding error; whole days from {@link survivalTimes} never do).
 * Rows with a missing `by` value are left out and counted in
 * `meta(result).notes.missingGroups` (`missing: "group"` keeps them as their
 * own group), as R's `survfit` drops `NA` strata.
 *
 * With `engine` (DuckDB, PostgreSQL, ClickHouse), a `{ engine, table }`
 * server table or a CSV/Parquet path, the counts are aggregated in the
 * engine (`survivalCounts`) and the same TypeScript finalizes them: it
 * resolves to the same table, with `meta(result).engine` (and, with
 * `explain: true`, the SQL in `meta(result).queries`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./kaplan_meier.ts";
 * import { duckdbEngine } from "../../engine/duckdb.ts";
 * import { meta } from "../../meta.ts";
 * // Four customers: churn at day 2, censored at day 2, churn at day 5, censored at day 9.
 * const t = aq.table({ time: [2, 2, 5, 9], event: [1, 0, 1, 0] });
 * const km = kaplanMeier(t);
 * assert.ok(km.get("survival", 0) === 0.75); // 1 − 1/4
 * assert.ok(km.get("survival", 1) === 0.375); // 0.75 · (1 − 1/2)
 * assert.ok(km.get("n_risk", 1) === 2 && km.numRows() === 3);
 * const engine = duckdbEngine();
 * const inEngine = await kaplanMeier(t, { engine, explain: true });
 * assert.deepEqual(inEngine.objects(), km.objects());
 * assert.ok(meta(inEngine).queries?.[0].sql.includes("GROUP BY 1"));
 * await engine.close();
 * ```
 */
export const kaplanMeier: EngineAnalysis<KaplanMeierOptions> = withEngine<
  KaplanMeierOptions
>({
  name: "kaplanMeier",
  options: KAPLAN_MEIER_OPTIONS,
  memory(input, options) {
    const table = pooled(input);
    const finalize = checkedFinalize(options);
    const columns = survivalColumns(table, options);
    return finalize(countSurvival(table, options), columns, survivalTimesUnit(input));
  },
  async sql(call, options) {
    const finalize = checkedFinalize(options);
    const { counts, columns } = await countsInEngine(call, options);
    return finalize(counts, columns, call.source.table && survivalTimesUnit(call.source.table));
  },
});

/** Checks the options of the finalize step (before any counting); returns it. */
function checkedFinalize(options: KaplanMeierOptions) {
  const { confidence = 0.95, transform = "log" } = options;
  checkConfidence(confidence);
  checkTransform(transform);
  return (counts: ColumnTable, columns: ResolvedColumns, unit: string | undefined) =>
    finalizeKaplanMeier(counts, {
      by: columns.by,
      confidence,
      transform,
      unit: options.unit ?? unit,
      columns: { time: columns.time, event: columns.event },
      missing: options.missing,
    });
}

/** Options of {@link finalizeKaplanMeier}. */
export interface FinalizeKaplanMeierOptions {
  /** Segment columns of the counts table. */
  by?: string[];
  /** Confidence level (default 0.95). */
  confidence?: number;
  /** Interval transform (default `"log"`). */
  transform?: SurvivalTransform;
  /** Time unit for labels. */
  unit?: string;
  /** Input column names, recorded in the metadata. */
  columns?: { time: string; event: string };
  /** Counts of groups with a missing `by` value: left out (`"drop"`, default) or kept (`"group"`). */
  missing?: MissingGroups;
}

/** The names of {@link FinalizeKaplanMeierOptions}. */
export const FINALIZE_KAPLAN_MEIER_OPTIONS = optionNames<FinalizeKaplanMeierOptions>()([
  "by",
  "confidence",
  "transform",
  "unit",
  "columns",
  "missing",
]);

/**
 * Finalize step: walks each group's risk set over the counts from
 * {@link survivalCounts} (or merged counts of several parts) and returns the
 * Kaplan–Meier table described in {@link kaplanMeier}; groups with a missing
 * `by` value are left out first unless `missing` is `"group"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { finalizeKaplanMeier } from "./kaplan_meier.ts";
 * const counts = aq.table({ time: [1, 4], n_event: [1, 1], n_censor: [0, 1] });
 * const km = finalizeKaplanMeier(counts);
 * assert.ok(km.get("n_risk", 1) === 2 && km.get("survival", 1) === 1/3);
 * ```
 */
export function finalizeKaplanMeier(
  counts: ColumnTable,
  options: FinalizeKaplanMeierOptions = {},
): ColumnTable {
  checkOptions("finalizeKaplanMeier", options, FINALIZE_KAPLAN_MEIER_OPTIONS);
  const { by = [], confidence = 0.95, transform = "log" } = options;
  checkConfidence(confidence);
  checkTransform(transform);
  const z = zFor(confidence);
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...by, ...KAPLAN_MEIER_COLUMNS].map((c) => [c, []]),
  );
  const kept = countsWithoutMissing(counts, by, options.missing);
  for (const group of countGroups(kept.counts, by)) {
    let atRisk = group.rows.reduce((s, r) => s + r.n_event + r.n_censor, 0);
    let survival = 1;
    let greenwood = 0;
    for (const { time, n_event: d, n_censor: c } of group.rows) {
      // R's survfitkm: S ← S·(n − d)/n; Greenwood term d/(n(n − d)), infinite once n = d.
      if (d > 0) {
        survival *= (atRisk - d) / atRisk;
        greenwood += atRisk > d ? d / (atRisk * (atRisk - d)) : Infinity;
      }
      const [low, high] = survivalInterval(survival, Math.sqrt(greenwood), transform, z);
      by.forEach((k, j) => out[k].push(group.key[j]));
      out.time.push(time);
      out.n_risk.push(atRisk);
      out.n_event.push(d);
      out.n_censor.push(c);
      out.survival.push(survival);
      out.survival_low.push(low);
      out.survival_high.push(high);
      out.std_err.push(survival > 0 ? survival * Math.sqrt(greenwood) : null);
      atRisk -= d + c;
    }
  }
  const result = aq.table(out);
  attachMeta(result, {
    kind: "survival",
    analysis: "kaplan-meier",
    by,
    confidence,
    transform,
    variance: "greenwood",
    columns: options.columns ?? { time: "time", event: "event" },
    unit: options.unit,
    ...(kept.notes.missingGroups ? { notes: kept.notes } : {}),
  });
  return result;
}

/**
 * R's `survfit_confint` for a probability `p` whose log has standard error
 * `se` (Greenwood σ): `[low, high]`, `null` where R gives NA.
 */
export function survivalInterval(
  p: number,
  se: number,
  transform: SurvivalTransform,
  z: number,
): [number | null, number | null] {
  if (transform === "plain") {
    const half = z * se * p;
    if (!Number.isFinite(half)) return [null, null];
    return [Math.max(p - half, 0), Math.min(p + half, 1)];
  }
  if (transform === "log") {
    if (p === 0 || !Number.isFinite(se)) return [null, null];
    return [Math.exp(Math.log(p) - z * se), Math.min(Math.exp(Math.log(p) + z * se), 1)];
  }
  if (p === 0 || p === 1 || !Number.isFinite(se)) return [null, null];
  const shift = z * se / Math.log(p);
  const loglog = Math.log(-Math.log(p));
  return [Math.exp(-Math.exp(loglog - shift)), Math.exp(-Math.exp(loglog + shift))];
}

/** Records metadata for a survival result table (used by the other survival modules). */
export function setSurvivalMeta(result: ColumnTable, meta: SurvivalMeta): void {
  attachMeta(result, { kind: "survival", ...meta });
}

/** Throws a `CxOptionsError` unless `transform` is one of the supported transforms. */
export function checkTransform(transform: unknown): asserts transform is SurvivalTransform {
  if (!["log", "log-log", "plain"].includes(transform as string)) {
    throw new CxOptionsError(
      `Option "transform" must be "log", "log-log" or "plain", got ${JSON.stringify(transform)}`,
    );
  }
}

/**
 * The `by` columns of a Kaplan–Meier table: from its metadata, else every
 * column that is not a Kaplan–Meier column. Throws a `CxOptionsError` when
 * the table is not a Kaplan–Meier result.
 */
export function kmGroupColumns(km: ColumnTable): string[] {
  const names = km.columnNames();
  const missing = KAPLAN_MEIER_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length || km.numRows() === 0) {
    throw new CxOptionsError(
      `Expected a result of kaplanMeier() with rows; ${
        missing.length ? `missing columns ${missing.join(", ")}` : "the table is empty"
      }`,
    );
  }
  return metaOf(km, "survival")?.by ??
    names.filter((c) => !(KAPLAN_MEIER_COLUMNS as readonly string[]).includes(c));
}
