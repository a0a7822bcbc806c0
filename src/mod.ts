/**
 * cxkit: customer-experience analytics for Deno scripts and Jupyter notebooks.
 *
 * Load survey answers, tickets, customers and events through validated
 * loaders, compute KPIs as tidy Arquero tables, and draw them with
 * Observable Plot.
 *
 * ```ts
 * import { readCsv } from "./mod.ts";
 * const { table, rejects } = await readCsv("response_id,date,nps_score\nr1,2024-01-05,9\n", {
 *   schema: "responses",
 * });
 * console.assert(table.numRows() === 1 && rejects.numRows() === 0);
 * ```
 *
 * @module
 */

// errors
export { CxDataError, CxError, CxOptionsError, CxSchemaError } from "./errors.ts";
export type { CxProblem } from "./errors.ts";
