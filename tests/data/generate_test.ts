/**
 * Tests of the synthetic-data generator: determinism, the committed sample,
 * file formats, and that every planted effect documented in data/README.md is
 * really in the data. Deliberately independent of the rest of cxkit: the CSV
 * parser and the statistics are plain loops written here.
 */
import assert from "node:assert/strict";
import { encodeCp1252, generateSample, PLANTED } from "../../data/generate.ts";

type Row = Record<string, string>;

/** RFC 4180 parser: quoted fields may hold the delimiter, `""` and newlines. */
function parseCsv(text: string, delimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      if (ch === "\r") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  assert.equal(quoted, false, "unterminated quoted field");
  assert.equal(field, "", "file must end with a line end");
  assert.equal(row.length, 0, "file must end with a line end");
  return rows;
}

function records(text: string, delimiter = ","): { header: string[]; rows: Row[] } {
  const [header, ...body] = parseCsv(text, delimiter);
  const rows = body.map((r, i) => {
    assert.equal(r.length, header.length, `row ${i + 2} has ${r.length} fields`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]]));
  });
  return { header, rows };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

let cached: Record<string, Uint8Array> | undefined;
function sample(): Record<string, Uint8Array> {
  return cached ??= generateSample({ seed: 42 });
}
const tables = new Map<string, { header: string[]; rows: Row[] }>();
function table(name: string): { header: string[]; rows: Row[] } {
  let t = tables.get(name);
  if (!t) {
    t = name === "responses_de.csv"
      ? records(new TextDecoder("windows-1252").decode(sample()[name]), ";")
      : records(utf8.decode(sample()[name]));
    tables.set(name, t);
  }
  return t;
}

const DAY = 86_400_000;
function dayNo(iso: string): number {
  return (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(2024, 0, 1)) / DAY;
}

function nps(scores: number[]): number {
  let promoters = 0;
  let detractors = 0;
  for (const s of scores) {
    if (s >= 9) promoters++;
    else if (s <= 6) detractors++;
  }
  return (100 * (promoters - detractors)) / scores.length;
}

function correlation(x: number[], y: number[]): number {
  const n = x.length;
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    syy += y[i] * y[i];
    sxy += x[i] * y[i];
  }
  return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const FILES = [
  "customers.csv",
  "events.csv",
  "responses.csv",
  "tickets.csv",
  "responses_de.csv",
  "cxkit.json",
  "touchpoints.csv",
];
const CSVS = FILES.filter((f) => f.endsWith(".csv"));

Deno.test("same seed gives byte-identical files, another seed different ones", () => {
  const again = generateSample({ seed: 42 });
  assert.deepEqual(Object.keys(again), FILES);
  for (const name of FILES) assert.ok(equalBytes(sample()[name], again[name]), name);
  const other = generateSample({ seed: 43 });
  for (const name of CSVS) assert.ok(!equalBytes(sample()[name], other[name]), name);
  assert.throws(() => generateSample({ seed: -1 }), /seed/);
  assert.throws(() => generateSample({ seed: 1.5 }), /seed/);
});

Deno.test("committed data/sample equals generateSample({ seed: 42 })", async () => {
  const dir = new URL("../../data/sample/", import.meta.url);
  const committed = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(committed, [...FILES].sort());
  let total = 0;
  for (const name of FILES) {
    const bytes = await Deno.readFile(new URL(name, dir));
    total += bytes.length;
    assert.ok(
      equalBytes(bytes, sample()[name]),
      `data/sample/${name} differs: regenerate with \`deno task generate\`, never edit by hand`,
    );
  }
  assert.ok(total < 8_000_000, `sample is ${total} bytes`);
});

Deno.test("UTF-8 files: no BOM, \\n line ends, headers, row counts", () => {
  for (const name of ["customers.csv", "events.csv", "responses.csv", "tickets.csv"]) {
    const bytes = sample()[name];
    assert.notDeepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], name);
    assert.ok(!bytes.includes(0x0d), `${name} contains \\r`);
  }
  assert.deepEqual(table("customers.csv").header, [
    "customer_id",
    "signup_date",
    "churn_date",
    "churn_reason",
    "plan",
    "region",
    "referred_by",
  ]);
  assert.deepEqual(table("events.csv").header, ["customer_id", "date", "type", "revenue"]);
  assert.deepEqual(table("tickets.csv").header, [
    "ticket_id",
    "customer_id",
    "created_at",
    "first_response_at",
    "resolved_at",
    "contacts",
    "channel",
    "agent",
    "priority",
  ]);
  assert.deepEqual(table("responses.csv").header, [
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
    "rating_wait_time",
    "rating_friendliness",
    "rating_competence",
    "rating_price",
    "rating_app",
  ]);
  assert.equal(table("customers.csv").rows.length, 5000);
  const events = table("events.csv").rows.length;
  assert.ok(events > 90_000 && events < 110_000, `${events} events`);
  const responses = table("responses.csv").rows.length;
  assert.ok(responses > 18_000 && responses < 21_000, `${responses} responses`);
  assert.equal(table("tickets.csv").rows.length, 10_000);
  assert.equal(table("responses_de.csv").rows.length, 2000 + PLANTED.germanGlitches.length);
});

Deno.test("customers: dates, reasons, referrals, churn hazard ratios", () => {
  const { rows } = table("customers.csv");
  const byId = new Map(rows.map((r) => [r.customer_id, r]));
  let referred = 0;
  const exposure: Record<string, { events: number; years: number }> = {};
  for (const [i, c] of rows.entries()) {
    assert.equal(c.customer_id, `C${String(i + 1).padStart(5, "0")}`);
    assert.match(c.signup_date, /^202[45]-\d\d-\d\d$/);
    assert.ok(["monthly", "annual"].includes(c.plan));
    assert.ok(["north", "south", "east", "west"].includes(c.region));
    if (c.churn_date) {
      assert.ok(c.churn_date >= c.signup_date && c.churn_date <= "2025-12-31", c.customer_id);
      assert.ok(["voluntary", "payment_failure", "moved_to_competitor"].includes(c.churn_reason));
    } else assert.equal(c.churn_reason, "");
    if (c.referred_by) {
      referred++;
      const ref = byId.get(c.referred_by);
      assert.ok(ref && ref.signup_date < c.signup_date, `${c.customer_id} referrer`);
      assert.ok(!ref.churn_date || ref.churn_date >= c.signup_date, "referrer active");
    }
    const end = c.churn_date ? dayNo(c.churn_date) : dayNo("2025-12-31");
    for (const group of [c.plan, c.referred_by ? "referred" : "direct"]) {
      const e = exposure[group] ??= { events: 0, years: 0 };
      e.years += (end - dayNo(c.signup_date)) / 365.25;
      if (c.churn_date) e.events++;
    }
  }
  assert.ok(referred > 0.17 * rows.length && referred < 0.23 * rows.length, `${referred}`);
  const rate = (g: string) => exposure[g].events / exposure[g].years;
  const planRatio = rate("monthly") / rate("annual");
  const referralRatio = rate("referred") / rate("direct");
  assert.ok(planRatio > 1.6 && planRatio < 2.6, `monthly/annual churn rate ratio ${planRatio}`);
  assert.ok(referralRatio > 0.45 && referralRatio < 0.8, `referred/direct ${referralRatio}`);
});

Deno.test("events: inside the active window, revenue only on orders, activity decays", () => {
  const customers = new Map(table("customers.csv").rows.map((c) => [c.customer_id, c]));
  const early = { events: 0, days: 0 };
  const late = { events: 0, days: 0 };
  let orders = 0;
  for (const e of table("events.csv").rows) {
    const c = customers.get(e.customer_id)!;
    assert.ok(e.date >= c.signup_date && e.date <= (c.churn_date || "2025-12-31"), e.customer_id);
    assert.ok(["order", "login", "support"].includes(e.type));
    if (e.type === "order") {
      orders++;
      assert.match(e.revenue, /^\d+\.\d\d$/);
    } else assert.equal(e.revenue, "");
    const tenure = dayNo(e.date) - dayNo(c.signup_date);
    if (tenure < 90) early.events++;
    else if (tenure >= 365) late.events++;
  }
  assert.ok(orders > 20_000, `${orders} orders`);
  for (const c of customers.values()) {
    const span = (c.churn_date ? dayNo(c.churn_date) : dayNo("2025-12-31")) -
      dayNo(c.signup_date) + 1;
    early.days += Math.min(span, 90);
    late.days += Math.max(0, span - 365);
  }
  const ratio = (late.events / late.days) / (early.events / early.days);
  assert.ok(ratio > 0.45 && ratio < 0.8, `late/early activity ${ratio}`);
});

Deno.test("responses: values, ~800 per month, active customers, comments", () => {
  const customers = new Map(table("customers.csv").rows.map((c) => [c.customer_id, c]));
  const perMonth = new Map<string, number>();
  let comments = 0;
  let tricky = 0;
  let newlines = 0;
  for (const [i, r] of table("responses.csv").rows.entries()) {
    assert.equal(r.response_id, `R${String(i + 1).padStart(6, "0")}`);
    const c = customers.get(r.customer_id)!;
    assert.ok(r.date >= c.signup_date && r.date <= (c.churn_date || "2025-12-31"), r.response_id);
    assert.equal(r.region, c.region);
    assert.equal(r.plan, c.plan);
    assert.match(r.nps_score, /^(10|\d)$/);
    assert.match(r.csat, /^[1-5]?$/);
    assert.match(r.ces, /^[1-7]?$/);
    for (const k of ["wait_time", "friendliness", "competence", "price", "app"]) {
      assert.match(r[`rating_${k}`], /^([1-9]|10)?$/);
    }
    assert.ok(["chat", "email", "phone", "web"].includes(r.channel));
    perMonth.set(r.date.slice(0, 7), (perMonth.get(r.date.slice(0, 7)) ?? 0) + 1);
    if (r.comment) {
      comments++;
      if (/[,"]/.test(r.comment)) tricky++;
      if (r.comment.includes("\n")) newlines++;
    }
  }
  assert.equal(perMonth.size, 24);
  for (const [month, n] of perMonth) assert.ok(n > 700 && n < 900, `${month}: ${n}`);
  const share = comments / table("responses.csv").rows.length;
  assert.ok(share > 0.25 && share < 0.35, `comment share ${share}`);
  assert.ok(tricky > 100 && newlines > 10, `${tricky} with comma/quote, ${newlines} newlines`);
});

Deno.test("planted: phone NPS ≈ 12 below chat", () => {
  const byChannel: Record<string, number[]> = {};
  for (const r of table("responses.csv").rows) (byChannel[r.channel] ??= []).push(+r.nps_score);
  const gap = nps(byChannel.chat) - nps(byChannel.phone);
  assert.ok(Math.abs(gap - 12) <= 4, `chat − phone NPS gap ${gap}`);
});

Deno.test("planted: 2025-03 NPS drop with app complaints", () => {
  const byMonth: Record<string, number[]> = {};
  const app: Record<string, { app: number; all: number }> = {};
  for (const r of table("responses.csv").rows) {
    const m = r.date.slice(0, 7);
    (byMonth[m] ??= []).push(+r.nps_score);
    if (r.comment) {
      const a = app[m] ??= { app: 0, all: 0 };
      a.all++;
      if (/\bapp\b/i.test(r.comment)) a.app++;
    }
  }
  const month = PLANTED.outageMonth;
  const drop = (nps(byMonth["2025-02"]) + nps(byMonth["2025-04"])) / 2 - nps(byMonth[month]);
  assert.ok(drop >= 8, `NPS drop in ${month}: ${drop}`);
  const share = (m: string) => app[m].app / app[m].all;
  assert.ok(share(month) > 2 * Math.max(share("2025-02"), share("2025-04")), "app complaints");
});

Deno.test("planted: wait-time rating is the strongest NPS driver", () => {
  const rows = table("responses.csv").rows;
  const corr: Record<string, number> = {};
  for (const k of ["wait_time", "friendliness", "competence", "price", "app"]) {
    const x: number[] = [];
    const y: number[] = [];
    for (const r of rows) {
      if (r[`rating_${k}`] === "") continue;
      x.push(+r[`rating_${k}`]);
      y.push(+r.nps_score);
    }
    corr[k] = correlation(x, y);
  }
  for (const [k, v] of Object.entries(corr)) {
    if (k !== "wait_time") {
      assert.ok(corr.wait_time > v + 0.1, `wait_time ${corr.wait_time} vs ${k} ${v}`);
    }
  }
  // csat rises and ces (effort) falls with the recommendation score.
  const pairs = rows.filter((r) => r.csat && r.ces);
  assert.ok(correlation(pairs.map((r) => +r.nps_score), pairs.map((r) => +r.csat)) > 0.5);
  assert.ok(correlation(pairs.map((r) => +r.nps_score), pairs.map((r) => +r.ces)) < -0.4);
});

/** Europe/Berlin offset of an instant from the tz database (ICU), not from the generator's rule. */
const berlinFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: "Europe/Berlin",
  timeZoneName: "longOffset",
});
function berlinOffset(utcMs: number): string {
  const name = berlinFormat.formatToParts(utcMs).find((p) => p.type === "timeZoneName")!.value;
  return name.replace("GMT", "");
}

Deno.test("tickets: ordering, zones, response times, FCR", () => {
  const customers = new Map(table("customers.csv").rows.map((c) => [c.customer_id, c]));
  const zones = new Set<string>();
  const frt: Record<string, number[]> = {};
  const fcr: Record<string, { first: number; resolved: number }> = {};
  let unanswered = 0;
  let unresolved = 0;
  let previous = -Infinity;
  const rows = table("tickets.csv").rows;
  for (const [i, t] of rows.entries()) {
    assert.equal(t.ticket_id, `T${String(i + 1).padStart(6, "0")}`);
    const stamps = [t.created_at, t.first_response_at, t.resolved_at].filter((s) => s !== "");
    for (const s of stamps) {
      const m = s.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
      assert.ok(m, s);
      zones.add(m[1]);
      if (m[1] !== "Z") assert.equal(m[1], berlinOffset(Date.parse(s)), s);
    }
    const created = Date.parse(t.created_at);
    assert.ok(created >= previous, "sorted by created_at");
    previous = created;
    const c = customers.get(t.customer_id)!;
    assert.ok(created >= Date.parse(`${c.signup_date}T00:00:00+02:00`), t.ticket_id);
    assert.ok(["chat", "email", "phone"].includes(t.channel));
    assert.match(t.agent, /^A(0[1-9]|1\d|20)$/);
    assert.ok(["low", "normal", "high"].includes(t.priority));
    assert.ok(Number.isInteger(+t.contacts) && +t.contacts >= 1);
    if (t.first_response_at) {
      const first = Date.parse(t.first_response_at);
      assert.ok(created <= first, t.ticket_id);
      (frt[t.channel] ??= []).push((first - created) / 60_000);
      if (t.resolved_at) assert.ok(first <= Date.parse(t.resolved_at), t.ticket_id);
    } else unanswered++;
    if (t.resolved_at) {
      const f = fcr[t.channel] ??= { first: 0, resolved: 0 };
      f.resolved++;
      if (t.contacts === "1") f.first++;
    } else unresolved++;
  }
  assert.deepEqual([...zones].sort(), ["+01:00", "+02:00", "Z"]);
  assert.ok(unanswered > 0.03 * rows.length && unanswered < 0.07 * rows.length, `${unanswered}`);
  assert.ok(unresolved > 0.06 * rows.length && unresolved < 0.1 * rows.length, `${unresolved}`);
  assert.ok(median(frt.chat) * 20 < median(frt.email), "chat FRT ≪ email FRT");
  const rate = (ch: string) => fcr[ch].first / fcr[ch].resolved;
  const all = Object.values(fcr).reduce((a, f) => [a[0] + f.first, a[1] + f.resolved], [0, 0]);
  assert.ok(all[0] / all[1] > 0.65 && all[0] / all[1] < 0.75, `FCR ${all[0] / all[1]}`);
  assert.ok(rate("phone") < rate("chat") - 0.08 && rate("phone") < rate("email") - 0.08);
});

Deno.test("responses_de.csv: Windows-1252, ;, CRLF, German numbers and dates", () => {
  const bytes = sample()["responses_de.csv"];
  for (let i = 0; i < bytes.length; i++) {
    // A UTF-8 lead byte followed by a continuation byte would mean UTF-8 leaked in.
    if (bytes[i] >= 0xc2 && bytes[i] <= 0xf4) {
      assert.ok(!(bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0xbf), `UTF-8 sequence at ${i}`);
    }
  }
  for (const b of [0xe4, 0xf6, 0xfc, 0xdf, 0x80]) assert.ok(bytes.includes(b), b.toString(16));
  assert.throws(() => utf8.decode(bytes));
  const text = new TextDecoder("windows-1252").decode(bytes);
  assert.ok(text.startsWith("Antwort-ID;Kunden-ID;Datum der Rückmeldung;"));
  assert.ok(text.endsWith("\r\n"));
  const { header, rows } = table("responses_de.csv");
  assert.equal(header.at(-1), "Umsatz (€)");
  // Every record ends with CRLF (embedded newlines in comments are bare \n).
  const crlf = text.split("\r\n").length - 1;
  assert.equal(crlf, rows.length + 1);
  let thousands = 0;
  let quotedSemicolonOrQuote = 0;
  // The planted export glitches sit right after their stated rows, each with its bad value.
  const glitches = rows.filter((r) => r["Antwort-ID"].startsWith("DE-F"));
  assert.deepEqual(
    glitches.map((r) => r[PLANTED.germanGlitches[Number(r["Antwort-ID"].slice(4)) - 1].column]),
    PLANTED.germanGlitches.map((g) => g.value),
  );
  PLANTED.germanGlitches.forEach((g, k) =>
    assert.equal(rows[g.after + k]["Antwort-ID"], `DE-F${String(k + 1).padStart(4, "0")}`)
  );
  const clean = rows.filter((r) => !r["Antwort-ID"].startsWith("DE-F"));
  for (const [i, r] of clean.entries()) {
    assert.equal(r["Antwort-ID"], `DE-${String(i + 1).padStart(5, "0")}`);
    assert.match(r["Datum der Rückmeldung"], /^(0[1-9]|[12]\d|3[01])\.(0[1-9]|1[0-2])\.202[45]$/);
    assert.match(r.Empfehlung, /^(10|\d)?$/);
    assert.match(r.Gewichtung, /^[01],\d\d$/);
    assert.match(r["Umsatz (€)"], /^(\d{1,3}(\.\d{3})*,\d\d)?$/);
    if (r["Umsatz (€)"].includes(".")) thousands++;
    if (/[;"]/.test(r.Kommentar)) quotedSemicolonOrQuote++;
  }
  assert.ok(thousands > 20, `${thousands} values with a thousands dot`);
  assert.ok(quotedSemicolonOrQuote > 5);
  const scores = clean.filter((r) => r.Empfehlung !== "").map((r) => +r.Empfehlung);
  const overall = nps(scores);
  assert.ok(overall > 10 && overall < 40, `German NPS ${overall}`);
  // Survey weights (`Gewichtung`, decimal comma) barely move it: the claim data/README.md makes.
  let sum = 0, net = 0;
  for (const r of clean.filter((r) => r.Empfehlung !== "")) {
    const w = Number(r.Gewichtung.replace(",", ".")), s = +r.Empfehlung;
    sum += w;
    net += s >= 9 ? w : s <= 6 ? -w : 0;
  }
  const weighted = (100 * net) / sum;
  const claim = `${weighted.toFixed(1)} weighted vs ${overall.toFixed(1)} unweighted`;
  const readme = Deno.readTextFileSync(new URL("../../data/README.md", import.meta.url));
  assert.ok(readme.includes(`| ${claim} `), `data/README.md should say "${claim}"`);
});

Deno.test("encodeCp1252 maps the 0x80–0x9F block and throws on the rest", () => {
  assert.deepEqual([...encodeCp1252("€‚„…–—‘’“”")], [
    0x80,
    0x82,
    0x84,
    0x85,
    0x96,
    0x97,
    0x91,
    0x92,
    0x93,
    0x94,
  ]);
  assert.deepEqual([...encodeCp1252("aÄÿ")], [0x61, 0xc4, 0xff]);
  assert.throws(() => encodeCp1252("\u0081"), /U\+0081/);
  assert.throws(() => encodeCp1252("ok 😀"), /U\+1F600.*position 3/);
  assert.throws(() => encodeCp1252("Ł"), RangeError);
});

Deno.test("cxkit.json describes every sample file", () => {
  const bytes = sample()["cxkit.json"];
  const text = utf8.decode(bytes);
  assert.ok(text.endsWith("}\n"));
  const config = JSON.parse(text);
  assert.equal(config.csatScale, 5);
  assert.equal(config.cesScale, 7);
  // touchpoints.csv is read by its name (added later; cxkit.json stays as it was).
  assert.deepEqual(
    Object.keys(config.files).sort(),
    CSVS.filter((f) => f !== "touchpoints.csv").toSorted(),
  );
  const de = config.files["responses_de.csv"];
  assert.equal(de.schema, "responses");
  const { header } = table("responses_de.csv");
  for (const column of Object.values(de.mapping)) assert.ok(header.includes(column as string));
  assert.equal(de.mapping.date, "Datum der Rückmeldung");
  assert.equal(JSON.stringify(config, null, 2) + "\n", text);
});

Deno.test("planted: December orders, annual order value, slow agent, outage tickets, nulls", () => {
  const customers = new Map(table("customers.csv").rows.map((c) => [c.customer_id, c]));
  const orders: Record<string, number> = {};
  const values: Record<string, number[]> = { monthly: [], annual: [] };
  for (const e of table("events.csv").rows) {
    if (e.type !== "order") continue;
    orders[e.date.slice(0, 7)] = (orders[e.date.slice(0, 7)] ?? 0) + 1;
    values[customers.get(e.customer_id)!.plan].push(+e.revenue);
  }
  const december = orders["2024-12"] / ((orders["2024-11"] + orders["2025-01"]) / 2);
  assert.ok(december > 1.3 && december < 1.8, `December order lift ${december}`);
  const annualLift = median(values.annual) / median(values.monthly);
  assert.ok(annualLift > 1.15 && annualLift < 1.45, `annual order value lift ${annualLift}`);

  const resolution: Record<string, { slow: number[]; other: number[] }> = {};
  const tickets: Record<string, number> = {};
  for (const t of table("tickets.csv").rows) {
    const month = new Date(Date.parse(t.created_at)).toISOString().slice(0, 7);
    tickets[month] = (tickets[month] ?? 0) + 1;
    if (!t.resolved_at) continue;
    const minutes = (Date.parse(t.resolved_at) - Date.parse(t.first_response_at)) / 60_000;
    const r = resolution[t.channel] ??= { slow: [], other: [] };
    (t.agent === PLANTED.slowAgent ? r.slow : r.other).push(minutes);
  }
  let logRatio = 0;
  for (const r of Object.values(resolution)) logRatio += Math.log(median(r.slow) / median(r.other));
  const slow = Math.exp(logRatio / 3);
  assert.ok(slow > 1.6 && slow < 2.6, `${PLANTED.slowAgent} resolution-time ratio ${slow}`);
  const surge = tickets["2025-03"] / ((tickets["2025-02"] + tickets["2025-04"]) / 2);
  assert.ok(surge > 1.4 && surge < 2, `outage ticket surge ${surge}`);

  // Null controls: region and plan have no planted NPS effect.
  const by: Record<string, number[]> = {};
  for (const r of table("responses.csv").rows) {
    (by[r.region] ??= []).push(+r.nps_score);
    (by[r.plan] ??= []).push(+r.nps_score);
  }
  const regions = ["north", "south", "east", "west"].map((k) => nps(by[k]));
  assert.ok(Math.max(...regions) - Math.min(...regions) < 6, `region NPS ${regions}`);
  assert.ok(Math.abs(nps(by.monthly) - nps(by.annual)) < 4, "plan NPS");
});

Deno.test("planted effect: customers whose last answer is a detractor's churn faster", () => {
  const churned = new Map(
    table("customers.csv").rows.map((c) => [c.customer_id, c.churn_date !== ""]),
  );
  const last = new Map<string, { date: string; score: number }>();
  for (const r of table("responses.csv").rows) {
    const seen = last.get(r.customer_id);
    if (!seen || r.date >= seen.date) {
      last.set(r.customer_id, { date: r.date, score: +r.nps_score });
    }
  }
  const share = (keep: (s: number) => boolean) => {
    const ids = [...last].filter(([, a]) => keep(a.score)).map(([id]) => id);
    return ids.filter((id) => churned.get(id)).length / ids.length;
  };
  const detractors = share((s) => s <= 6), promoters = share((s) => s >= 9);
  assert.ok(detractors > 1.5 * promoters, `detractors ${detractors} vs promoters ${promoters}`);
});
