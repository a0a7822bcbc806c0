/**
 * Each meaning once: the NPS cut points, the CSAT/CES scale tops and their
 * boxes live in src/schema/scales.ts, period names and label formatting in
 * src/time/period.ts. This test scans the code (comments stripped) of src/,
 * data/ and the notebooks' code cells and fails on a cut point, scale top or
 * period word written anywhere else.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import {
  CES_DEFAULTS,
  CES_SCALES,
  CSAT_DEFAULTS,
  CSAT_SCALES,
  NPS_CATEGORIES,
  NPS_CUT_POINTS,
  NPS_SCALE,
  npsCategory,
  npsRange,
} from "../src/schema/scales.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** The modules that define a meaning: the only places its literals may appear. */
const DEFINING = new Set(["src/schema/scales.ts", "src/time/period.ts"]);

/** What a hard-coded copy of a meaning looks like in code. */
const RULES: { what: string; pattern: RegExp }[] = [
  {
    what: "NPS cut point compared with a score",
    pattern: /\b(?:\w*(?:score|nps)\w*|_*s)\s*(?:>=|<=|>|<|===|!==)\s*(?:6|7|8|9|10)\b/i,
  },
  { what: "NPS cut point as a bound", pattern: /\b(?:min|max):\s*(?:6|7|8|9)\b(?!\.)/ },
  {
    what: "NPS category range",
    pattern: /(?<![\d.-])(?:0\s*[–-]\s*6|7\s*[–-]\s*8|9\s*[–-]\s*10)(?![\d])/,
  },
  { what: "NPS scale check", pattern: />=\s*0\s*&&\s*[\w.]+\s*<=\s*10\b/ },
  {
    what: "CSAT/CES scale top",
    pattern:
      /\b\w*[sS]cale\s*(?:=|===|!==|\?\?)\s*(?:5|7|10)\b|\[\s*5,\s*7(?:,\s*10)?\s*\]|\b5 \| 7\b/,
  },
  { what: "CSAT/CES scale top in a schema", pattern: /literal\(\s*(?:5|7|10)\s*\)/ },
  { what: "CSAT/CES box default", pattern: /\b(?:topBox\s*=\s*2|lowEffort\s*\?\?\s*\d)\b/ },
  {
    // Period keys ("month") are option values; their words are the names.
    what: "period name",
    pattern:
      /["'](?:Tag|Woche|Monat|Quartal|Jahr)["']|\b(day|week|month|quarter|year):\s*["']\1["']/,
  },
  { what: "period label format", pattern: /-[QW]\$\{/ },
];

/** Code without comments: block comments (JSDoc) and `// …` line comments. */
export function stripComments(text: string): string {
  return text
    .replace(
      /(^|[\s;,(){}])\/\*[\s\S]*?\*\//g,
      (m, lead) => lead + m.slice(lead.length).replace(/[^\n]/g, " "),
    )
    .replace(/(^|\s)\/\/.*$/gm, "$1");
}

/** Every rule a piece of code breaks, with its line. */
export function findCopies(code: string): { line: number; what: string; text: string }[] {
  const out: { line: number; what: string; text: string }[] = [];
  stripComments(code).split("\n").forEach((text, i) => {
    for (const rule of RULES) {
      if (rule.pattern.test(text)) out.push({ line: i + 1, what: rule.what, text: text.trim() });
    }
  });
  return out;
}

async function* files(dir: string, ext: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* files(path, ext);
    else if (entry.name.endsWith(ext)) yield path;
  }
}

/** The code of a source file, or of a notebook's code cells (one after another). */
async function codeOf(path: string): Promise<string> {
  const text = await Deno.readTextFile(path);
  if (!path.endsWith(".ipynb")) return text;
  const cells = JSON.parse(text).cells as { cell_type: string; source: string[] | string }[];
  return cells.filter((c) => c.cell_type === "code")
    .map((c) => Array.isArray(c.source) ? c.source.join("") : c.source).join("\n");
}

Deno.test("each meaning once: no NPS cut point, scale top or period word outside its module", async () => {
  const found: string[] = [];
  let scanned = 0;
  for (const [dir, ext] of [["src", ".ts"], ["data", ".ts"], ["notebooks", ".ipynb"]]) {
    for await (const path of files(join(ROOT, dir), ext)) {
      const name = relative(ROOT, path);
      if (DEFINING.has(name)) continue;
      scanned++;
      for (const c of findCopies(await codeOf(path))) {
        found.push(`${name}:${c.line}: ${c.what}: ${c.text}`);
      }
    }
  }
  assert.ok(scanned > 100, `only ${scanned} files scanned`);
  assert.deepEqual(found, [], `import the meaning from its module instead:\n${found.join("\n")}`);
});

Deno.test("each meaning once: the scan finds planted copies and passes the defining forms", () => {
  const planted = [
    "if (s >= 9) p++;",
    "const detractor = d.nps_score <= 6;",
    'promoters: "d => aq.op.sum(d.__s >= 9 ? 1 : 0)",',
    "passives: countIf(nps_score >= 7 AND nps_score <= 8),",
    '{ name: "promoters", op: "countBetween", column: s, min: 9, max: 10 },',
    'en: { Detractor: "Detractor (0–6)" },',
    'notes: { promoters: "9-10" },',
    "(v) => typeof v === 'number' && v >= 0 && v <= 10,",
    "const { score = 'csat', scale = 5, topBox = 2 } = options;",
    "if (![5, 7, 10].includes(scale)) throw x;",
    "csatScale: z.union([z.literal(5), z.literal(7), z.literal(10)]),",
    "const lowEffort = options.lowEffort ?? (scale === 7 ? 3 : 2);",
    'de: { day: "Tag", week: "Woche", month: "Monat" },',
    'en: { day: "day", week: "week" },',
    "return { label: `${y}-Q${q}` };",
  ];
  for (const line of planted) {
    assert.ok(findCopies(line).length > 0, `not found: ${line}`);
  }
  const fine = [
    "/** Promoters (9–10) minus detractors (0–6), in points. */",
    "  // scores 9–10 are promoters",
    "if (s >= promoter) p[c]++;",
    "const day = iso.slice(0, 10); // 2024-07-08",
    'const when = "2024-07-08";',
    "for (let i = 0; i < 8; i++) x();",
    "const url = 'https://example.org/a'; const x = 1;",
    "csatScale = CSAT_DEFAULTS.scale,",
  ];
  for (const line of fine) {
    assert.deepEqual(findCopies(line), [], `flagged: ${line}`);
  }
});

Deno.test("each meaning once: the definitions are the usual ones (Reichheld's NPS; CSAT 1–5, CES 2.0 on 1–7)", () => {
  // Written out by hand: detractors 0–6, passives 7–8, promoters 9–10.
  const expected = ["D", "D", "D", "D", "D", "D", "D", "Pa", "Pa", "Pr", "Pr"];
  const short = { Detractor: "D", Passive: "Pa", Promoter: "Pr" } as const;
  const scores = Array.from({ length: NPS_SCALE.max - NPS_SCALE.min + 1 }, (_, i) => i);
  assert.deepEqual(scores.map((s) => short[npsCategory(s)]), expected);
  assert.deepEqual(NPS_CATEGORIES.map(npsRange), ["0–6", "7–8", "9–10"]);
  // The cut points cover the scale without gap or overlap.
  const covered = NPS_CATEGORIES.flatMap((c) => {
    const { min, max } = NPS_CUT_POINTS[c];
    return Array.from({ length: max - min + 1 }, (_, i) => min + i);
  });
  assert.deepEqual(covered, scores);
  assert.deepEqual([CSAT_SCALES, CSAT_DEFAULTS], [[5, 7, 10], { scale: 5, topBox: 2 }]);
  assert.deepEqual([CES_SCALES, CES_DEFAULTS], [[5, 7], { scale: 7, lowEffort: { 5: 2, 7: 3 } }]);
});
