/**
 * Resolving a loader's input (path, URL, text or bytes) to bytes.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";

/** A file path, a `file:` URL, inline text (anything with a newline) or raw bytes. */
export type Source = string | URL | Uint8Array;

/**
 * Reads a source: strings with a newline are inline text, other strings are
 * paths. Returns the bytes and a name for messages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSource } from "./source.ts";
 * const { bytes, name } = await readSource("a,b\n1,2\n");
 * assert.ok(name === "text" && bytes.length === 8);
 * ```
 */
export async function readSource(source: Source): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof Uint8Array) return { bytes: source, name: "bytes" };
  if (typeof source === "string" && /[\n\r]/.test(source)) {
    return { bytes: new TextEncoder().encode(source), name: "text" };
  }
  const name = source instanceof URL ? source.pathname : source;
  try {
    return { bytes: await Deno.readFile(source), name };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new CxOptionsError(
        `File not found: ${name} (working directory ${Deno.cwd()}). Pass a path, a URL, or CSV text containing a newline.`,
      );
    }
    throw e;
  }
}
