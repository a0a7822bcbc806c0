/** Shared assertions of the predict tests. */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { assertMatch, assertThrows } from "../assert.ts";

/** fn throws `type` with a message containing `text`. */
export function throwsWith<E extends Error>(
  fn: () => unknown,
  type: new (...a: never[]) => E,
  text: string,
) {
  const e = assertThrows(fn, type);
  assertMatch(e.message, new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
}

/** CDNOW_sample.txt: master id, customer id, yyyymmdd, CDs bought, dollars. */
export function cdnowPurchases(): ColumnTable {
  const rows = Deno.readTextFileSync(
    new URL("../fixtures/predict/CDNOW_sample.txt", import.meta.url),
  ).trim().split("\n").map((l) => l.trim().split(/\s+/));
  return aq.table({
    customer_id: rows.map((r) => Number(r[1])),
    date: rows.map((r) =>
      new Date(`${r[2].slice(0, 4)}-${r[2].slice(4, 6)}-${r[2].slice(6)}T00:00:00Z`)
    ),
    revenue: rows.map((r) => Number(r[4])),
  });
}
