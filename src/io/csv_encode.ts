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

const EMPTY = -1;
const decoder = new TextDecoder("utf-8", { fatal: true });
const lenientDecoder = new TextDecoder("utf-8");

/** Distinct byte strings of one column and the code of every row. */
class ColumnEncoder {
  codes: CodeArray;
  /** Distinct texts; `undefined` for an ASCII entry not decoded yet. */
  readonly texts: (string | null | undefined)[] = [];
  /** How many entries are not decoded yet. */
  pending = 0;
  /** Raw bytes of every distinct field, back to back. */
  arena = new Uint8Array(1 << 12);
  arenaUsed = 0;
  /** Per entry: start in the arena, length (−1: the empty field). */
  starts = new Int32Array(64);
  lengths = new Int32Array(64);
  /** Open addressing, pairs of (entry or EMPTY, hash): a probe reads one cache line. */
  slots = new Int32Array(2 * 128).fill(EMPTY);
  nullEntry = -1;
  /** Entries whose bytes cannot be read as text: entry → what is wrong. */
  readonly bad = new Map<number, string>();

  constructor(capacity: number) {
    this.codes = new Uint8Array(capacity);
  }

  /**
   * Sets row `row` to the entry of the bytes `buf[from, to)` (quoted content
   * when `escaped` holds `""`); `h` is their FNV-1a hash, or −1 to compute it.
   */
  code(row: number, buf: Uint8Array, from: number, to: number, escaped: boolean, h: number): void {
    if (row >= this.codes.length) {
      this.codes = grow(this.codes, Math.ceil(this.codes.length * 1.5) + 16, row);
    }
    const length = to - from;
    if (length === 0) {
      const e = this.empty(row); // may widen this.codes: assign after
      this.codes[row] = e;
      return;
    }
    if (h === -1) h = hashBytes(buf, from, to);
    const slots = this.slots, mask = (slots.length >> 1) - 1;
    for (let slot = h & mask;; slot = (slot + 1) & mask) {
      const e = slots[2 * slot];
      if (e === EMPTY) break;
      if (slots[2 * slot + 1] !== h || this.lengths[e] !== length) continue;
      const start = this.starts[e], arena = this.arena;
      let i = 0;
      while (i < length && arena[start + i] === buf[from + i]) i++;
      if (i === length) {
        this.codes[row] = e;
        return;
      }
    }
    if (!escaped && plainAscii(buf, from, to)) {
      // Decoded later, many at a time ({@link ColumnEncoder.decodePending}).
      const e = this.add(undefined, buf, from, length, h, row); // may widen this.codes
      this.pending++;
      this.codes[row] = e;
      return;
    }
    let text: string, bad: string | undefined;
    try {
      text = decode(buf, from, to);
      for (let i = from; i < to; i++) {
        if (buf[i] === 0) {
          bad = `contains a NUL byte (0x00) at byte ${i - from + 1} of the value`;
          break;
        }
      }
    } catch {
      text = lenientDecoder.decode(buf.subarray(from, to));
      bad = invalidUtf8(buf, from, to);
    }
    if (escaped) text = text.replaceAll('""', '"');
    const e = this.add(text, buf, from, length, h, row); // may widen this.codes: assign after
    if (bad !== undefined) this.bad.set(e, bad);
    this.codes[row] = e;
  }

  empty(row: number): number {
    if (this.nullEntry < 0) this.nullEntry = this.add(null, undefined, 0, 0, 0, row);
    return this.nullEntry;
  }

  /**
   * Decodes the entries added as plain ASCII: arena windows of up to 1 MiB
   * are read as one Latin-1 string each (one character per byte) and cut
   * into the entries' texts.
   */
  decodePending(): void {
    const { texts, starts, lengths, arena } = this;
    const n = texts.length;
    for (let e = 0; e < n && this.pending > 0;) {
      if (texts[e] !== undefined) {
        e++;
        continue;
      }
      const from = starts[e];
      let last = e;
      while (last + 1 < n && starts[last + 1] + Math.max(lengths[last + 1], 0) - from <= WINDOW) {
        last++;
      }
      const window = latin1.decode(arena.subarray(from, starts[last] + Math.max(lengths[last], 0)));
      for (; e <= last; e++) {
        if (texts[e] !== undefined) continue;
        const at = starts[e] - from;
        texts[e] = window.substring(at, at + lengths[e]);
        this.pending--;
      }
    }
  }

  add(
    text: string | null | undefined,
    buf: Uint8Array | undefined,
    from: number,
    length: number,
    h: number,
    row: number,
  ): number {
    const e = this.texts.length;
    this.texts.push(text);
    // Wider codes once the dictionary outgrows them (only rows so far are copied).
    if (e === 256) this.codes = widen(this.codes, new Uint16Array(this.codes.length), row);
    if (e === 65_536) this.codes = widen(this.codes, new Int32Array(this.codes.length), row);
    if (e >= this.starts.length) {
      this.starts = grow(this.starts, this.starts.length * 2);
      this.lengths = grow(this.lengths, this.lengths.length * 2);
    }
    if (this.arenaUsed + length > this.arena.length) {
      this.arena = grow(this.arena, Math.max(this.arena.length * 2, this.arenaUsed + length));
    }
    if (buf) {
      const arena = this.arena, at = this.arenaUsed;
      for (let i = 0; i < length; i++) arena[at + i] = buf[from + i];
    }
    this.starts[e] = this.arenaUsed;
    this.lengths[e] = text === null ? -1 : length;
    this.arenaUsed += length;
    if (text === null) return e;
    if (4 * this.texts.length > this.slots.length) {
      const old = this.slots;
      this.slots = new Int32Array(old.length * 2).fill(EMPTY);
      for (let s = 0; s < old.length; s += 2) if (old[s] !== EMPTY) this.insert(old[s], old[s + 1]);
    }
    this.insert(e, h);
    return e;
  }

  insert(e: number, h: number): void {
    const slots = this.slots, mask = (slots.length >> 1) - 1;
    let slot = h & mask;
    while (slots[2 * slot] !== EMPTY) slot = (slot + 1) & mask;
    slots[2 * slot] = e;
    slots[2 * slot + 1] = h;
  }
}

/** A larger copy of `a` (the first `used` values, all by default). */
function grow<T extends Uint8Array | Uint16Array | Int32Array>(
  a: T,
  size: number,
  used = a.length,
): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a.subarray(0, used));
  return out;
}

function widen(from: CodeArray, to: CodeArray, used: number): CodeArray {
  to.set(from.subarray(0, used));
  return to;
}

/** Bytes decoded together by {@link ColumnEncoder.decodePending}, at most. */
const WINDOW = 1 << 20;
/** One UTF-16 unit per byte (windows-1252): exact for ASCII bytes. */
const latin1 = new TextDecoder("latin1");

/** Whether `buf[from, to)` is ASCII without NUL bytes (its text needs no check). */
function plainAscii(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c === 0 || c > 127) return false;
  }
  return true;
}

/** UTF-8 bytes as a string: short ASCII texts without the decoder's call overhead. */
const charCodes: number[] = [];

function decode(buf: Uint8Array, from: number, to: number): string {
  if (to - from <= 24) {
    let ascii = true;
    for (let i = from; i < to; i++) {
      if (buf[i] > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      // Through a reused plain array: no typed-array view made per new text.
      const n = to - from;
      charCodes.length = n;
      for (let i = 0; i < n; i++) charCodes[i] = buf[from + i];
      return String.fromCharCode.apply(null, charCodes);
    }
  }
  return decoder.decode(buf.subarray(from, to));
}

/** FNV-1a over `buf[from, to)`, as the parser computes it while scanning. */
function hashBytes(buf: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h;
}

/** Where the first invalid UTF-8 sequence of `buf[from, to)` is, for a reject's reason. */
function invalidUtf8(buf: Uint8Array, from: number, to: number): string {
  let i = from;
  while (i < to) {
    try {
      decoder.decode(buf.subarray(from, i + 1));
      i++;
    } catch {
      // A sequence that is only cut short so far is not yet invalid.
      if (i + 1 < to && buf[i] >= 0xc2 && (buf[i + 1] & 0xc0) === 0x80) {
        i++;
        continue;
      }
      break;
    }
  }
  let start = i;
  while (start > from && (buf[start] & 0xc0) === 0x80 && i - start < 3) start--;
  const at = Math.min(start, to - 1);
  return `is not valid UTF-8 (byte 0x${
    buf[at].toString(16).toUpperCase().padStart(2, "0")
  } at byte ${at - from + 1} of the value)`;
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

/** The sink that dictionary-encodes fields and collects the problems of each record. */
class EncodingSink implements CsvSink {
  readonly encoders: ColumnEncoder[];
  row = 0;
  readonly issues = new Map<number, CsvRowIssue[]>();
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
      this.issue(row, {
        field: problem.field,
        value: problem.value,
        reason: problemReason(this.names, problem),
      });
      if (problem.kind === "unterminated-eof") this.endsInQuotes ??= problem.line;
    } else if (!empty && fields !== columns) {
      this.issue(row, { field: -1, value: null, reason: fieldCount(fields, columns) });
    }
    if (notes & STRAY_QUOTE) this.strayQuotes.push(row);
    if (notes & TEXT_AFTER_QUOTE_KEPT) this.keptAfterQuote.push(row);
    this.row++;
  }

  issue(row: number, issue: CsvRowIssue): void {
    const list = this.issues.get(row);
    if (list) list.push(issue);
    else this.issues.set(row, [issue]);
  }

  finish(): EncodedCsv {
    const rows = this.row;
    for (const encoder of this.encoders) encoder.decodePending();
    const badRows = new Set<number>();
    this.encoders.forEach((encoder, k) => {
      if (encoder.bad.size === 0) return;
      const codes = encoder.codes;
      for (let i = 0; i < rows; i++) {
        const bad = encoder.bad.get(codes[i]);
        if (bad === undefined) continue;
        const value = encoder.texts[codes[i]] as string | null; // bad entries are decoded at once
        this.issue(i, { field: k, value, reason: `${this.names[k]} ${bad}` });
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
      issues: this.issues,
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
}

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
