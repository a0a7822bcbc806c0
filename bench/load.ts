/**
 * Load benchmark: cxkit's `readCsv` (parse + sniff + map + validate + rejects)
 * against Arquero's own `fromCSV` on the same 1M-row responses file, each run
 * in its own process so peak memory (VmHWM) is honest. Prints medians of 3
 * and the ratio. Target: validation costs at most 2× plain parsing. A third
 * and fourth line compare `readCsvDuckdb` (DuckDB parses) and `readLargeCsv`
 * (cxkit's dictionary-encoding reader), both with the same validation, with
 * DuckDB's own typed `read_csv` into a table (target ≤ 2×).
 *
 *     deno run -A bench/load.ts [--rows 1000000] [--runs 3]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { responsesCsv } from "./responses_csv.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    engine: { type: "string" },
    file: { type: "string" },
  },
});

if (values.engine) {
  // Child process: load once, print seconds and peak resident memory.
  const t0 = performance.now();
  let rows = 0;
  if (values.engine === "arquero") {
    const aq = await import("arquero");
    rows = aq.fromCSV(await Deno.readTextFile(values.file!)).numRows();
  } else if (values.engine === "duckdb") {
    // DuckDB's own parallel read_csv into a table: the reference for the fast path.
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run("CREATE TABLE r AS SELECT * FROM read_csv($1)", [values.file!]);
    const reader = await connection.runAndReadAll("SELECT count(*) AS n FROM r");
    rows = Number(reader.getRowObjectsJS()[0].n);
    connection.closeSync();
    instance.closeSync();
  } else if (values.engine === "fast" || values.engine === "large") {
    const { readLargeCsv } = await import("../src/io/csv_large.ts");
    const parser = values.engine === "fast" ? "duckdb" : "cxkit";
    const result = await readLargeCsv(values.file!, { schema: "responses", parser });
    if (result.engine !== parser) throw new Error("readLargeCsv fell back to readCsv");
    rows = result.table.numRows();
  } else {
    const { readCsv } = await import("../src/mod.ts");
    rows = (await readCsv(values.file!, { schema: "responses" })).table.numRows();
  }
  const seconds = (performance.now() - t0) / 1000;
  const status = await Deno.readTextFile("/proc/self/status");
  const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  console.log(JSON.stringify({ seconds, rows, peakMiB: peakKiB / 1024 }));
} else {
  const rows = Number(values.rows);
  const dir = new URL("./data/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const file = new URL(`responses_${rows}.csv`, dir).pathname;
  try {
    await Deno.stat(file);
  } catch {
    await Deno.writeTextFile(file, responsesCsv(rows));
  }
  const measure = async (engine: string) => {
    const results = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", import.meta.filename!, "--engine", engine, "--file", file],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      results.push(JSON.parse(new TextDecoder().decode(out.stdout)));
    }
    results.sort((a, b) => a.seconds - b.seconds);
    return results[Math.floor(results.length / 2)];
  };
  const arquero = await measure("arquero");
  const cxkit = await measure("cxkit");
  const duckdb = await measure("duckdb");
  const fast = await measure("fast");
  const large = await measure("large");
  const fmt = (r: { seconds: number; peakMiB: number; rows: number }) =>
    `${r.seconds.toFixed(2)} s, peak ${r.peakMiB.toFixed(0)} MiB, ${r.rows} rows`;
  console.log(`file: ${file} (${rows} data rows)`);
  console.log(`arquero fromCSV (autoType):            ${fmt(arquero)}`);
  console.log(`cxkit readCsv (validated, with rejects): ${fmt(cxkit)}`);
  console.log(
    `ratio cxkit/arquero: time ${(cxkit.seconds / arquero.seconds).toFixed(2)}×, peak memory ${
      (cxkit.peakMiB / arquero.peakMiB).toFixed(2)
    }× (target: time ≤ 2×)`,
  );
  console.log(`duckdb read_csv (own types, no checks): ${fmt(duckdb)}`);
  console.log(`cxkit readCsvDuckdb (DuckDB + validated): ${fmt(fast)}`);
  console.log(`cxkit readLargeCsv (same validation):    ${fmt(large)}`);
  for (const [name, r] of [["readCsvDuckdb", fast], ["readLargeCsv", large]] as const) {
    console.log(
      `ratio ${name}/duckdb: time ${(r.seconds / duckdb.seconds).toFixed(2)}×, peak memory ${
        (r.peakMiB / duckdb.peakMiB).toFixed(2)
      }× (target: time ≤ 2×)`,
    );
  }
}
