import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { compareToBenchmark, csat, CxOptionsError, firstContactResolution } from "../../src/mod.ts";
import { assertClose, fixture } from "./fixtures.ts";

type Row = Record<string, unknown>;

/** Resolved tickets: `k` resolved at first contact, `n − k` after two contacts. */
function fcrTickets(k: number, n: number) {
  const created = new Date("2024-05-06T09:00:00Z"), resolved = new Date("2024-05-06T10:00:00Z");
  return aq.table({
    created_at: Array(n).fill(created),
    resolved_at: Array(n).fill(resolved),
    contacts: Array.from({ length: n }, (_, i) => i < k ? 1 : 2),
  });
}

Deno.test("compareToBenchmark on FCR: score test + Wilson, exact + Clopper–Pearson (statsmodels, scipy)", () => {
  const cases = fixture("benchmark_edges.csv");
  for (const c of cases) {
    const k = c.k as number, n = c.n as number, p0 = c.p0 as number;
    const confidence = c.confidence as number;
    const result = firstContactResolution(fcrTickets(k, n), { confidence });
    const v = compareToBenchmark(result, { benchmark: p0 }).objects()[0] as Row;
    const what = String(c.case);
    assertEquals(v.test, c.test, `${what} test`);
    assertClose(v.difference, k / n - p0, `${what} difference`);
    assertClose(v.statistic, c.statistic, `${what} statistic`);
    assertClose(v.p_value, c.p_value, `${what} p`);
    assertClose(v.difference_low, (c.low as number) - p0, `${what} low`);
    assertClose(v.difference_high, (c.high as number) - p0, `${what} high`);
    // One method: the interval excludes the benchmark exactly when the test is significant.
    const excludes = (v.difference_low as number) > 0 || (v.difference_high as number) < 0;
    assertEquals(v.significant, excludes, `${what}: significant iff the interval excludes 0`);
    assertEquals(v.significant, (c.p_value as number) < 1 - confidence, `${what} significant`);
  }
});

Deno.test("compareToBenchmark: the Wald interval no longer excludes a benchmark the test accepts", () => {
  // CSAT top box 45 of 50 = 90 % vs 80 %: the score test says p = 0.077 (not significant), but
  // the Wald interval 90 ± 1.96·√(.9·.1/50) = [81.7, 98.3] % used to exclude 80.
  const ref = fixture("benchmark_edges.csv").find((c) =>
    c.case === "wald_excludes_score_does_not"
  )!;
  assertEquals((ref.wald_low as number) > 0.8 && (ref.p_value as number) > 0.05, true);
  const answers = aq.table({ csat: Array.from({ length: 50 }, (_, i) => i < 45 ? 5 : 1) });
  const v = compareToBenchmark(csat(answers), { benchmark: 80 }).objects()[0] as Row;
  assertEquals(v.significant, false);
  assertEquals((v.difference_low as number) < 0, true, "the interval contains the benchmark");
  assertClose(v.difference_low, 100 * (ref.low as number) - 80, "low (percentage points)");
  assertClose(v.difference_high, 100 * (ref.high as number) - 80, "high");
  assertClose(v.p_value, ref.p_value, "p");
  assertEquals(v.test, "score z");
});

Deno.test("compareToBenchmark: a proportion benchmark outside (0, unit) is refused in the column's units", () => {
  const result = firstContactResolution(fcrTickets(40, 50));
  const e = assertThrows(() => compareToBenchmark(result, { benchmark: 70 }), CxOptionsError);
  assertMatch(e.message, /fcr is a share in the column's units, strictly between 0 and 1.*got 70/);
  assertThrows(
    () => compareToBenchmark(csat(aq.table({ csat: [5] })), { benchmark: 0 }),
    CxOptionsError,
  );
  const vs = compareToBenchmark(result, { benchmark: 0.7 });
  assertEquals(meta<"kpi">(vs)?.notes.benchmark, {
    column: "fcr",
    value: 0.7,
    confidence: 0.95,
    correction: "none",
  });
  // One comparison per row with the target: p_adjusted is p_value, significant reads it.
  const row = vs.objects()[0] as Record<string, unknown>;
  assertEquals(row.p_adjusted, row.p_value);
  assertEquals(row.significant, (row.p_adjusted as number) < 0.05);
});

Deno.test("compareToBenchmark: CSAT all 5s vs 4.5 — the bounded score test behind the result's interval", () => {
  // 40 answers, all 5 on 1–5: sd 0, no t test. Rescaled: p̂ = 1, p₀ = (4.5 − 1)/4 = .875;
  // z = (1 − .875)/√(.875·.125/40) = .125/.052291… = 2.390457…; the interval is 1 + 4·Wilson(40, 40).
  const r = csat(aq.table({ csat: Array(40).fill(5) }));
  const v = compareToBenchmark(r, { benchmark: 4.5, column: "mean" }).objects()[0] as Row;
  const z = 0.125 / Math.sqrt(0.875 * 0.125 / 40);
  assertEquals([v.test, v.significant, v.difference], ["bounded score z", true, 0.5]);
  assertClose(v.statistic, z, "z");
  assertClose(v.difference_low, (r.get("mean_low", 0) as number) - 4.5, "low");
  assertEquals(v.difference_high, 0.5);
});
