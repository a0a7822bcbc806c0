/**
 * Cohort retention pushed down to DuckDB, PostgreSQL and a two-shard
 * ClickHouse cluster gives exactly the in-memory
 * `cohortRetention` table (rows, intervals, flags, metadata) on the sample
 * events (loaded, and scanned as CSV), on seeded random tables with dates
 * at month boundaries in several zones, and with hostile column and table
 * names.
 */
import assert from "node:assert/strict";
import "@uwdata/flechette";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import {
  cohortRetention,
  type CohortRetentionOptions,
  CxDataError,
  CxOptionsError,
  duckdbEngine,
  readCsv,
} from "../../src/mod.ts";
import { cohortMeta } from "../../src/analysis/cohort_meta.ts";
import { cohortRetentionQueries, cohortRetentionSql } from "../../src/engine/cohort.ts";
import { seededRandom } from "../../src/stats/random.ts";
import type { PushdownSource, SqlEngine } from "../../src/engine/pushdown.ts";
import { postgresEngine } from "../../src/engine/postgres.ts";
import { clickhouseEngine } from "../../src/engine/clickhouse.ts";
import {
  clickhouseBin,
  postgresBin,
  serverAvailable,
  startClickhouse,
  startPostgres,
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

/** Same rows, same values, same metadata (apart from nothing: the finalize step is shared). */
function assertSame(actual: ColumnTable, expected: ColumnTable, what: string): void {
  assert.deepEqual(actual.columnNames(), expected.columnNames(), what);
  assert.deepEqual(actual.objects(), expected.objects(), what);
  assert.deepEqual(cohortMeta(actual), cohortMeta(expected), what);
}

const engine = duckdbEngine();

Deno.test({
  name: "cohortRetentionSql: sample events, loaded and scanned as CSV, equal cohortRetention",
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
            assertSame(await cohortRetentionSql(sample, { ...o, engine }), expected, what);
            assertSame(await cohortRetentionSql(SAMPLE, { ...o, engine }), expected, `csv ${what}`);
          }
        }
      }
    } finally {
      await engine.close();
    }
  },
});

Deno.test({
  name: "cohortRetentionSql: random events at month boundaries, hostile names, every period",
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
              await cohortRetentionSql(table, { ...o, engine }),
              cohortRetention(table, o),
              what,
            );
            const until = new Date("2024-06-30T20:00:00Z");
            assertSame(
              await cohortRetentionSql(table, { ...o, observedUntil: until, engine }),
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
  name: "cohortRetentionSql: a server table with a hostile name; queries bind values",
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
      const ref: PushdownSource = { engine, table: name };
      const result = await cohortRetentionSql(ref, { ...o, explain: (s) => seen.push(s.sql) });
      assertSame(result, cohortRetention(table, o), "table ref");
      assert.equal(seen.length, 2);
      assert.ok(seen.every((s) => !s.includes("Europe/Berlin") && s.includes(q)));

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
  name: "cohortRetentionSql: options it cannot push down, missing values and empty input fail",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    try {
      const d = new Date("2024-01-01");
      const events = aq.table({ customer_id: ["a", null], date: [d, d] });
      await assert.rejects(
        cohortRetentionSql(sample, { engine, signup: "date" }),
        /Option "signup" is not pushed down/,
      );
      await assert.rejects(
        cohortRetentionSql(sample, { engine, window: "rolling" }),
        /Option "window" must be "calendar"/,
      );
      await assert.rejects(cohortRetentionSql(sample), CxOptionsError);
      await assert.rejects(cohortRetentionSql(events, { engine }), CxDataError);
      await assert.rejects(
        cohortRetentionSql(sample, { engine, observedUntil: new Date("2000-01-01") }),
        /before the first event/,
      );
      await assert.rejects(
        cohortRetentionSql(sample, { engine, customer: "nope" }),
        /nope/,
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
        await cohortRetentionSql(sample, { ...o, engine }),
        cohortRetention(sample, o),
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
        await cohortRetentionSql(table, { ...o, engine }),
        cohortRetention(table, o),
        `${engine.name} random ${k} ${period} ${timeZone} ${mode}`,
      );
    }
  }
}

Deno.test({
  name: "cohortRetentionSql: PostgreSQL gives the in-memory table",
  sanitizeResources: false,
  sanitizeOps: false,
  ignore: !serverAvailable(postgresBin(), "PostgreSQL"),
  async fn() {
    const server = await startPostgres(postgresBin()!);
    const engine = postgresEngine({ url: server.url });
    try {
      await checkEngine(engine);
      await assert.rejects(cohortRetentionSql(SAMPLE, { engine }), /Only DuckDB scans files/);
    } finally {
      await engine.close();
      await server.stop();
    }
  },
});

Deno.test({
  name: "cohortRetentionSql: a two-shard ClickHouse cluster gives the in-memory table",
  sanitizeResources: false,
  sanitizeOps: false,
  ignore: !serverAvailable(clickhouseBin(), "ClickHouse"),
  async fn() {
    const server = await startClickhouse(clickhouseBin()!);
    const engine = clickhouseEngine({
      url: server.shards[0],
      cluster: { name: server.cluster, shards: server.shards },
    });
    try {
      await checkEngine(engine);
      // A Date column (local days, read in dateZone) in a plain table on the first shard.
      await engine.exec(
        "CREATE TABLE `ev dates` (`customer_id` String, `date` Date) ENGINE = MergeTree ORDER BY tuple()",
      );
      const tsv = (sample.objects() as Record<string, unknown>[]).map((r) =>
        `${r.customer_id}\t${(r.date as Date).toISOString().slice(0, 10)}`
      ).join("\n");
      await engine.exec("INSERT INTO `ev dates` FORMAT TabSeparated", { body: tsv + "\n" });
      for (const timeZone of ["UTC", "Europe/Berlin"]) {
        const o: CohortRetentionOptions = { timeZone, mode: "unbounded", period: "week" };
        assertSame(
          await cohortRetentionSql({ engine, table: "ev dates" }, o),
          cohortRetention(sample, o),
          `clickhouse Date column ${timeZone}`,
        );
      }
    } finally {
      await engine.close();
      await server.stop();
    }
  },
});
