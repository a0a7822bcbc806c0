import { assertEquals, assertMatch } from "../assert.ts";
import { buildReport } from "../../src/report/build.ts";
import { loadDirectory } from "../../src/report/load_dir.ts";

const sample = new URL("../../data/sample/", import.meta.url).pathname;

async function messyDir(): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/responses.csv`,
    [
      "response_id,date,nps_score,comment",
      'r1,2024-01-05,9,"<script>alert(1)</script>"',
      'r2,2024-01-06,11,"<img src=x onerror=alert(2)>"',
      "r3,not a date,5,ok",
    ].join("\n") + "\n",
  );
  await Deno.writeTextFile(`${dir}/tickets.csv`, "id;opened\n1;02.01.2024\n");
  await Deno.writeTextFile(`${dir}/<b>notes.csv`, "a\n1\n");
  return dir;
}

Deno.test("sample report: every file loaded, counts and the score chart present", async () => {
  const files = await loadDirectory(sample);
  assertEquals(files.map((f) => [f.file, f.schema, f.error]), [
    ["customers.csv", "customers", undefined],
    ["events.csv", "events", undefined],
    ["responses.csv", "responses", undefined],
    ["responses_de.csv", "responses", undefined],
    ["tickets.csv", "tickets", undefined],
  ]);
  const html = buildReport(files, { dataDir: "data/sample", generatedAt: new Date(0) });
  const german = files[3].result!;
  assertEquals(german.summary.encoding, "windows-1252");
  // The four planted export glitches (data/README.md): glitch k sits after data row
  // `after` + k, i.e. on spreadsheet row after + k + 2 (the header is row 1).
  const rejected = german.rejects.objects() as { row: number; column: string; value: string }[];
  assertEquals(rejected.map((r) => [r.row, r.column, r.value]), [
    [252, "nps_score", "11"],
    [703, "date", "31.02.2025"],
    [1104, "nps_score", "k.A."],
    [1505, "csat", "6"],
  ]);
  assertEquals(files.filter((f) => f !== files[3]).map((f) => f.result!.summary.rejected), [
    0,
    0,
    0,
    0,
  ]);
  assertMatch(html, /4 of 2004 rows rejected/);
  assertMatch(html, new RegExp(`<td>${german.summary.rows}</td>`));
  assertEquals((html.match(/<svg/g) ?? []).length >= 1, true);
  assertMatch(html, /Likelihood to recommend/);
  // The planted effects (data/README.md) are stated in words generated from the tests.
  const gap = /phone NPS is (\d+\.\d) points below chat \(p &lt; 0\.001\)\./.exec(html);
  assertEquals(gap !== null && Number(gap[1]) > 8 && Number(gap[1]) < 16, true);
  assertMatch(html, /NPS fell \d+\.\d points from 2025-02 to 2025-03 \(p &lt; 0\.001\)\./);
  // Service: chat answers within minutes, email within hours (planted), open tickets counted.
  const chat = /chat: median first response ([\d.]+) min/.exec(html);
  const email = /email: median first response ([\d.,]+) min/.exec(html);
  assertEquals(Number(chat![1]) < 10 && Number(email![1].replace(",", "")) > 60, true);
  assertMatch(html, /\d+ email tickets still unanswered/);
});

Deno.test("report build is deterministic apart from the generated-at line", async () => {
  const at = new Date("2026-01-01T00:00:00Z");
  const a = buildReport(await loadDirectory(sample), { dataDir: "d", generatedAt: at });
  const b = buildReport(await loadDirectory(sample), { dataDir: "d", generatedAt: at });
  assertEquals(a === b, true);
});

Deno.test("bad files become report sections, user strings are escaped, nothing external", async () => {
  const dir = await messyDir();
  const files = await loadDirectory(dir);
  const byName = Object.fromEntries(files.map((f) => [f.file, f]));
  assertMatch(
    byName["tickets.csv"].error!,
    /Required columns "ticket_id", "created_at", "contacts"/,
  );
  assertMatch(byName["<b>notes.csv"].error!, /does not say which table/);
  assertEquals(byName["responses.csv"].result!.summary.rejected, 2);

  const html = buildReport(files, { dataDir: `${dir}/<i>x</i>` });
  assertEquals(html.includes("<script>"), false);
  assertEquals(html.includes("<img"), false);
  assertEquals(html.includes("<b>notes"), false);
  assertMatch(html, /&lt;b&gt;notes\.csv/);
  assertMatch(html, /&lt;i&gt;x&lt;\/i&gt;/);
  assertMatch(html, /2 of 3 rows rejected/);
  // Self-contained: no script tags, no external resources.
  assertEquals(/<script|src="http|href="http|@import|url\(/i.test(html), false);
});

Deno.test("deno task report CLI writes the report and says where", async () => {
  const dir = await messyDir();
  const out = await Deno.makeTempDir();
  const cli = new URL("../../src/cli.ts", import.meta.url).pathname;
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "report", "--data", dir, "--out", out],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(run.stdout);
  const stderr = new TextDecoder().decode(run.stderr);
  assertEquals(run.code, 0, stderr);
  assertMatch(stdout, new RegExp(`Report written to ${out}/index.html`));
  assertMatch(stderr, /responses\.csv: 3 rows read, 2 rejected/);
  const quiet = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "report", "--data", dir, "--out", out, "--quiet"],
    stderr: "piped",
    stdout: "piped",
  }).output();
  assertEquals(new TextDecoder().decode(quiet.stderr), "");
  const html = await Deno.readTextFile(`${out}/index.html`);
  assertMatch(html, /<svg/);
});
