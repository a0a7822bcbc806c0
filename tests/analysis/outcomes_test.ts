import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import assert from "node:assert/strict";
import { CxDataError, CxOptionsError, readCsv } from "../../src/mod.ts";
import { scoreOutcomes } from "../../src/analysis/outcomes/outcomes.ts";
import { survivalAt } from "../../src/analysis/survival/summary.ts";
import { assertClose, sample } from "../metrics/fixtures.ts";

const d = (s: string) => new Date(s);
const cutoff = d("2025-12-31");
type Row = Record<string, unknown>;

/**
 * Six customers, all signed up 2025-01-01, cut-off 2025-12-31:
 * - a churns 2025-03-01; answers 9 on 01-11 and 3 on 02-01 → last = 3 (Detractor),
 *   followed 02-01 → 03-01 = 28 days, churned. (First answer: 9, Promoter, 49 days.)
 * - b active; answers 10 on 06-01 → Promoter, 06-01 → 12-31 = 213 days, censored.
 *   Its answer of 2026-01-15 is after the cut-off: left out (answers_after_cutoff).
 * - c churns 2025-05-01; answers 8 on 04-01 → Passive, 30 days, churned; its answer 0
 *   on 06-01 is after churn: it cannot classify c (answers_after_churn).
 * - d churns 2025-04-11; answers 6 on 04-01 → Detractor, 10 days, churned.
 * - e active; answers 9 on 10-01 → Promoter, 91 days, censored.
 * - f churns 2026-02-01, after the cut-off → active; answers 7 on 12-01 → Passive,
 *   30 days, censored.
 * Customer "zz" answers but is not in the customers table (responses_unknown_customer).
 */
function tiny(): { responses: ColumnTable; customers: ColumnTable } {
  const customers = aq.table({
    customer_id: ["a", "b", "c", "d", "e", "f"],
    signup_date: Array(6).fill(d("2025-01-01")),
    churn_date: [d("2025-03-01"), null, d("2025-05-01"), d("2025-04-11"), null, d("2026-02-01")],
    plan: ["m", "m", "y", "y", "m", "y"],
  });
  const responses = aq.table({
    customer_id: ["a", "a", "b", "b", "c", "c", "d", "e", "f", "zz"],
    date: [
      "2025-01-11",
      "2025-02-01",
      "2025-06-01",
      "2026-01-15",
      "2025-04-01",
      "2025-06-01",
      "2025-04-01",
      "2025-10-01",
      "2025-12-01",
      "2025-05-05",
    ].map(d),
    nps_score: [9, 3, 10, 0, 8, 0, 6, 9, 7, 2],
  });
  return { responses, customers };
}

Deno.test("scoreOutcomes: hand-worked six customers", () => {
  const { responses, customers } = tiny();
  const out = scoreOutcomes(responses, customers, { observedUntil: cutoff });
  const per = out.customers.objects() as Row[];
  assert.deepEqual(per.map((r) => [r.customer_id, r.nps_group, r.score, r.time, r.event]), [
    ["a", "Detractor", 3, 28, true],
    ["b", "Promoter", 10, 213, false],
    ["c", "Passive", 8, 30, true],
    ["d", "Detractor", 6, 10, true],
    ["e", "Promoter", 9, 91, false],
    ["f", "Passive", 7, 30, false],
  ]);
  const g = out.groups.objects() as Row[];
  // Detractors a, d: 2 of 2 churned; passives c, f: 1 of 2; promoters b, e: 0 of 2.
  assert.deepEqual(g.map((r) => [r.nps_group, r.customers, r.churned, r.churn_rate]), [
    ["Detractor", 2, 2, 1],
    ["Passive", 2, 1, 0.5],
    ["Promoter", 2, 0, 0],
  ]);
  // Detractor KM: S = 1/2 on [10, 28), then 0: flat at exactly ½, so the median is the
  // midpoint (10 + 28)/2 = 19 (R quantile.survfit). Promoters never churn: no median.
  assert.deepEqual(g.map((r) => r.median), [19, 30, null]);
  // Wilson for 1 of 2 at 95 %: centre ½, half-width (z/(1 + z²/2))·√(1/8 + z²/16).
  const z = 1.959963984540054;
  const half = (z / (1 + z * z / 2)) * Math.sqrt(1 / 8 + z * z / 16);
  assertClose(g[1].churn_rate_low, 0.5 - half, "passive churn_rate_low", 1e-12);

  // Detractors 2/2 vs promoters 0/2: difference 1; pooled p = 2/4, se = √(¼·(½ + ½)) = ½,
  // z = 1/½ = 2, p = 2Φ(−2). Newcombe: Wilson(2/2) = [1/(1 + z²/2), 1],
  // Wilson(0/2) = [0, (z²/2)/(1 + z²/2)], low = 1 − √((1 − l₁)² + u₂²), high = 1.
  const c = (out.comparison.objects() as Row[])[0];
  assert.equal(c.difference, 1);
  assertClose(c.statistic, 2, "z", 1e-12);
  assertClose(c.p_value, 0.04550026389635842, "p", 1e-9);
  const l1 = 1 / (1 + z * z / 2), u2 = (z * z / 2) / (1 + z * z / 2);
  assertClose(c.difference_low, 1 - Math.hypot(1 - l1, u2), "difference_low", 1e-12);
  assertClose(c.difference_high, 1, "difference_high", 1e-12);

  // Log-rank: event times 10 (6 at risk, 2 per group), 28 (D 1, Pa 2, Pr 2), 30 (Pa 2, Pr 2):
  // expected D = 1/3 + 1/5 = 0.5333, Pa = 1/3 + 2/5 + 1/2 = 1.2333, Pr = 1.2333;
  // observed 2, 1, 0. R: survdiff(Surv(t, e) ~ g) gives χ² = 6.033312382149596 on 2 df.
  assertClose(out.logRank.get("statistic", 0), 6.033312382149596, "chi_square");
  assertClose(out.logRank.get("p_value", 0), 0.048964673440507728, "log-rank p");
  assert.equal(out.logRank.get("df", 0), 2);
  assert.equal(out.pairwise.numRows(), 3);

  assert.deepEqual(
    [out.notes.answers_after_churn, out.notes.answers_after_cutoff],
    [1, 1],
  );
  assert.deepEqual(
    [out.notes.responses_unknown_customer, out.notes.unknown_customers, out.notes.responses],
    [1, 1, 10],
  );
  assert.equal(out.notes.customers_classified, 6);
  assert.equal(
    out.summary,
    "Detractors churned 100.0 % vs promoters 0.0 % (difference 100.0 points, 95 % CI " +
      `${(100 * (1 - Math.hypot(1 - l1, u2))).toFixed(1)} to 100.0, p = 0.046); ` +
      "log-rank p = 0.049 (last answer per customer, churn by 2025-12-31)",
  );
});

Deno.test("scoreOutcomes: first answer, time from signup, segments", () => {
  const { responses, customers } = tiny();
  const first = scoreOutcomes(responses, customers, { observedUntil: cutoff, answer: "first" });
  const a = (first.customers.objects() as Row[])[0];
  // a's first answer: 9 on 2025-01-11, 01-11 → 03-01 = 49 days.
  assert.deepEqual([a.nps_group, a.time], ["Promoter", 49]);
  const signup = scoreOutcomes(responses, customers, { observedUntil: cutoff, from: "signup" });
  // From signup: 2025-01-01 → 03-01 = 59 days.
  assert.equal((signup.customers.objects() as Row[])[0].time, 59);
  const weeks = scoreOutcomes(responses, customers, { observedUntil: cutoff, unit: "weeks" });
  assert.equal((weeks.customers.objects() as Row[])[0].time, 4);

  const by = scoreOutcomes(responses, customers, { observedUntil: cutoff, by: "plan" });
  assert.deepEqual(by.groups.columnNames().slice(0, 3), ["plan", "nps_group", "customers"]);
  // Plan m: a (Detractor), b, e (Promoters); plan y: c, f (Passive), d (Detractor).
  assert.deepEqual(
    (by.groups.objects() as Row[]).map((r) => `${r.plan} ${r.nps_group} ${r.customers}`),
    ["m Detractor 1", "m Promoter 2", "y Detractor 1", "y Passive 2"],
  );
  assert.deepEqual(by.logRank.array("plan"), ["m", "y"]);
  // Plan y has no promoters: no comparison, the summary still speaks of everyone.
  assert.equal((by.comparison.objects() as Row[])[1].difference, null);
  assert.equal(by.summary, scoreOutcomes(responses, customers, { observedUntil: cutoff }).summary);
  // A segment column of the responses (the classifying answer's value).
  const r2 = responses.derive({ channel: () => "web" });
  assert.deepEqual(
    [
      ...new Set(
        scoreOutcomes(r2, customers, { observedUntil: cutoff, by: "channel" }).groups.array(
          "channel",
        ),
      ),
    ],
    ["web"],
  );
});

Deno.test("scoreOutcomes: bad input gives clear errors", () => {
  const { responses, customers } = tiny();
  assert.throws(
    () => scoreOutcomes(responses, customers, { observedUntil: cutoff, score: "nps" }),
    (e) => e instanceof CxOptionsError && /"score".*"nps"/.test(e.message),
  );
  assert.throws(
    () => scoreOutcomes(responses, customers, { observedUntil: cutoff, by: "region" }),
    (e) => e instanceof CxOptionsError && /"by".*"region"/.test(e.message),
  );
  assert.throws(
    () =>
      scoreOutcomes(responses, customers.select("customer_id", "signup_date"), {
        observedUntil: cutoff,
      }),
    (e) => e instanceof CxOptionsError && /churnDate/.test(e.message),
  );
  assert.throws(
    () => scoreOutcomes(responses, customers, { observedUntil: d("not a date") }),
    (e) => e instanceof CxOptionsError && /"observedUntil" must be a valid Date/.test(e.message),
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => scoreOutcomes(responses, customers, { observedUntil: cutoff, answer: "middle" as any }),
    (e) => e instanceof CxOptionsError && /"last" or "first"/.test(e.message),
  );
  assert.throws(
    () => scoreOutcomes(responses.filter(() => false), customers, { observedUntil: cutoff }),
    (e) => e instanceof CxDataError && /responses table has no rows/.test(e.message),
  );
  assert.throws(
    () => scoreOutcomes(responses, customers.filter(() => false), { observedUntil: cutoff }),
    (e) => e instanceof CxDataError && /customers table has no rows/.test(e.message),
  );
  assert.throws(
    () =>
      scoreOutcomes(responses.derive({ nps_score: () => 11 }), customers, {
        observedUntil: cutoff,
      }),
    (e) => e instanceof CxDataError && /0 to 10/.test(e.message),
  );
  const twice = customers.concat(customers.slice(0, 1));
  assert.throws(
    () => scoreOutcomes(responses, twice, { observedUntil: cutoff }),
    (e) => e instanceof CxDataError && /unique/.test(e.message) && /row 7/.test(e.message),
  );
  // Every answer belongs to an unknown customer: nothing to compare, and the error says why.
  assert.throws(
    () =>
      scoreOutcomes(responses.derive({ customer_id: () => "zz" }), customers, {
        observedUntil: cutoff,
      }),
    (e) => e instanceof CxDataError && /10 answers have unknown customers/.test(e.message),
  );
  assert.throws(
    () =>
      scoreOutcomes(responses, customers, { observedUntil: cutoff, orders: aq.table({ x: [1] }) }),
    (e) => e instanceof CxOptionsError && /"customer"/.test(e.message),
  );
});

let loaded: { responses: ColumnTable; customers: ColumnTable; events: ColumnTable } | undefined;
async function sampleTables() {
  const read = async (name: "customers" | "events") =>
    (await readCsv(new URL(`../../data/sample/${name}.csv`, import.meta.url), { schema: name }))
      .table;
  loaded ??= {
    responses: await sample("responses"),
    customers: await read("customers"),
    events: await read("events"),
  };
  return loaded;
}

function reference(name: string): Row[] {
  const text = Deno.readTextFileSync(new URL(`../fixtures/outcomes/${name}`, import.meta.url));
  return aq.fromCSV(text).objects() as Row[];
}

for (const answer of ["last", "first"] as const) {
  Deno.test(`scoreOutcomes agrees with R survival on the sample (${answer} answer)`, async () => {
    const { responses, customers } = await sampleTables();
    const out = scoreOutcomes(responses, customers, { observedUntil: cutoff, answer });
    const ours = out.customers.objects() as Row[];
    const theirs = reference(`customers_${answer}.csv`);
    assert.equal(ours.length, theirs.length, "classified customers");
    ours.forEach((r, i) => {
      const t = theirs[i];
      assert.deepEqual(
        [r.customer_id, r.nps_group, r.score, r.time, r.event ? 1 : 0],
        [t.customer_id, t.nps_group, t.score, t.time, t.event],
        `customer ${t.customer_id}`,
      );
    });
    const groups = out.groups.objects() as Row[];
    reference(`groups_${answer}.csv`).forEach((t, i) => {
      for (const c of ["nps_group", "customers", "churned"]) assert.equal(groups[i][c], t[c]);
      for (const c of ["median", "median_low", "median_high"]) {
        assertClose(groups[i][c], t[c], `${t.nps_group} ${c}`);
      }
      assertClose(groups[i].churn_rate, (t.churned as number) / (t.customers as number), "rate");
    });
    const lr = reference(`logrank_${answer}.csv`)[0];
    // The R fixture keeps its own names: chi_square is our statistic, p_holm our p_adjusted.
    for (const [c, r] of [["statistic", "chi_square"], ["df", "df"], ["p_value", "p_value"]]) {
      assertClose(out.logRank.get(c, 0), lr[r], `log-rank ${c}`);
    }
    // Tiny p-values are compared relative to their size.
    assertClose(out.logRank.get("p_value", 0) / (lr.p_value as number), 1, "log-rank p ratio");
    const pairs = out.pairwise.objects() as Row[];
    reference(`pairwise_${answer}.csv`).forEach((t, i) => {
      assert.deepEqual([pairs[i].group_a, pairs[i].group_b], [t.group_a, t.group_b]);
      assertClose(pairs[i].statistic, t.chi_square, "pairwise chi_square");
      for (const [c, r] of [["p_value", "p_value"], ["p_adjusted", "p_holm"]]) {
        assertClose((pairs[i][c] as number) / (t[r] as number), 1, `pairwise ${c} ratio`);
      }
    });
    const at = survivalAt(out.survival, { times: [90, 180, 365] }).objects() as Row[];
    reference(`survival_at_${answer}.csv`).forEach((t, i) => {
      assert.deepEqual([at[i].nps_group, at[i].time, at[i].n_risk], [
        t.nps_group,
        t.time,
        t.n_risk,
      ]);
      for (const c of ["survival", "survival_low", "survival_high"]) {
        assertClose(at[i][c], t[c], `${t.nps_group} S(${t.time}) ${c}`);
      }
    });
    const cmp = (out.comparison.objects() as Row[])[0];
    const ref = reference(`comparison_${answer}.csv`)[0];
    assertClose(cmp.difference, ref.difference, "difference");
    // prop.test(correct = FALSE)'s X² is the square of the pooled z.
    assertClose((cmp.statistic as number) ** 2, ref.chi_square, "z²");
    assertClose((cmp.p_value as number) / (ref.p_value as number), 1, "z test p ratio");
  });
}

Deno.test("planted effect: detractors churn faster than promoters", async () => {
  const { responses, customers } = await sampleTables();
  const out = scoreOutcomes(responses, customers, { observedUntil: cutoff });
  const rate = Object.fromEntries(
    (out.groups.objects() as Row[]).map((r) => [r.nps_group, r.churn_rate as number]),
  );
  assert.ok(rate.Detractor > rate.Passive && rate.Passive > rate.Promoter, JSON.stringify(rate));
  const c = (out.comparison.objects() as Row[])[0];
  assert.ok((c.difference as number) > 0.2 && (c.difference_low as number) > 0.15);
  assert.ok((c.p_value as number) < 0.001);
  assert.ok((out.logRank.get("p_value", 0) as number) < 0.001);
  const medians = out.groups.array("median") as number[];
  assert.ok(medians[0] < medians[2], "detractors' median time to churn is shorter");
  assert.match(
    out.summary,
    /^Detractors churned 50\.2 % vs promoters 24\.3 % \(difference 25\.8 points, 95 % CI 21\.9 to 29\.7, p < 0\.001\); log-rank p < 0\.001/,
  );
  assert.equal(out.notes.customers_classified + out.notes.customers_without_answer, 5000);
});

Deno.test("scoreOutcomes: revenue retention by NPS group", async () => {
  const { responses, customers, events } = await sampleTables();
  const out = scoreOutcomes(responses, customers, { observedUntil: cutoff, orders: events });
  const revenue = out.revenue!;
  assert.deepEqual([...new Set(revenue.array("nps_group"))], ["Detractor", "Passive", "Promoter"]);
  const rows = revenue.objects() as Row[];
  for (const r of rows.filter((r) => r.period_index === 0)) {
    assert.equal(r.net_revenue_retention, 1, `${r.nps_group} period 0`);
  }
  // Period 0 pools every signup cohort: its size is the group's number of customers.
  const sizes = rows.filter((r) => r.period_index === 0).map((r) => r.cohort_size);
  assert.deepEqual(sizes, out.groups.array("customers"));
  // Events of customers without a group are counted, not silently dropped.
  const classified = new Set(out.customers.array("customer_id"));
  const outside = (events.array("customer_id") as string[]).filter((id) => !classified.has(id));
  assert.equal(out.notes.orders_unclassified, outside.length);
  // NRR pools as Σ revenue / Σ base revenue.
  const r12 = rows.find((r) => r.nps_group === "Promoter" && r.period_index === 12)!;
  assertClose(
    r12.net_revenue_retention,
    (r12.revenue as number) / (r12.base_revenue as number),
    "NRR",
  );
});
