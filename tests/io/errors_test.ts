/**
 * Every public loader and writer, and every bootstrap option, given each bad
 * input of tests/fixtures/hostile/errors/cases.json: the named CxError class
 * with the fix in its message (and nothing written), or the stated output and
 * warnings. Loader files (garbage Arrow, JSON too deep, …) are `*.case.json`
 * in the same folder, run by tests/io/hostile_test.ts.
 */
import * as aq from "arquero";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { assertEquals } from "../assert.ts";
import {
  CxError,
  firstResponseTime,
  keyDrivers,
  nps,
  readCsv,
  readJson,
  readLargeCsv,
  readParquet,
  writeCsv,
  writeJson,
} from "../../src/mod.ts";
import { readArrow, toCsv } from "../../src/entries/io.ts";
import { writeArrow, writeParquet } from "../../src/io/parquet.ts";

const FOLDER = fileURLToPath(new URL("../fixtures/hostile/errors/", import.meta.url));

interface ErrorCase {
  about: string;
  call: string;
  source?: { url?: string; urlObject?: string; path?: string; folder?: boolean };
  loaders?: (keyof typeof LOADERS)[];
  table?: Record<string, unknown[]>;
  options?: Record<string, unknown>;
  target?: "file" | "folder" | "missingFolder" | { url: string };
  expect: {
    error?: { type: string; includes: string[]; excludes?: string[] };
    text?: string;
    warnings?: string[];
  };
}

/** JSON cannot hold NaN, Infinity or dates: `{"$number": "NaN"}`, `{"$date": "…"}`. */
function revive(_key: string, value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    if ("$number" in value) return Number(value.$number);
    if ("$date" in value) return new Date(String(value.$date));
  }
  return value;
}

const { cases } = JSON.parse(await Deno.readTextFile(join(FOLDER, "cases.json")), revive) as {
  cases: ErrorCase[];
};

type AnyCall = (...args: unknown[]) => unknown;
const LOADERS = { readCsv, readLargeCsv, readJson, readArrow, readParquet } as unknown as Record<
  string,
  AnyCall
>;
const WRITERS: Record<string, [AnyCall, string]> = {
  writeCsv: [writeCsv as AnyCall, "csv"],
  writeJson: [writeJson as AnyCall, "json"],
  writeParquet: [writeParquet as AnyCall, "parquet"],
  writeArrow: [writeArrow as AnyCall, "arrow"],
};
const ANALYSES: Record<string, AnyCall> = {
  nps: nps as AnyCall,
  firstResponseTime: firstResponseTime as AnyCall,
  keyDrivers: keyDrivers as AnyCall,
};

async function outcome(run: () => unknown): Promise<{ error?: unknown; value?: unknown }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error };
  }
}

function checkError(
  where: string,
  error: unknown,
  want: NonNullable<ErrorCase["expect"]["error"]>,
) {
  assert(error instanceof CxError, `${where}: expected ${want.type}, got ${error}`);
  assertEquals(error.name, want.type, `${where}: class (${error.message})`);
  for (const s of want.includes) assert(error.message.includes(s), `${where}: "${s}" in ${error}`);
  for (const s of want.excludes ?? []) assert(!error.message.includes(s), `${where}: no "${s}"`);
}

async function source(c: ErrorCase): Promise<unknown> {
  const s = c.source!;
  if (s.url) return s.url;
  if (s.urlObject) return new URL(s.urlObject);
  if (s.folder) return await Deno.makeTempDir();
  return s.path;
}

async function target(c: ErrorCase, ext: string): Promise<string | URL> {
  const t = c.target ?? "file";
  if (typeof t === "object") return t.url;
  const dir = await Deno.makeTempDir();
  if (t === "folder") return dir;
  return t === "missingFolder"
    ? join(dir, "no/such/folder", `out.${ext}`)
    : join(dir, `out.${ext}`);
}

async function runCase(c: ErrorCase): Promise<void> {
  const want = c.expect;
  const table = c.table ? aq.table(c.table) : undefined;
  if (c.call === "loaders") {
    for (const name of c.loaders!) {
      const { error } = await outcome(async () =>
        LOADERS[name](await source(c), { schema: "events" })
      );
      checkError(`${name}`, error, want.error!);
    }
    return;
  }
  if (c.call === "toCsv") {
    const warnings: string[] = [];
    const run = await outcome(() =>
      toCsv(table!, { ...c.options, onWarning: (w) => warnings.push(w) })
    );
    if (want.error) return checkError("toCsv", run.error, want.error);
    assertEquals(run.value, want.text);
    assertEquals(warnings, want.warnings ?? []);
    return;
  }
  if (c.call in WRITERS) {
    const [write, ext] = WRITERS[c.call];
    const path = await target(c, ext);
    const run = await outcome(() => write(table!, path, c.options));
    if (want.error) {
      checkError(c.call, run.error, want.error);
      if (c.target === "file") {
        assert(!(await Deno.stat(path).then(() => true, () => false)), "nothing written");
      }
      return;
    }
    assertEquals(await Deno.readTextFile(path), want.text);
    assertEquals((run.value as { warnings: string[] }).warnings, want.warnings ?? []);
    return;
  }
  const run = await outcome(() => ANALYSES[c.call](table!, c.options));
  checkError(c.call, run.error, want.error!);
}

for (const [i, c] of cases.entries()) {
  Deno.test(`errors case ${i + 1} (${c.call}): ${c.about}`, () => runCase(c));
}

Deno.test("errors: the table has at least 8 cases, each asserting an error or an exact output", () => {
  assert(cases.length >= 8);
  for (const c of cases) assert(c.expect.error || c.expect.text !== undefined, c.about);
});

Deno.test("readJson: a file that is not JSON is refused without quoting its content", async () => {
  const path = join(FOLDER, "json_is_csv.json");
  assert((await Deno.readTextFile(path)).includes("secret-c1"));
  const { error } = await outcome(() => readJson(path, { schema: "events" }));
  assert(error instanceof CxError && !error.message.includes("secret-c1"), String(error));
  // The same file as inline text: same message, same silence about the content.
  const inline = await outcome(() => readJson("[secret-c1, 2]", { schema: "events" }));
  assert(inline.error instanceof CxError && !inline.error.message.includes("secret-c1"));
});

Deno.test("readJson: nesting of parsed values is limited too, and a file:// URL is a local file", async () => {
  let deep: unknown = [];
  for (let i = 0; i < 64; i++) deep = [deep];
  const { error } = await outcome(() => readJson([{ customer_id: "c1", x: deep }]));
  assert(error instanceof CxError && error.name === "CxDataError", String(error));
  assert(error.message.includes("is nested too deeply"));
  const url = new URL(`file://${join(FOLDER, "json_epoch_ms.json")}`);
  const { table } = await readJson(url, { schema: "events", dateUnit: "ms" });
  assertEquals(table.get("date", 0), new Date(Date.UTC(2024, 0, 1)));
});
