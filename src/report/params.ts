/**
 * Notebook parameters: `deno task notebooks --data DIR --period P --segment
 * C` (or `executeNotebooks({ params })`) hands them to every notebook's
 * kernel as environment variables `CXKIT_DATA`, `CXKIT_PERIOD`,
 * `CXKIT_SEGMENT`, `CXKIT_FROM`, `CXKIT_TO`; a notebook's first cell reads
 * them with {@link notebookParams}, with defaults for a hand-run notebook. So
 * the same notebook renders for another team's data folder without editing.
 *
 * @module
 */
import { resolve } from "node:path";
import { CxOptionsError } from "../errors.ts";
import { checkPeriod, type Period } from "../time/period.ts";
import { utcFromParts } from "../time/zone.ts";
import { checkOptions } from "../options.ts";

/** The parameter names (`data` → `CXKIT_DATA`). */
export type NotebookParamName = "data" | "period" | "segment" | "from" | "to";

/** The parameters a notebook runs with. */
export interface NotebookParams {
  /** Data folder (with its `cxkit.json`), absolute when set by `deno task notebooks`. */
  data: string;
  /** Period length of time series. */
  period: Period;
  /** Column to break results down by. */
  segment: string;
  /** First day to include (`YYYY-MM-DD`), if any. */
  from?: string;
  /** Last day to include (`YYYY-MM-DD`), if any. */
  to?: string;
}

const NAMES: readonly NotebookParamName[] = ["data", "period", "segment", "from", "to"];

/**
 * The notebook's parameters: each `CXKIT_<NAME>` environment variable when
 * set (by `deno task notebooks`), else the default given, else `data:
 * "../data/sample"`, `period: "month"`, `segment: "channel"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookParams } from "./params.ts";
 * const params = notebookParams({ period: "quarter" });
 * assert.equal(params.period, Deno.env.get("CXKIT_PERIOD") ?? "quarter");
 * assert.equal(params.segment, Deno.env.get("CXKIT_SEGMENT") ?? "channel");
 * ```
 */
export function notebookParams(defaults: Partial<NotebookParams> = {}): NotebookParams {
  checkOptions("notebookParams", defaults, NAMES);
  const read = (name: NotebookParamName): string | undefined => {
    try {
      const value = Deno.env.get(`CXKIT_${name.toUpperCase()}`);
      return value === undefined || value === "" ? undefined : value;
    } catch {
      return undefined; // no --allow-env: defaults only
    }
  };
  const period = read("period") ?? defaults.period ?? "month";
  checkPeriod(period);
  const params: NotebookParams = {
    data: read("data") ?? defaults.data ?? "../data/sample",
    period,
    segment: read("segment") ?? defaults.segment ?? "channel",
  };
  const from = read("from") ?? defaults.from;
  const to = read("to") ?? defaults.to;
  checkDayRange(from, to);
  if (from !== undefined) params.from = from;
  if (to !== undefined) params.to = to;
  return params;
}

/**
 * The environment variables for a set of parameters (`data` made absolute).
 * Unknown names are rejected, so a typo does not silently do nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paramEnv } from "./params.ts";
 * const env = paramEnv({ data: "/srv/team-b", period: "quarter" });
 * assert.deepEqual(env, { CXKIT_DATA: "/srv/team-b", CXKIT_PERIOD: "quarter" });
 * assert.throws(() => paramEnv({ segmnet: "region" }), /Unknown notebook parameter/);
 * ```
 */
export function paramEnv(params: Partial<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (!NAMES.includes(name as NotebookParamName)) {
      throw new CxOptionsError(
        `Unknown notebook parameter ${JSON.stringify(name)}; known: ${NAMES.join(", ")}`,
      );
    }
    env[`CXKIT_${name.toUpperCase()}`] = name === "data" ? absolute(value) : value;
  }
  return env;
}

/**
 * Throws a `CxOptionsError` unless `from` and `to` (each optional) are days
 * that exist, written `YYYY-MM-DD`, with `from` not after `to`. The one check
 * of `--from`/`--to` and `CXKIT_FROM`/`CXKIT_TO`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDayRange } from "./params.ts";
 * checkDayRange("2024-02-29", "2024-03-31");
 * assert.throws(() => checkDayRange("2024-02-30", undefined), /"from": "2024-02-30" is no such day/);
 * assert.throws(() => checkDayRange("2024-03-02", "2024-03-01"), /after "to"/);
 * ```
 */
export function checkDayRange(from: string | undefined, to: string | undefined): void {
  for (const [option, day] of [["from", from], ["to", to]] as const) {
    if (day === undefined) continue;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    if (!m) {
      throw new CxOptionsError(
        `Option "${option}" must be a day as YYYY-MM-DD, got ${JSON.stringify(day)}`,
      );
    }
    if (utcFromParts(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, 0) === undefined) {
      throw new CxOptionsError(
        `Option "${option}": ${JSON.stringify(day)} is no such day (check the month's length)`,
      );
    }
  }
  if (from !== undefined && to !== undefined && from > to) {
    throw new CxOptionsError(
      `Option "from" (${from}) is after "to" (${to}): nothing would be included; swap them`,
    );
  }
}

function absolute(path: string): string {
  return resolve(path);
}
