/**
 * The aggregate step of cohort retention as a typed-array kernel: per
 * (segment, cohort, period index), the number of distinct active customers,
 * the number whose last active period is that index (for unbounded
 * retention) and revenue sums.
 *
 * Customers are dictionary-encoded in one pass over the events that also
 * keeps each customer's first activity and sets one bit per (customer,
 * period) in a bitset; a customer active twice in a period sets the same bit
 * twice, which is how "distinct" comes for free. Calendar windows need only
 * that pass (bits are absolute periods; the cohort is known afterwards);
 * rolling windows are relative to each customer's first activity, so they
 * take a second pass over the encoded rows. No join, no sort, no distinct.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import { type PeriodCalendar, ROLLING_LENGTH } from "./cohort_periods.ts";
import type { CohortPeriod } from "./cohort_periods.ts";
import { Problems, timeOf } from "./cohort_meta.ts";

/** Where a segment column's values come from. */
export interface SegmentSource {
  /** Output column name. */
  name: string;
  /** Values per events row (`"events"`) or per signup-table row (`"signup"`). */
  from: "events" | "signup";
  /** The values. */
  values: ArrayLike<unknown>;
}

/** What starts each customer's clock. */
export type AnchorSource =
  | { kind: "first_activity" }
  | { kind: "column"; name: string; values: ArrayLike<unknown> }
  | { kind: "table"; ids: ArrayLike<unknown>; dates: ArrayLike<unknown>; dateName: string };

/** Input of {@link aggregateRetention}: columns as arrays plus the plan. */
export interface RetentionKernelInput {
  /** Customer id per event. */
  customers: ArrayLike<unknown>;
  /** Event instant (Date) per event. */
  dates: ArrayLike<unknown>;
  /**
   * The same instants as epoch milliseconds (`NaN` = missing), when the
   * column is stored that way (`InstantColumn`); `dates` is then not read.
   */
  times?: Float64Array;
  /** Revenue per event (number or missing), if revenue retention is wanted. */
  revenue?: ArrayLike<unknown>;
  /** Column names for problem reports. */
  names: { customer: string; date: string; revenue?: string };
  /** Segment columns. */
  by: SegmentSource[];
  /** Cohort anchor. */
  anchor: AnchorSource;
  /** Calendar periods or rolling windows. */
  window: "calendar" | "rolling";
  /** Period length. */
  period: CohortPeriod;
  /** Calendar in the analysis time zone. */
  calendar: PeriodCalendar;
  /** Last observed day given by the caller, if any. */
  observedUntil?: Date;
  /** Turns `observedUntil` (or the last event) into the cut-off instant. */
  cutoffOf: (observedUntil: Date) => number;
}

/**
 * Counts of one (segment, cohort), arrays indexed by period index k. In
 * rolling windows a customer counts in period k only once their window k has
 * ended by the cut-off; in calendar windows every customer counts in every
 * started period.
 */
export interface CohortCells {
  /** Segment values, in `by` order. */
  segment: unknown[];
  /** Calendar ordinal of the cohort period. */
  cohort: number;
  /** Customers in the cohort. */
  size: number;
  /** Earliest anchor instant (epoch ms) in the cohort. */
  minAnchor: number;
  /** Latest anchor instant (epoch ms). */
  maxAnchor: number;
  /** Customers counted in period k (the denominator of retention). */
  n: Int32Array;
  /** Of those, distinct customers with an event in period k. */
  active: Int32Array;
  /** Of those, customers with an event in period k or any later observed period. */
  unbounded: Int32Array;
  /** Σ revenue in period k of the customers counted. */
  revenue?: Float64Array;
  /** Σ period-0 revenue of the customers counted in k. */
  base?: Float64Array;
  /** Σ over the customers counted of max(0, min(revenue in k, revenue in 0)). */
  capped?: Float64Array;
}

/** The aggregate with the facts a report should state. */
export interface RetentionAggregate {
  /** One entry per (segment, cohort) with at least one customer. */
  cells: CohortCells[];
  /** Last observed day. */
  observedUntil: Date;
  /** First unobserved instant. */
  cutoff: number;
  /** Events at or after the cut-off, ignored. */
  eventsIgnored: number;
  /** Customers whose anchor is at or after the cut-off, ignored. */
  customersIgnored: number;
  /** Customers whose events disagree on a segment column (first event's value used). */
  segmentChanges: number;
}

/**
 * Runs the kernel; throws `CxDataError` listing bad rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aggregateRetention } from "./cohort_kernel.ts";
 * import { cutoffAfter, periodCalendar } from "./cohort_periods.ts";
 * const calendar = periodCalendar("month", "UTC");
 * const { cells } = aggregateRetention({
 *   customers: ["a", "b", "a", "a"],
 *   dates: ["2024-01-02", "2024-01-09", "2024-02-01", "2024-02-20"].map((s) => new Date(s)),
 *   names: { customer: "customer_id", date: "date" },
 *   by: [],
 *   anchor: { kind: "first_activity" },
 *   window: "calendar",
 *   period: "month",
 *   calendar,
 *   cutoffOf: (until) => cutoffAfter(until, calendar),
 * });
 * // January cohort {a, b}: both active in k0, a (twice, counted once) in k1.
 * assert.deepEqual([cells[0].size, [...cells[0].active], [...cells[0].unbounded]], [2, [2, 1], [2, 1]]);
 * ```
 */
export function aggregateRetention(input: RetentionKernelInput): RetentionAggregate {
  const { customers, names, calendar } = input;
  const n = customers.length;
  const { timeAt, dateAt } = eventTimes(input);
  const range = scanEvents(input);
  const observedUntil = input.observedUntil ?? new Date(range.maxT);
  const cutoff = input.cutoffOf(observedUntil);
  if (!(range.minT < cutoff)) {
    throw new CxOptionsError(
      `Option "observedUntil" (${observedUntil.toISOString()}) is before the first event (${
        new Date(range.minT).toISOString()
      }): nothing is observed; pass a later date or omit it`,
    );
  }
  const rolling = input.window === "rolling";
  const length = ROLLING_LENGTH[input.period];
  const table = input.anchor.kind === "table" ? input.anchor : undefined;
  const signupColumn = input.anchor.kind === "column" ? input.anchor : undefined;

  // Dictionary: customer id → code. With a signup table, code = its row.
  const dict = new Map<unknown, number>();
  let count = 0;
  let capacity = 1024;
  let anchor = new Float64Array(capacity).fill(Infinity);
  // First event instant per customer, kept beside its row so the hot loop never revisits a Date.
  let firstT = new Float64Array(capacity).fill(Infinity);
  let firstRow = new Int32Array(capacity).fill(-1);
  if (table) {
    count = table.ids.length;
    capacity = Math.max(count, 1);
    anchor = new Float64Array(capacity);
    firstRow = new Int32Array(capacity).fill(-1);
    firstT = new Float64Array(capacity).fill(Infinity);
    for (let c = 0; c < count; c++) {
      dict.set(table.ids[c], c);
      anchor[c] = timeOf(table.dates[c]);
    }
  }
  const calendarBase = calendar.ordinal(Math.min(range.minT, range.minSignup));
  const calendarWidth = calendar.ordinal(cutoff - 1) - calendarBase + 1;
  const W = rolling ? 0 : (calendarWidth + 31) >>> 5;
  let bits = new Uint32Array(rolling ? 0 : capacity * W);
  const codes = rolling ? new Int32Array(n) : undefined;
  const revenueCol = input.revenue;
  const revenueByBit = revenueCol ? new Map<number, number>() : undefined;
  const byEvents = input.by.filter((s) => s.from === "events").map((s) => s.values);
  let changedArr = byEvents.length ? new Uint8Array(capacity) : undefined;
  const problems = new Problems();
  let eventsIgnored = 0;
  let prevId: unknown = undefined, prevCode = -1;

  for (let i = 0; i < n; i++) {
    const t = timeAt(i);
    if (t >= cutoff) {
      eventsIgnored++;
      if (codes) codes[i] = -1;
      continue;
    }
    const id = customers[i];
    let code: number;
    if (id === prevId && prevCode >= 0) code = prevCode;
    else {
      const known = dict.get(id);
      if (known === undefined) {
        if (table) {
          problems.add(
            i + 1,
            names.customer,
            id,
            `customer ${
              JSON.stringify(id)
            } has events but no row in the signup table; filter the events to customers in it or add the customer`,
          );
          if (codes) codes[i] = -1;
          continue;
        }
        code = count++;
        dict.set(id, code);
        if (code >= capacity) {
          capacity *= 2;
          anchor = grow(anchor, capacity, Infinity);
          firstT = grow(firstT, capacity, Infinity);
          firstRow = grow(firstRow, capacity, -1);
          if (!rolling) bits = grow(bits, capacity * W, 0);
          if (changedArr) changedArr = grow(changedArr, capacity, 0);
        }
      } else code = known;
      prevId = id;
      prevCode = code;
    }
    const fr = firstRow[code];
    if (changedArr && fr >= 0 && !changedArr[code]) {
      for (const values of byEvents) {
        if (!sameValue(values[i], values[fr])) {
          changedArr[code] = 1;
          break;
        }
      }
    }
    if (t < firstT[code]) {
      firstT[code] = t;
      firstRow[code] = i;
    }
    if (signupColumn) {
      const s = timeOf(signupColumn.values[i]);
      if (fr < 0) anchor[code] = s;
      else if (s !== anchor[code]) {
        problems.add(
          i + 1,
          signupColumn.name,
          signupColumn.values[i],
          `customer ${JSON.stringify(id)} has another ${signupColumn.name} in row ${
            fr + 1
          }; a customer's signup date must be the same on every event`,
        );
      }
    }
    if ((signupColumn || table) && t < anchor[code]) {
      problems.add(
        i + 1,
        names.date,
        dateAt(i),
        `event of customer ${JSON.stringify(id)} is before their signup (${
          new Date(anchor[code]).toISOString()
        }); fix the signup date or drop the event`,
      );
    }
    if (codes) codes[i] = code;
    else {
      const b = calendar.ordinal(t) - calendarBase;
      bits[code * W + (b >>> 5)] |= 1 << (b & 31);
      if (revenueByBit) addRevenue(revenueByBit, code * calendarWidth + b, revenueCol![i]);
    }
    if (revenueCol) checkRevenue(revenueCol[i], i, names.revenue!, problems);
  }
  problems.throwIfAny("The events cannot be placed in cohorts");

  if (!table && !signupColumn) {
    anchor = firstT;
  }
  let minAnchor = Infinity;
  let customersIgnored = 0;
  for (let c = 0; c < count; c++) {
    if (anchor[c] < cutoff) minAnchor = Math.min(minAnchor, anchor[c]);
    else customersIgnored++;
  }
  if (minAnchor === Infinity) {
    throw new CxOptionsError(
      `No customer starts before the cut-off ${
        new Date(cutoff).toISOString()
      }: every signup is later; pass a later "observedUntil"`,
    );
  }
  let width = calendarWidth;
  let Wr = W;
  if (rolling) {
    width = Math.floor((cutoff - 1 - minAnchor) / length) + 1;
    Wr = (width + 31) >>> 5;
    bits = new Uint32Array(count * Wr);
    for (let i = 0; i < n; i++) {
      const code = codes![i];
      if (code < 0) continue;
      const k = Math.floor((timeAt(i) - anchor[code]) / length);
      bits[code * Wr + (k >>> 5)] |= 1 << (k & 31);
      if (revenueByBit) addRevenue(revenueByBit, code * width + k, revenueCol![i]);
    }
  }
  const segments = segmentCodes(input.by, count, firstRow);
  const cells = collectCells({
    count,
    anchor,
    cutoff,
    bits,
    words: Wr,
    width,
    base: rolling ? null : calendarBase,
    length,
    calendar,
    segments,
    revenue: revenueByBit,
  });
  let segmentChanges = 0;
  if (changedArr) { for (let c = 0; c < count; c++) segmentChanges += changedArr[c]; }
  return {
    cells,
    observedUntil,
    cutoff,
    eventsIgnored,
    customersIgnored,
    segmentChanges,
  };
}

/** Event instants by row: from epoch milliseconds when given, else from the date values. */
function eventTimes(input: RetentionKernelInput): {
  timeAt: (i: number) => number;
  dateAt: (i: number) => unknown;
} {
  const { times, dates } = input;
  if (times) {
    return {
      timeAt: (i) => times[i],
      dateAt: (i) => times[i] === times[i] ? new Date(times[i]) : null,
    };
  }
  return { timeAt: (i) => timeOf(dates[i]), dateAt: (i) => dates[i] };
}

/** Pass 0: checks ids and dates, and finds the time range of events and signups. */
function scanEvents(input: RetentionKernelInput): {
  minT: number;
  maxT: number;
  minSignup: number;
} {
  const { customers, names, anchor } = input;
  const { timeAt, dateAt } = eventTimes(input);
  const problems = new Problems();
  let minT = Infinity, maxT = -Infinity;
  for (let i = 0; i < customers.length; i++) {
    const t = timeAt(i);
    if (t !== t) {
      problems.add(
        i + 1,
        names.date,
        dateAt(i),
        `${names.date} must be a date; load the events with readCsv(…, { schema: "events" }) to parse dates`,
      );
      continue;
    }
    if (t < minT) minT = t;
    if (t > maxT) maxT = t;
    const id = customers[i];
    if (id === null || id === undefined) {
      problems.add(
        i + 1,
        names.customer,
        id,
        `${names.customer} is missing; every event needs one`,
      );
    }
  }
  let minSignup = Infinity;
  if (anchor.kind === "column") {
    for (let i = 0; i < customers.length; i++) {
      const s = timeOf(anchor.values[i]);
      if (s !== s) {
        problems.add(i + 1, anchor.name, anchor.values[i], `${anchor.name} must be a date`);
      } else if (s < minSignup) minSignup = s;
    }
  }
  if (anchor.kind === "table") {
    const seen = new Map<unknown, number>();
    for (let r = 0; r < anchor.ids.length; r++) {
      const id = anchor.ids[r], s = timeOf(anchor.dates[r]);
      if (id === null || id === undefined) {
        problems.add(r + 1, names.customer, id, `signup table: ${names.customer} is missing`);
      } else if (seen.has(id)) {
        problems.add(
          r + 1,
          names.customer,
          id,
          `signup table: customer ${JSON.stringify(id)} appears again (first in row ${
            seen.get(id)
          }); each customer must be one row`,
        );
      } else seen.set(id, r + 1);
      if (s !== s) {
        problems.add(
          r + 1,
          anchor.dateName,
          anchor.dates[r],
          `signup table: ${anchor.dateName} must be a date; every customer needs one`,
        );
      } else if (s < minSignup) minSignup = s;
    }
  }
  problems.throwIfAny("The events cannot be placed in cohorts");
  return { minT, maxT, minSignup };
}

interface CollectInput {
  count: number;
  anchor: Float64Array;
  cutoff: number;
  bits: Uint32Array;
  words: number;
  width: number;
  /** Calendar ordinal of bit 0 (bits are absolute periods), or `null` for rolling (bits = k). */
  base: number | null;
  /** Rolling window length (ms); customers count in k once anchor + (k+1)·length ≤ cutoff. */
  length: number;
  calendar: PeriodCalendar;
  segments: { code: Int32Array; values: unknown[][] };
  revenue?: Map<number, number>;
}

/** Walks each customer's bitset once and adds it to its (segment, cohort) counts. */
function collectCells(p: CollectInput): CohortCells[] {
  const groups = new Map<number, CohortCells>();
  const { bits, words, width, revenue } = p;
  for (let c = 0; c < p.count; c++) {
    const a = p.anchor[c];
    if (!(a < p.cutoff)) continue;
    const cohort = p.calendar.ordinal(a);
    const seg = p.segments.code[c];
    const shift = p.base === null ? 0 : cohort - p.base;
    // Ordinals stay within ±2²¹ (±5,700 years of days), so the key is unique and exact.
    const key = seg * 4_194_304 + cohort + 2_097_152;
    const len = width - shift;
    let g = groups.get(key);
    if (!g) {
      g = {
        segment: p.segments.values[seg],
        cohort,
        size: 0,
        minAnchor: a,
        maxAnchor: a,
        n: new Int32Array(len),
        active: new Int32Array(len),
        unbounded: new Int32Array(len),
        revenue: revenue ? new Float64Array(len) : undefined,
        base: revenue ? new Float64Array(len) : undefined,
        capped: revenue ? new Float64Array(len) : undefined,
      };
      groups.set(key, g);
    }
    g.size++;
    if (a < g.minAnchor) g.minAnchor = a;
    if (a > g.maxAnchor) g.maxAnchor = a;
    // Last period index this customer counts in: every started period (calendar), or
    // the windows that ended by the cut-off (rolling).
    const limit = p.base === null
      ? Math.min(len, Math.floor((p.cutoff - a) / p.length)) - 1
      : len - 1;
    if (limit < 0) continue;
    const row = c * words;
    const r0 = revenue ? revenue.get(c * width + shift) ?? 0 : 0;
    // n, unbounded and base are histograms here (by the customer's last index), summed below.
    g.n[limit]++;
    if (revenue) g.base![limit] += r0;
    let last = -1;
    for (let w = 0; w < words; w++) {
      let word = bits[row + w] | 0;
      while (word !== 0) {
        const low = word & -word;
        const b = (w << 5) + 31 - Math.clz32(low);
        const k = b - shift;
        word ^= low;
        last = k;
        if (k > limit) continue;
        g.active[k]++;
        if (revenue) {
          const rk = revenue.get(c * width + b);
          if (rk !== undefined) {
            g.revenue![k] += rk;
            g.capped![k] += Math.max(0, Math.min(rk, r0));
          }
        }
      }
    }
    if (last >= 0) g.unbounded[Math.min(last, limit)]++;
  }
  const cells = [...groups.values()];
  for (const g of cells) {
    suffixSums(g.n);
    suffixSums(g.unbounded);
    if (g.base) suffixSums(g.base);
  }
  return cells;
}

function suffixSums(values: Int32Array | Float64Array): void {
  for (let k = values.length - 2; k >= 0; k--) values[k] += values[k + 1];
}

/** Segment code per customer and the values of each segment. */
function segmentCodes(
  by: SegmentSource[],
  count: number,
  firstRow: Int32Array,
): { code: Int32Array; values: unknown[][] } {
  const code = new Int32Array(count);
  if (by.length === 0) return { code, values: [[]] };
  const index = new Map<string, number>();
  const values: unknown[][] = [];
  for (let c = 0; c < count; c++) {
    const tuple = by.map((s) =>
      s.from === "signup" ? s.values[c] : firstRow[c] >= 0 ? s.values[firstRow[c]] : null
    );
    const key = tuple.map(keyOf).join("\u0001");
    let s = index.get(key);
    if (s === undefined) {
      index.set(key, s = values.length);
      values.push(tuple.map((v) => v === undefined ? null : v));
    }
    code[c] = s;
  }
  return { code, values };
}

function keyOf(v: unknown): string {
  return v instanceof Date
    ? `d${v.getTime()}`
    : v === null || v === undefined
    ? "n"
    : `${typeof v}:${String(v)}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
}

function addRevenue(map: Map<number, number>, key: number, value: unknown): void {
  if (typeof value === "number" && Number.isFinite(value) && value !== 0) {
    map.set(key, (map.get(key) ?? 0) + value);
  }
}

function checkRevenue(value: unknown, i: number, column: string, problems: Problems): void {
  if (value === null || value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    problems.add(
      i + 1,
      column,
      value,
      `${column} must be a number (or empty for events without revenue)`,
    );
  }
}

function grow<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(
  array: T,
  size: number,
  fill: number,
): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  if (fill !== 0) next.fill(fill, array.length);
  return next;
}
