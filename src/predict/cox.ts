/**
 * The Cox proportional-hazards model: `coxPh` fits it by Newton–Raphson on
 * the partial likelihood and returns the model as tidy tables, checked
 * against R survival's `coxph`, `cox.zph` and `survfit.coxph`.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CxDataError, CxOptionsError } from "../errors.ts";
import { attachMeta, type CoxMeta } from "../meta.ts";

export type { CoxMeta };
import { checkCall, optionNames } from "../options.ts";
import { requireColumn } from "../base/plan.ts";
import { refuseEngine, runsInEngine } from "../engine/dispatch.ts";
import type { SqlEngine } from "../engine/engine.ts";
import { checkConfidence, normalCdf, zFor } from "../stats/distributions.ts";
import { chiSquareUpper } from "../analysis/survival/logrank.ts";
import { type CoxDesign, coxDesign, encodeRow, strataLabel } from "./cox_design.ts";
import { type CoxFit, fitCox } from "./cox_fit.ts";
import { concordance, zphTest } from "./cox_checks.ts";
import { type Baseline, baselines, survivalAt } from "./cox_survival.ts";

/** Options of {@link coxPh}. */
export interface CoxOptions {
  /** Follow-up time column (numbers ≥ 0). Default `"time"`. */
  time?: string;
  /** Event column: 1/true for an event, 0/false for censored. Default `"event"`. */
  event?: string;
  /** Covariate columns: numbers, booleans (0/1) or text (treatment-coded, one term per level but the reference). */
  covariates: string[];
  /** Strata columns: each stratum has its own baseline hazard (R's `strata()`). */
  strata?: string | string[];
  /** Tied event times: `"efron"` (default, as R) or `"breslow"`. */
  ties?: "efron" | "breslow";
  /** Confidence level of hazard-ratio and survival intervals. Default 0.95. */
  confidence?: number;
  /** Level order of text covariates, reference first; default: sorted, the first is the reference. */
  levels?: Record<string, string[]>;
  /** Refused: the fit needs every row in memory (no SQL form). */
  engine?: SqlEngine;
}

const COX_OPTIONS = optionNames<CoxOptions>()([
  "time",
  "event",
  "covariates",
  "strata",
  "ties",
  "confidence",
  "levels",
  "engine",
]);

/** Options of {@link CoxModel.survival}. */
export interface CoxSurvivalOptions {
  /** Times to predict survival at. */
  times: number[];
}

/** A fitted Cox model. */
export interface CoxModel {
  /** term, coef, std_err, hazard_ratio, hazard_ratio_low, hazard_ratio_high, statistic (Wald z), p_value. */
  coefficients: ColumnTable;
  /** Harrell's concordance of the linear predictor (as R's `coxph`). */
  concordance: number;
  /** Log partial likelihood at the fitted coefficients. */
  logLik: number;
  /** test (`likelihood_ratio`, `wald`, `score`), statistic, df, p_value: each of all coefficients = 0. */
  tests: ColumnTable;
  /** Coefficients by term. */
  params: Record<string, number>;
  /** The coefficients table (the tidy parameters). */
  table(): ColumnTable;
  /**
   * Predicted survival of each row of `newdata` (covariate columns, and strata
   * columns when stratified) at `times`: row (1-based row of newdata), time,
   * survival, survival_low, survival_high (log transform, as R's `survfit`),
   * std_err (of survival). Times after the stratum's last follow-up give nulls.
   */
  survival(newdata: ColumnTable, options: CoxSurvivalOptions): ColumnTable;
  /** R's `cox.zph(fit, transform = "km")`: term, statistic, df, p_value, one row per covariate and `GLOBAL`. */
  proportionalHazards(): ColumnTable;
}

/**
 * Fits a Cox proportional-hazards model (R survival's `coxph`): Newton–Raphson
 * on the partial likelihood from β = 0 (step halving, convergence at 1e-9
 * relative change of the log partial likelihood, at most 20 iterations),
 * Efron's or Breslow's ties, strata; standard errors from the inverse
 * information. Text covariates become treatment-coded terms named
 * `column=level`, against the first level in sorted order (or the first of
 * `levels[column]`). Rows with a missing value in any model column are left
 * out (R's `na.omit`) and counted in `meta(model.coefficients).notes.missing`.
 * Collinear or constant covariates, and a fit that does not converge, are a
 * `CxDataError`. It fits in memory: option `engine` is refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { coxPh } from "./cox.ts";
 * const t = aq.table({
 *   time: [5, 8, 12, 3, 9, 14, 6, 11],
 *   event: [1, 1, 0, 1, 1, 0, 1, 1],
 *   plan: ["basic", "pro", "pro", "basic", "basic", "pro", "basic", "pro"],
 * });
 * const model = coxPh(t, { covariates: ["plan"] });
 * assert.deepEqual(model.coefficients.array("term"), ["plan=pro"]);
 * assert.ok(model.coefficients.get("hazard_ratio", 0) < 1);
 * const s = model.survival(aq.table({ plan: ["basic"] }), { times: [6] });
 * assert.ok(s.get("survival", 0) > 0 && s.get("survival", 0) < 1);
 * ```
 */
export function coxPh(table: ColumnTable, options: CoxOptions): CoxModel {
  const { input, options: opts } = checkCall("coxPh", table, options, COX_OPTIONS);
  if (runsInEngine(input, opts)) {
    refuseEngine("coxPh", "a Cox fit iterates over every row's time, event and covariates");
  }
  const cols = resolve(input, opts);
  const design = coxDesign(input, cols);
  const efron = cols.ties === "efron";
  const fit = fitCox(design.data, efron, design.terms);
  const meta = coxMeta(design, cols, fit);
  const strata = baselines(design.data, fit.beta, efron, design.strata.length);
  const params = Object.fromEntries(design.terms.map((t, j) => [t, fit.beta[j]]));
  const coefficients = coefficientTable(design, fit, cols.confidence, meta);
  return {
    coefficients,
    concordance: concordance(design.data, fit.beta),
    logLik: fit.logLik[1],
    tests: testTable(fit, meta),
    params,
    table: () => coefficients,
    survival: (newdata, o) => predictSurvival(design, cols, fit, strata, meta, newdata, o),
    proportionalHazards: () => {
      const rows = zphTest(design.data, fit.beta, efron, cols.covariates, design.termCovariate);
      return attachMeta(aq.from(rows), { ...meta, table: "proportionalHazards" });
    },
  };
}

interface Resolved {
  time: string;
  event: string;
  covariates: string[];
  strata: string[];
  levels: Record<string, string[]>;
  ties: "efron" | "breslow";
  confidence: number;
}

function resolve(table: ColumnTable, o: CoxOptions): Resolved {
  const time = o.time ?? "time", event = o.event ?? "event";
  if (!Array.isArray(o.covariates) || o.covariates.length === 0) {
    throw new CxOptionsError(
      `coxPh: option "covariates" must list at least one column, such as { covariates: ["age"] }, got ${
        JSON.stringify(o.covariates)
      }`,
    );
  }
  const strata = o.strata === undefined ? [] : Array.isArray(o.strata) ? o.strata : [o.strata];
  const ties = o.ties ?? "efron";
  if (ties !== "efron" && ties !== "breslow") {
    throw new CxOptionsError(
      `coxPh: option "ties" must be "efron" or "breslow", got ${JSON.stringify(ties)}`,
    );
  }
  const confidence = o.confidence ?? 0.95;
  checkConfidence(confidence);
  requireColumn(table, time, "time");
  requireColumn(table, event, "event");
  o.covariates.forEach((c) => requireColumn(table, c, "covariates"));
  strata.forEach((c) => requireColumn(table, c, "strata"));
  const used = [time, event, ...o.covariates, ...strata];
  const twice = used.find((c, i) => used.indexOf(c) !== i);
  if (twice !== undefined) {
    throw new CxOptionsError(
      `coxPh: column "${twice}" is named twice among time, event, covariates and strata; name each once`,
    );
  }
  const levels = o.levels ?? {};
  for (const name of Object.keys(levels)) {
    if (!o.covariates.includes(name) || !Array.isArray(levels[name])) {
      throw new CxOptionsError(
        `coxPh: option "levels" has "${name}", which must be a covariate with a list of its levels, such as { levels: { ${name}: ["a", "b"] } }`,
      );
    }
  }
  return { time, event, covariates: o.covariates, strata, levels, ties, confidence };
}

function coxMeta(design: CoxDesign, cols: Resolved, fit: CoxFit): CoxMeta & { kind: "cox" } {
  const notes: Record<string, string> = {
    method:
      `Newton–Raphson on the partial likelihood, ${cols.ties} ties, ${fit.iterations} iterations; standard errors from the inverse information`,
  };
  if (design.omitted) {
    notes.missing = `${design.omitted} row${
      design.omitted === 1 ? "" : "s"
    } with a missing value in a model column left out`;
  }
  for (const c of design.covariates) {
    if (c.levels) {
      notes[`reference.${c.name}`] = `reference level of "${c.name}": ${
        JSON.stringify(c.levels[0])
      }`;
    }
  }
  const d = design.data;
  return {
    kind: "cox",
    table: "coefficients",
    ties: cols.ties,
    confidence: cols.confidence,
    columns: {
      time: cols.time,
      event: cols.event,
      covariates: cols.covariates,
      strata: cols.strata,
    },
    n: d.n,
    events: d.event.reduce((s, e) => s + e, 0),
    notes,
  };
}

function coefficientTable(
  design: CoxDesign,
  fit: CoxFit,
  confidence: number,
  meta: CoxMeta & { kind: "cox" },
) {
  const z = zFor(confidence);
  const se = fit.beta.map((_, j) => Math.sqrt(fit.variance[j][j]));
  const stat = fit.beta.map((b, j) => b / se[j]);
  const t = aq.table({
    term: design.terms,
    coef: fit.beta,
    std_err: se,
    hazard_ratio: fit.beta.map(Math.exp),
    hazard_ratio_low: fit.beta.map((b, j) => Math.exp(b - z * se[j])),
    hazard_ratio_high: fit.beta.map((b, j) => Math.exp(b + z * se[j])),
    statistic: stat,
    p_value: stat.map((s) => 2 * normalCdf(-Math.abs(s))),
  });
  return attachMeta(t, meta);
}

function testTable(fit: CoxFit, meta: CoxMeta & { kind: "cox" }): ColumnTable {
  const p = fit.beta.length;
  const info = infoFromVariance(fit);
  let wald = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) wald += fit.beta[i] * info[i][j] * fit.beta[j];
  }
  const statistic = [2 * (fit.logLik[1] - fit.logLik[0]), wald, fit.score];
  return attachMeta(
    aq.table({
      test: ["likelihood_ratio", "wald", "score"],
      statistic,
      df: [p, p, p],
      p_value: statistic.map((s) => chiSquareUpper(s, p)),
    }),
    { ...meta, table: "tests" },
  );
}

/** Vᵀ⁻¹ by Gauss–Jordan (p is small): the Wald test is βᵀ·V⁻¹·β, as R computes it. */
function infoFromVariance(fit: CoxFit): number[][] {
  const p = fit.beta.length;
  const m = fit.variance.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < p; c++) {
    const pivot = m[c][c];
    for (let k = 0; k < 2 * p; k++) m[c][k] /= pivot;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let k = 0; k < 2 * p; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row) => row.slice(p));
}

function predictSurvival(
  design: CoxDesign,
  cols: Resolved,
  fit: CoxFit,
  strata: Baseline[],
  meta: CoxMeta & { kind: "cox" },
  newdata: ColumnTable,
  options: CoxSurvivalOptions,
): ColumnTable {
  const { input } = checkCall("survival", newdata, options, ["times"]);
  const times = options?.times;
  if (
    !Array.isArray(times) || times.length === 0 ||
    times.some((t) => typeof t !== "number" || !(t >= 0))
  ) {
    throw new CxOptionsError(
      `survival: option "times" must list times ≥ 0, such as { times: [30, 90] }, got ${
        JSON.stringify(times)
      }`,
    );
  }
  const needed = [...cols.covariates, ...cols.strata];
  needed.forEach((c) => requireColumn(input, c, "newdata"));
  const values = needed.map((c) => input.array(c) as ArrayLike<unknown>);
  const zCrit = zFor(cols.confidence);
  const rows: Record<string, number | null>[] = [];
  for (let i = 0; i < input.numRows(); i++) {
    const { z, stratum } = newdataRow(design, needed, values.map((v) => v[i]), i);
    for (const t of times) {
      rows.push({
        row: i + 1,
        time: t,
        ...survivalAt(strata[stratum], z, fit.beta, fit.variance, t, zCrit),
      });
    }
  }
  return attachMeta(
    aq.from(rows).select("row", "time", "survival", "survival_low", "survival_high", "std_err"),
    {
      ...meta,
      table: "survival",
    },
  );
}

/** One newdata row: its centred design and its stratum's code; a bad value is a `CxDataError`. */
function newdataRow(
  design: CoxDesign,
  needed: string[],
  row: unknown[],
  i: number,
): { z: number[]; stratum: number } {
  const problem = (k: number, reason: string) =>
    new CxDataError(
      [{
        row: i + 1,
        column: needed[k],
        value: row[k] === null || row[k] === undefined ? null : String(row[k]),
        reason,
      }],
      1,
      "survival",
    );
  row.forEach((v, k) => {
    if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) {
      throw problem(k, "a missing value; every model column needs a value to predict");
    }
  });
  design.covariates.forEach((c, k) => {
    if (c.levels && !c.levels.includes(row[k] as string)) {
      throw problem(k, `not a level of the fitted model (${c.levels.join(", ")})`);
    }
    if (!c.levels && typeof row[k] !== "number" && typeof row[k] !== "boolean") {
      throw problem(k, "must be a number, as in the fitted data");
    }
  });
  const x = new Float64Array(design.terms.length);
  encodeRow(design.covariates, row, x, 0);
  const k = design.covariates.length;
  const stratum = design.strata.length > 1 ? design.strata.indexOf(strataLabel(row.slice(k))) : 0;
  if (stratum < 0) {
    throw new CxDataError(
      [{
        row: i + 1,
        column: needed.slice(k).join(", "),
        value: strataLabel(row.slice(k)),
        reason: `no such stratum in the fitted data; strata: ${design.strata.join(" | ")}`,
      }],
      1,
      "survival",
    );
  }
  return { z: Array.from(x, (v, j) => v - design.data.means[j]), stratum };
}
