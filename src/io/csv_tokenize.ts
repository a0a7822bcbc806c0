/**
 * The one byte-level CSV tokenizer behind `readCsv` and `readLargeCsv`. It
 * reads UTF-8 bytes in place (no JavaScript string per field; the sink
 * decides what to keep) with the rules of Python's csv module in its default
 * dialect (`"` quotes, `""` escapes, newlines inside quotes, `\n`, `\r\n` or
 * `\r` line ends), plus the checks a loader needs so that nothing is merged,
 * shifted or lost silently:
 *
 * - A closing quote must be followed by the delimiter, a line end or the end
 *   of the file. Otherwise (`"2024-01-05" ,9`) the record is marked broken
 *   ("text after the closing quote in column …"); with `quotes: "lenient"`
 *   the text is appended to the field as Python's csv module does, and the
 *   record is noted for a warning.
 * - A quoted field that runs over a line end and is then followed by text,
 *   or that runs to the end of the file, is an unterminated quote: the record
 *   from its start to the end of the physical line where the quote opened is
 *   one broken record (naming that line), and reading resumes on the next
 *   line, so one stray quote never swallows the rows after it.
 * - A quote inside an unquoted field (`5" screen`) is kept as written, as
 *   Python's csv module keeps it, and noted for a warning.
 *
 * Rows are counted as records: the header is row 1, every following record
 * is one row (a blank line is a record too; a quoted field with newlines
 * keeps its record on one row), and a broken record from an unterminated
 * quote is one row covering its first physical line only.
 *
 * @module
 */

/** How a closing quote followed by text is treated (option `quotes` of `readCsv`). */
export type QuoteMode = "strict" | "lenient";

/** Why a record is broken. */
export type RecordProblemKind = "text-after-quote" | "unterminated" | "unterminated-eof";

/** A broken record: what happened in which field (0-based), its raw text, the physical line. */
export interface RecordProblem {
  kind: RecordProblemKind;
  /** Field index (0-based) where it happened. */
  field: number;
  /** The raw text of the field (for the reject's `value`). */
  value: string;
  /** Physical line (1-based, header on line 1) where the quote opened. */
  line: number;
}

/** Record notes that are not errors (bit flags). */
export const STRAY_QUOTE = 1, TEXT_AFTER_QUOTE_KEPT = 2;

/** Receives what the tokenizer finds; a record's fields come in order, then `end`. */
export interface CsvSink {
  /**
   * Field `k` of the current record is `buf[from, to)`; `escaped`: it holds
   * `""` pairs to unescape; `h`: its FNV-1a hash, or −1 if not computed. A
   * record cut at the end of a chunk is parsed again later, so the same `k`
   * may come twice before `end`: the later call wins.
   */
  field(k: number, buf: Uint8Array, from: number, to: number, escaped: boolean, h: number): void;
  /** The record has ended with `fields` fields (`empty`: all of them empty). */
  end(fields: number, empty: boolean, notes: number, problem: RecordProblem | undefined): void;
}

const QUOTE = 34, LF = 10, CR = 13;
const FNV_OFFSET = 0x811c9dc5, FNV_PRIME = 0x01000193;
const utf8 = new TextDecoder("utf-8");

/** Where parsing stopped: the next record's first byte and its physical line. */
export interface TokenizerPosition {
  pos: number;
  line: number;
}

/**
 * Parses the whole records in `buf[pos, filled)` into `sink`; stops before a
 * record that may continue past `filled` unless `eof`. `line` is the physical
 * line at `pos`. `d` is the delimiter byte (ASCII, not a quote or line end).
 */
export function tokenize(
  buf: Uint8Array,
  at: TokenizerPosition,
  filled: number,
  eof: boolean,
  d: number,
  mode: QuoteMode,
  sink: CsvSink,
  maxRecords = Infinity,
): TokenizerPosition {
  let i = at.pos, line = at.line, records = 0;
  while (i < filled && records < maxRecords) {
    const next = record(buf, i, line, filled, eof, d, mode, sink);
    if (next < 0) break;
    i = next;
    line = nextLine;
    records++;
  }
  return { pos: i, line };
}

/** Physical line after the record {@link record} just read (no object per record). */
let nextLine = 1;
const INCOMPLETE = -1;

/** One record from `start`: the position after it, or −1 when it may continue past `filled`. */
function record(
  buf: Uint8Array,
  start: number,
  startLine: number,
  filled: number,
  eof: boolean,
  d: number,
  mode: QuoteMode,
  sink: CsvSink,
): number {
  let i = start, line = startLine, k = 0, empty = true, notes = 0;
  let problem: RecordProblem | undefined;
  while (true) {
    let from = i, to: number, escaped = false, h = -1;
    if (i < filled && buf[i] === QUOTE) {
      const j = closingQuote(buf, i, filled, eof);
      if (j === INCOMPLETE) return INCOMPLETE;
      if (j >= filled) {
        return unterminated(buf, i, line, filled, k, sink, "unterminated-eof", notes);
      }
      const breaks = quoteBreaks;
      escaped = quoteEscaped;
      from = i + 1;
      to = j;
      i = j + 1;
      const c = i < filled ? buf[i] : LF;
      if (c !== d && c !== LF && c !== CR) {
        // Text after the closing quote.
        if (breaks > 0) {
          return unterminated(buf, from - 1, line, filled, k, sink, "unterminated", notes);
        }
        let e = i;
        while (e < filled && buf[e] !== d && buf[e] !== LF && buf[e] !== CR) e++;
        if (e >= filled && !eof) return INCOMPLETE;
        const joined = joinAfterQuote(buf, from, to, escaped, i, e);
        sink.field(k, joined, 0, joined.length, false, -1);
        if (mode === "lenient") notes |= TEXT_AFTER_QUOTE_KEPT;
        else problem ??= textAfterQuote(buf, from - 1, e, k, line);
        empty = false;
        i = e;
        k++;
        if (i < filled && buf[i] === d) {
          i++;
          continue;
        }
        return lineEnd(buf, i, line, filled, eof, k, empty, notes, problem, sink);
      }
      line += breaks;
      if (to > from) empty = false;
    } else {
      h = FNV_OFFSET;
      while (i < filled) {
        const c = buf[i];
        if (c === d || c === LF || c === CR) break;
        if (c === QUOTE) notes |= STRAY_QUOTE;
        h = Math.imul(h ^ c, FNV_PRIME);
        i++;
      }
      to = i;
      if (to > from) empty = false;
    }
    if (i >= filled && !eof) return INCOMPLETE;
    sink.field(k, buf, from, to, escaped, h);
    k++;
    if (i < filled && buf[i] === d) {
      i++;
      continue;
    }
    return lineEnd(buf, i, line, filled, eof, k, empty, notes, problem, sink);
  }
}

/** Line breaks and `""` pairs inside the field {@link closingQuote} just scanned. */
let quoteBreaks = 0, quoteEscaped = false;

/**
 * The quote closing the field opened at `open`: its index, `filled` if the
 * data ends first, or −1 when more data could change the answer.
 */
function closingQuote(buf: Uint8Array, open: number, filled: number, eof: boolean): number {
  let j = open + 1;
  quoteBreaks = 0;
  quoteEscaped = false;
  while (true) {
    while (j < filled) {
      const c = buf[j];
      if (c === QUOTE) break;
      if (c === LF || (c === CR && (j + 1 >= filled || buf[j + 1] !== LF))) quoteBreaks++;
      j++;
    }
    if (j + 1 >= filled && !eof) return INCOMPLETE;
    // Bytes past `filled` are stale: at the end of the data a quote closes the field.
    if (j >= filled || j + 1 >= filled || buf[j + 1] !== QUOTE) return j;
    quoteEscaped = true;
    j += 2;
  }
}

/** Consumes the line end at `i` (`\n`, `\r\n`, `\r` or the end of the data) and ends the record. */
function lineEnd(
  buf: Uint8Array,
  i: number,
  line: number,
  filled: number,
  eof: boolean,
  fields: number,
  empty: boolean,
  notes: number,
  problem: RecordProblem | undefined,
  sink: CsvSink,
): number {
  if (i < filled) {
    if (buf[i] === CR) {
      if (i + 1 >= filled && !eof) return INCOMPLETE;
      i += i + 1 < filled && buf[i + 1] === LF ? 2 : 1;
    } else i++;
  }
  sink.end(fields, empty, notes, problem);
  nextLine = line + 1;
  return i;
}

/**
 * An unterminated quote opened at `quote` (field `k`, physical line `line`):
 * the record ends at the end of that line, and reading resumes after it.
 */
function unterminated(
  buf: Uint8Array,
  quote: number,
  line: number,
  filled: number,
  k: number,
  sink: CsvSink,
  kind: "unterminated" | "unterminated-eof",
  notes: number,
): number {
  let e = quote + 1;
  while (e < filled && buf[e] !== LF && buf[e] !== CR) e++;
  sink.field(k, buf, quote + 1, e, false, -1);
  const problem: RecordProblem = { kind, field: k, value: text(buf, quote, e), line };
  // The line end at e lies before the data already scanned (or the data has ended).
  return lineEnd(buf, e, line, filled, true, k + 1, false, notes, problem, sink);
}

/** The problem of field `k`, `buf[from, to)` on line `line`: text after its closing quote. */
function textAfterQuote(
  buf: Uint8Array,
  from: number,
  to: number,
  k: number,
  line: number,
): RecordProblem {
  return { kind: "text-after-quote", field: k, value: text(buf, from, to), line };
}

/** The field's quoted content (unescaped) followed by the text after its closing quote. */
function joinAfterQuote(
  buf: Uint8Array,
  from: number,
  to: number,
  escaped: boolean,
  after: number,
  end: number,
): Uint8Array {
  const out = new Uint8Array(to - from + end - after);
  let n = 0;
  for (let j = from; j < to; j++) {
    out[n++] = buf[j];
    if (escaped && buf[j] === QUOTE) j++;
  }
  out.set(buf.subarray(after, end), n);
  return out.subarray(0, n + end - after);
}

function text(buf: Uint8Array, from: number, to: number): string {
  return utf8.decode(buf.subarray(from, to));
}

/** What {@link tokenizeCsv} returns. */
export interface TokenizedCsv {
  /** Every record's fields as text (header first). */
  records: string[][];
  /** Broken records by index into `records`. */
  problems: Map<number, RecordProblem>;
  /** Notes ({@link STRAY_QUOTE}, {@link TEXT_AFTER_QUOTE_KEPT}) by record index. */
  notes: Map<number, number>;
}

/** A sink that keeps every field as a string (the header, tests, small inputs). */
export class RecordsSink implements CsvSink {
  readonly out: TokenizedCsv = { records: [], problems: new Map(), notes: new Map() };
  #fields: string[] = [];

  field(k: number, buf: Uint8Array, from: number, to: number, escaped: boolean): void {
    const s = text(buf, from, to);
    this.#fields[k] = escaped ? s.replaceAll('""', '"') : s;
  }

  end(fields: number, _empty: boolean, notes: number, problem: RecordProblem | undefined): void {
    const row = this.out.records.length;
    this.out.records.push(this.#fields.slice(0, fields));
    this.#fields = [];
    if (problem) this.out.problems.set(row, problem);
    if (notes) this.out.notes.set(row, notes);
  }
}

/**
 * Tokenizes UTF-8 CSV bytes or text into records of text fields; see the
 * module doc for the rules. A blank line is a record with one empty field
 * (Python's csv module gives an empty list).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenizeCsv } from "./csv_tokenize.ts";
 * const { records, problems } = tokenizeCsv('id;text\r\n1;"a ""b"";\nc"\r\n2;"x" y\n', ";");
 * assert.deepEqual(records, [["id", "text"], ["1", 'a "b";\nc'], ["2", "x y"]]);
 * assert.equal(problems.get(2)?.kind, "text-after-quote");
 * ```
 */
export function tokenizeCsv(
  input: string | Uint8Array,
  delimiter = ",",
  mode: QuoteMode = "strict",
): TokenizedCsv {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const sink = new RecordsSink();
  tokenize(bytes, { pos: 0, line: 1 }, bytes.length, true, delimiter.charCodeAt(0), mode, sink);
  return sink.out;
}
