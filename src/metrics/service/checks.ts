/**
 * Value checks of tickets tables: the first problems and their count, a
 * date check naming the ticket, for the `CxDataError`s of the service KPIs.
 *
 * @module
 */
import { CxDataError, type CxProblem } from "../../errors.ts";

/** Collects the first problems and how many there were. */
export class Problems {
  readonly list: CxProblem[] = [];
  total = 0;
  constructor(readonly intro: string) {}
  add(i: number, column: string, value: unknown, reason: string): void {
    this.total++;
    if (this.list.length < 20) {
      const shown = value instanceof Date && !Number.isNaN(value.getTime())
        ? value.toISOString()
        : value === null || value === undefined
        ? null
        : String(value);
      this.list.push({ row: i + 1, column, value: shown, reason });
    }
  }
  throwIfAny(): void {
    if (this.total) throw new CxDataError(this.list, this.total, this.intro);
  }
}

/** True when `value` is a valid Date (or missing and allowed to be); records a problem otherwise. */
export function checkDate(
  problems: Problems,
  i: number,
  column: string,
  value: unknown,
  ids: unknown[] | undefined,
  required: boolean,
): boolean {
  if (value === null || value === undefined) {
    if (!required) return true;
    problems.add(
      i,
      column,
      value,
      `${column} is missing${idNote(ids, i)}; every ticket needs the time it was opened`,
    );
    return false;
  }
  if (value instanceof Date && !Number.isNaN(value.getTime())) return true;
  problems.add(
    i,
    column,
    value,
    `${column} must hold dates (Date objects)${
      idNote(ids, i)
    }; load tickets with readCsv(…, { schema: "tickets" }) or convert the column with new Date(…)`,
  );
  return false;
}

/** ` (ticket <id>)` when the row has a ticket id, for messages. */
export function idNote(ids: unknown[] | undefined, i: number): string {
  return ids && ids[i] !== null && ids[i] !== undefined ? ` (ticket ${ids[i]})` : "";
}
