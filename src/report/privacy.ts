/**
 * Privacy before publishing: the one step every table passes before the
 * report (pages, `print.html`, the PDF printed from it) shows anything of it.
 *
 * - Columns that hold personal data are **dropped**: by name (`name`,
 *   `first_name`, `email`, `phone`, `telefon`, `address`, `iban`,
 *   `birth_date`, …, see {@link PERSONAL_COLUMN}) or by content (at least
 *   half of a text column's values are, as a whole, an e-mail address, phone
 *   number, IBAN or card number).
 * - Every other text column (comments, free text) is **redacted**: e-mail
 *   addresses, phone numbers, IBANs and card numbers become the placeholders
 *   of the report's language (`[E-Mail]`, `[Telefon]`, `[IBAN]`, `[Karte]`;
 *   `[email]`, `[phone]`, `[IBAN]`, `[card]`).
 * - Groups of fewer than `minGroupSize` answers (default 5) are
 *   **suppressed** in published tables and charts ({@link suppressSmallGroups}).
 * - `cxkit.json` → `privacy: { drop, hash, redact, keep, minGroupSize }`
 *   names columns to drop, to replace by a keyed hash, to keep but redact
 *   (instead of dropping), or to keep as they are. The hash is HMAC-SHA-256
 *   (first 16 hex digits) keyed with the environment variable
 *   `CXKIT_HASH_KEY`, else with a random key per run (then hashes differ
 *   between runs); equal values hash equally within a run, so joins on a
 *   hashed `customer_id` still work.
 *
 * The loaders' reject lists and warnings are redacted too, and
 * {@link redactPage} redacts the text of every rendered page as a last check.
 * The overview page lists what was dropped, hashed, redacted and suppressed.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import * as aq from "arquero";
import { createHmac } from "node:crypto";
import { CxSchemaError } from "../errors.ts";
import { attachMeta, meta } from "../meta.ts";
import { findPiiInText, type PiiKind, redactText } from "../privacy/pii.ts";
import type { ReportTables, SectionContext } from "./context.ts";
import type { Lang } from "./format.ts";
import type { LoadedFile } from "./load_dir.ts";
import { noteWeights } from "./weights.ts";

/** `cxkit.json` → `privacy`: what to do with which columns, and the smallest group shown. */
export interface PrivacyConfig {
  /** Columns removed from every table (besides those detected as personal data). */
  drop?: string[];
  /** Columns whose values are replaced by a keyed hash (HMAC-SHA-256, 16 hex digits). */
  hash?: string[];
  /** Columns kept with their personal data redacted, even when detected as personal data. */
  redact?: string[];
  /** Columns kept exactly as they are (no detection, no redaction). */
  keep?: string[];
  /** Groups with fewer answers are suppressed in published tables and charts (default 5). */
  minGroupSize?: number;
}

/** What the privacy step did to one column of one table. */
export interface PrivacyColumn {
  /** Report table (`responses`, `customers`, …). */
  table: string;
  /** Column name. */
  column: string;
  /** What was done. */
  action: "dropped" | "hashed" | "redacted";
  /** Why: its name, its content, or `cxkit.json`. */
  why: "name" | "content" | "config";
  /** Values changed (redacted or hashed) or, for a dropped column, values removed. */
  values: number;
  /** Pieces of personal data found, per kind. */
  kinds: Partial<Record<PiiKind, number>>;
}

/** What the privacy step did, for the overview page. */
export interface PrivacyLog {
  /** The smallest group shown. */
  minGroupSize: number;
  /** Per column: dropped, hashed or redacted. */
  columns: PrivacyColumn[];
  /** Columns named in `cxkit.json` → `privacy` that no table has. */
  unknown: string[];
  /** Groups suppressed, per published table (e.g. `NPS by channel`). */
  suppressed: Record<string, number>;
}

/**
 * Column names that hold personal data: names, e-mail, phone, address,
 * bank and card, birth date, IP address (English and German spellings;
 * `_`, `-`, space or nothing between words; any case).
 */
export const PERSONAL_COLUMN: RegExp = new RegExp(
  "^(?:(?:first|last|full|given|family|sur|nick|user|customer|contact|display|vor|nach|familien|kunden)[-_ ]?)?name$" +
    "|^e?[-_ ]?mail(?:[-_ ]?(?:address|adresse))?$" +
    "|^(?:phone|telephone|mobile|cell|tel|telefon|handy|mobil|fax)(?:[-_ ]?(?:number|nummer|nr|no))?$" +
    "|^(?:address|adresse|anschrift|street|strasse|straße|iban|bic|account[-_ ]?number|kontonummer" +
    "|card[-_ ]?number|kreditkarte|birth[-_ ]?date|date[-_ ]of[-_ ]birth|geburtsdatum|dob|ssn" +
    "|tax[-_ ]?id|steuer[-_ ]?id|ip|ip[-_ ]?address|passport)$",
  "i",
);

/** Options of {@link applyPrivacy}. */
export interface ApplyPrivacyOptions {
  /** `cxkit.json` → `privacy`. */
  config?: PrivacyConfig;
  /** Language of the placeholders (default `"en"`). */
  lang?: Lang;
  /** Key of the hash (default `CXKIT_HASH_KEY`, else random). */
  hashKey?: string;
}

/**
 * Drops, hashes and redacts the report's tables and the loaders' reject
 * lists and warnings as described in the module documentation; returns the
 * new tables and files and what was done. A column named in two lists of
 * `config` is a `CxSchemaError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { applyPrivacy } from "./privacy.ts";
 * const responses = aq.table({
 *   nps_score: [9, 3],
 *   comment: ["Ruf mich an: 0151 12345678", "gut"],
 *   email: ["a@example.org", "b@example.org"],
 * });
 * const { tables, log } = applyPrivacy({ responses }, [], { lang: "de" });
 * assert.deepEqual(tables.responses!.columnNames(), ["nps_score", "comment"]);
 * assert.equal(tables.responses!.get("comment", 0), "Ruf mich an: [Telefon]");
 * assert.deepEqual(log.columns.map((c) => `${c.column} ${c.action} ${c.why}`), [
 *   "comment redacted content",
 *   "email dropped name",
 * ]);
 * ```
 */
export function applyPrivacy(
  tables: ReportTables,
  files: LoadedFile[],
  options: ApplyPrivacyOptions = {},
): { tables: ReportTables; files: LoadedFile[]; log: PrivacyLog } {
  const config = checkPrivacyConfig(options.config ?? {});
  const language = options.lang ?? "en";
  const hash = hasher(options.hashKey ?? envKey());
  const log: PrivacyLog = {
    minGroupSize: config.minGroupSize ?? 5,
    columns: [],
    unknown: [],
    suppressed: {},
  };
  const out: ReportTables = {};
  const seen = new Set<string>();
  for (const [name, table] of Object.entries(tables) as [keyof ReportTables, ColumnTable][]) {
    const dropped: string[] = [];
    const changed: Record<string, unknown[]> = {};
    for (const column of table.columnNames()) {
      seen.add(column);
      const step = columnStep(name, column, table.array(column) as unknown[], config, language);
      if (!step) continue;
      log.columns.push(step.entry);
      if (step.entry.action === "dropped") dropped.push(column);
      else changed[column] = step.entry.action === "hashed" ? step.values.map(hash) : step.values;
    }
    const kept = table.columnNames().filter((c) => !dropped.includes(c));
    let shown = dropped.length ? table.select(kept) : table;
    if (Object.keys(changed).length) shown = shown.assign(aq.table(changed));
    out[name] = shown === table ? table : shown.reify();
  }
  const named = [config.drop, config.hash, config.redact, config.keep].flat().filter(Boolean);
  log.unknown = [...new Set(named as string[])].filter((c) => !seen.has(c));
  const hidden = new Set(
    log.columns.filter((c) => c.action !== "redacted").map((c) => c.column),
  );
  return { tables: out, files: files.map((f) => privateFile(f, hidden, language)), log };
}

type Step = { entry: PrivacyColumn; values: unknown[] };

/** What happens to one column, or `null` when it is published as it is. */
function columnStep(
  table: string,
  column: string,
  values: unknown[],
  config: PrivacyConfig,
  language: Lang,
): Step | null {
  const entry = (action: PrivacyColumn["action"], why: PrivacyColumn["why"]) => ({
    table,
    column,
    action,
    why,
    values: values.filter((v) => v !== null && v !== undefined && v !== "").length,
    kinds: {},
  });
  if (config.drop?.includes(column)) return { entry: entry("dropped", "config"), values };
  if (config.hash?.includes(column)) return { entry: entry("hashed", "config"), values };
  if (config.keep?.includes(column)) return null;
  const scan = scanColumn(values, language);
  const forced = config.redact?.includes(column) ?? false;
  if (!forced && PERSONAL_COLUMN.test(column)) return { entry: entry("dropped", "name"), values };
  if (!forced && scan.texts > 0 && scan.whole * 2 >= scan.texts) {
    return { entry: { ...entry("dropped", "content"), kinds: scan.kinds }, values };
  }
  if (scan.changed === 0 && !forced) return null;
  return {
    entry: {
      ...entry("redacted", forced ? "config" : "content"),
      values: scan.changed,
      kinds: scan.kinds,
    },
    values: scan.values,
  };
}

/** Redacts a column's texts (each distinct text once) and counts what it found. */
function scanColumn(values: unknown[], language: Lang) {
  const cache = new Map<string, { text: string; kinds: PiiKind[]; whole: boolean }>();
  const kinds: Partial<Record<PiiKind, number>> = {};
  let texts = 0, whole = 0, changed = 0;
  const out = values.map((v) => {
    if (typeof v !== "string" || v.trim() === "") return v;
    texts++;
    let hit = cache.get(v);
    if (!hit) {
      const found = findPiiInText(v);
      const trimmed = v.trim();
      hit = {
        text: found.length ? redactText(v, { language }) : v,
        kinds: found.map((m) => m.kind),
        whole: found.length === 1 && v.slice(found[0].start, found[0].end) === trimmed,
      };
      cache.set(v, hit);
    }
    if (hit.whole) whole++;
    if (hit.kinds.length) changed++;
    for (const k of hit.kinds) kinds[k] = (kinds[k] ?? 0) + 1;
    return hit.text;
  });
  return { values: out, kinds, texts, whole, changed };
}

/** A loaded file whose rejects and warnings show no personal data. */
function privateFile(file: LoadedFile, hidden: Set<string>, language: Lang): LoadedFile {
  if (!file.result) return file;
  const { rejects, summary } = file.result;
  const clean = (v: unknown) => typeof v === "string" ? redactText(v, { language }) : v;
  const columns = rejects.array("column") as unknown[];
  const value = (rejects.array("value") as unknown[]).map((v, i) =>
    hidden.has(String(columns[i])) ? null : clean(v)
  );
  const reason = (rejects.array("reason") as unknown[]).map(clean);
  return {
    ...file,
    result: {
      ...file.result,
      rejects: rejects.numRows() ? rejects.assign({ value, reason }) : rejects,
      summary: { ...summary, warnings: summary.warnings.map((w) => clean(w) as string) },
    },
  };
}

/** The config checked: no column in two lists, a whole `minGroupSize` of at least 1. */
function checkPrivacyConfig(config: PrivacyConfig): PrivacyConfig {
  const lists = ["drop", "hash", "redact", "keep"] as const;
  for (const [i, a] of lists.entries()) {
    for (const b of lists.slice(i + 1)) {
      const both = (config[a] ?? []).filter((c) => config[b]?.includes(c));
      if (both.length) {
        throw new CxSchemaError(
          `cxkit.json privacy: column "${
            both[0]
          }" is named in both "${a}" and "${b}"; name it in one list only`,
        );
      }
    }
  }
  const min = config.minGroupSize;
  if (min !== undefined && !(Number.isInteger(min) && min >= 1)) {
    throw new CxSchemaError(
      `cxkit.json privacy.minGroupSize must be a whole number of at least 1, got ${min}`,
    );
  }
  return config;
}

function envKey(): string | undefined {
  try {
    return Deno.env.get("CXKIT_HASH_KEY") || undefined;
  } catch {
    return undefined; // no env permission: a random key
  }
}

/** HMAC-SHA-256 of the value's text, first 16 hex digits; missing values stay missing. */
function hasher(key: string | undefined): (v: unknown) => unknown {
  const secret = key ?? crypto.getRandomValues(new Uint8Array(32));
  return (v) =>
    v === null || v === undefined || v === ""
      ? v
      : createHmac("sha256", secret).update(v instanceof Date ? v.toISOString() : String(v))
        .digest("hex").slice(0, 16);
}

/**
 * A result table with every group of fewer than `min` answers (`n < min`;
 * `size` names another count column, e.g. `customers`) suppressed: all its columns except `keys` set to missing and `suppressed`
 * set to `true` (`false` on the other rows). The result's metadata is kept,
 * so charts drawn from it skip the suppressed groups (their value is
 * missing) and tables show the suppression text instead
 * (the `suppressedText` option of `dataTable`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { suppressSmallGroups } from "./privacy.ts";
 * const result = aq.table({ channel: ["chat", "mail"], n: [40, 3], nps: [12.5, 66.7] });
 * const out = suppressSmallGroups(result, 5, ["channel"]);
 * assert.deepEqual(out.objects()[1], { channel: "mail", n: null, nps: null, suppressed: true });
 * assert.equal(out.get("nps", 0), 12.5);
 * ```
 */
export function suppressSmallGroups(
  result: ColumnTable,
  min: number,
  keys: string[],
  size = "n",
): ColumnTable {
  const n = result.array(size) as unknown[];
  const hide = n.map((x) => typeof x === "number" && x < min);
  const columns: Record<string, unknown[]> = {};
  for (const c of result.columnNames()) {
    const values = result.array(c) as unknown[];
    columns[c] = keys.includes(c) ? values : values.map((v, i) => hide[i] ? null : v);
  }
  const out = aq.table({ ...columns, suppressed: hide });
  try {
    attachMeta(out, meta(result));
  } catch {
    // a table without metadata stays without
  }
  return out;
}

const WORDS = {
  en: {
    heading: "Privacy",
    lead: (min: string) =>
      `Personal data is kept out of this report: e-mail addresses, phone numbers, IBANs and card numbers in text are replaced by placeholders, columns with personal data are left out, and groups of fewer than ${min} answers are not shown.`,
    fewer: (min: string) => `fewer than ${min} answers`,
    action: { dropped: "left out", hashed: "hashed", redacted: "redacted" },
    why: {
      name: "its name suggests personal data",
      content: "personal data found in it",
      config: "set in cxkit.json",
    },
    values: (n: string) => `${n} values`,
    suppressed: (what: string, n: string) =>
      `${what}: ${n} ${n === "1" ? "group" : "groups"} suppressed`,
    unknown: (cols: string) => `cxkit.json privacy names columns no table has: ${cols}`,
    none: "No personal data found in the columns; no group suppressed.",
    kinds: { email: "e-mail", phone: "phone", iban: "IBAN", card: "card" },
  },
  de: {
    heading: "Datenschutz",
    lead: (min: string) =>
      `Personenbezogene Daten bleiben aus diesem Bericht heraus: E-Mail-Adressen, Telefonnummern, IBANs und Kartennummern in Texten werden durch Platzhalter ersetzt, Spalten mit personenbezogenen Daten weggelassen, und Gruppen mit weniger als ${min} Antworten werden nicht gezeigt.`,
    fewer: (min: string) => `weniger als ${min} Antworten`,
    action: { dropped: "weggelassen", hashed: "gehasht", redacted: "geschwärzt" },
    why: {
      name: "der Name deutet auf personenbezogene Daten",
      content: "personenbezogene Daten darin gefunden",
      config: "in cxkit.json festgelegt",
    },
    values: (n: string) => `${n} Werte`,
    suppressed: (what: string, n: string) =>
      `${what}: ${n} ${n === "1" ? "Gruppe" : "Gruppen"} unterdrückt`,
    unknown: (cols: string) => `cxkit.json privacy nennt Spalten, die keine Tabelle hat: ${cols}`,
    none: "Keine personenbezogenen Daten in den Spalten gefunden; keine Gruppe unterdrückt.",
    kinds: { email: "E-Mail", phone: "Telefon", iban: "IBAN", card: "Karte" },
  },
} as const;

/**
 * The text shown instead of a suppressed group's values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { suppressedText } from "./privacy.ts";
 * assert.equal(suppressedText("de", 5), "weniger als 5 Antworten");
 * ```
 */
export function suppressedText(lang: Lang, min: number): string {
  return WORDS[lang].fewer(String(min));
}

/**
 * The overview's privacy statement: a lead sentence and one line per column
 * dropped, hashed or redacted (with the values and kinds of personal data
 * found) and per table with suppressed groups.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { privacyLines } from "./privacy.ts";
 * const { lines } = privacyLines({
 *   minGroupSize: 5,
 *   columns: [{ table: "responses", column: "comment", action: "redacted", why: "content", values: 2, kinds: { email: 2 } }],
 *   unknown: [],
 *   suppressed: { "NPS by channel": 1 },
 * }, "en");
 * assert.deepEqual(lines, [
 *   "responses.comment: redacted (personal data found in it; 2 values; e-mail 2)",
 *   "NPS by channel: 1 group suppressed",
 * ]);
 * ```
 */
export function privacyLines(
  log: PrivacyLog,
  lang: Lang,
  int: (n: number) => string = String,
): { heading: string; lead: string; lines: string[] } {
  const w = WORDS[lang];
  const lines = log.columns.map((c) => {
    const kinds = (["email", "phone", "iban", "card"] as const).filter((k) => c.kinds[k])
      .map((k) => `${w.kinds[k]} ${int(c.kinds[k]!)}`);
    const parts = [w.why[c.why], w.values(int(c.values)), ...kinds];
    return `${c.table}.${c.column}: ${w.action[c.action]} (${parts.join("; ")})`;
  });
  for (const [what, n] of Object.entries(log.suppressed)) {
    if (n > 0) lines.push(w.suppressed(what, int(n)));
  }
  if (log.unknown.length) lines.push(w.unknown(log.unknown.join(", ")));
  return {
    heading: w.heading,
    lead: w.lead(int(log.minGroupSize)),
    lines: lines.length ? lines : [w.none],
  };
}

/**
 * A rendered page with the text between its tags redacted (from `<body>`
 * on; markup, styles and attributes untouched): the last check that no
 * e-mail address, phone number, IBAN or card number reaches a published
 * page, also for notebook output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactPage } from "./privacy.ts";
 * const page = "<html><body><p>mail max@example.org</p><td>4.5</td></body></html>";
 * assert.equal(redactPage(page, "en"), "<html><body><p>mail [email]</p><td>4.5</td></body></html>");
 * ```
 */
export function redactPage(html: string, lang: Lang): string {
  const start = html.search(/<body[\s>]/i);
  const head = start < 0 ? "" : html.slice(0, start);
  const body = start < 0 ? html : html.slice(start);
  return head + body.replace(/>([^<]+)</g, (all, text: string) => {
    const clean = redactText(text, { language: lang });
    return clean === text ? all : `>${clean}<`;
  });
}

/**
 * {@link suppressSmallGroups} with the report's `minGroupSize`, counting the
 * groups suppressed under `what` for the overview, and the
 * `dataTable` option that shows the suppression text in their rows. `size`
 * is the count column compared with `minGroupSize` (default `n`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { sectionContext } from "./site.ts";
 * import { publishable } from "./privacy.ts";
 * const ctx = sectionContext({}, { lang: "de" });
 * const result = aq.table({ channel: ["chat", "mail"], n: [40, 3], nps: [12.5, 66.7] });
 * const { table, tableOptions } = publishable(ctx, result, "NPS nach channel", ["channel"]);
 * assert.equal(table.get("nps", 1), null);
 * assert.deepEqual(ctx.privacy.suppressed, { "NPS nach channel": 1 });
 * assert.equal(tableOptions.suppressedText, "weniger als 5 Antworten");
 * ```
 */
export function publishable(
  ctx: SectionContext,
  result: ColumnTable,
  what: string,
  keys: string[],
  size = "n",
): { table: ColumnTable; tableOptions: { suppressedText: string } } {
  const min = ctx.privacy.minGroupSize;
  noteWeights(ctx, result); // a weighted KPI shown: the page says so (weights.ts)
  const table = suppressSmallGroups(result, min, keys, size);
  const count = (table.array("suppressed") as boolean[]).filter(Boolean).length;
  ctx.privacy.suppressed[what] = (ctx.privacy.suppressed[what] ?? 0) + count;
  return { table, tableOptions: { suppressedText: suppressedText(ctx.format.lang, min) } };
}
