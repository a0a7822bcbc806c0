/**
 * The finalize step of `cumulativeIncidence`: the Aalen–Johansen estimate of
 * each reason's cumulative incidence over the counts per group, time and
 * reason, with the infinitesimal-jackknife standard errors and intervals of
 * R's multi-state `survfit`.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { SurvivalTransform } from "../../meta.ts";
import { zFor } from "../../stats/distributions.ts";
import { survivalInterval } from "./kaplan_meier.ts";

/** The cumulative incidence result columns after the group keys, in order. */
export const CUMULATIVE_INCIDENCE_COLUMNS = [
  "reason",
  "time",
  "n_risk",
  "n_event",
  "n_censor",
  "cumulative_incidence",
  "std_err",
  "cumulative_incidence_low",
  "cumulative_incidence_high",
] as const;

/**
 * Finalize step: the curves of every reason over counts `[by…], time,
 * reason, n` sorted by group and time (`reason` `""` = censored), in the
 * columns of {@link CUMULATIVE_INCIDENCE_COLUMNS}.
 */
export function finalizeCumulativeIncidence(
  counts: ColumnTable,
  by: string[],
  confidence: number,
  transform: SurvivalTransform,
): ColumnTable {
  const z = zFor(confidence);
  const reasons = [...new Set(counts.array("reason") as string[])].filter((r) => r !== "").sort();
  const out: Record<string, unknown[]> = Object.fromEntries(
    [...by, ...CUMULATIVE_INCIDENCE_COLUMNS].map((c) => [c, []]),
  );
  for (const { key, steps } of reasonGroups(counts, by, reasons)) {
    const curves = aalenJohansen(steps, reasons.length);
    reasons.forEach((reason, k) => {
      curves.forEach((c, i) => {
        const f = c.incidence[k], se = c.stdErr[k];
        // survfit_confint(logse = FALSE) turns se into a log-scale se: se/p (0 when se = 0).
        const [low, high] = f > 0 || transform === "plain"
          ? survivalInterval(f, se === 0 ? 0 : se / f, transform, z)
          : [null, null];
        by.forEach((col, j) => out[col].push(key[j]));
        out.reason.push(reason);
        out.time.push(steps[i].time);
        out.n_risk.push(c.atRisk);
        out.n_event.push(steps[i].events[k]);
        out.n_censor.push(steps[i].censored);
        out.cumulative_incidence.push(f);
        out.std_err.push(se);
        out.cumulative_incidence_low.push(low);
        out.cumulative_incidence_high.push(high);
      });
    });
  }
  return aq.table(out);
}

interface Step {
  time: number;
  events: number[];
  censored: number;
}

function reasonGroups(counts: ColumnTable, by: string[], reasons: string[]) {
  const groups: { key: unknown[]; steps: Step[] }[] = [];
  let currentId: string | undefined;
  for (const row of counts.objects() as Record<string, unknown>[]) {
    const key = by.map((c) => row[c]);
    const id = JSON.stringify(key);
    if (id !== currentId) {
      groups.push({ key, steps: [] });
      currentId = id;
    }
    const steps = groups[groups.length - 1].steps;
    let step = steps[steps.length - 1];
    if (!step || step.time !== row.time) {
      step = { time: row.time as number, events: reasons.map(() => 0), censored: 0 };
      steps.push(step);
    }
    const k = reasons.indexOf(row.reason as string);
    if (k < 0) step.censored += row.n as number;
    else step.events[k] += row.n as number;
  }
  return groups;
}

/**
 * Aalen–Johansen estimate and its infinitesimal-jackknife standard error for
 * one initial state and K absorbing reasons.
 *
 * Uᵢ = ∂estimate/∂wᵢ. With h = D/n and h_k = d_k/n at a time t, a customer at
 * risk changes the all-cause survival's derivative by
 * U_S ← U_S(1 − h) − S(t−)(δᵢ − h)/n and the incidence's by
 * U_k ← U_k + U_S·h_k + S(t−)(δᵢₖ − h_k)/n, δ marking the customer's own event.
 * All customers still at risk share one U; after leaving, U_S stays
 * proportional to S and U_k moves by (U_S/S)·ΔF_k, so each leaver contributes
 * (αᵢₖ + rᵢ·F_k(t))² with rᵢ = U_S/S and αᵢₖ = U_k − rᵢF_k at exit: three
 * running sums give Σ U² at every time without revisiting anyone.
 */
function aalenJohansen(steps: Step[], k: number) {
  let atRisk = steps.reduce((s, st) => s + st.censored + st.events.reduce((a, b) => a + b, 0), 0);
  let survival = 1;
  const incidence = new Array<number>(k).fill(0);
  let aS = 0; // shared influence of those still at risk
  const a = new Array<number>(k).fill(0);
  const sumAA = new Array<number>(k).fill(0);
  const sumAR = new Array<number>(k).fill(0);
  const sumRR = new Array<number>(k).fill(0);
  const out: { atRisk: number; incidence: number[]; stdErr: number[] }[] = [];
  for (const step of steps) {
    const n = atRisk;
    const deaths = step.events.reduce((s, d) => s + d, 0);
    const h = deaths / n;
    const before = survival;
    const hk = step.events.map((d) => d / n);
    for (let j = 0; j < k; j++) incidence[j] += before * hk[j];
    survival = before * (1 - h);
    // Leavers with an event of reason j, then the shared no-event update.
    const leave = (count: number, uS: number, u: number[]) => {
      if (count === 0) return;
      const r = survival > 0 ? uS / survival : 0;
      for (let m = 0; m < k; m++) {
        const alpha = u[m] - r * incidence[m];
        sumAA[m] += count * alpha * alpha;
        sumAR[m] += count * alpha * r;
        sumRR[m] += count * r * r;
      }
    };
    if (deaths > 0) {
      const uS = aS * (1 - h) - before * (1 - h) / n;
      for (let j = 0; j < k; j++) {
        if (step.events[j] === 0) continue;
        const u = hk.map((hm, m) => a[m] + aS * hm + before * ((m === j ? 1 : 0) - hm) / n);
        leave(step.events[j], uS, u);
      }
    }
    const stayS = aS * (1 - h) + before * h / n;
    for (let m = 0; m < k; m++) a[m] = a[m] + aS * hk[m] - before * hk[m] / n;
    aS = stayS;
    leave(step.censored, aS, a);
    atRisk -= deaths + step.censored;
    const stdErr = incidence.map((f, m) =>
      Math.sqrt(Math.max(0, sumAA[m] + 2 * f * sumAR[m] + f * f * sumRR[m] + atRisk * a[m] * a[m]))
    );
    out.push({ atRisk: n, incidence: [...incidence], stdErr });
  }
  return out;
}
