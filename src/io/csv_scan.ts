/**
 * A streaming pass over a CSV file's bytes that counts records and checks
 * that every record has the header's number of fields and every quote is
 * where RFC 4180 puts it. `readLargeCsv` uses it to decide whether DuckDB
 * reads the file exactly as cxkit's tokenizer would (no blank lines, no
 * short or long rows, no quote inside a field or text after a closing quote).
 *
 * @module
 */

/** What {@link scanCsvFile} found. */
export interface CsvScan {
  /** Records including the header. */
  records: number;
  /** Fields in the header record. */
  headerFields: number;
  /** Every data record is non-empty, has exactly `headerFields` fields and only quotes that open or close a field. */
  regular: boolean;
  /** Bytes read. */
  bytes: number;
}

/**
 * Scans a CSV file in chunks (quotes toggle, `\n`, `\r\n` or `\r` end a
 * record outside quotes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanCsvFile } from "./csv_scan.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, 'a,b\r\n1,"x\ny"\r\n2,3\r\n');
 * assert.deepEqual(await scanCsvFile(path, ","), { records: 3, headerFields: 2, regular: true, bytes: 19 });
 * await Deno.writeTextFile(path, "a,b\n1,2\n\n3,4\n");
 * assert.equal((await scanCsvFile(path, ",")).regular, false);
 * await Deno.remove(path);
 * ```
 */
export async function scanCsvFile(
  path: string,
  delimiter: string,
  chunkBytes = 1 << 23,
): Promise<CsvScan> {
  const d = delimiter.charCodeAt(0);
  const file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(chunkBytes);
  let records = 0, headerFields = 0, regular = true, total = 0;
  let quoted = false, fields = 1, length = 0, skipLf = false;
  // Bytes in the current field so far, and whether a quote just closed it.
  let fieldLength = 0, closed = false;
  const end = () => {
    records++;
    if (records === 1) headerFields = fields;
    else if (length === 0 || fields !== headerFields) regular = false;
    fields = 1;
    length = 0;
    fieldLength = 0;
  };
  try {
    while (true) {
      const n = await file.read(buffer);
      if (n === null) break;
      total += n;
      let i = 0;
      if (skipLf && n > 0) {
        if (buffer[0] === 10) i = 1;
        skipLf = false;
      }
      for (; i < n; i++) {
        const c = buffer[i];
        // After a closing quote: a quote (an escaped one), the delimiter or a line end.
        const afterClose = closed;
        closed = false;
        if (afterClose && c !== 34 && c !== d && c !== 10 && c !== 13) regular = false;
        if (c === 34) {
          if (!quoted && fieldLength > 0 && !afterClose) regular = false;
          closed = quoted;
          quoted = !quoted;
          length++;
          fieldLength++;
        } else if (quoted) {
          length++;
          fieldLength++;
        } else if (c === d) {
          fields++;
          length++;
          fieldLength = 0;
        } else if (c === 10) end();
        else if (c === 13) {
          end();
          if (i + 1 < n) {
            if (buffer[i + 1] === 10) i++;
          } else skipLf = true;
        } else {
          length++;
          fieldLength++;
        }
      }
    }
  } finally {
    file.close();
  }
  if (length > 0 || fields > 1) end();
  return { records, headerFields, regular, bytes: total };
}
