/**
 * Large-file load benchmark (issue "Speed of the machine"): a deterministic
 * CSV of 10M events (500k customers, 8 text segments, ISO dates over 730
 * days) loaded and validated by `readLargeCsv` (cxkit's byte-level reader)
 * and by `readCsvDuckdb` (DuckDB parses, cxkit validates) against DuckDB's
 * own typed `read_csv` into a table, then the same aggregate on the loaded data (event
 * counts by segment × month: cxkit's kernel on the compact table vs DuckDB
 * SQL). Each engine runs in its own process, so peak memory (VmHWM) is its
 * own; medians of `--runs`. The engines' aggregates are compared before any
 * ratio is printed.
 *
 *     deno run -A bench/load_large.ts [--rows 10000000] [--runs 3]
 *
 * @module
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "10000000" },
    runs: { type: "string", default: "3" },
    engine: { type: "string" },
    file: { type: "string" },
  },
});

const SEGMENTS = ["retail", "smb", "enterprise", "public", "partner", "edu", "health", "other"];
const TYPES = ["visit", "order", "support", "login"];

/** Writes the events file in blocks (deterministic integer formulas, no RNG state). */
async function writeEvents(path: string, rows: number): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  const days = Array.from(
    { length: 730 },
    (_, d) => new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10),
  );
  try {
    await file.write(encoder.encode("customer_id,date,type,segment\n"));
    for (let start = 0; start < rows; start += 100_000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(rows, start + 100_000); i++) {
        const customer = (i * 7_919) % 500_000;
        lines.push(
          `C${customer},${days[(i * 104_729) % 730]},${TYPES[i % 4]},${SEGMENTS[customer % 8]}`,
        );
      }
      await file.write(encoder.encode(lines.join("\n") + "\n"));
    }
  } finally {
    file.close();
  }
}

interface Report {
  loadSeconds: number;
  aggregateSeconds: number;
  rows: number;
  peakMiB: number;
  counts: Record<string, number>;
}

function peakMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

async function child(engine: string, file: string): Promise<Report> {
  const t0 = performance.now();
  if (engine === "duckdb") {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run("CREATE TABLE events AS SELECT * FROM read_csv($1)", [file]);
    const rows = Number(
      (await connection.runAndReadAll("SELECT count(*)::DOUBLE AS n FROM events"))
        .getRowObjectsJS()[0].n,
    );
    const t1 = performance.now();
    const result = await connection.runAndReadAll(
      `SELECT segment, strftime(date, '%Y-%m') AS period, count(*)::DOUBLE AS n
       FROM events GROUP BY ALL`,
    );
    const counts: Record<string, number> = {};
    for (const r of result.getRowObjectsJS()) counts[`${r.segment}|${r.period}`] = Number(r.n);
    const t2 = performance.now();
    connection.closeSync();
    instance.closeSync();
    return {
      loadSeconds: (t1 - t0) / 1000,
      aggregateSeconds: (t2 - t1) / 1000,
      rows,
      peakMiB: peakMiB(),
      counts,
    };
  }
  const { readLargeCsv } = await import("../src/io/csv_large.ts");
  const { groupCodes } = await import("../src/kernels/groups.ts");
  const parser = engine === "cxkit" ? "cxkit" : "duckdb";
  const loaded = await readLargeCsv(file, { schema: "events", parser });
  if (loaded.engine !== parser) throw new Error("readLargeCsv fell back to readCsv");
  if (loaded.rejects.numRows() !== 0) throw new Error("unexpected rejects");
  const t1 = performance.now();
  const g = groupCodes(loaded.table, ["segment"], {
    column: "date",
    period: "month",
    timeZone: "UTC",
  });
  const n = new Float64Array(g.groups);
  for (let i = 0; i < g.codes.length; i++) n[g.codes[i]]++;
  const counts: Record<string, number> = {};
  for (let k = 0; k < g.groups; k++) counts[`${g.values[0][k]}|${g.values[1][k]}`] = n[k];
  const t2 = performance.now();
  return {
    loadSeconds: (t1 - t0) / 1000,
    aggregateSeconds: (t2 - t1) / 1000,
    rows: loaded.table.numRows(),
    peakMiB: peakMiB(),
    counts,
  };
}

if (values.engine) {
  console.log(JSON.stringify(await child(values.engine, values.file!)));
} else {
  const rows = Number(values.rows);
  const dir = new URL("./data/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const file = new URL(`events_${rows}.csv`, dir).pathname;
  try {
    await Deno.stat(file);
  } catch {
    console.log(`writing ${file}…`);
    await writeEvents(file, rows);
  }
  const measure = async (engine: string): Promise<Report> => {
    const results: Report[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", import.meta.filename!, "--engine", engine, "--file", file],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      if (!out.success) throw new Error(`${engine} run failed`);
      results.push(JSON.parse(new TextDecoder().decode(out.stdout)));
    }
    results.sort((a, b) => a.loadSeconds - b.loadSeconds);
    return results[Math.floor(results.length / 2)];
  };
  const cxkit = await measure("cxkit");
  const viaDuckdb = await measure("cxkit-duckdb");
  const duckdb = await measure("duckdb");
  const keys = Object.keys(duckdb.counts);
  const same = keys.length === Object.keys(cxkit.counts).length &&
    keys.every((k) => duckdb.counts[k] === cxkit.counts[k]);
  const same2 = keys.every((k) => duckdb.counts[k] === viaDuckdb.counts[k]);
  if (!same || !same2 || cxkit.rows !== duckdb.rows) throw new Error("engines disagree");
  const line = (name: string, r: Report) =>
    console.log(
      `${name}: load ${r.loadSeconds.toFixed(2)} s, aggregate ${
        r.aggregateSeconds.toFixed(3)
      } s, peak ${r.peakMiB.toFixed(0)} MiB`,
    );
  console.log(
    `${rows.toLocaleString("en-US")} events; ${keys.length} segment × month counts agree`,
  );
  line("cxkit readLargeCsv (validated) + kernel  ", cxkit);
  line("cxkit readCsvDuckdb (validated) + kernel ", viaDuckdb);
  line("DuckDB read_csv (own types) + SQL        ", duckdb);
  console.log(
    `readCsvDuckdb/DuckDB: load ${(viaDuckdb.loadSeconds / duckdb.loadSeconds).toFixed(2)}×, ` +
      `peak memory ${(viaDuckdb.peakMiB / duckdb.peakMiB).toFixed(2)}×`,
  );
  console.log(
    `readLargeCsv/DuckDB: load ${(cxkit.loadSeconds / duckdb.loadSeconds).toFixed(2)}× ` +
      `(target ≤ 2×), aggregate ${
        (cxkit.aggregateSeconds / duckdb.aggregateSeconds).toFixed(2)
      }×, ` +
      `peak memory ${(cxkit.peakMiB / duckdb.peakMiB).toFixed(2)}× (target ≤ 1.5×)`,
  );
}
