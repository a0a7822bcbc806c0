import { assertEquals, assertThrows } from "../assert.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { adjustPValues, benjaminiHochberg, holm } from "../../src/stats/multiple.ts";
import { assertClose } from "../metrics/fixtures.ts";
import { segmentFixture } from "../fixtures/segments/read.ts";

Deno.test("holm: hand-worked example", () => {
  // m = 4, sorted p: .005 .01 .03 .04
  // ×(4, 3, 2, 1): .02 .03 .06 .04 → running max: .02 .03 .06 .06
  const adjusted = holm([0.03, 0.005, 0.04, 0.01]);
  [0.06, 0.02, 0.06, 0.03].forEach((e, i) => assertClose(adjusted[i], e, `holm ${i}`, 1e-15));
  // Capped at 1: .5·2 = 1, .6·1 → max(1, .6) = 1.
  assertEquals(holm([0.5, 0.6]), [1, 1]);
});

Deno.test("benjaminiHochberg: hand-worked example", () => {
  // m = 4, sorted p: .005 .01 .03 .04; p·m/rank: .02 .02 .04 .04; running min from the top.
  const adjusted = benjaminiHochberg([0.03, 0.005, 0.04, 0.01]);
  [0.04, 0.02, 0.04, 0.02].forEach((e, i) => assertClose(adjusted[i], e, `bh ${i}`, 1e-15));
  // .001·3/1 = .003, but .002·3/2 = .003 and .5·3/3 = .5: the smallest stays .003.
  const b = benjaminiHochberg([0.5, 0.001, 0.002]);
  assertClose(b[0], 0.5, "bh .5", 1e-15);
  assertClose(b[1], 0.003, "bh .001", 1e-15);
  assertClose(b[2], 0.003, "bh .002", 1e-15);
});

Deno.test("corrections: empty family, one test, missing tests are left out", () => {
  assertEquals(holm([]), []);
  assertEquals(benjaminiHochberg([]), []);
  assertEquals(holm([0.03]), [0.03]);
  assertEquals(benjaminiHochberg([0.03]), [0.03]);
  // null is not a test: m = 2 here, not 3.
  assertEquals(holm([0.01, null, 0.04]), [0.02, null, 0.04]);
  assertEquals(benjaminiHochberg([null, null]), [null, null]);
  assertEquals(adjustPValues([0.2, null], { correction: "none" }), [0.2, null]);
});

Deno.test("corrections equal statsmodels multipletests (holm, fdr_bh) to 1e-9", () => {
  const rows = segmentFixture("multipletests.csv");
  const cases = [...new Set(rows.map((r) => r.case as string))];
  assertEquals(cases, ["uniform", "ties", "bounds", "single", "tiny", "segments"]);
  for (const c of cases) {
    const mine = rows.filter((r) => r.case === c);
    const p = mine.map((r) => r.p as number);
    const h = holm(p), b = benjaminiHochberg(p);
    mine.forEach((r, i) => {
      assertClose(h[i], r.holm, `${c} holm ${i}`);
      assertClose(b[i], r.fdr_bh, `${c} bh ${i}`);
    });
  }
});

Deno.test("corrections: bad input is a CxOptionsError naming the value", () => {
  for (const bad of [[1.2], [-0.1], [Number.NaN], ["0.1" as unknown as number]]) {
    assertThrows(() => holm(bad), CxOptionsError);
    assertThrows(() => benjaminiHochberg(bad), CxOptionsError);
  }
  assertThrows(() => adjustPValues([0.1], { correction: "bonferroni" as "holm" }), CxOptionsError);
});
