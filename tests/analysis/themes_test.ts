import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError } from "../../src/mod.ts";
import {
  commentThemes,
  ENGLISH_STOP_WORDS,
  GERMAN_STOP_WORDS,
  tokenize,
} from "../../src/analysis/themes.ts";
import { sample } from "../metrics/fixtures.ts";

type Row = Record<string, unknown>;
const terms = (t: ColumnTable, n = 1) =>
  (t.objects() as Row[]).filter((r) => r.ngram === n).map((r) => [r.term, r.count, r.comments]);

Deno.test("commentThemes: hand-worked counts, shares and alphabetical ties", () => {
  // 4 comments (the empty and the blank one do not count).
  // 1 "Wartezeit zu lang, Wartezeit!"  → wartezeit ×2, lang      (zu: stop word)
  // 2 "Lange Wartezeit"                → lange, wartezeit; phrase "lange wartezeit"
  // 3 "App stürzt ab"                  → app, stürzt; "ab" is no stop word → ab
  // 4 "Die App ist gut"                → app, gut (die, ist: stop words)
  // wartezeit: 3 times in 2 comments; app: 2 in 2; then 1 each, alphabetically.
  const t = aq.table({
    comment: [
      "Wartezeit zu lang, Wartezeit!",
      "Lange Wartezeit",
      "",
      "App stürzt ab",
      "   ",
      "Die App ist gut",
      null,
    ],
  });
  const r = commentThemes(t);
  assertEquals(terms(r), [
    ["wartezeit", 3, 2],
    ["app", 2, 2],
    ["ab", 1, 1],
    ["gut", 1, 1],
    ["lang", 1, 1],
    ["lange", 1, 1],
    ["stürzt", 1, 1],
  ]);
  const first = r.objects()[0] as Row;
  assertEquals([first.rank, first.pct_comments, first.total_comments], [1, 50, 4]);
  // Phrases: never across the comma ("lang wartezeit"), never with a stop word ("app ist").
  assertEquals(terms(r, 2), [
    ["app stürzt", 1, 1],
    ["lange wartezeit", 1, 1],
    ["stürzt ab", 1, 1],
  ]);
  assertEquals(commentThemes(t, { top: 2, ngrams: [1] }).array("term"), ["wartezeit", "app"]);
});

Deno.test("tokenize: Unicode-aware — umlauts, ß, decomposed letters, apostrophes, hyphens", () => {
  // "Über" with U+0308 combining diaeresis is the same word as precomposed "über".
  const words = tokenize("U\u0308ber ÜBER Maße GROẞ Kund*innen don’t E-Mail 9,99 € – x");
  assertEquals(words.map((w) => w.word), [
    "über",
    "über",
    "maße",
    "groß",
    "kund",
    "innen",
    "don't",
    "mail",
  ]);
  // "innen" follows "*", not a space; "mail" follows the dropped one-letter "e".
  assertEquals(words.map((w) => w.joined), [false, true, true, true, true, false, true, false]);
  assertEquals(tokenize("Passt.\nTop"), [
    { word: "passt", joined: false },
    { word: "top", joined: false },
  ]);
});

Deno.test("commentThemes: stop words per language, negations kept, extra stop words", () => {
  // "auto" decides per comment: the English comment keeps "die" (a verb there), the German one
  // drops it (an article).
  // ("I" is dropped as a one-letter word; "we", "would", "there" make the second one English.)
  const t = aq.table({
    comment: ["Die Hotline war nicht erreichbar", "I thought we would die there"],
  });
  assertEquals(terms(commentThemes(t)).map((x) => x[0]), [
    "die",
    "erreichbar",
    "hotline",
    "nicht",
    "thought",
  ]);
  assertEquals(
    terms(commentThemes(t, { language: "de" })).map((x) => x[0]),
    ["erreichbar", "hotline", "nicht", "there", "thought", "we", "would"],
  );
  assertEquals(
    terms(commentThemes(t, { language: "en", stopWords: ["HOTLINE"] })).map((x) => x[0]),
    ["die", "erreichbar", "nicht", "thought", "war"], // "die" now in both comments: rank 1
  );
  // "hotline war" is no phrase: "war" is a German stop word (and this comment is German).
  assertEquals(terms(commentThemes(t), 2).map((x) => x[0]), ["nicht erreichbar"]);
  for (const list of [GERMAN_STOP_WORDS, ENGLISH_STOP_WORDS]) {
    assertEquals(list.length >= 140 && list.length <= 190, true, `${list.length} stop words`);
    assertEquals(new Set(list).size, list.length, "no duplicates");
    assertEquals(list.every((w) => w === w.toLowerCase() && w.normalize("NFC") === w), true);
    for (const negation of ["nicht", "kein", "keine", "nie", "nichts", "not", "no", "never"]) {
      assertEquals(list.includes(negation), false, negation);
    }
  }
});

Deno.test("commentThemes: by segment, missing segment values, segments without comments", () => {
  const t = aq.table({
    channel: ["phone", "phone", "chat", null, "web"],
    comment: ["Lange Wartezeit", "Wartezeit", "Schnelle Antwort", "Wartezeit", null],
  });
  const r = commentThemes(t, { by: "channel", ngrams: [1] }).objects() as Row[];
  assertEquals(r.map((x) => [x.channel, x.term, x.comments, x.total_comments]), [
    ["chat", "antwort", 1, 1],
    ["chat", "schnelle", 1, 1],
    ["phone", "wartezeit", 2, 2],
    ["phone", "lange", 1, 2],
    [null, "wartezeit", 1, 1],
  ]);
  // Only comments that exist are counted: web has none, so it has no rows.
  assertEquals(r.some((x) => x.channel === "web"), false);
});

Deno.test("planted effect: the app outage shows in March 2025 comments (46 % vs ~12 %)", async () => {
  const responses = await sample("responses");
  const months = responses
    .derive({ month: aq.escape((d: { date: Date }) => d.date.toISOString().slice(0, 7)) })
    .filter(aq.escape((d: { month: string }) => d.month >= "2025-02" && d.month <= "2025-04"));
  const r = commentThemes(months, { by: "month", ngrams: [1] }).objects() as Row[];
  const app = r.filter((x) => x.term === "app");
  assertEquals(app.map((x) => x.month), ["2025-02", "2025-03", "2025-04"]);
  assertEquals(app.map((x) => x.rank), [1, 1, 1]);
  const pct = app.map((x) => Math.round(x.pct_comments as number));
  assertEquals(pct, [11, 46, 13]); // data/README.md: 46 % of March comments vs 11 % / 13 %
  // Detractors complain about waiting; promoters praise.
  const groups = responses.derive({
    group: aq.escape((d: { nps_score: number }) =>
      d.nps_score >= 9 ? "promoter" : d.nps_score <= 6 ? "detractor" : "passive"
    ),
  });
  const top = commentThemes(groups, { by: "group", top: 8, ngrams: [1] }).objects() as Row[];
  const of = (g: string) => top.filter((x) => x.group === g).map((x) => x.term);
  assertEquals(of("detractor").includes("wait") && of("detractor").includes("wartezeit"), true);
  assertEquals(of("promoter").slice(0, 2).sort(), ["great", "quick"]);
  assertEquals(of("promoter").includes("wartezeit"), false);
  // Deterministic: the same input gives the same table.
  assertEquals(
    commentThemes(groups, { by: "group", top: 5 }).objects(),
    commentThemes(groups, { by: "group", top: 5 }).objects(),
  );
});

Deno.test("commentThemes: bad input gives clear errors", () => {
  const t = aq.table({ comment: ["ok"], score: [5] });
  assertMatch(
    assertThrows(() => commentThemes(t, { text: "kommentar" }), CxOptionsError).message,
    /"text" names column "kommentar"/,
  );
  assertThrows(() => commentThemes(t, { by: "channel" }), CxOptionsError);
  assertThrows(() => commentThemes(t, { top: 0 }), CxOptionsError);
  assertThrows(() => commentThemes(t, { ngrams: [4] }), CxOptionsError);
  assertThrows(() => commentThemes(t, { ngrams: [] }), CxOptionsError);
  assertThrows(() => commentThemes(t, { language: "fr" as "de" }), CxOptionsError);
  const notText = assertThrows(() => commentThemes(t, { text: "score" }), CxDataError);
  assertMatch(notText.message, /row 1, column score, value "5": score must be text/);
  assertThrows(() => commentThemes(aq.table({ comment: [] })), CxDataError);
});
