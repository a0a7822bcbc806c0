/**
 * Personal-data detection against the corpus in tests/fixtures/pii/corpus.txt
 * (German and English lines, marked by hand: what must be redacted with its
 * exact span, and lines that must come back untouched), plus the table-level
 * findPii / redactPii and their option checks.
 */
import * as aq from "arquero";
import { assertEquals, assertThrows } from "../assert.ts";
import { CxOptionsError } from "../../src/errors.ts";
import { findPiiInText, type PiiKind, redactText } from "../../src/privacy/pii.ts";
import { findPii, redactPii } from "../../src/text/pii.ts";
import { sample } from "../metrics/fixtures.ts";

interface Case {
  line: number;
  lang: string;
  text: string;
  spans: { kind: PiiKind; start: number; end: number }[];
}

const MARK = /\[\[(email|phone|iban|card):(.*?)\]\]/g;

async function corpus(): Promise<Case[]> {
  const raw = await Deno.readTextFile(new URL("../fixtures/pii/corpus.txt", import.meta.url));
  const cases: Case[] = [];
  raw.split("\n").forEach((source, i) => {
    if (source.trim() === "" || source.startsWith("#")) return;
    const m = source.match(/^(de|en) \| (.*)$/);
    if (!m) throw new Error(`corpus line ${i + 1} is not "<lang> | <text>": ${source}`);
    let text = "";
    let at = 0;
    const spans: Case["spans"] = [];
    for (const mark of m[2].matchAll(MARK)) {
      text += m[2].slice(at, mark.index);
      spans.push({
        kind: mark[1] as PiiKind,
        start: text.length,
        end: text.length + mark[2].length,
      });
      text += mark[2];
      at = mark.index + mark[0].length;
    }
    text += m[2].slice(at);
    cases.push({ line: i + 1, lang: m[1], text, spans });
  });
  return cases;
}

Deno.test("PII corpus: every marked span found exactly, nothing else (recall and precision 100 %)", async () => {
  const cases = await corpus();
  const key = (s: { kind: string; start: number; end: number }) => `${s.kind}@${s.start}-${s.end}`;
  let truePositives = 0, expected = 0, found = 0;
  const misses: string[] = [];
  const perKind: Record<string, { tp: number; fn: number; fp: number }> = {};
  for (const c of cases) {
    const want = new Set(c.spans.map(key));
    const got = new Set(findPiiInText(c.text).map(key));
    expected += want.size;
    found += got.size;
    for (const s of c.spans) perKind[s.kind] ??= { tp: 0, fn: 0, fp: 0 };
    for (const k of want) {
      const kind = k.split("@")[0];
      if (got.has(k)) {
        truePositives++;
        perKind[kind].tp++;
      } else {
        perKind[kind].fn++;
        misses.push(`line ${c.line}: missed ${k} "${spanText(c.text, k)}" in: ${c.text}`);
      }
    }
    for (const k of got) {
      if (want.has(k)) continue;
      const kind = k.split("@")[0];
      (perKind[kind] ??= { tp: 0, fn: 0, fp: 0 }).fp++;
      misses.push(`line ${c.line}: wrongly found ${k} "${spanText(c.text, k)}" in: ${c.text}`);
    }
  }
  const de = cases.filter((c) => c.lang === "de").length;
  const clean = cases.filter((c) => c.spans.length === 0).length;
  const recall = truePositives / expected, precision = truePositives / found;
  console.log(
    `PII corpus: ${cases.length} lines (${de} German, ${cases.length - de} English; ` +
      `${cases.length - clean} with personal data, ${clean} that must stay untouched), ` +
      `${expected} marked spans: recall ${(100 * recall).toFixed(1)} %, ` +
      `precision ${(100 * precision).toFixed(1)} %`,
  );
  for (const [kind, k] of Object.entries(perKind)) {
    console.log(`  ${kind}: ${k.tp} found, ${k.fn} missed, ${k.fp} wrongly found`);
  }
  assertEquals(misses, []);
  assertEquals(cases.length >= 200 && de >= 90 && cases.length - de >= 90, true, "corpus size");
  assertEquals(clean >= 90 && cases.length - clean >= 90, true, "both directions");
  assertEquals([recall, precision], [1, 1]);
});

function spanText(text: string, key: string): string {
  const [start, end] = key.split("@")[1].split("-").map(Number);
  return text.slice(start, end);
}

Deno.test("redactText: placeholders per language; untouched lines come back identical", async () => {
  for (const c of await corpus()) {
    const labels = c.lang === "de"
      ? { email: "[E-Mail]", phone: "[Telefon]", iban: "[IBAN]", card: "[Karte]" }
      : { email: "[email]", phone: "[phone]", iban: "[IBAN]", card: "[card]" };
    let want = c.text;
    for (const s of [...c.spans].reverse()) {
      want = want.slice(0, s.start) + labels[s.kind] + want.slice(s.end);
    }
    assertEquals(redactText(c.text, { language: c.lang as "de" | "en" }), want, `line ${c.line}`);
  }
});

Deno.test("findPii: rows, columns, kinds and offsets of a table; text columns by default", () => {
  const t = aq.table({
    id: ["r1", "r2", "r3"],
    score: [1, 2, 3],
    comment: ["Mail a@b.de, Tel. 0151 12345678", null, "Bestellung 10023456"],
    note: ["", "Karte 4111 1111 1111 1111", "IBAN DE89370400440532013000"],
  });
  assertEquals(findPii(t).objects(), [
    { row: 1, column: "comment", kind: "email", start: 5, end: 11 },
    { row: 1, column: "comment", kind: "phone", start: 18, end: 31 },
    { row: 2, column: "note", kind: "card", start: 6, end: 25 },
    { row: 3, column: "note", kind: "iban", start: 5, end: 27 },
  ]);
  assertEquals(findPii(t, { columns: "note", kinds: ["iban"] }).objects(), [
    { row: 3, column: "note", kind: "iban", start: 5, end: 27 },
  ]);
  const none = findPii(t, { columns: ["id"] });
  assertEquals([none.numRows(), none.columnNames()], [0, [
    "row",
    "column",
    "kind",
    "start",
    "end",
  ]]);
});

Deno.test("redactPii: replaces in place, keeps other columns and order; English labels", () => {
  const t = aq.table({
    comment: ["Mail a@b.de, Tel. 0151 12345678", null],
    score: [3, 9],
  });
  assertEquals(redactPii(t).objects(), [
    { comment: "Mail [E-Mail], Tel. [Telefon]", score: 3 },
    { comment: null, score: 9 },
  ]);
  assertEquals(redactPii(t, { language: "en" }).get("comment", 0), "Mail [email], Tel. [phone]");
  assertEquals(redactPii(t, { kinds: ["phone"] }).get("comment", 0), "Mail a@b.de, Tel. [Telefon]");
  assertEquals(redactPii(aq.table({ n: [1] })).objects(), [{ n: 1 }]);
});

Deno.test("findPii and redactPii refuse bad options with the fix", () => {
  const t = aq.table({ comment: ["x"], score: [1] });
  assertEquals(
    assertThrows(() => findPii(t, { column: "comment" } as never), CxOptionsError).message,
    'findPii: unknown option "column"; did you mean "columns"?',
  );
  assertEquals(
    assertThrows(() => redactPii(t, { columns: "score" }), CxOptionsError).message,
    'redactPii: column "score" holds values that are not text; name only text columns in "columns"',
  );
  assertEquals(
    assertThrows(() => redactPii(t, { columns: "text" }), CxOptionsError).message,
    'redactPii: option "columns" names "text", which is not a column; columns: comment, score',
  );
  assertEquals(
    assertThrows(() => redactPii(t, { kinds: ["mail" as PiiKind] }), CxOptionsError).message,
    'Option "kinds" must list some of "email", "phone", "iban", "card", got ["mail"]',
  );
  assertEquals(
    assertThrows(() => redactPii(t, { language: "fr" as "de" }), CxOptionsError).message,
    'Option "language" must be "de" or "en" (the placeholders\' language), got "fr"',
  );
  assertEquals(
    assertThrows(() => findPii(t.groupby("comment")), CxOptionsError).message,
    'findPii: the table is grouped by "comment", and findPii has no by option; ungroup it first (t.ungroup())',
  );
});

Deno.test("long hostile texts take linear time (no regex blow-up)", () => {
  const texts = [
    "1".repeat(100_000) + "a",
    "0 1 ".repeat(25_000),
    "a@" + "b-".repeat(50_000),
    "DE89 " + "3704 ".repeat(20_000),
    "4111-".repeat(20_000),
    "(0".repeat(50_000),
  ];
  for (const text of texts) {
    const start = performance.now();
    assertEquals(findPiiInText(text), []);
    const ms = performance.now() - start;
    assertEquals(ms < 2000, true, `${text.slice(0, 12)}…: ${ms.toFixed(0)} ms`);
  }
});

Deno.test("the sample's comments (prices, hours, counts, '+1 für …') hold no personal data", async () => {
  const responses = await sample("responses");
  const comments = (responses.array("comment") as unknown[]).filter((c) => typeof c === "string");
  assertEquals(comments.length > 5000, true);
  assertEquals(findPii(responses).numRows(), 0);
});
