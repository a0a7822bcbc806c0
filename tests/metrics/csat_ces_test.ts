import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { ces, csat, CxDataError, CxOptionsError } from "../../src/mod.ts";
import { assertClose, assertMatchesFixture, fixture, sample } from "./fixtures.ts";

Deno.test("csat: hand-worked top-2 box, Wilson and t intervals", () => {
  // Scores 5,4,4,2,1: top-2 box = 3 of 5 = 60 %. Mean 16/5 = 3.2;
  // sd² = ((1.8² + .8² + .8² + 1.2² + 2.2²))/4 = 10.8/4 = 2.7.
  const r = csat(aq.table({ csat: [5, 4, 4, 2, 1] })).objects()[0] as Record<string, number>;
  assertEquals([r.n, r.top_box, r.csat], [5, 3, 60]);
  assertClose(r.mean, 3.2, "mean");
  assertClose(r.sd, Math.sqrt(2.7), "sd");
  // t(0.975, 4) = 2.7764451051977987
  assertClose(r.mean_low, 3.2 - 2.7764451051977987 * Math.sqrt(2.7 / 5), "mean low");
  // Wilson for 3/5 at 95 %, worked: centre (0.6 + z²/10)/(1 + z²/5), half z/(1+z²/5)·√(.24/5 + z²/100)
  const z = 1.959963984540054, z2 = z * z;
  const centre = (0.6 + z2 / 10) / (1 + z2 / 5);
  const half = z / (1 + z2 / 5) * Math.sqrt(0.24 / 5 + z2 / 100);
  assertClose(r.csat_low, 100 * (centre - half), "wilson low");
  assertClose(r.csat_high, 100 * (centre + half), "wilson high");
});

Deno.test("csat: declared scales and edge cases", () => {
  const ten = csat(aq.table({ csat: [10, 9, 8, 1] }), { scale: 10 }).objects()[0] as Record<
    string,
    number
  >;
  assertEquals([ten.top_box, ten.csat], [2, 50]);
  const top3 = csat(aq.table({ csat: [5, 3, 3, 2] }), { topBox: 3 }).get("csat", 0);
  assertEquals(top3, 75);
  const one = csat(aq.table({ csat: [4] })).objects()[0] as Record<string, unknown>;
  assertEquals([one.n, one.csat, one.sd, one.mean_low, one.small_sample], [
    1,
    100,
    null,
    null,
    true,
  ]);
  const empty = csat(aq.table({ g: ["a", "b"], csat: [5, null] }), { by: "g" })
    .objects()[1] as Record<
      string,
      unknown
    >;
  assertEquals([empty.n, empty.csat, empty.csat_low, empty.mean], [0, null, null, null]);
  assertEquals(meta<"kpi">(csat(aq.table({ csat: [5] })))?.notes.topBox, "4–5");
});

Deno.test("csat and ces agree with statsmodels/scipy on the sample, by channel", async () => {
  const responses = await sample("responses");
  const c = csat(responses, { by: "channel" })
    .derive({
      share: (d) => d.csat / 100,
      low: (d) => d.csat_low / 100,
      high: (d) => d.csat_high / 100,
    });
  assertMatchesFixture(c, fixture("csat_by_channel.csv"), {
    channel: "channel",
    n: "n",
    top_box: "top_box",
    share: "top_box_share",
    low: "top_box_low",
    high: "top_box_high",
    mean: "mean",
    sd: "sd",
    mean_low: "mean_low",
    mean_high: "mean_high",
  });
  const e = ces(responses, { by: "channel" })
    .derive({
      share: (d) => d.pct_low_effort / 100,
      low: (d) => d.pct_low_effort_low / 100,
      high: (d) => d.pct_low_effort_high / 100,
    });
  assertMatchesFixture(e, fixture("ces_by_channel.csv"), {
    channel: "channel",
    n: "n",
    ces: "mean",
    sd: "sd",
    ces_low: "mean_low",
    ces_high: "mean_high",
    low_effort: "low_effort",
    share: "low_effort_share",
    low: "low_effort_low",
    high: "low_effort_high",
  });
});

Deno.test("ces: hand-worked, lower is better stated in the metadata", () => {
  const r = ces(aq.table({ ces: [1, 2, 3, 6] }));
  assertEquals([r.get("ces", 0), r.get("low_effort", 0), r.get("pct_low_effort", 0)], [3, 3, 75]);
  assertEquals(meta<"kpi">(r)?.notes.lowerIsBetter, true);
  const five = ces(aq.table({ ces: [1, 2, 3, 5] }), { scale: 5 });
  assertEquals(five.get("pct_low_effort", 0), 50); // low effort on 1–5 is 1–2
});

Deno.test("csat/ces: out-of-scale scores and bad options are clear errors", () => {
  const e = assertThrows(() => csat(aq.table({ csat: [5, 6] })), CxDataError);
  assertMatch(e.message, /row 2, column csat, value "6".*declared 1–5 scale/s);
  assertThrows(() => csat(aq.table({ csat: [9] }), { scale: 10, topBox: 10 }), CxOptionsError);
  assertThrows(() => csat(aq.table({ csat: [4] }), { scale: 6 as 5 }), CxOptionsError);
  assertThrows(() => ces(aq.table({ ces: [8] })), CxDataError);
  assertThrows(() => ces(aq.table({ ces: [1] }), { by: "team" }), CxOptionsError);
});
