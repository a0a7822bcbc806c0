/**
 * The runnable examples of docs/engines.md (its `ts` code blocks without
 * `ignore`) run as written against a PostgreSQL and a two-shard ClickHouse
 * cluster started here, with `CX_PG_URL`, `CX_CH_URL`, `CH_USER` and
 * `CH_PASSWORD` pointing at them and `"cxkit"` resolved to src/mod.ts; each
 * must exit 0 and print the result the same call gives in memory.
 */
import assert from "node:assert/strict";
import type { ColumnTable } from "arquero";
import { churnRate, nps, readCsv } from "../../src/mod.ts";
import { clickhouseEngine } from "../../src/engine/clickhouse.ts";
import { postgresEngine } from "../../src/engine/postgres.ts";
import {
  CH_USERS,
  clickhouseBin,
  postgresBin,
  serverAvailable,
  withClickhouse,
  withPostgres,
} from "./servers.ts";

const GUIDE = new URL("../../docs/engines.md", import.meta.url);
const MOD = new URL("../../src/mod.ts", import.meta.url).href;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** The runnable `ts` blocks of the guide, in order. */
function runnableBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Runs a block as a script with `"cxkit"` pointing at src/mod.ts; returns its stdout. */
async function runBlock(block: string, env: Record<string, string>): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, block.replace(/from "cxkit"/g, `from "${MOD}"`));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", CONFIG, file],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    assert.equal(out.code, 0, text.decode(out.stderr));
    return text.decode(out.stdout);
  } finally {
    await Deno.remove(file);
  }
}

/**
 * The printed table has the expected shape, and each of its first rows
 * (Arquero prints 10) holds the expected values of `names` in that row.
 */
function printedIn(text: string, table: ColumnTable, names: string[]): void {
  assert.ok(
    text.includes(`${table.numCols()} cols x ${table.numRows()} rows`),
    `shape ${table.numCols()} x ${table.numRows()} in\n${text}`,
  );
  const lines = text.split("\n").filter((l) => /^│\s+\d+ │/.test(l));
  assert.equal(lines.length, Math.min(10, table.numRows()));
  lines.forEach((line, i) => {
    const cells = line.split("│").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
    for (const name of names) {
      const at = table.columnNames().indexOf(name) + 2; // "", "(idx)", then the columns
      assert.equal(cells[at], String(table.get(name, i)), `row ${i} ${name}`);
    }
  });
}

Deno.test("docs/engines.md has two runnable examples and the rest marked ignore", async () => {
  const blocks = runnableBlocks(await Deno.readTextFile(GUIDE));
  assert.equal(blocks.length, 2);
  assert.ok(blocks[0].includes("postgresEngine") && blocks[1].includes("clickhouseEngine"));
});

Deno.test({
  name: "docs/engines.md: the PostgreSQL example runs against a server",
  ignore: !serverAvailable(postgresBin(), "PostgreSQL"),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withPostgres(async (server) => {
      const { table } = await readCsv(new URL("../../data/sample/responses.csv", import.meta.url), {
        schema: "responses",
      });
      const answers = table.select("channel", "nps_score").filter((d) => d.nps_score !== null);
      const pg = postgresEngine(server.url);
      const run = (sql: string, params: unknown[] = []) =>
        pg.run({ dialect: "postgres", sql, params: params as never, keys: [], measures: [] });
      await run("CREATE SCHEMA cx");
      await run("CREATE TABLE cx.survey_answers (channel text, nps_score integer)");
      const rows = answers.objects() as { channel: string; nps_score: number }[];
      for (let i = 0; i < rows.length; i += 5000) {
        const chunk = rows.slice(i, i + 5000);
        await run(
          `INSERT INTO cx.survey_answers SELECT * FROM unnest($1::text[], $2::int[])`,
          [chunk.map((r) => r.channel), chunk.map((r) => r.nps_score)],
        );
      }
      await pg.close();
      const [block] = runnableBlocks(await Deno.readTextFile(GUIDE));
      const printed = await runBlock(block, { CX_PG_URL: server.url });
      const expected = nps(answers, { by: "channel" });
      printedIn(printed, expected, ["channel", "n", "promoters", "detractors"]);
    }),
});

Deno.test({
  name: "docs/engines.md: the ClickHouse example runs against a two-shard cluster",
  ignore: !serverAvailable(clickhouseBin(), "ClickHouse"),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withClickhouse(async (server) => {
      const { table } = await readCsv(new URL("../../data/sample/customers.csv", import.meta.url), {
        schema: "customers",
      });
      const customers = table.select("customer_id", "signup_date", "churn_date", "plan");
      const ch = clickhouseEngine({ url: server.shards[0] });
      const local =
        "(customer_id String, signup_date Date, churn_date Nullable(Date), plan String) ENGINE = Memory";
      const day = (d: unknown) => d instanceof Date ? d.toISOString().slice(0, 10) : null;
      const rows = (customers.objects() as Record<string, unknown>[]).map((r) =>
        JSON.stringify({ ...r, signup_date: day(r.signup_date), churn_date: day(r.churn_date) })
      );
      const half = Math.ceil(rows.length / 2);
      for (const [k, url] of server.shards.entries()) {
        await ch.exec("CREATE DATABASE cx", { url });
        await ch.exec(`CREATE TABLE cx.customers_local ${local}`, { url });
        const part = rows.slice(k * half, (k + 1) * half);
        await ch.exec("INSERT INTO cx.customers_local FORMAT JSONEachRow", {
          url,
          body: part.join("\n") + "\n",
        });
      }
      await ch.exec(
        `CREATE TABLE cx.customers_all AS cx.customers_local ENGINE = Distributed(${server.cluster}, cx, customers_local)`,
      );
      const [, block] = runnableBlocks(await Deno.readTextFile(GUIDE));
      const printed = await runBlock(block, {
        CX_CH_URL: server.shards[0],
        CH_USER: "secret",
        CH_PASSWORD: CH_USERS.secret,
      });
      const expected = churnRate(customers, { by: "plan" });
      printedIn(printed, expected, ["plan", "period", "customers_start", "churned"]);
    }),
});
