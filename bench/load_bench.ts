// `deno bench` view of the load cost on 100k rows: readCsv (validated) against Arquero's
// fromCSV as the baseline of the same group, so deno prints the ratio. bench/load.ts runs
// the 1M-row version in separate processes with peak memory.
import * as aq from "arquero";
import { readCsv, readLargeCsv } from "../src/mod.ts";
import { responsesCsv } from "./responses_csv.ts";

const text = responsesCsv(100_000);

Deno.bench("arquero fromCSV, 100k responses", { group: "load", baseline: true }, () => {
  aq.fromCSV(text);
});

Deno.bench("cxkit readCsv + validate, 100k responses", { group: "load" }, async () => {
  await readCsv(text, { schema: "responses" });
});

// readLargeCsv reads files: the same 100k rows written once to a temporary file.
const path = await Deno.makeTempFile({ suffix: ".csv" });
await Deno.writeTextFile(path, text);
addEventListener("unload", () => Deno.removeSync(path));

Deno.bench("cxkit readLargeCsv + validate, 100k responses", { group: "load" }, async () => {
  await readLargeCsv(path, { schema: "responses" });
});
