import {
  columnFromArray,
  float64,
  int64,
  tableFromColumns,
  tableToIPC,
  timestamp,
  TimeUnit,
  utf8,
} from "@uwdata/flechette";
import * as aq from "arquero";
import { assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { CxDataError, nps, readJson, validate, writeJson } from "../../src/mod.ts";
import { readArrow } from "../../src/entries/io.ts";
import { CodedColumn, InstantColumn } from "../../src/kernels/columns.ts";

Deno.test("readJson: rows and columns, validated like CSV", async () => {
  const rows = [
    { customer_id: "K1", date: "2024-01-05", revenue: 19.9, type: "order" },
    { customer_id: "K2", date: "2024-01-06T10:00:00Z", revenue: "7.5" },
    { customer_id: "", date: "2024-01-07" },
  ];
  const { table, rejects } = await readJson(rows, { schema: "events" });
  assertEquals(table.objects(), [
    { customer_id: "K1", date: new Date("2024-01-05T00:00:00Z"), type: "order", revenue: 19.9 },
    { customer_id: "K2", date: new Date("2024-01-06T10:00:00Z"), type: null, revenue: 7.5 },
  ]);
  assertEquals([rejects.get("row", 0), rejects.get("column", 0)], [3, "customer_id"]);

  const columns = await readJson(JSON.stringify({ customer_id: ["K1"], date: ["01.02.2024"] }), {
    schema: "events",
  });
  assertEquals(columns.table.get("date", 0), new Date("2024-02-01T00:00:00Z"));
  // A top level that is not rows is bad data (CxDataError since issue #13; was CxSchemaError).
  const error = await assertRejects(() => readJson("[1, 2]\n"), CxDataError);
  assertMatch(error.message, /item 1 is number/);
});

Deno.test("writeJson → readJson round trip", async () => {
  const { table } = await readJson([{ customer_id: "K1", date: "2024-01-05", revenue: 1 }], {
    schema: "events",
  });
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await writeJson(table, path);
  const back = await readJson(path, { schema: "events" });
  assertEquals(back.table.objects(), table.objects());
});

Deno.test("readArrow: 64-bit integers become numbers, ids become exact text, loss is reported", async () => {
  const big = 2n ** 60n + 1n; // not representable as a double
  const ipc = tableToIPC(
    tableFromColumns({
      customer_id: columnFromArray([big, 7n], int64()),
      date: columnFromArray(["2024-01-05", "2024-01-06"], utf8()),
      revenue: columnFromArray([1.5, 2.25], float64()),
      orders: columnFromArray([3n, 4n], int64()),
      counter: columnFromArray([big, 1n], int64()),
    }),
    {},
  )!;
  const { table, summary } = await readArrow(ipc, { schema: "events" });
  assertEquals(table.array("customer_id"), ["1152921504606846977", "7"]);
  assertEquals(table.array("orders"), [3, 4]);
  assertEquals(typeof table.get("counter", 0), "number");
  assertEquals(table.array("revenue"), [1.5, 2.25]);
  // Sums over converted columns work (they would throw on BigInt mixed with numbers).
  assertEquals((table.array("orders") as number[]).reduce((a, b) => a + b, 0), 7);
  assertEquals(summary.warnings.length, 1);
  assertMatch(summary.warnings[0], /counter: 1 64-bit integer exceed 2\^53/);
});

Deno.test("readArrow: text and dates come back compact; values, rejects and analyses as the plain form", async () => {
  const n = 400;
  const channels = ["chat", "mail", null, "phone"];
  const rows = Array.from({ length: n }, (_, i) => ({
    response_id: i === 7 ? "" : `r${i}`,
    date: new Date(Date.UTC(2024, i % 12, 1 + (i % 28), i % 3 === 0 ? 0 : 13)),
    nps_score: i % 50 === 3 ? 11 : (i * 7) % 11,
    channel: channels[Math.floor(i / 12) % 4],
    comment: i % 5 === 0 ? "ok, danke 😀" : null,
  }));
  const columns = Object.fromEntries(
    Object.keys(rows[0]).map((k) => [k, rows.map((r) => r[k as keyof typeof r])]),
  );
  const ipc = tableToIPC(
    tableFromColumns({
      response_id: columnFromArray(columns.response_id, utf8()),
      date: columnFromArray(columns.date, timestamp(TimeUnit.MILLISECOND, "UTC")),
      nps_score: columnFromArray(columns.nps_score, float64()),
      channel: columnFromArray(columns.channel, utf8()),
      comment: columnFromArray(columns.comment, utf8()),
    }),
    {},
  )!;
  const compact = await readArrow(ipc, { schema: "responses" });
  assertEquals(compact.table.column("channel") instanceof CodedColumn, true);
  assertEquals(compact.table.column("comment") instanceof CodedColumn, true);
  assertEquals(compact.table.column("date") instanceof InstantColumn, true);
  // The plain form: the same rows as JavaScript values, through the same validation.
  const plain = validate(aq.table(columns), { schema: "responses" });
  assertEquals(plain.table.column("channel") instanceof CodedColumn, false);
  assertEquals(compact.table.objects(), plain.table.objects());
  assertEquals(compact.rejects.objects(), plain.rejects.objects());
  assertEquals(compact.rejects.numRows(), 9); // 8 scores of 11, 1 blank id
  const byChannel = (t: typeof plain.table) => nps(t, { by: "channel", period: "month" }).objects();
  assertEquals(byChannel(compact.table), byChannel(plain.table));
  assertEquals(byChannel(compact.table).length, 36); // 3 channels (null left out) × 12 months
});
