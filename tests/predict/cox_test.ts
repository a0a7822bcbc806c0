/**
 * coxPh against R survival (tests/fixtures/cox/make_cox_fixtures.R, which
 * wrote cases.json and the lung and veteran CSVs): coefficients, standard
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
