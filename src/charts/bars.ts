/**
 * Horizontal bars of one number per category, in the order given: the shared
 * layout of the count and share charts (comment themes, RFM segments). Not a
 * public builder itself: each analysis has its own, which fills in the words.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { ChartSpec } from "./render.ts";

/** One bar: its category label, value and tooltip. */
export interface Bar {
  /** Category, shown on the axis. */
  label: string;
  /** Length of the bar. */
  value: number;
  /** Tooltip text. */
  tip: string;
}

/** Texts and axis of {@link categoryBars}. */
export interface CategoryBarsOptions {
  /** Chart title. */
  title: string;
  /** Subtitle. */
  subtitle?: string;
  /** Label of the value axis, with its unit. */
  xLabel: string;
  /** Tick format of the value axis (default Plot's). */
  tickFormat?: (v: unknown) => string;
}

/**
 * Bars in the order given, one row each, in Okabe–Ito blue; whole-number
 * ticks only when the values are small counts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "./render.ts";
 * import { categoryBars } from "./bars.ts";
 * const bars = [{ label: "wait", value: 3, tip: "wait: 3" }, { label: "price", value: 1, tip: "price: 1" }];
 * const svg = renderSvg(categoryBars(bars, { title: "Words", xLabel: "Comments" }));
 * assert.ok(svg.includes(">wait<") && svg.includes("<title>price: 1</title>"));
 * ```
 */
export function categoryBars(bars: Bar[], options: CategoryBarsOptions): ChartSpec {
  const values = bars.map((b) => b.value);
  const counts = values.length > 0 && values.every((v) => Number.isInteger(v) && v >= 0);
  const most = Math.max(1, ...values);
  return {
    title: options.title,
    subtitle: options.subtitle,
    ariaLabel: options.title,
    height: 60 + 30 * bars.length,
    marginLeft: Math.min(260, 20 + 6.5 * Math.max(0, ...bars.map((b) => b.label.length))),
    x: {
      label: options.xLabel,
      grid: true,
      nice: true,
      tickFormat: options.tickFormat,
      // Small counts get whole-number ticks only.
      ...(counts && most <= 10 ? { ticks: most } : {}),
    },
    y: { label: null, domain: bars.map((b) => b.label) },
    marks: [
      Plot.barX(bars, { y: "label", x: "value", fill: "#0072B2", title: "tip" }),
      Plot.ruleX([0]),
    ],
  };
}
