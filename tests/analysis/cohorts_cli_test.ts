// The cohorts CLI loads with readLargeCsv (dictionary-encoded columns); its cells must be exactly
// what cohortRetention gives on the same files loaded with readCsv.
import { assertEquals } from "../assert.ts";
import { cohortsMain } from "../../src/cohorts_cli.ts";
import { cohortRetention, readCsv } from "../../src/mod.ts";
import { toCsv } from "../../src/entries/io.ts";

const sample = (name: string) => new URL(`../../data/sample/${name}`, import.meta.url).pathname;

Deno.test("cohorts CLI (readLargeCsv) = cohortRetention on readCsv tables", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const events = (await readCsv(sample("events.csv"), { schema: "events" })).table;
    const customers = (await readCsv(sample("customers.csv"), { schema: "customers" })).table;
    const cases: [string[], Parameters<typeof cohortRetention>[1]][] = [
      [[], {}],
      [["--segment", "plan", "--customers", sample("customers.csv")], {
        by: "plan",
        signup: customers,
      }],
      [["--revenue", "revenue", "--time-zone", "Europe/Berlin"], {
        revenue: "revenue",
        timeZone: "Europe/Berlin",
      }],
    ];
    for (const [args, options] of cases) {
      const { code, files } = await cohortsMain([
        "--events",
        sample("events.csv"),
        "--out",
        dir,
        "--quiet",
        ...args,
      ]);
      assertEquals(code, 0);
      const expected = toCsv(cohortRetention(events, { period: "month", ...options }));
      assertEquals(await Deno.readTextFile(files[0]), expected, args.join(" "));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
