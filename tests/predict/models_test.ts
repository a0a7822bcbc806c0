/**
 * BG/NBD, Pareto/NBD and Gamma-Gamma on the CDNOW sample (2357 customers)
 * against the independent scipy fits and closed forms of
 * tests/fixtures/predict/make_cdnow.py, and against the published
 * parameters (Fader, Hardie & Lee 2005; BTYD and lifetimes documentation).
 */
import * as aq from "arquero";
import { assertEquals } from "../assert.ts";
import { throwsWith } from "./helpers.ts";
import { bgNbd } from "../../src/predict/bg_nbd.ts";
import { paretoNbd } from "../../src/predict/pareto_nbd.ts";
import { gammaGamma } from "../../src/predict/gamma_gamma.ts";
import { digamma, hyp2f1 } from "../../src/stats/special.ts";
import { gradient } from "../../src/stats/optimize.ts";
import { bgNbdGradient, bgNbdLogLik } from "../../src/predict/bg_nbd.ts";
import { readTriples, uniqueRows } from "../../src/predict/data.ts";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";

const DIR = new URL("../fixtures/predict/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, DIR));
/** The CDNOW summary in weeks, with cxkit's column names. */
export const cdnow = aq.fromCSV(read("cdnow_customers_summary_with_transactions.csv"))
  .rename({ x: "frequency", t_x: "recency", zbar: "monetary" });
const fits = JSON.parse(read("cdnow_fits.json"));
const expected = aq.fromCSV(read("cdnow_predictions.csv"));

function close(actual: number, want: number, rel: number, what: string) {
  const err = Math.abs(actual - want) / Math.max(Math.abs(want), 1e-300);
  if (!(err <= rel)) throw new Error(`${what}: ${actual} vs ${want} (relative error ${err})`);
}

function closeParams(got: Record<string, number>, want: Record<string, number>, rel: number) {
  assertEquals(Object.keys(got), Object.keys(want));
  for (const k of Object.keys(want)) close(got[k], want[k], rel, k);
}

function closeColumn(got: ArrayLike<unknown>, want: ArrayLike<unknown>, rel: number, what: string) {
  assertEquals(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    close(got[i] as number, want[i] as number, rel, `${what}[${i}]`);
  }
}

// scipy.special.hyp2f1 is off by up to 1e-4 for z < 0 (e.g. 2F1(5.5, 13; 30; −3)); mpmath
// (50 digits) is the reference: to 1e-12 for 0 ≤ z < 1 (the models use only these), to 1e-8
// for z < 0 (the Pfaff series loses digits to cancellation); scipy for z ≥ 0 to 1e-10.
Deno.test("hyp2f1 equals mpmath.hyp2f1 and scipy.special.hyp2f1 on a grid (z from −3 to 0.99)", () => {
  const grid = aq.fromCSV(read("hyp2f1.csv")).objects() as Record<string, number>[];
  assertEquals(grid.length, 252);
  for (const { a, b, c, z, value, mpmath } of grid) {
    close(hyp2f1(a, b, c, z), mpmath, z >= 0 ? 1e-12 : 1e-8, `2F1(${a},${b};${c};${z})`);
    if (z >= 0) close(hyp2f1(a, b, c, z), value, 1e-10, `2F1(${a},${b};${c};${z}) scipy`);
  }
  throwsWith(() => hyp2f1(1, 1, 2, 1), CxDataError, "z < 1");
});

Deno.test("bgNbd on CDNOW: scipy fit to 1e-5, published FHL 2005 values to 3 decimals", () => {
  const m = bgNbd(cdnow);
  closeParams(m.params, fits.bgNbd.params, 1e-5);
  close(m.logLik, fits.bgNbd.logLik, 1e-10, "logLik");
  // Fader, Hardie & Lee (2005), table 1: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
  const pub = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  for (const [k, v] of Object.entries(pub)) assertEquals(Number(m.params[k as "r"].toFixed(3)), v);
  assertEquals(Number(m.logLik.toFixed(1)), -9582.4);
  const p = m.predict(cdnow, { horizon: 39 });
  closeColumn(p.array("expected_purchases"), expected.array("bg_expected"), 1e-4, "E[X]");
  closeColumn(p.array("p_alive"), expected.array("bg_alive"), 1e-4, "P(alive)");
  // Standard errors from the observed information (lifetimes' summary: 0.0126, 0.378, 0.186, 0.705).
  const se = m.table().array("std_err") as number[];
  assertEquals(se.map((v) => Number(v.toPrecision(3))), [0.0126, 0.378, 0.186, 0.705]);
});

Deno.test("paretoNbd on CDNOW: scipy fit to 1e-5, BTYD's published values to 1e-3", () => {
  const m = paretoNbd(cdnow);
  closeParams(m.params, fits.paretoNbd.params, 1e-5);
  close(m.logLik, fits.paretoNbd.logLik, 1e-10, "logLik");
  // BTYD vignette (Dziurzynski, Wadsworth & McCarthy): 0.5534, 10.5802, 0.6061, 11.6562, LL −9594.98.
  closeParams(m.params, { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 }, 1.1e-3);
  const p = m.predict(cdnow, { horizon: 39 });
  closeColumn(p.array("expected_purchases"), expected.array("pnbd_expected"), 1e-4, "E[X]");
  closeColumn(p.array("p_alive"), expected.array("pnbd_alive"), 1e-4, "P(alive)");
});

Deno.test("gammaGamma on CDNOW: scipy fit to 1e-5, lifetimes' published p 6.25, q 3.74, v 15.45", () => {
  const m = gammaGamma(cdnow);
  assertEquals(m.n, 946);
  closeParams(m.params, fits.gammaGamma.params, 1e-5);
  close(m.logLik, fits.gammaGamma.logLik, 1e-10, "logLik");
  assertEquals([m.params.p, m.params.q, m.params.v].map((v) => Number(v.toFixed(2))), [
    6.25,
    3.74,
    15.45,
  ]);
  const s = m.expectedSpend(cdnow);
  closeColumn(s.array("expected_spend"), expected.array("gg_spend"), 1e-5, "E[Z]");
});

Deno.test("models refuse what cannot identify them, and wrong options", () => {
  const none = aq.table({ frequency: [0, 0, 0], recency: [0, 0, 0], T: [10, 20, 30] });
  throwsWith(() => bgNbd(none), CxDataError, "no customer made a repeat purchase");
  throwsWith(
    () => paretoNbd(aq.table({ frequency: [], recency: [], T: [] })),
    CxDataError,
    "no customers",
  );
  const late = aq.table({ frequency: [1], recency: [12], T: [10] });
  throwsWith(() => bgNbd(late), CxDataError, "recency (12) is after T (10)");
  throwsWith(
    () => bgNbd(cdnow, { recency: "t_x" }),
    CxOptionsError,
    'column "t_x" is not in the summary',
  );
  throwsWith(
    () => bgNbd(cdnow).predict(cdnow, { horizon: -1 }),
    CxOptionsError,
    'Option "horizon" must be a number',
  );
  const one = aq.table({ frequency: [2, 0], monetary: [10, 0] });
  throwsWith(() => gammaGamma(one), CxDataError, "at least two customers with repeat purchases");
  const zero = aq.table({ frequency: [2, 1], monetary: [10, 0] });
  throwsWith(() => gammaGamma(zero), CxDataError, "value > 0");
});

Deno.test("bgNbd's analytic gradient equals central differences of its likelihood on CDNOW", () => {
  const { x, tx, T } = readTriples(cdnow, {});
  const u = uniqueRows(x, tx, T);
  for (const p of [[0.243, 4.41, 0.793, 2.43], [1, 20, 2, 0.5]]) {
    const exact = bgNbdGradient(u)(p), numeric = gradient(bgNbdLogLik(u), p);
    // Central differences carry ~1e-5 absolute error (the likelihood is ~1e4); near the maximum
    // the gradient is ~0, so compare absolutely there.
    exact.forEach((v, i) => {
      if (!(Math.abs(v - numeric[i]) <= 1e-4 + 1e-6 * Math.abs(v))) {
        throw new Error(`d/d${["r", "alpha", "a", "b"][i]}: ${v} vs ${numeric[i]}`);
      }
    });
  }
  // digamma against scipy.special.digamma(2.5) = 0.7031566406452432, digamma(0.1) = −10.423754940411076.
  close(digamma(2.5), 0.7031566406452432, 1e-13, "digamma(2.5)");
  close(digamma(0.1), -10.423754940411076, 1e-13, "digamma(0.1)");
});

Deno.test("a parameter the data cannot identify is named in the CxDataError", () => {
  // Every customer buys weekly and none ever drops out: BG/NBD's dropout Beta(a, b) collapses
  // toward p = 0, so a and b (or r and alpha) run off toward 0 or ∞.
  const n = 60;
  const summary = aq.table({
    frequency: Array.from({ length: n }, (_, i) => 10 + (i % 7)),
    recency: Array.from({ length: n }, (_, i) => 10 + (i % 7)),
    T: Array.from({ length: n }, (_, i) => 10.5 + (i % 7)),
  });
  throwsWith(() => bgNbd(summary), CxDataError, "run off toward 0 or ∞");
});
