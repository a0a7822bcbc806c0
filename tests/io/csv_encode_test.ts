// encodeCsv decodes new plain-ASCII texts late, a 1 MiB window of its byte arena at a time:
// every field must still come back as the very text written, across window edges, next to
// texts decoded at once (non-ASCII, escaped quotes) and a single text longer than a window.
import { assertEquals } from "../assert.ts";
import { bytesChunks, encodeCsv } from "../../src/io/csv_encode.ts";

Deno.test("encodeCsv: more than 1 MiB of distinct texts, mixed with non-ASCII and escaped ones, decode as written", async () => {
  const ids: string[] = [], texts: (string | null)[] = [];
  const lines = ["id,text"];
  const long = "x".repeat(1_200_000) + "end";
  for (let i = 0; i < 60_000; i++) {
    const id = `R${String(i).padStart(8, "0")}-${"abcdefghij".slice(i % 10)}`;
    let text: string | null, cell: string;
    if (i === 31_234) [text, cell] = [long, long];
    else if (i % 7 === 0) [text, cell] = [`Grüße ${i}`, `Grüße ${i}`];
    else if (i % 11 === 0) [text, cell] = [`say "hi" ${i}`, `"say ""hi"" ${i}"`];
    else if (i % 13 === 0) [text, cell] = [null, ""];
    else if (i % 5 === 0) [text, cell] = [`a, quoted ${i}`, `"a, quoted ${i}"`];
    else [text, cell] = [`plain text number ${i % 997}`, `plain text number ${i % 997}`];
    ids.push(id);
    texts.push(text);
    lines.push(`${id},${cell}`);
  }
  const bytes = new TextEncoder().encode(lines.join("\r\n") + "\r\n");
  const out = await encodeCsv(bytesChunks(bytes), {
    delimiter: ",",
    quotes: "strict",
    source: "x",
  });
  const [id, text] = out.columns.map((c) => Array.from(c.codes, (k) => c.dictionary[k]));
  assertEquals(out.rows, 60_000);
  assertEquals(out.issues.size, 0);
  assertEquals(id, ids);
  assertEquals(text, texts);
  assertEquals(out.columns[0].dictionary.length, 60_000);
});
