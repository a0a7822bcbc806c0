/**
 * Runs the hostile statistics cases of tests/fixtures/hostile/stats/cases.json
 * (made by make_cases.py there, with scipy/statsmodels reference values):
 * intervals at the edges of their scale, zero-width intervals, benchmarks on
 * every proportion KPI, business hours without a state.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { assertEquals, assertMatch } from "../assert.ts";
import * as cx from "../../src/mod.ts";
import { assertClose } from "./fixtures.ts";

interface Case {
  name: string;
  about: string;
  call: keyof typeof CALLS;
  data: Record<string, unknown[] | { repeat: [unknown, number][] }>;
  options?: Record<string, unknown>;
  benchmark?: cx.BenchmarkOptions;
  expect: {
    error?: { type: string; includes: string[] };
    row?: number;
    values?: Record<string, unknown>;
    notes?: Record<string, string>;
  };
}

const CALLS = {
  nps: cx.nps,
  csat: cx.csat,
  ces: cx.ces,
  firstContactResolution: cx.firstContactResolution,
  firstResponseTime: cx.firstResponseTime,
  churnRate: cx.churnRate,
  retentionRate: cx.retentionRate,
  referralRate: cx.referralRate,
  segment: cx.segment,
  trend: cx.trend,
} as unknown as Record<string, (t: ColumnTable, o: Record<string, unknown>) => ColumnTable>;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const asDate = (v: unknown) => typeof v === "string" && ISO.test(v) ? new Date(v) : v;

function table(data: Case["data"]): ColumnTable {
  return aq.table(Object.fromEntries(
    Object.entries(data).map(([name, spec]) => [
      name,
      Array.isArray(spec)
        ? spec.map(asDate)
        : spec.repeat.flatMap(([value, times]) => Array(times).fill(value)),
    ]),
  ));
}

function run(c: Case): ColumnTable {
  const options = Object.fromEntries(
    Object.entries(c.options ?? {}).map(([k, v]) => [k, asDate(v)]),
  );
  const result = CALLS[c.call](table(c.data), options);
  return c.benchmark ? cx.compareToBenchmark(result, c.benchmark) : result;
}

const file = new URL("../fixtures/hostile/stats/cases.json", import.meta.url);
const { cases } = JSON.parse(Deno.readTextFileSync(file)) as { cases: Case[] };

Deno.test("hostile stats: the table has the cases issue #13 asks for", () => {
  assertEquals(cases.length >= 12, true);
  assertEquals(new Set(cases.map((c) => c.name)).size, cases.length, "case names are unique");
});

for (const c of cases) {
  Deno.test(`hostile stats: ${c.name}`, () => {
    const { error, row = 0, values = {}, notes = {} } = c.expect;
    if (error) {
      let thrown: unknown;
      try {
        run(c);
      } catch (e) {
        thrown = e;
      }
      assertEquals((thrown as Error | undefined)?.constructor.name, error.type, c.about);
      for (const part of error.includes) {
        assertEquals((thrown as Error).message.includes(part), true, `message has "${part}"`);
      }
      return;
    }
    const result = run(c);
    const got = result.objects()[row] as Record<string, unknown>;
    for (const [column, expected] of Object.entries(values)) {
      if (typeof expected === "number") assertClose(got[column], expected, `${c.name} ${column}`);
      else assertEquals(got[column], expected, `${c.name} ${column}`);
    }
    const info = cx.meta<"kpi">(result)?.notes ?? {};
    for (const [key, part] of Object.entries(notes)) {
      assertMatch(
        JSON.stringify(info[key] ?? null),
        new RegExp(escape(part)),
        `${c.name} notes.${key}`,
      );
    }
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
