/**
 * The cxkit error family. Every message names the column or option, the bad
 * value and what to do about it, so an analyst can fix the input without
 * reading the source.
 *
 * @module
 */

/** A problem found in one row and column of the input. */
export interface CxProblem {
  /** Spreadsheet row number (the header is row 1), or `null` for whole-file problems. */
  row: number | null;
  /** Canonical column name (after mapping), or `null`. */
  column: string | null;
  /** The raw value as read, or `null`. */
  value: string | null;
  /** What is wrong and how to fix it. */
  reason: string;
}

/**
 * Base class of every error cxkit throws on purpose.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CxError } from "./errors.ts";
 * try {
 *   throw new CxError("something went wrong");
 * } catch (e) {
 *   assert.ok(e instanceof CxError);
 * }
 * ```
 */
export class CxError extends Error {
  /** Builds an error with a message that says what to fix. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Bad data: values out of range, unparseable dates, impossible orderings.
 * Carries the first problems found (row, column, value, reason).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CxDataError } from "./errors.ts";
 * const e = new CxDataError([{ row: 3, column: "nps_score", value: "11", reason: "above 10" }]);
 * assert.ok(e.message.includes("row 3"));
 * ```
 */
export class CxDataError extends CxError {
  /** The problems, in file order (at most the first 20 are kept). */
  readonly problems: CxProblem[];
  /** Builds the error from its problems; `total` is how many there were in all. */
  constructor(problems: CxProblem[], total = problems.length, intro = "Invalid data") {
    const shown = problems.slice(0, 20);
    const lines = shown.map((p) =>
      `  row ${p.row ?? "-"}, column ${p.column ?? "-"}, value ${
        p.value === null ? "(empty)" : JSON.stringify(p.value)
      }: ${p.reason}`
    );
    const more = total > shown.length ? `\n  … and ${total - shown.length} more` : "";
    super(`${intro}: ${total} problem${total === 1 ? "" : "s"}\n${lines.join("\n")}${more}`);
    this.problems = shown;
  }
}

/**
 * The table's columns do not fit the schema: a required column is missing or a
 * mapping names a column that is not there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CxSchemaError } from "./errors.ts";
 * const e = new CxSchemaError('Required column "date" is missing');
 * assert.ok(e.name === "CxSchemaError");
 * ```
 */
export class CxSchemaError extends CxError {}

/**
 * An option has an impossible value (unknown period, confidence of 1.5, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CxOptionsError } from "./errors.ts";
 * const e = new CxOptionsError('Option "delimiter" must be one character, got "ab"');
 * assert.ok(e instanceof Error);
 * ```
 */
export class CxOptionsError extends CxError {}

/** What went wrong with an SQL engine, as {@link CxEngineError} classifies it. */
export type EngineFailure =
  | "timeout"
  | "cancelled"
  | "network"
  | "authentication"
  | "permission"
  | "missing"
  | "server";

/** Where and how an engine call failed; the fields of a {@link CxEngineError}. */
export interface EngineFailureDetails {
  /** The engine's dialect: `"postgres"`, `"clickhouse"` or `"duckdb"`. */
  engine: string;
  /** `host:port` (or the file/`:memory:` for DuckDB); never a credential. */
  host: string;
  /** The kind of failure. */
  failure: EngineFailure;
  /** Milliseconds from the start of the call to the failure. */
  elapsedMs: number;
  /** The server's or network's own words, with every credential removed. */
  detail: string;
}

const FAILURES: Record<EngineFailure, string> = {
  timeout: "timed out",
  cancelled: "was cancelled",
  network: "could not be reached",
  authentication: "refused the credentials",
  permission: "refused the statement for lack of rights",
  missing: "does not have a table or column the call names",
  server: "reported an error",
};

/**
 * An SQL engine failed: network, timeout, cancellation, credentials, rights,
 * a missing table or a server error. The message names the engine, host and
 * port and the elapsed time, never a password.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CxEngineError } from "./errors.ts";
 * const e = new CxEngineError({
 *   engine: "clickhouse", host: "127.0.0.1:8123", failure: "timeout", elapsedMs: 2004,
 *   detail: "no answer within 2 s",
 * });
 * assert.equal(e.message, "clickhouse at 127.0.0.1:8123 timed out after 2.0 s: no answer within 2 s");
 * assert.equal(e.failure, "timeout");
 * ```
 */
export class CxEngineError extends CxError implements EngineFailureDetails {
  /** The engine's dialect. */
  readonly engine: string;
  /** `host:port`. */
  readonly host: string;
  /** The kind of failure. */
  readonly failure: EngineFailure;
  /** Milliseconds from the start of the call to the failure. */
  readonly elapsedMs: number;
  /** The server's or network's words, scrubbed. */
  readonly detail: string;
  /** Builds the error from where and how the call failed. */
  constructor(details: EngineFailureDetails) {
    const { engine, host, failure, elapsedMs, detail } = details;
    super(
      `${engine} at ${host} ${FAILURES[failure]} after ${
        (elapsedMs / 1000).toFixed(1)
      } s: ${detail}`,
    );
    this.engine = engine;
    this.host = host;
    this.failure = failure;
    this.elapsedMs = elapsedMs;
    this.detail = detail;
  }
}
