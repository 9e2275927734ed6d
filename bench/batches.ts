/** Small helpers the load generators share. */

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `make(0 … count-1)`, at most `size` at a time (connections, inserts): bounded concurrency, results in order. */
export async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let from = 0; from < count; from += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - from) }, (_, k) => make(from + k)))));
  return out;
}
