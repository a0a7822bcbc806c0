import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { BusinessHours, GermanState } from "../../src/mod.ts";
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import {
  CxDataError,
  CxOptionsError,
  CxSchemaError,
  firstContactResolution,
  firstResponseTime,
  germanHolidays,
  resolutionTime,
} from "../../src/mod.ts";
import { businessDurationFn, easterSunday, medianInterval } from "../../src/entries/stats.ts";
import { serviceSection } from "../../src/report/service_section.ts";
import { sectionContext } from "../../src/report/site.ts";
import { assertClose, assertMatchesFixture, fixture, sample } from "./fixtures.ts";

const Z = 1.959963984540054;
const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
type Row = Record<string, unknown>;
const rows = (t: ColumnTable) => t.objects() as Row[];

const DURATION_COLUMNS = {
  channel: "channel",
  tickets: "tickets",
  mean: "mean",
  sd: "sd",
  mean_low: "mean_low",
  mean_high: "mean_high",
  median: "median",
  median_low: "median_low",
  median_high: "median_high",
  p90: "p90",
};

/** Tickets opened at 10:00 UTC on 2024-05-06 and first answered `minutes` later (null: not yet). */
function answered(channel: string, minutes: (number | null)[]) {
  const created = at("2024-05-06T10:00:00Z");
  return {
    channel: minutes.map(() => channel),
    created_at: minutes.map(() => created),
    first_response_at: minutes.map((m) =>
      m === null ? null : new Date(created.getTime() + m * 60_000)
    ),
  };
}

function concat(...parts: Record<string, unknown[]>[]) {
  const out: Record<string, unknown[]> = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) (out[k] ??= []).push(...v);
  }
  return aq.table(out);
}

Deno.test("firstResponseTime: hand-worked example with open tickets, n = 1 and an all-unanswered group", () => {
  // chat: 1, 2, 3, 10 minutes + one unanswered. mean 4; deviations −3, −2, −1, 6 → Σ² = 50,
  // sd = √(50/3); t(0.975, 3) = 3.182446305284263; median 2.5; p90: h = 3·0.9 = 2.7 →
  // 3 + 0.7·(10 − 3) = 7.9; n = 4 ≤ 5 → no median interval.
  // email: one answer after 4 h. phone: two tickets, neither answered.
  const t = concat(
    answered("chat", [1, 2, null, 3, 10]),
    answered("email", [240]),
    answered("phone", [null, null]),
  );
  const [chat, email, phone] = rows(firstResponseTime(t, { by: "channel", unit: "minutes" }));
  const sd = Math.sqrt(50 / 3);
  const half = 3.182446305284263 * sd / 2;
  assertEquals(
    [chat.tickets, chat.answered, chat.unanswered, chat.n, chat.median, chat.small_sample],
    [5, 4, 1, 4, 2.5, true],
  );
  assertClose(chat.mean, 4, "mean");
  assertClose(chat.sd, sd, "sd");
  assertClose(chat.mean_low, 4 - half, "mean_low");
  assertClose(chat.mean_high, 4 + half, "mean_high");
  assertClose(chat.p90, 7.9, "p90");
  assertEquals([chat.median_low, chat.median_high], [null, null]);
  assertEquals(email, {
    channel: "email",
    tickets: 1,
    answered: 1,
    unanswered: 0,
    n: 1,
    mean: 240,
    sd: null,
    mean_low: null,
    mean_high: null,
    median: 240,
    median_low: null,
    median_high: null,
    p90: 240,
    small_sample: true,
  });
  assertEquals(phone, {
    channel: "phone",
    tickets: 2,
    answered: 0,
    unanswered: 2,
    n: 0,
    mean: null,
    sd: null,
    mean_low: null,
    mean_high: null,
    median: null,
    median_low: null,
    median_high: null,
    p90: null,
    small_sample: true,
  });
});

Deno.test("firstResponseTime: units, default hours, metadata, empty tables", () => {
  const t = aq.table(answered("chat", [30, 90]));
  const hours = rows(firstResponseTime(t))[0];
  assertEquals([hours.mean, hours.median], [1, 1]); // default unit: hours
  assertEquals(rows(firstResponseTime(t, { unit: "seconds" }))[0].mean, 3600);
  assertEquals(rows(firstResponseTime(t, { unit: "days" }))[0].mean, 1 / 24);
  const info = meta<"kpi">(firstResponseTime(t));
  assertEquals(info?.kpi, "first_response_time");
  assertEquals(info?.notes.unit, "hours");
  assertEquals(info?.method, "t (mean), order-statistic (median), linear (p90)");

  const empty = aq.table({ channel: [], created_at: [], first_response_at: [] });
  const none = rows(firstResponseTime(empty));
  assertEquals([none.length, none[0].tickets, none[0].n, none[0].median], [1, 0, 0, null]);
  assertEquals(firstResponseTime(empty, { by: "channel" }).numRows(), 0);
});

Deno.test("resolutionTime: hand-worked example in hours, open tickets counted not averaged", () => {
  const t = aq.table({
    ticket_id: ["T1", "T2", "T3", "T4"],
    created_at: ["05-06T08", "05-06T09", "05-06T10", "05-07T08"].map((s) => at(`2024-${s}:00Z`)),
    // 2 h, 5 h, open, 26 h (8:00 on the 7th to 10:00 on the 8th).
    resolved_at: [at("2024-05-06T10:00Z"), at("2024-05-06T14:00Z"), null, at("2024-05-08T10:00Z")],
  });
  const r = rows(resolutionTime(t))[0];
  assertEquals([r.tickets, r.resolved, r.unresolved, r.n], [4, 3, 1, 3]);
  // 2, 5, 26 → mean 11; deviations −9, −6, 15 → Σ² = 342, sd = √171; median 5;
  // p90: h = 2·0.9 = 1.8 → 5 + 0.8·21 = 21.8. An open ticket averaged in as 0 would give 8.25.
  assertClose(r.mean, 11, "mean");
  assertClose(r.sd, Math.sqrt(171), "sd");
  const half = 4.302652729749464 * Math.sqrt(171) / Math.sqrt(3); // t(0.975, 2)
  assertClose(r.mean_low, 11 - half, "mean_low");
  assertClose(r.median, 5, "median");
  assertClose(r.p90, 21.8, "p90");
});

Deno.test("medianInterval: order statistics from Binomial(n, ½), hand-checked k", () => {
  const x = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  // n = 5: P(B ≤ 0) = 1/32 > 0.025 → k = 0 → no interval.
  assertEquals(medianInterval(x(5)), { low: null, high: null });
  // n = 6: P(B ≤ 0) = 1/64 < 0.025 ≤ P(B ≤ 1) = 7/64 → k = 1 → [x_(1), x_(6)].
  assertEquals(medianInterval(x(6)), { low: 1, high: 6 });
  // n = 20: P(B ≤ 5) = 21700/2^20 ≈ 0.0207, P(B ≤ 6) = 60460/2^20 ≈ 0.0577 → k = 6 → [x_(6), x_(15)].
  assertEquals(medianInterval(x(20)), { low: 6, high: 15 });
  // 90 %: tail 0.05, P(B ≤ 6) ≈ 0.0577 ≥ 0.05 → still k = 6; 80 %: tail 0.1, P(B ≤ 7) ≈ 0.1316 → k = 7.
  assertEquals(medianInterval(x(20), 0.9), { low: 6, high: 15 });
  assertEquals(medianInterval(x(20), 0.8), { low: 7, high: 14 });
  assertEquals(medianInterval([]), { low: null, high: null });
});

Deno.test("firstResponseTime/resolutionTime: agree with the scipy/pandas fixtures to 1e-9", async () => {
  const tickets = await sample("tickets");
  const frt = firstResponseTime(tickets, { by: "channel", unit: "seconds" });
  assertMatchesFixture(frt, fixture("frt_by_channel.csv"), {
    ...DURATION_COLUMNS,
    answered: "answered",
    unanswered: "unanswered",
    n: "answered",
  });
  const resolution = resolutionTime(tickets, { by: "channel", unit: "seconds" });
  assertMatchesFixture(resolution, fixture("resolution_by_channel.csv"), {
    ...DURATION_COLUMNS,
    resolved: "resolved",
    unresolved: "unresolved",
    n: "resolved",
  });
  // Minutes are seconds / 60.
  const minutes = rows(firstResponseTime(tickets, { by: "channel", unit: "minutes" }));
  rows(frt).forEach((r, i) => assertClose(minutes[i].median, (r.median as number) / 60, "min"));
});

Deno.test("firstContactResolution: agrees with the statsmodels fixture to 1e-9", async () => {
  const tickets = await sample("tickets");
  assertMatchesFixture(
    firstContactResolution(tickets, { by: "channel" }),
    fixture("fcr_by_channel.csv"),
    {
      channel: "channel",
      tickets: "tickets",
      resolved: "resolved",
      unresolved: "unresolved",
      first_contact: "first_contact",
      n: "resolved",
      fcr: "fcr",
      fcr_low: "fcr_low",
      fcr_high: "fcr_high",
    },
  );
});

Deno.test("firstContactResolution: hand-worked Wilson example; nothing resolved → null", () => {
  const t = aq.table({
    team: ["a", "a", "a", "a", "a", "b", "b"],
    created_at: Array(7).fill(at("2024-05-06T08:00Z")),
    resolved_at: [
      at("2024-05-06T09:00Z"),
      at("2024-05-06T10:00Z"),
      at("2024-05-07T09:00Z"),
      at("2024-05-06T08:30Z"),
      null,
      null,
      null,
    ],
    contacts: [1, 1, 2, 1, 1, 1, 3],
  });
  const [a, b] = rows(firstContactResolution(t, { by: "team" }));
  // a: 4 resolved, 3 at first contact (the open ticket with contacts = 1 does not count).
  // Wilson, p = .75, n = 4: (p + z²/8 ± z·√(p(1−p)/4 + z²/64)) / (1 + z²/4).
  const denom = 1 + Z * Z / 4;
  const center = (0.75 + Z * Z / 8) / denom;
  const half = Z / denom * Math.sqrt(0.75 * 0.25 / 4 + Z * Z / 64);
  assertEquals(
    [a.tickets, a.resolved, a.unresolved, a.first_contact, a.n, a.fcr, a.small_sample],
    [5, 4, 1, 3, 4, 0.75, true],
  );
  assertClose(a.fcr_low, center - half, "fcr_low");
  assertClose(a.fcr_high, center + half, "fcr_high");
  assertEquals(b, {
    team: "b",
    tickets: 2,
    resolved: 0,
    unresolved: 2,
    first_contact: 0,
    n: 0,
    fcr: null,
    fcr_low: null,
    fcr_high: null,
    small_sample: true,
  });
});

Deno.test("periods are cut on created_at in the given time zone; several tables are pooled", () => {
  const t = aq.table({
    created_at: [at("2024-03-31T22:30:00Z"), at("2024-03-31T21:00:00Z")],
    first_response_at: [at("2024-03-31T23:30:00Z"), at("2024-03-31T23:00:00Z")],
    resolved_at: [null, at("2024-04-01T01:00:00Z")],
    contacts: [1, 1],
  });
  assertEquals(firstResponseTime(t, { period: "month" }).array("period"), ["2024-03"]);
  const berlin = firstResponseTime(t, { period: "month", timeZone: "Europe/Berlin" });
  // 22:30 UTC is 00:30 on 1 April in Berlin; 21:00 UTC is still 31 March.
  assertEquals(berlin.array("period"), ["2024-03", "2024-04"]);
  assertEquals(berlin.array("median"), [2, 1]);
  assertEquals(berlin.array("time_zone"), ["Europe/Berlin", "Europe/Berlin"]);
  const fcr = firstContactResolution(t, { period: "month", timeZone: "Europe/Berlin" });
  assertEquals(fcr.array("resolved"), [1, 0]);
  // Pooling: counts and durations of both tables together.
  const pooled = rows(firstResponseTime([t, t]))[0];
  assertEquals([pooled.tickets, pooled.n, pooled.median], [4, 4, 1.5]);
});

Deno.test("bootstrap median interval: seeded, close to the order-statistic interval", async () => {
  const tickets = await sample("tickets");
  const options = { by: "channel", unit: "seconds" as const, resamples: 1000, seed: 7 };
  const exact = rows(firstResponseTime(tickets, { by: "channel", unit: "seconds" }));
  const boot = rows(firstResponseTime(tickets, { ...options, method: "bootstrap" }));
  assertEquals(rows(firstResponseTime(tickets, { ...options, method: "bootstrap" })), boot);
  exact.forEach((e, i) => {
    // n ≈ 2.4–3.7k: both intervals are about ±4 % of the median wide; their bounds agree to ~1 %.
    assertClose(boot[i].median_low, e.median_low, `low ${e.channel}`, 0.01);
    assertClose(boot[i].median_high, e.median_high, `high ${e.channel}`, 0.01);
    assertEquals([boot[i].mean_low, boot[i].median], [e.mean_low, e.median]);
  });
  assertEquals(
    meta<"kpi">(firstResponseTime(tickets, { method: "bootstrap", resamples: 10 }))?.notes,
    {
      unit: "hours",
      from: "created_at",
      to: "first_response_at",
      businessHours: null,
      resamples: 10,
      seed: 1,
    },
  );
  const one = rows(firstResponseTime(aq.table(answered("chat", [5])), { method: "bootstrap" }))[0];
  assertEquals([one.median, one.median_low, one.median_high], [5 / 60, null, null]);
});

// ---------------------------------------------------------------- business hours

const OFFICE = { timeZone: "Europe/Berlin", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" };

function frtHours(created: string, answeredAt: string, businessHours: BusinessHours) {
  const t = aq.table({ created_at: [at(created)], first_response_at: [at(answeredAt)] });
  return firstResponseTime(t, { businessHours }).get("mean", 0) as number;
}

Deno.test("business hours: Friday 16:00 → Monday 10:00 Berlin is 2 hours", () => {
  // January: CET = UTC+1. Friday 2024-01-12 16:00 → Monday 2024-01-15 10:00.
  assertEquals(frtHours("2024-01-12T15:00:00Z", "2024-01-15T09:00:00Z", OFFICE), 2);
  // Elapsed time would be 66 h.
  const t = aq.table({
    created_at: [at("2024-01-12T15:00:00Z")],
    first_response_at: [at("2024-01-15T09:00:00Z")],
  });
  assertEquals(firstResponseTime(t).get("mean", 0), 66);
  // Opened Saturday, answered Monday 09:30 → 0.5 h; opened and answered at night → 0.
  assertEquals(frtHours("2024-01-13T10:00:00Z", "2024-01-15T08:30:00Z", OFFICE), 0.5);
  assertEquals(frtHours("2024-01-15T20:00:00Z", "2024-01-16T05:00:00Z", OFFICE), 0);
  assertEquals(
    meta<"kpi">(firstResponseTime(t, { businessHours: OFFICE }))?.notes.businessHours,
    OFFICE,
  );
});

Deno.test("business hours: holidays — Tag der Deutschen Einheit, Berlin's Frauentag, own dates", () => {
  // Wednesday 2024-10-02 16:00 CEST → Friday 2024-10-04 10:00; Thursday 3 October is a holiday.
  const from = "2024-10-02T14:00:00Z", to = "2024-10-04T08:00:00Z";
  assertEquals(frtHours(from, to, { ...OFFICE, holidays: [] }), 1 + 8 + 1); // no holidays
  assertEquals(frtHours(from, to, { ...OFFICE, state: "NW" }), 2);
  assertEquals(frtHours(from, to, { ...OFFICE, holidays: ["2024-10-03"] }), 2);
  // Thursday 2024-03-07 16:00 CET → Monday 2024-03-11 10:00: Friday 8 March is a holiday in Berlin only.
  const f = "2024-03-07T15:00:00Z", t = "2024-03-11T09:00:00Z";
  assertEquals(frtHours(f, t, { ...OFFICE, state: "BE" }), 2);
  assertEquals(frtHours(f, t, { ...OFFICE, state: "BY" }), 10);
});

Deno.test("business hours: across the DST switches, opening hours stay wall-clock times", () => {
  // Spring: Friday 2025-03-28 16:00 CET (15:00Z) → Monday 2025-03-31 10:00 CEST (08:00Z).
  // Monday opens at 09:00 CEST = 07:00Z; a fixed +1 offset would open it at 08:00Z and give 1 h.
  assertEquals(frtHours("2025-03-28T15:00:00Z", "2025-03-31T08:00:00Z", OFFICE), 2);
  // Autumn: Friday 2024-10-25 16:00 CEST (14:00Z) → Monday 2024-10-28 10:00 CET (09:00Z).
  assertEquals(frtHours("2024-10-25T14:00:00Z", "2024-10-28T09:00:00Z", OFFICE), 2);
  // A 24/7 calendar counts real elapsed time: Saturday 12:00 CET → Monday 12:00 CEST is 47 h
  // (Sunday 30 March has 23 hours), and Saturday 12:00 CEST → Monday 12:00 CET in October 49 h.
  const always = {
    timeZone: "Europe/Berlin",
    days: [1, 2, 3, 4, 5, 6, 7],
    start: "00:00",
    end: "24:00",
  };
  assertEquals(frtHours("2025-03-29T11:00:00Z", "2025-03-31T10:00:00Z", always), 47);
  assertEquals(frtHours("2024-10-26T10:00:00Z", "2024-10-28T11:00:00Z", always), 49);
  // Same in businessDurationFn directly, in ms.
  const office = businessDurationFn(OFFICE);
  assertEquals(office(at("2025-03-28T15:00:00Z"), at("2025-03-31T08:00:00Z")), 2 * HOUR);
  assertEquals(office(at("2025-03-31T08:00:00Z"), at("2025-03-28T15:00:00Z")), 0);
});

Deno.test("business hours: bad calendars are rejected naming the field", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ timeZone: "Europe/Berlinn" }, /businessHours\.timeZone.*IANA/],
    [{ timeZone: "UTC", days: [0, 1] }, /businessHours\.days.*ISO weekdays/],
    [{ timeZone: "UTC", start: "9:00" }, /businessHours\.start.*HH:MM/],
    [{ timeZone: "UTC", start: "17:00", end: "09:00" }, /end.*must be after "start"/],
    [{ timeZone: "UTC", holidays: ["2024-02-30"] }, /businessHours\.holidays.*"2024-02-30"/],
    [{ timeZone: "UTC", state: "XX" }, /"state" must be a German federal state code.*"XX"/],
  ];
  for (const [calendar, message] of bad) {
    const e = assertThrows(
      () => businessDurationFn(calendar as unknown as BusinessHours),
      CxOptionsError,
    );
    assertMatch(e.message, message);
  }
});

// ---------------------------------------------------------------- holidays

Deno.test("easterSunday: known dates (Meeus/Jones/Butcher), incl. earliest and latest possible", () => {
  const known: [number, string][] = [
    [2024, "2024-03-31"],
    [2025, "2025-04-20"],
    [2026, "2026-04-05"],
    [2000, "2000-04-23"],
    [2019, "2019-04-21"],
    [2008, "2008-03-23"],
    [2011, "2011-04-24"],
    [2016, "2016-03-27"],
    [2027, "2027-03-28"],
    [1818, "1818-03-22"],
    [2038, "2038-04-25"],
    [1943, "1943-04-25"],
  ];
  for (const [year, date] of known) assertEquals(easterSunday(year), date, String(year));
  assertThrows(() => easterSunday(1500), CxOptionsError);
});

Deno.test("germanHolidays: Berlin 2024 and Bavaria 2025 written out by hand", () => {
  assertEquals(germanHolidays(2024, { state: "BE" }), [
    { date: "2024-01-01", name: "Neujahr" },
    { date: "2024-03-08", name: "Internationaler Frauentag" },
    { date: "2024-03-29", name: "Karfreitag" },
    { date: "2024-04-01", name: "Ostermontag" },
    { date: "2024-05-01", name: "Tag der Arbeit" },
    { date: "2024-05-09", name: "Christi Himmelfahrt" },
    { date: "2024-05-20", name: "Pfingstmontag" },
    { date: "2024-10-03", name: "Tag der Deutschen Einheit" },
    { date: "2024-12-25", name: "1. Weihnachtstag" },
    { date: "2024-12-26", name: "2. Weihnachtstag" },
  ]);
  assertEquals(germanHolidays(2025, { state: "BY" }).map((h) => `${h.date} ${h.name}`), [
    "2025-01-01 Neujahr",
    "2025-01-06 Heilige Drei Könige",
    "2025-04-18 Karfreitag",
    "2025-04-21 Ostermontag",
    "2025-05-01 Tag der Arbeit",
    "2025-05-29 Christi Himmelfahrt",
    "2025-06-09 Pfingstmontag",
    "2025-06-19 Fronleichnam",
    "2025-10-03 Tag der Deutschen Einheit",
    "2025-11-01 Allerheiligen",
    "2025-12-25 1. Weihnachtstag",
    "2025-12-26 2. Weihnachtstag",
  ]);
  assertEquals(germanHolidays(2025).length, 9); // nationwide only
});

Deno.test("germanHolidays: state rules and the years they start", () => {
  const has = (year: number, state: GermanState, name: string) =>
    germanHolidays(year, { state }).find((h) => h.name === name)?.date ?? null;
  assertEquals(has(2024, "SN", "Buß- und Bettag"), "2024-11-20");
  assertEquals(has(2025, "SN", "Buß- und Bettag"), "2025-11-19");
  assertEquals(has(2025, "BY", "Buß- und Bettag"), null);
  assertEquals(has(2025, "BB", "Ostersonntag"), "2025-04-20");
  assertEquals(has(2025, "BB", "Pfingstsonntag"), "2025-06-08");
  assertEquals(has(2025, "HE", "Ostersonntag"), null);
  assertEquals(has(2025, "SL", "Mariä Himmelfahrt"), "2025-08-15");
  assertEquals(has(2025, "BY", "Mariä Himmelfahrt"), null); // only in parts of Bavaria
  assertEquals(has(2025, "ST", "Heilige Drei Könige"), "2025-01-06");
  assertEquals(has(2018, "BE", "Internationaler Frauentag"), null);
  assertEquals(has(2019, "BE", "Internationaler Frauentag"), "2019-03-08");
  assertEquals(has(2022, "MV", "Internationaler Frauentag"), null);
  assertEquals(has(2023, "MV", "Internationaler Frauentag"), "2023-03-08");
  assertEquals(has(2018, "TH", "Weltkindertag"), null);
  assertEquals(has(2019, "TH", "Weltkindertag"), "2019-09-20");
  assertEquals(has(2016, "NI", "Reformationstag"), null);
  assertEquals(has(2017, "BW", "Reformationstag"), "2017-10-31"); // once nationwide (500 years)
  assertEquals(has(2018, "BW", "Reformationstag"), null);
  assertEquals(has(2018, "HH", "Reformationstag"), "2018-10-31");
  assertEquals(has(2000, "BB", "Reformationstag"), "2000-10-31");
  assertEquals(has(2025, "BE", "Tag der Befreiung"), "2025-05-08");
  assertEquals(has(2024, "BE", "Tag der Befreiung"), null);
  for (const state of ["BW", "BY", "NW", "RP", "SL"] as const) {
    assertEquals(has(2024, state, "Allerheiligen"), "2024-11-01", state);
  }
  for (const state of ["BW", "BY", "HE", "NW", "RP", "SL"] as const) {
    assertEquals(has(2024, state, "Fronleichnam"), "2024-05-30", state);
  }
  assertThrows(() => germanHolidays(1990, { state: "BE" }), CxOptionsError);
  assertThrows(() => germanHolidays(2024, { state: "XY" as "BE" }), CxOptionsError);
});

// ---------------------------------------------------------------- planted effects

Deno.test("planted effects: chat median FRT far below email; phone FCR clearly lowest", async () => {
  const tickets = await sample("tickets");
  const frt = Object.fromEntries(
    rows(firstResponseTime(tickets, { by: "channel", unit: "minutes" })).map((r) => [r.channel, r]),
  ) as Record<string, Record<string, number>>;
  // Planted medians: chat 2.5 min, phone 6 min, email ≈ 4 h.
  assertEquals(frt.chat.median > 1.5 && frt.chat.median < 4, true);
  assertEquals(frt.email.median > 150 && frt.email.median < 360, true);
  assertEquals(frt.chat.median_high < frt.phone.median_low, true);
  assertEquals(frt.phone.median_high * 10 < frt.email.median_low, true);
  const fcr = Object.fromEntries(
    rows(firstContactResolution(tickets, { by: "channel" })).map((r) => [r.channel, r]),
  ) as Record<string, Record<string, number>>;
  // Planted FCR: chat 0.75, email 0.72, phone 0.58; the intervals do not overlap.
  assertEquals(fcr.phone.fcr_high < fcr.email.fcr_low, true);
  assertEquals(fcr.phone.fcr_high < fcr.chat.fcr_low, true);
  assertEquals(fcr.chat.fcr - fcr.phone.fcr > 0.1, true);
});

// ---------------------------------------------------------------- errors

Deno.test("bad input gives clear errors naming the column and the fix", () => {
  const backwards = aq.table({
    ticket_id: ["T1", "T2"],
    created_at: [at("2024-05-06T10:00Z"), at("2024-05-06T10:00Z")],
    first_response_at: [at("2024-05-06T10:05Z"), at("2024-05-06T09:00Z")],
    resolved_at: [at("2024-05-06T09:30Z"), null],
    contacts: [1, 1],
  });
  const frt = assertThrows(() => firstResponseTime(backwards), CxDataError);
  assertMatch(frt.message, /1 problem/);
  assertMatch(
    frt.message,
    /row 2, column first_response_at, value "2024-05-06T09:00:00.000Z": first_response_at is before created_at \(2024-05-06T10:00:00.000Z\) \(ticket T2\).*time zone/,
  );
  const res = assertThrows(() => resolutionTime(backwards), CxDataError);
  assertMatch(res.message, /row 1, column resolved_at.*cannot be resolved before it exists/);
  assertThrows(() => firstContactResolution(backwards), CxDataError);

  const strings = aq.table({
    created_at: ["2024-05-06T10:00Z"],
    first_response_at: ["2024-05-06T11:00Z"],
  });
  const text = assertThrows(() => firstResponseTime(strings), CxDataError);
  assertMatch(text.message, /column created_at.*must hold dates.*readCsv/);
  assertMatch(text.message, /column first_response_at.*must hold dates/);
  const noCreated = aq.table({ created_at: [null], first_response_at: [at("2024-05-06T11:00Z")] });
  assertMatch(
    assertThrows(() => firstResponseTime(noCreated), CxDataError).message,
    /created_at is missing/,
  );

  const t = aq.table(answered("chat", [1]));
  const by = assertThrows(() => firstResponseTime(t, { by: "segment" }), CxOptionsError);
  assertMatch(by.message, /"by" names column "segment".*Columns: channel, created_at/);
  assertThrows(() => firstContactResolution(backwards, { by: "team" }), CxOptionsError);
  assertMatch(
    assertThrows(() => resolutionTime(t), CxSchemaError).message,
    /Column "resolved_at" is missing.*mapping/,
  );
  assertThrows(() => firstResponseTime(t, { unit: "weeks" as "days" }), CxOptionsError);
  assertThrows(() => firstResponseTime(t, { method: "wald" as "bootstrap" }), CxOptionsError);
  assertThrows(() => firstResponseTime(t, { resamples: 0 }), CxOptionsError);
  assertThrows(() => firstResponseTime(t, { confidence: 95 }), CxOptionsError);

  const contacts = aq.table({
    created_at: [at("2024-05-06T10:00Z")],
    resolved_at: [at("2024-05-06T11:00Z")],
    contacts: [0],
  });
  assertMatch(
    assertThrows(() => firstContactResolution(contacts), CxDataError).message,
    /column contacts, value "0": contacts must be a whole number ≥ 1/,
  );
});

// ---------------------------------------------------------------- issue #13: rows that cannot be timed

Deno.test("first response time leaves out tickets resolved before their first response, with a note", () => {
  const tickets = aq.table({
    ticket_id: ["T1", "T2", "T3", "T4"],
    channel: ["chat", "chat", "chat", "email"],
    created_at: Array(4).fill(at("2024-05-06T09:00Z")),
    // T2 was resolved (09:30) before its first response (11:00): no first response time.
    first_response_at: [
      at("2024-05-06T09:10Z"),
      at("2024-05-06T11:00Z"),
      at("2024-05-06T09:30Z"),
      null,
    ],
    resolved_at: [at("2024-05-06T10:00Z"), at("2024-05-06T09:30Z"), null, null],
  });
  const frt = firstResponseTime(tickets, { by: "channel", unit: "minutes" });
  // By hand: chat keeps T1 (10 min) and T3 (30 min): 2 tickets, median 20, mean 20.
  assertEquals(
    rows(frt).map((r) => [r.channel, r.tickets, r.answered, r.unanswered, r.median, r.mean]),
    [["chat", 2, 2, 0, 20, 20], ["email", 1, 0, 1, null, null]],
  );
  assertEquals(meta<"kpi">(frt)?.notes.excluded, {
    tickets: 1,
    reason:
      "resolved_at before first_response_at: resolved before the first response (a bot, or a response logged late), so no first response time",
  });
  // Resolution time still counts T2: T1 60 min and T2 30 min, median 45.
  assertEquals(rows(resolutionTime(tickets, { unit: "minutes" }))[0].median, 45);
  // No such ticket, no note.
  assertEquals(meta<"kpi">(firstResponseTime(tickets.slice(0, 1)))?.notes.excluded, undefined);
});

Deno.test("first contact resolution says what it needs when contacts are missing", () => {
  const base = {
    ticket_id: ["T1", "T2"],
    created_at: [at("2024-05-06T09:00Z"), at("2024-05-06T09:00Z")],
    resolved_at: [at("2024-05-06T10:00Z"), at("2024-05-06T11:00Z")],
  };
  const noColumn = assertThrows(() => firstContactResolution(aq.table(base)), CxSchemaError);
  assertMatch(
    noColumn.message,
    /Column "contacts" is missing, and first contact resolution needs it/,
  );
  assertMatch(noColumn.message, /mapping: \{ contacts: "<your column>" \}/);
  const blank = assertThrows(
    () => firstContactResolution(aq.table({ ...base, contacts: [1, null] })),
    CxDataError,
  );
  assertMatch(blank.message, /contacts is missing for a resolved ticket \(ticket T2\).*fill it in/);
  // Time KPIs never needed contacts.
  assertEquals(rows(resolutionTime(aq.table(base), { unit: "minutes" }))[0].median, 90);
});

Deno.test("the report's service section skips FCR with a sentence when contacts are missing", () => {
  const t0 = at("2024-01-02T09:00Z");
  const base = {
    channel: ["chat", "email"],
    created_at: [t0, t0],
    first_response_at: [at("2024-01-02T09:05Z"), at("2024-01-02T11:00Z")],
    resolved_at: [at("2024-01-02T10:00Z"), at("2024-01-02T12:00Z")],
  };
  const without = serviceSection(sectionContext({ tickets: aq.table(base) }));
  assertEquals(
    without.findings.filter((s) => s.startsWith("First contact resolution")),
    [
      "First contact resolution is not shown: the tickets have no contacts column (customer contacts per ticket).",
    ],
  );
  const blank = serviceSection(
    sectionContext({ tickets: aq.table({ ...base, contacts: [1, null] }) }),
  );
  assertEquals(
    blank.findings.filter((s) => s.startsWith("First contact resolution")),
    ["First contact resolution is not shown: 1 resolved tickets have no contacts count."],
  );
  // With contacts the FCR part is there as before (its table column is in the body).
  const full = serviceSection(sectionContext({ tickets: aq.table({ ...base, contacts: [1, 2] }) }));
  assertEquals(full.body.includes("FCR (interval)"), true);
  assertEquals(without.body.includes("FCR (interval)"), false);
});
