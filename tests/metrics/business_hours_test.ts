import { assertEquals, assertMatch } from "../assert.ts";
import { businessDurationFn } from "../../src/entries/stats.ts";
import { holidayNote } from "../../src/time/business_hours.ts";

const HOUR = 3_600_000;
const at = (s: string) => new Date(s);

Deno.test("business hours without state: the nationwide German holidays are closed days", () => {
  // Thursday 2024-03-28 16:00 CET (15:00Z) → Tuesday 2024-04-02 10:00 CEST (08:00Z), 09:00–17:00.
  // Karfreitag (29 March) and Ostermontag (1 April) are nationwide holidays: 1 h Thu + 1 h Tue.
  const from = at("2024-03-28T15:00:00Z"), to = at("2024-04-02T08:00:00Z");
  const office = { timeZone: "Europe/Berlin" };
  assertEquals(businessDurationFn(office)(from, to), 2 * HOUR);
  // holidays: [] means none: Thu 1 + Fri 8 + Mon 8 + Tue 1 = 18 h.
  assertEquals(businessDurationFn({ ...office, holidays: [] })(from, to), 18 * HOUR);
  // Own dates without state replace the nationwide list: only Monday closed → 1 + 8 + 1 = 10 h.
  assertEquals(businessDurationFn({ ...office, holidays: ["2024-04-01"] })(from, to), 10 * HOUR);
  // With a state, own dates come on top of its holidays.
  assertEquals(
    businessDurationFn({ ...office, state: "BE", holidays: ["2024-04-02"] })(from, to),
    1 * HOUR,
  );
});

Deno.test("holidayNote: says which closed days a calendar uses", () => {
  assertMatch(
    holidayNote({ timeZone: "UTC" }),
    /^nationwide German public holidays \(no businessHours\.state given; .*holidays: \[\] for none\)$/,
  );
  assertEquals(holidayNote({ timeZone: "UTC", holidays: [] }), "none (holidays: [])");
  assertEquals(
    holidayNote({ timeZone: "UTC", holidays: ["2024-12-24", "2024-12-31"] }),
    "only the 2 date(s) in holidays (no businessHours.state given)",
  );
  assertEquals(
    holidayNote({ timeZone: "UTC", state: "BY", holidays: ["2024-12-24"] }),
    "public holidays of Bayern (BY), nationwide and statewide plus 1 own date(s) from holidays",
  );
});
