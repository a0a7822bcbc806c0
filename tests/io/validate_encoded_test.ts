// Validation of dictionary-encoded columns (validateEncoded, behind readCsv) gives the same table
// and rejects as the row-by-row validateColumns on the same texts: seeded random answers with
// several bad cells per row (scores out of range, bad dates, blank ids, text in number columns),
// blank lines and repeated ids, so rows share their bad cells in every combination (the encoded
// path answers rows alike in their bad cells once; a blank line is not alike a row of empty
// required fields).
import { assertEquals } from "../assert.ts";
import { bytesChunks, encodeCsv } from "../../src/io/csv_encode.ts";
import { validateCsv } from "../../src/io/csv_read.ts";
import { validateColumns } from "../../src/io/validate.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { z } from "zod";

function answers(seed: number, rows: number): string {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  // A blank line and rows whose only bad cells are the blank line's (empty required fields).
  const lines = [
    "response_id,customer_id,date,nps_score,csat,channel,extra",
    ",,,,,,",
    ",c1,,,,chat,a",
  ];
  for (let i = 0; i < rows; i++) {
    if (random() < 0.03) {
      lines.push(",,,,,,");
      continue;
    }
    const id = random() < 0.05 ? pick(["", " ", "r1"]) : `r${i}`;
    const date = random() < 0.05
      ? pick(["2024-13-01", "gestern", "31.02.2024", ""])
      : `2024-02-${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`;
    const nps = random() < 0.08
      ? pick(["11", "-1", "x", "9.5", ""])
      : String(Math.floor(random() * 11));
    const csat = random() < 0.05 ? pick(["6", "0", "viel"]) : pick(["", "1", "5"]);
    lines.push(
      [id, `c${i % 7}`, date, nps, csat, pick(["chat", "", "mail"]), pick(["a", "1"])].join(","),
    );
  }
  return lines.join("\n") + "\n";
}

/** `text` validated both ways: encoded then `validateCsv` (fast), and row by row (slow). */
async function bothPaths(text: string, options: Parameters<typeof validateCsv>[1]) {
  const encoded = await encodeCsv(bytesChunks(new TextEncoder().encode(text)), {
    delimiter: ",",
    quotes: "strict",
    source: "x",
  });
  const ctx = { source: "x", encoding: "utf-8" as const, warnings: [], delimiter: "," };
  const fast = validateCsv(encoded, options, ctx);
  const texts = new Map(encoded.names.map((n, k) => {
    const { codes, dictionary } = encoded.columns[k];
    return [n, Array.from(codes, (c) => dictionary[c])];
  }));
  const slow = validateColumns(
    { names: encoded.names, rows: encoded.rows, get: (n) => texts.get(n)! },
    options,
    { source: "x", firstRow: 2, inferExtras: true, unquoteFormulas: true, warnings: [] },
  );
  return { fast, slow };
}

for (const seed of [1, 2, 3, 4, 5, 6]) {
  Deno.test(`validateEncoded = validateColumns on random answers (seed ${seed})`, async () => {
    const text = answers(seed, 600);
    const options = { schema: "responses" as const, decimal: "." as const, unique: seed % 2 === 0 };
    const { fast, slow } = await bothPaths(text, options);
    const distinctReasons = new Set(slow.rejects.array("reason") as string[]);
    assertEquals(distinctReasons.size > 8, true, `${distinctReasons.size} distinct reasons`);
    assertEquals(fast.rejects.objects(), slow.rejects.objects());
    assertEquals(fast.table.objects(), slow.table.objects());
    assertEquals(fast.summary.warnings, slow.summary.warnings);
  });
}

// Optional and nullable string fields with checks (customer_id is idField().optional()) are
// accepted per distinct value by the same direct test as plain ones; values it fails, checks on
// the wrapper itself and missing values still get zod's verdict.
Deno.test("validateEncoded = validateColumns on optional and nullable string fields", async () => {
  const schema = z.object({
    id: z.string().min(1),
    code: z.string().min(3).regex(/^[A-Z]/).optional(),
    note: z.string().regex(/x/).nullable(),
    tag: z.string().min(2).optional().refine((v) => v !== "no", { error: "tag is no" }),
  });
  const lines = ["id,code,note,tag"];
  const codes = ["ABC", "ab", "Abcd", "", "A", " ABC", "'=AB"];
  const notes = ["x", "box", "", "y", "xx"];
  const tags = ["ok", "no", "", "n", "yes"];
  for (let i = 0; i < 140; i++) {
    lines.push([`r${i}`, codes[i % 7], notes[i % 5], tags[i % 5 === 0 ? 1 : i % 5]].join(","));
  }
  const text = lines.join("\n") + "\n";
  const options = { schema, decimal: "." as const };
  const { fast, slow } = await bothPaths(text, options);
  const reasons = new Set(slow.rejects.array("reason") as string[]);
  assertEquals(reasons.size >= 4, true, [...reasons].join("; "));
  assertEquals(slow.table.numRows() > 10, true);
  assertEquals(fast.rejects.objects(), slow.rejects.objects());
  assertEquals(fast.table.objects(), slow.table.objects());
  assertEquals(fast.summary.warnings, slow.summary.warnings);
});
