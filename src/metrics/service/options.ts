/**
 * The options and result columns of the service KPIs (first response time,
 * resolution time, first contact resolution), and the check that a tickets
 * table has a column a KPI needs.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxSchemaError } from "../../errors.ts";
import { KPI_OPTIONS, type KpiOptions } from "../../base/plan.ts";
import { optionNames } from "../../options.ts";
import type { BusinessHours } from "../../time/business_hours.ts";
import { type LeftOut, sumOf } from "../groups.ts";

/** Ticket KPIs count the tickets of groups left out for a missing `by` value. */
export const TICKETS_LEFT_OUT: LeftOut = { noun: "tickets", count: sumOf("tickets") };

/** Units durations are reported in. A day is 24 hours, also for business time. */
export type DurationUnit = "seconds" | "minutes" | "hours" | "days";

/** Interval methods for the median duration. */
export type MedianMethod = "order-statistic" | "bootstrap";

/** Options of `firstResponseTime` and `resolutionTime`. */
export interface ServiceTimeOptions extends KpiOptions {
  /**
   * Unit of the reported durations (default `"hours"`: one unit that reads well
   * for chat and email alike; use `"minutes"` for chat-only views).
   */
  unit?: DurationUnit;
  /**
   * Interval for the median (default `"order-statistic"`): the distribution-free
   * interval [x_(k), x_(n−k+1)] from Binomial(n, ½), or `"bootstrap"`
   * (seeded percentile interval of resampled medians). The mean always gets
   * Student's t interval.
   */
  method?: MedianMethod;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Bootstrap seed (default 1). */
  seed?: number;
  /** Count only time inside these opening hours (default: all elapsed time). */
  businessHours?: BusinessHours;
}

/** The names of `ServiceTimeOptions`. */
export const SERVICE_TIME_OPTIONS = optionNames<ServiceTimeOptions>()([
  ...KPI_OPTIONS,
  "unit",
  "method",
  "resamples",
  "seed",
  "businessHours",
]);

/** The statistics of a duration KPI's result, after its ticket counts. */
const DURATION_STATS = [
  "n",
  "mean",
  "sd",
  "mean_low",
  "mean_high",
  "median",
  "median_low",
  "median_high",
  "p90",
] as const;

/** Result columns of `firstResponseTime` after the group keys, in order. */
export const FRT_COLUMNS = ["tickets", "answered", "unanswered", ...DURATION_STATS] as const;

/** Result columns of `resolutionTime` after the group keys, in order. */
export const RESOLUTION_COLUMNS = ["tickets", "resolved", "unresolved", ...DURATION_STATS] as const;

/** Result columns of `firstContactResolution` after the group keys, in order. */
export const FCR_COLUMNS = [
  "tickets",
  "resolved",
  "unresolved",
  "first_contact",
  "n",
  "fcr",
  "fcr_low",
  "fcr_high",
] as const;

/** Throws a `CxSchemaError` naming a column the tickets table lacks and the KPI that needs it. */
export function requireTicketColumn(table: ColumnTable, column: string, what: string): void {
  if (!table.columnNames().includes(column)) {
    throw new CxSchemaError(
      `Column "${column}" is missing, and ${what} needs it. Columns: ${
        table.columnNames().join(", ")
      }. Load tickets with readCsv(…, { schema: "tickets", mapping: { ${column}: "<your column>" } }) or rename the column`,
    );
  }
}
