/**
 * Customer effort score (CES): the mean effort on a 1–5 or 1–7 scale, where
 * LOWER is better, and the share of low-effort answers.
 *
 * @module
 */
import type { EngineAnalysis } from "../engine/dispatch.ts";
import type { KpiOptions, WeightOptions } from "../base/plan.ts";
import { estimateColumns, scaleKpi } from "./scale.ts";
import { cesBox, type CesScale } from "../schema/scales.ts";

/** Options of {@link ces}. */
export interface CesOptions extends KpiOptions, WeightOptions {
  /** Score column (default `"ces"`). */
  score?: string;
  /** Top of the declared scale: 5 or 7 (default 7, i.e. 1–7). */
  scale?: CesScale;
  /** Highest score that counts as low effort (default 3 on 1–7, 2 on 1–5). */
  lowEffort?: number;
}

/** The CES result columns after the group keys, in order. */
export const CES_COLUMNS: readonly string[] = [
  "n",
  "n_effective",
  ...estimateColumns("ces"),
  "sd",
  "low_effort",
  ...estimateColumns("pct_low_effort"),
  "degenerate_interval",
];

/**
 * CES per group: `n`, `n_effective`, the mean effort `ces` with a Student t interval
 * (`ces_low, ces_high`), `sd`, and the low-effort answers (`low_effort`,
 * `pct_low_effort` in percent, Wilson interval). The mean's interval stays
 * inside the scale (clipping is counted in `meta(result).notes.clipped`);
 * `degenerate_interval` is `true` where every answer is the same, so the t
 * interval would have zero width: it is then the conservative bounded-score
 * interval (Wilson on the mean rescaled to [0, 1]); `null` below 2 answers.
 * Lower effort is better; the result's `meta` says so
 * (`notes.lowerIsBetter`).
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
 * import { ces } from "./ces.ts";
 * const r = ces(aq.table({ ces: [1, 2, 3, 6] }));
 * assert.ok(r.get("ces", 0) === 3 && r.get("pct_low_effort", 0) === 75);
 * ```
 *
 * With an SQL engine in `options.engine` (DuckDB, PostgreSQL, ClickHouse),
 * a server table `{ engine, table }` or a CSV/Parquet path as input, the
 * aggregate step runs in the engine and the call resolves to the same
 * result (`meta(result).engine`, and the SQL in `meta(result).queries` with
 * `explain: true`): `await ces(answers, { engine: duckdbEngine() })`.
 */
export const ces: EngineAnalysis<CesOptions> = scaleKpi<CesOptions>({
  kpi: "ces",
  box: cesBox,
  boxOption: "lowEffort",
  better: "lower",
  from: [
    "n",
    "n_effective",
    "mean",
    "mean_low",
    "mean_high",
    "sd",
    "box",
    "share",
    "share_low",
    "share_high",
  ],
  method: "student-t (mean; bounded-score where all answers are equal), wilson (low-effort share)",
  columns: CES_COLUMNS,
});
