/**
 * The sample's touchpoints (data/sample/touchpoints.csv): linked to the other
 * sample files as data/README.md says, and the planted effects are what the
 * journey analyses find. The structural checks are plain loops over the
 * bytes of generateSample (no cxkit parsing); the effects go through the
 * public analyses.
 */
import assert from "node:assert/strict";
import { generateSample, PLANTED } from "../../data/generate.ts";
import { attribution, funnel, readCsv, touchpointOutcomes } from "../../src/mod.ts";

const files = generateSample({ seed: 42 });
const text = (name: string) => new TextDecoder().decode(files[name]);
/** Rows of a file whose fields are never quoted (customers, events, touchpoints). */
function plainRows(name: string): string[][] {
  const lines = text(name).split("\n");
  assert.equal(lines.pop(), "", `${name} ends with a line end`);
  assert.ok(!text(name).includes('"'), `${name} has no quoted field`);
  return lines.slice(1).map((l) => l.split(","));
}

const touch = plainRows("touchpoints.csv");
const byId = new Map<string, string[][]>();
for (const row of touch) byId.set(row[0], [...(byId.get(row[0]) ?? []), row]);

Deno.test("touchpoints: header, order, timestamps inside the time frame", () => {
  assert.ok(text("touchpoints.csv").startsWith("customer_id,date,step,channel\n"));
  const stamp = /^\d{4}-\d{2}-\d{2}T(0[7-9]|1\d|20):\d{2}:\d{2}Z$/;
  for (let i = 0; i < touch.length; i++) {
    const [id, date, step, channel] = touch[i];
    // E-mails fall at any hour between the touches around them, the rest 07:00–21:00.
    if (channel !== "email") assert.match(date, stamp, `row ${i + 2}`);
    assert.ok(date >= "2024-01-01" && date < "2025-12-31T21", date);
    if (i > 0) {
      assert.ok(touch[i - 1][1] < date || (touch[i - 1][1] === date && touch[i - 1][0] <= id));
    }
    const ok = step === "signup"
      ? channel === ""
      : step === "purchase"
      ? channel === "purchase"
      : step === "visit" && ["search", "social", "display", "email", "phone"].includes(channel);
    assert.ok(ok, `row ${i + 2}: ${step} ${channel}`);
  }
});

Deno.test("touchpoints: signups are the customers' signup days, purchases their first orders", () => {
  const customers = plainRows("customers.csv");
  const firstOrder = new Map<string, string>();
  for (const [id, date, type] of plainRows("events.csv")) {
    if (type === "order" && !firstOrder.has(id)) firstOrder.set(id, date);
  }
  assert.equal(byId.size, PLANTED.customers + PLANTED.touchpoints.prospects);
  for (const [id, signupDate] of customers) {
    const rows = byId.get(id)!;
    const signups = rows.filter((r) => r[2] === "signup");
    const purchases = rows.filter((r) => r[2] === "purchase");
    assert.equal(signups.length, 1, id);
    assert.equal(signups[0][1].slice(0, 10), signupDate, id);
    assert.deepEqual(
      purchases.map((r) => r[1].slice(0, 10)),
      firstOrder.has(id) ? [firstOrder.get(id)] : [],
    );
    assert.ok(purchases.every((p) => p[1] > signups[0][1]), `${id}: purchase after signup`);
    // Visits before the signup, and only e-mails between signup and purchase.
    for (const r of rows) {
      if (r[1] < signups[0][1]) assert.equal(r[2], "visit", id);
      else if (r[2] === "visit") assert.equal(r[3], "email", id);
    }
  }
  for (const [id, rows] of byId) {
    if (id.startsWith("P")) assert.ok(rows.every((r) => r[2] === "visit"), id);
  }
});

Deno.test("touchpoints: buyers had an e-mail within 14 days before their purchase far more often", () => {
  let buyers = 0, mailed = 0, others = 0, othersMailed = 0;
  for (const rows of byId.values()) {
    const purchase = rows.find((r) => r[2] === "purchase");
    if (!purchase) {
      others++;
      if (rows.some((r) => r[3] === "email")) othersMailed++;
      continue;
    }
    buyers++;
    const cut = Date.parse(purchase[1]) - 14 * 86_400_000;
    if (rows.some((r) => r[3] === "email" && r[1] < purchase[1] && Date.parse(r[1]) >= cut)) {
      mailed++;
    }
  }
  // Planted 0.6 (plus an organic e-mail visit now and then); non-buyers 0.15 plus organic.
  assert.ok(mailed / buyers > 0.58 && mailed / buyers < 0.68, `${mailed} of ${buyers}`);
  assert.ok(othersMailed / others < 0.4, `${othersMailed} of ${others}`);
});

async function table(name: string) {
  return (await readCsv(files[name], { schema: name === "responses.csv" ? "responses" : "events" }))
    .table;
}

Deno.test("planted: e-mail has the largest Markov removal effect", async () => {
  const events = (await table("touchpoints.csv")).filter((d: { channel: unknown }) =>
    d.channel !== null
  );
  const r = attribution(events, { model: "markov", resamples: 50 }).objects() as {
    channel: string;
    removal_effect: number;
  }[];
  const sorted = [...r].sort((a, b) => b.removal_effect - a.removal_effect);
  assert.equal(sorted[0].channel, "email");
  // Clearly ahead of the runner-up (seed 42: 0.696 vs 0.441).
  assert.ok(sorted[0].removal_effect - sorted[1].removal_effect > 0.15, JSON.stringify(sorted));
});

Deno.test("planted: answers after a phone first contact have the lowest NPS, significant after Holm", async () => {
  const events = (await table("touchpoints.csv")).filter((d: { channel: unknown }) =>
    d.channel !== null
  );
  const responses = await table("responses.csv");
  const r = touchpointOutcomes(events, { responses }).objects() as {
    touchpoint: string;
    difference: number;
    p_adjusted: number;
    significant: boolean;
  }[];
  assert.equal(r[0].touchpoint, "phone"); // most negative difference first
  assert.ok(r[0].difference < -12, `phone difference ${r[0].difference}`);
  assert.ok(r[0].significant && r[0].p_adjusted < 1e-6, `p_adjusted ${r[0].p_adjusted}`);
  // E-mail is chosen from purchases, not answers: no NPS effect.
  assert.equal(r.find((x) => x.touchpoint === "email")!.significant, false);
});

Deno.test("planted: the funnel visit → signup → purchase loses half at signup", async () => {
  // Levels by a plain loop: the best visit start; signup and purchase within 60 days of it.
  const window = 60 * 86_400_000;
  const reached = [0, 0, 0];
  for (const rows of byId.values()) {
    const at = (step: string) => rows.filter((r) => r[2] === step).map((r) => Date.parse(r[1]));
    const [signup] = at("signup"), [purchase] = at("purchase");
    let level = 0;
    for (const v of at("visit")) {
      let l = 1;
      if (signup !== undefined && signup >= v && signup - v <= window) {
        l = 2;
        if (purchase !== undefined && purchase >= signup && purchase - v <= window) l = 3;
      }
      level = Math.max(level, l);
    }
    for (let k = 0; k < level; k++) reached[k]++;
  }
  const f = funnel(await table("touchpoints.csv"), {
    steps: ["visit", "signup", "purchase"],
    windowDays: 60,
  });
  assert.deepEqual(f.array("customers"), reached);
  // Planted: prospects never sign up (half of the visitors); most customers buy within the window.
  assert.deepEqual(reached.slice(0, 2), [10_000, 5_000]);
  const toPurchase = f.get("conversion_from_previous", 2) as number;
  assert.ok(toPurchase > 0.65 && toPurchase < 0.8, `signup → purchase ${toPurchase}`);
});
