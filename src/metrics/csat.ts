/**
 * Customer satisfaction (CSAT): the share of top-box answers on the declared
 * scale, and the mean score, each with an interval.
 *
 * @module
 */
import type { EngineAnalysis } from "../engine/dispatch.ts";
import type { KpiOptions, WeightOptions } from "../base/plan.ts";
import { estimateColumns, scaleKpi } from "./scale.ts";
import { csatBox, type CsatScale } from "../schema/scales.ts";

/** Options of {@link csat}. */
export interface CsatOptions extends KpiOptions, WeightOptions {
  /** Score column (default `"csat"`). */
  score?: string;
  /** Top of the declared scale: 5, 7 or 10 (default 5, i.e. 1–5). */
  scale?: CsatScale;
  /** How many top answers count as satisfied (default 2: 4–5 on 1–5, 9–10 on 1–10). */
  topBox?: number;
}

/** The CSAT result columns after the group keys, in order. */
export const CSAT_COLUMNS: readonly string[] = [
  "n",
  "n_effective",
  "top_box",
  ...estimateColumns("csat"),
  "mean",
  "sd",
  "mean_low",
  "mean_high",
  "degenerate_interval",
];

/**
 * CSAT per group: `n, n_effective, top_box` (answers in the top box), `csat` (top-box
 * share in percent) with a Wilson interval `csat_low, csat_high`, and the
 * mean score with a Student t interval `mean_low, mean_high`, kept inside
 * the scale (clipping is counted in `meta(result).notes.clipped`).
 * `degenerate_interval` is `true` where every answer is the same, so the t
 * interval would have zero width: the mean interval is then the conservative
 * bounded-score one (Wilson on the mean rescaled to [0, 1]); `null` below
 * 2 answers. Scores outside the declared scale raise a `CxDataError` naming
 * the column.
 *
 * Survey weights (option `weight`, by default the table's `weight` column;
 * `weight: null` for none): the share and the mean are weighted, and their
 * intervals use Kish's effective n = (Σw)²/Σw² (`n_effective`; `n` stays the
 * count of answers): Wilson at n_eff, and t with n_eff − 1 degrees of
 * freedom on the weighted sd (variance Σw(x − m)²/Σw · n_eff/(n_eff − 1)).
 * Missing, negative or non-finite weights of answers, and a group whose
 * weights sum to 0, raise a `CxDataError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { csat } from "./csat.ts";
 * const t = aq.table({ csat: [5, 4, 4, 2, 1] });
 * const r = csat(t);
 * assert.ok(r.get("csat", 0) === 60 && r.get("mean", 0) === 3.2);
 * ```
 *
 * With an SQL engine in `options.engine` (DuckDB, PostgreSQL, ClickHouse),
 * a server table `{ engine, table }` or a CSV/Parquet path as input, the
 * aggregate step runs in the engine and the call resolves to the same
 * result (`meta(result).engine`, and the SQL in `meta(result).queries` with
 * `explain: true`): `await csat(answers, { engine: duckdbEngine() })`.
 */
export const csat: EngineAnalysis<CsatOptions> = scaleKpi<CsatOptions>({
  kpi: "csat",
  box: csatBox,
  boxOption: "topBox",
  better: "higher",
  from: [
    "n",
    "n_effective",
    "box",
    "share",
    "share_low",
    "share_high",
    "mean",
    "sd",
    "mean_low",
    "mean_high",
  ],
  method: "wilson (top box), student-t (mean; bounded-score where all answers are equal)",
  columns: CSAT_COLUMNS,
});
