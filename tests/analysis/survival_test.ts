/**
 * Survival analysis against hand arithmetic, R `survival` 3.5.3 fixtures
 * (tests/fixtures/survival, made by make_survival_fixtures.R) and the effects
 * planted in the sample customers.
 */
import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import assert from "node:assert/strict";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { readCsv } from "../../src/io/csv.ts";
import { chiSquareCdf } from "../../src/stats/distributions.ts";
import {
  finalizeKaplanMeier,
  kaplanMeier,
  type SurvivalTransform,
} from "../../src/analysis/survival/kaplan_meier.ts";
import { survivalCounts } from "../../src/analysis/survival/counts.ts";
import { medianSurvival } from "../../src/analysis/survival/median.ts";
import { atRisk, rmst, survivalAt } from "../../src/analysis/survival/summary.ts";
import { chiSquareUpper, logRank } from "../../src/analysis/survival/logrank.ts";
import { cumulativeIncidence } from "../../src/analysis/survival/competing.ts";
import { survivalTimes } from "../../src/analysis/survival/times.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import { assertMatch, assertThrows } from "../assert.ts";
import { assertClose } from "../metrics/fixtures.ts";

type Row = Record<string, string>;

/** Rows of a survival fixture, all values as text ("" = missing). */
function fixture(name: string): Row[] {
  const text = Deno.readTextFileSync(new URL(`../fixtures/survival/${name}`, import.meta.url));
  return (aq.fromCSV(text, { autoType: false }).objects() as Record<string, string | null>[])
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? ""])));
}

const num = (v: string) => (v === "" ? null : Number(v));

const lung = aq.from(
  fixture("lung_input.csv").map((r) => ({
    time: Number(r.time),
    event: r.status === "2" ? 1 : 0,
    sex: Number(r.sex),
  })),
);
const veteran = aq.from(
  fixture("veteran_input.csv").map((r) => ({
    time: Number(r.time),
    event: r.status === "1",
    trt: Number(r.trt),
    celltype: r.celltype,
  })),
);

let customersCache: ColumnTable | undefined;
/** The sample customers through the loader and survivalTimes, plus `referred`. */
async function customers(): Promise<ColumnTable> {
  if (customersCache) return customersCache;
  const { table } = await readCsv(new URL("../../data/sample/customers.csv", import.meta.url), {
    schema: "customers",
  });
  const timed = survivalTimes(table, { observedUntil: new Date("2025-12-31") });
  customersCache = timed.derive({
    referred: (d: { referred_by: string | null }) => !!d.referred_by,
  });
  return customersCache;
}

const TRANSFORMS: SurvivalTransform[] = ["log", "log-log", "plain"];
/** Fixture columns of each transform's interval bounds. */
const bounds = (t: SurvivalTransform) => {
  const suffix = t.replace("-", "");
  return { low: `lower_${suffix}`, high: `upper_${suffix}` };
};

/** Label of a row's group as R writes it ("all" without groups). */
const label = (row: Record<string, unknown>, by?: string) => (by ? String(row[by]) : "all");

function compareRows(
  ours: Record<string, unknown>[],
  theirs: Row[],
  columns: Record<string, string>,
  what: string,
  by?: string,
) {
  assert.equal(ours.length, theirs.length, `${what}: row count`);
  theirs.forEach((expected, i) => {
    assert.equal(label(ours[i], by), expected.group, `${what} row ${i}: group`);
    for (const [mine, r] of Object.entries(columns)) {
      assertClose(ours[i][mine], num(expected[r]), `${what} row ${i} (${expected.group}) ${mine}`);
    }
  });
}

Deno.test("kaplanMeier: hand-worked example with an event and a censoring tied at t = 3", () => {
  // time:  1  2  3  3  4  6
  // event: 1  0  1  0  1  0
  // t=1: n=6, d=1 → S = 5/6;               Greenwood Σ d/(n(n−d)) = 1/30
  // t=2: n=5, censored 1 → S = 5/6
  // t=3: n=4 (the one censored at 3 is still at risk), d=1 → S = 5/6·3/4 = 0.625; Σ = 1/30 + 1/12
  // t=4: n=2, d=1 → S = 0.3125;              Σ = 1/30 + 1/12 + 1/2
  // t=6: n=1, censored 1 → S = 0.3125
  const t = aq.table({ time: [1, 2, 3, 3, 4, 6], event: [1, 0, 1, 0, 1, 0] });
  const km = kaplanMeier(t).objects() as Record<string, number>[];
  assert.deepEqual(km.map((r) => r.time), [1, 2, 3, 4, 6]);
  assert.deepEqual(km.map((r) => r.n_risk), [6, 5, 4, 2, 1]);
  assert.deepEqual(km.map((r) => r.n_event), [1, 0, 1, 1, 0]);
  assert.deepEqual(km.map((r) => r.n_censor), [0, 1, 1, 0, 1]);
  const s = [5 / 6, 5 / 6, 0.625, 0.3125, 0.3125];
  km.forEach((r, i) => assertClose(r.survival, s[i], `S at ${r.time}`, 1e-15));
  const sigma3 = Math.sqrt(1 / 30 + 1 / 12);
  assertClose(km[2].std_err, 0.625 * sigma3, "Greenwood se at 3", 1e-15);
  const z = 1.959963984540054;
  assertClose(km[2].survival_low, Math.exp(Math.log(0.625) - z * sigma3), "log low", 1e-14);
  // exp(log 0.625 + z·σ) = 1.22…: R caps the log upper bound at 1.
  assert.equal(km[2].survival_high, 1);
  // Median: first time S ≤ ½ is 4.
  assert.equal(medianSurvival(kaplanMeier(t)).get("median", 0), 4);
  // RMST to τ = 6: 1·1 + 1·5/6 + 1·5/6 + 1·0.625 + 2·0.3125 = 47/12.
  // Variance: A(t) = area from t to τ; Σ A(tᵢ)²·dᵢ/(nᵢ(nᵢ−dᵢ)) over event times 1, 3, 4
  //   = (35/12)²/30 + 1.25²/12 + 0.625²/2.
  const r = rmst(kaplanMeier(t), { tau: 6 });
  assertClose(r.get("rmst", 0), 47 / 12, "rmst", 1e-15);
  const se = Math.sqrt((35 / 12) ** 2 / 30 + 1.25 ** 2 / 12 + 0.625 ** 2 / 2);
  assertClose(r.get("rmst_std_err", 0), se, "rmst se", 1e-14);
  assertClose(r.get("rmst_low", 0), 47 / 12 - z * se, "rmst low", 1e-14);
});

Deno.test("kaplanMeier: counts of parts merge into the same curve", () => {
  const first = lung.slice(0, 100), second = lung.slice(100);
  const merged = survivalCounts(first, { by: "sex" }).concat(survivalCounts(second, { by: "sex" }));
  const fromParts = finalizeKaplanMeier(merged, { by: ["sex"] });
  assert.deepEqual(fromParts.objects(), kaplanMeier(lung, { by: "sex" }).objects());
});

Deno.test("kaplanMeier: equals R survfit on lung, veteran and the sample customers (all transforms)", async () => {
  const sets: [string, ColumnTable, (string | undefined)[]][] = [
    ["lung", lung, [undefined, "sex"]],
    ["veteran", veteran, ["trt", "celltype"]],
    ["customers", await customers(), [undefined, "plan", "referred"]],
  ];
  for (const [name, table, bys] of sets) {
    for (const by of bys) {
      const rows = fixture(`km_${name}_${by ?? "none"}.csv`);
      for (const transform of TRANSFORMS) {
        const km = kaplanMeier(table, { by, transform });
        compareRows(
          km.objects() as Record<string, unknown>[],
          rows,
          {
            time: "time",
            n_risk: "n_risk",
            n_event: "n_event",
            n_censor: "n_censor",
            survival: "surv",
            std_err: "std_err",
            survival_low: bounds(transform).low,
            survival_high: bounds(transform).high,
          },
          `km ${name} by ${by} ${transform}`,
          by,
        );
      }
    }
  }
});

Deno.test("medianSurvival, survivalAt, atRisk, rmst: equal R quantile/summary/print", async () => {
  const sets: [string, ColumnTable, (string | undefined)[], number[], number[]][] = [
    ["lung", lung, [undefined, "sex"], [0, 100, 200, 365, 500, 730, 1000], [365, 1000]],
    ["veteran", veteran, ["trt", "celltype"], [0, 30, 90, 180, 365, 500], [180, 500]],
    ["customers", await customers(), [undefined, "plan", "referred"], [0, 90, 180, 365, 540, 730], [
      365,
      700,
    ]],
  ];
  for (const [name, table, bys, times, taus] of sets) {
    for (const by of bys) {
      const tag = `${name}_${by ?? "none"}`;
      for (const transform of TRANSFORMS) {
        const km = kaplanMeier(table, { by, transform });
        const medians = fixture(`median_${tag}.csv`).filter((r) => r.conf_type === transform);
        const ours = medianSurvival(km).objects() as Record<string, unknown>[];
        compareRows(
          ours,
          medians,
          {
            median: "median",
            median_low: "lower",
            median_high: "upper",
          },
          `median ${tag} ${transform}`,
          by,
        );
        const at = fixture(`at_${tag}.csv`);
        compareRows(
          survivalAt(km, { times }).objects() as Record<string, unknown>[],
          at,
          {
            time: "time",
            n_risk: "n_risk",
            n_event: "n_event",
            n_censor: "n_censor",
            survival: "surv",
            std_err: "std_err",
            survival_low: bounds(transform).low,
            survival_high: bounds(transform).high,
          },
          `survivalAt ${tag} ${transform}`,
          by,
        );
        compareRows(
          atRisk(km, { times }).objects() as Record<string, unknown>[],
          at,
          {
            n_risk: "n_risk",
            n_event: "n_event",
            n_censor: "n_censor",
          },
          `atRisk ${tag} ${transform}`,
          by,
        );
      }
      const km = kaplanMeier(table, { by });
      const expected = fixture(`rmst_${tag}.csv`);
      for (const tau of taus) {
        const rows = expected.filter((r) => Number(r.tau) === tau);
        const ours = rmst(km, { tau }).objects() as Record<string, unknown>[];
        compareRows(ours, rows, { rmst: "rmean", rmst_std_err: "se" }, `rmst ${tag} τ=${tau}`, by);
        if (!by) continue;
        // Difference from the first group: independent groups, se = √(se₁² + se₂²).
        const [ref, ...others] = rows.map((r) => ({ m: Number(r.rmean), s: Number(r.se) }));
        others.forEach((g, i) => {
          const se = Math.hypot(g.s, ref.s);
          assertClose(ours[i + 1].difference, g.m - ref.m, `rmst diff ${tag}`);
          assertClose(ours[i + 1].difference_std_err, se, `rmst diff se ${tag}`);
          assertClose(ours[i + 1].difference_low, g.m - ref.m - 1.959963984540054 * se, "diff low");
        });
        assert.equal(ours[0].difference, null);
      }
    }
  }
});

Deno.test("medianSurvival: R's print(fit) median (survmean) agrees with quantile.survfit on these data", () => {
  for (const name of ["lung_sex", "veteran_celltype", "customers_plan"]) {
    for (const r of fixture(`median_${name}.csv`)) {
      assert.equal(r.print_median, r.median, `${name} ${r.group}`);
    }
  }
});

Deno.test("logRank: equals R survdiff (chi-square, df, p, observed, expected)", async () => {
  const sets: [string, ColumnTable, string[]][] = [
    ["lung", lung, ["sex"]],
    ["veteran", veteran, ["trt", "celltype"]],
    ["customers", await customers(), ["plan", "referred"]],
  ];
  for (const [name, table, bys] of sets) {
    for (const by of bys) {
      const expected = fixture(`logrank_${name}_${by}.csv`);
      const ours = logRank(table, { by }).objects() as Record<string, unknown>[];
      compareRows(
        ours,
        expected,
        {
          n: "n",
          observed: "observed",
          expected: "expected",
          statistic: "chisq",
          df: "df",
          p_value: "p",
        },
        `logRank ${name} ${by}`,
        by,
      );
      // p-values also relative to their size (tiny ones included).
      const p = ours[0].p_value as number, pR = Number(expected[0].p);
      assert.ok(Math.abs(p - pR) <= 1e-9 * pR, `${name} ${by}: p ${p} vs R ${pR}`);
    }
  }
});

Deno.test("logRank pairwise: two-group tests per pair with Holm-adjusted p equal R p.adjust", () => {
  const expected = fixture("pairwise_veteran_celltype.csv");
  const ours = logRank(veteran, { by: "celltype", pairwise: true }).objects() as Record<
    string,
    unknown
  >[];
  assert.equal(ours.length, expected.length);
  expected.forEach((e, i) => {
    assert.equal(ours[i].group_a, e.group_a);
    assert.equal(ours[i].group_b, e.group_b);
    for (
      const [mine, r] of [["statistic", "chisq"], ["df", "df"], ["p_value", "p"], [
        "p_adjusted",
        "p_holm",
      ]]
    ) {
      assertClose(ours[i][mine], num(e[r]), `pair ${i} ${mine}`);
    }
  });
});

Deno.test("chiSquareUpper: equals 1 − cdf, and keeps tiny tails", () => {
  for (const df of [1, 2, 3, 4, 5, 8, 11]) {
    for (const x of [0.3, 2, 7.5, 20]) {
      assertClose(chiSquareUpper(x, df), 1 - chiSquareCdf(x, df), `Q(${x}; ${df})`, 1e-12);
    }
  }
  // Far tail: R pchisq(400, 3 or 4, lower.tail = FALSE).
  assertClose(chiSquareUpper(400, 3) / 2.213886593101118e-86, 1, "far tail df 3", 1e-12);
  assertClose(chiSquareUpper(400, 4) / 2.7816320187408423e-85, 1, "far tail df 4", 1e-12);
});

Deno.test("cumulativeIncidence: equals R multi-state survfit (Aalen–Johansen, IJ standard errors)", async () => {
  const table = await customers();
  for (const by of [undefined, "plan"]) {
    const rows = fixture(`cif_customers_${by ?? "none"}.csv`);
    for (const transform of TRANSFORMS) {
      const ours = cumulativeIncidence(table, { status: "churn_reason", by, transform });
      // R's rows: per reason, the groups' times stacked; ours: per group, per reason.
      const sorted = [...rows].sort((a, b) =>
        a.group.localeCompare(b.group) || a.reason.localeCompare(b.reason)
      );
      const objects = ours.objects() as Record<string, unknown>[];
      assert.equal(objects.length, sorted.length);
      sorted.forEach((e, i) => {
        const o = objects[i];
        assert.equal(label(o, by), e.group);
        assert.equal(o.reason, e.reason);
        for (
          const [mine, r] of [
            ["time", "time"],
            ["n_risk", "n_risk"],
            ["n_event", "n_event"],
            ["n_censor", "n_censor"],
            ["cumulative_incidence", "pstate"],
            ["std_err", "std_err"],
            ["cumulative_incidence_low", bounds(transform).low],
            ["cumulative_incidence_high", bounds(transform).high],
          ]
        ) assertClose(o[mine], num(e[r]), `cif ${by} ${transform} row ${i} ${mine}`);
      });
    }
  }
});

Deno.test("cumulativeIncidence: the reasons' incidences add up to 1 − Kaplan–Meier", async () => {
  const table = await customers();
  const km = kaplanMeier(table).objects() as Record<string, number>[];
  const cif = cumulativeIncidence(table, { status: "churn_reason" }).objects() as Record<
    string,
    number
  >[];
  km.forEach((r) => {
    const total = cif.filter((c) => c.time === r.time).reduce(
      (s, c) => s + c.cumulative_incidence,
      0,
    );
    assertClose(total, 1 - r.survival, `t=${r.time}`, 1e-12);
  });
});

Deno.test("cumulativeIncidence: an event column censors late churns and names reasonless ones", () => {
  const t = aq.table({
    time: [1, 2, 3, 4],
    reason: ["price", "moved", "price", null],
    event: [true, false, true, true],
  });
  const cif = cumulativeIncidence(t, { status: "reason" });
  assert.deepEqual([...new Set(cif.array("reason"))], ["price", "unspecified"]);
  const last = (reason: string) =>
    (cif.objects() as Record<string, number | string>[]).filter((r) => r.reason === reason)
      .pop()!.cumulative_incidence;
  // S: 1 → ¾ at t=1 (price) → ¾ at t=2 (censored) → ⅜ at t=3 (price) → 0 at t=4 (unspecified).
  assertClose(last("price"), 0.25 + 0.75 * 0.5, "price", 1e-15);
  assertClose(last("unspecified"), 0.375, "unspecified", 1e-15);
  // Without the event column the status alone decides: the censoring value must be named.
  assertThrows(() => cumulativeIncidence(t, { status: "reason", event: null }), CxOptionsError);
  const statusOnly = cumulativeIncidence(t, { status: "reason", event: null, censored: null });
  assert.deepEqual([...new Set(statusOnly.array("reason"))], ["moved", "price"]);
});

Deno.test("survivalTimes: days from signup to churn or to the cut-off, as R computed them", async () => {
  const ours = (await customers()).objects() as Record<string, unknown>[];
  const expected = fixture("customers_times.csv");
  assert.equal(ours.length, expected.length);
  expected.forEach((e, i) => {
    assert.equal(ours[i].customer_id, e.customer_id);
    assert.equal(ours[i].time, Number(e.time));
    assert.equal(ours[i].event, e.event === "1");
  });
  // A churn after the cut-off is not known at the cut-off: censored there.
  const late = survivalTimes(
    aq.table({ signup_date: [new Date("2025-01-01")], churn_date: [new Date("2025-03-01")] }),
    { observedUntil: new Date("2025-02-01") },
  );
  assert.deepEqual(late.objects()[0], {
    signup_date: new Date("2025-01-01"),
    churn_date: new Date("2025-03-01"),
    time: 31,
    event: false,
  });
  const one = aq.table({ signup_date: [new Date("2025-01-01")], churn_date: [null] });
  const weeks = survivalTimes(one, { observedUntil: new Date("2025-01-15"), unit: "weeks" });
  assert.equal(weeks.get("time", 0), 2);
  // The unit travels to the curve's metadata (for axis labels) when the table comes straight in.
  assert.equal(meta<"survival">(kaplanMeier(weeks))?.unit, "weeks");
});

Deno.test("planted effects: monthly plans churn about twice as fast; referred customers stay longer", async () => {
  const table = await customers();
  const byPlan = logRank(table, { by: "plan" }).objects() as Record<string, number>[];
  assert.ok(byPlan[0].p_value < 1e-20, "plan difference is significant");
  assert.ok(byPlan[1].observed > byPlan[1].expected, "monthly: more churn than expected");
  const at = survivalAt(kaplanMeier(table, { by: "plan" }), { times: [365] }).objects() as Record<
    string,
    number
  >[];
  const [annual, monthly] = at;
  assert.ok(monthly.survival_high < annual.survival_low, "monthly curve below, intervals apart");
  // Exponential lifetimes: cumulative hazards −log S are proportional with the hazard ratio 2.
  const ratio = Math.log(monthly.survival) / Math.log(annual.survival);
  assert.ok(ratio > 1.6 && ratio < 2.4, `hazard ratio ≈ 2, got ${ratio}`);
  const life = rmst(kaplanMeier(table, { by: "plan" }), { tau: 700 }).objects() as Record<
    string,
    number
  >[];
  assert.ok(life[1].difference_high < 0, "monthly customers stay fewer days (RMST)");

  const byReferral = logRank(table, { by: "referred" }).objects() as Record<string, number>[];
  assert.ok(byReferral[0].p_value < 1e-6, "referral difference is significant");
  const ref = survivalAt(kaplanMeier(table, { by: "referred" }), { times: [365] })
    .objects() as Record<
      string,
      number
    >[];
  assert.ok(ref[1].survival > ref[0].survival, "referred (true) retain better");
  const hr = Math.log(ref[1].survival) / Math.log(ref[0].survival);
  assert.ok(hr > 0.45 && hr < 0.85, `hazard ratio ≈ 0.6, got ${hr}`);
});

Deno.test("bad input: clear errors naming the option, column or row", () => {
  const customersTable = aq.table({
    signup_date: [new Date("2025-01-10"), new Date("2025-02-01")],
    churn_date: [new Date("2025-01-05"), null],
  });
  const e1 = assertThrows(
    () => survivalTimes(customersTable, { observedUntil: new Date("2025-12-31") }),
    CxDataError,
  );
  assert.equal(e1.problems[0].row, 1);
  assert.equal(e1.problems[0].column, "churn_date");
  assert.match(e1.message, /before signup_date/);
  const late = assertThrows(
    () => survivalTimes(customersTable.slice(1), { observedUntil: new Date("2025-01-01") }),
    CxDataError,
  );
  assert.match(late.message, /after the cut-off/);
  const e2 = assertThrows(
    () => survivalTimes(customersTable, { start: "signup", observedUntil: new Date("2025-12-31") }),
    CxOptionsError,
  );
  assert.match(e2.message, /"start".*"signup"/);
  assertThrows(
    () => survivalTimes(customersTable, { observedUntil: new Date("not a date") }),
    CxOptionsError,
  );
  const empty = assertThrows(
    () => survivalTimes(customersTable.slice(0, 0), { observedUntil: new Date("2025-12-31") }),
    CxDataError,
  );
  assert.match(empty.message, /no rows/);
  assert.match(assertThrows(() => kaplanMeier(lung.slice(0, 0)), CxDataError).message, /no rows/);

  const bad = aq.table({ time: [1, -2, 3, null], event: [1, 0, 2, 1], g: ["a", "a", "b", "b"] });
  const e3 = assertThrows(() => kaplanMeier(bad), CxDataError);
  assert.deepEqual(e3.problems.map((p) => [p.row, p.column]), [[2, "time"], [3, "event"], [
    4,
    "time",
  ]]);
  assertThrows(() => kaplanMeier(lung, { time: "days" }), CxOptionsError);
  assertThrows(() => kaplanMeier(lung, { by: "region" }), CxOptionsError);
  assertThrows(() => kaplanMeier(lung, { by: "event" }), CxOptionsError);
  assertThrows(
    () => kaplanMeier(lung, { transform: "logit" as SurvivalTransform }),
    CxOptionsError,
  );
  assertThrows(() => kaplanMeier(lung, { confidence: 95 }), CxOptionsError);
  assertThrows(
    () => logRank(lung.filter((d: { sex: number }) => d.sex === 1), { by: "sex" }),
    CxDataError,
  );
  assertThrows(() => logRank(lung, {} as { by: string }), CxOptionsError);
  const km = kaplanMeier(lung, { by: "sex" });
  assertThrows(() => rmst(km, { tau: 0 }), CxOptionsError);
  assertThrows(() => rmst(km, { tau: 100, reference: 3 }), CxOptionsError);
  assertThrows(() => survivalAt(km, { times: [-1] }), CxOptionsError);
  assertThrows(() => atRisk(km, { times: [] }), CxOptionsError);
  // The former positional form is refused with the call to write instead.
  assertMatch(
    assertThrows(() => survivalAt(km, [30] as unknown as { times: number[] }), CxOptionsError)
      .message,
    /survivalAt\(km, \{ times: \[30\] \}\)/,
  );
  assertThrows(() => medianSurvival(lung), CxOptionsError);
  assertThrows(() => cumulativeIncidence(lung, { status: "reason" }), CxOptionsError);
});

Deno.test("survivalTimes refuses an SQL engine in the one wording; engine options need an engine", () => {
  const customersTable = aq.table({ signup_date: [new Date("2025-01-10")], churn_date: [null] });
  const engine = duckdbEngine(); // not opened: the refusal comes first
  const refused = assertThrows(
    () => survivalTimes(customersTable, { observedUntil: new Date("2025-12-31"), engine }),
    CxOptionsError,
  );
  assert.equal(
    refused.message,
    "survivalTimes cannot run in an SQL engine: it returns every row with its follow-up time and " +
      "event, not an aggregate; compute the time and event in the engine (date_diff) and pass that " +
      'table to kaplanMeier with engine. Pass an Arquero table (load it with readCsv, or SELECT the rows you need from the engine) and leave out "engine"',
  );
  const t = aq.table({ time: [1, 2], event: [1, 0], why: ["price", "censored"] });
  for (
    const call of [
      () => kaplanMeier(t, { explain: true } as never),
      () => logRank(t, { by: "event", explain: true } as never),
      () => cumulativeIncidence(t, { status: "why", censored: "censored", explain: true } as never),
    ]
  ) {
    assertMatch(assertThrows(call, CxOptionsError).message, /"explain" needs an SQL engine/);
  }
});
