/**
 * One aggregate description, compiled per SQL dialect. A description names
 * the relation, the group keys, an optional period bucket (local calendar
 * periods in an IANA zone) and the sufficient statistics to compute; the
 * compiler quotes every identifier and binds every value, so column names,
 * labels and time zones never become SQL text.
 *
 * @module
 */
import { measureColumns, measureSql } from "./measures.ts";
import { bucketSql, labelSql } from "./period.ts";
import { ALIAS_PREFIX, Binder, checkAliases, quoteIdent, relationSql } from "./quote.ts";
import type { AggregateSpec, CompiledSql, Dialect } from "./types.ts";

/**
 * Compiles an aggregate description to one dialect. Output columns have
 * internal aliases (`__cx_k0…` for segments, `__cx_period` for cxkit's
 * period labels `2024-03`, `2024-W09`, `2024-Q1`, `2024-03-05`, `2024`,
 * `__cx_m0…` for measures), so no source name can collide with them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileAggregate } from "./aggregate.ts";
 * const { sql, params } = compileAggregate({
 *   relation: { kind: "table", name: 'x"; DROP TABLE t; --' },
 *   by: ["channel"],
 *   measures: [{ name: "n", op: "count", column: "nps_score" }],
 * }, "postgres");
 * assert.ok(sql.includes('FROM "x""; DROP TABLE t; --"') && params.length === 0);
 * ```
 */
export function compileAggregate(spec: AggregateSpec, dialect: Dialect): CompiledSql {
  const b = new Binder(dialect);
  const used = [...spec.by, ...(spec.period ? [spec.period.column] : [])]
    .concat(spec.measures.flatMap(measureColumns));
  checkAliases(used);
  const keys = spec.by.map((_, i) => `${ALIAS_PREFIX}k${i}`);
  const names = spec.measures.map((_, i) => `${ALIAS_PREFIX}m${i}`);
  const keyItems = spec.by.map((c, i) => `${quoteIdent(c, dialect)} AS ${keys[i]}`);
  // Bound in text order, so $1, $2, … read top to bottom.
  const bucket = spec.period ? bucketSql(spec.period, dialect, b) : "";
  const measures = spec.measures.map((m, i) => `${measureSql(m, dialect, b)} AS ${names[i]}`);
  const P = `${ALIAS_PREFIX}p`, PERIOD = `${ALIAS_PREFIX}period`;
  const from = relationSql(spec.relation, dialect, b);
  const groupBy = (items: number) =>
    items === 0
      ? ""
      : `\nGROUP BY ${
        dialect === "clickhouse"
          ? [...keys, ...(spec.period ? [P] : [])].join(", ")
          : Array.from({ length: items }, (_, i) => i + 1).join(", ")
      }`;
  if (!spec.period) {
    const sql = `SELECT ${[...keyItems, ...measures].join(",\n  ")}\nFROM ${from}${
      groupBy(keys.length)
    }`;
    return { dialect, sql, params: b.params, keys, measures: names };
  }
  const inner = `SELECT ${
    [...keyItems, `${bucket} AS ${P}`, ...measures].join(",\n    ")
  }\n  FROM ${from}${groupBy(keys.length + 1).replace("\n", "\n  ")}`;
  const outer = [...keys, `${labelSql(P, spec.period.period, dialect)} AS ${PERIOD}`, ...names];
  const sql = `SELECT ${outer.join(", ")}\nFROM (\n  ${inner}\n) AS ${ALIAS_PREFIX}agg`;
  return { dialect, sql, params: b.params, keys, measures: names, period: PERIOD };
}
