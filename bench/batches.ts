/** What the load generators share: waiting, bounded concurrency, and the fixed send schedule. */

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `make(0 … count-1)`, at most `size` at a time (connections, inserts): bounded concurrency, results in order. */
export async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let from = 0; from < count; from += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - from) }, (_, k) => make(from + k)))));
  return out;
}

/**
 * The fixed schedule every generator sends on: item k is due at start + k/rate, and each 1 ms tick sends everything due
 * by now, however late the tick runs, never waiting for replies (no coordinated omission). `send(k, at, now)` gets the
 * item's scheduled time and the tick's. Resolves once all `count` are sent, with how far behind the latest one went out.
 */
export async function sendOnSchedule(count: number, rate: number, send: (k: number, at: number, now: number) => void): Promise<{ maxLagMs: number }> {
  const start = performance.now() + 5;
  const interval = 1000 / rate;
  let sent = 0;
  let maxLagMs = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(count, Math.floor((now - start) / interval) + 1);
      for (; sent < due; sent++) {
        const at = start + sent * interval;
        maxLagMs = Math.max(maxLagMs, now - at);
        send(sent, at, now);
      }
      if (sent < count) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, 1);
  });
  return { maxLagMs };
}
