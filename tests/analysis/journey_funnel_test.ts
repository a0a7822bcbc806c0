/**
 * funnel: levels and step times worked by hand (repeated first steps, steps
 * out of order, outside the window, equal timestamps) and against an
 * exhaustive pandas reference on seeded data (tests/fixtures/journey/
 * funnel_reference.py); Wilson intervals against statsmodels, the χ² test
 * against scipy, medians of the time from the previous step against R's
 * survfit (funnel_km.R); options and bad input refused.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { funnel } from "../../src/analysis/journey/funnel.ts";
import { customerChain } from "../../src/analysis/journey/funnel_levels.ts";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { compactTable, InstantColumn } from "../../src/kernels/columns.ts";
import { meta } from "../../src/meta.ts";

const DAY = 86_400_000;
const at = (day: number, hour = 0) => new Date(Date.UTC(2024, 0, 1 + day, hour));

/** customerChain on (day, step number) pairs, sorted as the aggregate sorts them. */
function chain(events: [number, number][], order: "strict" | "any", k = 3, windowDays = 7) {
  const sorted = [...events].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return customerChain(
    sorted.map(([d]) => d * DAY),
    sorted.map(([, j]) => j),
    k,
    windowDays * DAY,
    order,
  ).map((t) => t / DAY);
}

Deno.test("levels by hand: strict order", () => {
  // 1 → 2 → 3 within a week.
  assertEquals(chain([[0, 1], [2, 2], [5, 3]], "strict"), [0, 2, 5]);
  // Step 3 before step 2 does not count in strict order.
  assertEquals(chain([[0, 1], [1, 3], [2, 2]], "strict"), [0, 2]);
  // Step 3 on day 8 is outside the 7-day window of the start on day 0…
  assertEquals(chain([[0, 1], [2, 2], [8, 3]], "strict"), [0, 2]);
  // …but a repeated first step on day 3 starts a chain that reaches it: the best start counts.
  assertEquals(chain([[0, 1], [2, 2], [3, 1], [4, 2], [8, 3]], "strict"), [3, 4, 8]);
  // Exactly 7 days is inside (inclusive, as windowFunnel).
  assertEquals(chain([[0, 1], [7, 2]], "strict"), [0, 7]);
  // Equal timestamps count in step order: all three at once, 0 days apart.
  assertEquals(chain([[4, 3], [4, 2], [4, 1]], "strict"), [4, 4, 4]);
  // On a tie in level the latest start wins (closest steps): start on day 1, not 0.
  assertEquals(chain([[0, 1], [1, 1], [2, 2]], "strict"), [1, 2]);
  // A repeated step 2 does not move the chain: the first occurrence after step 1 is taken.
  assertEquals(chain([[0, 1], [1, 2], [3, 2], [4, 3]], "strict"), [0, 1, 4]);
  // No first step: not in the funnel.
  assertEquals(chain([[0, 2], [1, 3]], "strict"), []);
});

Deno.test("levels by hand: any order", () => {
  // Step 3 before step 2 counts in any order; level 3 is reached when both have happened.
  assertEquals(chain([[0, 1], [1, 3], [2, 2]], "any"), [0, 2, 2]);
  // Events before the start do not count.
  assertEquals(chain([[0, 2], [1, 1], [2, 3]], "any"), [1]);
  // Step 2 on day 9 is outside the window; step 3 alone does not make level 3.
  assertEquals(chain([[0, 1], [3, 3], [9, 2]], "any"), [0]);
  // Equal timestamps: the start and step 2 at the same instant both count.
  assertEquals(chain([[5, 2], [5, 1]], "any", 2), [5, 5]);
});

/** A table of events from rows [customer, day, step, segment?]. */
function events(rows: [string, number, string, string?][]): ColumnTable {
  return aq.table({
    customer_id: rows.map((r) => r[0]),
    date: rows.map((r) => at(r[1])),
    step: rows.map((r) => r[2]),
    segment: rows.map((r) => r[3] ?? "all"),
  });
}

Deno.test("funnel by hand: counts, conversions, censored times", () => {
  const t = events([
    ["a", 0, "visit"],
    ["a", 1, "cart"],
    ["a", 3, "buy"],
    ["b", 0, "visit"],
    ["b", 2, "cart"],
    ["c", 1, "visit"],
    ["c", 9, "cart"], // outside c's window (day 1 + 7)
    ["d", 10, "visit"], // window open at the data's end (day 12)
    ["e", 12, "browse"], // no funnel step: sets the data's end only
  ]);
  const f = funnel(t, { steps: ["visit", "cart", "buy"], windowDays: 7 });
  assertEquals(f.array("customers"), [4, 2, 1]);
  assertEquals(f.array("conversion_from_previous"), [null, 0.5, 0.5]);
  assertEquals(f.array("conversion_from_start"), [1, 0.5, 0.25]);
  assertEquals(f.array("n"), [4, 4, 2]);
  // visit → cart: a (1 day) and b (2 days) convert, d is censored at 2 days, c's window closed.
  // S = 1 − 1/3 at day 1, then 2/3 · (1 − 1/2) = 1/3 at day 2: the median is 2 days.
  assertEquals(f.get("median_days", 1), 2);
  // cart → buy: a after 2 days; b's window (day 0 + 7) closed before day 12: left out.
  assertEquals(f.get("median_days", 2), 2);
  const m = meta(f);
  assertEquals(m.kind, "funnel");
  if (m.kind === "funnel") assertEquals(m.observedUntil, at(12));
  // Ending observation on day 4 keeps b inside its window for cart → buy, and leaves out c's cart.
  const early = funnel(t, {
    steps: ["visit", "cart", "buy"],
    windowDays: 7,
    observedUntil: at(4),
  });
  assertEquals(early.array("customers"), [3, 2, 1]);
  const em = meta(early);
  if (em.kind === "funnel") {
    assertEquals(em.notes.late, "2 funnel events after observedUntil left out");
  }
});

const here = new URL("../fixtures/journey/", import.meta.url);
const reference = JSON.parse(await Deno.readTextFile(new URL("funnel_reference.json", here)));
const csv = (await Deno.readTextFile(new URL("funnel_events.csv", here))).trim().split("\n")
  .slice(1).map((l) => l.split(","));
const sample = aq.table({
  customer_id: csv.map((r) => r[0]),
  date: csv.map((r) => new Date(r[1])),
  step: csv.map((r) => r[2]),
  segment: csv.map((r) => r[3]),
});
const kmReference = (await Deno.readTextFile(new URL("funnel_km_reference.csv", here))).trim()
  .split("\n").slice(1).map((l) => l.replaceAll('"', "").split(","));

for (const order of ["strict", "any"] as const) {
  Deno.test(`funnel (${order}) equals the exhaustive pandas reference on seeded data`, () => {
    const ref = reference[order];
    // Per customer: the level and the times of the best chain.
    const steps: string[] = reference.steps;
    const byCustomer = new Map<string, [number, number][]>();
    sample.objects().forEach((r) => {
      const o = r as { customer_id: string; date: Date; step: string };
      const j = steps.indexOf(o.step) + 1;
      if (j === 0) return;
      const list = byCustomer.get(o.customer_id) ?? [];
      list.push([o.date.getTime(), j]);
      byCustomer.set(o.customer_id, list);
    });
    for (const c of ref.customers) {
      const list = byCustomer.get(c.customer_id)!.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const got = customerChain(
        list.map((e) => e[0]),
        list.map((e) => e[1]),
        steps.length,
        reference.windowDays * DAY,
        order,
      );
      assertEquals(got, c.times, c.customer_id);
    }
    const f = funnel(sample, {
      steps,
      windowDays: reference.windowDays,
      order,
      by: "segment",
    });
    const rows = f.objects() as Record<string, unknown>[];
    for (const segment of ["north", "south"]) {
      const mine = rows.filter((r) => r.segment === segment);
      assertEquals(mine.map((r) => r.customers), ref.reach[segment]);
      for (const w of ref.wilson[segment]) {
        const r = mine[w.step_index - 1];
        if (w.low === null) continue;
        assertAlmostEquals(r.conversion_from_previous_low as number, w.low, 1e-12);
        assertAlmostEquals(r.conversion_from_previous_high as number, w.high, 1e-12);
      }
      for (const km of kmReference.filter((k) => k[0] === order && k[1] === segment)) {
        const r = mine[Number(km[2]) - 1];
        const num = (v: string) => v === "" ? null : Number(v);
        for (
          const [i, column] of ["median_days", "median_days_low", "median_days_high"].entries()
        ) {
          const want = num(km[4 + i]), got = r[column] as number | null;
          if (want === null) assertEquals(got, null, `${order} ${segment} ${km[2]} ${column}`);
          else assertAlmostEquals(got!, want, 1e-9, `${order} ${segment} ${km[2]} ${column}`);
        }
      }
    }
    const tested = ref.chi2 as {
      step_index: number;
      statistic: number;
      df: number;
      p_value: number;
    }[];
    const ps = tested.map((t) => t.p_value);
    for (const t of tested) {
      const r = rows.find((x) => x.segment === "north" && x.step_index === t.step_index)!;
      assertAlmostEquals(r.statistic as number, t.statistic, 1e-9);
      assertEquals(r.df, t.df);
      assertAlmostEquals(r.p_value as number, t.p_value, 1e-12);
      // Holm over the three steps, by hand: the i-th smallest p times (4 − i), running max.
      const sorted = [...ps].sort((a, b) => a - b);
      const rank = sorted.indexOf(t.p_value);
      const holm = Math.min(1, Math.max(...sorted.slice(0, rank + 1).map((p, i) => (3 - i) * p)));
      assertAlmostEquals(r.p_adjusted as number, holm, 1e-12);
      assertEquals(r.significant, holm < 0.05);
    }
    assertEquals(rows.filter((r) => r.step_index === 1).every((r) => r.p_value === null), true);
  });
}

/** The call throws `type` with a message containing `text`. */
function refused(fn: () => unknown, type: new (...args: never[]) => Error, text: string) {
  const e = assertThrows(fn, type);
  assertEquals(e.message.includes(text), true, e.message);
}

Deno.test("funnel refuses bad options and input", () => {
  const t = events([["a", 0, "visit"]]);
  refused(() => funnel(t, { steps: [], windowDays: 7 }), CxOptionsError, '"steps"');
  refused(() => funnel(t, { steps: ["a", "a"], windowDays: 7 }), CxOptionsError, "named twice");
  refused(() => funnel(t, { steps: ["a"], windowDays: 0 }), CxOptionsError, "windowDays");
  refused(
    () => funnel(t, { steps: ["a"], windowDays: 1, order: "loose" as "any" }),
    CxOptionsError,
    '"strict" or "any"',
  );
  refused(
    () => funnel(t, { steps: ["a"], windowDays: 1, customer: "id" }),
    CxOptionsError,
    '"id" (option "customer") is not in the table',
  );
  refused(
    () => funnel(t, { steps: ["a"], windowDays: 1, windowDay: 3 } as never),
    CxOptionsError,
    'did you mean "windowDays"',
  );
  const bad = aq.table({ customer_id: ["a"], date: ["2024-01-01"], step: ["visit"] });
  refused(() => funnel(bad, { steps: ["visit"], windowDays: 1 }), CxDataError, "not a date");
});

Deno.test("funnel: missing customers and segments are left out and counted", () => {
  const t = aq.table({
    customer_id: ["a", null, "b", "c", "c"],
    date: [at(0), at(0), at(0), at(0), at(1)],
    step: ["visit", "visit", "visit", "visit", "cart"],
    segment: ["x", "x", null, "y", "y"],
  });
  const f = funnel(t, { steps: ["visit", "cart"], windowDays: 3, by: "segment" });
  assertEquals(f.array("segment"), ["x", "x", "y", "y"]);
  assertEquals(f.array("customers"), [1, 0, 1, 1]);
  const m = meta(f);
  if (m.kind !== "funnel") throw new Error("funnel meta");
  assertEquals(m.notes.leftOut, "1 funnel events with a missing customer_id or date left out");
  assertEquals(m.notes.missingGroups, "1 customers with a missing segment left out");
  // Two segments, one step tested: conversion 0/1 vs 1/1 — χ² = 2 with df 1.
  assertEquals(f.get("statistic", 1), 2);
  assertEquals(f.get("df", 1), 1);
});

Deno.test("funnel reads compact columns (InstantColumn, CodedColumn) in place: same table", () => {
  const options = { steps: reference.steps, windowDays: 7, by: "segment" };
  const compact = compactTable(sample);
  assertEquals(compact.column("date") instanceof InstantColumn, true);
  assertEquals(funnel(compact, options).objects(), funnel(sample, options).objects());
  // Without segments the customers are keyed by their dictionary codes.
  const pooled = { steps: reference.steps, windowDays: 7, order: "any" as const };
  assertEquals(funnel(compact, pooled).objects(), funnel(sample, pooled).objects());
});
