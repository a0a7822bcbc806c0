/**
 * Small groups suppressed on every page that shows per-group values: a
 * planted tiny group (a ticket channel of 3 tickets, a signup cohort of 2
 * customers, a month of 2 answers) shows the suppression text, its values
 * appear nowhere on the page (tables, findings, charts), and the overview
 * counts it. The suppressed values are worked by hand below.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import { cohortSection } from "../../src/report/cohort_section.ts";
import { kpiSection } from "../../src/report/kpi_section.ts";
import { serviceSection } from "../../src/report/service_section.ts";
import { privacyLines } from "../../src/report/privacy.ts";
import { sectionContext } from "../../src/report/site.ts";
import { trendSection } from "../../src/report/trend_section.ts";
import { journeySection } from "../../src/report/journey_section.ts";

const FEWER = "fewer than 5 answers";
const count = (text: string, part: string) => text.split(part).length - 1;
/** The visible text of a page part (tags, and with them chart coordinates, dropped). */
const visible = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

/** 10 chat tickets, answered in 2..11 minutes; 3 fax tickets, answered in 777 minutes. */
function tickets() {
  const t0 = new Date("2024-01-02T09:00:00Z");
  const at = (min: number) => new Date(t0.getTime() + min * 60_000);
  const chat = Array.from({ length: 10 }, (_, i) => i);
  return aq.table({
    channel: [...chat.map(() => "chat"), "fax", "fax", "fax"],
    created_at: Array(13).fill(t0),
    first_response_at: [...chat.map((i) => at(2 + i)), at(777), at(777), at(777)],
    // fax resolved after 98.7 hours (5922 minutes); chat after 30 minutes.
    resolved_at: [...chat.map(() => at(30)), at(5922), at(5922), at(5922)],
    // fax: 1 of 3 first-contact resolutions (33.3 %); chat: all 10.
    contacts: [...chat.map(() => 1), 1, 2, 2],
  });
}

Deno.test("service: a channel of 3 tickets shows the suppression text in every table, no value", () => {
  const ctx = sectionContext({ tickets: tickets() });
  const { body, findings } = serviceSection(ctx);
  // FRT, resolution and FCR tables: one suppressed fax row each.
  assert.equal(count(body, `<th scope="row">fax</th><td colspan=`), 3);
  assert.equal(count(body, FEWER), 3);
  assert.equal(
    count(body, "fax"),
    3,
    "fax named only in the suppressed rows (no chart, no finding)",
  );
  for (const value of ["777", "98.7", "33.3"]) assert.ok(!visible(body).includes(value), value);
  assert.ok(!findings.join(" ").includes("fax"));
  // chat (10 tickets) is published: median first response 6.5 minutes, FCR 100 %.
  assert.ok(visible(body).includes("6.5"));
  assert.deepEqual(ctx.privacy.suppressed, {
    "First response time by channel": 1,
    "Resolution time by channel": 1,
    "First contact resolution by channel": 1,
  });
});

Deno.test("trends: a month of 2 answers is suppressed, and so are the rolling values and change that contain it", () => {
  const d = (m: number) => new Date(Date.UTC(2025, m, 10));
  // Jan: 30 × 9 and 10 × 7 (NPS 75.0); Feb: 9 and 8 (NPS 50.0); Mar: 24 × 9, 16 × 7 (NPS 60.0).
  const responses = aq.table({
    date: [...Array(40).fill(d(0)), d(1), d(1), ...Array(40).fill(d(2))],
    nps_score: [
      ...Array(30).fill(9),
      ...Array(10).fill(7),
      9,
      8,
      ...Array(24).fill(9),
      ...Array(16).fill(7),
    ],
  });
  const ctx = sectionContext({ responses });
  const { body } = trendSection(ctx);
  assert.match(body, /<th scope="row">2025-02<\/th><td colspan="\d+">fewer than 5 answers<\/td>/);
  const shown = visible(body);
  assert.ok(!shown.includes("50.0"), "February's NPS is shown");
  // Rolling value over Jan–Mar (pooled: (55 − 0) / 82 = 67.1) would give February away.
  assert.ok(!shown.includes("67.1"), "a rolling value containing February is shown");
  // March compared to February: −50.0 + 60 … the change is left out too; Jan and Mar are shown.
  assert.ok(shown.includes("75.0") && shown.includes("60.0"));
  assert.ok(!/\b10\.0\b/.test(shown), "the change of March against February is shown");
  assert.deepEqual(ctx.privacy.suppressed, { "NPS by month": 1 });
});

Deno.test("KPI and Trends pages: one hidden month is one suppressed group on the overview", () => {
  const d = (m: number) => new Date(Date.UTC(2025, m, 10));
  // Jan: 40 × 10 (NPS 100.0); Feb: 2 × 0 (NPS −100.0, hidden); Mar: 20 × 10, 20 × 0 (NPS 0.0).
  const responses = aq.table({
    date: [...Array(40).fill(d(0)), d(1), d(1), ...Array(40).fill(d(2))],
    nps_score: [...Array(40).fill(10), 0, 0, ...Array(20).fill(10), ...Array(20).fill(0)],
  });
  const ctx = sectionContext({ responses });
  // The site's order: the KPI page first, then the Trends page; both show NPS by month.
  const kpis = kpiSection(ctx).body;
  const trends = trendSection(ctx).body;
  for (const body of [kpis, trends]) {
    assert.match(body, /<th scope="row">2025-02<\/th><td colspan="\d+">fewer than 5 answers<\/td>/);
    assert.ok(!visible(body).includes("−100.0"), "February's NPS is shown");
  }
  assert.deepEqual(ctx.privacy.suppressed, { "NPS by month": 1 });
  const { lines } = privacyLines(ctx.privacy, "en");
  assert.deepEqual(lines, ["NPS by month: 1 group suppressed"]);
});

Deno.test("cohorts: a signup cohort of 2 customers is neither drawn nor pooled", () => {
  const day = (s: string) => new Date(`${s}T00:00:00Z`);
  const ids = Array.from({ length: 12 }, (_, i) => `C${i}`);
  // C0..C9 sign up in January 2025, C10 and C11 in February.
  const customers = aq.table({
    customer_id: ids,
    signup_date: ids.map((_, i) => day(i < 10 ? "2025-01-05" : "2025-02-05")),
  });
  // January: C0..C7 active in January, C0..C3 in February, C0 in March; February: both, every month.
  const events = aq.from([
    ...ids.slice(0, 8).map((c) => ({ customer_id: c, date: day("2025-01-06") })),
    ...ids.slice(0, 4).map((c) => ({ customer_id: c, date: day("2025-02-06") })),
    { customer_id: "C0", date: day("2025-03-06") },
    ...["C10", "C11"].flatMap((c) =>
      ["2025-02-06", "2025-03-06"].map((date) => ({ customer_id: c, date: day(date) }))
    ),
  ]);
  const ctx = sectionContext({ customers, events }, { filters: { to: "2025-03-31" } });
  const { body, findings } = cohortSection(ctx);
  assert.ok(!body.includes("2025-02"), "the February cohort is drawn");
  // Pooled month 1: January alone (4 of 10 = 40.0 %), not with February (6 of 12 = 50.0 %).
  assert.ok(findings.join(" ").includes("40.0"), findings.join(" "));
  assert.ok(!visible(body).includes("50.0"));
  assert.deepEqual(ctx.privacy.suppressed, {
    "Active customers by signup cohort": 2, // its months 0 and 1
    "Active customers by month since signup, all cohorts": 0,
  });
});

Deno.test("journeys: a funnel step, paths and moves of fewer than 5 customers are suppressed", () => {
  const day = (n: number) => new Date(Date.UTC(2025, 0, n));
  const rows: Record<string, unknown>[] = [];
  // 10 customers visit → signup, 3 of them then purchase; 2 customers visit → callback.
  for (let i = 0; i < 12; i++) {
    const steps = i < 10
      ? ["visit", "signup", ...(i < 3 ? ["purchase"] : [])]
      : ["visit", "callback"];
    steps.forEach((step, k) => rows.push({ customer_id: `c${i}`, date: day(1 + k), step }));
  }
  const ctx = sectionContext({ events: aq.from(rows) }, { minN: 1 });
  const { body, findings } = journeySection(ctx);
  const shown = visible(body);
  // Funnel visit 12 → signup 10 → purchase 3: purchase's 25.0 % of the start (3 of 12) is hidden.
  assert.match(body, /<th scope="row">purchase<\/th><td colspan="\d+">fewer than 5 answers<\/td>/);
  for (const value of ["25.0", "callback"]) assert.ok(!shown.includes(value), value);
  // signup is published: 10 of 12 (83.3 %) continue from visit.
  assert.ok(findings[0].startsWith("The largest drop is from visit to signup: 83.3%"));
  assert.ok(!findings.some((s) => s.includes("reach purchase")), findings.join(" | "));
  // The path visit → signup has 10 customers (its conversion, 3 of 10, is a share of them);
  // visit → callback (2 customers) is pooled, its moves (2 and 2 customers) and those of
  // signup → purchase → end (3 and 3) are not drawn.
  assert.ok(
    findings.includes("The most common path is visit → signup: 10 customers, 83.3% of all."),
  );
  assert.deepEqual(ctx.privacy.suppressed, { "Funnel": 1, "Where customers go next": 4 });
});

Deno.test("cohorts: a plan of 3 customers gets no survival curve, and a month starting with 2 customers (February) no churn rate", () => {
  const day = (s: string) => new Date(`${s}T00:00:00Z`);
  // 2 basic customers sign up in January 2025 (none churns); in February 20 more basic and 3 pro
  // customers; every pro customer churns in March (so pro's survival would be 0 % at month 2).
  const plan = [...Array(22).fill("basic"), "pro", "pro", "pro"];
  const customers = aq.table({
    customer_id: plan.map((_, i) => `C${i}`),
    signup_date: plan.map((_, i) => day(i < 2 ? "2025-01-10" : "2025-02-10")),
    churn_date: plan.map((p, i) =>
      p === "pro" ? day("2025-03-20") : i % 4 === 3 ? day("2025-04-15") : null
    ),
    plan,
  });
  const ctx = sectionContext({ customers }, { filters: { to: "2025-06-30" } });
  const { body } = cohortSection(ctx);
  const shown = visible(body);
  assert.match(body, /<th scope="row">pro<\/th><td colspan="\d+">fewer than 5 answers<\/td>/);
  assert.match(body, /<th scope="row">2025-02<\/th><td colspan="\d+">fewer than 5 answers<\/td>/);
  assert.ok(!/\bpro\b/.test(shown.replace(/pro fewer than 5 answers/, "")), "pro drawn or stated");
  assert.equal(ctx.privacy.suppressed["Customers remaining by plan"], 1);
  assert.equal(ctx.privacy.suppressed["Churn rate by month"], 1);
});

Deno.test("journeys: a touchpoint answered after by 3 customers gets no NPS comparison", () => {
  const day = (n: number) => new Date(Date.UTC(2025, 0, n));
  const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
  // Everyone is e-mailed on day 1; c0..c2 also get a fax on day 2 and answer 0; the rest answer 9.
  const touchpoints = aq.from([
    ...ids.map((customer_id) => ({ customer_id, date: day(1), channel: "email" })),
    ...ids.slice(0, 3).map((customer_id) => ({ customer_id, date: day(2), channel: "fax" })),
  ]);
  const responses = aq.table({
    customer_id: ids,
    date: ids.map(() => day(5)),
    nps_score: ids.map((_, i) => i < 3 ? 0 : 9),
  });
  const ctx = sectionContext({ touchpoints, responses }, { minN: 1 });
  const { body } = journeySection(ctx);
  assert.match(body, /<th scope="row">fax<\/th><td colspan="\d+">fewer than 5 answers<\/td>/);
  // fax: NPS −100.0 with, 100.0 without; neither is shown (nor the email row: no answer without an e-mail).
  assert.ok(!visible(body).includes("−100.0"), "fax's NPS is shown");
  assert.match(body, /<th scope="row">email<\/th><td colspan="\d+">fewer than 5 answers<\/td>/);
  assert.deepEqual(ctx.privacy.suppressed["Touchpoints and NPS"], 2);
});
