/**
 * What every report section receives: the loaded files pooled into one table
 * per canonical schema and filtered (date range, column = value), the
 * formatter and labels of the report language, and the analysis options.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import * as aq from "arquero";
import { CxOptionsError } from "../errors.ts";
import { pooled } from "../metrics/groups.ts";
import type { CanonicalName } from "../schema/canonical.ts";
import type { CesScale, CsatScale } from "../schema/scales.ts";
import { type Period, periodFn } from "../time/period.ts";
import type { ReportFormat } from "./format.ts";
import type { Labels } from "./i18n.ts";
import { isTouchpointFile, type LoadedFile } from "./load_dir.ts";
import { checkOptions, optionNames } from "../options.ts";
import { WEIGHT_COLUMN } from "../base/plan.ts";
import type { PrivacyLog } from "./privacy.ts";

/**
 * One pooled table per canonical schema (absent when no file had it), and
 * `touchpoints`: the events files named `touchpoints…`, kept apart from the
 * activity events.
 */
export type ReportTables = Partial<Record<CanonicalName | "touchpoints", ColumnTable>>;

/** Row filters of a report. */
export interface ReportFilters {
  /** First day kept, `YYYY-MM-DD` (in the report's time zone), inclusive. */
  from?: string;
  /** Last day kept, `YYYY-MM-DD`, inclusive. */
  to?: string;
  /** Keep rows whose column equals the value (as text), in every table that has the column. */
  where?: Record<string, string>;
}

/** Options of {@link reportTables}: the filters and the time zone their days are in. */
export interface ReportTablesOptions extends ReportFilters {
  /** IANA time zone of the `from`/`to` days (default `"UTC"`). */
  timeZone?: string;
}

/** The names of {@link ReportTablesOptions}. */
export const REPORT_TABLES_OPTIONS = optionNames<ReportTablesOptions>()([
  "from",
  "to",
  "where",
  "timeZone",
]);

/** Everything a section builder gets. */
export interface SectionContext {
  /** Pooled, filtered tables. */
  tables: ReportTables;
  /** The files as loaded (for the data-quality section). */
  files: LoadedFile[];
  /** Number and date formatting. */
  format: ReportFormat;
  /** Words. */
  labels: Labels;
  /** Column to break results down by (e.g. `channel`). */
  segment: string;
  /** Period length of time series. */
  period: Period;
  /** IANA zone periods are cut in. */
  timeZone: string;
  /** Confidence level of intervals. */
  confidence: number;
  /** Groups with fewer observations are flagged as small samples. */
  minN: number;
  /** Fewest complete answers (outcome and every rating) the driver analysis is fitted on. */
  driverMinN: number;
  /** CSAT scale (5, 7 or 10). */
  csatScale: CsatScale;
  /** CES scale (5 or 7). */
  cesScale: CesScale;
  /** The filters applied (echoed on the overview). */
  filters: ReportFilters;
  /**
   * What the privacy step dropped, hashed and redacted, the smallest group
   * shown (`minGroupSize`), and the groups sections suppressed (they add to
   * `suppressed`).
   */
  privacy: PrivacyLog;
  /** Display names of columns (`cxkit.json` → `labels`), e.g. `{ channel: "Kanal" }`. */
  columnLabels?: Record<string, string>;
}

/**
 * How the report names a column: its label from `cxkit.json` → `labels`,
 * else the column's own name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { columnLabel } from "./context.ts";
 * const ctx = { columnLabels: { channel: "Kanal" } };
 * assert.deepEqual([columnLabel(ctx, "channel"), columnLabel(ctx, "region")], ["Kanal", "region"]);
 * ```
 */
export function columnLabel(ctx: Pick<SectionContext, "columnLabels">, column: string): string {
  return Object.hasOwn(ctx.columnLabels ?? {}, column) ? ctx.columnLabels![column] : column;
}

/** One section of the report: its own page, and its findings for the overview. */
export interface Section {
  /** Page name without `.html` (`kpis`, `service`, …). */
  id: string;
  /** Heading and navigation label. */
  title: string;
  /** Finding sentences generated from the results (plain text). */
  findings: string[];
  /** Page body below the heading (safe HTML). */
  body: string;
  /** Why the section shows nothing (missing data), for the console; absent when it has results. */
  skipped?: string;
}

/** The date column each table's date filter applies to (customers are not cut by date). */
export const DATE_COLUMN: Record<keyof ReportTables, string | null> = {
  responses: "date",
  tickets: "created_at",
  events: "date",
  customers: null,
  touchpoints: "date",
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The answers of every responses file, each with survey weights when any
 * file has them: a file without a `weight` column gets weight 1 per answer,
 * said in its warnings (the score KPIs weight by that column by default).
 */
function weighEvery(files: LoadedFile[]): ColumnTable[] {
  const has = (f: LoadedFile) => f.result!.table.columnNames().includes(WEIGHT_COLUMN);
  const weighted = files.filter(has).map((f) => f.file);
  return files.map((f) => {
    const { table, summary } = f.result!;
    if (weighted.length === 0 || has(f)) return table;
    const warning = `${f.file} has no ${WEIGHT_COLUMN} column while ${
      weighted.join(", ")
    } has survey weights: its answers weigh 1 in the pooled, weighted KPIs`;
    if (!summary.warnings.includes(warning)) summary.warnings.push(warning);
    return table.assign({ [WEIGHT_COLUMN]: new Array(table.numRows()).fill(1) });
  });
}

/**
 * Pools the loaded files per schema (every column of every file kept; a
 * responses file without survey weights weighs 1 per answer when another
 * has them, with a warning) and
 * applies the filters: days `from`–`to` on each table's date column
 * (customers are not cut by date), `where` on every table that has the
 * column. Returns the tables and, per `where` column, the tables it could not
 * apply to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "../io/csv.ts";
 * import { reportTables } from "./context.ts";
 * const csv = "response_id,date,nps_score,channel\nr1,2024-01-05,9,chat\nr2,2024-02-06,3,phone\n";
 * const result = await readCsv(csv, { schema: "responses" });
 * const { tables, notFiltered } = reportTables(
 *   [{ file: "a.csv", schema: "responses", result }],
 *   { from: "2024-02-01", where: { channel: "phone", region: "north" }, timeZone: "UTC" },
 * );
 * assert.equal(tables.responses!.numRows(), 1);
 * assert.deepEqual(notFiltered, { region: ["responses"] });
 * ```
 */
export function reportTables(
  files: LoadedFile[],
  options: ReportTablesOptions = {},
): { tables: ReportTables; notFiltered: Record<string, (keyof ReportTables)[]> } {
  checkOptions("reportTables", options, REPORT_TABLES_OPTIONS);
  const { timeZone = "UTC", ...filters } = options;
  for (const [option, day] of [["from", filters.from], ["to", filters.to]] as const) {
    if (day !== undefined && !(DAY.test(day) && !Number.isNaN(Date.parse(day)))) {
      throw new CxOptionsError(
        `Option "${option}" must be a day as YYYY-MM-DD, got ${JSON.stringify(day)}`,
      );
    }
  }
  const tables: ReportTables = {};
  const notFiltered: Record<string, (keyof ReportTables)[]> = {};
  const dayOf = periodFn("day", timeZone);
  for (const schema of ["responses", "tickets", "customers", "events", "touchpoints"] as const) {
    const loaded = files.filter((f) => f.result && tableOf(f) === schema);
    const parts = schema === "responses" ? weighEvery(loaded) : loaded.map((f) => f.result!.table);
    if (!parts.length) continue;
    let table = pooled(parts);
    const dateColumn = DATE_COLUMN[schema];
    if (dateColumn && (filters.from || filters.to) && table.columnNames().includes(dateColumn)) {
      const { from = "0000-00-00", to = "9999-99-99" } = filters;
      table = table.filter(aq.escape((d: Record<string, unknown>) => {
        const v = d[dateColumn];
        if (!(v instanceof Date)) return false;
        const day = dayOf(v).label;
        return day >= from && day <= to;
      }));
    }
    for (const [column, value] of Object.entries(filters.where ?? {})) {
      if (!table.columnNames().includes(column)) {
        (notFiltered[column] ??= []).push(schema);
        continue;
      }
      table = table.filter(aq.escape((d: Record<string, unknown>) => {
        const v = d[column];
        return v !== null && v !== undefined && String(v instanceof Date ? v.toISOString() : v) ===
            value;
      }));
    }
    tables[schema] = table.reify();
  }
  return { tables, notFiltered };
}

/** The report table a loaded file is pooled into. */
function tableOf(file: LoadedFile): keyof ReportTables | null {
  return file.schema === "events" && isTouchpointFile(file.file) ? "touchpoints" : file.schema;
}

/**
 * Whether a table exists, has rows and has all the columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { hasColumns } from "./context.ts";
 * assert.ok(hasColumns(aq.table({ a: [1], b: [2] }), "a", "b"));
 * assert.ok(!hasColumns(undefined, "a"));
 * ```
 */
export function hasColumns(table: ColumnTable | undefined, ...columns: string[]): boolean {
  return table !== undefined && table.numRows() > 0 &&
    columns.every((c) => table.columnNames().includes(c));
}

/**
 * Whether a column has at least one non-missing value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { hasValues } from "./context.ts";
 * assert.ok(!hasValues(aq.table({ plan: [null, null] }), "plan"));
 * ```
 */
export function hasValues(table: ColumnTable | undefined, column: string): boolean {
  if (!table || !table.columnNames().includes(column)) return false;
  return (table.array(column) as unknown[]).some((v) => v !== null && v !== undefined);
}
