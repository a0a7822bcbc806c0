// The typed-array kernels must give exactly what the generic Arquero path gives, on random
// tables with the awkward cases: nulls, groups whose scores are all missing, one-row groups,
// unicode labels, and dates right at month boundaries in non-UTC zones.
import * as aq from "arquero";
import { assertEquals } from "../assert.ts";
import type { ColumnTable } from "arquero";
import { ces, csat, type KpiOptions, nps } from "../../src/mod.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { CodedColumn, compactTable, InstantColumn } from "../../src/kernels/columns.ts";

/** The in-memory KPIs under test (the overloads for SQL engines are tested in tests/engine). */
const KPIS: [string, (t: ColumnTable, o: KpiOptions) => ColumnTable][] = [
  ["nps", (t, o) => nps(t, o)],
  ["csat", (t, o) => csat(t, o)],
  ["ces", (t, o) => ces(t, o)],
];

const LABELS = ["chat", "Telefon ☎", "e-mail", "Ünïcödé", "日本", "", "a\"b'c"];

function randomTable(seed: number, rows: number) {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const boundary = Date.UTC(2024, 2, 31, 22, 0, 0); // 1 April 00:00 in Berlin (CEST)
  const score = (max: number, min = 0) =>
    random() < 0.15 ? null : min + Math.floor(random() * (max - min + 1));
  return aq.table({
    channel: Array.from({ length: rows }, () => random() < 0.05 ? null : pick(LABELS)),
    region: Array.from({ length: rows }, () => pick(["n", "s", "ö"])),
    date: Array.from({ length: rows }, () => {
      if (random() < 0.03) return null;
      // Half the dates within ±3 h of a month boundary, the rest over two years.
      return random() < 0.5
        ? new Date(boundary + Math.floor((random() - 0.5) * 6 * 3600_000))
        : new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 730 * 86_400_000));
    }),
    nps_score: Array.from({ length: rows }, () => score(10)),
    csat: Array.from({ length: rows }, () => score(5, 1)),
    ces: Array.from({ length: rows }, () => score(7, 1)),
  });
}

/** The table with its score columns dictionary-encoded (a null entry, a repeated entry). */
function codedScores(t: ColumnTable): ColumnTable {
  const columns: Record<string, unknown> = {};
  for (const name of t.columnNames()) columns[name] = t.column(name);
  for (const name of ["nps_score", "csat", "ces"]) {
    const values = t.array(name) as (number | null)[];
    // Entry 0 is null, then each value twice (rows alternate between the two copies).
    const dictionary: (number | null)[] = [null];
    const at = new Map<number | null, number>([[null, 0]]);
    const codes = Uint8Array.from(values, (v, i) => {
      if (!at.has(v)) at.set(v, dictionary.push(v, v) - 2);
      return v === null ? 0 : at.get(v)! + (i % 2);
    });
    columns[name] = new CodedColumn(codes, dictionary);
  }
  return aq.table(columns as Record<string, unknown[]>);
}

const cases: [string, Record<string, unknown>][] = [
  ["overall", {}],
  ["by channel", { by: "channel" }],
  ["by channel × region", { by: ["channel", "region"] }],
  ["by month in Berlin", { period: "month", timeZone: "Europe/Berlin" }],
  ["by channel × ISO week in New York", {
    by: "channel",
    period: "week",
    timeZone: "America/New_York",
  }],
  ["by region × day", { by: "region", period: "day", timeZone: "Asia/Kolkata" }],
];

for (const seed of [1, 2, 3]) {
  for (const rows of [1, 7, 500]) {
    Deno.test(`kernel = Arquero path: seed ${seed}, ${rows} rows`, () => {
      const t = randomTable(seed, rows);
      for (const [name, options] of cases) {
        for (const [kpiName, kpi] of KPIS) {
          const kernel = kpi(t, { ...options, aggregate: "kernel" });
          const reference = kpi(t, { ...options, aggregate: "arquero" });
          assertEquals(kernel.objects(), reference.objects(), `${kpiName} ${name}`);
          // Compact columns (codes, epoch ms) take the kernels' fast paths: same result.
          const compact = kpi(compactTable(t, { maxDistinctShare: 1 }), options);
          assertEquals(compact.objects(), reference.objects(), `${kpiName} ${name}, compact`);
          // Scores as compact columns too (their codes are read in place).
          const coded = kpi(codedScores(compactTable(t, { maxDistinctShare: 1 })), options);
          assertEquals(coded.objects(), reference.objects(), `${kpiName} ${name}, coded scores`);
        }
      }
    });
  }
}

Deno.test("kernel = Arquero path on an empty table", () => {
  const t = randomTable(1, 1).filter(() => false);
  for (const [, kpi] of KPIS) {
    assertEquals(kpi(t, { by: "channel", aggregate: "kernel" }).objects(), []);
    assertEquals(kpi(t, { by: "channel", aggregate: "arquero" }).objects(), []);
  }
});

Deno.test("kernel on compact columns: duplicate dictionary entries group together", () => {
  // Loaders convert each distinct text once, so "2024-01-05" and "05.01.2024" become two
  // dictionary entries with the same instant; null may appear as an entry too.
  const day = Date.UTC(2024, 0, 5);
  const t = aq.table({
    channel: new CodedColumn(Uint8Array.of(0, 1, 2, 1, 0, 3), ["chat", null, "phone", "chat"]),
    date: new InstantColumn(Float64Array.of(day, day + 1, NaN, Date.UTC(2024, 1, 1), day, day)),
    nps_score: [10, 3, 8, null, 9, 0],
  });
  const plain = aq.table({
    channel: t.array("channel") as unknown[],
    date: t.array("date") as unknown[],
    nps_score: t.array("nps_score") as unknown[],
  });
  for (
    const options of [
      { by: "channel" },
      { by: "channel", period: "month" as const },
      { by: "channel", missing: "group" as const },
    ]
  ) {
    assertEquals(
      nps(t, options).objects(),
      nps(plain, { ...options, aggregate: "arquero" }).objects(),
      JSON.stringify(options),
    );
  }
  // Dictionary entries 0 and 3 ("chat") merge: chat has 3 answers (10, 9, 0), null 1, phone 1.
  const n = (options: { missing?: "group" }) =>
    Object.fromEntries(
      (nps(t, { by: "channel", ...options }).objects() as { channel: string | null; n: number }[])
        .map((r) => [String(r.channel), r.n]),
    );
  assertEquals(n({ missing: "group" }), { chat: 3, null: 1, phone: 1 });
  // By default the answer without a channel is left out (and noted).
  assertEquals(n({}), { chat: 3, phone: 1 });
});

Deno.test("kernel on plain columns: the cached encoding follows values changed in place", () => {
  const t = randomTable(4, 300);
  const channel = t.column("channel") as unknown as (string | null)[];
  const check = (label: string) => {
    for (const [kpiName, kpi] of KPIS) {
      for (const options of [{ by: "channel" }, { by: ["channel", "region"] }]) {
        assertEquals(
          kpi(t, options).objects(),
          kpi(t, { ...options, aggregate: "arquero" }).objects(),
          `${kpiName} ${label} ${JSON.stringify(options)}`,
        );
      }
    }
  };
  check("first call");
  check("second call (cached codes)");
  // Arquero tables share their column arrays; a user may still write into one.
  channel[0] = "brand-new label";
  channel[299] = null;
  channel[150] = channel[1];
  check("after writing into the column");
  const n = nps(t, { by: "channel", missing: "group" }).objects() as { channel: string }[];
  assertEquals(n.filter((r) => r.channel === "brand-new label").length, 1);
});

Deno.test("kernel on compact columns: unused dictionary entries and the overall group", () => {
  // Codes 1 and 4 never occur (a dictionary from before a filter); 0 and 3 are both "chat".
  const t = aq.table({
    channel: new CodedColumn(Uint8Array.of(2, 0, 3, 2, 0), [
      "chat",
      "unused",
      "phone",
      "chat",
      "x",
    ]),
    nps_score: [10, 3, 8, null, 9],
    csat: [5, 1, 4, 2, null],
    ces: [1, 7, 2, 3, 3],
  });
  const plain = aq.table({
    channel: t.array("channel") as unknown[],
    nps_score: t.array("nps_score") as unknown[],
    csat: t.array("csat") as unknown[],
    ces: t.array("ces") as unknown[],
  });
  for (const [kpiName, kpi] of KPIS) {
    for (const options of [{}, { by: "channel" }]) {
      assertEquals(
        kpi(t, options).objects(),
        kpi(plain, { ...options, aggregate: "arquero" }).objects(),
        `${kpiName} ${JSON.stringify(options)}`,
      );
    }
  }
  // Worked by hand: chat (3, 8, 9) and phone (10, null); results are sorted by key.
  assertEquals(
    (nps(t, { by: "channel" }).objects() as Record<string, unknown>[])
      .map((r) => [r.channel, r.n, r.promoters, r.detractors]),
    [["chat", 3, 1, 1], ["phone", 1, 1, 0]],
  );
});

Deno.test("kernel = Arquero path: periods in zones with half- and quarter-hour offsets", () => {
  const zones = ["Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham"];
  for (const seed of [5, 6]) {
    const t = randomTable(seed, 400);
    const compact = compactTable(t, { maxDistinctShare: 1 });
    for (const timeZone of zones) {
      for (const options of [{ period: "month" }, { by: "channel", period: "day" }] as const) {
        for (const [kpiName, kpi] of KPIS) {
          const reference = kpi(t, { ...options, timeZone, aggregate: "arquero" }).objects();
          const label = `${kpiName} ${timeZone} ${JSON.stringify(options)}`;
          assertEquals(kpi(t, { ...options, timeZone }).objects(), reference, label);
          assertEquals(
            kpi(compact, { ...options, timeZone }).objects(),
            reference,
            `${label}, compact`,
          );
        }
      }
    }
  }
});
