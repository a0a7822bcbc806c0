/**
 * The report's text section ("What customers say"): on the sample, the
 * numbers on the page are the results of `sentiment` and `commentDrivers`
 * formatted; findings claim a difference only when intervals separate;
 * German wording; small groups suppressed. (That no planted personal data
 * from comments reaches `text.html` is tested with every other page in
 * privacy_test.ts.)
 */
import assert from "node:assert/strict";
import * as aq from "arquero";
import { reportTables } from "../../src/report/context.ts";
import { sectionContext } from "../../src/report/site.ts";
import { textSection } from "../../src/report/text_section.ts";
import { commentDrivers } from "../../src/text/comment_drivers.ts";
import { sentiment } from "../../src/text/sentiment.ts";
import { loadSample } from "./fixtures.ts";

type Row = Record<string, unknown>;

/** Visible text: tags dropped, white space collapsed. */
const visible = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

async function sampleResponses() {
  const { files } = await loadSample();
  return reportTables(files).tables.responses!;
}

Deno.test("text section on the sample: sentiment by channel and month and the comment drivers as computed", async () => {
  const responses = await sampleResponses();
  const ctx = sectionContext({ responses });
  const section = textSection(ctx);
  const f = ctx.format;
  const page = visible(section.body);
  assert.equal(section.id, "text");
  // Every channel's row: n, sentiment with interval (2 digits), negative share with interval.
  const byChannel = sentiment(responses, { by: "channel" }).objects() as Row[];
  assert.equal(byChannel.length, 4);
  for (const r of byChannel) {
    const row = `${r.channel} ${f.int(r.n)} ${
      f.interval(r.sentiment, r.sentiment_low, r.sentiment_high, 2)
    } ${f.shareInterval(r.share_negative, r.share_negative_low, r.share_negative_high)}`;
    assert.ok(page.includes(row), row);
  }
  // Every month's row likewise.
  const byMonth = sentiment(responses, { period: "month" }).objects() as Row[];
  for (const r of byMonth) {
    const row = `${r.period} ${f.int(r.n)} ${
      f.interval(r.sentiment, r.sentiment_low, r.sentiment_high, 2)
    }`;
    assert.ok(page.includes(row), row);
  }
  // The finding on channels: by hand, the highest and lowest channel and whether intervals
  // overlap: "highest … lowest" only when both overlap no other channel's interval, "better
  // for … than for …" when only the two are apart (issue #19 item 3).
  const ranked = [...byChannel].sort((a, b) => (b.sentiment as number) - (a.sentiment as number));
  const [hi, lo] = [ranked[0], ranked[3]];
  const above = (a: Row, b: Row) => (a.sentiment_low as number) > (b.sentiment_high as number);
  const apart = above(hi, lo);
  const all = ranked.slice(1, 3).every((o) => above(hi, o) && above(o, lo));
  const claim = section.findings.find((s) =>
    s.startsWith("Sentiment is highest") || s.startsWith("Sentiment is better for") ||
    s.startsWith("Sentiment does not differ clearly by channel")
  );
  assert.ok(claim, section.findings.join(" | "));
  assert.equal(claim.startsWith("Sentiment is highest"), apart && all);
  assert.equal(claim.startsWith("Sentiment is better for"), apart && !all);
  assert.ok(claim.includes(String(hi.channel)) && claim.includes(String(lo.channel)));
  // The drivers finding names the three strongest significant terms of each group, with z.
  const drivers = (commentDrivers(responses).objects() as Row[])
    .filter((r) => r.significant === true);
  const top = (group: string) =>
    drivers.filter((r) => r.group === group)
      .sort((a, b) => Math.abs(b.statistic as number) - Math.abs(a.statistic as number))
      .slice(0, 3).map((r) => `“${r.term}” (z = ${f.num(Math.abs(r.statistic as number))})`);
  assert.ok(top("Detractor").length && top("Promoter").length);
  assert.ok(
    section.findings.includes(
      `Detractors write more often about ${top("Detractor").join(", ")}; promoters about ${
        top("Promoter").join(", ")
      }.`,
    ),
    section.findings.join(" | "),
  );
  // The themes moved here from the trends page (once in the report).
  assert.ok(section.body.includes("What comments are about"));
});

Deno.test("text section in German: headings, findings and numbers in German", async () => {
  const responses = await sampleResponses();
  const section = textSection(sectionContext({ responses }, { lang: "de" }));
  assert.equal(section.title, "Was Kunden sagen");
  for (
    const words of [
      "Stimmung nach channel",
      "Stimmung nach Monat",
      "Worum es in den Kommentaren geht",
    ]
  ) {
    assert.ok(section.body.includes(words), words);
  }
  assert.ok(section.findings.some((s) => /^Kritiker schreiben häufiger über „/.test(s)));
  assert.ok(
    section.findings.some((s) => /^Die Stimmung (in|unterscheidet|ist|stieg|sank)/.test(s)),
  );
  assert.match(visible(section.body), /Stimmung \(Intervall\)/);
});

Deno.test("text section: a channel of 3 comments is suppressed; no comments, no content", () => {
  // 30 chat comments (all "great": sentiment 3/√24 = 0.61), 3 fax comments ("terrible": −3/√24).
  const responses = aq.table({
    channel: [...Array(30).fill("chat"), "fax", "fax", "fax"],
    comment: [...Array(30).fill("great"), "terrible", "terrible", "terrible"],
  });
  const ctx = sectionContext({ responses });
  const section = textSection(ctx);
  const page = visible(section.body);
  assert.match(section.body, /<th scope="row">fax<\/th><td colspan="3">fewer than 5 answers<\/td>/);
  const value = 3 / Math.sqrt(9 + 15);
  assert.ok(page.includes(`chat 30 ${ctx.format.num(value, 2)}`), page);
  assert.ok(!page.includes(`−${ctx.format.num(value, 2)}`), "fax's sentiment is shown");
  assert.ok(!page.includes("100.0%"), "fax's share of negative comments is shown");
  assert.deepEqual(ctx.privacy.suppressed, { "Sentiment by channel": 1 });
  // Only one comparable channel: no claim.
  assert.ok(!section.findings.some((s) => s.startsWith("Sentiment")), section.findings.join(" | "));
  const none = textSection(sectionContext({ responses: aq.table({ nps_score: [9] }) }));
  assert.match(none.body, /No comments in the survey answers/);
});
