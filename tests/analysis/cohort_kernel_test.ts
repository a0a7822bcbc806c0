// The cohort kernel's fast paths (customer codes read in place, the cached encoding of plain id
// columns, periods by per-day lookup) against a naive reference that shares no code with it:
// seeded random events at month edges in several time zones, on plain tables, compact tables and
// compact tables whose dictionary repeats ids.
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import assert from "node:assert/strict";
import { cohortRetention } from "../../src/analysis/cohort/retention.ts";
import { CodedColumn, compactTable, InstantColumn } from "../../src/kernels/columns.ts";
import { seededRandom } from "../../src/stats/random.ts";

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Asia/Kolkata",
  "Australia/Lord_Howe", // 30-minute daylight-saving shift
  "America/St_Johns", // −3:30
  "Asia/Kathmandu", // +5:45: local midnight falls inside a half hour
  "Pacific/Chatham", // +12:45 / +13:45
];
const IDS = ["a", "Ünïcödé", "日本", "e-mail", "x y", "", "a\"b'c", "☎"];

/** Events of `customers` customers: half within ±15 h of a UTC month start, 2023-10 … 2024-05. */
function randomEvents(seed: number, events: number, customers: number) {
  const random = seededRandom(seed);
  const customer: string[] = [], date: Date[] = [], plan: string[] = [];
  for (let i = 0; i < events; i++) {
    const c = Math.floor(random() * customers);
    const month = Math.floor(random() * 8);
    const start = Date.UTC(2023, 9 + month, 1);
    const t = random() < 0.5
      ? start + Math.floor((random() - 0.5) * 30 * 3_600_000)
      : start + Math.floor(random() * 28 * 86_400_000);
    customer.push(`${IDS[c % IDS.length]}${Math.floor(c / IDS.length)}`);
    date.push(new Date(t));
    plan.push(c % 3 === 0 ? "Prämie" : c % 3 === 1 ? "basic" : "年");
  }
  return aq.table({ customer_id: customer, date, plan });
}

/** `[cohort label, k] → [cohort_size, active]` worked from local year and month alone. */
function naiveCells(t: ColumnTable, timeZone: string, by: boolean): Map<string, string> {
  const fmt = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric" });
  const monthOf = (d: Date) => {
    const p = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, x.value]));
    return Number(p.year) * 12 + Number(p.month) - 1;
  };
  const months = new Map<string, Set<number>>(), first = new Map<string, number>();
  let last = -Infinity, lastMonth = 0;
  const rows = t.objects() as { customer_id: string; date: Date; plan: string }[];
  for (const r of rows) {
    const m = monthOf(r.date);
    if (!months.has(r.customer_id)) months.set(r.customer_id, new Set());
    months.get(r.customer_id)!.add(m);
    first.set(r.customer_id, Math.min(first.get(r.customer_id) ?? Infinity, m));
    if (r.date.getTime() > last) [last, lastMonth] = [r.date.getTime(), m];
  }
  const label = (m: number) => `${Math.floor(m / 12)}-${String(m % 12 + 1).padStart(2, "0")}`;
  const sizes = new Map<string, number>(), active = new Map<string, number>();
  for (const [id, ms] of months) {
    const c = first.get(id)!, seg = by ? `${firstPlan(rows, id)}|` : "";
    sizes.set(seg + label(c), (sizes.get(seg + label(c)) ?? 0) + 1);
    for (const m of ms) {
      const key = `${seg}${label(c)}|${m - c}`;
      active.set(key, (active.get(key) ?? 0) + 1);
    }
  }
  const out = new Map<string, string>();
  for (const [cohort, size] of sizes) {
    const c = Number(cohort.slice(-7, -3)) * 12 + Number(cohort.slice(-2)) - 1;
    for (let k = 0; k <= lastMonth - c; k++) {
      out.set(`${cohort}|${k}`, `${size}|${active.get(`${cohort}|${k}`) ?? 0}`);
    }
  }
  return out;
}

/** The plan of a customer's first event (earliest date, then earliest row). */
function firstPlan(rows: { customer_id: string; date: Date; plan: string }[], id: string) {
  let best: { date: Date; plan: string } | undefined;
  for (const r of rows) if (r.customer_id === id && (!best || r.date < best.date)) best = r;
  return best!.plan;
}

function ourCells(t: ColumnTable, timeZone: string, by: boolean): Map<string, string> {
  const rows = cohortRetention(t, { period: "month", timeZone, ...(by ? { by: "plan" } : {}) })
    .objects() as Record<string, unknown>[];
  return new Map(
    rows.map((r) => [
      `${by ? `${r.plan}|` : ""}${r.cohort}|${r.period_index}`,
      `${r.cohort_size}|${r.active}`,
    ]),
  );
}

/** A compact form whose id dictionary holds every id twice (as loaders may). */
function repeatedDictionary(t: ColumnTable, seed: number): ColumnTable {
  const random = seededRandom(seed);
  const ids = t.array("customer_id") as string[];
  const distinct = [...new Set(ids)];
  const index = new Map(distinct.map((v, i) => [v, i]));
  const codes = Int32Array.from(ids, (v) => 2 * index.get(v)! + (random() < 0.5 ? 1 : 0));
  return aq.table({
    customer_id: new CodedColumn(codes, distinct.flatMap((v) => [v, v])),
    date: new InstantColumn(Float64Array.from(t.array("date") as Date[], (d) => d.getTime())),
    plan: t.array("plan") as string[],
  });
}

for (const seed of [1, 2, 3]) {
  for (const [events, customers] of [[1, 1], [9, 4], [400, 60]]) {
    Deno.test(`cohort kernel = naive reference: seed ${seed}, ${events} events`, () => {
      const plain = randomEvents(seed, events, customers);
      const compact = compactTable(plain, { maxDistinctShare: 1 });
      assert.ok(compact.column("customer_id") instanceof CodedColumn);
      const tables = { plain, compact, repeated: repeatedDictionary(plain, seed) };
      for (const timeZone of ZONES) {
        for (const by of [false, true]) {
          const expected = naiveCells(plain, timeZone, by);
          for (const [name, t] of Object.entries(tables)) {
            // Twice: the second call on the plain table reads the cached encoding.
            for (const call of [1, 2]) {
              assert.deepEqual(ourCells(t, timeZone, by), expected, `${name} ${timeZone} ${call}`);
            }
          }
        }
      }
    });
  }
}

Deno.test("cohort kernel: an id changed in place after a call is seen by the next call", () => {
  const t = aq.table({
    customer_id: ["a", "b", "a", "c"],
    date: ["2024-01-05", "2024-01-09", "2024-02-01", "2024-02-20"].map((s) => new Date(s)),
    plan: ["x", "x", "x", "x"],
  });
  const before = ourCells(t, "UTC", false);
  assert.deepEqual(before, naiveCells(t, "UTC", false));
  // Arquero tables share their column arrays; a user may still write into one.
  (t.column("customer_id") as unknown as string[])[3] = "b";
  const after = ourCells(t, "UTC", false);
  assert.deepEqual(after, naiveCells(t, "UTC", false));
  // January cohort {a, b}: both back in February now (b's event moved from c to b).
  assert.equal(after.get("2024-01|1"), "2|2");
  assert.notDeepEqual(after, before);
});
