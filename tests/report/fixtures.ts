/**
 * Data folders the report tests build sites from: the committed sample,
 * a messy folder of bad files, and the sample plus XSS payloads in every kind
 * of user string (comment, segment label, rejected value, column name, file
 * name).
 */
import { join } from "node:path";
import { loadProject } from "../../src/report/load_dir.ts";
import type { LoadedFile, ProjectConfig } from "../../src/report/load_dir.ts";
import { buildSite, type SitePage } from "../../src/report/site.ts";
import type { Lang } from "../../src/report/format.ts";

export const SAMPLE = new URL("../../data/sample/", import.meta.url).pathname;
export const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;

let sample: Promise<{ files: LoadedFile[]; config: ProjectConfig }> | undefined;

/** The sample folder, loaded once per test file. */
export function loadSample(): Promise<{ files: LoadedFile[]; config: ProjectConfig }> {
  sample ??= loadProject(SAMPLE);
  return sample;
}

/** When the report tests' sample sites say they were generated. */
export const SAMPLE_AT = new Date("2026-01-01T00:00:00Z");

const sites = new Map<Lang, Promise<readonly Readonly<SitePage>[]>>();

/**
 * The sample's site in `lang`, with the sample's scales, generated at
 * {@link SAMPLE_AT}: built once per process and shared, since site_test,
 * chart_lang_test and highlight_test all read the same two sites (a build is
 * about 3 s of CPU) and `tests/run_plan.ts` runs the three files in one run.
 * The pages are frozen: a test reads them and never changes them.
 */
export function sampleSite(lang: Lang = "en"): Promise<readonly Readonly<SitePage>[]> {
  let site = sites.get(lang);
  if (!site) {
    site = loadSample().then(({ files, config }) =>
      Object.freeze(
        buildSite(files, {
          dataDir: "data/sample",
          lang,
          generatedAt: SAMPLE_AT,
          csatScale: config.csatScale,
          cesScale: config.cesScale,
        }).map((page) => Object.freeze(page)),
      )
    );
    sites.set(lang, site);
  }
  return site;
}

/**
 * Bad files next to one usable one: rejects (including a payload), a tickets
 * file without its required columns, a customers file that loads but that the
 * analyses refuse (a duplicate id), a file of unknown kind, bytes that are
 * not text, and a mapping naming a file that does not exist.
 */
export async function messyDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cxkit-messy-" });
  await Deno.writeTextFile(
    join(dir, "responses.csv"),
    [
      "response_id,date,nps_score,comment,channel",
      'r1,2024-01-05,9,"<script>alert(1)</script>",chat',
      'r2,2024-01-06,11,"<img src=x onerror=alert(2)>",chat',
      "r3,not a date,5,ok,phone",
      "r4,2024-01-07,3,slow,phone",
    ].join("\n") + "\n",
  );
  await Deno.writeTextFile(join(dir, "tickets.csv"), "id;opened\n1;02.01.2024\n");
  // Loads fine row by row, but one customer twice: the churn analyses refuse it.
  await Deno.writeTextFile(
    join(dir, "customers.csv"),
    "customer_id,signup_date,churn_date\nC1,2024-01-01,\nC1,2024-02-01,2024-03-01\n",
  );
  await Deno.writeTextFile(join(dir, "<b>notes.csv"), "a\n1\n");
  await Deno.writeFile(join(dir, "events.csv"), new Uint8Array([0, 159, 146, 150, 0, 255, 254]));
  await Deno.writeTextFile(
    join(dir, "cxkit.json"),
    JSON.stringify({
      files: {
        "responses.csv": { schema: "responses" },
        "missing.csv": { schema: "customers" },
      },
    }),
  );
  return dir;
}

/** The XSS payloads and the global each would set if it ever ran. */
export const XSS = {
  script: "<script>window.__xss='script'</script>",
  img: `<img src=x onerror="window.__xss='img';alert('img')">`,
  svg: "<svg onload=window.__xss='svg'></svg>",
  label: "<img src=y onerror=alert('label')>",
  value: "<script>alert('value')</script>",
  column: "<b onmouseover=alert('column')>x</b>",
  file: "responses_<img src=z onerror=alert('file')>.csv",
};

/** The sample folder (copied: links leaving a data folder are refused) plus payload files. */
export async function xssDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cxkit-xss-" });
  for await (const entry of Deno.readDir(SAMPLE)) {
    await Deno.copyFile(join(SAMPLE, entry.name), join(dir, entry.name));
  }
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const rows = [
    ["response_id", "date", "nps_score", "comment", "channel", quote(XSS.column)],
    ["X1", "2025-12-31", "2", quote(XSS.script), "chat", "a"],
    ["X2", "2025-12-31", "3", quote(XSS.img), "email", "b"],
    ["X3", "2025-12-31", "1", quote(XSS.svg), quote(XSS.label), "c"],
    ["X4", "2025-12-30", quote(XSS.value), "fine", "web", "d"],
  ];
  await Deno.writeTextFile(join(dir, "responses_xss.csv"), rows.map((r) => r.join(",")).join("\n"));
  await Deno.writeTextFile(
    join(dir, XSS.file),
    `response_id,date,nps_score,comment\nF1,2025-12-31,0,${quote(XSS.img)}\n`,
  );
  return dir;
}

/** Runs the CLI in a subprocess. */
export async function runCli(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
    env,
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: withoutDenoNoise(decode(out.stderr)),
  };
}

/**
 * Stderr without Deno's own "Blocking waiting for file lock on node_modules"
 * line, which appears when processes (here or in another checkout sharing
 * node_modules) start at once: it is the runtime's, not cxkit's.
 */
export function withoutDenoNoise(stderr: string): string {
  return stderr.replace(/^.*Blocking.*waiting for file lock.*\n/gm, "");
}

/** Every file under a folder, as paths relative to it, sorted. */
export async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(dir, prefix))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await listFiles(dir, path));
    else out.push(path);
  }
  return out.sort();
}
