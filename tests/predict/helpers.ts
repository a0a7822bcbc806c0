/** Shared assertions of the predict tests. */
import { assertMatch, assertThrows } from "../assert.ts";

/** fn throws `type` with a message containing `text`. */
export function throwsWith<E extends Error>(
  fn: () => unknown,
  type: new (...a: never[]) => E,
  text: string,
) {
  const e = assertThrows(fn, type);
  assertMatch(e.message, new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
}
