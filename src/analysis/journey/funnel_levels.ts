/**
 * The aggregate step of {@link funnel} in memory: each customer's level,
 * the times between the steps of the chain that set it, and whether the
 * customer is still inside that chain's window. The SQL step
 * (`funnel_sql.ts`) computes the same summary in an engine; the finalize
 * step (`funnel_finalize.ts`) turns either into the funnel table.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxDataError } from "../../errors.ts";
import { CodedColumn, InstantColumn } from "../../kernels/columns.ts";
import { columnValues } from "../../kernels/groups.ts";

/** Day length in milliseconds (windows and times are whole instants, not calendar days). */
export const DAY_MS = 86_400_000;

/** The resolved options the aggregate steps need. */
export interface FunnelPlan {
  /** Customer id column. */
  customer: string;
  /** Date column. */
  date: string;
  /** Step column. */
  step: string;
  /** The steps, in order. */
  steps: string[];
  /** Window length in milliseconds. */
  windowMs: number;
  /** Step order rule. */
  order: "strict" | "any";
  /** Segment columns. */
  by: string[];
  /** End of observation in epoch ms (`undefined`: the latest date in the data). */
  observedUntil?: number;
}

/**
 * Per-customer summary rows (or groups of identical ones, counted in
 * `customers`): the segment key, the level (1…k), whether the chain's
 * window is still open at the end of observation, the time from each step
 * to the next (`gaps[i]` for step i + 2, in ms, `null` beyond the level),
 * and for open customers below the last step the time since they reached
 * their level (`elapsed`, ms).
 */
export interface FunnelSummary {
  /** Segment values, one array per `by` column. */
  keys: unknown[][];
  /** Level reached, 1…k. */
  level: number[];
  /** Still inside the window at the end of observation. */
  open: boolean[];
  /** Step-to-step times, one array per step 2…k. */
  gaps: (number | null)[][];
  /** Time from reaching the level to the end of observation (open, below the last step). */
  elapsed: (number | null)[];
  /** How many customers each row stands for. */
  customers: number[];
  /** End of observation used, epoch ms (`null` when there were no dates). */
  observedUntil: number | null;
  /** Funnel events left out: a missing customer or date, or after the end of observation. */
  leftOut: { missing: number; late: number };
}

/**
 * One customer's chain over their funnel events sorted by time, equal times
 * in step order (`ts`, `js` with steps numbered 1…k): for every occurrence
 * of the first step as start s, the chain takes each next step at its first
 * occurrence at or after the previous one (`"strict"`) or after s
 * (`"any"`, completing step i when steps 1…i have all occurred); a step
 * counts while it is within `windowMs` of s (inclusive). The best start is
 * the one reaching the furthest step, the latest such start on a tie.
 * Returns the chain's times (length = level; empty without a first step).
 */
export function customerChain(
  ts: ArrayLike<number>,
  js: ArrayLike<number>,
  k: number,
  windowMs: number,
  order: "strict" | "any",
): number[] {
  const first = new Float64Array(k + 1);
  let bestLevel = 0, bestStart = -1;
  for (let p = 0; p < ts.length; p++) {
    if (js[p] !== 1) continue;
    const level = walk(ts, js, p, k, windowMs, order, first, null);
    if (level >= bestLevel) [bestLevel, bestStart] = [level, p];
  }
  if (bestStart < 0) return [];
  const chain = new Array<number>(bestLevel);
  walk(ts, js, bestStart, k, windowMs, order, first, chain);
  return chain;
}

/**
 * The level of the chain from the start at position `p`, scanning forward
 * while inside the window (events are sorted); fills `chain` when given.
 */
function walk(
  ts: ArrayLike<number>,
  js: ArrayLike<number>,
  p: number,
  k: number,
  windowMs: number,
  order: "strict" | "any",
  first: Float64Array,
  chain: number[] | null,
): number {
  const s = ts[p];
  if (chain) chain[0] = s;
  let level = 1;
  if (order === "strict") {
    for (let q = p + 1; q < ts.length && level < k && ts[q] - s <= windowMs; q++) {
      if (js[q] === level + 1) {
        if (chain) chain[level] = ts[q];
        level++;
      }
    }
    return level;
  }
  // Any order: each step's first occurrence at or after the start, inside the window.
  first.fill(NaN);
  for (let q = p + 1; q < ts.length && ts[q] - s <= windowMs; q++) {
    if (first[js[q]] !== first[js[q]]) first[js[q]] = ts[q];
  }
  let reached = s;
  while (level < k && first[level + 1] === first[level + 1]) {
    reached = Math.max(reached, first[level + 1]);
    if (chain) chain[level] = reached;
    level++;
  }
  return level;
}

/**
 * The in-memory aggregate: reads the events, groups them by segment and
 * customer (a counting sort), and summarises each customer's chain
 * ({@link customerChain}).
 */
export function memoryFunnelSummary(table: ColumnTable, plan: FunnelPlan): FunnelSummary {
  const events = readEvents(table, plan);
  const until = plan.observedUntil ?? events.latest;
  const k = plan.steps.length;
  const out = emptySummary(plan, until, { missing: events.missing, late: 0 });
  const { t, j, customer, count } = events;
  const customers = events.firstRow.length;
  // Counting sort of the kept events by customer, in row order within each.
  const start = new Int32Array(customers + 1);
  for (let e = 0; e < count; e++) {
    if (until !== null && t[e] > until) out.leftOut.late++;
    else start[customer[e] + 1]++;
  }
  for (let c = 0; c < customers; c++) start[c + 1] += start[c];
  const at = start.slice(0, customers);
  const order = new Int32Array(start[customers]);
  for (let e = 0; e < count; e++) {
    if (!(until !== null && t[e] > until)) order[at[customer[e]]++] = e;
  }
  const ts = new Float64Array(order.length), js = new Int32Array(order.length);
  for (let c = 0; c < customers; c++) {
    const from = start[c], to = start[c + 1];
    sortByTimeAndStep(order, from, to, t, j);
    for (let p = from; p < to; p++) {
      ts[p] = t[order[p]];
      js[p] = j[order[p]];
    }
    const chain = customerChain(
      ts.subarray(from, to),
      js.subarray(from, to),
      k,
      plan.windowMs,
      plan.order,
    );
    if (chain.length === 0) continue;
    const open = until !== null && chain[0] + plan.windowMs > until;
    plan.by.forEach((_, b) => out.keys[b].push(events.byValue(b, events.firstRow[c])));
    out.level.push(chain.length);
    out.open.push(open);
    out.gaps.forEach((g, i) => g.push(i + 1 < chain.length ? chain[i + 1] - chain[i] : null));
    out.elapsed.push(open && chain.length < k ? until - chain[chain.length - 1] : null);
    out.customers.push(1);
  }
  return out;
}

/** A summary without rows yet. */
export function emptySummary(
  plan: FunnelPlan,
  observedUntil: number | null,
  leftOut: FunnelSummary["leftOut"],
): FunnelSummary {
  return {
    keys: plan.by.map(() => []),
    level: [],
    open: [],
    gaps: plan.steps.slice(1).map(() => []),
    elapsed: [],
    customers: [],
    observedUntil,
    leftOut,
  };
}

/** Insertion sort of `order[from, to)` by (time, step): customers have few events each. */
function sortByTimeAndStep(
  order: Int32Array,
  from: number,
  to: number,
  t: Float64Array,
  j: Int32Array,
): void {
  for (let p = from + 1; p < to; p++) {
    const e = order[p];
    let q = p - 1;
    while (q >= from && (t[order[q]] > t[e] || (t[order[q]] === t[e] && j[order[q]] > j[e]))) {
      order[q + 1] = order[q];
      q--;
    }
    order[q + 1] = e;
  }
}

interface Events {
  /** Number of funnel events kept; per event its instant (ms), step number and customer. */
  count: number;
  t: Float64Array;
  j: Int32Array;
  customer: Int32Array;
  /** A source row of each customer (segment and id). */
  firstRow: number[];
  byValue(b: number, row: number): unknown;
  /** Latest date of any row (ms), `null` when none. */
  latest: number | null;
  /** Funnel events left out for a missing customer or date. */
  missing: number;
}

function readEvents(table: ColumnTable, plan: FunnelPlan): Events {
  const n = table.numRows();
  const by = plan.by.map((c) => columnValues(table, c));
  const ms = instantsOf(table, plan.date);
  const stepOf = stepNumbers(table, plan);
  const out: Events = {
    count: 0,
    t: new Float64Array(n),
    j: new Int32Array(n),
    customer: new Int32Array(n),
    firstRow: [],
    byValue: (b, row) => by[b][row],
    latest: null,
    missing: 0,
  };
  const customerOf = customerIndex(table, plan, out.firstRow);
  for (let r = 0; r < n; r++) {
    const t = ms(r);
    if (t !== null && (out.latest === null || t > out.latest)) out.latest = t;
    const j = stepOf(r);
    if (j === 0) continue;
    const c = t === null ? -1 : customerOf(r);
    if (c < 0) {
      out.missing++;
      continue;
    }
    out.t[out.count] = t!;
    out.j[out.count] = j;
    out.customer[out.count++] = c;
  }
  return out;
}

/** Step number 1…k of each row (0: no funnel step), by dictionary code where the column has one. */
function stepNumbers(table: ColumnTable, plan: FunnelPlan): (row: number) => number {
  const number = new Map(plan.steps.map((s, i) => [s, i + 1]));
  const coded = codedColumn(table, plan.step);
  if (coded) {
    const byCode = Int32Array.from(coded.dictionary, (v) => number.get(v as string) ?? 0);
    const codes = coded.codes;
    return (r) => byCode[codes[r]];
  }
  const step = columnValues(table, plan.step);
  return (r) => typeof step[r] === "string" ? number.get(step[r] as string) ?? 0 : 0;
}

/**
 * Dense index of each row's customer (with its segment), −1 when the id is
 * missing; `firstRow` gets a row of each new customer. Dictionary codes key
 * the customers of a coded id column without segments; otherwise text ids
 * key themselves and anything else its JSON.
 */
function customerIndex(
  table: ColumnTable,
  plan: FunnelPlan,
  firstRow: number[],
): (row: number) => number {
  const coded = plan.by.length === 0 ? codedColumn(table, plan.customer) : undefined;
  if (coded) {
    const index = new Int32Array(coded.dictionary.length).fill(-1);
    const missing = coded.dictionary.map(isMissing);
    const codes = coded.codes;
    return (r) => {
      const code = codes[r];
      if (missing[code]) return -1;
      if (index[code] < 0) {
        index[code] = firstRow.length;
        firstRow.push(r);
      }
      return index[code];
    };
  }
  const customer = columnValues(table, plan.customer);
  const by = plan.by.map((c) => columnValues(table, c));
  const plain = new Map<string, number>(), keyed = new Map<string, number>();
  return (r) => {
    const id = customer[r];
    if (isMissing(id)) return -1;
    const simple = by.length === 0 && typeof id === "string";
    const map = simple ? plain : keyed;
    const key = simple ? id as string : JSON.stringify([...by.map((col) => col[r]), id]);
    let c = map.get(key);
    if (c === undefined) {
      c = firstRow.length;
      map.set(key, c);
      firstRow.push(r);
    }
    return c;
  };
}

/** The column as stored, when it is a dictionary-coded one read in place. */
function codedColumn(table: ColumnTable, name: string): CodedColumn | undefined {
  const raw = table.isFiltered() || table.isOrdered() ? undefined : table.column(name);
  return raw instanceof CodedColumn ? raw : undefined;
}

/** The instant (ms) of each row of the date column, read in place from a compact column. */
function instantsOf(table: ColumnTable, name: string): (row: number) => number | null {
  const raw = table.isFiltered() || table.isOrdered() ? undefined : table.column(name);
  if (raw instanceof InstantColumn) {
    const ms = raw.ms;
    return (r) => ms[r] === ms[r] ? ms[r] : null;
  }
  const values = columnValues(table, name);
  return (r) => instant(values[r], name, r);
}

/** A missing value: `null`, `undefined`, or empty or blank text (as every grouped cxkit result). */
export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

function instant(v: unknown, column: string, row: number): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.getTime();
  throw new CxDataError(
    [{
      row: row + 1,
      column,
      value: String(v),
      reason:
        'not a date; read the events with readCsv(path, { schema: "events" }) or convert the column with new Date(…)',
    }],
    1,
    "funnel: invalid dates",
  );
}
