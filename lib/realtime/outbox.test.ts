import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { messages } from '@/db/schema';
import type { MessageDTO } from '@/lib/realtime/events';
import { closeTestServices, makeChat, sendMessage, startRealtimeServer, waitFor, type TestRealtimeServer } from '@/lib/testing/harness';
import { Outbox, type OutboxEntry } from './outbox';

// The browser's outbox, driven here over a real socket to the real server (no IndexedDB in Node: it keeps
// its entries in memory, which is what a private window does too).
let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

async function storedRows(chatId: string, clientId: string) {
  return getDb()
    .select({ replyToId: messages.replyToId, count: sql<number>`count(*) over ()::int` })
    .from(messages)
    .where(and(eq(messages.chatId, chatId), eq(messages.clientId, clientId)));
}

function collectStored(outbox: Outbox): MessageDTO[] {
  const stored: MessageDTO[] = [];
  outbox.onStored((message) => stored.push(message));
  return stored;
}

describe('the outbox', () => {
  it('sends a reply with the message it answers, stored once however often it is flushed', async () => {
    const { a, b, chatId } = await makeChat();
    const peer = await server.connect(b);
    const original = await sendMessage(peer, { chatId, body: 'Dinner at eight?' });
    if (!original.ok) throw new Error(original.error);

    const socket = await server.connect(a);
    const outbox = new Outbox(socket, a.id);
    const stored = collectStored(outbox);
    const clientId = randomUUID();
    await outbox.add({ clientId, chatId, body: 'Yes!', replyToId: original.data.id, createdAt: new Date().toISOString() });
    // A reconnect and a focus flush at the same moment must not send it twice.
    await Promise.all([outbox.flush(), outbox.flush()]);

    const message = await waitFor(async () => stored[0], 'the stored reply');
    expect(message.replyTo).toMatchObject({ id: original.data.id, senderId: b.id, snippet: 'Dinner at eight?', deleted: false });
    expect(outbox.snapshot()).toEqual([]);
    const rows = await storedRows(chatId, clientId);
    expect(rows).toEqual([{ replyToId: original.data.id, count: 1 }]);
  });

  it('still sends an entry saved before replies existed (no replyToId) as a plain message', async () => {
    const { a, chatId } = await makeChat();
    const socket = await server.connect(a);
    const outbox = new Outbox(socket, a.id);
    const stored = collectStored(outbox);
    const clientId = randomUUID();
    const saved: Omit<OutboxEntry, 'status' | 'userId'> = { clientId, chatId, body: 'written yesterday', createdAt: new Date().toISOString() };
    await outbox.add(saved);

    const message = await waitFor(async () => stored[0], 'the stored message');
    expect(message).toMatchObject({ clientId, body: 'written yesterday', replyTo: null });
    expect(await storedRows(chatId, clientId)).toEqual([{ replyToId: null, count: 1 }]);
  });
});
