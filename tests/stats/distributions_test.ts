import assert from "node:assert/strict";
import * as aq from "arquero";
import {
  binomialCdf,
  chiSquareCdf,
  normalCdf,
  normalQuantile,
  tCdf,
  tQuantile,
} from "../../src/stats/distributions.ts";
import { incompleteBeta, incompleteGamma, log1pmx } from "../../src/stats/incomplete.ts";

/** Reference values at 50 digits (mpmath), made by make_distributions.py. */
const rows = (aq.fromCSV(
  Deno.readTextFileSync(new URL("../fixtures/stats/distributions.csv", import.meta.url)),
  { autoType: false },
).objects() as Record<string, string | null>[]).map((r) => ({
  fn: r.fn as string,
  x: num(r.x),
  df: num(r.df),
  p: num(r.p),
  expected: num(r.expected),
}));

function num(v: string | null): number {
  if (v === null || v === "") return NaN;
  return v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : Number(v);
}

const FUNCTIONS: Record<string, (r: (typeof rows)[number]) => number> = {
  normal_cdf: (r) => normalCdf(r.x),
  normal_quantile: (r) => normalQuantile(r.x),
  t_cdf: (r) => tCdf(r.x, r.df),
  t_quantile: (r) => tQuantile(r.x, r.df),
  chisq_cdf: (r) => chiSquareCdf(r.x, r.df),
  binomial_cdf: (r) => binomialCdf(r.x, r.df, r.p),
};

/** Largest relative error allowed; one bound for every function and region. */
const TOL = 1e-12;

for (const [fn, f] of Object.entries(FUNCTIONS)) {
  Deno.test(`${fn} agrees with mpmath to 1e-12 relative down to 1e-300`, () => {
    const cases = rows.filter((r) => r.fn === fn);
    assert.ok(cases.length > 20, `${fn}: only ${cases.length} fixture rows`);
    let worst = 0;
    for (const r of cases) {
      const got = f(r);
      const what = `${fn}(${r.x}, ${r.df}, ${r.p})`;
      if (!Number.isFinite(r.expected) || r.expected === 0) {
        // Edge cases (NaN, ±Infinity, exact limits) must match exactly.
        assert.ok(Object.is(got, r.expected), `${what}: ${got}, expected ${r.expected}`);
        continue;
      }
      if (Math.abs(r.expected) < 1e-300) continue; // subnormal results carry fewer digits
      const rel = Math.abs(got - r.expected) / Math.abs(r.expected);
      worst = Math.max(worst, rel);
      assert.ok(rel <= TOL, `${what}: ${got}, expected ${r.expected} (relative error ${rel})`);
    }
    // Kept visible so a regression in accuracy shows before it fails.
    console.log(`${fn}: ${cases.length} points, worst relative error ${worst.toExponential(1)}`);
  });
}

Deno.test("closed forms, worked by hand", () => {
  // t with 1 df is Cauchy: F(x) = ½ + atan(x)/π, so F(−10) = atan(1/10)/π.
  assert.ok(Math.abs(tCdf(-10, 1) / (Math.atan(0.1) / Math.PI) - 1) < 1e-14);
  assert.ok(Math.abs(tQuantile(0.975, 1) / Math.tan(Math.PI * 0.475) - 1) < 1e-14);
  // t with 2 df: F(x) = ½ + x / (2√(2 + x²)).
  assert.ok(Math.abs(tCdf(3, 2) - (0.5 + 3 / (2 * Math.sqrt(11)))) < 1e-15);
  // Chi-square with 2 df is exponential with mean 2: P = 1 − e^(−x/2); lower tail e.g. at x = 1e-8.
  assert.ok(Math.abs(chiSquareCdf(1e-8, 2) / -Math.expm1(-0.5e-8) - 1) < 1e-14);
  assert.ok(Math.abs((1 - chiSquareCdf(40, 2)) / Math.exp(-20) - 1) < 1e-6); // 1 − P loses digits, P does not
  // Binomial k = 0: (1 − p)ⁿ; k = n − 1: 1 − pⁿ.
  assert.ok(Math.abs(binomialCdf(0, 1000, 0.3) / Math.pow(0.7, 1000) - 1) < 1e-12);
  assert.ok(Math.abs(binomialCdf(9, 10, 0.5) - (1 - 1 / 1024)) < 1e-15);
  // Φ(−x) ≈ φ(x)/x (1 − 1/x² + 3/x⁴ − 15/x⁶) far out.
  const x = 30;
  const asym = Math.exp(-450) / Math.sqrt(2 * Math.PI) / x *
    (1 - 1 / x ** 2 + 3 / x ** 4 - 15 / x ** 6);
  assert.ok(Math.abs(normalCdf(-x) / asym - 1) < 1e-9);
});

Deno.test("incomplete beta and gamma: complements and symmetry", () => {
  // I_x(a, b) + I_{1−x}(b, a) = 1, each half computed from its own side.
  for (const [x, a, b] of [[0.3, 2.5, 7], [0.9, 40, 3], [0.5, 1e5, 1e5]]) {
    const [lower, upper] = incompleteBeta(x, a, b);
    const [lower2] = incompleteBeta(1 - x, b, a);
    assert.ok(Math.abs(upper - lower2) <= 1e-13 * lower2, `${x} ${a} ${b}`);
    assert.ok(Math.abs(lower + upper - 1) < 1e-15);
  }
  // P(1, x) = 1 − e^−x, Q(1, x) = e^−x on both sides of the series/fraction switch.
  for (const x of [0.001, 1.9, 2.1, 50]) {
    const [p, q] = incompleteGamma(1, x);
    assert.ok(Math.abs(p / -Math.expm1(-x) - 1) < 1e-14 && Math.abs(q / Math.exp(-x) - 1) < 1e-14);
  }
  assert.equal(log1pmx(0), 0);
  assert.ok(Math.abs(log1pmx(-0.4) - (Math.log(0.6) + 0.4)) < 1e-16);
});
