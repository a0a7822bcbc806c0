/**
 * journeyPaths and transitions against an independent pandas reference
 * (tests/fixtures/journey/make_paths_fixture.py: seeded events with ties,
 * repeats, segments and missing values), plus small cases worked by hand.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { journeyPaths, OTHER_PATHS } from "../../src/analysis/journey/paths.ts";
import { transitions } from "../../src/analysis/journey/transitions.ts";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { meta } from "../../src/meta.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";

const HERE = new URL("../fixtures/journey/", import.meta.url);
const csv = async (name: string, parse: Record<string, (v: string) => unknown> = {}) =>
  aq.fromCSV(await Deno.readTextFile(new URL(name, HERE)), { parse, autoType: false });
const int = (v: string) => Number(v);
const events = await csv("events.csv", {
  date: (v: string) => new Date(v),
  customer_id: (v: string) => v === "" ? null : v,
  step: (v: string) => v === "" ? null : v,
  seg: (v: string) => v === "" ? null : v,
});

const rows = (t: ColumnTable) => t.objects() as Record<string, unknown>[];

function sameRows(actual: ColumnTable, expected: ColumnTable, columns: string[], what: string) {
  assert.equal(actual.numRows(), expected.numRows(), `${what}: rows`);
  const key = (r: Record<string, unknown>) => columns.map((c) => String(r[c])).join("\u0000");
  const exp = new Map(rows(expected).map((r) => [key(r), r]));
  for (const row of rows(actual)) {
    const ref = exp.get(key(row));
    assert.ok(ref, `${what}: unexpected row ${JSON.stringify(row)}`);
    for (const [name, value] of Object.entries(ref)) {
      if (columns.includes(name)) continue;
      const a = Number(row[name]), e = Number(value);
      assert.ok(Math.abs(a - e) <= 1e-12, `${what} ${key(row)} ${name}: ${a} vs ${e}`);
    }
  }
}

Deno.test("transitions equal the pandas reference (repeats kept; by segment with repeats collapsed)", async () => {
  const t = transitions(events);
  sameRows(t, await csv("transitions.csv", { transitions: int, customers: int, n: int }), [
    "from",
    "to",
  ], "all");
  assert.equal(meta(t).kind, "journey");
  // rows 5 (step) and 17 (customer) are missing; the missing segment only counts with by
  assert.equal((meta(t) as { notes: Record<string, unknown> }).notes.rows_left_out, 2);
  const by = transitions(events, { by: "seg", collapseRepeats: true });
  sameRows(by, await csv("transitions_by.csv"), ["seg", "from", "to"], "by seg");
  assert.equal((meta(by) as { notes: Record<string, unknown> }).notes.rows_left_out, 3);
  // probabilities out of each state add up to 1
  const sums = new Map<string, number>();
  for (const r of rows(by) as { seg: string; from: string; probability: number }[]) {
    sums.set(r.seg + r.from, (sums.get(r.seg + r.from) ?? 0) + r.probability);
  }
  for (const s of sums.values()) assert.ok(Math.abs(s - 1) < 1e-12);
});

Deno.test("journeyPaths equal the pandas reference (maxLength 3, conversion, repeats collapsed)", async () => {
  const p = journeyPaths(events, { maxLength: 3, conversion: "purchase", collapseRepeats: true });
  const ref = await csv("paths.csv", { customers: int, conversions: int });
  sameRows(p.select("path", "customers", "conversions", "share"), ref, ["path"], "paths");
  // sorted by customers, then path (code-point order) as the reference is
  assert.deepEqual(p.array("path"), ref.array("path"));
  assert.ok((p.array("n") as number[]).every((n) => n === 400));
});

const d = (h: number) => new Date(Date.UTC(2025, 0, 1, h));
// a: web, web, buy; b: mail and web at the same time (tie: "mail" < "web"), then buy; c: web only.
const small = aq.table({
  customer_id: ["a", "a", "a", "b", "b", "b", "c"],
  date: [d(1), d(2), d(3), d(1), d(1), d(2), d(5)],
  step: ["web", "web", "buy", "web", "mail", "buy", "web"],
});

Deno.test("transitions by hand: ties by label, start and end states, Wilson intervals", () => {
  const t = transitions(small).objects() as Record<string, number | string>[];
  const get = (from: string, to: string) => t.find((r) => r.from === from && r.to === to);
  assert.deepEqual(t.map((r) => `${r.from}>${r.to}:${r.transitions}`), [
    "(start)>mail:1",
    "(start)>web:2",
    "buy>(end):2",
    "mail>web:1",
    "web>buy:2",
    "web>web:1",
    "web>(end):1", // the end state sorts last
  ]);
  assert.equal(get("web", "buy")!.n, 4);
  assert.equal(get("web", "buy")!.probability, 0.5);
  // Wilson 2/4 at 95 %: (0.5 ± 1.96·√(0.0625 + 1.96²/64)) / (1 + 1.96²/4)
  const z = 1.959963984540054, c = (0.5 + z * z / 8) / (1 + z * z / 4);
  const h = z * Math.sqrt(0.25 / 4 + z * z / 64) / (1 + z * z / 4);
  assert.ok(Math.abs((get("web", "buy")!.probability_low as number) - (c - h)) < 1e-12);
});

Deno.test("journeyPaths by hand: conversion cut, ties count as before, minCustomers pools", () => {
  const p = journeyPaths(small, { conversion: "buy", collapseRepeats: true });
  assert.deepEqual(rows(p).map((r) => [r.path, r.customers, r.conversions]), [
    ["web", 2, 1], // a (web web → web, converted), c (web, not)
    ["mail → web", 1, 1],
  ]);
  const pooledPaths = journeyPaths(small, {
    minCustomers: 2,
    maxLength: 1,
    conversion: "buy",
    collapseRepeats: true,
  });
  assert.deepEqual(rows(pooledPaths).map((r) => [r.path, r.steps, r.customers]), [
    ["web", 1, 2], // a (web, web collapsed) and c
    [OTHER_PATHS, null, 1], // b: "mail → …"
  ]);
  assert.deepEqual(journeyPaths(small).columnNames(), [
    "path",
    "steps",
    "customers",
    "n",
    "share",
    "share_low",
    "share_high",
  ]);
});

Deno.test("segments sort by value: numbers as numbers, dates by instant", () => {
  const cohort = [new Date("2025-10-01"), new Date("2025-09-01")];
  const t = small.derive({ visits: (d: { customer_id: string }) => d.customer_id === "a" ? 10 : 9 })
    .assign({
      cohort: (small.array("customer_id") as string[]).map((c) => cohort[c === "a" ? 0 : 1]),
    });
  assert.deepEqual(transitions(t, { by: "visits" }).array("visits").slice(0, 1), [9]);
  // a segment named like a result column is refused, not overwritten
  assert.throws(
    () => transitions(t.rename({ visits: "n" }), { by: "n" }),
    /segment column "n" \(option "by"\) has the name of a result column/,
  );
  assert.throws(() => journeyPaths(t.rename({ visits: "path" }), { by: "path" }), /"path"/);
  const byCohort = transitions(t, { by: "cohort" }).array("cohort") as Date[];
  assert.equal(byCohort[0].getTime(), cohort[1].getTime());
  const paths = journeyPaths(t, { by: "cohort" }).array("cohort") as Date[];
  assert.equal(paths[0].getTime(), cohort[1].getTime());
});

Deno.test("journeys refuse bad input and options clearly", async () => {
  const bad = small.assign({ step: ["web", "(start)", "buy", "web", "mail", "buy", "web"] });
  assert.throws(
    () => transitions(bad),
    (e: unknown) =>
      e instanceof CxDataError && e.problems[0].row === 3 && e.problems[0].column === "step",
  );
  const badDate = small.assign({ date: [d(1), "yesterday", d(3), d(1), d(1), d(2), d(5)] });
  assert.throws(() => journeyPaths(badDate), /date must be a date/);
  assert.throws(() => journeyPaths(small, { maxLength: 0 }), /"maxLength" must be a whole number/);
  assert.throws(
    () => journeyPaths(small, { conversion: "Buy" }),
    /values present: buy, mail, web$/,
  );
  assert.throws(() => transitions(small, { collapseRepeats: "yes" } as never), /true or false/);
  assert.throws(() => transitions(small, { stpe: "x" } as never), /did you mean "step"/);
  assert.throws(() => transitions(small, { step: "channel" }), CxOptionsError);
  const engine = duckdbEngine();
  try {
    assert.throws(
      () => journeyPaths(small, { engine }),
      /^CxOptionsError: journeyPaths cannot run in an SQL engine: a path needs/,
    );
    await assert.rejects(transitions(bad, { engine }), CxDataError);
  } finally {
    await engine.close();
  }
});
