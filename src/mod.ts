/**
 * cxkit: customer-experience analytics for Deno scripts and Jupyter notebooks.
 *
 * Load survey answers, tickets, customers and events through validated
 * loaders, compute KPIs as tidy Arquero tables, and draw them with
 * Observable Plot.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "./mod.ts";
 * const { table, rejects } = await readCsv("response_id,date,nps_score\nr1,2024-01-05,9\n", {
 *   schema: "responses",
 * });
 * assert.ok(table.numRows() === 1 && rejects.numRows() === 0);
 * ```
 *
 * This entry is the analyst API. Plumbing lives in sub-entries: `./engine` (SQL compile and
 * pushdown primitives), `./report` (site, PDF and notebook execution), `./io` (parsers and schema
 * helpers), `./stats` (statistical, text and calendar building blocks) and `./danfo`.
 *
 * @module
 */

// flechette is Arquero's Arrow library. deno.json's import map pins it to 2.6.0, and npm resolution
// then gives Arquero that version instead of 2.7.0 (whose dependency 404s on npm). This is the one
// bare import that names the pin; no other module needs it.
import "@uwdata/flechette";

// errors
export { CxDataError, CxEngineError, CxError, CxOptionsError, CxSchemaError } from "./errors.ts";
export type { CxProblem, EngineFailure, EngineFailureDetails } from "./errors.ts";

// schemas
export type { ColumnKind, ColumnSpec, RowCheck, RowIssue, RowSchema } from "./schema/fields.ts";
export { responsesSchema } from "./schema/responses.ts";
export type { Response, ResponseScales } from "./schema/responses.ts";
export type { CesScale, CsatScale, NpsCategory } from "./schema/scales.ts";
export { NPS_CATEGORIES, npsCategory } from "./schema/scales.ts";
export { ticketsSchema } from "./schema/tickets.ts";
export type { Ticket } from "./schema/tickets.ts";
export { customersSchema } from "./schema/customers.ts";
export type { Customer } from "./schema/customers.ts";
export { eventsSchema } from "./schema/events.ts";
export type { CxEvent } from "./schema/events.ts";
export type { CanonicalName, SchemaInput } from "./schema/canonical.ts";

// loading and writing
export { readCsv, writeCsv } from "./io/csv.ts";
export type {
  CsvLoadResult,
  CsvSummary,
  ReadCsvOptions,
  WriteCsvOptions,
  WriteCsvResult,
} from "./io/csv.ts";
export { readJson, writeJson } from "./io/json.ts";
export type { DateUnit, ReadJsonOptions } from "./io/json.ts";
export { validate } from "./io/validate.ts";
export type { LoadResult, LoadSummary, ValidateOptions } from "./io/validate.ts";
export type { SlashOrder } from "./io/parse.ts";
export type { WallTimeShift } from "./time/zone.ts";
export type { DateFormat, Decimal } from "./io/parse.ts";
export type { Encoding } from "./io/text.ts";
export type { QuoteMode } from "./io/csv_tokenize.ts";
export type { Source } from "./io/source.ts";

// charts
export { renderSvg } from "./charts/render.ts";
export type { ChartSpec } from "./charts/render.ts";
export { display, showTable } from "./charts/display.ts";
export type { Displayable, MediaBundle, ShowTableOptions } from "./charts/display.ts";
export { scoreDistributionChart } from "./charts/scores.ts";
export type { ScoreDistributionOptions } from "./charts/scores.ts";
export { show } from "./charts/display.ts";
export type { ChartLang, ChartLocaleOptions } from "./charts/locale.ts";
export { churnChart } from "./charts/churn.ts";
export type { ChurnChartOptions } from "./charts/churn.ts";
export { themeChart } from "./charts/themes.ts";
export type { ThemeChartOptions } from "./charts/themes.ts";
export { rfmChart } from "./charts/rfm.ts";
export type { RfmChartOptions } from "./charts/rfm.ts";
export { ticketVolumeChart } from "./charts/volume.ts";
export type { TicketVolumeOptions } from "./charts/volume.ts";

// KPIs
export type { KpiInput, KpiMeta } from "./metrics/groups.ts";
export type { Aggregate, KpiOptions, MissingGroups, WeightOptions } from "./base/plan.ts";
export { nps, NPS_COLUMNS, npsCompare } from "./metrics/nps.ts";
export type { NpsCompareOptions, NpsCounts, NpsMethod, NpsOptions } from "./metrics/nps.ts";
export { csat, CSAT_COLUMNS } from "./metrics/csat.ts";
export type { CsatOptions } from "./metrics/csat.ts";
export { ces, CES_COLUMNS } from "./metrics/ces.ts";
export type { CesOptions } from "./metrics/ces.ts";
export { compareToBenchmark } from "./metrics/benchmark.ts";
export type { BenchmarkOptions } from "./metrics/benchmark.ts";
export type { Period } from "./time/period.ts";
export { kpiCards, kpiSegmentChart, npsMixChart } from "./charts/kpi.ts";
export type {
  KpiCardOptions,
  KpiSegmentMarks,
  KpiSegmentOptions,
  NpsMixOptions,
} from "./charts/kpi.ts";

// notebooks

// service KPIs
export {
  FCR_COLUMNS,
  firstContactResolution,
  firstResponseTime,
  FRT_COLUMNS,
  RESOLUTION_COLUMNS,
  resolutionTime,
} from "./metrics/service.ts";
export type { DurationUnit, MedianMethod, ServiceTimeOptions } from "./metrics/service.ts";
export type { BusinessHours } from "./time/business_hours.ts";
export { GERMAN_STATES, germanHolidays } from "./time/holidays.ts";
export type { GermanHolidaysOptions, GermanState, Holiday } from "./time/holidays.ts";

// customer KPIs
export {
  CHURN_COLUMNS,
  churnRate,
  CUSTOMER_COUNT_COLUMNS,
  RETENTION_COLUMNS,
  retentionRate,
} from "./metrics/churn.ts";
export type { ChurnOptions } from "./metrics/churn.ts";
export { REFERRAL_COLUMNS, referralRate } from "./metrics/referral.ts";
export type { ReferralOptions } from "./metrics/referral.ts";
export { CLV_COLUMNS, historicClv } from "./metrics/clv.ts";
export type { ClvOptions } from "./metrics/clv.ts";

// survival
export { meta } from "./meta.ts";
export type { MetaKind, MetaKinds, MetaOf, ResultMeta } from "./meta.ts";
export { KAPLAN_MEIER_COLUMNS, kaplanMeier } from "./analysis/survival/kaplan_meier.ts";
export type {
  KaplanMeierOptions,
  SurvivalMeta,
  SurvivalTransform,
} from "./analysis/survival/kaplan_meier.ts";
export type { MissingGroupOption, SurvivalColumns } from "./analysis/survival/columns.ts";
export { medianSurvival } from "./analysis/survival/median.ts";
export { atRisk, rmst, survivalAt } from "./analysis/survival/summary.ts";
export type { AtTimesOptions, RmstOptions } from "./analysis/survival/summary.ts";
export { logRank } from "./analysis/survival/logrank.ts";
export type { LogRankMeta, LogRankOptions } from "./analysis/survival/logrank.ts";
export {
  CUMULATIVE_INCIDENCE_COLUMNS,
  cumulativeIncidence,
} from "./analysis/survival/competing.ts";
export type { CumulativeIncidenceOptions } from "./analysis/survival/competing.ts";
export { survivalTimes } from "./analysis/survival/times.ts";
export type { SurvivalTimesOptions, SurvivalUnit } from "./analysis/survival/times.ts";
export { atRiskChart, atRiskTable, kaplanMeierChart } from "./charts/survival.ts";
export type { AtRiskChartOptions, KaplanMeierChartOptions } from "./charts/survival.ts";

// engines
export { explainSql } from "./metrics/score_sql.ts";
export type { SqlEngine, TableRef } from "./engine/engine.ts";
export { duckdbEngine } from "./engine/duckdb.ts";
export type { DuckdbConnection, DuckdbEngine, DuckdbEngineOptions } from "./engine/duckdb.ts";
export type { EngineTimeouts, UploadProgress } from "./engine/deadline.ts";
export type { CallOptions } from "./engine/engine.ts";
export { postgresEngine } from "./engine/postgres.ts";
export type { PostgresEngineOptions } from "./engine/postgres.ts";
export { clickhouseEngine } from "./engine/clickhouse.ts";
export type {
  ClickhouseEngine,
  ClickhouseEngineOptions,
  ExecOptions,
} from "./engine/clickhouse.ts";
export { readParquet, writeParquet } from "./io/parquet.ts";
export type { WriteParquetOptions } from "./io/parquet.ts";
export type { PiiKind, PiiLanguage, RedactOption } from "./privacy/pii.ts";

// report
export { notebookParams } from "./report/params.ts";
export type { NotebookParamName, NotebookParams } from "./report/params.ts";
export type { Lang } from "./report/format.ts";

// segments and trends
export { segment, SEGMENT_COLUMNS } from "./analysis/segment/segment.ts";
export type { SegmentOptions } from "./analysis/segment/segment.ts";
export type { AnalysisKpi, KpiScoreOptions } from "./analysis/segment/kinds.ts";
export { rfm, RFM_COLUMNS, RFM_SEGMENTS } from "./analysis/segment/rfm.ts";
export type { RfmOptions, RfmSegment } from "./analysis/segment/rfm.ts";
export { trend, TREND_COLUMNS } from "./analysis/trend.ts";
export type { TrendCompare, TrendOptions } from "./analysis/trend.ts";
export { commentThemes, THEME_COLUMNS } from "./analysis/themes.ts";
export type { CommentLanguage, CommentThemeOptions } from "./analysis/themes.ts";
// open text (the functions are in ./text; result columns stay in front)
export { COMMENT_DRIVER_COLUMNS } from "./text/comment_drivers.ts";
export { SENTIMENT_COLUMNS, SENTIMENT_SCORE_COLUMNS } from "./text/sentiment.ts";
export { adjustPValues } from "./stats/multiple.ts";
export type { AdjustPValuesOptions, Correction } from "./stats/multiple.ts";
export { segmentChart } from "./charts/segment.ts";
export type { SegmentChartOptions } from "./charts/segment.ts";
export { trendChart } from "./charts/trend.ts";
export type { TrendChartOptions } from "./charts/trend.ts";

// correlations and drivers
export type { GroupedOptions, NoEngineOption } from "./analysis/numeric.ts";
export { correlate } from "./analysis/correlate/correlate.ts";
export type { CorrelateMeta, CorrelationMethod } from "./analysis/correlate/correlate.ts";
export { CORRELATION_COLUMNS } from "./analysis/correlate/options.ts";
export type { CorrelateOptions } from "./analysis/correlate/options.ts";
export { correlateMetrics, joinMetrics } from "./analysis/correlate/metrics.ts";
export type {
  CorrelateMetricsOptions,
  JoinMetricsOptions,
  MetricSide,
  MetricStat,
} from "./analysis/correlate/metrics.ts";
export { keyDrivers } from "./analysis/drivers/drivers.ts";
export type { DriverMethod, KeyDriversMeta } from "./analysis/drivers/drivers.ts";
export { KEY_DRIVER_COLUMNS } from "./analysis/drivers/options.ts";
export type { DriverBootstrap, KeyDriversOptions } from "./analysis/drivers/options.ts";
export {
  IMPORTANCE_PERFORMANCE_COLUMNS,
  importancePerformance,
} from "./analysis/drivers/importance.ts";
export type { ImportancePerformanceOptions, Quadrant } from "./analysis/drivers/importance.ts";
export { driverChart, quadrantChart } from "./charts/drivers.ts";
export type { DriverChartOptions, QuadrantChartOptions } from "./charts/drivers.ts";
export { correlationHeatmap } from "./charts/correlation.ts";
export type { CorrelationHeatmapOptions } from "./charts/correlation.ts";

// cohorts
export { cohortRetention } from "./analysis/cohort/retention.ts";
export { COHORT_RETENTION_COLUMNS, REVENUE_RETENTION_COLUMNS } from "./analysis/cohort/options.ts";
export type {
  CohortRetentionOptions,
  RetentionMode,
  RetentionWindow,
} from "./analysis/cohort/options.ts";
export type { CohortAnalysis, CohortMeta } from "./analysis/cohort/meta.ts";
export type { CohortPeriod } from "./analysis/cohort/periods.ts";
export {
  POOLED_RETENTION_COLUMNS,
  pooledRetention,
  retentionByCohort,
} from "./analysis/cohort/summaries.ts";
export type {
  PooledRetentionOptions,
  RetentionByCohortOptions,
} from "./analysis/cohort/summaries.ts";
export { COHORT_CHURN_COLUMNS, cohortChurn } from "./analysis/cohort/churn.ts";
export type { CohortChurnOptions } from "./analysis/cohort/churn.ts";
export { retentionCurves, retentionHeatmap } from "./charts/cohort.ts";
export type { RetentionCurvesOptions, RetentionHeatmapOptions } from "./charts/cohort.ts";

// score outcomes
export { scoreOutcomes } from "./analysis/outcomes/outcomes.ts";
export type {
  ScoreOutcomes,
  ScoreOutcomesMethod,
  ScoreOutcomesNotes,
  ScoreOutcomesOptions,
} from "./analysis/outcomes/outcomes.ts";
export { scoreOutcomeChart } from "./charts/outcomes.ts";
export type { ScoreOutcomeChartOptions } from "./charts/outcomes.ts";
// journeys: paths, transitions, attribution, touchpoint outcomes
export { stackTouchpoints } from "./analysis/journey/touchpoints.ts";
export type { StackTouchpointsOptions, TouchpointSources } from "./analysis/journey/touchpoints.ts";
export { journeyPaths, PATH_COLUMNS } from "./analysis/journey/paths.ts";
export type { PathOptions } from "./analysis/journey/paths.ts";
export { TRANSITION_COLUMNS, transitions } from "./analysis/journey/transitions.ts";
export type { TransitionOptions } from "./analysis/journey/transitions.ts";
export { attribution, ATTRIBUTION_COLUMNS } from "./analysis/journey/attribution.ts";
export type { AttributionModel, AttributionOptions } from "./analysis/journey/attribution.ts";
export { touchpointOutcomes } from "./analysis/journey/outcomes_nps.ts";
export type { TouchpointOutcomesOptions } from "./analysis/journey/outcomes_nps.ts";
export { touchpointChurn } from "./analysis/journey/outcomes_churn.ts";
export type { ChurnSplit, TouchpointChurnOptions } from "./analysis/journey/outcomes_churn.ts";
export type { JourneyAnalysis, JourneyMeta, TextMeta } from "./meta.ts";
export type { JourneyColumns } from "./analysis/journey/events.ts";
export { transitionChart } from "./charts/journey_paths.ts";
export type { TransitionChartOptions } from "./charts/journey_paths.ts";
export { attributionChart } from "./charts/journey_attribution.ts";
export type { AttributionChartOptions } from "./charts/journey_attribution.ts";
// journeys: funnels
export { funnel, FUNNEL_COLUMNS } from "./analysis/journey/funnel.ts";
export type { FunnelOptions } from "./analysis/journey/funnel.ts";
export type { FunnelMeta } from "./meta.ts";
export { funnelChart } from "./charts/journey_funnel.ts";
export type { FunnelChartOptions } from "./charts/journey_funnel.ts";
// fast paths
export { readLargeCsv } from "./io/csv_large.ts";
export type {
  DuckdbCsvLoadResult,
  LargeCsvLoadResult,
  LoadProgress,
  ReadLargeCsvOptions,
} from "./io/csv_large.ts";
// cohort pushdown
export type { SqlMeta } from "./engine/source.ts";
// types the public signatures above name (deno doc --lint)
export type { EngineAnalysis, EngineOptions } from "./engine/dispatch.ts";
export type { ColumnInfo, OpenRelation, Source as EngineSource } from "./engine/engine.ts";
export type { DateKind, Relation } from "./engine/compile/types.ts";
export type { LoadType } from "./engine/load.ts";
export type { TableInput } from "./base/input.ts";
export type { AggregateHook, AggregateRequest, GroupPlan } from "./base/plan.ts";
export type { CompiledSql, CoxMeta, Dialect, PredictMeta } from "./meta.ts";
export { jupyterDisplay } from "./charts/display.ts";
