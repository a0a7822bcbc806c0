/**
 * The one dispatcher: every analysis that can run in an SQL engine is made
 * with {@link withEngine}, which holds the rule "aggregate in memory or in
 * SQL, finalize in the same TypeScript". Without an engine the analysis runs
 * in memory and returns its table; given `engine` (DuckDB, PostgreSQL or
 * ClickHouse), a `{ engine, table }` server table or a CSV/Parquet path, it
 * opens the source, runs the analysis's own SQL step and resolves to the
 * same table, with `engine` and (with `explain`) the SQL in `meta(result)`.
 * An analysis that cannot be pushed down says why, in one wording
 * ({@link refuseEngine}).
 *
 * The dispatcher knows no analysis: each analysis keeps its SQL step beside
 * its aggregate and finalize steps, and hands both to {@link withEngine}.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { TableInput } from "../base/input.ts";
import { CxOptionsError } from "../errors.ts";
import { attachMeta } from "../meta.ts";
import { checkCall, optionNames } from "../options.ts";
import { checkTimeZone } from "../time/zone.ts";
import type { CompiledSql } from "./compile/types.ts";
import { isTableRef, type Source, type SqlEngine, sqlEngineOf, type TableRef } from "./engine.ts";
import { type OpenedSource, openSqlSource, QueryLog, stubTable } from "./source.ts";

/** Options every analysis takes to run in an SQL engine, beside its own. */
export interface EngineOptions {
  /**
   * The SQL engine the aggregate step runs in (`duckdbEngine()`,
   * `postgresEngine(…)`, `clickhouseEngine(…)`); optional when the input is
   * a `{ engine, table }` reference. Leave it out to run in memory.
   */
  engine?: SqlEngine;
  /**
   * `true`: record every statement in `meta(result).queries`; a function:
   * receive each statement before it runs (e.g. to print it).
   */
  explain?: boolean | ((query: CompiledSql) => void);
  /**
   * IANA zone of dates and zone-less timestamps in the engine's source
   * (default `"UTC"`, like readCsv's `timeZone`); taken by analyses that read
   * dates. Timestamps with a zone are instants.
   */
  dateZone?: string;
  /**
   * Cancels the call: its queries stop on the server too, and the Promise
   * rejects with a `CxEngineError` (`failure: "cancelled"`), e.g.
   * `AbortSignal.timeout(30_000)`. (Each engine also has its own `timeoutMs`.)
   */
  signal?: AbortSignal;
}

/** The names of {@link EngineOptions}. */
export const ENGINE_OPTIONS: readonly (keyof EngineOptions)[] = optionNames<EngineOptions>()([
  "engine",
  "explain",
  "dateZone",
  "signal",
]);

/** The SQL side of one call, handed to an analysis's SQL step. */
export interface EngineCall {
  /** The engine. */
  readonly engine: SqlEngine;
  /** Runs the queries (and records them for `explain`). */
  readonly log: QueryLog;
  /** The opened source: its relation and columns, or the in-memory table still to load. */
  readonly source: OpenedSource;
  /** Zone of zone-less dates in the source (option `dateZone`, default `"UTC"`). */
  readonly dateZone: string;
  /**
   * The in-memory table, or a one-row table of nulls with the source's
   * columns: run the in-memory option checks on it, so a wrong option fails
   * with the same message in both paths.
   */
  readonly table: ColumnTable;
}

/** How an analysis runs: its name and options, its in-memory path and its SQL step. */
export interface EngineSpec<O extends object> {
  /** The public name, as error messages give it. */
  name: string;
  /** Its own option names; {@link ENGINE_OPTIONS} are added (`dateZone` only with `dates`). */
  options: readonly string[];
  /** Whether the analysis reads dates, so `dateZone` applies. */
  dates?: boolean;
  /** The in-memory analysis (aggregate and finalize). */
  memory(input: TableInput, options: O): ColumnTable;
  /**
   * The SQL step: aggregate in the engine, finalize with the same TypeScript
   * as `memory`. Or `{ refuse }`, the reason it cannot be pushed down.
   */
  sql: ((call: EngineCall, options: O) => Promise<ColumnTable>) | { refuse: string };
}

/**
 * An analysis made by {@link withEngine}: a table in memory, a Promise of
 * the same table in an engine.
 */
export interface EngineAnalysis<O extends object> {
  /** In memory. */
  (input: TableInput, options?: O): ColumnTable;
  /** The aggregate step in `options.engine`. */
  (input: Source, options: O & EngineOptions & { engine: SqlEngine }): Promise<ColumnTable>;
  /** A server table `{ engine, table }` (or a path with `engine`). */
  (input: TableRef | string | URL, options?: O & EngineOptions): Promise<ColumnTable>;
}

/**
 * Makes an analysis that runs in memory or, given an SQL engine, pushes its
 * aggregate step down and resolves to the same table. Options are checked at
 * the door (unknown ones refused, a grouped table read as `by`); `explain`
 * and `dateZone` without an engine are refused, never ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { withEngine } from "./dispatch.ts";
 * import { duckdbEngine } from "./duckdb.ts";
 * import { meta } from "../meta.ts";
 * import { pooled } from "../base/input.ts";
 * const rows = withEngine<{ label?: string }>({
 *   name: "rows",
 *   options: ["label"],
 *   memory: (t) => aq.table({ n: [pooled(t).numRows()] }),
 *   sql: async (call) => {
 *     const from = call.source.table ? "(SELECT 2)" : "x";
 *     const [row] = await call.log.run({
 *       dialect: call.engine.dialect, sql: `SELECT count(*) AS n FROM ${from}`,
 *       params: [], keys: [], measures: ["n"],
 *     });
 *     return aq.table({ n: [Number(row.n)] });
 *   },
 * });
 * const t = aq.table({ x: [1, 2] });
 * assert.equal(rows(t).get("n", 0), 2);
 * const engine = duckdbEngine();
 * const r = await rows(t, { engine, explain: true });
 * assert.equal(meta(r).engine, "duckdb :memory:");
 * assert.equal(meta(r).queries?.length, 1);
 * assert.throws(() => rows(t, { explain: true } as object), /"explain" needs an SQL engine/);
 * assert.throws(() => rows(t, { lable: "x" } as object), /did you mean "label"/);
 * await engine.close();
 * ```
 */
export function withEngine<O extends object>(spec: EngineSpec<O>): EngineAnalysis<O> {
  const known = [
    ...new Set([
      ...spec.options,
      ...ENGINE_OPTIONS.filter((name) => spec.dates || name !== "dateZone"),
    ]),
  ];
  const analysis = (source: Source, given?: O & EngineOptions) => {
    const { input, options } = checkCall(spec.name, source, given, known);
    if (!runsInEngine(input, options)) {
      for (const name of ["explain", "dateZone", "signal"] as const) {
        if (options[name] !== undefined) {
          throw new CxOptionsError(
            `${spec.name}: option "${name}" needs an SQL engine (option "engine", or a { engine, table } source); leave it out in memory`,
          );
        }
      }
      return spec.memory(input as TableInput, options as O);
    }
    if (typeof spec.sql !== "function") refuseEngine(spec.name, spec.sql.refuse);
    return inEngine(spec.sql, input, options);
  };
  ANALYSES.set(analysis, { name: spec.name, pushdown: typeof spec.sql === "function" });
  return analysis as EngineAnalysis<O>;
}

const ANALYSES = new WeakMap<object, { name: string; pushdown: boolean }>();

/**
 * How {@link withEngine} made a function: its name and whether it pushes
 * down (`false`: it refuses an engine), or `undefined` for any other value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { engineSupport, withEngine } from "./dispatch.ts";
 * const rows = withEngine<{ label?: string }>({
 *   name: "rows",
 *   options: ["label"],
 *   memory: () => aq.table({}),
 *   sql: { refuse: "it is an example" },
 * });
 * assert.deepEqual(engineSupport(rows), { name: "rows", pushdown: false });
 * assert.equal(engineSupport(() => 1), undefined);
 * ```
 */
export function engineSupport(fn: unknown): { name: string; pushdown: boolean } | undefined {
  return typeof fn === "function" ? ANALYSES.get(fn) : undefined;
}

/**
 * Refuses to run an analysis in an SQL engine, in the one wording every
 * analysis uses: what cannot be pushed down, and what to do instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseEngine } from "./dispatch.ts";
 * assert.throws(
 *   () => refuseEngine("firstResponseTime", "medians need every duration, not sums"),
 *   /^CxOptionsError: firstResponseTime cannot run in an SQL engine: medians need every duration/,
 * );
 * ```
 */
export function refuseEngine(name: string, reason: string): never {
  throw new CxOptionsError(
    `${name} cannot run in an SQL engine: ${reason}. Pass an Arquero table (load it with readCsv, or SELECT the rows you need from the engine) and leave out "engine"`,
  );
}

/**
 * Whether a call runs in an SQL engine: `options.engine` is given, or the
 * input is a server table `{ engine, table }` or a CSV/Parquet path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { runsInEngine } from "./dispatch.ts";
 * assert.equal(runsInEngine(aq.table({ x: [1] }), {}), false);
 * assert.equal(runsInEngine("answers.parquet", {}), true);
 * ```
 */
export function runsInEngine(source: unknown, options: { engine?: unknown } | undefined): boolean {
  return options?.engine !== undefined || isTableRef(source) || typeof source === "string" ||
    source instanceof URL;
}

async function inEngine<O extends object>(
  sql: (call: EngineCall, options: O) => Promise<ColumnTable>,
  source: Source,
  options: O & EngineOptions,
): Promise<ColumnTable> {
  const { engine: given, explain, dateZone = "UTC", signal, ...rest } = options;
  const engine = withSignal(sqlEngineOf(source, given), signal);
  checkTimeZone(dateZone, "dateZone");
  const log = new QueryLog(engine, explain);
  const opened = await openSqlSource(engine, source, dateZone);
  const table = opened.table ?? stubTable(opened.columns);
  const result = await sql({ engine, log, source: opened, dateZone, table }, rest as O);
  return attachMeta(result, { kind: "sql", ...log.meta() });
}

/** The engine with `signal` passed to every call it makes (the engine itself when there is none). */
function withSignal(engine: SqlEngine, signal: AbortSignal | undefined): SqlEngine {
  if (signal === undefined) return engine;
  if (!(signal instanceof AbortSignal)) {
    throw new CxOptionsError(
      `Option "signal" must be an AbortSignal (e.g. AbortSignal.timeout(30_000)), got ${typeof signal}`,
    );
  }
  const bound: SqlEngine = Object.create(engine);
  bound.run = (query, o) => engine.run(query, { signal, ...o });
  bound.columns = (relation, o) => engine.columns(relation, { signal, ...o });
  bound.load = (table, hints, o) => engine.load(table, hints, { signal, ...o });
  return bound;
}
