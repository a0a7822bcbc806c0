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
import { CxOptionsError } from "../../errors.ts";
import { type PeriodCalendar, ROLLING_LENGTH } from "./periods.ts";
import type { CohortPeriod } from "./periods.ts";
import { Problems, timeOf } from "./meta.ts";
import { collectCells, segmentCodes } from "./kernel_cells.ts";

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
 * import { aggregateRetention } from "./kernel.ts";
 * import { cutoffAfter, periodCalendar } from "./periods.ts";
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
  const calendarBase = input.calendar.ordinal(Math.min(range.minT, range.minSignup));
  const calendarWidth = input.calendar.ordinal(cutoff - 1) - calendarBase + 1;
  const ix = encodeEvents(input, cutoff, { base: calendarBase, width: calendarWidth });
  const anchor = input.anchor.kind === "first_activity" ? ix.firstT : ix.anchor;
  let minAnchor = Infinity;
  let customersIgnored = 0;
  for (let c = 0; c < ix.count; c++) {
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
  const bitsAt = rolling
    ? rollingBits(input, ix, anchor, Math.floor((cutoff - 1 - minAnchor) / length) + 1)
    : { bits: ix.bits, words: ix.words, width: calendarWidth };
  const cells = collectCells({
    count: ix.count,
    anchor,
    cutoff,
    ...bitsAt,
    base: rolling ? null : calendarBase,
    length,
    calendar: input.calendar,
    segments: segmentCodes(input.by, ix.count, ix.firstRow),
    revenue: ix.revenueByBit,
  });
  let segmentChanges = 0;
  if (ix.changed) { for (let c = 0; c < ix.count; c++) segmentChanges += ix.changed[c]; }
  return {
    cells,
    observedUntil,
    cutoff,
    eventsIgnored: ix.eventsIgnored,
    customersIgnored,
    segmentChanges,
  };
}

/**
 * Customers dictionary-encoded (code = order of first sight, or the row of
 * the signup table) with their anchor, first event and, in calendar
 * windows, a bitset of active periods; arrays grow as codes are added.
 */
class CustomerIndex {
  readonly dict = new Map<unknown, number>();
  count = 0;
  capacity = 1024;
  anchor: Float64Array;
  /** First event instant per customer, kept beside its row so the hot loop never revisits a Date. */
  firstT: Float64Array;
  firstRow: Int32Array;
  bits: Uint32Array;
  changed?: Uint8Array;
  /** Per event: its customer's code, or -1 (rolling windows' second pass). */
  codes?: Int32Array;
  revenueByBit?: Map<number, number>;
  eventsIgnored = 0;

  constructor(input: RetentionKernelInput, readonly words: number) {
    const table = input.anchor.kind === "table" ? input.anchor : undefined;
    if (table) {
      this.count = table.ids.length;
      this.capacity = Math.max(this.count, 1);
    }
    this.anchor = new Float64Array(this.capacity).fill(Infinity);
    this.firstT = new Float64Array(this.capacity).fill(Infinity);
    this.firstRow = new Int32Array(this.capacity).fill(-1);
    this.bits = new Uint32Array(this.capacity * words);
    if (table) {
      for (let c = 0; c < this.count; c++) {
        this.dict.set(table.ids[c], c);
        this.anchor[c] = timeOf(table.dates[c]);
      }
    }
    if (input.by.some((s) => s.from === "events")) this.changed = new Uint8Array(this.capacity);
    if (input.window === "rolling") this.codes = new Int32Array(input.customers.length);
    if (input.revenue) this.revenueByBit = new Map<number, number>();
  }

  /** A new customer's code (the arrays grow when full). */
  add(id: unknown): number {
    const code = this.count++;
    this.dict.set(id, code);
    if (code >= this.capacity) {
      this.capacity *= 2;
      this.anchor = grow(this.anchor, this.capacity, Infinity);
      this.firstT = grow(this.firstT, this.capacity, Infinity);
      this.firstRow = grow(this.firstRow, this.capacity, -1);
      this.bits = grow(this.bits, this.capacity * this.words, 0);
      if (this.changed) this.changed = grow(this.changed, this.capacity, 0);
    }
    return code;
  }
}

/**
 * Pass 1: encodes customers, keeps each one's first event and anchor,
 * checks signups and segment changes, and (calendar windows) sets a bit per
 * (customer, period) with the period's revenue.
 */
function encodeEvents(
  input: RetentionKernelInput,
  cutoff: number,
  calendarBits: { base: number; width: number },
): CustomerIndex {
  const { customers, names, calendar, revenue } = input;
  const rolling = input.window === "rolling";
  const ix = new CustomerIndex(input, rolling ? 0 : (calendarBits.width + 31) >>> 5);
  const times = eventTimes(input), { timeAt } = times;
  const table = input.anchor.kind === "table";
  const byEvents = input.by.filter((s) => s.from === "events").map((s) => s.values);
  const problems = new Problems();
  let prevId: unknown = undefined, prevCode = -1;
  for (let i = 0; i < customers.length; i++) {
    const t = timeAt(i);
    if (t >= cutoff) {
      ix.eventsIgnored++;
      if (ix.codes) ix.codes[i] = -1;
      continue;
    }
    const id = customers[i];
    let code: number;
    if (id === prevId && prevCode >= 0) code = prevCode;
    else {
      const known = ix.dict.get(id);
      if (known === undefined && table) {
        problems.add(
          i + 1,
          names.customer,
          id,
          `customer ${
            JSON.stringify(id)
          } has events but no row in the signup table; filter the events to customers in it or add the customer`,
        );
        if (ix.codes) ix.codes[i] = -1;
        continue;
      }
      code = known ?? ix.add(id);
      prevId = id;
      prevCode = code;
    }
    const fr = ix.firstRow[code];
    if (ix.changed && fr >= 0 && !ix.changed[code] && segmentChanged(byEvents, i, fr)) {
      ix.changed[code] = 1;
    }
    if (t < ix.firstT[code]) {
      ix.firstT[code] = t;
      ix.firstRow[code] = i;
    }
    if (input.anchor.kind !== "first_activity") {
      checkAnchor(input, ix, { i, t, code, fr, dateAt: times.dateAt }, problems);
    }
    if (ix.codes) ix.codes[i] = code;
    else {
      const b = calendar.ordinal(t) - calendarBits.base;
      ix.bits[code * ix.words + (b >>> 5)] |= 1 << (b & 31);
      if (ix.revenueByBit) {
        addRevenue(ix.revenueByBit, code * calendarBits.width + b, revenue![i]);
      }
    }
    if (revenue) checkRevenue(revenue[i], i, names.revenue!, problems);
  }
  problems.throwIfAny("The events cannot be placed in cohorts");
  return ix;
}

/** Whether event `i` has other segment values than the customer's first event (row `fr`). */
function segmentChanged(byEvents: ArrayLike<unknown>[], i: number, fr: number): boolean {
  for (const values of byEvents) if (!sameValue(values[i], values[fr])) return true;
  return false;
}

/**
 * With a signup column or table: records the customer's signup from their
 * first event (a column), and reports a signup that changes or an event
 * before the signup.
 */
function checkAnchor(
  input: RetentionKernelInput,
  ix: CustomerIndex,
  at: { i: number; t: number; code: number; fr: number; dateAt: (i: number) => unknown },
  problems: Problems,
): void {
  const { anchor } = input;
  const { i, code, fr } = at;
  const id = input.customers[i];
  if (anchor.kind === "column") {
    const s = timeOf(anchor.values[i]);
    if (fr < 0) ix.anchor[code] = s;
    else if (s !== ix.anchor[code]) {
      problems.add(
        i + 1,
        anchor.name,
        anchor.values[i],
        `customer ${JSON.stringify(id)} has another ${anchor.name} in row ${
          fr + 1
        }; a customer's signup date must be the same on every event`,
      );
    }
  }
  if (at.t < ix.anchor[code]) {
    problems.add(
      i + 1,
      input.names.date,
      at.dateAt(i),
      `event of customer ${JSON.stringify(id)} is before their signup (${
        new Date(ix.anchor[code]).toISOString()
      }); fix the signup date or drop the event`,
    );
  }
}

/** Pass 2 (rolling windows): a bit per (customer, window k) from each customer's anchor. */
function rollingBits(
  input: RetentionKernelInput,
  ix: CustomerIndex,
  anchor: Float64Array,
  width: number,
): { bits: Uint32Array; words: number; width: number } {
  const { timeAt } = eventTimes(input);
  const length = ROLLING_LENGTH[input.period];
  const words = (width + 31) >>> 5;
  const bits = new Uint32Array(ix.count * words);
  for (let i = 0; i < input.customers.length; i++) {
    const code = ix.codes![i];
    if (code < 0) continue;
    const k = Math.floor((timeAt(i) - anchor[code]) / length);
    bits[code * words + (k >>> 5)] |= 1 << (k & 31);
    if (ix.revenueByBit) addRevenue(ix.revenueByBit, code * width + k, input.revenue![i]);
  }
  return { bits, words, width };
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
