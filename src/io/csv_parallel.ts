/**
 * Reading a CSV input on two cores: a worker encodes the records of the
 * input's second half while the calling thread encodes the first, and the
 * two halves are joined as one pass would have read them (see
 * `encodeCsv`'s `split`). Once the calling thread has read its half, it
 * hands the worker its columns' lookup tables: the worker looks its
 * entries up in them while the caller decodes its texts, so joining the
 * halves needs no hash lookups on the calling thread. The split is
 * speculative: it is taken after a line feed, and the worker's half is
 * used only if the first half's last record ends exactly there; otherwise
 * (the line feed lies inside quotes) it is dropped and the caller reads on
 * alone. So values, rejects, row numbers and warnings never depend on
 * whether a worker ran.
 *
 * A worker is used for inputs of {@link PARALLEL_BYTES} or more, only when
 * the worker's module can be read with the permissions already granted (no
 * prompt: with a narrower `--allow-read` the input is read on one thread),
 * and it is always terminated. A failure inside it surfaces as the same
 * `CxError` type in the caller.
 *
 * @module
 */
import { CxDataError, CxError, CxOptionsError, type CxProblem, CxSchemaError } from "../errors.ts";
import type { ColumnIndex } from "./csv_column.ts";
import type { EncodedPart, SplitRunner } from "./csv_encode.ts";
import type { QuoteMode } from "./csv_tokenize.ts";
import type { IndexRequest, PartRequest } from "./csv_worker.ts";

/** Inputs smaller than this are read on one thread (a worker takes tens of ms to start). */
export const PARALLEL_BYTES = 16 << 20;

/** Share of the data the calling thread reads (the worker loads while the file is read). */
const MAIN_SHARE = 0.55;

const WORKER = new URL("./csv_worker.ts", import.meta.url);

/** A {@link SplitRunner} with its worker started; `close` ends the worker if it is still there. */
export interface WorkerSplit extends SplitRunner {
  /** Terminates the worker (harmless when it has ended). */
  close(): void;
}

/**
 * The runner that encodes the second part of an input of `size` bytes on a
 * worker, started now so that it loads while the input is read; or
 * `undefined` when the input is small or no worker can start. The caller
 * must `close` it (it is closed after a part has been read).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workerSplit } from "./csv_parallel.ts";
 * assert.equal(workerSplit(1000), undefined);
 * const split = workerSplit(1000, { minBytes: 0 });
 * assert.equal(split?.share, 0.55);
 * split?.close();
 * ```
 */
export function workerSplit(
  size: number,
  options: { minBytes?: number; share?: number } = {},
): WorkerSplit | undefined {
  const { minBytes = PARALLEL_BYTES, share = MAIN_SHARE } = options;
  if (size < minBytes || !canStartWorker()) return undefined;
  const worker = new Worker(WORKER, { type: "module", name: "cxkit csv" });
  // Set at once: an error while the worker loads must not reach the process as uncaught.
  let failed: CxError | undefined, fail = (_: CxError) => {};
  worker.onerror = (e) => {
    e.preventDefault();
    fail(failed = workerError({ name: "Error", message: e.message }));
  };
  let open = true;
  const close = () => {
    if (open) worker.terminate();
    open = false;
  };
  const start = (buf: Uint8Array, from: number, columns: number, d: number, quotes: QuoteMode) => {
    if (!open) throw new CxError("the CSV worker was closed before it was used");
    const result = new Promise<EncodedPart>((resolve, reject) => {
      if (failed) reject(failed);
      fail = reject;
      worker.onmessage = (e) =>
        e.data.error ? reject(workerError(e.data.error)) : resolve(e.data.part);
      worker.onmessageerror = () => reject(workerError({ name: "Error", message: "bad reply" }));
    });
    post(worker, buf, from, columns, d, quotes);
    return {
      result,
      first(index: ColumnIndex[]) {
        if (!open) return;
        // Moved, not copied again (the caller looks nothing up after handing them over).
        const request: IndexRequest = { kind: "index", index };
        worker.postMessage(
          request,
          index.flatMap((c) =>
            [c.slots, c.arena, c.starts, c.lengths].map((a) => a.buffer as ArrayBuffer)
          ),
        );
      },
      cancel() {
        close();
        result.catch(() => {}); // a late failure of a dropped part is not the caller's
      },
    };
  };
  return { share, start, close };
}

/** Whether a worker can load its module with the permissions granted (never prompts). */
export function canStartWorker(): boolean {
  if (typeof Worker !== "function" || WORKER.protocol !== "file:") return false;
  try {
    const folder = new URL("../", import.meta.url); // the worker imports src/io and src/errors.ts
    return Deno.permissions.querySync({ name: "read", path: folder }).state === "granted";
  } catch {
    return false;
  }
}

/** Sends `worker` the bytes and where its part starts. */
function post(
  worker: Worker,
  buf: Uint8Array,
  from: number,
  columns: number,
  d: number,
  quotes: QuoteMode,
): void {
  // Shared memory is read in place; other bytes: a copy of the part, moved to the worker.
  const shared = typeof SharedArrayBuffer === "function" && buf.buffer instanceof SharedArrayBuffer;
  const data = shared ? buf : buf.slice(from);
  const request: PartRequest = {
    kind: "part",
    buffer: data.buffer,
    offset: data.byteOffset,
    length: data.length,
    from: shared ? from : 0,
    columns,
    d,
    quotes,
  };
  worker.postMessage(request, shared ? [] : [data.buffer as ArrayBuffer]);
}

/** A failure posted by the worker as the `CxError` type it was thrown as. */
export function workerError(
  error: { name: string; message: string; problems?: CxProblem[] },
): CxError {
  const { name, message } = error;
  if (name === "CxDataError") {
    const e = new CxDataError(error.problems ?? []);
    e.message = message;
    return e;
  }
  if (name === "CxSchemaError") return new CxSchemaError(message);
  if (name === "CxOptionsError") return new CxOptionsError(message);
  if (name === "CxError") return new CxError(message);
  return new CxError(`reading the CSV on a second thread failed: ${name}: ${message}`);
}
