// The chunked reader of readLargeCsv on a file, for tests that cut records at chosen chunk sizes.
import {
  encodeCsv,
  type EncodeCsvOptions,
  type EncodedCsv,
  fileChunks,
} from "../../src/io/csv_encode.ts";

/** `encodeCsv` over the file at `path`, read in chunks of `options.chunkBytes`. */
export async function encodeFile(
  path: string,
  options: Omit<EncodeCsvOptions, "source">,
): Promise<EncodedCsv> {
  using file = await Deno.open(path);
  const size = (await file.stat()).size;
  return await encodeCsv(fileChunks(file, size), { ...options, source: path });
}

/** Every column of an encoding as its texts (`null` for empty fields). */
export function decodeColumns(encoded: EncodedCsv): (string | null)[][] {
  return encoded.columns.map((c) => [...c.codes].map((k) => c.dictionary[k]));
}
