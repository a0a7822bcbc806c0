/**
 * Field counting for CSV text. Arquero's parser silently drops fields beyond
 * the header's count and keeps only the last of two equally named columns;
 * counting fields per record lets the loader report both instead of losing
 * data quietly.
 *
 * @module
 */

/**
 * Counts the fields of every record (header first), honouring quotes, so a
 * newline inside a quoted field does not start a record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countFields } from "./fields.ts";
 * assert.ok(countFields('a,b\n1,"x\ny",3\n\n', ",").join() === "2,3,1");
 * ```
 */
export function countFields(text: string, delimiter: string): Int32Array {
  const counts: number[] = [];
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  let i = 0;
  while (i < n) {
    let fields = 1;
    let quoted = false;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) quoted = !quoted; // '"'
      else if (quoted) continue;
      else if (c === d) fields++;
      else if (c === 10) break; // '\n'
      else if (c === 13) { // '\r' or '\r\n'
        if (text.charCodeAt(i + 1) === 10) i++;
        break;
      }
    }
    i++;
    counts.push(fields);
  }
  return Int32Array.from(counts);
}
