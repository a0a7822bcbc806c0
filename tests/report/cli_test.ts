/**
 * `deno task report` as a user runs it: the site on disk, progress and
 * `--quiet`, bad options and folders, identical files from two runs, the
 * notebooks kept in the navigation, and `--pdf` with headless Chromium.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findChromium } from "../../src/report/pdf.ts";
import { listFiles, messyDir, runCli } from "./fixtures.ts";

const PAGES = [
  "cohorts.html",
  "drivers.html",
  "index.html",
  "journeys.html",
  "kpis.html",
  "print.html",
  "quality.html",
  "segments.html",
  "service.html",
  "text.html",
  "trends.html",
  "value.html",
];

Deno.test("report CLI: writes the site, says where, progress on stderr, --quiet silences it", async () => {
  const dir = await messyDir();
  const out = await Deno.makeTempDir();
  const run = await runCli(["report", "--data", dir, "--out", out, "--lang", "de"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`Report written to ${out}/index.html`));
  assert.match(run.stderr, /cxkit: responses\.csv: 4 rows read, 2 rejected/);
  assert.match(run.stderr, /cxkit: Kunden-KPIs: fertig/); // --lang de: German progress lines
  assert.match(run.stderr, /cxkit: 12 pages written/);
  assert.deepEqual(await listFiles(out), PAGES);
  const quality = await Deno.readTextFile(join(out, "quality.html"));
  assert.match(quality, /tickets\.csv wurde nicht geladen/);

  const quiet = await runCli(["report", "--data", dir, "--out", out, "--quiet"]);
  assert.equal(quiet.code, 0);
  // No progress; only the files not loaded, one line each (issue #13: listed even with --quiet).
  const lines = quiet.stderr.split("\n").filter((l) => l !== "");
  assert.deepEqual(lines.map((l) => /^cxkit: (.+?): not loaded: /.exec(l)?.[1]), [
    "<b>notes.csv",
    "events.csv",
    "missing.csv",
    "tickets.csv",
  ]);
  assert.ok(!quiet.stderr.includes("\u0000"), "no raw bytes of the binary events.csv");
  assert.match(quiet.stdout, /^Report written to /);
});

Deno.test("report CLI: two runs give identical files apart from the generated-at line", async () => {
  const dir = await messyDir();
  const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const runs = await Promise.all(
    [a, b].map((out) => runCli(["report", "--data", dir, "--out", out, "--quiet"])),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const strip = (html: string) => html.replace(/<p class="generated">[^<]*<\/p>/, "");
  for (const path of PAGES) {
    const [x, y] = await Promise.all([a, b].map((d) => Deno.readTextFile(join(d, path))));
    assert.ok(strip(x) === strip(y), `${path} differs between runs`);
  }
});

Deno.test("report CLI: bad options and folders are explained, not thrown", async () => {
  const messy = await messyDir();
  // Separate processes, run side by side.
  const [unknown, lang, missing, day, filter, help] = await Promise.all([
    runCli(["report", "--colour"]),
    runCli(["report", "--lang", "fr"]),
    runCli(["report", "--data", "no/such/dir", "--quiet"]),
    runCli(["report", "--data", messy, "--from", "5.1.2024"]),
    runCli(["report", "--filter", "region"]),
    runCli(["--help"]),
  ]);
  // One line each, exit code 2 (bad options and folders are CxErrors).
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.stderr,
    "cxkit: Unknown option '--colour'; run `deno task report --help` for the options\n",
  );
  assert.equal(lang.code, 2);
  assert.equal(lang.stderr, 'cxkit: --lang must be one of en, de, got "fr"\n');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^cxkit: Option "data": there is no folder "no\/such\/dir".*\n$/);
  assert.equal(day.code, 2);
  assert.equal(day.stderr, 'cxkit: Option "from" must be a day as YYYY-MM-DD, got "5.1.2024"\n');
  assert.equal(filter.code, 2);
  assert.match(filter.stderr, /^cxkit: --filter takes COLUMN=VALUE.*\n$/);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--pdf/);
});

Deno.test("report CLI: filters and notebooks from an earlier `deno task notebooks` run", async () => {
  const dir = await messyDir();
  const out = await Deno.makeTempDir();
  await Deno.mkdir(join(out, "notebooks"));
  await Deno.writeTextFile(
    join(out, "notebooks", "notebooks.json"),
    JSON.stringify({
      params: { CXKIT_SEGMENT: "region" },
      notebooks: [{ path: "notebooks/01-kpi.html", title: "KPI <overview>" }],
    }),
  );
  const run = await runCli([
    "report",
    "--data",
    dir,
    "--out",
    out,
    "--quiet",
    "--filter",
    "channel=phone",
    "--from",
    "2024-01-01",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const index = await Deno.readTextFile(join(out, "index.html"));
  assert.ok(index.includes('href="notebooks/index.html">Notebooks</a>'));
  assert.match(index, /from 2024-01-01; channel = &quot;phone&quot; \(applied to responses\)/);
  const notebooks = await Deno.readTextFile(join(out, "notebooks", "index.html"));
  assert.ok(notebooks.includes('<a href="01-kpi.html">KPI &lt;overview&gt;</a>'));
  assert.ok(notebooks.includes('href="../kpis.html"'));
  assert.match(notebooks, /CXKIT_SEGMENT<\/dt><dd><code>region<\/code>/);
});

const chromium = await findChromium();
const skipPdf = !chromium && Deno.env.get("CI") !== "true";

Deno.test({
  name: skipPdf
    ? "report CLI --pdf (IGNORED: Chromium not installed)"
    : "report CLI --pdf prints the whole report to report.pdf with headless Chromium",
  ignore: skipPdf,
  fn: async () => {
    const out = await Deno.makeTempDir();
    const run = await runCli(["report", "--data", await messyDir(), "--out", out, "--pdf"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`PDF written to ${out}/report.pdf`));
    const pdf = await Deno.readFile(join(out, "report.pdf"));
    assert.equal(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
    // A4 pages (595 × 842 pt), more than one.
    const text = new TextDecoder("latin1").decode(pdf);
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(text);
    assert.ok(box && Math.abs(Number(box[1]) - 595) < 1 && Math.abs(Number(box[2]) - 842) < 1);
    assert.ok((text.match(/\/Type\s*\/Page\b/g) ?? []).length > 1, "more than one page");
  },
});
