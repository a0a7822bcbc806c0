/**
 * Personal data in a table's text columns: where it is (`findPii`) and the
 * same table with it replaced by placeholders (`redactPii`). The detectors
 * themselves live in `src/privacy/pii.ts`, a base layer, so that the CSV
 * and Parquet writers can redact with the very same rules.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { checkCall, optionNames } from "../options.ts";
import {
  checkPiiOptions,
  findPiiInText,
  isEmptyColumn,
  isTextColumn,
  type PiiKind,
  type PiiLanguage,
  redactColumns,
} from "../privacy/pii.ts";

export { PII_KINDS, PII_LABELS, type PiiKind, type PiiLanguage } from "../privacy/pii.ts";

/** Options of {@link findPii}. */
export interface FindPiiOptions {
  /** Columns to search (default: every text column, i.e. every column whose values are strings). */
  columns?: string | string[];
  /** Kinds to look for (default all: `"email"`, `"phone"`, `"iban"`, `"card"`). */
  kinds?: PiiKind[];
}

/** Options of {@link redactPii}. */
export interface RedactPiiOptions extends FindPiiOptions {
  /**
   * Language of the placeholders (default `"de"`: `[E-Mail]`, `[Telefon]`,
   * `[IBAN]`, `[Karte]`; `"en"`: `[email]`, `[phone]`, `[IBAN]`, `[card]`).
   */
  language?: PiiLanguage;
}

/** The names of {@link FindPiiOptions}. */
export const FIND_PII_OPTIONS = optionNames<FindPiiOptions>()(["columns", "kinds"]);
/** The names of {@link RedactPiiOptions}. */
export const REDACT_PII_OPTIONS = optionNames<RedactPiiOptions>()([
  "columns",
  "kinds",
  "language",
]);

/** The {@link findPii} result columns, in order. */
export const PII_COLUMNS: readonly string[] = ["row", "column", "kind", "start", "end"];

/**
 * Where personal data stands in a table's text: one row per find, with
 * `row` (1 = the table's first row), `column`, `kind` (`"email"`,
 * `"phone"`, `"iban"`, `"card"`) and `start`/`end` (the find is
 * `value.slice(start, end)`, offsets in UTF-16 code units as JavaScript
 * strings count them), sorted by row, column order and start. What counts
 * as each kind, and what is deliberately left alone (dates, times, prices,
 * version numbers, postcodes, order numbers), is documented at
 * `findPiiInText` in `src/privacy/pii.ts`: e-mail addresses, German and
 * international phone numbers, IBANs passing the mod-97 check and card
 * numbers passing the Luhn check.
 *
 * `columns` defaults to every text column (every column whose non-missing
 * values are all strings); a named column that holds anything else is a
 * `CxOptionsError`, and so is an unknown column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { findPii } from "./pii.ts";
 * const t = aq.table({
 *   nps_score: [3, 10],
 *   comment: ["Ruf an: 0151 12345678", "Bestellung 4711 vom 12.03.2024"],
 * });
 * assert.deepEqual(findPii(t).objects(), [
 *   { row: 1, column: "comment", kind: "phone", start: 8, end: 21 },
 * ]);
 * ```
 */
export function findPii(table: ColumnTable, options: FindPiiOptions = {}): ColumnTable {
  ({ input: table, options } = checkCall("findPii", table, options, FIND_PII_OPTIONS));
  const { kinds } = checkPiiOptions({ kinds: options.kinds });
  const rows: { row: number; column: string; kind: PiiKind; start: number; end: number }[] = [];
  for (const column of textColumns(table, options.columns, "findPii")) {
    const values = table.array(column) as ArrayLike<unknown>;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== "string") continue;
      for (const m of findPiiInText(v, kinds)) {
        rows.push({ row: i + 1, column, kind: m.kind, start: m.start, end: m.end });
      }
    }
  }
  rows.sort((a, b) => a.row - b.row);
  return aq.table(Object.fromEntries(PII_COLUMNS.map((c) => [c, rows.map((r) => r[c as "row"])])));
}

/**
 * The same table with personal data in its text columns replaced by
 * placeholders (`[E-Mail]`, `[Telefon]`, `[IBAN]`, `[Karte]` with the
 * default `language: "de"`; `[email]`, `[phone]`, `[IBAN]`, `[card]` with
 * `"en"`). Other columns and the column order are unchanged; missing values
 * stay missing. What is found is what {@link findPii} finds, with the same
 * `columns` and `kinds`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { redactPii } from "./pii.ts";
 * const t = aq.table({
 *   comment: ["Mail: anna@example.org, IBAN DE89 3704 0044 0532 0130 00", null],
 *   nps_score: [2, 9],
 * });
 * assert.deepEqual(redactPii(t).objects(), [
 *   { comment: "Mail: [E-Mail], IBAN [IBAN]", nps_score: 2 },
 *   { comment: null, nps_score: 9 },
 * ]);
 * assert.equal(
 *   redactPii(t, { language: "en", kinds: ["email"] }).get("comment", 0),
 *   "Mail: [email], IBAN DE89 3704 0044 0532 0130 00",
 * );
 * ```
 */
export function redactPii(table: ColumnTable, options: RedactPiiOptions = {}): ColumnTable {
  ({ input: table, options } = checkCall("redactPii", table, options, REDACT_PII_OPTIONS));
  const checked = checkPiiOptions(options);
  return redactColumns(table, textColumns(table, options.columns, "redactPii"), checked);
}

/**
 * The columns to search: the named ones (each must exist and hold text) or
 * every text column.
 */
function textColumns(
  table: ColumnTable,
  columns: string | string[] | undefined,
  fn: string,
): string[] {
  if (columns === undefined) return table.columnNames().filter((c) => isTextColumn(table, c));
  const named = Array.isArray(columns) ? columns : [columns];
  for (const c of named) {
    if (typeof c !== "string" || !table.columnNames().includes(c)) {
      throw new CxOptionsError(
        `${fn}: option "columns" names ${JSON.stringify(c)}, which is not a column; columns: ${
          table.columnNames().join(", ")
        }`,
      );
    }
    if (!isTextColumn(table, c) && !isEmptyColumn(table, c)) {
      throw new CxOptionsError(
        `${fn}: column "${c}" holds values that are not text; name only text columns in "columns"`,
      );
    }
  }
  return named;
}
