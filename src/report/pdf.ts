/**
 * Printing a report page to PDF with headless Chromium
 * (`chromium --headless --print-to-pdf`), using the page's print CSS (A4,
 * page breaks). Chromium runs with a fresh profile, no network services and
 * no sandbox (it runs as root in containers); a browser is never downloaded.
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CxError } from "../errors.ts";
import { checkOptions, optionNames } from "../options.ts";
import { CHROMIUM_ARGS, CHROMIUM_INSTALL_HINT, findChromium } from "../charts/chromium.ts";

export { CHROMIUM_ARGS, CHROMIUM_INSTALL_HINT, findChromium } from "../charts/chromium.ts";

/** Options of {@link printPdf}. */
export interface PrintPdfOptions {
  /** Chromium executable (default: {@link findChromium}). */
  chromium?: string;
  /** Longest time to wait for Chromium, in seconds (default 120). */
  timeoutSeconds?: number;
}

/** The names of {@link PrintPdfOptions}. */
export const PRINT_PDF_OPTIONS = optionNames<PrintPdfOptions>()(["chromium", "timeoutSeconds"]);

/**
 * Prints an HTML file to a PDF file with headless Chromium and resolves to
 * the PDF's path. Throws a `CxError` saying how to install Chromium when it
 * is missing, and one with Chromium's output when printing fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findChromium, printPdf } from "./pdf.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.html`, "<!doctype html><h1>Board report</h1>");
 * if (await findChromium()) {
 *   const pdf = await Deno.readFile(await printPdf(`${dir}/a.html`, `${dir}/a.pdf`));
 *   assert.equal(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
 * }
 * ```
 */
export async function printPdf(
  htmlFile: string,
  pdfFile: string,
  options: PrintPdfOptions = {},
): Promise<string> {
  checkOptions("printPdf", options, PRINT_PDF_OPTIONS);
  const chromium = options.chromium ?? await findChromium();
  if (!chromium) throw new CxError(`Printing a PDF needs Chromium. ${CHROMIUM_INSTALL_HINT}`);
  const profile = await Deno.makeTempDir({ prefix: "cxkit-chromium-" });
  const target = resolve(pdfFile);
  try {
    const command = new Deno.Command(chromium, {
      args: [
        ...CHROMIUM_ARGS,
        `--user-data-dir=${profile}`,
        "--no-pdf-header-footer",
        `--print-to-pdf=${target}`,
        pathToFileURL(resolve(htmlFile)).href,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout((options.timeoutSeconds ?? 120) * 1000),
    });
    let output: Deno.CommandOutput;
    try {
      output = await command.output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new CxError(`Chromium not found at ${chromium}. ${CHROMIUM_INSTALL_HINT}`);
      }
      throw e;
    }
    const size = await Deno.stat(target).then((s) => s.size, () => 0);
    if (!output.success || size === 0) {
      const log = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-15).join("\n");
      throw new CxError(
        `Chromium could not print ${htmlFile} to ${pdfFile} (exit code ${output.code}):\n${log}`,
      );
    }
    return target;
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
