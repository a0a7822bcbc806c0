/**
 * README's table of canonical columns equals the one generated from the
 * schemas (`canonicalColumnsTable`), so it cannot drift when a schema or the
 * header names `deno task init` recognises change.
 */
import { assertEquals } from "../assert.ts";
import { canonicalColumnsTable } from "../../src/report/init_guess.ts";

const README = new URL("../../README.md", import.meta.url);

/** The cells of the table between the markers, separator row left out. */
function readmeTable(text: string): string[][] {
  const block = /<!-- canonical-columns:begin -->([\s\S]*?)<!-- canonical-columns:end -->/.exec(
    text,
  );
  if (!block) throw new Error("README.md lacks the canonical-columns markers");
  return block[1].split("\n").filter((l) => l.startsWith("|"))
    .map((l) => l.slice(1, -1).split("|").map((c) => c.trim()))
    .filter((cells) => !cells.every((c) => /^:?-+:?$/.test(c)));
}

Deno.test("README: the canonical columns table equals the schemas", async () => {
  const expected = canonicalColumnsTable();
  const markdown = [expected[0], expected[0].map(() => "---"), ...expected.slice(1)]
    .map((r) => `| ${r.join(" | ")} |`).join("\n");
  assertEquals(
    readmeTable(await Deno.readTextFile(README)),
    expected,
    `README.md's table is out of date; put this between the markers and run deno fmt:\n${markdown}`,
  );
});

Deno.test("README table check: a changed cell is caught", () => {
  const rows = canonicalColumnsTable();
  const text = [rows[0], rows[0].map(() => "---"), ...rows.slice(1)]
    .map((r) => `| ${r.join(" | ")} |`).join("\n").replace("| yes |", "| no |");
  const md = `<!-- canonical-columns:begin -->\n${text}\n<!-- canonical-columns:end -->`;
  let caught = false;
  try {
    assertEquals(readmeTable(md), rows);
  } catch {
    caught = true;
  }
  assertEquals(caught, true);
});
