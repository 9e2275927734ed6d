/**
 * Issue 5: replies quote a message the sender may read; @mentions name current members only; a former member
 * reads (sync and history route) what was sent while they belonged, and nothing after.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getMessageById, listMessagesAfter } from '@/db/queries/messages';
import { toUserDTO } from '@/db/queries/users';
import type { User } from '@/db/schema';
import { HISTORY_PAGE_SIZE, type UserDTO } from '@/lib/realtime/events';
import { closeTestServices, makeChat, sendMessage, startRealtimeServer, syncMessages, type TestRealtimeServer } from '@/lib/testing/harness';
import { ask, data, endMembership, makeGroup, startWindowAfter } from './message-test-kit';

// The route reads the session through Auth.js, which needs a Next request; the route's own logic is under test.
const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const { GET } = await import('@/app/api/chats/[chatId]/messages/route');

let server: TestRealtimeServer;

beforeAll(async () => {
  server = await startRealtimeServer();
});

afterAll(async () => {
  await server?.close();
  await closeTestServices();
});

async function getHistory(chatId: string, query: string) {
  const response = await GET(new Request(`http://localhost/api/chats/${chatId}/messages?${query}`), { params: Promise.resolve({ chatId }) });
  return { status: response.status, body: (await response.json()) as { ok: boolean; data?: { messages: { seq: number }[]; hasMore: boolean } } };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('replies', () => {
  it('store the original and answer a quote of it: sender, seq and snippet; the other member gets the same', async () => {
    const { a, b, chatId } = await makeChat();
    const [socketA, socketB] = await Promise.all([server.connect(a), server.connect(b)]);
    const original = data(await sendMessage(socketA, { chatId, body: `long ${'x'.repeat(200)}` }));

    const reply = data(await ask.send(socketB, { chatId, body: 'answer', replyToId: original.id }));

    expect(reply.replyTo).toEqual({ id: original.id, seq: original.seq, senderId: a.id, snippet: `long ${'x'.repeat(115)}`, deleted: false });
    expect(await getMessageById({ chatId, messageId: reply.id })).toEqual(reply);
  });

  it('to a deleted message are allowed, and the quote says deleted without its text', async () => {
    const { a, b, chatId } = await makeChat();
    const [socketA, socketB] = await Promise.all([server.connect(a), server.connect(b)]);
    const original = data(await sendMessage(socketA, { chatId, body: 'regret' }));
    data(await ask.remove(socketA, { chatId, messageId: original.id }));

    const reply = data(await ask.send(socketB, { chatId, body: 'what did you say?', replyToId: original.id }));
    expect(reply.replyTo).toEqual({ id: original.id, seq: original.seq, senderId: a.id, snippet: '', deleted: true });
  });

  it('show the original as it is now once it is edited or deleted', async () => {
    const { a, b, chatId } = await makeChat();
    const [socketA, socketB] = await Promise.all([server.connect(a), server.connect(b)]);
    const original = data(await sendMessage(socketA, { chatId, body: 'draft' }));
    const reply = data(await ask.send(socketB, { chatId, body: 'ok', replyToId: original.id }));

    data(await ask.edit(socketA, { chatId, messageId: original.id, body: 'final' }));
    expect((await getMessageById({ chatId, messageId: reply.id }))!.replyTo).toMatchObject({ snippet: 'final', deleted: false });
    data(await ask.remove(socketA, { chatId, messageId: original.id }));
    expect((await getMessageById({ chatId, messageId: reply.id }))!.replyTo).toMatchObject({ snippet: '', deleted: true });
  });

  it.each([
    ['a message of another chat', 'other'],
    ['a message that does not exist', 'random'],
    ['a message from before the sender’s window', 'before-window'],
  ])('to %s are refused with not_found and store nothing', async (_case, kind) => {
    const { users, chatId } = await makeGroup(3);
    const socket = await server.connect(users[2]!);
    const first = data(await ask.send(await server.connect(users[0]!), { chatId, body: 'early' }));
    let replyToId: string = randomUUID();
    if (kind === 'other') {
      const other = await makeChat();
      replyToId = data(await sendMessage(await server.connect(other.a), { chatId: other.chatId, body: 'elsewhere' })).id;
    }
    if (kind === 'before-window') {
      await startWindowAfter(chatId, users[2]!.id, first.seq);
      replyToId = first.id;
    }

    expect(await ask.send(socket, { chatId, body: 'reply', replyToId })).toEqual({ ok: false, error: 'not_found' });
    expect((await listMessagesAfter({ chatId, afterSeq: 0, limit: 10 })).map((m) => m.body)).toEqual(['early']);
  });
});

describe('mentions', () => {
  it('name current members by @username, case-insensitively; not the sender, strangers or former members', async () => {
    const { users, chatId } = await makeGroup(4);
    const [sender, member, former] = users as [User, User, User];
    const stranger = (await makeChat()).a;
    await endMembership(chatId, former.id, 0);
    const socket = await server.connect(sender);

    const body = `hi @${member.username.toUpperCase()}, @${sender.username}, @${former.username}, @${stranger.username} and mail@${users[3]!.username}`;
    const sent = data(await ask.send(socket, { chatId, body }));

    expect(sent.mentionIds).toEqual([member.id]);
    expect((await getMessageById({ chatId, messageId: sent.id }))!.mentionIds).toEqual([member.id]);
  });

  it('are resolved again when the text is edited', async () => {
    const { users, chatId } = await makeGroup(3);
    const socket = await server.connect(users[0]!);
    const sent = data(await ask.send(socket, { chatId, body: `ping @${users[1]!.username}` }));

    const edited = data(await ask.edit(socket, { chatId, messageId: sent.id, body: `ping @${users[2]!.username} instead` }));
    expect(edited.mentionIds).toEqual([users[2]!.id]);
  });
});

describe('a former member reads their window only', () => {
  /** 10 messages; the reader left at 6 (the line saying so), 4 more were sent after. */
  async function groupLeftAtSix() {
    const { users, chatId } = await makeGroup(3);
    const sender = await server.connect(users[0]!);
    for (let i = 1; i <= 10; i++) data(await ask.send(sender, { chatId, body: `m${i}` }));
    await endMembership(chatId, users[1]!.id, 6);
    return { chatId, former: users[1]!, current: users[2]! };
  }

  it('on message:sync', async () => {
    const { chatId, former, current } = await groupLeftAtSix();
    const socket = await server.connect(former);

    const page = data(await syncMessages(socket, { chatId, afterSeq: 3 }));
    expect(page.messages.map((m) => m.seq)).toEqual([4, 5, 6]);
    expect(page.hasMore).toBe(false);
    expect(data(await syncMessages(socket, { chatId, afterSeq: 6 })).messages).toEqual([]);
    expect(data(await syncMessages(await server.connect(current), { chatId, afterSeq: 3 })).messages.map((m) => m.seq)).toEqual(range(4, 10));
    // A member added later syncs from their window on, whatever they ask for.
    await startWindowAfter(chatId, current.id, 7);
    expect(data(await syncMessages(await server.connect(current), { chatId, afterSeq: 0 })).messages.map((m) => m.seq)).toEqual(range(8, 10));
  });

  it('on the history route, and a late joiner nothing before their window', async () => {
    const { chatId, former, current } = await groupLeftAtSix();
    await startWindowAfter(chatId, current.id, 7);

    session.user = toUserDTO(former);
    const formerPage = await getHistory(chatId, 'before=11');
    expect(formerPage.status).toBe(200);
    expect(formerPage.body.data!.messages.map((m) => m.seq)).toEqual(range(1, 6));

    session.user = toUserDTO(current);
    expect((await getHistory(chatId, 'before=11')).body.data!.messages.map((m) => m.seq)).toEqual(range(8, 10));
  });
});

describe('the history route', () => {
  it('takes a limit of 1..500 (default 50) so a far quote is reached in few requests', async () => {
    const { a, chatId } = await makeChat();
    const socket = await server.connect(a);
    for (let i = 1; i <= 60; i++) data(await sendMessage(socket, { chatId, body: `m${i}` }));
    session.user = toUserDTO(a);

    const byDefault = await getHistory(chatId, 'before=61');
    expect(byDefault.body.data!.messages).toHaveLength(HISTORY_PAGE_SIZE);
    expect(byDefault.body.data!.hasMore).toBe(true);
    const wide = await getHistory(chatId, 'before=61&limit=500');
    expect(wide.body.data!.messages.map((m) => m.seq)).toEqual(range(1, 60));
    expect(wide.body.data!.hasMore).toBe(false);
    const narrow = await getHistory(chatId, 'before=30&limit=5');
    expect(narrow.body.data).toEqual({ messages: expect.any(Array), hasMore: true });
    expect(narrow.body.data!.messages.map((m) => m.seq)).toEqual(range(25, 29));
    for (const limit of ['0', '501', 'many']) {
      expect(await getHistory(chatId, `before=61&limit=${limit}`)).toEqual({ status: 400, body: { ok: false, error: 'invalid_input' } });
    }
  });
});
