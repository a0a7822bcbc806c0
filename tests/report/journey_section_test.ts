/**
 * The Journeys section: built from the sample's touchpoints (the planted
 * e-mail and phone effects stated in words, numbers checked against plain
 * loops and the analyses), in German, from events with only a step column,
 * without touchpoints, and the touchpoints file kept apart from the events.
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { join } from "node:path";
import { attribution, funnel } from "../../src/mod.ts";
import { reportTables } from "../../src/report/context.ts";
import { FUNNEL_WINDOW_DAYS, journeySection } from "../../src/report/journey_section.ts";
import { loadDirectory } from "../../src/report/load_dir.ts";
import { sectionContext } from "../../src/report/site.ts";
import { loadSample } from "./fixtures.ts";

type Row = Record<string, unknown>;

async function sampleTables() {
  const { files } = await loadSample();
  return reportTables(files).tables;
}

/** NPS of answers after a touch on `channel` and of the rest, by plain loops. */
function npsByTouch(touch: ColumnTable, answers: ColumnTable, channel: string): [number, number] {
  const first = new Map<string, number>();
  const known = new Set<string>();
  for (const r of touch.objects() as Row[]) {
    if (r.channel === null) continue;
    known.add(String(r.customer_id));
    if (r.channel !== channel) continue;
    const t = (r.date as Date).getTime();
    const id = String(r.customer_id);
    if (!first.has(id) || t < first.get(id)!) first.set(id, t);
  }
  // Σw, Σw of promoters, Σw of detractors: the report weights answers by the weight column.
  const count = { with: [0, 0, 0], without: [0, 0, 0] };
  for (const a of answers.objects() as Row[]) {
    const id = String(a.customer_id), score = a.nps_score as number | null;
    if (!known.has(id) || score === null) continue;
    const c = first.has(id) && first.get(id)! <= (a.date as Date).getTime()
      ? count.with
      : count.without;
    const w = (a.weight as number | undefined) ?? 1;
    c[0] += w;
    if (score >= 9) c[1] += w;
    if (score <= 6) c[2] += w;
  }
  const nps = (c: number[]) => 100 * (c[1] - c[2]) / c[0];
  return [nps(count.with), nps(count.without)];
}

const num = (s: string) => Number(s.replaceAll(",", "").replace("\u2212", "-"));

Deno.test("journeys on the sample: e-mail earns the conversions, phone goes with detractors", async () => {
  const tables = await sampleTables();
  const section = journeySection(sectionContext(tables));
  assert.equal(section.id, "journeys");
  // The overview shows the first two findings: the two planted effects.
  const [mail, phone] = section.findings;
  const m =
    /^Without email, (\d+\.\d)% of the conversions would be lost, more than for any other channel; it earns ([\d,]+) conversions \(([\d,]+)–([\d,]+)\)\.$/
      .exec(mail);
  assert.ok(m, mail);
  const touch = tables.touchpoints!.filter((d: Row) => d.channel !== null);
  const ref = (attribution(touch, { resamples: 200, seed: 1 }).objects() as Row[])
    .find((r) => r.channel === "email")!;
  assert.equal(num(m[1]), Math.round(1000 * (ref.removal_effect as number)) / 10);
  assert.equal(num(m[2]), Math.round(ref.conversions as number));
  assert.equal(num(m[3]), Math.round(ref.conversions_low as number));

  const p =
    /^Answers after a phone touch have NPS (−?\d+\.\d) against (−?\d+\.\d) without: (\d+\.\d) points lower \(Holm-adjusted p < 0\.001\)\.$/
      .exec(phone);
  assert.ok(p, phone);
  const [withPhone, without] = npsByTouch(tables.touchpoints!, tables.responses!, "phone");
  assert.equal(num(p[1]), Number(withPhone.toFixed(1)));
  assert.equal(num(p[2]), Number(without.toFixed(1)));
  assert.ok(without - withPhone > 12, `planted gap ${without - withPhone}`);
  assert.equal(section.findings.filter((f) => f.startsWith("Answers after")).length, 1);

  assert.ok(section.findings.includes("Most journeys start with search (32.9%)."));
  // The funnel over the step column, steps by how many customers reach them, 30-day window.
  const f = funnel(tables.touchpoints!, {
    steps: ["visit", "signup", "purchase"],
    windowDays: FUNNEL_WINDOW_DAYS,
  }).objects() as Row[];
  const share = (x: unknown) => `${(100 * (x as number)).toFixed(1)}%`;
  assert.ok(section.findings.includes(
    `The largest drop is from signup to purchase: ${share(f[2].conversion_from_previous)} (${
      share(f[2].conversion_from_previous_low).slice(0, -1)
    }–${share(f[2].conversion_from_previous_high)}) continue.`,
  ));
  assert.ok(section.findings.includes(
    `${
      share(f[2].conversion_from_start)
    } of the customers who start the funnel reach purchase within 30 days.`,
  ));
  assert.match(section.body, /5,000 rows without a channel are not part of these journeys/);
  assert.match(section.body, /<svg/);
});

Deno.test("journeys in German: words and numbers of the report language", async () => {
  const section = journeySection(sectionContext(await sampleTables(), { lang: "de" }));
  assert.match(
    section.findings[0],
    /^Ohne email gingen \d+,\d\s% der Konversionen verloren, mehr als bei jedem anderen Kanal; email verdient \d\.\d{3} Konversionen \(\d\.\d{3}–\d\.\d{3}\)\.$/,
  );
  assert.match(section.findings[1], /^Antworten nach einem Kontakt über phone haben einen NPS von/);
  assert.ok(section.title === "Customer Journeys" && section.body.includes("Häufigste Pfade"));
});

const d = (day: number) => new Date(Date.UTC(2025, 0, day));

Deno.test("journeys from events with a step column only: funnel, paths and transitions, no attribution", () => {
  const events = aq.table({
    customer_id: ["a", "a", "a", "b", "b", "c"],
    date: [d(1), d(2), d(3), d(1), d(2), d(1)],
    step: ["visit", "signup", "purchase", "visit", "signup", "visit"],
  });
  const section = journeySection(
    sectionContext({ events }, { minN: 1, privacy: { minGroupSize: 1 } }),
  );
  assert.deepEqual(section.findings, [
    // Steps by customers reaching them: visit 3, signup 2, purchase 1; Wilson (1/2): 9.5–90.5 %.
    "The largest drop is from signup to purchase: 50.0% (9.5–90.5%) continue.",
    "33.3% of the customers who start the funnel reach purchase within 30 days.",
    // a: visit → signup (before its purchase), b: visit → signup, c: visit
    "The most common path is visit → signup: 2 customers, 66.7% of all.",
    "Of the paths shown, visit → signup converts best: 50.0% of its customers.",
    "Most journeys start with visit (100.0%).",
    // out of signup: one to purchase, one to the end
    'The touchpoint most often followed by "purchase" is signup (50.0% of the moves out of it).',
  ]);
  assert.ok(!section.body.includes("Which channels earn"), "attribution needs a channel column");
});

Deno.test("journeys: no touchpoints, no section content; activity events without step or channel are no journeys", () => {
  const empty = journeySection(sectionContext({}));
  assert.deepEqual(empty.findings, []);
  assert.match(empty.body, /No touchpoints in the data/);
  const events = aq.table({ customer_id: ["a"], date: [d(1)], type: ["login"] });
  assert.match(journeySection(sectionContext({ events })).body, /No touchpoints in the data/);
});

Deno.test("a touchpoints file is read as events and pooled apart from the activity events", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "events.csv"), "customer_id,date,type\nK1,2024-01-02,login\n");
  await Deno.writeTextFile(
    join(dir, "Touchpoints_2024.csv"),
    "customer_id,date,channel\nK1,2024-01-01,email\nK1,2024-01-05,purchase\nK2,2024-02-01,search\n",
  );
  const files = await loadDirectory(dir);
  assert.deepEqual(files.map((f) => [f.file, f.schema, f.error]), [
    ["Touchpoints_2024.csv", "events", undefined],
    ["events.csv", "events", undefined],
  ]);
  const { tables } = reportTables(files, { to: "2024-01-31", where: { channel: "email" } });
  assert.equal(tables.events!.numRows(), 1);
  // Filters apply to the touchpoints too: the date range and the column = value.
  assert.deepEqual(tables.touchpoints!.array("channel"), ["email"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("journeys: ties state no 'most', answers without a journey give no NPS comparison", () => {
  const touchpoints = aq.table({
    customer_id: ["a", "a", "b", "c"],
    date: [d(1), d(2), d(1), d(3)],
    channel: ["email", "search", "search", "phone"],
  });
  // Three journeys, three first touches, three paths of one customer each: no "most" to state.
  const responses = aq.table({ customer_id: ["z", null], date: [d(5), d(6)], nps_score: [9, 3] });
  const section = journeySection(sectionContext({ touchpoints, responses }, { minN: 1 }));
  assert.deepEqual(section.findings, []);
  assert.ok(!section.body.includes("Touchpoints and NPS"), "no answer of a journey customer");
  assert.ok(section.body.includes("Most common paths") && section.body.includes("<svg"));
});
