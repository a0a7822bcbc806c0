/**
 * The median survival time and its interval, as R's `quantile.survfit`
 * defines them.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { kmGroupColumns } from "./kaplan_meier.ts";
import { resultGroups } from "./counts.ts";

/**
 * Median survival time per group with its interval: `[by…], n, events,
 * median, median_low, median_high` (`null` where a curve never reaches ½).
 *
 * As R's `quantile.survfit`: the median is the first time the curve drops to
 * ½ or below; where the curve is flat at exactly ½ (within √ε) it is the
 * midpoint of that flat stretch. The interval comes from the same rule applied
 * to the lower and upper pointwise bounds (Brookmeyer–Crowley style), so it
 * depends on the curve's `transform`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { kaplanMeier } from "./kaplan_meier.ts";
 * import { medianSurvival } from "./median.ts";
 * const km = kaplanMeier(aq.table({ time: [1, 2, 3, 4, 5], event: [1, 1, 1, 1, 0] }));
 * assert.ok(medianSurvival(km).get("median", 0) === 3); // S(3) = 0.4 is the first ≤ ½
 * ```
 */
export function medianSurvival(km: ColumnTable): ColumnTable {
  const by = kmGroupColumns(km);
  const tol = Math.sqrt(Number.EPSILON);
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...by, "n", "events", "median", "median_low", "median_high"].map((c) => [c, []]),
  );
  for (const { key, rows } of resultGroups(km, by)) {
    const times = [0, ...rows.map((r) => r.time as number)];
    const curve = (column: string) => [0, ...rows.map((r) => oneMinus(r[column]))];
    by.forEach((k, j) => out[k].push(key[j]));
    out.n.push(rows[0].n_risk);
    out.events.push(rows.reduce((s, r) => s + (r.n_event as number), 0));
    out.median.push(findQuantile(times, curve("survival"), 0.5, tol));
    out.median_low.push(findQuantile(times, curve("survival_low"), 0.5, tol));
    out.median_high.push(findQuantile(times, curve("survival_high"), 0.5, tol));
  }
  return aq.table(out);
}

function oneMinus(v: unknown): number | null {
  return typeof v === "number" && !Number.isNaN(v) ? 1 - v : null;
}

/**
 * R's `survival:::findq`: the time at which the cumulative distribution `y`
 * (1 − S, with `null` where a bound is undefined) reaches `p`, over the step
 * times `x` (first entry the start time, with y = 0).
 */
export function findQuantile(
  x: number[],
  y: (number | null)[],
  p: number,
  tol: number,
): number | null {
  const defined = y.filter((v): v is number => v !== null);
  if (defined.length === 0 || Math.max(...defined) < p) return null;
  const xmax = x[x.length - 1];
  const xs: number[] = [], ys: (number | null)[] = [];
  const seen = new Set<number | null>();
  y.forEach((v, i) => {
    if (seen.has(v)) return; // R's duplicated(): later copies of a value (or of NA) go
    seen.add(v);
    xs.push(x[i]);
    ys.push(v);
  });
  const n = ys.length;
  const index = ys.map((_, i) => i + 1);
  const i1 = approxConstant(ys.map((v) => v === null ? null : v + tol), index, p);
  const i2 = approxConstant(ys.map((v) => v === null ? null : v - tol), index, p);
  let quantile = i1 === null || i2 === null ? null : (xs[i1 - 1] + xs[i2 - 1]) / 2;
  if (p === 0) quantile = xs[0];
  const lastY = ys[n - 1];
  if (lastY !== null && Math.abs(p - lastY) < tol) {
    quantile = i1 === null ? null : (xs[i1 - 1] + xmax) / 2;
  }
  return quantile;
}

/**
 * R's `approx(x, y, v, method = "constant", f = 1)`: pairs with missing x are
 * dropped, x sorted (tied x average their y); outside the range gives `null`;
 * at a knot its y, between knots the right-hand y.
 */
function approxConstant(x: (number | null)[], y: number[], v: number): number | null {
  const pairs = x.flatMap((xi, i) => xi === null ? [] : [{ x: xi, y: y[i] }])
    .sort((a, b) => a.x - b.x);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < pairs.length;) {
    let j = i, sum = 0;
    while (j < pairs.length && pairs[j].x === pairs[i].x) sum += pairs[j++].y;
    xs.push(pairs[i].x);
    ys.push(sum / (j - i));
    i = j;
  }
  const n = xs.length;
  if (n === 0 || v < xs[0] || v > xs[n - 1]) return null;
  let i = 0, j = n - 1;
  while (i < j - 1) {
    const mid = (i + j) >> 1;
    if (v < xs[mid]) j = mid;
    else i = mid;
  }
  if (v === xs[j]) return ys[j];
  if (v === xs[i]) return ys[i];
  return ys[j];
}
