/**
 * The fit of one sample in `keyDrivers`: correlations from centred
 * complete rows (optionally weighted by bootstrap counts), the full
 * regression (R², standardised coefficients) by Cholesky, the weights of
 * each method, and the percentile bootstrap of `weight_pct`.
 *
 * @module
 */
import type { DriverMethod } from "../../meta.ts";
import { CxDataError, CxError } from "../../errors.ts";
import { cholesky, choleskySolve } from "../../stats/linalg.ts";
import { quantileSorted } from "../../stats/quantile.ts";
import { seededRandom } from "../../stats/random.ts";
import type { DriverPlan } from "./options.ts";
import { relativeWeights, shapleyWeights } from "./weights.ts";

/** Correlation structure of one sample: driver correlations, driver–outcome correlations. */
export interface Correlations {
  /** Correlations of the drivers. */
  rxx: number[][];
  /** Correlations of each driver with the outcome. */
  rxy: number[];
}

/** Weights and the full model of one sample. */
export interface DriverFit {
  /** R² of the full model. */
  r2: number;
  /** Standardised coefficients of the full model. */
  beta: number[];
  /** Raw weights per method. */
  weights: Partial<Record<DriverMethod, number[]>>;
}

/**
 * Correlations from centred row-major data, optionally with a count per row
 * (a bootstrap resample). Returns `null` when a column has no variance.
 */
export function correlationsOf(
  data: Float64Array,
  n: number,
  q: number,
  counts?: Uint32Array,
): Correlations | null {
  const s1 = new Float64Array(q), s2 = new Float64Array(q * q);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = counts ? counts[i] : 1;
    if (c === 0) continue;
    total += c;
    const base = i * q;
    for (let j = 0; j < q; j++) {
      const a = c * data[base + j];
      s1[j] += a;
      const row = j * q;
      for (let k = 0; k <= j; k++) s2[row + k] += a * data[base + k];
    }
  }
  const cov = (j: number, k: number) =>
    j >= k ? s2[j * q + k] - s1[j] * s1[k] / total : s2[k * q + j] - s1[k] * s1[j] / total;
  const sd = Array.from({ length: q }, (_, j) => Math.sqrt(Math.max(0, cov(j, j))));
  if (sd.some((s) => !(s > 0))) return null;
  const p = q - 1;
  const rxx = Array.from(
    { length: p },
    (_, j) => Array.from({ length: p }, (_, k) => j === k ? 1 : cov(j, k) / (sd[j] * sd[k])),
  );
  const rxy = Array.from({ length: p }, (_, j) => cov(j, p) / (sd[j] * sd[p]));
  return { rxx, rxy };
}

/** The failing Cholesky column when drivers are collinear. */
export class CollinearError extends CxError {
  constructor(readonly column: number) {
    super(`collinear drivers at column ${column}`);
  }
}

/** The full regression and each method's weights of one sample, or the collinear column. */
export function fitDrivers(
  c: Correlations | null,
  methods: DriverMethod[],
): (DriverFit & { rxy: number[] }) | CollinearError {
  if (!c) return new CollinearError(0);
  const f = cholesky(c.rxx);
  if (!f.ok) return new CollinearError(f.column);
  const beta = choleskySolve(f.l, c.rxy);
  const r2 = beta.reduce((s, b, j) => s + b * c.rxy[j], 0);
  const weights: DriverFit["weights"] = {};
  if (methods.includes("relative-weights")) {
    weights["relative-weights"] = relativeWeights(c.rxx, c.rxy);
  }
  if (methods.includes("shapley")) weights.shapley = shapleyWeights(c.rxx, c.rxy);
  return { r2, beta, weights, rxy: c.rxy };
}

/**
 * Percentile intervals of `weight_pct` from `plan.bootstrap.resamples`
 * seeded resamples of the complete rows; resamples with a constant or
 * collinear driver are skipped and counted (an error past half of them).
 */
export function bootstrapWeights(
  data: Float64Array,
  n: number,
  q: number,
  plan: DriverPlan,
): {
  bounds: Record<DriverMethod, [number, number][]>;
  failed: number;
  note: string | null;
} {
  const { resamples, seed, confidence } = plan.bootstrap!;
  const random = seededRandom(seed);
  const p = q - 1;
  const samples = Object.fromEntries(
    plan.methods.map((m) => [m, Array.from({ length: p }, () => [] as number[])]),
  ) as Record<DriverMethod, number[][]>;
  const counts = new Uint32Array(n);
  let failed = 0;
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]++;
    const fit = fitDrivers(correlationsOf(data, n, q, counts), plan.methods);
    if (fit instanceof CxError || !(fit.r2 > 0)) {
      failed++;
      continue;
    }
    for (const m of plan.methods) {
      fit.weights[m]!.forEach((w, j) => samples[m][j].push(100 * w / fit.r2));
    }
  }
  const alpha = 1 - confidence;
  const bounds = Object.fromEntries(plan.methods.map((m) => [
    m,
    samples[m].map((values) => {
      const sorted = Float64Array.from(values).sort();
      return [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)];
    }),
  ])) as Record<DriverMethod, [number, number][]>;
  const note = failed === 0 ? null : `${failed} of ${resamples} resamples had a constant or ` +
    `collinear driver and were skipped`;
  if (failed > resamples / 2) {
    throw new CxDataError([{
      row: null,
      column: null,
      value: null,
      reason: `${note}: too few complete rows or too little variation for bootstrap intervals; ` +
        `drop "bootstrap" or use more data`,
    }]);
  }
  return { bounds, failed, note };
}
