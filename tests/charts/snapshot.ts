/**
 * Golden snapshots for charts, after Observable Plot's tests: a rendered chart
 * is compared with a reviewed file in `tests/charts/snapshots/`. A plain chart
 * is stored as `<name>.svg`; a chart that Plot wraps in a `<figure>` (title,
 * legend) is HTML and stored as `<name>.html`, as Plot does, so that each
 * file opens correctly on its own.
 *
 * `UPDATE_SNAPSHOTS=1 deno test -A tests/charts/` (re)writes the files;
 * review the diff before committing it.
 *
 * @module
 */

import { AssertionError } from "node:assert";

const SNAPSHOTS = new URL("./snapshots/", import.meta.url);
const FMT_IGNORE = "<!-- deno-fmt-ignore-file -->";

/** Compares `rendered` (from `renderSvg`) with the snapshot `name`, or rewrites it. */
export async function assertSnapshot(name: string, rendered: string): Promise<void> {
  const ext = rendered.startsWith("<svg") ? "svg" : "html";
  const file = new URL(`${name}.${ext}`, SNAPSHOTS);
  const actual = pretty(rendered);
  if (Deno.env.get("UPDATE_SNAPSHOTS") === "1") {
    await Deno.mkdir(SNAPSHOTS, { recursive: true });
    await Deno.writeTextFile(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(file);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new AssertionError({
      message: `Snapshot ${relative(file)} does not exist. Create it with\n` +
        `  UPDATE_SNAPSHOTS=1 deno test -A tests/charts/\n` +
        `then look at the new file and commit it.`,
    });
  }
  if (actual === expected) return;
  const changed = await Deno.makeTempFile({ prefix: `${name}-changed-`, suffix: `.${ext}` });
  await Deno.writeTextFile(changed, actual);
  throw new AssertionError({
    message:
      `Chart "${name}" differs from ${relative(file)} ${firstDifference(expected, actual)}\n` +
      `The new rendering is in ${changed}. If the change is intended, run\n` +
      `  UPDATE_SNAPSHOTS=1 deno test -A tests/charts/\n` +
      `and review the snapshot diff before committing it.`,
  });
}

/**
 * One element per line (closing tags stay put), so a changed chart is a
 * readable diff; the header keeps `deno fmt` from reformatting the file.
 */
function pretty(html: string): string {
  return `${FMT_IGNORE}\n${html.replace(/>(?=<[^/])/g, ">\n")}\n`;
}

function firstDifference(expected: string, actual: string): string {
  const e = expected.split("\n");
  const a = actual.split("\n");
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  return `at line ${i + 1}:\n  expected: ${clip(e[i])}\n  actual:   ${clip(a[i])}`;
}

function clip(line: string | undefined): string {
  if (line === undefined) return "(end of file)";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function relative(url: URL): string {
  const root = new URL("../../", import.meta.url).pathname;
  return url.pathname.startsWith(root) ? url.pathname.slice(root.length) : url.pathname;
}
