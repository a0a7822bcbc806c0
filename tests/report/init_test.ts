/**
 * `deno task init DIR` as a user runs it (a subprocess): a German helpdesk
 * folder and an English one get the `cxkit.json` written out by hand below
 * (headers → canonical columns, sniffed CSV settings, scales, unmapped
 * columns), `deno task report` then runs on each with exit code 0, and every
 * exit path of `init` ends with one line and exit code 2.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertEquals } from "../assert.ts";
import { withoutDenoNoise } from "./fixtures.ts";
import { runCli } from "./fixtures.ts";

const INIT = new URL("../../src/init_cli.ts", import.meta.url).pathname;
const HELPDESK = new URL("../../data/examples/helpdesk/", import.meta.url).pathname;

async function runInit(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", INIT, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => withoutDenoNoise(new TextDecoder().decode(b));
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** A fresh folder with the given files (text, or bytes as they are). */
async function folder(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cxkit-init-" });
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === "string") await Deno.writeTextFile(join(dir, name), content);
    else await Deno.writeFile(join(dir, name), content);
  }
  return dir;
}

const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));

/** The helpdesk example as written by the export: Windows-1252, `;`, German headers. */
const GERMAN_CONFIG = {
  files: {
    "Ticket-Export_2025.csv": {
      schema: "tickets",
      mapping: {
        ticket_id: "Ticketnummer",
        customer_id: "Kundennummer",
        created_at: "Erstellt am",
        first_response_at: "Erste Antwort",
        resolved_at: "Gelöst am",
        contacts: "Anzahl Kontakte",
        channel: "Kanal",
        agent: "Bearbeiter",
      },
      unmapped: [],
      delimiter: ";",
      encoding: "windows-1252",
    },
    "Umfrage_Export.csv": {
      schema: "responses",
      mapping: {
        response_id: "Antwort-ID",
        customer_id: "Kundennummer",
        date: "Datum",
        nps_score: "Weiterempfehlung (0-10)",
        csat: "Zufriedenheit (1-5)",
        comment: "Kommentar",
        channel: "Kanal",
      },
      unmapped: ["ces"],
      delimiter: ";",
    },
  },
};

Deno.test("init on a German helpdesk export: the guessed cxkit.json, equal to the committed example; the report runs on it", async () => {
  const files: Record<string, Uint8Array> = {};
  for (const name of ["Ticket-Export_2025.csv", "Umfrage_Export.csv"]) {
    files[name] = await Deno.readFile(join(HELPDESK, name));
  }
  const dir = await folder(files);
  const run = await runInit([dir]);
  assert.equal(run.code, 0, run.stderr);
  assertEquals(await readJson(join(dir, "cxkit.json")), GERMAN_CONFIG);
  // The README's worked example shows the committed file: it is what init writes.
  assertEquals(await readJson(join(HELPDESK, "cxkit.json")), GERMAN_CONFIG);
  assertEquals(run.stderr.split("\n").filter((l) => l !== ""), [
    "cxkit: Ticket-Export_2025.csv: tickets (Ticketnummer → ticket_id, Kundennummer → " +
    "customer_id, Erstellt am → created_at, Erste Antwort → first_response_at, Gelöst am → " +
    "resolved_at, Anzahl Kontakte → contacts, Kanal → channel, Bearbeiter → agent); " +
    "60 rows read, 1 rejected",
    "cxkit: Umfrage_Export.csv: responses (Antwort-ID → response_id, Kundennummer → " +
    "customer_id, Datum → date, Weiterempfehlung (0-10) → nps_score, Zufriedenheit (1-5) → " +
    "csat, Kommentar → comment, Kanal → channel); 48 rows read, 0 rejected",
  ]);
  assert.equal(
    run.stdout,
    `cxkit.json written to ${dir}/cxkit.json; check the guessed mappings, run ` +
      `\`deno task report --data ${dir}\`\n`,
  );

  const out = await Deno.makeTempDir();
  const report = await runCli(["report", "--data", dir, "--out", out, "--lang", "de"]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(
    report.stderr,
    /cxkit: Ticket-Export_2025\.csv: 60 Zeilen gelesen, 59 angenommen, 1 abgelehnt; häufigste Gründe: 1 × created_at must be a date: "31\.02\.2025 09:15" is not a valid date/,
  );
  assert.match(
    report.stderr,
    /cxkit: Umfrage_Export\.csv: 48 Zeilen gelesen, 48 angenommen, 0 abgelehnt/,
  );
  assert.match(report.stderr, /cxkit: Service: fertig/);
  assert.match(
    report.stderr,
    /cxkit: Kohorten & Kündigungen: übersprungen: Keine Kunden in den Daten/,
  );
  assert.match(report.stdout, /^Bericht gespeichert unter .*\/index\.html$/m);
});

Deno.test("init on an English folder: names, orders as events, a 1–10 CSAT scale; the report runs on it", async () => {
  const csat = [9, 10, 7, 3, 8, 10];
  const survey = [
    "Response ID,Customer ID,Submitted At,Likelihood to recommend,Satisfaction,Comments,Region",
    ...csat.map((c, i) => `S${i + 1},C${i % 3},0${i + 1}/02/2025,${c},${c},"Fine, thanks",north`),
  ].join("\n") + "\n";
  const dir = await folder({
    "survey_export.csv": survey,
    "orders.csv":
      "Customer,Order Date,Amount,Type\nC0,2025-02-01,19.90,order\nC1,2025-02-03,5,order\n",
    "crm_accounts.csv": "Customer ID,Customer since,Cancelled at,Plan\nC0,2024-05-01,,pro\n" +
      "C1,2024-06-01,2025-01-31,basic\nC2,2024-07-01,,pro\n",
  });
  const run = await runInit([dir, "--quiet"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  assertEquals(await readJson(join(dir, "cxkit.json")), {
    csatScale: 10,
    files: {
      "crm_accounts.csv": {
        schema: "customers",
        mapping: {
          customer_id: "Customer ID",
          signup_date: "Customer since",
          churn_date: "Cancelled at",
          plan: "Plan",
        },
        unmapped: ["churn_reason", "region", "referred_by"],
      },
      "orders.csv": {
        schema: "events",
        mapping: { customer_id: "Customer", date: "Order Date", type: "Type", revenue: "Amount" },
        unmapped: [],
      },
      "survey_export.csv": {
        schema: "responses",
        mapping: {
          response_id: "Response ID",
          customer_id: "Customer ID",
          date: "Submitted At",
          nps_score: "Likelihood to recommend",
          csat: "Satisfaction",
          comment: "Comments",
          region: "Region",
        },
        unmapped: ["ces", "channel"],
        // 01/02 … 06/02: every day ≤ 12, so the sniffer's day-first default is pinned.
        dateFormat: "DD/MM/YYYY",
      },
    },
  });
  const out = await Deno.makeTempDir();
  const report = await runCli(["report", "--data", dir, "--out", out]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stderr, /cxkit: survey_export\.csv: 6 rows read, 6 accepted, 0 rejected/);
  // With the default 1–5 CSAT scale, answers 7–10 would be rejects.
  assert.match(report.stderr, /cxkit: orders\.csv: 2 rows read, 2 accepted, 0 rejected/);
  assert.match(report.stderr, /cxkit: crm_accounts\.csv: 3 rows read, 3 accepted, 0 rejected/);
});

Deno.test("init: a file without its table's required columns is named, written, and the report then refuses it", async () => {
  const dir = await folder({ "tickets.csv": "Nummer;Notiz\n1;x\n" });
  const run = await runInit([dir, "--quiet"]);
  assert.equal(run.code, 0, run.stderr);
  assertEquals(run.stderr.split("\n").filter((l) => l !== ""), [
    'cxkit: tickets.csv: no header found for the required columns ticket_id, created_at of tickets: add "ticket_id": "<your column>", "created_at": "<your column>" to its mapping (or correct "schema")',
  ]);
  assert.match(run.stdout, /fix the files named above, then run `deno task report --data /);
  const report = await runCli(["report", "--data", dir, "--out", await Deno.makeTempDir()]);
  assert.equal(report.code, 2);
  assert.match(
    report.stderr,
    /cxkit: tickets\.csv: not loaded: Required columns "ticket_id", "created_at" are missing/,
  );
});

Deno.test("init: never overwrites cxkit.json without --force; every other exit path is one line, exit 2", async () => {
  const dir = await folder({ "responses.csv": "response_id,date,nps_score\nr1,2024-01-05,9\n" });
  const mine = '{ "files": {} }\n';
  await Deno.writeTextFile(join(dir, "cxkit.json"), mine);
  const kept = await runInit([dir]);
  assert.equal(kept.code, 2);
  assert.equal(
    kept.stderr,
    `cxkit: ${dir} already has a cxkit.json; it is never overwritten: edit it, or pass --force ` +
      "to replace it with a fresh guess (your edits in it are lost)\n",
  );
  assert.equal(await Deno.readTextFile(join(dir, "cxkit.json")), mine);
  const forced = await runInit([dir, "--force", "--quiet"]);
  assert.equal(forced.code, 0, forced.stderr);
  assertEquals((await readJson(join(dir, "cxkit.json"))).files["responses.csv"].mapping, {
    response_id: "response_id",
    date: "date",
    nps_score: "nps_score",
  });

  const empty = await folder({ "notes.pdf": "%PDF" });
  const runs = await Promise.all([
    runInit([]),
    runInit([dir, dir]),
    runInit(["no/such/dir"]),
    runInit([empty]),
    runInit([dir, "--forse"]),
  ]);
  assertEquals(runs.map((r) => [r.code, r.stdout, r.stderr]), [
    [
      2,
      "",
      "cxkit: init takes one folder, got none: `deno task init DIR` (run `deno task init --help` for the options)\n",
    ],
    [
      2,
      "",
      "cxkit: init takes one folder, got 2: `deno task init DIR` (run `deno task init --help` for the options)\n",
    ],
    [
      2,
      "",
      `cxkit: There is no folder "no/such/dir" (from ${Deno.cwd()}); pass the folder of your CSV exports\n`,
    ],
    [
      2,
      "",
      `cxkit: ${empty} has no CSV files (files ending .csv, .tsv or .txt); put your exports there first\n`,
    ],
    [2, "", "cxkit: Unknown option '--forse'; run `deno task init --help` for the options\n"],
  ]);
});
