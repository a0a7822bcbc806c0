import "@uwdata/flechette";
import * as aq from "arquero";
import { assertEquals, assertThrows } from "../assert.ts";
import { ces, compareToBenchmark, csat, CxOptionsError, nps } from "../../src/mod.ts";
import { assertClose, fixture, sample } from "./fixtures.ts";
import { normalCdf } from "../../src/stats/distributions.ts";

Deno.test("compareToBenchmark: hand-worked NPS z test", () => {
  // 10 answers: 6 promoters, 2 passives, 2 detractors → NPS 40; p_P .6, p_D .2,
  // Var = (.8 − .4²)/10 = .064, se = 100·√.064 = 25.298…; z = (40 − 30)/se.
  const r = nps(aq.table({ nps_score: [10, 10, 9, 9, 9, 9, 8, 7, 3, 0] }));
  const v = compareToBenchmark(r, { benchmark: 30 }).objects()[0] as Record<string, number>;
  const se = 100 * Math.sqrt(0.064);
  assertClose(v.difference, 10, "difference");
  assertClose(v.statistic, 10 / se, "z");
  assertEquals(v.significant, false);
});

Deno.test("compareToBenchmark agrees with statsmodels/scipy tests on the sample", async () => {
  const responses = await sample("responses");
  const reference = fixture("benchmark_by_channel.csv");
  const check = (kpi: string, result: aq.ColumnTable) => {
    const rows = reference.filter((r) => r.kpi === kpi);
    const ours = result.objects() as Record<string, number>[];
    rows.forEach((ref, i) => {
      assertClose(ours[i].difference, ref.difference, `${kpi} ${ref.channel} difference`);
      assertClose(ours[i].statistic, ref.statistic, `${kpi} ${ref.channel} statistic`);
      // p-values down to 1e-227: compare on the log scale.
      assertClose(Math.log(ours[i].p_value), Math.log(Number(ref.p_value)), `${kpi} log p`, 1e-7);
    });
  };
  check("nps", compareToBenchmark(nps(responses, { by: "channel" }), { benchmark: 30 }));
  const c = csat(responses, { by: "channel" });
  check("csat", compareToBenchmark(c, { benchmark: 60 }));
  check("csat_mean", compareToBenchmark(c, { benchmark: 3.8, column: "mean" }));
  check("ces", compareToBenchmark(ces(responses, { by: "channel" }), { benchmark: 3.1 }));
});

Deno.test("compareToBenchmark: plain tables and unknown columns are refused", () => {
  assertThrows(() => compareToBenchmark(aq.table({ nps: [1] }), { benchmark: 1 }), CxOptionsError);
  const r = nps(aq.table({ nps_score: [9] }));
  assertThrows(() => compareToBenchmark(r, { benchmark: 1, column: "mean" }), CxOptionsError);
  const one = compareToBenchmark(r, { benchmark: 0 }).objects()[0] as Record<string, number>;
  // n = 1, all promoters: the Wald variance is 0, so the result's interval (and the test) is
  // adjusted Wald: P' 1.75, D' .75, n' 4 → centre 25, Var = (.4375 + .1875 − .0625)/4, se 37.5,
  // z = 25/37.5 = 2/3 — never NaN or Infinity.
  assertEquals([one.difference, one.test], [100, "adjusted-wald z"] as unknown[]);
  assertClose(one.statistic, 2 / 3, "z");
  assertClose(one.p_value, 2 * normalCdf(-2 / 3), "p");
  assertClose(one.difference_low, 25 - 1.959963984540054 * 37.5, "low");
});
