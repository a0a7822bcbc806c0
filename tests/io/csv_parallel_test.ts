// Reading a CSV input on two cores (csv_parallel.ts) gives exactly what one pass gives.
// 1. In process (the second part encoded by the same function the worker runs): on every CSV
//    fixture (hostile ones included), both quote modes, split at 8 points; on seeded random
//    files with every kind of broken record, bad bytes, blank lines and dictionaries that cross
//    the 1-, 2- and 4-byte code widths on either side of the split. Compared: names, every
//    column's code width, codes and dictionary, issues (rows, reasons with line numbers),
//    notes, bad-byte rows, the line an input ends inside quotes.
// 2. With the worker: the same on a random file, a split inside quotes (the worker's part is
//    dropped and the worker terminated), readCsv's whole result (table, rejects, summary), a
//    failure in the worker surfacing as a CxError, and a reader with read permission for its
//    data file only (no worker, same result).
import assert from "node:assert/strict";
import { assertEquals, assertRejects } from "../assert.ts";
import {
  bytesChunks,
  encodeCsv,
  type EncodedCsv,
  type EncodedPart,
  encodePart,
  type SplitRunner,
  withKnownEntries,
} from "../../src/io/csv_encode.ts";
import {
  canStartWorker,
  PARALLEL_BYTES,
  workerError,
  workerSplit,
} from "../../src/io/csv_parallel.ts";
import { readCsv } from "../../src/io/csv.ts";
import { loadCsv } from "../../src/io/csv_read.ts";
import type { QuoteMode } from "../../src/io/csv_tokenize.ts";
import { sniffDelimiter, toUtf8 } from "../../src/io/text.ts";
import { CxDataError, CxError, CxOptionsError, CxSchemaError } from "../../src/errors.ts";
import { seededRandom } from "../../src/stats/random.ts";

/**
 * The second part encoded in this thread, by the functions the worker runs:
 * its entries looked up in the first part's tables once they are handed over.
 */
const inProcess = (share: number): SplitRunner => ({
  share,
  start: (buf, from, columns, d, quotes) => {
    const part = encodePart(buf, from, columns, d, quotes);
    const { promise, resolve } = Promise.withResolvers<EncodedPart>();
    return {
      result: promise,
      first: (index) => resolve(withKnownEntries(part, index)),
      cancel: () => {},
    };
  },
});

/** Everything an encoding holds, as plain data (code width included). */
function plain(e: EncodedCsv) {
  return {
    ...e,
    columns: e.columns.map((c) => ({
      width: c.codes.BYTES_PER_ELEMENT,
      codes: [...c.codes],
      dictionary: c.dictionary,
    })),
    issues: [...e.issues],
  };
}

async function encode(bytes: Uint8Array, d: string, quotes: QuoteMode, split?: SplitRunner) {
  try {
    return plain(
      await encodeCsv(bytesChunks(bytes), { delimiter: d, quotes, source: "x", split }),
    );
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

async function sameSplitOrNot(bytes: Uint8Array, what: string, d = sniffDelimiter(text(bytes))) {
  for (const quotes of ["strict", "lenient"] as const) {
    const once = await encode(bytes, d, quotes);
    for (let j = 1; j < 16; j += 2) {
      assertEquals(
        await encode(bytes, d, quotes, inProcess(j / 16)),
        once,
        `${what} ${quotes} ${j}`,
      );
    }
  }
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(0, 1 << 16));

async function csvFixtures(dir: URL): Promise<URL[]> {
  const out: URL[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) out.push(...await csvFixtures(url));
    else if (entry.name.endsWith(".csv")) out.push(url);
  }
  return out.sort((a, b) => a.href < b.href ? -1 : 1);
}

Deno.test("split = one pass on every CSV fixture, both quote modes, 8 split points", async () => {
  const files = await csvFixtures(new URL("../fixtures/", import.meta.url));
  let read = 0;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      ({ bytes } = toUtf8(await Deno.readFile(file), "auto", file.pathname));
    } catch (e) {
      assert.ok(e instanceof CxOptionsError); // UTF-16 without a byte-order mark: never tokenized
      continue;
    }
    await sameSplitOrNot(bytes, file.pathname);
    read++;
  }
  assert.ok(read > 150, `${read} read`);
});

/** A seeded random CSV with every kind of record the tokenizer treats specially. */
function hostileCsv(seed: number, records: number, distinct: number): Uint8Array {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const odd = [
    '"a ""q"" b"',
    '"x\ny"',
    '"x\r\ny"',
    '"late" text',
    "",
    '5" screen',
    "é日😀",
    '""',
    '"open\nnever closed',
    "a,b,c,d",
    "\xff",
    "x\0y",
    '"two\n\nlines"',
  ];
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode("id,value,note\n")];
  for (let r = 0; r < records; r++) {
    const roll = random();
    const id = `k${Math.floor(random() * distinct)}`;
    let line: string;
    if (roll < 0.02) line = "";
    else if (roll < 0.04) line = `${id},only-two`;
    else if (roll < 0.3) line = `${id},${pick(odd)},${pick(odd)}`;
    else line = `${id},v${Math.floor(random() * 300)},${pick(["", "n1", "n2"])}`;
    const end = pick(["\n", "\n", "\r\n", "\r"]);
    if (line.includes("\xff") || line.includes("\0")) {
      const bytes = enc.encode(line.replace("\xff", "~") + end);
      if (line.includes("\xff")) bytes[bytes.indexOf(126)] = 0xff;
      parts.push(bytes);
    } else parts.push(enc.encode(line + end));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Seed, records, distinct ids: the last crosses 65,536 ids, split or not. */
const RANDOM_FILES = [[1, 600, 40], [2, 600, 500], [3, 3000, 400], [4, 150_000, 90_000]];

for (const [seed, records, distinct] of RANDOM_FILES) {
  Deno.test(`split = one pass on hostile random file ${seed} (${records} records, ${distinct} ids)`, async () => {
    const bytes = hostileCsv(seed, records, distinct);
    if (records > 10_000) {
      // Large: fewer split points (each pass is ~0.1 s); the ids cross 256 and 65,536 entries.
      for (const quotes of ["strict", "lenient"] as const) {
        const once = await encode(bytes, ",", quotes);
        assert.ok(!("error" in once) && once.columns[0].width === 4, "ids need 4-byte codes");
        for (const share of [0.001, 0.3, 0.5, 0.9]) {
          assertEquals(
            await encode(bytes, ",", quotes, inProcess(share)),
            once,
            `${quotes} ${share}`,
          );
        }
      }
    } else await sameSplitOrNot(bytes, `seed ${seed}`, ",");
  });
}

// Entries that only the second part has: the empty field (followed by new entries), texts that
// are not plain ASCII, bad bytes, and enough new ids that the codes cross 256 and 65,536 entries
// only while the part is appended (absorb). Split exactly at the parts' boundary and at lopsided
// shares on either side of it.
Deno.test("split = one pass when the second part brings the empty field, wider codes, decoded texts", async () => {
  const enc = new TextEncoder();
  const head = ["id,flag,note"];
  for (let i = 0; i < 200; i++) head.push(`a${i},k,n${i % 3}`);
  const tail: string[] = [];
  for (let i = 0; i < 70_000; i++) {
    tail.push(
      `b${i},${i % 5 === 0 ? "" : `k${i % 3}`},${["é", "日本", "x~", ""][i % 4]}${i % 300}`,
    );
  }
  const first = enc.encode(head.join("\n") + "\n");
  const second = enc.encode(tail.join("\n") + "\n");
  for (let i = second.indexOf(0x7e); i >= 0; i = second.indexOf(0x7e, i)) second[i] = 0xff; // "~"
  const bytes = new Uint8Array(first.length + second.length);
  bytes.set(first);
  bytes.set(second, first.length);
  const headerEnd = bytes.indexOf(10) + 1;
  // The share whose split lands on the first line feed at or after the boundary.
  const atBoundary = (first.length - 1 - headerEnd) / (bytes.length - headerEnd);
  for (const quotes of ["strict", "lenient"] as const) {
    const once = await encode(bytes, ",", quotes);
    assert.ok(!("error" in once), JSON.stringify(once).slice(0, 200));
    assertEquals(once.columns.map((c) => c.width), [4, 1, 2]);
    assert.ok(once.issues.length > 1000, `${once.issues.length} rows with bad bytes`);
    for (const share of [atBoundary, atBoundary / 2, 0.001, 0.7]) {
      assertEquals(await encode(bytes, ",", quotes, inProcess(share)), once, `${quotes} ${share}`);
    }
  }
});

Deno.test("worker: the split read on a worker = one pass, from plain and shared memory", async () => {
  const plainBytes = hostileCsv(5, 5000, 3000);
  const shared = new Uint8Array(new SharedArrayBuffer(plainBytes.length));
  shared.set(plainBytes);
  for (const bytes of [plainBytes, shared]) {
    for (const quotes of ["strict", "lenient"] as const) {
      const split = workerSplit(bytes.length, { minBytes: 0 });
      assert.ok(split, "a worker can start under -A");
      assertEquals(await encode(bytes, ",", quotes, split), await encode(bytes, ",", quotes));
      split.close();
    }
  }
});

/** Runs `body` with every Worker counted: how many were made and how many terminated. */
async function countingWorkers(body: () => Promise<void>): Promise<[number, number]> {
  const Original = globalThis.Worker;
  let made = 0, ended = 0;
  globalThis.Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof Worker>) {
      super(...args);
      made++;
    }
    override terminate() {
      ended++;
      super.terminate();
    }
  };
  try {
    await body();
  } finally {
    globalThis.Worker = Original;
  }
  return [made, ended];
}

Deno.test("worker: readCsv of a file past the threshold reads it on two threads, and ends the worker", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  const rows = ["response_id,date,nps_score"];
  for (let i = 0, size = 0; size < PARALLEL_BYTES + 1e5; i++) {
    rows.push(`r${i},2024-01-${10 + (i % 20)},${i % 997 === 0 ? 11 : i % 11}`);
    size += rows[rows.length - 1].length + 1;
  }
  await Deno.writeTextFile(path, rows.join("\n") + "\n");
  try {
    assert.ok((await Deno.stat(path)).size >= PARALLEL_BYTES);
    const counts = await countingWorkers(async () => {
      const { summary, rejects } = await readCsv(path, { schema: "responses" });
      const bad = rows.slice(1).flatMap((r, i) => r.endsWith(",11") ? [i + 2] : []);
      assertEquals([summary.rows, summary.rejected], [rows.length - 1, bad.length]);
      assertEquals(rejects.array("row"), bad);
    });
    assertEquals(counts, [1, 1]);
    // A load that fails (a header with an unclosed quote) ends its worker too.
    await Deno.writeTextFile(path, '"response_id,date\n' + rows.slice(1).join("\n"));
    const failed = await countingWorkers(async () => {
      await assertRejects(() => readCsv(path, { schema: "responses" }), CxSchemaError);
    });
    assertEquals(failed, [1, 1]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("worker: a split inside quotes drops the worker's part", async () => {
  // The line feed after the middle lies inside a quoted field spanning the whole middle.
  const lines = Array.from({ length: 200 }, (_, i) => `r${i},x`);
  const csv = `id,note\n${lines.join("\n")}\nq,"${"long\n".repeat(400)}"\n${lines.join("\n")}\n`;
  const bytes = new TextEncoder().encode(csv);
  let started = 0, cancelled = 0;
  const worker = workerSplit(bytes.length, { minBytes: 0 })!;
  const counting: SplitRunner = {
    share: 0.5,
    start: (...args) => {
      started++;
      const job = worker.start(...args);
      return { ...job, cancel: () => (cancelled++, job.cancel()) };
    },
  };
  const got = await encode(bytes, ",", "strict", counting);
  assertEquals(got, await encode(bytes, ",", "strict"));
  assert.ok(started === 1 && cancelled >= 1, `${started} started, ${cancelled} cancelled`);
});

Deno.test("worker: readCsv's whole result is the same on two threads", async () => {
  const random = seededRandom(9);
  const rows = ["response_id,date,nps_score,channel,comment"];
  for (let i = 0; i < 20_000; i++) {
    const score = random() < 0.01 ? "11" : String(Math.floor(random() * 11));
    const comment = random() < 0.01 ? '"unclosed\n' : random() < 0.3 ? '"a, b"' : "";
    rows.push(
      `r${i},2024-0${1 + (i % 9)}-1${i % 10},${score},${["chat", "mail"][i % 2]},${comment}`,
    );
  }
  const bytes = new TextEncoder().encode(rows.join("\n") + "\n");
  const load = async (split?: SplitRunner) => {
    const head = text(bytes);
    const result = await loadCsv(
      { chunks: bytesChunks(bytes), head, source: "x", encoding: "utf-8", warnings: [] },
      { schema: "responses" },
      split,
    );
    return { table: result.table.objects(), rejects: result.rejects.objects(), ...result.summary };
  };
  const once = await load();
  assert.ok(once.rejected > 100 && once.accepted > 19_000, JSON.stringify(once.rejected));
  assertEquals(await load(workerSplit(bytes.length, { minBytes: 0 })!), once);
});

Deno.test("worker: a failure in the worker is a CxError in the caller, and the worker ends", async () => {
  const bytes = new TextEncoder().encode("a,b\n1,2\n3,4\n");
  const split = workerSplit(bytes.length, { minBytes: 0 })!;
  const job = split.start(bytes, 4, 2 ** 32, 44, "strict");
  const error = await assertRejects(() => job.result, CxError);
  assert.match(error.message, /reading the CSV on a second thread failed: RangeError/);
  job.cancel();
  split.close();
  assert.throws(() => split.start(bytes, 4, 2, 44, "strict"), CxError);
  const data = workerError({ name: "CxDataError", message: "m", problems: [] });
  assert.ok(data instanceof CxDataError && data.message === "m");
  assert.ok(workerError({ name: "CxSchemaError", message: "s" }) instanceof CxSchemaError);
  assert.ok(workerError({ name: "CxOptionsError", message: "o" }) instanceof CxOptionsError);
});

Deno.test("worker: with read permission for the data only, readCsv reads on one thread", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  const main = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(path, "response_id,date,nps_score\nr1,2024-01-05,9\nr2,2024-01-06,11\n");
  const script = `
    import { readCsv } from ${JSON.stringify(new URL("../../src/io/csv.ts", import.meta.url).href)};
    import { canStartWorker } from ${
    JSON.stringify(new URL("../../src/io/csv_parallel.ts", import.meta.url).href)
  };
    const r = await readCsv(${JSON.stringify(path)}, { schema: "responses" });
    console.log(JSON.stringify([canStartWorker(), r.summary.accepted, r.summary.rejected]));`;
  const run = async (read: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--config", new URL("../../deno.json", import.meta.url).pathname, read, main],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.success ? out.stdout : out.stderr).trim();
  };
  await Deno.writeTextFile(main, script);
  try {
    assertEquals(await run(`--allow-read=${path}`), "[false,1,1]");
    assertEquals(await run("--allow-read"), "[true,1,1]");
    assert.ok(canStartWorker());
  } finally {
    await Deno.remove(path);
    await Deno.remove(main);
  }
});

Deno.test("split at every record start around a bad row, a quoted line break and second-half-only rejects = one pass (readCsv's result)", async () => {
  // Rows 40–49 hold everything awkward: an NPS of 11, a comment with a line break (the split
  // can fall inside it: the part is dropped), a broken record, a repeated id; the second copy
  // of the file has rejects only after row 60 (all in the worker's part).
  const rows = ["response_id,date,nps_score,comment"];
  for (let i = 0; i < 80; i++) rows.push(`r${i},2024-01-${10 + (i % 20)},${i % 11},ok`);
  const awkward = [...rows];
  awkward[41] = "r40,2024-01-05,11,ok";
  awkward[42] = 'r41,2024-01-05,7,"two\nlines"';
  awkward[44] = "r43,2024-01-05";
  awkward[46] = "r10,2024-01-05,8,repeated id";
  const late = [...rows];
  late[62] = "r61,2024-13-40,5,bad date";
  late[70] = "r69,2024-01-05,-1,bad score";
  for (const [what, lines, around] of [["awkward", awkward, 40], ["late", late, 30]] as const) {
    const csv = lines.join("\n") + "\n";
    const bytes = new TextEncoder().encode(csv);
    const load = async (split?: SplitRunner) => {
      const result = await loadCsv(
        { chunks: bytesChunks(bytes), head: csv, source: "x", encoding: "utf-8", warnings: [] },
        { schema: "responses" },
        split,
      );
      const { table, rejects, summary } = result;
      return { table: table.objects(), rejects: rejects.objects(), summary };
    };
    const once = await load();
    assert.ok(once.rejects.length >= 2, `${what}: ${JSON.stringify(once.rejects)}`);
    const body = csv.indexOf("\n") + 1;
    let splits = 0;
    for (let at = csv.indexOf("\nr" + around + ","); at < csv.indexOf("\nr55,"); at++) {
      if (csv[at] !== "\n") continue;
      // A share whose split point is exactly the line feed at `at` (the next record starts after).
      const share = (at - body + 0.5) / (bytes.length - body);
      assertEquals(await load(inProcess(share)), once, `${what}: split after byte ${at}`);
      splits++;
    }
    assert.ok(splits >= 15, `${what}: ${splits} split points`);
  }
});
