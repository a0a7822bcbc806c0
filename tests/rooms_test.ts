/**
 * Rooms a newcomer can read (issue #14, item 6): no src/**\/*.ts file over
 * 600 lines, no function over 80 lines, and `src/engine/` knows no analysis
 * (the layer rule of DESIGN.md).
 *
 * Functions are found by Deno's own TypeScript parser (`Deno.lint.runPlugin`,
 * available under `deno test` only), so braces in strings, template literals, comments
 * and regular expressions cannot mislead the count. A function is every
 * function declaration, function expression, arrow function (at top level or
 * nested: `memory: (input) => { … }` inside `withEngine({ … })` counts too)
 * and method (class or object literal). Its length runs from its first line
 * (`export function`, `export const name =`, the method's name) to the line of
 * its closing brace, both included; a JSDoc block above it does not count.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/** Longest file, in lines. */
export const MAX_FILE_LINES = 600;
/** Longest function, in lines from its first line to its closing brace. */
export const MAX_FUNCTION_LINES = 80;
/** Folders of src/ that src/engine/ must not import (they sit above it). */
export const ABOVE_ENGINE = ["analysis", "metrics", "predict", "text", "charts", "report"];

/** A function that is too long. */
export interface LongFunction {
  line: number;
  name: string;
  lines: number;
}

type Node = Deno.lint.Node;
type FunctionNode =
  | Deno.lint.FunctionDeclaration
  | Deno.lint.FunctionExpression
  | Deno.lint.ArrowFunctionExpression;

/** Parses `code` and calls `visit` with every node of the given selector. */
function walk<N extends Node>(
  path: string,
  code: string,
  selector: string,
  visit: (node: N) => void,
): void {
  const plugin: Deno.lint.Plugin = {
    name: "rooms",
    rules: { walk: { create: () => ({ [selector]: visit as (node: Node) => void }) } },
  };
  Deno.lint.runPlugin(plugin, path, code);
}

/** Line number (1-based) of every character offset, by binary search over line starts. */
function lineFinder(code: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === "\n") starts.push(i + 1);
  return (offset) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** The name a reader searches for: `key`, `#key`, `[computed]`. */
function keyName(key: Node | undefined, code: string): string {
  if (!key) return "<anonymous>";
  if (key.type === "Identifier") return key.name;
  if (key.type === "PrivateIdentifier") return `#${key.name}`;
  if (key.type === "Literal") return String(key.value);
  return `[${code.slice(key.range[0], key.range[1])}]`;
}

/**
 * `name.` of the variable an object-literal method belongs to, as in
 * `export const kaplanMeier = withEngine({ memory(…) { … } })`; "" when the
 * object is not (part of) a variable's value.
 */
function holderOf(property: Deno.lint.Property): string {
  type Up = { type: string; parent?: Up; id?: { type: string; name?: string } };
  for (let node = property.parent as Up | undefined; node; node = node.parent) {
    if (node.type === "VariableDeclarator") {
      return node.id?.type === "Identifier" ? `${node.id.name}.` : "";
    }
    if (/Function/.test(node.type)) return "";
  }
  return "";
}

/**
 * The node a function's first line belongs to (its method, property or
 * `export const` declaration) and the function's name.
 */
function ownerOf(fn: FunctionNode, code: string): { start: Node; name: string } {
  const parent = fn.parent;
  switch (parent.type) {
    case "MethodDefinition":
    case "PropertyDefinition": {
      const cls = parent.parent.parent;
      const owner = "id" in cls && cls.id ? `${cls.id.name}.` : "";
      return { start: parent, name: owner + keyName(parent.key, code) };
    }
    case "Property":
      return { start: parent, name: holderOf(parent) + keyName(parent.key, code) };
    case "VariableDeclarator": {
      const declaration = parent.parent;
      const start = declaration.parent.type === "ExportNamedDeclaration"
        ? declaration.parent
        : declaration;
      return { start, name: keyName(parent.id, code) };
    }
    case "ExportNamedDeclaration":
    case "ExportDefaultDeclaration":
      return {
        start: parent,
        name: fn.type === "FunctionDeclaration" && fn.id ? fn.id.name : "default",
      };
    case "CallExpression": {
      const callee = code.slice(parent.callee.range[0], parent.callee.range[1]);
      return { start: fn, name: `<callback of ${callee.replace(/\s+/g, " ").slice(-40)}>` };
    }
  }
  return {
    start: fn,
    name: fn.type !== "ArrowFunctionExpression" && fn.id ? fn.id.name : "<anonymous>",
  };
}

/** Every function of `code` longer than `limit` lines, in source order. */
export function longFunctions(
  path: string,
  code: string,
  limit = MAX_FUNCTION_LINES,
): LongFunction[] {
  const lineOf = lineFinder(code);
  const found: LongFunction[] = [];
  const selector = "FunctionDeclaration, FunctionExpression, ArrowFunctionExpression";
  walk<FunctionNode>(path, code, selector, (fn) => {
    const { start, name } = ownerOf(fn, code);
    const line = lineOf(start.range[0]);
    const lines = lineOf(fn.range[1] - 1) - line + 1;
    if (lines > limit) found.push({ line, name, lines });
  });
  return found.sort((a, b) => a.line - b.line);
}

/** Number of lines of a text (a final newline does not start another line). */
export function lineCount(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/**
 * The module specifiers of `code` (a file at `path`, relative to the repo
 * root) that resolve into a folder of src/ above the engine: static imports
 * and re-exports (types included), dynamic `import("…")` and type-level
 * `import("…").Type`.
 */
export function upwardImports(path: string, code: string): string[] {
  const found: string[] = [];
  const above = new RegExp(`^src/(?:${ABOVE_ENGINE.join("|")})(?:/|$)`);
  walk(
    path,
    code,
    "ImportDeclaration, ExportNamedDeclaration, ExportAllDeclaration, ImportExpression, TSImportType",
    (node) => {
      const source = node.type !== "TSImportType"
        ? ("source" in node ? node.source : undefined)
        : node.argument.type === "TSLiteralType"
        ? node.argument.literal
        : undefined;
      if (!source || source.type !== "Literal") return;
      const spec = String(source.value);
      if (!spec.startsWith(".")) return;
      if (above.test(join(dirname(path), spec))) found.push(spec);
    },
  );
  return found;
}

async function* tsFiles(dir: string): AsyncGenerator<string> {
  const entries = [];
  for await (const entry of Deno.readDir(dir)) entries.push(entry);
  entries.sort((a, b) => a.name < b.name ? -1 : 1);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* tsFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Every src/**\/*.ts file as [path relative to the repo root, text]. */
async function sources(under = "src"): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const path of tsFiles(join(ROOT, under))) {
    out.push([relative(ROOT, path), await Deno.readTextFile(path)]);
  }
  return out;
}

Deno.test(`no file in src/ over ${MAX_FILE_LINES} lines`, async () => {
  const files = await sources();
  assert.ok(files.length > 50, `found only ${files.length} files under src/`);
  const offenders = files
    .filter(([, text]) => lineCount(text) > MAX_FILE_LINES)
    .map(([path, text]) => `${path} (${lineCount(text)} lines)`);
  assert.deepEqual(offenders, [], `files over ${MAX_FILE_LINES} lines:\n${offenders.join("\n")}`);
});

Deno.test(`no function in src/ over ${MAX_FUNCTION_LINES} lines`, async () => {
  const offenders: string[] = [];
  for (const [path, text] of await sources()) {
    for (const f of longFunctions(path, text)) {
      offenders.push(`${path}:${f.line} ${f.name} (${f.lines} lines)`);
    }
  }
  assert.deepEqual(
    offenders,
    [],
    `functions over ${MAX_FUNCTION_LINES} lines:\n${offenders.join("\n")}`,
  );
});

Deno.test("src/engine/ imports nothing from the layers above it", async () => {
  const files = await sources("src/engine");
  assert.ok(files.some(([path]) => path === "src/engine/dispatch.ts"));
  const offenders = files.flatMap(([path, text]) =>
    upwardImports(path, text).map((spec) => `${path} imports ${spec}`)
  );
  assert.deepEqual(offenders, [], `src/engine/ imports upward:\n${offenders.join("\n")}`);
});

// The checks themselves, on small sources whose answer is counted by hand.

/** A function of `n` lines: its signature, n − 2 body lines, its closing brace. */
function fnOf(n: number, head = "export function f(): number {", body = "  x++;"): string {
  return [head, ...Array(n - 2).fill(body), "}"].join("\n");
}

Deno.test("longFunctions: 80 lines pass, 81 do not; JSDoc is not counted", () => {
  assert.deepEqual(longFunctions("a.ts", `let x = 0;\n${fnOf(80)}\n`), []);
  assert.deepEqual(longFunctions("a.ts", `let x = 0;\n${fnOf(81)}\n`), [
    { line: 2, name: "f", lines: 81 },
  ]);
  const doc = `/**\n${Array(30).fill(" * words").join("\n")}\n */\n`;
  assert.deepEqual(longFunctions("a.ts", `let x = 0;\n${doc}${fnOf(80)}\n`), []);
  assert.deepEqual(longFunctions("a.ts", `let x = 0;\n${doc}${fnOf(81)}\n`), [
    { line: 34, name: "f", lines: 81 },
  ]);
});

Deno.test("longFunctions: braces in strings, templates, comments and regexes do not count", () => {
  const tricky = [
    '  const s = "}}}";',
    "  const t = `${'}'}} {`;",
    "  // }",
    "  /* } */",
    "  const r = /[}/]\\}/g;",
  ];
  const body = Array.from({ length: 79 }, (_, i) => tricky[i % tricky.length]);
  const code = ["export function g(): void {", ...body, "}", fnOf(81, "function h(): void {")].join(
    "\n",
  );
  assert.deepEqual(longFunctions("a.ts", code), [
    { line: 1, name: "g", lines: 81 },
    { line: 82, name: "h", lines: 81 },
  ]);
});

Deno.test("longFunctions: multi-line signatures, arrows, methods and nested functions", () => {
  const signature = "export function s(\n  a: number,\n  b: number,\n): { a: number } {";
  assert.deepEqual(longFunctions("a.ts", `${fnOf(78, signature)}\n`), [
    { line: 1, name: "s", lines: 81 },
  ]);
  assert.deepEqual(longFunctions("a.ts", fnOf(81, "export const arrow = (a: number) => {")), [
    { line: 1, name: "arrow", lines: 81 },
  ]);
  const open = fnOf(81, "  static async open(): Promise<void> {");
  const close = fnOf(81, "  close = () => {");
  const cls = `class Box {\n  value = 1;\n${open}\n${close};\n}`;
  assert.deepEqual(longFunctions("a.ts", cls), [
    { line: 3, name: "Box.open", lines: 81 },
    { line: 84, name: "Box.close", lines: 81 },
  ]);
  const spec = `export const run = withEngine({\n  name: "run",\n${
    fnOf(81, "  memory: (input: unknown) => {")
  },\n});`;
  assert.deepEqual(longFunctions("a.ts", spec), [{ line: 3, name: "run.memory", lines: 81 }]);
  const inCall = `register({\n${fnOf(81, "  sql(call: unknown) {")},\n});`;
  assert.deepEqual(longFunctions("a.ts", inCall), [{ line: 2, name: "sql", lines: 81 }]);
  const nested = fnOf(90, "function outer(): void {", "  x++;").replace(
    "  x++;",
    fnOf(81, "  const inner = function (): void {"),
  );
  assert.deepEqual(longFunctions("a.ts", nested).map((f) => [f.name, f.lines]), [
    ["outer", 170],
    ["inner", 81],
  ]);
});

Deno.test("lineCount counts lines as wc -l does for files ending in a newline", () => {
  assert.equal(lineCount(""), 0);
  assert.equal(lineCount("a\n"), 1);
  assert.equal(lineCount("a\nb"), 2);
  assert.equal(lineCount("a\n\nb\n"), 3);
});

Deno.test("upwardImports: finds imports into the layers above, nothing else", () => {
  const code = [
    "/**",
    ' * import { nps } from "../metrics/nps.ts";',
    " */",
    'import { a } from "../analysis/cohort.ts";',
    'import type { B } from "../metrics/groups.ts";',
    'export { c } from "../report/i18n.ts";',
    'export * from "../charts/kpi.ts";',
    'const d = await import("../text/themes.ts");',
    'type P = import("../predict/cox.ts").CoxModel;',
    'import { e } from "./compile.ts";',
    'import { f } from "../base/plan.ts";',
    'import { g } from "../stats/normal.ts";',
    'import { h } from "arquero";',
    'const s = "../metrics/x.ts";',
  ].join("\n");
  assert.deepEqual(upwardImports("src/engine/x.ts", code), [
    "../analysis/cohort.ts",
    "../metrics/groups.ts",
    "../report/i18n.ts",
    "../charts/kpi.ts",
    "../text/themes.ts",
    "../predict/cox.ts",
  ]);
  assert.deepEqual(
    upwardImports("src/engine/cohort/x.ts", 'import { p } from "../../predict/cox.ts";'),
    ["../../predict/cox.ts"],
  );
  assert.deepEqual(
    upwardImports("src/engine/cohort/x.ts", 'import { p } from "../analysis/x.ts";'),
    [],
  );
});
