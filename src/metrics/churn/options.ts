/**
 * The options and required columns of the customer KPIs (`churnRate`,
 * `retentionRate`, and `referralRate` and `historicClv` built on them), and
 * the checks of a customers table's values.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError, type CxProblem, CxSchemaError } from "../../errors.ts";
import { checkPeriod, type Period } from "../../time/period.ts";
import { type GroupPlan, KPI_OPTIONS, type KpiOptions, resolvePlan } from "../../base/plan.ts";
import { optionNames, withoutNames } from "../../options.ts";

/** Options of `churnRate` and `retentionRate`. */
export interface ChurnOptions extends Omit<KpiOptions, "period" | "date"> {
  /** Period length (default `"month"`). */
  period?: Period;
  /**
   * First reported period: the one containing `from` (default: the earliest
   * `signup_date`). Earlier customers still count in the stocks.
   */
  from?: Date;
  /**
   * Cut-off: the last day the data covers, inclusive (default: the latest
   * `signup_date` or `churn_date`), as `observedUntil` of the cohort analyses. Signups and churns after the end of that
   * local day are ignored as not yet observed; a period ending after it is
   * reported with `complete: false`.
   */
  observedUntil?: Date;
}

/** The names of {@link ChurnOptions}. */
export const CHURN_OPTIONS = optionNames<ChurnOptions>()([
  ...withoutNames(KPI_OPTIONS, "date"),
  "from",
  "observedUntil",
]);

/** Columns every customer KPI needs. */
export const CUSTOMER_COLUMNS = ["customer_id", "signup_date", "churn_date"] as const;

/** Checks the required columns and the options against a customers table (no values read). */
export function planCustomers(
  table: ColumnTable,
  options: ChurnOptions,
  extraColumns: string[] = [],
  period: Period = options.period ?? "month",
): GroupPlan & { period: Period } {
  requireColumns(table, [...CUSTOMER_COLUMNS, ...extraColumns], "customers");
  checkPeriod(period);
  return {
    ...resolvePlan(table, { ...options, period, date: "signup_date" }, { date: "signup_date" }),
    period,
  };
}

/** Throws a `CxSchemaError` naming the missing columns of a canonical table. */
export function requireColumns(table: ColumnTable, columns: string[], schema: string): void {
  const names = table.columnNames();
  const missing = columns.filter((c) => !names.includes(c));
  if (missing.length) {
    throw new CxSchemaError(
      `The ${schema} table lacks required column${missing.length > 1 ? "s" : ""} ${
        missing.map((c) => JSON.stringify(c)).join(", ")
      }. Columns: ${
        names.join(", ")
      }. Load it with readCsv(…, { schema: "${schema}", mapping }) to rename your columns`,
    );
  }
}

/** Throws a `CxDataError` for missing or impossible dates; returns the dates. */
export function checkCustomerDates(
  table: ColumnTable,
): { signups: Date[]; churns: (Date | null)[] } {
  const signups = table.array("signup_date") as unknown[];
  const churns = table.array("churn_date") as unknown[];
  const problems: CxProblem[] = [];
  let total = 0;
  const report = (row: number, column: string, value: unknown, reason: string) => {
    total++;
    if (problems.length < 20) {
      const shown = value instanceof Date && !isNaN(+value)
        ? value.toISOString()
        : value === null || value === undefined
        ? null
        : String(value);
      problems.push({ row, column, value: shown, reason });
    }
  };
  const isDate = (v: unknown): v is Date => v instanceof Date && !isNaN(v.getTime());
  for (let i = 0; i < signups.length; i++) {
    const s = signups[i], c = churns[i];
    if (!isDate(s)) {
      report(i + 1, "signup_date", s, "signup_date must be a date; every customer needs one");
    }
    if (c !== null && c !== undefined && !isDate(c)) {
      report(i + 1, "churn_date", c, "churn_date must be a date or empty (still a customer)");
    } else if (isDate(s) && isDate(c) && c < s) {
      report(
        i + 1,
        "churn_date",
        c,
        `churn_date is before signup_date (${
          s.toISOString().slice(0, 10)
        }): a customer cannot churn before signing up; check the date format or the column mapping`,
      );
    }
  }
  if (total) throw new CxDataError(problems, total, "The customers table has impossible dates");
  return {
    signups: signups as Date[],
    churns: churns.map((c) => (c instanceof Date ? c : null)),
  };
}

/** Throws a `CxDataError` when an id appears twice (joins and counts would double). */
export function checkUniqueIds(table: ColumnTable, column: string): void {
  const ids = table.array(column) as unknown[];
  const seen = new Map<unknown, number>();
  const problems: CxProblem[] = [];
  let total = 0;
  ids.forEach((id, i) => {
    const reason = id === null || id === undefined
      ? `${column} is missing; every customer needs an id`
      : seen.has(id)
      ? `${column} ${JSON.stringify(id)} appears again (first in row ${
        seen.get(id)
      }); each customer must be one row`
      : null;
    if (id !== null && id !== undefined && !seen.has(id)) seen.set(id, i + 1);
    if (reason === null) return;
    total++;
    if (problems.length < 20) {
      problems.push({ row: i + 1, column, value: id == null ? null : String(id), reason });
    }
  });
  if (total) throw new CxDataError(problems, total, `Column "${column}" must identify customers`);
}
