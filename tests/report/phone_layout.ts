/// <reference lib="dom" />
/**
 * Layout checks run inside a page at phone width (by `page.evaluate`, so
 * each function is self-contained), and the wait for each browser step,
 * shared by the browser tests.
 *
 * @module
 */

/**
 * How long a browser test waits for one Playwright step (a page load, a
 * full-page screenshot): Playwright's default of 30 s is too short on a
 * loaded 2-core CI machine, and a test fails on it with nothing wrong.
 */
export const BROWSER_WAIT_MS = 180_000;

/**
 * The report tables of the page in the browser's own layout: every numeric
 * cell on one line, no word of any cell split over two lines (each word's
 * text range has one line box), and a table that scrolls sideways shows its
 * edge shadow (a background image on its box).
 */
export function tableLayout() {
  const lines = (range: Range) =>
    new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)))
      .size;
  const broken: string[] = [];
  const noCue: string[] = [];
  const wraps = [...document.querySelectorAll<HTMLElement>("main .table-wrap")];
  for (const wrap of wraps) {
    if (
      wrap.scrollWidth > wrap.clientWidth + 1 && getComputedStyle(wrap).backgroundImage === "none"
    ) {
      noCue.push(wrap.querySelector("th")?.textContent ?? "");
    }
    for (const cell of wrap.querySelectorAll<HTMLElement>("th, td")) {
      const range = document.createRange();
      if (cell.classList.contains("num")) {
        range.selectNodeContents(cell);
        if (lines(range) > 1) broken.push(`number: ${cell.textContent}`);
        continue;
      }
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of (node.textContent ?? "").matchAll(/\S+/g)) {
          range.setStart(node, word.index!);
          range.setEnd(node, word.index! + word[0].length);
          if (lines(range) > 1) broken.push(`word: ${word[0]}`);
        }
      }
    }
  }
  return {
    tables: wraps.length,
    broken,
    noCue,
    scroll: document.documentElement.scrollWidth,
    width: globalThis.innerWidth,
  };
}
