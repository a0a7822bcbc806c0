import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError, CxSchemaError, readCsv } from "../../src/mod.ts";
import { annualizeChurn } from "../../src/metrics/churn.ts";
import { CLV_COLUMNS, historicClv } from "../../src/metrics/clv.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import { assertClose, assertMatchesFixture, fixture } from "./fixtures.ts";
import { seededRandom } from "../../src/stats/random.ts";

const d = (s: string) => new Date(s);
type Row = Record<string, unknown>;
const T_975_DF1 = 12.706204736174707; // scipy.stats.t.ppf(0.975, 1)

// a: 1 Jan → churns 1 Jul 2024 (182 days); b: 1 Jan 2024, active to the cut-off 31 Dec
// (366 days, 2024 is a leap year).
const customers = aq.table({
  customer_id: ["a", "b"],
  signup_date: [d("2024-01-01"), d("2024-01-01")],
  churn_date: [d("2024-07-01"), null],
  plan: ["monthly", "annual"],
});
const orders = aq.table({
  customer_id: ["a", "b", "b", "b", "b", "b", "z"],
  date: [
    d("2024-02-01"),
    d("2024-03-01"),
    d("2024-04-01"),
    d("2024-06-01"),
    d("2024-09-01"),
    d("2025-01-05"), // after the cut-off: ignored
    d("2024-05-01"), // unknown customer: ignored, counted in the metadata
  ],
  type: ["order", "order", "login", "order", "order", "order", "order"],
  revenue: [40, 20, null, 30, 30, 99, 10],
});

Deno.test("historicClv: hand-worked — AOV, frequency, churn-based lifespan, CLV, interval", () => {
  const result = historicClv(orders, customers, { observedUntil: d("2024-12-31") });
  const r = result.objects()[0] as Row;
  // Orders: 40 (a) + 20, 30, 30 (b) = 4 orders, 120 revenue; the login has no revenue.
  assertEquals([r.customers, r.orders, r.revenue, r.aov, r.orders_missing_revenue], [
    2,
    4,
    120,
    30,
    0,
  ]);
  const years = (182 + 366) / 365.25;
  assertClose(r.customer_years, years, "years");
  assertClose(r.purchase_frequency, 4 / years, "frequency"); // 2.666… orders per customer-year
  assertClose(r.annual_value, 120 / years, "annual value"); // 79.98 a customer-year
  // Monthly churn pooled over Jan–Dec (all complete): customers_start Jan 0, Feb–Jul 2
  // (a churns on 1 Jul: July's), Aug–Dec 1 → 17 customer-months, 1 churn.
  const m = 1 / 17, annual = 1 - (16 / 17) ** 12; // 0.5165…
  assertClose(r.monthly_churn, m, "monthly churn");
  assertClose(r.annual_churn, annual, "annual churn");
  // Constant hazard −ln(16/17) = 0.0606246 a month: mean lifetime 1 / (12 · 0.0606246) = 1.37458 years.
  const life = 1 / (12 * Math.log(17 / 16));
  assertClose(life, 1.37458, "worked lifespan", 1e-5);
  assertClose(r.lifespan_years, life, "lifespan");
  assertClose(r.clv, 30 * (4 / years) * life, "clv"); // AOV × frequency × lifespan
  assertEquals(r.no_churn, false);
  // Ratio estimator interval: R = 120 / Σe; u = r − R·e = (40 − R·182/365.25, 80 − R·366/365.25)
  // = (±0.14599); s² = Σu² / 1; se = √(s²/2) / ē; t(0.975, 1) = 12.7062.
  const R = 120 / years, e = [182 / 365.25, 366 / 365.25];
  const u = [40 - R * e[0], 80 - R * e[1]];
  const se = Math.sqrt((u[0] ** 2 + u[1] ** 2) / 2) / (years / 2);
  assertClose(r.annual_value_low, R - T_975_DF1 * se, "value low");
  assertClose(r.annual_value_high, R + T_975_DF1 * se, "value high");
  assertEquals(Object.keys(r), [...CLV_COLUMNS, "small_sample"]);
  assertEquals(meta<"kpi">(result)?.notes.unmatched_orders, 1);
});

Deno.test("historicClv: lifespan is the constant-hazard mean (issue #16: monthly plan, 1.83 years)", () => {
  // 8000 customers signing up on 1 Jan 2015 with exponential lifetimes of mean 1.83 years
  // (seeded), observed to the end of 2024: the true mean lifetime is 1.83 years. The old
  // 1 / annual_churn gave 1 / (1 − e^(−1/1.83)) = 2.37 years on the same data.
  const random = seededRandom(16);
  const n = 8000, start = Date.UTC(2015, 0, 1), cutoff = Date.UTC(2024, 11, 31);
  const churn = Array.from({ length: n }, () => {
    const t = start - Math.log(1 - random()) * 1.83 * 365.25 * 86_400_000;
    return t <= cutoff ? new Date(Math.floor(t / 86_400_000) * 86_400_000) : null;
  });
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  const people = aq.table({
    customer_id: ids,
    signup_date: ids.map(() => new Date(start)),
    churn_date: churn,
  });
  const bought = aq.table({
    customer_id: ids,
    date: ids.map(() => new Date(start)),
    revenue: ids.map(() => 10),
  });
  const r = historicClv(bought, people, { observedUntil: new Date(cutoff) }).objects()[0] as Row;
  const life = r.lifespan_years as number;
  assertEquals(Math.abs(life - 1.83) < 0.04, true, `lifespan ${life} vs 1.83`);
  assertEquals(1 / (r.annual_churn as number) > 2.3, true); // what the old rule reported
  assertMatch(
    String(
      meta<"kpi">(historicClv(bought, people, { observedUntil: new Date(cutoff) })).notes.lifespan,
    ),
    /constant churn hazard/,
  );
});

Deno.test("historicClv: margin, given lifespan, no churn, segments without orders", () => {
  const base = historicClv(orders, customers, { observedUntil: d("2024-12-31") })
    .objects()[0] as Row;
  const half = historicClv(orders, customers, { observedUntil: d("2024-12-31"), margin: 0.5 })
    .objects()[0] as Row;
  assertClose(half.clv, (base.clv as number) / 2, "margin");
  const given = historicClv(orders, customers, { observedUntil: d("2024-12-31"), lifespan: 3 })
    .objects()[0] as Row;
  assertEquals(given.lifespan_years, 3);
  assertClose(given.clv, (base.annual_value as number) * 3, "given lifespan");

  // No churn observed: lifespan 1/0 is undefined → null, flagged; a given lifespan still works.
  const loyal = customers.assign({ churn_date: [null, null] });
  const none = historicClv(orders, loyal, { observedUntil: d("2024-12-31") }).objects()[0] as Row;
  assertEquals([none.annual_churn, none.lifespan_years, none.clv, none.no_churn], [
    0,
    null,
    null,
    true,
  ]);
  const assumed = historicClv(orders, loyal, { observedUntil: d("2024-12-31"), lifespan: 5 })
    .objects()[0] as Row;
  assertEquals([assumed.no_churn, assumed.lifespan_years], [true, 5]);

  // By plan: a (monthly) ordered once; b (annual) never churned.
  const rows = historicClv(orders, customers, { observedUntil: d("2024-12-31"), by: "plan" })
    .objects() as Row[];
  assertEquals(rows.map((x) => [x.plan, x.customers, x.orders, x.no_churn]), [
    ["annual", 1, 3, true],
    ["monthly", 1, 1, false],
  ]);
  // monthly: a alone, months Feb–Jul at risk (6), 1 churn; lifespan 1 / (1 − (5/6)¹²).
  assertClose(rows[1].annual_churn, annualizeChurn(1 / 6), "monthly plan churn");
  assertEquals([rows[1].annual_value_low, rows[1].small_sample], [null, true]); // n = 1

  // A segment without orders: AOV undefined, frequency and CLV 0.
  const quiet = historicClv(orders.filter((o: Row) => o.customer_id !== "a"), customers, {
    observedUntil: d("2024-12-31"),
    by: "plan",
  }).objects()[1] as Row;
  assertEquals([quiet.orders, quiet.aov, quiet.purchase_frequency, quiet.clv], [0, null, 0, 0]);
});

Deno.test("historicClv: what counts as an order", () => {
  const t = aq.table({
    customer_id: ["a", "a", "a", "b"],
    date: [d("2024-02-01"), d("2024-03-01"), d("2024-04-01"), d("2024-05-01")],
    type: ["order", "refund", "order", "support"],
    revenue: [50, -10, null, null],
  });
  const r = historicClv(t, customers, { observedUntil: d("2024-12-31") }).objects()[0] as Row;
  // order 50, refund −10 (revenue present), an order without revenue; support ignored.
  assertEquals([r.orders, r.orders_missing_revenue, r.revenue], [3, 1, 40]);
  assertClose(r.aov, 40 / 3, "aov");
  // Without a type column every row with revenue is an order.
  const untyped = historicClv(t.select("customer_id", "date", "revenue"), customers, {
    observedUntil: d("2024-12-31"),
  }).objects()[0] as Row;
  assertEquals([untyped.orders, untyped.revenue], [2, 40]);
});

Deno.test("historicClv agrees with pandas/scipy on the sample (1e-9); planted order values", async () => {
  const load = async (name: string, schema: "customers" | "events") =>
    (await readCsv(new URL(`../../data/sample/${name}`, import.meta.url), { schema })).table;
  const sampleCustomers = await load("customers.csv", "customers");
  const events = await load("events.csv", "events");
  const columns = Object.fromEntries(
    CLV_COLUMNS.filter((c) => !["orders_missing_revenue", "no_churn", "n"].includes(c)).map((
      c,
    ) => [c, c]),
  );
  const byPlan = historicClv(events, sampleCustomers, { by: "plan" });
  assertMatchesFixture(byPlan, fixture("clv_by_plan.csv"), { plan: "plan", ...columns });
  assertMatchesFixture(
    historicClv(events, sampleCustomers),
    fixture("clv_all.csv"),
    columns,
  );
  // Planted: annual-plan orders are worth 1.3× (measured 59.16 / 45.70 = 1.294) and annual
  // customers churn half as often, so their CLV is far higher (2014 vs 892).
  const [annual, monthly] = byPlan.objects() as Row[];
  const ratio = (annual.aov as number) / (monthly.aov as number);
  assertEquals(ratio > 1.2 && ratio < 1.4, true, `AOV ratio ${ratio}`);
  assertEquals((annual.clv as number) > 1.8 * (monthly.clv as number), true);
});

Deno.test("historicClv: bad input gives clear errors", () => {
  assertMatch(
    assertThrows(() => historicClv(orders, customers, { by: "region" }), CxOptionsError).message,
    /"by" names column "region"/,
  );
  assertMatch(
    assertThrows(
      () => historicClv(orders.select("customer_id", "date"), customers),
      CxSchemaError,
    ).message,
    /orders table lacks required column "revenue"/,
  );
  assertThrows(() => historicClv(orders, customers.select("customer_id")), CxSchemaError);
  const text = orders.assign({ revenue: ["40", 20, null, 30, 30, 99, 10] });
  assertMatch(
    assertThrows(() => historicClv(text, customers), CxDataError).message,
    /row 1, column revenue, value "40": revenue must be a number/,
  );
  const backwards = customers.assign({ churn_date: [d("2023-07-01"), null] });
  assertEquals(
    assertThrows(() => historicClv(orders, backwards), CxDataError).problems[0].column,
    "churn_date",
  );
  for (const margin of [0, 1.5, -0.2]) {
    assertMatch(
      assertThrows(() => historicClv(orders, customers, { margin }), CxOptionsError).message,
      /"margin" must be a share of revenue/,
    );
  }
  assertThrows(() => historicClv(orders, customers, { lifespan: 0 }), CxOptionsError);
});

Deno.test("historicClv takes engine and refuses it in the one wording, for either input", async () => {
  const engine = duckdbEngine();
  try {
    const refused = (run: () => unknown) =>
      assertMatch(
        assertThrows(run, CxOptionsError).message,
        /^historicClv cannot run in an SQL engine: it joins every order to its customer's tenure .*leave out "engine"$/,
      );
    refused(() => historicClv(orders, customers, { engine }));
    refused(() => historicClv(orders, { engine, table: "customers" } as never));
    refused(() => historicClv({ engine, table: "orders" } as never, customers));
    // Without an engine, explain is refused as meaningless, not ignored.
    assertMatch(
      assertThrows(() => historicClv(orders, customers, { explain: true }), CxOptionsError).message,
      /"explain" needs an SQL engine/,
    );
  } finally {
    await engine.close();
  }
});
