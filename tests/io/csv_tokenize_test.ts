// The tokenizer reads seeded random CSV files field for field as Python's csv module does
// (/usr/bin/python3, default dialect, run at test time): directly (tokenizeCsv), through
// readCsv and readLargeCsv without a schema, and through the chunked encoder with tiny chunks
// so records are cut at every kind of boundary. Malformed quotes in lenient mode are read as
// Python reads them too.
import { assertEquals } from "../assert.ts";
import { readCsv } from "../../src/io/csv.ts";
import { readLargeCsv } from "../../src/io/csv_large.ts";
import { decodeColumns, encodeFile } from "./encode_file.ts";
import { tokenizeCsv } from "../../src/io/csv_tokenize.ts";
import { seededRandom } from "../../src/stats/random.ts";

/** Python's csv.reader on a file (newline="", UTF-8, default dialect but the delimiter). */
async function pythonRecords(path: string, delimiter: string): Promise<string[][]> {
  const script = [
    "import csv, json, sys",
    "with open(sys.argv[1], newline='', encoding='utf-8') as f:",
    "    print(json.dumps(list(csv.reader(f, delimiter=sys.argv[2]))))",
  ].join("\n");
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", script, path, delimiter],
    stdout: "piped",
  }).output();
  if (!out.success) throw new Error("python csv reader failed");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const ALPHABET = [..."abcxyz XYZ019.-_", "ä", "ö", "ü", "ß", "€", "😀", "日本", "é"];
const SPECIAL = [",", ";", "\t", "|", '"', "\n", "\r\n", "\r", '""'];

/** A seeded random well-formed CSV: header c0…, records with every quoting case. */
function randomCsv(seed: number, delimiter: string, records: number): string {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const columns = 1 + Math.floor(random() * 6);
  const newline = random() < 0.5 ? "\r\n" : "\n";
  const field = (first: boolean): string => {
    const length = random() < 0.15 && !first ? 0 : 1 + Math.floor(random() * 12);
    let s = first ? "r" : "";
    for (let i = 0; i < length; i++) s += random() < 0.12 ? pick(SPECIAL) : pick(ALPHABET);
    const quote = /[",;\t|\n\r]/.test(s) || random() < 0.2;
    return quote ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [Array.from({ length: columns }, (_, k) => `c${k}`).join(delimiter)];
  for (let r = 0; r < records; r++) {
    lines.push(Array.from({ length: columns }, (_, k) => field(k === 0)).join(delimiter));
  }
  return lines.join(newline) + (random() < 0.5 ? newline : "");
}

const DELIMITERS = [",", ";", "\t", "|"];
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

async function withFile<T>(text: string, run: (path: string) => Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, text);
    return await run(path);
  } finally {
    await Deno.remove(path);
  }
}

for (const seed of SEEDS) {
  const delimiter = DELIMITERS[seed % 4];
  Deno.test(`tokenizer = Python csv on random file ${seed} (${JSON.stringify(delimiter)})`, async () => {
    const text = randomCsv(seed, delimiter, 400);
    await withFile(text, async (path) => {
      const python = await pythonRecords(path, delimiter);
      assertEquals(python.length, 401);
      const { records, problems, notes } = tokenizeCsv(await Deno.readFile(path), delimiter);
      assertEquals(records, python);
      assertEquals([problems.size, notes.size], [0, 0]);

      // Through the loaders: no schema, every column text (empty fields are missing).
      const expected = python.slice(1).map((r) => r.map((v) => v === "" ? null : v));
      const names = python[0];
      const asRows = (t: { array(n: string): ArrayLike<unknown> }) => {
        const cols = names.map((n) => Array.from(t.array(n)));
        return expected.map((_, i) => cols.map((c) => c[i]));
      };
      const slow = await readCsv(path, { delimiter });
      assertEquals(slow.summary.extraColumns.length, names.length);
      assertEquals(asRows(slow.table), expected);
      assertEquals([slow.summary.rejected, slow.summary.warnings], [0, []]);
      const large = await readLargeCsv(path, { delimiter });
      assertEquals(large.engine, "cxkit");
      assertEquals(asRows(large.table), expected);

      // The chunked encoder with tiny chunks: records cut anywhere (inside quotes, CR|LF).
      for (const chunkBytes of [1, 2, 5, 64]) {
        const encoded = await encodeFile(path, { delimiter, quotes: "strict", chunkBytes });
        assertEquals(encoded.names, names);
        const decoded = decodeColumns(encoded);
        assertEquals(expected.map((_, i) => decoded.map((c) => c[i])), expected, `${chunkBytes}`);
      }
    });
  });
}

/**
 * Random malformed quotes Python's default (non-strict) reader accepts: text after a closing
 * quote, stray quotes. Returns the text and the records with text after a closing quote.
 */
function looseCsv(seed: number, records: number): { text: string; broken: number[] } {
  const random = seededRandom(seed);
  const late = ['"a" b', '"x""y"z', '"é"😀', '"a"b"c'];
  const fine = ['ab"c', '5" screen', '"q"', "plain", "", 'x"', '"say ""hi"""'];
  const all = [...late, ...fine];
  const lines = ["c0,c1,c2"], broken: number[] = [];
  for (let r = 0; r < records; r++) {
    const pair = [0, 1].map(() => all[Math.floor(random() * all.length)]);
    if (pair.some((f) => late.includes(f))) broken.push(r + 1);
    lines.push([`r${r}`, ...pair].join(","));
  }
  return { text: lines.join("\n") + "\n", broken };
}

for (const seed of [11, 12, 13]) {
  Deno.test(`quotes: "lenient" = Python csv on malformed quotes (seed ${seed})`, async () => {
    const { text, broken } = looseCsv(seed, 300);
    await withFile(text, async (path) => {
      const python = await pythonRecords(path, ",");
      const bytes = await Deno.readFile(path);
      const lenient = tokenizeCsv(bytes, ",", "lenient");
      assertEquals(lenient.records, python);
      assertEquals(lenient.problems.size, 0);
      // Strict mode reads the same records but marks each one with text after a closing quote.
      const strict = tokenizeCsv(bytes, ",", "strict");
      assertEquals(strict.records, python);
      assertEquals([...strict.problems.keys()], broken);
      for (const p of strict.problems.values()) assertEquals(p.kind, "text-after-quote");
      // The chunked encoder keeps text after a quote the same way when records are cut anywhere.
      for (const chunkBytes of [1, 3, 50]) {
        const encoded = await encodeFile(path, { delimiter: ",", quotes: "lenient", chunkBytes });
        const decoded = decodeColumns(encoded).map((c) => c.map((v) => v ?? ""));
        assertEquals(python.slice(1).map((_, i) => decoded.map((c) => c[i])), python.slice(1));
        assertEquals(encoded.keptAfterQuote.map((i) => i + 1), broken);
      }
    });
  });
}

Deno.test("broken records are found alike whole and in chunks cut anywhere", async () => {
  const text = [
    "id,text,n",
    'a,"x" y,1',
    'b,"never closed,2',
    'c,"two\r\nlines",3',
    'd,5" screen,4',
    "e,short",
    'f,"open at the end,6',
  ].join("\r\n");
  await withFile(text, async (path) => {
    const encode = async (chunkBytes?: number) => {
      const out = await encodeFile(path, { delimiter: ",", quotes: "strict", chunkBytes });
      const cells = decodeColumns(out);
      return { rows: out.rows, issues: [...out.issues], cells, stray: out.strayQuotes };
    };
    const whole = await encode();
    // Rows: a (text after quote), b (unterminated, its line only), c, d (stray quote), e (short), f.
    assertEquals(whole.rows, 6);
    assertEquals(
      whole.issues.map(([row, list]) => [row, list.map((i) => i.reason.split(";")[0])]),
      [
        [0, ["text after the closing quote in column text"]],
        [
          1,
          [
            "unterminated quote in column text opened on line 3: the quoted field runs over the line end and is not closed properly",
          ],
        ],
        [4, ["row has 2 fields but the header has 3: 1 missing"]],
        [5, ["unterminated quote in column text opened on line 8: the file ends inside quotes"]],
      ],
    );
    assertEquals(whole.cells[1][2], "two\r\nlines");
    assertEquals(whole.stray, [3]);
    for (const chunkBytes of [1, 2, 7]) {
      assertEquals(await encode(chunkBytes), whole, `${chunkBytes}`);
    }
  });
});
