/**
 * Dictionary-encoding while tokenizing: each field's bytes are hashed in
 * place and looked up among the column's distinct byte strings; only a new
 * one is decoded into a string. So a file is read once, in chunks, with no
 * JavaScript string per cell and no second copy of the data. This is the
 * reader behind `readCsv` (whole input in one chunk) and `readLargeCsv`
 * (8 MiB chunks); records come from the one tokenizer
 * ({@link tokenize}), broken records and bad cells become per-row issues
 * that validation turns into rejects.
 *
 * @module
 */
import { CxSchemaError } from "../errors.ts";
import type { CodeArray } from "../kernels/columns.ts";
import {
  ColumnEncoder,
  type ColumnIndex,
  type ColumnPart,
  grow,
  knownEntries,
} from "./csv_column.ts";
import {
  type CsvSink,
  type QuoteMode,
  type RecordProblem,
  RecordsSink,
  STRAY_QUOTE,
  TEXT_AFTER_QUOTE_KEPT,
  tokenize,
  type TokenizerPosition,
} from "./csv_tokenize.ts";

/** One encoded column: codes into its distinct texts (`null` = empty field). */
export interface EncodedCsvColumn {
  /** Code of every row. */
  codes: CodeArray;
  /** Distinct texts; `null` stands for an empty field. */
  dictionary: (string | null)[];
}

/** A problem of one data row, found while reading: a broken record or a cell that is not text. */
export interface CsvRowIssue {
  /** File column index, or −1 for the whole row. */
  field: number;
  /** The raw text, or `null`. */
  value: string | null;
  /** Why the row is rejected. */
  reason: string;
}

/** What {@link encodeCsv} returns. */
export interface EncodedCsv {
  /** Header names. */
  names: string[];
  /** One encoded column per header name. */
  columns: EncodedCsvColumn[];
  /** Data records read (blank lines included). */
  rows: number;
  /** Rows to reject, by data index (0 = the first record after the header). */
  issues: Map<number, CsvRowIssue[]>;
  /** Data indices of rows with a quote inside an unquoted field (kept as written). */
  strayQuotes: number[];
  /** Data indices of rows whose text after a closing quote was kept (`quotes: "lenient"`). */
  keptAfterQuote: number[];
  /** Data indices of rows with bytes that are not UTF-8 (or NUL bytes). */
  badBytes: number[];
  /** Physical line of an unterminated quote the file ends in, if any. */
  endsInQuotes?: number;
}

/** A broken record: its problem, or the number of fields when only the count is wrong. */
type Broken = RecordProblem | number;

/**
 * The records after some point of an input, encoded apart (on a worker, see
 * `csv_parallel.ts`): rows and physical lines count from that point (row 0,
 * line 1); {@link EncodingSink.absorb} appends it.
 */
export interface EncodedPart {
  /** Records read. */
  rows: number;
  /** One column part per header name. */
  columns: ColumnPart[];
  /** Broken records by row. */
  broken: Map<number, Broken>;
  /** Rows with a quote inside an unquoted field. */
  strayQuotes: number[];
  /** Rows whose text after a closing quote was kept. */
  keptAfterQuote: number[];
  /** Line of an unterminated quote the input ends in. */
  endsInQuotes?: number;
}

/** The sink that dictionary-encodes fields and collects the problems of each record. */
export class EncodingSink implements CsvSink {
  readonly encoders: ColumnEncoder[];
  row = 0;
  /** Broken records by row, in row order. */
  readonly broken = new Map<number, Broken>();
  readonly strayQuotes: number[] = [];
  readonly keptAfterQuote: number[] = [];
  endsInQuotes: number | undefined;

  constructor(readonly names: string[], capacity: number) {
    this.encoders = names.map(() => new ColumnEncoder(capacity));
  }

  field(k: number, buf: Uint8Array, from: number, to: number, escaped: boolean, h: number): void {
    if (k < this.encoders.length) this.encoders[k].code(this.row, buf, from, to, escaped, h);
  }

  end(fields: number, empty: boolean, notes: number, problem: RecordProblem | undefined): void {
    const columns = this.encoders.length, row = this.row;
    for (let k = fields; k < columns; k++) {
      const encoder = this.encoders[k];
      encoder.code(row, encoder.arena, 0, 0, false, 0);
    }
    if (problem) {
      this.broken.set(row, problem);
      if (problem.kind === "unterminated-eof") this.endsInQuotes ??= problem.line;
    } else if (!empty && fields !== columns) this.broken.set(row, fields);
    if (notes & STRAY_QUOTE) this.strayQuotes.push(row);
    if (notes & TEXT_AFTER_QUOTE_KEPT) this.keptAfterQuote.push(row);
    this.row++;
  }

  /** What this sink read, to be appended to another ({@link absorb}). */
  part(): EncodedPart {
    const { row: rows, broken, strayQuotes, keptAfterQuote, endsInQuotes } = this;
    const columns = this.encoders.map((e) => e.part());
    return { rows, columns, broken, strayQuotes, keptAfterQuote, endsInQuotes };
  }

  /** Appends the records of a part that starts `lines` physical lines after line 1. */
  absorb(part: EncodedPart, lines: number): void {
    const offset = this.row;
    part.columns.forEach((c, k) => this.encoders[k].absorb(c, part.rows, offset));
    for (const [row, b] of part.broken) {
      this.broken.set(offset + row, typeof b === "number" ? b : { ...b, line: b.line + lines });
    }
    for (const row of part.strayQuotes) this.strayQuotes.push(offset + row);
    for (const row of part.keptAfterQuote) this.keptAfterQuote.push(offset + row);
    if (part.endsInQuotes !== undefined) this.endsInQuotes ??= part.endsInQuotes + lines;
    this.row += part.rows;
  }

  finish(): EncodedCsv {
    const rows = this.row, columns = this.encoders.length;
    const issues = new Map<number, CsvRowIssue[]>();
    const issue = (row: number, issue: CsvRowIssue) => {
      const list = issues.get(row);
      if (list) list.push(issue);
      else issues.set(row, [issue]);
    };
    for (const [row, b] of this.broken) {
      issue(
        row,
        typeof b === "number"
          ? { field: -1, value: null, reason: fieldCount(b, columns) }
          : { field: b.field, value: b.value, reason: problemReason(this.names, b) },
      );
    }
    for (const encoder of this.encoders) encoder.decodePending();
    const badRows = new Set<number>();
    this.encoders.forEach((encoder, k) => {
      if (encoder.bad.size === 0) return;
      const codes = encoder.codes;
      for (let i = 0; i < rows; i++) {
        const bad = encoder.bad.get(codes[i]);
        if (bad === undefined) continue;
        const value = encoder.texts[codes[i]] as string | null; // bad entries are decoded at once
        issue(i, { field: k, value, reason: `${this.names[k]} ${bad}` });
        badRows.add(i);
      }
    });
    return {
      names: this.names,
      columns: this.encoders.map((e) => ({
        codes: e.codes.subarray(0, rows) as CodeArray,
        dictionary: e.texts as (string | null)[],
      })),
      rows,
      issues,
      strayQuotes: this.strayQuotes,
      keptAfterQuote: this.keptAfterQuote,
      badBytes: [...badRows].sort((a, b) => a - b),
      endsInQuotes: this.endsInQuotes,
    };
  }
}

/** What is wrong with a broken record, naming the column (and the line of an open quote). */
function problemWhat(names: string[], p: RecordProblem): string {
  const column = names[p.field] ?? `${p.field + 1}`;
  if (p.kind === "text-after-quote") return `text after the closing quote in column ${column}`;
  return `unterminated quote in column ${column} opened on line ${p.line}: ${
    p.kind === "unterminated-eof"
      ? "the file ends inside quotes"
      : "the quoted field runs over the line end and is not closed properly"
  }`;
}

/** The reject reason of a broken record: what is wrong and what to do. */
function problemReason(names: string[], p: RecordProblem): string {
  return `${problemWhat(names, p)}; ${
    p.kind === "text-after-quote"
      ? `a closing quote must be followed by the delimiter or the line end; quote the whole value, or pass quotes: "lenient" to keep the text as Python's csv module does`
      : `this line is rejected and reading resumes on line ${p.line + 1}`
  }`;
}

function fieldCount(fields: number, header: number): string {
  return fields > header
    ? `row has ${fields} fields but the header has ${header}: the last ${
      fields - header
    } would be lost; quote values that contain the delimiter, or check the delimiter option`
    : `row has ${fields} fields but the header has ${header}: ${
      header - fields
    } missing; check the delimiters and quotes of this row`;
}

/** Bytes to tokenize: a whole input in memory, or a file read in chunks. */
export interface ByteChunks {
  /** Total size in bytes (sizes the code arrays). */
  size: number;
  /** The whole input, when it is in memory (read in place, no copy). */
  bytes?: Uint8Array;
  /** Fills `buf[filled…]` as far as it can; returns the new `filled` and whether the input ended. */
  read(buf: Uint8Array, filled: number): Promise<{ filled: number; eof: boolean }>;
}

/** An input already in memory. */
export function bytesChunks(bytes: Uint8Array): ByteChunks {
  return { bytes, size: bytes.length, read: (_, filled) => Promise.resolve({ filled, eof: true }) };
}

/** A file read into the caller's buffer. */
export function fileChunks(file: Deno.FsFile, size: number): ByteChunks {
  return {
    size,
    async read(buf, filled) {
      while (filled < buf.length) {
        const n = await file.read(buf.subarray(filled));
        if (n === null) return { filled, eof: true };
        filled += n;
      }
      return { filled, eof: false };
    },
  };
}

/** Options of {@link encodeCsv}. */
export interface EncodeCsvOptions {
  /** Delimiter (one ASCII character other than a quote or a line end). */
  delimiter: string;
  /** Text after a closing quote: reject the row (`"strict"`) or keep it (`"lenient"`). */
  quotes: QuoteMode;
  /** Name of the input in messages. */
  source: string;
  /** Hears the rows read so far after each chunk. */
  onRows?: (rows: number) => void;
  /** Chunk size for a file (default 8 MiB). */
  chunkBytes?: number;
  /**
   * For an input in memory: encode its second part elsewhere (on a worker,
   * `csv_parallel.ts`) while this thread encodes the first.
   */
  split?: SplitRunner;
}

/** Encodes the second part of an input in memory apart from the first (see {@link encodeCsv}). */
export interface SplitRunner {
  /** Share of the data bytes the first part takes (0–1). */
  share: number;
  /**
   * Starts encoding the records of `buf[from…]` (`from` follows a line
   * feed) as a part with `columns` columns. Once the first part is read up
   * to `from`, `first` hands over its columns' lookup tables: the part's
   * entries are looked up in them ({@link withKnownEntries}) and only then
   * does `result` settle. `cancel` stops it (and is harmless once it has
   * finished).
   */
  start(
    buf: Uint8Array,
    from: number,
    columns: number,
    d: number,
    quotes: QuoteMode,
  ): SplitJob;
}

/** A second part being encoded ({@link SplitRunner.start}). */
export interface SplitJob {
  /** The part, its entries looked up in the tables passed to `first`. */
  result: Promise<EncodedPart>;
  /** Hands over the first part's lookup tables, one per column. */
  first(index: ColumnIndex[]): void;
  /** Stops the job (harmless once it has finished). */
  cancel(): void;
}

/**
 * The records of `buf[from…]` as a part (rows and lines counted from there);
 * what a worker runs for {@link SplitRunner.start}.
 */
export function encodePart(
  buf: Uint8Array,
  from: number,
  columns: number,
  d: number,
  quotes: QuoteMode,
): EncodedPart {
  const names = Array.from({ length: columns }, () => "");
  const sink = new EncodingSink(names, Math.ceil((buf.length - from) / 24) + 1024);
  tokenize(buf, { pos: from, line: 1 }, buf.length, true, d, quotes, sink);
  return sink.part();
}

/**
 * `part` with each column's entries looked up among the first part's
 * (`index`, one per column), so that appending it needs no lookups: what
 * the worker does while the calling thread decodes the first part's texts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ColumnEncoder } from "./csv_column.ts";
 * import { encodePart, withKnownEntries } from "./csv_encode.ts";
 * const bytes = new TextEncoder().encode("a,x\nb,y\n");
 * const first = [new ColumnEncoder(4), new ColumnEncoder(4)];
 * first[0].code(0, bytes, 4, 5, false, -1); // "b"
 * const part = withKnownEntries(encodePart(bytes, 0, 2, 44, "strict"), first.map((c) => c.index()));
 * assert.deepEqual(part.columns.map((c) => [...c.known!]), [[-1, 0], [-1, -1]]);
 * ```
 */
export function withKnownEntries(part: EncodedPart, index: ColumnIndex[]): EncodedPart {
  part.columns.forEach((c, k) => c.known = knownEntries(c, index[k]));
  return part;
}

/**
 * Encodes all of `buf` after `at` into `sink`, its second part by `split`:
 * the first part is tokenized up to the split point, and only if a record
 * ends exactly there (the split falls between records, not inside quotes)
 * is the second part's result appended; otherwise it is dropped and this
 * thread reads on, so the outcome is always that of one pass.
 */
async function encodeSplit(
  buf: Uint8Array,
  at: TokenizerPosition,
  d: number,
  quotes: QuoteMode,
  sink: EncodingSink,
  split: SplitRunner,
): Promise<void> {
  const n = buf.length;
  const mid = buf.indexOf(LINE_FEED, at.pos + Math.floor((n - at.pos) * split.share)) + 1;
  if (mid <= at.pos || mid >= n) {
    tokenize(buf, at, n, true, d, quotes, sink);
    return;
  }
  const job = split.start(buf, mid, sink.encoders.length, d, quotes);
  try {
    at = tokenize(buf, at, mid, false, d, quotes, sink);
    if (at.pos === mid) {
      // The worker looks its entries up among ours while this thread decodes this part's
      // texts (finish skips them): appending its part then needs no hash lookups.
      job.first(sink.encoders.map((e) => e.index()));
      for (const encoder of sink.encoders) encoder.decodePending();
      sink.absorb(await job.result, at.line - 1);
    } else {
      job.cancel();
      tokenize(buf, at, n, true, d, quotes, sink);
    }
  } finally {
    job.cancel();
  }
}

const LINE_FEED = 10;

/**
 * Tokenizes a CSV input (UTF-8, no byte-order mark) and dictionary-encodes
 * its columns; see the module doc. The header must be one well-formed record
 * (a `CxSchemaError` otherwise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesChunks, encodeCsv } from "./csv_encode.ts";
 * const bytes = new TextEncoder().encode('id;text\r\n1;"a ""b""; c"\r\n2;\r\n1;"x" y\r\n');
 * const out = await encodeCsv(bytesChunks(bytes), { delimiter: ";", quotes: "strict", source: "x" });
 * const [id, text] = out.columns.map((c) => [...c.codes].map((k) => c.dictionary[k]));
 * assert.deepEqual(id, ["1", "2", "1"]);
 * assert.deepEqual(text, ['a "b"; c', null, "x y"]);
 * assert.match(out.issues.get(2)![0].reason, /text after the closing quote in column text/);
 * ```
 */
export async function encodeCsv(input: ByteChunks, options: EncodeCsvOptions): Promise<EncodedCsv> {
  const { quotes, source, onRows, chunkBytes = 1 << 23 } = options;
  const d = options.delimiter.charCodeAt(0);
  let buf = input.bytes ?? new Uint8Array(Math.min(chunkBytes, input.size + 1));
  let { filled, eof } = await input.read(buf, input.bytes ? buf.length : 0);
  // The header: one record, however many chunks it takes.
  const header = new RecordsSink();
  let at: TokenizerPosition = { pos: 0, line: 1 };
  while ((at = tokenize(buf, { pos: 0, line: 1 }, filled, eof, d, quotes, header, 1)).pos === 0) {
    if (eof) break;
    buf = grow(buf, buf.length * 2);
    ({ filled, eof } = await input.read(buf, filled));
  }
  const names = header.out.records[0] ?? [];
  const broken = header.out.problems.get(0);
  if (broken) {
    throw new CxSchemaError(
      `${source}: the header row is not well-formed: ${
        problemWhat(names, broken)
      }; fix the quotes of the header so every column has one name`,
    );
  }
  const sink = new EncodingSink(names, Math.ceil(input.size / 24) + 1024);
  if (input.bytes && options.split) {
    await encodeSplit(input.bytes, at, d, quotes, sink, options.split);
    return sink.finish();
  }
  while (true) {
    at = tokenize(buf, at, filled, eof, d, quotes, sink);
    if (eof) break;
    // Keep the unfinished record; read more after it (a long record grows the buffer).
    const rest = filled - at.pos;
    if (rest > buf.length / 2) buf = grow(buf, buf.length * 2);
    buf.copyWithin(0, at.pos, filled);
    at = { pos: 0, line: at.line };
    ({ filled, eof } = await input.read(buf, rest));
    onRows?.(sink.row);
  }
  return sink.finish();
}
