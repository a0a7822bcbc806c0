/**
 * The SQL side of {@link referralRate}: the referred customers joined to
 * their referrer, counted per segment and period.
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

/** The referral pairs of a customers relation; see {@link compileReferralPairs}. */
export interface ReferralPairSpec {
  /** What to read. */
  relation: Relation;
  /** Segment columns. */
  by: string[];
  /** Customer id column. */
  id: string;
  /** Column naming the referrer's id (missing or `''`: not referred). */
  referredBy: string;
  /** Signup date column, its period and the cut-off day. */
  signup: { bucket: PeriodBucket; before: string };
  /** Churn date column, its period and the cut-off day. */
  churn: { bucket: PeriodBucket; before: string };
}

/**
 * Compiles a {@link ReferralPairSpec}: the referred customers (those with a
 * `referredBy`) joined to their referrer by id, counted per segment and
 * signup period label of the referred customer, whether the referrer was
 * found, the referrer's segment, signup and churn period labels, and the
 * referrer's id. `keys` are, in order: the segment aliases (`by.length`),
 * the signup label, the found flag (1/0), the referrer's segment aliases,
 * the referrer's signup and churn labels and the referrer's id; `measures`
 * the count. Whether the referrer was active is decided from the labels by
 * the caller. ClickHouse joins with `GLOBAL ANY LEFT JOIN … USING`, so a
 * `Distributed` table is joined against all its shards (ids are unique).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileReferralPairs } from "./sql.ts";
 * const bucket = (column: string) => ({
 *   column, period: "month" as const, timeZone: "UTC", dateKind: "local" as const, dateZone: "UTC",
 * });
 * const q = compileReferralPairs({
 *   relation: { kind: "table", name: "customers" },
 *   by: ["plan"],
 *   id: "customer_id",
 *   referredBy: "referred_by",
 *   signup: { bucket: bucket("signup_date"), before: "2024-07-01" },
 *   churn: { bucket: bucket("churn_date"), before: "2024-07-01" },
 * }, "duckdb");
 * assert.equal(q.keys.length, 7);
 * assert.ok(q.sql.includes("LEFT JOIN") && q.sql.endsWith("GROUP BY 1, 2, 3, 4, 5, 6, 7"));
 * ```
 */
export function compileReferralPairs(spec: ReferralPairSpec, dialect: Dialect): CompiledSql {
  const b = new Binder(dialect);
  const used = [
    ...spec.by,
    spec.id,
    spec.referredBy,
    spec.signup.bucket.column,
    spec.churn.bucket.column,
  ];
  checkAliases(used);
  const ch = dialect === "clickhouse";
  const P = ALIAS_PREFIX;
  const newKeys = spec.by.map((_, i) => `${P}k${i}`);
  const refKeys = spec.by.map((_, i) => `${P}r${i}`);
  const [signupNew, signupRef, churnRef, found, ref] = [
    `${P}d0`,
    `${P}d1`,
    `${P}d2`,
    `${P}f`,
    `${P}ref`,
  ];
  const idCol = quoteIdent(spec.id, dialect);
  const refCol = quoteIdent(spec.referredBy, dialect);
  const keep = (c: string) => ch ? `assumeNotNull(${c})` : c;
  const present = (c: string) => ch ? `isNotNull(${c})` : `${c} IS NOT NULL`;
  // Bound in text order, so $1, $2, … read top to bottom.
  const referred = [
    ...spec.by.map((c, i) => `${quoteIdent(c, dialect)} AS ${newKeys[i]}`),
    `${observedLabelSql(spec.signup.bucket, spec.signup.before, dialect, b)} AS ${signupNew}`,
    `${keep(refCol)} AS ${ref}`,
  ];
  const referredFrom = relationSql(spec.relation, dialect, b);
  const referredWhere = `${present(refCol)} AND ${keep(refCol)} <> ${b.bind("")}`;
  const referrers = [
    `${keep(idCol)} AS ${ref}`,
    `1 AS ${found}`,
    ...spec.by.map((c, i) => `${quoteIdent(c, dialect)} AS ${refKeys[i]}`),
    `${observedLabelSql(spec.signup.bucket, spec.signup.before, dialect, b)} AS ${signupRef}`,
    `${observedLabelSql(spec.churn.bucket, spec.churn.before, dialect, b)} AS ${churnRef}`,
  ];
  const referrersFrom = relationSql(spec.relation, dialect, b);
  const left = `SELECT ${
    referred.join(",\n    ")
  }\n  FROM ${referredFrom}\n  WHERE ${referredWhere}`;
  const right = `SELECT ${referrers.join(",\n    ")}\n  FROM ${referrersFrom}\n  WHERE ${
    present(idCol)
  }`;
  const keys = [...newKeys, signupNew, found, ...refKeys, signupRef, churnRef, ref];
  const count = `${P}m0`;
  if (ch) {
    // Unmatched rows get the defaults: 0 for the flag, NULL for the Nullable labels and keys.
    const sql = `SELECT ${[...keys, `count(*) AS ${count}`].join(", ")}\nFROM (\n  ${left}\n)\n` +
      `GLOBAL ANY LEFT JOIN (\n  ${right}\n) USING ${ref}\nGROUP BY ${keys.join(", ")}`;
    return { dialect, sql, params: b.params, keys, measures: [count] };
  }
  const n = `${P}n`, r = `${P}rr`;
  const items = [
    ...newKeys.map((k) => `${n}.${k}`),
    `${n}.${signupNew}`,
    `CASE WHEN ${r}.${ref} IS NULL THEN 0 ELSE 1 END AS ${found}`,
    ...refKeys.map((k) => `${r}.${k}`),
    `${r}.${signupRef}`,
    `${r}.${churnRef}`,
    `${n}.${ref}`,
    `count(*) AS ${count}`,
  ];
  const sql = `SELECT ${items.join(", ")}\nFROM (\n  ${left}\n) AS ${n}\nLEFT JOIN (\n  ${
    right.replace(`1 AS ${found},\n    `, "")
  }\n) AS ${r} ON ${r}.${ref} = ${n}.${ref}\nGROUP BY ${keys.map((_, i) => i + 1).join(", ")}`;
  return { dialect, sql, params: b.params, keys, measures: [count] };
}
