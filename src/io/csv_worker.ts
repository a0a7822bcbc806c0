/**
 * The worker behind `csv_parallel.ts`: encodes the second part of a CSV input
 * held in memory ({@link encodePart}), then waits for the first part's
 * lookup tables, looks its entries up in them ({@link withKnownEntries})
 * and posts the part back with its arrays transferred. A failure is posted as `{ error }` (name, message, problems),
 * which the caller turns back into the same `CxError` type. It imports only
 * the tokenizer and the encoder, so it starts in a few milliseconds.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { ColumnIndex } from "./csv_column.ts";
import { type EncodedPart, encodePart, withKnownEntries } from "./csv_encode.ts";
import type { QuoteMode } from "./csv_tokenize.ts";

/** What the worker is sent first: the bytes and where its part starts. */
export interface PartRequest {
  /** Which message this is. */
  kind: "part";
  buffer: ArrayBuffer | SharedArrayBuffer;
  offset: number;
  length: number;
  from: number;
  columns: number;
  d: number;
  quotes: QuoteMode;
}

/** What the worker is sent second: the first part's lookup tables, one per column. */
export interface IndexRequest {
  /** Which message this is. */
  kind: "index";
  /** Lookup tables of the first part's columns (copies, moved here). */
  index: ColumnIndex[];
}

/** The part encoded, until the first part's tables arrive (messages come in order). */
let encoded: EncodedPart | undefined;

self.onmessage = (event: MessageEvent<PartRequest | IndexRequest>) => {
  const request = event.data;
  try {
    if (request.kind === "part") {
      const { buffer, offset, length, from, columns, d, quotes } = request;
      encoded = encodePart(new Uint8Array(buffer, offset, length), from, columns, d, quotes);
      return;
    }
    if (!encoded) return; // the part failed: its error is posted already
    const part = withKnownEntries(encoded, request.index);
    encoded = undefined;
    const transfer = part.columns.flatMap((c) => [
      c.codes.buffer,
      c.arena.buffer,
      c.starts.buffer,
      c.lengths.buffer,
      c.known!.buffer,
    ]) as ArrayBuffer[];
    self.postMessage({ part }, transfer);
  } catch (e) {
    const { name = "Error", message = String(e), problems } = e as Record<string, unknown>;
    self.postMessage({ error: { name, message, problems } });
  }
};
