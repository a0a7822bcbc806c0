/**
 * Identifiers and values in SQL text: quoting, ClickHouse literals, the
 * binder of parameters, the relation an aggregate reads and the reserved
 * alias prefix.
 *
 * DuckDB and PostgreSQL get positional parameters (`$1`, `$2`, …).
 * ClickHouse 18.16 has no query parameters (`{name:Type}` arrived in 19.x),
 * so its values are written as escaped literals by the same binder.
 *
 * @module
 */
import { CxOptionsError } from "../../errors.ts";
import type { Dialect, Relation } from "./types.ts";

/** Prefix of every output alias; source columns may not start with it. */
export const ALIAS_PREFIX = "__cx_";

/**
 * Refuses source columns whose names start with {@link ALIAS_PREFIX}, which
 * cxkit reserves for the aliases of its queries.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkAliases } from "./quote.ts";
 * checkAliases(["channel"]);
 * assert.throws(() => checkAliases(["__cx_k0"]), /reserves for its SQL aliases/);
 * ```
 */
export function checkAliases(columns: readonly string[]): void {
  const clash = columns.find((c) => c.startsWith(ALIAS_PREFIX));
  if (clash !== undefined) {
    throw new CxOptionsError(
      `Column ${
        JSON.stringify(clash)
      } starts with "${ALIAS_PREFIX}", which cxkit reserves for its SQL aliases; rename it`,
    );
  }
}

/**
 * Quotes an identifier for a dialect, so any column or table name (quotes,
 * semicolons, `--`, unicode) is read as a name and never as SQL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteIdent } from "./quote.ts";
 * assert.equal(quoteIdent('a"b', "duckdb"), '"a""b"');
 * assert.equal(quoteIdent("a`b", "clickhouse"), "`a\\`b`");
 * ```
 */
export function quoteIdent(name: string, dialect: Dialect): string {
  if (typeof name !== "string" || name.length === 0 || name.includes("\0")) {
    throw new CxOptionsError(
      `Column and table names must be non-empty text without NUL characters, got ${
        JSON.stringify(name)
      }`,
    );
  }
  if (dialect === "clickhouse") return "`" + name.replace(/[\\`]/g, (c) => "\\" + c) + "`";
  return '"' + name.replaceAll('"', '""') + '"';
}

/**
 * A ClickHouse string or number literal: the only way to pass values to
 * ClickHouse 18.16, which has no query parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clickhouseLiteral } from "./quote.ts";
 * assert.equal(clickhouseLiteral("it's"), "'it\\'s'");
 * assert.equal(clickhouseLiteral(7), "7");
 * ```
 */
export function clickhouseLiteral(value: string | number): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new CxOptionsError(`Values passed to ClickHouse must be finite numbers, got ${value}`);
    }
    return String(value);
  }
  const escaped = value.replace(
    /[\\'\0\n\r\t]/g,
    (c) =>
      c === "\0" ? "\\0" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : "\\" + c,
  );
  return `'${escaped}'`;
}

/** Collects bound values and returns the placeholder (or ClickHouse literal) for each. */
export class Binder {
  /** The bound values, in placeholder order (none for ClickHouse). */
  readonly params: (string | number)[] = [];
  /** A binder for one query in `dialect`. */
  constructor(readonly dialect: Dialect) {}
  /** The placeholder of `value` (`$n`), or its ClickHouse literal. */
  bind(value: string | number): string {
    if (this.dialect === "clickhouse") return clickhouseLiteral(value);
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new CxOptionsError(`Bound numbers must be finite, got ${value}`);
    }
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** The `FROM` item of a relation: a quoted table name, or DuckDB's file scan. */
export function relationSql(relation: Relation, dialect: Dialect, b: Binder): string {
  if (relation.kind === "file") {
    if (dialect !== "duckdb") {
      throw new CxOptionsError(
        `Only DuckDB scans files; load ${relation.path} into a ${dialect} table first`,
      );
    }
    return `${relation.format === "parquet" ? "read_parquet" : "read_csv"}(${
      b.bind(relation.path)
    })`;
  }
  const name = quoteIdent(relation.name, dialect);
  return relation.schema === undefined ? name : `${quoteIdent(relation.schema, dialect)}.${name}`;
}

/** An SQL expression cast to a double. */
export function doubleSql(x: string, dialect: Dialect): string {
  return dialect === "clickhouse"
    ? `toFloat64(${x})`
    : `CAST(${x} AS ${dialect === "postgres" ? "double precision" : "DOUBLE"})`;
}
