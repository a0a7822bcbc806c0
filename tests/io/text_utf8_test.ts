/**
 * `validUtf8` checks shared memory in 1 MiB chunks: its verdict must be that
 * of a fatal `TextDecoder` on the whole input, whatever straddles a chunk's end.
 */
import assert from "node:assert/strict";
import { validUtf8 } from "../../src/io/text.ts";

const CHUNK = 1 << 20;

/** `bytes` in a fresh shared buffer. */
function shared(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/** Whether a fatal decoder accepts the bytes (the reference). */
function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

Deno.test("validUtf8 on shared memory agrees with a fatal decoder around chunk ends", () => {
  const sequences: number[][] = [
    [0xc3, 0xbc], // ü
    [0xe2, 0x82, 0xac], // €
    [0xf0, 0x9f, 0x98, 0x80], // 😀
    [0xc3], // truncated
    [0xe2, 0x82], // truncated
    [0x80, 0x80, 0x80, 0x80], // four continuation bytes
    [0xbf], // lone continuation byte
    [0xc0, 0xaf], // overlong
    [0xed, 0xa0, 0x80], // surrogate
    [0xff],
  ];
  let checked = 0, invalid = 0;
  for (const seq of sequences) {
    for (let at = CHUNK - 5; at <= CHUNK + 1; at++) {
      const bytes = new Uint8Array(2 * CHUNK + 100).fill(0x61);
      bytes.set(seq, at);
      const expected = decodes(bytes);
      assert.equal(validUtf8(shared(bytes)), expected, `${seq} at ${at}`);
      assert.equal(validUtf8(bytes), expected, `${seq} at ${at}, plain`);
      checked++;
      if (!expected) invalid++;
    }
  }
  // Both verdicts occur, so a check that always answered one way would fail.
  assert.ok(invalid > 0 && invalid < checked, `${invalid} of ${checked} invalid`);
});

Deno.test("validUtf8: a bad byte in a later chunk, or at the very end, is found", () => {
  const text = new TextEncoder().encode("Grüße €\n".repeat(400_000));
  assert.equal(validUtf8(shared(text)), true);
  for (const at of [0, CHUNK, 2 * CHUNK + 7, text.length - 1]) {
    const bad = text.slice();
    bad[at] = 0xff;
    assert.equal(validUtf8(shared(bad)), false, `0xff at ${at}`);
  }
});
