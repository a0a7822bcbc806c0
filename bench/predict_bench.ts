/**
 * BG/NBD fit on 1M synthetic customers (seeded) with `bgNbd` vs scipy
 * (bench/predict_scipy.py: BFGS on every customer, as lifetimes does, and on
 * the unique rows with weights), in one run; prints both fits and the ratios.
 *
 * Data: customers with λ ~ Gamma(r = 0.25, α = 4) purchases a week and
 * dropout p ~ Beta(a = 0.8, b = 2.5) after each purchase, first purchase
 * on a uniformly random day of a 39-week window, observed to its end;
 * purchase times in whole days, times in weeks (days / 7).
 *
 * Run: deno run -A bench/predict_bench.ts [customers=1000000]
 *
 * @module
 */
import * as aq from "arquero";
import { bgNbd } from "../src/entries/predict.ts";
import { seededRandom } from "../src/stats/random.ts";

const N = Number(Deno.args[0] ?? 1_000_000);
const random = seededRandom(2005);

function normal(): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), boosted for shape < 1. */
function gamma(shape: number): number {
  if (shape < 1) return gamma(shape + 1) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(), v = Math.pow(1 + c * z, 3);
    if (v > 0 && Math.log(1 - random()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

function simulate(n: number) {
  const x = new Float64Array(n), tx = new Float64Array(n), T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lambda = gamma(0.25) / 4;
    const ga = gamma(0.8), p = ga / (ga + gamma(2.5));
    const ageDays = Math.floor(random() * 273);
    let t = 0, last = 0, count = 0;
    for (;;) {
      t += -Math.log(1 - random()) / lambda * 7; // days
      if (t > ageDays) break;
      const day = Math.floor(t);
      if (day > last) count++, last = day; // same-day purchases are one (customerSummary)
      if (random() < p) break;
    }
    x[i] = count, tx[i] = last / 7, T[i] = ageDays / 7;
  }
  return { x, tx, T };
}

const { x, tx, T } = simulate(N);
const summary = aq.table({ frequency: x, recency: tx, T });
const times: number[] = [];
let model = bgNbd(summary);
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  model = bgNbd(summary);
  times.push((performance.now() - t0) / 1000);
}
const cx = times.sort((a, b) => a - b)[1];

const file = await Deno.makeTempFile({ suffix: ".f64" });
const interleaved = new Float64Array(3 * N);
for (let i = 0; i < N; i++) {
  interleaved[3 * i] = x[i], interleaved[3 * i + 1] = tx[i], interleaved[3 * i + 2] = T[i];
}
await Deno.writeFile(file, new Uint8Array(interleaved.buffer));
const out = await new Deno.Command("/usr/bin/python3", {
  args: [new URL("predict_scipy.py", import.meta.url).pathname, file],
}).output();
await Deno.remove(file);
if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
const py = JSON.parse(new TextDecoder().decode(out.stdout));

const fmt = (p: number[]) => p.map((v) => v.toPrecision(6)).join(", ");
console.log(
  `customers ${N}, unique rows ${new Set(Array.from(x, (v, i) => `${v}|${tx[i]}|${T[i]}`)).size}`,
);
console.log(
  `bgNbd (median of 3)      ${cx.toFixed(3)} s  r, alpha, a, b = ${
    fmt(Object.values(model.params))
  }  logLik ${model.logLik.toFixed(3)}`,
);
console.log(
  `scipy, every customer    ${py.every.seconds.toFixed(3)} s  ${fmt(py.every.params)}  logLik ${
    py.every.logLik.toFixed(3)
  }  (${py.every.evaluations} evaluations)`,
);
console.log(
  `scipy, unique rows       ${py.unique.seconds.toFixed(3)} s  ${fmt(py.unique.params)}  logLik ${
    py.unique.logLik.toFixed(3)
  }`,
);
console.log(
  `ratio bgNbd / scipy every customer: ${
    (cx / py.every.seconds).toFixed(3)
  }×; / scipy unique rows: ${(cx / py.unique.seconds).toFixed(3)}×`,
);
console.log(
  `GOAL bgnbd-1m seconds=${cx.toFixed(3)} target=2 bgNbd fit on ${N} customers, median of 3`,
);
