/**
 * Correlations and key drivers against numpy/pandas/scipy on identical data, in
 * the same run:
 *
 * - a Pearson and a Spearman correlation matrix of 20 metrics on 1M rows (5
 *   metrics with 2 % missing values, so pairwise-complete handling is real)
 *   against pandas `DataFrame.corr` (also pairwise complete);
 * - Kendall's τ-b for 10 pairs on 100k rows against `scipy.stats.kendalltau`;
 * - key drivers (relative weights and exact Shapley values) of an outcome on
 *   100k responses × 12 attribute ratings, without and with 100 bootstrap
 *   resamples, against the same algorithms in numpy (eigh, solve over the
 *   4,096 subsets) with statsmodels OLS for R².
 *
 * The data come from integer formulas here and go to Python as raw float64
 * files, so both sides read identical numbers; the results are compared
 * (max |Δr|, max |Δweight|) before any time is printed. cxkit's times include
 * p-values and intervals, which pandas does not compute.
 *
 *     deno run -A bench/drivers.ts [--rows 1000000] [--responses 100000] [--runs 3]
 *
 * @module
 */
import * as aq from "arquero";
import { parseArgs } from "node:util";
import { correlate, keyDrivers } from "../src/mod.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    responses: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
    python: { type: "string", default: "/usr/bin/python3" },
  },
});
const rows = Number(values.rows), responses = Number(values.responses);
const runs = Number(values.runs), python = values.python!;
const METRICS = 20, ATTRIBUTES = 12, KENDALL_ROWS = 100_000, RESAMPLES = 100;

// ——— deterministic data (exact in doubles: integer products stay below 2^53) ———
const PRIMES = [
  1000003,
  999983,
  999979,
  999961,
  999959,
  999953,
  999931,
  999917,
  999907,
  999883,
  999863,
  999853,
  999809,
  999773,
  999769,
  999763,
  999749,
  999727,
  999721,
  999711,
];
const latent = (i: number) => ((i * 7919) % 10007) / 10007;
const noise = (i: number, k: number) => ((i * (k + 11) * 104729) % PRIMES[k]) / PRIMES[k];

console.log(`building ${rows.toLocaleString("en-US")} rows × ${METRICS} metrics…`);
const metrics: Float64Array[] = [];
for (let k = 0; k < METRICS; k++) {
  const col = new Float64Array(rows);
  const w = 0.2 + 0.04 * k;
  for (let i = 0; i < rows; i++) {
    col[i] = k >= 15 && (i * 31 + k) % 50 === 0 ? NaN : w * latent(i) + noise(i, k);
  }
  metrics.push(col);
}
const names = metrics.map((_, k) => `m${String(k).padStart(2, "0")}`);
const table = aq.table(Object.fromEntries(names.map((n, k) => [n, metrics[k]])));

console.log(`building ${responses.toLocaleString("en-US")} responses × ${ATTRIBUTES} ratings…`);
const ratingNames = Array.from({ length: ATTRIBUTES }, (_, k) => `rating_${k + 1}`);
const ratings = ratingNames.map((_, k) => {
  const col = new Float64Array(responses);
  for (let i = 0; i < responses; i++) {
    col[i] = 1 + Math.floor(10 * (0.5 * latent(i) + 0.5 * noise(i, k)) % 10);
  }
  return col;
});
const score = new Float64Array(responses);
for (let i = 0; i < responses; i++) {
  let s = 0;
  for (let k = 0; k < ATTRIBUTES; k++) s += (k + 1) * ratings[k][i];
  score[i] = Math.min(10, Math.floor((s - 78) / 70 + 2 * noise(i, 19)));
}
const answers = aq.table({
  nps_score: score,
  ...Object.fromEntries(ratingNames.map((n, k) => [n, ratings[k]])),
});

// ——— hand the same numbers to Python ———
const dir = await Deno.makeTempDir({ prefix: "cxkit-bench-drivers-" });
const writeMatrix = async (file: string, columns: Float64Array[]) => {
  const n = columns[0].length, out = new Float64Array(n * columns.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < columns.length; k++) out[i * columns.length + k] = columns[k][i];
  }
  await Deno.writeFile(`${dir}/${file}`, new Uint8Array(out.buffer));
};
await writeMatrix("metrics.f64", metrics);
await writeMatrix("answers.f64", [...ratings, score]);

const PY = `
import json, sys, time
import numpy as np, pandas as pd, scipy.stats as st, statsmodels.api as sm
d, rows, responses, runs, resamples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
M = np.fromfile(d + "/metrics.f64").reshape(rows, ${METRICS})
A = np.fromfile(d + "/answers.f64").reshape(responses, ${ATTRIBUTES + 1})
def timed(f, k=runs):
    ts, out = [], None
    for _ in range(k):
        t0 = time.perf_counter(); out = f(); ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2], out
df = pd.DataFrame(M)
res = {}
res["pearson_s"], P = timed(lambda: df.corr())
res["spearman_s"], S = timed(lambda: df.corr(method="spearman"), 1)
res["pearson"] = P.to_numpy()[np.triu_indices(${METRICS}, 1)].tolist()
res["spearman"] = S.to_numpy()[np.triu_indices(${METRICS}, 1)].tolist()
K = M[:${KENDALL_ROWS}, :5]
def kendall():
    return [st.kendalltau(K[:, a], K[:, b])[0] for a in range(5) for b in range(a + 1, 5)]
res["kendall_s"], res["kendall"] = timed(kendall)
X, y = A[:, :-1], A[:, -1]
p = X.shape[1]
def drivers(data):
    C = np.corrcoef(data, rowvar=False)
    R, r = C[:-1, :-1], C[:-1, -1]
    lam, V = np.linalg.eigh(R)
    L = V @ np.diag(np.sqrt(lam)) @ V.T
    rw = (L ** 2) @ (np.linalg.solve(L, r) ** 2)
    v = np.zeros(1 << p)
    for mask in range(1, 1 << p):
        idx = [j for j in range(p) if mask >> j & 1]
        v[mask] = r[idx] @ np.linalg.solve(R[np.ix_(idx, idx)], r[idx])
    size = np.array([bin(m).count("1") for m in range(1 << p)])
    from math import factorial
    w = np.array([factorial(s) * factorial(p - s - 1) / factorial(p) for s in range(p)])
    sh = np.zeros(p)
    for j in range(p):
        masks = np.array([m for m in range(1 << p) if not m >> j & 1])
        sh[j] = np.sum(w[size[masks]] * (v[masks | (1 << j)] - v[masks]))
    return rw, sh
def full():
    r2 = sm.OLS(y, sm.add_constant(X)).fit().rsquared
    rw, sh = drivers(A)
    return r2, rw, sh
res["drivers_s"], (r2, rw, sh) = timed(full)
res["r2"], res["rw"], res["shapley"] = r2, rw.tolist(), sh.tolist()
rng = np.random.default_rng(1)
def boot():
    out = []
    for _ in range(resamples):
        out.append(drivers(A[rng.integers(0, responses, responses)]))
    return out
res["bootstrap_s"], _ = timed(boot, 1)
print(json.dumps(res))
`;
await Deno.writeTextFile(`${dir}/bench.py`, PY);

async function time<T>(fn: () => T, k = runs): Promise<{ seconds: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let r = 0; r < k; r++) {
    const t0 = performance.now();
    result = await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], result };
}

try {
  console.log("running numpy/pandas/scipy/statsmodels…");
  const out = await new Deno.Command(python, {
    args: [
      `${dir}/bench.py`,
      dir,
      String(rows),
      String(responses),
      String(runs),
      String(RESAMPLES),
    ],
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const ref = JSON.parse(new TextDecoder().decode(out.stdout));

  console.log("running cxkit…");
  const pearson = await time(() => correlate(table, { columns: names, method: "pearson" }));
  const spearman = await time(() => correlate(table, { columns: names, method: "spearman" }), 1);
  const kendallTable = table.slice(0, KENDALL_ROWS).select(names.slice(0, 5));
  const kendall = await time(() =>
    correlate(kendallTable, { columns: names.slice(0, 5), method: "kendall" })
  );
  const options = { outcome: "nps_score", drivers: ratingNames, method: "both" as const };
  const drivers = await time(() => keyDrivers(answers, options));
  const boot = await time(
    () => keyDrivers(answers, { ...options, bootstrap: { resamples: RESAMPLES, seed: 1 } }),
    1,
  );

  // Same numbers on both sides before any time counts.
  const maxDiff = (a: ArrayLike<unknown>, b: number[]) =>
    b.reduce((m, v, i) => Math.max(m, Math.abs((a[i] as number) - v)), 0);
  const dr = drivers.result.objects() as { method: string; raw_weight: number; r2: number }[];
  const checks = {
    "pearson r": maxDiff(pearson.result.array("r"), ref.pearson),
    "spearman r": maxDiff(spearman.result.array("r"), ref.spearman),
    "kendall tau": maxDiff(kendall.result.array("r"), ref.kendall),
    "relative weights": maxDiff(
      dr.filter((r) => r.method === "relative-weights").map((r) => r.raw_weight),
      ref.rw,
    ),
    "shapley values": maxDiff(
      dr.filter((r) => r.method === "shapley").map((r) => r.raw_weight),
      ref.shapley,
    ),
    "R²": Math.abs(dr[0].r2 - ref.r2),
  };
  for (const [what, diff] of Object.entries(checks)) {
    if (!(diff < 1e-9)) throw new Error(`${what}: cxkit and numpy differ by ${diff}`);
  }
  console.log(
    `agreement (max |Δ|): ${
      Object.entries(checks).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ")
    }`,
  );
  const line = (what: string, ours: number, theirs: number, ref: string) =>
    console.log(
      `${what.padEnd(46)} cxkit ${ours.toFixed(2).padStart(6)} s   ${ref.padEnd(28)} ${
        theirs.toFixed(2).padStart(6)
      } s   ratio ${(ours / theirs).toFixed(2)}×`,
    );
  const m = `${METRICS} metrics × ${(rows / 1e6).toLocaleString("en-US")}M rows`;
  line(`Pearson matrix, ${m}`, pearson.seconds, ref.pearson_s, "pandas DataFrame.corr");
  line(`Spearman matrix, ${m}`, spearman.seconds, ref.spearman_s, "pandas corr(spearman)");
  line(
    `Kendall τ-b, 10 pairs × ${KENDALL_ROWS.toLocaleString("en-US")} rows`,
    kendall.seconds,
    ref.kendall_s,
    "scipy.stats.kendalltau",
  );
  const k = `${responses.toLocaleString("en-US")} × ${ATTRIBUTES}`;
  line(`keyDrivers both methods, ${k}`, drivers.seconds, ref.drivers_s, "numpy + statsmodels");
  line(
    `  + ${RESAMPLES} bootstrap resamples`,
    boot.seconds,
    ref.bootstrap_s,
    "numpy (same algorithms)",
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
