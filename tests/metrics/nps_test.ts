import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError, nps, npsCompare } from "../../src/mod.ts";
import { assertClose, assertMatchesFixture, fixture, sample } from "./fixtures.ts";

const NPS_COLUMNS = {
  n: "n",
  promoters: "promoters",
  passives: "passives",
  detractors: "detractors",
  pct_promoters: "pct_promoters",
  pct_passives: "pct_passives",
  pct_detractors: "pct_detractors",
  nps: "nps",
  nps_low: "nps_low",
  nps_high: "nps_high",
};

Deno.test("nps: hand-worked example", () => {
  // 10 answers: 4 promoters (9,9,10,10), 3 passives (7,8,8), 3 detractors (0,5,6).
  // NPS = 40 − 30 = 10. p_P = .4, p_D = .3, Var = (.4 + .3 − .1²)/10 = .069,
  // half width = 100 · 1.959963984540054 · √.069 = 51.4838…
  const t = aq.table({ nps_score: [9, 9, 10, 10, 7, 8, 8, 0, 5, 6] });
  const r = nps(t).objects()[0] as Record<string, number>;
  assertEquals([r.n, r.promoters, r.passives, r.detractors], [10, 4, 3, 3]);
  assertEquals([r.pct_promoters, r.pct_passives, r.pct_detractors], [40, 30, 30]);
  assertClose(r.nps, 10, "nps");
  const half = 100 * 1.959963984540054 * Math.sqrt(0.069);
  assertClose(r.nps_low, 10 - half, "low");
  assertClose(r.nps_high, 10 + half, "high");
});

Deno.test("nps: edge cases — all promoters, n = 1, empty group, missing scores", () => {
  const adjusted = nps(aq.table({ nps_score: [9, 10, 10] }), { method: "adjusted-wald" });
  const a = adjusted.objects()[0] as Record<string, number>;
  // Adjusted Wald: n' = 6, P' = 3.75, D' = .75 → centre 50, never a zero-width interval;
  // 50 + 56.6 leaves the scale and is clipped to 100 (and the notes say so).
  const pP = 3.75 / 6, pD = 0.75 / 6;
  const half = 100 * 1.959963984540054 * Math.sqrt((pP + pD - (pP - pD) ** 2) / 6);
  assertClose(a.nps_low, 50 - half, "adjusted low");
  assertEquals([a.nps_high, a.nps_adjusted, a.degenerate_interval], [100, 50, false]);
  assertEquals(meta<"kpi">(adjusted)?.notes.clipped, ["nps_high clipped to 100 in 1 row"]);
  assertEquals(a.nps, 100); // the point estimate stays the observed NPS
  // Wald has zero width here (all promoters): the row gets the adjusted-Wald interval, flagged.
  const all = nps(aq.table({ nps_score: [9, 10, 10] })).objects()[0] as Record<string, number>;
  assertEquals([all.nps, all.nps_high, all.nps_adjusted, all.degenerate_interval], [
    100,
    100,
    50,
    true,
  ]);
  assertClose(all.nps_low, 50 - half, "degenerate Wald → adjusted low");

  const one = nps(aq.table({ nps_score: [3] })).objects()[0] as Record<string, unknown>;
  assertEquals([one.n, one.nps, one.small_sample], [1, -100, true]);

  const t = aq.table({ channel: ["chat", "web", "web"], nps_score: [10, null, null] });
  const byChannel = nps(t, { by: "channel" }).objects() as Record<string, unknown>[];
  assertEquals(byChannel[1], {
    channel: "web",
    n: 0,
    n_effective: 0,
    promoters: 0,
    passives: 0,
    detractors: 0,
    pct_promoters: null,
    pct_passives: null,
    pct_detractors: null,
    nps: null,
    nps_low: null,
    nps_high: null,
    nps_adjusted: null,
    degenerate_interval: null,
    small_sample: true,
  });
});

Deno.test("nps: pooled over tables (counts added), not averaged", () => {
  const a = aq.table({ nps_score: [10, 10, 10, 10] }); // NPS 100
  const b = aq.table({ nps_score: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }); // NPS −100
  assertEquals(nps([a, b]).get("nps", 0), 100 * (4 - 12) / 16); // −50, not the mean 0
  // Columns only one survey has are kept (Arquero's concat alone would drop them).
  const en = aq.table({ nps_score: [10, 0], channel: ["chat", "web"] });
  const de = aq.table({ nps_score: [9], region: ["north"] });
  // The English rows have no region: their own group with missing: "group", left out by default.
  assertEquals(nps([en, de], { by: "region", missing: "group" }).array("region"), [null, "north"]);
  const byRegion = nps([en, de], { by: "region" });
  assertEquals(byRegion.array("region"), ["north"]);
  assertEquals(
    meta<"kpi">(byRegion)?.notes.missingGroups,
    '2 answers with a missing region left out; missing: "group" keeps them as their own group',
  );
});

Deno.test("nps: by channel agrees with scipy (Wald and adjusted Wald) to 1e-9", async () => {
  const responses = await sample("responses");
  const reference = fixture("nps_by_channel.csv");
  assertMatchesFixture(nps(responses, { by: "channel" }), reference, {
    channel: "channel",
    ...NPS_COLUMNS,
  });
  assertMatchesFixture(nps(responses, { by: "channel", method: "adjusted-wald" }), reference, {
    nps_low: "adj_low",
    nps_high: "adj_high",
  });
});

Deno.test("nps: by month and by channel × month agree with pandas/scipy", async () => {
  const responses = await sample("responses");
  const byMonth = nps(responses, { period: "month" });
  assertMatchesFixture(byMonth, fixture("nps_by_month.csv"), { period: "month", ...NPS_COLUMNS });
  assertEquals(byMonth.get("time_zone", 0), "UTC");
  assertEquals(byMonth.get("period_start", 0), new Date("2024-01-01T00:00:00Z"));
  const both = nps(responses, { by: "channel", period: "month" });
  assertMatchesFixture(both, fixture("nps_by_channel_month.csv"), {
    channel: "channel",
    period: "month",
    ...NPS_COLUMNS,
  });
  assertEquals(meta<"kpi">(both)?.timeZone, "UTC");
});

Deno.test("nps: bootstrap interval within Monte-Carlo tolerance of the Wald interval", async () => {
  const responses = await sample("responses");
  const wald = nps(responses, { by: "channel" }).objects() as Record<string, number>[];
  const boot = nps(responses, { by: "channel", method: "bootstrap", resamples: 1000, seed: 7 })
    .objects() as Record<string, number>[];
  const again = nps(responses, { by: "channel", method: "bootstrap", resamples: 1000, seed: 7 });
  assertEquals(again.objects(), boot); // seeded: reproducible
  wald.forEach((w, i) => {
    // n ≈ 4–6k: the normal approximation is excellent; bootstrap percentile bounds of
    // 1000 resamples wobble by roughly ±0.3 points.
    assertClose(boot[i].nps_low, w.nps_low, `low ${w.channel}`, 0.03);
    assertClose(boot[i].nps_high, w.nps_high, `high ${w.channel}`, 0.03);
  });
});

Deno.test("npsCompare: phone vs chat and 2025-03 vs 2025-02 agree with scipy", async () => {
  const responses = await sample("responses");
  const columns = {
    group_a: "group_a",
    group_b: "group_b",
    nps_a: "nps_a",
    nps_b: "nps_b",
    difference: "difference",
    std_err: "se",
    statistic: "z",
    difference_low: "low",
    difference_high: "high",
  };
  const channels = npsCompare(responses, { by: "channel", a: "phone", b: "chat" });
  assertMatchesFixture(channels, fixture("nps_compare_phone_chat.csv"), columns);
  // p ≈ 5e-20: compare on the log scale (relative 1e-6).
  const p = channels.get("p_value", 0) as number;
  const ref = Number(fixture("nps_compare_phone_chat.csv")[0].p_value);
  assertClose(Math.log(p), Math.log(ref), "log p", 1e-6);
  const months = npsCompare(responses, { period: "month", a: "2025-03", b: "2025-02" });
  assertMatchesFixture(months, fixture("nps_compare_months.csv"), {
    ...columns,
    p_value: "p_value",
  });
});

Deno.test("planted effects: phone ≈ 12 points below chat, significant; the 2025-03 drop", async () => {
  const responses = await sample("responses");
  const gap = npsCompare(responses, { by: "channel", a: "phone", b: "chat" })
    .objects()[0] as Record<
      string,
      number | boolean
    >;
  assertEquals((gap.difference as number) < -8 && (gap.difference as number) > -16, true);
  assertEquals(gap.significant, true);
  assertEquals((gap.p_value as number) < 0.001, true);
  const monthly = nps(responses, { period: "month" }).objects() as Record<
    string,
    number | string
  >[];
  const lowest = monthly.reduce((m, r) => (r.nps as number) < (m.nps as number) ? r : m);
  assertEquals(lowest.period, "2025-03");
  const drop = npsCompare(responses, { period: "month", a: "2025-03", b: "2025-02" })
    .objects()[0] as Record<string, unknown>;
  assertEquals(drop.significant, true);
});

Deno.test("nps: time zone decides the period of late-evening answers", () => {
  const t = aq.table({
    date: [new Date("2024-03-31T22:30:00Z"), new Date("2024-03-31T21:00:00Z")],
    nps_score: [10, 0],
  });
  const utc = nps(t, { period: "month" });
  assertEquals(utc.array("period"), ["2024-03"]);
  const berlin = nps(t, { period: "month", timeZone: "Europe/Berlin" });
  // 22:30 UTC is 00:30 on 1 April in Berlin (CEST, +2); 21:00 UTC is 23:00 on 31 March.
  assertEquals(berlin.array("period"), ["2024-03", "2024-04"]);
  assertEquals(berlin.array("nps"), [-100, 100]);
  assertEquals(berlin.array("time_zone"), ["Europe/Berlin", "Europe/Berlin"]);
});

Deno.test("nps: impossible input gives clear errors, never NaN", () => {
  const bad = assertThrows(() => nps(aq.table({ nps_score: [9, 11, 7.5] })), CxDataError);
  assertMatch(bad.message, /nps_score.*2 problems/s);
  assertMatch(bad.message, /row 2, column nps_score, value "11"/);
  const unknown = assertThrows(
    () => nps(aq.table({ nps_score: [9] }), { by: "segment" }),
    CxOptionsError,
  );
  assertMatch(unknown.message, /"by" names column "segment".*Columns: nps_score/);
  assertThrows(() => nps(aq.table({ nps_score: [9] }), { confidence: 95 }), CxOptionsError);
  assertThrows(
    () => nps(aq.table({ nps_score: [9] }), { period: "fortnight" as "week" }),
    CxOptionsError,
  );
  assertThrows(() => nps(aq.table({ score: [9] })), CxOptionsError);
});

Deno.test("npsCompare: the interval of the difference stays within ±200 and says so", () => {
  // a: 10 10 9 0 → NPS 50, Var .1875; b: 9 3 3 → NPS −33.3…, Var (8/9)/3.
  // difference 83.3… ± 1.96·100·√(.1875 + 8/27) = 83.3 ± 136.3: the high end, 219.7, is clipped.
  const t = aq.table({
    g: ["a", "a", "a", "a", "b", "b", "b"],
    nps_score: [10, 10, 9, 0, 9, 3, 3],
  });
  const r = npsCompare(t, { by: "g", a: "a", b: "b" });
  const row = r.objects()[0] as Record<string, number>;
  const difference = 50 + 100 / 3, half = 1.959963984540054 * 100 * Math.sqrt(0.1875 + 8 / 27);
  assertClose(row.difference, difference, "difference");
  assertClose(row.difference_low, difference - half, "low");
  assertEquals(row.difference_high, 200);
  assertEquals(meta<"kpi">(r)?.notes.clipped, ["difference_high clipped to 200 in 1 row"]);
  assertEquals(meta<"kpi">(r)?.kpi, "nps_compare");
});
