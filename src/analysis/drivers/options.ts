/**
 * The options of `keyDrivers` and their plan: outcome, drivers, methods,
 * bootstrap settings and segments, checked against the table's columns.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { DriverMethod } from "../../meta.ts";
import { CxOptionsError } from "../../errors.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { checkResamples } from "../../stats/random.ts";
import { checkMissing, type MissingGroups } from "../../base/plan.ts";
import { byColumns, GROUPED_OPTIONS, type GroupedOptions, requireColumns } from "../numeric.ts";
import { optionNames } from "../../options.ts";

/** Bootstrap settings of `keyDrivers`. */
export interface DriverBootstrap {
  /** Resamples (default 1000). */
  resamples?: number;
  /** Seed of the generator (default 1): the same seed gives the same intervals. */
  seed?: number;
  /** Confidence level of the percentile intervals (default 0.95). */
  confidence?: number;
}

/** Options of `keyDrivers`. */
export interface KeyDriversOptions extends GroupedOptions {
  /** Outcome column (e.g. `"nps_score"`, `"csat"`). */
  outcome: string;
  /** Driver columns (attribute ratings), at least one. */
  drivers: string[];
  /** `"relative-weights"` (default), `"shapley"` (≤ 15 drivers) or `"both"`. */
  method?: DriverMethod | "both";
  /** Percentile intervals for `weight_pct` from resampled complete cases; `true` for defaults. */
  bootstrap?: DriverBootstrap | boolean;
  /**
   * Fewest complete rows (outcome and every driver present) a group needs
   * (default: drivers + 2, the least a regression can be fitted on); fewer is
   * a `CxDataError`, or with `by` the group's `note`. The report asks for 50.
   */
  minN?: number;
}

/** The names of {@link KeyDriversOptions}. */
export const KEY_DRIVERS_OPTIONS = optionNames<KeyDriversOptions>()([
  "outcome",
  "drivers",
  "method",
  "bootstrap",
  "minN",
  ...GROUPED_OPTIONS,
]);

/** The result columns after the group keys, in order. */
export const KEY_DRIVER_COLUMNS = [
  "driver",
  "method",
  "raw_weight",
  "weight_pct",
  "weight_pct_low",
  "weight_pct_high",
  "sign",
  "beta",
  "r",
  "rank",
  "n",
  "r2",
  "note",
] as const;

/** Shapley values need 2^p regressions; beyond this, use relative weights. */
export const MAX_SHAPLEY_DRIVERS = 15;

/** The checked options of `keyDrivers`. */
export interface DriverPlan {
  /** Outcome column. */
  outcome: string;
  /** Driver columns. */
  drivers: string[];
  /** Methods, in output order. */
  methods: DriverMethod[];
  /** Segment columns. */
  by: string[];
  /** Rows with a missing `by` value: left out (`"drop"`) or their own group. */
  missing: MissingGroups;
  /** Bootstrap settings, or `null` without intervals. */
  bootstrap: { resamples: number; seed: number; confidence: number } | null;
  /** Fewest complete rows a group needs (at least drivers + 2). */
  minN: number;
}

/**
 * Checks `keyDrivers`' options against a table's columns (values are not
 * read) and returns the plan; `CxOptionsError` naming the option otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { planDrivers } from "./options.ts";
 * const plan = planDrivers(aq.table({ a: [], b: [], y: [] }), { outcome: "y", drivers: ["a", "b"], method: "both" });
 * assert.deepEqual(plan.methods, ["relative-weights", "shapley"]);
 * ```
 */
export function planDrivers(table: ColumnTable, options: KeyDriversOptions): DriverPlan {
  const { outcome, drivers, method = "relative-weights", bootstrap } = options ?? {};
  requireColumns(table, [outcome], "outcome");
  if (!Array.isArray(drivers) || drivers.length === 0) {
    throw new CxOptionsError(
      `Option "drivers" must list at least one column, e.g. { drivers: ["rating_wait_time", ` +
        `"rating_app"] }; got ${JSON.stringify(drivers)}`,
    );
  }
  requireColumns(table, drivers, "drivers");
  if (new Set(drivers).size !== drivers.length) {
    throw new CxOptionsError(`Option "drivers" names a column twice: ${drivers.join(", ")}`);
  }
  if (drivers.includes(outcome)) {
    throw new CxOptionsError(
      `The outcome "${outcome}" is also listed in "drivers"; remove it from the drivers`,
    );
  }
  if (!["relative-weights", "shapley", "both"].includes(method)) {
    throw new CxOptionsError(
      `Option "method" must be "relative-weights", "shapley" or "both", got ${
        JSON.stringify(method)
      }`,
    );
  }
  const methods: DriverMethod[] = method === "both" ? ["relative-weights", "shapley"] : [method];
  if (methods.includes("shapley") && drivers.length > MAX_SHAPLEY_DRIVERS) {
    throw new CxOptionsError(
      `Shapley values need all 2^${drivers.length} sub-models; with more than ` +
        `${MAX_SHAPLEY_DRIVERS} drivers use method "relative-weights" (it agrees closely)`,
    );
  }
  return {
    outcome,
    drivers,
    methods,
    by: byColumns(table, options.by),
    missing: checkMissing(options.missing),
    bootstrap: resolveBootstrap(bootstrap),
    minN: resolveMinN(options.minN, drivers.length),
  };
}

/** `minN`: a whole number ≥ 1 (default and floor: drivers + 2). */
function resolveMinN(minN: unknown, drivers: number): number {
  if (minN === undefined) return drivers + 2;
  if (typeof minN !== "number" || !Number.isInteger(minN) || minN < 1) {
    throw new CxOptionsError(
      `Option "minN" must be a whole number of at least 1, e.g. 50; got ${JSON.stringify(minN)}`,
    );
  }
  return Math.max(minN, drivers + 2);
}

function resolveBootstrap(
  bootstrap: DriverBootstrap | boolean | undefined,
): DriverPlan["bootstrap"] {
  if (!bootstrap) return null;
  const { resamples = 1000, seed = 1, confidence = 0.95 } = bootstrap === true ? {} : bootstrap;
  checkResamples(resamples, "bootstrap.resamples", 10);
  if (!Number.isInteger(seed)) {
    throw new CxOptionsError(
      `Option "bootstrap.seed" must be a whole number, got ${JSON.stringify(seed)}`,
    );
  }
  checkConfidence(confidence);
  return { resamples, seed, confidence };
}
