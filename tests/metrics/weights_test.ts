/**
 * Survey weights (issue #19, item 2): every score KPI weights its answers by
 * the `weight` column by default (or the column option `weight` names;
 * `weight: null` for none), equal to the statsmodels `DescrStatsW` / survey
 * formula reference (tests/fixtures/weights/make_weights.py) to 1e-9, by the
 * kernel and by the Arquero reference path; bad weights are refused; KPIs
 * that cannot be weighted refuse the option and ignore a `weight` column.
 */
import * as aq from "arquero";
import assert from "node:assert/strict";
import { assertEquals, assertThrows } from "../assert.ts";
import {
  ces,
  churnRate,
  compareToBenchmark,
  csat,
  CxDataError,
  CxOptionsError,
  firstResponseTime,
  meta,
  nps,
  npsCompare,
  readCsv,
  segment,
  touchpointOutcomes,
  trend,
} from "../../src/mod.ts";
import { assertClose, sample } from "./fixtures.ts";
import { loadDirectory } from "../../src/report/load_dir.ts";
import { reportTables } from "../../src/report/context.ts";
import { checkNps, checkRows, SCALE_FIELDS, WEIGHTED, weightedAnswers } from "./weights_fixture.ts";

const answers = await weightedAnswers();

for (const aggregate of ["kernel", "arquero"] as const) {
  Deno.test(`weights (${aggregate}): nps, csat, ces equal the DescrStatsW reference`, () => {
    checkNps(nps(answers, { aggregate }), WEIGHTED.nps.channel);
    checkNps(nps(answers, { by: "channel", aggregate }), WEIGHTED.nps.channel, "channel");
    checkNps(nps(answers, { period: "month", aggregate }), WEIGHTED.nps.month, "period");
    checkRows(
      csat(answers, { by: "channel", aggregate }),
      WEIGHTED.csat,
      "channel",
      SCALE_FIELDS.csat,
    );
    checkRows(csat(answers, { aggregate }), WEIGHTED.csat, undefined, SCALE_FIELDS.csat);
    checkRows(
      ces(answers, { by: "channel", aggregate }),
      WEIGHTED.ces,
      "channel",
      SCALE_FIELDS.ces,
    );
    checkRows(
      ces(answers, { period: "month", aggregate }),
      WEIGHTED.ces_month,
      "period",
      SCALE_FIELDS.ces,
    );
  });
}

Deno.test("weights: the adjusted-Wald interval runs on effective counts", () => {
  const row = nps(answers, { method: "adjusted-wald" }).objects()[0] as Record<string, number>;
  const want = WEIGHTED.nps.channel.all.adjusted as Record<string, number>;
  for (const k of ["nps_adjusted", "nps_low", "nps_high"]) assertClose(row[k], want[k], k);
});

Deno.test("weights: npsCompare, segment and trend use the weighted values and tests", () => {
  const diff = npsCompare(answers, { by: "channel", a: "phone", b: "chat" }).objects()[0];
  for (const k of ["difference", "difference_low", "difference_high", "std_err", "statistic"]) {
    assertClose((diff as Record<string, unknown>)[k], WEIGHTED.npsCompare[k], `npsCompare ${k}`);
  }
  assertClose((diff as Record<string, unknown>).p_value, WEIGHTED.npsCompare.p_value, "p", 1e-6);
  const segments = segment(answers, { kpi: "nps", by: "channel" });
  checkNps(segments, WEIGHTED.nps.channel, "channel");
  const fields = ["rest_n", "rest_value", "difference", "difference_low", "difference_high"];
  checkRows(segments, WEIGHTED.segment, "channel", {
    ...Object.fromEntries(fields.map((f) => [f, f])),
    statistic: "statistic",
  });
  checkNps(trend(answers, { kpi: "nps", period: "month" }), WEIGHTED.nps.month, "period");
  const cesTrend = trend(answers, { kpi: "ces", period: "month" });
  checkRows(cesTrend, WEIGHTED.ces_month, "period", SCALE_FIELDS.ces);
});

Deno.test("weights: notes name the column; weight: null and no column give unweighted results", () => {
  const weighted = nps(answers, { by: "channel" });
  assertEquals(meta<"kpi">(weighted).notes.weight, "weight");
  assert.match(String(meta<"kpi">(weighted).notes.weighting), /Kish's effective n/);
  const off = nps(answers, { by: "channel", weight: null });
  const without = nps(answers.select(aq.not("weight")), { by: "channel" });
  assertEquals(off.objects(), without.objects());
  assertEquals(meta<"kpi">(off).notes.weight, undefined);
  // Unweighted: n_effective is n, and the NPS is the plain one (chat: counted by hand here).
  const chat = answers.filter((d: Record<string, unknown>) =>
    d.channel === "chat" && d.nps_score != null
  )
    .array("nps_score") as number[];
  const plain = 100 * (chat.filter((s) => s >= 9).length - chat.filter((s) => s <= 6).length) /
    chat.length;
  const row = off.objects()[0] as Record<string, number>;
  assertEquals([row.n, row.n_effective], [chat.length, chat.length]);
  assertClose(row.nps, plain, "unweighted chat NPS");
  // Another column by name: the same as the canonical one.
  const renamed = answers.rename({ weight: "Gewicht" });
  checkNps(nps(renamed, { by: "channel", weight: "Gewicht" }), WEIGHTED.nps.channel, "channel");
  assertEquals(meta<"kpi">(nps(renamed, { weight: "Gewicht" })).notes.weight, "Gewicht");
});

Deno.test("weights: the German sample's NPS with and without its weight column", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../data/sample/cxkit.json", import.meta.url)),
  );
  const { table } = await readCsv(new URL("../../data/sample/responses_de.csv", import.meta.url), {
    schema: "responses",
    mapping: config.files["responses_de.csv"].mapping,
  });
  assertEquals(table.numRows(), WEIGHTED.sample_de.accepted);
  checkNps(nps(table), { all: WEIGHTED.sample_de.weighted });
  checkNps(nps(table, { weight: null }), { all: WEIGHTED.sample_de.unweighted });
});

Deno.test("weights: missing, negative and non-finite weights are refused, naming column and count", () => {
  for (const bad of [-0.5, null, NaN, Infinity]) {
    const t = aq.table({ nps_score: [9, 3, 7, null], weight: [1, bad, bad, bad] });
    const e = assertThrows(() => nps(t), CxDataError);
    // Rows 2 and 3 are answers; row 4 has no score, so its weight is not read.
    assert.match(
      e.message,
      /2 answers have a missing, negative or non-finite weight in column "weight"/,
    );
    assertEquals(e.problems.map((p) => [p.row, p.column]), [[2, "weight"], [3, "weight"]]);
    assertThrows(() => csat(aq.table({ csat: [5, 1], weight: [bad, 1] })), CxDataError);
  }
  const text = aq.table({ ces: [2], weight: ["1.5"] });
  assert.match(assertThrows(() => ces(text), CxDataError).message, /1 answer has a missing/);
});

Deno.test("weights: a group whose weights sum to 0 is refused, zero weights elsewhere count in n only", () => {
  const t = aq.table({
    channel: ["chat", "chat", "web"],
    nps_score: [10, 0, 9],
    weight: [1, 0, 0],
  });
  const e = assertThrows(() => nps(t, { by: "channel" }), CxDataError);
  assert.match(e.message, /Column "weight": a group with total weight 0/);
  assert.match(e.problems[0].reason, /the 1 answers of channel = "web" have total weight 0/);
  const chat = nps(t.filter((d: Record<string, unknown>) => d.channel === "chat"), {
    by: "channel",
  });
  const row = chat.objects()[0] as Record<string, number>;
  // The detractor weighs 0: NPS 100 from one effective answer, n still 2.
  assertEquals([row.n, row.n_effective, row.nps, row.detractors], [2, 1, 100, 1]);
  assertThrows(() => csat(aq.table({ csat: [4], weight: [0] })), CxDataError);
});

Deno.test("weights: option errors, and KPIs that cannot be weighted refuse the option", async () => {
  const wrongType = assertThrows(() => nps(answers, { weight: false as never }), CxOptionsError);
  assert.match(
    wrongType.message,
    /Option "weight" must name the column of survey weights, or be null/,
  );
  const absent = assertThrows(() => nps(answers, { weight: "gewicht" }), CxOptionsError);
  assert.match(absent.message, /Option "weight" names column "gewicht", which is not in the table/);
  const boot = assertThrows(() => nps(answers, { method: "bootstrap" }), CxOptionsError);
  assert.match(boot.message, /"bootstrap" resamples answers and cannot carry survey weights/);
  nps(answers, { method: "bootstrap", weight: null, resamples: 50 }); // unweighted: fine
  const tickets = await sample("tickets");
  const frt = assertThrows(
    () => firstResponseTime(tickets, { weight: "weight" } as never),
    CxOptionsError,
  );
  assertEquals(
    frt.message,
    'firstResponseTime cannot be weighted: option "weight" (survey weights) applies to answers of the score KPIs (nps, csat, ces, npsCompare, segment, trend, touchpointOutcomes); firstResponseTime counts its rows unweighted, so drop the option',
  );
  assertThrows(() => churnRate(aq.table({ x: [1] }), { weight: null } as never), CxOptionsError);
  // A weight column in a ticket table is not read: the result and notes are the unweighted ones.
  const withWeight = tickets.derive({ weight: () => 5 });
  assertEquals(firstResponseTime(withWeight).objects(), firstResponseTime(tickets).objects());
  assertEquals(meta<"kpi">(firstResponseTime(withWeight)).notes.weight, undefined);
});

Deno.test("weights: the report pools the sample's answers weighted, unweighted files at 1 with a warning", async () => {
  const files = await loadDirectory(new URL("../../data/sample/", import.meta.url).pathname);
  const { tables } = reportTables(files);
  const answers = tables.responses!;
  assertEquals(answers.numRows(), WEIGHTED.sample_de.english_rows + WEIGHTED.sample_de.accepted);
  checkNps(nps(answers), { all: WEIGHTED.sample_de.pooled_report });
  const english = files.find((f) => f.file === "responses.csv")!.result!.summary.warnings;
  assert.ok(
    english.includes(
      "responses.csv has no weight column while responses_de.csv has survey weights: its answers weigh 1 in the pooled, weighted KPIs",
    ),
    english.join("; "),
  );
});

Deno.test("weights: compareToBenchmark refuses a weighted result instead of testing its counts", () => {
  const e = assertThrows(() => compareToBenchmark(nps(answers), { benchmark: 0 }), CxOptionsError);
  assert.match(
    e.message,
    /cannot test a weighted nps result \(survey weights from column "weight"\)/,
  );
  const plain = compareToBenchmark(nps(answers, { weight: null }), { benchmark: 0 });
  assertEquals(plain.get("test", 0), "wald z");
});

Deno.test("weights: touchpointOutcomes weighs the answers as nps and npsCompare do (by hand)", () => {
  const day = new Date(Date.UTC(2025, 0, 1)), later = new Date(Date.UTC(2025, 0, 5));
  const events = aq.table({
    customer_id: ["a", "b", "c", "d"],
    date: [day, day, day, day],
    channel: ["phone", "phone", "web", "web"],
  });
  const responses = aq.table({
    customer_id: ["a", "b", "c", "d"],
    date: [later, later, later, later],
    nps_score: [10, 0, 10, 0],
    weight: [3, 1, 1, 1],
  });
  const phone = touchpointOutcomes(events, { responses }).objects()
    .find((r) => (r as Record<string, unknown>).touchpoint === "phone") as Record<string, number>;
  // With phone: 10 (w 3) and 0 (w 1): NPS 100·(3 − 1)/4 = 50; n_eff = 16/10; Var = (1 − ¼)/1.6.
  // Without: 10 and 0 (w 1 each): NPS 0; Var = (1 − 0)/2.
  assertEquals([phone.n_with, phone.nps_without], [2, 0]);
  assertClose(phone.nps_with, 50, "nps_with");
  assertClose(phone.difference, 50, "difference");
  assertClose(phone.std_err, 100 * Math.sqrt(0.75 / 1.6 + 0.5), "std_err");
  const unweighted = touchpointOutcomes(events, { responses, weight: null }).objects()
    .find((r) => (r as Record<string, unknown>).touchpoint === "phone") as Record<string, number>;
  assertEquals(unweighted.nps_with, 0);
});
