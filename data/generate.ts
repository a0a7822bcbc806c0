/**
 * Seeded, deterministic synthetic customer-experience data with planted, known
 * effects. The files in `data/sample/` are made by this script with seed 42;
 * `data/README.md` lists every planted effect with its parameters and the value
 * an analysis should find. Tests in `tests/data/generate_test.ts` check both
 * the determinism and that the effects are really there.
 *
 * Everything random comes from a small sfc32 generator seeded from the seed and
 * a per-file label, so the same seed always gives byte-identical files (no
 * clock, no `Math.random`, no locale-dependent formatting).
 *
 * Usage: `deno run -A data/generate.ts [--seed 42] [--out data/sample]`
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CxOptionsError } from "../src/errors.ts";
import { CES_DEFAULTS, CSAT_DEFAULTS, NPS_SCALE, npsCategory } from "../src/schema/scales.ts";
import { type TouchLinks, TOUCHPOINTS, touchpointsCsv } from "./generate_touchpoints.ts";

// ---------------------------------------------------------------------------
// Planted parameters (documented in data/README.md)
// ---------------------------------------------------------------------------

/**
 * The parameters of every planted effect. `data/README.md` explains each one
 * and the value an analysis should recover; tests import these numbers.
 */
export const PLANTED = {
  /** Default seed of the committed sample. */
  seed: 42,
  /** First and last day of the time frame (inclusive), and the censoring cut-off. */
  start: "2024-01-01",
  end: "2025-12-31",
  customers: 5000,
  /** Share of customers that sign up in a launch wave in January 2024 (rest uniform). */
  launchShare: 0.1,
  monthlyShare: 0.6,
  regionWeights: { north: 0.3, south: 0.25, east: 0.2, west: 0.25 },
  referredShare: 0.2,
  /** Exponential churn hazard per day of an annual, non-referred customer. */
  baseHazardPerDay: 0.0008,
  /** Hazard multipliers (proportional hazards). */
  monthlyHazardRatio: 2.0,
  referredHazardRatio: 0.6,
  /** Churn reason probabilities by plan: voluntary, payment_failure, moved_to_competitor. */
  churnReasons: {
    monthly: { voluntary: 0.45, payment_failure: 0.25, moved_to_competitor: 0.3 },
    annual: { voluntary: 0.55, payment_failure: 0.1, moved_to_competitor: 0.35 },
  },
  /** Daily event probabilities at tenure 0, before the tenure decay. */
  eventDailyProb: { login: 0.055, order: 0.031, support: 0.009 },
  /** Activity multiplier: floor + (1 - floor) * exp(-tenureDays / tau). */
  activityFloor: 0.55,
  activityTauDays: 120,
  /** Order probability multiplier in December (Christmas season). */
  decemberOrderFactor: 1.5,
  /** Order value: log-normal with this median (EUR) and sigma; annual plan orders scaled. */
  orderMedianEur: 38,
  orderSigma: 0.6,
  annualOrderFactor: 1.3,
  /** Survey responses per month (normal around this, sd 25). */
  responsesPerMonth: 800,
  responseChannelWeights: { chat: 0.3, email: 0.25, phone: 0.25, web: 0.2 },
  /** Attribute ratings: mean on the 1–10 scale, and weight in the NPS equation. */
  ratingMeans: { wait_time: 6.5, friendliness: 8, competence: 7.5, price: 6, app: 7 },
  ratingWeights: { wait_time: 0.45, friendliness: 0.15, competence: 0.2, price: 0.1, app: 0.12 },
  /** Rating = mean + ratingSd * (loading * latent + sqrt(1 - loading²) * own noise). */
  ratingSd: 2,
  ratingLoading: 0.6,
  npsIntercept: 8.3,
  npsNoiseSd: 1,
  /** Linear NPS-scale trend per month, centred on the middle of the period. */
  npsTrendPerMonth: 0.006,
  /** Shift of the wait-time rating by channel (phone waits are long). */
  waitShift: { chat: 0, email: -0.3, phone: -0.72, web: 0 },
  /** The app outage month: app rating shift and a direct shift of the NPS scale. */
  outageMonth: "2025-03",
  outageAppShift: -2.5,
  outageDirectShift: -0.22,
  /** Extra chance that a comment in the outage month is about the outage. */
  outageCommentShare: 0.35,
  /** Ticket volume in the outage month relative to a normal month. */
  outageTicketFactor: 1.6,
  missing: { csat: 0.02, ces: 0.03, rating: 0.02, npsDe: 0.01, revenueDe: 0.12 },
  /** German export: weight per region (times a uniform 0.9–1.1 jitter). */
  regionWeightDe: { north: 0.85, south: 1.2, east: 1.05, west: 0.95 },
  responsesDe: 2000,
  /**
   * Answers given within this many days before the customer churns are lower
   * (a shift of the continuous likelihood-to-recommend, not of the ratings), so
   * detractors churn faster than promoters.
   */
  preChurnDays: 120,
  preChurnNpsShift: -1,
  /** Rows with one impossible value, inserted into responses_de.csv after row `after`. */
  germanGlitches: [
    { after: 250, column: "Empfehlung", value: "11" },
    { after: 700, column: "Datum der Rückmeldung", value: "31.02.2025" },
    { after: 1100, column: "Empfehlung", value: "k.A." },
    { after: 1500, column: "Zufriedenheit", value: "6" },
  ] as { after: number; column: (typeof DE_HEADER)[number]; value: string }[],
  tickets: 10000,
  ticketChannelWeights: { chat: 0.4, email: 0.35, phone: 0.25 },
  /** First response time: log-normal median in seconds and sigma, by channel. */
  firstResponse: {
    chat: { median: 150, sigma: 0.9 },
    email: { median: 4 * 3600, sigma: 1 },
    phone: { median: 360, sigma: 0.8 },
  },
  /** Time from first response to resolution: log-normal median in seconds and sigma. */
  resolution: {
    chat: { median: 25 * 60, sigma: 1 },
    email: { median: 18 * 3600, sigma: 1.1 },
    phone: { median: 15 * 60, sigma: 1 },
  },
  priorityWeights: { low: 0.25, normal: 0.6, high: 0.15 },
  /** Time multiplier by priority (both response and resolution). */
  priorityFactor: { low: 1.5, normal: 1, high: 0.5 },
  /** Resolution takes this much longer when more than one contact was needed. */
  repeatContactFactor: 2.5,
  /** The slow agent and its resolution-time multiplier. */
  slowAgent: "A07",
  slowAgentFactor: 2,
  unansweredShare: 0.05,
  /** Answered but unresolved (on top of the unanswered ones). */
  unresolvedShare: 0.03,
  /** First-contact resolution probability among resolved tickets. */
  fcr: { chat: 0.75, email: 0.72, phone: 0.58 },
  /** Share of tickets whose timestamps are exported in Europe/Berlin local time. */
  berlinShare: 0.5,
  /** Journeys in touchpoints.csv (generate_touchpoints.ts). */
  touchpoints: TOUCHPOINTS,
} as const;

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** sfc32 with helpers; one independent stream per (seed, label). */
class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number, label: string) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let state = (lo ^ Math.imul(hi, 0x27d4eb2d) ^ fnv1a(label)) | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [s, w] = splitmix32(state);
      state = s;
      words.push(w);
    }
    [this.#a, this.#b, this.#c, this.#d] = words;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#a + this.#b) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#d = (this.#d + 1) | 0;
    t = (t + this.#d) | 0;
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller, one value per call). */
  normal(): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Log-normal with the given median and sigma. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Number of failures before the first success. */
  geometric(p: number): number {
    let k = 0;
    while (!this.chance(p)) k++;
    return k;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A key of `weights`, drawn with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weights) as K[];
    let total = 0;
    for (const k of keys) total += weights[k];
    let u = this.next() * total;
    for (const k of keys) {
      u -= weights[k];
      if (u < 0) return k;
    }
    return keys[keys.length - 1];
  }
}

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2024, 0, 1);
const N_DAYS = 731; // 2024-01-01 .. 2025-12-31
const CUTOFF_DAY = N_DAYS - 1;
/** The extract instant: 2025-12-31 24:00 in Berlin (UTC+1). */
const CUTOFF_MS = START_MS + N_DAYS * DAY_MS - 3_600_000;
const N_MONTHS = 24;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** YYYY-MM-DD of a day index. */
const ISO_DAY: string[] = [];
/** DD.MM.YYYY of a day index. */
const DE_DAY: string[] = [];
/** Month index 0..23 of a day index. */
const MONTH_OF: number[] = [];
/** First day index of each month, plus the end. */
const MONTH_START: number[] = [];
for (let d = 0; d < N_DAYS; d++) {
  const date = new Date(START_MS + d * DAY_MS);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  ISO_DAY.push(`${y}-${pad(m)}-${pad(day)}`);
  DE_DAY.push(`${pad(day)}.${pad(m)}.${y}`);
  const month = (y - 2024) * 12 + m - 1;
  MONTH_OF.push(month);
  if (day === 1) MONTH_START.push(d);
}
MONTH_START.push(N_DAYS);
/** Month index of the planted app outage. */
const OUTAGE_MONTH = MONTH_OF[ISO_DAY.indexOf(`${PLANTED.outageMonth}-01`)];

function lastSundayUtc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay());
}

/** Europe/Berlin UTC offset in minutes at a UTC instant (EU rule: last Sundays 01:00 UTC). */
function berlinOffsetMinutes(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  const dstStart = lastSundayUtc(year, 2) + 3_600_000;
  const dstEnd = lastSundayUtc(year, 9) + 3_600_000;
  return utcMs >= dstStart && utcMs < dstEnd ? 120 : 60;
}

function formatTimestamp(utcMs: number, berlin: boolean): string {
  const offset = berlin ? berlinOffsetMinutes(utcMs) : 0;
  const t = new Date(utcMs + offset * 60_000);
  const base = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${
    pad(t.getUTCHours())
  }:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  return berlin ? `${base}+${pad(offset / 60)}:00` : `${base}Z`;
}

// ---------------------------------------------------------------------------
// CSV and encodings
// ---------------------------------------------------------------------------

function csvLine(fields: readonly string[], delimiter: string): string {
  return fields.map((f) =>
    f.includes(delimiter) || f.includes('"') || f.includes("\n") || f.includes("\r")
      ? `"${f.replaceAll('"', '""')}"`
      : f
  ).join(delimiter);
}

function csvText(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  delimiter = ",",
  eol = "\n",
): string {
  let out = csvLine(header, delimiter) + eol;
  for (const row of rows) out += csvLine(row, delimiter) + eol;
  return out;
}

/** Windows-1252 bytes 0x80..0x9F (0 = not assigned). */
const CP1252_HIGH = [
  0x20ac,
  0,
  0x201a,
  0x0192,
  0x201e,
  0x2026,
  0x2020,
  0x2021,
  0x02c6,
  0x2030,
  0x0160,
  0x2039,
  0x0152,
  0,
  0x017d,
  0,
  0,
  0x2018,
  0x2019,
  0x201c,
  0x201d,
  0x2022,
  0x2013,
  0x2014,
  0x02dc,
  0x2122,
  0x0161,
  0x203a,
  0x0153,
  0,
  0x017e,
  0x0178,
];
const CP1252_REVERSE = new Map<number, number>();
CP1252_HIGH.forEach((cp, i) => {
  if (cp !== 0) CP1252_REVERSE.set(cp, 0x80 + i);
});

/**
 * Encodes a string as Windows-1252 (cp1252). Code points below 0x80 and
 * 0xA0–0xFF map to themselves, the 0x80–0x9F bytes hold € ‚ „ … – — ‘ ’ “ ”
 * and friends; anything else (including C1 control characters) throws a
 * `RangeError` naming the character and its position.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeCp1252 } from "./generate.ts";
 * const bytes = encodeCp1252("Größe: 5 €");
 * assert.ok(bytes.length === 10);
 * assert.ok(bytes[2] === 0xf6 && bytes[9] === 0x80);
 * assert.ok(new TextDecoder("windows-1252").decode(bytes) === "Größe: 5 €");
 * ```
 */
export function encodeCp1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  let pos = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let byte: number | undefined;
    if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff)) byte = cp;
    else byte = CP1252_REVERSE.get(cp);
    if (byte === undefined) {
      throw new RangeError(
        `Character ${JSON.stringify(ch)} (U+${
          cp.toString(16).toUpperCase().padStart(4, "0")
        }) at position ${pos} cannot be encoded as Windows-1252`,
      );
    }
    out[n++] = byte;
    pos += ch.length;
  }
  return out.slice(0, n);
}

// ---------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------

type Plan = "monthly" | "annual";
type Region = keyof typeof PLANTED.regionWeights;

interface Customer {
  id: string;
  signup: number;
  /** Churn day index, or -1 when still active at the cut-off. */
  churn: number;
  /** Last active day (churn day or cut-off). */
  end: number;
  reason: string;
  plan: Plan;
  region: Region;
  /** Index of the referring customer, or -1. */
  referredBy: number;
}

interface CustomerBase {
  customers: Customer[];
  /** Number of customers whose signup day is ≤ d, for each day d. */
  signedUpBy: Int32Array;
}

function generateCustomers(seed: number, size: number): CustomerBase {
  const rng = new Rng(seed, "customers");
  const n = Math.round(size * PLANTED.customers);
  const signups: number[] = [];
  for (let i = 0; i < n; i++) {
    signups.push(rng.chance(PLANTED.launchShare) ? rng.int(31) : rng.int(N_DAYS));
  }
  signups.sort((a, b) => a - b);
  const signedUpBy = new Int32Array(N_DAYS);
  for (const s of signups) signedUpBy[s]++;
  for (let d = 1; d < N_DAYS; d++) signedUpBy[d] += signedUpBy[d - 1];

  const customers: Customer[] = [];
  for (let i = 0; i < n; i++) {
    const signup = signups[i];
    const plan: Plan = rng.chance(PLANTED.monthlyShare) ? "monthly" : "annual";
    const region = rng.weighted(PLANTED.regionWeights);
    // Referrer: a customer who signed up on an earlier day and was still active then.
    let referredBy = -1;
    const earlier = signup > 0 ? signedUpBy[signup - 1] : 0;
    if (earlier > 0 && rng.chance(PLANTED.referredShare)) {
      for (let attempt = 0; attempt < 50 && referredBy < 0; attempt++) {
        const j = rng.int(earlier);
        if (customers[j].end >= signup) referredBy = j;
      }
    }
    const hazard = PLANTED.baseHazardPerDay *
      (plan === "monthly" ? PLANTED.monthlyHazardRatio : 1) *
      (referredBy >= 0 ? PLANTED.referredHazardRatio : 1);
    const lifetime = -Math.log(1 - rng.next()) / hazard;
    const churnDay = signup + 1 + Math.floor(lifetime);
    const churn = churnDay <= CUTOFF_DAY ? churnDay : -1;
    const reason = churn >= 0 ? rng.weighted(PLANTED.churnReasons[plan]) : "";
    customers.push({
      id: `C${pad(i + 1, 5)}`,
      signup,
      churn,
      end: churn >= 0 ? churn : CUTOFF_DAY,
      reason,
      plan,
      region,
      referredBy,
    });
  }
  return { customers, signedUpBy };
}

/** A random customer active on day `day` (signup ≤ day ≤ churn), or -1. */
function pickActive(rng: Rng, base: CustomerBase, day: number): number {
  const count = base.signedUpBy[day];
  if (count === 0) return -1;
  for (let attempt = 0; attempt < 200; attempt++) {
    const j = rng.int(count);
    if (base.customers[j].end >= day) return j;
  }
  return -1;
}

function customersCsv(base: CustomerBase): string {
  const rows = base.customers.map((c) => [
    c.id,
    ISO_DAY[c.signup],
    c.churn >= 0 ? ISO_DAY[c.churn] : "",
    c.reason,
    c.plan,
    c.region,
    c.referredBy >= 0 ? base.customers[c.referredBy].id : "",
  ]);
  return csvText(
    ["customer_id", "signup_date", "churn_date", "churn_reason", "plan", "region", "referred_by"],
    rows,
  );
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

function eventsCsv(seed: number, base: CustomerBase, links: TouchLinks): string {
  const rng = new Rng(seed, "events");
  const { login, order, support } = PLANTED.eventDailyProb;
  const floor = PLANTED.activityFloor;
  const decay: number[] = [];
  for (let t = 0; t < N_DAYS; t++) {
    decay.push(floor + (1 - floor) * Math.exp(-t / PLANTED.activityTauDays));
  }
  const parts: string[] = ["customer_id,date,type,revenue\n"];
  for (let d = 0; d < N_DAYS; d++) {
    const date = ISO_DAY[d];
    const december = ISO_DAY[d].slice(5, 7) === "12";
    const orderProb = order * (december ? PLANTED.decemberOrderFactor : 1);
    const count = base.signedUpBy[d];
    for (let i = 0; i < count; i++) {
      const c = base.customers[i];
      if (c.end < d) continue;
      const f = decay[d - c.signup];
      if (rng.next() < login * f) parts.push(`${c.id},${date},login,\n`);
      if (rng.next() < orderProb * f) {
        const value = rng.lognormal(PLANTED.orderMedianEur, PLANTED.orderSigma) *
          (c.plan === "annual" ? PLANTED.annualOrderFactor : 1);
        const cents = Math.max(99, Math.round(value * 100));
        parts.push(`${c.id},${date},order,${Math.floor(cents / 100)}.${pad(cents % 100)}\n`);
        if (links.firstOrder[i] < 0) links.firstOrder[i] = d;
      }
      if (rng.next() < support * f) parts.push(`${c.id},${date},support,\n`);
    }
  }
  return parts.join("");
}

// ---------------------------------------------------------------------------
// Survey answers
// ---------------------------------------------------------------------------

type Channel = keyof typeof PLANTED.responseChannelWeights;
export type Item = keyof typeof PLANTED.ratingMeans;
const ITEMS: readonly Item[] = ["wait_time", "friendliness", "competence", "price", "app"];

export type Lang = "de" | "en";
export type Phrases = Readonly<Record<Lang, readonly string[]>>;

export const NEGATIVE: Readonly<Record<Item, Phrases>> = {
  wait_time: {
    de: [
      "Wartezeit am Telefon war viel zu lang",
      "Über 40 Minuten in der Warteschleife, das geht gar nicht",
      'Niemand ruft zurück, obwohl "Rückruf in 24 Stunden" versprochen wurde',
      "Lange Wartezeit, ansonsten okay",
      "Ewig gewartet, bis jemand abgenommen hat",
    ],
    en: [
      "Waited on hold for ages",
      "Way too long to get through, I gave up twice",
      'The "average wait: 5 min" message is a joke',
      "Long wait, otherwise fine",
    ],
  },
  friendliness: {
    de: [
      "Mitarbeiter war unfreundlich und genervt",
      "Der Ton am Telefon war herablassend",
      "Unhöflich, keine Entschuldigung",
    ],
    en: ["Agent was rude", "Felt like a bother, not a customer", "Unfriendly, no apology"],
  },
  competence: {
    de: [
      "Drei Mal angerufen, drei verschiedene Antworten",
      "Problem ist immer noch nicht gelöst",
      "Der Mitarbeiter kannte sich nicht aus,\nmusste alles zweimal erklären",
      "Die sogenannte „Expressbearbeitung“ dauerte eine Woche",
    ],
    en: [
      "Nobody could answer my question",
      "Had to explain everything again, every time",
      "Issue still not fixed after 3 calls",
    ],
  },
  price: {
    de: [
      "Zu teuer für das, was geboten wird",
      "9,99 € im Monat ist zu viel",
      "Preiserhöhung ohne Vorwarnung – ärgerlich",
    ],
    en: ["Too expensive", "Price went up again, considering switching", "€12 a month for this?"],
  },
  app: {
    de: [
      "Die App stürzt ständig ab",
      "App lädt ewig, Login klappt nicht",
      "Seit dem Update funktioniert die App gar nicht mehr",
    ],
    en: [
      "App keeps crashing",
      "Can't log in to the app",
      'The app is slow, buggy, and the "improved" design is worse',
    ],
  },
};

export const OUTAGE: Phrases = {
  de: [
    "App war tagelang nicht erreichbar!",
    "Totalausfall der App, keine Info vom Support",
    "App-Ausfall mitten im Monat, sehr ärgerlich",
  ],
  en: ["App was down for days", "App outage, and no status page, really?", "The app was down"],
};

export const NEUTRAL: Phrases = {
  de: [
    "Ganz okay",
    "Im Großen und Ganzen zufrieden, aber es gibt Luft nach oben",
    "Passt schon",
    "-- nichts hinzuzufügen --",
  ],
  en: ["It's fine", "OK overall, nothing special", "Does the job", "Fine, I guess."],
};

export const POSITIVE: Phrases = {
  de: [
    "Super Service, schnelle Antwort",
    "Sehr freundliche Beratung, danke!",
    "+1 für den schnellen Rückruf",
    "=) Alles bestens",
    "Kompetent, freundlich, schnell – gerne wieder",
    "Top!\nWeiter so",
    "Die App ist übersichtlich und läuft stabil",
  ],
  en: [
    "Great support, quick answer",
    "Friendly and competent, thanks",
    "Love the app, works great",
    'Quick, easy, "no hassle" – exactly what I wanted',
    "Solved in one call. Thank you!",
  ],
};

interface Answer {
  nps: number;
  csat: number | null;
  ces: number | null;
  ratings: (number | null)[];
  comment: string;
}

function clampRound(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(x)));
}

/** Whether an answer falls in the months before the customer churns (scores drop then). */
function isPreChurn(c: Customer, day: number): boolean {
  return c.churn >= 0 && c.churn - day <= PLANTED.preChurnDays;
}

function drawAnswer(rng: Rng, day: number, channel: Channel, preChurn = false): Answer {
  const month = MONTH_OF[day];
  const outage = month === OUTAGE_MONTH;
  const z = rng.normal();
  const loading = PLANTED.ratingLoading;
  const own = Math.sqrt(1 - loading * loading);
  let npsCont = PLANTED.npsIntercept + PLANTED.npsTrendPerMonth * (month - (N_MONTHS - 1) / 2) +
    (outage ? PLANTED.outageDirectShift : 0) + (preChurn ? PLANTED.preChurnNpsShift : 0);
  const observed: number[] = [];
  for (const item of ITEMS) {
    let shift = 0;
    if (item === "wait_time") shift = PLANTED.waitShift[channel];
    if (item === "app" && outage) shift = PLANTED.outageAppShift;
    const mean = PLANTED.ratingMeans[item];
    const rating = clampRound(
      mean + shift + PLANTED.ratingSd * (loading * z + own * rng.normal()),
      1,
      10,
    );
    observed.push(rating);
    npsCont += PLANTED.ratingWeights[item] * (rating - mean);
  }
  npsCont += PLANTED.npsNoiseSd * rng.normal();
  const nps = clampRound(npsCont, NPS_SCALE.min, NPS_SCALE.max);
  const centred = npsCont - PLANTED.npsIntercept;
  const csat = clampRound(3.9 + 0.5 * centred + 0.55 * rng.normal(), 1, CSAT_DEFAULTS.scale);
  const ces = clampRound(
    3 - 0.45 * centred + (channel === "phone" ? 0.5 : 0) + 0.8 * rng.normal(),
    1,
    CES_DEFAULTS.scale,
  );

  // Comments: detractors write more often; complaints are about the lowest rating.
  let comment = "";
  const category = npsCategory(nps);
  const commentProb = { Detractor: 0.42, Passive: 0.22, Promoter: 0.3 }[category];
  if (rng.chance(commentProb)) {
    const lang: Lang = rng.chance(0.55) ? "de" : "en";
    if (category === "Promoter") comment = rng.pick(POSITIVE[lang]);
    else if (outage && rng.chance(PLANTED.outageCommentShare)) comment = rng.pick(OUTAGE[lang]);
    else if (category === "Passive" && rng.chance(0.6)) comment = rng.pick(NEUTRAL[lang]);
    else {
      let worst = 0;
      let ties = 1;
      for (let k = 1; k < ITEMS.length; k++) {
        if (observed[k] < observed[worst]) {
          worst = k;
          ties = 1;
        } else if (observed[k] === observed[worst] && rng.chance(1 / ++ties)) {
          worst = k;
        }
      }
      comment = rng.pick(NEGATIVE[ITEMS[worst]][lang]);
    }
  }

  const ratings = observed.map((r) => rng.chance(PLANTED.missing.rating) ? null : r);
  return {
    nps,
    csat: rng.chance(PLANTED.missing.csat) ? null : csat,
    ces: rng.chance(PLANTED.missing.ces) ? null : ces,
    ratings,
    comment,
  };
}

function str(x: number | null): string {
  return x === null ? "" : String(x);
}

function responsesCsv(seed: number, base: CustomerBase, links: TouchLinks, size: number): string {
  const rng = new Rng(seed, "responses");
  const rows: string[][] = [];
  for (let m = 0; m < N_MONTHS; m++) {
    const first = MONTH_START[m];
    const len = MONTH_START[m + 1] - first;
    const n = Math.round(size * (PLANTED.responsesPerMonth + 25 * rng.normal()));
    const month: { day: number; row: string[] }[] = [];
    while (month.length < n) {
      const day = first + rng.int(len);
      const j = pickActive(rng, base, day);
      if (j < 0) continue;
      const c = base.customers[j];
      const channel = rng.weighted(PLANTED.responseChannelWeights);
      const a = drawAnswer(rng, day, channel, isPreChurn(c, day));
      links.answers[j]++;
      if (npsCategory(a.nps) === "Detractor") links.detractors[j]++;
      month.push({
        day,
        row: [
          "",
          c.id,
          ISO_DAY[day],
          String(a.nps),
          str(a.csat),
          str(a.ces),
          a.comment,
          channel,
          c.region,
          c.plan,
          ...a.ratings.map(str),
        ],
      });
    }
    month.sort((x, y) => x.day - y.day);
    for (const r of month) {
      r.row[0] = `R${pad(rows.length + 1, 6)}`;
      rows.push(r.row);
    }
  }
  return csvText(
    [
      "response_id",
      "customer_id",
      "date",
      "nps_score",
      "csat",
      "ces",
      "comment",
      "channel",
      "region",
      "plan",
      ...ITEMS.map((i) => `rating_${i}`),
    ],
    rows,
  );
}

/** German number: thousands dot, decimal comma, two decimals. */
function germanDecimal(cents: number): string {
  const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+$)/g, ".");
  return `${whole},${pad(cents % 100)}`;
}

/** The German response-export header (Windows-1252, `;`-delimited). */
const DE_HEADER = [
  "Antwort-ID",
  "Kunden-ID",
  "Datum der Rückmeldung",
  "Empfehlung",
  "Zufriedenheit",
  "Aufwand",
  "Kommentar",
  "Kanal",
  "Region",
  "Gewichtung",
  "Umsatz (€)",
] as const;

function responsesDeCsv(seed: number, base: CustomerBase, size: number): string {
  const rng = new Rng(seed, "responses_de");
  const drawn: { day: number; row: string[] }[] = [];
  while (drawn.length < Math.round(size * PLANTED.responsesDe)) {
    const day = rng.int(N_DAYS);
    const j = pickActive(rng, base, day);
    if (j < 0) continue;
    const c = base.customers[j];
    const channel = rng.weighted(PLANTED.responseChannelWeights);
    const a = drawAnswer(rng, day, channel, isPreChurn(c, day));
    const weight = Math.round(PLANTED.regionWeightDe[c.region] * (90 + 20 * rng.next()));
    const revenue = rng.chance(PLANTED.missing.revenueDe)
      ? ""
      : germanDecimal(Math.max(99, Math.round(rng.lognormal(150, 1.1) * 100)));
    drawn.push({
      day,
      row: [
        "",
        c.id,
        DE_DAY[day],
        rng.chance(PLANTED.missing.npsDe) ? "" : String(a.nps),
        str(a.csat),
        str(a.ces),
        a.comment,
        channel,
        c.region,
        germanDecimal(weight),
        revenue,
      ],
    });
  }
  drawn.sort((x, y) => x.day - y.day);
  drawn.forEach((r, i) => r.row[0] = `DE-${pad(i + 1, 5)}`);
  const rows = drawn.map((r) => r.row);
  // Export glitches a loader must reject (see data/README.md): each is a copy of the row
  // before it with one impossible value, inserted from the back so positions stay put.
  // A smaller sample keeps them at the same share of the way through the file.
  for (const [k, glitch] of [...PLANTED.germanGlitches.entries()].reverse()) {
    const after = Math.max(1, Math.round(size * glitch.after));
    const row = [...rows[after - 1]];
    row[0] = `DE-F${pad(k + 1, 4)}`;
    row[DE_HEADER.indexOf(glitch.column)] = glitch.value;
    rows.splice(after, 0, row);
  }
  return csvText(DE_HEADER, rows, ";", "\r\n");
}

// ---------------------------------------------------------------------------
// Tickets
// ---------------------------------------------------------------------------

function ticketsCsv(seed: number, base: CustomerBase, size: number): string {
  const rng = new Rng(seed, "tickets");
  const monthWeights: Record<string, number> = {};
  for (let m = 0; m < N_MONTHS; m++) {
    const len = MONTH_START[m + 1] - MONTH_START[m];
    monthWeights[String(m)] = len * (m === OUTAGE_MONTH ? PLANTED.outageTicketFactor : 1);
  }
  const tickets: { created: number; row: string[] }[] = [];
  while (tickets.length < Math.round(size * PLANTED.tickets)) {
    const m = Number(rng.weighted(monthWeights));
    const day = MONTH_START[m] + rng.int(MONTH_START[m + 1] - MONTH_START[m]);
    const j = pickActive(rng, base, day);
    if (j < 0) continue;
    const c = base.customers[j];
    const channel = rng.weighted(PLANTED.ticketChannelWeights);
    const agentNo = 1 + rng.int(20);
    const agent = `A${pad(agentNo)}`;
    const priority = rng.weighted(PLANTED.priorityWeights);
    const speed = PLANTED.priorityFactor[priority];
    // Local Berlin business hours 07:00–21:00, no DST transition inside that window.
    const localSeconds = 7 * 3600 + rng.int(14 * 3600);
    const noon = START_MS + day * DAY_MS + 12 * 3_600_000;
    const created = START_MS + day * DAY_MS + localSeconds * 1000 -
      berlinOffsetMinutes(noon) * 60_000;
    let firstResponse = -1;
    let resolved = -1;
    let contacts: number;
    if (rng.chance(PLANTED.unansweredShare)) {
      contacts = 1 + rng.geometric(0.6);
    } else {
      const fr = PLANTED.firstResponse[channel];
      firstResponse = created +
        1000 * Math.max(1, Math.round(rng.lognormal(fr.median, fr.sigma) * speed));
      const unresolved = rng.chance(PLANTED.unresolvedShare);
      const fcr = rng.chance(PLANTED.fcr[channel]);
      contacts = fcr ? 1 : 2 + Math.min(7, rng.geometric(0.5));
      const rs = PLANTED.resolution[channel];
      const duration = rng.lognormal(rs.median, rs.sigma) * speed *
        (fcr ? 1 : PLANTED.repeatContactFactor) *
        (agent === PLANTED.slowAgent ? PLANTED.slowAgentFactor : 1);
      if (!unresolved) resolved = firstResponse + 1000 * Math.max(1, Math.round(duration));
      if (unresolved) contacts = 1 + rng.geometric(0.6);
    }
    // Censoring at the extract instant.
    if (firstResponse > CUTOFF_MS) firstResponse = -1;
    if (firstResponse < 0 || resolved > CUTOFF_MS) resolved = -1;
    const berlin = rng.chance(PLANTED.berlinShare);
    tickets.push({
      created,
      row: [
        "",
        c.id,
        formatTimestamp(created, berlin),
        firstResponse >= 0 ? formatTimestamp(firstResponse, berlin) : "",
        resolved >= 0 ? formatTimestamp(resolved, berlin) : "",
        String(contacts),
        channel,
        agent,
        priority,
      ],
    });
  }
  tickets.sort((a, b) => a.created - b.created);
  tickets.forEach((t, i) => t.row[0] = `T${pad(i + 1, 6)}`);
  return csvText(
    [
      "ticket_id",
      "customer_id",
      "created_at",
      "first_response_at",
      "resolved_at",
      "contacts",
      "channel",
      "agent",
      "priority",
    ],
    tickets.map((t) => t.row),
  );
}

// ---------------------------------------------------------------------------
// Loader description
// ---------------------------------------------------------------------------

function cxkitJson(): string {
  const config = {
    csatScale: 5,
    cesScale: 7,
    files: {
      "responses.csv": { schema: "responses" },
      "responses_de.csv": {
        schema: "responses",
        mapping: {
          response_id: DE_HEADER[0],
          customer_id: DE_HEADER[1],
          date: DE_HEADER[2],
          nps_score: DE_HEADER[3],
          csat: DE_HEADER[4],
          ces: DE_HEADER[5],
          comment: DE_HEADER[6],
          channel: DE_HEADER[7],
          region: DE_HEADER[8],
          weight: DE_HEADER[9],
          revenue: DE_HEADER[10],
        },
      },
      "tickets.csv": { schema: "tickets" },
      "customers.csv": { schema: "customers" },
      "events.csv": { schema: "events" },
    },
  };
  return JSON.stringify(config, null, 2) + "\n";
}

// ---------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------

/** Options of {@link generateSample}. */
export interface GenerateOptions {
  /** Non-negative safe integer; 42 makes the committed `data/sample/`. */
  seed?: number;
  /**
   * Share of the committed sample's size, 0 < size ≤ 1 (default 1): customers, answers and
   * tickets are that share of theirs (events and touchpoints follow the customers); the planted
   * effects stay, their noise grows.
   */
  size?: number;
}

/**
 * Generates the whole sample in memory: file name → file bytes
 * (`customers.csv`, `events.csv`, `responses.csv`, `tickets.csv`,
 * `responses_de.csv`, `cxkit.json`, `touchpoints.csv`). The same seed always
 * gives byte-identical output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateSample } from "./generate.ts";
 * const files = generateSample({ seed: 7 });
 * const customers = new TextDecoder().decode(files["customers.csv"]);
 * assert.ok(customers.startsWith("customer_id,signup_date,churn_date,"));
 * const again = generateSample({ seed: 7 });
 * assert.ok(again["events.csv"].length === files["events.csv"].length);
 * const half = generateSample({ seed: 7, size: 0.5 });
 * const lines = (f: Record<string, Uint8Array>) => new TextDecoder().decode(f["customers.csv"]).split("\n").length;
 * assert.equal(lines(half) - 2, (lines(files) - 2) / 2); // header and last line break aside
 * ```
 */
export function generateSample(options: GenerateOptions = {}): Record<string, Uint8Array> {
  const seed = options.seed ?? PLANTED.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new CxOptionsError(
      `Option "seed" must be a non-negative integer, got ${JSON.stringify(seed)}`,
    );
  }
  const size = options.size ?? 1;
  if (typeof size !== "number" || !(size > 0 && size <= 1)) {
    throw new CxOptionsError(
      `Option "size" must be a share 0 < size ≤ 1, got ${JSON.stringify(size)}`,
    );
  }
  const base = generateCustomers(seed, size);
  const utf8 = new TextEncoder();
  const n = base.customers.length;
  // What the touchpoints are drawn from, filled while writing events.csv and responses.csv.
  const links: TouchLinks = {
    firstOrder: new Int32Array(n).fill(-1),
    answers: new Int32Array(n),
    detractors: new Int32Array(n),
  };
  return {
    "customers.csv": utf8.encode(customersCsv(base)),
    "events.csv": utf8.encode(eventsCsv(seed, base, links)),
    "responses.csv": utf8.encode(responsesCsv(seed, base, links, size)),
    "tickets.csv": utf8.encode(ticketsCsv(seed, base, size)),
    "responses_de.csv": encodeCp1252(responsesDeCsv(seed, base, size)),
    "cxkit.json": utf8.encode(cxkitJson()),
    "touchpoints.csv": utf8.encode(
      touchpointsCsv(new Rng(seed, "touchpoints"), base.customers, links, {
        startMs: START_MS,
        days: N_DAYS,
      }),
    ),
  };
}

/**
 * Command-line entry: `deno run -A data/generate.ts [--seed 42] [--out dir]`.
 * Writes every file of {@link generateSample} into `--out` (default: the
 * `data/sample/` directory next to this script) and prints one line per file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./generate.ts";
 * const dir = await Deno.makeTempDir();
 * await main(["--seed", "3", "--out", dir]);
 * assert.ok((await Deno.stat(`${dir}/tickets.csv`)).size > 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: "string", default: String(PLANTED.seed) },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log("Usage: deno run -A data/generate.ts [--seed 42] [--out data/sample]");
    return;
  }
  if (!/^\d+$/.test(values.seed)) {
    throw new CxOptionsError(
      `Option "--seed" must be a non-negative integer, got ${JSON.stringify(values.seed)}`,
    );
  }
  const seed = Number(values.seed);
  const outDir = values.out ?? fileURLToPath(new URL("./sample", import.meta.url));
  await Deno.mkdir(outDir, { recursive: true });
  const files = generateSample({ seed });
  for (const [name, bytes] of Object.entries(files)) {
    const target = join(outDir, name);
    await Deno.writeFile(target, bytes);
    console.log(`${target}  ${bytes.length} bytes`);
  }
}

if (import.meta.main) {
  await main(Deno.args);
}
