/**
 * The Customer value section on the CDNOW purchases (tests/fixtures/predict):
 * the numbers on the page equal customerSummary / bgNbd / gammaGamma /
 * customerValue run here (those are tested against scipy in
 * tests/predict/), counts by plain loops, small groups suppressed, German
 * wording, and data the models cannot be fitted on stated in a sentence.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import { bgNbd, customerSummary, customerValue, gammaGamma } from "../../src/entries/predict.ts";
import { sectionContext } from "../../src/report/site.ts";
import {
  VALUE_DISCOUNT_RATE,
  VALUE_HORIZON_WEEKS,
  VALUE_RESAMPLES,
  valueSection,
} from "../../src/report/value_section.ts";
import { cdnowPurchases } from "../predict/helpers.ts";

type Row = Record<string, unknown>;
const events = cdnowPurchases();
const ids = [...new Set(events.array("customer_id") as number[])];
// Three customers on "trial": a group below minGroupSize (5), to be suppressed.
const plan = (id: number) => id <= 3 ? "trial" : id % 2 ? "monthly" : "annual";
const customers = aq.table({ customer_id: ids, plan: ids.map(plan) });

/** The section, and what the functions give on the same orders. */
function build(lang: "en" | "de" = "en") {
  const ctx = sectionContext({ events, customers }, { segment: "plan", lang });
  const section = valueSection(ctx);
  const orders = events.filter((d: Row) => (d.revenue as number) > 0).reify();
  const summary = customerSummary(orders, { unit: "week" });
  const tx = bgNbd(summary), spend = gammaGamma(summary);
  const withPlan = summary.assign({
    plan: (summary.array("customer_id") as number[]).map(plan),
  });
  const bySegment = customerValue(tx, spend, withPlan, {
    horizon: VALUE_HORIZON_WEEKS,
    discountRate: VALUE_DISCOUNT_RATE,
    unit: "week",
    by: "plan",
    resamples: VALUE_RESAMPLES,
    seed: 1,
  }).objects() as Row[];
  return { ctx, section, orders, summary, tx, spend, bySegment };
}

const en = build();

Deno.test("value section: counts by plain loops, segment values equal customerValue's", () => {
  const { ctx, section, orders, bySegment } = en;
  const f = ctx.format;
  assert.equal(section.id, "value");
  // Orders: purchases with dollars > 0, counted by a loop over the raw rows.
  const raw = events.objects() as Row[];
  const paid = raw.filter((r) => (r.revenue as number) > 0);
  assert.equal(orders.numRows(), paid.length);
  const buyers = new Set(paid.map((r) => r.customer_id)).size;
  assert.ok(section.body.includes(`${f.int(paid.length)} orders of ${f.int(buyers)} customers.`));
  assert.deepEqual(bySegment.map((r) => r.plan), ["annual", "monthly", "trial"]);
  for (const r of bySegment.filter((r) => r.plan !== "trial")) {
    const n = r.n as number;
    assert.equal(n, ids.filter((id) => plan(id) === r.plan && paidBy(paid, id)).length);
    const cells = [
      `<th scope="row">${r.plan}</th>`,
      `<td class="num">${f.int(n)}</td>`,
      `<td class="num">${f.interval(r.clv, r.clv_low, r.clv_high, 0)}</td>`,
      `<td class="num">${
        f.interval(
          (r.clv as number) / n,
          (r.clv_low as number) / n,
          (r.clv_high as number) / n,
          2,
        )
      }</td>`,
    ].join("");
    assert.ok(section.body.includes(cells), cells);
  }
  // The segments add up to the total of the first finding (same draws, same seed).
  const total = bySegment.reduce((s, r) => s + (r.clv as number), 0);
  assert.ok(
    section.findings[0].startsWith(
      `The ${f.int(buyers)} customers are expected to bring ${f.num(total, 0)} (95% interval `,
    ),
  );
  const top = bySegment.reduce((b, r) => (r.clv as number) > (b.clv as number) ? r : b);
  assert.equal(top.plan, "monthly");
  assert.equal(
    section.findings[1],
    `The plan with the most expected value is monthly: ${f.num(top.clv, 0)}, ${
      f.share((top.clv as number) / total)
    } of the total.`,
  );
});

function paidBy(paid: Row[], id: number) {
  return paid.some((r) => r.customer_id === id);
}

Deno.test("value section: the trial group (3 customers) is suppressed and counted", () => {
  const { ctx, section } = en;
  assert.ok(
    section.body.includes(
      '<tr class="suppressed"><th scope="row">trial</th><td colspan="3">fewer than 5',
    ),
  );
  assert.deepEqual(ctx.privacy.suppressed, { "Customer value": 0, "Expected value by plan": 1 });
});

Deno.test("value section: P(alive) and the parameters equal the models'", () => {
  const { ctx, section, summary, tx, spend } = en;
  const f = ctx.format;
  const alive = tx.predict(summary, { horizon: 1 }).array("p_alive") as number[];
  const gone = alive.filter((p) => p < 0.5).length;
  assert.ok(section.findings.includes(
    `${f.share(gone / alive.length)} of the customers (${
      f.int(gone)
    }) are more likely gone than active (P(alive) below 50%).`,
  ));
  const { r, alpha, a, b } = tx.params;
  assert.ok(section.findings.includes(
    `While active, a customer buys ${
      f.num((r / alpha) * 365.25 / 7, 1)
    } times a year on average; after each purchase ${
      f.share(a / (a + b))
    } of customers drop out (BG/NBD).`,
  ));
  const { p, q, v } = spend.params;
  assert.ok(section.findings.includes(
    `A repeat purchase is worth ${f.num(p * v / (q - 1), 2)} on average (Gamma-Gamma).`,
  ));
  for (const row of [...tx.table().objects(), ...spend.table().objects()] as Row[]) {
    const cells = `<td>${row.param}</td><td class="num">${
      f.interval(row.estimate, row.estimate_low, row.estimate_high, 4)
    }</td><td class="num">${f.num(row.std_err, 4)}</td>`;
    assert.ok(section.body.includes(cells), cells);
  }
  assert.ok(section.body.includes(`BG/NBD (Log-likelihood ${f.num(tx.logLik, 1)})`));
  // The matrix is drawn for the oldest customer's age, frequencies up to 10.
  const T = Math.round(Math.max(...(summary.array("T") as number[])));
  assert.ok(section.body.includes(`Customers of age T = ${T}; model BG/NBD`));
});

Deno.test("value section in German", () => {
  const { ctx, section } = build("de");
  const f = ctx.format;
  assert.equal(section.title, "Kundenwert");
  assert.match(
    section.findings[0],
    /^Die 2\.349 Kunden bringen in den nächsten 52 Wochen voraussichtlich [\d.]+ \(95\u00a0%-Intervall [\d.]+–[\d.]+\) Umsatz, abgezinst\.$/,
  );
  assert.ok(
    section.findings[1].startsWith("Den höchsten erwarteten Wert unter plan hat monthly: "),
  );
  assert.ok(section.body.includes("abgezinst mit 10\u00a0% im Jahr"));
  assert.ok(section.body.includes("weniger als 5"));
  assert.equal(f.lang, "de");
});

Deno.test("value section: a model that cannot be fitted is a sentence, no orders say so", () => {
  const d = (day: number) => new Date(Date.UTC(2024, 0, day));
  // Nobody bought twice: BG/NBD cannot separate purchase rate from dropout.
  const once = aq.table({
    customer_id: ["a", "b", "c"],
    date: [d(1), d(3), d(9)],
    revenue: [10, 20, 30],
  });
  const section = valueSection(sectionContext({ events: once }));
  assert.deepEqual(section.findings, [
    "The models could not be fitted on these orders: no customer made a repeat purchase, so bgNbd cannot separate purchase rate from dropout; observe longer",
  ]);
  assert.ok(section.body.includes("3 orders of 3 customers."));
  // Events without revenue (logins only), and no events at all: the page says there are no orders.
  const logins = once.derive({ revenue: () => null });
  for (const tables of [{ events: logins }, {}]) {
    const empty = valueSection(sectionContext(tables));
    assert.deepEqual(empty.findings, []);
    assert.ok(empty.body.startsWith("<p>No orders in the data"));
  }
});

Deno.test("value section: without a segment column, one group of all customers", () => {
  const small = events.filter((d: Row) => (d.customer_id as number) <= 600).reify();
  const ctx = sectionContext({ events: small });
  const section = valueSection(ctx);
  assert.ok(section.body.includes("No channel column for the ordering customers"));
  assert.ok(section.body.includes('<th scope="row">all customers</th>'));
  assert.equal(section.findings.filter((s) => s.includes("most expected value")).length, 0);
});
