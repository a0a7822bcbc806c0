/**
 * Expected sentences of each notebook, computed with the library on a data
 * folder the same way the notebook computes them (tests/notebooks_test.ts
 * looks for them in the notebooks executed with `--data` on a second folder).
 * Only the formatting is shared with the notebooks (`reportFormat`); every
 * number is computed here from the folder.
 */
import type { ColumnTable } from "arquero";
import { join } from "node:path";
import {
  commentThemes,
  funnel,
  kaplanMeier,
  keyDrivers,
  logRank,
  nps,
  readCsv,
  rmst,
  survivalTimes,
  trend,
} from "../src/mod.ts";
import { customerSummary } from "../src/entries/predict.ts";
import { loadProject, reportFormat, reportTables } from "../src/entries/report.ts";

type Row = Record<string, unknown>;
const rows = (t: ColumnTable) => t.objects() as Row[];
const f = reportFormat("en");

/** "2025-03" → "March 2025", as the notebooks write months. */
function periodName(p: unknown): string {
  const m = /^(\d{4})-(\d{2})$/.exec(String(p));
  return m
    ? new Date(Date.UTC(+m[1], +m[2] - 1, 1)).toLocaleString("en-US", {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    })
    : String(p);
}

/** Notebook file name → sentences (as plain text) its output must contain for `folder`. */
export async function expectedSentences(folder: string): Promise<Record<string, string[]>> {
  const { files } = await loadProject(folder);
  const { tables } = reportTables(files, { timeZone: "UTC" });
  const responses = tables.responses!;
  const customers = tables.customers!;
  const events = tables.events!;
  const config = JSON.parse(await Deno.readTextFile(join(folder, "cxkit.json")));

  // 00: responses.csv as readCsv loads it.
  const plain = await readCsv(join(folder, "responses.csv"), {
    schema: "responses",
    csatScale: config.csatScale,
    cesScale: config.cesScale,
  });
  const [whole] = rows(nps(plain.table));
  const { rows: read, accepted } = plain.summary;

  // 01, 06: the lowest and highest channel with enough answers.
  const byChannel = rows(nps(responses, { by: "channel" }))
    .filter((r) => typeof r.nps === "number" && !r.small_sample)
    .sort((a, b) => (a.nps as number) - (b.nps as number));
  const [low, high] = [byChannel[0], byChannel.at(-1)!];

  // 02: censored at the last event's day.
  const lastDay = Math.max(...(events.array("date") as Date[]).map((d) => d.getTime()));
  const times = survivalTimes(customers, { observedUntil: new Date(lastDay) });
  const [test] = rows(logRank(times, { by: "plan" }));
  const [annual] = rows(rmst(kaplanMeier(times, { by: "plan" }), { tau: 365 }));

  // 03: relative weights without the bootstrap (the point estimates do not depend on it).
  const ratings = responses.columnNames().filter((n) => n.startsWith("rating_"));
  const drivers = rows(keyDrivers(responses, { outcome: "nps_score", drivers: ratings }))
    .sort((a, b) => (a.rank as number) - (b.rank as number));
  const top = drivers[0];
  const topLabel = String(top.driver).replace(/^rating_/, "").replaceAll("_", " ")
    .replace(/^./, (c) => c.toUpperCase());

  // 04: the lowest 3-month rolling NPS.
  const rolling = rows(
    trend(responses, { kpi: "nps", period: "month", timeZone: "UTC", rolling: 3 }),
  )
    .filter((r) => typeof r.rolling_value === "number")
    .sort((a, b) => (a.rolling_value as number) - (b.rolling_value as number));

  // 07: the funnel over 60 days.
  const levels = rows(funnel(tables.touchpoints ?? events, {
    steps: ["visit", "signup", "purchase"],
    windowDays: 60,
  }));

  // 08: calibration up to 26 weeks before the last order day.
  const orders = events.filter((d) => d.customer_id !== null && d.revenue > 0);
  const DAY = 86_400_000;
  const lastOrder = Math.max(...(orders.array("date") as Date[]).map((d) => d.getTime()));
  const observedUntil = new Date(Math.floor(lastOrder / DAY) * DAY);
  const calibrationEnd = new Date(observedUntil.getTime() - 26 * 7 * DAY);
  const summary = customerSummary(orders, { unit: "week", calibrationEnd, observedUntil });
  const repeat = summary.array("frequency") as number[];

  // 09: the most frequent word of the comments.
  const [word] = rows(commentThemes(responses, { top: 15 })).filter((r) => r.ngram === 1);

  const answered = byChannel.reduce((s, r) => s + (r.n as number), 0);
  const accepted6 = files.reduce((n, file) => n + (file.result?.summary.accepted ?? 0), 0);
  return {
    "00-getting-started.ipynb": [
      `responses.csv: ${f.int(read)} rows read, ${f.int(accepted)} accepted`,
      `an NPS of ${f.num(whole.nps)} (95 % interval ${f.num(whole.nps_low)} to ${
        f.num(whole.nps_high)
      })`,
    ],
    "01-kpi-overview.ipynb": [
      `NPS runs from ${f.num(low.nps)} (${low.channel}, ${f.int(low.n)} answers) to ${
        f.num(high.nps)
      } (${high.channel}, ${f.int(high.n)} answers)`,
    ],
    "02-cohorts-and-churn.ipynb": [
      `chi-square ${f.num(test.statistic)}, ${f.p(test.p_value as number)}`,
      `a customer stays on average ${f.num(annual.rmst)} days on the ${annual.plan} plan`,
    ],
    "03-what-drives-nps.ipynb": [
      `The ratings explain ${f.percent(100 * (top.r2 as number))} of the variance of NPS (R², n = ${
        f.int(top.n)
      })`,
      `${topLabel} is the strongest driver with ${f.percent(top.weight_pct)} of it`,
    ],
    "04-nps-trends.ipynb": [
      `lowest over the three months to ${periodName(rolling[0].period)} (${
        f.num(rolling[0].rolling_value)
      })`,
    ],
    "05-big-data.ipynb": [
      `From the file: NPS ${f.num(low.nps)} for ${low.channel} (lowest) up to ${
        f.num(high.nps)
      } for ${high.channel} (highest), over ${f.int(answered)} answers with a score`,
    ],
    "06-team-report.ipynb": [
      `${f.int(accepted6)} rows accepted`,
      `NPS by channel runs from ${f.num(low.nps)} (${low.channel}) to ${
        f.num(high.nps)
      } (${high.channel})`,
    ],
    "07-customer-journeys.ipynb": [
      `Of ${levels[0].customers} customers who visit, ${
        (100 * (levels.at(-1)!.conversion_from_start as number)).toFixed(1)
      } % reach purchase within 60 days`,
    ],
    "08-predict-value-and-churn.ipynb": [
      `${summary.numRows()} customers bought in the calibration period; they made ${
        (repeat.reduce((s, x) => s + x, 0) / repeat.length).toFixed(2)
      } repeat purchases on average`,
    ],
    "09-open-text.ipynb": [
      `Of ${word.total_comments} comments, the most frequent word is ${word.term} (${
        (word.pct_comments as number).toFixed(1)
      } % of comments)`,
    ],
  };
}
