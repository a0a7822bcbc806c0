/**
 * The SQL side of the customer KPIs (churn, retention, and the flows that
 * referral rates and CLV share): the label-count query of customer flows.
 *
 * @module
 */
import { observedLabelSql } from "../../engine/compile/period.ts";
import {
  ALIAS_PREFIX,
  Binder,
  checkAliases,
  quoteIdent,
  relationSql,
} from "../../engine/compile/quote.ts";
import type { CompiledSql, Dialect, PeriodBucket, Relation } from "../../engine/compile/types.ts";

/** Row counts per segment and per period label of date columns; see {@link compileLabelCounts}. */
export interface LabelCountSpec {
  /** What to read. */
  relation: Relation;
  /** Segment columns. */
  by: string[];
  /**
   * Date columns whose period label (`2024-03`, …, local in the bucket's
   * `timeZone`) is a key; the label is NULL when the value is missing, or
   * when `before` (a day label `YYYY-MM-DD`) is given and the value's local
   * day is not before it (not yet observed).
   */
  dates: { bucket: PeriodBucket; before?: string }[];
}

/**
 * Compiles a {@link LabelCountSpec}: one row per segment × date labels with
 * the row count (`keys` are the segment aliases then the date-label
 * aliases `__cx_d0…`, `measures` the count). Counts add up across shards,
 * so this is how customer flows (signup period × churn period) are pushed
 * down.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileLabelCounts } from "./sql.ts";
 * const bucket = (column: string) => ({
 *   column, period: "month" as const, timeZone: "Europe/Berlin", dateKind: "instant" as const, dateZone: "UTC",
 * });
 * const q = compileLabelCounts({
 *   relation: { kind: "table", name: "customers" },
 *   by: ["plan"],
 *   dates: [{ bucket: bucket("signup_date") }, { bucket: bucket("churn_date"), before: "2024-07-01" }],
 * }, "postgres");
 * assert.deepEqual(q.keys, ["__cx_k0", "__cx_d0", "__cx_d1"]);
 * assert.ok(q.sql.endsWith("GROUP BY 1, 2, 3") && q.params.includes("2024-07-01"));
 * ```
 */
export function compileLabelCounts(spec: LabelCountSpec, dialect: Dialect): CompiledSql {
  const b = new Binder(dialect);
  const used = [...spec.by, ...spec.dates.map((d) => d.bucket.column)];
  checkAliases(used);
  const ch = dialect === "clickhouse";
  const byKeys = spec.by.map((_, i) => `${ALIAS_PREFIX}k${i}`);
  const dateKeys = spec.dates.map((_, i) => `${ALIAS_PREFIX}d${i}`);
  const count = `${ALIAS_PREFIX}m0`;
  const items = spec.by.map((c, i) => `${quoteIdent(c, dialect)} AS ${byKeys[i]}`);
  spec.dates.forEach(({ bucket, before }, i) => {
    items.push(`${observedLabelSql(bucket, before, dialect, b)} AS ${dateKeys[i]}`);
  });
  items.push(`count(*) AS ${count}`);
  const keys = [...byKeys, ...dateKeys];
  const groupBy = keys.length === 0
    ? ""
    : `\nGROUP BY ${ch ? keys.join(", ") : keys.map((_, i) => i + 1).join(", ")}`;
  const sql = `SELECT ${items.join(",\n  ")}\nFROM ${
    relationSql(spec.relation, dialect, b)
  }${groupBy}`;
  return { dialect, sql, params: b.params, keys, measures: [count] };
}
