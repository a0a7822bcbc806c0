// `deno bench` view of the KPI aggregate on 1M answers, NPS by channel × region × month: the
// generic Arquero path is the baseline; the typed-array kernel runs on plain arrays and on the
// compact table loaders return (dictionary codes, epoch ms). bench/nps_duckdb.ts runs 10M rows
// against DuckDB.
import * as aq from "arquero";
import { nps } from "../src/mod.ts";
import { compactTable } from "../src/entries/io.ts";

const rows = 1_000_000;
const CHANNELS = ["chat", "email", "phone", "web"], REGIONS = ["north", "south", "east", "west"];
const days = Array.from({ length: 730 }, (_, d) => new Date(Date.UTC(2024, 0, 1 + d)));
const plain = aq.table({
  channel: Array.from({ length: rows }, (_, i) => CHANNELS[i % 4]),
  region: Array.from({ length: rows }, (_, i) => REGIONS[Math.floor(i / 3) % 4]),
  date: Array.from({ length: rows }, (_, i) => days[(i * 7919) % 730]),
  nps_score: Array.from({ length: rows }, (_, i) => ((i * 37) % 101 + (i % 7)) % 11),
});
const compact = compactTable(plain);
const options = { by: ["channel", "region"], period: "month" as const, timeZone: "Europe/Berlin" };

Deno.bench("generic Arquero aggregate, 1M", { group: "nps", baseline: true }, () => {
  nps(plain, { ...options, aggregate: "arquero" });
});
Deno.bench("kernel, plain arrays, 1M", { group: "nps" }, () => {
  nps(plain, options);
});
Deno.bench("kernel, compact columns, 1M", { group: "nps" }, () => {
  nps(compact, options);
});
