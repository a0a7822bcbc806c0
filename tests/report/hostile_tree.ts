/**
 * Builds the folder trees of the hostile folder and CLI cases
 * (tests/fixtures/hostile/folders/, cli/): a temporary root holding `data/`,
 * `out/` and, next to them, sentinel files whose content must never appear
 * in any output, message or new file — the proof that nothing outside the
 * two folders was read or written.
 */
import { dirname, join } from "node:path";

/** The token inside every sentinel file. */
export const SENTINEL = "SENTINEL-7f3a";

/** What a case puts into its root besides the sentinels (paths relative to the root). */
export interface TreeSetup {
  /** Files: text, or a value written as JSON. */
  files?: Record<string, unknown>;
  /** Symbolic links: path → target (as written into the link). */
  links?: Record<string, string>;
  /** Empty folders. */
  dirs?: string[];
}

/** A built tree: its root, data and out folders. */
export interface Tree {
  root: string;
  data: string;
  out: string;
}

/**
 * Creates the root with `data/`, `out/`, the sentinels and the case's files
 * and links; `{root}`, `{data}`, `{out}` in file contents become the paths.
 */
export async function buildTree(setup: TreeSetup = {}): Promise<Tree> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "cxkit-hostile-" }));
  const tree = { root, data: join(root, "data"), out: join(root, "out") };
  await Deno.mkdir(tree.data);
  await Deno.mkdir(tree.out);
  const files: Record<string, unknown> = {
    "secret.csv": `response_id,date,nps_score\n${SENTINEL},2024-01-05,11\n`,
    "secret.html": `<p>${SENTINEL}</p>\n`,
    "secret.json": `{"${SENTINEL}": [1, 2]`,
    ...setup.files,
  };
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(root, path)), { recursive: true });
    const text = typeof content === "string" ? content : JSON.stringify(content);
    await Deno.writeTextFile(join(root, path), fill(text, tree));
  }
  for (const dir of setup.dirs ?? []) await Deno.mkdir(join(root, dir), { recursive: true });
  for (const [path, target] of Object.entries(setup.links ?? {})) {
    await Deno.mkdir(dirname(join(root, path)), { recursive: true });
    await Deno.symlink(target, join(root, path));
  }
  return tree;
}

/** `{root}`, `{data}`, `{out}` in a string replaced by the tree's paths. */
export function fill(text: string, tree: Tree): string {
  return text.replaceAll("{root}", tree.root).replaceAll("{data}", tree.data)
    .replaceAll("{out}", tree.out);
}

/** Every file and link under a folder with its size and modification time, for before/after. */
export async function snapshot(dir: string, prefix = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const entry of Deno.readDir(join(dir, prefix))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    const info = await Deno.lstat(join(dir, path));
    if (entry.isDirectory) Object.assign(out, await snapshot(dir, path));
    else out[path] = `${info.size}@${info.mtime?.getTime()}`;
  }
  return out;
}

/** Every text under a folder concatenated (for "the sentinel never appears" checks). */
export async function allText(dir: string): Promise<string> {
  let text = "";
  for (const path of Object.keys(await snapshot(dir))) {
    const info = await Deno.lstat(join(dir, path));
    if (info.isFile) text += await Deno.readTextFile(join(dir, path));
  }
  return text;
}
