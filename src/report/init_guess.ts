/**
 * Guessing, for `deno task init`, which canonical table a CSV holds and which
 * of its headers is which canonical column, from German and English header
 * names (`Empfehlung`/`NPS` → `nps_score`, `Datum` → `date`,
 * `Erstellt am` → `created_at`). A guess is a starting point the user checks:
 * `init` writes it into `cxkit.json` and says so.
 *
 * @module
 */
import type { CanonicalName } from "../schema/canonical.ts";
import { REPORT_COLUMNS, schemaColumns, SCHEMAS } from "./mapping_check.ts";

/**
 * Header names (lower case, umlauts as ae/oe/ue, ß as ss, words separated by
 * one space) that mean a canonical column, strongest first. The column's own
 * name is always recognised too. Per table where a word means different
 * things (`datum` is a ticket's creation, a customer's signup is not).
 */
const HEADERS: Record<string, string[]> = {
  response_id: ["antwort id", "antwortnummer", "antwort nr", "response id", "feedback id", "id"],
  customer_id: [
    "kunden id",
    "kundennummer",
    "kunden nr",
    "kundennr",
    "kdnr",
    "kunde",
    "customer id",
    "customer",
    "client id",
    "account id",
    "user id",
  ],
  date: [
    "datum",
    "date",
    "antwortdatum",
    "umfragedatum",
    "datum der rueckmeldung",
    "bestelldatum",
    "order date",
    "response date",
    "survey date",
    "submitted at",
    "zeitpunkt",
    "zeitstempel",
    "timestamp",
  ],
  nps_score: [
    "nps",
    "nps score",
    "empfehlung",
    "weiterempfehlung",
    "empfehlungsbereitschaft",
    "weiterempfehlungsbereitschaft",
    "likelihood to recommend",
    "recommend",
    "ltr",
  ],
  csat: ["csat", "zufriedenheit", "kundenzufriedenheit", "gesamtzufriedenheit", "satisfaction"],
  ces: ["ces", "aufwand", "kundenaufwand", "effort", "customer effort"],
  comment: [
    "kommentar",
    "comment",
    "comments",
    "freitext",
    "anmerkung",
    "anmerkungen",
    "bemerkung",
    "feedback",
    "verbatim",
    "text",
  ],
  channel: ["kanal", "channel", "kontaktweg", "eingangskanal", "quelle", "source"],
  ticket_id: [
    "ticket id",
    "ticketnummer",
    "ticket nr",
    "ticket",
    "vorgangsnummer",
    "vorgang",
    "fallnummer",
    "case id",
    "case",
    "id",
    "nr",
  ],
  created_at: [
    "erstellt am",
    "erstellt",
    "erstelldatum",
    "angelegt am",
    "eroeffnet am",
    "eingang",
    "eingangsdatum",
    "created at",
    "created",
    "opened at",
    "opened",
    "datum",
    "date",
  ],
  first_response_at: [
    "erste antwort",
    "erste antwort am",
    "erste reaktion",
    "erstreaktion",
    "first response at",
    "first response",
    "first reply at",
    "first reply",
  ],
  resolved_at: [
    "geloest am",
    "geloest",
    "geschlossen am",
    "geschlossen",
    "erledigt am",
    "erledigt",
    "abgeschlossen am",
    "resolved at",
    "resolved",
    "closed at",
    "closed",
  ],
  contacts: ["kontakte", "anzahl kontakte", "kontaktanzahl", "contacts", "number of contacts"],
  agent: ["agent", "bearbeiter", "sachbearbeiter", "mitarbeiter", "assignee", "owner"],
  signup_date: [
    "kunde seit",
    "registriert am",
    "registrierung",
    "anmeldedatum",
    "vertragsbeginn",
    "signup",
    "signup date",
    "customer since",
    "start date",
  ],
  churn_date: [
    "kuendigungsdatum",
    "gekuendigt am",
    "kuendigung",
    "vertragsende",
    "churn",
    "churned at",
    "cancelled at",
    "canceled at",
    "end date",
  ],
  churn_reason: ["kuendigungsgrund", "churn reason", "cancellation reason", "grund"],
  plan: ["tarif", "plan", "paket", "abo", "produkt", "product"],
  region: ["region", "gebiet", "bundesland"],
  referred_by: ["geworben von", "empfohlen von", "werber", "referred by", "referrer"],
  type: ["typ", "type", "art", "ereignis", "ereignistyp", "event", "event type"],
  revenue: ["umsatz", "revenue", "betrag", "bestellwert", "order value", "amount", "wert"],
  weight: ["gewichtung", "gewicht", "gewichtungsfaktor", "hochrechnungsfaktor", "weight"],
  segment: ["segment", "kundensegment"],
};

/** Columns beyond a table's schema that the report reads, guessed in every table. */
const EXTRAS = [...REPORT_COLUMNS.filter((c) => c !== "step"), "region", "plan", "revenue"];

/**
 * The header names `deno task init` recognises for a canonical column (its
 * own name first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { headerNames } from "./init_guess.ts";
 * assert.deepEqual(headerNames("ces").slice(0, 3), ["ces", "aufwand", "kundenaufwand"]);
 * ```
 */
export function headerNames(column: string): string[] {
  const own = plainHeader(column);
  return [own, ...(HEADERS[column] ?? []).filter((h) => h !== own)];
}

/**
 * A header as the recognised names are written: lower case, `ä ö ü ß` as
 * `ae oe ue ss`, other accents dropped, anything but letters and digits a
 * single space.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plainHeader } from "./init_guess.ts";
 * assert.equal(plainHeader("Datum der Rückmeldung"), "datum der rueckmeldung");
 * assert.equal(plainHeader("Umsatz (€)"), "umsatz");
 * ```
 */
export function plainHeader(header: string): string {
  return header.toLowerCase().replaceAll("ä", "ae").replaceAll("ö", "oe").replaceAll("ü", "ue")
    .replaceAll("ß", "ss").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, " ").trim();
}

/** How well a header fits a recognised name: whole (3), its first words (2), inside (1). */
function fit(header: string, name: string): number {
  if (header === name) return 3;
  if (header.startsWith(`${name} `)) return 2;
  return ` ${header} `.includes(` ${name} `) ? 1 : 0;
}

/** A guessed mapping of one file for one table. */
export interface MappingGuess {
  /** The table guessed. */
  schema: CanonicalName;
  /** Canonical column → header, in the table's column order, then the report's extra columns. */
  mapping: Record<string, string>;
  /** The table's columns no header was found for. */
  unmapped: string[];
  /** Required columns of the table among `unmapped`. */
  missingRequired: string[];
}

/**
 * The headers matched to the columns of one table (its own and the extra
 * columns the report reads): each header to at most one column and back,
 * best fits first (a whole header before its first words before a word
 * inside it; a name earlier in the list before a later one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { guessMapping } from "./init_guess.ts";
 * const guess = guessMapping(["Antwort-ID", "Datum der Rückmeldung", "Empfehlung", "Kanal"], "responses");
 * assert.deepEqual(guess.mapping, {
 *   response_id: "Antwort-ID", date: "Datum der Rückmeldung", nps_score: "Empfehlung", channel: "Kanal",
 * });
 * assert.deepEqual(guess.missingRequired, []);
 * ```
 */
export function guessMapping(headers: readonly string[], schema: CanonicalName): MappingGuess {
  const specs = schemaColumns(schema);
  const columns = [
    ...specs.map((s) => s.name),
    ...EXTRAS.filter((e) => !specs.some((s) => s.name === e)),
  ];
  const candidates: { column: string; header: string; score: number }[] = [];
  for (const header of headers) {
    const plain = plainHeader(header);
    columns.forEach((column, c) => {
      headerNames(column).forEach((name, n) => {
        const f = fit(plain, name);
        // Whole fits beat partial ones; then earlier names, then the table's column order.
        if (f) candidates.push({ column, header, score: f * 1e6 - n * 1e3 - c });
      });
    });
  }
  candidates.sort((a, b) => b.score - a.score);
  const found = new Map<string, string>(), used = new Set<string>();
  for (const { column, header } of candidates) {
    if (found.has(column) || used.has(header)) continue;
    found.set(column, header);
    used.add(header);
  }
  const mapping = Object.fromEntries(
    columns.filter((c) => found.has(c)).map((c) => [c, found.get(c)!]),
  );
  const unmapped = specs.filter((s) => !found.has(s.name));
  return {
    schema,
    mapping,
    unmapped: unmapped.map((s) => s.name),
    missingRequired: unmapped.filter((s) => s.required).map((s) => s.name),
  };
}

/**
 * The table a file most likely holds: among the tables whose required
 * columns were all found, the one the file name says (`responses…`,
 * `tickets…`, `customers…`, `events…`/`orders…`/`touchpoints…`), else the one
 * with the most of its own columns found; when no table has all its required
 * columns, the file name's table or the best partial fit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { guessSchema } from "./init_guess.ts";
 * const tickets = ["Ticketnummer", "Kundennummer", "Erstellt am", "Erste Antwort", "Gelöst am", "Kanal"];
 * assert.equal(guessSchema(tickets, "export.csv").schema, "tickets");
 * assert.equal(guessSchema(["Kundennummer", "Datum", "Umsatz"], "bestellungen.csv").schema, "events");
 * ```
 */
export function guessSchema(headers: readonly string[], file: string): MappingGuess {
  const guesses = SCHEMAS.map((s) => guessMapping(headers, s));
  const own = (g: MappingGuess) => schemaColumns(g.schema).length - g.unmapped.length;
  const named = schemaFromName(file);
  const complete = guesses.filter((g) => g.missingRequired.length === 0);
  const pool = complete.length ? complete : guesses;
  const byName = pool.find((g) => g.schema === named);
  if (byName) return byName;
  // Most columns found; on a tie the table with fewer required columns missing, then list order.
  return pool.reduce((best, g) =>
    own(g) - g.missingRequired.length > own(best) - best.missingRequired.length ? g : best
  );
}

/**
 * The table a file name says: `responses…`, `tickets…`, `customers…`,
 * `events…`, and `orders…` and `touchpoints…` as events; `null` otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schemaFromName } from "./init_guess.ts";
 * assert.equal(schemaFromName("2024/Touchpoints.csv"), "events");
 * assert.equal(schemaFromName("umfrage.csv"), null);
 * ```
 */
export function schemaFromName(file: string): CanonicalName | null {
  const name = file.split(/[\\/]/).pop()!.toLowerCase();
  for (const schema of SCHEMAS) {
    if (name.startsWith(schema)) return schema;
  }
  return /^(orders|touchpoints)/.test(name) ? "events" : null;
}

const KIND_NAMES: Record<string, string> = {
  string: "text",
  date: "date",
  integer: "whole number",
  number: "number",
};

/**
 * The README's table of canonical columns, one row per column of each table
 * (its type, whether required, and the first header names `deno task init`
 * recognises), then the columns the report reads in any table. Generated
 * from the schemas, so tests/report/readme_columns_test.ts can hold the
 * README to it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalColumnsTable } from "./init_guess.ts";
 * const rows = canonicalColumnsTable();
 * assert.deepEqual(rows[0], ["Table", "Column", "Type", "Required", "Headers `init` recognises"]);
 * assert.deepEqual(rows.find((r) => r[1] === "`nps_score`")?.slice(0, 4), ["responses", "`nps_score`", "whole number", "no"]);
 * ```
 */
export function canonicalColumnsTable(): string[][] {
  const recognised = (column: string) => headerNames(column).slice(1).join(", ");
  const rows = [["Table", "Column", "Type", "Required", "Headers `init` recognises"]];
  for (const schema of SCHEMAS) {
    for (const { name, kind, required } of schemaColumns(schema)) {
      rows.push([
        schema,
        `\`${name}\``,
        KIND_NAMES[kind],
        required ? "yes" : "no",
        recognised(name),
      ]);
    }
  }
  const inSchemas = new Set(rows.map((r) => r[1]));
  for (const name of REPORT_COLUMNS) {
    if (inSchemas.has(`\`${name}\``)) continue;
    rows.push([
      "any",
      `\`${name}\``,
      name === "weight" ? "number" : "text",
      "no",
      recognised(name),
    ]);
  }
  rows.push([
    "responses",
    "`rating_…`",
    "number",
    "no",
    "(attribute ratings for the drivers page)",
  ]);
  return rows;
}
