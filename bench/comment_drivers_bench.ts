/**
 * `commentDrivers` on seeded synthetic survey comments (default 1M; German
 * and English, 2–8 words each from a planted vocabulary: detractors lean to
 * complaint words, promoters to praise, with stop words, neutral nouns,
 * numbers, upper case, punctuation and 12 % empty comments), default
 * options (detractors against promoters, language per comment). Prints the
 * median time of `--runs` calls and the goal line (≤ 5 s).
 *
 * Before timing, the first `--check` comments are run through cxkit and
 * through the independent Python reference of the unit tests
 * (`tests/fixtures/text/make_comment_drivers_fixture.py`, function
 * `drivers`: own tokeniser, formulas, scipy p-values, statsmodels BH); the
 * terms, counts, groups and examples must be equal and the statistics agree
 * to 1e-9, or the script stops.
 *
 *     deno run -A bench/comment_drivers_bench.ts [--comments 1000000] [--runs 3] [--check 20000]
 *
 * @module
 */
import * as aq from "arquero";
import process from "node:process";
import { parseArgs } from "node:util";
import { commentDrivers } from "../src/text/comment_drivers.ts";
import { seededRandom } from "../src/stats/random.ts";

const { values } = parseArgs({
  options: {
    comments: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    check: { type: "string", default: "20000" },
  },
});
const N = Number(values.comments), runs = Number(values.runs), CHECK = Number(values.check);

const words = (s: string) => s.trim().split(/\s+/);
const VOCABULARY = {
  de: {
    neg: words(`Wartezeit Warteschleife unfreundlich teuer Preiserhöhung ärgerlich Rückruf
      Störung Ausfall gekündigt genervt nicht kein Gebühren Kündigung langsam`),
    pos: words(`schnell freundlich super großartig Beratung kompetent danke zufrieden Hilfe
      Lösungen gefreut prima`),
    neutral: words(`Service App Telefon Support Kunde Vertrag Rechnung Straße Monat Termin
      Kundenservice App-Update Online-Portal Tarif`),
    stop: words("die der und ist war sehr mit zu nicht auch"),
  },
  en: {
    neg: words(`waited hold rude expensive crashes outage refunds charges cancelled nobody
      didn't queries issues slow`),
    pos: words("great quick helpful friendly thanks easy solved works answers loves smooth"),
    neutral: words(`service app phone support customer contract bill month agent website e-mail
      self-service login plan`),
    stop: words("the and was is very with to not also my"),
  },
};
const SEPARATORS = [" ", " ", " ", " ", ", ", "-", ". ", "! ", " – ", "\n", "  "];
const ENDINGS = ["!", "?", ".", " :(", " 9,99 €"];

/** Seeded comments and NPS scores (3 % missing scores). */
function corpus(n: number): { nps_score: (number | null)[]; comment: (string | null)[] } {
  const random = seededRandom(20261202);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const nps_score = new Array<number | null>(n), comment = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const r = random();
    let score: number | null = Math.floor(
      r < 0.45 ? random() * 7 : r < 0.6 ? 7 + random() * 2 : 9 + random() * 2,
    );
    if (random() < 0.03) score = null;
    nps_score[i] = score;
    if (random() < 0.12) {
      comment[i] = random() < 0.5 ? null : "   ";
      continue;
    }
    const v = random() < 0.55 ? VOCABULARY.de : VOCABULARY.en;
    const bias = score === null ? 0.5 : score <= 6 ? 0.92 : score >= 9 ? 0.08 : 0.5;
    const k = 2 + Math.floor(random() * 7);
    let text = "";
    for (let w = 0; w < k; w++) {
      const u = random();
      let word = u < 0.25
        ? pick(v.stop)
        : u < 0.55
        ? pick(v.neutral)
        : pick(random() < bias ? v.neg : v.pos);
      if (random() < 0.05) word = String(1 + Math.floor(random() * 99));
      if (random() < 0.1) word = word.toUpperCase();
      text += w === 0 ? word : pick(SEPARATORS) + word;
    }
    comment[i] = random() < 0.2 ? text + pick(ENDINGS) : text;
  }
  return { nps_score, comment };
}

const PYTHON = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("ref", sys.argv[1])
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
with open(sys.argv[2], encoding="utf-8") as f:
    corpus = json.load(f)
json.dump(ref.drivers(corpus), sys.stdout, ensure_ascii=False)
`;

/** Stops the script unless cxkit equals the Python reference on the first `n` comments. */
async function checkAgainstPython(data: ReturnType<typeof corpus>, n: number): Promise<number> {
  const small = { nps_score: data.nps_score.slice(0, n), comment: data.comment.slice(0, n) };
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(file, JSON.stringify(small));
  const reference = new URL(
    "../tests/fixtures/text/make_comment_drivers_fixture.py",
    import.meta.url,
  );
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", PYTHON, reference.pathname, file],
  }).output();
  await Deno.remove(file);
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const want = JSON.parse(new TextDecoder().decode(out.stdout)) as Record<string, unknown>[];
  const got = commentDrivers(aq.table(small)).objects() as Record<string, unknown>[];
  const fail = (what: string) => {
    throw new Error(`commentDrivers differs from the Python reference on ${n} comments: ${what}`);
  };
  if (got.length !== want.length || want.length < 20) {
    fail(`${got.length} terms, Python ${want.length}`);
  }
  got.forEach((row, i) => {
    for (const c of ["term", "n_terms", "group", "count_a", "count_b", "significant", "examples"]) {
      if (JSON.stringify(row[c]) !== JSON.stringify(want[i][c])) {
        fail(`row ${i} ${c}: ${row[c]} vs ${want[i][c]}`);
      }
    }
    for (const c of ["log_odds", "std_err", "statistic", "p_value", "p_adjusted"]) {
      const a = row[c] as number, b = want[i][c] as number;
      if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)))) {
        fail(`row ${i} ${c}: ${a} vs ${b}`);
      }
    }
  });
  return want.length;
}

const t0 = performance.now();
const data = corpus(N);
const table = aq.table(data);
console.log(
  `${N.toLocaleString("en-US")} comments built in ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s`,
);
if (CHECK > 0) {
  const terms = await checkAgainstPython(data, Math.min(CHECK, N));
  console.log(
    `first ${
      Math.min(CHECK, N)
    } comments: same ${terms} terms as the Python reference (statistics to 1e-9)`,
  );
}
const seconds: number[] = [], cpu: number[] = [];
let result = commentDrivers(table);
for (let r = 0; r < runs; r++) {
  const start = performance.now(), used = process.cpuUsage();
  result = commentDrivers(table);
  seconds.push((performance.now() - start) / 1000);
  const { user, system } = process.cpuUsage(used);
  cpu.push((user + system) / 1e6);
}
const median = [...seconds].sort((a, b) => a - b)[Math.floor(runs / 2)];
// Rows run from group a's strongest term to group b's strongest.
const terms = result.array("term") as string[];
console.log(
  `${terms.length} terms; strongest for detractors: ${terms.slice(0, 5).join(", ")}; ` +
    `for promoters: ${terms.slice(-5).reverse().join(", ")}`,
);
console.log(
  `commentDrivers (median of ${runs}): ${median.toFixed(2)} s (runs: ${
    seconds.map((x) => x.toFixed(2)).join(", ")
  } s; CPU time of this process: ${cpu.map((x) => x.toFixed(2)).join(", ")} s)`,
);
console.log(
  `GOAL commentdrivers-1m seconds=${
    median.toFixed(3)
  } target=5 commentDrivers on ${N} comments, median of ${runs}`,
);
