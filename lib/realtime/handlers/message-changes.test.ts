/**
 * Issue 5: edit (own text, 24 h), delete for everyone, reactions (toggling, one per user per emoji), each live for
 * the other members, also when they race. Who may not change what: message-change-refusals.test.ts.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { MAX_REACTIONS_PER_USER } from '@/db/queries/message-changes';
import { getMembership } from '@/db/queries/chats';
import { getMessageById, listRecentMessages } from '@/db/queries/messages';
import { getVisibleRecentMessages } from '@/lib/cache/recent-messages';
import { RECENT_MESSAGES } from '@/lib/realtime/events';
import { messages, type User } from '@/db/schema';
import {
  closeTestServices,
  emitRaw,
  makeChat,
  nextEvent,
  recordEvents,
  sendMessage,
  startRealtimeServer,
  type TestRealtimeServer,
  type TestSocket,
} from '@/lib/testing/harness';
import { ask, data, makeGroup, storedState } from './message-test-kit';

let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

const isIsoDate = (value: string | null) => value !== null && new Date(value).toISOString() === value;

describe('message:edit', () => {
  it('changes the author’s text, marks it edited, bumps its version and tells the other member live', async () => {
    const { a, b, chatId } = await makeChat();
    const [socketA, socketB] = await Promise.all([server.connect(a), server.connect(b)]);
    const sent = data(await sendMessage(socketA, { chatId, body: 'helo' }));
    const before = await storedState(chatId, sent.id);

    const heard = nextEvent(socketB, 'message:updated', (m) => m.id === sent.id);
    const edited = data(await ask.edit(socketA, { chatId, messageId: sent.id, body: 'hello' }));

    expect(edited).toEqual({ ...sent, body: 'hello', editedAt: expect.any(String), version: sent.version + 1 });
    expect(isIsoDate(edited.editedAt)).toBe(true);
    expect(await heard).toEqual(edited);
    expect(await getMessageById({ chatId, messageId: sent.id })).toEqual(edited);
    expect((await storedState(chatId, sent.id))!.revision).toBe(before!.revision + 1);
  });

  it('answers a retried edit (same text) with the message as it is, changing nothing', async () => {
    const { a, chatId } = await makeChat();
    const socket = await server.connect(a);
    const sent = data(await sendMessage(socket, { chatId, body: 'first' }));
    const edited = data(await ask.edit(socket, { chatId, messageId: sent.id, body: 'second' }));

    expect(await ask.edit(socket, { chatId, messageId: sent.id, body: 'second' })).toEqual({ ok: true, data: edited });
    expect((await storedState(chatId, sent.id))!.version).toBe(1);
  });

  it('refuses an empty or too long text before touching anything', async () => {
    const { a, chatId } = await makeChat();
    const socket = await server.connect(a);
    const sent = data(await sendMessage(socket, { chatId, body: 'keep me' }));
    expect(await emitRaw(socket, 'message:edit', { chatId, messageId: sent.id, body: '  ' })).toEqual({ ok: false, error: 'invalid_input' });
    expect(await emitRaw(socket, 'message:edit', { chatId, messageId: sent.id, body: 'x'.repeat(4001) })).toEqual({ ok: false, error: 'too_long' });
    expect((await storedState(chatId, sent.id))!.body).toBe('keep me');
  });
});

describe('message:delete', () => {
  it('erases the text, mentions and reactions for everyone, live, and keeps the row as a marker', async () => {
    const { users, chatId } = await makeGroup(3);
    const [a, b, c] = users as [User, User, User];
    const [socketA, socketB, socketC] = (await Promise.all(users.map((user) => server.connect(user)))) as [TestSocket, TestSocket, TestSocket];
    const sent = data(await ask.send(socketA, { chatId, body: `secret for @${b.username}` }));
    expect(sent.mentionIds).toEqual([b.id]);
    data(await ask.react(socketC, { chatId, messageId: sent.id, emoji: '😮' }));

    const heardB = nextEvent(socketB, 'message:updated', (m) => m.id === sent.id && m.deleted);
    const heardC = nextEvent(socketC, 'message:updated', (m) => m.id === sent.id && m.deleted);
    const deleted = data(await ask.remove(socketA, { chatId, messageId: sent.id }));

    expect(deleted).toMatchObject({ id: sent.id, seq: sent.seq, body: '', deleted: true, mentionIds: [], reactions: [], version: 2 });
    expect(await heardB).toEqual(deleted);
    expect(await heardC).toEqual(deleted);
    const [row] = await getDb().select({ body: messages.body, deletedAt: messages.deletedAt }).from(messages).where(eq(messages.id, sent.id));
    expect(row).toEqual({ body: '', deletedAt: expect.any(Date) });
    // Nothing of the text stays searchable either (the vector is generated from the body).
    const [found] = await getDb().execute<{ n: number }>(sql`select count(*)::int as n from messages where id = ${sent.id} and search_vector @@ 'secret'::tsquery`);
    expect(found!.n).toBe(0);
    expect(a.id).not.toBe(c.id);
  });

  it('answers a retried delete with the deleted message, changing nothing', async () => {
    const { a, chatId } = await makeChat();
    const socket = await server.connect(a);
    const sent = data(await sendMessage(socket, { chatId, body: 'oops' }));
    const deleted = data(await ask.remove(socket, { chatId, messageId: sent.id }));
    expect(await ask.remove(socket, { chatId, messageId: sent.id })).toEqual({ ok: true, data: deleted });
  });

  it('deletes one’s own message also after the 24 h edit window', async () => {
    const { a, chatId } = await makeChat();
    const socket = await server.connect(a);
    const sent = data(await sendMessage(socket, { chatId, body: 'old news' }));
    await getDb().update(messages).set({ createdAt: sql`now() - interval '3 days'` }).where(eq(messages.id, sent.id));
    expect(await ask.remove(socket, { chatId, messageId: sent.id })).toMatchObject({ ok: true, data: { deleted: true } });
  });
});

describe('reaction:toggle', () => {
  it('adds and removes one reaction per user per emoji, with counts and who reacted, live for the others', async () => {
    const { users, chatId } = await makeGroup(3);
    const [a, b, c] = users as [User, User, User];
    const [socketA, socketB, socketC] = (await Promise.all(users.map((user) => server.connect(user)))) as [TestSocket, TestSocket, TestSocket];
    const sent = data(await ask.send(socketA, { chatId, body: 'react to me' }));
    const heardByC = recordEvents(socketC, 'message:updated', (m) => m.id === sent.id);

    data(await ask.react(socketB, { chatId, messageId: sent.id, emoji: '👍' }));
    data(await ask.react(socketC, { chatId, messageId: sent.id, emoji: '👍' }));
    const third = data(await ask.react(socketA, { chatId, messageId: sent.id, emoji: '❤️' }));
    expect(third.reactions).toEqual([
      { emoji: '👍', userIds: [b.id, c.id] },
      { emoji: '❤️', userIds: [a.id] },
    ]);
    expect(third.version).toBe(3);

    const lastHeard = nextEvent(socketC, 'message:updated', (m) => m.id === sent.id && m.version === 4);
    const toggledOff = data(await ask.react(socketB, { chatId, messageId: sent.id, emoji: '👍' }));
    expect(toggledOff.reactions).toEqual([
      { emoji: '👍', userIds: [c.id] },
      { emoji: '❤️', userIds: [a.id] },
    ]);
    expect(await lastHeard).toEqual(toggledOff);
    expect(heardByC.map((m) => m.version)).toEqual([1, 2, 3, 4]);
    // Any emoji, not only the quick set; a non-emoji is refused.
    expect(data(await ask.react(socketB, { chatId, messageId: sent.id, emoji: '🦩' })).reactions.at(-1)).toEqual({ emoji: '🦩', userIds: [b.id] });
    expect(await emitRaw(socketB, 'reaction:toggle', { chatId, messageId: sent.id, emoji: 'ok' })).toEqual({ ok: false, error: 'invalid_input' });
  });

  it(`allows one person ${MAX_REACTIONS_PER_USER} different emojis on a message, not a wall of them; others still react`, async () => {
    const { a, b, chatId } = await makeChat();
    const [socketA, socketB] = await Promise.all([server.connect(a), server.connect(b)]);
    const sent = data(await sendMessage(socketA, { chatId, body: 'popular' }));
    const emojis = Array.from({ length: MAX_REACTIONS_PER_USER + 1 }, (_, i) => String.fromCodePoint(0x1f600 + i));
    for (const emoji of emojis.slice(0, -1)) data(await ask.react(socketB, { chatId, messageId: sent.id, emoji }));

    expect(await ask.react(socketB, { chatId, messageId: sent.id, emoji: emojis.at(-1)! })).toEqual({ ok: false, error: 'invalid_input' });
    // Taking one back is always possible, and makes room again.
    data(await ask.react(socketB, { chatId, messageId: sent.id, emoji: emojis[0]! }));
    data(await ask.react(socketB, { chatId, messageId: sent.id, emoji: emojis.at(-1)! }));
    expect(data(await ask.react(socketA, { chatId, messageId: sent.id, emoji: emojis[0]! })).reactions).toHaveLength(MAX_REACTIONS_PER_USER + 1);
  });
});

describe('concurrent changes', () => {
  it('edits, reactions, replies and sends on one message all succeed, each change counted once, and readers see the end state', async () => {
    const { users, chatId } = await makeGroup(4);
    const sockets = (await Promise.all(users.map((user) => server.connect(user)))) as TestSocket[];
    const target = data(await ask.send(sockets[0]!, { chatId, body: 'everyone at once' }));
    const emojis = ['👍', '❤️', '😂', '😮'];

    const results = await Promise.all([
      ...sockets.flatMap((socket) => emojis.map((emoji) => ask.react(socket, { chatId, messageId: target.id, emoji }))),
      ...[1, 2, 3].map((i) => ask.edit(sockets[0]!, { chatId, messageId: target.id, body: `edit ${i}` })),
      ...sockets.map((socket, i) => ask.send(socket, { chatId, body: `reply ${i}`, replyToId: target.id })),
      ...sockets.map((socket, i) => ask.send(socket, { chatId, body: `plain ${i}` })),
    ]);

    expect(results.filter((result) => !result.ok)).toEqual([]);
    const final = (await getMessageById({ chatId, messageId: target.id }))!;
    // 16 reactions and 3 edits, each a distinct change: none lost, none counted twice.
    expect(final.version).toBe(sockets.length * emojis.length + 3);
    const counts = Object.fromEntries(final.reactions.map((r) => [r.emoji, new Set(r.userIds).size]));
    expect(counts).toEqual(Object.fromEntries(emojis.map((emoji) => [emoji, sockets.length])));
    expect((await storedState(chatId, target.id))!.revision).toBe(final.version);
    const membership = (await getMembership({ chatId, userId: users[1]!.id }))!;
    expect(membership.lastSeq).toBe(1 + 2 * sockets.length);
    expect(await getVisibleRecentMessages({ chatId, membership })).toEqual(await listRecentMessages({ chatId, limit: RECENT_MESSAGES }));
  });
});
