/**
 * NPS by channel × month on a CSV path scanned by DuckDB, whose date column
 * is read by cxkit's date rules (each distinct text parsed once, see
 * src/engine/scan.ts): 2M answers with plain dates (730 distinct) and with
 * zone-less timestamps (one distinct text per row), months cut in UTC and in
 * Berlin. Prints the median of `--runs` calls per file and zone.
 *
 *     deno run -A bench/scan_dates.ts [--rows 2000000] [--runs 3]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { duckdbEngine, nps } from "../src/mod.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "2000000" },
    runs: { type: "string", default: "3" },
  },
});
const rows = Number(values.rows), runs = Number(values.runs);
const dir = await Deno.makeTempDir();
const engine = duckdbEngine();
try {
  for (const kind of ["dates", "timestamps"]) {
    const file = `${dir}/${kind}.csv`;
    const lines = ["response_id,date,nps_score,channel"];
    for (let i = 0; i < rows; i++) {
      const day = Date.UTC(2024, 0, 1) + ((i * 7919) % 730) * 86_400_000;
      const text = kind === "dates"
        ? new Date(day).toISOString().slice(0, 10)
        : new Date(day + ((i * 104729) % 86_400) * 1000).toISOString().slice(0, 19);
      lines.push(`r${i},${text},${(i * 37) % 11},${["chat", "web", "email"][i % 3]}`);
    }
    await Deno.writeTextFile(file, lines.join("\n") + "\n");
    for (const zone of ["UTC", "Europe/Berlin"]) {
      const seconds: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        await nps(file, { engine, by: "channel", period: "month", timeZone: zone, dateZone: zone });
        seconds.push((performance.now() - t0) / 1000);
      }
      seconds.sort((a, b) => a - b);
      console.log(
        `${kind}, ${zone}: median ${seconds[Math.floor(runs / 2)].toFixed(2)} s (${
          seconds.map((s) => s.toFixed(2)).join(", ")
        })`,
      );
    }
  }
} finally {
  await engine.close();
  await Deno.remove(dir, { recursive: true });
}
