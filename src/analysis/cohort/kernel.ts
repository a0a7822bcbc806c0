/**
 * The aggregate step of cohort retention as a typed-array kernel: per
 * (segment, cohort, period index), the number of distinct active customers,
 * the number whose last active period is that index (for unbounded
 * retention) and revenue sums.
 *
 * Customer ids come dictionary-encoded (a `CodedColumn`'s codes as they
 * are, or a plain column encoded once and cached, see `kernels/encode.ts`);
 * one pass over the codes and epoch milliseconds keeps each customer's first
 * activity and sets one bit per (customer, period) in a bitset, with the
 * period looked up per local day (`OrdinalTable`: no `Date` per event); a customer active twice in a period sets the same bit
 * twice, which is how "distinct" comes for free. Calendar windows need only
 * that pass (bits are absolute periods; the cohort is known afterwards);
 * rolling windows are relative to each customer's first activity, so they
 * take a second pass over the encoded rows. No join, no sort, no distinct.
 *
 * @module
 */
import { CxOptionsError } from "../../errors.ts";
import { OrdinalTable, type PeriodCalendar, ROLLING_LENGTH, SLOT, SPLIT_SLOT } from "./periods.ts";
import type { CohortPeriod } from "./periods.ts";
import { Problems, timeOf } from "./meta.ts";
import { collectCells, segmentCodes } from "./kernel_cells.ts";
import { canonicalCodes, encodeColumn } from "../../kernels/encode.ts";

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
  /** Customer id per event (not read when `customerCodes` is given). */
  customers: ArrayLike<unknown>;
  /** Customer ids dictionary-encoded: `dictionary[codes[i]]` is event i's customer. */
  customerCodes?: { codes: ArrayLike<number>; dictionary: readonly unknown[] };
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
  const events = eventColumns(input);
  const range = scanEvents(input, events);
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
  const first = Math.min(range.minT, range.minSignup);
  const ordinals = new OrdinalTable(input.calendar, first, range.maxT);
  const calendarBase = ordinals.at(first);
  const calendarWidth = input.calendar.ordinal(cutoff - 1) - calendarBase + 1;
  const ix = encodeEvents(input, events, cutoff, {
    base: calendarBase,
    width: calendarWidth,
    ordinals,
  });
  const anchor = input.anchor.kind === "first_activity" ? ix.firstT : ix.anchor;
  let minAnchor = Infinity;
  let customersIgnored = 0;
  for (let c = 0; c < ix.count; c++) {
    if (anchor[c] < cutoff) minAnchor = Math.min(minAnchor, anchor[c]);
    // (Ids without events before the cut-off are no customers; a signup table's all are.)
    else if (input.anchor.kind === "table" || ix.firstRow[c] >= 0) customersIgnored++;
  }
  if (minAnchor === Infinity) {
    throw new CxOptionsError(
      `No customer starts before the cut-off ${
        new Date(cutoff).toISOString()
      }: every signup is later; pass a later "observedUntil"`,
    );
  }
  const bitsAt = rolling
    ? rollingBits(input, events, ix, anchor, Math.floor((cutoff - 1 - minAnchor) / length) + 1)
    : { bits: ix.bits, words: ix.words, width: calendarWidth };
  const cells = collectCells({
    count: ix.count,
    anchor,
    cutoff,
    ...bitsAt,
    base: rolling ? null : calendarBase,
    length,
    ordinals,
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
 * windows, a bitset of active periods.
 */
class CustomerIndex {
  /** Customer code by id in the signup table. */
  readonly dict = new Map<unknown, number>();
  count = 0;
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

  /** `ids`: the distinct ids of the events (at most that many customers besides a signup table). */
  constructor(input: RetentionKernelInput, readonly words: number, ids: number, n: number) {
    const table = input.anchor.kind === "table" ? input.anchor : undefined;
    const capacity = Math.max(table ? table.ids.length : ids, 1);
    this.anchor = new Float64Array(capacity).fill(Infinity);
    this.firstT = new Float64Array(capacity).fill(Infinity);
    this.firstRow = new Int32Array(capacity).fill(-1);
    this.bits = new Uint32Array(capacity * words);
    if (table) {
      this.count = table.ids.length;
      for (let c = 0; c < this.count; c++) {
        this.dict.set(table.ids[c], c);
        this.anchor[c] = timeOf(table.dates[c]);
      }
    }
    if (input.by.some((s) => s.from === "events")) this.changed = new Uint8Array(capacity);
    if (input.window === "rolling") this.codes = new Int32Array(n);
    if (input.revenue) this.revenueByBit = new Map<number, number>();
  }

  /** The code of customer `id` in the signup table, or −2 when it has no row there. */
  codeOf(id: unknown): number {
    return this.dict.get(id) ?? -2;
  }
}

/** The events' columns as the kernel reads them. */
interface EventColumns {
  n: number;
  /** Epoch ms per event (`NaN` = not a date). */
  times: Float64Array;
  /** Customer code per event, an index into `dictionary`. */
  codes: ArrayLike<number>;
  dictionary: readonly unknown[];
  /** The customer id and the date value of an event, for problem reports. */
  idAt(i: number): unknown;
  dateAt(i: number): unknown;
}

/** Codes and epoch ms: compact columns as they are, plain ones encoded (cached) and read once. */
function eventColumns(input: RetentionKernelInput): EventColumns {
  const { times: given, dates, customers, customerCodes } = input;
  const ids = customerCodes ?? encodeColumn(customers, customers.length);
  const n = ids.codes.length;
  return {
    n,
    times: given ?? timesOf(dates, n),
    codes: ids.codes,
    dictionary: ids.dictionary,
    idAt: customerCodes ? (i) => ids.dictionary[ids.codes[i]] : (i) => customers[i],
    dateAt: given ? (i) => given[i] === given[i] ? new Date(given[i]) : null : (i) => dates[i],
  };
}

/**
 * Epoch ms of each date (`NaN` where not a `Date`), into a buffer reused
 * while it lives (fresh memory is slow to touch; the GC may take it back).
 */
function timesOf(dates: ArrayLike<unknown>, n: number): Float64Array {
  let buffer = scratchTimes?.deref();
  if (!buffer || buffer.length < n) {
    buffer = new Float64Array(n);
    if (n >= 1 << 16) scratchTimes = new WeakRef(buffer);
  }
  const out = buffer.subarray(0, n);
  for (let i = 0; i < n; i++) out[i] = timeOf(dates[i]);
  return out;
}

let scratchTimes: WeakRef<Float64Array> | undefined;

/**
 * Pass 1: encodes customers, keeps each one's first event and anchor,
 * checks signups and segment changes, and (calendar windows) sets a bit per
 * (customer, period) with the period's revenue.
 */
function encodeEvents(
  input: RetentionKernelInput,
  ev: EventColumns,
  cutoff: number,
  calendarBits: { base: number; width: number; ordinals: OrdinalTable },
): CustomerIndex {
  const { names, revenue } = input;
  const { n, times, codes: ids, dictionary } = ev;
  const rolling = input.window === "rolling";
  const words = rolling ? 0 : (calendarBits.width + 31) >>> 5;
  const ix = new CustomerIndex(input, words, dictionary.length, n);
  const { ordinals, base } = calendarBits;
  const { slots, firstSlot } = ordinals;
  // Repeated ids in a loader's dictionary are one customer.
  const canonical = canonicalCodes(dictionary);
  const table = input.anchor.kind === "table";
  const byEvents = input.by.filter((s) => s.from === "events").map((s) => s.values);
  const problems = new Problems();
  // Customer code of each id code: −1 not seen yet, −2 not in the signup table. Without
  // revenue (whose float sums follow the customers' order) the id codes are the customer codes.
  const direct = canonical === null && !table && !revenue;
  const customerOf = new Int32Array(direct ? 0 : dictionary.length).fill(-1);
  if (direct) ix.count = dictionary.length;
  const { firstT, firstRow, bits, changed, codes: perEvent, revenueByBit } = ix;
  const anchored = input.anchor.kind !== "first_activity";
  if (direct && !anchored && !changed && !perEvent) {
    ix.eventsIgnored = directPass(ev, ix, cutoff, calendarBits);
    return ix;
  }
  let ignored = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (t >= cutoff) {
      ignored++;
      if (perEvent) perEvent[i] = -1;
      continue;
    }
    const r = canonical === null ? ids[i] : canonical[ids[i]];
    let code = direct ? r : customerOf[r];
    if (code === -1) code = customerOf[r] = table ? ix.codeOf(dictionary[r]) : ix.count++;
    if (code === -2) {
      unknownCustomer(problems, i, names.customer, ev.idAt(i));
      if (perEvent) perEvent[i] = -1;
      continue;
    }
    const fr = firstRow[code];
    if (changed && fr >= 0 && !changed[code] && segmentChanged(byEvents, i, fr)) {
      changed[code] = 1;
    }
    if (t < firstT[code]) {
      firstT[code] = t;
      firstRow[code] = i;
    }
    if (anchored) {
      checkAnchor(input, ix, { i, t, code, fr, ev }, problems);
    }
    if (perEvent) perEvent[i] = code;
    else {
      // ordinals.at(t), inlined for the usual case: the ordinal of t's half hour.
      const s = Math.floor(t / SLOT) - firstSlot;
      const o = s >= 0 && s < slots.length ? slots[s] : SPLIT_SLOT;
      const b = (o > SPLIT_SLOT ? o : ordinals.at(t)) - base;
      bits[code * words + (b >>> 5)] |= 1 << (b & 31);
      if (revenueByBit) {
        addRevenue(revenueByBit, code * calendarBits.width + b, revenue![i]);
      }
    }
    if (revenue) checkRevenue(revenue[i], i, names.revenue!, problems);
  }
  ix.eventsIgnored = ignored;
  problems.throwIfAny("The events cannot be placed in cohorts");
  return ix;
}

/**
 * Pass 1 of the usual case (first activity, calendar periods, no revenue,
 * no segment read from the events, id codes = customer codes) in a loop of
 * its own; returns the number of events at or after the cut-off.
 */
function directPass(
  ev: EventColumns,
  ix: CustomerIndex,
  cutoff: number,
  calendarBits: { base: number; ordinals: OrdinalTable },
): number {
  const { n, times, codes } = ev, { firstT, firstRow, bits, words } = ix;
  const { ordinals, base } = calendarBits, { slots, firstSlot } = ordinals;
  // Module constants as locals (imported bindings are re-read on every use).
  const slot = SLOT, split = SPLIT_SLOT;
  let ignored = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (t >= cutoff) {
      ignored++;
      continue;
    }
    const code = codes[i];
    if (t < firstT[code]) {
      firstT[code] = t;
      firstRow[code] = i;
    }
    // ordinals.at(t), inlined for the usual case: the ordinal of t's half hour.
    const s = Math.floor(t / slot) - firstSlot;
    const o = s >= 0 && s < slots.length ? slots[s] : split;
    const b = (o > split ? o : ordinals.at(t)) - base;
    bits[code * words + (b >>> 5)] |= 1 << (b & 31);
  }
  return ignored;
}

/** Reports an event whose customer has no row in the signup table. */
function unknownCustomer(problems: Problems, i: number, column: string, id: unknown): void {
  problems.add(
    i + 1,
    column,
    id,
    `customer ${
      JSON.stringify(id)
    } has events but no row in the signup table; filter the events to customers in it or add the customer`,
  );
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
  at: { i: number; t: number; code: number; fr: number; ev: EventColumns },
  problems: Problems,
): void {
  const { anchor } = input;
  const { i, code, fr } = at;
  const id = at.ev.idAt(i);
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
      at.ev.dateAt(i),
      `event of customer ${JSON.stringify(id)} is before their signup (${
        new Date(ix.anchor[code]).toISOString()
      }); fix the signup date or drop the event`,
    );
  }
}

/** Pass 2 (rolling windows): a bit per (customer, window k) from each customer's anchor. */
function rollingBits(
  input: RetentionKernelInput,
  ev: EventColumns,
  ix: CustomerIndex,
  anchor: Float64Array,
  width: number,
): { bits: Uint32Array; words: number; width: number } {
  const { times } = ev;
  const length = ROLLING_LENGTH[input.period];
  const words = (width + 31) >>> 5;
  const bits = new Uint32Array(ix.count * words);
  for (let i = 0; i < ev.n; i++) {
    const code = ix.codes![i];
    if (code < 0) continue;
    const k = Math.floor((times[i] - anchor[code]) / length);
    bits[code * words + (k >>> 5)] |= 1 << (k & 31);
    if (ix.revenueByBit) addRevenue(ix.revenueByBit, code * width + k, input.revenue![i]);
  }
  return { bits, words, width };
}

/** Pass 0: checks ids and dates, and finds the time range of events and signups. */
function scanEvents(input: RetentionKernelInput, ev: EventColumns): {
  minT: number;
  maxT: number;
  minSignup: number;
} {
  const { names, anchor } = input;
  const { n, times, codes } = ev;
  // Ids missing by dictionary entry (a plain loop: `Uint8Array.from` with a map is slow).
  const missingId = new Uint8Array(ev.dictionary.length);
  let anyMissing = false;
  for (let j = 0; j < missingId.length; j++) {
    const v = ev.dictionary[j];
    if (v === null || v === undefined) missingId[j] = 1, anyMissing = true;
  }
  const problems = new Problems();
  let minT = Infinity, maxT = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (t !== t) {
      problems.add(
        i + 1,
        names.date,
        ev.dateAt(i),
        `${names.date} must be a date; load the events with readCsv(…, { schema: "events" }) to parse dates`,
      );
      continue;
    }
    if (t < minT) minT = t;
    if (t > maxT) maxT = t;
    if (anyMissing && missingId[codes[i]]) {
      problems.add(
        i + 1,
        names.customer,
        ev.idAt(i),
        `${names.customer} is missing; every event needs one`,
      );
    }
  }
  let minSignup = Infinity;
  if (anchor.kind === "column") {
    for (let i = 0; i < n; i++) {
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
