/**
 * coxPh against R survival (tests/fixtures/cox/make_cox_fixtures.R, which
 * wrote cases.json and the lung, veteran and pbc CSVs): coefficients, standard
 * errors, hazard-ratio intervals, concordance, log-likelihood, the three
 * tests, cox.zph and survfit for new data, to 1e-6.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import assert from "node:assert/strict";
import { coxPh } from "../../src/predict/cox.ts";
import { meta } from "../../src/meta.ts";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";

const DIR = new URL("../fixtures/cox/", import.meta.url);

interface Case {
  name: string;
  data: string;
  ties: "efron" | "breslow";
  covariates: string[];
  strata: string[] | null;
  levels: Record<string, string[]> | null;
  n: number;
  nevent: number;
  omitted: number;
  terms: string[];
  coef: number[];
  std_err: number[];
  hazard_ratio: number[];
  hazard_ratio_low: number[];
  hazard_ratio_high: number[];
  statistic: number[];
  p_value: number[];
  concordance: number;
  logLik: [number, number];
  tests: Record<"likelihood_ratio" | "wald" | "score", [number, number, number]>;
  zph: { term: string[]; statistic: number[]; df: number[]; p_value: number[] };
  newdata: Record<string, (number | string)[]>;
  times: number[];
  survival: Record<string, Record<string, number[]>>;
}

const fixtures = JSON.parse(await Deno.readTextFile(new URL("cases.json", DIR))) as {
  cases: Case[];
};
const tables = new Map<string, ColumnTable>();
async function data(file: string): Promise<ColumnTable> {
  if (!tables.has(file)) {
    tables.set(file, aq.fromCSV(await Deno.readTextFile(new URL(file, DIR)), { autoType: true }));
  }
  return tables.get(file)!;
}

/** R names a text term "celltypelarge"; cxkit "celltype=large". */
function rTerm(term: string, covariates: string[]): string {
  const c = covariates.find((c) => term.startsWith(c) && term !== c);
  return c === undefined ? term : `${c}=${term.slice(c.length)}`;
}

function close(actual: ArrayLike<unknown>, expected: number[], what: string, tol = 1e-6): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number, e = expected[i];
    const scale = Math.max(1, Math.abs(e));
    assert.ok(Math.abs(a - e) <= tol * scale, `${what}[${i}]: ${a} vs R ${e}`);
  }
}

for (const c of fixtures.cases) {
  Deno.test(`coxPh = R coxph: ${c.name}`, async () => {
    const model = coxPh(await data(c.data), {
      covariates: c.covariates,
      ties: c.ties,
      ...(c.strata ? { strata: c.strata } : {}),
      ...(c.levels ? { levels: c.levels } : {}),
    });
    const co = model.coefficients;
    assert.deepEqual(co.array("term"), c.terms.map((t) => rTerm(t, c.covariates)));
    for (
      const k of [
        "coef",
        "std_err",
        "hazard_ratio",
        "hazard_ratio_low",
        "hazard_ratio_high",
        "statistic",
        "p_value",
      ] as const
    ) {
      close(co.array(k), c[k], k);
    }
    close([model.concordance], [c.concordance], "concordance");
    close([model.logLik], [c.logLik[1]], "logLik");
    const tests = model.tests;
    assert.deepEqual(tests.array("test"), ["likelihood_ratio", "wald", "score"]);
    const order = ["likelihood_ratio", "wald", "score"] as const;
    close(tests.array("statistic"), order.map((t) => c.tests[t][0]), "test statistic");
    close(tests.array("df"), order.map((t) => c.tests[t][1]), "test df");
    close(tests.array("p_value"), order.map((t) => c.tests[t][2]), "test p_value");
    // Tiny p-values keep their precision (relative, not only absolute, agreement with R).
    tests.array("p_value").forEach((p, i) => {
      const r = c.tests[order[i]][2];
      assert.ok(Math.abs((p as number) - r) <= 1e-6 * r, `${order[i]} p_value ${p} vs R ${r}`);
    });
    const m = meta<"cox">(co);
    assert.equal(m.n, c.n);
    assert.equal(m.events, c.nevent);
    if (c.omitted) {
      assert.match(m.notes.missing, new RegExp(`^${c.omitted} rows? with a missing value`));
    } else assert.equal(m.notes.missing, undefined);
    const zph = model.proportionalHazards();
    assert.deepEqual(zph.array("term"), c.zph.term);
    close(zph.array("statistic"), c.zph.statistic, "zph statistic");
    close(zph.array("df"), c.zph.df, "zph df");
    close(zph.array("p_value"), c.zph.p_value, "zph p_value");
    const s = model.survival(aq.table(c.newdata), { times: c.times });
    for (const [row, curve] of Object.entries(c.survival)) {
      const mine = s.filter(aq.escape((d: { row: number }) => d.row === Number(row)));
      close(mine.array("time"), curve.time, `survival time, row ${row}`);
      for (const k of ["survival", "std_err", "survival_low", "survival_high"]) {
        close(mine.array(k), curve[k], `${k}, row ${row}`);
      }
    }
  });
}

const small = aq.table({
  time: [5, 8, 12, 3, 9, 14, 6, 11, 4, 10],
  event: [1, 1, 0, 1, 1, 0, 1, 1, 1, 0],
  age: [50, 61, 40, 70, 55, 38, 66, 47, 59, 52],
  plan: ["basic", "pro", "pro", "basic", "basic", "pro", "basic", "pro", "pro", "basic"],
});

Deno.test("coxPh: collinear or constant covariates are a CxDataError naming them", () => {
  const t = small.derive({ twice: (d: { age: number }) => 2 * d.age + 1, one: () => 1 });
  assert.throws(
    () => coxPh(t, { covariates: ["age", "twice"] }),
    (e) => e instanceof CxDataError && /"twice" is collinear with "age"/.test(e.message),
  );
  assert.throws(
    () => coxPh(t, { covariates: ["one"] }),
    (e) => e instanceof CxDataError && /"one" is constant/.test(e.message),
  );
});

Deno.test("coxPh: a coefficient that grows without bound (monotone likelihood) is a CxDataError", () => {
  // Every event has x = 1 and every censored row x = 0, later than all events.
  const t = aq.table({
    time: [1, 2, 3, 4, 5, 6],
    event: [1, 1, 1, 0, 0, 0],
    x: [1, 1, 1, 0, 0, 0],
  });
  assert.throws(
    () => coxPh(t, { covariates: ["x"] }),
    (e) => e instanceof CxDataError && /"x" grows? without bound/.test(e.message),
  );
});

Deno.test("coxPh: options are checked, grouped tables and engines refused", () => {
  const refuses = (options: unknown, pattern: RegExp, table: ColumnTable = small) =>
    assert.throws(
      () => coxPh(table, options as Parameters<typeof coxPh>[1]),
      (e) => e instanceof CxOptionsError && pattern.test(e.message),
    );
  refuses({ covariates: ["age"], tiess: "efron" }, /unknown option "tiess"; did you mean "ties"\?/);
  refuses(
    { covariates: ["age"], ties: "exact" },
    /"ties" must be "efron" or "breslow", got "exact"/,
  );
  refuses({ covariates: [] }, /"covariates" must list at least one column/);
  refuses({ covariates: ["agee"] }, /Option "covariates" names column "agee"/);
  refuses({ covariates: ["age"], confidence: 95 }, /"confidence" must be a number between 0 and 1/);
  refuses({ covariates: ["age"], strata: "age" }, /column "age" is named twice/);
  refuses(
    { covariates: ["age"], levels: { plan: ["pro"] } },
    /"levels" has "plan", which must be a covariate/,
  );
  refuses(
    { covariates: ["plan", "age"], levels: { age: ["1"] } },
    /names "age", which is a number column/,
  );
  refuses({ covariates: ["plan"], levels: { plan: ["pro"] } }, /"levels.plan" lacks "basic"/);
  refuses(
    { covariates: ["plan"], levels: { plan: ["gold", "pro", "basic"] } },
    /"levels.plan" lists "gold", not found in column "plan"/,
  );
  refuses({ covariates: ["age"] }, /ungroup/, small.groupby("plan"));
  refuses(
    { covariates: ["age"], engine: {} },
    /^coxPh cannot run in an SQL engine: a Cox fit iterates/,
  );
});

Deno.test("coxPh: levels choose the reference; missing values are left out and counted", () => {
  const pro = coxPh(small, { covariates: ["plan"], levels: { plan: ["pro", "basic"] } });
  const basic = coxPh(small, { covariates: ["plan"] });
  assert.deepEqual(basic.coefficients.array("term"), ["plan=pro"]);
  assert.deepEqual(pro.coefficients.array("term"), ["plan=basic"]);
  // Swapping the reference flips the sign of the coefficient and nothing else.
  close([pro.params["plan=basic"]], [-basic.params["plan=pro"]], "coef", 1e-12);
  close([pro.logLik], [basic.logLik], "logLik", 1e-12);
  assert.equal(
    meta<"cox">(basic.coefficients).notes["reference.plan"],
    'reference level of "plan": "basic"',
  );
  const holes = small.derive({
    age: (d: { age: number; time: number }) => (d.time === 5 ? null : d.age),
  })
    .derive({ plan: (d: { plan: string; time: number }) => (d.time === 14 ? null : d.plan) });
  const m = coxPh(holes, { covariates: ["age", "plan"] });
  assert.equal(meta<"cox">(m.coefficients).n, 8);
  assert.equal(
    meta<"cox">(m.coefficients).notes.missing,
    "2 rows with a missing value in a model column left out",
  );
  const dropped = coxPh(
    small.filter((d: { time: number }) => d.time !== 5 && d.time !== 14).reify(),
    {
      covariates: ["age", "plan"],
    },
  );
  close(
    m.coefficients.array("coef"),
    dropped.coefficients.array("coef") as number[],
    "coef",
    1e-12,
  );
});

Deno.test("coxPh: bad times, events and newdata are CxDataErrors naming the row and column", () => {
  const bad = small.derive({
    event: (d: { event: number; time: number }) => (d.time === 8 ? 2 : d.event),
  });
  assert.throws(
    () => coxPh(bad, { covariates: ["age"] }),
    (e) => e instanceof CxDataError && /row 2: 2; event must be 1\/true/.test(e.message),
  );
  const model = coxPh(small, { covariates: ["age", "plan"] });
  assert.throws(
    () => model.survival(aq.table({ age: [50], plan: ["gold"] }), { times: [5] }),
    (e) => e instanceof CxDataError && /column plan, value "gold": not a level/.test(e.message),
  );
  assert.throws(
    () => model.survival(aq.table({ age: [null], plan: ["pro"] }), { times: [5] }),
    (e) =>
      e instanceof CxDataError && /column age, value \(empty\): a missing value/.test(e.message),
  );
  assert.throws(
    () => model.survival(aq.table({ age: [50], plan: ["pro"] }), { time: [5] } as never),
    (e) => e instanceof CxOptionsError && /did you mean "times"/.test(e.message),
  );
  const s = model.survival(aq.table({ age: [50], plan: ["pro"] }), { times: [0, 2, 14, 20] });
  assert.deepEqual(s.array("survival").slice(0, 2), [1, 1]); // before the first event
  assert.equal(s.get("survival", 3), null); // after the last follow-up: no estimate
  assert.deepEqual(meta<"cox">(s).table, "survival");
});

Deno.test("coxPh survival: a stratified model needs a fitted stratum in newdata", () => {
  const model = coxPh(small, { covariates: ["age"], strata: "plan" });
  assert.throws(
    () => model.survival(aq.table({ age: [50], plan: ["gold"] }), { times: [5] }),
    (e) =>
      e instanceof CxDataError &&
      /column plan, value "gold": no such stratum.*basic \| pro/.test(e.message),
  );
  const s = model.survival(aq.table({ age: [50, 50], plan: ["basic", "pro"] }), { times: [5] });
  // Different baselines: the same covariates give different survival in each stratum.
  assert.notEqual(s.get("survival", 0), s.get("survival", 1));
});
