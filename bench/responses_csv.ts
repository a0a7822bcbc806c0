/**
 * Writes a large synthetic responses CSV for load benchmarks (seeded, so every
 * run measures the same bytes). One row in `badEvery` (default 100: 1 %)
 * carries a planted problem (an NPS of 11) so the reject path is exercised too.
 *
 * @module
 */

/**
 * Makes `rows` survey answers as CSV text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { responsesCsv } from "./responses_csv.ts";
 * assert.ok(responsesCsv(10).split("\n").length === 12);
 * ```
 */
export function responsesCsv(rows: number, seed = 7, badEvery = 100): string {
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const channels = ["chat", "email", "phone", "web"];
  const regions = ["north", "south", "east", "west"];
  const comments = ["", "", "", "Great support, quick answer", "Wartezeit war zu lang, leider"];
  const lines = [
    "response_id,customer_id,date,nps_score,csat,ces,comment,channel,region,rating_wait_time",
  ];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    const day = new Date(start + Math.floor(rand() * 730) * 86_400_000).toISOString().slice(0, 10);
    const nps = i % badEvery === badEvery - 1 ? 11 : Math.floor(rand() * 11);
    const comment = comments[Math.floor(rand() * comments.length)];
    lines.push(
      `R${i},C${Math.floor(rand() * 50_000)},${day},${nps},${1 + Math.floor(rand() * 5)},${
        1 + Math.floor(rand() * 7)
      },${comment.includes(",") ? `"${comment}"` : comment},${channels[i % 4]},${
        regions[(i >> 2) % 4]
      },${(1 + rand() * 9).toFixed(1)}`,
    );
  }
  return lines.join("\n") + "\n";
}
