/**
 * The touchpoints of the synthetic sample (`data/sample/touchpoints.csv`):
 * each customer's journey from the first contact to the first purchase, plus
 * prospects who visit and never sign up. The journeys are **linked to the
 * other sample files and generated from them**: the signup is the customer's
 * `signup_date`, the purchase their first order in `events.csv`, and who gets
 * an e-mail or a phone call as first contact is drawn from those orders and
 * from the customer's answers in `responses.csv` (see data/README.md,
 * "Touchpoints"). `generate.ts` calls {@link touchpointsCsv} after the other
 * files, with its own random stream, so the other files do not change.
 *
 * @module
 */

/** The planted touchpoint parameters (`PLANTED.touchpoints` in generate.ts). */
export const TOUCHPOINTS = {
  /** Visitors who never sign up, ids `P00001` …. */
  prospects: 5000,
  /** Channel of a visit (the first one: phone instead, see `phoneFirst`). */
  visitChannels: { search: 0.35, social: 0.3, display: 0.2, email: 0.15 },
  /** Visits before the signup (or after a prospect's first): 1 + geometric(p), at most `maxVisits`. */
  visitStopProb: 0.5,
  maxVisits: 4,
  /** Days before the signup (after a prospect's first visit) the visits fall in. */
  visitWindowDays: 30,
  /** Share of buyers with an e-mail touch in the `emailWindowDays` before their first purchase. */
  emailBeforePurchase: 0.6,
  /** Share of non-buyers with an e-mail touch after signup (prospects: after the first visit). */
  emailWithoutPurchase: 0.15,
  emailWindowDays: 14,
  /** P(first contact by phone) = base + slope × the customer's share of detractor answers. */
  phoneFirst: { base: 0.04, slope: 0.4 },
} as const;

/** The random numbers the generator needs (generate.ts's seeded sfc32 stream). */
export interface TouchRandom {
  next(): number;
  chance(p: number): boolean;
  int(n: number): number;
  geometric(p: number): number;
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}

/** A sample customer: id, signup day and last active day (day indexes from `startMs`). */
export interface TouchCustomer {
  id: string;
  signup: number;
  end: number;
}

/** What the journeys are drawn from, per customer index. */
export interface TouchLinks {
  /** Day of the customer's first order in events.csv, −1 without one. */
  firstOrder: Int32Array;
  /** Answers in responses.csv. */
  answers: Int32Array;
  /** Detractor answers (0–6) among them. */
  detractors: Int32Array;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Touches (apart from e-mails between two others) fall between 07:00 and 21:00 UTC. */
const OPEN = 7 * HOUR;
const CLOSE = 21 * HOUR;

interface Touch {
  id: string;
  ms: number;
  step: "visit" | "signup" | "purchase";
  channel: string;
}

/** A whole-second time on `day` between `from` and `to` (ms of the day). */
function timeOn(rng: TouchRandom, startMs: number, day: number, from = OPEN, to = CLOSE): number {
  return startMs + day * DAY + from + 1000 * rng.int(Math.max(1, (to - from) / 1000));
}

/** A whole-second time strictly between `lo` and `hi` (at least 2 s apart). */
function between(rng: TouchRandom, lo: number, hi: number): number {
  return lo + 1000 * (1 + rng.int(Math.max(1, Math.floor((hi - lo) / 1000) - 1)));
}

/** 1 + geometric visits at the times `when` draws, the earliest by phone with `phoneFirst`. */
function visits(rng: TouchRandom, id: string, phoneFirst: number, when: () => number): Touch[] {
  const n = 1 + Math.min(TOUCHPOINTS.maxVisits - 1, rng.geometric(TOUCHPOINTS.visitStopProb));
  const times = Array.from({ length: n }, when).sort((a, b) => a - b);
  const first = rng.chance(phoneFirst) ? "phone" : rng.weighted(TOUCHPOINTS.visitChannels);
  return times.map((ms, k) => ({
    id,
    ms,
    step: "visit" as const,
    channel: k === 0 ? first : rng.weighted(TOUCHPOINTS.visitChannels),
  }));
}

function customerJourney(
  rng: TouchRandom,
  c: TouchCustomer,
  i: number,
  links: TouchLinks,
  startMs: number,
): Touch[] {
  const p = TOUCHPOINTS;
  // Signups between 08:00 and 20:00: room for a visit before and a purchase after on the day.
  const signup = timeOn(rng, startMs, c.signup, 8 * HOUR, 20 * HOUR);
  const share = links.answers[i] ? links.detractors[i] / links.answers[i] : 0;
  const firstDay = Math.max(0, c.signup - p.visitWindowDays);
  const out = visits(rng, c.id, p.phoneFirst.base + p.phoneFirst.slope * share, () => {
    const day = firstDay + rng.int(c.signup - firstDay + 1);
    return day < c.signup
      ? timeOn(rng, startMs, day)
      : between(rng, startMs + day * DAY + OPEN, signup);
  });
  out.push({ id: c.id, ms: signup, step: "signup", channel: "" });
  const order = links.firstOrder[i];
  if (order >= 0) {
    const from = order === c.signup ? signup - startMs - order * DAY + 60_000 : OPEN;
    const purchase = timeOn(rng, startMs, order, from);
    if (rng.chance(p.emailBeforePurchase)) {
      const lo = Math.max(signup, purchase - p.emailWindowDays * DAY);
      out.push({ id: c.id, ms: between(rng, lo, purchase), step: "visit", channel: "email" });
    }
    out.push({ id: c.id, ms: purchase, step: "purchase", channel: "purchase" });
  } else if (rng.chance(p.emailWithoutPurchase)) {
    const hi = startMs + c.end * DAY + CLOSE;
    out.push({ id: c.id, ms: between(rng, signup, hi), step: "visit", channel: "email" });
  }
  return out;
}

function prospectJourney(rng: TouchRandom, k: number, days: number, startMs: number): Touch[] {
  const p = TOUCHPOINTS;
  const id = `P${String(k + 1).padStart(5, "0")}`;
  const first = rng.int(days);
  const last = Math.min(days - 1, first + p.visitWindowDays);
  const out = visits(
    rng,
    id,
    p.phoneFirst.base,
    () => timeOn(rng, startMs, first + rng.int(last - first + 1)),
  );
  if (rng.chance(p.emailWithoutPurchase)) {
    const hi = startMs + last * DAY + CLOSE;
    out.push({ id, ms: between(rng, out[0].ms, hi), step: "visit", channel: "email" });
  }
  return out;
}

/**
 * `touchpoints.csv`: `customer_id, date, step, channel`, sorted by time, then
 * id. `date` is a UTC timestamp (`2024-03-05T14:22:31Z`); `step` is `visit`,
 * `signup` or `purchase`; `channel` is the visit's channel (`search`,
 * `social`, `display`, `email`, `phone`), `purchase` on the purchase and
 * empty on the signup.
 */
export function touchpointsCsv(
  rng: TouchRandom,
  customers: readonly TouchCustomer[],
  links: TouchLinks,
  calendar: { startMs: number; days: number },
): string {
  const touches: Touch[] = [];
  customers.forEach((c, i) => touches.push(...customerJourney(rng, c, i, links, calendar.startMs)));
  for (let k = 0; k < TOUCHPOINTS.prospects; k++) {
    touches.push(...prospectJourney(rng, k, calendar.days, calendar.startMs));
  }
  touches.sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lines = touches.map((t) =>
    `${t.id},${new Date(t.ms).toISOString().slice(0, 19)}Z,${t.step},${t.channel}\n`
  );
  return "customer_id,date,step,channel\n" + lines.join("");
}
