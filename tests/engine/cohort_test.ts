/**
 * Cohort retention pushed down to DuckDB, PostgreSQL and a two-shard
 * ClickHouse cluster gives exactly the in-memory
 * `cohortRetention` table (rows, intervals, flags, metadata) on the sample
 * events (loaded, and scanned as CSV), on seeded random tables with dates
 * at month boundaries in several zones, and with hostile column and table
 * names; with segments (`by`: text with missing, empty, one-row and hostile
 * unicode labels, numbers, booleans; ties between first events), revenue
 * retention (counts exactly, revenue sums and ratios to 1e-9) and signup
 * columns (signups up to 40 days before the first event, across month ends).
 */
import { meta } from "../../src/meta.ts";
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import {
  cohortChurn,
  type CohortChurnOptions,
  cohortRetention,
  type CohortRetentionOptions,
  CxDataError,
  CxOptionsError,
  duckdbEngine,
  pooledRetention,
  readCsv,
  retentionByCohort,
  REVENUE_RETENTION_COLUMNS,
} from "../../src/mod.ts";
import { cohortRetentionQueries } from "../../src/analysis/cohort/sql/step.ts";
import { seededRandom } from "../../src/stats/random.ts";
import type { Source, SqlEngine } from "../../src/engine/engine.ts";
import { postgresEngine } from "../../src/engine/postgres.ts";
import { clickhouseEngine } from "../../src/engine/clickhouse.ts";
import {
  clickhouseBin,
  postgresBin,
  serverAvailable,
  withClickhouse,
  withPostgres,
} from "./servers.ts";

const SAMPLE = new URL("../../data/sample/events.csv", import.meta.url).pathname;
const { table: sample } = await readCsv(SAMPLE, { schema: "events" });

const CUSTOMER = `cust"; DROP TABLE t; --`;
const DATE = "seen at' --";
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];
const PERIODS = ["month", "week", "quarter", "day"] as const;

/** Seeded events within ±14 h of midnight UTC on the 1st of a month: cohorts differ by zone. */
function randomEvents(seed: number, rows: number, customers: number): ColumnTable {
  const random = seededRandom(seed);
  const ids: string[] = [], dates: Date[] = [];
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(random() * customers);
    ids.push(c % 3 === 0 ? `Zürich 🚀 ${c}` : c % 3 === 1 ? `'; -- ${c}` : `c${c}`);
    const month = Math.floor(random() * 14);
    const t = Date.UTC(2023, 11 + month, 1) + Math.round((random() - 0.5) * 28 * 3600) * 1000;
    dates.push(new Date(t));
  }
  return aq.table({ [CUSTOMER]: ids, [DATE]: dates });
}

const SEGMENT = `plan "x'; --`;
const SIGNUP = "signed up 🚀";
const REVENUE = "amount €";
const LABELS = ["Zürich 🚀", `'); DROP TABLE t; --`, "", null, "basic", "a\tb\nc"];

/**
 * Seeded events with segments and revenue: a text segment with missing,
 * empty and hostile labels (one customer's first event carries a label no
 * other row has), a number and a boolean segment, and revenue in cents
 * with refunds, zeros and gaps. Some customers have two first events at the
 * same instant with different labels (the first row decides).
 */
function randomSegmented(seed: number, rows: number, customers: number): ColumnTable {
  const base = randomEvents(seed, rows, customers);
  const random = seededRandom(seed + 100);
  const ids = base.array(CUSTOMER) as string[], dates = base.array(DATE) as Date[];
  const labels: (string | null)[] = [], tiers: (number | null)[] = [], flags: boolean[] = [];
  const amounts: (number | null)[] = [];
  for (let i = 0; i < rows; i++) {
    labels.push(LABELS[Math.floor(random() * LABELS.length)]);
    tiers.push(random() < 0.1 ? null : Math.floor(random() * 3) * 1.5);
    flags.push(random() < 0.5);
    const r = random();
    amounts.push(r < 0.2 ? null : r < 0.3 ? 0 : Math.round((random() - 0.15) * 20000) / 100);
  }
  // A tie: the same customer's earliest instant twice, with different labels.
  const first = new Map<string, number>();
  dates.forEach((d, i) => {
    const f = first.get(ids[i]);
    if (f === undefined || d < dates[f]) first.set(ids[i], i);
  });
  let ties = 0;
  for (const [id, i] of first) {
    if (ties++ % 5) continue;
    ids.push(id), dates.push(dates[i]), labels.push(`tie ${labels[i]}`);
    tiers.push(7), flags.push(!flags[i]), amounts.push(1.25);
  }
  // A one-row segment: a new customer with a single event.
  ids.push("only one"), dates.push(dates[0]), labels.push("one-row segment");
  tiers.push(-2), flags.push(true), amounts.push(-3.5);
  // Each customer's signup: their first event, or up to 40 days before it (across month ends).
  const signupOf = new Map<string, Date>();
  for (const [id, i] of first) {
    const r = random();
    signupOf.set(
      id,
      r < 0.3 ? dates[i] : new Date(dates[i].getTime() - Math.round(r * 40 * 86400) * 1000),
    );
  }
  signupOf.set("only one", dates[0]);
  return aq.table({
    [CUSTOMER]: ids,
    [DATE]: dates,
    [SIGNUP]: ids.map((id) => signupOf.get(id)!),
    [SEGMENT]: labels,
    tier: tiers,
    flag: flags,
    [REVENUE]: amounts,
  });
}

const FLOATS = new Set<string>(REVENUE_RETENTION_COLUMNS);

/**
 * Same rows, same values, same metadata: counts, labels, dates and
 * retention exactly (the finalize step is shared), revenue sums and their
 * ratios to 1e-9 (engines add in another order).
 */
function assertSame(actual: ColumnTable, expected: ColumnTable, what: string): void {
  assert.deepEqual(actual.columnNames(), expected.columnNames(), what);
  const a = actual.objects() as Record<string, unknown>[];
  const e = expected.objects() as Record<string, unknown>[];
  assert.equal(a.length, e.length, `${what}: rows`);
  e.forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) {
      const got = a[i][k];
      if (FLOATS.has(k) && typeof v === "number") {
        assert.ok(
          typeof got === "number" && Math.abs(got - v) <= 1e-9 * Math.max(1, Math.abs(v)),
          `${what}: row ${i} ${k} ${got} vs ${v}`,
        );
      } else assert.deepEqual(got, v, `${what}: row ${i} ${k}`);
    }
  });
  // The engine's result adds the engine (and, with explain: true, the SQL) to the same metadata.
  const { engine: used, queries, ...rest } = meta<"cohort">(actual);
  assert.ok(typeof used === "string" && Array.isArray(queries), `${what}: engine metadata`);
  assert.deepEqual(rest, meta<"cohort">(expected), what);
}

/** Sample events with each customer's plan and region (from the customers table). */
const { table: customers } = await readCsv(
  new URL("../../data/sample/customers.csv", import.meta.url).pathname,
  { schema: "customers" },
);
const sampleJoined = sample.join_left(
  customers.select("customer_id", "plan", "region", "signup_date"),
  "customer_id",
);

/**
 * The server tests' share of the sample: every event of one customer in five
 * (about 20,000 events), so each of their many uploads stays small. DuckDB
 * runs the whole sample once and this share for the other zone and cut-off.
 */
const serverCustomers = new Set(
  (customers.array("customer_id") as string[]).filter((_, i) => i % 5 === 0),
);
const serverSample = sample.filter(
  aq.escape((d: { customer_id: string }) => serverCustomers.has(d.customer_id)),
);
const serverJoined = sampleJoined.filter(
  aq.escape((d: { customer_id: string }) => serverCustomers.has(d.customer_id)),
);

/** The segment and revenue options the parity tests run, on the sample and on random tables. */
const SAMPLE_OPTIONS: CohortRetentionOptions[] = [
  { by: "type" },
  { by: ["plan", "region"], mode: "unbounded" },
  { revenue: "revenue" },
  { by: "plan", revenue: "revenue", mode: "unbounded" },
  { signup: "signup_date", by: "plan", revenue: "revenue" },
];
const RANDOM_OPTIONS: CohortRetentionOptions[] = [
  { by: SEGMENT },
  { by: ["tier", "flag"], mode: "unbounded" },
  { revenue: REVENUE },
  { by: [SEGMENT, "flag"], revenue: REVENUE, mode: "unbounded" },
  { signup: SIGNUP },
  { signup: SIGNUP, by: SEGMENT, revenue: REVENUE, mode: "unbounded" },
  // Missing tiers: left out above (counted in notes.missingGroups), their own segment here.
  { by: ["tier", "flag"], missing: "group" },
];

const engine = duckdbEngine();

Deno.test({
  name:
    "cohortRetention with engine: sample events, loaded and scanned as CSV, equal cohortRetention",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      for (const timeZone of ["UTC", "Europe/Berlin"]) {
        for (const mode of ["exact", "unbounded"] as const) {
          for (const observedUntil of [undefined, new Date("2024-09-15")]) {
            const o: CohortRetentionOptions = { timeZone, mode, observedUntil };
            const expected = cohortRetention(sample, o);
            const what = `${timeZone} ${mode} ${observedUntil?.toISOString() ?? "last event"}`;
            assert.ok(expected.numRows() > 10, what);
            assertSame(await cohortRetention(SAMPLE, { ...o, engine }), expected, `csv ${what}`);
            // Uploading a table: the whole sample once, the servers' fifth of it otherwise.
            const whole = timeZone === "UTC" && mode === "exact" && !observedUntil;
            assertSame(
              await cohortRetention(whole ? sample : serverSample, { ...o, engine }),
              whole ? expected : cohortRetention(serverSample, o),
              `table ${what}`,
            );
          }
        }
      }
    } finally {
      await engine.close();
    }
  },
});

Deno.test({
  name:
    "cohortRetention with engine: random events at month boundaries, hostile names, every period",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const tables = [randomEvents(1, 3000, 200), randomEvents(2, 40, 7), randomEvents(3, 1, 1)];
      for (const [k, table] of tables.entries()) {
        for (const [z, timeZone] of ZONES.entries()) {
          const period = PERIODS[(k + z) % 4];
          for (const mode of ["exact", "unbounded"] as const) {
            const o = { customer: CUSTOMER, date: DATE, period, timeZone, mode };
            const what = `random ${k} ${period} ${timeZone} ${mode}`;
            assertSame(
              await cohortRetention(table, { ...o, engine }),
              cohortRetention(table, o),
              what,
            );
            const until = new Date("2024-06-30T20:00:00Z");
            assertSame(
              await cohortRetention(table, { ...o, observedUntil: until, engine }),
              cohortRetention(table, { ...o, observedUntil: until }),
              `${what} observedUntil`,
            );
          }
        }
      }
    } finally {
      await engine.close();
    }
  },
});

Deno.test({
  name:
    "cohortRetention with engine: segments, revenue and signup columns on DuckDB equal cohortRetention",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      for (const timeZone of ["UTC", "Europe/Berlin"]) {
        for (const observedUntil of [undefined, new Date("2024-09-15")]) {
          // The whole sample once; the other zone and cut-off on the servers' fifth of it.
          const whole = timeZone === "UTC" && !observedUntil;
          const events = whole ? sampleJoined : serverJoined;
          for (const options of SAMPLE_OPTIONS) {
            const o = { ...options, timeZone, observedUntil };
            const what = `sample${whole ? "" : " (a fifth)"} ${
              JSON.stringify(options)
            } ${timeZone} ${observedUntil ?? ""}`;
            const expected = cohortRetention(events, o);
            assert.ok(expected.numRows() > 10, what);
            assertSame(await cohortRetention(events, { ...o, engine }), expected, what);
          }
        }
      }
      // Revenue from the CSV file, scanned (no segments: a file has no row order for ties).
      const o = { revenue: "revenue", timeZone: "Europe/Berlin" };
      assertSame(
        await cohortRetention(SAMPLE, { ...o, engine }),
        cohortRetention(sample, o),
        "csv revenue",
      );
      const tables = [
        randomSegmented(7, 3000, 200),
        randomSegmented(8, 40, 7),
        randomSegmented(9, 1, 1),
      ];
      for (const [k, table] of tables.entries()) {
        for (const [z, timeZone] of ZONES.entries()) {
          const period = PERIODS[(k + z) % 4];
          for (const [j, options] of RANDOM_OPTIONS.entries()) {
            const observedUntil = j % 2 && k < 2 ? new Date("2024-06-30T20:00:00Z") : undefined;
            const o = {
              ...options,
              customer: CUSTOMER,
              date: DATE,
              period,
              timeZone,
              observedUntil,
            };
            const what = `random ${k} ${period} ${timeZone} ${JSON.stringify(options)}`;
            const expected = cohortRetention(table, o);
            assertSame(await cohortRetention(table, { ...o, engine }), expected, what);
            if (k === 0 && options.by) {
              assert.equal(
                meta<"cohort">(expected)?.warnings.length,
                1,
                `${what}: segment changes`,
              );
            }
          }
        }
      }
    } finally {
      await engine.close();
    }
  },
});

Deno.test({
  name:
    "cohortRetention with engine: invalid revenue, signups and segments by dates fail like in memory",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const d = (s: string) => new Date(s);
      const events = aq.table({
        customer_id: ["a", "a", "b"],
        date: [d("2024-01-01"), d("2024-02-01"), d("2024-03-01")],
        amount: [1, NaN, Infinity],
        text: ["1", "2", "3"],
      });
      assert.throws(() => cohortRetention(events, { revenue: "amount" }), CxDataError);
      await assert.rejects(
        cohortRetention(events, { engine, revenue: "amount" }),
        (e: CxDataError) => e instanceof CxDataError && /2 problems/.test(e.message),
      );
      // Events after observedUntil are not checked, in memory and in SQL.
      const until = { revenue: "amount", observedUntil: d("2024-01-31") };
      assertSame(
        await cohortRetention(events, { ...until, engine }),
        cohortRetention(events, until),
        "bad revenue after the cut-off",
      );
      await assert.rejects(
        cohortRetention(events, { engine, revenue: "text" }),
        /revenue must be a number column/,
      );
      await assert.rejects(
        cohortRetention(events, { engine, by: "date" }),
        /cohortRetention cannot run in an SQL engine: option "by" names "date", a date column .*segments by dates are not pushed down/,
      );
      await assert.rejects(cohortRetention(events, { engine, by: "nope" }), /nope/);
      // Signup columns: several per customer, events before the signup, missing, not dates.
      const signups = events.assign({
        several: [d("2024-01-01"), d("2023-12-01"), d("2024-01-01")],
        later: [d("2024-01-15"), d("2024-01-15"), d("2024-01-01")],
        gaps: [d("2024-01-01"), d("2024-01-01"), null],
      });
      for (
        const [signup, message] of [
          ["several", /different several values/],
          ["later", /before their customer's later/],
          ["gaps", /gaps is missing/],
        ] as const
      ) {
        assert.throws(() => cohortRetention(signups, { signup }), CxDataError);
        await assert.rejects(cohortRetention(signups, { engine, signup }), message);
      }
      await assert.rejects(
        cohortRetention(signups, { engine, signup: "text" }),
        /signup dates need a date or timestamp column/,
      );
    } finally {
      await engine.close();
    }
  },
});

Deno.test({
  name:
    "cohortRetention with engine: a bitset per customer when the periods fit 64 bits, else DISTINCT",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const table = randomEvents(12, 500, 50);
      for (const [period, form] of [["month", "bit_or"], ["day", "DISTINCT"]] as const) {
        const o = { customer: CUSTOMER, date: DATE, period, mode: "unbounded" as const };
        const seen: string[] = [];
        assertSame(
          await cohortRetention(table, {
            ...o,
            engine,
            explain: (q: { sql: string }) => seen.push(q.sql),
          }),
          cohortRetention(table, o),
          period,
        );
        assert.ok(seen[1].includes(form), `${period}: ${seen[1]}`);
      }
    } finally {
      await engine.close();
    }
  },
});

Deno.test({
  name: "cohortRetention with engine: a server table with a hostile name; queries bind values",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const connection = await engine.connection();
      const name = `ev"; DROP TABLE x; --`;
      const q = `"${name.replaceAll('"', '""')}"`;
      const c = `"${CUSTOMER.replaceAll('"', '""')}"`, d = `"${DATE.replaceAll('"', '""')}"`;
      await connection.run(`CREATE TABLE ${q} (${c} VARCHAR, ${d} TIMESTAMPTZ)`);
      const table = randomEvents(4, 500, 40);
      for (let i = 0; i < table.numRows(); i++) {
        await connection.run(`INSERT INTO ${q} VALUES ($1, $2::TIMESTAMPTZ)`, [
          table.get(CUSTOMER, i),
          (table.get(DATE, i) as Date).toISOString(),
        ]);
      }
      const o = { customer: CUSTOMER, date: DATE, timeZone: "Europe/Berlin" };
      const seen: string[] = [];
      const ref: Source = { engine, table: name };
      const result = await cohortRetention(ref, { ...o, explain: (s) => seen.push(s.sql) });
      assertSame(result, cohortRetention(table, o), "table ref");
      assert.equal(seen.length, 2);
      assert.ok(seen.every((s) => !s.includes("Europe/Berlin") && s.includes(q)));
      // explain: true keeps the same statements in meta(result).queries, with the engine.
      const explained = meta(await cohortRetention(ref, { ...o, explain: true }));
      assert.deepEqual(explained.queries?.map((query) => query.sql), seen);
      assert.equal(explained.engine, engine.name);

      const queries = cohortRetentionQueries(
        { sql: q, params: [] },
        { customer: CUSTOMER, date: DATE, dateKind: "instant", dateZone: "UTC", dialect: "duckdb" },
        { ...o, observedUntil: new Date("2024-12-31") },
      );
      assert.ok(queries.cells.params.includes("Europe/Berlin"));
    } finally {
      await engine.close();
    }
  },
});

Deno.test({
  name:
    "cohortRetention with engine: options it cannot push down, missing values and empty input fail",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const d = new Date("2024-01-01");
      const events = aq.table({ customer_id: ["a", null], date: [d, d] });
      await assert.rejects(
        cohortRetention(sample, { engine, signup: customers }),
        /cohortRetention cannot run in an SQL engine: option "signup" as a customers table is not pushed down/,
      );
      await assert.rejects(
        cohortRetention(sample, { engine, window: "rolling" }),
        /cohortRetention cannot run in an SQL engine: rolling windows/,
      );
      assert.throws(
        () => cohortRetention(sample, { explain: true } as CohortRetentionOptions),
        /"explain" needs an SQL engine/,
      );
      await assert.rejects(cohortRetention(events, { engine }), CxDataError);
      await assert.rejects(
        cohortRetention(sample, { engine, observedUntil: new Date("2000-01-01") }),
        /before the first event/,
      );
      await assert.rejects(
        cohortRetention(sample, { engine, customer: "nope" }),
        /nope/,
      );
      // The summaries refuse what cohortRetention refuses, in the one wording.
      await assert.rejects(
        pooledRetention(sample, { engine, window: "rolling" }),
        /pooledRetention cannot run in an SQL engine: rolling windows/,
      );
      await assert.rejects(
        retentionByCohort(sample, { engine, periodIndex: 1, signup: customers }),
        CxOptionsError,
      );
    } finally {
      await engine.close();
    }
  },
});

/** Parity of one engine on the sample and the random tables (in-memory input, loaded). */
async function checkEngine(engine: SqlEngine): Promise<void> {
  for (const timeZone of ["UTC", "Europe/Berlin"]) {
    for (const mode of ["exact", "unbounded"] as const) {
      const o: CohortRetentionOptions = { timeZone, mode, observedUntil: new Date("2024-09-15") };
      assertSame(
        await cohortRetention(serverSample, { ...o, engine }),
        cohortRetention(serverSample, o),
        `${engine.name} sample ${timeZone} ${mode}`,
      );
    }
  }
  const tables = [randomEvents(5, 2000, 150), randomEvents(6, 30, 5)];
  for (const [k, table] of tables.entries()) {
    for (const [z, timeZone] of ZONES.entries()) {
      const period = PERIODS[(k + z) % 4];
      const mode = z % 2 ? "unbounded" as const : "exact" as const;
      const o = { customer: CUSTOMER, date: DATE, period, timeZone, mode };
      assertSame(
        await cohortRetention(table, { ...o, engine }),
        cohortRetention(table, o),
        `${engine.name} random ${k} ${period} ${timeZone} ${mode}`,
      );
    }
  }
  for (const timeZone of ["UTC", "Europe/Berlin"]) {
    for (const options of SAMPLE_OPTIONS) {
      const o = { ...options, timeZone, observedUntil: new Date("2024-09-15") };
      assertSame(
        await cohortRetention(serverJoined, { ...o, engine }),
        cohortRetention(serverJoined, o),
        `${engine.name} sample ${JSON.stringify(options)} ${timeZone}`,
      );
    }
  }
  // The summaries are finalize steps over the same SQL cells.
  for (const options of SAMPLE_OPTIONS.slice(1, 4)) {
    const o = { ...options, observedUntil: new Date("2024-09-15") };
    const expected = cohortRetention(serverJoined, o);
    assertSame(
      await pooledRetention(serverJoined, { ...o, includeIncomplete: true, engine }),
      pooledRetention(expected, { includeIncomplete: true }),
      `${engine.name} pooled ${JSON.stringify(options)}`,
    );
    assertSame(
      await retentionByCohort(serverJoined, { ...o, periodIndex: 2, engine }),
      retentionByCohort(expected, { periodIndex: 2 }),
      `${engine.name} by cohort ${JSON.stringify(options)}`,
    );
  }
  const segmented = [randomSegmented(10, 2000, 150), randomSegmented(11, 30, 5)];
  for (const [k, table] of segmented.entries()) {
    for (const [z, timeZone] of ZONES.entries()) {
      const period = PERIODS[(k + z) % 4];
      for (const [j, options] of RANDOM_OPTIONS.entries()) {
        const observedUntil = (j + z) % 2 ? new Date("2024-06-30T20:00:00Z") : undefined;
        const o = { ...options, customer: CUSTOMER, date: DATE, period, timeZone, observedUntil };
        assertSame(
          await cohortRetention(table, { ...o, engine }),
          cohortRetention(table, o),
          `${engine.name} segmented ${k} ${period} ${timeZone} ${JSON.stringify(options)}`,
        );
      }
    }
  }
  const d = (s: string) => new Date(s);
  const signups = aq.table({
    customer_id: ["a", "a", "b"],
    date: [d("2024-01-01"), d("2024-02-01"), d("2024-03-01")],
    several: [d("2024-01-01"), d("2023-12-01"), d("2024-01-01")],
    later: [d("2024-01-15"), d("2024-01-15"), d("2024-01-01")],
  });
  for (
    const [signup, message] of [["several", /different several/], ["later", /before/]] as const
  ) {
    await assert.rejects(cohortRetention(signups, { engine, signup }), message);
  }
}

/** Seeded customers with hostile names: signups at month boundaries, churns after them or none. */
function randomCustomers(seed: number, rows: number): ColumnTable {
  const random = seededRandom(seed);
  const ids: string[] = [], signups: Date[] = [], churns: (Date | null)[] = [];
  const labels: (string | null)[] = [], tiers: (number | null)[] = [], flags: boolean[] = [];
  for (let i = 0; i < rows; i++) {
    ids.push(i % 3 === 0 ? `Zürich 🚀 ${i}` : `'; -- ${i}`);
    const month = Math.floor(random() * 14);
    const s = Date.UTC(2023, 11 + month, 1) + Math.round((random() - 0.5) * 28 * 3600) * 1000;
    signups.push(new Date(s));
    const r = random();
    churns.push(r < 0.4 ? null : new Date(s + Math.round(r * 400 * 86400) * 1000));
    labels.push(LABELS[Math.floor(random() * LABELS.length)]);
    tiers.push(random() < 0.1 ? null : Math.floor(random() * 3) * 1.5);
    flags.push(random() < 0.5);
  }
  return aq.table({
    [CUSTOMER]: ids,
    [SIGNUP]: signups,
    [DATE]: churns,
    [SEGMENT]: labels,
    tier: tiers,
    flag: flags,
  });
}

/** cohortChurn with an engine equals it in memory: sample customers, random hostile tables, errors. */
async function checkChurn(engine: SqlEngine): Promise<void> {
  const same = (actual: ColumnTable, expected: ColumnTable, what: string) => {
    assert.deepEqual(actual.objects(), expected.objects(), what);
    const { engine: used, queries: _, ...rest } = meta<"cohort">(actual);
    assert.equal(used, engine.name, what);
    assert.deepEqual(rest, meta<"cohort">(expected), what);
  };
  const SAMPLE_CHURN: CohortChurnOptions[] = [
    {},
    { by: "plan" },
    { by: ["plan", "region"], period: "week", timeZone: "Europe/Berlin" },
    { period: "quarter", observedUntil: new Date("2024-06-30") },
  ];
  for (const o of SAMPLE_CHURN) {
    same(
      await cohortChurn(customers, { ...o, engine }),
      cohortChurn(customers, o),
      `${engine.name} churn ${JSON.stringify(o)}`,
    );
  }
  const table = randomCustomers(21, 400);
  const names = { customer: CUSTOMER, signupDate: SIGNUP, churnDate: DATE };
  for (const [z, timeZone] of ZONES.entries()) {
    const period = PERIODS[z % 4];
    const by = [[SEGMENT], ["tier", "flag"], [SEGMENT, "flag"], []][z];
    const observedUntil = z % 2 ? new Date("2024-06-30T20:00:00Z") : undefined;
    const o = {
      ...names,
      period,
      timeZone,
      by,
      observedUntil,
      missing: z === 1 ? "group" as const : undefined,
    };
    same(
      await cohortChurn(table, { ...o, engine }),
      cohortChurn(table, o),
      `${engine.name} churn random ${period} ${timeZone} ${by}`,
    );
  }
  // Bad customers fail like in memory, with counts where memory lists rows.
  const d = (s: string) => new Date(s);
  const bad = aq.table({
    customer_id: ["a", "a", "b", null],
    signup_date: [d("2024-01-05"), d("2024-01-06"), d("2024-02-01"), d("2024-02-01")],
    churn_date: [null, null, d("2024-01-01"), null],
  });
  assert.throws(() => cohortChurn(bad), CxDataError);
  await assert.rejects(
    cohortChurn(bad, { engine }),
    (e: Error) =>
      e instanceof CxDataError && /3 problems/.test(e.message) &&
      /1 row\(s\): customer_id is missing/.test(e.message) &&
      /more than one row/.test(e.message) && /churn_date is before signup_date/.test(e.message),
  );
}

Deno.test({
  name: "cohortChurn with engine: DuckDB (loaded and scanned as CSV) gives the in-memory table",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      await checkChurn(engine);
      const path = new URL("../../data/sample/customers.csv", import.meta.url).pathname;
      const scanned = await cohortChurn(path, { engine, by: "plan", timeZone: "Europe/Berlin" });
      assert.deepEqual(
        scanned.objects(),
        cohortChurn(customers, { by: "plan", timeZone: "Europe/Berlin" }).objects(),
      );
    } finally {
      await engine.close();
    }
  },
});

Deno.test({
  name: "cohortRetention with engine: PostgreSQL gives the in-memory table",
  sanitizeResources: false,
  sanitizeOps: false,
  ignore: !serverAvailable(postgresBin(), "PostgreSQL"),
  fn: () =>
    withPostgres(async (server) => {
      const engine = postgresEngine({ url: server.url });
      try {
        await checkEngine(engine);
        await checkChurn(engine);
        await assert.rejects(cohortRetention(SAMPLE, { engine }), /Only DuckDB scans files/);
      } finally {
        await engine.close();
      }
    }),
});

Deno.test({
  name: "cohortRetention with engine: a two-shard ClickHouse cluster gives the in-memory table",
  sanitizeResources: false,
  sanitizeOps: false,
  ignore: !serverAvailable(clickhouseBin(), "ClickHouse"),
  fn: () =>
    withClickhouse(async (server) => {
      const engine = clickhouseEngine({
        url: server.shards[0],
        cluster: { name: server.cluster, shards: server.shards },
      });
      try {
        await checkEngine(engine);
        await checkChurn(engine);
        for (
          const [period, form] of [["month", "groupBitOr"], ["day", "groupUniqArray"]] as const
        ) {
          const seen: string[] = [];
          const o: CohortRetentionOptions = {
            period,
            mode: "unbounded",
            timeZone: "Europe/Berlin",
          };
          assertSame(
            await cohortRetention(serverSample, {
              ...o,
              engine,
              explain: (q: { sql: string }) => seen.push(q.sql),
            }),
            cohortRetention(serverSample, o),
            `clickhouse ${period}`,
          );
          assert.ok(seen[1].includes(form), seen[1]);
        }
        // A Date column (local days, read in dateZone) in a plain table on the first shard.
        await engine.exec(
          "CREATE TABLE `ev dates` (`customer_id` String, `date` Date) ENGINE = MergeTree ORDER BY tuple()",
        );
        const tsv = (serverSample.objects() as Record<string, unknown>[]).map((r) =>
          `${r.customer_id}\t${(r.date as Date).toISOString().slice(0, 10)}`
        ).join("\n");
        await engine.exec("INSERT INTO `ev dates` FORMAT TabSeparated", { body: tsv + "\n" });
        for (const timeZone of ["UTC", "Europe/Berlin"]) {
          const o: CohortRetentionOptions = { timeZone, mode: "unbounded", period: "week" };
          assertSame(
            await cohortRetention({ engine, table: "ev dates" }, o),
            cohortRetention(serverSample, o),
            `clickhouse Date column ${timeZone}`,
          );
        }
      } finally {
        await engine.exec("DROP TABLE IF EXISTS `ev dates`").catch(() => {});
        await engine.close();
      }
    }),
});
