import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import assert from "node:assert/strict";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { correlate } from "../../src/analysis/correlate/correlate.ts";
import { correlateMetrics, joinMetrics } from "../../src/analysis/correlate/metrics.ts";
import { kendallTau } from "../../src/stats/correlation.ts";
import { assertThrows } from "../assert.ts";
import { assertClose, sample } from "../metrics/fixtures.ts";
import { driverFixture } from "./driver_fixtures.ts";

const VARS = [
  "nps_score",
  "csat",
  "ces",
  "rating_wait_time",
  "rating_friendliness",
  "rating_competence",
  "rating_price",
  "rating_app",
];
const METHODS = ["pearson", "spearman", "kendall"] as const;

/** Compares correlate() rows with a fixture; Kendall's asymptotic p to 1e-7, the rest to 1e-9. */
function assertMatches(result: ColumnTable, file: string, keys: string[] = []): void {
  const expected = driverFixture(file);
  const rows = result.objects() as Record<string, unknown>[];
  assert.equal(rows.length, expected.length, `${file}: row count`);
  expected.forEach((e, i) => {
    const a = rows[i];
    const what = `${file} row ${i} (${e.method} ${e.x} × ${e.y}${keys.map((k) => ` ${e[k]}`)})`;
    for (const k of ["x", "y", "method", ...keys]) assert.equal(a[k], e[k], `${what}: ${k}`);
    assert.equal(a.n, e.n, `${what}: n`);
    assertClose(a.r, e.r, `${what}: r`);
    assertClose(a.r_low, e.r_low, `${what}: r_low`);
    assertClose(a.r_high, e.r_high, `${what}: r_high`);
    const tol = e.method === "kendall" && e.p_method === "asymptotic" ? 1e-7 : 1e-9;
    assertClose(a.p_value, e.p_value, `${what}: p_value`, tol);
    // Tiny p-values: also agree relatively (where scipy does not underflow to 0).
    if ((e.p_value as number) > 1e-250) {
      assert.ok(
        Math.abs((a.p_value as number) / (e.p_value as number) - 1) < 1e-6,
        `${what}: p_value ${a.p_value} vs ${e.p_value} (relative)`,
      );
    }
    assert.equal(a.note, null, `${what}: note`);
  });
}

Deno.test("correlate: Pearson, Spearman, Kendall τ-b equal scipy on the sample (pairwise complete)", async () => {
  const responses = await sample("responses");
  assertMatches(
    correlate(responses, { columns: VARS, method: [...METHODS] }),
    "correlations_sample.csv",
  );
});

Deno.test("correlate: moderate p-values on the first 40 answers equal scipy", async () => {
  const responses = (await sample("responses")).slice(0, 40);
  assertMatches(
    correlate(responses, { columns: VARS, method: [...METHODS] }),
    "correlations_first40.csv",
  );
});

Deno.test("correlate: by channel equals scipy within each channel", async () => {
  const responses = await sample("responses");
  const result = correlate(responses, {
    columns: ["nps_score", "csat", "rating_wait_time", "rating_app"],
    method: [...METHODS],
    by: "channel",
  });
  assertMatches(result, "correlations_by_channel.csv", ["channel"]);
  assert.deepEqual(result.columnNames().slice(0, 2), ["channel", "x"]);
});

Deno.test("kendallTau: scipy's exact and asymptotic branches (kendall_cases.csv)", () => {
  for (const e of driverFixture("kendall_cases.csv")) {
    const x = String(e.x).split(" ").map(Number), y = String(e.y).split(" ").map(Number);
    const k = kendallTau(x, y);
    assert.equal(k.pMethod, e.p_method, `${e.case}: p method`);
    assertClose(k.tau, e.tau, `${e.case}: tau`, 1e-12);
    if (e.p_method === "exact") {
      // Exact p-values can be ~1e-48: compare relatively.
      const p = e.p_value as number;
      assert.ok(
        p === 0 ? k.pValue === 0 : Math.abs(k.pValue! / p - 1) < 1e-12,
        `${e.case}: p ${k.pValue} vs ${p}`,
      );
    } else assertClose(k.pValue, e.p_value, `${e.case}: p`, 1e-7);
  }
});

Deno.test("correlate: hand-worked 4 × 4 case with ties in every method", () => {
  // x = 1, 2, 3, 4; y = 1, 3, 2, 2.
  const t = aq.table({ x: [1, 2, 3, 4], y: [1, 3, 2, 2] });
  const rows = correlate(t, { columns: ["x", "y"], method: ["pearson", "spearman", "kendall"] })
    .objects() as Record<string, number | string | null>[];
  // Pearson: deviations x: −1.5, −.5, .5, 1.5; y: −1, 1, 0, 0 → Sxy = 1.5 − .5 = 1, Sxx = 5, Syy = 2.
  assertClose(rows[0].r, 1 / Math.sqrt(10), "pearson r");
  // Spearman: ranks of y = 1, 4, 2.5, 2.5 → deviations −1.5, 1.5, 0, 0; Sxy = 2.25 − .75 = 1.5,
  // Sxx = 5, Syy = 4.5.
  assertClose(rows[1].r, 1.5 / Math.sqrt(5 * 4.5), "spearman r");
  // Kendall: pairs (of 6) concordant: (1,2) (1,3) (1,4) = 3; discordant (2,3) (2,4) = 2; tie in y:
  // (3,4). τ-b = (3 − 2)/√(6 · 5).
  assertClose(rows[2].r, 1 / Math.sqrt(30), "kendall tau-b");
  // n = 4: Fisher z intervals for Pearson/Spearman (n > 3), none for Kendall (needs n > 4).
  assert.ok(rows[0].r_low !== null && rows[1].r_low !== null);
  assert.equal(rows[2].r_low, null);
  assert.match(String(rows[2].note), /interval needs n > 4/);
  assert.ok(rows.every((r) => typeof r.p_value === "number" && r.p_value > 0 && r.p_value <= 1));
});

Deno.test("correlate: perfect correlation gives r = ±1, p = 0 and a degenerate interval, no NaN", () => {
  const t = aq.table({ a: [1, 2, 3, 4, 5, 6], b: [2, 4, 6, 8, 10, 12], c: [6, 5, 4, 3, 2, 1] });
  const rows = correlate(t, { columns: ["a", "b", "c"], method: ["pearson", "spearman"] })
    .objects() as Record<string, unknown>[];
  for (const r of rows) {
    assert.equal(Math.abs(r.r as number), 1);
    assert.equal(r.p_value, 0);
    assert.equal(r.r_low, r.r);
    assert.equal(r.r_high, r.r);
  }
});

Deno.test("correlate: constant column and < 3 pairs give null r with a reason, never NaN", () => {
  const t = aq.table({
    score: [1, 2, 3, 4, 5],
    flat: [7, 7, 7, 7, 7],
    sparse: [null, 3, null, null, 1],
    other: [5, 3, 4, 1, 2],
  });
  const result = correlate(t, {
    columns: ["score", "flat", "sparse", "other"],
    method: ["pearson", "kendall"],
  });
  const rows = result.objects() as Record<string, unknown>[];
  for (const r of rows) {
    for (const v of Object.values(r)) assert.ok(!(typeof v === "number" && Number.isNaN(v)));
  }
  const find = (x: string, y: string, m: string) =>
    rows.find((r) => r.x === x && r.y === y && r.method === m)!;
  assert.equal(find("score", "flat", "pearson").r, null);
  assert.match(
    String(find("score", "flat", "pearson").note),
    /flat is constant over the 5 complete pairs/,
  );
  assert.equal(find("score", "sparse", "kendall").r, null);
  assert.equal(find("score", "sparse", "kendall").n, 2);
  assert.match(
    String(find("score", "sparse", "kendall").note),
    /fewer than 3 complete pairs \(n = 2\)/,
  );
  assert.equal(typeof find("score", "other", "pearson").r, "number");
});

Deno.test("correlate: a clear error when no pair has a correlation", () => {
  const t = aq.table({ a: [1, 1, 1, 1], b: [2, 3, 4, 5], c: [null, null, 1, 2] });
  const e = assertThrows(() => correlate(t, { columns: ["a", "b", "c"] }), CxDataError);
  assert.match(e.message, /No correlation can be computed/);
  assert.match(e.message, /a × b.*a is constant/);
  assert.match(e.message, /b × c.*fewer than 3 complete pairs \(n = 2\)/);
});

Deno.test("correlate: bad options and non-numeric columns name the problem", () => {
  const t = aq.table({ a: [1, 2, 3], b: ["x", "y", "z"], c: [3, 1, 2] });
  assert.match(
    assertThrows(() => correlate(t, { columns: ["a", "nope"] }), CxOptionsError).message,
    /"columns" names column "nope".*Columns: a, b, c/,
  );
  assert.match(
    assertThrows(() => correlate(t, { columns: ["a"] }), CxOptionsError).message,
    /at least two/,
  );
  assert.match(
    assertThrows(
      () => correlate(t, { columns: ["a", "c"], method: "pearsman" as "pearson" }),
      CxOptionsError,
    ).message,
    /"pearson", "spearman" or "kendall"/,
  );
  assert.match(
    assertThrows(() => correlate(t, { columns: ["a", "b"] }), CxDataError).message,
    /Column "b" is not numeric[\s\S]*row 1, column b, value "x"/,
  );
  assertThrows(() => correlate(t, { columns: ["a", "c"], confidence: 95 }), CxOptionsError);
});

Deno.test("correlate: against gives the rectangle scores × ratings; meta records methods", () => {
  const t = aq.table({
    nps: [1, 5, 3, 8],
    csat: [2, 4, 3, 5],
    wait: [1, 4, 4, 9],
    app: [3, 1, 2, 2],
  });
  const result = correlate(t, {
    columns: ["nps", "csat"],
    against: ["wait", "app"],
    method: "spearman",
  });
  assert.deepEqual(
    (result.objects() as { x: string; y: string }[]).map((r) => `${r.x}×${r.y}`),
    ["nps×wait", "nps×app", "csat×wait", "csat×app"],
  );
  const info = meta<"correlate">(result)!;
  assert.deepEqual(info.methods, ["spearman"]);
  assert.deepEqual(info.variables, ["nps", "csat", "wait", "app"]);
  assert.match(info.notes.spearman, /Bonett & Wright/);
});

Deno.test("correlate: Spearman with missing values ranks within the complete pairs", () => {
  // Pairwise complete rows: (1, 10), (3, 30), (4, 20) → ranks x 1, 2, 3; y 1, 3, 2 → ρ = 0.5.
  const t = aq.table({ x: [1, 2, 3, 4, null], y: [10, null, 30, 20, 50] });
  assertClose(correlate(t, { columns: ["x", "y"], method: "spearman" }).get("r", 0), 0.5, "rho");
});

Deno.test("joinMetrics / correlateMetrics: per customer and per month", async () => {
  const responses = await sample("responses");
  const tickets = await sample("tickets");
  const frtMinutes = (t: Record<string, unknown>) =>
    t.first_response_at instanceof Date && t.created_at instanceof Date
      ? (t.first_response_at.getTime() - t.created_at.getTime()) / 60_000
      : null;
  const joined = joinMetrics(
    { table: tickets, value: frtMinutes, name: "frt_minutes", date: "created_at" },
    { table: responses, value: "csat" },
    { key: "customer_id" },
  );
  assert.deepEqual(joined.columnNames(), [
    "customer_id",
    "frt_minutes",
    "csat",
    "n_frt_minutes",
    "n_csat",
  ]);
  // Independent check for one customer by plain loops.
  const id = joined.get("customer_id", 0) as string;
  const mine = (tickets.objects() as Record<string, unknown>[]).filter((t) => t.customer_id === id)
    .map(frtMinutes).filter((v): v is number => v !== null);
  assertClose(joined.get("frt_minutes", 0), mine.reduce((a, b) => a + b, 0) / mine.length, "frt");
  const r = correlateMetrics(
    { table: tickets, value: frtMinutes, name: "frt_minutes", date: "created_at" },
    { table: responses, value: "csat" },
    { key: "customer_id", method: ["pearson", "spearman"] },
  );
  assert.equal(r.numRows(), 2);
  assert.equal(r.get("n", 0), joined.numRows());
  assert.ok(Math.abs(r.get("r", 1) as number) < 0.2, "no planted link between FRT and CSAT");

  const monthly = joinMetrics(
    { table: tickets, value: "contacts", stat: "count", name: "tickets", date: "created_at" },
    { table: responses, value: "nps_score" },
    { period: "month", timeZone: "Europe/Berlin" },
  );
  assert.equal(monthly.numRows(), 24);
  assert.equal(monthly.get("period", 14), "2025-03");
  assert.ok((monthly.get("tickets", 14) as number) > 600, "outage ticket surge");
});

Deno.test("joinMetrics: needs a key or a period; an empty join is a clear error", () => {
  const a = aq.table({ id: ["a"], v: [1] }), b = aq.table({ id: ["b"], w: [2] });
  assertThrows(
    () => joinMetrics({ table: a, value: "v" }, { table: b, value: "w" }, {}),
    CxOptionsError,
  );
  assert.match(
    assertThrows(
      () => correlateMetrics({ table: a, value: "v" }, { table: b, value: "w" }, { key: "id" }),
      CxDataError,
    ).message,
    /no key has a value in both tables/,
  );
});
