/**
 * Issue 3: "a per-user send rate limit answers rate_limited and keeps other users' latency unharmed".
 * The server here has a small explicit limit; refill is so slow that nothing refills while a test runs.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { messages } from '@/db/schema';
import type { Result } from '@/lib/errors';
import type { MessageDTO } from '@/lib/realtime/events';
import { closeTestServices, makeChat, sendMessage, startRealtimeServer, type TestRealtimeServer, type TestSocket } from '@/lib/testing/harness';

const BURST = 5;
let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer({ sendRate: { capacity: BURST, perSecond: 0.01 } });
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

/** `count` sends emitted back to back (spread over `sockets` in turn), each with its own clientId. */
function flood(sockets: TestSocket[], chatId: string, count: number) {
  const sent = Array.from({ length: count }, (_, i) => ({ chatId, clientId: randomUUID(), body: `flood ${i}` }));
  return Promise.all(sent.map((payload, i) => sendMessage(sockets[i % sockets.length]!, payload))).then((acks) => ({ sent, acks }));
}

const storedClientIds = async (chatId: string) =>
  (await getDb().select({ clientId: messages.clientId }).from(messages).where(eq(messages.chatId, chatId))).map((row) => row.clientId);

const answers = (acks: Result<MessageDTO>[]) => acks.map((ack) => (ack.ok ? 'ok' : ack.error));

describe('the per-user send limit', () => {
  it('answers rate_limited once the burst is spent, and stores nothing for the refused sends', async () => {
    const { a, chatId } = await makeChat();
    const socket = await server.connect(a);

    const { sent, acks } = await flood([socket], chatId, 20);

    // Packets from one socket are handled in order, and the limit is checked before any I/O.
    expect(answers(acks)).toEqual([...Array(BURST).fill('ok'), ...Array(20 - BURST).fill('rate_limited')]);
    // Accepted sends run concurrently, so they may commit in any order: compare as sets.
    expect((await storedClientIds(chatId)).sort()).toEqual(sent.slice(0, BURST).map((m) => m.clientId).sort());
  });

  it('is per user, not per socket: two tabs share one burst', async () => {
    const { a, chatId } = await makeChat();
    const tabs = await Promise.all([server.connect(a), server.connect(a)]);

    const { sent, acks } = await flood(tabs, chatId, 12);

    const accepted = sent.filter((_, i) => acks[i]!.ok).map((m) => m.clientId);
    expect(accepted).toHaveLength(BURST);
    expect(answers(acks).filter((answer) => answer !== 'ok')).toEqual(Array(12 - BURST).fill('rate_limited'));
    expect((await storedClientIds(chatId)).sort()).toEqual(accepted.sort());
  });

  it('keeps every send of other users succeeding while one user floods, in their chat and in the flooder’s', async () => {
    const flooded = await makeChat();
    const bystanders = await makeChat();
    const [flooder, peer, other] = await Promise.all([server.connect(flooded.a), server.connect(flooded.b), server.connect(bystanders.a)]);

    const [flooding, fromPeer, fromOther] = await Promise.all([
      flood([flooder], flooded.chatId, 60),
      flood([peer], flooded.chatId, BURST),
      flood([other], bystanders.chatId, BURST),
    ]);

    expect(answers(fromPeer.acks)).toEqual(Array(BURST).fill('ok'));
    expect(answers(fromOther.acks)).toEqual(Array(BURST).fill('ok'));
    expect(answers(flooding.acks).filter((answer) => answer === 'ok')).toHaveLength(BURST);
    expect(answers(flooding.acks).filter((answer) => answer !== 'ok')).toEqual(Array(60 - BURST).fill('rate_limited'));
    expect(await storedClientIds(flooded.chatId)).toHaveLength(BURST * 2);
  });
});
