/**
 * Engine parity of the count KPIs: in memory = DuckDB = PostgreSQL = a
 * two-shard ClickHouse cluster for `firstContactResolution`, `churnRate`,
 * `retentionRate` and `referralRate` (every column, counts exact, floats to 1e-9, and the
 * metadata notes), on the sample tickets and customers and on seeded random
 * tables with nulls, empty and one-row groups, unicode and hostile labels and
 * column names, and dates at month boundaries in Europe/Berlin. Also: value
 * checks in SQL raise the in-memory errors, median KPIs refuse SQL engines,
 * and hostile names only fill identifier slots.
 */
import { meta } from "../../src/meta.ts";
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { readCsv } from "../../src/mod.ts";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { seededRandom } from "../../src/stats/random.ts";
import {
  firstContactResolution,
  firstResponseTime,
  resolutionTime,
} from "../../src/metrics/service.ts";
import { churnRate, retentionRate } from "../../src/metrics/churn.ts";
import { referralRate } from "../../src/metrics/referral.ts";
import type { Dialect } from "../../src/engine/compile/types.ts";
import { quoteIdent } from "../../src/engine/compile/quote.ts";
import { compileAggregate } from "../../src/engine/compile/aggregate.ts";
import { compileLabelCounts } from "../../src/metrics/churn/sql.ts";
import { compileReferralPairs } from "../../src/metrics/referral/sql.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import type { SqlEngine } from "../../src/engine/engine.ts";
import type { LoadType } from "../../src/engine/load.ts";
import { assertSameResult } from "./assert_same.ts";
import { clickhouseTest, postgresTest } from "./servers.ts";

const DATA = new URL("../../data/sample/", import.meta.url).pathname;
const { table: tickets } = await readCsv(`${DATA}tickets.csv`, { schema: "tickets" });
const { table: customers } = await readCsv(`${DATA}customers.csv`, { schema: "customers" });

// Hostile names: quotes of every dialect, statement separators, comments, unicode.
const SEG = `seg"; DROP TABLE t; --`;
const REGION = "rég`ion' --";
const DATE = "opened at; --";
const LABELS = ["chat", `'; DROP TABLE x; --`, 'say "hi"', "Zürich 🚀", "a`b\\c", "x\ny"];
const BERLIN = "Europe/Berlin";

/** An instant within ±14 hours of midnight UTC on the 1st of a month: the month differs by zone. */
function monthEdge(random: () => number, months: number): number {
  const month = Math.floor(random() * months);
  return Date.UTC(2023, 11 + month, 1) + Math.round((random() - 0.5) * 28 * 3600) * 1000;
}

/** Seeded random tickets: nulls, one-row and never-resolved groups, month edges. */
function randomTickets(seed: number, rows: number): ColumnTable {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const cols: Record<string, unknown[]> = {
    [SEG]: [],
    [REGION]: [],
    created_at: [],
    [DATE]: [],
    resolved_at: [],
    contacts: [],
  };
  for (let i = 0; i < rows; i++) {
    const seg = random() < 0.05 ? null : pick(LABELS);
    cols[SEG].push(seg);
    cols[REGION].push(random() < 0.03 ? `solo ${i}` : pick(["north", "south", "ÿ-east"]));
    const created = monthEdge(random, 14);
    cols.created_at.push(new Date(created));
    cols[DATE].push(random() < 0.04 ? null : new Date(created));
    // One segment never resolves a ticket: a group with n = 0.
    const resolved = seg === 'say "hi"' || random() < 0.25
      ? null
      : new Date(created + Math.floor(random() * 3 * 86_400) * 1000);
    cols.resolved_at.push(resolved);
    cols.contacts.push(
      resolved || random() < 0.5 ? 1 + Math.floor(random() * random() * 4) : null,
    );
  }
  return aq.table(cols);
}

/** Seeded random customers: unique unicode ids, churn at or after signup, month edges in Berlin. */
function randomCustomers(seed: number, rows: number): ColumnTable {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const cols: Record<string, unknown[]> = {
    customer_id: [],
    [SEG]: [],
    [REGION]: [],
    signup_date: [],
    churn_date: [],
    referred_by: [],
  };
  for (let i = 0; i < rows; i++) {
    cols.customer_id.push(`c${i} ü'"`);
    // Referrers: earlier or later customers (active or not), unknown ids, empty text, none.
    const v = random();
    cols.referred_by.push(
      v < 0.4
        ? null
        : v < 0.45
        ? ""
        : v < 0.5
        ? "nobody; --"
        : rows > 1
        ? `c${(i + 1 + Math.floor(random() * (rows - 1))) % rows} ü'"`
        : null,
    );
    cols[SEG].push(random() < 0.05 ? null : pick(LABELS));
    cols[REGION].push(random() < 0.03 ? `solo ${i}` : pick(["north", "south", "ÿ-east"]));
    const signup = monthEdge(random, 12);
    cols.signup_date.push(new Date(signup));
    const u = random();
    const churn = u < 0.5 ? null : u < 0.55
      ? signup // churned at once: a signup_churned of the same period
      : u < 0.75
      ? monthEdge(random, 14) // another month edge (kept only when after signup)
      : signup + Math.floor(random() * 200 * 86_400) * 1000;
    cols.churn_date.push(churn === null || churn < signup ? null : new Date(churn));
  }
  return aq.table(cols);
}

const RANDOM_TICKETS = [randomTickets(1, 400), randomTickets(2, 37), randomTickets(3, 1)];
const RANDOM_CUSTOMERS = [randomCustomers(1, 300), randomCustomers(2, 29), randomCustomers(3, 1)];
const NO_CUSTOMERS = aq.table({
  customer_id: [] as string[],
  signup_date: [] as Date[],
  churn_date: [] as Date[],
});

// deno-lint-ignore no-explicit-any
type AnyKpi = (input: any, options?: any) => ColumnTable | Promise<ColumnTable>;

interface Case {
  name: string;
  table: ColumnTable;
  kpi: AnyKpi;
  options: Record<string, unknown>;
}

function cases(): Case[] {
  const out: Case[] = [];
  const fcr = firstContactResolution as AnyKpi;
  const customerKpis = [["churn", churnRate], ["retention", retentionRate]] as const;
  for (const timeZone of ["UTC", BERLIN]) {
    out.push(
      { name: `sample fcr ${timeZone}`, table: tickets, kpi: fcr, options: { timeZone } },
      {
        name: `sample fcr by channel × priority, month, ${timeZone}`,
        table: tickets,
        kpi: fcr,
        options: { by: ["channel", "priority"], period: "month", timeZone },
      },
    );
    for (const [name, kpi] of customerKpis) {
      out.push(
        {
          name: `sample ${name} by plan × region, ${timeZone}`,
          table: customers,
          kpi: kpi as AnyKpi,
          options: { by: ["plan", "region"], timeZone },
        },
        {
          name: `sample ${name} quarter, from/to, ${timeZone}`,
          table: customers,
          kpi: kpi as AnyKpi,
          options: {
            period: "quarter",
            timeZone,
            from: new Date("2024-03-15"),
            observedUntil: new Date("2024-08-31"),
          },
        },
      );
    }
  }
  const periods = ["month", "week", "quarter", "day", "year"] as const;
  RANDOM_TICKETS.forEach((table, k) => {
    for (const timeZone of ["UTC", BERLIN]) {
      const period = periods[(k + (timeZone === BERLIN ? 1 : 0)) % 5];
      out.push(
        {
          name: `random tickets ${k} by hostile × period ${period} (${timeZone})`,
          table,
          kpi: fcr,
          options: { by: [SEG, REGION], date: DATE, period, timeZone },
        },
        { name: `random tickets ${k}, no keys`, table, kpi: fcr, options: { timeZone } },
      );
    }
  });
  RANDOM_CUSTOMERS.forEach((table, k) => {
    for (const [name, kpi] of customerKpis) {
      out.push(
        {
          name: `random customers ${k} ${name} by hostile, month, Berlin`,
          table,
          kpi: kpi as AnyKpi,
          options: { by: [SEG, REGION], timeZone: BERLIN },
        },
        {
          name: `random customers ${k} ${name} week, cut-off mid-range, Berlin`,
          table,
          kpi: kpi as AnyKpi,
          options: {
            by: SEG,
            period: "week",
            timeZone: BERLIN,
            from: new Date("2023-11-20"),
            observedUntil: new Date("2024-06-30"),
          },
        },
        {
          name: `random customers ${k} ${name} day, short window, UTC`,
          table,
          kpi: kpi as AnyKpi,
          options: {
            period: "day",
            from: new Date("2024-02-25"),
            observedUntil: new Date("2024-03-03T12:00Z"),
          },
        },
      );
    }
  });
  const referral = referralRate as AnyKpi;
  for (const table of [customers, ...RANDOM_CUSTOMERS]) {
    const k = table === customers ? "sample" : `random ${RANDOM_CUSTOMERS.indexOf(table)}`;
    const by = table === customers ? ["plan"] : [SEG];
    out.push(
      { name: `${k} referral, whole window`, table, kpi: referral, options: { by } },
      {
        name: `${k} referral, month, Berlin, from/to`,
        table,
        kpi: referral,
        options: {
          by,
          period: "month",
          timeZone: BERLIN,
          from: new Date("2024-02-10"),
          observedUntil: new Date("2024-09-30"),
        },
      },
      {
        name: `${k} referral, whole window from mid-range`,
        table,
        kpi: referral,
        options: { from: new Date("2024-04-01"), observedUntil: new Date("2024-10-15") },
      },
    );
  }
  out.push({
    name: "no customers, from/to given",
    table: NO_CUSTOMERS,
    kpi: churnRate as AnyKpi,
    options: {
      from: new Date("2024-01-01"),
      observedUntil: new Date("2024-03-31"),
      timeZone: BERLIN,
    },
  });
  return out;
}

/**
 * Same rows, notes and metadata; only the engine and its queries (top level
 * of `meta(result)`, set by the dispatcher) are the SQL path's own.
 */
function assertSame(actual: ColumnTable, expected: ColumnTable, what: string) {
  assertSameResult(actual, expected, what);
  const { engine: _e, queries: _q, ...metaA } = meta<"kpi">(actual)!;
  assert.deepEqual(metaA, meta<"kpi">(expected), `${what}: metadata`);
  assert.equal(meta<"kpi">(expected)?.engine, undefined, `${what}: in memory, no engine`);
}

const HINTS: Record<string, LoadType> = {
  resolved_at: "timestamp",
  created_at: "timestamp",
  [DATE]: "timestamp",
  contacts: "number",
  signup_date: "timestamp",
  churn_date: "timestamp",
  customer_id: "text",
  referred_by: "text",
};

/** Loads each distinct table once, then runs every case through `{ engine, table }`. */
async function checkEngine(engine: SqlEngine) {
  const loaded = new Map<ColumnTable, { name: string; drop(): Promise<void> }>();
  let checked = 0;
  try {
    for (const c of cases()) {
      if (!loaded.has(c.table)) {
        const { relation, drop } = await engine.load(c.table, HINTS);
        loaded.set(c.table, { name: (relation as { name: string }).name, drop });
      }
      const expected = await c.kpi(c.table, c.options);
      const ref = { engine, table: loaded.get(c.table)!.name };
      const actual = await c.kpi(ref, { ...c.options, engine, explain: true });
      assertSame(actual, expected, `${engine.name}: ${c.name}`);
      const info = meta<"kpi">(actual)!;
      assert.equal(info.engine, engine.name);
      assert.equal(info.notes.engine, undefined, "no engine in the notes");
      // Server tables: FCR is one query; customers are checked (and bounded), then counted.
      const queries = c.kpi === firstContactResolution ? 1 : c.kpi === referralRate ? 4 : 2;
      assert.equal(info.queries?.length, queries);
      checked++;
    }
    // The in-memory path (check in memory, load the needed columns, aggregate, drop).
    const fo = { by: [SEG, REGION], date: DATE, period: "month" as const, timeZone: BERLIN };
    const f = await firstContactResolution(RANDOM_TICKETS[0], { ...fo, engine, explain: true });
    assertSame(f, firstContactResolution(RANDOM_TICKETS[0], fo), `${engine.name}: fcr`);
    const [query] = meta<"kpi">(f)?.queries ?? [];
    assert.ok(query.sql.includes(quoteIdent(SEG, engine.dialect)));
    const co = { by: [SEG], timeZone: BERLIN, period: "month" as const };
    for (const kpi of [churnRate, retentionRate, referralRate]) {
      const r = await kpi(RANDOM_CUSTOMERS[0], { ...co, engine });
      assertSame(r, kpi(RANDOM_CUSTOMERS[0], co), `${engine.name}: customers in memory`);
    }
  } finally {
    for (const { drop } of loaded.values()) await drop();
  }
  assert.equal(checked, cases().length);
}

/** Invalid values in a server table give the in-memory errors' kind. */
async function checkErrors(engine: SqlEngine) {
  const d = (s: string) => new Date(s);
  const badTickets = aq.table({
    created_at: [d("2024-01-02T10:00Z"), d("2024-01-02T10:00Z"), d("2024-01-02T10:00Z")],
    resolved_at: [d("2024-01-02T09:00Z"), d("2024-01-02T11:00Z"), d("2024-01-02T11:00Z")],
    contacts: [1, 0, 1.5],
  });
  const badCustomers = aq.table({
    customer_id: ["a", "a", null, "b"],
    signup_date: [d("2024-02-01"), d("2024-02-01"), d("2024-02-03"), d("2024-03-01")],
    churn_date: [null, null, null, d("2024-01-01")],
  });
  const selfReferral = aq.table({
    customer_id: ["a", "b"],
    signup_date: [d("2024-02-01"), d("2024-02-01")],
    churn_date: [null, null],
    referred_by: ["a", "a"],
  });
  for (
    const [table, run, total] of [
      [badTickets, (src: unknown) => firstContactResolution(src as never, { engine }), 3],
      [badCustomers, (src: unknown) => churnRate(src as never, { engine }), 3],
      [selfReferral, (src: unknown) => referralRate(src as never, { engine }), 1],
    ] as const
  ) {
    const { relation, drop } = await engine.load(table, HINTS);
    try {
      const ref = { engine, table: (relation as { name: string }).name };
      await assert.rejects(
        () => run(ref) as Promise<unknown>,
        (e: unknown) =>
          e instanceof CxDataError && e.message.includes(`(${total} in ${engine.name})`),
      );
      // In-memory input is checked in memory: the error names rows.
      await assert.rejects(
        () => run(table) as Promise<unknown>,
        (e: unknown) => e instanceof CxDataError && e.problems.some((p) => p.row !== null),
      );
    } finally {
      await drop();
    }
  }
}

async function withDuckdb(body: (engine: SqlEngine) => Promise<void>) {
  const engine = duckdbEngine();
  try {
    await body(engine);
  } finally {
    await engine.close();
  }
}

Deno.test("count KPIs: DuckDB = in memory", () => withDuckdb(checkEngine));

Deno.test("count KPIs: DuckDB raises the value checks", () => withDuckdb(checkErrors));

postgresTest("count KPIs: PostgreSQL = in memory", async (engine) => {
  await checkEngine(engine);
  await checkErrors(engine);
});

clickhouseTest(
  "count KPIs: ClickHouse, two shards behind a Distributed table = in memory",
  async (engine) => {
    await checkEngine(engine);
    await checkErrors(engine);
  },
  RANDOM_CUSTOMERS[0],
  HINTS,
);

Deno.test("the random tables reach the edges the parity cases are about", () => {
  const o = { by: SEG, period: "month" as const };
  const utc = churnRate(RANDOM_CUSTOMERS[0], o);
  const berlin = churnRate(RANDOM_CUSTOMERS[0], { ...o, timeZone: BERLIN });
  const sum = (t: ColumnTable, c: string) => (t.array(c) as number[]).reduce((a, b) => a + b, 0);
  assert.ok(sum(berlin, "signup_churned") > 0 && sum(berlin, "churned") > 0);
  const referral = referralRate(RANDOM_CUSTOMERS[0], o);
  assert.ok(sum(referral, "referrers") > 0 && sum(referral, "unmatched_referrals") > 0);
  // Month edges: the same customers fall in other months in Berlin than in UTC.
  assert.notDeepEqual(utc.array("customers_start"), berlin.array("customers_start"));
  const f = firstContactResolution(RANDOM_TICKETS[0], { by: [SEG, REGION] });
  const n = f.array("n") as number[];
  assert.ok(n.includes(0) && n.includes(1));
  const fu = firstContactResolution(RANDOM_TICKETS[0], { period: "month" });
  const fb = firstContactResolution(RANDOM_TICKETS[0], { period: "month", timeZone: BERLIN });
  assert.notDeepEqual(fu.array("tickets"), fb.array("tickets"));
});

Deno.test("count KPIs: an empty tickets table and one-row groups", async () => {
  const empty = aq.table({ created_at: [] as Date[], resolved_at: [] as Date[], contacts: [] });
  await withDuckdb(async (engine) => {
    for (const table of [empty, RANDOM_TICKETS[2]]) {
      assertSame(
        await firstContactResolution(table, { engine }),
        firstContactResolution(table),
        `${table.numRows()} rows`,
      );
    }
  });
});

Deno.test("median KPIs refuse SQL engines with a clear message", async () => {
  await withDuckdb(async (engine) => {
    for (const kpi of [firstResponseTime, resolutionTime]) {
      const name = kpi === firstResponseTime ? "firstResponseTime" : "resolutionTime";
      assert.throws(
        () => kpi(tickets, { engine }),
        (e: unknown) =>
          e instanceof CxOptionsError &&
          e.message.startsWith(`${name} cannot run in an SQL engine: its median and p90`) &&
          /not mergeable/.test(e.message) && /leave out "engine"/.test(e.message),
      );
      assert.throws(() => kpi({ engine, table: "tickets" } as never), CxOptionsError);
    }
    // Periods need a date column on the engine too.
    const text = aq.table({ resolved_at: ["2024-01-01"], contacts: [1] });
    await assert.rejects(
      () => firstContactResolution(text, { engine }),
      (e: unknown) => e instanceof CxDataError || e instanceof CxOptionsError,
    );
  });
});

Deno.test("security: hostile names only fill identifier slots of the count KPIs' SQL", async () => {
  const plain = { by: ["a", "b"], date: "d", table: "plain" };
  const hostile = { by: [SEG, REGION], date: DATE, table: "t; --" };
  const bucket = (column: string) => ({
    column,
    period: "month" as const,
    timeZone: BERLIN,
    dateKind: "local" as const,
    dateZone: "UTC",
  });
  for (const dialect of ["duckdb", "postgres", "clickhouse"] as Dialect[]) {
    const flows = (n: typeof plain) =>
      compileLabelCounts({
        relation: { kind: "table", name: n.table },
        by: n.by,
        dates: [{ bucket: bucket(n.date), before: "2024-07-01" }, { bucket: bucket(n.date) }],
      }, dialect);
    const fcr = (n: typeof plain) =>
      compileAggregate({
        relation: { kind: "table", name: n.table },
        by: n.by,
        measures: [
          {
            name: "x",
            op: "countWhere",
            where: {
              op: "and",
              of: [
                { op: "present", column: n.date },
                { op: "before", column: n.date, other: n.by[0] },
                { op: "not", of: { op: "wholeAtLeast", column: n.by[1], min: 1 } },
                { op: "equals", column: n.by[1], value: 1 },
              ],
            },
          },
          { name: "y", op: "countDistinct", column: n.by[0] },
          { name: "z", op: "minInstant", column: n.date, dateKind: "local", dateZone: BERLIN },
        ],
      }, dialect);
    const referrals = (n: typeof plain) =>
      compileReferralPairs({
        relation: { kind: "table", name: n.table },
        by: n.by,
        id: n.by[0],
        referredBy: n.by[1],
        signup: { bucket: bucket(n.date), before: "2024-07-01" },
        churn: { bucket: bucket(n.date), before: "2024-07-01" },
      }, dialect);
    for (const compile of [flows, fcr, referrals]) {
      const p = compile(plain), h = compile(hostile);
      let sql = h.sql;
      const pairs: [string, string][] = [["t; --", "plain"], [SEG, "a"], [REGION, "b"], [
        DATE,
        "d",
      ]];
      for (const [from, to] of pairs) {
        sql = sql.replaceAll(quoteIdent(from, dialect), quoteIdent(to, dialect));
      }
      assert.equal(sql, p.sql, dialect);
      assert.deepEqual(h.params, p.params, dialect);
    }
  }
  // Hostile labels and a hostile table name on a real engine: nothing is dropped, rows answer.
  await withDuckdb(async (engine) => {
    const table = RANDOM_CUSTOMERS[1].rename({ [SEG]: SEG });
    const { relation, drop } = await engine.load(table, HINTS);
    try {
      const name = (relation as { name: string }).name;
      const o = { by: [SEG, REGION], timeZone: BERLIN };
      const r = await churnRate({ engine, table: name }, o);
      assertSame(r, churnRate(table, o), "hostile labels");
      assert.ok((r.array(SEG) as unknown[]).includes(LABELS[1]));
      assert.equal((await engine.columns({ kind: "table", name })).length, 6);
    } finally {
      await drop();
    }
  });
});
