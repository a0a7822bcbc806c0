import { assertEquals } from "../assert.ts";
import {
  boundedMeanInterval,
  clopperPearson,
  exactBinomialTest,
  wilson,
} from "../../src/stats/intervals.ts";
import { assertClose, fixture } from "../metrics/fixtures.ts";

Deno.test("clopperPearson and exactBinomialTest equal statsmodels 'beta' and scipy binomtest", () => {
  for (const c of fixture("benchmark_edges.csv").filter((r) => r.test === "exact binomial")) {
    const k = c.k as number, n = c.n as number;
    const { low, high } = clopperPearson(k, n, c.confidence as number);
    assertClose(low, c.low, `${c.case} low`);
    assertClose(high, c.high, `${c.case} high`);
    assertClose(exactBinomialTest(k, n, c.p0 as number), c.p_value, `${c.case} p`);
  }
});

Deno.test("clopperPearson: closed forms at k = 0 and k = n, hand-worked", () => {
  // k = 0: (1 − p)^n = α/2 → p = 1 − (α/2)^(1/n); k = n: p^n = α/2 → p = (α/2)^(1/n).
  assertEquals(clopperPearson(0, 20).low, 0);
  assertClose(clopperPearson(0, 20).high, 1 - 0.025 ** (1 / 20), "k = 0 high");
  assertClose(clopperPearson(20, 20).low, 0.025 ** (1 / 20), "k = n low");
  assertEquals(clopperPearson(20, 20).high, 1);
  assertEquals(clopperPearson(0, 0), { low: null, high: null });
  // 1 of 2 vs .5: both tails are 3/4, doubled and capped at 1.
  assertEquals(exactBinomialTest(1, 2, 0.5), 1);
});

Deno.test("wilson: exactly 0 and 1 at the edges (no rounding residue)", () => {
  assertEquals(wilson(0, 50).low, 0);
  assertEquals(wilson(50, 50).high, 1);
  for (const c of fixture("wilson_cases.csv")) {
    const { low, high } = wilson(c.successes as number, c.n as number, c.confidence as number);
    assertClose(low, c.low, "low");
    assertClose(high, c.high, "high");
  }
});

Deno.test("boundedMeanInterval: Wilson on the rescaled mean, never zero width", () => {
  // All 3s on 1–5, n = 40: rescaled mean .5; Wilson(20 of 40) mapped onto 1–5.
  const w = wilson(20, 40);
  const b = boundedMeanInterval(3, 40, 1, 5);
  assertClose(b.low, 1 + 4 * w.low!, "low");
  assertClose(b.high, 1 + 4 * w.high!, "high");
  assertEquals(b.high! - b.low! > 0, true);
  // All 1s on 1–7: [1, 1 + 6·Wilson(0 of n).high].
  assertEquals(boundedMeanInterval(1, 40, 1, 7).low, 1);
});
