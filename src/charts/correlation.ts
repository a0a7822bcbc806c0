/**
 * Correlation heatmap of a `correlate` result: one cell per pair on a
 * diverging scale, with the coefficient written in it.
 *
 * @module
 */
import { metaOf } from "../meta.ts";
import * as Plot from "@observablehq/plot";
import type { ColumnTable } from "arquero";
import { CxOptionsError } from "../errors.ts";
import { groupLabel, prettyName } from "./drivers.ts";
import {
  CHART_LOCALE_OPTIONS,
  type ChartFormat,
  chartFormat,
  type ChartLocaleOptions,
} from "./locale.ts";
import type { ChartSpec } from "./render.ts";
import { checkOptions, optionNames } from "../options.ts";

/** Options of {@link correlationHeatmap}. */
export interface CorrelationHeatmapOptions extends ChartLocaleOptions {
  /** Which method to draw when the result has several (default: the first). */
  method?: string;
  /** Chart title (default "Correlations (<method>)"). */
  title?: string;
  /** Label of each variable (default: the column name without a `rating_` prefix). */
  label?: (column: string) => string;
  /** Subtitle (default: the method and what the colours mean). */
  subtitle?: string;
}

const CORRELATION_HEATMAP_OPTIONS = optionNames<CorrelationHeatmapOptions>()([
  ...CHART_LOCALE_OPTIONS,
  "method",
  "title",
  "label",
  "subtitle",
]);

/** The chart's own words in each language. */
const WORDS = {
  en: {
    title: (method: string) => `Correlations (${method})`,
    note: (method: string) =>
      `${method} correlation, pairwise complete; blue positive, red negative`,
    grey: "; grey: not defined (see tooltip)",
    none: (note: unknown) => `no coefficient — ${note}`,
    itself: "itself",
    noP: "no p-value",
  },
  de: {
    title: (method: string) => `Korrelationen (${method})`,
    note: (method: string) =>
      `${method}-Korrelation, paarweise vollständig; blau positiv, rot negativ`,
    grey: "; grau: nicht definiert (siehe Tooltip)",
    none: (note: unknown) => `kein Koeffizient — ${note}`,
    itself: "mit sich selbst",
    noP: "kein p-Wert",
  },
};

/**
 * A correlation heatmap of a {@link correlate} result: one cell per pair
 * coloured on a diverging scale from −1 (red) through 0 (white) to +1 (blue),
 * with the coefficient written in it; cells without a coefficient are grey
 * with "–" and say why in their tooltip. An all-pairs result is drawn as the
 * full symmetric matrix (diagonal 1); a `columns × against` result as a
 * rectangle. With `by`, one panel per group. Words and numbers follow
 * `lang` and `locale`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { correlate } from "../analysis/correlate/correlate.ts";
 * import { renderSvg } from "./render.ts";
 * import { correlationHeatmap } from "./correlation.ts";
 * const t = aq.table({ a: [1, 2, 3, 4], b: [2, 1, 4, 3], c: [4, 3, 2, 1] });
 * const svg = renderSvg(correlationHeatmap(correlate(t, { columns: ["a", "b", "c"] })));
 * assert.ok(svg.includes(">0.60<") && svg.includes(">−1.00<"));
 * const de = correlationHeatmap(correlate(t, { columns: ["a", "b", "c"] }), { locale: "de-DE" });
 * assert.ok(renderSvg(de).includes(">0,60<") && renderSvg(de).includes("Korrelationen"));
 * ```
 */
export function correlationHeatmap(
  correlations: ColumnTable,
  options: CorrelationHeatmapOptions = {},
): ChartSpec {
  checkOptions("correlationHeatmap", options, CORRELATION_HEATMAP_OPTIONS);
  const names = correlations.columnNames();
  const at = names.indexOf("x");
  if (at < 0 || !["y", "method", "r", "n"].every((c) => names.includes(c))) {
    throw new CxOptionsError(
      `correlationHeatmap needs a result of correlate(); got columns ${names.join(", ")}`,
    );
  }
  const f = chartFormat(options, "correlationHeatmap");
  const w = WORDS[f.lang];
  const meta = metaOf(correlations, "correlate");
  const by = meta?.by ?? names.slice(0, at);
  const label = options.label ?? prettyName;
  const all = correlations.objects() as Record<string, unknown>[];
  const method = options.method ?? (all[0]?.method as string | undefined);
  const pairs = all.filter((r) => r.method === method);
  if (pairs.length === 0) {
    throw new CxOptionsError(
      `correlationHeatmap: no rows for method ${JSON.stringify(method)}; methods: ${
        [...new Set(all.map((r) => r.method))].join(", ")
      }`,
    );
  }
  const xs = [...new Set(pairs.map((r) => r.x as string))];
  const ys = [...new Set(pairs.map((r) => r.y as string))];
  const rectangle = meta ? meta.against !== null : !xs.some((v) => ys.includes(v));
  const variables = meta?.variables ?? [...new Set([...xs, ...ys])];
  const rowVars = rectangle ? variables.filter((v) => xs.includes(v)) : variables;
  const colVars = rectangle ? variables.filter((v) => ys.includes(v)) : variables;
  const cells = pairCells(pairs, { by, label, rectangle, variables, f });
  const rowDomain = rowVars.map(label), colDomain = colVars.map(label);
  const fy = by.length ? "group" : undefined;
  const groups = [...new Set(cells.map((c) => c.group))];
  const methodName = method ? method[0].toUpperCase() + method.slice(1) : "";
  const title = options.title ?? w.title(methodName);
  const defined = cells.filter((c) => c.r !== null);
  const undefinedCells = cells.filter((c) => c.r === null);
  return {
    title,
    subtitle: options.subtitle ?? w.note(methodName) + (undefinedCells.length ? w.grey : ""),
    ariaLabel: title,
    ...gridLayout(rowDomain, colDomain, groups.length, fy !== undefined),
    x: { label: null, domain: colDomain, tickRotate: -35 },
    y: { label: null, domain: rowDomain },
    fy: fy ? { label: null, domain: groups } : undefined,
    // Ten steps of 0.2 (a continuous ramp legend needs a canvas, which server rendering lacks).
    color: {
      type: "threshold",
      scheme: "rdbu",
      domain: [-0.8, -0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8],
      label: "r",
      legend: true,
    },
    marks: [
      Plot.cell(defined, { x: "col", y: "row", fy, fill: "r", inset: 0.5, title: "tip" }),
      Plot.cell(undefinedCells, {
        x: "col",
        y: "row",
        fy,
        fill: "#d9d9d9",
        inset: 0.5,
        title: "tip",
      }),
      Plot.text(cells, {
        x: "col",
        y: "row",
        fy,
        text: (c: Cell) => c.r === null ? "–" : f.num(c.r, 2),
        fill: (c: Cell) => c.r !== null && Math.abs(c.r) > 0.6 ? "white" : "black",
      }),
    ],
  };
}

/** Margins fit the longest labels; square cells of 36–64 px. */
function gridLayout(rows: string[], cols: string[], panels: number, faceted: boolean) {
  const longest = Math.max(...rows.map((d) => d.length));
  const cell = Math.max(36, Math.min(64, Math.floor(560 / cols.length)));
  const bottom = 20 + 6 * Math.max(...cols.map((d) => d.length));
  return {
    marginLeft: 12 + 7 * longest,
    marginTop: 10,
    marginRight: faceted ? 70 : 20,
    marginBottom: bottom,
    width: 12 + 7 * longest + cell * cols.length + (faceted ? 70 : 20),
    height: 10 + bottom + panels * (cell * rows.length + 10),
  };
}

/** One heatmap cell: its row and column labels, panel, coefficient and tooltip. */
type Cell = { row: string; col: string; group: string; r: number | null; tip: string };

/** The cells of the pairs: both halves and the diagonal of a square result. */
function pairCells(
  pairs: Record<string, unknown>[],
  o: {
    by: string[];
    label: (column: string) => string;
    rectangle: boolean;
    variables: string[];
    f: ChartFormat;
  },
): Cell[] {
  const { label, f } = o;
  const w = WORDS[f.lang];
  const cells: Cell[] = [];
  for (const p of pairs) {
    const group = groupLabel(p, o.by);
    const tip = `${label(p.x as string)} × ${label(p.y as string)}: ${
      p.r === null
        ? w.none(p.note)
        : `r = ${f.num(p.r, 3)}${
          typeof p.r_low === "number" ? ` [${f.num(p.r_low, 3)}, ${f.num(p.r_high, 3)}]` : ""
        }, ${pValue(p.p_value, f, w.noP)}, n = ${f.int(p.n)}`
    }`;
    const r = typeof p.r === "number" ? p.r : null;
    cells.push({ row: label(p.x as string), col: label(p.y as string), group, r, tip });
    if (!o.rectangle) {
      cells.push({ row: label(p.y as string), col: label(p.x as string), group, r, tip });
    }
  }
  if (!o.rectangle) {
    for (const group of new Set(cells.map((c) => c.group))) {
      for (const v of o.variables) {
        cells.push({ row: label(v), col: label(v), group, r: 1, tip: `${label(v)}: ${w.itself}` });
      }
    }
  }
  return cells;
}

function pValue(p: unknown, f: ChartFormat, none: string): string {
  if (typeof p !== "number") return none;
  return p < 0.001 ? `p < ${f.num(0.001, 3)}` : `p = ${f.num(p, 3)}`;
}
