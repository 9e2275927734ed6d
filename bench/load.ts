/**
 * The load generator, a separate process from every server (forked by bench/run.ts with IPC). It opens
 * `pairs` sender→recipient connections (1:1 chats) to one target and, for each phase, sends at a FIXED
 * rate spread round-robin across pairs, never waiting for replies. Latency = the recipient's receipt time
 * − the message's SCHEDULED send time, both on this process's performance.now(), so a late generator or a
 * slow server shows up as latency instead of being hidden (no coordinated omission). A phase is invalid if
 * the generator fell behind its schedule by more than `maxLagMs`, or any message was lost, refused or, on
 * Parley, missing from Postgres. A pair's sender and recipient may connect to different URLs (instances).
 */
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { Histogram, type Summary } from './histogram';
import { inBatches, sendOnSchedule, wait } from './batches';

export type Target = 'ws' | 'socketio' | 'parley';
export type LoadConfig = {
  target: Target; url: string; pairs: number; phases: { rate: number; seconds: number; warmup?: boolean }[]; maxLagMs: number; drainMs: number;
  /** Pair i's sender connects to senderUrls[i % length], its recipient to recipientUrls[i % length] (default `url`): cross-instance delivery. */
  senderUrls?: string[]; recipientUrls?: string[];
  /** The ceiling search: after a measured phase whose p99 reached this, the higher rates are not run. */
  stopAboveP99Ms?: number;
};
export type PhaseResult = {
  rate: number; warmup: boolean; sent: number; received: number; maxLagMs: number;
  latency: Summary; ack: Summary | null; invalid: string[];
};
export type LoadResult = { ok: true; phases: PhaseResult[] } | { ok: false; error: string };

type Pair = { send: (to: number, index: number, onAck: (ok: boolean) => void) => void; close: () => void };

const PADDING = ' the quick brown fox jumps over the lazy dog';

function opened<S extends Socket | WebSocket>(socket: S): Promise<S> {
  return new Promise((resolve, reject) => {
    if (socket instanceof WebSocket) socket.once('open', () => resolve(socket)).once('error', reject);
    else socket.once('connect', () => resolve(socket)).once('connect_error', reject);
  });
}

async function run(config: LoadConfig): Promise<PhaseResult[]> {
  const total = config.phases.reduce((sum, phase) => sum + Math.ceil(phase.rate * phase.seconds), 0);
  const scheduled = new Float64Array(total);
  const heard = new Uint8Array(total);
  let histogram = new Histogram();
  let received = 0;
  let duplicates = 0;
  const onReceive = (index: number) => {
    const now = performance.now();
    if (heard[index]) return void duplicates++;
    heard[index] = 1;
    received++;
    histogram.record(now - scheduled[index]!);
  };
  const opts = { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 10_000 };

  const senderUrl = (i: number) => config.senderUrls?.[i % config.senderUrls.length] ?? config.url;
  const recipientUrl = (i: number) => config.recipientUrls?.[i % config.recipientUrls.length] ?? config.url;
  const pairs: Pair[] = [];
  let countStored: (() => Promise<number>) | null = null;
  if (config.target === 'ws') {
    pairs.push(...(await inBatches(config.pairs, 50, async (i) => {
      const [sender, recipient] = await Promise.all([senderUrl(i), recipientUrl(i)].map((url, k) => opened(new WebSocket(`${url}/?user=${k ? 'r' : 's'}${i}`, { perMessageDeflate: false }))));
      recipient!.on('message', (data) => onReceive((JSON.parse(data.toString()) as { id: number }).id));
      return { send: (to, id) => sender!.send(JSON.stringify({ to: `r${to}`, id, body: `${id}${PADDING}` })), close: () => [sender, recipient].forEach((s) => s!.terminate()) } satisfies Pair;
    })));
  } else if (config.target === 'socketio') {
    pairs.push(...(await inBatches(config.pairs, 50, async (i) => {
      const [sender, recipient] = await Promise.all([senderUrl(i), recipientUrl(i)].map((url, k) => opened(connectSocketIo(url, { ...opts, auth: { user: `${k ? 'r' : 's'}${i}` } }))));
      recipient!.on('message:new', (payload: { id: number }) => onReceive(payload.id));
      return {
        send: (to, id, onAck) => sender!.timeout(10_000).emit('message:send', { to: `r${to}`, id, body: `${id}${PADDING}` }, (error: Error | null) => onAck(!error)),
        close: () => [sender, recipient].forEach((s) => s!.disconnect()),
      } satisfies Pair;
    })));
  } else {
    // Real users, direct chats and Auth.js session cookies, made the way the integration tests make them.
    const { makeChat, mintSessionToken, cookieHeader } = await import('@/lib/testing/harness');
    const { getSql } = await import('@/db');
    countStored = async () => (await getSql()`select count(*)::int as n from messages`)[0]!.n as number;
    const chats = await inBatches(config.pairs, 20, () => makeChat());
    pairs.push(...(await inBatches(config.pairs, 25, async (i) => {
      const { a, b, chatId } = chats[i]!;
      const connect = async (user: typeof a, url: string) => opened(connectSocketIo(url, { ...opts, extraHeaders: { cookie: cookieHeader(await mintSessionToken(user)) } }));
      const [sender, recipient] = await Promise.all([connect(a, senderUrl(i)), connect(b, recipientUrl(i))]);
      recipient!.on('message:new', (message: { body: string; senderId: string }) => {
        if (message.senderId === a.id) onReceive(Number.parseInt(message.body, 10));
      });
      return {
        send: (_to, id, onAck) => sender!.timeout(10_000).emit('message:send', { chatId, clientId: crypto.randomUUID(), body: `${id}${PADDING}` }, (error: Error | null, reply?: { ok: boolean }) => onAck(!error && reply?.ok === true)),
        close: () => [sender, recipient].forEach((s) => s!.disconnect()),
      } satisfies Pair;
    })));
  }

  // Rooms are joined (for P2 and B2, Redis channels subscribed) just after each connection: let the last ones finish.
  await wait(200);
  const results: PhaseResult[] = [];
  let first = 0;
  for (const phase of config.phases) {
    const count = Math.ceil(phase.rate * phase.seconds);
    // An invalid phase leaves a backlog behind that would be charged to the next one: stop climbing. So does
    // a ceiling search once a rate was over its bound.
    const over = config.stopAboveP99Ms === undefined ? undefined : results.find((result) => !result.warmup && result.latency.p99 >= config.stopAboveP99Ms!);
    if (over || results.some((result) => result.invalid.length)) {
      const why = over ? `not run: ${over.rate}/s already reached p99 ${config.stopAboveP99Ms} ms` : 'not run: a lower rate was already invalid';
      results.push({ rate: phase.rate, warmup: phase.warmup === true, sent: 0, received: 0, maxLagMs: 0, latency: new Histogram().summary(), ack: null, invalid: [why] });
      continue;
    }
    histogram = new Histogram();
    const acks = new Histogram();
    let ackFailures = 0;
    const receivedBefore = received;
    const { maxLagMs } = await sendOnSchedule(count, phase.rate, (k, at) => {
      const index = first + k;
      scheduled[index] = at;
      pairs[k % pairs.length]!.send(k % pairs.length, index, (ok) => (ok ? acks.record(performance.now() - at) : ackFailures++));
    });
    const drainUntil = performance.now() + config.drainMs;
    while (received - receivedBefore < count && performance.now() < drainUntil) await wait(10);
    const invalid: string[] = [];
    const got = received - receivedBefore;
    if (got < count) invalid.push(`${count - got} of ${count} not received within ${config.drainMs} ms of the last send`);
    if (maxLagMs > config.maxLagMs) invalid.push(`generator ${maxLagMs.toFixed(0)} ms behind schedule (bound ${config.maxLagMs} ms)`);
    if (config.target !== 'ws') {
      // Acks come after commit; give the last ones the drain time too. B0 has no acks.
      while (acks.count + ackFailures < count && performance.now() < drainUntil) await wait(10);
      const unanswered = count - acks.count - ackFailures;
      if (unanswered > 0) invalid.push(`${unanswered} sends not acked within ${config.drainMs} ms of the last send`);
    }
    if (ackFailures) invalid.push(`${ackFailures} sends refused or unacked`);
    if (countStored) {
      const stored = await countStored();
      if (stored !== first + count) invalid.push(`Postgres holds ${stored} messages, expected ${first + count}`);
    }
    if (duplicates) invalid.push(`${duplicates} duplicates`);
    results.push({ rate: phase.rate, warmup: phase.warmup === true, sent: count, received: got, maxLagMs, latency: histogram.summary(), ack: acks.count ? acks.summary() : null, invalid });
    first += count;
  }
  for (const pair of pairs) pair.close();
  if (countStored) await (await import('@/db')).closeDb();
  return results;
}

process.once('message', (config: LoadConfig) => {
  run(config).then(
    (phases): LoadResult => ({ ok: true, phases }),
    (error: unknown): LoadResult => ({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  ).then((result) => process.send?.(result, () => process.exit(0)));
});
// The orchestrator went away (Ctrl-C, crash): leave no orphan.
process.on('disconnect', () => process.exit(0));
