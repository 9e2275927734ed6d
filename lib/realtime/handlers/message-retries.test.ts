import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { getMembership } from '@/db/queries/chats';
import { chats, messages } from '@/db/schema';
import type { MessageDTO } from '@/lib/realtime/events';
import { closeTestServices, makeChat, nextEvent, recordMessages, sendMessage, startRealtimeServer, type TestRealtimeServer } from '@/lib/testing/harness';

let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

async function countStored(input: { chatId: string; clientId: string }): Promise<number> {
  const [row] = await getDb()
    .select({ count: sql<number>`count(*)::int` })
    .from(messages)
    .where(and(eq(messages.chatId, input.chatId), eq(messages.clientId, input.clientId)));
  return row!.count;
}

const dataOf = (ack: { ok: true; data: MessageDTO } | { ok: false; error: string }): MessageDTO => {
  if (!ack.ok) throw new Error(`send failed: ${ack.error}`);
  return ack.data;
};

describe('a retried message:send', () => {
  it('is stored once and acked with the same id and seq', async () => {
    const { a, chatId } = await makeChat();
    const socket = await server.connect(a);
    const clientId = randomUUID();

    const first = dataOf(await sendMessage(socket, { chatId, clientId, body: 'once' }));
    const retry = dataOf(await sendMessage(socket, { chatId, clientId, body: 'once' }));

    expect(retry).toEqual(first);
    expect(await countStored({ chatId, clientId })).toBe(1);
    expect(await getMembership({ chatId, userId: a.id })).toMatchObject({ lastSeq: 1 });
  });

  it('is stored once when two sends of one clientId race, from two tabs of the sender', async () => {
    const { a, chatId } = await makeChat();
    const [tab1, tab2] = await Promise.all([server.connect(a), server.connect(a)]);

    for (let round = 1; round <= 5; round++) {
      const clientId = randomUUID();
      const acks = await Promise.all([
        sendMessage(tab1, { chatId, clientId, body: `race ${round}` }),
        sendMessage(tab2, { chatId, clientId, body: `race ${round}` }),
      ]);
      const [x, y] = acks.map(dataOf);

      expect(y).toEqual(x);
      expect(x!.seq).toBe(round);
      expect(await countStored({ chatId, clientId })).toBe(1);
    }
    // The losing transaction's increment was rolled back: no number was skipped.
    expect(await getMembership({ chatId, userId: a.id })).toMatchObject({ lastSeq: 5 });
  });

  it('is broadcast once, not once per retry', async () => {
    const { a, b, chatId } = await makeChat();
    const [sender, receiver] = await Promise.all([server.connect(a), server.connect(b)]);
    const heard = recordMessages(receiver);
    const clientId = randomUUID();
    const acks = await Promise.all([1, 2, 3].map(() => sendMessage(sender, { chatId, clientId, body: 'dup' })));
    // A barrier, not a sleep: a later message arrives after anything the retries could have emitted.
    const barrierHeard = nextEvent(receiver, 'message:new', (m) => m.body === 'after');
    const barrier = dataOf(await sendMessage(sender, { chatId, body: 'after' }));
    await barrierHeard;

    expect(heard.map((m) => m.clientId)).toEqual([clientId, barrier.clientId]);
    expect(new Set(acks.map((ack) => dataOf(ack).id)).size).toBe(1);
  });
});

describe('concurrent sends from both members', () => {
  it('number messages 1..N without gaps, each acked once, matching Postgres', async () => {
    const { a, b, chatId } = await makeChat();
    const [socketA, socketB] = await Promise.all([server.connect(a), server.connect(b)]);
    const perMember = 20;

    const acks = await Promise.all(
      Array.from({ length: perMember }, (_, i) => [
        sendMessage(socketA, { chatId, body: `a${i}` }),
        sendMessage(socketB, { chatId, body: `b${i}` }),
      ]).flat(),
    );
    const sent = acks.map(dataOf);
    const total = perMember * 2;

    expect(sent.map((m) => m.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const stored = await getDb().select().from(messages).where(eq(messages.chatId, chatId)).orderBy(messages.seq);
    expect(stored.map((m) => [m.seq, m.id])).toEqual(
      [...sent].sort((x, y) => x.seq - y.seq).map((m) => [m.seq, m.id]),
    );
    const [chat] = await getDb().select({ lastSeq: chats.lastSeq }).from(chats).where(eq(chats.id, chatId));
    expect(chat?.lastSeq).toBe(total);
  });
});
