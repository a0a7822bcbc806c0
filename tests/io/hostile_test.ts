/**
 * Runs every hostile loader case in tests/fixtures/hostile/ (see the README
 * there): load the input as the case says, then check the asserted outcome —
 * an error of the named class, or the exact accepted/rejected counts, reject
 * rows, warnings and values. For CSV inputs the records are also counted by
 * Python's csv module, an independent reader: rows in the file = accepted +
 * rejected.
 */
import type { ColumnTable } from "arquero";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { assertEquals } from "../assert.ts";
import { CxError, readCsv, readJson, readLargeCsv, readParquet } from "../../src/mod.ts";
import { readArrow } from "../../src/entries/io.ts";

const ROOT = fileURLToPath(new URL("../fixtures/hostile/", import.meta.url));

interface RejectExpectation {
  row: number | null;
  column?: string | null;
  value?: string | null;
  includes: string;
}

interface HostileCase {
  about: string;
  input: string;
  loader: keyof typeof LOADERS;
  options?: Record<string, unknown>;
  expect: {
    error?: { type: string; includes?: string[] };
    accepted?: number;
    rejected?: number;
    rejects?: RejectExpectation[];
    warnings?: string[];
    noWarnings?: boolean;
    values?: Record<string, unknown[]>;
    summary?: Record<string, unknown>;
  };
  python?: string;
}

interface Loaded {
  table: ColumnTable;
  rejects: ColumnTable;
  summary: {
    rows: number;
    accepted: number;
    rejected: number;
    warnings: string[];
    delimiter?: string;
    encoding?: string;
  } & Record<string, unknown>;
}

type Loader = (path: string, options: Record<string, unknown>) => Promise<Loaded>;
const LOADERS = {
  readCsv: readCsv as unknown as Loader,
  readLargeCsv: readLargeCsv as unknown as Loader,
  readJson: readJson as unknown as Loader,
  readArrow: readArrow as unknown as Loader,
  readParquet: readParquet as unknown as Loader,
};

/** Every `*.case.json` below the hostile folder, as [class/name, path]. */
export async function hostileCaseFiles(): Promise<[string, string][]> {
  const found: [string, string][] = [];
  const walk = async (dir: string, prefix: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path, `${prefix}${entry.name}/`);
      else if (entry.name.endsWith(".case.json")) {
        found.push([prefix + entry.name.slice(0, -".case.json".length), path]);
      }
    }
  };
  await walk(ROOT, "");
  return found.sort(([a], [b]) => a.localeCompare(b));
}

const PYTHON_ENCODING: Record<string, string> = {
  "utf-8": "utf-8-sig",
  "utf-16le": "utf-16",
  "utf-16be": "utf-16",
  "windows-1252": "cp1252",
};

/** Data records of a CSV file as Python's csv module reads it (blank lines count). */
async function pythonRecords(path: string, delimiter: string, encoding: string): Promise<number> {
  const script = [
    "import csv, sys",
    "f = open(sys.argv[1], newline='', encoding=sys.argv[3], errors='replace')",
    "print(sum(1 for _ in csv.reader(f, delimiter=sys.argv[2])) - 1)",
  ].join("\n");
  const { success, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", script, path, delimiter, PYTHON_ENCODING[encoding] ?? encoding],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  if (!success) throw new Error(`Python's csv module could not read ${path}: ${decode(stderr)}`);
  return Number(decode(stdout).trim());
}

function cells(table: ColumnTable, column: string): unknown[] {
  assert(table.columnNames().includes(column), `no column ${column} in ${table.columnNames()}`);
  return Array.from({ length: table.numRows() }, (_, i) => {
    const v = table.get(column, i);
    return v instanceof Date ? v.toISOString() : v;
  });
}

function checkOutcome(name: string, c: HostileCase, loaded: Loaded): void {
  const { expect } = c;
  const { summary, rejects, table } = loaded;
  assertEquals(summary.accepted, expect.accepted, `${name}: accepted`);
  assertEquals(summary.rejected, expect.rejected, `${name}: rejected`);
  assertEquals(table.numRows(), summary.accepted, `${name}: table rows = summary.accepted`);
  if (expect.rejects) {
    const got = rejects.objects() as {
      row: number | null;
      column: string | null;
      value: string | null;
      reason: string;
    }[];
    assertEquals(got.length, expect.rejects.length, `${name}: reject rows ${JSON.stringify(got)}`);
    expect.rejects.forEach((want, i) => {
      const row = got[i];
      const where = `${name}: reject ${i} ${JSON.stringify(row)}`;
      assertEquals(row.row, want.row, where);
      if (want.column !== undefined) assertEquals(row.column, want.column, where);
      if (want.value !== undefined) assertEquals(row.value, want.value, where);
      assert(row.reason.includes(want.includes), `${where} lacks "${want.includes}"`);
    });
  }
  for (const w of expect.warnings ?? []) {
    assert(
      summary.warnings.some((s) => s.includes(w)),
      `${name}: no warning contains "${w}": ${JSON.stringify(summary.warnings)}`,
    );
  }
  if (expect.noWarnings) assertEquals(summary.warnings, [], `${name}: warnings`);
  for (const [column, values] of Object.entries(expect.values ?? {})) {
    assertEquals(cells(table, column), values, `${name}: values of ${column}`);
  }
  for (const [key, value] of Object.entries(expect.summary ?? {})) {
    assertEquals(summary[key], value, `${name}: summary.${key}`);
  }
}

async function runCase(name: string, path: string): Promise<void> {
  const c = JSON.parse(await Deno.readTextFile(path)) as HostileCase;
  assert(c.about && c.input && c.loader in LOADERS, `${name}: about, input and a known loader`);
  const input = join(path, "..", c.input);
  const load = () => LOADERS[c.loader](input, structuredClone(c.options ?? {}));
  if (c.expect.error) {
    const { type, includes = [] } = c.expect.error;
    let error: unknown;
    try {
      await load();
    } catch (e) {
      error = e;
    }
    assert(error instanceof CxError, `${name}: expected ${type}, got ${error}`);
    assertEquals(error.name, type, `${name}: error class (${error.message})`);
    for (const s of includes) assert(error.message.includes(s), `${name}: "${s}" in ${error}`);
    return;
  }
  const loaded = await load();
  checkOutcome(name, c, loaded);
  if (input.endsWith(".csv") && !c.python?.startsWith("skip")) {
    const delimiter = (c.options?.delimiter as string | undefined) ?? loaded.summary.delimiter;
    const records = await pythonRecords(
      input,
      delimiter ?? ",",
      loaded.summary.encoding ?? "utf-8",
    );
    assertEquals(loaded.summary.rows, records, `${name}: summary.rows = Python's records`);
    assertEquals(
      loaded.summary.accepted + loaded.summary.rejected,
      records,
      `${name}: accepted + rejected = Python's records`,
    );
  }
}

/** The classes of issue #13, each a folder of cases. */
const CLASSES = [
  "quotes",
  "encoding",
  "numbers",
  "dates",
  "ids",
  "errors",
  "folders",
  "cli",
  "stats",
  "missing",
  "engine",
];

/** Cases in one class folder: loader cases plus the rows of its `cases.json`. */
async function casesIn(folder: string): Promise<number> {
  let count = 0;
  for await (const entry of Deno.readDir(join(ROOT, folder))) {
    if (entry.name.endsWith(".case.json")) count++;
    if (entry.name !== "cases.json") continue;
    const table = JSON.parse(await Deno.readTextFile(join(ROOT, folder, entry.name)));
    const rows = Array.isArray(table) ? table : table.cases;
    assert(Array.isArray(rows), `${folder}/cases.json: an array of cases, or { cases: [...] }`);
    count += rows.length;
  }
  return count;
}

Deno.test("hostile input: every class of bad input has cases, at least 80 in all", async () => {
  const counts = await Promise.all(CLASSES.map(casesIn));
  CLASSES.forEach((c, i) => assert(counts[i] >= 3, `${c}: only ${counts[i]} cases`));
  const total = counts.reduce((a, b) => a + b, 0);
  assert(total >= 80, `${total} hostile cases`);
});

for (const [name, path] of await hostileCaseFiles()) {
  Deno.test(`hostile input ${name}`, () => runCase(name, path));
}
