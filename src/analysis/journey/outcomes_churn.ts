/**
 * Journeys meet churn: time to churn by the number of support contacts or
 * by the channel of a customer's first contact, with Kaplan–Meier medians
 * and log-rank tests of each group against the rest, Holm-corrected.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { pooled, type TableInput } from "../../base/input.ts";
import { type EngineAnalysis, withEngine } from "../../engine/dispatch.ts";
import { CxOptionsError } from "../../errors.ts";
import { attachMeta } from "../../meta.ts";
import { optionNames } from "../../options.ts";
import { checkConfidence } from "../../stats/distributions.ts";
import { holm } from "../../stats/multiple.ts";
import { logRank } from "../survival/logrank.ts";
import { kaplanMeier } from "../survival/kaplan_meier.ts";
import { medianSurvival } from "../survival/median.ts";
import { survivalTimes } from "../survival/times.ts";
import { compareText, type JourneyColumns, journeyColumns, readJourneys } from "./events.ts";
import { checkCount } from "./paths.ts";

/** How customers are grouped. */
export type ChurnSplit = "contacts" | "first-channel";

/** Options of {@link touchpointChurn}. */
export interface TouchpointChurnOptions extends JourneyColumns {
  /** The customers table: `customer_id, signup_date, churn_date` (required). */
  customers: TableInput;
  /** End of observation: churn after it counts as still active; later events are ignored (required). */
  observedUntil: Date;
  /** `"contacts"` (default): number of events; `"first-channel"`: channel of the first event. */
  split?: ChurnSplit;
  /** Touchpoint column of the events (default `"channel"`). */
  channel?: string;
  /** With `split: "contacts"`, this many contacts and more form one group, e.g. `"3+"` (default 3). */
  maxContacts?: number;
  /** Confidence level of the median intervals; tests are significant when `p_adjusted < 1 − confidence` (default 0.95). */
  confidence?: number;
}

/** The names of {@link TouchpointChurnOptions}. */
export const TOUCHPOINT_CHURN_OPTIONS = optionNames<TouchpointChurnOptions>()([
  "customers",
  "observedUntil",
  "split",
  "customer",
  "date",
  "channel",
  "maxContacts",
  "confidence",
]);

/** The {@link touchpointChurn} result columns, in order. */
export const TOUCHPOINT_CHURN_COLUMNS = [
  "group",
  "n",
  "churned",
  "median",
  "median_low",
  "median_high",
  "statistic",
  "df",
  "p_value",
  "p_adjusted",
  "significant",
] as const;

/** Group label of customers without any event (`split: "first-channel"`). */
export const NO_CONTACT = "(none)";

/**
 * Time to churn by journey: one row per group, `group, n, churned, median,
 * median_low, median_high, statistic, df, p_value, p_adjusted, significant`.
 *
 * Every customer of `customers` (time from signup to churn or
 * `observedUntil`, as `survivalTimes`) is put in one group: with `split:
 * "contacts"` the number of their events dated at or before `observedUntil`
 * (`"0"`, `"1"`, …, `"3+"`), with `"first-channel"` the channel of their
 * first event (`"(none)"` without one). Per group, the Kaplan–Meier median
 * time to churn with its interval (`medianSurvival`, `null` while more than
 * half remain), and a log-rank test of the group against all other
 * customers (`logRank`, one degree of freedom); `p_adjusted` is Holm's over
 * the groups. Groups are sorted by label (numbers in order).
 *
 * Runs in memory only (it joins events to customers); `engine` is refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { touchpointChurn } from "./outcomes_churn.ts";
 * const d = (day: number) => new Date(Date.UTC(2025, 0, day));
 * const customers = aq.table({
 *   customer_id: ["a", "b", "c", "e"],
 *   signup_date: [d(1), d(1), d(1), d(1)],
 *   churn_date: [d(10), d(20), null, null],
 * });
 * const events = aq.table({ customer_id: ["a", "a", "b"], date: [d(2), d(3), d(2)], channel: ["phone", "phone", "chat"] });
 * const r = touchpointChurn(events, { customers, observedUntil: d(30), maxContacts: 2 });
 * assert.deepEqual(r.array("group"), ["0", "1", "2+"]);
 * assert.deepEqual(r.array("churned"), [0, 1, 1]);
 * ```
 */
export const touchpointChurn: EngineAnalysis<TouchpointChurnOptions> = withEngine<
  TouchpointChurnOptions
>({
  name: "touchpointChurn",
  options: TOUCHPOINT_CHURN_OPTIONS,
  memory: (input, options) => churnInMemory(pooled(input), options),
  sql: { refuse: "it joins each customer's journey to the customers table" },
});

function churnInMemory(events: ColumnTable, options: TouchpointChurnOptions): ColumnTable {
  const { split = "contacts", maxContacts = 3, confidence = 0.95, observedUntil } = options;
  if (options.customers === undefined) {
    throw new CxOptionsError(
      `touchpointChurn needs option "customers": the customers table with signup and churn dates`,
    );
  }
  if (split !== "contacts" && split !== "first-channel") {
    throw new CxOptionsError(
      `Option "split" must be "contacts" or "first-channel", got ${JSON.stringify(split)}`,
    );
  }
  checkCount(maxContacts, "maxContacts");
  checkConfidence(confidence);
  const columns = journeyColumns(events, { ...options, by: undefined }, {
    option: "channel",
    name: options.channel ?? "channel",
  });
  const { journeys, rowsLeftOut } = readJourneys(events, columns);
  const cutoff = observedUntil instanceof Date ? observedUntil.getTime() : NaN;
  const groupOf = new Map(journeys.map((j) => {
    const seen = j.times.filter((t) => t <= cutoff).length;
    const first = j.times[0] <= cutoff ? j.steps[0] : NO_CONTACT;
    const label = split === "contacts"
      ? seen >= maxContacts ? `${maxContacts}+` : String(seen)
      : first;
    return [String(j.customer), label];
  }));
  const customers = pooled(options.customers);
  const times = survivalTimes(customers, { observedUntil });
  const ids = customers.array(columns.customer) as ArrayLike<unknown>;
  const none = split === "contacts" ? "0" : NO_CONTACT;
  const group = Array.from(ids, (id) => groupOf.get(String(id)) ?? none);
  const t = aq.table({ group, time: times.array("time"), event: times.array("event") });
  const result = groupTable(t, confidence);
  return attachMeta(result, {
    kind: "journey",
    analysis: "touchpointChurn",
    options: { ...columns, split, maxContacts, observedUntil, confidence },
    notes: {
      rows_left_out: rowsLeftOut,
      customers: t.numRows(),
      test: "log-rank, each group against all other customers",
      correction: "holm",
    },
  });
}

function groupTable(t: ColumnTable, confidence: number): ColumnTable {
  const labels = [...new Set(t.array("group") as string[])].sort((a, b) =>
    (parseInt(a) - parseInt(b)) || compareText(a, b)
  );
  const medians = new Map(
    (medianSurvival(kaplanMeier(t, { by: "group", confidence })).objects() as Record<
      string,
      unknown
    >[])
      .map((r) => [r.group, r]),
  );
  const rows = labels.map((g) => {
    const vs = t.derive({
      vs: aq.escape((d: { group: string }) => d.group === g ? "group" : "rest"),
    });
    const m = medians.get(g)!;
    const test = labels.length > 1
      ? logRank(vs, { by: "vs" }).objects()[0] as Record<string, unknown>
      : { statistic: null, df: null, p_value: null };
    return {
      group: g,
      n: m.n,
      churned: m.events,
      median: m.median,
      median_low: m.median_low,
      median_high: m.median_high,
      statistic: test.statistic,
      df: test.df,
      p_value: test.p_value,
    } as Record<string, unknown>;
  });
  const adjusted = holm(rows.map((r) => r.p_value as number | null));
  rows.forEach((r, i) => {
    r.p_adjusted = adjusted[i];
    r.significant = adjusted[i] === null ? null : (adjusted[i] as number) < 1 - confidence;
  });
  return aq.table(
    Object.fromEntries(TOUCHPOINT_CHURN_COLUMNS.map((c) => [c, rows.map((r) => r[c])])),
  );
}
