/**
 * Kaplan–Meier + log-rank on 1M customers: cxkit's `kaplanMeier()` and
 * `logRank()` against R `survival`'s `survfit()` + `survdiff()` on the same
 * data. The data come from integer formulas (exponential times in whole days,
 * 3 plans with different hazards, ~30 % censored); they are written once to a
 * CSV in a temp dir that R reads. R times only the two model calls
 * (`system.time`), cxkit only the two calls after the table is built. Prints
 * medians, the ratio (target ≤ 0.25×), and checks that both give the same
 * chi-square (1e-6 relative) and survival at a few times.
 *
 *     deno run -A bench/survival_r.ts [--customers 1000000] [--runs 3]
 *
 * @module
 */
import * as aq from "arquero";
import { parseArgs } from "node:util";
import { kaplanMeier } from "../src/analysis/survival/kaplan_meier.ts";
import { logRank } from "../src/analysis/survival/logrank.ts";

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
  },
});
const N = Number(values.customers), runs = Number(values.runs);
const PLANS = ["basic", "plus", "pro"];
const MEAN_DAYS = [180, 260, 380];
const CHECK_TIMES = [30, 180, 365, 730];

/** A uniform in (0, 1) from integer i and a salt (32-bit multiplicative hash). */
function uniform(i: number, salt: number): number {
  let h = Math.imul(i ^ salt, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return (h + 0.5) / 4294967296;
}

/** The data: plan by i mod 3, exponential time in whole days ≥ 1, 30 % censored. */
function makeData(): { plan: string[]; time: Int32Array; event: Uint8Array } {
  const plan = new Array<string>(N);
  const time = new Int32Array(N);
  const event = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const g = i % 3;
    plan[i] = PLANS[g];
    time[i] = Math.min(
      1500,
      Math.max(1, Math.ceil(-Math.log(uniform(i, 0x1234567)) * MEAN_DAYS[g])),
    );
    event[i] = uniform(i, 0x7654321) < 0.3 ? 0 : 1;
  }
  return { plan, time, event };
}

const { plan, time, event } = makeData();
const dir = await Deno.makeTempDir({ prefix: "cxkit_survival_r_" });
const csv = `${dir}/customers.csv`;
{
  const lines = ["plan,time,event"];
  for (let i = 0; i < N; i++) lines.push(`${plan[i]},${time[i]},${event[i]}`);
  await Deno.writeTextFile(csv, lines.join("\n") + "\n");
}

// R: read the CSV, then time survfit and survdiff separately, `runs` times.
const script = `
suppressPackageStartupMessages(library(survival))
d <- read.csv(${JSON.stringify(csv)}, colClasses = c("character", "integer", "integer"))
tf <- c(); td <- c()
for (r in 1:${runs + 1}) {
  a <- system.time(fit <- survfit(Surv(time, event) ~ plan, data = d))[["elapsed"]]
  b <- system.time(sd <- survdiff(Surv(time, event) ~ plan, data = d))[["elapsed"]]
  if (r > 1) { tf <- c(tf, a); td <- c(td, b) }
}
s <- summary(fit, times = c(${CHECK_TIMES.join(", ")}))
cat(sprintf("survfit %.6f\\n", median(tf)))
cat(sprintf("survdiff %.6f\\n", median(td)))
cat(sprintf("chisq %.17g\\n", sd$chisq))
for (i in seq_along(s$time)) {
  cat(sprintf("surv %s %d %.17g\\n", sub("plan=", "", s$strata[i]), as.integer(s$time[i]), s$surv[i]))
}
`;
await Deno.writeTextFile(`${dir}/bench.R`, script);
const r = await new Deno.Command("Rscript", { args: [`${dir}/bench.R`] }).output();
if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
const rOut = new TextDecoder().decode(r.stdout).trim().split("\n").map((l) => l.split(" "));
const rTime = (k: string) => Number(rOut.find((l) => l[0] === k)![1]);
const rChisq = rTime("chisq");
const rSurv = new Map(rOut.filter((l) => l[0] === "surv").map((l) => [`${l[1]}|${l[2]}`, +l[3]]));

// cxkit: build the table once, then time the two calls.
const table = aq.table({ plan, time: Array.from(time), event: Array.from(event) });
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const kmTimes: number[] = [], lrTimes: number[] = [];
let km = kaplanMeier(table, { by: "plan" });
let lr = logRank(table, { by: "plan" });
for (let i = 0; i < runs; i++) {
  let t0 = performance.now();
  km = kaplanMeier(table, { by: "plan" });
  kmTimes.push((performance.now() - t0) / 1000);
  t0 = performance.now();
  lr = logRank(table, { by: "plan" });
  lrTimes.push((performance.now() - t0) / 1000);
}

// Same answers: chi-square and survival at the check times (last step at or before t).
const chisq = lr.get("statistic", 0) as number;
const chisqRel = Math.abs(chisq - rChisq) / rChisq;
let survDiff = 0;
const kmRows = km.objects() as { plan: string; time: number; survival: number }[];
for (const p of PLANS) {
  const rows = kmRows.filter((row) => row.plan === p);
  for (const t of CHECK_TIMES) {
    const theirs = rSurv.get(`${p}|${t}`);
    if (theirs === undefined) continue;
    let ours = 1;
    for (const row of rows) if (row.time <= t) ours = row.survival;
    survDiff = Math.max(survDiff, Math.abs(ours - theirs));
  }
}
await Deno.remove(dir, { recursive: true });

const ours = median(kmTimes) + median(lrTimes);
const theirs = rTime("survfit") + rTime("survdiff");
const censored = event.reduce((s, e) => s + (e ? 0 : 1), 0) / N;
console.log(
  `${N} customers, ${PLANS.length} plans, ${(100 * censored).toFixed(1)} % censored, ` +
    `${km.numRows()} KM rows; medians of ${runs}`,
);
console.log(
  `  cxkit kaplanMeier: ${median(kmTimes).toFixed(3)} s   R survfit:  ${
    rTime("survfit").toFixed(3)
  } s`,
);
console.log(
  `  cxkit logRank:     ${median(lrTimes).toFixed(3)} s   R survdiff: ${
    rTime("survdiff").toFixed(3)
  } s`,
);
console.log(`  total: ${ours.toFixed(3)} s vs ${theirs.toFixed(3)} s`);
console.log(`  ratio: ${(ours / theirs).toFixed(2)}× (target ≤ 0.25×)`);
console.log(
  `  chi-square: cxkit ${chisq} vs R ${rChisq} (relative difference ${chisqRel.toExponential(2)})`,
);
console.log(
  `  survival at ${CHECK_TIMES.join(", ")} days: max |difference| ${survDiff.toExponential(2)}`,
);
if (!(chisqRel <= 1e-6) || !(survDiff <= 1e-9)) {
  console.error("MISMATCH between cxkit and R");
  Deno.exit(1);
}
