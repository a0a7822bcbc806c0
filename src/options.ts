/**
 * Checked options: every public function refuses an option name it does not
 * know (a typo such as `byy` would otherwise be ignored and give a pooled
 * result), and a grouped Arquero table is read as `by` or refused, never
 * pooled silently. A base layer: it imports only the error family.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "./errors.ts";

/**
 * Declares the option names of a function, checked against its options type:
 * TypeScript fails when the list names an option the type lacks, or misses
 * one it has (the error names the missing key), so list and interface cannot
 * drift.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optionNames } from "./options.ts";
 * interface Opts { by?: string; confidence?: number }
 * const OPTS = optionNames<Opts>()(["by", "confidence"]);
 * assert.deepEqual(OPTS, ["by", "confidence"]);
 * ```
 */
export function optionNames<T extends object>(): <const L extends readonly (keyof T & string)[]>(
  names: L & MissingNames<T, L>,
) => L {
  return (names) => names;
}

/** `unknown` when `L` lists every key of `T`; otherwise names the missing keys. */
type MissingNames<T, L extends readonly unknown[]> = [Exclude<keyof T, L[number]>] extends [never]
  ? unknown
  : { missingOptionNames: Exclude<keyof T, L[number]> };

/**
 * A shared option-name list without some names, for options types built with
 * `Omit<Shared, …>`; the result keeps the names' types for {@link optionNames}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutNames } from "./options.ts";
 * assert.deepEqual(withoutNames(["by", "period", "date"] as const, "date"), ["by", "period"]);
 * ```
 */
export function withoutNames<N extends string, X extends N>(
  names: readonly N[],
  ...drop: X[]
): Exclude<N, X>[] {
  return names.filter((n): n is Exclude<N, X> => !(drop as string[]).includes(n));
}

/**
 * Refuses an options value that is not a plain object, and any option name not
 * in `known`, with a {@link CxOptionsError} naming the function, the option
 * and the closest known name. `undefined` options pass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOptions } from "./options.ts";
 * assert.throws(
 *   () => checkOptions("nps", { byy: "channel" }, ["by", "period"]),
 *   /nps: unknown option "byy"; did you mean "by"\?/,
 * );
 * checkOptions("nps", { by: "channel" }, ["by", "period"]);
 * ```
 */
export function checkOptions(fn: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new CxOptionsError(
      `${fn}: options must be an object such as { ${known[0] ?? "…"}: … }, got ${
        describe(options)
      }`,
    );
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    if (name === "weight") {
      // Survey weights are an option of the score KPIs only; elsewhere they must not be ignored.
      throw new CxOptionsError(
        `${fn} cannot be weighted: option "weight" (survey weights) applies to answers of the score KPIs (nps, csat, ces, npsCompare, segment, trend, touchpointOutcomes); ${fn} counts its rows unweighted, so drop the option`,
      );
    }
    const near = closest(name, known);
    const hint = near === undefined
      ? known.length ? `known options: ${known.join(", ")}` : "it takes no options"
      : `did you mean "${near}"?`;
    throw new CxOptionsError(`${fn}: unknown option "${name}"; ${hint}`);
  }
}

/**
 * The checks at a public function's door, in one call: {@link checkOptions},
 * then every Arquero table in `input` (one table or an array of them) is
 * ungrouped, its groups read as `by` ({@link groupsAsBy}) when `known` has a
 * `by`, and refused otherwise ({@link refuseGrouped}). Other inputs (file
 * paths, server tables) pass unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { checkCall } from "./options.ts";
 * const t = aq.table({ channel: ["web", "app"], x: [1, 2] });
 * const opts: { by?: string | string[] } = {};
 * const r = checkCall("nps", t.groupby("channel"), opts, ["by"]);
 * assert.deepEqual(r.options.by, ["channel"]);
 * assert.throws(() => checkCall("rfm", t.groupby("channel"), {}, ["asOf"]), /ungroup/);
 * assert.throws(() => checkCall("nps", t, { byy: "channel" }, ["by"]), /did you mean "by"/);
 * ```
 */
export function checkCall<I, O extends object>(
  fn: string,
  input: I,
  options: O | undefined,
  known: readonly string[],
): { input: I; options: O } {
  checkOptions(fn, options, known);
  let opts = (options ?? {}) as O;
  const ungroup = (t: unknown) => {
    if (!isTable(t)) return t;
    if (!known.includes("by")) {
      refuseGrouped(fn, t);
      return t;
    }
    const r = groupsAsBy(fn, t, opts as { by?: string | string[] });
    opts = r.options as O;
    return r.table;
  };
  const ungrouped = Array.isArray(input) ? input.map(ungroup) : ungroup(input);
  return { input: ungrouped as I, options: opts };
}

function isTable(value: unknown): value is ColumnTable {
  return typeof (value as ColumnTable | null)?.isGrouped === "function";
}

/**
 * Reads a grouped Arquero table (`t.groupby("channel")`) as `by`: returns the
 * ungrouped table and the options with `by` set to its group names. A `by`
 * that names other columns is refused; an ungrouped table passes unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { groupsAsBy } from "./options.ts";
 * const t = aq.table({ channel: ["web", "app"], x: [1, 2] }).groupby("channel");
 * const { table, options } = groupsAsBy("nps", t, {});
 * assert.deepEqual(options.by, ["channel"]);
 * assert.equal(table.isGrouped(), false);
 * ```
 */
export function groupsAsBy<O extends { by?: string | string[] }>(
  fn: string,
  table: ColumnTable,
  options: O | undefined,
): { table: ColumnTable; options: O & { by?: string | string[] } } {
  const opts = (options ?? {}) as O;
  if (!table.isGrouped()) return { table, options: opts };
  const names = groupNames(table);
  const derived = names.filter((n) => !table.columnNames().includes(n));
  if (derived.length) {
    throw new CxOptionsError(
      `${fn}: the table is grouped by ${
        list(derived)
      }, computed keys that are not columns; derive them as columns (t.derive(…)) and pass by`,
    );
  }
  const by = opts.by === undefined ? undefined : Array.isArray(opts.by) ? opts.by : [opts.by];
  if (by !== undefined && by.join("\u0000") !== names.join("\u0000")) {
    throw new CxOptionsError(
      `${fn}: the table is grouped by ${list(names)} but option "by" is ${
        list(by)
      }; ungroup the table (t.ungroup()) or pass the same by`,
    );
  }
  const single = names.length === 1 && typeof opts.by === "string";
  return { table: table.ungroup(), options: { ...opts, by: single ? names[0] : names } };
}

/**
 * Refuses a grouped Arquero table where the function has no `by` to read the
 * groups into (it would otherwise pool them silently).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { refuseGrouped } from "./options.ts";
 * const t = aq.table({ channel: ["web"] });
 * assert.throws(() => refuseGrouped("rfm", t.groupby("channel")), /ungroup/);
 * refuseGrouped("rfm", t);
 * ```
 */
export function refuseGrouped(fn: string, table: ColumnTable): void {
  if (!table.isGrouped()) return;
  throw new CxOptionsError(
    `${fn}: the table is grouped by ${
      list(groupNames(table))
    }, and ${fn} has no by option; ungroup it first (t.ungroup())`,
  );
}

function groupNames(table: ColumnTable): string[] {
  return (table.groups() as { names: string[] }).names;
}

function list(names: string[]): string {
  return names.map((n) => JSON.stringify(n)).join(", ");
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** The known name nearest by edit distance, if near enough to be a likely typo. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 2)) ? best : undefined;
}

/**
 * Optimal string alignment distance: insert, delete, substitute and swap two
 * neighbouring letters each cost 1 (Damerau–Levenshtein without repeated
 * edits of a substring). Shared by the option and the mapping typo hints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { editDistance } from "./options.ts";
 * assert.equal(editDistance("cast", "csat"), 1);
 * assert.equal(editDistance("nps", "nps_score"), 6);
 * ```
 */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
