/**
 * Privacy before publishing: a report built on the sample with planted
 * personal data (e-mails, German and international phones, IBANs and card
 * numbers inside comments; extra `name`, `email`, `phone` and `contact`
 * columns in responses and customers; an e-mail as a rejected value) is read
 * page by page and none of it is found. Plus `minGroupSize` suppression,
 * the `cxkit.json` `privacy` options and the overview's statement.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as aq from "arquero";
import { CxSchemaError } from "../../src/errors.ts";
import { readCsv } from "../../src/io/csv.ts";
import { loadProject } from "../../src/report/load_dir.ts";
import { executeNotebooks, jupyterAvailable } from "../../src/report/notebooks.ts";
import { applyPrivacy } from "../../src/report/privacy.ts";
import { buildSite, type SitePage } from "../../src/report/site.ts";
import { listFiles, runCli, SAMPLE } from "./fixtures.ts";

/** Comments with personal data, and every piece of it as written. */
const COMMENTS = [
  "Bitte Rückruf an erika.mustermann@example.org oder 0151 23456789",
  "Meine Nummer: +49 30 12345678, sonst (030) 9876543",
  "Call me on +44 20 7946 0958 or +1 415-555-2671, mail john.doe@example.com",
  "Erstattung bitte auf IBAN DE89 3704 0044 0532 0130 00",
  "refund to GB82WEST12345698765432 please",
  "charged twice on card 4111 1111 1111 1111",
  "Karte 5500-0000-0000-0004 wurde doppelt belastet, Tel. 0049 89 2345678",
  "Ruf an: 030/12345678 oder 0171-9876543",
];
const IN_COMMENTS = [
  "erika.mustermann@example.org",
  "0151 23456789",
  "+49 30 12345678",
  "(030) 9876543",
  "+44 20 7946 0958",
  "+1 415-555-2671",
  "john.doe@example.com",
  "DE89 3704 0044 0532 0130 00",
  "GB82WEST12345698765432",
  "4111 1111 1111 1111",
  "5500-0000-0000-0004",
  "0049 89 2345678",
  "030/12345678",
  "0171-9876543",
];
/** The extra columns of row `i`: name, e-mail, phone, and a contact column of e-mails. */
const extra = (i: number) => [
  `Zacharias Quellenberg${i}`,
  `z.quellenberg${i}@planted-mail.example`,
  `+49 171 555${String(i % 10000).padStart(4, "0")}`,
  `kontakt${i}@planted-mail.example`,
];
const REJECTED = "erika.reject@planted-mail.example";

/** A copy of the sample with the personal data planted (2 rows per comment, the latest detractors). */
async function plantedDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cxkit-planted-" });
  for (const name of ["cxkit.json", "customers.csv", "events.csv", "tickets.csv"]) {
    await Deno.copyFile(join(SAMPLE, name), join(dir, name));
  }
  await Deno.copyFile(join(SAMPLE, "responses_de.csv"), join(dir, "responses_de.csv"));
  const lines = records(await Deno.readTextFile(join(SAMPLE, "responses.csv")));
  let planted = 0;
  for (let i = lines.length - 1; i > 0 && planted < 2 * COMMENTS.length; i--) {
    const fields = lines[i].split(",");
    if (lines[i].includes('"') || fields[6] !== "") continue;
    // The latest detractors: the report shows their comments.
    [fields[2], fields[3]] = ["2026-01-01", "2"];
    fields[6] = `"${COMMENTS[planted++ % COMMENTS.length]}"`;
    lines[i] = fields.join(",");
  }
  const width = lines[0].split(",").length;
  const row = (cells: Record<number, string>) =>
    Array.from({ length: width }, (_, j) => cells[j] ?? "").join(",");
  lines.push(row({ 0: "R999990", 1: "C00001", 2: "2024-03-01", 3: REJECTED, 7: "chat" }));
  for (const [k, score] of ["10", "9", "8"].entries()) {
    lines.push(row({ 0: `R99999${k + 1}`, 1: "C00002", 2: "2024-03-02", 3: score, 7: "kiosk" }));
  }
  await Deno.writeTextFile(join(dir, "responses.csv"), withExtra(lines) + "\n");
  const customers = records(await Deno.readTextFile(join(SAMPLE, "customers.csv")));
  await Deno.writeTextFile(join(dir, "customers.csv"), withExtra(customers, 100_000) + "\n");
  return dir;
}

/** The CSV records of a text (a quoted comment may span lines). */
function records(csv: string): string[] {
  const out: string[] = [];
  let record: string | undefined;
  for (const line of csv.trimEnd().split("\n")) {
    record = record === undefined ? line : `${record}\n${line}`;
    if ((record.match(/"/g)?.length ?? 0) % 2 === 0) {
      out.push(record);
      record = undefined;
    }
  }
  return out;
}

function withExtra(lines: string[], offset = 0): string {
  return lines.map((l, i) =>
    `${l},${i === 0 ? "name,email,phone,contact" : extra(offset + i).join(",")}`
  ).join("\n");
}

/** Visible text: tags dropped, entities decoded, white space collapsed. */
function text(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&").replace(/\s+/g, " ");
}

const compact = (s: string) => s.replace(/[\s()/+-]/g, "");

/** Fails when any planted value (as written, or its digits without separators) is on the page. */
function assertClean(path: string, html: string): void {
  const visible = text(html);
  const digits = compact(visible);
  for (const value of [...IN_COMMENTS, REJECTED, "Quellenberg", "planted-mail"]) {
    assert.ok(!html.includes(value) && !visible.includes(value), `${path}: ${value}`);
    if (/^[\d\s()/+-]+$/.test(value)) {
      assert.ok(!digits.includes(compact(value)), `${path}: digits of ${value}`);
    }
  }
  for (let i = 1; i <= 50; i++) {
    assert.ok(!visible.includes(extra(i)[2]), `${path}: planted phone ${extra(i)[2]}`);
  }
  assert.ok(!/[\w.]+@[\w-]+\.example\b/.test(visible), `${path}: an e-mail address`);
}

Deno.test("report on planted personal data: no page shows any of it (CLI, every file written)", async () => {
  const dir = await plantedDir();
  const out = await Deno.makeTempDir();
  const run = await runCli(["report", "--data", dir, "--out", out, "--quiet"]);
  assert.equal(run.code, 0, run.stderr);
  const written = (await listFiles(out)).filter((p) => p.endsWith(".html"));
  assert.ok(written.includes("print.html") && written.length >= 10, written.join(", "));
  // The text page (comment drivers with example comments, sentiment) is read like every other.
  assert.ok(written.includes("text.html"), written.join(", "));
  for (const path of written) assertClean(path, await Deno.readTextFile(join(out, path)));
  // The comments are published, redacted: the latest detractor comments are the planted ones.
  const kpis = text(await Deno.readTextFile(join(out, "kpis.html")));
  assert.match(kpis, /Ruf an: \[phone\] oder \[phone\]/);
  assert.match(kpis, /Bitte Rückruf an \[email\] oder \[phone\]/);
  // The rejected e-mail is listed as a placeholder.
  const quality = text(await Deno.readTextFile(join(out, "quality.html")));
  assert.match(quality, /nps_score \[email\]/);
  // What was done, per column and kind, on the overview.
  const index = text(await Deno.readTextFile(join(out, "index.html")));
  for (
    const line of [
      "responses.comment: redacted (personal data found in it; 16 values; e-mail 4; phone 16; IBAN 4; card 4)",
      "customers.contact: left out (personal data found in it; 5,000 values; e-mail 5,000)",
      "NPS by channel: 1 group suppressed",
    ]
  ) assert.ok(index.includes(line), `overview lacks: ${line}`);
  for (const table of ["responses", "customers"]) {
    for (const column of ["name", "email", "phone"]) {
      assert.match(
        index,
        new RegExp(
          `${table}\\.${column}: left out \\(its name suggests personal data; [\\d,]+ values\\)`,
        ),
      );
    }
  }
  assert.match(index, /Personal data is kept out of this report/);
  const print = text(await Deno.readTextFile(join(out, "print.html")));
  assert.ok(print.includes("NPS by channel: 1 group suppressed"), "print.html states it too");
});

Deno.test("report on planted personal data in German: placeholders in German, nothing planted", async () => {
  const { files, config } = await loadProject(await plantedDir());
  const pages = buildSite(files, {
    dataDir: "x",
    lang: "de",
    csatScale: config.csatScale,
    cesScale: config.cesScale,
    generatedAt: new Date(0),
  });
  for (const { path, html } of pages) assertClean(path, html);
  const kpis = text(page(pages, "kpis.html"));
  assert.match(kpis, /Bitte Rückruf an \[E-Mail\] oder \[Telefon\]/);
  assert.match(kpis, /Karte \[Karte\] wurde doppelt belastet, Tel\. \[Telefon\]/);
  assert.match(kpis, /kiosk weniger als 5 Antworten/);
  const index = text(page(pages, "index.html"));
  assert.ok(
    index.includes("Datenschutz") && index.includes("NPS nach channel: 1 Gruppe unterdrückt"),
  );
  assert.match(index, /responses\.email: weggelassen \(der Name deutet auf personenbezogene Daten/);
});

function page(pages: SitePage[], path: string): string {
  const found = pages.find((p) => p.path === path);
  assert.ok(found, path);
  return found.html;
}

/** 10 chat answers (NPS 10.0) and 3 kiosk answers (10, 9, 8: NPS 66.7, 66.7 % promoters). */
async function smallGroupFiles() {
  const rows = [9, 9, 9, 9, 9, 3, 3, 3, 3, 7].map((s, i) =>
    `r${i},2024-01-0${1 + (i % 9)},${s},chat`
  );
  rows.push("k1,2024-01-02,10,kiosk", "k2,2024-01-03,9,kiosk", "k3,2024-01-04,8,kiosk");
  const result = await readCsv(`response_id,date,nps_score,channel\n${rows.join("\n")}\n`, {
    schema: "responses",
  });
  return [{ file: "responses.csv", schema: "responses" as const, result }];
}

Deno.test("minGroupSize: a group of 3 answers shows the suppression text, not its NPS", async () => {
  const files = await smallGroupFiles();
  const kpis = page(buildSite(files, { dataDir: "x", generatedAt: new Date(0) }), "kpis.html");
  // One cell across every value column (six since the "vs rest" column).
  assert.match(kpis, /<th scope="row">kiosk<\/th><td colspan="6">fewer than 5 answers<\/td>/);
  // chat (10 answers) keeps its NPS 10.0; kiosk's 66.7 NPS and promoter share appear nowhere.
  assert.match(text(kpis), /chat small sample 10 10\.0 \(/);
  assert.ok(!text(kpis).includes("66.7"), "kiosk's NPS or promoter share is shown");
  assert.ok(!/kiosk: /.test(kpis), "kiosk drawn in a chart");
  // Configured lower, the group is published.
  const open = buildSite(files, { dataDir: "x", privacy: { minGroupSize: 3 } });
  assert.ok(text(page(open, "kpis.html")).includes("66.7"));
});

Deno.test("cxkit.json privacy: drop, hash, redact and keep each do what they say", async () => {
  const responses = aq.table({
    customer_id: ["C1", "C2", null],
    nps_score: [9, 3, 7],
    region: ["north", "south", "north"],
    comment: ["mail a@example.org", "fine", null],
    contact: ["x@example.org", "y@example.org", ""],
    name: ["Ann", "Bob", "Cy"],
  });
  const config = { drop: ["region"], hash: ["customer_id"], redact: ["contact"], keep: ["name"] };
  const { tables, log } = applyPrivacy({ responses }, [], { config, hashKey: "k" });
  const t = tables.responses!;
  assert.deepEqual(t.columnNames(), ["customer_id", "nps_score", "comment", "contact", "name"]);
  // hash: HMAC-SHA-256 keyed "k", first 16 hex digits, computed here with crypto.subtle.
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode("k"),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const hmac = async (v: string) =>
    [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(v)))]
      .map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 16);
  assert.deepEqual(t.array("customer_id"), [await hmac("C1"), await hmac("C2"), null]);
  // redact: kept with placeholders (without it the column is dropped, see below); keep: as is.
  assert.deepEqual(t.array("contact"), ["[email]", "[email]", ""]);
  assert.deepEqual(t.array("name"), ["Ann", "Bob", "Cy"]);
  assert.deepEqual(t.array("comment"), ["mail [email]", "fine", null]);
  assert.deepEqual(
    log.columns.map((c) => [c.column, c.action, c.why, c.values]),
    [
      ["customer_id", "hashed", "config", 2],
      ["region", "dropped", "config", 3],
      ["comment", "redacted", "content", 1],
      ["contact", "redacted", "config", 2],
    ],
  );
  const plain = applyPrivacy({ responses }, []).tables.responses!;
  assert.deepEqual(plain.columnNames(), ["customer_id", "nps_score", "region", "comment"]);
  assert.throws(
    () => applyPrivacy({ responses }, [], { config: { drop: ["name"], keep: ["name"] } }),
    (e) =>
      e instanceof CxSchemaError && /"name" is named in both "drop" and "keep"/.test(e.message),
  );
});

Deno.test("cxkit.json privacy is read, checked, and named on the overview", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(dir, "responses.csv"),
    "response_id,date,nps_score,channel,contact,email\n" +
      Array.from(
        { length: 6 },
        (_, i) => `r${i},2024-01-0${i + 1},9,chat,c${i}@example.org,e${i}@example.org`,
      )
        .join("\n") +
      "\n",
  );
  const privacy = { redact: ["contact"], minGroupSize: 7, drop: ["nowhere"] };
  await Deno.writeTextFile(join(dir, "cxkit.json"), JSON.stringify({ privacy }));
  const { files, config } = await loadProject(dir);
  assert.deepEqual(config.privacy, privacy);
  const index = text(
    page(buildSite(files, { dataDir: dir, privacy: config.privacy }), "index.html"),
  );
  assert.ok(
    index.includes("responses.contact: redacted (set in cxkit.json; 6 values; e-mail 6)"),
    index,
  );
  assert.ok(
    index.includes("responses.email: left out (its name suggests personal data; 6 values)"),
  );
  assert.ok(index.includes("cxkit.json privacy names columns no table has: nowhere"));
  assert.ok(index.includes("groups of fewer than 7 answers are not shown"));
  for (const bad of [{ minGroupSize: 0 }, { hash: "customer_id" }, { hide: ["x"] }]) {
    await Deno.writeTextFile(join(dir, "cxkit.json"), JSON.stringify({ privacy: bad }));
    await assert.rejects(
      loadProject(dir),
      (e) => e instanceof CxSchemaError && /privacy/.test(String(e)),
    );
  }
});

const jupyter = await jupyterAvailable();

Deno.test({
  name: "deno task notebooks: personal data in the rendered cells is redacted before writing",
  ignore: !jupyter,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const cell = (cell_type: string, source: string) => ({
      cell_type,
      metadata: {},
      source,
      ...(cell_type === "code" ? { execution_count: null, outputs: [] } : {}),
    });
    await Deno.writeTextFile(
      join(dir, "a.ipynb"),
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
        cells: [
          cell("markdown", "# Kommentare\nRückruf an erika.mustermann@example.org"),
          cell("code", 'print("Erstattung auf DE89 3704 0044 0532 0130 00, Tel. 0151 23456789")'),
        ],
      }),
    );
    const [done] = await executeNotebooks({ dir, outDir: join(dir, "html"), lang: "de" });
    const written = await Deno.readTextFile(done.html);
    for (const html of [done.body, written]) {
      for (const value of [IN_COMMENTS[0], IN_COMMENTS[1], IN_COMMENTS[7]]) {
        assert.ok(!html.includes(value), value);
      }
      assert.match(html, /Rückruf an \[E-Mail\]/);
      assert.match(html, /Erstattung auf \[IBAN\], Tel\. \[Telefon\]/);
    }
  },
});
