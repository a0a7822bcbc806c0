/**
 * The SQL step of `referralRate`: the customer flows as for churn, a count of
 * self-referrals, and the referred customers joined to their referrer
 * ({@link compileReferralPairs}), counted per segment and signup period;
 * whether the referrer was active and the distinct referrers are worked out
 * from those rows, exactly as in memory.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError } from "../../errors.ts";
import { compileAggregate } from "../../engine/compile/aggregate.ts";
import { observedLabelSql } from "../../engine/compile/period.ts";
import {
  ALIAS_PREFIX,
  Binder,
  checkAliases,
  quoteIdent,
  relationSql,
} from "../../engine/compile/quote.ts";
import type { CompiledSql, Dialect, PeriodBucket, Relation } from "../../engine/compile/types.ts";
import type { EngineCall } from "../../engine/dispatch.ts";
import { keyKinds, num, plainKey } from "../../engine/source.ts";
import { customerCounts } from "../churn/aggregate.ts";
import type { ChurnOptions } from "../churn/options.ts";
import { type CustomerRelation, flowsOf, withCustomersSql } from "../churn/sql.ts";
import { checkReferrals, SELF_REFERRAL, wholeWindow } from "./aggregate.ts";
import { referralResult } from "./finalize.ts";

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

/**
 * The SQL step of `referralRate` (options as `ReferralOptions`: without
 * `period`, one row per segment over the whole window): the customer counts,
 * the self-referral check and the referral pairs in the engine, then the
 * same finalize step as in memory.
 */
export async function referralSql(call: EngineCall, options: ChurnOptions): Promise<ColumnTable> {
  const period = options.period ?? "day";
  const given = options.period !== undefined;
  return await withCustomersSql(call, options, ["referred_by"], period, async (c) => {
    const table = call.source.table;
    if (table) {
      checkReferrals(
        table.array("customer_id") as unknown[],
        table.array("referred_by") as unknown[],
      );
    } else await checkReferralsInEngine(c);
    const window = given ? c.window : wholeWindow(c.window);
    // Without a period: calendar days mapped to "before" and "all".
    const periodOf = given
      ? (i: number) => i
      : (i: number) => (i < c.window.first || c.window.first === 0 ? 0 : 1);
    const counts = customerCounts(await flowsOf(c, periodOf), c.plan.by, window);
    const referrals = await referralPairs(c, periodOf);
    return referralResult(c.plan, window, referrals, counts, given ? { period } : {});
  });
}

/** One segment × period of the referral counts, while the pairs are read. */
interface ReferralGroup {
  keys: unknown[];
  p: number;
  referrers: Set<string>;
  referred: number;
  unmatched: number;
}

/**
 * The referral counts from the engine's pairs, as `aggregateReferrals`
 * makes them: referred signups and unmatched referrals in the new
 * customer's segment, distinct active referrers in the referrer's.
 */
async function referralPairs(
  c: CustomerRelation,
  periodOf: (index: number) => number,
): Promise<ColumnTable> {
  const { call, plan } = c;
  const query = compileReferralPairs({
    relation: c.relation,
    by: plan.by,
    id: "customer_id",
    referredBy: "referred_by",
    signup: { bucket: c.signup, before: c.cutoff },
    churn: { bucket: c.churn, before: c.cutoff },
  }, call.engine.dialect);
  const rows = await call.log.run(query);
  const kinds = keyKinds(call.engine, c.columns, call.source.table, plan.by);
  const k = plan.by.length;
  const keyOf = (r: Record<string, unknown>, from: number) =>
    plan.by.map((_, j) => plainKey(r[query.keys[from + j]], kinds[j]));
  const groups = new Map<string, ReferralGroup>();
  const group = (keys: unknown[], p: number) => {
    const id = JSON.stringify([...keys, p]);
    let g = groups.get(id);
    if (!g) groups.set(id, g = { keys, p, referrers: new Set(), referred: 0, unmatched: 0 });
    return g;
  };
  const label = (v: unknown) => v === null || v === undefined ? null : periodOf(c.indexOf(v));
  for (const r of rows) {
    const p = label(r[query.keys[k]]);
    if (p === null) continue;
    const n = num(r[query.measures[0]]);
    const found = num(r[query.keys[k + 1]]) === 1;
    const s = found ? label(r[query.keys[2 * k + 2]]) : null;
    const ch = found ? label(r[query.keys[2 * k + 3]]) : null;
    const matched = s !== null && s <= p && (ch === null || ch >= p);
    const mine = group(keyOf(r, 0), p);
    mine.referred += n;
    if (!matched) mine.unmatched += n;
    else group(keyOf(r, k + 2), p).referrers.add(String(r[query.keys[2 * k + 4]]));
  }
  return referralTable(plan.by, groups.values());
}

/** The referral counts of the groups as a table keyed by `…by, period_index`. */
function referralTable(by: string[], groups: Iterable<ReferralGroup>): ColumnTable {
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...by, "period_index", "referrers", "referred_signups", "unmatched_referrals"]
      .map((name) => [name, []]),
  );
  for (const g of groups) {
    by.forEach((b, j) => out[b].push(g.keys[j]));
    out.period_index.push(g.p);
    out.referrers.push(g.referrers.size);
    out.referred_signups.push(g.referred);
    out.unmatched_referrals.push(g.unmatched);
  }
  return aq.table(out);
}

/** Self-referrals in the engine: a `CxDataError` with their count, as in memory. */
async function checkReferralsInEngine(c: CustomerRelation): Promise<void> {
  const query = compileAggregate({
    relation: c.relation,
    by: [],
    measures: [{
      name: "self",
      op: "countWhere",
      where: { op: "sameAs", column: "referred_by", other: "customer_id" },
    }],
  }, c.call.engine.dialect);
  const [row] = await c.call.log.run(query);
  const total = num(row?.[query.measures[0]]) || 0;
  if (total) {
    throw new CxDataError(
      [{ row: null, column: "referred_by", value: `${total} rows`, reason: SELF_REFERRAL }],
      total,
      `Column "referred_by" has self-referrals (${total} in ${c.call.engine.name})`,
    );
  }
}
