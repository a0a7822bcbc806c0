/**
 * The most common journey paths: each customer's first steps as one path,
 * how many customers took it, and how many of them converted.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CxOptionsError } from "../../errors.ts";
import { attachMeta } from "../../meta.ts";
import { optionNames } from "../../options.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { wilson } from "../../stats/intervals.ts";
import {
  checkByNames,
  checkConversionSeen,
  checkFlag,
  collapsed,
  compareText,
  type Journey,
  type JourneyColumns,
  journeyColumns,
  readJourneys,
} from "./events.ts";
import { compareValues } from "./transitions.ts";

/** Options of {@link journeyPaths}. */
export interface PathOptions extends JourneyColumns {
  /** Step (or channel) column (default `"step"`). */
  step?: string;
  /** Steps of a path; longer journeys end in `"…"` (default 5). */
  maxLength?: number;
  /** Merge consecutive repeats of a step into one (A A B → A B; default `false`). */
  collapseRepeats?: boolean;
  /**
   * The step that counts as converting (e.g. `"purchase"`): a path is then
   * the steps up to the customer's first conversion, and the result gains
   * the conversion columns.
   */
  conversion?: string;
  /** Segment column(s): paths counted per segment. */
  by?: string | string[];
  /** Paths taken by fewer customers are pooled into one `"(other paths)"` row (default 1: none). */
  minCustomers?: number;
  /** Confidence level of the intervals (default 0.95). */
  confidence?: number;
}

/** The names of {@link PathOptions}. */
export const PATH_OPTIONS = optionNames<PathOptions>()([
  "customer",
  "date",
  "step",
  "maxLength",
  "collapseRepeats",
  "conversion",
  "by",
  "minCustomers",
  "confidence",
]);

/**
 * The {@link journeyPaths} result columns after the segment columns, in
 * order (the last four only with option `conversion`).
 */
export const PATH_COLUMNS = [
  "path",
  "steps",
  "customers",
  "n",
  "share",
  "share_low",
  "share_high",
  "conversions",
  "conversion_rate",
  "conversion_rate_low",
  "conversion_rate_high",
] as const;

/** Label of the pooled row of rare paths. */
export const OTHER_PATHS = "(other paths)";
/** Label of a converting journey with no step before its conversion. */
export const NO_STEPS = "(no steps)";
const ARROW = " → ";

/**
 * The most common paths: one row per segment and path, `[by…], path, steps,
 * customers, n, share, share_low, share_high` and, with `conversion`,
 * `conversions, conversion_rate, conversion_rate_low, conversion_rate_high`.
 *
 * A customer's journey (events ordered by date, ties by step label; see
 * `events.ts`) gives one path: its first `maxLength` steps joined by `" → "`,
 * ending in `" → …"` when the journey is longer. With `conversion`, the path
 * is the steps before the customer's first conversion step (steps dated at
 * or before it; every step when the customer never converted) and the
 * customer converted when that step occurs. `customers` took the path, `n`
 * is every customer of the segment, `share` = customers / n and
 * `conversion_rate` = conversions / customers, each with a Wilson interval.
 * Paths with fewer than `minCustomers` customers are pooled into one
 * `"(other paths)"` row (`steps` empty). Rows are sorted by segment, then
 * most customers first, then path.
 *
 * Runs in memory only: a path needs each customer's whole ordered journey
 * (`transitions` pushes down the step-to-step counts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { journeyPaths } from "./paths.ts";
 * const d = (day: number) => new Date(Date.UTC(2025, 0, day));
 * const events = aq.table({
 *   customer_id: ["a", "a", "b", "b", "c"],
 *   date: [d(1), d(2), d(1), d(2), d(1)],
 *   step: ["mail", "purchase", "mail", "web", "web"],
 * });
 * const paths = journeyPaths(events, { conversion: "purchase" });
 * const mail = (paths.objects() as Record<string, unknown>[]).find((r) => r.path === "mail")!;
 * assert.equal(mail.customers, 1);
 * assert.equal(mail.share, 1 / 3);
 * assert.equal(mail.conversion_rate, 1);
 * assert.deepEqual(paths.array("path"), ["mail", "mail → web", "web"]);
 * ```
 */
export const journeyPaths: EngineAnalysis<PathOptions> = withEngine<PathOptions>({
  name: "journeyPaths",
  options: PATH_OPTIONS,
  memory: (input, options) => pathsInMemory(pooled(input), options),
  sql: {
    refuse:
      "a path needs each customer's whole ordered journey (transitions pushes down the step-to-step counts)",
  },
});

function pathsInMemory(table: ColumnTable, options: PathOptions): ColumnTable {
  const { maxLength = 5, minCustomers = 1, confidence = 0.95, conversion } = options;
  checkConfidence(confidence);
  const collapse = checkFlag(options.collapseRepeats, "collapseRepeats");
  checkCount(maxLength, "maxLength");
  checkCount(minCustomers, "minCustomers");
  if (conversion !== undefined && typeof conversion !== "string") {
    throw new CxOptionsError(
      `Option "conversion" must be the label of the converting step, e.g. "purchase", got ${
        JSON.stringify(conversion)
      }`,
    );
  }
  const columns = journeyColumns(table, options, { option: "step", name: options.step ?? "step" });
  checkByNames(columns.by, PATH_COLUMNS, "journeyPaths");
  const { journeys, rowsLeftOut } = readJourneys(table, columns);
  if (conversion !== undefined) checkConversionSeen(journeys, conversion, columns.step);
  const cells = new Map<string, Cell>();
  const totals = new Map<string, number>();
  for (const j of journeys) {
    const { steps, converted } = beforeConversion(j, conversion, collapse);
    const label = steps.length === 0
      ? NO_STEPS
      : steps.slice(0, maxLength).join(ARROW) + (steps.length > maxLength ? `${ARROW}…` : "");
    const seg = JSON.stringify(j.key);
    totals.set(seg, (totals.get(seg) ?? 0) + 1);
    const id = JSON.stringify([j.key, label]);
    let cell = cells.get(id);
    if (!cell) {
      cells.set(
        id,
        cell = {
          key: j.key,
          path: label,
          steps: Math.min(steps.length, maxLength),
          customers: 0,
          conversions: 0,
        },
      );
    }
    cell.customers++;
    if (converted) cell.conversions++;
  }
  const rows = pool([...cells.values()], minCustomers);
  rows.sort((a, b) => compareCells(a, b));
  const result = pathTable(rows, columns.by, totals, conversion !== undefined, confidence);
  return attachMeta(result, {
    kind: "journey",
    analysis: "paths",
    options: {
      ...columns,
      maxLength,
      collapseRepeats: collapse,
      conversion: conversion ?? null,
      minCustomers,
      confidence,
    },
    notes: { rows_left_out: rowsLeftOut, customers: journeys.length },
  });
}

interface Cell {
  key: unknown[];
  path: string;
  steps: number | null;
  customers: number;
  conversions: number;
}

/**
 * A journey's steps before its first conversion (dated at or before it) and
 * whether it converted; every step when there is no conversion option or
 * the customer never converted.
 */
export function beforeConversion(
  j: Journey,
  conversion: string | undefined,
  collapse: boolean,
): { steps: string[]; times: number[]; converted: boolean } {
  const at = conversion === undefined ? -1 : j.steps.indexOf(conversion);
  let steps = j.steps, times = j.times;
  if (at >= 0) {
    const until = j.times[at];
    const keep = j.steps.map((s, i) => s !== conversion && j.times[i] <= until);
    steps = j.steps.filter((_, i) => keep[i]);
    times = j.times.filter((_, i) => keep[i]);
  } else if (conversion !== undefined) {
    steps = j.steps.filter((s) => s !== conversion);
    times = j.times.filter((_, i) => j.steps[i] !== conversion);
  }
  const out = collapse ? collapsed({ ...j, steps, times }) : { steps, times };
  return { steps: out.steps, times: out.times, converted: at >= 0 };
}

function pool(cells: Cell[], minCustomers: number): Cell[] {
  if (minCustomers <= 1) return cells;
  const kept = cells.filter((c) => c.customers >= minCustomers);
  const other = new Map<string, Cell>();
  for (const c of cells.filter((c) => c.customers < minCustomers)) {
    const seg = JSON.stringify(c.key);
    const o = other.get(seg) ??
      { key: c.key, path: OTHER_PATHS, steps: null, customers: 0, conversions: 0 };
    o.customers += c.customers;
    o.conversions += c.conversions;
    other.set(seg, o);
  }
  return [...kept, ...other.values()];
}

function compareCells(a: Cell, b: Cell): number {
  for (let k = 0; k < a.key.length; k++) {
    const c = compareValues(a.key[k], b.key[k]);
    if (c) return c;
  }
  const other = Number(a.path === OTHER_PATHS) - Number(b.path === OTHER_PATHS);
  return other || b.customers - a.customers || compareText(a.path, b.path);
}

function pathTable(
  rows: Cell[],
  by: string[],
  totals: Map<string, number>,
  withConversion: boolean,
  confidence: number,
): ColumnTable {
  const out: Record<string, unknown[]> = {};
  by.forEach((name, k) => out[name] = rows.map((r) => r.key[k]));
  out.path = rows.map((r) => r.path);
  out.steps = rows.map((r) => r.steps);
  out.customers = rows.map((r) => r.customers);
  out.n = rows.map((r) => totals.get(JSON.stringify(r.key))!);
  const share = rows.map((r, i) => wilson(r.customers, out.n[i] as number, confidence));
  out.share = rows.map((r, i) => r.customers / (out.n[i] as number));
  out.share_low = share.map((c) => c.low);
  out.share_high = share.map((c) => c.high);
  if (withConversion) {
    const rate = rows.map((r) => wilson(r.conversions, r.customers, confidence));
    out.conversions = rows.map((r) => r.conversions);
    out.conversion_rate = rows.map((r) => r.conversions / r.customers);
    out.conversion_rate_low = rate.map((c) => c.low);
    out.conversion_rate_high = rate.map((c) => c.high);
  }
  return aq.table(out);
}

/** Checks a whole-number option of at least 1. */
export function checkCount(value: unknown, option: string): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new CxOptionsError(
      `Option "${option}" must be a whole number of at least 1, got ${JSON.stringify(value)}`,
    );
  }
}
