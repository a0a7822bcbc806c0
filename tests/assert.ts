/**
 * Tiny assertion helpers on top of `node:assert` (JSR's @std/assert is not
 * reachable here).
 *
 * @module
 */
import assert from "node:assert/strict";

/** Deep strict equality. */
export function assertEquals<T>(actual: unknown, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

/** String matches a pattern. */
export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  assert.match(actual, pattern, message);
}

/** Number within `tolerance` of `expected`. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance = 1e-9,
  message?: string,
): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    message ?? `expected ${actual} to be within ${tolerance} of ${expected}`,
  );
}

/** The function throws an instance of `type`; returns the error. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  type: new (...args: never[]) => E,
): E {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e}`);
    return e as E;
  }
  throw new assert.AssertionError({ message: `expected ${type.name} to be thrown` });
}

/** The promise rejects with an instance of `type`; returns the error. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e}`);
    return e as E;
  }
  throw new assert.AssertionError({ message: `expected ${type.name} to be rejected` });
}
