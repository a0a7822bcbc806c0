/**
 * The survey-weight reference (tests/fixtures/weights, made by
 * make_weights.py with statsmodels `DescrStatsW`): the answers, the expected
 * values, and checks of a KPI result against them to 1e-9.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { NPS_COLUMNS, readCsv } from "../../src/mod.ts";
import { assertClose } from "./fixtures.ts";

const HERE = new URL("../fixtures/weights/", import.meta.url);

/** Expected values of one group, by result field. */
export type Expected = Record<string, number | Record<string, number>>;

/** The reference values (see make_weights.py for what each one is). */
export const WEIGHTED: {
  nps: { channel: Record<string, Expected>; month: Record<string, Expected> };
  csat: Record<string, Expected>;
  ces: Record<string, Expected>;
  ces_month: Record<string, Expected>;
  npsCompare: Record<string, number | string>;
  segment: Record<string, Expected>;
  sample_de: {
    accepted: number;
    weighted: Expected;
    unweighted: Expected;
    english_rows: number;
    pooled_report: Expected;
  };
} = JSON.parse(Deno.readTextFileSync(new URL("weighted_kpis.json", HERE)));

/** answers.csv, loaded as responses (its `weight` column is the canonical one). */
export async function weightedAnswers(): Promise<ColumnTable> {
  return (await readCsv(new URL("answers.csv", HERE), { schema: "responses" })).table;
}

/** The fields of an NPS result the reference gives: all but the counts and the adjusted-Wald ones. */
const NPS_FIELDS = NPS_COLUMNS.filter((c) =>
  !["promoters", "passives", "detractors", "nps_adjusted", "degenerate_interval"].includes(c)
);

/**
 * Checks every row of an NPS result against the reference groups (`key`
 * names the group column; without it the one row is group "all").
 */
export function checkNps(result: ColumnTable, groups: Record<string, Expected>, key?: string) {
  checkRows(result, groups, key, Object.fromEntries(NPS_FIELDS.map((f) => [f, f])));
}

/** Result column → reference field of CSAT and CES. */
export const SCALE_FIELDS = {
  csat: {
    n: "n",
    n_effective: "n_effective",
    top_box: "box",
    csat: "share",
    csat_low: "share_low",
    csat_high: "share_high",
    mean: "mean",
    sd: "sd",
    mean_low: "mean_low",
    mean_high: "mean_high",
  },
  ces: {
    n: "n",
    n_effective: "n_effective",
    ces: "mean",
    ces_low: "mean_low",
    ces_high: "mean_high",
    sd: "sd",
    low_effort: "box",
    pct_low_effort: "share",
    pct_low_effort_low: "share_low",
    pct_low_effort_high: "share_high",
  },
};

/** Checks the rows of a result against reference groups, column by column (`fields`: column → reference). */
export function checkRows(
  result: ColumnTable,
  groups: Record<string, Expected>,
  key: string | undefined,
  fields: Record<string, string>,
): void {
  const rows = result.objects() as Record<string, unknown>[];
  const expected = key === undefined ? ["all"] : Object.keys(groups).filter((g) => g !== "all");
  if (rows.length !== expected.length) {
    throw new Error(`${rows.length} result rows, expected ${expected.length} (${expected})`);
  }
  for (const row of rows) {
    const group = key === undefined ? "all" : String(row[key]);
    const want = groups[group];
    if (!want) throw new Error(`group ${group} is not in the reference`);
    for (const [column, field] of Object.entries(fields)) {
      assertClose(row[column], want[field], `${group} ${column}`);
    }
  }
}
