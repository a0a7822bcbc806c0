/**
 * Charts as PNG images for slides and documents: the standalone SVG of
 * `renderSvg`, screenshotted by the system's headless Chromium (the same one
 * that prints the report's PDF) at the requested width and pixel density.
 *
 * @module
 */
import { CxOptionsError } from "../errors.ts";
import { checkOptions, optionNames } from "../options.ts";
import { openChromium } from "./chromium.ts";
import { type ChartSpec, renderSvg } from "./render.ts";

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /** Width of the image in CSS pixels (default: the chart's own width, 640 unless the spec sets one). */
  width?: number;
  /** Device pixels per CSS pixel (default 2, sharp on slides and high-density screens). */
  scale?: number;
  /** Chromium executable (default: `CHROMIUM_PATH` or the system's Chromium). */
  chromium?: string;
}

/** The names of {@link RenderPngOptions}. */
export const RENDER_PNG_OPTIONS = optionNames<RenderPngOptions>()(["width", "scale", "chromium"]);

/**
 * Renders a Plot spec to PNG bytes: the standalone SVG document of
 * `renderSvg` (title, legend and caption included) drawn by headless
 * Chromium, `width × scale` pixels wide and as tall as the chart's aspect
 * ratio makes it. Throws a `CxError` saying how to install Chromium when
 * there is none, and a `CxOptionsError` for a width or scale that is not a
 * positive number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { findChromium } from "./chromium.ts";
 * import { renderPng } from "./png.ts";
 * if (await findChromium()) {
 *   const png = await renderPng({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] }, {
 *     width: 320,
 *     scale: 1,
 *   });
 *   assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
 *   assert.equal(new DataView(png.buffer, png.byteOffset).getUint32(16), 320); // IHDR width
 * }
 * ```
 */
export async function renderPng(
  spec: ChartSpec,
  options: RenderPngOptions = {},
): Promise<Uint8Array> {
  checkOptions("renderPng", options, RENDER_PNG_OPTIONS);
  const { scale = 2 } = options;
  for (const [name, value] of Object.entries({ width: options.width, scale })) {
    if (value !== undefined && !(typeof value === "number" && value > 0 && isFinite(value))) {
      throw new CxOptionsError(
        `renderPng: option "${name}" must be a positive number, got ${JSON.stringify(value)}`,
      );
    }
  }
  const svg = renderSvg(spec);
  const own = /^<svg [^>]*?\bwidth="([\d.]+)" height="([\d.]+)"/.exec(svg);
  const [w0, h0] = own ? [Number(own[1]), Number(own[2])] : [640, 400];
  const width = Math.round(options.width ?? w0);
  const height = Math.round(width * h0 / w0);
  const session = await openChromium(options.chromium);
  try {
    const context = await session.browser.newContext({
      viewport: { width, height },
      deviceScaleFactor: scale,
    });
    const page = await context.newPage();
    const sized = svg.replace(
      /^<svg ([^>]*?)\bwidth="[\d.]+" height="[\d.]+"/,
      (_, before) => `<svg ${before}width="${width}" height="${height}"`,
    );
    await page.setContent(
      // Block layout and no scrollbars: the SVG fills the viewport exactly.
      `<!doctype html><html style="overflow:hidden"><body style="margin:0;background:white">` +
        `${sized.replace("<svg ", '<svg style="display:block" ')}</body></html>`,
    );
    const png = await page.screenshot({ type: "png", clip: { x: 0, y: 0, width, height } });
    await context.close();
    return new Uint8Array(png);
  } finally {
    await session.close();
  }
}
