/**
 * customerValue on the CDNOW sample: the point values equal the scipy
 * closed-form sum of make_cdnow.py (52 weekly steps, 10 % a year, margin
 * 0.3); the intervals are seeded, cover the point values and add up by
 * segment.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import { assertEquals } from "../assert.ts";
import { bgNbd } from "../../src/predict/bg_nbd.ts";
import { paretoNbd } from "../../src/predict/pareto_nbd.ts";
import type { TransactionModel } from "../../src/predict/model.ts";
import { gammaGamma } from "../../src/predict/gamma_gamma.ts";
import { customerValue } from "../../src/predict/value.ts";
import { meta } from "../../src/meta.ts";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { readCsv } from "../../src/io/csv.ts";
import { customerSummary } from "../../src/predict/summary.ts";
import { throwsWith } from "./helpers.ts";

const DIR = new URL("../fixtures/predict/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, DIR));
const cdnow = aq.fromCSV(read("cdnow_customers_summary_with_transactions.csv"))
  .rename({ x: "frequency", t_x: "recency", zbar: "monetary" })
  .derive({ segment: (d: { frequency: number }) => d.frequency > 2 ? "frequent" : "rare" });
const expected = aq.fromCSV(read("cdnow_predictions.csv"));
const tm = bgNbd(cdnow), sm = gammaGamma(cdnow);
const options = { horizon: 52, discountRate: 0.1, margin: 0.3, resamples: 100, seed: 7 };

Deno.test("customerValue equals the scipy discounted sum per customer, intervals cover it", () => {
  const v = customerValue(tm, sm, cdnow, options);
  const clv = v.array("clv") as number[], want = expected.array("clv") as number[];
  clv.forEach((c, i) => {
    if (!(Math.abs(c - want[i]) <= 1e-5 * Math.abs(want[i]))) {
      throw new Error(`clv[${i}]: ${c} vs ${want[i]}`);
    }
  });
  const low = v.array("clv_low") as number[], high = v.array("clv_high") as number[];
  assertEquals(clv.every((c, i) => low[i] < c && c < high[i]), true);
  assertEquals(v.columnNames().slice(-5), [
    "expected_purchases",
    "expected_spend",
    "clv",
    "clv_low",
    "clv_high",
  ]);
  // The same seed gives the same intervals.
  assertEquals(customerValue(tm, sm, cdnow, options).array("clv_low"), low);
  assertEquals(meta<"predict">(v).analysis, "customerValue");
});

Deno.test("customerValue by segment: totals of the customers, intervals around them", () => {
  const per = customerValue(tm, sm, cdnow, options);
  const seg = customerValue(tm, sm, cdnow, { ...options, by: "segment" });
  assertEquals(seg.columnNames(), ["segment", "n", "clv", "clv_low", "clv_high"]);
  assertEquals(seg.array("segment"), ["frequent", "rare"]);
  const rows = per.objects() as { segment: string; clv: number }[];
  for (
    const row of seg.objects() as {
      segment: string;
      n: number;
      clv: number;
      clv_low: number;
      clv_high: number;
    }[]
  ) {
    const mine = rows.filter((r) => r.segment === row.segment);
    assertEquals(row.n, mine.length);
    const total = mine.reduce((s, r) => s + r.clv, 0);
    assertEquals(Math.abs(row.clv - total) < 1e-6 * total, true);
    assertEquals(row.clv_low < row.clv && row.clv < row.clv_high, true);
  }
});

Deno.test("customerValue refuses bad options", () => {
  throwsWith(() => customerValue(tm, sm, cdnow, { horizon: 0 }), CxOptionsError, '"horizon"');
  throwsWith(
    () => customerValue(tm, sm, cdnow, { horizon: 5, margin: 2 }),
    CxOptionsError,
    '"margin"',
  );
  throwsWith(
    () => customerValue(tm, sm, cdnow, { horizon: 5, by: "plan" }),
    CxOptionsError,
    'column "plan"',
  );
  throwsWith(
    () => customerValue(tm, sm, cdnow, { horizon: 5, seeds: 1 } as never),
    CxOptionsError,
    "seeds",
  );
});

Deno.test("expectedAt matches scipy's expectations; a fractional horizon's last step is discounted at its end", () => {
  const few = cdnow.slice(0, 30);
  for (const model of [tm, paretoNbd(cdnow)] as TransactionModel[]) {
    const x = few.array("frequency") as number[], tx = few.array("recency") as number[];
    const T = few.array("T") as number[];
    // make_cdnow.py's closed forms at 39 weeks (scipy), for the same customers.
    const scipy = expected.array(model.model === "bgNbd" ? "bg_expected" : "pnbd_expected");
    const times = [1, 2, 2.5, 39];
    const v = customerValue(model, sm, few, { horizon: 2.5, discountRate: 0.1, margin: 0.3 });
    const clv = v.array("clv") as number[], spend = v.array("expected_spend") as number[];
    x.forEach((xi, i) => {
      const at = [...model.formulas.expectedAt(model.params, xi, tx[i], T[i], times)];
      const want39 = scipy[i] as number;
      if (!(Math.abs(at[3] - want39) <= 1e-4 * Math.abs(want39))) {
        throw new Error(`${model.model} E[N(39)] of customer ${i}: ${at[3]} vs scipy ${want39}`);
      }
      // Σₖ (E(tₖ) − E(tₖ₋₁)) · 1.1^(−7 tₖ / 365.25), worked out here step by step.
      const flow = (at[0] - 0) * 1.1 ** (-7 / 365.25) + (at[1] - at[0]) * 1.1 ** (-14 / 365.25) +
        (at[2] - at[1]) * 1.1 ** (-17.5 / 365.25);
      const want = 0.3 * spend[i] * flow;
      if (!(Math.abs(clv[i] - want) <= 1e-12 * Math.abs(want))) {
        throw new Error(`${model.model} clv[${i}]: ${clv[i]} vs ${want}`);
      }
    });
  }
});

Deno.test("paretoNbd on the sample's orders: the parameter that runs off is named, not a 2F1(NaN) domain error", async () => {
  const events = new URL("../../data/sample/events.csv", import.meta.url).pathname;
  const { table } = await readCsv(events, { schema: "events" });
  const orders = table.filter((d: { customer_id: string | null; revenue: number | null }) =>
    d.customer_id !== null && (d.revenue ?? 0) > 0
  );
  // The first 1,200 customers fail as all 3,500 do (beta runs off), in a tenth of the time.
  const summary = customerSummary(orders, { unit: "week" }).slice(0, 1200);
  let error: unknown;
  try {
    paretoNbd(summary);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CxDataError, String(error));
  assert.match(error.message, /^paretoNbd cannot be fitted: 1 problem\n/);
  assert.match(
    error.message,
    /beta runs off toward 0 or ∞ \(beta = [\d.e+]+\): the data cannot identify it/,
  );
});
