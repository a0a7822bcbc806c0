/**
 * Resolving a loader's input (path, URL, text or bytes) to bytes. Loaders read
 * local files only: a web address or a folder is refused with a
 * `CxOptionsError` that says what to pass instead, and a missing or unreadable
 * file is a `CxError` naming the path (never a raw `Deno.errors.*`).
 *
 * @module
 */
import { CxDataError, CxError, CxOptionsError } from "../errors.ts";

/** A file path, a `file:` URL, inline text (anything with a newline) or raw bytes. */
export type Source = string | URL | Uint8Array;

/**
 * Reads a source: strings with a newline are inline text, other strings are
 * paths. Returns the bytes and a name for messages; `shared: true` reads a
 * file into a `SharedArrayBuffer` (for a worker to read in place).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSource } from "./source.ts";
 * const { bytes, name } = await readSource("a,b\n1,2\n");
 * assert.ok(name === "text" && bytes.length === 8);
 * ```
 */
export async function readSource(
  source: Source,
  options: { shared?: boolean } = {},
): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof Uint8Array) return { bytes: source, name: "bytes" };
  if (typeof source === "string" && /[\n\r]/.test(source)) {
    return { bytes: new TextEncoder().encode(source), name: "text" };
  }
  const path = await localFile(source);
  try {
    return {
      bytes: (options.shared && await readShared(path)) || await Deno.readFile(path),
      name: path,
    };
  } catch (e) {
    throw unreadable(path, e);
  }
}

/**
 * A file read into shared memory of its exact size (a worker reads it in
 * place), or `undefined` when it changed size while being read.
 */
async function readShared(path: string): Promise<Uint8Array | undefined> {
  using file = await Deno.open(path);
  const size = (await file.stat()).size;
  const bytes = new Uint8Array(new SharedArrayBuffer(size));
  let filled = 0;
  while (filled < size) {
    const n = await file.read(bytes.subarray(filled));
    if (n === null) return undefined;
    filled += n;
  }
  return (await file.read(new Uint8Array(1))) === null ? bytes : undefined;
}

/** The size in bytes of a source, as {@link readSource} will read it (0 when unknown). */
export async function sourceSize(source: Source): Promise<number> {
  if (source instanceof Uint8Array) return source.length;
  if (typeof source === "string" && /[\n\r]/.test(source)) return source.length;
  try {
    return (await Deno.stat(await localFile(source))).size;
  } catch {
    return 0; // readSource reports it
  }
}

/** Schemes that name a remote resource (`http://`, `s3://`, …); `file:` is local. */
const REMOTE = /^(?!file:)[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The local path of a file source, checked before reading: a web address
 * (`http://`, `https://`, `ftp://`, any `scheme://` but `file://`, string or
 * `URL`) and a folder are refused with a `CxOptionsError`, a missing or
 * unreadable file with a `CxError` naming it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CxOptionsError } from "../errors.ts";
 * import { localFile } from "./source.ts";
 * const path = await Deno.makeTempFile();
 * assert.equal(await localFile(new URL(`file://${path}`)), path);
 * await assert.rejects(localFile("https://example.com/a.csv"), CxOptionsError);
 * await assert.rejects(localFile(await Deno.makeTempDir()), /is a folder/);
 * ```
 */
export async function localFile(source: string | URL): Promise<string> {
  const text = source instanceof URL ? source.href : source;
  if (REMOTE.test(text) || (source instanceof URL && source.protocol !== "file:")) {
    throw new CxOptionsError(
      `${text} is a web address; cxkit loaders read local files only. Download it first ` +
        `and pass the path, or the bytes: \`new Uint8Array(await (await fetch(url)).arrayBuffer())\``,
    );
  }
  const path = source instanceof URL
    ? decodeURIComponent(source.pathname)
    : /^file:/i.test(source)
    ? decodeURIComponent(new URL(source).pathname)
    : source;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    throw unreadable(path, e);
  }
  if (info.isDirectory) {
    throw new CxOptionsError(
      `${path} is a folder, not a file; pass the path of one file inside it ` +
        `(a folder of CSV files is read by \`deno task report --data ${path}\`)`,
    );
  }
  return path;
}

function unreadable(path: string, e: unknown): CxError {
  if (e instanceof Deno.errors.NotFound) {
    return new CxOptionsError(
      `File not found: ${path} (working directory ${Deno.cwd()}). Pass a path, a URL, or CSV text containing a newline.`,
    );
  }
  if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
    return new CxError(
      `Cannot read ${path}: permission denied; check the file's permissions (and Deno's --allow-read)`,
      { cause: e },
    );
  }
  return new CxError(`Cannot read ${path}: ${(e as Error).message}`, { cause: e });
}

/**
 * A problem with a whole file (not JSON, not Arrow, nested too deeply): a
 * `CxDataError` whose one problem has no row or column. `reason` says what is
 * wrong and how to fix it; it never quotes the file's content.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CxDataError } from "../errors.ts";
 * import { fileError } from "./source.ts";
 * const e = fileError("a.json", "is not valid JSON", "the text ends early; check the export");
 * assert.equal(e.message, "a.json is not valid JSON: the text ends early; check the export");
 * assert.ok(e instanceof CxDataError && e.problems[0].row === null);
 * ```
 */
export function fileError(name: string, problem: string, reason: string): CxDataError {
  const error = new CxDataError([{ row: null, column: null, value: null, reason }]);
  // One sentence instead of the row-by-row listing: there is no row or column to name.
  error.message = `${name} ${problem}: ${reason}`;
  return error;
}

/**
 * Writes text or bytes to a local file for a writer (`writeCsv`,
 * `writeJson`, `writeArrow`): a web address is a `CxOptionsError`, a failed
 * write (missing folder, a folder at that path, no permission) a `CxError`
 * naming the path and the fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeOut } from "./source.ts";
 * const dir = await Deno.makeTempDir();
 * await writeOut(`${dir}/a.txt`, "x");
 * assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "x");
 * await assert.rejects(writeOut(`${dir}/no/such/a.txt`, "x"), /Cannot write .*: the folder does not exist/);
 * ```
 */
export async function writeOut(path: string | URL, data: string | Uint8Array): Promise<void> {
  checkWritable(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(path, data);
    else await Deno.writeFile(path, data);
  } catch (e) {
    throw writeError(path, e);
  }
}

/** Refuses a web address as the target of a writer (`CxOptionsError`). */
export function checkWritable(path: string | URL): void {
  const text = path instanceof URL ? path.href : path;
  if (REMOTE.test(text) || (path instanceof URL && path.protocol !== "file:")) {
    throw new CxOptionsError(
      `${text} is a web address; cxkit writers write local files only. Write to a local path and upload it`,
    );
  }
}

/** A failed write as a `CxError` naming the path and what to do. */
export function writeError(path: string | URL, e: unknown): CxError {
  const name = path instanceof URL ? path.href : path;
  const why = e instanceof Deno.errors.NotFound
    ? "the folder does not exist; create it first"
    : e instanceof Deno.errors.IsADirectory
    ? "it is a folder; pass a file name inside it"
    : e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable
    ? "permission denied; choose a folder you can write to"
    : (e as Error).message;
  return new CxError(`Cannot write ${name}: ${why}`, { cause: e });
}
