/**
 * The code blocks `deno test --doc` would run, as modules of their own that
 * one test isolate can import one after another (see `run_plan.ts` for why):
 * {@link codeBlocks} finds them, the way `deno test --doc` does (fenced
 * `ts`/`js` blocks inside JSDoc comments of a TypeScript file, every fenced
 * block of a Markdown file; `ignore` skips a block), and {@link docModule}
 * turns one into module text whose relative imports point back at the file
 * it came from.
 *
 * @module
 */

/** One fenced code block: where it is and its code. */
export interface CodeBlock {
  /** The file, as given. */
  file: string;
  /** 1-based line of the opening fence. */
  start: number;
  /** 1-based line of the closing fence. */
  end: number;
  /** The block's lines, the comment's ` * ` taken off. */
  code: string;
}

const FENCE = /^```\s*(ts|typescript|js|javascript|tsx|jsx|mts|mjs)\b(.*)$/;

/**
 * The runnable code blocks of `text`, the content of `file`: in a Markdown
 * file every fenced `ts`/`js` block, elsewhere only those inside `/** … *\/`
 * comments. A block whose fence line says `ignore` is left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeBlocks } from "./run_docs.ts";
 * const fence = "`".repeat(3);
 * const text = [
 *   "/**", " * Doubles.", " * @example", ` * ${fence}ts`, " * assert.equal(1, 1);",
 *   ` * ${fence}`, ` * ${fence}ts ignore`, " * skipped();", ` * ${fence}`, " *" + "/",
 *   `// ${fence}ts not in a doc comment`,
 * ].join("\n");
 * const blocks = codeBlocks("x.ts", text);
 * assert.deepEqual(blocks, [{ file: "x.ts", start: 4, end: 6, code: "assert.equal(1, 1);" }]);
 * assert.equal(codeBlocks("x.md", `${fence}ts\nlet a = 1;\n${fence}\n`)[0].code, "let a = 1;");
 * ```
 */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const markdown = file.endsWith(".md");
  const blocks: CodeBlock[] = [];
  const lines = text.split("\n");
  let inComment = markdown;
  let open: { start: number; ignore: boolean; lines: string[] } | undefined;
  lines.forEach((raw, index) => {
    if (!markdown && !inComment) {
      if (/^\s*\/\*\*/.test(raw) && !/\*\//.test(raw.replace(/^\s*\/\*\*/, ""))) inComment = true;
      return;
    }
    if (!markdown && !open && /\*\//.test(raw)) {
      inComment = false;
      return;
    }
    const line = markdown ? raw : raw.replace(/^\s*\*(?: |$)/, "");
    if (open) {
      if (/^```\s*$/.test(line)) {
        if (!open.ignore) {
          blocks.push({ file, start: open.start, end: index + 1, code: open.lines.join("\n") });
        }
        open = undefined;
      } else open.lines.push(line);
      return;
    }
    const fence = FENCE.exec(line);
    if (fence) open = { start: index + 1, ignore: /\bignore\b/.test(fence[2]), lines: [] };
    else if (/^```/.test(line)) open = { start: index + 1, ignore: true, lines: [] };
  });
  return blocks;
}

/** `import … from "./x.ts"`, `import "./x.ts"`, `export … from "../x.ts"`, `import("./x.ts")`. */
const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.\.?\/[^"']*)\2/g;

/**
 * The module text for `block`: its code, with every relative import
 * specifier made absolute against `fileUrl` (the URL of the file the block
 * is in) and `import.meta.url` replaced by that URL, so the module runs from
 * any folder as it would beside its file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { docModule } from "./run_docs.ts";
 * const [c, meta] = ["./c.ts", "import.meta"]; // kept apart, or this block's own run rewrites them
 * const code = `import { x } from "${c}";\nx(new URL("d.csv", ${meta}.url));`;
 * assert.equal(
 *   docModule({ file: "src/a/b.ts", start: 1, end: 4, code }, "file:///repo/src/a/b.ts"),
 *   'import { x } from "file:///repo/src/a/c.ts";\nx(new URL("d.csv", "file:///repo/src/a/b.ts"));\n',
 * );
 * ```
 */
export function docModule(block: CodeBlock, fileUrl: string): string {
  const code = block.code.replace(
    RELATIVE_SPECIFIER,
    (_, lead, quote, specifier) => `${lead}${quote}${new URL(specifier, fileUrl).href}${quote}`,
  ).replace(/\bimport\.meta\.url\b/g, JSON.stringify(fileUrl));
  return `${code}\n`;
}
