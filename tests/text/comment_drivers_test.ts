/**
 * commentDrivers against an independent Python implementation
 * (tests/fixtures/text/make_comment_drivers_fixture.py: own tokeniser,
 * stemmers, log-odds formulas, scipy p-values, statsmodels BH) on a seeded
 * corpus, to 1e-9; the planted words of the sample data; a value worked by
 * hand; redacted examples; errors and the engine refusal.
 */
import * as aq from "arquero";
import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { meta } from "../../src/meta.ts";
import { duckdbEngine } from "../../src/engine/duckdb.ts";
import {
  COMMENT_DRIVER_COLUMNS,
  type CommentDriverOptions,
  commentDrivers,
} from "../../src/text/comment_drivers.ts";
import { sample } from "../metrics/fixtures.ts";

const FIXTURES = new URL("../fixtures/text/", import.meta.url);
const read = async (name: string) => JSON.parse(await Deno.readTextFile(new URL(name, FIXTURES)));

Deno.test("commentDrivers = the Python reference on the seeded corpus (1e-9)", async () => {
  const corpus = await read("comment_drivers_corpus.json");
  const expected = await read("comment_drivers_expected.json");
  const table = aq.table(corpus);
  assertEquals(expected.calls.length, 3);
  // the fixture exercises both outcomes of the test (significant or not)
  const flags = expected.calls.flatMap((c: { rows: { significant: boolean }[] }) =>
    c.rows.map((r) => r.significant)
  );
  assertEquals([flags.includes(true), flags.includes(false)], [true, true]);
  for (const { options, rows } of expected.calls) {
    const result = commentDrivers(table, options as CommentDriverOptions);
    const got = result.objects() as Record<string, unknown>[];
    const label = JSON.stringify(options);
    assertEquals(rows.length > 50, true, `${label}: the reference reports terms`);
    assertEquals(new Set(rows.map((r: { n_terms: number }) => r.n_terms)).size, 2, label);
    assertEquals(got.map((r) => r.term), rows.map((r: { term: string }) => r.term), label);
    got.forEach((r, i) => {
      const want = rows[i];
      for (const c of ["n_terms", "group", "count_a", "count_b", "significant", "examples"]) {
        assertEquals(r[c], want[c], `${label} ${want.term} ${c}`);
      }
      for (const c of ["log_odds", "std_err", "statistic", "p_value", "p_adjusted"]) {
        assertAlmostEquals(r[c] as number, want[c], 1e-9, `${label} ${want.term} ${c}`);
      }
    });
  }
});

Deno.test("the log-odds of one term, worked by hand", () => {
  // group a (detractors): "slow app" ×3 and "fine" ×1; group b: "great app" ×2
  const t = aq.table({
    nps_score: [0, 1, 2, 3, 10, 9],
    comment: ["slow app", "slow app", "slow app", "fine", "great app", "great app"],
  });
  const r = commentDrivers(t, { minCount: 1, language: "en" });
  const app = (r.objects() as Record<string, number>[]).find((x) => String(x.term) === "app")!;
  // words: a has 7 (slow×3, app×3, fine), b has 4 (great×2, app×2); app: y_a = 3, y_b = 2
  // α = 5, α0 = 11: ln((3+5)/(7+11−3−5)) − ln((2+5)/(4+11−2−5))
  const logOdds = Math.log(8 / 10) - Math.log(7 / 8);
  const stdErr = Math.sqrt(1 / 8 + 1 / 7);
  assertAlmostEquals(app.log_odds, logOdds, 1e-15);
  assertAlmostEquals(app.std_err, stdErr, 1e-15);
  assertAlmostEquals(app.statistic, logOdds / stdErr, 1e-15);
  assertEquals([app.count_a, app.count_b, app.n_terms], [3, 2, 1]);
  assertEquals(r.columnNames(), [...COMMENT_DRIVER_COLUMNS]);
  const m = meta<"text">(r);
  assertEquals([m.kind, m.groups], ["text", { a: "Detractor", b: "Promoter" }]);
});

Deno.test("sample data: the planted words separate detractors from promoters", async () => {
  const responses = await sample("responses");
  const r = commentDrivers(responses);
  const rows = r.objects() as Record<string, unknown>[];
  const detractor = rows.filter((x) => x.group === "Detractor").slice(0, 10).map((x) => x.term);
  const promoter = rows.filter((x) => x.group === "Promoter").slice(-10).map((x) => x.term);
  console.log(`detractors: ${detractor.join(", ")}\npromoters: ${promoter.join(", ")}`);
  // wait time is the planted strongest driver: detractors complain about waiting, in both languages
  for (const word of ["wartezeit", "wait", "long", "ewig"]) {
    assertEquals(detractor.includes(word), true, `detractor word ${word}`);
  }
  // promoters praise speed and friendliness (data/generate.ts POSITIVE)
  for (const word of ["great", "quick", "great support", "quick answer"]) {
    assertEquals(promoter.includes(word), true, `promoter word ${word}`);
  }
  assertEquals(rows.filter((x) => x.group === "Detractor" && x.significant).length >= 10, true);
  assertEquals(rows.filter((x) => x.group === "Promoter" && x.significant).length >= 10, true);
  // the generator never gives a promoter a complaint: no wait-time word leans to promoters
  assertEquals(rows.filter((x) => x.group === "Promoter" && /wart|wait/.test(String(x.term))), []);
});

Deno.test("examples are redacted, in the comment's language", () => {
  const t = aq.table({
    nps_score: [1, 2, 10, 10],
    comment: [
      "Rückruf an max@example.org, Wartezeit zu lang",
      "Call me back on +44 20 7946 0958, the waiting was awful",
      "Super",
      "Super",
    ],
  });
  const r = commentDrivers(t, { minCount: 1, examples: 5 });
  const rows = r.objects() as { term: string; examples: string[] }[];
  assertEquals(rows.find((x) => x.term === "wartezeit")!.examples, [
    "Rückruf an [E-Mail], Wartezeit zu lang",
  ]);
  assertEquals(rows.find((x) => x.term === "waiting")!.examples, [
    "Call me back on [phone], the waiting was awful",
  ]);
  assertEquals(rows.find((x) => x.term === "super")!.examples, ["Super", "Super"]);
});

Deno.test("a two-valued group column; stemming merges inflections", () => {
  const t = aq.table({
    churned: [true, true, true, false, false, false],
    comment: ["Calls dropped", "dropped call", "call dropped again", "fine", "fine", "calls ok"],
  });
  const r = commentDrivers(t, { group: "churned", minCount: 1, stem: true, language: "en" });
  assertEquals(meta<"text">(r).groups, { a: "false", b: "true" });
  const call = (r.objects() as Record<string, unknown>[]).find((x) => x.term === "call")!;
  assertEquals([call.count_a, call.count_b, call.group], [1, 3, "true"]);
});

Deno.test("bad input: clear errors, and the engine is refused in the one wording", async () => {
  const t = aq.table({ nps_score: [1, 10], comment: ["slow", "great"], plan: ["a", "b"] });
  assertEquals(
    assertThrows(() => commentDrivers(t, { grup: "plan" } as never), CxOptionsError).message,
    'commentDrivers: unknown option "grup"; did you mean "group"?',
  );
  assertThrows(() => commentDrivers(t, { language: "fr" as "de" }), CxOptionsError);
  assertThrows(() => commentDrivers(t, { minCount: 0 }), CxOptionsError);
  assertThrows(() => commentDrivers(t, { stem: "yes" as never }), CxOptionsError);
  assertThrows(() => commentDrivers(t, { text: "kommentar" }), CxOptionsError);
  assertEquals(
    assertThrows(() => commentDrivers(aq.table({ comment: ["x"] })), CxOptionsError).message
      .startsWith('commentDrivers compares detractors and promoters by column "nps_score"'),
    true,
  );
  const three = aq.table({ g: ["a", "b", "c"], comment: ["x y", "y z", "z x"] });
  assertEquals(
    assertThrows(() => commentDrivers(three, { group: "g" }), CxDataError).message.includes(
      'must hold exactly two values to compare, found 3 ("a", "b", "c")',
    ),
    true,
  );
  const dated = aq.table({ g: [new Date(0), new Date(0)], comment: ["x y", "y z"] });
  assertEquals(
    assertThrows(() => commentDrivers(dated, { group: "g" }), CxOptionsError).message,
    'Column "g" of option "group" must hold text, numbers or booleans; derive a two-valued column first',
  );
  const offScale = aq.table({ nps_score: [11, 1], comment: ["x", "y"] });
  assertThrows(() => commentDrivers(offScale), CxDataError);
  const noPromoters = aq.table({ nps_score: [1, 8], comment: ["slow", "fine"] });
  assertThrows(() => commentDrivers(noPromoters), CxDataError);
  const engine = duckdbEngine();
  try {
    let error: unknown;
    try {
      await commentDrivers(t, { engine });
    } catch (e) {
      error = e;
    }
    assertEquals(
      (error as Error).message,
      `commentDrivers cannot run in an SQL engine: the log-odds need every comment's words, which stay in memory. Pass an Arquero table (load it with readCsv, or SELECT the rows you need from the engine) and leave out "engine"`,
    );
  } finally {
    await engine.close();
  }
});
