/**
 * Chart of ticket volume: tickets opened per period, every period from the
 * first to the last shown (a period without tickets is a zero bar, not a gap
 * that hides it).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { checkPeriod, type Period, periodFn, periodName } from "../time/period.ts";
import { CHART_LOCALE_OPTIONS, chartFormat, type ChartLocaleOptions } from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link ticketVolumeChart}. */
export interface TicketVolumeOptions extends ChartLocaleOptions {
  /** Date column counted (default `"created_at"`). */
  date?: string;
  /** Period length (default `"month"`). */
  period?: Period;
  /** IANA time zone the periods are cut in (default `"UTC"`). */
  timeZone?: string;
  /** Chart title (default "Tickets by month"). */
  title?: string;
  /** Subtitle (default: the number of tickets). */
  subtitle?: string;
  /** Label of the period axis (default: the period, e.g. "Month"). */
  xLabel?: string;
  /** Label of the count axis (default "Tickets"). */
  yLabel?: string;
}

const TICKET_VOLUME_OPTIONS = optionNames<TicketVolumeOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "date",
  "period",
  "timeZone",
  "title",
  "subtitle",
  "xLabel",
  "yLabel",
]);

/** The chart's own words in each language. */
const WORDS = {
  en: {
    title: (period: string) => `Tickets by ${period}`,
    note: (n: string, missing: string) =>
      `${n} tickets${missing === "0" ? "" : `; ${missing} without a date not counted`}`,
    axis: "Tickets",
    tip: (period: string, n: string, one: boolean) => `${period}: ${n} ticket${one ? "" : "s"}`,
  },
  de: {
    title: (period: string) => `Tickets nach ${period}`,
    note: (n: string, missing: string) =>
      `${n} Tickets${missing === "0" ? "" : `; ${missing} ohne Datum nicht gezählt`}`,
    axis: "Tickets",
    tip: (period: string, n: string, one: boolean) => `${period}: ${n} Ticket${one ? "" : "s"}`,
  },
};

const HALF_DAY = 43_200_000;

/**
 * Tickets opened per period as vertical bars, time on the x axis; periods
 * without tickets between the first and the last are zero bars. Rows without
 * a date are not counted and the subtitle says how many. Words and numbers
 * follow `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { renderSvg } from "./render.ts";
 * import { ticketVolumeChart } from "./volume.ts";
 * const d = (s: string) => new Date(s);
 * const tickets = aq.table({ created_at: [d("2024-01-05"), d("2024-01-09"), d("2024-03-02"), null] });
 * const svg = renderSvg(ticketVolumeChart(tickets));
 * assert.ok(svg.includes("<title>2024-01: 2 tickets</title>"));
 * assert.ok(svg.includes("<title>2024-02: 0 tickets</title>") && svg.includes("1 without a date"));
 * ```
 */
export function ticketVolumeChart(
  tickets: ColumnTable,
  options: TicketVolumeOptions = {},
): ChartSpec {
  checkOptions("ticketVolumeChart", options, TICKET_VOLUME_OPTIONS);
  const f = chartFormat(options, "ticketVolumeChart");
  const w = WORDS[f.lang];
  const { date = "created_at", period = "month", timeZone = "UTC" } = options;
  checkPeriod(period);
  if (!tickets.columnNames().includes(date)) {
    throw new CxOptionsError(
      `ticketVolumeChart: option "date" names column "${date}", which is not in the table ` +
        `(columns: ${tickets.columnNames().join(", ")})`,
    );
  }
  const of = periodFn(period, timeZone);
  const counts = new Map<string, number>();
  let first = Infinity, last = -Infinity, missing = 0;
  for (const d of tickets.array(date) as unknown[]) {
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
      missing++;
      continue;
    }
    const label = of(d).label;
    counts.set(label, (counts.get(label) ?? 0) + 1);
    first = Math.min(first, d.getTime());
    last = Math.max(last, d.getTime());
  }
  // Every period between the first and last ticket, stepping half days (safe across DST).
  const labels: string[] = [];
  for (let t = first; t <= last + HALF_DAY; t += HALF_DAY) {
    const label = of(new Date(Math.min(t, last))).label;
    if (labels.at(-1) !== label) labels.push(label);
  }
  const rows = labels.map((label) => ({ label, tickets: counts.get(label) ?? 0 }));
  const total = rows.reduce((s, r) => s + r.tickets, 0);
  const name = periodName(period, f.lang);
  const title = options.title ?? w.title(name);
  const every = Math.ceil(labels.length / 24);
  return {
    title,
    subtitle: options.subtitle ?? w.note(f.int(total), f.int(missing)),
    ariaLabel: title,
    height: 300,
    marginLeft: 56,
    marginBottom: 50,
    x: {
      label: options.xLabel ?? name.charAt(0).toUpperCase() + name.slice(1),
      domain: labels,
      tickRotate: labels.length > 12 ? -45 : 0,
      ticks: labels.filter((_, i) => i % every === 0),
    },
    y: {
      label: options.yLabel ?? w.axis,
      grid: true,
      nice: true,
      tickFormat: f.ticks("number"),
    },
    marks: [
      Plot.barY(rows, {
        x: "label",
        y: "tickets",
        fill: "#0072B2",
        title: (r: { label: string; tickets: number }) =>
          w.tip(r.label, f.int(r.tickets), r.tickets === 1),
      }),
      Plot.ruleY([0]),
    ],
  };
}
