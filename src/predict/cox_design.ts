/**
 * From a table to the Cox model's rows: rows with a missing value in any
 * model column left out (R's `na.omit`), text covariates treatment-coded,
 * the design centred, and the rows sorted once by stratum and time.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { survivalValueReason } from "../analysis/survival/columns.ts";
import { type CoxData, coxError } from "./cox_fit.ts";

/** How one covariate enters the design. */
export interface CoxCovariate {
  /** Column name. */
  name: string;
  /** Levels of a text covariate, reference first; `undefined` for a number. */
  levels?: string[];
}

/** The model's design: data, term names and what newdata needs. */
export interface CoxDesign {
  /** Sorted, centred rows. */
  data: CoxData;
  /** Term names, in design order (`age`, `celltype=large`, …). */
  terms: string[];
  /** Index into `covariates` of each term. */
  termCovariate: number[];
  /** Covariates, in the order given. */
  covariates: CoxCovariate[];
  /** Stratum labels (values of the strata columns joined by ", "), by code. */
  strata: string[];
  /** Rows left out for a missing value. */
  omitted: number;
}

/** The columns a design reads. */
export interface DesignColumns {
  time: string;
  event: string;
  covariates: string[];
  strata: string[];
  levels: Record<string, string[]>;
}

const isMissing = (v: unknown) =>
  v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));

/** Builds the design of `table` (columns already checked to exist). */
export function coxDesign(table: ColumnTable, cols: DesignColumns): CoxDesign {
  const read = (c: string) => table.array(c) as ArrayLike<unknown>;
  const time = read(cols.time), event = read(cols.event);
  const cov = cols.covariates.map(read), str = cols.strata.map(read);
  const keep: number[] = [];
  for (let i = 0; i < time.length; i++) {
    if (isMissing(time[i]) || isMissing(event[i])) continue;
    if (cov.some((c) => isMissing(c[i])) || str.some((c) => isMissing(c[i]))) continue;
    checkOutcome(time[i], event[i], i, cols);
    keep.push(i);
  }
  if (!keep.some((i) => event[i] === 1 || event[i] === true)) {
    throw coxError(
      cols.event,
      `no events among the ${keep.length} complete rows; a Cox model needs events`,
    );
  }
  const covariates = cols.covariates.map((name, j) => describe(name, cov[j], keep, cols.levels));
  const terms: string[] = [], termCovariate: number[] = [];
  covariates.forEach((c, j) => {
    for (const name of c.levels ? c.levels.slice(1).map((l) => `${c.name}=${l}`) : [c.name]) {
      terms.push(name);
      termCovariate.push(j);
    }
  });
  const { codes, labels } = strataCodes(str, keep);
  const n = keep.length, p = terms.length;
  const keptTime = new Float64Array(n);
  for (let k = 0; k < n; k++) keptTime[k] = time[keep[k]] as number;
  const order = sortRows(codes, labels.length, keptTime);
  const source = new Uint32Array(n), sortedTime = new Float64Array(n);
  const events = new Uint8Array(n), stratum = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const k = order[r], i = keep[k];
    source[r] = i;
    sortedTime[r] = keptTime[k];
    events[r] = event[i] === 1 || event[i] === true ? 1 : 0;
    stratum[r] = codes[k];
  }
  const x = designMatrix(covariates, cov, source, p);
  const means = center(x, n, p);
  return {
    data: {
      n,
      p,
      x,
      means,
      time: sortedTime,
      event: events,
      stratum,
    },
    terms,
    termCovariate,
    covariates,
    strata: labels,
    omitted: time.length - n,
  };
}

function checkOutcome(t: unknown, e: unknown, i: number, cols: DesignColumns): void {
  if (typeof t !== "number" || !Number.isFinite(t) || t < 0) {
    throw coxError(
      cols.time,
      `row ${i + 1}: ${JSON.stringify(t)}; ${survivalValueReason("time", cols.time)}`,
    );
  }
  if (!(e === 0 || e === 1 || e === true || e === false)) {
    throw coxError(
      cols.event,
      `row ${i + 1}: ${JSON.stringify(e)}; ${survivalValueReason("event", cols.event)}`,
    );
  }
}

/** A covariate is text when any kept value is a string; numbers and booleans enter as numbers. */
function describe(
  name: string,
  values: ArrayLike<unknown>,
  keep: number[],
  given: Record<string, string[]>,
): CoxCovariate {
  const seen = new Set<string>();
  let text = false;
  for (const i of keep) {
    const v = values[i];
    if (typeof v === "string") {
      text = true;
      seen.add(v);
    } else if (typeof v !== "number" && typeof v !== "boolean") {
      throw coxError(
        name,
        `row ${i + 1}: ${
          String(v)
        } is neither a number nor text; covariates must be numbers, booleans or text`,
      );
    } else if (typeof v === "number" && !Number.isFinite(v)) {
      throw coxError(name, `row ${i + 1}: ${v} is not a finite number`);
    }
  }
  if (text && keep.some((i) => typeof values[i] !== "string")) {
    throw coxError(name, `mixes text and numbers; make every value text (a category) or a number`);
  }
  if (!text) {
    if (given[name]) {
      throw new CxOptionsError(
        `coxPh: option "levels" names "${name}", which is a number column; leave it out of "levels"`,
      );
    }
    return { name };
  }
  return { name, levels: levelOrder(name, [...seen], given[name]) };
}

function levelOrder(name: string, seen: string[], given: string[] | undefined): string[] {
  if (!given) return seen.sort();
  const missing = seen.filter((v) => !given.includes(v));
  if (missing.length) {
    throw new CxOptionsError(
      `coxPh: option "levels.${name}" lacks ${
        missing.map((v) => JSON.stringify(v)).join(", ")
      }, found in column "${name}"; list every level (reference first)`,
    );
  }
  const absent = given.filter((v) => !seen.includes(v));
  if (absent.length) {
    throw new CxOptionsError(
      `coxPh: option "levels.${name}" lists ${
        absent.map((v) => JSON.stringify(v)).join(", ")
      }, not found in column "${name}" among the rows fitted; list only levels that occur (reference first)`,
    );
  }
  return given;
}

/** Row order by stratum, then time: a radix sort of the times, then a stable counting sort of the strata. */
function sortRows(codes: Int32Array, strata: number, time: Float64Array): Uint32Array {
  const byTime = argsort(time);
  return strata > 1 ? countingSort(byTime, codes, strata) : byTime;
}

/** `order` stably re-sorted by `key` (integers 0 … m − 1). */
function countingSort(order: Uint32Array, key: Int32Array, m: number): Uint32Array {
  const start = new Uint32Array(m + 1);
  for (let i = 0; i < key.length; i++) start[key[i] + 1]++;
  for (let k = 0; k < m; k++) start[k + 1] += start[k];
  const out = new Uint32Array(order.length);
  for (let r = 0; r < order.length; r++) out[start[key[order[r]]]++] = order[r];
  return out;
}

/**
 * Indexes of `values` (no NaN) in ascending order, stable: an LSD radix sort
 * on the IEEE-754 bits made order-preserving (negatives flipped, the sign bit
 * set on the rest), four 16-bit passes. O(n), and cache-friendly where a
 * comparison sort or a binary search per value over a million values is not.
 */
export function argsort(values: Float64Array): Uint32Array {
  const n = values.length;
  const copy = new Float64Array(n);
  for (let i = 0; i < n; i++) copy[i] = values[i] === 0 ? 0 : values[i]; // −0 sorts as 0
  const bits = new Uint32Array(copy.buffer);
  let lo = new Uint32Array(n), hi = new Uint32Array(n), order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = bits[2 * i + 1], l = bits[2 * i];
    const negative = h >>> 31 === 1;
    hi[i] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[i] = negative ? ~l >>> 0 : l;
    order[i] = i;
  }
  let lo2 = new Uint32Array(n), hi2 = new Uint32Array(n), order2 = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (const [word, shift] of [[0, 0], [0, 16], [1, 0], [1, 16]]) {
    const key = word ? hi : lo;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((key[i] >>> shift) & 0xffff) + 1]++;
    for (let k = 0; k < 65536; k++) count[k + 1] += count[k];
    for (let i = 0; i < n; i++) {
      const at = count[(key[i] >>> shift) & 0xffff]++;
      lo2[at] = lo[i], hi2[at] = hi[i], order2[at] = order[i];
    }
    [lo, lo2, hi, hi2, order, order2] = [lo2, lo, hi2, hi, order2, order];
  }
  return order;
}

/** The design (raw, not centred), row-major, of the rows `source` (original indexes, in sorted order), filled a column at a time. */
function designMatrix(
  covariates: CoxCovariate[],
  values: ArrayLike<unknown>[],
  source: Uint32Array,
  p: number,
): Float64Array {
  const n = source.length, x = new Float64Array(n * p);
  let j = 0;
  covariates.forEach((c, k) => {
    const v = values[k];
    if (!c.levels) {
      for (let r = 0; r < n; r++) {
        const value = v[source[r]];
        x[r * p + j] = value === true ? 1 : value === false ? 0 : value as number;
      }
      j++;
      return;
    }
    const column = new Map(c.levels.slice(1).map((l, m) => [l, j + m]));
    for (let r = 0; r < n; r++) {
      const at = column.get(v[source[r]] as string);
      if (at !== undefined) x[r * p + at] = 1;
    }
    j += c.levels.length - 1;
  });
  return x;
}

/** Writes one row's design values (raw, not centred) at `x[off …]`. */
export function encodeRow(
  covariates: CoxCovariate[],
  values: unknown[],
  x: Float64Array,
  off: number,
): void {
  let j = off;
  covariates.forEach((c, k) => {
    const v = values[k];
    if (!c.levels) x[j++] = v === true ? 1 : v === false ? 0 : v as number;
    else for (let l = 1; l < c.levels.length; l++) x[j++] = v === c.levels[l] ? 1 : 0;
  });
}

function center(x: Float64Array, n: number, p: number): number[] {
  const means = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) means[j] += x[i * p + j];
  for (let j = 0; j < p; j++) means[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) x[i * p + j] -= means[j];
  return means;
}

/** The stratum label of one row's strata values (the key newdata is matched on). */
export function strataLabel(values: unknown[]): string {
  return values.map((v) => String(v)).join(", ");
}

function strataCodes(
  str: ArrayLike<unknown>[],
  keep: number[],
): { codes: Int32Array; labels: string[] } {
  const codes = new Int32Array(keep.length);
  if (!str.length) return { codes, labels: [""] };
  const keys = keep.map((i) => strataLabel(str.map((c) => c[i])));
  const labels = [...new Set(keys)].sort();
  const index = new Map(labels.map((l, k) => [l, k]));
  keys.forEach((k, r) => (codes[r] = index.get(k)!));
  return { codes, labels };
}
