/**
 * cxkit/io: the parsing and schema helpers under the loaders.
 *
 * The loaders and writers (`readCsv`, `readJson`, `writeParquet`, …), the row schemas and
 * `validate` are in the main entry. This entry holds the pieces they are built from, for code
 * that parses values or checks columns itself: the number and date parsers the loaders use
 * (`parseNumber`, `makeDateParser`), a schema's column specs (`columnSpecs`), the canonical schema
 * lookup (`canonicalSchema`) and the JSON nesting limit (`MAX_JSON_DEPTH`).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNumber } from "./io.ts";
 * assert.equal(parseNumber("1.234,5", ","), 1234.5);
 * ```
 *
 * @module
 */

export { makeDateParser, parseNumber } from "../io/parse.ts";
export type { DateNote, DateParserOptions, SlashOrder } from "../io/parse.ts";
export { columnSpecs } from "../schema/fields.ts";
export type { ColumnKind, ColumnSpec } from "../schema/fields.ts";
export { canonicalSchema } from "../schema/canonical.ts";
export type { CanonicalName, SchemaInput } from "../schema/canonical.ts";
export { MAX_JSON_DEPTH } from "../io/json.ts";
export { toCsv } from "../io/csv.ts";
export { readArrow } from "../io/arrow.ts";
export { writeArrow } from "../io/parquet.ts";
export { readCsvDuckdb } from "../io/csv_large.ts";
export { CodedColumn, compactTable, InstantColumn } from "../kernels/columns.ts";
export type { CodeArray, CompactOptions } from "../kernels/columns.ts";
