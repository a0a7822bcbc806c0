/**
 * The metadata every cxkit result carries (how it was computed, what to tell
 * a reader), kept in one store beside the result table and read with
 * {@link meta}.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "./errors.ts";
import type { Period } from "./time/period.ts";

/** Interval transform of survival curves. */
export type SurvivalTransform = "log" | "log-log" | "plain";
/** Correlation methods. */
export type CorrelationMethod = "pearson" | "spearman" | "kendall";
/** Key-driver methods. */
export type DriverMethod = "relative-weights" | "shapley";
/** Cohort period lengths. */
export type CohortPeriod = "day" | "week" | "month" | "quarter";
/** Which cohort analysis made a result. */
export type CohortAnalysis =
  | "cohortRetention"
  | "pooledRetention"
  | "retentionByCohort"
  | "cohortChurn";
/** SQL dialects the engines speak. */
export type Dialect = "duckdb" | "postgres" | "clickhouse";

/** Compiled SQL with its bound values. */
export interface CompiledSql {
  /** Dialect the text is written in. */
  dialect: Dialect;
  /** The statement; placeholders `$1…` (DuckDB, PostgreSQL) or escaped literals (ClickHouse). */
  sql: string;
  /** Values of the placeholders, in order (empty for ClickHouse). */
  params: (string | number)[];
  /** Output column of each segment column: `by[i]` comes back as `keys[i]`. */
  keys: string[];
  /** Output column of each measure, in the description's order. */
  measures: string[];
  /** Output column of the period label, when the description has a period. */
  period?: string;
}

/** What a KPI result records about how it was computed. */
export interface KpiMeta {
  /** Which KPI. */
  kpi: string;
  /** Interval method(s) used. */
  method: string;
  /** Confidence level. */
  confidence: number;
  /** Time zone periods were cut in. */
  timeZone: string;
  /** Period length, if any. */
  period?: Period;
  /** Segment columns. */
  by: string[];
  /** Small-sample threshold. */
  minN: number;
  /** Anything else worth stating (scale, direction, thresholds). */
  notes: Record<string, unknown>;
}

/** How a survival result was computed; read it with {@link meta}. */
export interface SurvivalMeta {
  /** Which analysis made the table. */
  analysis: "kaplan-meier" | "cumulative-incidence";
  /** Segment columns. */
  by: string[];
  /** Confidence level of the intervals. */
  confidence: number;
  /** Interval transform. */
  transform: SurvivalTransform;
  /** Variance method. */
  variance: string;
  /** Time and event (or status) columns of the input. */
  columns: { time: string; event: string };
  /** Time unit, when known. */
  unit?: string;
  /** What else the result should say, e.g. `missing`: rows left out for a missing `by` value. */
  notes?: Record<string, string>;
}

/** How a log-rank result was made; read it with {@link meta}. */
export interface LogRankMeta {
  /** Group columns. */
  by: string[];
  /** Whether each pair was tested. */
  pairwise: boolean;
  /** What else the result should say, e.g. `missing`: rows left out for a missing `by` value. */
  notes: Record<string, string>;
}

/** How a `correlate` result was computed. */
export interface CorrelateMeta {
  /** Methods, in output order. */
  methods: CorrelationMethod[];
  /** Confidence level of the intervals. */
  confidence: number;
  /** Segment columns. */
  by: string[];
  /** Variables in first-seen order (x columns, then `against`). */
  variables: string[];
  /** The `against` columns when the result is a rectangle (columns × against), else `null`. */
  against: string[] | null;
  /** How missing values and intervals were handled, per method. */
  notes: Record<string, string>;
}

/** How a `keyDrivers` result was computed. */
export interface KeyDriversMeta {
  /** Outcome column. */
  outcome: string;
  /** Driver columns, in the order given. */
  drivers: string[];
  /** Methods, in output order. */
  methods: DriverMethod[];
  /** Segment columns. */
  by: string[];
  /** Bootstrap settings and how many resamples could not be analysed, or `null`. */
  bootstrap: { resamples: number; seed: number; confidence: number; failed: number } | null;
  /** Missing-value rule and formulas. */
  notes: Record<string, string>;
}

/** How a cohort result was computed, and what the reader should know about it. */
export interface CohortMeta {
  /** The function that made the result. */
  analysis: CohortAnalysis;
  /** Interval method (`"wilson"`). */
  method: string;
  /** Confidence level of the intervals. */
  confidence: number;
  /** Time zone calendar periods were cut in. */
  timeZone: string;
  /** Period length (`undefined` when summarising a table whose metadata was lost). */
  period?: CohortPeriod;
  /** `"calendar"` periods or per-customer `"rolling"` windows. */
  window: "calendar" | "rolling";
  /** `"exact"` (active in period k) or `"unbounded"` (in k or later); retention only. */
  mode?: "exact" | "unbounded";
  /** What starts a customer's clock: first activity or signup (`undefined` if unknown). */
  anchor?: "first_activity" | "signup";
  /** Segment columns. */
  by: string[];
  /** Last observed day (inclusive; `undefined` if unknown). */
  observedUntil?: Date;
  /** First unobserved instant: the start of the local day after `observedUntil`. */
  cutoff?: Date;
  /**
   * Things that can mislead a reader of this result (mixed complete and
   * incomplete cohorts, customers changing segment, …); empty when none.
   */
  warnings: string[];
  /** Definitions and counts worth stating in a report. */
  notes: Record<string, unknown>;
}

/** Which journey analysis made a result. */
export type JourneyAnalysis =
  | "paths"
  | "transitions"
  | "attribution"
  | "touchpointOutcomes"
  | "touchpointChurn";

/** How a journey result (`journeyPaths`, `transitions`, `attribution`, `touchpointOutcomes`, `touchpointChurn`) was computed. */
export interface JourneyMeta {
  /** The function that made the result. */
  analysis: JourneyAnalysis;
  /** The options used, defaults filled in (engine options left out). */
  options: Record<string, unknown>;
  /** Definitions and counts worth stating in a report (rows left out, reserved labels, …). */
  notes: Record<string, unknown>;
}

/** How an open-text result (`commentDrivers`, `sentimentScores`) was computed. */
export interface TextMeta {
  /** The function that made the result. */
  analysis: "commentDrivers" | "sentimentScores";
  /** The options used, defaults filled in. */
  options: Record<string, unknown>;
  /** The labels of the two groups compared (a: positive log-odds; `commentDrivers` only). */
  groups?: { a: string; b: string };
  /** Definitions and counts worth stating (prior, correction, comments per group). */
  notes: Record<string, unknown>;
}

/** How a `funnel` result was computed; read it with {@link meta}. */
export interface FunnelMeta {
  /** The funnel's steps, in order. */
  steps: string[];
  /** Length of the conversion window, in days from the first step. */
  windowDays: number;
  /** `"strict"`: steps in the given order; `"any"`: after the first step, in any order. */
  order: "strict" | "any";
  /** Segment columns. */
  by: string[];
  /** Confidence level of the intervals. */
  confidence: number;
  /** Small-sample threshold. */
  minN: number;
  /** End of observation: customers whose window runs past it are censored. */
  observedUntil: Date | null;
  /** Methods (interval, time to convert, segment test and correction) and rows left out. */
  notes: Record<string, string>;
}

/** How a customer-base result (`customerSummary`, `customerValue`) was computed. */
export interface PredictMeta {
  /** The function that made the result. */
  analysis: "customerSummary" | "customerValue";
  /** The options used, defaults filled in (engine options left out). */
  options: Record<string, unknown>;
  /** Conventions, methods and counts worth stating in a report (rows left out, …). */
  notes: Record<string, unknown>;
}

/** How a table of a Cox model (`coxPh`) was made; read it with {@link meta}. */
export interface CoxMeta {
  /** Which table of the model. */
  table: "coefficients" | "tests" | "survival" | "proportionalHazards";
  /** Tie handling of the fit. */
  ties: "efron" | "breslow";
  /** Confidence level of the intervals. */
  confidence: number;
  /** The model's columns: time, event, covariates and strata. */
  columns: { time: string; event: string; covariates: string[]; strata: string[] };
  /** Rows fitted and events among them. */
  n: number;
  /** Events among the rows fitted. */
  events: number;
  /** Rows left out, reference levels, method notes. */
  notes: Record<string, string>;
}

/** How a pushed-down analysis result was computed; read it with {@link meta}. */
export interface SqlMeta {
  /** The engine's name. */
  engine: string;
  /** The statements run, in order (recorded with `explain: true`, else empty). */
  queries: CompiledSql[];
}

/** The metadata of each kind of result, by `kind`. */
export interface MetaKinds {
  /** KPI results (`nps`, `csat`, `segment`, `trend`, …). */
  kpi: KpiMeta;
  /** `kaplanMeier`, `cumulativeIncidence` (in memory or in an engine). */
  survival: SurvivalMeta;
  /** `logRank` (in memory or in an engine). */
  logRank: LogRankMeta;
  /** `correlate`, `correlateMetrics`. */
  correlate: CorrelateMeta;
  /** `keyDrivers`. */
  keyDrivers: KeyDriversMeta;
  /** Cohort retention and churn. */
  cohort: CohortMeta;
  /** Journey paths, transitions, attribution and touchpoint outcomes. */
  journey: JourneyMeta;
  /** Open-text analyses (`commentDrivers`). */
  text: TextMeta;
  /** `funnel`. */
  funnel: FunnelMeta;
  /** `customerSummary`, `customerValue`. */
  predict: PredictMeta;
  /** The tables of a Cox model (`coxPh`). */
  cox: CoxMeta;
  /** Tables an engine computed that are no analysis result of their own (`survivalCounts`). */
  sql: SqlMeta;
}

/** Which kind of result a table is. */
export type MetaKind = keyof MetaKinds;

/** The metadata of one kind, with its `kind` and, for engine results, the engine and SQL. */
export type MetaOf<K extends MetaKind> = K extends MetaKind
  ? MetaKinds[K] & { kind: K } & Partial<SqlMeta>
  : never;

/** The metadata of any result: a union discriminated by `kind`. */
export type ResultMeta = MetaOf<MetaKind>;

const STORE = new WeakMap<ColumnTable, ResultMeta>();

/**
 * How a result was made: its `kind` (`"kpi"`, `"survival"`, `"logRank"`,
 * `"correlate"`, `"keyDrivers"`, `"cohort"`, or `"sql"` for engine tables
 * that are no analysis of their own) with that kind's fields (method,
 * confidence, options, `notes`, …), and `engine` and `queries` (the SQL,
 * recorded with `explain: true`) when an engine computed it. Narrow on
 * `kind`, or name the kind you know as a type argument: `meta<"kpi">(r)`.
 *
 * Arquero verbs (`filter`, `select`, `derive`, `orderby`, …) return new
 * tables that carry no metadata: `meta` then throws a `CxOptionsError`. Call
 * it on the result itself, before any verb.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { meta, nps } from "./mod.ts";
 * const result = nps(aq.table({ nps_score: [10, 9, 3, 8] }));
 * const m = meta(result);
 * assert.equal(m.kind, "kpi");
 * if (m.kind === "kpi") assert.equal(m.kpi, "nps");
 * assert.throws(() => meta(result.filter(() => true)), /carries no cxkit metadata/);
 * ```
 */
export function meta<K extends MetaKind = MetaKind>(result: ColumnTable): MetaOf<K> {
  const found = STORE.get(result);
  if (!found) {
    throw new CxOptionsError(
      "meta: this table carries no cxkit metadata; call meta on the result itself, before Arquero verbs",
    );
  }
  return found as MetaOf<K>;
}

/**
 * The metadata of `table` when it is of `kind`, else `undefined` (for the
 * charts and reports, which also draw tables without metadata).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { attachMeta, metaOf } from "./meta.ts";
 * const t = attachMeta(aq.table({ a: [1] }), { kind: "sql", engine: "duckdb", queries: [] });
 * assert.equal(metaOf(t, "sql")?.engine, "duckdb");
 * assert.equal(metaOf(t, "kpi"), undefined);
 * ```
 */
export function metaOf<K extends MetaKind>(table: ColumnTable, kind: K): MetaOf<K> | undefined {
  const found = STORE.get(table);
  return found?.kind === kind ? found as MetaOf<K> : undefined;
}

/**
 * Records `meta` as the metadata of `table` (the one store every producer
 * uses) and returns the table. An engine's part (`engine`, `queries`) given
 * with kind `"sql"` is added to metadata already there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { attachMeta, meta } from "./meta.ts";
 * const t = attachMeta(aq.table({ a: [1] }), { kind: "logRank", by: ["g"], pairwise: false, notes: {} });
 * attachMeta(t, { kind: "sql", engine: "duckdb", queries: [] });
 * assert.deepEqual(meta(t), { kind: "logRank", by: ["g"], pairwise: false, notes: {}, engine: "duckdb", queries: [] });
 * ```
 */
export function attachMeta(table: ColumnTable, meta: ResultMeta): ColumnTable {
  const found = STORE.get(table);
  STORE.set(
    table,
    found && meta.kind === "sql" ? { ...found, ...meta, kind: found.kind } as ResultMeta : meta,
  );
  return table;
}
