import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError } from "../../src/mod.ts";
import { quintileScores, rfm, RFM_SEGMENTS, rfmSegment } from "../../src/analysis/segment/rfm.ts";
import { segment } from "../../src/analysis/segment/segment.ts";
import { normalCdf } from "../../src/stats/distributions.ts";
import { assertClose, sample } from "../metrics/fixtures.ts";
import { sampleEvents, segmentFixture } from "../fixtures/segments/read.ts";

const Z = 1.959963984540054;
type Row = Record<string, unknown>;

Deno.test("segment NPS: hand-worked segment vs the rest", () => {
  // a: 10 10 9 7 3 → P 3, D 1, n 5: NPS 40, Var = (.6 + .2 − .4²)/5 = .128
  // b: 10 6 5 8   → P 1, D 2, n 4: NPS −25, Var = (.25 + .5 − .25²)/4 = .171875
  // a − rest(b) = 65; se = 100·√(.128 + .171875) = 100·√.299875; z = 65/se.
  const t = aq.table({
    group: ["a", "a", "a", "a", "a", "b", "b", "b", "b"],
    nps_score: [10, 10, 9, 7, 3, 10, 6, 5, 8],
  });
  const r = segment(t, { kpi: "nps", by: "group", minN: 1 }).objects() as Row[];
  const se = 100 * Math.sqrt(0.299875);
  assertEquals([r[0].group, r[0].n, r[0].nps, r[0].rest_n, r[0].rest_value], ["a", 5, 40, 4, -25]);
  assertClose(r[0].difference, 65, "difference");
  assertClose(r[0].difference_low, 65 - Z * se, "low");
  assertClose(r[0].difference_high, 65 + Z * se, "high");
  assertClose(r[0].statistic, 65 / se, "z");
  assertClose(r[0].p_value, 2 * normalCdf(-65 / se), "p");
  // Two segments: b vs rest is the mirror image; Holm with m = 2 doubles the smaller (equal) p.
  assertClose(r[1].difference, -65, "mirror");
  assertClose(r[0].p_adjusted, Math.min(1, 2 * (r[0].p_value as number)), "holm");
  assertEquals(r[0].df, null);
  assertEquals(r[0].significant, false);
  assertEquals(r[0].note, null);
});

Deno.test("segment CSAT: pooled share in the test, unpooled interval", () => {
  // a: 5 5 4 2 1 → top box 3/5 = .6; rest: 5 1 1 1 2 → 1/5 = .2; difference 40 points.
  // Test: pooled p = 4/10 = .4, se0 = √(.4·.6·(1/5 + 1/5)) = √.096; z = .4/√.096 = 1.29099…
  // (statsmodels proportions_ztest([3, 1], [5, 5]) → 1.2909944487358056, p 0.19670560245894686).
  // Interval: se = √(.6·.4/5 + .2·.8/5) = √.08; 40 ± 1.96·100·√.08.
  const t = aq.table({ g: [..."aaaaa", ..."bbbbb"], csat: [5, 5, 4, 2, 1, 5, 1, 1, 1, 2] });
  const r = segment(t, { kpi: "csat", by: "g", minN: 1 }).objects()[0] as Row;
  assertEquals([r.n, r.top_box, r.csat, r.rest_n, r.rest_value], [5, 3, 60, 5, 20]);
  assertClose(r.difference, 40, "difference");
  assertClose(r.statistic, 1.2909944487358056, "z");
  assertClose(r.p_value, 0.19670560245894686, "p");
  assertClose(r.difference_low, 40 - Z * 100 * Math.sqrt(0.08), "low");
  assertClose(r.difference_high, 40 + Z * 100 * Math.sqrt(0.08), "high");
});

Deno.test("segment CES: Welch t from sums", () => {
  // a: 1 2 3 → mean 2, s² 1; rest: 4 6 → mean 5, s² 2.
  // se = √(1/3 + 2/2) = √(4/3); t = −3/√(4/3) = −2.598076…;
  // df = (4/3)² / ((1/3)²/2 + 1²/1) = 32/19; scipy ttest_ind(equal_var=False): p 0.14436620481676546.
  // Interval: −3 ± t(.975, 32/19)·√(4/3), t(.975, 32/19) = 5.1762316297175435.
  const t = aq.table({ g: ["a", "a", "a", "b", "b"], ces: [1, 2, 3, 4, 6] });
  const result = segment(t, { kpi: "ces", by: "g", minN: 1 });
  const r = result.objects()[0] as Row;
  assertEquals([r.n, r.ces, r.rest_n, r.rest_value], [3, 2, 2, 5]);
  assertClose(r.difference, -3, "difference");
  assertClose(r.statistic, -2.598076211353316, "t");
  assertClose(r.df, 32 / 19, "df");
  assertClose(r.p_value, 0.14436620481676546, "p");
  const half = 5.1762316297175435 * Math.sqrt(4 / 3);
  // −3 − 5.98 = −8.98 is below −6, the lowest difference two means on 1–7 can have: clipped.
  assertEquals(r.difference_low, -6);
  assertClose(r.difference_high, -3 + half, "high");
  assertMatch(String(meta<"kpi">(result)?.notes.clipped), /difference_low clipped to -6 in 1 row/);
});

Deno.test("segment: single segment, empty group, no variation — shown, not tested", () => {
  const one = segment(aq.table({ g: ["a", "a"], nps_score: [9, 3] }), {
    kpi: "nps",
    by: "g",
    minN: 1,
  }).objects()[0] as Row;
  assertEquals([one.rest_n, one.rest_value, one.difference, one.p_value], [0, null, null, null]);
  assertEquals([one.significant, one.note], [false, "no other answers to compare with"]);

  // b has rows but no scores (n = 0); c and a have every score equal.
  const t = aq.table({
    g: ["a", "a", "b", "c", "c"],
    nps_score: [10, 10, null, 10, 10],
  });
  const r = segment(t, { kpi: "nps", by: "g", minN: 1 }).objects() as Row[];
  assertEquals(r.map((x) => x.n), [2, 0, 2]);
  assertEquals([r[1].nps, r[1].difference, r[1].note], [null, null, "no answers in this segment"]);
  // a vs rest (c): 100 − 100 = 0 with zero variance: the difference is shown, no test.
  assertEquals([r[0].difference, r[0].statistic, r[0].p_value], [0, null, null]);
  assertEquals(r[0].note, "no variation in the answers: no test possible");
  assertEquals(r.map((x) => x.p_adjusted), [null, null, null]);
});

Deno.test("segment: small segments are shown, flagged and left out of the correction family", () => {
  // 40 chat answers NPS 50, 40 phone NPS −50, 5 web answers: minN 30 → web not in the family.
  const t = aq.table({
    channel: [...Array(40).fill("chat"), ...Array(40).fill("phone"), ...Array(5).fill("web")],
    nps_score: [
      ...Array(20).fill(10),
      ...Array(20).fill(8),
      ...Array(20).fill(0),
      ...Array(20).fill(8),
      ...[10, 10, 10, 0, 0],
    ],
  });
  const r = segment(t, { kpi: "nps", by: "channel" }).objects() as Row[];
  const web = r[2];
  assertEquals([web.channel, web.small_sample, web.p_adjusted, web.significant], [
    "web",
    true,
    null,
    false,
  ]);
  assertEquals(typeof web.p_value, "number"); // the raw test is still shown
  assertMatch(web.note as string, /too few answers \(n = 5 < 30\): not tested/);
  // Family of two: Holm multiplies the smaller p by 2, the larger by 1 (then running max).
  const [pc, pp] = [r[0].p_value as number, r[1].p_value as number];
  const lo = Math.min(pc, pp), hi = Math.max(pc, pp);
  const expected = [Math.min(1, 2 * lo), Math.max(Math.min(1, 2 * lo), hi)];
  assertClose(Math.min(r[0].p_adjusted as number, r[1].p_adjusted as number), expected[0], "h1");
  assertClose(Math.max(r[0].p_adjusted as number, r[1].p_adjusted as number), expected[1], "h2");
  assertEquals(meta<"kpi">(segment(t, { kpi: "nps", by: "channel" }))?.notes.family, 2);
  // Benjamini–Hochberg on request.
  const bh = segment(t, { kpi: "nps", by: "channel", correction: "bh" }).objects() as Row[];
  assertClose(Math.max(bh[0].p_adjusted as number, bh[1].p_adjusted as number), hi, "bh max");
});

const NPS_FIXTURE = {
  n: "n",
  nps: "nps",
  rest_n: "rest_n",
  rest_value: "rest_nps",
  difference: "difference",
  difference_low: "low",
  difference_high: "high",
  statistic: "z",
};

function assertRows(
  result: Row[],
  fixture: Record<string, string | number>[],
  keys: string[],
  columns: Record<string, string>,
  tol = 1e-9,
): void {
  assertEquals(result.length, fixture.length, "row count");
  fixture.forEach((f, i) => {
    for (const k of keys) assertEquals(result[i][k], f[k], `row ${i} ${k}`);
    for (const [ours, theirs] of Object.entries(columns)) {
      assertClose(result[i][ours], f[theirs], `row ${i} ${ours}`, tol);
    }
  });
}

/** p-values down to 1e-190 and below: compare on the log scale (relative 1e-9). */
function assertP(actual: unknown, expected: unknown, what: string): void {
  assertClose(Math.log(actual as number), Math.log(Number(expected)), `log ${what}`);
}

Deno.test("segment NPS by channel and by channel × region agree with scipy/statsmodels", async () => {
  const responses = await sample("responses");
  const byChannel = segment(responses, { kpi: "nps", by: "channel" }).objects() as Row[];
  const f1 = segmentFixture("segment_nps_channel.csv");
  assertRows(byChannel, f1, ["channel"], NPS_FIXTURE);
  byChannel.forEach((r, i) => {
    assertP(r.p_value, f1[i].p_value, `p ${i}`);
    assertP(r.p_adjusted, f1[i].holm, `holm ${i}`);
  });
  const both = segment(responses, { kpi: "nps", by: ["channel", "region"] }).objects() as Row[];
  const f2 = segmentFixture("segment_nps_channel_region.csv");
  assertRows(both, f2, ["channel", "region"], { ...NPS_FIXTURE, p_value: "p_value" });
  both.forEach((r, i) => assertClose(r.p_adjusted, f2[i].holm, `holm ${i}`));
  const bh = segment(responses, { kpi: "nps", by: ["channel", "region"], correction: "bh" })
    .objects() as Row[];
  bh.forEach((r, i) => assertClose(r.p_adjusted, f2[i].bh, `bh ${i}`));
});

Deno.test("segment CSAT (two-proportion z) and CES (Welch t) agree with statsmodels/scipy", async () => {
  const responses = await sample("responses");
  const c = segment(responses, { kpi: "csat", by: "channel" }).objects() as Row[];
  const fc = segmentFixture("segment_csat_channel.csv");
  assertRows(c, fc, ["channel"], {
    n: "n",
    top_box: "top_box",
    csat: "share",
    rest_n: "rest_n",
    rest_value: "rest_share",
    difference: "difference",
    difference_low: "low",
    difference_high: "high",
    statistic: "z",
  });
  c.forEach((r, i) => {
    assertP(r.p_value, fc[i].p_value, `p ${i}`);
    assertP(r.p_adjusted, fc[i].holm, `holm ${i}`);
  });
  const e = segment(responses, { kpi: "ces", by: "channel" }).objects() as Row[];
  const fe = segmentFixture("segment_ces_channel.csv");
  assertRows(e, fe, ["channel"], {
    n: "n",
    ces: "mean",
    rest_n: "rest_n",
    rest_value: "rest_mean",
    difference: "difference",
    difference_low: "low",
    difference_high: "high",
    statistic: "t",
    df: "df",
  });
  e.forEach((r, i) => {
    // Welch p-values as small as 1e-193: scipy's t tail and ours agree to ~1e-12 relative.
    assertP(r.p_value, fe[i].p_value, `p ${i}`);
    assertP(r.p_adjusted, fe[i].holm, `holm ${i}`);
  });
});

Deno.test("planted effect: phone stands out, significantly below the rest after Holm", async () => {
  const responses = await sample("responses");
  const r = segment(responses, { kpi: "nps", by: "channel" }).objects() as Row[];
  const phone = r.find((x) => x.channel === "phone")!;
  assertEquals(phone.significant, true);
  assertEquals((phone.difference_high as number) < 0, true, "whole interval below 0");
  assertEquals((phone.p_adjusted as number) < 1e-10, true);
  const lowest = r.reduce((m, x) => (x.difference as number) < (m.difference as number) ? x : m);
  assertEquals(lowest.channel, "phone");
  // Region has no planted effect: no region differs from the rest after Holm.
  const regions = segment(responses, { kpi: "nps", by: "region" }).objects() as Row[];
  assertEquals(regions.map((x) => x.significant), [false, false, false, false]);
  const info = meta<"kpi">(segment(responses, { kpi: "nps", by: "channel" }))!;
  assertEquals([info.kpi, info.notes.correction, info.notes.family], ["nps", "holm", 4]);
});

Deno.test("segment: bad input gives clear errors", () => {
  const t = aq.table({ channel: ["a"], nps_score: [9] });
  const kpi = assertThrows(
    () => segment(t, { kpi: "effort" as "nps", by: "channel" }),
    CxOptionsError,
  );
  assertMatch(kpi.message, /"kpi" must be "nps", "csat" or "ces", got "effort"/);
  const col = assertThrows(() => segment(t, { kpi: "nps", by: "region" }), CxOptionsError);
  assertMatch(col.message, /"by" names column "region".*Columns: channel, nps_score/);
  assertThrows(() => segment(t, { kpi: "nps", by: [] }), CxOptionsError);
  assertThrows(() => segment(t, { kpi: "csat", by: "channel" }), CxOptionsError); // no csat column
  assertThrows(
    () => segment(t, { kpi: "nps", by: "channel", correction: "bonferroni" as "holm" }),
    CxOptionsError,
  );
  const empty = assertThrows(
    () => segment(aq.table({ channel: [], nps_score: [] }), { kpi: "nps", by: "channel" }),
    CxDataError,
  );
  assertMatch(empty.message, /no rows/);
  assertThrows(
    () => segment(aq.table({ channel: ["a"], nps_score: [11] }), { kpi: "nps", by: "channel" }),
    CxDataError,
  );
});

// ---------------------------------------------------------------------------
// RFM

Deno.test("quintileScores: rank-based quintiles, ties share their average rank", () => {
  // N = 5: r = 1…5 → ⌈5(r − 1)/4⌉ = 0→1, 1.25→2, 2.5→3, 3.75→4, 5→5.
  assertEquals(quintileScores([50, 10, 40, 20, 30]), [5, 1, 4, 2, 3]);
  // All equal: mean rank 3 of 5 → ⌈5·2/4⌉ = 3 for everyone.
  assertEquals(quintileScores([7, 7, 7, 7, 7]), [3, 3, 3, 3, 3]);
  // Row order never matters for ties.
  // N = 4, ranks 3, 1.5, 1.5, 4 → ⌈5·2/3⌉ = 4, ⌈5·.5/3⌉ = 1 (twice), ⌈5·3/3⌉ = 5.
  assertEquals(quintileScores([2, 1, 1, 3]), [4, 1, 1, 5]);
  assertEquals(quintileScores([3, 1, 2, 1]), [5, 1, 4, 1]);
  assertEquals(quintileScores([9]), [3]);
  assertEquals(quintileScores([]), []);
});

Deno.test("rfmSegment: every R × F cell is named, every segment reachable", () => {
  const named = new Set<string>();
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) named.add(rfmSegment(r, f));
  assertEquals([...named].sort(), [...RFM_SEGMENTS].sort());
  assertEquals(
    [rfmSegment(5, 1), rfmSegment(4, 1), rfmSegment(3, 3), rfmSegment(2, 1), rfmSegment(4, 4)],
    ["New", "Promising", "Need attention", "Hibernating", "Loyal"],
  );
  assertThrows(() => rfmSegment(0, 3), CxOptionsError);
  assertThrows(() => rfmSegment(2.5, 3), CxOptionsError);
});

Deno.test("rfm: hand-worked example, later orders and missing revenue", () => {
  // observedUntil 2025-12-31 00:00 UTC. a: 3 orders, last 12-30 (1 day), 60 €; b: 1 order 06-01
  // (213 days), missing revenue → 0; c: 1 order 12-01 (30 days), 50 €, plus one order in 2026
  // that is after observedUntil and ignored.
  const orders = aq.table({
    customer_id: ["a", "a", "a", "b", "c", "c"],
    date: ["2025-12-30", "2025-11-01", "2025-10-01", "2025-06-01", "2025-12-01", "2026-01-05"]
      .map((d) => new Date(d)),
    revenue: [10, 20, 30, null, 50, 999],
  });
  const r = rfm(orders, { observedUntil: new Date("2025-12-31") }).objects() as Row[];
  assertEquals(r.map((x) => x.customer_id), ["a", "b", "c"]);
  assertEquals(r.map((x) => x.recency_days), [1, 213, 30]);
  assertEquals(r.map((x) => x.frequency), [3, 1, 1]);
  assertEquals(r.map((x) => x.monetary), [60, 0, 50]);
  // N = 3 → score = ⌈5(r − 1)/2⌉ (min 1). −recency ranks b 1, c 2, a 3 → R 1, 3, 5.
  // frequency: b, c tie at mean rank 1.5 → ⌈1.25⌉ = 2; a → 5. monetary: b 1, c 3, a 5.
  assertEquals(r.map((x) => [x.r_score, x.f_score, x.m_score]), [[5, 5, 5], [1, 2, 1], [3, 2, 3]]);
  assertEquals(r.map((x) => x.rfm_score), ["555", "121", "323"]);
  assertEquals(r.map((x) => x.segment), ["Champions", "Lost", "About to sleep"]);
  assertEquals(r[0].last_order, new Date("2025-12-30"));
});

Deno.test("rfm on the sample orders agrees with pandas (scores, segments) to 1e-9", async () => {
  const events = await sampleEvents();
  const orders = events.filter((d: Row) => d.type === "order");
  const r = rfm(orders, { observedUntil: new Date("2026-01-01T00:00:00Z") }).objects() as Row[];
  const f = segmentFixture("rfm_events.csv");
  assertEquals(r.length, f.length);
  f.forEach((e, i) => {
    const a = r[i];
    assertEquals(
      [a.customer_id, a.recency_days, a.frequency, a.r_score, a.f_score, a.m_score, a.segment],
      [e.customer_id, e.recency_days, e.frequency, e.r_score, e.f_score, e.m_score, e.segment],
      `customer ${e.customer_id}`,
    );
    assertClose(a.monetary, e.monetary, `monetary ${e.customer_id}`);
    assertEquals((a.last_order as Date).toISOString().slice(0, 10), e.last_order);
  });
  // Every named segment occurs in the sample.
  assertEquals(new Set(r.map((x) => x.segment)).size, RFM_SEGMENTS.length);
});

Deno.test("rfm: bad input gives clear errors", () => {
  const orders = aq.table({ customer_id: ["a"], date: [new Date("2025-01-01")], revenue: [1] });
  assertThrows(() => rfm(orders, {} as { observedUntil: Date }), CxOptionsError);
  assertThrows(() => rfm(orders, { observedUntil: new Date("nonsense") }), CxOptionsError);
  const col = assertThrows(
    () => rfm(orders, { observedUntil: new Date("2025-02-01"), revenue: "amount" }),
    CxOptionsError,
  );
  assertMatch(col.message, /"revenue" names column "amount"/);
  const strings = aq.table({ customer_id: ["a"], date: ["2025-01-01"], revenue: [1] });
  const bad = assertThrows(
    () => rfm(strings, { observedUntil: new Date("2025-02-01") }),
    CxDataError,
  );
  assertMatch(bad.message, /row 1, column date.*must hold dates/);
  const none = assertThrows(
    () => rfm(orders, { observedUntil: new Date("2024-01-01") }),
    CxDataError,
  );
  assertMatch(none.message, /no orders on or before observedUntil/);
  assertThrows(
    () => rfm(aq.table({ customer_id: [], date: [], revenue: [] }), { observedUntil: new Date() }),
    CxDataError,
  );
});
