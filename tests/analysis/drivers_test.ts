import { meta } from "../../src/meta.ts";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import assert from "node:assert/strict";
import { CxDataError, CxOptionsError } from "../../src/errors.ts";
import { keyDrivers } from "../../src/analysis/drivers/drivers.ts";
import { importancePerformance } from "../../src/analysis/drivers/importance.ts";
import { relativeWeights, shapleyWeights } from "../../src/analysis/drivers/weights.ts";
import { cholesky, choleskySolve } from "../../src/stats/linalg.ts";
import { seededRandom } from "../../src/stats/random.ts";
import { assertThrows } from "../assert.ts";
import { assertClose, sample } from "../metrics/fixtures.ts";
import { driverFixture } from "./driver_fixtures.ts";

const RATINGS = [
  "rating_wait_time",
  "rating_friendliness",
  "rating_competence",
  "rating_price",
  "rating_app",
];

function assertMatches(
  result: ColumnTable,
  file: string,
  filter: (e: Record<string, unknown>) => boolean = () => true,
  keys: string[] = [],
): void {
  const expected = driverFixture(file).filter(filter);
  const rows = result.objects() as Record<string, unknown>[];
  assert.equal(rows.length, expected.length, `${file}: row count`);
  expected.forEach((e, i) => {
    const a = rows[i];
    const what = `${file} ${
      keys.map((k) => `${e[k]} `).join("")
    }${e.outcome} ${e.method} ${e.driver}`;
    for (const k of ["driver", "method", "rank", "sign", "n", ...keys]) {
      assert.equal(a[k], e[k], `${what}: ${k}`);
    }
    for (const k of ["raw_weight", "weight_pct", "beta", "r", "r2"]) {
      assertClose(a[k], e[k], `${what}: ${k}`);
    }
    assert.equal(a.note, null);
  });
}

Deno.test("keyDrivers: relative weights and Shapley values equal numpy/statsmodels on the sample", async () => {
  const responses = await sample("responses");
  for (const outcome of ["nps_score", "csat"]) {
    const result = keyDrivers(responses, { outcome, drivers: RATINGS, method: "both" });
    assertMatches(result, "drivers_sample.csv", (e) => e.outcome === outcome);
    for (const method of ["relative-weights", "shapley"]) {
      const rows = (result.objects() as Record<string, number | string>[]).filter((r) =>
        r.method === method
      );
      const sum = rows.reduce((s, r) => s + (r.raw_weight as number), 0);
      assertClose(sum, rows[0].r2, `${outcome} ${method}: raw weights add up to R²`, 1e-12);
      assertClose(rows.reduce((s, r) => s + (r.weight_pct as number), 0), 100, "100 %", 1e-12);
    }
  }
});

Deno.test("keyDrivers: by channel equals numpy/statsmodels within each channel", async () => {
  const responses = await sample("responses");
  const result = keyDrivers(responses, {
    outcome: "nps_score",
    drivers: RATINGS,
    method: "both",
    by: "channel",
  });
  assertMatches(result, "drivers_by_channel.csv", () => true, ["channel"]);
});

Deno.test("relative weights: the published mtcars example (R package rwa) and numpy", () => {
  // Published example: Martin Chan, R package "rwa", vignette "Regression methods"
  // (martinctc.github.io/rwa/articles/regression-methods.html): rwa_multiregress(mtcars,
  // "mpg", c("cyl", "disp", "hp", "wt")) prints Raw.RelWeight 0.2096904, 0.1883043, 0.1799590,
  // 0.2706812 and Rescaled.RelWeight 24.70914, 22.18908, 21.20570, 31.89607.
  const text = Deno.readTextFileSync(new URL("../fixtures/drivers/mtcars.csv", import.meta.url));
  const mtcars = aq.fromCSV(text);
  const result = keyDrivers(mtcars, {
    outcome: "mpg",
    drivers: ["cyl", "disp", "hp", "wt"],
    method: "both",
  });
  const rw = (result.objects() as Record<string, number | string>[]).filter((r) =>
    r.method === "relative-weights"
  );
  const published: Record<string, [number, number]> = {
    cyl: [0.2096904, 24.70914],
    disp: [0.1883043, 22.18908],
    hp: [0.1799590, 21.20570],
    wt: [0.2706812, 31.89607],
  };
  for (const r of rw) {
    const [raw, pct] = published[r.driver as string];
    assert.ok(Math.abs((r.raw_weight as number) - raw) < 5e-8, `${r.driver} raw ${r.raw_weight}`);
    assert.ok(Math.abs((r.weight_pct as number) - pct) < 5e-6, `${r.driver} % ${r.weight_pct}`);
  }
  assertMatches(result, "drivers_mtcars.csv");
  // rwa's "Sign" is the sign of the correlation (all negative); ours is the full-model
  // coefficient's: displacement correlates negatively with mpg but enters the model positively.
  const disp = rw.find((r) => r.driver === "disp")!;
  assert.ok((disp.r as number) < 0 && disp.sign === 1);
});

Deno.test("keyDrivers: the planted effect — wait time ranks first overall and in every channel", async () => {
  const responses = await sample("responses");
  const overall = keyDrivers(responses, {
    outcome: "nps_score",
    drivers: RATINGS,
    method: "both",
    bootstrap: { resamples: 200, seed: 7 },
  });
  const rows = overall.objects() as Record<string, number | string>[];
  for (const method of ["relative-weights", "shapley"]) {
    const m = rows.filter((r) => r.method === method);
    const wait = m.find((r) => r.driver === "rating_wait_time")!;
    assert.equal(wait.rank, 1, method);
    assert.ok((wait.weight_pct as number) > 40, `${method}: wait time explains > 40 % of R²`);
    // Its whole interval is above every other driver's interval.
    for (const r of m.filter((r) => r !== wait)) {
      assert.ok(
        (wait.weight_pct_low as number) > (r.weight_pct_high as number),
        `${method} ${r.driver}`,
      );
    }
    assert.ok(m.every((r) => r.sign === 1));
  }
  const byChannel = keyDrivers(responses, {
    outcome: "nps_score",
    drivers: RATINGS,
    by: "channel",
  });
  const firsts = (byChannel.objects() as Record<string, string | number>[]).filter((r) =>
    r.rank === 1
  );
  assert.deepEqual(firsts.map((r) => [r.channel, r.driver]), [
    ["chat", "rating_wait_time"],
    ["email", "rating_wait_time"],
    ["phone", "rating_wait_time"],
    ["web", "rating_wait_time"],
  ]);
});

Deno.test("keyDrivers: bootstrap intervals are seeded, contain the estimate and are recorded in meta", () => {
  const random = seededRandom(3);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const n = 400;
  const a = Array.from({ length: n }, normal), b = Array.from({ length: n }, normal);
  const y = a.map((v, i) => 0.8 * v + 0.3 * b[i] + normal());
  const t = aq.table({ a, b, y });
  const run = (seed: number) =>
    keyDrivers(t, { outcome: "y", drivers: ["a", "b"], bootstrap: { resamples: 300, seed } });
  const one = run(11), again = run(11), other = run(12);
  assert.deepEqual(one.array("weight_pct_low"), again.array("weight_pct_low"));
  assert.notDeepEqual(one.array("weight_pct_low"), other.array("weight_pct_low"));
  for (const r of one.objects() as Record<string, number>[]) {
    assert.ok(r.weight_pct_low < r.weight_pct && r.weight_pct < r.weight_pct_high);
  }
  assert.deepEqual(meta<"keyDrivers">(one)!.bootstrap, {
    resamples: 300,
    seed: 11,
    confidence: 0.95,
    failed: 0,
  });
  // The two weights of two drivers add to 100 %, so their intervals mirror each other.
  assertClose(
    (one.get("weight_pct_low", 0) as number) + (one.get("weight_pct_high", 1) as number),
    100,
    "mirror",
    1e-9,
  );
});

Deno.test("shapleyWeights: equals a plain subset-by-subset computation for 9 correlated drivers", () => {
  const random = seededRandom(5);
  const p = 9, n = 300;
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const common = Array.from({ length: n }, normal);
  const x = Array.from({ length: p }, (_, j) => common.map((c) => (j % 3) * 0.4 * c + normal()));
  const y = common.map((c, i) =>
    c + x.reduce((s, col, j) => s + (j + 1) * 0.1 * col[i], 0) + normal()
  );
  const corr = (u: number[], v: number[]) => {
    const mu = u.reduce((s, a) => s + a, 0) / n, mv = v.reduce((s, a) => s + a, 0) / n;
    let uv = 0, uu = 0, vv = 0;
    for (let i = 0; i < n; i++) {
      uv += (u[i] - mu) * (v[i] - mv);
      uu += (u[i] - mu) ** 2;
      vv += (v[i] - mv) ** 2;
    }
    return uv / Math.sqrt(uu * vv);
  };
  const rxx = x.map((u) => x.map((v) => corr(u, v)));
  const rxy = x.map((u) => corr(u, y));
  const r2 = (members: number[]) => {
    if (members.length === 0) return 0;
    const f = cholesky(members.map((j) => members.map((k) => rxx[j][k])));
    assert.ok(f.ok);
    const beta = choleskySolve(f.l, members.map((j) => rxy[j]));
    return beta.reduce((s, b, k) => s + b * rxy[members[k]], 0);
  };
  const fact = (k: number): number => k <= 1 ? 1 : k * fact(k - 1);
  const expected = new Array<number>(p).fill(0);
  for (let mask = 0; mask < 1 << p; mask++) {
    const members = [...Array(p).keys()].filter((j) => mask & (1 << j));
    const base = r2(members);
    for (let j = 0; j < p; j++) {
      if (mask & (1 << j)) continue;
      const w = fact(members.length) * fact(p - members.length - 1) / fact(p);
      expected[j] += w * (r2([...members, j].sort((a, b) => a - b)) - base);
    }
  }
  const phi = shapleyWeights(rxx, rxy);
  phi.forEach((v, j) => assertClose(v, expected[j], `phi ${j}`, 1e-12));
  assertClose(phi.reduce((s, v) => s + v, 0), r2([...Array(p).keys()]), "sum = R²", 1e-12);
  // Relative weights also add up to R² and are close to Shapley values (Johnson 2000).
  const rw = relativeWeights(rxx, rxy);
  assertClose(rw.reduce((s, v) => s + v, 0), r2([...Array(p).keys()]), "RW sum = R²", 1e-12);
  rw.forEach((v, j) => assert.ok(Math.abs(v - phi[j]) < 0.02, `RW ≈ Shapley for driver ${j}`));
});

Deno.test("keyDrivers: negative drivers get sign −1 and keep a positive weight", () => {
  const t = aq.table({
    effort: [1, 2, 3, 4, 5, 6, 7, 8],
    speed: [3, 1, 4, 1, 5, 9, 2, 6],
    nps: [10, 9, 8, 6, 7, 5, 2, 3],
  });
  const rows = keyDrivers(t, { outcome: "nps", drivers: ["effort", "speed"] }).objects() as Record<
    string,
    number
  >[];
  assert.equal(rows[0].sign, -1);
  assert.ok(rows[0].raw_weight > 0 && rows[0].beta < 0 && rows[0].r < 0);
});

Deno.test("keyDrivers: bad input gives clear messages and no NaN", () => {
  const base = {
    y: [1, 2, 3, 4, 5, 6],
    a: [2, 1, 4, 3, 6, 5],
    flat: [3, 3, 3, 3, 3, 3],
    empty: [null, null, null, null, null, null],
    twice: [4, 2, 8, 6, 12, 10],
    text: ["x", "y", "z", "x", "y", "z"],
  };
  const t = aq.table(base);
  const message = (
    options: Parameters<typeof keyDrivers>[1],
    type: typeof CxDataError | typeof CxOptionsError = CxDataError,
  ) => assertThrows(() => keyDrivers(t, options), type).message;
  assert.match(
    message({ outcome: "y", drivers: ["a", "empty"] }),
    /driver "empty" has no values \(all 6 rows are empty\); remove it from "drivers"/,
  );
  assert.match(message({ outcome: "empty", drivers: ["a"] }), /the outcome "empty" has no values/);
  assert.match(
    message({ outcome: "y", drivers: ["a", "flat"] }),
    /driver "flat" has the same value \(3\) in all 6 complete rows/,
  );
  assert.match(
    message({ outcome: "y", drivers: ["a", "twice"] }),
    /driver "twice" is \(almost\) a linear combination of a/,
  );
  assert.match(message({ outcome: "y", drivers: ["a", "text"] }), /Column "text" is not numeric/);
  assert.match(
    message({ outcome: "y", drivers: ["a", "y"] }, CxOptionsError),
    /also listed in "drivers"/,
  );
  assert.match(message({ outcome: "y", drivers: [] }, CxOptionsError), /at least one column/);
  assert.match(
    message({ outcome: "y", drivers: ["a"], method: "lmg" as "shapley" }, CxOptionsError),
    /"relative-weights", "shapley" or "both"/,
  );
  assert.match(
    message({ outcome: "y", drivers: ["a"], bootstrap: { resamples: 3 } }, CxOptionsError),
    /resamples/,
  );
  const few = aq.table({ y: [1, 2, 3, null], a: [1, 3, 2, 4], b: [2, 2, 1, 5] });
  assert.match(
    assertThrows(() => keyDrivers(few, { outcome: "y", drivers: ["a", "b"] }), CxDataError).message,
    /only 3 complete rows \(outcome and all 2 drivers present\); key drivers need at least 4/,
  );
  const many = aq.table(
    Object.fromEntries(Array.from({ length: 17 }, (_, j) => [`d${j}`, [1, 2]])),
  );
  assert.match(
    assertThrows(
      () =>
        keyDrivers(many.assign({ y: [1, 2] }), {
          outcome: "y",
          drivers: many.columnNames(),
          method: "shapley",
        }),
      CxOptionsError,
    ).message,
    /more than 15 drivers use method "relative-weights"/,
  );
});

Deno.test("keyDrivers: with by, a group that cannot be analysed gets null weights and a note", () => {
  const t = aq.table({
    channel: ["chat", "chat", "chat", "chat", "chat", "web", "web", "web", "web", "web"],
    y: [1, 2, 3, 4, 5, 1, 2, 3, 4, 5],
    a: [2, 1, 4, 3, 5, 2, 1, 4, 3, 5],
    b: [1, 1, 2, 3, 2, 7, 7, 7, 7, 7],
  });
  const rows = keyDrivers(t, { outcome: "y", drivers: ["a", "b"], by: "channel" })
    .objects() as Record<string, unknown>[];
  assert.equal(rows.length, 4);
  assert.ok(rows.slice(0, 2).every((r) => typeof r.weight_pct === "number" && r.note === null));
  for (const r of rows.slice(2)) {
    assert.equal(r.weight_pct, null);
    assert.equal(r.n, 5);
    assert.match(String(r.note), /driver "b" has the same value \(7\) in all 5 complete rows/);
  }
  for (const r of rows) {
    for (const v of Object.values(r)) assert.ok(!(typeof v === "number" && Number.isNaN(v)));
  }
  const ip = importancePerformance(
    t,
    keyDrivers(t, { outcome: "y", drivers: ["a", "b"], by: "channel" }),
  ).objects() as Record<string, unknown>[];
  assert.deepEqual(ip.map((r) => [r.channel, r.quadrant === null]), [
    ["chat", false],
    ["chat", false],
    ["web", true],
    ["web", true],
  ]);
  const web = t.filter((d) => d.channel === "web");
  assert.match(
    assertThrows(
      () => keyDrivers(web, { outcome: "y", drivers: ["a", "b"], by: "channel" }),
      CxDataError,
    ).message,
    /No group has enough data for key drivers[\s\S]*channel = web: driver "b" has the same value/,
  );
});

Deno.test("importancePerformance: quadrants split at the means; wait time is the priority in the sample", async () => {
  const responses = await sample("responses");
  const kd = keyDrivers(responses, { outcome: "nps_score", drivers: RATINGS });
  const ip = importancePerformance(responses, kd);
  const rows = ip.objects() as Record<string, number | string>[];
  assert.deepEqual(ip.columnNames().slice(0, 2), ["driver", "importance"]);
  assertClose(rows[0].importance_split, 20, "mean importance = 100 / 5", 1e-12);
  const means = RATINGS.map((d) => {
    const v = (responses.array(d) as (number | null)[]).filter((x): x is number => x !== null);
    return v.reduce((s, x) => s + x, 0) / v.length;
  });
  rows.forEach((r, j) => assertClose(r.performance, means[j], `${r.driver} mean rating`, 1e-12));
  assertClose(rows[0].performance_split, means.reduce((s, x) => s + x, 0) / 5, "split", 1e-12);
  const quadrant = Object.fromEntries(rows.map((r) => [r.driver, r.quadrant]));
  assert.deepEqual(quadrant, {
    rating_wait_time: "Concentrate here", // 46 % of R², mean 6.2 < 6.85
    rating_friendliness: "Possible overkill", // 13 %, 7.8
    rating_competence: "Possible overkill", // 18 %, 7.4
    rating_price: "Low priority", // 11 %, 6.0
    rating_app: "Low priority", // 12 %, 6.84
  });
  assert.throws(() => importancePerformance(responses, responses), CxOptionsError);
  assert.throws(
    () => importancePerformance(responses, kd, { method: "shapley" }),
    /no rows for method "shapley"/,
  );
});

Deno.test("importancePerformance: per group (Shapley weights), performance within the group", async () => {
  const responses = await sample("responses");
  const kd = keyDrivers(responses, {
    outcome: "nps_score",
    drivers: RATINGS,
    by: "channel",
    method: "both",
  });
  const ip = importancePerformance(responses, kd, { method: "shapley" });
  assert.equal(ip.numRows(), 20);
  assert.deepEqual(ip.columnNames().slice(0, 2), ["channel", "driver"]);
  const phone = (ip.objects() as Record<string, number | string>[]).filter((r) =>
    r.channel === "phone"
  );
  const wait = phone.find((r) => r.driver === "rating_wait_time")!;
  const v = (responses.objects() as Record<string, unknown>[]).filter((r) =>
    r.channel === "phone" && r.rating_wait_time !== null
  ).map((r) => r.rating_wait_time as number);
  assertClose(wait.performance, v.reduce((s, x) => s + x, 0) / v.length, "phone wait mean", 1e-12);
  assert.equal(wait.quadrant, "Concentrate here");
});
