import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError } from "../../src/mod.ts";
import { periodSequence, trend } from "../../src/analysis/trend.ts";
import { normalCdf } from "../../src/stats/distributions.ts";
import { assertClose, sample } from "../metrics/fixtures.ts";
import { segmentFixture } from "../fixtures/segments/read.ts";

const Z = 1.959963984540054;
type Row = Record<string, unknown>;
const day = (s: string) => new Date(`${s}T12:00:00Z`);

Deno.test("trend: hand-worked months, change vs previous, rolling from pooled counts", () => {
  // Jan: 10 10 9 0 → P 3, D 1, n 4: NPS 50.  Feb: 9 3 3 → P 1, D 2, n 3: NPS −33.3…
  // Mar: 10 → P 1, n 1: NPS 100.
  // Feb − Jan = −83.3…; Var_Jan = (.75 + .25 − .5²)/4 = .1875; Var_Feb = (1/3 + 2/3 − (1/3)²)/3
  // = (8/9)/3; z = −83.3/(100·√(.1875 + 8/27)).
  // Rolling 2 at Feb: pooled P 4, D 3, n 7 → 100·1/7 = 14.28… (the mean of 50 and −33.3 would
  // be 8.3). At Mar: Feb + Mar: P 2, D 2, n 4 → 0.
  const t = aq.table({
    date: ["2025-01-03", "2025-01-04", "2025-01-05", "2025-01-31", "2025-02-01", "2025-02-10"]
      .concat(["2025-02-28", "2025-03-15"]).map(day),
    nps_score: [10, 10, 9, 0, 9, 3, 3, 10],
  });
  const result = trend(t, { kpi: "nps", period: "month", rolling: 2, minN: 1, correction: "none" });
  const r = result.objects() as Row[];
  assertEquals(r.map((x) => x.period), ["2025-01", "2025-02", "2025-03"]);
  assertEquals(r.map((x) => x.n), [4, 3, 1]);
  assertEquals(r.map((x) => x.compared_to), ["2024-12", "2025-01", "2025-02"]);
  const change = -100 / 3 - 50, se = 100 * Math.sqrt(0.1875 + 8 / 27);
  assertClose(r[1].change, change, "change");
  // change − z·se = −219.7 is below the lowest possible change, −200: clipped, and noted.
  assertClose(change - Z * se, -219.65954320607042, "low before clipping");
  assertEquals(r[1].change_low, -200);
  assertClose(r[1].change_high, change + Z * se, "high");
  assertMatch(String(meta<"kpi">(result)?.notes.clipped), /change_low clipped to -200 in 1 row/);
  assertClose(r[1].statistic, change / se, "z");
  assertClose(r[1].p_value, 2 * normalCdf(-Math.abs(change / se)), "p");
  assertEquals(r[1].p_adjusted, r[1].p_value); // correction "none": raw p-values
  assertEquals([r[0].rolling_n, r[0].rolling_value], [null, null]); // window not complete yet
  assertEquals(r[1].rolling_n, 7);
  assertClose(r[1].rolling_value, 100 / 7, "rolling Feb");
  const pP = 4 / 7, pD = 3 / 7;
  const rse = 100 * Math.sqrt((pP + pD - (pP - pD) ** 2) / 7);
  assertClose(r[1].rolling_value_low, 100 / 7 - Z * rse, "rolling low");
  assertEquals([r[2].rolling_n, r[2].rolling_value], [4, 0]);
  assertEquals(r[0].note, "nothing to compare with: no 2024-12 in the data");
  assertEquals(r.map((x) => x.time_zone), ["UTC", "UTC", "UTC"]);
});

Deno.test("trend: a month with n = 0 is a row, says so, and is never tested", () => {
  // Jan 40 answers, no Feb at all, Mar 40 answers. minN 30 (default).
  const t = aq.table({
    date: [...Array(40).fill(day("2025-01-10")), ...Array(40).fill(day("2025-03-10"))],
    nps_score: [...Array(40).fill(10), ...Array(20).fill(10), ...Array(20).fill(0)],
  });
  const r = trend(t, { kpi: "nps", period: "month", rolling: 3 }).objects() as Row[];
  assertEquals(r.map((x) => x.period), ["2025-01", "2025-02", "2025-03"]);
  const feb = r[1];
  assertEquals([feb.n, feb.promoters, feb.nps, feb.nps_low, feb.too_few], [0, 0, null, null, true]);
  assertEquals(feb.note, "no answers in this period: too few answers to say anything");
  assertEquals(feb.period_start, new Date("2025-02-01T00:00:00Z"));
  // March vs February: February had no answers, so no test.
  assertEquals([r[2].change, r[2].significant, r[2].shift], [null, false, null]);
  assertEquals(r[2].note, "nothing to compare with: no answers in 2025-02");
  // The 3-month window pools Jan + (empty) Feb + Mar: P 60, D 20, n 80 → 50.
  assertEquals([r[2].rolling_n, r[2].rolling_value], [80, 50]);
});

Deno.test("trend: too few answers — value kept, no test, plain note; small compared period", () => {
  const t = aq.table({
    date: [...Array(40).fill(day("2025-01-10")), ...Array(12).fill(day("2025-02-10"))]
      .concat(Array(35).fill(day("2025-03-10"))),
    csat: [...Array(40).fill(5), ...Array(12).fill(1), ...Array(35).fill(5)],
  });
  const r = trend(t, { kpi: "csat", period: "month" }).objects() as Row[];
  assertEquals(r.map((x) => x.too_few), [false, true, false]);
  assertEquals([r[1].csat, r[1].change, r[1].small_sample], [0, null, true]);
  assertEquals(r[1].note, "too few answers to say anything (n = 12 < 30)");
  assertEquals(r[2].note, "too few answers in 2025-02 to compare with (n = 12)");
  assertEquals(r[2].change, null);
});

Deno.test("trend: all the same score — no variation, no test", () => {
  const t = aq.table({
    date: [...Array(30).fill(day("2025-01-10")), ...Array(30).fill(day("2025-02-10"))],
    ces: Array(60).fill(2),
  });
  const r = trend(t, { kpi: "ces", period: "month" }).objects() as Row[];
  assertEquals([r[1].ces, r[1].change, r[1].p_value, r[1].significant], [2, 0, null, false]);
  assertEquals(r[1].note, "no variation in the answers: no test possible");
});

Deno.test("trend: weeks, year-over-year labels, by segment, time zone", () => {
  // ISO weeks: 2024-12-30 is in 2025-W01; 2024-01-01 is 2024-W01.
  const t = aq.table({
    date: [day("2024-01-01"), day("2024-01-02"), day("2024-12-30"), day("2024-12-31")],
    channel: ["chat", "phone", "chat", "phone"],
    nps_score: [10, 0, 0, 10],
  });
  const r = trend(t, { kpi: "nps", period: "week", compare: "year", by: "channel", minN: 1 })
    .objects() as Row[];
  // 53 weeks per channel, 2024-W01 … 2025-W01.
  assertEquals(r.length, 2 * 53);
  const chat = r.filter((x) => x.channel === "chat");
  assertEquals([chat[0].period, chat[52].period], ["2024-W01", "2025-W01"]);
  assertEquals(chat[52].compared_to, "2024-W01");
  assertEquals(chat[52].change, -200); // 0 answers are detractors: −100 vs 100
  assertEquals(chat[52].p_value, null); // zero variance in both weeks
  // Berlin: 2025-03-31T22:30Z is already April there.
  const late = aq.table({ date: [new Date("2025-03-31T22:30:00Z")], nps_score: [9] });
  assertEquals(
    trend(late, { kpi: "nps", period: "month", timeZone: "Europe/Berlin" }).array("period"),
    ["2025-04"],
  );
});

Deno.test("periodSequence: steps through DST changes, month ends, quarters, years", () => {
  const labels = (p: Parameters<typeof periodSequence>[0], a: string, b: string, z = "UTC") =>
    periodSequence(p, z, new Date(a), new Date(b)).map((x) => x.label);
  assertEquals(labels("month", "2024-01-31", "2024-04-01"), [
    "2024-01",
    "2024-02",
    "2024-03",
    "2024-04",
  ]);
  assertEquals(
    labels("day", "2024-03-30T00:00:00+01:00", "2024-04-01T00:00:00+02:00", "Europe/Berlin"),
    ["2024-03-30", "2024-03-31", "2024-04-01"],
  );
  assertEquals(labels("quarter", "2024-01-01", "2024-12-31"), [
    "2024-Q1",
    "2024-Q2",
    "2024-Q3",
    "2024-Q4",
  ]);
  assertEquals(labels("year", "2023-06-01", "2025-01-01"), ["2023", "2024", "2025"]);
});

Deno.test("trend NPS by month agrees with pandas/scipy (rolling 3 from pooled counts)", async () => {
  const responses = await sample("responses");
  const r = trend(responses, { kpi: "nps", period: "month", rolling: 3 }).objects() as Row[];
  const f = segmentFixture("trend_nps_month.csv");
  assertEquals(r.length, f.length);
  f.forEach((e, i) => {
    const a = r[i];
    assertEquals([a.period, a.n, a.promoters, a.detractors], [
      e.month,
      e.n,
      e.promoters,
      e.detractors,
    ]);
    for (
      const [ours, theirs] of Object.entries({
        nps: "nps",
        nps_low: "nps_low",
        nps_high: "nps_high",
        rolling_n: "rolling_n",
        rolling_value: "rolling_nps",
        rolling_value_low: "rolling_low",
        rolling_value_high: "rolling_high",
        change: "change",
        change_low: "change_low",
        change_high: "change_high",
        statistic: "z",
        p_value: "p_value",
      })
    ) assertClose(a[ours], e[theirs], `${e.month} ${ours}`);
    if (i > 0) assertEquals(a.compared_to, e.compared_to);
  });
});

Deno.test("trend year over year, CSAT and CES agree with statsmodels/scipy", async () => {
  const responses = await sample("responses");
  const yoy = trend(responses, { kpi: "nps", period: "month", compare: "year", correction: "holm" })
    .objects() as Row[];
  const fy = segmentFixture("trend_nps_yoy.csv");
  const y2025 = yoy.filter((x) => String(x.period).startsWith("2025"));
  fy.forEach((e, i) => {
    assertEquals([y2025[i].period, y2025[i].compared_to], [e.month, e.compared_to]);
    for (const c of ["change", "change_low", "change_high", "p_value"]) {
      assertClose(y2025[i][c], e[c], `${e.month} ${c}`);
    }
    assertClose(y2025[i].p_adjusted, e.holm, `${e.month} holm`);
  });
  assertEquals(yoy.filter((x) => x.p_value !== null).length, 12); // 2024 has no year before
  const csat = trend(responses, { kpi: "csat", period: "month" }).objects() as Row[];
  segmentFixture("trend_csat_month.csv").forEach((e, i) => {
    assertEquals([csat[i].period, csat[i].n, csat[i].top_box], [e.month, e.n, e.top_box]);
    assertClose(csat[i].csat, e.csat, `${e.month} csat`);
    for (const c of ["change", "change_low", "change_high", "p_value"]) {
      assertClose(csat[i][c], e[c], `${e.month} csat ${c}`);
    }
    assertClose(csat[i].statistic, e.z, `${e.month} z`);
  });
  const ces = trend(responses, { kpi: "ces", period: "month" }).objects() as Row[];
  segmentFixture("trend_ces_month.csv").forEach((e, i) => {
    assertEquals([ces[i].period, ces[i].n], [e.month, e.n]);
    assertClose(ces[i].ces, e.ces, `${e.month} ces`);
    for (const c of ["change", "change_low", "change_high", "p_value", "df"]) {
      assertClose(ces[i][c], e[c], `${e.month} ces ${c}`);
    }
    assertClose(ces[i].statistic, e.t, `${e.month} t`);
  });
});

Deno.test("planted effect: 2025-03 is flagged as a drop, no other month is; April's recovery is a rise", async () => {
  const responses = await sample("responses");
  for (const timeZone of ["UTC", "Europe/Berlin"]) {
    // Flagged = Holm-adjusted p < 0.05 over the 23 month-over-month tests (the default):
    // March vs February drops, and the recovery April vs March is a real rise.
    const r = trend(responses, { kpi: "nps", period: "month", timeZone }).objects() as Row[];
    const flagged = r.filter((x) => x.significant).map((x) => [x.period, x.shift]);
    assertEquals(flagged, [["2025-03", "drop"], ["2025-04", "rise"]]);
  }
  // Raw p-values flag one more month by chance (2024-03, p ≈ 0.03): why Holm is the default.
  const raw = trend(responses, { kpi: "nps", period: "month", correction: "none" })
    .objects() as Row[];
  assertEquals(raw.filter((x) => x.significant).map((x) => x.period), [
    "2024-03",
    "2025-03",
    "2025-04",
  ]);
  // Year over year, no month is a significant drop after Holm (the outage is a dip, not a trend).
  const yoy = trend(responses, { kpi: "nps", period: "month", compare: "year" }).objects() as Row[];
  assertEquals(yoy.filter((x) => x.shift === "drop").length, 0);
  const info = meta<"kpi">(trend(responses, { kpi: "nps", period: "month" }))!;
  assertEquals([info.confidence, info.notes.correction, info.notes.family], [0.95, "holm", 23]);
  assertEquals(
    info.notes.flagged,
    "significant = p_adjusted < 1 − confidence (0.05) with both periods ≥ minN answers",
  );
  // A stricter confidence is the one way to a stricter flag: at 99.9 % March still drops.
  const strict = trend(responses, { kpi: "nps", period: "month", confidence: 0.999 })
    .objects() as Row[];
  strict.forEach((x) =>
    assertEquals(x.significant, x.p_adjusted !== null && (x.p_adjusted as number) < 1 - 0.999)
  );
});

Deno.test("trend: bad input gives clear errors", () => {
  const t = aq.table({ date: [day("2025-01-01")], nps_score: [9] });
  const kpi = assertThrows(
    () => trend(t, { kpi: "loyalty" as "nps", period: "month" }),
    CxOptionsError,
  );
  assertMatch(kpi.message, /"kpi" must be "nps", "csat" or "ces"/);
  assertThrows(() => trend(t, { kpi: "nps" } as Parameters<typeof trend>[1]), CxOptionsError);
  assertThrows(() => trend(t, { kpi: "nps", period: "fortnight" as "week" }), CxOptionsError);
  for (const rolling of [0, -1, 1.5]) {
    const e = assertThrows(
      () => trend(t, { kpi: "nps", period: "month", rolling }),
      CxOptionsError,
    );
    assertMatch(e.message, /"rolling" must be a whole number of periods ≥ 1/);
  }
  assertThrows(
    () => trend(t, { kpi: "nps", period: "month", compare: "last" as "year" }),
    CxOptionsError,
  );
  assertMatch(
    assertThrows(() => trend(t, { kpi: "nps", period: "month", confidence: 5 }), CxOptionsError)
      .message,
    /"confidence" must be a number between 0 and 1/,
  );
  const col = assertThrows(
    () => trend(t, { kpi: "nps", period: "month", date: "created" }),
    CxOptionsError,
  );
  assertMatch(col.message, /"date" names column "created"/);
  assertThrows(() => trend(t, { kpi: "csat", period: "month" }), CxOptionsError);
  const empty = assertThrows(
    () => trend(aq.table({ date: [], nps_score: [] }), { kpi: "nps", period: "month" }),
    CxDataError,
  );
  assertMatch(empty.message, /no rows/);
  const undated = assertThrows(
    () => trend(aq.table({ date: [null], nps_score: [9] }), { kpi: "nps", period: "month" }),
    CxDataError,
  );
  assertMatch(undated.message, /no row has a date/);
});
