/**
 * What the analyses that run in an SQL engine (`kaplanMeier`, `logRank`,
 * `correlateSql`, …) share: choosing the engine, opening the
 * source (an in-memory table is loaded with only the columns needed, a path
 * is scanned by DuckDB, a `{ engine, table }` is read where it is), running
 * compiled queries with `explain`, and the SQL metadata of their results.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { attachMeta, type SqlMeta } from "../meta.ts";
export type { SqlMeta } from "../meta.ts";
import { CxOptionsError } from "../errors.ts";
import { pooled, type TableInput } from "../base/input.ts";
import type { CompiledSql, Relation, ValueType } from "./compile/types.ts";
import type { LoadType } from "./load.ts";
import { scanFile } from "./scan.ts";
import {
  type ColumnInfo,
  fileRelation,
  isTableRef,
  type OpenRelation,
  type Source,
  type SqlEngine,
} from "./engine.ts";

export { sqlEngineOf } from "./engine.ts";

/** Records a result's {@link SqlMeta}; returns the result. */
export function setSqlMeta(result: ColumnTable, meta: SqlMeta): ColumnTable {
  attachMeta(result, { kind: "sql", ...meta });
  return result;
}

/** An opened source: its relation and columns, or the in-memory table still to load. */
export interface OpenedSource {
  /** What to read (a placeholder for in-memory input until {@link loadColumnsNeeded}). */
  relation: Relation;
  /** Columns with the engine's type names (empty type names for in-memory input). */
  columns: ColumnInfo[];
  /** Set for in-memory input. */
  table?: ColumnTable;
  /** Zone of zone-less dates in a scanned file (default `"UTC"`). */
  dateZone?: string;
}

/**
 * Opens a source without reading its rows (in-memory input is pooled, not
 * loaded yet); `dateZone` is the zone of zone-less dates in a scanned file.
 */
export async function openSqlSource(
  engine: SqlEngine,
  source: Source,
  dateZone = "UTC",
): Promise<OpenedSource> {
  if (isTableRef(source)) {
    const relation: Relation = { kind: "table", name: source.table, schema: source.schema };
    return { relation, columns: await engine.columns(relation) };
  }
  if (typeof source === "string" || source instanceof URL) {
    const relation = fileRelation(source);
    if (engine.dialect !== "duckdb") {
      throw new CxOptionsError(
        `Only DuckDB scans files; load ${relation.path} into a ${engine.dialect} table first`,
      );
    }
    return { relation, columns: await engine.columns(relation), dateZone };
  }
  const table = pooled(source as TableInput);
  return {
    relation: { kind: "table", name: "(in memory)" },
    columns: table.columnNames().map((name) => ({ name, type: "" })),
    table,
  };
}

/**
 * A one-row table of nulls with the source's column names: what the
 * in-memory option checks run on, so a wrong option fails with their message.
 */
export function stubTable(columns: ColumnInfo[]): ColumnTable {
  return aq.table(Object.fromEntries(columns.map((c) => [c.name, [null]])));
}

/**
 * Runs `body` on the relation to aggregate: the opened relation, or the
 * needed columns of in-memory input loaded into the engine (dropped after).
 * A scanned file's columns hinted `"timestamp"` are read as text and
 * parsed by cxkit's date rules (see `scanFile`).
 */
export async function withRelation<T>(
  engine: SqlEngine,
  opened: OpenedSource,
  needed: string[],
  hints: Record<string, LoadType>,
  body: (relation: Relation, columns: ColumnInfo[]) => Promise<T>,
): Promise<T> {
  const relation = opened.relation;
  let open: OpenRelation;
  if (opened.table) {
    open = await engine.load(opened.table.select([...new Set(needed)]), hints);
  } else if (relation.kind === "file") {
    const dates = needed.filter((name) => hints[name] === "timestamp");
    open = await scanFile(engine, relation, opened.columns, dates, opened.dateZone ?? "UTC");
  } else return await body(relation, opened.columns);
  try {
    return await body(open.relation, await engine.columns(open.relation));
  } finally {
    await open.drop();
  }
}

/** What a column of this engine type holds: numbers, booleans or other values. */
export function valueTypeOf(engine: SqlEngine, columns: ColumnInfo[], name: string): ValueType {
  const type = columns.find((c) => c.name === name)?.type ?? "";
  if (engine.isNumeric(type)) return "number";
  if (/^(Nullable\()?(bool|boolean)\)?$/i.test(type)) return "boolean";
  return "other";
}

/** Runs queries, passing each to `explain` first and keeping them for {@link SqlMeta}. */
export class QueryLog {
  /** The statements run so far. */
  readonly queries: CompiledSql[] = [];
  /**
   * A log for `engine`; `explain` is `true` (keep the statements for the
   * result's metadata), a function (receives each statement first) or `false`.
   */
  constructor(
    readonly engine: SqlEngine,
    readonly explain: boolean | ((query: CompiledSql) => void) = false,
  ) {
    if (explain !== undefined && typeof explain !== "boolean" && typeof explain !== "function") {
      throw new CxOptionsError(
        `Option "explain" must be true, false or a function receiving each query, got ${typeof explain}`,
      );
    }
  }
  /** Runs one query. */
  async run(query: CompiledSql): Promise<Record<string, unknown>[]> {
    if (typeof this.explain === "function") this.explain(query);
    this.queries.push(query);
    return await this.engine.run(query);
  }
  /** The metadata of a result. */
  meta(): SqlMeta {
    return { engine: this.engine.name, queries: this.explain ? [...this.queries] : [] };
  }
}

/**
 * A value from an engine row as the in-memory path has it: integers that
 * come back as `bigint` (DuckDB, PostgreSQL) or text (ClickHouse 64-bit) as
 * numbers, `undefined` as `null`, and booleans that the engine stored as
 * 0/1 (ClickHouse) as booleans again when the in-memory column held them.
 */
export function plainKey(v: unknown, kind: ValueType): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === "bigint") v = Number(v);
  if (kind === "boolean" && typeof v !== "boolean") return Number(v) === 1;
  if (kind === "number" && typeof v === "string") return Number(v);
  return v;
}

/** How to read back each key column: booleans for in-memory boolean columns, else the engine type. */
export function keyKinds(
  engine: SqlEngine,
  columns: ColumnInfo[],
  table: ColumnTable | undefined,
  names: string[],
): ValueType[] {
  return names.map((name) =>
    holdsBooleans(table, name) ? "boolean" : valueTypeOf(engine, columns, name)
  );
}

/** Whether the in-memory table's column holds booleans (its non-null values). */
export function holdsBooleans(table: ColumnTable | undefined, name: string): boolean {
  if (!table) return false;
  let seen = false;
  const values = table.array(name) as ArrayLike<unknown>;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v !== "boolean") return false;
    seen = true;
  }
  return seen;
}

/** A number from an engine row (bigint, numeric text, null → NaN). */
export function num(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  return Number(v);
}
