/**
 * The worker behind `csv_parallel.ts`: encodes the second part of a CSV input
 * held in memory ({@link encodePart}) and posts it back with its arrays
 * transferred. A failure is posted as `{ error }` (name, message, problems),
 * which the caller turns back into the same `CxError` type. It imports only
 * the tokenizer and the encoder, so it starts in a few milliseconds.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { encodePart } from "./csv_encode.ts";
import type { QuoteMode } from "./csv_tokenize.ts";

/** What the worker is sent: the bytes and where its part starts. */
export interface PartRequest {
  buffer: ArrayBuffer | SharedArrayBuffer;
  offset: number;
  length: number;
  from: number;
  columns: number;
  d: number;
  quotes: QuoteMode;
}

self.onmessage = (event: MessageEvent<PartRequest>) => {
  const { buffer, offset, length, from, columns, d, quotes } = event.data;
  try {
    const part = encodePart(new Uint8Array(buffer, offset, length), from, columns, d, quotes);
    const transfer = part.columns.flatMap((c) => [
      c.codes.buffer,
      c.arena.buffer,
      c.starts.buffer,
      c.lengths.buffer,
    ]) as ArrayBuffer[];
    self.postMessage({ part }, transfer);
  } catch (e) {
    const { name = "Error", message = String(e), problems } = e as Record<string, unknown>;
    self.postMessage({ error: { name, message, problems } });
  }
};
