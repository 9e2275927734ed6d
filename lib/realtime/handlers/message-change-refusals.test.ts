/**
 * Issue 5: nobody edits, deletes or reacts where they may not: non-members, former members, someone else's message
 * (edit, delete), after 24 h (edit), system lines, deleted messages, messages outside one's window, another chat's
 * message. Each refusal writes nothing, and a non-member learns nothing.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { messages } from '@/db/schema';
import type { ErrorCode } from '@/lib/errors';
import { closeTestServices, makeChat, makeUser, sendMessage, startRealtimeServer, type TestRealtimeServer, type TestSocket } from '@/lib/testing/harness';
import { ask, data, endMembership, insertSystemLine, makeGroup, startWindowAfter, storedState } from './message-test-kit';

let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

type Op = 'edit' | 'remove' | 'react';
const run = (op: Op, socket: TestSocket, chatId: string, messageId: string) =>
  op === 'edit'
    ? ask.edit(socket, { chatId, messageId, body: 'changed' })
    : op === 'remove'
      ? ask.remove(socket, { chatId, messageId })
      : ask.react(socket, { chatId, messageId, emoji: '👍' });

/** Each case: who asks about which message, and what each change must answer. */
const refusals: [string, () => Promise<{ socket: TestSocket; chatId: string; messageId: string }>, Partial<Record<Op, ErrorCode>>][] = [
  [
    'a non-member',
    async () => {
      const { a, chatId } = await makeChat();
      const message = data(await sendMessage(await server.connect(a), { chatId, body: 'private' }));
      return { socket: await server.connect(await makeUser()), chatId, messageId: message.id };
    },
    { edit: 'not_found', remove: 'not_found', react: 'not_found' },
  ],
  [
    'a former member, on their own message sent while they belonged',
    async () => {
      const { users, chatId } = await makeGroup(3);
      const socket = await server.connect(users[1]!);
      const message = data(await ask.send(socket, { chatId, body: 'before I left' }));
      await endMembership(chatId, users[1]!.id, message.seq + 1);
      return { socket, chatId, messageId: message.id };
    },
    { edit: 'not_found', remove: 'not_found', react: 'not_found' },
  ],
  [
    'a member, on someone else’s message',
    async () => {
      const { a, b, chatId } = await makeChat();
      const message = data(await sendMessage(await server.connect(a), { chatId, body: 'mine' }));
      return { socket: await server.connect(b), chatId, messageId: message.id };
    },
    { edit: 'forbidden', remove: 'forbidden' },
  ],
  [
    'the author, after 24 hours',
    async () => {
      const { a, chatId } = await makeChat();
      const socket = await server.connect(a);
      const message = data(await sendMessage(socket, { chatId, body: 'yesterday' }));
      await getDb().update(messages).set({ createdAt: sql`now() - interval '24 hours 1 minute'` }).where(eq(messages.id, message.id));
      return { socket, chatId, messageId: message.id };
    },
    { edit: 'edit_window_passed' },
  ],
  [
    'the actor of a system line',
    async () => {
      const { users, chatId } = await makeGroup(3);
      const messageId = await insertSystemLine(chatId, users[0]!.id, { type: 'group_renamed', actorId: users[0]!.id, title: 'new' });
      return { socket: await server.connect(users[0]!), chatId, messageId };
    },
    { edit: 'forbidden', remove: 'forbidden', react: 'forbidden' },
  ],
  [
    'the author, on a deleted message',
    async () => {
      const { a, chatId } = await makeChat();
      const socket = await server.connect(a);
      const message = data(await sendMessage(socket, { chatId, body: 'gone' }));
      data(await ask.remove(socket, { chatId, messageId: message.id }));
      return { socket, chatId, messageId: message.id };
    },
    { edit: 'not_found', react: 'not_found' },
  ],
  [
    'a member added later, on a message from before their window',
    async () => {
      const { users, chatId } = await makeGroup(3);
      const message = data(await ask.send(await server.connect(users[0]!), { chatId, body: 'before you came' }));
      await startWindowAfter(chatId, users[2]!.id, message.seq);
      return { socket: await server.connect(users[2]!), chatId, messageId: message.id };
    },
    { react: 'not_found' },
  ],
  [
    'a member, naming a message of another chat',
    async () => {
      const { a, chatId } = await makeChat();
      const other = await makeChat();
      const message = data(await sendMessage(await server.connect(other.a), { chatId: other.chatId, body: 'elsewhere' }));
      return { socket: await server.connect(a), chatId, messageId: message.id };
    },
    { edit: 'not_found', remove: 'not_found', react: 'not_found' },
  ],
];

describe.each(refusals)('refused for %s', (_who, setup, expected) => {
  it.each(Object.entries(expected) as [Op, ErrorCode][])('%s answers %s and writes nothing', async (op, code) => {
    const { socket, chatId, messageId } = await setup();
    const before = await storedState(chatId, messageId);

    expect(await run(op, socket, chatId, messageId)).toEqual({ ok: false, error: code });
    expect(await storedState(chatId, messageId)).toEqual(before);
  });
});

describe('a non-member learns nothing', () => {
  it('hears for a real chat and message exactly what it hears for random ids', async () => {
    const { a, chatId } = await makeChat();
    const message = data(await sendMessage(await server.connect(a), { chatId, body: 'private' }));
    const stranger = await server.connect(await makeUser());
    for (const op of ['edit', 'remove', 'react'] as const) {
      const real = await run(op, stranger, chatId, message.id);
      expect(await run(op, stranger, randomUUID(), randomUUID())).toEqual(real);
      expect(await run(op, stranger, chatId, randomUUID())).toEqual(real);
    }
  });
});
