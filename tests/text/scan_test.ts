/**
 * scanWords (the character scan behind commentTerms) equals `tokenize` of
 * analysis/themes.ts on seeded random comments: letters of both cases with
 * umlauts, ß and ẞ, digits, apostrophes ' and ’, hyphens, dashes, tabs,
 * no-break spaces, combining marks, decomposed umlauts, emoji and symbols,
 * so both the fast path and the fallback are exercised.
 */
import { assertEquals } from "../assert.ts";
import { tokenize } from "../../src/analysis/themes.ts";
import { scanWords } from "../../src/text/scan.ts";
import { seededRandom } from "../../src/stats/random.ts";

const FAST = [
  ..."abcxyzABCXYZäöüÄÖÜßéÉçñÿ0129",
  "'",
  "’",
  "-",
  "–",
  " ",
  " ",
  "\t",
  "\n",
  ",",
  ".",
  "!",
  "€",
  "×",
];
const SLOW = ["\u00a0", "\u0308", "a\u0308", "ẞ", "😀", "²", "µ", "İ", "ǅ", "\u2009"];

Deno.test("scanWords = tokenize on seeded random comments (fast path and fallback)", () => {
  const random = seededRandom(18);
  const pick = (xs: string[]) => xs[Math.floor(random() * xs.length)];
  let fast = 0;
  for (let n = 0; n < 20_000; n++) {
    const slow = random() < 0.2;
    const length = Math.floor(random() * 24);
    let text = "";
    for (let i = 0; i < length; i++) text += slow && random() < 0.15 ? pick(SLOW) : pick(FAST);
    if (!slow) fast++;
    assertEquals(scanWords(text), tokenize(text), JSON.stringify(text));
  }
  assertEquals(fast > 15_000, true);
});

Deno.test("scanWords by hand: apostrophes, joins, dropped words", () => {
  assertEquals(scanWords("Don’t  WAIT-time 24 h, x App–Ausfall l'été'"), [
    { word: "don't", joined: false },
    { word: "wait", joined: true },
    { word: "time", joined: true },
    // "24" (no letter) and "h" (one letter) are dropped; "x" too, so "app" is not joined
    { word: "app", joined: false },
    { word: "ausfall", joined: false }, // an en dash does not join
    { word: "l'été", joined: true },
  ]);
});
