/**
 * Cox model on 1M rows × 5 covariates: cxkit's `coxPh()` against R
 * `survival`'s `coxph()` (Efron ties) on the same data. The data come from
 * integer hash formulas (seeded): two normal covariates, one uniform, one
 * binary, one whole-number age; exponential times with hazard e^{xβ},
 * rounded up to whole days (many ties), ~30 % censored. They are written
 * once to a CSV that R reads. R times only the `coxph` call (`system.time`),
 * cxkit only the `coxPh` call after the table is built (both compute the
 * coefficients, their variance and the concordance). Prints medians and the
 * ratio (target ≤ 0.5×), and checks that the coefficients and standard
 * errors agree to 1e-6 relative.
 *
 *     deno run -A bench/cox_bench.ts [--rows 1000000] [--runs 3]
 *
 * @module
 */
import * as aq from "arquero";
import { parseArgs } from "node:util";
import { coxPh } from "../src/predict/cox.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
  },
});
const N = Number(values.rows), runs = Number(values.runs);
const NAMES = ["x1", "x2", "x3", "x4", "x5"];
const BETA = [0.5, -0.3, 0.8, 0.02, -0.4];

/** A uniform in (0, 1) from integer i and a salt (32-bit multiplicative hash). */
function uniform(i: number, salt: number): number {
  let h = Math.imul(i ^ salt, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return (h + 0.5) / 4294967296;
}

/** A standard normal (Box–Muller), rounded to 4 decimals so the CSV carries it exactly. */
function normal(i: number, salt: number): number {
  const z = Math.sqrt(-2 * Math.log(uniform(i, salt))) *
    Math.cos(2 * Math.PI * uniform(i, salt ^ 0x5555));
  return Math.round(z * 1e4) / 1e4;
}

function makeData() {
  const cols = NAMES.map(() => new Float64Array(N));
  const time = new Float64Array(N), event = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const x = [
      normal(i, 0x1111),
      normal(i, 0x2222),
      uniform(i, 0x3333) < 0.4 ? 1 : 0,
      18 + Math.floor(uniform(i, 0x4444) * 60),
      Math.round(uniform(i, 0x6666) * 1e4) / 1e4,
    ];
    x.forEach((v, j) => (cols[j][i] = v));
    const rate = Math.exp(x.reduce((s, v, j) => s + v * BETA[j], 0)) / 400;
    time[i] = Math.min(2000, Math.ceil(-Math.log(uniform(i, 0x7777)) / rate));
    event[i] = uniform(i, 0x8888) < 0.3 ? 0 : 1;
  }
  return { cols, time, event };
}

const { cols, time, event } = makeData();
const dir = await Deno.makeTempDir({ prefix: "cxkit_cox_bench_" });
const csv = `${dir}/cox.csv`;
{
  const lines = [["time", "event", ...NAMES].join(",")];
  for (let i = 0; i < N; i++) lines.push([time[i], event[i], ...cols.map((c) => c[i])].join(","));
  await Deno.writeTextFile(csv, lines.join("\n") + "\n");
}

const script = `
suppressPackageStartupMessages(library(survival))
d <- read.csv(${JSON.stringify(csv)})
tt <- c()
for (r in 1:${runs}) {
  tt <- c(tt, system.time(fit <- coxph(Surv(time, event) ~ ${
  NAMES.join(" + ")
}, data = d, ties = "efron"))[["elapsed"]])
}
cat(sprintf("time %.6f\\n", median(tt)))
cat(sprintf("coef %s\\n", paste(sprintf("%.17g", coef(fit)), collapse = " ")))
cat(sprintf("se %s\\n", paste(sprintf("%.17g", sqrt(diag(fit$var))), collapse = " ")))
cat(sprintf("concordance %.17g\\n", fit$concordance[["concordance"]]))
`;
await Deno.writeTextFile(`${dir}/bench.R`, script);
const r = await new Deno.Command("Rscript", { args: [`${dir}/bench.R`] }).output();
if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
const rOut = new Map(
  new TextDecoder().decode(r.stdout).trim().split("\n").map((l) => {
    const [k, ...v] = l.split(" ");
    return [k, v.map(Number)] as const;
  }),
);
await Deno.remove(dir, { recursive: true });

const table = aq.table({
  time: Array.from(time),
  event: Array.from(event),
  ...Object.fromEntries(NAMES.map((n, j) => [n, Array.from(cols[j])])),
});
const times: number[] = [];
let model = coxPh(table, { covariates: NAMES });
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  model = coxPh(table, { covariates: NAMES });
  times.push((performance.now() - t0) / 1000);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rel = (a: ArrayLike<unknown>, b: number[]) =>
  Math.max(...b.map((v, j) => Math.abs((a[j] as number) - v) / Math.abs(v)));
const coefRel = rel(model.coefficients.array("coef"), rOut.get("coef")!);
const seRel = rel(model.coefficients.array("std_err"), rOut.get("se")!);
const cRel = rel([model.concordance], rOut.get("concordance")!);
const ours = median(times), theirs = rOut.get("time")![0];
const events = event.reduce((s, e) => s + e, 0);
console.log(
  `${N} rows × ${NAMES.length} covariates, ${events} events, Efron ties; medians of ${runs}`,
);
console.log(`  cxkit coxPh: ${ours.toFixed(3)} s   R coxph: ${theirs.toFixed(3)} s`);
console.log(`  ratio: ${(ours / theirs).toFixed(2)}× (target ≤ 0.5×)`);
console.log(
  `  max relative difference: coef ${coefRel.toExponential(2)}, std_err ${
    seRel.toExponential(2)
  }, concordance ${cRel.toExponential(2)}`,
);
if (!(coefRel <= 1e-6) || !(seRel <= 1e-6) || !(cRel <= 1e-6)) {
  console.error("MISMATCH between cxkit and R");
  Deno.exit(1);
}
console.log(
  `GOAL coxph-1m ratio=${
    (ours / theirs).toFixed(3)
  } target=0.5 vs R coxph (Efron ties), ${N} rows × ${NAMES.length} covariates, medians of ${runs}`,
);
